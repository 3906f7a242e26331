#!/bin/sh
# run.sh — the SRTP benchmark (bench-srtp.c): protect + unprotect of
# 160-byte-payload RTP packets through JaSrtp and through libsrtp2 called
# directly, packets/s of each and the ratio. Run on demand only.
#
#   bench/srtp/run.sh [BUILD_DIR] [N]     (defaults: build 200000)
set -eu

build=${1:-build}
n=${2:-200000}
ninja -C "$build" bench/bench-srtp >/dev/null
"$build/bench/bench-srtp" "$n"
