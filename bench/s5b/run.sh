#!/usr/bin/env bash
# run.sh — S5B file transfer benchmark: one file of random data (1024 MiB by
# default) from alice to bob with `jingle-agent send --transport s5b` /
# `receive` through a private Prosody on loopback (tests/integration/servers.sh,
# started and stopped here; JINGLE_AGENT_S5B_ADDRESSES=127.0.0.1 so the direct
# candidate is 127.0.0.1), beside two baselines on the same file in the same
# run: socat file to file over loopback TCP (-b131072), and bench-tcp-sha256
# (loopback TCP to a thread that hashes with SHA-256 while writing the copy).
# Prints MB/s of each and the ratios; every copy is checked with cmp.
# Run on demand only, never as a timed test.
#
#   bench/s5b/run.sh [--sparse-5g] [BUILD_DIR] [SIZE_MIB]   (defaults: build 1024)
#
# --sparse-5g also sends a sparse 5 GiB file (random 64 KiB blocks at 0,
# 4 GiB-1, 4 GiB+4096 and the end) over s5b and checks it with cmp + sha256.
# Needs free space on $TMPDIR for the copies (about 2 x SIZE_MIB; the sparse
# copy is written in full by the receiver: 5 GiB more).
set -euo pipefail

sparse=0
args=()
for a in "$@"; do
  case "$a" in
    --sparse-5g) sparse=1 ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) args+=("$a") ;;
  esac
done
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="${args[0]:-build}"
mib="${args[1]:-1024}"
case "$build" in /*) ;; *) build="$root/$build" ;; esac
agent="$build/agent/jingle-agent"
tcpsha="$build/bench/bench-tcp-sha256"

ninja -C "$build" agent/jingle-agent bench/bench-tcp-sha256 >/dev/null

tmp=$(mktemp -d)
rpid=
socat_pid=
cleanup() {
  [ -n "$rpid" ] && kill "$rpid" 2>/dev/null || true
  [ -n "$socat_pid" ] && kill "$socat_pid" 2>/dev/null || true
  bash "$root/tests/integration/servers.sh" stop "$tmp/srv" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

bash "$root/tests/integration/servers.sh" start "$tmp/srv" >/dev/null
# shellcheck disable=SC1091
. "$tmp/srv/env"
export JINGLE_AGENT_S5B_ADDRESSES=127.0.0.1
acct() {
  echo "--jid $1@localhost --password-file $JA_TEST_STATE_DIR/$1.pass" \
    "--ca-file $JA_TEST_CA_FILE --server 127.0.0.1:$JA_TEST_C2S_PORT"
}

# random_bytes N: N bytes of AES-CTR keystream (random key), fast.
# openssl ends on SIGPIPE when head has enough: not a failure here.
random_bytes() {
  (set +o pipefail
   openssl enc -aes-128-ctr -nosalt -K "$(openssl rand -hex 16)" \
     -iv "$(openssl rand -hex 16)" -in /dev/zero 2>/dev/null | head -c "$1")
}

now() { date +%s.%N; }

# s5b_send FILE NAME: bob receives FILE from alice over s5b into $tmp/NAME/;
# the receiver's events go to $tmp/NAME.json, each line prefixed with the
# wall time it was read; sets t_send (just before `send` started).
s5b_send() {
  local file=$1 name=$2
  mkdir -p "$tmp/$name"
  # shellcheck disable=SC2046
  "$agent" receive $(acct bob) --json --dir "$tmp/$name" --from alice@localhost \
    --count 1 2>"$tmp/$name.err" |
    python3 -u -c '
import sys, time
for l in sys.stdin:
    sys.stdout.write("%.6f %s" % (time.time(), l)); sys.stdout.flush()' \
    >"$tmp/$name.json" &
  rpid=$!
  for _ in $(seq 300); do
    grep -q '"event":"ready"' "$tmp/$name.json" 2>/dev/null && break
    kill -0 "$rpid" 2>/dev/null || { cat "$tmp/$name.err" >&2; exit 1; }
    sleep 0.05
  done
  t_send=$(now)
  # shellcheck disable=SC2046
  "$agent" send $(acct alice) --transport s5b --json \
    --to bob@localhost "$file" >"$tmp/$name.send.json" 2>"$tmp/$name.send.err" ||
    { echo "send failed:" >&2; tail -5 "$tmp/$name.send.err" "$tmp/$name.err" >&2; exit 1; }
  wait "$rpid" || { echo "receive failed:" >&2; tail -5 "$tmp/$name.err" >&2; exit 1; }
  rpid=
}

# event_times NAME: "SECONDS MBPS TRANSPORT CANDIDATE FIRST_EVENT_AFTER_READY
# T_FIRST T_VERIFIED" from the receiver's timestamped JSON.
event_times() {
  python3 - "$tmp/$1.json" "$tmp/$1.send.json" <<'PY'
import json, sys
ev = []
for l in open(sys.argv[1]):
    t, j = l.split(" ", 1)
    ev.append((float(t), json.loads(j)))
v = [(t, e) for t, e in ev if e.get("event") == "verified"]
assert len(v) == 1, ev
tv, e = v[0]
after = [(t, x) for t, x in ev if x.get("event") not in ("ready",)]
t0, first = after[0]
cand = "-"
for l in open(sys.argv[2]):
    x = json.loads(l)
    if x.get("event") == "transport":
        cand = x.get("candidate", "-")
print(e["seconds"], e["mbps"], e.get("transport"), cand, first["event"], t0, tv,
      e.get("sha256"))
PY
}

bytes=$((mib * 1048576))
echo "generating $mib MiB of random data..." >&2
random_bytes "$bytes" >"$tmp/file.bin"
[ "$(stat -c %s "$tmp/file.bin")" -eq "$bytes" ] || { echo "could not make the file" >&2; exit 1; }
# Warm the page cache so every run reads from memory; before each run,
# sync so that no run pays for the previous one's writeback.
cat "$tmp/file.bin" >/dev/null

# 1. jingle-agent over s5b.
sync
s5b_send "$tmp/file.bin" s5b
cmp "$tmp/file.bin" "$tmp/s5b/file.bin" || { echo "s5b: the received file differs" >&2; exit 1; }
read -r ja_secs ja_mbps ja_tp ja_cand ja_first ja_t0 ja_tv _ < <(event_times s5b)
rm -f "$tmp/s5b/file.bin"
sync

# 2. socat, file to file over loopback TCP.
socat_line=
if command -v socat >/dev/null 2>&1; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  socat -u -b131072 "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr" "CREATE:$tmp/socat.out" &
  socat_pid=$!
  # Listening (state 0A in /proc/net/tcp) before the clock starts.
  hexport=$(printf ':%04X' "$port")
  for _ in $(seq 250); do
    awk -v p="$hexport" '$2 ~ p"$" && $4 == "0A" { f = 1 } END { exit !f }' /proc/net/tcp && break
    sleep 0.02
  done
  s0=$(now)
  socat -u -b131072 "OPEN:$tmp/file.bin,rdonly" "TCP:127.0.0.1:$port"
  wait "$socat_pid"; socat_pid=
  s1=$(now)
  cmp "$tmp/file.bin" "$tmp/socat.out" || { echo "socat: the copy differs" >&2; exit 1; }
  rm -f "$tmp/socat.out"
  sync
  socat_line="$s0 $s1"
else
  echo "socat: not installed, baseline skipped (install it with: sudo apt-get install socat)"
fi

# 3. Plain C: loopback TCP to a thread that hashes (SHA-256) and writes.
read -r _ _ tcp_secs _ tcp_mbps _ _ tcp_sha < <("$tcpsha" "$tmp/file.bin" "$tmp/tcp.out")
cmp "$tmp/file.bin" "$tmp/tcp.out" || { echo "bench-tcp-sha256: the copy differs" >&2; exit 1; }
rm -f "$tmp/tcp.out"

python3 - "$bytes" "$ja_secs" "$ja_mbps" "$ja_tp" "$ja_cand" "$ja_first" "$ja_t0" \
  "$ja_tv" "$t_send" "$tcp_secs" "$tcp_mbps" "$socat_line" <<'PY'
import sys
(bytes_, secs, mbps, tp, cand, first, t0, tv, tsend, tcp_secs, tcp_mbps,
 socat) = sys.argv[1:]
bytes_ = int(bytes_); secs = float(secs)
ja = bytes_ / secs / 1e6
print(f"S5B via Prosody on loopback: {bytes_ / 1048576:.0f} MiB of random data")
print(f"  jingle-agent {ja:9.1f} MB/s  ({tp}/{cand}; {secs:.2f} s accepted to verified, "
      f"agent says {float(mbps):.1f} MB/s)")
print(f"               {bytes_ / (float(tv) - float(t0)) / 1e6:9.1f} MB/s  "
      f"({float(tv) - float(t0):.2f} s wall, receiver's '{first}' event to 'verified'; "
      f"{float(tv) - float(tsend):.2f} s from starting send)")
if socat:
    s0, s1 = map(float, socat.split())
    so = bytes_ / (s1 - s0) / 1e6
    print(f"  socat        {so:9.1f} MB/s  ({s1 - s0:.2f} s, file to file, loopback TCP, -b131072)")
tcp = float(tcp_mbps)
print(f"  TCP+SHA-256  {tcp:9.1f} MB/s  ({float(tcp_secs):.2f} s, bench-tcp-sha256: "
      "loopback TCP, gnutls SHA-256, write to disk)")
if socat:
    print(f"  ratio        {ja / so:9.3f}       jingle-agent / socat")
print(f"  ratio        {ja / tcp:9.3f}       jingle-agent / TCP+SHA-256")
print("  all copies identical (cmp)")
PY

# 4. Optional: a sparse 5 GiB file, data around the 4 GiB mark and the end.
if [ "$sparse" = 1 ]; then
  rm -f "$tmp/file.bin"
  sp="$tmp/sparse.bin"
  truncate -s 5G "$sp"
  for off in 0 $((4 * 1073741824 - 1)) $((4 * 1073741824 + 4096)) $((5 * 1073741824 - 65536)); do
    random_bytes 65536 | dd of="$sp" bs=65536 seek="$off" oflag=seek_bytes conv=notrunc status=none
  done
  [ "$(stat -c %s "$sp")" -eq $((5 * 1073741824)) ] ||
    { echo "sparse file: wrong size $(stat -c %s "$sp")" >&2; exit 1; }
  want=$(sha256sum "$sp" | cut -d' ' -f1)
  sync
  s5b_send "$sp" sparse
  read -r sp_secs _ sp_tp sp_cand _ _ _ sp_sha < <(event_times sparse)
  got=$(sha256sum "$tmp/sparse/sparse.bin" | cut -d' ' -f1)
  cmp "$sp" "$tmp/sparse/sparse.bin" || { echo "sparse 5 GiB: the received file differs" >&2; exit 1; }
  [ "$got" = "$want" ] && [ "$sp_sha" = "$want" ] ||
    { echo "sparse 5 GiB: sha256 mismatch (want $want, file $got, agent $sp_sha)" >&2; exit 1; }
  echo "Sparse 5 GiB over $sp_tp/$sp_cand: identical (cmp), sha256 $want, $sp_secs s," \
    "$(python3 -c "print('%.1f' % (5 * 1073741824 / $sp_secs / 1e6))") MB/s"
fi
