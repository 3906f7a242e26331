#!/usr/bin/env bash
# test-serverless-netns.sh — two agents on two hosts with no server
# anywhere: two network namespaces made here, joined by a veth pair
# (10.231.0.1/24 and 10.231.0.2/24, no default route, nothing else), torn
# down in the EXIT trap even when a step fails. Bob runs `receive --listen`
# in one, alice `send --peer` in the other: a file crosses over TLS with
# both certificates recorded on first contact, over SOCKS5 (direct
# candidates on the veth addresses) and then over IBB; then bob answers a
# call from alice (ICE on the veth addresses, DTLS-SRTP, 440 Hz heard by
# bob, checked with wav-peak). Needs root and
# iproute2; without them the test fails (it never skips). TAP output.
set -u
JA_TEST_SERVERLESS=1
. "$(dirname "$0")/cli-lib.sh"

NS_A="ja-sl-a-$$" NS_B="ja-sl-b-$$" VA="jsa$$" VB="jsb$$"
IP_A=10.231.0.1 IP_B=10.231.0.2
teardown() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  ip netns del "$NS_A" 2>/dev/null
  ip netns del "$NS_B" 2>/dev/null
}
trap 'teardown; cleanup' EXIT

setup() {
  ip netns add "$NS_A" && ip netns add "$NS_B" \
    && ip link add "$VA" type veth peer name "$VB" \
    && ip link set "$VA" netns "$NS_A" && ip link set "$VB" netns "$NS_B" \
    && ip -n "$NS_A" addr add "$IP_A/24" dev "$VA" \
    && ip -n "$NS_B" addr add "$IP_B/24" dev "$VB" \
    && ip -n "$NS_A" link set "$VA" up && ip -n "$NS_B" link set "$VB" up \
    && ip -n "$NS_A" link set lo up && ip -n "$NS_B" link set lo up
}
if ! setup 2>"$tmp/setup.err"; then
  nok "two namespaces joined by a veth pair" "$(cat "$tmp/setup.err")" \
    "(needs root and iproute2)"
  echo "1..$n"; exit 1
fi
ok "two namespaces joined by a veth pair"
check "no default route in either namespace (no server reachable)" eval \
  '! ip -n "$NS_A" route | grep -q default && ! ip -n "$NS_B" route | grep -q default'
# The veth may take a moment to come up (bounded wait).
for _ in $(seq 1 50); do
  ip -n "$NS_A" link show "$VA" | grep -q LOWER_UP \
    && ip -n "$NS_B" link show "$VB" | grep -q LOWER_UP && break
  sleep 0.1
done

A="$tmp/alice" B="$tmp/bob"
mkdir -p "$A" "$B" "$tmp/src" "$tmp/in"
head -c 2097152 /dev/urandom >"$tmp/src/two.bin"
head -c 200000 /dev/urandom >"$tmp/src/ibb.bin"

# in_ns NS DATA S5B-ADDRESS CMD...: run the agent inside NS.
in_ns() {
  local ns=$1 data=$2 addr=$3; shift 3
  ip netns exec "$ns" env XDG_DATA_HOME="$data" \
    JINGLE_AGENT_S5B_ADDRESSES="$addr" "$JINGLE_AGENT" "$@"
}
listen_b() { # listen_b NAME ARGS...: bob's receive --listen in NS_B
  local name=$1; shift
  in_ns "$NS_B" "$B" "$IP_B" receive --listen "$IP_B:0" --jid bob@netns.test \
    --json "$@" >"$tmp/$name.json" 2>"$tmp/$name.err" &
  lpid=$!; pids+=("$lpid"); lport=""
  for _ in $(seq 1 $((100 * T))); do
    lport=$(grep '"event":"listening"' "$tmp/$name.json" 2>/dev/null \
      | sed -n 's/.*"address":"[^"]*:\([0-9]*\)".*/\1/p')
    [ -n "$lport" ] && return 0
    kill -0 "$lpid" 2>/dev/null || break
    sleep 0.1
  done
  nok "bob listens in $NS_B" "$(cat "$tmp/$name.err")"
  return 1
}

# 1. SOCKS5 (direct candidates on the veth addresses), first contact.
if listen_b r1 --dir "$tmp/in" --count 1; then
  timeout $((60 * T)) ip netns exec "$NS_A" env XDG_DATA_HOME="$A" \
    JINGLE_AGENT_S5B_ADDRESSES="$IP_A" "$JINGLE_AGENT" send --jid alice@netns.test \
    --peer "$IP_B:$lport" --transport s5b "$tmp/src/two.bin" \
    >"$tmp/s1.out" 2>"$tmp/s1.err"; rc=$?
  wait_rc "$lpid" 30; rrc=$?
  check "across namespaces over SOCKS5: send exits 0" [ "$rc" -eq 0 ]
  check "across namespaces over SOCKS5: receive exits 0" [ "$rrc" -eq 0 ]
  check "the file crossed intact" cmp -s "$tmp/src/two.bin" "$tmp/in/two.bin"
  check "it went over SOCKS5" grep -q "over s5b" "$tmp/s1.out"
  check "alice came from her namespace's address" grep -q "\"address\":\"$IP_A:" "$tmp/r1.json"
  check "alice recorded bob's certificate under $IP_B:$lport" \
    grep -q "^$IP_B:$lport [0-9a-f]\{64\}$" "$A/jingle-agent/known_peers"
  check "bob recorded alice's certificate" \
    grep -q "^alice@netns.test [0-9a-f]\{64\}$" "$B/jingle-agent/known_peers"
else
  nok "across namespaces over SOCKS5" "bob did not listen"
fi

# 2. IBB over the same direct stream, the certificates now known.
if listen_b r2 --dir "$tmp/in" --count 1; then
  timeout $((60 * T)) ip netns exec "$NS_A" env XDG_DATA_HOME="$A" \
    JINGLE_AGENT_S5B_ADDRESSES="$IP_A" "$JINGLE_AGENT" send --jid alice@netns.test \
    --peer "$IP_B:$lport" --transport ibb "$tmp/src/ibb.bin" \
    >"$tmp/s2.out" 2>"$tmp/s2.err"; rc=$?
  wait_rc "$lpid" 30; rrc=$?
  check "across namespaces over IBB: both exit 0" eval '[ "$rc" -eq 0 ] && [ "$rrc" -eq 0 ]'
  check "the IBB file crossed intact" cmp -s "$tmp/src/ibb.bin" "$tmp/in/ibb.bin"
else
  nok "across namespaces over IBB" "bob did not listen"
fi

# A call across the namespaces: bob answers in NS_B, alice calls from NS_A;
# ICE host candidates on the veth addresses only, DTLS-SRTP, Opus tones.
in_ns "$NS_B" "$B" "$IP_B" answer --listen "$IP_B:0" --jid bob@netns.test \
  --count 1 --ice-address "$IP_B" --audio test:660 --record "$tmp/bob.wav" \
  --json >"$tmp/a1.json" 2>"$tmp/a1.err" &
apid=$!; pids+=("$apid"); lport=""
for _ in $(seq 1 $((100 * T))); do
  lport=$(grep '"event":"listening"' "$tmp/a1.json" 2>/dev/null \
    | sed -n 's/.*"address":"[^"]*:\([0-9]*\)".*/\1/p')
  [ -n "$lport" ] && break
  sleep 0.1
done
if [ -n "$lport" ]; then
  timeout $((60 * T)) ip netns exec "$NS_A" env XDG_DATA_HOME="$A" \
    "$JINGLE_AGENT" call --jid alice@netns.test --peer "$IP_B:$lport" \
    --ice-address "$IP_A" --audio test:440 --duration 2 --json \
    >"$tmp/c1.json" 2>"$tmp/c1.err"; rc=$?
  wait_rc "$apid" 30; arc=$?
  check "a call across namespaces: both exit 0 (call $rc, answer $arc)" \
    eval '[ "$rc" -eq 0 ] && [ "$arc" -eq 0 ]'
  check "the call's pair joins the two veth addresses, SRTP keyed" \
    python3 - "$tmp/c1.json" "$IP_A" "$IP_B" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
c = [e for e in ev if e["event"] == "connected"][0]
print("# %s <-> %s, %s, setup %d ms" % (c["local_candidate"], c["remote_candidate"],
      c["srtp_profile"], c["setup_ms"]))
assert sys.argv[2] in c["local_candidate"] and sys.argv[3] in c["remote_candidate"]
assert c["srtp_profile"].startswith("SRTP_")
PY
  if [ -n "${WAV_PEAK:-}" ]; then
    out=$("$WAV_PEAK" "$tmp/bob.wav" 2>&1)
    echo "# bob.wav: $out"
    check "bob heard alice's 440 Hz across the namespaces" \
      python3 -c "import re,sys; o=sys.argv[1]; f=float(re.search(r'frequency=([0-9.]+)',o).group(1)); s=float(re.search(r'share=([0-9.]+)',o).group(1)); sys.exit(0 if abs(f-440)<=5 and s>=0.5 else 1)" "$out"
  else
    nok "bob heard alice's 440 Hz across the namespaces" "WAV_PEAK not set"
  fi
else
  nok "a call across namespaces" "bob did not listen: $(cat "$tmp/a1.err")"
fi


teardown
check "the namespaces are gone" eval \
  '! ip netns list | grep -q -e "$NS_A" -e "$NS_B"'
echo "1..$n"
[ "$failed" -eq 0 ]
