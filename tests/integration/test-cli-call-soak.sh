#!/usr/bin/env bash
# test-cli-call-soak.sh — one `answer` process takes call after call, as a
# kiosk or a call daemon that runs for months does, once with each audio
# engine (native, then GStreamer: what device calls use): every call
# connects and ends normally, and between the 20th and the last call the
# answerer's open files and threads do not grow and its memory (RSS) grows
# by less than 4 KB a call on the native engine (an answer that kept each
# ended call grew by ~9-12 KB a call) and 16 KB on GStreamer's: there the
# RSS grows ~8 KB a call while
# malloc's bytes in use stay flat (glibc's malloc_stats over calls 10-40:
# 6.96 MB each time, +0.5 KB a call), the arenas of GStreamer's streaming
# threads, which come and go with each call. Under ASan (ASAN_OPTIONS set:
# the ASan tree) the RSS is ASan's own (its allocator, shadow and stack
# depot grow by themselves: +130 KB over 19 native calls, +1.2 MB over 19
# GStreamer ones, with its quarantine off): there 16 calls an engine, open
# files and threads as above, and the memory check is LeakSanitizer's when
# the answerer exits (its exit status). Accounts lobby, visitor: no other
# test uses them.
# TAP output; every wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
RES="soak-$$"
asan=${ASAN_OPTIONS:+1}
CALLS=${SOAK_CALLS:-40}
FIRST=20   # GStreamer's own pools and caches fill during the first ~20 calls
if [ -n "$asan" ]; then CALLS=16; FIRST=4; fi
export JINGLE_AGENT_ICE_ADDRESSES=127.0.0.1
export XDG_DATA_HOME="$tmp/data"

# sample PID: "fds threads rss_kb" of the running answerer
sample() {
  echo "$(ls "/proc/$1/fd" | wc -l) $(ls "/proc/$1/task" | wc -l) $(awk '/^VmRSS/ { print $2 }' "/proc/$1/status")"
}

for engine in native gstreamer; do
  start_cmd answer lobby "$RES-$engine" "a-$engine" --no-server-services \
    --from visitor@localhost --count "$CALLS" --audio test:880 \
    --stats-interval 0 --media-engine "$engine" || continue
  failed_calls=0; first=""; last=""
  for i in $(seq 1 "$CALLS"); do
    # The callers alternate engines: what the answerer meets varies too.
    ce=native; [ $((i % 2)) -eq 0 ] && ce=gstreamer
    run_agent call visitor --json --no-server-services \
      --to "lobby@localhost/$RES-$engine" --audio test:440 --duration 1 \
      --stats-interval 0 --media-engine "$ce" \
      >"$tmp/c-$engine-$i.json" 2>"$tmp/c-$engine-$i.err" \
      || { failed_calls=$((failed_calls + 1)); echo "# call $i: $(tail -1 "$tmp/c-$engine-$i.err")"; }
    # The answerer's end of the call is torn down a moment after the caller's.
    if [ "$i" -eq "$FIRST" ] || [ "$i" -eq $((CALLS - 1)) ]; then
      sleep 0.5
      s=$(sample "$apid")
      [ "$i" -eq "$FIRST" ] && first=$s || last=$s
    fi
  done
  wait_rc "$apid" 30; arc=$?
  read -r f0 t0 m0 <<<"$first"
  read -r f1 t1 m1 <<<"$last"
  echo "# $engine: after call $FIRST: $f0 fds, $t0 threads, $m0 KB; after call $((CALLS - 1)): $f1 fds, $t1 threads, $m1 KB"
  check "$engine: all $CALLS calls connected and ended normally ($failed_calls failed)" \
    test "$failed_calls" -eq 0
  check "$engine: the answerer exits 0 after its $CALLS calls (rc=$arc${asan:+; LeakSanitizer found nothing})" test "$arc" -eq 0
  check "$engine: its open files did not grow ($f0 -> $f1)" test "${f1:-999}" -le "${f0:-0}"
  check "$engine: nor its threads ($t0 -> $t1)" test "${t1:-999}" -le "${t0:-0}"
  per=4; [ "$engine" = gstreamer ] && per=16
  [ -n "$asan" ] && continue
  check "$engine: its memory grew by less than $per KB a call ($m0 -> $m1 KB over $((CALLS - 1 - FIRST)) calls)" \
    test $(( ${m1:-999999} - ${m0:-0} )) -lt $(( per * (CALLS - 1 - FIRST) ))
done

echo "1..$n"
[ "$failed" -eq 0 ]
