#!/usr/bin/env bash
# fetch_data.sh: download edgeroute's public benchmark data and verify it.
#
# Usage: bash scripts/fetch_data.sh [--hf] [DIR]
#
# Downloads every file listed in scripts/MANIFEST.tsv (path, bytes, sha256,
# pinned upstream URL) into DIR, default the directory evalrun looks in:
# <user cache dir>/edgeroute/data (Linux: ${XDG_CACHE_HOME:-~/.cache}/edgeroute/data,
# macOS: ~/Library/Caches/edgeroute/data). Each file is downloaded to a
# temporary name, checked against its sha256 and only then renamed into
# place, so an interrupted or failed run never leaves a half-written file;
# files already present with the right checksum are skipped. A checksum
# mismatch stops the script with status 1, naming the file.
#
# FETCH_DATA_MIRROR replaces the upstream hosts: a directory or an http(s)
# base URL under which each file is found at its manifest path.
#
# --hf also fetches the Hugging Face Parquet exports of the test sets:
#   https://huggingface.co/datasets/cais/mmlu/resolve/main/all/test-00000-of-00001.parquet
#   https://huggingface.co/datasets/openai/gsm8k/resolve/main/main/test-00000-of-00001.parquet
# into DIR/hf/ (for `evalrun --records`). Upstream publishes no checksums for
# them: their sha256 is recorded in DIR/hf/SHA256SUMS.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
manifest="$here/MANIFEST.tsv"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

hf=0
dir=""
for arg in "$@"; do
  case "$arg" in
    --hf) hf=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "fetch_data.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
    *) [ -z "$dir" ] || { echo "fetch_data.sh: more than one DIR" >&2; exit 2; }; dir="$arg" ;;
  esac
done
if [ -z "$dir" ]; then
  if [ "$(uname)" = Darwin ]; then cache="$HOME/Library/Caches"; else cache="${XDG_CACHE_HOME:-$HOME/.cache}"; fi
  dir="$cache/edgeroute/data"
fi
mirror="${FETCH_DATA_MIRROR:-}"

if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | cut -d' ' -f1; }
else
  echo "fetch_data.sh: needs sha256sum or shasum" >&2; exit 2
fi

# download URL DEST: fetch URL (or copy a path) to DEST.
download() {
  case "$1" in
    http://*|https://*)
      if command -v curl >/dev/null 2>&1; then
        curl -fsSL --retry 3 --connect-timeout 20 -o "$2" "$1"
      elif command -v wget >/dev/null 2>&1; then
        wget -q -O "$2" "$1"
      else
        echo "fetch_data.sh: needs curl or wget to download $1" >&2; return 2
      fi ;;
    *) cp "$1" "$2" ;;
  esac
}

# source_of PATH URL: where to get a manifest file from (the mirror, if set).
source_of() {
  if [ -n "$mirror" ]; then echo "${mirror%/}/$1"; else echo "$2"; fi
}

downloaded=0
present=0
# fetch PATH URL SHA256: make DIR/PATH hold the file whose checksum is
# SHA256 (empty: any; its checksum is printed).
fetch() {
  local path="$1" url="$2" want="$3" dest="$dir/$1"
  if [ -n "$want" ] && [ -f "$dest" ] && [ "$(sha256 "$dest")" = "$want" ]; then
    present=$((present + 1))
    checksum="$want"
    return 0
  fi
  mkdir -p "$(dirname "$dest")"
  local tmp
  tmp="$(mktemp "$dest.part.XXXXXX")"
  trap 'rm -f "$tmp"' EXIT
  if ! download "$url" "$tmp"; then
    rm -f "$tmp"
    echo "fetch_data.sh: $path: download from $url failed" >&2
    exit 1
  fi
  local got
  got="$(sha256 "$tmp")"
  if [ -n "$want" ] && [ "$got" != "$want" ]; then
    rm -f "$tmp"
    echo "fetch_data.sh: $path: sha256 $got, want $want (from $url); nothing written" >&2
    exit 1
  fi
  chmod 644 "$tmp"
  mv -f "$tmp" "$dest"
  trap - EXIT
  downloaded=$((downloaded + 1))
  checksum="$got"
}

[ -f "$manifest" ] || { echo "fetch_data.sh: no manifest at $manifest" >&2; exit 2; }
mkdir -p "$dir"
while IFS=$'\t' read -r path bytes sum url; do
  [ "$path" = path ] && continue # header
  case "$path" in ''|/*|*..*) echo "fetch_data.sh: $manifest: bad path '$path'" >&2; exit 2 ;; esac
  fetch "$path" "$(source_of "$path" "$url")" "$sum"
done < "$manifest"

if [ "$hf" = 1 ]; then
  sums="$dir/hf/SHA256SUMS"
  : > "$sums.part"
  for spec in \
    "hf/mmlu/all/test-00000-of-00001.parquet https://huggingface.co/datasets/cais/mmlu/resolve/main/all/test-00000-of-00001.parquet" \
    "hf/gsm8k/main/test-00000-of-00001.parquet https://huggingface.co/datasets/openai/gsm8k/resolve/main/main/test-00000-of-00001.parquet"; do
    set -- $spec
    # A file recorded by an earlier run is verified against that record.
    known="$(grep -F "  ${1#hf/}" "$sums" 2>/dev/null | cut -d' ' -f1 || true)"
    fetch "$1" "$(source_of "$1" "$2")" "$known"
    echo "$checksum  ${1#hf/}" >> "$sums.part"
  done
  mv -f "$sums.part" "$sums"
fi

echo "fetch_data.sh: $dir: $((downloaded + present)) files verified ($downloaded downloaded, $present already present)"
