#!/usr/bin/env bash
# test-cli-transfer.sh — `jingle-agent send` and `receive` as users run
# them, against the real Prosody (env from tests/integration/servers.sh):
# Jingle file transfer (XEP-0234) over IBB (XEP-0261) between real
# processes: sizes 0 B to 20 MiB verified with cmp and sha256sum, several
# files in one send (one session, one content per file), two senders at
# once, a corrupted byte on the wire (alone and beside an intact file),
# hostile offered names, the receiver's policy (unknown sender, --max-size)
# and SIGINT on the sender midway. TAP output; every wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
RES="recv-$$"

# start_receiver NAME ARGS...: `receive --json` as bob (resource $RES) in the
# background, ready; sets rpid.
start_receiver() {
  local name=$1; shift
  start_agent bob "$RES" "$name" "$@" || return 1
  rpid=$apid
}

# send USER ARGS...: this file tests IBB (SOCKS5: test-cli-s5b.sh).
send() { local u=$1; shift; run_agent send "$u" --transport ibb "$@"; }

mkdir -p "$tmp/src"
: >"$tmp/src/empty.bin"
printf 'x' >"$tmp/src/one.bin"
head -c 1048576 /dev/urandom >"$tmp/src/mib.bin"
head -c $((20 * 1048576)) /dev/urandom >"$tmp/src/big.bin"

# 1. Four files (0 B, 1 B, 1 MiB, 20 MiB) in one send, to a bare JID.
mkdir -p "$tmp/d1"
if start_receiver r1 --dir "$tmp/d1" --from alice@localhost --count 4; then
  send alice --to bob@localhost --json "$tmp/src/empty.bin" "$tmp/src/one.bin" \
    "$tmp/src/mib.bin" "$tmp/src/big.bin" >"$tmp/s1.json" 2>"$tmp/s1.err"; rc=$?
  check "send of four files exits 0" test "$rc" -eq 0
  wait_rc "$rpid" 60; rc=$?
  check "receive --count 4 exits 0" test "$rc" -eq 0
  for f in empty one mib big; do
    if cmp -s "$tmp/src/$f.bin" "$tmp/d1/$f.bin"; then ok "$f.bin arrived identical"
    else nok "$f.bin arrived identical" "$(ls -la "$tmp/d1")" "$(tail -5 "$tmp/s1.err" "$tmp/r1.err")"; fi
  done
  check "no .part left" test -z "$(find "$tmp/d1" -name '*.part')"
  if python3 - "$tmp/r1.json" "$tmp/s1.json" "$tmp/src" <<'PY'
import hashlib, json, os, sys
recv = [json.loads(l) for l in open(sys.argv[1])]
sent = [json.loads(l) for l in open(sys.argv[2])]
for name in ("empty.bin", "one.bin", "mib.bin", "big.bin"):
    want = hashlib.sha256(open(os.path.join(sys.argv[3], name), "rb").read()).hexdigest()
    v = [e for e in recv if e["event"] == "verified" and e["name"] == name]
    assert len(v) == 1 and v[0]["sha256"] == want and v[0]["transport"] == "ibb", (name, v)
    assert v[0]["bytes"] == os.path.getsize(os.path.join(sys.argv[3], name)), v
    s = [e for e in sent if e["event"] == "verified" and e["name"] == name]
    assert len(s) == 1 and s[0]["sha256"] == want, (name, s)
    for k in ("offered", "accepted"):
        assert any(e["event"] == k and e["name"] == name for e in recv), (k, name)
assert any(e["event"] == "progress" for e in recv)
big = next(e for e in recv if e["event"] == "verified" and e["name"] == "big.bin")
print("# 20 MiB over IBB: %.2f s, %.2f MB/s" % (big["seconds"], big["mbps"]))
PY
  then ok "JSON events: offered, accepted, progress, verified with the right sha256"
  else nok "JSON events: offered, accepted, progress, verified with the right sha256" "$(tail -5 "$tmp/r1.json")"; fi
  # XEP-0234: the four files are four contents of ONE Jingle session.
  if python3 - "$tmp/r1.json" "$tmp/s1.json" <<'PY'
import json, sys
names = {"empty.bin", "one.bin", "mib.bin", "big.bin"}
sids = set()
for f in sys.argv[1:]:
    ev = [json.loads(l) for l in open(f)]
    for k in ("offered", "verified"):
        got = [e for e in ev if e["event"] == k]
        assert {e["name"] for e in got} == names and len(got) == 4, (f, k, got)
        assert all(e.get("sid") for e in got), (f, k, got)
        sids |= {e["sid"] for e in got}
assert len(sids) == 1, sids
PY
  then ok "the four files went in one session (one sid on both sides)"
  else nok "the four files went in one session (one sid on both sides)" "$(grep -h '"sid"' "$tmp/s1.json" "$tmp/r1.json" | head -8)"; fi
fi

# 2. Two senders (alice and carol) to one receiver at once.
mkdir -p "$tmp/d2"
cp "$tmp/src/mib.bin" "$tmp/src/alice.bin"; head -c 700000 /dev/urandom >"$tmp/src/carol.bin"
if start_receiver r2 --dir "$tmp/d2" --from alice@localhost --from carol@localhost --count 2; then
  send alice --to "bob@localhost/$RES" "$tmp/src/alice.bin" >"$tmp/s2a.out" 2>"$tmp/s2a.err" & pa=$!
  send carol --to bob@localhost "$tmp/src/carol.bin" >"$tmp/s2c.out" 2>"$tmp/s2c.err" & pc=$!
  wait_rc "$pa" 60; rca=$?; wait_rc "$pc" 60; rcc=$?
  check "alice's send exits 0" test "$rca" -eq 0
  check "carol's send at the same time exits 0" test "$rcc" -eq 0
  wait_rc "$rpid" 30; rc=$?
  check "receiver of two at once exits 0" test "$rc" -eq 0
  check "alice's file is identical" cmp -s "$tmp/src/alice.bin" "$tmp/d2/alice.bin"
  check "carol's file is identical" cmp -s "$tmp/src/carol.bin" "$tmp/d2/carol.bin"
  check "the sender says sent ... verified" grep -q "^sent alice.bin to bob@localhost/$RES: 1048576 bytes .* verified" "$tmp/s2a.out"
fi

# 3. One bit flipped on the wire: hash mismatch, nothing kept.
mkdir -p "$tmp/d3"
if start_receiver r3 --dir "$tmp/d3" --from alice@localhost --count 1; then
  JINGLE_AGENT_TEST_CORRUPT_OFFSET=1000 send alice --to "bob@localhost/$RES" "$tmp/src/mib.bin" \
    >"$tmp/s3.out" 2>"$tmp/s3.err"; rc=$?
  check "sender of a corrupted file exits non-zero" test "$rc" -ne 0
  wait_rc "$rpid" 30; rc=$?
  check "receiver exits 6 on a hash mismatch" test "$rc" -eq 6
  check "receiver says hash mismatch" grep -q "hash mismatch" "$tmp/r3.err"
  check "the receiver's reason is one line" test "$(grep -c . "$tmp/r3.err")" -eq 1
  check "sender hears of the hash mismatch" grep -q "hash mismatch" "$tmp/s3.err"
  check "nothing under the final name, no .part" test -z "$(ls -A "$tmp/d3")"
fi

# 3b. Two files in one send, the second corrupted on the wire: the first is
# kept, nothing of the second, both sides exit 6.
mkdir -p "$tmp/d3b"
if start_receiver r3b --dir "$tmp/d3b" --from alice@localhost --count 2; then
  JINGLE_AGENT_TEST_CORRUPT_OFFSET=1000 send alice --to "bob@localhost/$RES" --json \
    "$tmp/src/one.bin" "$tmp/src/mib.bin" >"$tmp/s3b.json" 2>"$tmp/s3b.err"; rc=$?
  check "sender of two files, one corrupted, exits 6" test "$rc" -eq 6
  wait_rc "$rpid" 30; rc=$?
  check "receiver of two files, one corrupted, exits 6" test "$rc" -eq 6
  check "the intact file of the session arrived identical" cmp -s "$tmp/src/one.bin" "$tmp/d3b/one.bin"
  check "nothing of the corrupted one, no .part" test "$(ls -A "$tmp/d3b")" = "one.bin"
  check "the receiver reports the mismatch" grep -q '"event":"failed","name":"mib.bin".*hash mismatch' "$tmp/r3b.json"
fi

# 4. Hostile names: they land sanitised inside DIR; nothing is overwritten.
mkdir -p "$tmp/h/d4"
echo "precious" >"$tmp/h/d4/exists.txt"
names=("../../etc/x" "/abs" ".hidden" "$(printf 'ctl\001\033[31mname')" "exists.txt")
if start_receiver r4 --dir "$tmp/h/d4" --from alice@localhost --count ${#names[@]}; then
  for nm in "${names[@]}"; do
    send alice --to "bob@localhost/$RES" --name "$nm" "$tmp/src/one.bin" >/dev/null 2>>"$tmp/s4.err" \
      || nok "send --name '$nm' exits 0" "$(tail -2 "$tmp/s4.err")"
  done
  wait_rc "$rpid" 30; rc=$?
  check "receiver of hostile names exits 0" test "$rc" -eq 0
  check "nothing escaped DIR" test ! -e "$tmp/etc/x" -a ! -e "$tmp/h/etc" -a ! -e /abs -a -z "$(ls -A "$tmp/h" | grep -v '^d4$')"
  check "the existing file is untouched" test "$(cat "$tmp/h/d4/exists.txt")" = "precious"
  check "six files in DIR" test "$(ls -A "$tmp/h/d4" | wc -l)" -eq 6
  check "no hidden file" test -z "$(ls -A "$tmp/h/d4" | grep '^\.')"
  check "no control characters in names" test -z "$(ls -A "$tmp/h/d4" | LC_ALL=C grep '[[:cntrl:]]')"
  check "../../etc/x became etc_x" test -f "$tmp/h/d4/etc_x"
  check "/abs became abs" test -f "$tmp/h/d4/abs"
  check "exists.txt became a new name" test -f "$tmp/h/d4/exists (1).txt"
fi

# 5. Policy: an unknown sender and a file over --max-size are declined (one
# file over it in a send of several declines the whole session).
mkdir -p "$tmp/d5"
if start_receiver r5 --dir "$tmp/d5" --from alice@localhost --max-size 100000 --count 1; then
  send carol --to "bob@localhost/$RES" "$tmp/src/one.bin" >"$tmp/s5c.out" 2>"$tmp/s5c.err"; rc=$?
  check "a sender not allowed exits 5" test "$rc" -eq 5
  check "it is told it was declined" grep -q "declined" "$tmp/s5c.err"
  send alice --to "bob@localhost/$RES" "$tmp/src/mib.bin" >"$tmp/s5a.out" 2>"$tmp/s5a.err"; rc=$?
  check "a file over --max-size exits 5" test "$rc" -eq 5
  send alice --to "bob@localhost/$RES" "$tmp/src/one.bin" "$tmp/src/mib.bin" >"$tmp/s5m.out" 2>"$tmp/s5m.err"; rc=$?
  check "one file of a send over --max-size declines the whole send: exit 5" test "$rc" -eq 5
  check "nothing of the declined files was written" test -z "$(ls -A "$tmp/d5")"
  send alice --to "bob@localhost/$RES" "$tmp/src/one.bin" >/dev/null 2>&1; rc=$?
  check "a small file from alice still goes through" test "$rc" -eq 0
  wait_rc "$rpid" 30; rc=$?
  check "declines do not count: the receiver exits 0 after one file" test "$rc" -eq 0
  check "the receiver reports the three declines" test "$(grep -c '"event":"declined"' "$tmp/r5.json")" -eq 3
fi

# 6. SIGINT on the sender midway: both exit non-zero, nothing final written.
mkdir -p "$tmp/d6"
if start_receiver r6 --dir "$tmp/d6" --from alice@localhost --count 1; then
  # shellcheck disable=SC2046
  "$JINGLE_AGENT" send $(acct alice) --transport ibb --to "bob@localhost/$RES" "$tmp/src/big.bin" \
    >"$tmp/s6.out" 2>"$tmp/s6.err" & spid=$!; pids+=("$spid")
  for _ in $(seq 1 $((300 * T))); do
    grep -q '"event":"progress"' "$tmp/r6.json" 2>/dev/null && break
    sleep 0.1
  done
  kill -INT "$spid"
  wait_rc "$spid" 30; rc=$?
  check "interrupted sender exits non-zero (not killed)" test "$rc" -ne 0 -a "$rc" -ne 124
  check "the sender says it cancelled" grep -q "cancel" "$tmp/s6.err"
  wait_rc "$rpid" 30; rc=$?
  check "the receiver exits 6" test "$rc" -eq 6
  check "the receiver says the sender cancelled" grep -q "cancelled by the peer" "$tmp/r6.err"
  check "no final file, no .part" test -z "$(ls -A "$tmp/d6")"
fi

# 7. Without --count the receiver runs until SIGTERM, then exits 0.
mkdir -p "$tmp/d7"
if start_receiver r7 --dir "$tmp/d7"; then
  kill -TERM "$rpid"
  wait_rc "$rpid" 15; rc=$?
  check "an idle receiver exits 0 on SIGTERM" test "$rc" -eq 0
fi

# 8. Usage.
"$JINGLE_AGENT" send --to bob@localhost --transport carrier-pigeon "$tmp/src/one.bin" >/dev/null 2>"$tmp/u.err"; rc=$?
check "an unknown --transport exits 2" test "$rc" -eq 2
check "an unknown --transport is named" grep -q "unknown --transport" "$tmp/u.err"
"$JINGLE_AGENT" send --to bob@localhost "$tmp/no-such-file" >/dev/null 2>&1; rc=$?
check "a missing file exits 2" test "$rc" -eq 2
"$JINGLE_AGENT" receive --dir "$tmp/no-such-dir" >/dev/null 2>&1; rc=$?
check "receive without an existing --dir exits 2" test "$rc" -eq 2

echo "1..$n"
[ "$failed" -eq 0 ]
