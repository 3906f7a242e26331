#!/usr/bin/env bash
# test-cli-call-flow.sh — one-way and no audio, as users meet them, said by
# both ends (a "media-flow" event, a line for people): a normal call says
# nothing; a one-way outage (the caller's RTP dropped on its send path for
# 6 s by the test hook JINGLE_AGENT_TEST_DROP_WINDOW, ICE and RTCP still
# going) makes the callee say "no audio received" after 3 s and "received
# again" when it comes back, while the caller, whose packets left it, says
# nothing; a dead microphone (a source that gives no audio) makes the
# caller say "no audio sent" and the callee "no audio received", and never
# "again". Accounts nora, owen: no other test uses them. TAP output; every
# wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
RES="flow-$$"
export JINGLE_AGENT_ICE_ADDRESSES=127.0.0.1
export XDG_DATA_HOME="$tmp/data"

start_answer() { # start_answer NAME ARGS...: owen answers nora; sets apid
  local nm=$1; shift
  start_cmd answer owen "$RES" "$nm" --no-server-services --from nora@localhost \
    --count 1 --audio test:880 "$@"
}
call() { # call NAME ARGS...: nora calls owen in the foreground; sets crc
  local name=$1; shift
  run_agent call nora --no-server-services --to "owen@localhost/$RES" "$@" \
    >"$tmp/$name.out" 2>"$tmp/$name.err"; crc=$?
}

# ---- a normal call: nothing to say ---------------------------------------
start_answer a1 || exit 1
apid1=$apid
call c1 --json --audio test:440 --duration 4
wait_rc "$apid1" 30; arc=$?
check "a normal call ends normally (caller $crc, callee $arc)" test "$crc" -eq 0 -a "$arc" -eq 0
check "the caller says nothing about media flow" json_has "$tmp/c1.out" 'not of("media-flow")'
check "nor does the callee" json_has "$tmp/a1.json" 'not of("media-flow")'

# ---- one way out for 6 s -----------------------------------------------------
start_answer a2 || exit 1
apid2=$apid
JINGLE_AGENT_TEST_DROP_WINDOW=1,6 call c2 --json --audio test:440 --duration 10
wait_rc "$apid2" 30; arc=$?
check "a call with a 6 s one-way outage ends normally (caller $crc, callee $arc)" \
  test "$crc" -eq 0 -a "$arc" -eq 0
check "the callee says no audio received, after 3 s" \
  json_has "$tmp/a2.json" '[(e["direction"], e["flowing"]) for e in of("media-flow")][:1] == [("receive", False)] and 3 <= of("media-flow")[0]["seconds"] < 4.5'
check "then that it is received again, after the outage (6 s)" \
  json_has "$tmp/a2.json" '[(e["direction"], e["flowing"]) for e in of("media-flow")] == [("receive", False), ("receive", True)] and 5.5 <= of("media-flow")[1]["seconds"] <= 7'
check "the caller, whose packets left it, says nothing" json_has "$tmp/c2.out" 'not of("media-flow")'

# ---- a dead microphone -------------------------------------------------------
start_answer a3 || exit 1
apid3=$apid
call c3 --audio "pipeline:audiotestsrc is-live=true ! identity drop-probability=1" \
  --duration 5 --media-engine gstreamer
wait_rc "$apid3" 30; arc=$?
check "a call from a source that gives nothing still ends normally (caller $crc, callee $arc)" \
  test "$crc" -eq 0 -a "$arc" -eq 0
check "the caller says, in a line, that it sent no audio for 3 s" \
  grep -Eq "^call: no audio sent for (3\.[0-9]|4\.[0-4]) s \(the source gives nothing\)" "$tmp/c3.out"
check "and never that it sent again" sh -c "! grep -q 'sent again' '$tmp/c3.out'"
check "the callee says it received none, and never again" \
  json_has "$tmp/a3.json" '[(e["direction"], e["flowing"]) for e in of("media-flow")] == [("receive", False)]'
sed 's/^/# /' "$tmp/c3.out"

echo "1..$n"
[ "$failed" -eq 0 ]
