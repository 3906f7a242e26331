#!/usr/bin/env bash
# test-cli-call-hdrext.sh — XEP-0294 header extensions on a bundled call
# (XEP-0338) between real processes through the real Prosody: xena calls
# yuri with audio (440 Hz sine) and video (VP8 test pattern), bundled (the
# default). A tap on the caller's sent datagrams (JINGLE_AGENT_TEST_TAP:
# the plaintext RTP before SRTP, and the SRTP datagrams on the wire) shows
# that every RTP packet carries the RFC 8285 one-byte extension block
# (0xBEDE) with the BUNDLE MID under the negotiated id 1 — "audio" on the
# audio content's packets, "video" on the video's — and the RFC 6464 audio
# level under id 2 on the audio packets (not on the RFC 4733 DTMF events,
# which carry the audio MID); SRTP leaves that block readable on the wire. The callee, which routes by that MID (RFC 8843 §9.2), hears
# 440 Hz and decodes the video. With every 20th packet dropped on the
# caller's send path, its RFC 4588 retransmissions carry the video MID as
# well (rtprtxsend copies the extension block). Accounts xena, yuri: no
# other test uses them. TAP output; every wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
: "${WAV_PEAK:?path to the wav-peak tool}"
RES="hdrext-$$"
export JINGLE_AGENT_ICE_ADDRESSES=127.0.0.1
export XDG_DATA_HOME="$tmp/data"

# answer_yuri NAME ARGS...: yuri answers one call from xena in the
# background, with video; sets apid.
answer_yuri() {
  local name=$1; shift
  start_cmd answer yuri "$RES" "$name" --no-server-services \
    --from xena@localhost --count 1 --video test --stats-interval 1 "$@"
}

# call_yuri NAME ARGS...: xena calls yuri in the foreground with audio and
# video; sets crc.
call_yuri() {
  local name=$1; shift
  run_agent call xena --json --no-server-services --to "yuri@localhost/$RES" \
    --audio test:440 --video test --stats-interval 1 "$@" \
    >"$tmp/$name.json" 2>"$tmp/$name.err"; crc=$?
}

# tap_check TAP MIN-RTX: the caller's tap (TAP.plain, TAP.wire) as above;
# at least MIN-RTX retransmissions (RFC 4588, pt of the negotiated rtx)
# seen among the video packets.
tap_check() {
  python3 - "$1.plain" "$1.wire" "$2" <<'PY'
import struct, sys
def packets(p):
    d = open(p, "rb").read(); out = []; i = 0
    while i + 4 <= len(d):
        n = struct.unpack(">I", d[i:i+4])[0]; out.append(d[i+4:i+4+n]); i += 4 + n
    return out
def ext(p):
    """{id: value} of the one-byte extension block, or None."""
    if len(p) < 12 or p[0] >> 6 != 2 or not p[0] & 0x10: return None
    off = 12 + 4 * (p[0] & 0x0f)
    if off + 4 > len(p) or p[off:off+2] != b"\xbe\xde": return None
    end = off + 4 + 4 * struct.unpack(">H", p[off+2:off+4])[0]
    i, out = off + 4, {}
    while i < end:
        if p[i] == 0: i += 1; continue
        eid, n = p[i] >> 4, (p[i] & 0x0f) + 1
        if eid == 15: break
        out[eid] = p[i+1:i+1+n]; i += 1 + n
    return out
def rtp(ps): return [p for p in ps if len(p) > 12 and not 64 <= (p[1] & 0x7f) <= 95]
plain, wire = rtp(packets(sys.argv[1])), rtp(packets(sys.argv[2]))
min_rtx = int(sys.argv[3])
AUDIO_PTS = {111, 0, 8, 101, 126}  # opus, PCMU, PCMA, telephone-event (our offer)
DTMF_PTS = {101, 126}
bad, kinds = [], {"audio": 0, "video": 0, "rtx": 0, "dtmf": 0}
# RFC 4588 retransmissions: video packets on the FID group's second SSRC
# (the one that is not the video's most frequent).
vssrc = [p[8:12] for p in plain if (p[1] & 0x7f) not in AUDIO_PTS]
main = max(set(vssrc), key=vssrc.count) if vssrc else None
for what, ps in (("plain", plain), ("wire", wire)):
    for p in ps:
        e = ext(p); pt = p[1] & 0x7f
        kind = "audio" if pt in AUDIO_PTS else "video"
        if e is None or e.get(1) != kind.encode():
            bad.append((what, pt, e)); continue
        if kind == "audio" and pt not in DTMF_PTS and (2 not in e or len(e[2]) != 1):
            bad.append((what, pt, e)); continue
        if what == "plain":
            kinds[kind] += 1
            if pt in DTMF_PTS: kinds["dtmf"] += 1
            if kind == "video" and p[8:12] != main: kinds["rtx"] += 1
print("# %d plaintext RTP packets (audio %d of which DTMF %d, video %d of which rtx %d), %d on the wire, %d without the right extensions"
      % (len(plain), kinds["audio"], kinds["dtmf"], kinds["video"], kinds["rtx"], len(wire), len(bad)))
for b in bad[:5]: print("# bad: %s" % (b,))
levels = [ext(p)[2][0] & 0x7f for p in plain
          if (p[1] & 0x7f) in AUDIO_PTS - DTMF_PTS]
if levels: print("# audio levels (-dBov): min %d max %d" % (min(levels), max(levels)))
sys.exit(0 if not bad and kinds["audio"] > 50 and kinds["video"] > 50
         and len(wire) >= len(plain) and kinds["rtx"] >= min_rtx else 1)
PY
}

# ---- a bundled audio+video call: MID and audio level on every packet ----
answer_yuri y1 --audio test:880 --record "$tmp/y1.wav" --verbose || exit 1
ypid=$apid
JINGLE_AGENT_TEST_TAP="$tmp/tap1" call_yuri x1 --duration 3 --dtmf 1#
wait_rc "$ypid" 30; yrc=$?
check "the bundled audio+video call ends normally (caller $crc, callee $yrc)" \
  test "$crc" -eq 0 -a "$yrc" -eq 0
check "both contents on one ICE component (BUNDLE), both sides" \
  json_has "$tmp/x1.json" 'of("connected")[0]["bundle_size"] == 2'
check "every RTP packet the caller sent carries 0xBEDE with MID id 1 = its content, audio level id 2 on audio (plaintext and wire)" \
  tap_check "$tmp/tap1" 0
check "the callee, routing by MID, hears the caller's 440 Hz" \
  peak "$tmp/y1.wav" 440
check "the callee routed the caller's audio and video by their MID" \
  python3 - "$tmp/y1.err" <<'PY'
import re, sys
seen = set(re.findall(r"content (\w+): RTP routed by its MID",
                      open(sys.argv[1]).read()))
print("# routed by MID: %s" % sorted(seen))
sys.exit(0 if seen >= {"audio", "video"} else 1)
PY
check "the callee got the DTMF digits 1 # (RFC 4733 events, with the audio MID)" \
  json_has "$tmp/y1.json" '"".join(e["digit"] for e in of("dtmf")) == "1#"'
check "the callee decoded the caller's video" \
  json_has "$tmp/y1.json" 'max(e["frames_decoded"] for e in of("video-stats")) >= 30'
check "the caller decoded the callee's video" \
  json_has "$tmp/x1.json" 'max(e["frames_decoded"] for e in of("video-stats")) >= 30'

# ---- loss on the caller's send path: retransmissions carry the MID ------
answer_yuri y2 || exit 1
ypid=$apid
JINGLE_AGENT_TEST_DROP_EVERY=20 JINGLE_AGENT_TEST_TAP="$tmp/tap2" \
  call_yuri x2 --duration 3
wait_rc "$ypid" 30; yrc=$?
check "a lossy bundled call ends normally (caller $crc, callee $yrc)" \
  test "$crc" -eq 0 -a "$yrc" -eq 0
check "the callee asked for lost video and got retransmissions" \
  json_has "$tmp/y2.json" 'of("video-stats")[-1]["rtx_received"] > 0'
check "every packet, retransmissions (RFC 4588) included, carries its MID" \
  tap_check "$tmp/tap2" 1

echo "1..$n"
[ "$failed" -eq 0 ]
