#!/usr/bin/env bash
# fetch_data.sh: download edgeroute's public benchmark data and verify it.
#
# Usage: bash scripts/fetch_data.sh [--hf] [DIR]
#
# Downloads every file listed in scripts/MANIFEST.tsv (path, bytes, sha256,
# pinned upstream URL; about 23 MB) into DIR, by default the directory
# evalrun looks in: <user cache dir>/edgeroute/data, that is
# ${XDG_CACHE_HOME:-$HOME/.cache}/edgeroute/data on Linux and
# ~/Library/Caches/edgeroute/data on macOS. Each file is downloaded to a
# temporary name beside its destination, checked against its sha256 and only
# then renamed into place, so a failed or interrupted run never leaves a
# half-written file. Files already present with the right checksum are not
# downloaded again. A checksum mismatch stops the script (status 1) naming
# the file, the expected and the actual checksum.
#
# FETCH_DATA_MIRROR replaces the upstream hosts: a directory or an http(s)
# base URL; the file at manifest path P is taken from $FETCH_DATA_MIRROR/P.
# When a download fails the script says so, and how to use a mirror or
# point evalrun at data you already have (--data DIR, $EDGEROUTE_DATA).
#
# At a terminal it shows its progress on stderr (file n of N, bytes so far);
# elsewhere it prints the path of each file it downloads on stdout.
#
# --hf also fetches the Hugging Face Parquet exports of the test sets
# (for `evalrun --records FILE`):
#   https://huggingface.co/datasets/cais/mmlu/resolve/main/all/test-00000-of-00001.parquet
#     -> DIR/hf/mmlu/all/test-00000-of-00001.parquet
#   https://huggingface.co/datasets/openai/gsm8k/resolve/main/main/test-00000-of-00001.parquet
#     -> DIR/hf/gsm8k/main/test-00000-of-00001.parquet
# Upstream publishes no checksums for them: the first download records their
# sha256 in DIR/hf/SHA256SUMS (`sha256sum -c` format), and later runs verify
# against that record (delete it to accept a new upstream version).
#
# Needs bash, curl or wget (for http(s) sources), and sha256sum or shasum.
# Exit status: 0 done, 1 a download or checksum failed, 2 bad usage or setup.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
manifest="$here/MANIFEST.tsv"

# tty: stderr is a terminal, where the progress line is redrawn in place
# and cleared before anything else is written.
tty=0
[ -t 2 ] && tty=1
clear_progress() { if [ "$tty" = 1 ]; then printf '\r\033[K' >&2; fi; }
say() { clear_progress; echo "fetch_data.sh: $*" >&2; }
# hint: after a failed download, where else the data can come from.
hint() {
  if [ -n "$mirror" ]; then
    say "FETCH_DATA_MIRROR=$mirror must hold the files under their manifest paths (a directory or an http(s) base URL); unset it to download from the upstream hosts"
  else
    say "no access to the upstream hosts? Set FETCH_DATA_MIRROR to a directory or an http(s) base URL that holds the files under their manifest paths (see --help)"
  fi
  say "data you already have elsewhere needs no download: evalrun --data DIR, or EDGEROUTE_DATA=DIR"
}
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

hf=0
dir=""
for arg in "$@"; do
  case "$arg" in
    --hf) hf=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) say "unknown option $arg (see --help)"; exit 2 ;;
    *) if [ -n "$dir" ]; then say "more than one DIR ($dir, $arg)"; exit 2; fi; dir="$arg" ;;
  esac
done
if [ -z "$dir" ]; then
  if [ "$(uname)" = Darwin ]; then
    dir="${HOME:?}/Library/Caches/edgeroute/data"
  elif [ -n "${XDG_CACHE_HOME:-}" ]; then
    dir="$XDG_CACHE_HOME/edgeroute/data"
  else
    dir="${HOME:?neither XDG_CACHE_HOME nor HOME is set: give DIR}/.cache/edgeroute/data"
  fi
fi
mirror="${FETCH_DATA_MIRROR:-}"
mirror="${mirror%/}"

# sha256 FILE: set $sum to FILE's sha256 (hex).
if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sum="$(sha256sum -- "$1")" && sum="${sum%% *}"; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { sum="$(shasum -a 256 -- "$1")" && sum="${sum%% *}"; }
else
  say "needs sha256sum or shasum"; exit 2
fi

# download SOURCE DEST: copy SOURCE, a URL or a path, to DEST.
download() {
  case "$1" in
    http://*|https://*)
      if command -v curl >/dev/null 2>&1; then
        curl -fsSL --retry 3 --connect-timeout 20 -o "$2" "$1"
      elif command -v wget >/dev/null 2>&1; then
        wget -q -T 20 -t 3 -O "$2" "$1"
      else
        say "needs curl or wget to download $1 (neither is installed), or FETCH_DATA_MIRROR set to a directory holding the files"; exit 2
      fi ;;
    *) cp -- "$1" "$2" ;;
  esac
}

# The temporary file being written, removed if the script stops early.
part=""
trap 'if [ -n "$part" ]; then rm -f -- "$part"; fi; clear_progress' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

downloaded=0
present=0
# Progress: files and manifest bytes handled so far, of the totals.
nth=0
total=0
bytes_done=0
bytes_total=0
# mb BYTES: BYTES in MB with one decimal.
mb() { printf '%d.%d' "$(($1 / 1000000))" "$((($1 % 1000000) / 100000))"; }
# progress PATH: at a terminal, the line "file n of N, x of y MB: PATH".
progress() {
  [ "$tty" = 1 ] || return 0
  printf '\r\033[Kfetch_data.sh: file %d of %d, %s of %s MB: %s' "$nth" "$total" "$(mb "$bytes_done")" "$(mb "$bytes_total")" "$1" >&2
}
# fetch PATH URL SHA256: make DIR/PATH the file whose checksum is SHA256
# (empty: any file), and leave its checksum in $sum. The source is URL, or
# $FETCH_DATA_MIRROR/PATH.
fetch() {
  local path="$1" src="$2" want="$3" dest="$dir/$1"
  [ -z "$mirror" ] || src="$mirror/$path"
  nth=$((nth + 1))
  progress "$path"
  if [ -n "$want" ] && [ -f "$dest" ] && sha256 "$dest" && [ "$sum" = "$want" ]; then
    present=$((present + 1))
    return 0
  fi
  [ -d "${dest%/*}" ] || mkdir -p -- "${dest%/*}"
  part="$dest.part.$$"
  if ! download "$src" "$part"; then
    say "$path: download from $src failed"
    hint
    exit 1
  fi
  sha256 "$part" || { say "$path: cannot compute the checksum of $part"; exit 1; }
  if [ -n "$want" ] && [ "$sum" != "$want" ]; then
    say "$path: checksum mismatch: want sha256 $want, got $sum (from $src); nothing written"
    [ -z "$mirror" ] || hint
    exit 1
  fi
  mv -f -- "$part" "$dest"
  part=""
  downloaded=$((downloaded + 1))
  # The path on stdout, unless it would break the progress line.
  if [ "$tty" = 0 ] || ! [ -t 1 ]; then echo "$path"; fi
}

[ -f "$manifest" ] || { say "no manifest at $manifest"; exit 2; }
mkdir -p -- "$dir"
# The totals, for the progress line: the manifest's files and bytes, and
# the two --hf files (whose sizes upstream does not publish).
while IFS=$'\t' read -r _ size _ _ || [ -n "$size" ]; do
  [[ "$size" =~ ^[0-9]+$ ]] || continue # the header
  total=$((total + 1))
  bytes_total=$((bytes_total + size))
done < "$manifest"
[ "$hf" = 0 ] || total=$((total + 2))
line=0
while IFS=$'\t' read -r path size want url || [ -n "$path" ]; do
  line=$((line + 1))
  [ "$line" -gt 1 ] || continue # header
  case "$path" in ''|/*|*..*|*/|*"\\"*) say "$manifest line $line: bad path '$path'"; exit 2 ;; esac
  [[ "$size" =~ ^[0-9]+$ ]] || { say "$manifest line $line: bad size '$size'"; exit 2; }
  [[ "$want" =~ ^[0-9a-f]{64}$ ]] || { say "$manifest line $line: bad sha256 '$want'"; exit 2; }
  fetch "$path" "$url" "$want"
  bytes_done=$((bytes_done + size))
done < "$manifest"

if [ "$hf" = 1 ]; then
  sums="$dir/hf/SHA256SUMS"
  mkdir -p -- "$dir/hf"
  recorded=""
  for spec in \
    "mmlu/all/test-00000-of-00001.parquet https://huggingface.co/datasets/cais/mmlu/resolve/main/all/test-00000-of-00001.parquet" \
    "gsm8k/main/test-00000-of-00001.parquet https://huggingface.co/datasets/openai/gsm8k/resolve/main/main/test-00000-of-00001.parquet"; do
    name="${spec%% *}"
    known=""
    if [ -f "$sums" ]; then
      while read -r s n; do [ "$n" != "$name" ] || known="$s"; done < "$sums"
    fi
    fetch "hf/$name" "${spec#* }" "$known" # sets $sum
    recorded+="$sum  $name"$'\n'
  done
  part="$sums.part.$$"
  printf '%s' "$recorded" > "$part"
  mv -f -- "$part" "$sums"
  part=""
fi

say "$dir: $((downloaded + present)) files verified ($downloaded downloaded, $present already present)"
