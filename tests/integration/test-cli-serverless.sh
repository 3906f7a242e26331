#!/usr/bin/env bash
# test-cli-serverless.sh — serverless streams (XEP-0174 semantics) between
# two real jingle-agent processes on loopback, no server anywhere: alice
# sends to bob's `receive --listen` over TLS with both self-signed
# certificates (made on first use under $XDG_DATA_HOME), each side records
# the other's certificate SHA-256 (checked against openssl's own digest of
# the identity files) in its known_peers on first contact; the second
# contact is quiet; the other direction (send --listen, receive --peer) and
# fetch work, over SOCKS5 and IBB; a changed certificate is refused on
# either side (exit 8 and "PEER CERTIFICATE CHANGED" for the connecting
# side; the accepting side refuses and says so) with no file written;
# --peer-fingerprint pins up front (a mismatch exits 8); plaintext only
# when both sides pass --insecure-plaintext (a TLS side refuses a
# plaintext peer; a TLS connector never falls back; not on a non-loopback
# address); usage errors exit 2; with no Avahi daemon, discovery is off
# (said when listening; --peer NAME@HOST exits 3). TAP output; every wait
# is bounded.
set -u
JA_TEST_SERVERLESS=1
. "$(dirname "$0")/cli-lib.sh"

A="$tmp/alice" B="$tmp/bob"
mkdir -p "$A" "$B" "$tmp/src"
head -c 1048576 /dev/urandom >"$tmp/src/mib.bin"
head -c 300000 /dev/urandom >"$tmp/src/small.bin"
AJID=alice@serverless.test BJID=bob@serverless.test

# cert_sha PEM: the SHA-256 of the certificate in PEM, by openssl.
cert_sha() { openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }
json_field() { # json_field FILE EVENT FIELD
  grep "\"event\":\"$2\"" "$1" | head -1 | sed -n "s/.*\"$3\":\"\([^\"]*\)\".*/\1/p"
}

# listen NAME DATA JID CMD ARGS...: `jingle-agent CMD --listen` in the
# background (XDG_DATA_HOME=DATA); waits for "listening"; sets lpid, lport.
LADDR=127.0.0.1:0
listen() {
  local name=$1 data=$2 jid=$3 cmd=$4; shift 4
  XDG_DATA_HOME="$data" "$JINGLE_AGENT" "$cmd" --listen "$LADDR" --jid "$jid" \
    --json "$@" >"$tmp/$name.json" 2>"$tmp/$name.err" &
  lpid=$!; pids+=("$lpid"); lport=""
  for _ in $(seq 1 $((100 * T))); do
    lport=$(json_field "$tmp/$name.json" listening address | sed 's/.*://')
    [ -n "$lport" ] && return 0
    kill -0 "$lpid" 2>/dev/null || break
    sleep 0.1
  done
  nok "$name listens" "$(cat "$tmp/$name.err")"
  return 1
}
# connect DATA JID CMD ARGS...: a bounded foreground run with --peer.
connect() {
  local data=$1 jid=$2 cmd=$3; shift 3
  XDG_DATA_HOME="$data" timeout $((60 * T)) "$JINGLE_AGENT" "$cmd" --jid "$jid" "$@"
}

# 1. First contact over TLS: alice → bob (SOCKS5 direct, the default).
mkdir -p "$tmp/in1"
listen r1 "$B" "$BJID" receive --dir "$tmp/in1" --count 1 || exit 1
connect "$A" "$AJID" send --peer "127.0.0.1:$lport" --json "$tmp/src/mib.bin" \
  >"$tmp/s1.json" 2>"$tmp/s1.err"; rc=$?
wait_rc "$lpid" 30; rrc=$?
P1=$lport
check "first contact: send exits 0" [ "$rc" -eq 0 ]
check "first contact: receive exits 0" [ "$rrc" -eq 0 ]
check "first contact: the file arrived intact" cmp -s "$tmp/src/mib.bin" "$tmp/in1/mib.bin"
check "both identities were created" eval '[ -s "$A/jingle-agent/identity.pem" ] && [ -s "$B/jingle-agent/identity.pem" ]'
ASHA=$(cert_sha "$A/jingle-agent/identity.pem"); BSHA=$(cert_sha "$B/jingle-agent/identity.pem")
check "bob announced his certificate's SHA-256" [ "$(json_field "$tmp/r1.json" listening sha256)" = "$BSHA" ]
check "alice saw bob's certificate" [ "$(json_field "$tmp/s1.json" peer sha256)" = "$BSHA" ]
check "bob saw alice's certificate" [ "$(json_field "$tmp/r1.json" peer sha256)" = "$ASHA" ]
check "alice recorded bob under the address she dialled" \
  grep -qx "127.0.0.1:$P1 $BSHA" "$A/jingle-agent/known_peers"
check "bob recorded alice under her JID" grep -qx "$AJID $ASHA" "$B/jingle-agent/known_peers"
check "alice said it was a first contact" grep -q "first contact with 127.0.0.1:$P1" "$tmp/s1.err"
check "bob said it was a first contact" grep -q "first contact with $AJID" "$tmp/r1.err"
check "the receiver said discovery is off" [ "$(json_field "$tmp/r1.json" listening discovery)" = off ]

# 2. Second contact on the same port: known on both sides, quiet, over IBB.
mkdir -p "$tmp/in2"
LADDR=127.0.0.1:$P1
listen r2 "$B" "$BJID" receive --dir "$tmp/in2" --count 1 || exit 1
connect "$A" "$AJID" send --peer "127.0.0.1:$P1" --transport ibb "$tmp/src/small.bin" \
  >"$tmp/s2.out" 2>"$tmp/s2.err"; rc=$?
wait_rc "$lpid" 30; rrc=$?
check "second contact over IBB: both exit 0" eval '[ "$rc" -eq 0 ] && [ "$rrc" -eq 0 ]'
check "second contact: the file arrived intact" cmp -s "$tmp/src/small.bin" "$tmp/in2/small.bin"
check "second contact: nothing new recorded" eval '[ "$(grep -vc '\''^#'\'' "$A/jingle-agent/known_peers")" -eq 1 ] \
  && [ "$(grep -vc '\''^#'\'' "$B/jingle-agent/known_peers")" -eq 1 ]'
check "second contact: no first-contact notice" eval '! grep -q "first contact" "$tmp/s2.err" "$tmp/r2.err"'
check "the sender reported IBB" grep -q "over ibb" "$tmp/s2.out"

# 3. The other direction: alice sends from --listen, bob receives with --peer.
LADDR=127.0.0.1:0
mkdir -p "$tmp/in3"
listen s3 "$A" "$AJID" send "$tmp/src/mib.bin" || exit 1
connect "$B" "$BJID" receive --peer "127.0.0.1:$lport" --dir "$tmp/in3" --count 1 \
  >"$tmp/r3.out" 2>"$tmp/r3.err"; rrc=$?
wait_rc "$lpid" 30; rc=$?
check "reverse: send --listen exits 0" [ "$rc" -eq 0 ]
check "reverse: receive --peer exits 0" [ "$rrc" -eq 0 ]
check "reverse: the file arrived intact" cmp -s "$tmp/src/mib.bin" "$tmp/in3/mib.bin"
check "reverse: bob recorded alice's listener" grep -qx "127.0.0.1:$lport $ASHA" "$B/jingle-agent/known_peers"

# 4. fetch --peer from a serving receiver.
mkdir -p "$tmp/in4"
listen r4 "$B" "$BJID" receive --dir "$tmp/in4" --serve "$tmp/src/small.bin" --count 1 || exit 1
connect "$A" "$AJID" fetch --peer "127.0.0.1:$lport" --name small.bin --dir "$tmp/in4" \
  >"$tmp/f4.out" 2>"$tmp/f4.err"; rc=$?
wait_rc "$lpid" 30; rrc=$?
check "fetch --peer exits 0 and the holder too" eval '[ "$rc" -eq 0 ] && [ "$rrc" -eq 0 ]'
check "fetch: the file arrived intact" cmp -s "$tmp/src/small.bin" "$tmp/in4/small.bin"

# 5. Bob's certificate changed (same address): alice refuses, exit 8.
mkdir -p "$tmp/in5"
cp "$A/jingle-agent/known_peers" "$tmp/kp-before"
LADDR=127.0.0.1:$P1
listen r5 "$B" "$BJID" receive --identity "$tmp/bob-new.pem" --dir "$tmp/in5" --count 1 || exit 1
connect "$A" "$AJID" send --peer "127.0.0.1:$P1" "$tmp/src/small.bin" \
  >"$tmp/s5.out" 2>"$tmp/s5.err"; rc=$?
kill "$lpid" 2>/dev/null; wait_rc "$lpid" 10
check "changed peer certificate: send exits 8" [ "$rc" -eq 8 ]
check "changed peer certificate: one loud line naming both fingerprints" \
  grep -q "PEER CERTIFICATE CHANGED: 127.0.0.1:$P1 now presents SHA-256 $(cert_sha "$tmp/bob-new.pem").*records $BSHA" "$tmp/s5.err"
check "changed peer certificate: no file written" [ -z "$(ls -A "$tmp/in5")" ]
check "changed peer certificate: known_peers untouched" cmp -s "$tmp/kp-before" "$A/jingle-agent/known_peers"

# 6. Alice's certificate changed: bob refuses her (his known_peers has her JID).
mkdir -p "$tmp/in6"
LADDR=127.0.0.1:0
listen r6 "$B" "$BJID" receive --dir "$tmp/in6" --count 1 || exit 1
connect "$A" "$AJID" send --identity "$tmp/alice-new.pem" --peer "127.0.0.1:$lport" \
  "$tmp/src/small.bin" >"$tmp/s6.out" 2>"$tmp/s6.err"; rc=$?
sleep 0.3; kill "$lpid" 2>/dev/null; wait_rc "$lpid" 10
check "bob refuses alice's new certificate: send fails" [ "$rc" -ne 0 ]
check "bob says why" grep -q "refused $AJID.*PEER CERTIFICATE CHANGED: $AJID now presents SHA-256 $(cert_sha "$tmp/alice-new.pem")" "$tmp/r6.err"
check "alice is told by bob's stream error" grep -q "not-authorized" "$tmp/s6.err"
check "refused sender: no file written" [ -z "$(ls -A "$tmp/in6")" ]

# 7. --peer-fingerprint: a wrong pin exits 8; the right one works without known_peers.
mkdir -p "$tmp/in7"
listen r7 "$B" "$BJID" receive --dir "$tmp/in7" --count 1 || exit 1
connect "$A" "$AJID" send --peer "127.0.0.1:$lport" --known-peers "$tmp/kp7" \
  --peer-fingerprint "$ASHA" "$tmp/src/small.bin" >"$tmp/s7.out" 2>"$tmp/s7.err"; rc=$?
check "wrong --peer-fingerprint: exit 8" [ "$rc" -eq 8 ]
check "wrong --peer-fingerprint: says so" grep -q "PEER CERTIFICATE MISMATCH.*presents SHA-256 $BSHA" "$tmp/s7.err"
check "wrong --peer-fingerprint: no file, nothing recorded" eval '[ -z "$(ls -A "$tmp/in7")" ] && [ ! -e "$tmp/kp7" ]'
connect "$A" "$AJID" send --peer "127.0.0.1:$lport" --known-peers "$tmp/kp7" \
  --peer-fingerprint "$(echo "$BSHA" | sed 's/../&:/g; s/:$//' | tr a-f A-F)" \
  "$tmp/src/small.bin" >"$tmp/s7b.out" 2>"$tmp/s7b.err"; rc=$?
wait_rc "$lpid" 30; rrc=$?
check "right --peer-fingerprint (AA:BB form): both exit 0" eval '[ "$rc" -eq 0 ] && [ "$rrc" -eq 0 ]'
check "right --peer-fingerprint: the file arrived intact" cmp -s "$tmp/src/small.bin" "$tmp/in7/small.bin"

# 8. Plaintext: refused by a TLS receiver; works only when both allow it.
mkdir -p "$tmp/in8"
listen r8 "$B" "$BJID" receive --dir "$tmp/in8" --count 1 || exit 1
connect "$A" "$AJID" send --insecure-plaintext --peer "127.0.0.1:$lport" \
  "$tmp/src/small.bin" >"$tmp/s8.out" 2>"$tmp/s8.err"; rc=$?
sleep 0.3
check "plaintext sender, TLS receiver: send exits 3" [ "$rc" -eq 3 ]
check "plaintext sender is told TLS is required" grep -q "policy-violation.*requires TLS" "$tmp/s8.err"
check "the TLS receiver says it refused plaintext" grep -q "spoke plaintext" "$tmp/r8.err"
check "plaintext refused: no file written" [ -z "$(ls -A "$tmp/in8")" ]
check "the receiver still runs after refusing" kill -0 "$lpid"
kill "$lpid" 2>/dev/null; wait_rc "$lpid" 10

listen r8b "$B" "$BJID" receive --insecure-plaintext --dir "$tmp/in8" --count 1 || exit 1
connect "$A" "$AJID" send --peer "127.0.0.1:$lport" --json "$tmp/src/small.bin" \
  >"$tmp/s8b.json" 2>"$tmp/s8b.err"; rc=$?
wait_rc "$lpid" 30; rrc=$?
check "TLS sender, receiver allowing plaintext: both exit 0" eval '[ "$rc" -eq 0 ] && [ "$rrc" -eq 0 ]'
check "... and it was TLS all the same" [ "$(json_field "$tmp/s8b.json" peer sha256)" = "$BSHA" ]
rm -f "$tmp/in8/small.bin"

listen r8c "$B" "$BJID" receive --insecure-plaintext --dir "$tmp/in8" --count 1 || exit 1
connect "$A" "$AJID" send --insecure-plaintext --peer "127.0.0.1:$lport" --json \
  "$tmp/src/small.bin" >"$tmp/s8c.json" 2>"$tmp/s8c.err"; rc=$?
wait_rc "$lpid" 30; rrc=$?
check "both --insecure-plaintext on loopback: both exit 0" eval '[ "$rc" -eq 0 ] && [ "$rrc" -eq 0 ]'
check "both plaintext: the file arrived intact" cmp -s "$tmp/src/small.bin" "$tmp/in8/small.bin"
check "both plaintext: no certificate, and both sides warn" eval '\
  [ -z "$(json_field "$tmp/s8c.json" peer sha256)" ] && grep -q PLAINTEXT "$tmp/s8c.err" \
  && grep -q PLAINTEXT "$tmp/r8c.err"'

# 9. Usage (refused before any identity is made or loaded).
export XDG_DATA_HOME="$tmp/usage"
"$JINGLE_AGENT" receive --listen 0.0.0.0:0 --insecure-plaintext --dir "$tmp" \
  >/dev/null 2>"$tmp/u1.err"; rc=$?
check "--insecure-plaintext off loopback: exit 2" eval '[ "$rc" -eq 2 ] && grep -q "only for loopback" "$tmp/u1.err"'
"$JINGLE_AGENT" send --listen 127.0.0.1:0 --peer 127.0.0.1:1 "$tmp/src/small.bin" \
  >/dev/null 2>"$tmp/u2.err"; rc=$?
check "--listen with --peer: exit 2" [ "$rc" -eq 2 ]
"$JINGLE_AGENT" send --peer 127.0.0.1 "$tmp/src/small.bin" >/dev/null 2>"$tmp/u3.err"; rc=$?
check "--peer without a port: exit 2" eval '[ "$rc" -eq 2 ] && grep -q "ADDRESS:PORT" "$tmp/u3.err"'
check "usage errors made no identity" [ ! -e "$tmp/usage" ]
unset XDG_DATA_HOME

# 12. send --listen interrupted before any peer came: cancelled, exit 1.
listen s12 "$A" "$AJID" send "$tmp/src/small.bin" || exit 1
kill -TERM "$lpid"; wait_rc "$lpid" 10; rc=$?
check "send --listen interrupted while waiting for a peer: exit 1" [ "$rc" -eq 1 ]

# 11. receive --from narrows who may send; our own name proves nothing here.
mkdir -p "$tmp/in11"
listen r11 "$B" "$BJID" receive --dir "$tmp/in11" --from carol@serverless.test || exit 1
connect "$A" "$AJID" send --peer "127.0.0.1:$lport" "$tmp/src/small.bin" \
  >"$tmp/s11.out" 2>"$tmp/s11.err"; rc=$?
connect "$A" "$BJID" send --known-peers "$tmp/kp11" --peer "127.0.0.1:$lport" \
  "$tmp/src/small.bin" >"$tmp/s11b.out" 2>"$tmp/s11b.err"; rc2=$?
kill "$lpid" 2>/dev/null; wait_rc "$lpid" 10
check "--from carol: alice is declined (exit 5)" eval '[ "$rc" -eq 5 ] && grep -q "declined" "$tmp/s11.err" "$tmp/s11.out"'
check "--from carol: a peer claiming bob's own name is declined too" [ "$rc2" -eq 5 ]
check "--from carol: no file written" [ -z "$(ls -A "$tmp/in11")" ]

# 10. Discovery (no Avahi daemon runs here): a name cannot be looked up.
DBUS_SYSTEM_BUS_ADDRESS="unix:path=$tmp/no-bus" XDG_DATA_HOME="$A" \
  timeout $((30 * T)) "$JINGLE_AGENT" send --peer bob@serverless.test \
  "$tmp/src/small.bin" >/dev/null 2>"$tmp/d1.err"; rc=$?
check "--peer NAME@HOST without discovery: exit 3, saying discovery is off" \
  eval '[ "$rc" -eq 3 ] && grep -q "cannot look up bob@serverless.test: discovery off" "$tmp/d1.err"'
check "the listener said why discovery is off" \
  grep -q '"discovery_off":"[^"]' "$tmp/r1.json"

echo "1..$n"
[ "$failed" -eq 0 ]
