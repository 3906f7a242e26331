#!/usr/bin/env bash
# test-cli-turn-tls.sh — `jingle-agent call` / `answer` with only a TURN relay
# over TLS allowed (--relay-only --turn HOST:PORT --turn-transport tls) through
# the test coturn's TLS port (env from tests/integration/servers.sh): the
# certificate is checked against the test CA (--ca-file, the default for
# --turn-ca), the call connects through relay candidates on both sides; with
# --turn-ca naming a CA that did not sign coturn's certificate the caller
# gathers no relay candidate, says why (not trusted) and exits 7. Accounts
# tina and ted: no other test uses them. TAP output; every wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
RES="turn-tls-$$"
export JINGLE_AGENT_ICE_ADDRESSES=127.0.0.1
export XDG_DATA_HOME="$tmp/data"

# coturn's use-auth-secret: username <expiry>, password
# base64(HMAC-SHA1(secret, username)).
turn_user=$(( $(date +%s) + 3600 ))
turn_pass=$(printf '%s' "$turn_user" |
  openssl dgst -sha1 -hmac "$(cat "$JA_TEST_TURN_SECRET_FILE")" -binary | base64)
TLS_TURN=(--no-server-services --relay-only
  --turn "$JA_TEST_TURN_HOST:$JA_TEST_TURNS_PORT" --turn-transport tls
  --turn-user "$turn_user" --turn-password "$turn_pass")

start_answer() { # start_answer USER NAME ARGS...: sets apid
  local u=$1 nm=$2; shift 2
  start_cmd answer "$u" "$RES" "$nm" "$@"
}

# ---- relay-only through TURN over TLS, test CA ---------------------------
start_answer ted a1 --from tina@localhost --count 1 "${TLS_TURN[@]}" || exit 1
apid1=$apid
run_agent call tina --json --to "ted@localhost/$RES" --duration 2 \
  "${TLS_TURN[@]}" >"$tmp/c1.json" 2>"$tmp/c1.err"; crc=$?
wait_rc "$apid1" 30; arc=$?
check "a relay-only call over TURN/TLS connects (caller $crc, callee $arc)" \
  test "$crc" -eq 0 -a "$arc" -eq 0
check "the caller's pair is relay and media flowed" \
  json_has "$tmp/c1.json" 'of("connected")[0]["candidate_type"] == "relay" and of("ended")[0]["packets_received"] > 20'
check "the callee's pair is relay and media flowed" \
  json_has "$tmp/a1.json" 'of("connected")[0]["candidate_type"] == "relay" and of("ended")[0]["packets_received"] > 20'

# ---- a CA that did not sign coturn's certificate -------------------------
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
  -nodes -keyout "$tmp/other.key" -out "$tmp/other-ca.pem" -days 1 \
  -subj "/CN=not the test CA" 2>/dev/null
start_answer ted a2 --from tina@localhost --count 1 "${TLS_TURN[@]}" || exit 1
apid2=$apid
run_agent call tina --json --to "ted@localhost/$RES" --duration 2 \
  "${TLS_TURN[@]}" --turn-ca "$tmp/other-ca.pem" \
  >"$tmp/c2.json" 2>"$tmp/c2.err"; crc=$?
kill "$apid2" 2>/dev/null; wait "$apid2" 2>/dev/null
check "with a CA that does not match, the caller exits 7 (rc=$crc)" \
  test "$crc" -eq 7
check "and says the TURN server's certificate is not trusted" \
  grep -q "turn-tls.*not trusted" "$tmp/c2.err"

echo "1..$n"
[ "$failed" -eq 0 ]
