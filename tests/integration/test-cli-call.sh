#!/usr/bin/env bash
# test-cli-call.sh — `jingle-agent call` / `answer` between real processes
# through the real Prosody (env from tests/integration/servers.sh): a secure
# audio call (XEP-0167 over ICE-UDP on 127.0.0.1, DTLS-SRTP) with a 440 Hz
# sine one way and 880 Hz the other, both recorded: each recording's
# spectrum peaks at the other side's frequency (±5 Hz) with most of the
# energy there; DTMF digits sent by the caller are reported by the callee in
# order; the wire is SRTP (a tap on the caller's sent datagrams: every
# plaintext RTP payload is absent from what went out); a wrong DTLS
# fingerprint ends the call with security-error (exit 7); the callee hangs
# up (both exit 0, the caller says by the peer); 13 malformed or unexpected
# Jingle requests from the caller mid-call (JINGLE_AGENT_TEST_INJECT) each
# get the right error or result from the callee and the call goes on; a
# callee killed mid-call
# ends the caller's call with connectivity-error (exit 7) once ICE consent
# expires; a caller that is not
# allowed is declined (exit 5); a call to a bare JID rings two devices
# (XEP-0353) and connects to the one that proceeds first, the other stops
# ringing; a bare JID whose device lacks XEP-0353 gets a session-initiate;
# session-info hold/unhold/mute/unmute reach the peer; an audio+video call
# (VP8), bundled (one ICE component, XEP-0338) and with --no-bundle, decodes
# 640x480 frames both ways, a saved frame shows the colour bars where they
# belong and the audio still peaks at 440 Hz; with every 20th RTP packet
# dropped on both send paths (JINGLE_AGENT_TEST_DROP_EVERY) video keeps
# decoding, repaired by NACK + RTX (negotiated rtx, FID groups); after a
# 1.5 s outage (JINGLE_AGENT_TEST_DROP_WINDOW) a PLI brings a keyframe and
# video resumes;
# video added to an audio call by content-add and removed by content-remove; --codec PCMU makes a G.711 call (440 Hz heard), and no codec in common
# fails with exit 7. The audio runs on the native engine (the default, AUTO,
# for test sources without a sink); one call both ways with
# --media-engine gstreamer on both sides keeps the GStreamer engine tested
# end to end (440/880 Hz heard, DTMF). Accounts frank, grace, heidi: no
# other test uses them. TAP
# output; every wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
: "${WAV_PEAK:?path to the wav-peak tool}"
RES="call-$$"
export JINGLE_AGENT_ICE_ADDRESSES=127.0.0.1
export XDG_DATA_HOME="$tmp/data"

# start_answer USER RESOURCE NAME ARGS...: `answer --json` in the
# background until ready; sets apid.
start_answer() { # start_answer USER RESOURCE NAME ARGS...: sets apid
  local u=$1 r=$2 nm=$3; shift 3
  start_cmd answer "$u" "$r" "$nm" --no-server-services "$@"
}

# call NAME ARGS...: frank calls in the foreground; sets crc.
call() {
  local name=$1; shift
  run_agent call frank --json ${CALL_SERVICES---no-server-services} "$@" \
    >"$tmp/$name.json" 2>"$tmp/$name.err"; crc=$?
}

# ---- a call both ways, DTMF, SRTP on the wire ---------------------------
start_answer grace "$RES" g1 --from frank@localhost --count 1 \
  --audio test:880 --record "$tmp/g1.wav" || exit 1
gpid=$apid
JINGLE_AGENT_TEST_TAP="$tmp/tap" call c1 --to "grace@localhost/$RES" \
  --audio test:440 --record "$tmp/c1.wav" --duration 3 --dtmf 159#
wait_rc "$gpid" 30; grc=$?
check "the caller exits 0 after a call that connected (rc=$crc)" test "$crc" -eq 0
check "the callee exits 0 (rc=$grc)" test "$grc" -eq 0
check "the caller reports connected with SRTP, host candidates and opus" \
  json_has "$tmp/c1.json" 'len(of("connected")) == 1 and of("connected")[0]["srtp_profile"].startswith("SRTP_AES128_CM_HMAC_SHA1") and of("connected")[0]["candidate_type"] == "host" and of("connected")[0]["codec"].startswith("opus/48000") and of("connected")[0]["ice_ms"] > 0'
check "both sides ran the native audio engine (the default for test sources)" \
  json_has "$tmp/c1.json" 'of("connected")[0]["audio_engine"] == "native"'
check "the callee too" \
  json_has "$tmp/g1.json" 'of("connected")[0]["audio_engine"] == "native"'
check "after the first packet both sides' calls moved to the media thread (packets sent and received there)" \
  json_has "$tmp/c1.json" 'of("stats")[-1]["media_thread"]'
check "the callee's too" \
  json_has "$tmp/g1.json" 'of("stats")[-1]["media_thread"]'
check "the caller hung up: ended success, not by the peer" \
  json_has "$tmp/c1.json" 'of("ended")[0]["reason"] == "success" and not of("ended")[0]["by_peer"] and of("ended")[0]["packets_received"] > 50'
check "the callee saw the caller hang up" \
  json_has "$tmp/g1.json" 'of("ended")[0]["reason"] == "success" and of("ended")[0]["by_peer"]'
check "the callee's recording peaks at 440 Hz" peak "$tmp/g1.wav" 440
check "the caller's recording peaks at 880 Hz" peak "$tmp/c1.wav" 880
check "the callee reports the DTMF digits 1 5 9 # in order" \
  json_has "$tmp/g1.json" '"".join(e["digit"] for e in of("dtmf")) == "159#"'
check "the wire carries SRTP: no plaintext RTP payload was sent" \
  python3 - "$tmp/tap.plain" "$tmp/tap.wire" <<'PY'
import struct, sys
def packets(p):
    d = open(p, "rb").read(); out = []; i = 0
    while i + 4 <= len(d):
        n = struct.unpack(">I", d[i:i+4])[0]; out.append(d[i+4:i+4+n]); i += 4 + n
    return out
plain, wire = packets(sys.argv[1]), packets(sys.argv[2])
rtp = [p for p in plain if len(p) > 12 and not 64 <= (p[1] & 0x7f) <= 95]
assert len(rtp) > 50 and len(wire) >= len(plain), (len(rtp), len(wire))
blob = b"".join(wire)
leaks = [p for p in rtp if p[12:12+16] in blob]
print("# %d RTP packets sent, %d datagrams on the wire, %d payloads found in clear"
      % (len(rtp), len(wire), len(leaks)))
assert not leaks
PY

# ---- the same call on the GStreamer engine (--media-engine gstreamer) ----
start_answer grace "$RES" g16 --from frank@localhost --count 1 \
  --audio test:880 --record "$tmp/g16.wav" --media-engine gstreamer || exit 1
gpid=$apid
call c16 --to "grace@localhost/$RES" --audio test:440 --record "$tmp/c16.wav" \
  --duration 3 --dtmf 72 --media-engine gstreamer
wait_rc "$gpid" 30; grc=$?
check "a GStreamer-engine call connects and ends normally (caller $crc, callee $grc)" \
  test "$crc" -eq 0 -a "$grc" -eq 0
check "both sides ran the GStreamer engine" \
  json_has "$tmp/c16.json" 'of("connected")[0]["audio_engine"] == "gstreamer" and of("ended")[0]["packets_received"] > 50'
check "the callee too" \
  json_has "$tmp/g16.json" 'of("connected")[0]["audio_engine"] == "gstreamer"'
check "GStreamer engine: the callee's recording peaks at 440 Hz" peak "$tmp/g16.wav" 440
check "GStreamer engine: the caller's recording peaks at 880 Hz" peak "$tmp/c16.wav" 880
check "GStreamer engine: the callee reports the DTMF digits 7 2 in order" \
  json_has "$tmp/g16.json" '"".join(e["digit"] for e in of("dtmf")) == "72"'

# ---- a fingerprint that does not match ----------------------------------
start_answer grace "$RES" g2 --from frank@localhost --count 1 || exit 1
gpid=$apid
JINGLE_AGENT_TEST_BAD_FINGERPRINT=1 call c2 --to "grace@localhost/$RES" \
  --duration 2
wait_rc "$gpid" 30; grc=$?
check "a wrong DTLS fingerprint: the caller exits 7 (rc=$crc)" test "$crc" -eq 7
check "the call ended with security-error, from the callee's check" \
  json_has "$tmp/c2.json" 'of("ended")[0]["reason"] == "security-error" and of("ended")[0]["by_peer"] and "fingerprint" in of("ended")[0]["text"]'
check "the callee refused the certificate: security-error, no audio (rc=$grc)" \
  json_has "$tmp/g2.json" 'of("ended")[0]["reason"] == "security-error" and not of("ended")[0]["by_peer"] and not of("first-media")'
check "the callee exits 7 (rc=$grc)" test "$grc" -eq 7

# ---- only a TURN relay allowed (coturn, credentials from XEP-0215) -------
start_answer grace "$RES" g5 --from frank@localhost --count 1 || exit 1
gpid=$apid
# The caller takes its TURN server and credentials from Prosody (XEP-0215).
CALL_SERVICES="" call c6 --to "grace@localhost/$RES" --duration 2 --relay-only
wait_rc "$gpid" 30; grc=$?
check "a relay-only call connects (caller $crc, callee $grc)" \
  test "$crc" -eq 0 -a "$grc" -eq 0
check "the relay-only call went through coturn: relay candidates" \
  json_has "$tmp/c6.json" 'of("connected")[0]["candidate_type"] == "relay" and of("ended")[0]["packets_received"] > 20'

# ---- the callee hangs up ------------------------------------------------
start_answer grace "$RES" g3 --from frank@localhost --count 1 --duration 2 \
  || exit 1
gpid=$apid
call c3 --to "grace@localhost/$RES"
wait_rc "$gpid" 30; grc=$?
check "the callee hung up: both exit 0 (caller $crc, callee $grc)" \
  test "$crc" -eq 0 -a "$grc" -eq 0
check "the caller reports the end by the peer" \
  json_has "$tmp/c3.json" 'of("ended")[0]["by_peer"] and of("ended")[0]["reason"] == "success" and of("ended")[0]["connected"]'

# ---- hold and mute (XEP-0167 session-info) -------------------------------
start_answer grace "$RES" g11 --from frank@localhost --count 1 || exit 1
gpid=$apid
call c11 --to "grace@localhost/$RES" --duration 4 --hold-after 1 \
  --mute-after 2
wait_rc "$gpid" 30; grc=$?
check "a call with hold and mute ends normally (caller $crc, callee $grc)" \
  test "$crc" -eq 0 -a "$grc" -eq 0
check "the callee heard hold, unhold, mute, unmute in that order" \
  json_has "$tmp/g11.json" '[e["what"] for e in of("peer-info")] == ["hold", "mute", "unhold", "unmute"] or [e["what"] for e in of("peer-info")] == ["hold", "unhold", "mute", "unmute"]'

# ---- a peer's malformed requests mid-call: refused, the call goes on ----
# The caller (JINGLE_AGENT_TEST_INJECT) sends grace's `answer --count 1`
# 14 Jingle requests a second into the call, each after the answer to the
# one before: the right error for each (XEP-0166 §6.3, §7.2.6, §10; where
# the request is wrong, bad-request, never undefined-condition), the valid
# ones accepted, a second session-initiate acknowledged and ended with
# busy (--count 1 has no call left for it), and the call still carries
# audio to its end.
J="xmlns='urn:xmpp:jingle:1'"
ICE="xmlns='urn:xmpp:jingle:transports:ice-udp:1'"
RTP="xmlns='urn:xmpp:jingle:apps:rtp:1'"
PT="<payload-type id='111' name='opus' clockrate='48000' channels='2'/>"
CAND="foundation='1' generation='0' network='0' priority='1' protocol='udp' type='host'"
FP=$(printf '%s' "$RES" | sha256sum | cut -c1-64 | sed 's/../&:/g; s/:$//' | tr a-f A-F)
cat >"$tmp/inject.txt" <<EOF
<jingle $J action='session-info' sid='{sid}'><foo xmlns='urn:example:nothing'/></jingle>
<jingle $J action='session-accept' sid='{sid}' responder='{responder}'><content creator='initiator' name='audio'><description $RTP media='audio'>$PT</description><transport $ICE ufrag='aaaa' pwd='bbbbbbbbbbbbbbbbbbbbbb'/></content></jingle>
<jingle $J action='session-initiate' sid='{sid}' initiator='{initiator}'><content creator='initiator' name='audio'><description $RTP media='audio'>$PT</description><transport $ICE ufrag='aaaa' pwd='bbbbbbbbbbbbbbbbbbbbbb'/></content></jingle>
<jingle $J action='transport-info' sid='no-such-session'><content creator='initiator' name='audio'><transport $ICE/></content></jingle>
<jingle $J action='transport-info' sid='{sid}'><content creator='initiator' name='no-such-content'><transport $ICE/></content></jingle>
<jingle $J action='transport-info' sid='{sid}'><content creator='initiator' name='audio'><transport $ICE><candidate component='1' id='x1' ip='127.0.0.1' port='70000' $CAND/></transport></content></jingle>
<jingle $J action='transport-info' sid='{sid}'><content creator='initiator' name='audio'><transport $ICE><candidate component='7' id='x2' ip='127.0.0.1' port='9' $CAND/></transport></content></jingle>
<jingle $J action='no-such-action' sid='{sid}'/>
<jingle $J action='content-modify' sid='{sid}'><content creator='initiator' name='audio' senders='everyone'/></jingle>
<jingle $J action='description-info' sid='{sid}'><content creator='initiator' name='audio'><description $RTP media='audio'><payload-type id='999' name='opus' clockrate='-1'/></description></content></jingle>
<jingle $J action='transport-replace' sid='{sid}'><content creator='initiator' name='audio'><transport xmlns='urn:example:no-such-transport'/></content></jingle>
<jingle $J action='session-info' sid='{sid}'><ringing xmlns='urn:xmpp:jingle:apps:rtp:info:1'/></jingle>
<jingle $J action='session-info' sid='{sid}'/>
<jingle $J action='session-initiate' sid='a-second-call' initiator='{initiator}'><content creator='initiator' name='audio'><description $RTP media='audio'>$PT</description><transport $ICE ufrag='cccc' pwd='dddddddddddddddddddddd'><fingerprint xmlns='urn:xmpp:jingle:apps:dtls:0' hash='sha-256' setup='actpass'>$FP</fingerprint></transport></content></jingle>
EOF
start_answer grace "$RES" g18 --from frank@localhost --count 1 \
  --record "$tmp/g18.wav" --log-xmpp=jingle,error || exit 1
gpid=$apid
JINGLE_AGENT_TEST_INJECT="$tmp/inject.txt" call c18 \
  --to "grace@localhost/$RES" --audio test:440 --duration 5
wait_rc "$gpid" 30; grc=$?
check "a call that met 14 malformed or unexpected requests ends normally (caller $crc, callee $grc)" \
  test "$crc" -eq 0 -a "$grc" -eq 0
check "each request got its answer: errors for the 10 bad ones (bad-request where the request is wrong), results for the 4 valid ones" \
  json_has "$tmp/c18.json" '[(e["line"], e["type"], e["condition"]) for e in of("injected")] == [(1, "error", "feature-not-implemented"), (2, "error", "unexpected-request"), (3, "error", "unexpected-request"), (4, "error", "item-not-found"), (5, "error", "bad-request"), (6, "error", "bad-request"), (7, "error", "bad-request"), (8, "error", "bad-request"), (9, "error", "bad-request"), (10, "error", "feature-not-implemented"), (11, "result", None), (12, "result", None), (13, "result", None), (14, "result", None)]'
check "the callee's errors carry the Jingle conditions (unsupported-info, out-of-order, unknown-session), it rejected the unknown transport and ended the second session with busy" \
  python3 - "$tmp/g18.err" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
parts = re.split(r"^\S+ (SEND >>>|RECV <<<)\n", text, flags=re.M)
sent = [re.sub(r"\s+", " ", parts[i + 1]) for i in range(1, len(parts) - 1, 2)
        if parts[i].startswith("SEND")]
def reply(n):
    r = [s for s in sent if "id='inject-%d'" % n in s]
    assert len(r) == 1, (n, r)
    return r[0]
for n, cond in [(1, "unsupported-info"), (2, "out-of-order"), (3, "out-of-order"),
                (4, "unknown-session"), (10, "unsupported-info")]:
    assert "<%s xmlns='urn:xmpp:jingle:errors:1'/>" % cond in reply(n), (n, reply(n))
assert "undefined-condition" not in " ".join(sent)
assert any("action='transport-reject'" in s and "urn:example:no-such-transport" in s
           for s in sent)
assert any("action='session-terminate' sid='a-second-call'" in s and "<busy/>" in s
           for s in sent)
print("# %d stanzas sent by the callee checked" % len(sent))
PY
check "the call lasted its 5 s and the caller hung up, not the callee" \
  json_has "$tmp/c18.json" 'of("ended")[0]["reason"] == "success" and not of("ended")[0]["by_peer"] and of("ended")[0]["seconds"] >= 4.9'
check "the callee received audio to the end (>= 200 packets in 5 s, 0 lost)" \
  json_has "$tmp/g18.json" 'of("ended")[0]["packets_received"] >= 200 and of("ended")[0]["packets_lost"] == 0'
check "the callee's recording after the requests (its last 3 s) peaks at 440 Hz" \
  peak "$tmp/g18.wav" 440 3
check "the callee said it declined the second call: busy" \
  json_has "$tmp/g18.json" 'len(of("incoming")) == 1 and [e["reason"] for e in of("declined")] == ["busy: 1 call in progress"]'

# ---- answer --max-calls 1: a second caller hears busy (its XEP-0353 propose
# is rejected with <busy/>), the next caller is taken
start_answer grace "$RES" g19 --from frank@localhost --count 2 --max-calls 1 \
  || exit 1
gpid=$apid
run_agent call frank --json --no-server-services --to "grace@localhost/$RES" \
  --duration 4 >"$tmp/c19.json" 2>"$tmp/c19.err" &
c19pid=$!
for _ in $(seq 1 $((50 * T))); do
  grep -q '"event":"connected"' "$tmp/c19.json" 2>/dev/null && break
  sleep 0.1
done
call c20 --to grace@localhost --duration 1; c20rc=$crc
wait "$c19pid"; c19rc=$?
call c21 --to "grace@localhost/$RES" --duration 1; c21rc=$crc
wait_rc "$gpid" 30; grc=$?
check "--max-calls 1: the second caller (to the bare JID: an XEP-0353 propose) is rejected (exit 5, rc=$c20rc) with busy" \
  json_has "$tmp/c20.json" 'of("ended")[0]["reason"] == "busy" and not of("connected")'
check "the call in progress went on to its end (rc=$c19rc)" \
  test "$c19rc" -eq 0
check "it was not ended by the callee and lasted its 4 s" \
  json_has "$tmp/c19.json" 'of("ended")[0]["reason"] == "success" and not of("ended")[0]["by_peer"] and of("ended")[0]["seconds"] >= 3.9'
check "after it, the next caller is taken (rc=$c21rc) and the callee exits 0 after its 2 calls (rc=$grc)" \
  test "$c21rc" -eq 0 -a "$grc" -eq 0

# ---- the callee vanishes (killed): ICE consent expires ------------------
start_answer grace "$RES" g7 --from frank@localhost --count 1 || exit 1
gpid=$apid
( sleep $((3 * T)); kill -9 "$gpid" 2>/dev/null ) &
t0=$(date +%s)
call c7 --to "grace@localhost/$RES"
t1=$(date +%s)
check "a callee that vanished: the caller exits 7 (rc=$crc) after $((t1 - t0)) s" \
  test "$crc" -eq 7
check "the call ended with connectivity-error" \
  json_has "$tmp/c7.json" 'of("connected") and of("ended")[0]["reason"] == "connectivity-error"'

# ---- a caller that is not allowed ---------------------------------------
start_answer grace "$RES" g4 --count 1 || exit 1
gpid=$apid
call c4 --to "grace@localhost/$RES"
kill "$gpid" 2>/dev/null; wait_rc "$gpid" 10 >/dev/null
check "a caller that is not allowed is declined: exit 5 (rc=$crc)" test "$crc" -eq 5
check "the caller's end says decline" \
  json_has "$tmp/c4.json" 'of("ended")[0]["reason"] == "decline"'
check "the callee says it declined frank" \
  json_has "$tmp/g4.json" 'len(of("declined")) == 1 and of("declined")[0]["peer"].startswith("frank@localhost/")'

# ---- XEP-0353: two devices ring, the first to proceed takes the call -----
start_answer heidi "h1-$RES" h1 --from frank@localhost --count 1 --ring-ms 300 \
  --record "$tmp/h1.wav" || exit 1
h1pid=$apid
start_answer heidi "h2-$RES" h2 --from frank@localhost --ring-ms 5000 || exit 1
h2pid=$apid
call c5 --to heidi@localhost --audio test:440 --duration 2
wait_rc "$h1pid" 30; h1rc=$?
sleep 1
kill "$h2pid" 2>/dev/null; wait_rc "$h2pid" 10 >/dev/null
check "a bare-JID call connects (caller $crc, first device $h1rc)" \
  test "$crc" -eq 0 -a "$h1rc" -eq 0
check "the caller rang and connected to the device that proceeded first" \
  json_has "$tmp/c5.json" "len(of('ringing')) >= 1 and of('connected')[0]['jmi'] and of('connected')[0]['peer'] == 'heidi@localhost/h1-$RES'"
check "the first device's recording peaks at 440 Hz" peak "$tmp/h1.wav" 440
check "the second device stopped ringing: answered on another device" \
  json_has "$tmp/h2.json" 'any(e["reason"] == "answered on another device" for e in of("missed")) and not of("incoming")'

# ---- a bare JID whose device does not do XEP-0353 -----------------------
JINGLE_AGENT_TEST_NO_JMI=1 start_answer heidi "h3-$RES" h3 --from frank@localhost \
  --count 1 || exit 1
h3pid=$apid
call c8 --to heidi@localhost --duration 1
wait_rc "$h3pid" 30; h3rc=$?
check "a bare JID without XEP-0353: session-initiate to its resource (caller $crc, callee $h3rc)" \
  test "$crc" -eq 0 -a "$h3rc" -eq 0
check "the call went straight to the resource, no propose" \
  json_has "$tmp/c8.json" "not of('connected')[0]['jmi'] and of('connected')[0]['peer'] == 'heidi@localhost/h3-$RES'"

# ---- G.711 by choice, and no codec in common -----------------------------
start_answer grace "$RES" g9 --from frank@localhost --count 1 \
  --record "$tmp/g9.wav" || exit 1
gpid=$apid
call c9 --to "grace@localhost/$RES" --codec PCMU --audio test:440 --duration 2
wait_rc "$gpid" 30; grc=$?
check "a call with --codec PCMU connects (caller $crc, callee $grc)" \
  test "$crc" -eq 0 -a "$grc" -eq 0
check "it used PCMU/8000 (G.711)" \
  json_has "$tmp/c9.json" 'of("connected")[0]["codec"].startswith("PCMU/8000")'
check "the callee's recording of a G.711 call peaks at 440 Hz" peak "$tmp/g9.wav" 440
start_answer grace "$RES" g10 --from frank@localhost --count 1 --codec PCMA \
  || exit 1
gpid=$apid
call c10 --to "grace@localhost/$RES" --codec PCMU --duration 1
kill "$gpid" 2>/dev/null; wait_rc "$gpid" 10 >/dev/null
check "no codec in common: the call fails as a media failure, exit 7 (rc=$crc)" \
  test "$crc" -eq 7
check "and never connected" json_has "$tmp/c10.json" 'not of("connected") and of("ended")'

# ---- audio + video (VP8), bundled (XEP-0338, the default) and unbundled ---
# av_call NAME CALL-ARGS...: grace answers with video, frank calls with
# video; sets crc, grc.
av_call() {
  local name=$1; shift
  start_answer grace "$RES" "g$name" --from frank@localhost --count 1 \
    --video test --record "$tmp/g$name.wav" --snapshot "$tmp/g$name.png" \
    --video-size 320x240 --video-fps 15 --stats-interval 1 || return 1
  local gpid=$apid
  call "c$name" --to "grace@localhost/$RES" --audio test:440 --video test \
    --duration 3 --stats-interval 1 "$@"
  wait_rc "$gpid" 30; grc=$?
}
for mode in bundled unbundled; do
  if [ "$mode" = bundled ]; then av_call 12 --codec opus || exit 1; n_bundle=2
  else av_call 13 --no-bundle || exit 1; n_bundle=1; fi
  k=$([ "$mode" = bundled ] && echo 12 || echo 13)
  check "$mode audio+video call connects and ends normally (caller $crc, callee $grc)" \
    test "$crc" -eq 0 -a "$grc" -eq 0
  check "$mode: $n_bundle content(s) on the audio's ICE component, both sides" \
    json_has "$tmp/c$k.json" "of('connected')[0]['bundle_size'] == $n_bundle"
  check "$mode: the callee's side agrees" \
    json_has "$tmp/g$k.json" "of('connected')[0]['bundle_size'] == $n_bundle"
  check "$mode: the callee decoded 640x480 video at a real frame rate" \
    json_has "$tmp/g$k.json" 'max(e["frames_decoded"] for e in of("video-stats")) >= 30 and of("video-stats")[-1]["width"] == 640 and of("video-stats")[-1]["height"] == 480 and of("video-stats")[-1]["fps"] >= 10'
  check "$mode: the caller decoded the callee's 320x240@15 video (--video-size/--video-fps)" \
    json_has "$tmp/c$k.json" 'max(e["frames_decoded"] for e in of("video-stats")) >= 15 and of("video-stats")[-1]["width"] == 320 and of("video-stats")[-1]["height"] == 240 and 8 <= of("video-stats")[-1]["fps"] <= 20'
  check "$mode: the callee's audio still peaks at 440 Hz" peak "$tmp/g$k.wav" 440
  check "$mode: a received frame shows the colour bars where they belong" \
    colour_bars "$tmp/g$k.png"
done

# ---- 5 % loss on both send paths: NACK + RTX (XEP-0339 FID) and PLI -----
export JINGLE_AGENT_TEST_DROP_EVERY=20
av_call 14 || exit 1
unset JINGLE_AGENT_TEST_DROP_EVERY
check "with 5 % loss the audio+video call still ends normally (caller $crc, callee $grc)" \
  test "$crc" -eq 0 -a "$grc" -eq 0
# At least half the sent 30 fps in the last interval: under ASan with two
# tests at once the repaired stream was seen at 19 fps (plain: 28-30).
check "with 5 % loss the callee keeps decoding video (>= 15 fps)" \
  json_has "$tmp/g14.json" 'max(e["frames_decoded"] for e in of("video-stats")) >= 30 and of("video-stats")[-1]["fps"] >= 15'
# (A PLI is not evidence here: the receiver asks for a keyframe once at the
# start of every call, loss or not, and with the repair in time no loss
# needs another; the outage below needs one.)
check "lost video packets were asked for (NACK), retransmitted (RTX), at most 5 lost for good" \
  json_has "$tmp/g14.json" 'of("video-stats")[-1]["nacks_sent"] > 0 and of("video-stats")[-1]["rtx_received"] > 0 and of("video-stats")[-1]["packets_lost"] <= 5'
check "the frame under loss still shows the colour bars" colour_bars "$tmp/g14.png"

# ---- a 1.5 s network outage both ways (a kiosk's Wi-Fi blip): the picture
# stops, and after it the receiver asks for a keyframe (PLI: what was lost
# is past retransmission) and video resumes at once.
export JINGLE_AGENT_TEST_DROP_WINDOW=2,1.5
av_call 14o --duration 9 --video-kbps 400 || exit 1
unset JINGLE_AGENT_TEST_DROP_WINDOW
check "with a 1.5 s outage the audio+video call still ends normally (caller $crc, callee $grc)" \
  test "$crc" -eq 0 -a "$grc" -eq 0
check "the callee's video stopped during the outage (a second under 5 fps)" \
  json_has "$tmp/g14o.json" 'len(of("video-stats")) >= 5 and min(e["fps"] for e in of("video-stats")[1:]) < 5'
check "after it a PLI brought a new keyframe and video resumed (>= 15 fps at the end)" \
  json_has "$tmp/g14o.json" '(v := of("video-stats")) and v[-1]["plis_sent"] > v[0]["plis_sent"] and v[-1]["keyframes_received"] > v[0]["keyframes_received"] and v[-1]["fps"] >= 15'
# The receiver's reports after the outage show its loss in most runs (the
# caller's 400 kbit/s target fell to 138-233); climbing 5 % a report from
# there left it at 60-75 % by the end, x1.5 a report brings it back in 2-3
# reports. (Under ASan the retransmissions once hid the outage from the
# reports: no cut.)
check "the caller's target bitrate is back where it began (>= 95 %) by the end" \
  python3 - "$tmp/c14o.json" <<'PY'
import json, sys
t = [e["target_kbps"] for e in map(json.loads, open(sys.argv[1]))
     if e["event"] == "video-stats"]
print("# caller's target_kbps each second: %s" % t)
assert len(t) >= 5 and t[-1] >= 0.95 * t[0]
PY

# ---- video added to an audio call (content-add) and removed (content-remove)
start_answer grace "$RES" g15 --from frank@localhost --count 1 --video test \
  --snapshot "$tmp/g15.png" --stats-interval 1 || exit 1
gpid=$apid
call c15 --to "grace@localhost/$RES" --duration 5 --add-video-after 1 \
  --remove-video-after 4 --stats-interval 1
wait_rc "$gpid" 30; grc=$?
check "an audio call that adds and removes video ends normally (caller $crc, callee $grc)" \
  test "$crc" -eq 0 -a "$grc" -eq 0
check "the callee saw the video added, decoded it, then saw it removed" \
  python3 - "$tmp/g15.json" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
names = [e["event"] for e in ev]
a, r = names.index("video-added"), names.index("video-removed")
frames = [e["frames_decoded"] for e in ev[a:r] if e["event"] == "video-stats"]
after = [e for e in ev[r:] if e["event"] == "video-stats"]
print("# frames between add and remove: %s; video stats after: %d" % (frames, len(after)))
assert ev[a]["by_peer"] and ev[r]["by_peer"] and max(frames) >= 30 and not after
PY
check "the caller reports its own add and remove" \
  json_has "$tmp/c15.json" 'len(of("video-added")) == 1 and not of("video-added")[0]["by_peer"] and len(of("video-removed")) == 1'
check "the added video showed the colour bars" colour_bars "$tmp/g15.png"

# ---- usage --------------------------------------------------------------
"$JINGLE_AGENT" call --to '' >/dev/null 2>&1; rc=$?
check "call without a JID is a usage error (rc=$rc)" test "$rc" -eq 2
"$JINGLE_AGENT" call --to a@b --dtmf 12x >/dev/null 2>&1; rc=$?
check "call --dtmf with a bad digit is a usage error (rc=$rc)" test "$rc" -eq 2
"$JINGLE_AGENT" call --to a@b --video test --video-size 640 >/dev/null 2>&1; rc=$?
check "call --video-size without a height is a usage error (rc=$rc)" test "$rc" -eq 2
"$JINGLE_AGENT" call --to a@b --codec speex >/dev/null 2>&1; rc=$?
check "call --codec speex is a usage error (rc=$rc)" test "$rc" -eq 2
"$JINGLE_AGENT" answer --media-engine fast >/dev/null 2>&1; rc=$?
check "answer --media-engine fast is a usage error (rc=$rc)" test "$rc" -eq 2

echo "1..$n"
[ "$failed" -eq 0 ]
