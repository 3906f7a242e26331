#!/usr/bin/env bash
# test-cli-call-soak.sh — one `answer` process takes call after call, as a
# kiosk or a call daemon that runs for months does: 40 audio calls with
# each audio engine (native, then GStreamer: what device calls use), then
# 30 video calls (VP8 and H.264, the callers alternate, audio and 320x240
# video both ways). Every call connects and ends normally, with video both
# sides decode it in every call (the `ended` events' video_frames_decoded),
# and from the 20th call (video: the 10th) to the last the answerer's open
# files and threads do not grow and its memory (RSS) grows by less than
# 4 KB a call (native: an answer that kept each ended call grew by ~9-12 KB
# a call), 16 KB (GStreamer audio) and 32 KB (video: one leaked 320x240
# frame is 115 KB). The GStreamer and video answerers run with
# MALLOC_ARENA_MAX=1: with glibc's default arenas the RSS of a process
# whose streaming threads come and go with each call wanders by megabytes
# (video: +300 KB one call, -3.8 MB five calls later, 61 to 72 MB over
# calls 20-55) while malloc's bytes in use stay flat (malloc_stats over
# GStreamer audio calls 10-40: 6.96 MB each time); with one arena the video
# answerer's RSS grew ~4 KB a call over calls 10-70: what grows there is
# held memory. Under ASan (a binary linked with libasan: the ASan tree;
# meson gives the plain tree's media tests ASAN_OPTIONS too) the RSS is
# ASan's own (+130 KB over 19 native calls, +1.2 MB over 19 GStreamer ones,
# its quarantine off): there 16 audio calls an engine and 10 video calls,
# open files and threads as above, and the memory check is LeakSanitizer's
# when the answerer exits (its exit status). Accounts lobby, visitor: no
# other test uses them.
# TAP output; every wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
RES="soak-$$"
# ASan by the binary, not by ASAN_OPTIONS (the memory checks never ran in
# the plain tree until the seventh session: meson.build gives it
# ASAN_OPTIONS=fast_unwind_on_malloc=0).
asan=""
ldd "$JINGLE_AGENT" 2>/dev/null | grep -q libasan && asan=1
CALLS=${SOAK_CALLS:-40}
FIRST=20   # GStreamer's own pools and caches fill during the first ~20 calls
if [ -n "$asan" ]; then CALLS=16; FIRST=4; fi
export JINGLE_AGENT_ICE_ADDRESSES=127.0.0.1
export XDG_DATA_HOME="$tmp/data"

# sample PID: "fds threads rss_kb" of the running answerer
sample() {
  echo "$(ls "/proc/$1/fd" | wc -l) $(ls "/proc/$1/task" | wc -l) $(awk '/^VmRSS/ { print $2 }' "/proc/$1/status")"
}

for engine in native gstreamer video; do
  aopts=(--media-engine "$engine")
  if [ "$engine" = video ]; then
    CALLS=30; FIRST=10
    [ -n "$asan" ] && { CALLS=10; FIRST=3; }
    aopts=(--video test --video-size 320x240)
  fi
  # The answerer's, see above (GStreamer's streaming threads).
  [ "$engine" != native ] && export MALLOC_ARENA_MAX=1
  start_cmd answer lobby "$RES-$engine" "a-$engine" --no-server-services \
    --from visitor@localhost --count "$CALLS" --audio test:880 \
    --stats-interval 0 "${aopts[@]}"; src=$?
  unset MALLOC_ARENA_MAX
  [ "$src" -eq 0 ] || continue
  failed_calls=0; first=""; last=""
  for i in $(seq 1 "$CALLS"); do
    # The callers alternate engines (or video codecs): what the answerer
    # meets varies too.
    ce=native; [ $((i % 2)) -eq 0 ] && ce=gstreamer
    copts=(--media-engine "$ce")
    if [ "$engine" = video ]; then
      vc=vp8; [ $((i % 2)) -eq 0 ] && vc=h264
      copts=(--video test --video-size 320x240 --video-codec "$vc")
    fi
    run_agent call visitor --json --no-server-services \
      --to "lobby@localhost/$RES-$engine" --audio test:440 --duration 1 \
      --stats-interval 0 "${copts[@]}" \
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
  if [ "$engine" = video ]; then
    # The picture came through in every call, both ways (the `ended`
    # events' totals: the calls run with --stats-interval 0).
    vfail=0
    for i in $(seq 1 "$CALLS"); do
      json_has "$tmp/c-$engine-$i.json" 'of("ended") and of("ended")[0].get("video_frames_decoded", 0) >= 5' \
        || vfail=$((vfail + 1))
    done
    check "video: the caller decoded video in all $CALLS calls ($vfail without)" \
      test "$vfail" -eq 0
    check "video: the answerer decoded video in all $CALLS calls" \
      json_has "$tmp/a-$engine.json" "len(of('ended')) == $CALLS and all(e.get('video_frames_decoded', 0) >= 5 for e in of('ended'))"
  fi
  check "$engine: the answerer exits 0 after its $CALLS calls (rc=$arc${asan:+; LeakSanitizer found nothing})" test "$arc" -eq 0
  check "$engine: its open files did not grow ($f0 -> $f1)" test "${f1:-999}" -le "${f0:-0}"
  check "$engine: nor its threads ($t0 -> $t1)" test "${t1:-999}" -le "${t0:-0}"
  # Video: 32 KB (one leaked 320x240 frame is 115 KB; measured 0-12 KB a
  # call over calls 10-29, ~4 over calls 10-70 with one arena).
  per=4; [ "$engine" = gstreamer ] && per=16; [ "$engine" = video ] && per=32
  [ -n "$asan" ] && continue
  check "$engine: its memory grew by less than $per KB a call ($m0 -> $m1 KB over $((CALLS - 1 - FIRST)) calls)" \
    test $(( ${m1:-999999} - ${m0:-0} )) -lt $(( per * (CALLS - 1 - FIRST) ))
done

echo "1..$n"
[ "$failed" -eq 0 ]
