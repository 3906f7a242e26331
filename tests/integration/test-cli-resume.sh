#!/usr/bin/env bash
# test-cli-resume.sh — resuming an interrupted transfer (XEP-0234 §Ranged
# Transfers) between real `jingle-agent` processes through the real
# Prosody: the sender is killed (-9) at about half of a 64 MiB file; the
# receiver keeps NAME.part; a second `send` of the same file is answered
# with <range offset/> and only the rest crosses the wire, the whole file's
# hash still checked. A tampered .part fails that hash (exit 6, nothing
# kept); a changed file (another size) is sent afresh. TAP output; every
# wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
RES="resume-$$"
SIZE=$((64 * 1048576))

mkdir -p "$tmp/src"
head -c "$SIZE" /dev/urandom >"$tmp/src/big.bin"

# start_receiver NAME DIR COUNT: `receive --json --count COUNT` as alice
# (resource $RES; the sends come from alice's other resources, so that the
# other CLI tests' sends to bare bob@ or carol@ never reach it); sets rpid.
start_receiver() {
  start_agent alice "$RES" "$1" --dir "$2" --count "$3" || return 1
  rpid=$apid
}

# last_progress FILE: the bytes of the last progress event in FILE (0: none).
last_progress() {
  local b
  b=$(grep '"event":"progress"' "$1" 2>/dev/null | tail -1 | sed -n 's/.*"bytes":\([0-9]*\).*/\1/p')
  echo "${b:-0}"
}

# interrupt TAG DIR FILE: a receiver (--count 2) in DIR; alice sends FILE;
# once the receiver reports >= 40% the sender is killed -9. The receiver
# keeps running: the killed sender's server keeps its session hibernating
# (XEP-0198), so the transfer just stalls; after JA_FT_STALLED_MS (2 s) a
# new offer of the same file from alice takes its part over. Sets rpid.
interrupt() {
  local tag=$1 dir=$2 file=$3 size spid
  size=$(stat -c %s "$file")
  start_receiver "$tag" "$dir" 2 || return 1
  # shellcheck disable=SC2046
  "$JINGLE_AGENT" send $(acct alice) --to "alice@localhost/$RES" --transport ibb --json "$file" \
    >"$tmp/$tag-s.json" 2>"$tmp/$tag-s.err" & spid=$!; pids+=("$spid")
  for _ in $(seq 1 $((600 * T))); do
    [ "$(last_progress "$tmp/$tag.json")" -ge $((size * 4 / 10)) ] && break
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.05
  done
  kill -9 "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
  echo "# $tag: sender killed at $(last_progress "$tmp/$tag.json") of $size bytes (receiver's view)"
  sleep 2.5
  check "$tag: the receiver still runs" kill -0 "$rpid"
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

# 1. Interrupted at about half, then resumed: only the rest crosses.
mkdir -p "$tmp/d1"
if interrupt r1 "$tmp/d1" "$tmp/src/big.bin"; then
  part=$(stat -c %s "$tmp/d1/big.bin.part" 2>/dev/null || echo 0)
  check "big.bin.part is kept, no final file" test -f "$tmp/d1/big.bin.part" -a ! -e "$tmp/d1/big.bin"
  check "the part holds at least 30% of the file ($part bytes)" test "$part" -ge $((SIZE * 3 / 10))
  check "the part's offer identity is kept next to it" test -f "$tmp/d1/.big.bin.part.offer"
  run_agent send alice --to "alice@localhost/$RES" --transport ibb --json "$tmp/src/big.bin" \
    >"$tmp/s2.json" 2>"$tmp/s2.err"; rc=$?
  check "the second send exits 0" test "$rc" -eq 0
  wait_rc "$rpid" 30; rc=$?
  check "the receiver exits 6 (--count 2: the interrupted transfer failed)" test "$rc" -eq 6
  check "the stalled transfer was taken over" grep -q '"event":"failed".*superseded by a new offer' "$tmp/r1.json"
  mv "$tmp/r1.json" "$tmp/r2.json"
  if true; then
    check "the file arrived identical" cmp -s "$tmp/src/big.bin" "$tmp/d1/big.bin"
    check "nothing else left in DIR (no .part, no sidecar)" test "$(ls -A "$tmp/d1")" = "big.bin"
    from=$(json_field "$tmp/r2.json" verified resumed_from)
    acc=$(json_field "$tmp/r2.json" accepted resumed_from)
    sbytes=$(json_field "$tmp/s2.json" verified bytes)
    sfrom=$(json_field "$tmp/s2.json" verified resumed_from)
    sacc=$(json_field "$tmp/s2.json" accepted resumed_from)
    echo "# first run: ~$part bytes on the wire; second run: receiver resumed_from=$from, sender sent $((${sbytes:-0} - ${sfrom:-0})) bytes of $SIZE"
    check "the receiver resumed from >= 30% of the file" test "${from:-0}" -ge $((SIZE * 3 / 10))
    check "resumed_from is in the receiver's accepted event too" test "${acc:-x}" = "${from:-y}"
    check "the sender reports the same offset (accepted and verified)" test "${sfrom:-x}" = "${from:-y}" -a "${sacc:-x}" = "${from:-y}"
    check "the sender sent <= 70% of the file" test $((${sbytes:-0} - ${sfrom:-0})) -le $((SIZE * 7 / 10)) -a "${sbytes:-0}" -eq "$SIZE"
    check "the resumed part was re-hashed: sha256 is the whole file's" \
      test "$(json_field "$tmp/r2.json" verified sha256)" = "$(sha256sum "$tmp/src/big.bin" | cut -d' ' -f1)"
  fi
fi

# 2. A tampered .part: the resumed transfer fails the whole file's hash:
# exit 6 on both sides, nothing under the final name, no .part.
mkdir -p "$tmp/d3"
if interrupt r3 "$tmp/d3" "$tmp/src/big.bin"; then
  printf 'tampered' | dd of="$tmp/d3/big.bin.part" bs=1 seek=4096 conv=notrunc status=none
  if true; then
    run_agent send alice --to "alice@localhost/$RES" --transport ibb --json "$tmp/src/big.bin" \
      >"$tmp/s4.json" 2>"$tmp/s4.err"; rc=$?
    check "the sender of a resume onto a tampered part exits 6" test "$rc" -eq 6
    wait_rc "$rpid" 30; rc=$?
    check "the receiver exits 6" test "$rc" -eq 6
    check "it was a resume" test "$(json_field "$tmp/r3.json" accepted resumed_from)" -gt 0
    check "the receiver says hash mismatch" grep -q "hash mismatch" "$tmp/r3.err"
    check "nothing kept: no final file, no .part, no sidecar" test -z "$(ls -A "$tmp/d3")"
  fi
fi

# 3. The file changed (another size) since the interruption: no resume, a
# fresh transfer of the new content.
mkdir -p "$tmp/d5"
mkdir -p "$tmp/src/grow"
head -c $((24 * 1048576)) /dev/urandom >"$tmp/src/grow/big.bin"
if interrupt r5 "$tmp/d5" "$tmp/src/grow/big.bin"; then
  head -c 1000 /dev/urandom >>"$tmp/src/grow/big.bin"
  run_agent send alice --to "alice@localhost/$RES" --transport ibb --json "$tmp/src/grow/big.bin" \
    >"$tmp/s6.json" 2>"$tmp/s6.err"; rc=$?
  check "the send of the changed file exits 0" test "$rc" -eq 0
  # The stalled transfer is not taken over (another file): stop the
  # receiver; its local cancel keeps that old part.
  for _ in $(seq 1 $((100 * T))); do
    grep -q '"event":"verified"' "$tmp/r5.json" && break; sleep 0.1
  done
  kill -TERM "$rpid"; wait_rc "$rpid" 15 >/dev/null
  check "no resume: resumed_from is 0" test "$(json_field "$tmp/r5.json" verified resumed_from)" = 0
  check "the changed file arrived whole and identical" cmp -s "$tmp/src/grow/big.bin" "$tmp/d5/big.bin"
  check "the old part is left alone" test -f "$tmp/d5/big.bin.part"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
