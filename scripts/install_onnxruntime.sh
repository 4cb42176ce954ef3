#!/usr/bin/env bash
# install_onnxruntime.sh: put ONNX Runtime's shared library where evalrun
# finds it, and print its path.
#
# Usage: bash scripts/install_onnxruntime.sh [DIR]
#
# The BERT and encoder routers run on ONNX Runtime >= 1.24, which Go loads
# at run time (github.com/yalue/onnxruntime_go). Its Linux x64 build ships
# in the npm package onnxruntime-node@1.24.1 as
# package/bin/napi-v6/linux/x64/libonnxruntime.so.1. This script fetches
# that package with `npm pack` (no install scripts run), checks the
# tarball's and the library's sha256, and installs the library into DIR,
# default ${XDG_CACHE_HOME:-~/.cache}/edgeroute/onnxruntime, the directory
# evalrun looks in when $ONNXRUNTIME_LIB is not set. Nothing is half
# written: the library is verified under a temporary name, then renamed.
# An installed, verified library is left alone. The library's path is the
# only line on stdout; export it as ONNXRUNTIME_LIB to use another place.
set -euo pipefail

version=1.24.1
tgz_sha256=57181cf6e6e711b155c5b942d591fd63ded0b5de5c4922d51fd994e7f6ac2772
lib_sha256=53ef1ac028dd1b05554b8da28d9159eb3876f99868193d2aaa6e67f0243c23d4
member=package/bin/napi-v6/linux/x64/libonnxruntime.so.1

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) ;;
  *) echo "install_onnxruntime.sh: only Linux x86_64 is packaged; on $(uname -s)/$(uname -m) install ONNX Runtime >= 1.24 yourself and set ONNXRUNTIME_LIB" >&2; exit 2 ;;
esac

dir="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/edgeroute/onnxruntime}"
lib="$dir/libonnxruntime.so.1"

sha256() { sha256sum "$1" | cut -d' ' -f1; }

if [ -f "$lib" ] && [ "$(sha256 "$lib")" = "$lib_sha256" ]; then
  echo "$lib"
  exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "install_onnxruntime.sh: needs npm (to fetch onnxruntime-node@$version)" >&2; exit 2; }

mkdir -p "$dir"
work="$(mktemp -d "$dir/.install.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent --ignore-scripts "onnxruntime-node@$version" >/dev/null)
tgz="$work/onnxruntime-node-$version.tgz"
[ -f "$tgz" ] || { echo "install_onnxruntime.sh: npm pack did not produce $tgz" >&2; exit 1; }
got="$(sha256 "$tgz")"
if [ "$got" != "$tgz_sha256" ]; then
  echo "install_onnxruntime.sh: onnxruntime-node-$version.tgz: sha256 $got, want $tgz_sha256" >&2
  exit 1
fi
tar -xzf "$tgz" -C "$work" "$member"
got="$(sha256 "$work/$member")"
if [ "$got" != "$lib_sha256" ]; then
  echo "install_onnxruntime.sh: $member: sha256 $got, want $lib_sha256" >&2
  exit 1
fi
chmod 755 "$work/$member"
mv -f "$work/$member" "$lib"
echo "$lib"
