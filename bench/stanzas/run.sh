#!/bin/sh
# run.sh — the stanza receive benchmark (bench-stanzas.c): throughput of ja
# (parse + route) against libstrophe, then the ja side alone under callgrind
# for instructions per stanza (target: < 35k, and >= 2x libstrophe).
#
#   bench/stanzas/run.sh [BUILD_DIR] [--only-ja]
#
# BUILD_DIR defaults to ./build; --only-ja skips the libstrophe comparison.
set -eu

build=build
only_ja=
for arg in "$@"; do
  case "$arg" in
    --only-ja) only_ja=--only-ja ;;
    *) build=$arg ;;
  esac
done
exe="$build/bench/bench-stanzas"
n=200000

ninja -C "$build" bench/bench-stanzas >/dev/null
"$exe" --stanzas "$n" $only_ja

if ! command -v valgrind >/dev/null; then
  echo "valgrind not found: no instruction count" >&2
  exit 1
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Count only inside run_ja_memory(): building the test stream is excluded.
valgrind --tool=callgrind --toggle-collect='run_ja_memory*' \
  --callgrind-out-file="$out" "$exe" --only-ja --stanzas "$n" --rounds 1 \
  >/dev/null 2>&1
total=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p; s/^totals: *\([0-9]*\).*/\1/p' \
  "$out" | head -n 1)
# Inclusive cost of the router, and expat's own share, for the breakdown.
annotate() { callgrind_annotate --threshold=100 "$@" "$out" 2>/dev/null; }
route=$(annotate --inclusive=yes |
  awk '/ja_xmpp_router_dispatch/ { gsub(",", "", $1); print $1; exit }')
expat=$(annotate --inclusive=no |
  awk '/libexpat/ { gsub(",", "", $1); s += $1 } END { printf "%.0f\n", s }')
route=${route:-0}
echo "callgrind: $((total / n)) instructions per stanza (parse+route+free)," \
  "of which expat $((expat / n)), routing $((route / n))," \
  "tree building and freeing $(((total - expat - route) / n))"
