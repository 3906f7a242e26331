#!/usr/bin/env bash
# test-cli-reconnect.sh — the XMPP server restarts under a running
# `answer` (a kiosk's night: the server's maintenance), against a Prosody of
# this test's own (tests/integration/servers.sh on its own ports: the shared
# one must not restart under the other tests): a call before; Prosody
# stopped, then started again on the same ports; `answer` says the
# connection was lost (a "connection-lost" event with the error and when it
# tries again) and that it is back ("reconnected", a new session: a
# restarted Prosody keeps no XEP-0198 state), without being restarted
# itself; a call after it, to the bare JID (which rings only the devices
# the new session announced), connects and ends normally, and `answer`
# exits 0 after the two. The same said in lines for people without --json. TAP
# output; every wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
here="$(cd "$(dirname "$0")" && pwd)"
RES="reconnect-$$"
export JINGLE_AGENT_ICE_ADDRESSES=127.0.0.1
export XDG_DATA_HOME="$tmp/data"

state="$tmp/servers"
if ! bash "$here/servers.sh" start "$state" >"$tmp/servers.out" 2>&1; then
  echo "1..1"; echo "not ok 1 - this test's own Prosody did not start"
  sed 's/^/# /' "$tmp/servers.out" | tail -5; exit 1
fi
stop_servers() { bash "$here/servers.sh" stop "$state" >/dev/null 2>&1; cleanup; }
trap stop_servers EXIT
# From here on acct() and start_cmd talk to this Prosody.
# shellcheck disable=SC1091
. "$state/env"

# restart_prosody: TERM, wait until it is gone, start it again on the same
# config and ports (as servers.sh does), wait until it listens.
restart_prosody() {
  local pid cfg="$state/prosody.cfg.lua"
  pid=$(cat "$state/servers.pid")
  kill -TERM "$pid"
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  sleep 1
  prosody -F --config "$cfg" </dev/null >>"$state/prosody.out" 2>&1 &
  echo $! >"$state/servers.pid"
  for _ in $(seq 1 $((100 * T))); do
    python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" \
      "$JA_TEST_C2S_PORT" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

# wait_for FILE PATTERN SECONDS
wait_for() {
  for _ in $(seq 1 $(($3 * 10 * T))); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

for mode in json text; do
  flag=--json; [ "$mode" = text ] && flag=
  # shellcheck disable=SC2046,SC2086
  "$JINGLE_AGENT" answer $(acct bob) --resource "$RES" $flag --no-server-services \
    --from alice@localhost --count 2 --audio test:880 --stats-interval 0 \
    >"$tmp/a-$mode.out" 2>"$tmp/a-$mode.err" &
  apid=$!; pids+=("$apid")
  wait_for "$tmp/a-$mode.out" 'ready\|answer: ready\|waiting' 10 || true
  sleep 0.5
  run_agent call alice --json --no-server-services --to "bob@localhost/$RES" \
    --audio test:440 --duration 1 >"$tmp/c1-$mode.json" 2>&1; c1=$?
  check "$mode: a call before the restart ends normally (rc=$c1)" test "$c1" -eq 0
  restart_prosody
  check "$mode: Prosody is back on the same port" test $? -eq 0
  if [ "$mode" = json ]; then
    wait_for "$tmp/a-$mode.out" '"event":"reconnected"' 40
    check "json: answer said the connection was lost, with why and when it tries again" \
      json_has "$tmp/a-$mode.out" 'of("connection-lost") and of("connection-lost")[0]["error"] and of("connection-lost")[0]["retry_in_ms"] >= 0'
    check "json: then that it reconnected, a new session (the server restarted)" \
      json_has "$tmp/a-$mode.out" 'len(of("reconnected")) == 1 and of("reconnected")[0]["resumed"] is False'
  else
    wait_for "$tmp/a-$mode.out" '^xmpp: reconnected' 40
    check "text: answer said, in lines, the connection lost and found again" \
      python3 - "$tmp/a-$mode.out" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
print("\n".join("# " + l for l in lines if l.startswith("xmpp:")))
lost = [i for i, l in enumerate(lines) if re.match(r"xmpp: connection lost \(.+\); trying again in [0-9.]+ s$", l)]
back = [i for i, l in enumerate(lines) if l == "xmpp: reconnected (a new session)"]
assert lost and back and lost[0] < back[0], (lost, back)
PY
  fi
  check "$mode: the same answer process is still running" kill -0 "$apid"
  # To the bare JID: it rings the devices the server knows to be there,
  # so the answer must have told the new session it is (presence, caps).
  run_agent call alice --json --no-server-services --to "bob@localhost" \
    --audio test:440 --duration 1 >"$tmp/c2-$mode.json" 2>&1; c2=$?
  check "$mode: a call to the bare JID after the restart rings it, connects and ends normally (rc=$c2)" test "$c2" -eq 0
  wait_rc "$apid" 30; arc=$?
  check "$mode: answer exits 0 after its two calls (rc=$arc)" test "$arc" -eq 0
done

echo "1..$n"
[ "$failed" -eq 0 ]
