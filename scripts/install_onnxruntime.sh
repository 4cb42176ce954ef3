#!/usr/bin/env bash
# install_onnxruntime.sh: put ONNX Runtime's shared library where evalrun
# finds it, and print its path.
#
# Usage: bash scripts/install_onnxruntime.sh [DIR]
#
# The BERT and encoder routers run on ONNX Runtime >= 1.24, which Go loads
# at run time (github.com/yalue/onnxruntime_go). Its Linux x64 build ships
# in the npm package onnxruntime-node@1.24.1 as
# package/bin/napi-v6/linux/x64/libonnxruntime.so.1, a library that needs
# nothing beyond libc, libstdc++ and libgcc (ldd). This script fetches that
# package with `npm pack` (nothing of the package is run), checks the
# tarball's and the library's sha256, and installs the library into DIR,
# default ${XDG_CACHE_HOME:-~/.cache}/edgeroute/onnxruntime, the directory
# evalrun looks in when $ONNXRUNTIME_LIB is not set. Nothing is half
# written: the library is verified under a temporary name, then renamed.
# An installed library whose sha256 is right is left alone (no network).
# The library's path is the only line on stdout; export it as
# ONNXRUNTIME_LIB to use another place.
set -euo pipefail

version=1.24.1
# sha256 of `npm pack onnxruntime-node@1.24.1` (the registry's sha512
# integrity of the same file is
# Ex/oUXKdhDoxvlNxBT3oYtW0MH88yYpPlXQeVQUXpcJQmN24usd/8RCoPLN5kCHwDsiZ+nqsnjciyFRl423dQw==)
# and of the library inside it.
tgz_sha256=57181cf6e6e711b155c5b942d591fd63ded0b5de5c4922d51fd994e7f6ac2772
lib_sha256=53ef1ac028dd1b05554b8da28d9159eb3876f99868193d2aaa6e67f0243c23d4
member=package/bin/napi-v6/linux/x64/libonnxruntime.so.1

fail() {
  echo "install_onnxruntime.sh: $*" >&2
  exit 1
}

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) ;;
  *) fail "only Linux x86_64 is packaged; on $(uname -s)/$(uname -m) install ONNX Runtime >= 1.24 yourself and set ONNXRUNTIME_LIB" ;;
esac

dir="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/edgeroute/onnxruntime}"
lib="$dir/libonnxruntime.so.1"

sha256() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$lib" ] && [ "$(sha256 "$lib")" = "$lib_sha256" ]; then
  echo "$lib"
  exit 0
fi
command -v npm >/dev/null 2>&1 || fail "needs npm to fetch onnxruntime-node@$version (apt-get install npm), or set ONNXRUNTIME_LIB to an ONNX Runtime >= 1.24 library"

mkdir -p "$dir"
work="$(mktemp -d "$dir/.install.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent --ignore-scripts "onnxruntime-node@$version" >/dev/null) ||
  fail "npm pack onnxruntime-node@$version failed (is the npm registry reachable?)"
tgz="$work/onnxruntime-node-$version.tgz"
[ -f "$tgz" ] || fail "npm pack did not write $(basename "$tgz")"
got="$(sha256 "$tgz")"
[ "$got" = "$tgz_sha256" ] || fail "onnxruntime-node-$version.tgz: sha256 $got, want $tgz_sha256"
tar -xzf "$tgz" -C "$work" "$member" || fail "onnxruntime-node-$version.tgz has no $member"
got="$(sha256 "$work/$member")"
[ "$got" = "$lib_sha256" ] || fail "$member: sha256 $got, want $lib_sha256"
chmod 755 "$work/$member"
mv -f "$work/$member" "$lib"
echo "$lib"
