#!/usr/bin/env bash
# test-cli-s5b.sh — `jingle-agent send` over SOCKS5 Bytestreams (XEP-0260)
# between real processes through the real Prosody (env from
# tests/integration/servers.sh, with its proxy65 component): 1 MiB direct
# (--transport s5b, JSON names s5b/direct), 1 MiB through proxy65
# (--no-direct, s5b/proxy), a blackhole as the best direct candidate on
# both sides not delaying the transfer (candidates tried at once), five
# files with --parallel 2 (at most two sending at once), direct
# candidates on a dead port with
# --no-proxy falling back to IBB (transport-replace, the file verified),
# the same with --transport s5b failing without fallback, a receiver that
# does not advertise SOCKS5 (JINGLE_AGENT_TEST_NO_S5B=1: auto sends over
# IBB, --transport s5b exits 5), the receiver's session-accept offering
# proxy65 too (none with receive --no-proxy), and usage. A
# wrong destination address on a direct candidate is refused: the unit test
# plugins/s5b/test-s5b-socket. The accounts are dave and erin, which no
# other test uses: a receiver here must never answer another test's search
# for a bare JID (tests run in parallel). TAP output; every wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
RES="s5b-$$"

mkdir -p "$tmp/src"
head -c 1048576 /dev/urandom >"$tmp/src/mib.bin"

# run_case NAME SEND-ARGS...: dave receives one file from erin, which sends
# mib.bin with SEND-ARGS (dave also gets RARGS, word-split); sets src (send
# exit) and rrc (receive exit).
RARGS=""
run_case() {
  local name=$1; shift
  mkdir -p "$tmp/$name"
  src=99; rrc=99
  start_agent dave "$RES" "r-$name" --dir "$tmp/$name" --from erin@localhost \
    --count 1 $RARGS || return 1
  local rpid=$apid
  run_agent send erin --to "dave@localhost/$RES" --json "$@" \
    "$tmp/src/mib.bin" >"$tmp/s-$name.json" 2>"$tmp/s-$name.err"; src=$?
  if [ "$src" -ne 0 ]; then kill "$rpid" 2>/dev/null; fi
  wait_rc "$rpid" 30; rrc=$?
  return 0
}

# check_json NAME TRANSPORT CANDIDATE: both sides verified the right sha256
# over TRANSPORT; the sender's "transport" event names it (and CANDIDATE).
check_json() {
  python3 - "$tmp/r-$1.json" "$tmp/s-$1.json" "$tmp/src/mib.bin" "$2" "$3" <<'PY'
import hashlib, json, sys
recv = [json.loads(l) for l in open(sys.argv[1])]
sent = [json.loads(l) for l in open(sys.argv[2])]
want = hashlib.sha256(open(sys.argv[3], "rb").read()).hexdigest()
tp, cand = sys.argv[4], sys.argv[5]
v = [e for e in recv if e["event"] == "verified"]
assert len(v) == 1 and v[0]["sha256"] == want and v[0]["transport"] == tp, v
s = [e for e in sent if e["event"] == "verified"]
assert len(s) == 1 and s[0]["sha256"] == want and s[0]["transport"] == tp, s
t = [e for e in sent if e["event"] == "transport"]
assert len(t) == 1 and t[0]["transport"] == tp, t
if cand != "-":
    assert t[0].get("candidate") == cand, t
else:
    assert "candidate" not in t[0], t
print("# %s: 1 MiB over %s%s in %.3f s, %.1f MB/s" % (sys.argv[1].split("/")[-1],
    tp, "/" + cand if cand != "-" else "", v[0]["seconds"], v[0]["mbps"]))
PY
}

# 1. Direct.
if run_case direct --transport s5b; then
  check "direct: send exits 0" test "$src" -eq 0
  check "direct: receive exits 0" test "$rrc" -eq 0
  check "direct: the file arrived identical" cmp -s "$tmp/src/mib.bin" "$tmp/direct/mib.bin"
  if check_json direct s5b direct; then ok "direct: JSON says s5b/direct, sha256 verified"
  else nok "direct: JSON says s5b/direct, sha256 verified" "$(tail -5 "$tmp/s-direct.err" "$tmp/r-direct.err")"; fi
fi

# 2. Through the server's proxy65 only.
if [ -n "${JA_TEST_PROXY65_JID:-}" ]; then
  if run_case proxy --transport s5b --no-direct; then
    check "proxy: send exits 0" test "$src" -eq 0
    check "proxy: receive exits 0" test "$rrc" -eq 0
    check "proxy: the file arrived identical" cmp -s "$tmp/src/mib.bin" "$tmp/proxy/mib.bin"
    if check_json proxy s5b proxy; then ok "proxy: JSON says s5b/proxy, sha256 verified"
    else nok "proxy: JSON says s5b/proxy, sha256 verified" "$(tail -5 "$tmp/s-proxy.err" "$tmp/r-proxy.err")"; fi
  fi
else
  # A test that cannot run fails (servers.sh always starts the proxy).
  nok "proxy: no proxy65 to test with (JA_TEST_PROXY65_JID unset)"
fi

# 2b. Both sides offer first a direct candidate that never answers (a
# listening socket nobody accepts on) and a connect/handshake timeout of
# 60 s: the candidates are tried at once, so the transfer goes over the
# next direct candidate at once; one after the other it would wait 60 s on
# each side first. The bound (20 s for the whole send) only catches that.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
print(s.getsockname()[1], flush=True); time.sleep(300)' >"$tmp/blackhole.port" &
bhpid=$!; pids+=("$bhpid")
for _ in $(seq 50); do [ -s "$tmp/blackhole.port" ] && break; sleep 0.1; done
export JINGLE_AGENT_TEST_S5B_EXTRA_CANDIDATE="127.0.0.1:$(cat "$tmp/blackhole.port")"
export JINGLE_AGENT_TEST_S5B_HANDSHAKE_TIMEOUT_S=60
RARGS="--log-xmpp=jingle"
t0=$(date +%s.%N)
if run_case blackhole --transport s5b --no-proxy --log-xmpp=jingle; then
  t1=$(date +%s.%N)
  check "blackhole first: send exits 0" test "$src" -eq 0
  check "blackhole first: receive exits 0" test "$rrc" -eq 0
  check "blackhole first: the file arrived identical" cmp -s "$tmp/src/mib.bin" "$tmp/blackhole/mib.bin"
  if check_json blackhole s5b direct; then ok "blackhole first: JSON says s5b/direct, sha256 verified"
  else nok "blackhole first: JSON says s5b/direct, sha256 verified" "$(tail -5 "$tmp/s-blackhole.err" "$tmp/r-blackhole.err")"; fi
  check "blackhole first: both offers put the blackhole first" python3 - "$tmp/s-blackhole.err" "$tmp/r-blackhole.err" "$JINGLE_AGENT_TEST_S5B_EXTRA_CANDIDATE" <<'PY'
import re, sys
host, port = sys.argv[3].rsplit(":", 1)
for path, action in ((sys.argv[1], "session-initiate"), (sys.argv[2], "session-accept")):
    log = open(path).read().replace('"', "'")
    m = re.search(r"<jingle[^>]*action='%s'.*?</jingle>" % action, log, re.S)
    assert m, (path, log[-2000:])
    cands = re.findall(r"<candidate [^>]*>", m.group(0))
    prio = lambda c: int(re.search(r"priority='(\d+)'", c).group(1))
    best = max(cands, key=prio)
    assert len(cands) >= 2 and "port='%s'" % port in best, cands
PY
  check "blackhole first: done well before one handshake timeout (60 s)" python3 -c "
import sys; t = $t1 - $t0; print('# send took %.2f s' % t); sys.exit(0 if t < 20 else 1)"
fi
kill "$bhpid" 2>/dev/null
unset JINGLE_AGENT_TEST_S5B_EXTRA_CANDIDATE JINGLE_AGENT_TEST_S5B_HANDSHAKE_TIMEOUT_S
RARGS=""

# 2c. Five files in one send with --parallel 2: each on its own SOCKS5
# bytestream, at most two sending at once (the sender's log says how many
# run as each starts), all five verified.
mkdir -p "$tmp/src5" "$tmp/par"
for i in 1 2 3 4 5; do head -c $((i * 1048576 + i)) /dev/urandom >"$tmp/src5/f$i.bin"; done
if start_agent dave "$RES" r-par --dir "$tmp/par" --from erin@localhost --count 5; then
  rpid=$apid
  run_agent send erin --to "dave@localhost/$RES" --json --transport s5b --parallel 2 -v \
    "$tmp"/src5/f*.bin >"$tmp/s-par.json" 2>"$tmp/s-par.err"; rc=$?
  check "parallel: send of five files exits 0" test "$rc" -eq 0
  wait_rc "$rpid" 30; rc=$?
  check "parallel: receive exits 0" test "$rc" -eq 0
  for i in 1 2 3 4 5; do
    check "parallel: f$i.bin arrived identical" cmp -s "$tmp/src5/f$i.bin" "$tmp/par/f$i.bin"
  done
  check "parallel: five files verified over s5b, one session, sha256 right" python3 - "$tmp/r-par.json" "$tmp/s-par.json" "$tmp/src5" <<'PY'
import hashlib, json, os, sys
recv = [json.loads(l) for l in open(sys.argv[1])]
sent = [json.loads(l) for l in open(sys.argv[2])]
want = {f: hashlib.sha256(open(os.path.join(sys.argv[3], f), "rb").read()).hexdigest()
        for f in os.listdir(sys.argv[3])}
for evs in (recv, sent):
    v = [e for e in evs if e["event"] == "verified"]
    assert sorted(e["name"] for e in v) == sorted(want), v
    assert all(e["sha256"] == want[e["name"]] and e["transport"] == "s5b" for e in v), v
    assert len({e["sid"] for e in v}) == 1, v
t = [e for e in sent if e["event"] == "transport"]
assert len(t) == 5 and all(e["transport"] == "s5b" for e in t), t
PY
  check "parallel: never more than two sending at once, all five started" python3 - "$tmp/s-par.err" <<'PY'
import re, sys
runs = [(int(a), int(b)) for a, b in re.findall(r"sending \((\d+) of at most (\d+) files at once\)", open(sys.argv[1]).read())]
assert len(runs) == 5 and all(b == 2 and 1 <= a <= 2 for a, b in runs), runs
PY
fi

# 3. Direct candidates unreachable on both sides, no proxy: IBB takes over.
export JINGLE_AGENT_TEST_S5B_UNREACHABLE=1
if run_case fallback --no-proxy -v; then
  check "fallback: send exits 0" test "$src" -eq 0
  check "fallback: receive exits 0" test "$rrc" -eq 0
  check "fallback: the file arrived identical" cmp -s "$tmp/src/mib.bin" "$tmp/fallback/mib.bin"
  if check_json fallback ibb -; then ok "fallback: JSON says ibb, sha256 verified"
  else nok "fallback: JSON says ibb, sha256 verified" "$(tail -5 "$tmp/s-fallback.err" "$tmp/r-fallback.err")"; fi
  check "fallback: the sender replaced s5b with ibb" grep -q "transport-replace with urn:xmpp:jingle:transports:ibb:1" "$tmp/s-fallback.err"
fi

# 4. The same with --transport s5b: no fallback, the transfer fails.
if run_case nofallback --transport s5b --no-proxy; then
  check "s5b only: send fails" test "$src" -ne 0 -a "$src" -ne 124
  check "s5b only: nothing arrived" test ! -e "$tmp/nofallback/mib.bin"
fi
unset JINGLE_AGENT_TEST_S5B_UNREACHABLE

# 4b. A receiver that does not advertise SOCKS5: auto picks IBB from its
# disco#info (no s5b offer), --transport s5b exits 5.
export JINGLE_AGENT_TEST_NO_S5B=1
if run_case nos5b -v; then
  check "no s5b peer: send exits 0" test "$src" -eq 0
  check "no s5b peer: receive exits 0" test "$rrc" -eq 0
  check "no s5b peer: the file arrived identical" cmp -s "$tmp/src/mib.bin" "$tmp/nos5b/mib.bin"
  if check_json nos5b ibb -; then ok "no s5b peer: JSON says ibb, sha256 verified"
  else nok "no s5b peer: JSON says ibb, sha256 verified" "$(tail -5 "$tmp/s-nos5b.err" "$tmp/r-nos5b.err")"; fi
  check "no s5b peer: no transport-replace" sh -c "! grep -q transport-replace '$tmp/s-nos5b.err'"
fi
if run_case nos5bonly --transport s5b; then
  check "no s5b peer, --transport s5b: send exits 5" test "$src" -eq 5
  check "no s5b peer, --transport s5b: one-line reason" grep -q "does not advertise SOCKS5" "$tmp/s-nos5bonly.err"
  check "no s5b peer, --transport s5b: nothing arrived" test ! -e "$tmp/nos5bonly/mib.bin"
fi
unset JINGLE_AGENT_TEST_NO_S5B

# 4c. The receiver offers the server's proxy65 too (XEP-0260: both may),
# and not with receive --no-proxy.
if [ -n "${JA_TEST_PROXY65_JID:-}" ]; then
  RARGS="--log-xmpp=jingle"
  if run_case rproxy --transport s5b --no-direct; then
    check "receiver proxy: send exits 0" test "$src" -eq 0
    check "receiver proxy: receive exits 0" test "$rrc" -eq 0
    check "receiver proxy: the session-accept offers proxy65" python3 - "$tmp/r-rproxy.err" "$JA_TEST_PROXY65_JID" <<'PY'
import re, sys
log = open(sys.argv[1]).read()
m = re.search(r"<jingle[^>]*action=.session-accept.*?</jingle>", log, re.S)
assert m and "type='proxy'" in m.group(0).replace('"', "'") and sys.argv[2] in m.group(0), log[-2000:]
PY
  fi
  RARGS="--no-proxy --log-xmpp=jingle"
  if run_case rnoproxy --transport s5b; then
    check "receive --no-proxy: send exits 0" test "$src" -eq 0
    check "receive --no-proxy: receive exits 0" test "$rrc" -eq 0
    check "receive --no-proxy: the file arrived identical" cmp -s "$tmp/src/mib.bin" "$tmp/rnoproxy/mib.bin"
    check "receive --no-proxy: the session-accept has no proxy" python3 - "$tmp/r-rnoproxy.err" <<'PY'
import re, sys
log = open(sys.argv[1]).read()
m = re.search(r"<jingle[^>]*action=.session-accept.*?</jingle>", log, re.S)
assert m and "proxy" not in m.group(0).replace("jingle:transports", ""), log[-2000:]
PY
  fi
  RARGS=""
else
  nok "receiver proxy: no proxy65 to test with (JA_TEST_PROXY65_JID unset)"
fi

# 5. Usage.
"$JINGLE_AGENT" send --to bob@localhost --no-direct --no-proxy "$tmp/src/mib.bin" >/dev/null 2>&1; rc=$?
check "--no-direct with --no-proxy exits 2" test "$rc" -eq 2
"$JINGLE_AGENT" send --to bob@localhost --parallel 0 "$tmp/src/mib.bin" >/dev/null 2>&1; rc=$?
check "--parallel 0 exits 2" test "$rc" -eq 2

echo "1..$n"
[ "$failed" -eq 0 ]
