# cli-lib.sh — sourced by the CLI integration tests (test-cli-*.sh): TAP
# helpers, the check that the integration servers are up, a temp dir with
# cleanup of background agents, and bounded waits. Needs JINGLE_AGENT and
# the JA_TEST_* environment of tests/integration/servers.sh.
: "${JINGLE_AGENT:?path to the jingle-agent binary}"
# Serverless tests (JA_TEST_SERVERLESS=1 before sourcing) need no server.
for v in JA_TEST_STATE_DIR JA_TEST_C2S_PORT JA_TEST_CA_FILE; do
  if [ -z "${JA_TEST_SERVERLESS:-}" ] && [ -z "${!v:-}" ]; then
    echo "1..1"; echo "not ok 1 - $v not set: integration servers are not running"; exit 1
  fi
done

# SOCKS5 direct candidates on loopback only: no test traffic may go to the
# machine's other addresses.
export JINGLE_AGENT_S5B_ADDRESSES=127.0.0.1

n=0; failed=0
ok() { n=$((n+1)); echo "ok $n - $1"; }
nok() { n=$((n+1)); failed=$((failed+1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
  local d=$1; shift
  if "$@"; then ok "$d"; else nok "$d" "command failed: $*"; fi
}

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT

acct() { # acct USER: the common options for USER
  echo "--jid $1@localhost --password-file $JA_TEST_STATE_DIR/$1.pass --ca-file $JA_TEST_CA_FILE --server 127.0.0.1:$JA_TEST_C2S_PORT"
}
T=${JA_TEST_TIMEOUT_SCALE:-1}

# start_cmd COMMAND USER RESOURCE NAME ARGS...: runs `COMMAND --json` (a
# long-running one: receive, answer) as USER in the background and waits
# until it is ready; sets apid. Output in $tmp/NAME.json and $tmp/NAME.err.
start_cmd() {
  local cmd=$1 user=$2 res=$3 name=$4; shift 4
  # shellcheck disable=SC2046
  "$JINGLE_AGENT" "$cmd" $(acct "$user") --resource "$res" --json "$@" \
    >"$tmp/$name.json" 2>"$tmp/$name.err" &
  apid=$!; pids+=("$apid")
  for _ in $(seq 1 $((100 * T))); do
    grep -q '"event":"ready"' "$tmp/$name.json" 2>/dev/null && return 0
    kill -0 "$apid" 2>/dev/null || break
    sleep 0.1
  done
  nok "$cmd $name is ready" "$(cat "$tmp/$name.err")"
  return 1
}

# start_agent USER RESOURCE NAME ARGS...: `receive` in the background.
start_agent() { start_cmd receive "$@"; }

# wait_rc PID SECONDS: the exit status of PID, or 124 after SECONDS.
wait_rc() {
  local pid=$1 limit=$(($2 * T))
  for _ in $(seq 1 $((limit * 10))); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid"; return $?; }
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  return 124
}

run_agent() { # run_agent COMMAND USER ARGS...: a foreground run, bounded
  local cmd=$1 user=$2; shift 2
  # shellcheck disable=SC2046
  timeout $((120 * T)) "$JINGLE_AGENT" "$cmd" $(acct "$user") "$@"
}

# ---- calls (shared by the call tests) ------------------------------------

# json_has FILE PYTHON-EXPR: the expression holds over the events list `ev`
# (of(NAME): the events named NAME).
json_has() {
  python3 - "$1" "$2" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def of(name): return [e for e in ev if e["event"] == name]
ok = eval(sys.argv[2])
if not ok:
    print("# events: %s" % [e["event"] for e in ev])
    for e in ev:
        if e["event"] in ("connected", "ended", "error", "ice-restart", "pair"): print("# %s" % e)
    if of("video-stats"): print("# last video-stats: %s" % of("video-stats")[-1])
sys.exit(0 if ok else 1)
PY
}

# peak FILE HZ [LAST]: the recording's dominant frequency is HZ ± 5 with at
# least half the energy near it (over its last LAST seconds when given);
# at least one second analysed. Needs WAV_PEAK.
peak() {
  local out
  out=$("$WAV_PEAK" ${3:+--last "$3"} "$1" 2>&1) || { echo "# wav-peak: $out"; return 1; }
  echo "# $(basename "$1")${3:+ (last $3 s)}: $out"
  python3 - "$2" "$out" <<'PY'
import re, sys
want = float(sys.argv[1]); out = sys.argv[2]
hz = float(re.search(r"frequency=([0-9.]+)", out).group(1))
share = float(re.search(r"share=([0-9.]+)", out).group(1))
secs = float(re.search(r"duration=([0-9.]+)", out).group(1))
sys.exit(0 if abs(hz - want) <= 5 and share >= 0.5 and secs >= 1.0 else 1)
PY
}

# bars_in_rgb FILE W H [FRAME]: frame FRAME (default 0) of packed RGB
# frames W x H shows the SMPTE test pattern's seven bars (white, yellow,
# cyan, green, magenta, red, blue) across the top, each sampled at its
# centre, within a tolerance (the codecs are lossy).
bars_in_rgb() {
  python3 - "$1" "$2" "$3" "${4:-0}" <<'PY'
import sys
w, h, k = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
d = open(sys.argv[1], "rb").read()
size = w * h * 3
if len(d) < (k + 1) * size:
    print("# %d bytes: no frame %d of %dx%d" % (len(d), k, w, h)); sys.exit(1)
d = d[k * size:(k + 1) * size]
want = [(255,255,255), (255,255,0), (0,255,255), (0,255,0), (255,0,255), (255,0,0), (0,0,255)]
y = h // 3
bad = []
for i, c in enumerate(want):
    x = int((i + 0.5) * w / 7)
    o = (y * w + x) * 3
    px = tuple(d[o:o+3])
    if any(abs(a - b) > 48 for a, b in zip(px, c)):
        bad.append((i, px, c))
print("# bars at y=%d: %s" % (y, "ok" if not bad else bad))
sys.exit(1 if bad else 0)
PY
}

# colour_bars PNG [W H]: a W x H (default 640x480) frame of the SMPTE test
# pattern (bars_in_rgb).
colour_bars() {
  gst-launch-1.0 -q filesrc location="$1" ! pngdec ! videoconvert \
    ! video/x-raw,format=RGB ! filesink location="$1.rgb" >/dev/null 2>&1 \
    || { echo "# cannot decode $1"; return 1; }
  bars_in_rgb "$1.rgb" "${2:-640}" "${3:-480}"
}
