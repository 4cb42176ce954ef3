package scripts

import _ "embed"

// Manifest is MANIFEST.tsv, the list of upstream files fetch_data.sh
// downloads (path, bytes, sha256, pinned URL; tab-separated, with a
// header), for Go code that must check those files without the checkout
// at hand (package pack builds benchmark packs from them).
//
//go:embed MANIFEST.tsv
var Manifest string
