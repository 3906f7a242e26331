#!/usr/bin/env bash
# test-cli-serverless-call.sh — calls with no XMPP server: bob `answer
# --listen 127.0.0.1:PORT`, alice `call --peer 127.0.0.1:PORT` over a direct
# TLS stream (each agent's own certificate, pinned on first contact): the
# call connects with DTLS-SRTP and bob's recording peaks at alice's 440 Hz;
# alice's known_peers holds bob's certificate; when bob comes back on the same
# address with another certificate, alice refuses the call (exit 8, "PEER
# CERTIFICATE CHANGED") and nothing is recorded; a plaintext caller is refused
# by a TLS listener. Then `jingle-agent demo --json` (what the README's first
# command runs): a serverless call and file transfer, exit 0, DTMF heard,
# the file verified. No server needed. TAP output; every wait is bounded.
set -u
JA_TEST_SERVERLESS=1
. "$(dirname "$0")/cli-lib.sh"
: "${WAV_PEAK:?path to the wav-peak tool}"

A="$tmp/alice" B="$tmp/bob"
mkdir -p "$A" "$B"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

# answer_b NAME ARGS...: bob's answer --listen on PORT; sets apid.
answer_b() {
  local name=$1; shift
  XDG_DATA_HOME="$B" "$JINGLE_AGENT" answer --listen "127.0.0.1:$PORT" \
    --jid bob@sl.test --ice-address 127.0.0.1 --json "$@" \
    >"$tmp/$name.json" 2>"$tmp/$name.err" &
  apid=$!; pids+=("$apid")
  for _ in $(seq 1 $((100 * T))); do
    grep -q '"event":"listening"' "$tmp/$name.json" 2>/dev/null && return 0
    kill -0 "$apid" 2>/dev/null || break
    sleep 0.1
  done
  nok "bob listens ($name)" "$(cat "$tmp/$name.err")"
  return 1
}
call_a() { # call_a NAME ARGS...: sets crc
  local name=$1; shift
  XDG_DATA_HOME="$A" timeout $((60 * T)) "$JINGLE_AGENT" call \
    --peer "127.0.0.1:$PORT" --jid alice@sl.test --ice-address 127.0.0.1 \
    --json "$@" >"$tmp/$name.json" 2>"$tmp/$name.err"; crc=$?
}

# 1. First contact: a call over TLS, pinned.
if answer_b a1 --count 1 --record "$tmp/bob1.wav"; then
  call_a c1 --audio test:440 --duration 2
  wait_rc "$apid" 30; arc=$?
  check "a serverless call: both exit 0 (call $crc, answer $arc)" \
    eval '[ "$crc" -eq 0 ] && [ "$arc" -eq 0 ]'
  check "it connected with DTLS-SRTP on 127.0.0.1" \
    python3 - "$tmp/c1.json" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
c = [e for e in ev if e["event"] == "connected"][0]
print("# %s, %s, setup %d ms" % (c["local_candidate"], c["srtp_profile"], c["setup_ms"]))
assert "127.0.0.1" in c["local_candidate"] and c["srtp_profile"].startswith("SRTP_")
PY
  out=$("$WAV_PEAK" "$tmp/bob1.wav" 2>&1); echo "# bob1.wav: $out"
  check "bob heard alice's 440 Hz" python3 -c "import re,sys; o=sys.argv[1]; f=float(re.search(r'frequency=([0-9.]+)',o).group(1)); s=float(re.search(r'share=([0-9.]+)',o).group(1)); sys.exit(0 if abs(f-440)<=5 and s>=0.5 else 1)" "$out"
  check "alice pinned bob's certificate on first contact" \
    grep -q "^127.0.0.1:$PORT [0-9a-f]\{64\}$" "$A/jingle-agent/known_peers"
fi

# 2. Bob comes back with another certificate on the same address.
rm -f "$B/jingle-agent/identity.pem"
if answer_b a2 --count 1 --record "$tmp/bob2.wav"; then
  call_a c2 --duration 2
  kill "$apid" 2>/dev/null; wait_rc "$apid" 10 >/dev/null
  check "a changed certificate: the call exits 8 (rc=$crc)" test "$crc" -eq 8
  check "alice says PEER CERTIFICATE CHANGED" \
    grep -q "PEER CERTIFICATE CHANGED" "$tmp/c2.err"
  check "no call happened: no connected event, nothing recorded" \
    eval '! grep -q "\"event\":\"connected\"" "$tmp/c2.json" && [ ! -s "$tmp/bob2.wav" ]'
fi

# 3. A plaintext caller and a TLS listener.
if answer_b a3 --count 1; then
  XDG_DATA_HOME="$A" timeout $((30 * T)) "$JINGLE_AGENT" call \
    --peer "127.0.0.1:$PORT" --jid alice@sl.test --insecure-plaintext \
    --duration 1 >"$tmp/c3.out" 2>"$tmp/c3.err"; rc=$?
  kill "$apid" 2>/dev/null; wait_rc "$apid" 10 >/dev/null
  check "a plaintext caller is refused by a TLS listener (rc=$rc)" \
    test "$rc" -ne 0
  check "no call connected" eval '! grep -q "connected to" "$tmp/c3.out"'
fi

# 4. The demo (the README's first command runs it).
XDG_DATA_HOME="$tmp/demo-data" timeout $((120 * T)) "$JINGLE_AGENT" demo \
  --json --duration 3 --size 4 >"$tmp/demo.json" 2>"$tmp/demo.err"; rc=$?
check "jingle-agent demo exits 0 (rc=$rc)" test "$rc" -eq 0
check "the demo's summary: a call with DTMF heard, a 4 MiB file verified" \
  python3 - "$tmp/demo.json" <<'PY'
import json, sys
s = [json.loads(l) for l in open(sys.argv[1]) if l.strip()][-1]
print("# demo: setup %d ms (ICE %d, DTLS %d), %s; file %d bytes at %.0f MB/s over %s"
      % (s["call_setup_ms"], s["call_ice_ms"], s["call_dtls_ms"], s["call_srtp"],
         s["file_bytes"], s["file_mbps"], s["file_transport"]))
assert s["event"] == "demo" and s["exit_code"] == 0
assert s["call_dtmf_heard"] == "1234#" and s["call_packets_sent"] > 20
assert s["file_bytes"] == 4 * 1048576 and len(s["file_sha256"]) == 64
PY

echo "1..$n"
[ "$failed" -eq 0 ]
