#!/usr/bin/env bash
# run.sh — IBB file transfer benchmark: one file (64 MiB by default) from
# alice to bob with `jingle-agent send` / `receive` through a private Prosody
# on loopback (tests/integration/servers.sh, started and stopped here), beside
# the CPU ceiling of the same bytes: base64 encode + decode with GLib
# (bench-base64, in IBB-sized blocks) and with coreutils `base64 | base64 -d`.
# Prints the MB/s of each, their ratio, and the IBB window and block size.
# Run on demand only, never as a timed test.
#
#   bench/ibb/run.sh [BUILD_DIR] [SIZE_MIB]      (defaults: build 64)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-build}"
mib="${2:-64}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
agent="$build/agent/jingle-agent"
b64="$build/bench/bench-base64"

ninja -C "$build" agent/jingle-agent bench/bench-base64 >/dev/null

# What the agent uses: the compiled-in defaults.
window=$(sed -n 's/^#define JA_IBB_DEFAULT_WINDOW \([0-9]*\).*/\1/p' "$root/plugins/ibb/ibb-session.h")
block=$(sed -n 's/^#define JA_IBB_TRANSPORT_DEFAULT_BLOCK_SIZE \([0-9]*\).*/\1/p' "$root/plugins/ibb/ibb-transport.h")

tmp=$(mktemp -d)
rpid=
cleanup() {
  [ -n "$rpid" ] && kill "$rpid" 2>/dev/null || true
  bash "$root/tests/integration/servers.sh" stop "$tmp/srv" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

bash "$root/tests/integration/servers.sh" start "$tmp/srv" >/dev/null
# shellcheck disable=SC1091
. "$tmp/srv/env"
acct() {
  echo "--jid $1@localhost --password-file $JA_TEST_STATE_DIR/$1.pass" \
    "--ca-file $JA_TEST_CA_FILE --server 127.0.0.1:$JA_TEST_C2S_PORT"
}

head -c $((mib * 1048576)) /dev/urandom >"$tmp/file.bin"
bytes=$(stat -c %s "$tmp/file.bin")
mkdir -p "$tmp/in"

# shellcheck disable=SC2046
"$agent" receive $(acct bob) --json --dir "$tmp/in" --from alice@localhost \
  --count 1 >"$tmp/recv.json" 2>"$tmp/recv.err" &
rpid=$!
for _ in $(seq 200); do
  grep -q '"event":"ready"' "$tmp/recv.json" 2>/dev/null && break
  kill -0 "$rpid" 2>/dev/null || { cat "$tmp/recv.err" >&2; exit 1; }
  sleep 0.05
done

prosody_pid=$(cat "$tmp/srv/servers.pid")
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
p0=$(ticks "$prosody_pid")
t0=$(date +%s.%N)
timer=()
if [ -x /usr/bin/time ]; then timer=(/usr/bin/time -f "%U %S" -o "$tmp/send.cpu"); else echo "0 0" >"$tmp/send.cpu"; fi
# shellcheck disable=SC2046
"${timer[@]}" "$agent" send $(acct alice) \
  --to bob@localhost "$tmp/file.bin" >"$tmp/send.out" 2>"$tmp/send.err" ||
  { echo "send failed:" >&2; tail -5 "$tmp/send.err" "$tmp/recv.err" >&2; exit 1; }
wait "$rpid" || { echo "receive failed:" >&2; tail -5 "$tmp/recv.err" >&2; exit 1; }
rpid=
t1=$(date +%s.%N)
p1=$(ticks "$prosody_pid")
cmp -s "$tmp/file.bin" "$tmp/in/file.bin" || { echo "the received file differs" >&2; exit 1; }

# The receiver's own measure: offer accepted to hash verified.
read -r secs xfer < <(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("event") == "verified":
        print(e["seconds"], e["mbps"])
' "$tmp/recv.json")

read -r glib_line < <("$b64" "$tmp/file.bin" "$block")
glib=$(echo "$glib_line" | sed -n 's/.*, \([0-9.]*\) MB\/s$/\1/p')
c0=$(date +%s.%N)
base64 "$tmp/file.bin" | base64 -d >/dev/null
c1=$(date +%s.%N)

python3 - "$bytes" "$secs" "$xfer" "$t0" "$t1" "$glib" "$c0" "$c1" "$window" "$block" \
  "$(cat "$tmp/send.cpu")" "$(((p1 - p0)))" "$hz" <<'PY'
import sys
(bytes_, secs, xfer, t0, t1, glib, c0, c1, window, block,
 send_cpu, prosody_ticks, hz) = sys.argv[1:]
bytes_ = int(bytes_); secs = float(secs); xfer = float(xfer)
wall = float(t1) - float(t0)
glib = float(glib)
core = bytes_ / (float(c1) - float(c0)) / 1e6
u, s = map(float, send_cpu.split())
print(f"IBB via Prosody: {bytes_ / 1048576:.0f} MiB, window {window}, block size {block}")
print(f"  transfer   {xfer:8.2f} MB/s  ({secs:.2f} s accepted to verified; {wall:.2f} s for the whole send)")
print(f"  base64 CPU {glib:8.1f} MB/s  (GLib encode+decode, one core)")
print(f"  base64 CPU {core:8.1f} MB/s  (coreutils base64 | base64 -d)")
print(f"  ratio      {xfer / glib:8.3f}     (transfer / GLib base64 ceiling)")
print(f"  CPU: sender {u + s:.2f} s, Prosody {int(prosody_ticks) / int(hz):.2f} s")
PY
