#!/usr/bin/env bash
# test-cli-s5b-resume.sh — resuming an interrupted transfer (XEP-0234
# §Ranged Transfers) over a direct SOCKS5 bytestream (XEP-0260,
# --transport s5b --no-proxy) between real processes through the real
# Prosody: the sender of a 64 MiB file is killed (-9) at about half
# (JINGLE_AGENT_TEST_S5B_RATE slows its pump down to 16 MiB/s, loopback is
# otherwise too fast to catch it), the receiver keeps NAME.part and its
# sidecar; a second `send` of the same file, again over s5b/direct and at
# full speed, to a new `receive` on the same directory is answered with
# <range offset/>: both sides report `resumed_from` = the part's size and
# `wire_bytes` (what the bytestream moved in this run) = the rest, about
# half the file; the whole file's sha256 is verified, the copy is identical
# (cmp), and nothing but the file is left. The accounts are victor
# (receiver) and peggy (sender), which no other test uses. TAP output;
# every wait is bounded; no speed is asserted.
set -u
. "$(dirname "$0")/cli-lib.sh"
RES="s5b-resume-$$"
SIZE=$((64 * 1048576))
RATE=$((16 * 1048576))

mkdir -p "$tmp/src" "$tmp/in"
if command -v openssl >/dev/null 2>&1; then
  (set +o pipefail
   openssl enc -aes-128-ctr -nosalt -K "$(openssl rand -hex 16)" \
     -iv "$(openssl rand -hex 16)" -in /dev/zero 2>/dev/null | head -c "$SIZE") >"$tmp/src/big.bin"
else
  head -c "$SIZE" /dev/urandom >"$tmp/src/big.bin"
fi
want=$(sha256sum "$tmp/src/big.bin" | cut -d' ' -f1)

# last_progress FILE: the bytes of the last progress event in FILE (0: none).
last_progress() {
  local b
  b=$(grep '"event":"progress"' "$1" 2>/dev/null | tail -1 | sed -n 's/.*"bytes":\([0-9]*\).*/\1/p')
  echo "${b:-0}"
}

# json_field FILE EVENT KEY: KEY of the last EVENT in FILE.
json_field() {
  python3 - "$@" <<'PY'
import json, sys
v = ""
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("event") == sys.argv[2]:
        v = e.get(sys.argv[3], "")
print(v)
PY
}

# 1. The first run, killed at about half: the receiver sees the bytestream
# end short, fails the transfer and keeps the part.
if start_agent victor "$RES" r1 --dir "$tmp/in" --from peggy@localhost --count 1; then
  rpid=$apid
  # shellcheck disable=SC2046
  JINGLE_AGENT_TEST_S5B_RATE=$RATE "$JINGLE_AGENT" send $(acct peggy) \
    --to "victor@localhost/$RES" --transport s5b --no-proxy --json "$tmp/src/big.bin" \
    >"$tmp/s1.json" 2>"$tmp/s1.err" & spid=$!; pids+=("$spid")
  for _ in $(seq 1 $((600 * T))); do
    # 45%: the receiver's progress events come at most twice a second
    # (up to 8 MiB late at this rate), so the kill lands at about half.
    [ "$(last_progress "$tmp/r1.json")" -ge $((SIZE * 45 / 100)) ] && break
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.02
  done
  kill -9 "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
  echo "# sender killed at $(last_progress "$tmp/r1.json") of $SIZE bytes (receiver's view)"
  check "first run: the sender went over s5b/direct" \
    grep -q '"event":"transport".*"transport":"s5b".*"candidate":"direct"' "$tmp/s1.json"
  wait_rc "$rpid" 30; rc=$?
  check "first run: the receiver ends with a failure (exit 6)" test "$rc" -eq 6
  check "first run: nothing verified" sh -c "! grep -q '\"event\":\"verified\"' '$tmp/r1.json'"
  part=$(stat -c %s "$tmp/in/big.bin.part" 2>/dev/null || echo 0)
  echo "# first run: the part holds $part bytes"
  check "big.bin.part and its sidecar are kept, no final file" \
    test -f "$tmp/in/big.bin.part" -a -f "$tmp/in/.big.bin.part.offer" -a ! -e "$tmp/in/big.bin"
  check "the part holds 30-70% of the file ($part bytes)" \
    test "$part" -ge $((SIZE * 3 / 10)) -a "$part" -le $((SIZE * 7 / 10))

  # 2. The second send resumes over s5b/direct, unthrottled.
  if start_agent victor "$RES" r2 --dir "$tmp/in" --from peggy@localhost --count 1; then
    rpid=$apid
    run_agent send peggy --to "victor@localhost/$RES" --transport s5b --no-proxy --json \
      "$tmp/src/big.bin" >"$tmp/s2.json" 2>"$tmp/s2.err"; src=$?
    if [ "$src" -ne 0 ]; then kill "$rpid" 2>/dev/null; fi
    wait_rc "$rpid" 60; rrc=$?
    check "second send exits 0" test "$src" -eq 0
    check "second receive exits 0" test "$rrc" -eq 0
    check "the file arrived identical" cmp -s "$tmp/src/big.bin" "$tmp/in/big.bin"
    check "nothing else left in DIR (no .part, no sidecar)" test "$(ls -A "$tmp/in")" = "big.bin"
    check "the received file's sha256 is the original's" \
      test "$(sha256sum "$tmp/in/big.bin" | cut -d' ' -f1)" = "$want"
    if python3 - "$tmp/r2.json" "$tmp/s2.json" "$want" "$SIZE" "$part" <<'PY'
import json, sys
recv = [json.loads(l) for l in open(sys.argv[1])]
sent = [json.loads(l) for l in open(sys.argv[2])]
want, size, part = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
t = [e for e in sent if e["event"] == "transport"]
assert len(t) == 1 and t[0]["transport"] == "s5b" and t[0].get("candidate") == "direct", t
for side, evs in (("receiver", recv), ("sender", sent)):
    a = [e for e in evs if e["event"] == "accepted"]
    v = [e for e in evs if e["event"] == "verified"]
    assert len(a) == 1 and len(v) == 1, (side, a, v)
    v = v[0]
    assert v["sha256"] == want and v["transport"] == "s5b", (side, v)
    assert v["bytes"] == size, (side, v)
    assert a[0]["resumed_from"] == v["resumed_from"] == part, (side, part, a, v)
    assert v["wire_bytes"] == size - part, (side, size - part, v)
    assert 0.3 * size <= v["wire_bytes"] <= 0.7 * size, (side, v)
    print("# second run, %s: resumed_from %d, wire_bytes %d of %d (%.0f%%)" % (
        side, v["resumed_from"], v["wire_bytes"], size, 100.0 * v["wire_bytes"] / size))
PY
    then ok "second run: both sides resumed from the part's end, ~half the file on the wire, sha256 verified"
    else nok "second run: both sides resumed from the part's end, ~half the file on the wire, sha256 verified" \
      "$(tail -5 "$tmp/s2.err" "$tmp/r2.err")"; fi
  fi
fi

# 3. The other way round: the receiver is killed (-9) mid-transfer. The
# sender's next write on the dead socket must not kill it (SIGPIPE): it ends
# the transfer itself with exit 6 and says what happened.
mkdir -p "$tmp/in3"
if start_agent victor "$RES-3" r3 --dir "$tmp/in3" --from peggy@localhost --count 1; then
  rpid=$apid
  # shellcheck disable=SC2046
  JINGLE_AGENT_TEST_S5B_RATE=$RATE "$JINGLE_AGENT" send $(acct peggy) \
    --to "victor@localhost/$RES-3" --transport s5b --no-proxy --json "$tmp/src/big.bin" \
    >"$tmp/s3.json" 2>"$tmp/s3.err" & spid=$!; pids+=("$spid")
  for _ in $(seq 1 $((600 * T))); do
    [ "$(last_progress "$tmp/r3.json")" -ge $((SIZE / 4)) ] && break
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.02
  done
  kill -9 "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null
  wait_rc "$spid" 60; src=$?
  echo "# receiver killed at $(last_progress "$tmp/r3.json") bytes; sender exit $src: $(tail -1 "$tmp/s3.err")"
  check "receiver killed: the sender ends with a transfer failure (exit 6, not a signal)" test "$src" -eq 6
  check "receiver killed: the sender says what happened in one line" test -s "$tmp/s3.err"
  check "receiver killed: nothing verified by the sender" \
    sh -c "! grep -q '\"event\":\"verified\"' '$tmp/s3.json'"
fi

rm -f "$tmp/src/big.bin"
echo "1..$n"
[ "$failed" -eq 0 ]
