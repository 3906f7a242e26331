#!/usr/bin/env bash
# test-cli-s5b-large.sh — the acceptance sizes of SOCKS5 bytestreams
# (XEP-0260): a 256 MiB file between real processes through the real
# Prosody, once over a direct candidate (--transport s5b --no-proxy, JSON
# names s5b/direct) and once through proxy65 (--no-direct, s5b/proxy); each
# arrives identical (cmp), both sides report the file's sha256, and every
# progress event on both sides names the transport and candidate in use. The file
# is random data made fast (AES-CTR keystream, or /dev/urandom without
# openssl) and every copy is removed after its case. The accounts are ivan
# (receiver) and judy (sender), which no other test uses. TAP output;
# every wait is bounded; no speed is asserted.
set -u
. "$(dirname "$0")/cli-lib.sh"
RES="s5b-large-$$"
SIZE=$((256 * 1048576))

mkdir -p "$tmp/src"
if command -v openssl >/dev/null 2>&1; then
  (set +o pipefail
   openssl enc -aes-128-ctr -nosalt -K "$(openssl rand -hex 16)" \
     -iv "$(openssl rand -hex 16)" -in /dev/zero 2>/dev/null | head -c "$SIZE") >"$tmp/src/big.bin"
else
  head -c "$SIZE" /dev/urandom >"$tmp/src/big.bin"
fi
want=$(sha256sum "$tmp/src/big.bin" | cut -d' ' -f1)

# large_case NAME CANDIDATE SEND-ARGS...: ivan receives big.bin from judy.
large_case() {
  local name=$1 cand=$2; shift 2
  local rpid src rrc
  mkdir -p "$tmp/$name"
  if ! start_agent ivan "$RES" "r-$name" --dir "$tmp/$name" --from judy@localhost --count 1; then
    return
  fi
  rpid=$apid
  run_agent send judy --to "ivan@localhost/$RES" --json "$@" "$tmp/src/big.bin" \
    >"$tmp/s-$name.json" 2>"$tmp/s-$name.err"; src=$?
  if [ "$src" -ne 0 ]; then kill "$rpid" 2>/dev/null; fi
  wait_rc "$rpid" 60; rrc=$?
  check "$name: send exits 0" test "$src" -eq 0
  check "$name: receive exits 0" test "$rrc" -eq 0
  check "$name: 256 MiB arrived identical" cmp -s "$tmp/src/big.bin" "$tmp/$name/big.bin"
  if python3 - "$tmp/r-$name.json" "$tmp/s-$name.json" "$want" "$cand" "$SIZE" <<'PY'
import json, sys
recv = [json.loads(l) for l in open(sys.argv[1])]
sent = [json.loads(l) for l in open(sys.argv[2])]
want, cand, size = sys.argv[3], sys.argv[4], int(sys.argv[5])
for evs in (recv, sent):
    v = [e for e in evs if e["event"] == "verified"]
    assert len(v) == 1 and v[0]["sha256"] == want and v[0]["transport"] == "s5b", v
    assert v[0]["bytes"] == size and v[0]["resumed_from"] == 0, v
    p = [e for e in evs if e["event"] == "progress"]
    assert p and p[-1]["bytes"] == size, p[-3:]
    assert all(e.get("transport") == "s5b" and e.get("candidate") == cand for e in p), p[:3]
t = [e for e in sent if e["event"] == "transport"]
assert len(t) == 1 and t[0]["transport"] == "s5b" and t[0].get("candidate") == cand, t
v = [e for e in recv if e["event"] == "verified"][0]
print("# 256 MiB over s5b/%s in %.2f s, %.1f MB/s" % (cand, v["seconds"], v["mbps"]))
PY
  then ok "$name: JSON (progress and verified) says s5b/$cand, both sides verified the sha256"
  else nok "$name: JSON (progress and verified) says s5b/$cand, both sides verified the sha256" "$(tail -5 "$tmp/s-$name.err" "$tmp/r-$name.err")"; fi
  rm -rf "${tmp:?}/$name"
}

# 1. Direct.
large_case direct direct --transport s5b --no-proxy

# 2. Through the server's proxy65 only.
if [ -n "${JA_TEST_PROXY65_JID:-}" ]; then
  large_case proxy proxy --transport s5b --no-direct
else
  nok "proxy: JA_TEST_PROXY65_JID unset (servers.sh runs proxy65)"
fi

rm -f "$tmp/src/big.bin"
echo "1..$n"
[ "$failed" -eq 0 ]
