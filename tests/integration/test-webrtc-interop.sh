#!/usr/bin/env bash
# test-webrtc-interop.sh — calls between our agent (the CLI) and a real
# WebRTC endpoint: webrtc-peer, a Jingle peer whose media is GStreamer's
# webrtcbin (its own JSEP offer/answer, libnice, DTLS through OpenSSL,
# libsrtp, max-bundle BUNDLE, rtcp-mux), translated to and from Jingle the
# way the WebRTC XMPP clients do. Through the real Prosody, on loopback:
#  1. webrtc-peer (kate) calls our `answer` (leo): webrtcbin's offer →
#     session-initiate; it sends an 880 Hz opus sine, our recording peaks
#     at 880 Hz; we send test:440 and webrtc-peer's recording peaks at 440.
#  2. our `call` (leo) calls webrtc-peer (kate): webrtcbin answers our
#     Jingle offer (as SDP); the same checks.
#  3. audio+video (VP8, NACK + RTX on webrtcbin's side too: an rtx
#     payload type and an FID ssrc-group in its answer) our
#     `call --video test` → webrtc-peer --video:
#     frames decoded on both sides, the audio still peaks at 440 Hz, and
#     no NACK goes out on the loss-free loopback.
#  4. audio+video, webrtcbin offers: its max-bundle offer (the video m-line
#     bundle-only with port 0, one ICE/DTLS transport) → session-initiate
#     with a BUNDLE group; our `answer --video test` takes both contents on
#     the one transport; frames and tones both ways.
# Accounts kate, leo: no other test uses them. TAP; every wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
: "${WAV_PEAK:?path to the wav-peak tool}"
: "${WEBRTC_PEER:?path to webrtc-peer}"
export JINGLE_AGENT_ICE_ADDRESSES=127.0.0.1
export XDG_DATA_HOME="$tmp/data"
echo "1..17"

if ! gst-inspect-1.0 webrtcbin >/dev/null 2>&1; then
  for _ in $(seq 1 17); do nok "webrtcbin is installed (gstreamer1.0-plugins-bad)"; done
  exit 1
fi

# start_answer USER RESOURCE NAME ARGS...: `answer --json` until ready.
start_answer() { # start_answer USER RESOURCE NAME ARGS...: sets apid
  local u=$1 r=$2 nm=$3; shift 3
  start_cmd answer "$u" "$r" "$nm" --no-server-services "$@"
}

# start_peer NAME ARGS...: webrtc-peer as kate/webrtc in the background
# until it is signed in; sets wpid.
start_peer() {
  local name=$1; shift
  "$WEBRTC_PEER" --user kate --resource webrtc --timeout $((60 * T)) "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.err" &
  wpid=$!; pids+=("$wpid")
  for _ in $(seq 1 $((100 * T))); do
    grep -q '^# ready as' "$tmp/$name.out" 2>/dev/null && return 0
    kill -0 "$wpid" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}

show() { # show NAME: the tail of webrtc-peer's and our agent's logs
  sed -n 's/^/# /p' "$tmp/$1.out" 2>/dev/null | grep -v "^# #   a=" | tail -40
  tail -5 "$tmp/$1.err" 2>/dev/null | sed 's/^/# err: /'
}

# ---- 1. webrtcbin offers, our agent answers -------------------------------
if start_answer leo answer a1 --from kate@localhost --count 1 \
    --audio test:440 --record "$tmp/a1.wav"; then
  "$WEBRTC_PEER" --user kate --resource webrtc --timeout $((60 * T)) \
    --call leo@localhost/answer --tone 880 --duration 4 \
    --record "$tmp/w1.wav" >"$tmp/w1.out" 2>"$tmp/w1.err"; wrc=$?
  wait_rc "$apid" 20; arc=$?
  if [ "$wrc" = 0 ]; then ok "webrtcbin's offer: webrtc-peer called our answer and decoded audio ($(tail -1 "$tmp/w1.out"))"
  else nok "webrtcbin's offer: webrtc-peer called our answer and decoded audio (exit $wrc)"; show w1; fi
  if [ "$arc" = 0 ] && json_has "$tmp/a1.json" 'of("connected") and of("ended")'; then
    ok "our answer connected and ended cleanly (exit 0)"
  else nok "our answer connected and ended cleanly (exit $arc)" "$(tail -5 "$tmp/a1.err")"; fi
  check "our recording of webrtcbin's opus peaks at 880 Hz" peak "$tmp/a1.wav" 880
  check "webrtcbin's recording of our opus peaks at 440 Hz" peak "$tmp/w1.wav" 440
else
  for _ in 1 2 3; do nok "case 1 not run"; done
fi

# ---- 2. our agent offers, webrtcbin answers ---------------------------------
if start_peer w2 --answer --tone 880 --record "$tmp/w2.wav"; then
  run_agent call leo --resource caller --json --no-server-services \
    --to kate@localhost/webrtc --audio test:440 --duration 4 \
    --record "$tmp/c2.wav" >"$tmp/c2.json" 2>"$tmp/c2.err"; crc=$?
  wait_rc "$wpid" 20; wrc=$?
  if [ "$crc" = 0 ] && json_has "$tmp/c2.json" 'of("connected") and of("ended")'; then
    ok "our call to webrtcbin connected and ended cleanly (exit 0)"
  else nok "our call to webrtcbin connected and ended cleanly (exit $crc)" "$(tail -5 "$tmp/c2.err")"; show w2; fi
  if [ "$wrc" = 0 ]; then ok "webrtcbin answered our offer and decoded audio ($(tail -1 "$tmp/w2.out"))"
  else nok "webrtcbin answered our offer and decoded audio (exit $wrc)"; show w2; fi
  check "our recording of webrtcbin's opus peaks at 880 Hz" peak "$tmp/c2.wav" 880
  check "webrtcbin's recording of our opus peaks at 440 Hz" peak "$tmp/w2.wav" 440
else
  nok "webrtc-peer is ready" "$(cat "$tmp/w2.err")"
  for _ in 1 2 3; do nok "case 2 not run"; done
fi

# ---- 3. audio+video (VP8), our agent offers ---------------------------------
if start_peer w3 --answer --video --tone 880 --record "$tmp/w3.wav"; then
  run_agent call leo --resource caller --json --no-server-services \
    --to kate@localhost/webrtc --audio test:440 --video test --duration 5 \
    --video-sink none --record "$tmp/c3.wav" >"$tmp/c3.json" 2>"$tmp/c3.err"; crc=$?
  wait_rc "$wpid" 20; wrc=$?
  if [ "$crc" = 0 ] && json_has "$tmp/c3.json" 'of("connected") and max(e["frames_decoded"] for e in of("video-stats")) >= 15 and of("video-stats")[-1]["width"] == 320 and of("video-stats")[-1]["height"] == 240'; then
    ok "audio+video call to webrtcbin: our agent decoded VP8 frames"
  else nok "audio+video call to webrtcbin: our agent decoded VP8 frames (exit $crc)" "$(tail -5 "$tmp/c3.err")"; show w3; fi
  if [ "$wrc" = 0 ] && grep -Eq 'video-frames=[0-9]{2,} width=640 height=480' "$tmp/w3.out"; then
    ok "webrtcbin decoded our VP8 frames ($(tail -1 "$tmp/w3.out"))"
  else nok "webrtcbin decoded our VP8 frames (exit $wrc)"; show w3; fi
  # webrtcbin sends each 15 fps frame as a burst of 2 packets: our jitter
  # buffers must not take the pause for a loss (they NACK gaps only).
  if json_has "$tmp/c3.json" 'sum(e["nacks_sent"] for e in of("video-stats")[-1:]) == 0 and of("video-stats")[-1]["rtx_received"] == 0'; then
    ok "no NACK and no retransmission on the loss-free loopback"
  else nok "no NACK and no retransmission on the loss-free loopback" "$(grep video-stats "$tmp/c3.json" | tail -1)"; fi
  check "webrtcbin's recording of our opus peaks at 440 Hz (with video)" peak "$tmp/w3.wav" 440
  check "our recording of webrtcbin's opus peaks at 880 Hz (with video)" peak "$tmp/c3.wav" 880
else
  nok "webrtc-peer is ready" "$(cat "$tmp/w3.err")"
  for _ in 1 2 3 4; do nok "case 3 not run"; done
fi
# ---- 4. audio+video, webrtcbin offers (max-bundle) --------------------------
if start_answer leo answer a4 --from kate@localhost --count 1 \
    --audio test:440 --video test --video-sink none --record "$tmp/a4.wav"; then
  "$WEBRTC_PEER" --user kate --resource webrtc --timeout $((60 * T)) \
    --call leo@localhost/answer --video --tone 880 --duration 5 \
    --record "$tmp/w4.wav" >"$tmp/w4.out" 2>"$tmp/w4.err"; wrc=$?
  wait_rc "$apid" 20; arc=$?
  if [ "$wrc" = 0 ] && grep -Eq 'video-frames=[0-9]{2,} width=640 height=480' "$tmp/w4.out"; then
    ok "webrtcbin's bundled audio+video offer: it decoded our VP8 frames ($(tail -1 "$tmp/w4.out"))"
  else nok "webrtcbin's bundled audio+video offer: it decoded our VP8 frames (exit $wrc)"; show w4; fi
  if [ "$arc" = 0 ] && json_has "$tmp/a4.json" 'of("connected")[0]["bundle_size"] == 2 and max(e["frames_decoded"] for e in of("video-stats")) >= 15 and of("video-stats")[-1]["width"] == 320'; then
    ok "our answer took both contents on one transport and decoded webrtcbin's VP8"
  else nok "our answer took both contents on one transport and decoded webrtcbin's VP8 (exit $arc)" "$(tail -5 "$tmp/a4.err")"; fi
  check "our recording of webrtcbin's opus peaks at 880 Hz (bundled with video)" peak "$tmp/a4.wav" 880
  check "webrtcbin's recording of our opus peaks at 440 Hz (bundled with video)" peak "$tmp/w4.wav" 440
else
  for _ in 1 2 3 4; do nok "case 4 not run"; done
fi
[ "$failed" = 0 ]
