#!/usr/bin/env bash
# run-concurrency.sh — how many concurrent audio calls one agent process
# carries in real time, beside what the Opus codec work alone allows.
#
# For each K: one `jingle-agent answer` (grace, the process measured) takes
# K calls from K `jingle-agent call` processes (frank/c1..cK, test:440 one
# way, test:880 the other, Opus, DTLS-SRTP over ICE on 127.0.0.1, through a
# private Prosody started and stopped here). Once all K are connected, it
# samples the answerer's CPU time (utime + stime from /proc/PID/stat) over
# WINDOW seconds and prints the CPU per call in % of one core. From the
# answerer's `ended` events: packets received per second of call (50/s is
# real time for 20 ms frames), packets sent per second (its own encoders
# keep up), and packets lost (the jitter buffer gave up on them: late or
# missing). The callers run on the same cores, so past the machine's limit
# they starve the answerer too: their CPU is printed beside it.
#
# The baseline, in the same invocation: bench-opus (libopus encode + decode
# of 20 ms frames called directly): calls per core = seconds of audio per
# CPU second; the Opus ceiling = that x the online cores. The agent's
# projection = cores / (CPU per call) (the agent runs a media thread per
# CPU: media/media-loop.c); ratio = projection / ceiling (the
# goal of issue #5 is ≥ 0.8). Also bench-media-floor (20 calls in one
# thread doing only Opus + RTP + SRTP + one loopback UDP send and receive
# per 20 ms: the floor of a secure call) and the agent's CPU per call over
# that floor; the floor is also run paced (all calls' frames, then a sleep
# to the next 20 ms, as a real-time agent must): what a perfect real-time
# implementation reaches on this machine. Reports, never asserts. Run on
# demand only:
#
#   bench/call/run-concurrency.sh [BUILD_DIR] [K...]   (build 5 10 20 40)
#   WINDOW=5 (seconds sampled)
#   MEDIA_ENGINE=auto|native|gstreamer (--media-engine of every agent;
#   default auto, which is native for these test sources)
#   PIN=1 (with 2+ CPUs: the answerer alone on the last CPU, the callers
#   and servers on the others, as when the peers are other machines: the
#   callers then neither take the answerer's CPU nor evict its caches
#   between ticks; its CPU per call is then its own work)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${1:-build}"
shift || true
ks=("$@")
[ ${#ks[@]} -gt 0 ] || ks=(5 10 20 40)
window="${WINDOW:-5}"
engine="${MEDIA_ENGINE:-auto}"
ncpu=$(nproc)
on_answer_cpu=(); on_caller_cpus=()
if [ "${PIN:-0}" = 1 ] && [ "$ncpu" -ge 2 ]; then
  on_answer_cpu=(taskset -c "$((ncpu - 1))")
  on_caller_cpus=(taskset -c "0-$((ncpu - 2))")
fi
case "$build" in /*) ;; *) build="$root/$build" ;; esac
agent="$build/agent/jingle-agent"

ninja -C "$build" agent/jingle-agent bench/bench-opus bench/bench-audio-calls \
  bench/bench-media-floor >/dev/null

tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  bash "$root/tests/integration/servers.sh" stop "$tmp/srv" >/dev/null 2>&1 || true
  if [ -n "${KEEP:-}" ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

export JINGLE_AGENT_ICE_ADDRESSES=127.0.0.1
export XDG_DATA_HOME="$tmp/data"
export GST_REGISTRY="$tmp/gst-registry.bin"

"${on_caller_cpus[@]}" bash "$root/tests/integration/servers.sh" start "$tmp/srv" >/dev/null
# shellcheck disable=SC1091
. "$tmp/srv/env"
acct() {
  echo "--jid $1@localhost --password-file $JA_TEST_STATE_DIR/$1.pass" \
    "--ca-file $JA_TEST_CA_FILE --server 127.0.0.1:$JA_TEST_C2S_PORT"
}
hz=$(getconf CLK_TCK)
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
count() { grep -c "\"event\":\"$1\"" "$2" 2>/dev/null || true; }

"$build/bench/bench-opus" 300 >"$tmp/opus.txt"
"$build/bench/bench-media-floor" 20 8 2 paced >"$tmp/floor.txt"
# Between the two: GStreamer media alone (JaMediaAudio pairs, no ICE, no
# SRTP, no XMPP), one encode + one decode per pair like one call's side.
"$build/bench/bench-audio-calls" 10 5 gstreamer >"$tmp/media.txt"
"$build/bench/bench-audio-calls" 10 5 native >"$tmp/media-native.txt"

for k in "${ks[@]}"; do
  d="$tmp/k$k"; mkdir -p "$d"
  # shellcheck disable=SC2046
  "${on_answer_cpu[@]}" "$agent" answer $(acct grace) --resource bench --json --no-server-services \
    --from frank@localhost --count "$k" --stats-interval 0 --audio test:880 \
    --media-engine "$engine" \
    >"$d/answer.json" 2>"$d/answer.err" &
  apid=$!; pids+=("$apid")
  for _ in $(seq 300); do
    grep -q '"event":"ready"' "$d/answer.json" 2>/dev/null && break
    kill -0 "$apid" 2>/dev/null || { cat "$d/answer.err" >&2; exit 1; }
    sleep 0.05
  done
  # Each caller hangs up DURATION s after its own connection: long enough
  # for all K to connect, then the sampled window, then a margin.
  duration=$((window + 8 + k / 4))
  cpids=()
  for i in $(seq 1 "$k"); do
    # shellcheck disable=SC2046
    "${on_caller_cpus[@]}" "$agent" call $(acct frank) --resource "c$i" --json --no-server-services \
      --to grace@localhost/bench --duration "$duration" --stats-interval 0 \
      --audio test:440 --media-engine "$engine" \
      >"$d/call$i.json" 2>"$d/call$i.err" &
    cpids+=($!); pids+=($!)
  done
  ok=0
  for _ in $(seq 600); do
    [ "$(count connected "$d/answer.json")" -ge "$k" ] && { ok=1; break; }
    [ "$(count ended "$d/answer.json")" -gt 0 ] && break
    sleep 0.1
  done
  if [ "$ok" -eq 0 ]; then
    echo "K=$k: only $(count connected "$d/answer.json") of $k calls connected" >&2
    tail -3 "$d/answer.err" >&2
  fi
  sleep 1
  a0=$(ticks "$apid"); c0=0
  for p in "${cpids[@]}"; do c0=$((c0 + $(ticks "$p"))); done
  t0=$(date +%s.%N)
  sleep "$window"
  a1=$(ticks "$apid"); c1=0
  for p in "${cpids[@]}"; do c1=$((c1 + $(ticks "$p"))); done
  t1=$(date +%s.%N)
  early=$(count ended "$d/answer.json")
  rss=$(awk '/VmHWM/ { print $2 }' "/proc/$apid/status" 2>/dev/null || echo 0)
  load=$(cut -d' ' -f1 /proc/loadavg)
  failed=0
  for p in "${cpids[@]}"; do wait "$p" 2>/dev/null || failed=$((failed + 1)); done
  for _ in $(seq 300); do kill -0 "$apid" 2>/dev/null || break; sleep 0.1; done
  kill "$apid" 2>/dev/null || true
  wait "$apid" 2>/dev/null || true
  echo "$k $((a1 - a0)) $((c1 - c0)) $t0 $t1 $early $rss $load $failed" >"$d/sample"
done

python3 - "$tmp" "$hz" "$engine" "${#on_answer_cpu[@]}" "${ks[@]}" <<'PY'
import json, re, sys
tmp, hz, engine, pin, ks = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]) > 0, [int(k) for k in sys.argv[5:]]
opus = open(tmp + "/opus.txt").read()
per_cpu = float(re.search(r"([0-9.]+) s of audio per CPU s", opus).group(1))
cores = int(re.search(r"opus-ceiling: ([0-9]+) cores", opus).group(1))
ceiling = per_cpu * cores
print("Opus alone (libopus encode+decode, 20 ms 48 kHz mono): %.0f s of audio "
      "per CPU s = %.3f%% of a core per call; ceiling %d cores x %.0f = %.0f calls"
      % (per_cpu, 100 / per_cpu, cores, per_cpu, ceiling))
fl = re.search(r"floor-cpu-per-call: ([0-9.]+)% opus-cpu-per-call: ([0-9.]+)%",
               open(tmp + "/floor.txt").read())
floor = float(fl.group(1)) / 100
print("Floor of a secure call (bench-media-floor 20 calls: Opus + RTP + SRTP + "
      "loopback UDP, one thread): %.3f%% of a core per call, Opus alone in the "
      "same run %s%%: the floor is %.2fx the Opus ceiling"
      % (100 * floor, fl.group(2), float(fl.group(2)) / 100 / floor))
paced = float(re.search(r"paced-cpu-per-call: ([0-9.]+)%",
                        open(tmp + "/floor.txt").read()).group(1)) / 100
print("The same floor paced in real time (one wake-up per 20 ms for all calls): "
      "%.3f%% of a core per call = %.2fx the Opus ceiling: what a perfect "
      "real-time agent reaches here" % (100 * paced, float(fl.group(2)) / 100 / paced))
m = re.search(r"calls=([0-9]+) .*cpu_per_call=([0-9.]+)%", open(tmp + "/media.txt").read())
print("GStreamer media alone (bench-audio-calls %s pairs, no ICE/SRTP/XMPP): %s%% "
      "of a core per pair" % (m.group(1), m.group(2)))
m = re.search(r"calls=([0-9]+) .*cpu_per_call=([0-9.]+)%", open(tmp + "/media-native.txt").read())
print("Native media alone (bench-audio-calls %s pairs native, no ICE/SRTP/XMPP): %s%% "
      "of a core per pair" % (m.group(1), m.group(2)))
engines = set()
for k in ks:
    for line in open("%s/k%d/answer.json" % (tmp, k)):
        e = json.loads(line)
        if e["event"] == "connected": engines.add(e.get("audio_engine"))
print("--media-engine %s: the answerer ran %s%s" % (engine, ", ".join(sorted(map(str, engines))),
      "; PIN=1: answerer alone on one CPU, callers and servers on the others" if pin else ""))
print("%4s %8s %9s %9s %7s %10s %10s %6s %8s %6s %7s %s" % (
    "K", "conn", "cpu/call", "answerer", "callers", "recv/s", "sent/s",
    "lost", "loss%", "RSS", "load1", "projection"))
for k in ks:
    f = open("%s/k%d/sample" % (tmp, k)).read().split()
    a, c = int(f[1]) / hz, int(f[2]) / hz
    wall = float(f[4]) - float(f[3])
    early, rss, load, failed = int(f[5]), int(f[6]), f[7], int(f[8])
    ended = []; connected = 0
    for line in open("%s/k%d/answer.json" % (tmp, k)):
        e = json.loads(line)
        if e["event"] == "ended": ended.append(e)
        if e["event"] == "connected": connected += 1
    recv = [e["packets_received"] / e["seconds"] for e in ended if e["seconds"] > 0]
    sent = [e["packets_sent"] / e["seconds"] for e in ended if e["seconds"] > 0]
    lost = sum(max(0, e["packets_lost"]) for e in ended)
    got = sum(e["packets_received"] for e in ended)
    per_call = a / wall / k            # fraction of one core
    proj = cores / per_call if per_call > 0 else float("inf")
    reasons = {}
    for e in ended:
        if e["reason"] != "success" or not e["connected"]:
            r = "%s: %s" % (e["reason"], e.get("text", ""))
            reasons[r] = reasons.get(r, 0) + 1
    live = early == 0 and connected >= k
    print("%4d %4d/%-3d %8.2f%% %8.1f%% %6s %4.1f-%4.1f %4.1f-%4.1f %6d %7.2f%% %5.0fM %7s %5.0f calls = %.2fx the Opus ceiling, %.2fx the floor's CPU, %.2fx the paced floor's%s"
          % (k, connected, k, 100 * per_call, 100 * a / wall,
             "%.0f%%" % (100 * c / wall) if live else "n/a",
             min(recv or [0]), max(recv or [0]), min(sent or [0]), max(sent or [0]),
             lost, 100 * lost / max(1, got + lost), rss / 1024, load, proj,
             proj / ceiling, per_call / floor, per_call / paced, "" if live else
             "  (NOT VALID: %d connected, %d ended inside the window)" % (connected, early)))
    if failed:
        print("       %d caller process(es) exited non-zero" % failed)
    for r, n in sorted(reasons.items()):
        print("       %d call(s) ended with %s" % (n, r))
print("cpu/call: answerer CPU over the window / K, in % of one core; answerer and "
      "callers: % of one core; recv/s, sent/s: min-max over the K calls (50 = real time)")
PY
