#!/usr/bin/env bash
# test-cli-fetch.sh — `jingle-agent fetch` against `receive --serve`, as
# users run them, on the real Prosody (env from tests/integration/servers.sh):
# XEP-0234 'Requesting a File' over IBB between real processes. Fetch by
# name and by hash arrives identical (cmp, sha256); a file not served, a
# hash that matches nothing, a path-like name and a requester not allowed
# all exit 5 with nothing written; usage errors exit 2. The holder is carol
# (alice requests, bob is the stranger), so that a bare JID never reaches
# the receivers of test-cli-transfer.sh, which may run at the same time as
# bob. TAP output; every wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
RES="holder-$$"

# start_holder NAME ARGS...: `receive --json` as carol (resource $RES) in the
# background, ready; sets hpid.
start_holder() {
  local name=$1; shift
  start_agent carol "$RES" "$name" "$@" || return 1
  hpid=$apid
}

fetch() { run_agent fetch "$@"; }   # fetch USER ARGS...

b64sha() { python3 -c 'import base64,hashlib,sys; print(base64.b64encode(hashlib.sha256(open(sys.argv[1],"rb").read()).digest()).decode())' "$1"; }

mkdir -p "$tmp/src" "$tmp/in"
head -c 1048576 /dev/urandom >"$tmp/src/mib.bin"
head -c 70001 /dev/urandom >"$tmp/src/small.dat"
head -c 5000 /dev/urandom >"$tmp/other.bin"

# 1. Fetch by name (bare JID) and by hash (full JID): both identical.
mkdir -p "$tmp/f1" "$tmp/f2"
if start_holder h1 --dir "$tmp/in" --from alice@localhost \
    --serve "$tmp/src/mib.bin" --serve "$tmp/src/small.dat" --count 2; then
  fetch alice --from carol@localhost --name mib.bin --dir "$tmp/f1" --json \
    >"$tmp/c1.json" 2>"$tmp/c1.err"; rc=$?
  check "fetch by name exits 0" test "$rc" -eq 0
  if cmp -s "$tmp/src/mib.bin" "$tmp/f1/mib.bin"; then ok "the file fetched by name is identical"
  else nok "the file fetched by name is identical" "$(ls -la "$tmp/f1")" "$(tail -5 "$tmp/c1.err" "$tmp/h1.err")"; fi
  fetch alice --from "carol@localhost/$RES" --hash "sha-256:$(b64sha "$tmp/src/small.dat")" \
    --dir "$tmp/f2" >"$tmp/c2.out" 2>"$tmp/c2.err"; rc=$?
  check "fetch by hash exits 0" test "$rc" -eq 0
  if cmp -s "$tmp/src/small.dat" "$tmp/f2/small.dat"; then ok "the file fetched by hash is identical, under the holder's name"
  else nok "the file fetched by hash is identical, under the holder's name" "$(ls -la "$tmp/f2")" "$(tail -5 "$tmp/c2.err" "$tmp/h1.err")"; fi
  check "fetch says received ... verified" grep -q "^received small.dat from carol@localhost/$RES: 70001 bytes .* verified" "$tmp/c2.out"
  wait_rc "$hpid" 30; rc=$?
  check "the holder exits 0 after --count 2 served files" test "$rc" -eq 0
  check "nothing landed in the holder's --dir" test -z "$(ls -A "$tmp/in")"
  check "no .part left" test -z "$(find "$tmp/f1" "$tmp/f2" -name '*.part')"
  if python3 - "$tmp/c1.json" "$tmp/h1.json" "$tmp/src/mib.bin" <<'PY'
import hashlib, json, sys
got = [json.loads(l) for l in open(sys.argv[1])]
held = [json.loads(l) for l in open(sys.argv[2])]
want = hashlib.sha256(open(sys.argv[3], "rb").read()).hexdigest()
assert any(e["event"] == "requested" and e["name"] == "mib.bin" for e in got), got
v = [e for e in got if e["event"] == "verified"]
assert len(v) == 1 and v[0]["sha256"] == want and v[0]["transport"] == "ibb", v
assert v[0]["bytes"] == 1048576 and v[0]["name"] == "mib.bin", v
s = [e for e in held if e["event"] == "verified" and e["name"] == "mib.bin"]
assert len(s) == 1 and s[0]["sha256"] == want, held
assert any(e["event"] == "offered" and e.get("direction") == "send" for e in held), held
PY
  then ok "JSON events: requested and verified (fetch), verified sent (holder)"
  else nok "JSON events: requested and verified (fetch), verified sent (holder)" "$(tail -5 "$tmp/c1.json" "$tmp/h1.json")"; fi
fi

# 2. Refusals: not served, a hash of nothing served, a path-like name, and a
# requester not allowed all exit 5 and write nothing; refusals do not count.
mkdir -p "$tmp/f3"
if start_holder h2 --dir "$tmp/in" --from alice@localhost \
    --serve "$tmp/src/mib.bin" --count 1; then
  fetch alice --from "carol@localhost/$RES" --name small.dat --dir "$tmp/f3" \
    >/dev/null 2>"$tmp/c3.err"; rc=$?
  check "fetching a file not served exits 5" test "$rc" -eq 5
  check "it is told the file is not available" grep -q "no such file" "$tmp/c3.err"
  fetch alice --from "carol@localhost/$RES" --hash "sha-256:$(b64sha "$tmp/other.bin")" \
    --dir "$tmp/f3" >/dev/null 2>&1; rc=$?
  check "fetching by a hash nothing served has exits 5" test "$rc" -eq 5
  fetch alice --from "carol@localhost/$RES" --name "../src/mib.bin" --dir "$tmp/f3" \
    >/dev/null 2>&1; rc=$?
  check "a path-like name does not reach the holder's files: exit 5" test "$rc" -eq 5
  fetch alice --from "carol@localhost/$RES" --name mib.bin \
    --hash "sha-256:$(b64sha "$tmp/other.bin")" --dir "$tmp/f3" >/dev/null 2>&1; rc=$?
  check "name and hash must both match: exit 5" test "$rc" -eq 5
  fetch bob --from "carol@localhost/$RES" --name mib.bin --dir "$tmp/f3" \
    >/dev/null 2>"$tmp/c3c.err"; rc=$?
  check "a requester not allowed exits 5" test "$rc" -eq 5
  check "nothing was written by the refused fetches" test -z "$(ls -A "$tmp/f3")"
  fetch alice --from "carol@localhost/$RES" --name mib.bin --dir "$tmp/f3" >/dev/null 2>&1; rc=$?
  check "an allowed fetch still goes through" test "$rc" -eq 0
  check "and is identical" cmp -s "$tmp/src/mib.bin" "$tmp/f3/mib.bin"
  wait_rc "$hpid" 30; rc=$?
  check "refusals do not count: the holder exits 0 after one file" test "$rc" -eq 0
  check "the holder reports the five refusals" test "$(grep -c '"event":"declined"' "$tmp/h2.json")" -eq 5
  check "the holder says why (not allowed)" grep -q "requester not allowed" "$tmp/h2.json"
fi

# 3. Usage.
"$JINGLE_AGENT" fetch --from bob@localhost --dir "$tmp/f3" >/dev/null 2>"$tmp/u.err"; rc=$?
check "fetch without --name or --hash exits 2" test "$rc" -eq 2
"$JINGLE_AGENT" fetch --from bob@localhost --hash "sha-256:%%" --dir "$tmp/f3" >/dev/null 2>&1; rc=$?
check "fetch with a malformed --hash exits 2" test "$rc" -eq 2
"$JINGLE_AGENT" fetch --from bob@localhost --name x --dir "$tmp/no-such-dir" >/dev/null 2>&1; rc=$?
check "fetch without an existing --dir exits 2" test "$rc" -eq 2
"$JINGLE_AGENT" receive --dir "$tmp/in" --serve "$tmp/no-such-file" >/dev/null 2>&1; rc=$?
check "receive --serve of a missing file exits 2" test "$rc" -eq 2
"$JINGLE_AGENT" --help >"$tmp/help.out"; rc=$?
check "--help lists fetch" grep -q "^  fetch " "$tmp/help.out"

echo "1..$n"
[ "$failed" -eq 0 ]
