#!/bin/bash
# test-cli-call-ice-restart.sh — ICE restarts in a call between two agents
# through the CLI against the real Prosody on loopback (RFC 8445 §9,
# XEP-0176 §ICE Restarts): rita calls sam for 7 s (440 Hz / 880 Hz), rita
# restarts ICE after 2 s (--ice-restart-after) and sam after 4 s: both
# report both restarts (theirs and the peer's) and a candidate pair after
# each, both exit 0, the audio goes on (packets keep arriving, no SRTP
# failure, one DTLS handshake) and the recordings peak at the other side's
# frequency over the whole call and in its last two seconds; on the wire
# (sam's XMPP log) rita's restart is a transport-info with a new ufrag/pwd,
# the same DTLS fingerprint and generation-1 candidates. Both restarting at
# the same second (glare) still ends in a working call, shown in the human
# progress lines. ICE failing mid-call on the caller (the test hook
# JINGLE_AGENT_TEST_ICE_FAIL_AFTER, as when libnice reports consent lost):
# the caller, ICE-controlling, restarts by itself, a pair is selected
# again, the call goes on (880 Hz in the last 2 s) and ends normally. A
# callee killed mid-call: the caller (ICE-controlling)
# restarts once by itself when consent expires, then ends with
# connectivity-error, exit 7, within 25 s. Accounts rita and sam: no other
# test uses them. TAP output; every wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
: "${WAV_PEAK:?path to the wav-peak tool}"
RES="icer-$$"
export JINGLE_AGENT_ICE_ADDRESSES=127.0.0.1
export XDG_DATA_HOME="$tmp/data"

# answer_bg NAME ARGS...: sam answers in the background until ready; sets
# apid. Output in $tmp/NAME.out (JSON unless --json is dropped by ARGS
# being human) and $tmp/NAME.err.
answer_bg() {
  local name=$1; shift
  # shellcheck disable=SC2046
  "$JINGLE_AGENT" answer $(acct sam) --resource "$RES" --no-server-services \
    --from rita@localhost --count 1 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  apid=$!; pids+=("$apid")
  for _ in $(seq 1 $((100 * T))); do
    grep -q 'ready' "$tmp/$name.out" 2>/dev/null && return 0
    kill -0 "$apid" 2>/dev/null || break
    sleep 0.1
  done
  nok "answer $name is ready" "$(cat "$tmp/$name.err")"
  return 1
}

# call NAME ARGS...: rita calls sam in the foreground; sets crc.
call() {
  local name=$1; shift
  run_agent call rita --to "sam@localhost/$RES" --no-server-services "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.err"; crc=$?
}

# ---- rita restarts after 2 s, sam after 4 s --------------------------------
answer_bg s1 --json --audio test:880 --record "$tmp/s1.wav" \
  --ice-restart-after 4 --log-xmpp=jingle || exit 1
spid=$apid
call c1 --json --audio test:440 --record "$tmp/c1.wav" --ice-restart-after 2 \
  --duration 7
wait_rc "$spid" 30; src=$?
check "a call with two ICE restarts ends normally (caller $crc, callee $src)" \
  test "$crc" -eq 0 -a "$src" -eq 0
check "the caller reports its restart, then the callee's, each followed by a pair" \
  json_has "$tmp/c1.out" '[(e["event"], e.get("by")) for e in ev if e["event"] in ("ice-restart", "pair")] == [("ice-restart", "local"), ("pair", None), ("ice-restart", "remote"), ("pair", None)] and not any(e["automatic"] for e in of("ice-restart"))'
check "the callee reports the caller's restart, then its own, each followed by a pair" \
  json_has "$tmp/s1.out" '[(e["event"], e.get("by")) for e in ev if e["event"] in ("ice-restart", "pair")] == [("ice-restart", "remote"), ("pair", None), ("ice-restart", "local"), ("pair", None)]'
check "the pairs after the restarts are loopback host pairs, the restart count grows" \
  json_has "$tmp/c1.out" 'all(p["local_candidate"].startswith("udp 127.0.0.1:") and p["candidate_type"] == "host" for p in of("pair")) and [p["ice_restarts"] for p in of("pair")] == [1, 2]'
for f in c1 s1; do
  check "$f: one connected (one DTLS handshake), no SRTP failure, packets kept arriving" \
    json_has "$tmp/$f.out" 'len(of("connected")) == 1 and all(s["srtp_auth_failures"] == 0 and s["srtp_replays"] == 0 for s in of("stats")) and of("ended")[0]["connected"] and of("ended")[0]["packets_received"] >= 40 * of("ended")[0]["seconds"]'
done
check "packets arrived between the restarts and after the last one (caller)" \
  json_has "$tmp/c1.out" 'len(of("stats")) >= 3 and all(b["packets_received"] - a["packets_received"] >= 80 for a, b in zip(of("stats"), of("stats")[1:]))'
check "the callee's recording peaks at 440 Hz" peak "$tmp/s1.wav" 440
check "the callee's recording peaks at 440 Hz in its last 2 s" peak "$tmp/s1.wav" 440 2
check "the caller's recording peaks at 880 Hz" peak "$tmp/c1.wav" 880
check "the caller's recording peaks at 880 Hz in its last 2 s" peak "$tmp/c1.wav" 880 2
# On the wire: the first transport-info rita sent after the initiate with
# other credentials is her restart: new ufrag and pwd, the same fingerprint.
check "on the wire: the restart is a transport-info with a new ufrag/pwd, the same fingerprint, generation 1" \
  python3 - "$tmp/s1.err" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
def creds(s):
    m = re.search(r"<transport [^>]*>", s)
    t = m.group(0) if m else ""
    u = re.search(r"ufrag=['\"]([^'\"]+)", t); p = re.search(r"pwd=['\"]([^'\"]+)", t)
    return (u.group(1) if u else None, p.group(1) if p else None)
def fp(s):
    m = re.search(r"<fingerprint[^>]*>([^<]+)</fingerprint>", s)
    return m.group(1) if m else None
iqs = re.findall(r"<iq [^>]*type=['\"]set['\"].*?</iq>", text, re.S)
initiate = [s for s in iqs if "session-initiate" in s and "rita@" in s]
infos = [s for s in iqs if "transport-info" in s and "rita@" in s.split(">")[0]]
if not initiate or not infos:
    print("# initiate %d, transport-infos %d" % (len(initiate), len(infos))); sys.exit(1)
first = creds(initiate[0])
restart = [s for s in infos if creds(s)[0] not in (None, first[0])]
if not restart:
    print("# no transport-info with other credentials; first %s" % (first,)); sys.exit(1)
r = restart[0]; new = creds(r)
gens = re.findall(r"generation=['\"](\d+)", "".join(s for s in infos if creds(s) == new))
ok = new[0] != first[0] and new[1] != first[1] and fp(r) is not None and fp(r) == fp(initiate[0]) and gens and set(gens) == {"1"}
print("# initiate ufrag %s, restart ufrag %s, fingerprint kept %s, generations %s" % (first[0], new[0], fp(r) == fp(initiate[0]), sorted(set(gens))))
sys.exit(0 if ok else 1)
PY

# ---- both restart at the same second (glare), human output -----------------
answer_bg s2 --audio test:880 --record "$tmp/s2.wav" --ice-restart-after 2 || exit 1
spid=$apid
call c2 --audio test:440 --record "$tmp/c2.wav" --ice-restart-after 2 --duration 5
wait_rc "$spid" 30; src=$?
check "both restarting at once: the call ends normally (caller $crc, callee $src)" \
  test "$crc" -eq 0 -a "$src" -eq 0
# restarted_then_pair FILE: the progress lines say we restarted ICE and name
# a pair after it (whether the peer's restart crossed ours or came after).
restarted_then_pair() {
  python3 - "$1" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
i = [n for n, l in enumerate(lines) if l.startswith("call: ICE restart by us")]
p = [n for n, l in enumerate(lines) if l.startswith("call: pair udp 127.0.0.1:")]
print("# " + " | ".join(l for l in lines if "ICE restart" in l or "pair" in l))
sys.exit(0 if i and p and p[-1] > i[0] else 1)
PY
}
check "the caller's progress says it restarted ICE and names a pair after it" \
  restarted_then_pair "$tmp/c2.out"
check "so does the callee's" restarted_then_pair "$tmp/s2.out"
check "after the glare the caller still hears 880 Hz (last 2 s)" peak "$tmp/c2.wav" 880 2
check "after the glare the callee still hears 440 Hz (last 2 s)" peak "$tmp/s2.wav" 440 2

# ---- ICE fails mid-call on the caller (test hook: as if consent were lost):
# the caller, ICE-controlling, restarts by itself and the call goes on ------
answer_bg s4 --json --audio test:880 || exit 1
spid=$apid
JINGLE_AGENT_TEST_ICE_FAIL_AFTER=2 call c4 --json --audio test:440 \
  --record "$tmp/c4.wav" --duration 6
wait_rc "$spid" 30; src=$?
check "ICE lost mid-call and recovered by a restart: both exit 0 (caller $crc, callee $src)" \
  test "$crc" -eq 0 -a "$src" -eq 0
check "the caller restarted by itself and reported a pair after it" \
  json_has "$tmp/c4.out" '[(e["event"], e.get("automatic")) for e in ev if e["event"] in ("ice-restart", "pair")] == [("ice-restart", True), ("pair", None)] and of("ended")[0]["reason"] == "success"'
check "the callee saw the caller's restart" \
  json_has "$tmp/s4.out" '[(e["by"], e["automatic"]) for e in of("ice-restart")] == [("remote", False)]'
check "after the recovery the caller still hears 880 Hz (last 2 s)" peak "$tmp/c4.wav" 880 2

# ---- the callee vanishes: one automatic restart, then connectivity-error ---
answer_bg s3 --json || exit 1
spid=$apid
( sleep $((3 * T)); kill -9 "$spid" 2>/dev/null ) &
t0=$(date +%s)
call c3 --json --audio test:440
t1=$(date +%s)
check "a callee that vanished: the caller exits 7 (rc=$crc) after $((t1 - t0)) s (< $((25 * T)))" \
  test "$crc" -eq 7 -a $((t1 - t0)) -lt $((25 * T))
check "the caller restarted ICE once by itself, then ended with connectivity-error" \
  json_has "$tmp/c3.out" 'of("connected") and [(e["by"], e["automatic"]) for e in of("ice-restart")] == [("local", True)] and of("ended")[0]["reason"] == "connectivity-error"'

echo "1..$n"
[ "$failed" -eq 0 ]
