#!/usr/bin/env bash
# test-cli-check.sh — `jingle-agent check` as a user runs it, against the
# real Prosody (env from tests/integration/servers.sh): what it prints, its
# JSON events, its exit codes (0, 2, 3, 4), and that the wire log redacts
# SASL payloads. TAP output.
set -u
: "${JINGLE_AGENT:?path to the jingle-agent binary}"
for v in JA_TEST_STATE_DIR JA_TEST_C2S_PORT JA_TEST_C2S_TLS_PORT JA_TEST_CA_FILE; do
  if [ -z "${!v:-}" ]; then
    echo "1..1"; echo "not ok 1 - $v not set: integration servers are not running"; exit 1
  fi
done

n=0; failed=0
ok() { n=$((n+1)); echo "ok $n - $1"; }
nok() { n=$((n+1)); failed=$((failed+1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "# $l"; done; }
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
  local d=$1; shift
  if "$@"; then ok "$d"; else nok "$d" "command failed: $*"; fi
}

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
A=(--jid "alice@localhost" --password-file "$JA_TEST_STATE_DIR/alice.pass" --ca-file "$JA_TEST_CA_FILE")
S="127.0.0.1:$JA_TEST_C2S_PORT"

# 1. A good login prints every fact the check promises and exits 0.
"$JINGLE_AGENT" check "${A[@]}" --server "$S" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "check exits 0 on success" test "$rc" -eq 0
for want in "^TLS: TLS1\.[23], cipher " "^certificate: certificate chain verified for 'localhost'" \
    "^SASL mechanism: SCRAM-SHA-1" "^bound JID: alice@localhost/" "urn:xmpp:ping" \
    "proxy\.localhost at 127\.0\.0\.1 port $JA_TEST_PROXY65_PORT" "^  stun 127\.0\.0\.1:" \
    "^  turn 127\.0\.0\.1:.* udp" "^check: OK"; do
  if grep -qE "$want" "$tmp/out"; then ok "output has /$want/"; else nok "output has /$want/" "$(cat "$tmp/out" "$tmp/err")"; fi
done

# 2. --json: every line is a JSON object; the facts are there.
"$JINGLE_AGENT" check "${A[@]}" --server "$S" --json >"$tmp/json" 2>"$tmp/err"; rc=$?
check "check --json exits 0" test "$rc" -eq 0
if python3 - "$tmp/json" "$JA_TEST_PROXY65_PORT" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
kinds = [e["event"] for e in events]
c = next(e for e in events if e["event"] == "connected")
assert c["tls_version"] in ("TLS1.2", "TLS1.3"), c
assert c["sasl_mechanism"].startswith("SCRAM-SHA-"), c
assert c["jid"].startswith("alice@localhost/"), c
assert "verified" in c["certificate"], c
p = next(e for e in events if e["event"] == "socks5-proxy")
assert p["host"] == "127.0.0.1" and p["port"] == int(sys.argv[2]), p
assert any(e["event"] == "external-service" and e["type"] == "turn" and e["credentials"] for e in events)
assert "urn:xmpp:ping" in next(e for e in events if e["event"] == "server-features")["features"]
assert kinds[-1] == "done", kinds
PY
then ok "JSON events parse and carry the facts"; else nok "JSON events parse and carry the facts" "$(cat "$tmp/json")"; fi

# 3. Direct TLS (XEP-0368).
"$JINGLE_AGENT" check "${A[@]}" --server "127.0.0.1:$JA_TEST_C2S_TLS_PORT" --direct-tls >"$tmp/out" 2>&1; rc=$?
check "direct TLS login exits 0" test "$rc" -eq 0
check "direct TLS is reported" grep -q "(direct TLS)" "$tmp/out"

# 3b. IPv6 loopback.
"$JINGLE_AGENT" check "${A[@]}" --server "[::1]:$JA_TEST_C2S_PORT" >"$tmp/out" 2>&1; rc=$?
check "IPv6 login exits 0" test "$rc" -eq 0
check "IPv6 address is reported" grep -q "^connected: \[::1\]:$JA_TEST_C2S_PORT" "$tmp/out"

# 4. TLS 1.2 → channel binding.
"$JINGLE_AGENT" check "${A[@]}" --server "$S" --tls-priority NORMAL:-VERS-TLS1.3 >"$tmp/out" 2>&1; rc=$?
check "TLS 1.2 login exits 0" test "$rc" -eq 0
check "SCRAM-SHA-1-PLUS chosen over TLS 1.2" grep -q "^SASL mechanism: SCRAM-SHA-1-PLUS, channel binding tls-unique" "$tmp/out"

# 5. Wrong password: exit 4 and one line naming the cause.
echo "not-the-password" >"$tmp/wrong"
"$JINGLE_AGENT" check --jid alice@localhost --password-file "$tmp/wrong" --ca-file "$JA_TEST_CA_FILE" --server "$S" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "wrong password exits 4" test "$rc" -eq 4
check "wrong password says authentication failed" grep -q "authentication as alice@localhost failed: not-authorized" "$tmp/err"
check "the cause is one line" test "$(wc -l <"$tmp/err")" -eq 1

# 6. Untrusted certificate (no --ca-file): exit 3 and why.
"$JINGLE_AGENT" check --jid alice@localhost --password-file "$JA_TEST_STATE_DIR/alice.pass" --server "$S" >"$tmp/out" 2>"$tmp/err"; rc=$?
check "untrusted certificate exits 3" test "$rc" -eq 3
check "untrusted certificate says why" grep -q "not trusted.*issuer is unknown" "$tmp/err"

# 7. Pinned certificate instead of a CA.
pin=$(openssl x509 -in "$JA_TEST_STATE_DIR/certs/localhost.crt" -outform DER 2>/dev/null | sha256sum | cut -d' ' -f1)
if [ -n "$pin" ] && [ -f "$JA_TEST_STATE_DIR/certs/localhost.crt" ]; then
  "$JINGLE_AGENT" check --jid alice@localhost --password-file "$JA_TEST_STATE_DIR/alice.pass" --server "$S" --pin-sha256 "$pin" --no-system-trust >"$tmp/out" 2>&1; rc=$?
  check "a pinned certificate is accepted without a CA" test "$rc" -eq 0
  check "pinning is reported" grep -q "certificate: pinned certificate SHA-256 $pin" "$tmp/out"
  "$JINGLE_AGENT" check "${A[@]}" --server "$S" --pin-sha256 "$(printf '%064d' 0)" >"$tmp/out" 2>"$tmp/err"; rc=$?
  check "a wrong pin exits 3" test "$rc" -eq 3
else
  nok "server certificate found for pinning" "no $JA_TEST_STATE_DIR/certs/localhost.crt"
fi

# 8. Nobody listening: exit 3.
"$JINGLE_AGENT" check "${A[@]}" --server 127.0.0.1:1 >"$tmp/out" 2>"$tmp/err"; rc=$?
check "connection refused exits 3" test "$rc" -eq 3
check "connection refused names the address" grep -q "127.0.0.1:1" "$tmp/err"

# 9. Usage errors exit 2.
"$JINGLE_AGENT" check --no-such-option >/dev/null 2>&1; rc=$?
check "unknown option exits 2" test "$rc" -eq 2
"$JINGLE_AGENT" check --server "$S" >/dev/null 2>&1; rc=$?
check "missing --jid exits 2" test "$rc" -eq 2
"$JINGLE_AGENT" frobnicate >/dev/null 2>&1; rc=$?
check "unknown command exits 2" test "$rc" -eq 2

# 10. Password from the environment, and the wire log redacts SASL.
JINGLE_AGENT_PASSWORD=$(cat "$JA_TEST_STATE_DIR/alice.pass") "$JINGLE_AGENT" check --jid alice@localhost \
  --ca-file "$JA_TEST_CA_FILE" --server "$S" --log-xmpp >"$tmp/out" 2>"$tmp/wire"; rc=$?
check "JINGLE_AGENT_PASSWORD works" test "$rc" -eq 0
check "wire log shows stanzas" grep -q "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>" "$tmp/wire"
check "wire log redacts <auth/>" grep -qE "<auth .*\[[0-9]+ bytes redacted\]</auth>" "$tmp/wire"
# base64 of the SCRAM client-first's username part must not appear.
if grep -q "$(printf 'n=alice' | base64)" "$tmp/wire" || grep -q "$(cat "$JA_TEST_STATE_DIR/alice.pass")" "$tmp/wire"; then
  nok "no SASL payload or password in the wire log"; else ok "no SASL payload or password in the wire log"; fi

# 11. A config file supplies the account.
cat >"$tmp/conf" <<CONF
[account]
jid=alice@localhost
password-file=$JA_TEST_STATE_DIR/alice.pass
server=$S
ca-file=$JA_TEST_CA_FILE
CONF
"$JINGLE_AGENT" check --config "$tmp/conf" >"$tmp/out" 2>&1; rc=$?
check "--config FILE supplies the account" test "$rc" -eq 0

echo "1..$n"
[ "$failed" -eq 0 ]
