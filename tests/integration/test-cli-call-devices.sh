#!/usr/bin/env bash
# test-cli-call-devices.sh — calls through sound devices, as a kiosk or a
# desk phone runs them, against a real PulseAudio started here (Debian's
# pulseaudio, its own socket under the test's temp dir, never the user's or
# the system's): two microphones (module-remap-source over the monitor of
# a null sink that paplay feeds a 660 or 550 Hz tone) and two speakers (null
# sinks, whose monitors parecord records). `devices` lists them with the option that names each and the
# defaults; a call from `--audio device:NAME` to an answer with
# `--sink device:NAME`: what the callee's speaker played peaks at the
# caller's 440 Hz, the caller hears the callee's microphone (660 Hz); plain
# `device` opens the defaults (set with pactl); a device that is not there
# fails at once with exit 7 in one line naming what there is (call and
# answer), before the peer is rung; a speaker unplugged while `answer` runs
# (the module unloaded) ends that call with a media error that names it and
# the next call, plugged back, goes through; `devices` without a sound
# server says none (exit 0); PulseAudio's @DEFAULT_SINK@ alias is taken
# as a NAME. Accounts kiosk, desk: no other test uses
# them. TAP output; every wait is bounded.
set -u
. "$(dirname "$0")/cli-lib.sh"
: "${WAV_PEAK:?path to the wav-peak tool}"
RES="dev-$$"
export JINGLE_AGENT_ICE_ADDRESSES=127.0.0.1
export XDG_DATA_HOME="$tmp/data"

for tool in pulseaudio pactl paplay parecord; do
  if ! command -v "$tool" >/dev/null; then
    echo "1..1"; echo "not ok 1 - $tool not installed (Debian: pulseaudio, pulseaudio-utils)"
    exit 1
  fi
done

# ---- a private PulseAudio ------------------------------------------------
pulse="$tmp/pulse"
mkdir -p "$pulse/home" "$pulse/run"
chmod 700 "$pulse/run"
export PULSE_SERVER="unix:$pulse/run/native"
# Clients neither look for the user's cookie nor start a daemon.
export HOME="$pulse/home" XDG_RUNTIME_DIR="$pulse/run" PULSE_RUNTIME_PATH="$pulse/run"
cat >"$pulse/default.pa" <<EOF
load-module module-native-protocol-unix socket=$pulse/run/native auth-anonymous=1
load-module module-null-sink sink_name=kiosk_mic_in sink_properties=device.description=Kiosk-mic-input
load-module module-remap-source master=kiosk_mic_in.monitor source_name=kiosk_mic source_properties=device.description=Kiosk-microphone
load-module module-null-sink sink_name=desk_mic_in sink_properties=device.description=Desk-mic-input
load-module module-remap-source master=desk_mic_in.monitor source_name=desk_mic source_properties=device.description=Desk-microphone
load-module module-null-sink sink_name=kiosk_speaker sink_properties=device.description=Kiosk-speaker
load-module module-null-sink sink_name=desk_speaker sink_properties=device.description=Desk-speaker
set-default-source kiosk_mic
set-default-sink kiosk_speaker
EOF
pulseaudio -n -F "$pulse/default.pa" --daemonize=no --exit-idle-time=-1 \
  --use-pid-file=no --disallow-exit --log-target=stderr 2>"$pulse/log" &
pids+=($!)
for _ in $(seq 1 $((50 * T))); do
  pactl info >/dev/null 2>&1 && break
  sleep 0.1
done
if ! pactl info >/dev/null 2>&1; then
  echo "1..1"; echo "not ok 1 - the test's PulseAudio did not start"
  sed 's/^/# /' "$pulse/log" | tail -5; exit 1
fi

# What the microphones hear: a tone each, for longer than the test runs
# (module-sine-source would be simpler, but pulsesrc gets no data from it).
python3 - "$pulse" <<'PY'
import math, struct, sys, wave
for name, hz in (("kiosk", 660), ("desk", 550)):
    second = b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * hz * i / 48000)))
                      for i in range(48000))
    w = wave.open("%s/%s.wav" % (sys.argv[1], name), "wb")
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(48000)
    w.writeframes(second * 120)   # 2 min: longer than the test runs
    w.close()
PY
for who in kiosk desk; do
  paplay --device="${who}_mic_in" "$pulse/$who.wav" &
  pids+=($!)
done

start_answer() { # start_answer RESOURCE NAME ARGS...: kiosk answers desk; sets apid
  local r=$1 nm=$2; shift 2
  start_cmd answer kiosk "$r" "$nm" --no-server-services --from desk@localhost "$@"
}
call() { # call NAME ARGS...: desk calls in the foreground; sets crc
  local name=$1; shift
  run_agent call desk --json --no-server-services "$@" \
    >"$tmp/$name.json" 2>"$tmp/$name.err"; crc=$?
}
# record NAME SINK: what SINK plays, into $tmp/NAME.wav; sets rpid
# (a short latency: parecord drops what it buffered, up to 2 s by default,
# when it is stopped). A null sink's monitor delivers less than real time
# while nothing plays (5 s recorded as 3 s here), so a recording's length
# says little; its sound, while the call plays, is what is checked.
record() {
  parecord --latency-msec=20 --device="$2.monitor" --file-format=wav "$tmp/$1.wav" &
  rpid=$!; pids+=("$rpid")
}
stop_record() { sleep 0.3; kill -INT "$rpid" 2>/dev/null; wait_rc "$rpid" 10 >/dev/null; }
# sounding FILE SECONDS: FILE has sound (RMS over 0.05 of full scale) in at
# least SECONDS of its 100 ms blocks: a speaker that played the call, not
# a burst and then nothing (what the microphone clock did: 0.6 s of a 4 s call, 1.8 of 6).
sounding() {
  python3 - "$1" "$2" <<'PY'
import math, struct, sys, wave
w = wave.open(sys.argv[1]); rate, ch = w.getframerate(), w.getnchannels()
x = struct.unpack("<%dh" % (w.getnframes() * ch), w.readframes(w.getnframes()))[::ch]
blk = rate // 10
loud = sum(1 for b in range(0, len(x) - blk + 1, blk)
           if math.sqrt(sum(v * v for v in x[b:b + blk]) / blk) > 0.05 * 32768)
print("# %s: sound in %.1f s of %.1f s" % (sys.argv[1].split("/")[-1], loud / 10, len(x) / rate))
sys.exit(0 if loud / 10 >= float(sys.argv[2]) else 1)
PY
}

# ---- devices: what there is, and the option that names it ----------------
"$JINGLE_AGENT" devices --json >"$tmp/devices.json" 2>"$tmp/devices.err"; rc=$?
check "devices exits 0 (rc=$rc)" test "$rc" -eq 0
check "devices lists both microphones and both speakers, the options that name them, the defaults" \
  python3 - "$tmp/devices.json" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
d = {(e["kind"], e["name"]): e for e in ev if e["event"] == "device"}
print("# %s" % sorted(d))
for k in [("audio-source", "kiosk_mic"), ("audio-source", "desk_mic"),
          ("audio-sink", "kiosk_speaker"), ("audio-sink", "desk_speaker")]:
    assert k in d, k
assert d[("audio-source", "kiosk_mic")]["option"] == "--audio device:kiosk_mic"
assert d[("audio-sink", "desk_speaker")]["option"] == "--sink device:desk_speaker"
assert d[("audio-source", "kiosk_mic")]["default"] and not d[("audio-source", "desk_mic")]["default"]
assert d[("audio-sink", "kiosk_speaker")]["default"] and not d[("audio-sink", "desk_speaker")]["default"]
assert d[("audio-sink", "kiosk_speaker")]["description"] == "Kiosk-speaker"
assert ev[-1] == {"event": "done", "count": len(d)}, ev[-1]
PY
"$JINGLE_AGENT" devices --kind audio-sink >"$tmp/devices.txt" 2>&1
check "devices --kind audio-sink, for people: one line a sink, its option and name" \
  python3 - "$tmp/devices.txt" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
print("\n".join("# " + l for l in lines))
assert any("--sink device:kiosk_speaker" in l and "Kiosk-speaker (default)" in l for l in lines)
assert all(l.startswith("audio-sink ") for l in lines), lines
PY

# ---- named devices both ways ---------------------------------------------
record spk1 kiosk_speaker
start_answer "$RES" k1 --count 1 --audio device:kiosk_mic \
  --sink device:kiosk_speaker --record "$tmp/k1.wav" || exit 1
kpid=$apid
call d1 --to "kiosk@localhost/$RES" --audio test:440 --record "$tmp/d1.wav" \
  --duration 6
wait_rc "$kpid" 30; krc=$?
stop_record
check "a call from a test source to an answer on named devices ends normally (caller $crc, callee $krc)" \
  test "$crc" -eq 0 -a "$krc" -eq 0
check "the device call ran the GStreamer engine (a device is not a native source)" \
  json_has "$tmp/k1.json" 'of("connected")[0]["audio_engine"] == "gstreamer"'
check "the kiosk's speaker played the caller's 440 Hz" peak "$tmp/spk1.wav" 440
check "through the call, not a burst (sound in >= 3.5 s of the 6 s)" sounding "$tmp/spk1.wav" 3.5
check "the caller heard the kiosk's microphone (660 Hz)" peak "$tmp/d1.wav" 660
check "the kiosk's own recording of the call peaks at 440 Hz" peak "$tmp/k1.wav" 440

# ---- plain `device`: the defaults ----------------------------------------
pactl set-default-source desk_mic
pactl set-default-sink desk_speaker
record spk2 desk_speaker
start_answer "$RES" k2 --count 1 --audio test:880 --record "$tmp/k2.wav" || exit 1
kpid=$apid
call d2 --to "kiosk@localhost/$RES" --audio device --sink device --duration 6
wait_rc "$kpid" 30; krc=$?
stop_record
check "a call from the default microphone to the default speaker ends normally (caller $crc, callee $krc)" \
  test "$crc" -eq 0 -a "$krc" -eq 0
check "the default speaker (desk_speaker) played the callee's 880 Hz" peak "$tmp/spk2.wav" 880
check "through the call, not a burst" sounding "$tmp/spk2.wav" 3.5
check "the callee heard the default microphone (desk_mic, 550 Hz)" peak "$tmp/k2.wav" 550

# ---- a device that is not there -------------------------------------------
start_answer "$RES" k3 --count 2 --sink device:kiosk_speaker || exit 1
kpid=$apid
call d3 --to "kiosk@localhost/$RES" --audio device:no_such_mic --duration 2
check "a call from a microphone that is not there exits 7 (rc=$crc)" test "$crc" -eq 7
check "in one line that names it and the microphones there are" \
  python3 - "$tmp/d3.err" <<'PY'
import sys
err = open(sys.argv[1]).read().strip().splitlines()
print("# " + " | ".join(err))
assert len(err) == 1, err
assert "--audio device:no_such_mic" in err[0] and "kiosk_mic" in err[0] and "desk_mic" in err[0], err
PY
check "and as an error event with exit code 7" \
  json_has "$tmp/d3.json" 'of("error")[0]["exit_code"] == 7 and "no_such_mic" in of("error")[0]["message"] and not of("connected")'
check "the callee was never rung" json_has "$tmp/k3.json" 'not of("incoming")'
run_agent answer kiosk --json --no-server-services --sink device:no_such_speaker \
  >"$tmp/k4.json" 2>"$tmp/k4.err"; rc=$?
check "answer with a speaker that is not there exits 7 at once (rc=$rc)" test "$rc" -eq 7
check "saying which speakers there are" grep -q 'no audio-sink "no_such_speaker" (there are: .*kiosk_speaker' "$tmp/k4.err"

# ---- a speaker unplugged while answer runs, plugged back ------------------
# k3 (--count 2, --sink device:kiosk_speaker) is still waiting.
module=$(pactl list short modules | awk '$2 == "module-null-sink" && /sink_name=kiosk_speaker/ { print $1 }')
pactl unload-module "$module"
call d5 --to "kiosk@localhost/$RES" --audio test:440 --duration 2
check "a call to a kiosk whose speaker is gone fails as a media failure (rc=$crc)" test "$crc" -eq 7
check "the callee ended it with media-error, naming the missing speaker" \
  json_has "$tmp/k3.json" 'of("ended")[0]["reason"] == "media-error" and "kiosk_speaker" in of("ended")[0]["text"]'
check "the caller was told why" \
  json_has "$tmp/d5.json" 'of("ended")[0]["reason"] == "media-error" and "kiosk_speaker" in of("ended")[0]["text"]'
pactl load-module module-null-sink sink_name=kiosk_speaker >/dev/null
record spk6 kiosk_speaker
call d6 --to "kiosk@localhost/$RES" --audio test:440 --duration 3
wait_rc "$kpid" 30; krc=$?
stop_record
check "plugged back, the same answer process takes the next call (caller $crc)" test "$crc" -eq 0
check "and its speaker plays it (440 Hz)" peak "$tmp/spk6.wav" 440
check "answer exits after its 2 calls, 7 for the one that failed (rc=$krc)" test "$krc" -eq 7

# ---- PulseAudio's alias for the default ----------------------------------
# (desk_speaker is still the default sink)
record spk7 desk_speaker
start_answer "$RES" k7 --count 1 --sink device:@DEFAULT_SINK@ || exit 1
kpid=$apid
call d7 --to "kiosk@localhost/$RES" --audio test:440 --duration 3
wait_rc "$kpid" 30; krc=$?
stop_record
check "--sink device:@DEFAULT_SINK@ is taken (caller $crc, callee $krc)" \
  test "$crc" -eq 0 -a "$krc" -eq 0
check "and plays on the default speaker (440 Hz)" peak "$tmp/spk7.wav" 440

# ---- no sound server ---------------------------------------------------------
PULSE_SERVER="unix:$tmp/nowhere" "$JINGLE_AGENT" devices >"$tmp/none.txt" 2>&1; rc=$?
check "devices without a sound server exits 0 (rc=$rc) and says none was found" \
  sh -c "test $rc -eq 0 && grep -q 'none found' '$tmp/none.txt'"

echo "1..$n"
[ "$failed" -eq 0 ]
