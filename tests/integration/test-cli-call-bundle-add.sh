#!/usr/bin/env bash
# test-cli-call-bundle-add.sh — video added mid-call into the audio's
# XEP-0338 BUNDLE, between real processes through the real Prosody: quinn
# calls wendy with audio only (440 Hz sine), bundled (the default), adds
# video 2 s after connecting (--add-video-after: content-add) and removes it
# after 5 s (content-remove). The content-add carries the updated
# <group semantics='BUNDLE'> (audio and video; wendy's --log-xmpp=jingle
# shows it received) and wendy's content-accept echoes it; the video rides
# on the audio's transport: each side made ONE transport of its own (one ICE
# agent, one DTLS handshake) for the whole call, reports the video
# `bundled`, routes the added video's RTP by its MID (RFC 8843 §9.2), and
# decodes video frames both ways (wendy's saved frame shows the colour
# bars); wendy's recording still peaks at 440 Hz; after the remove the
# audio goes on over the same transport. The same when wendy (the
# responder) adds the video: bundled, one ICE agent and one DTLS per side,
# video both ways. The same with --no-bundle: the
# added video gets a transport of its own (two ICE agents / DTLS handshakes
# per side), is not bundled, and is decoded too. Accounts quinn, wendy: no
# other test uses them. TAP output; every wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
: "${WAV_PEAK:?path to the wav-peak tool}"
RES="bundle-add-$$"
export JINGLE_AGENT_ICE_ADDRESSES=127.0.0.1
export XDG_DATA_HOME="$tmp/data"

# answer_wendy NAME ARGS...: wendy answers one call from quinn in the
# background (video test when video is added, her audio 880 Hz, quinn's
# recorded, her XMPP Jingle traffic logged); sets apid.
answer_wendy() {
  local name=$1; shift
  start_cmd answer wendy "$RES" "$name" --verbose --log-xmpp=jingle \
    --no-server-services --from quinn@localhost --count 1 --audio test:880 \
    --video test --record "$tmp/$name.wav" --snapshot "$tmp/$name.png" \
    --stats-interval 1 "$@"
}

# call_wendy NAME ARGS...: quinn calls wendy in the foreground with audio
# only for 7 s, adds video after 2 s and removes it after 5 s; sets crc.
call_wendy() {
  local name=$1; shift
  call_only "$name" --add-video-after 2 --remove-video-after 5 "$@"
}
# call_only NAME ARGS...: the same call without adding video itself.
call_only() {
  local name=$1; shift
  run_agent call quinn --json --verbose --no-server-services \
    --to "wendy@localhost/$RES" --audio test:440 --duration 7 \
    --snapshot "$tmp/$name.png" --stats-interval 1 "$@" \
    >"$tmp/$name.json" 2>"$tmp/$name.err"; crc=$?
}

# ends_ok CRC WRC ERR...: both agents exited 0; else the last lines of
# their standard error (XML left out).
ends_ok() {
  local c=$1 w=$2 f; shift 2
  [ "$c" -eq 0 ] && [ "$w" -eq 0 ] && return 0
  for f in "$@"; do
    echo "# $(basename "$f"):"; grep -v '^[[:space:]]*<' "$f" | tail -n 8 | sed 's/^/#   /'
  done
  return 1
}

# own_transports ERR: how many transports of their own (ICE agent + DTLS)
# the agent made, and how many DTLS handshakes completed.
own_transports() { grep -c 'a transport of its own' "$1"; }
handshakes() { grep -c 'secured with' "$1"; }

# decoded_between JSON: video frames were decoded between video-added and
# video-removed, and no video stats came after the remove.
decoded_between() {
  python3 - "$1" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
names = [e["event"] for e in ev]
a, r = names.index("video-added"), names.index("video-removed")
frames = [e["frames_decoded"] for e in ev[a:r] if e["event"] == "video-stats"]
after = [e for e in ev[r:] if e["event"] == "video-stats"]
print("# frames between add and remove: %s; video stats after: %d" % (frames, len(after)))
sys.exit(0 if frames and max(frames) >= 15 and not after else 1)
PY
}

# audio_after_remove JSON: the audio packets received grew between the
# first and the last stats after video-removed.
audio_after_remove() {
  python3 - "$1" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
r = [e["event"] for e in ev].index("video-removed")
st = [e["packets_received"] for e in ev[r:] if e["event"] == "stats"]
print("# audio packets received after the remove: %s" % st)
sys.exit(0 if len(st) >= 2 and st[-1] > st[0] else 1)
PY
}

# content_add_with_group ERR: wendy's XMPP log shows a content-add whose
# <jingle/> holds a BUNDLE group listing audio and video, and her
# content-accept echoing it.
content_add_with_group() {
  python3 - "$1" <<'PY'
import re, sys
log = open(sys.argv[1], errors="replace").read()
def jingles(action):
    return re.findall(r"<jingle[^>]*action=.%s.*?</jingle>" % action, log, re.S)
def bundled(j):
    g = re.search(r"<group[^>]*semantics=.BUNDLE.[^>]*>(.*?)</group>", j, re.S)
    names = re.findall(r"<content[^>]*name=.([a-z]+).", g.group(1)) if g else []
    return sorted(names) == ["audio", "video"]
add, acc = jingles("content-add"), jingles("content-accept")
print("# content-add: %d (bundled %s), content-accept: %d (bundled %s)"
      % (len(add), [bundled(j) for j in add], len(acc), [bundled(j) for j in acc]))
sys.exit(0 if add and bundled(add[0]) and acc and bundled(acc[0]) else 1)
PY
}

# same_stream ERR: in wendy's XMPP log the caller's audio (session-initiate)
# and added video (content-add) sources carry one CNAME and msids of one
# stream with two different tracks (XEP-0339; RFC 7022, RFC 8830): how a
# WebRTC peer puts them into one MediaStream and synchronises them.
same_stream() {
  python3 - "$1" <<'PY'
import re, sys
log = open(sys.argv[1], errors="replace").read()
def params(action):
    j = re.findall(r"<jingle[^>]*action=.%s.*?</jingle>" % action, log, re.S)
    if not j:
        print("# no %s in the log" % action); return {}
    out = {}
    for p in re.findall(r"<parameter\b[^>]*>", j[0]):
        name = re.search(r"\bname=['\"]([^'\"]*)['\"]", p)
        value = re.search(r"\bvalue=['\"]([^'\"]*)['\"]", p)
        if name and value and name.group(1) in ("cname", "msid"):
            out.setdefault(name.group(1), value.group(1))
    if not out:
        print("# %s without cname/msid:" % action)
        for l in re.findall(r"<source\b.*?</source>", j[0], re.S)[:4] or [j[0][:1500]]:
            print("#   " + l.replace("\n", "\n#   "))
    return out
a, v = params("session-initiate"), params("content-add")
print("# audio source %s, video source %s" % (a, v))
ok = (a.get("cname") and a.get("cname") == v.get("cname") and a.get("msid") and v.get("msid")
      and a["msid"].split()[0] == v["msid"].split()[0] and a["msid"] != v["msid"]
      and len(a["msid"].split()) == 2)
sys.exit(0 if ok else 1)
PY
}

# ---- bundled (the default) ----------------------------------------------
answer_wendy w1 || exit 1
wpid=$apid
call_wendy q1
wait_rc "$wpid" 30; wrc=$?
check "a bundled audio call that adds and removes video ends normally (caller $crc, callee $wrc)" \
  ends_ok "$crc" "$wrc" "$tmp/q1.err" "$tmp/w1.err"
check "the audio is bundled (bundle_size 1 before the video)" \
  json_has "$tmp/q1.json" 'of("connected")[0]["bundle_size"] == 1'
check "the caller added the video into the BUNDLE (video-added bundled)" \
  json_has "$tmp/q1.json" 'len(of("video-added")) == 1 and not of("video-added")[0]["by_peer"] and of("video-added")[0]["bundled"] and len(of("video-removed")) == 1'
check "the callee took it into the BUNDLE (video-added by the peer, bundled)" \
  json_has "$tmp/w1.json" 'len(of("video-added")) == 1 and of("video-added")[0]["by_peer"] and of("video-added")[0]["bundled"] and len(of("video-removed")) == 1'
check "the content-add carried the BUNDLE group (audio, video), the content-accept echoed it" \
  content_add_with_group "$tmp/w1.err"
check "the audio and the added video share the call's CNAME and msid stream, one track each" \
  same_stream "$tmp/w1.err"
qn=$(own_transports "$tmp/q1.err"); wn=$(own_transports "$tmp/w1.err")
qh=$(handshakes "$tmp/q1.err"); wh=$(handshakes "$tmp/w1.err")
check "one ICE agent per side for the whole call (caller $qn, callee $wn)" \
  test "$qn" -eq 1 -a "$wn" -eq 1
check "one DTLS handshake per side for the whole call (caller $qh, callee $wh)" \
  test "$qh" -eq 1 -a "$wh" -eq 1
check "the callee routed the added video's RTP by its MID" \
  grep -q 'content video: RTP routed by its MID' "$tmp/w1.err"
check "the caller routed the added video's RTP by its MID" \
  grep -q 'content video: RTP routed by its MID' "$tmp/q1.err"
check "the callee decoded the added video, none after its removal" decoded_between "$tmp/w1.json"
check "the caller decoded the callee's video, none after its removal" decoded_between "$tmp/q1.json"
check "the callee's frame shows the colour bars" colour_bars "$tmp/w1.png"
check "the callee's recording still peaks at 440 Hz" peak "$tmp/w1.wav" 440
check "audio went on after the video was removed (the leader's transport stays)" \
  audio_after_remove "$tmp/w1.json"

# ---- the callee adds the video (its content-add, the caller echoes) ------
answer_wendy w3 --add-video-after 2 --remove-video-after 5 || exit 1
wpid=$apid
call_only q3
wait_rc "$wpid" 30; wrc=$?
check "the callee adds and removes video: the call ends normally (caller $crc, callee $wrc)" \
  ends_ok "$crc" "$wrc" "$tmp/q3.err" "$tmp/w3.err"
check "callee-added: bundled on both sides" \
  json_has "$tmp/w3.json" 'not of("video-added")[0]["by_peer"] and of("video-added")[0]["bundled"]'
check "callee-added: ... the caller's side" \
  json_has "$tmp/q3.json" 'of("video-added")[0]["by_peer"] and of("video-added")[0]["bundled"]'
qn=$(own_transports "$tmp/q3.err"); wn=$(own_transports "$tmp/w3.err")
qh=$(handshakes "$tmp/q3.err"); wh=$(handshakes "$tmp/w3.err")
check "callee-added: one ICE agent and one DTLS handshake per side (caller $qn/$qh, callee $wn/$wh)" \
  test "$qn" -eq 1 -a "$wn" -eq 1 -a "$qh" -eq 1 -a "$wh" -eq 1
check "callee-added: both sides decoded video" decoded_between "$tmp/q3.json"
check "callee-added: ... the callee too" decoded_between "$tmp/w3.json"
check "callee-added: the caller's frame shows the colour bars" colour_bars "$tmp/q3.png"
check "callee-added: the callee's recording peaks at 440 Hz" peak "$tmp/w3.wav" 440

# ---- unbundled (--no-bundle) ---------------------------------------------
answer_wendy w2 || exit 1
wpid=$apid
call_wendy q2 --no-bundle
wait_rc "$wpid" 30; wrc=$?
check "--no-bundle: the call that adds and removes video ends normally (caller $crc, callee $wrc)" \
  ends_ok "$crc" "$wrc" "$tmp/q2.err" "$tmp/w2.err"
check "--no-bundle: the added video is not bundled on either side" \
  json_has "$tmp/q2.json" 'not of("video-added")[0]["bundled"]'
check "--no-bundle: ... callee side" \
  json_has "$tmp/w2.json" 'not of("video-added")[0]["bundled"]'
qn=$(own_transports "$tmp/q2.err"); wn=$(own_transports "$tmp/w2.err")
qh=$(handshakes "$tmp/q2.err"); wh=$(handshakes "$tmp/w2.err")
check "--no-bundle: the video got its own ICE agent and DTLS (caller $qn/$qh, callee $wn/$wh)" \
  test "$qn" -eq 2 -a "$wn" -eq 2 -a "$qh" -eq 2 -a "$wh" -eq 2
check "--no-bundle: the callee decoded the added video" decoded_between "$tmp/w2.json"
check "--no-bundle: the caller decoded the callee's video" decoded_between "$tmp/q2.json"
check "--no-bundle: the callee's frame shows the colour bars" colour_bars "$tmp/w2.png"
check "--no-bundle: the callee's recording peaks at 440 Hz" peak "$tmp/w2.wav" 440

echo "1..$n"
[ "$failed" -eq 0 ]
