#!/usr/bin/env bash
# test-browser-interop.sh — calls between our agent (the CLI) and a web
# browser: Debian's Chromium, headless, running tests/integration/browser/
# (strophe.js from Debian's libjs-strophe over Prosody's XMPP WebSocket, the
# browser's own RTCPeerConnection: its ICE, its DTLS (BoringSSL), its SRTP,
# max-bundle, rtcp-mux, its full list of codecs, header extensions and
# rtcp-fb, trickled candidates), Jingle <-> SDP translated the way the
# WebRTC XMPP clients do. Its microphone is a WAV file of an 880 Hz tone;
# what it receives it analyses itself (MediaStreamTrackProcessor). Through
# the real Prosody, on loopback (Chromium's candidates: loopback allowed,
# raw addresses instead of mDNS names):
#  1. Chromium (bria) calls our `answer` (otto): its offer → session-initiate;
#     our recording peaks at 880 Hz, the browser hears our 440 Hz; the
#     browser's DTMF (RTCDTMFSender, RFC 4733) is reported by our agent.
#  2. our `call` (otto) calls Chromium: the browser answers our Jingle offer
#     (it is the DTLS client then); the same checks.
#  3. audio+video, the browser offers (max-bundle: both m-lines on one
#     transport, its whole list of video codecs, rtx, red/ulpfec, its
#     header extensions): our `answer --video test` takes both contents;
#     VP8 frames decoded on both sides (its fake camera and our test
#     pattern, both 640x480), tones both ways.
#  4. audio+video, our `call --video test` offers (BUNDLE), the browser
#     answers: the same checks.
#  5. audio through our GStreamer engine (`answer --media-engine
#     gstreamer`: rtpbin's jitter buffer and RTCP against the browser's
#     RTP/RTCP): the browser calls; tones both ways.
#  6. ICE restart by our agent (`call --ice-restart-after 2`, XEP-0176: a
#     transport-info with new credentials): the browser takes it as a new
#     offer, answers with its own new credentials; a pair is selected
#     again and the audio goes on both ways.
#  7. ICE restart by the browser (restartIce offer → transport-info): our
#     `answer` follows; the same checks.
#  8. XEP-0353, as Conversations and Movim call: the browser proposes to
#     otto's bare JID; our `answer` rings and proceeds, the browser's
#     session-initiate goes to it, and at the end both send <finish/>.
# Accounts bria, otto: no other test uses them. TAP; every wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
: "${WAV_PEAK:?path to the wav-peak tool}"
: "${JA_TEST_WEBSOCKET_URL:?integration servers without XMPP over WebSocket}"
export JINGLE_AGENT_ICE_ADDRESSES=127.0.0.1
export XDG_DATA_HOME="$tmp/data"
page="$(cd "$(dirname "$0")" && pwd)/browser/peer.html"
echo "1..34"

chromium=$(command -v chromium || true)
if [ -z "$chromium" ] || [ ! -r /usr/share/javascript/strophe/strophe.js ]; then
  for _ in $(seq 1 34); do nok "chromium and libjs-strophe are installed (.ci/packages)"; done
  exit 1
fi

# A 48 kHz mono 16-bit WAV of 880 Hz: the browser's microphone.
python3 - "$tmp/tone880.wav" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb")
w.setnchannels(1); w.setsampwidth(2); w.setframerate(48000)
w.writeframes(b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * 880 * i / 48000)))
                       for i in range(48000 * 10)))
w.close()
PY

# start_browser NAME QUERY: Chromium on the page in the background; sets
# bpid. Its console (the page's "PEER ..." lines) in $tmp/NAME.log.
start_browser() {
  local name=$1 query=$2
  timeout $((60 * T)) "$chromium" --headless=new --no-sandbox --disable-gpu \
    --disable-dev-shm-usage --no-first-run --no-default-browser-check \
    --user-data-dir="$tmp/profile-$name" \
    --autoplay-policy=no-user-gesture-required \
    --use-fake-ui-for-media-stream --use-fake-device-for-media-stream \
    --use-file-for-fake-audio-capture="$tmp/tone880.wav" \
    --allow-loopback-in-peer-connection \
    --disable-features=WebRtcHideLocalIpsWithMdns \
    --enable-logging=stderr --v=0 \
    "file://$page?ws=$JA_TEST_WEBSOCKET_URL&jid=bria@localhost/browser&pass=$(cat "$JA_TEST_STATE_DIR/bria.pass")&timeout=$((40 * T))&$query" \
    >"$tmp/$name.out" 2>"$tmp/$name.err" &
  bpid=$!; pids+=("$bpid")
}

# page NAME: the page's own lines.
page_lines() { sed -n 's/.*"PEER \(.*\)", source: .*/\1/p' "$tmp/$1.err" 2>/dev/null; }

# wait_page NAME WORD SECONDS: until the page logged a line starting WORD.
wait_page() {
  for _ in $(seq 1 $(($3 * 10 * T))); do
    page_lines "$1" | grep -q "^$2" && return 0
    kill -0 "$bpid" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}

show() { # show NAME: what the page said, and Chromium's last complaints
  page_lines "$1" | sed 's/^/# page: /'
  grep -v CONSOLE "$tmp/$1.err" 2>/dev/null | grep -i "error\|fail" | tail -5 | sed 's/^/# chromium: /'
}

# browser_heard NAME HZ: the page connected, received audio packets, and
# the strongest frequency of what it decoded is HZ ± 5, far above the rest.
browser_heard() {
  page_lines "$1" | python3 -c '
import re, sys
want = float(sys.argv[1])
lines = [l for l in sys.stdin if l.startswith("result ")]
if not lines: sys.exit(1)
r = dict(kv.split("=") for kv in lines[-1].split()[1:])
print("# page: " + lines[-1].strip())
sys.exit(0 if r["connected"] == "true" and int(r["packets"]) >= 50
         and abs(float(r["peak"]) - want) <= 5 and float(r["ratio"]) >= 100 else 1)' "$2"
}

# browser_restarted NAME N: the page went through one ICE restart and
# received at least N audio packets over the call (50 a second).
browser_restarted() {
  page_lines "$1" | python3 -c '
import sys
lines = [l for l in sys.stdin if l.startswith("result ")]
if not lines: sys.exit(1)
r = dict(kv.split("=") for kv in lines[-1].split()[1:])
print("# page: " + lines[-1].strip())
sys.exit(0 if r["restarts"] == "1" and int(r["packets"]) >= int(sys.argv[1]) else 1)' "$2"
}

# browser_saw NAME W H: the page decoded at least 15 video frames of W x H.
browser_saw() {
  page_lines "$1" | python3 -c '
import sys
lines = [l for l in sys.stdin if l.startswith("result ")]
if not lines: sys.exit(1)
r = dict(kv.split("=") for kv in lines[-1].split()[1:])
sys.exit(0 if int(r["vframes"]) >= 15 and r["vwidth"] == sys.argv[1]
         and r["vheight"] == sys.argv[2] else 1)' "$2" "$3"
}

# av_checks NAME JSON RC WAV WHAT: the checks of an audio+video call (4):
# our side (exit RC, events in JSON) had both contents on one transport and
# decoded the browser's 640x480 VP8; the page decoded ours; tones both ways
# (our recording WAV); no signalling error on the page.
av_checks() {
  local name=$1 json=$2 rc=$3 wav=$4 what=$5
  if [ "$rc" = 0 ] && json_has "$json" 'of("connected")[0]["bundle_size"] == 2 and max(e["frames_decoded"] for e in of("video-stats")) >= 15 and of("video-stats")[-1]["width"] == 640 and of("video-stats")[-1]["height"] == 480'; then
    ok "$what: one transport for both contents, the browser's VP8 decoded (640x480)"
    echo "# $(grep '"event":"video-stats"' "$json" | tail -1 | cut -c1-300)"
  else nok "$what: one transport for both contents, the browser's VP8 decoded (640x480) (exit $rc)" "$(tail -5 "${json%.json}.err")"; show "$name"; fi
  check "$what: Chromium decoded our VP8 frames (640x480)" browser_saw "$name" 640 480
  check "$what: our recording of Chromium's opus peaks at 880 Hz" peak "$wav" 880 3
  check "$what: Chromium decoded our opus and it peaks at 440 Hz" browser_heard "$name" 440
}

# restart_checks NAME JSON RC WAV BY WHAT: the checks of a call with one
# ICE restart by BY (local: ours, remote: the browser's) (3): our side
# (exit RC) saw that one restart and a pair selected after it, received
# 250+ packets and ended cleanly; the page went through it and kept
# receiving; our recording peaks at 880 Hz in its last 2 s.
restart_checks() {
  local name=$1 json=$2 rc=$3 wav=$4 by=$5 what=$6
  if [ "$rc" = 0 ] && json_has "$json" '[e["by"] for e in of("ice-restart")] == ["'"$by"'"] and any(e["event"] == "pair" and e["ice_restarts"] == 1 for e in ev[[e["event"] for e in ev].index("ice-restart"):]) and of("ended")[0]["reason"] == "success" and of("ended")[0]["packets_received"] >= 250'; then
    ok "$what: a pair again, the call went on and ended cleanly (exit 0)"
  else nok "$what: a pair again, the call went on and ended cleanly (exit $rc)" "$(tail -5 "${json%.json}.err")"; show "$name"; fi
  check "$what: the browser kept receiving across it" browser_restarted "$name" 250
  check "$what: our recording of Chromium's opus peaks at 880 Hz in the last 2 s" peak "$wav" 880 2
}

# ---- 1. Chromium offers, our agent answers ----------------------------------
if start_cmd answer otto answer a1 --no-server-services --from bria@localhost \
    --count 1 --audio test:440 --record "$tmp/a1.wav"; then
  start_browser b1 "mode=call&to=otto@localhost/answer&duration=4&dtmf=1234%23"
  wait_page b1 done $((40 + 5)); wrc=$?
  wait_rc "$apid" 20; arc=$?
  kill "$bpid" 2>/dev/null
  if [ "$wrc" = 0 ] && page_lines b1 | grep -q '^state connected'; then
    ok "Chromium's offer: the browser called our answer and connected"
  else nok "Chromium's offer: the browser called our answer and connected"; show b1; fi
  if [ "$arc" = 0 ] && json_has "$tmp/a1.json" 'of("connected") and of("ended") and of("connected")[0]["srtp_profile"].startswith("SRTP_") and of("connected")[0]["codec"].startswith("opus/48000/2")'; then
    ok "our answer connected (opus, DTLS-SRTP) and ended cleanly (exit 0)"
    echo "# $(grep '"event":"connected"' "$tmp/a1.json" | cut -c1-400)"
  else nok "our answer connected (opus, DTLS-SRTP) and ended cleanly (exit $arc)" "$(tail -5 "$tmp/a1.err")"; fi
  if json_has "$tmp/a1.json" 'of("ended")[0]["reason"] == "success" and of("ended")[0]["by_peer"]'; then
    ok "the browser's hang-up (session-terminate success) ended our call"
  else nok "the browser's hang-up (session-terminate success) ended our call"; fi
  check "our recording of Chromium's opus peaks at 880 Hz" peak "$tmp/a1.wav" 880 3
  check "Chromium decoded our opus and it peaks at 440 Hz" browser_heard b1 440
  if json_has "$tmp/a1.json" '"".join(e["digit"] for e in of("dtmf")) == "1234#"'; then
    ok "the browser's DTMF 1234# (RTCDTMFSender) was reported by our agent"
  else nok "the browser's DTMF 1234# (RTCDTMFSender) was reported by our agent" "$(page_lines b1 | grep dtmf)"; fi
else
  for _ in 1 2 3 4 5; do nok "case 1 not run"; done
fi

# ---- 2. our agent offers, Chromium answers ----------------------------------
start_browser b2 "mode=answer"
if wait_page b2 ready 20; then
  run_agent call otto --resource caller --json --no-server-services \
    --to bria@localhost/browser --audio test:440 --duration 4 \
    --record "$tmp/c2.wav" >"$tmp/c2.json" 2>"$tmp/c2.err"; crc=$?
  wait_page b2 done 20; wrc=$?
  kill "$bpid" 2>/dev/null
  if [ "$crc" = 0 ] && json_has "$tmp/c2.json" 'of("connected") and of("ended") and of("connected")[0]["dtls_role"] == "server" and of("ended")[0]["reason"] == "success"'; then
    ok "our call to Chromium connected (the browser as DTLS client) and ended cleanly (exit 0)"
    echo "# $(grep '"event":"connected"' "$tmp/c2.json" | cut -c1-400)"
  else nok "our call to Chromium connected (the browser as DTLS client) and ended cleanly (exit $crc)" "$(tail -5 "$tmp/c2.err")"; show b2; fi
  if [ "$wrc" = 0 ] && page_lines b2 | grep -q '^state ended success'; then
    ok "the browser answered our offer, and our hang-up ended its session"
  else nok "the browser answered our offer, and our hang-up ended its session"; show b2; fi
  check "our recording of Chromium's opus peaks at 880 Hz" peak "$tmp/c2.wav" 880 3
  check "Chromium decoded our opus and it peaks at 440 Hz" browser_heard b2 440
  if page_lines b2 | grep -q '^error'; then
    nok "the page saw no signalling error" "$(page_lines b2 | grep '^error')"
  else ok "the page saw no signalling error"; fi
else
  nok "the browser is ready" "$(show b2)"
  for _ in 1 2 3 4; do nok "case 2 not run"; done
fi
# ---- 3. audio+video, the browser offers (max-bundle) ------------------------
if start_cmd answer otto answer a3 --no-server-services --from bria@localhost \
    --count 1 --audio test:440 --video test --video-sink none \
    --record "$tmp/a3.wav"; then
  start_browser b3 "mode=call&to=otto@localhost/answer&duration=5&video=1"
  wait_page b3 done $((40 + 5)); wrc=$?
  wait_rc "$apid" 20; arc=$?
  kill "$bpid" 2>/dev/null
  av_checks b3 "$tmp/a3.json" "$arc" "$tmp/a3.wav" "the browser's bundled audio+video offer"
  if [ "$wrc" = 0 ] && ! page_lines b3 | grep -q '^error'; then
    ok "the page saw no signalling error (audio+video, browser offers)"
  else nok "the page saw no signalling error (audio+video, browser offers)" "$(page_lines b3 | grep '^error')"; fi
else
  for _ in 1 2 3 4; do nok "case 3 not run"; done
fi

# ---- 4. audio+video, our agent offers (BUNDLE) ------------------------------
start_browser b4 "mode=answer&video=1"
if wait_page b4 ready 20; then
  run_agent call otto --resource caller --json --no-server-services \
    --to bria@localhost/browser --audio test:440 --video test \
    --video-sink none --duration 5 --record "$tmp/c4.wav" \
    >"$tmp/c4.json" 2>"$tmp/c4.err"; crc=$?
  wait_page b4 done 20; wrc=$?
  kill "$bpid" 2>/dev/null
  av_checks b4 "$tmp/c4.json" "$crc" "$tmp/c4.wav" "our bundled audio+video offer"
  if [ "$wrc" = 0 ] && ! page_lines b4 | grep -q '^error'; then
    ok "the page saw no signalling error (audio+video, we offer)"
  else nok "the page saw no signalling error (audio+video, we offer)" "$(page_lines b4 | grep '^error')"; fi
else
  nok "the browser is ready (audio+video)" "$(show b4)"
  for _ in 1 2 3 4; do nok "case 4 not run"; done
fi
# ---- 5. our GStreamer engine, the browser offers ----------------------------
if start_cmd answer otto answer a5 --no-server-services --from bria@localhost \
    --count 1 --audio test:440 --media-engine gstreamer --record "$tmp/a5.wav"; then
  start_browser b5 "mode=call&to=otto@localhost/answer&duration=4"
  wait_page b5 done $((40 + 5)); wrc=$?
  wait_rc "$apid" 20; arc=$?
  kill "$bpid" 2>/dev/null
  if [ "$wrc" = 0 ] && [ "$arc" = 0 ] && json_has "$tmp/a5.json" 'of("connected")[0]["audio_engine"] == "gstreamer" and of("ended")[0]["reason"] == "success"'; then
    ok "the browser's call to our GStreamer engine connected and ended cleanly (exit 0)"
  else nok "the browser's call to our GStreamer engine connected and ended cleanly (exit $arc)" "$(tail -5 "$tmp/a5.err")"; show b5; fi
  check "our GStreamer engine's recording of Chromium's opus peaks at 880 Hz" peak "$tmp/a5.wav" 880 3
  check "Chromium decoded our GStreamer engine's opus and it peaks at 440 Hz" browser_heard b5 440
else
  for _ in 1 2; do nok "case 5 not run"; done
fi
# ---- 6. ICE restart by our agent -----------------------------------------------
start_browser b6 "mode=answer"
if wait_page b6 ready 20; then
  run_agent call otto --resource caller --json --no-server-services \
    --to bria@localhost/browser --audio test:440 --duration 6 \
    --ice-restart-after 2 --record "$tmp/c6.wav" >"$tmp/c6.json" 2>"$tmp/c6.err"; crc=$?
  wait_page b6 done 20
  kill "$bpid" 2>/dev/null
  restart_checks b6 "$tmp/c6.json" "$crc" "$tmp/c6.wav" local "our ICE restart with the browser"
else
  nok "the browser is ready (ICE restart)" "$(show b6)"
  for _ in 1 2; do nok "case 6 not run"; done
fi

# ---- 7. ICE restart by the browser ---------------------------------------------
if start_cmd answer otto answer a7 --no-server-services --from bria@localhost \
    --count 1 --audio test:440 --record "$tmp/a7.wav"; then
  start_browser b7 "mode=call&to=otto@localhost/answer&duration=6&restart=2"
  wait_page b7 done $((40 + 5))
  wait_rc "$apid" 20; arc=$?
  kill "$bpid" 2>/dev/null
  restart_checks b7 "$tmp/a7.json" "$arc" "$tmp/a7.wav" remote "the browser's ICE restart, our answer following"
else
  for _ in 1 2; do nok "case 7 not run"; done
fi
# ---- 8. XEP-0353: the browser proposes to our bare JID -------------------------
if start_cmd answer otto answer a8 --no-server-services --from bria@localhost \
    --count 1 --audio test:440 --record "$tmp/a8.wav"; then
  start_browser b8 "mode=call&to=otto@localhost&duration=4"
  wait_page b8 done $((40 + 5))
  wait_page b8 "got jmi finish" 10; frc=$?
  wait_rc "$apid" 20; arc=$?
  kill "$bpid" 2>/dev/null
  if page_lines b8 | grep -q '^got jmi ringing' && page_lines b8 | grep -q '^got jmi proceed'; then
    ok "the browser's <propose/> to our bare JID: our agent rang and proceeded"
  else nok "the browser's <propose/> to our bare JID: our agent rang and proceeded"; show b8; fi
  if [ "$arc" = 0 ] && json_has "$tmp/a8.json" 'of("connected")[0]["jmi"] and of("ended")[0]["reason"] == "success"'; then
    ok "our answer took the session that followed its proceed (connected says jmi) and ended cleanly (exit 0)"
  else nok "our answer took the session that followed its proceed (connected says jmi) and ended cleanly (exit $arc)" "$(tail -5 "$tmp/a8.err")"; fi
  if [ "$frc" = 0 ]; then ok "our agent sent the browser a <finish/> at the end (XEP-0353: both parties do)"
  else nok "our agent sent the browser a <finish/> at the end (XEP-0353: both parties do)"; show b8; fi
  check "our recording of Chromium's opus peaks at 880 Hz (XEP-0353 call)" peak "$tmp/a8.wav" 880 2
else
  for _ in 1 2 3; do nok "case 8 not run"; done
fi
[ "$failed" = 0 ]
