#!/usr/bin/env bash
# run.sh — call setup benchmark: N real calls on loopback through the CLI
# (`jingle-agent answer` as grace, `jingle-agent call` as frank, both via a
# private Prosody started and stopped here) beside the bare minimum measured
# in the same invocation: bench-ice-floor (two JaIceAgents on 127.0.0.1 and
# a JaDtls handshake over them, no XMPP, no GStreamer).
#
# From the JSON events it takes the caller's phases (setup_ms = initiate →
# SRTP keyed and pipeline playing, signalling_ms, ice_ms, dtls_ms,
# accept_to_secure_ms), the callee's own phases, and the callee's first
# decoded audio. Every JSON line is stamped on arrival with CLOCK_MONOTONIC
# (the clock of g_get_monotonic_time, shared by both processes), so the
# callee's first audio is also measured from the caller's session-initiate
# (caller's `connected` stamp − its setup_ms), not only from the callee's
# own receipt of it. Prints medians / p90 beside the floor and the ratios,
# against the goals of issue #5 (setup < 2x the floor; session-accept to
# SRTP-ready ≤ 30 ms). Reports, never asserts. Run on demand only:
#
#   bench/call/run.sh [BUILD_DIR] [CALLS] [FLOOR_RUNS]   (build 10 20)
#   MEDIA_ENGINE=auto|native|gstreamer (--media-engine of both agents;
#   default auto, which is native for these test sources)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-build}"
calls="${2:-10}"
floor_runs="${3:-20}"
engine="${MEDIA_ENGINE:-auto}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
agent="$build/agent/jingle-agent"
floor="$build/bench/bench-ice-floor"

ninja -C "$build" agent/jingle-agent bench/bench-ice-floor >/dev/null

tmp=$(mktemp -d)
apid=
spid=
cleanup() {
  [ -n "$apid" ] && kill "$apid" 2>/dev/null || true
  [ -n "$spid" ] && kill "$spid" 2>/dev/null || true
  bash "$root/tests/integration/servers.sh" stop "$tmp/srv" >/dev/null 2>&1 || true
  if [ -n "${KEEP:-}" ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# Loopback only; a private DTLS identity and GStreamer registry.
export JINGLE_AGENT_ICE_ADDRESSES=127.0.0.1
export XDG_DATA_HOME="$tmp/data"
export GST_REGISTRY="$tmp/gst-registry.bin"

bash "$root/tests/integration/servers.sh" start "$tmp/srv" >/dev/null
# shellcheck disable=SC1091
. "$tmp/srv/env"
acct() {
  echo "--jid $1@localhost --password-file $JA_TEST_STATE_DIR/$1.pass" \
    "--ca-file $JA_TEST_CA_FILE --server 127.0.0.1:$JA_TEST_C2S_PORT"
}
# stamp OUT: a stamper reading $OUT.fifo, running before the agent writes
# (a stamper started in a pipeline beside the agent may still be loading
# Python when the first lines come, and stamp them late); sets spid.
stamp() {
  rm -f "$1.fifo" "$1.ready"; mkfifo "$1.fifo"
  python3 -u -c '
import sys, time
open(sys.argv[1] + ".ready", "w").close()
with open(sys.argv[1] + ".fifo") as f, open(sys.argv[1], "w") as out:
    for line in f:
        out.write("%.6f %s" % (time.clock_gettime(time.CLOCK_MONOTONIC), line))
        out.flush()' "$1" &
  spid=$!
  for _ in $(seq 200); do [ -e "$1.ready" ] && return 0; sleep 0.01; done
  echo "the stamper did not start" >&2; exit 1
}

echo "floor: $floor $floor_runs" >&2
"$floor" "$floor_runs" >"$tmp/floor.txt"

# One answering process takes the warm-up call and then the measured ones.
# shellcheck disable=SC2046
stamp "$tmp/answer.json"
"$agent" answer $(acct grace) --resource bench --json --no-server-services \
  --from frank@localhost --count $((calls + 1)) --stats-interval 0 \
  --audio test:880 --media-engine "$engine" \
  >"$tmp/answer.json.fifo" 2>"$tmp/answer.err" &
apid=$!
for _ in $(seq 200); do
  grep -q '"event":"ready"' "$tmp/answer.json" 2>/dev/null && break
  kill -0 "$apid" 2>/dev/null || { cat "$tmp/answer.err" >&2; exit 1; }
  sleep 0.05
done

for i in $(seq 0 "$calls"); do
  # Call 0 warms up (GStreamer registry, Prosody roster caches): not counted.
  # shellcheck disable=SC2046
  stamp "$tmp/call$i.json"
  "$agent" call $(acct frank) --resource "c$i" --json --no-server-services \
    --to grace@localhost/bench --duration 1 --stats-interval 0 \
    --audio test:440 --media-engine "$engine" \
    >"$tmp/call$i.json.fifo" 2>"$tmp/call$i.err" ||
    { echo "call $i failed:" >&2; tail -5 "$tmp/call$i.err" >&2; exit 1; }
  wait "$spid"
done
for _ in $(seq 100); do
  kill -0 "$apid" 2>/dev/null || break
  sleep 0.1
done
wait "$apid" 2>/dev/null || true
apid=

python3 - "$tmp" "$calls" <<'PY'
import json, re, statistics, sys
tmp, n = sys.argv[1], int(sys.argv[2])

def events(path):
    out = []
    for line in open(path):
        ts, _, rest = line.partition(" ")
        if rest.strip():
            e = json.loads(rest); e["_t"] = float(ts); out.append(e)
    return out

def p90(v):
    v = sorted(v); return v[min(len(v) - 1, max(0, -(-9 * len(v) // 10) - 1))]

floor = {}
for line in open(tmp + "/floor.txt"):
    m = re.match(r"(ice-floor|dtls-floor|ice-dtls-floor): .*median ([0-9.]+) ms, p90 ([0-9.]+) ms", line)
    if m: floor[m.group(1)] = (float(m.group(2)), float(m.group(3)))

# The callee's events, split per call at "incoming".
callee, cur = [], None
for e in events(tmp + "/answer.json"):
    if e["event"] == "incoming": cur = {}; callee.append(cur)
    elif cur is not None and e["event"] in ("connected", "first-media", "ended"):
        cur.setdefault(e["event"], e)
callee = callee[1:]                       # drop the warm-up call

rows = {k: [] for k in ("setup", "signalling", "ice", "dtls", "a2s",
                        "c_first", "e_ice", "e_dtls", "e_a2s", "e_setup",
                        "e_first_own", "e_first_abs")}
for i in range(1, n + 1):
    ev = {e["event"]: e for e in events("%s/call%d.json" % (tmp, i))}
    c = ev["connected"]
    rows["setup"].append(c["setup_ms"]); rows["signalling"].append(c["signalling_ms"])
    rows["ice"].append(c["ice_ms"]); rows["dtls"].append(c["dtls_ms"])
    rows["a2s"].append(c["accept_to_secure_ms"])
    if "first-media" in ev: rows["c_first"].append(ev["first-media"]["ms"])
    t_initiate = c["_t"] - c["setup_ms"] / 1000.0
    g = callee[i - 1]
    gc = g["connected"]
    rows["e_ice"].append(gc["ice_ms"]); rows["e_dtls"].append(gc["dtls_ms"])
    rows["e_a2s"].append(gc["accept_to_secure_ms"]); rows["e_setup"].append(gc["setup_ms"])
    if "first-media" in g:
        rows["e_first_own"].append(g["first-media"]["ms"])
        rows["e_first_abs"].append((g["first-media"]["_t"] - t_initiate) * 1000)
    print("call %2d: caller setup %3d ms (signalling %2d, ice %2d, dtls %d, accept->SRTP %2d), "
          "callee first audio %5.1f ms after the initiate (%d ms after its receipt), "
          "callee ice %d dtls %d accept->SRTP %d"
          % (i, c["setup_ms"], c["signalling_ms"], c["ice_ms"], c["dtls_ms"],
             c["accept_to_secure_ms"], rows["e_first_abs"][-1] if "first-media" in g else -1,
             g.get("first-media", {}).get("ms", -1), gc["ice_ms"], gc["dtls_ms"],
             gc["accept_to_secure_ms"]))

med = {k: statistics.median(v) for k, v in rows.items() if v}
q90 = {k: p90(v) for k, v in rows.items() if v}
fl = floor["ice-dtls-floor"][0]
print()
print("floor (same run, %s): ICE %.1f ms (p90 %.1f), DTLS %.1f ms (p90 %.1f), ICE+DTLS %.1f ms (p90 %.1f)"
      % ("bench-ice-floor", *floor["ice-floor"], *floor["dtls-floor"], *floor["ice-dtls-floor"]))
print("calls: %d through Prosody on loopback, medians (p90):" % n)
def line(label, k, extra=""):
    print("  %-52s %6.1f ms (%6.1f)%s" % (label, med[k], q90[k], extra))
line("caller setup: initiate -> SRTP + pipeline playing", "setup",
     "   %.2fx the floor (goal < 2x)" % (med["setup"] / fl))
line("  signalling: initiate -> session-accept", "signalling")
line("  ICE: remote candidates -> connected", "ice",
     "   floor %.1f" % floor["ice-floor"][0])
line("  DTLS handshake", "dtls", "   floor %.1f" % floor["dtls-floor"][0])
line("  session-accept -> SRTP keyed", "a2s", "   (goal <= 30 ms)")
line("callee: initiate received -> SRTP + playing", "e_setup")
line("  ICE", "e_ice"); line("  DTLS", "e_dtls")
line("  session-accept sent -> SRTP keyed", "e_a2s")
if "e_first_abs" in med:
    line("callee first decoded audio from the caller's initiate", "e_first_abs",
         "   %.2fx the floor" % (med["e_first_abs"] / fl))
    line("  the same from the callee's receipt (its JSON ms)", "e_first_own")
if "c_first" in med:
    line("caller first decoded audio from its initiate", "c_first")
PY
