package pack

import (
	"embed"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/parquet"
)

// The built-in packs, made by Build from the upstream files
// (go test ./pack -run TestBuiltin -update rewrites them), and the
// upstream licences: the binary that embeds the packs carries them too.
//
//go:embed builtin/*.parquet builtin/LICENSES
var builtinFiles embed.FS

// BuiltinNames lists the built-in packs, sorted.
func BuiltinNames() []string {
	names := make([]string, 0, len(builtins))
	for n := range builtins {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Builtin reads the built-in pack of a benchmark (BuiltinNames). Each call
// decodes the embedded file anew: the Pack is the caller's to change.
func Builtin(name string) (*Pack, error) {
	if _, ok := builtins[name]; !ok {
		return nil, fmt.Errorf("no built-in pack %q (want %s)", name, strings.Join(BuiltinNames(), ", "))
	}
	path := "builtin/" + name + ".parquet"
	f, err := builtinFiles.Open(path)
	if err != nil {
		return nil, fmt.Errorf("built-in pack %s: %v", name, err)
	}
	defer f.Close()
	// Read in place: an embedded file is a ReaderAt and a Seeker.
	return readFrom("(embedded) pack/"+path, f.(parquet.ReaderAtSeeker))
}

// BuiltinLicense is the text of the upstream licence files of a built-in
// pack, each after a line naming it.
func BuiltinLicense(name string) (string, error) {
	b, ok := builtins[name]
	if !ok {
		return "", fmt.Errorf("no built-in pack %q (want %s)", name, strings.Join(BuiltinNames(), ", "))
	}
	var out strings.Builder
	for _, path := range b.licenses {
		text, err := builtinFiles.ReadFile("builtin/LICENSES/" + path)
		if err != nil {
			return "", fmt.Errorf("built-in pack %s: %v", name, err)
		}
		fmt.Fprintf(&out, "==> %s <==\n%s\n", path, text)
	}
	return out.String(), nil
}
