#!/usr/bin/env bash
# Start/stop the servers the integration tests talk to: one Prosody and one
# coturn (TURN) on loopback.
#
#   tests/integration/servers.sh start STATE_DIR   # prints nothing on success but a summary
#   tests/integration/servers.sh stop  STATE_DIR
#
# start: picks free loopback ports, makes a test CA and a certificate for
# localhost (+ proxy.localhost, 127.0.0.1), writes STATE_DIR/prosody.cfg.lua from
# prosody.cfg.lua.in, registers alice, bob, carol, dave, erin, frank, grace,
# heidi, ivan, judy, peggy, victor, xena, yuri, tina, ted, rita, sam, quinn, wendy, uma, walt,
# kate, leo, bria, otto, kiosk, desk, lobby, visitor, nora and owen (passwords in
# STATE_DIR/USER.pass), starts Prosody in the background, writes
# STATE_DIR/turnserver.conf from turnserver.conf.in and starts coturn (its own
# process, never the system service; pid in STATE_DIR/turn.pid), waits for their
# ports and writes STATE_DIR/env (source it: JA_TEST_* variables).
# stop: ends that Prosody and that coturn (TERM, then KILL after 5 s) by their
# recorded pids, nothing else.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
template="$here/prosody.cfg.lua.in"
turn_template="$here/turnserver.conf.in"
users=(alice bob carol dave erin frank grace heidi ivan judy peggy victor xena yuri tina ted rita sam
  quinn wendy uma walt kate leo bria otto kiosk desk lobby visitor nora owen)
domain=localhost
start_timeout=20

die() { echo "servers.sh: $*" >&2; exit 1; }

usage() { echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }

# Print N distinct ports that are free for TCP (and UDP) on 127.0.0.1 and ::1.
# Chosen below the kernel's ephemeral range so outgoing connections don't take them.
pick_ports() {
  python3 - "$1" <<'PY'
import random, socket, sys
n = int(sys.argv[1])
lo, hi = 20000, 32000
try:
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        eph_lo = int(f.read().split()[0])
    hi = min(hi, eph_lo - 1)
except OSError:
    pass

def free(port):
    for fam, addr in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
            s = socket.socket(fam, kind)
            try:
                if kind == socket.SOCK_STREAM:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((addr, port))
            except OSError as e:
                if fam == socket.AF_INET6 and e.errno == 99:  # no ::1 here
                    continue
                return False
            finally:
                s.close()
    return True

chosen = []
rng = random.SystemRandom()
for _ in range(2000):
    p = rng.randrange(lo, hi)
    if p not in chosen and free(p):
        chosen.append(p)
        if len(chosen) == n:
            print(" ".join(map(str, chosen)))
            sys.exit(0)
sys.exit("no free ports found")
PY
}

alive() { # pid: running and not a zombie
  local st
  st="$(sed -n 's/^[0-9]* (.*) \([A-Z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$st" && "$st" != Z && "$st" != X ]]
}

port_open() { # host port
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

make_certs() { # certs_dir
  local d="$1"
  local cnf="$d/openssl.cnf"
  cat > "$cnf" <<'EOF'
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ ca_ext ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ server_ext ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:localhost, DNS:proxy.localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$d/ca.key" -out "$d/ca.pem" -days 30 -subj "/CN=jingle-agent test CA" \
    -config "$cnf" -extensions ca_ext 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$d/localhost.key" -out "$d/localhost.csr" -subj "/CN=localhost" -config "$cnf" 2>/dev/null
  openssl x509 -req -in "$d/localhost.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -out "$d/localhost.crt" -days 30 -extfile "$cnf" -extensions server_ext 2>/dev/null
  rm -f "$d/localhost.csr"
  chmod 600 "$d"/*.key
  openssl verify -CAfile "$d/ca.pem" "$d/localhost.crt" >/dev/null || die "generated certificate does not verify"
}

start() {
  local state="$1"
  mkdir -p "$state"
  state="$(cd "$state" && pwd)"
  if [[ -f "$state/servers.pid" ]] && alive "$(cat "$state/servers.pid")"; then
    die "a Prosody from $state is already running (pid $(cat "$state/servers.pid")); stop it first"
  fi
  command -v prosody >/dev/null || die "prosody is not installed (run .ci/install)"
  command -v prosodyctl >/dev/null || die "prosodyctl is not installed (run .ci/install)"
  command -v turnserver >/dev/null || die "turnserver (coturn) is not installed (run .ci/install)"
  [[ -f "$template" ]] || die "missing $template"
  [[ -f "$turn_template" ]] || die "missing $turn_template"
  if [[ -f "$state/turn.pid" ]] && alive "$(cat "$state/turn.pid")"; then
    die "a coturn from $state is already running (pid $(cat "$state/turn.pid")); stop it first"
  fi

  rm -rf "$state/data" "$state/certs"
  mkdir -p "$state/data" "$state/certs"
  chmod 700 "$state/data" "$state/certs"
  rm -f "$state/prosody.log" "$state/prosody.out" "$state/env" "$state/prosody.pid"
  rm -f "$state/turnserver.log" "$state/turnserver.out" "$state/turnserver.pid" "$state/turndb"

  local ports c2s_port tls_port proxy_port turn_port turns_port http_port
  ports="$(pick_ports 6)" || die "could not pick free ports"
  read -r c2s_port tls_port proxy_port turn_port turns_port http_port <<<"$ports"

  make_certs "$state/certs"

  local turn_secret cfg
  turn_secret="$(openssl rand -hex 16)"
  cfg="$state/prosody.cfg.lua"
  sed -e "s|@STATE_DIR@|$state|g" \
      -e "s|@C2S_PORT@|$c2s_port|g" \
      -e "s|@C2S_TLS_PORT@|$tls_port|g" \
      -e "s|@PROXY65_PORT@|$proxy_port|g" \
      -e "s|@TURN_PORT@|$turn_port|g" \
      -e "s|@TURNS_PORT@|$turns_port|g" \
      -e "s|@TURN_SECRET@|$turn_secret|g" \
      -e "s|@HTTP_PORT@|$http_port|g" \
      "$template" > "$cfg"
  if grep -q '@[A-Z0-9_]*@' "$cfg"; then die "unreplaced placeholder in $cfg"; fi
  umask 077
  printf '%s\n' "$turn_secret" > "$state/turn.secret"

  local user pass
  for user in "${users[@]}"; do
    pass="$(openssl rand -hex 12)"
    prosodyctl --config "$cfg" register "$user" "$domain" "$pass" >"$state/prosodyctl.out" 2>&1 ||
      { cat "$state/prosodyctl.out" >&2; die "registering $user failed"; }
    printf '%s\n' "$pass" > "$state/$user.pass"
    chmod 600 "$state/$user.pass"
  done

  # Background, detached from our stdio so a caller's pipe is not held open.
  prosody -F --config "$cfg" </dev/null >"$state/prosody.out" 2>&1 &
  local pid=$!
  echo "$pid" > "$state/servers.pid"

  local deadline=$((SECONDS + start_timeout)) ok=0
  while ((SECONDS < deadline)); do
    if ! alive "$pid"; then break; fi
    if grep -q "Failed to open server port" "$state/prosody.log" 2>/dev/null; then break; fi
    if port_open 127.0.0.1 "$c2s_port" && port_open 127.0.0.1 "$tls_port" &&
       port_open 127.0.0.1 "$proxy_port" && port_open 127.0.0.1 "$http_port"; then
      ok=1
      break
    fi
    sleep 0.1
  done
  if ((ok == 0)); then
    echo "servers.sh: Prosody did not start (port error, exit, or no listener within ${start_timeout}s)" >&2
    echo "----- $state/prosody.out" >&2
    cat "$state/prosody.out" >&2 || true
    echo "----- $state/prosody.log" >&2
    tail -n 300 "$state/prosody.log" >&2 || true
    stop "$state" || true
    exit 1
  fi

  {
    printf 'export JA_TEST_DOMAIN=%q JA_TEST_HOST=127.0.0.1' "$domain"
    printf ' JA_TEST_C2S_PORT=%q JA_TEST_C2S_TLS_PORT=%q JA_TEST_PROXY65_PORT=%q' \
      "$c2s_port" "$tls_port" "$proxy_port"
    printf ' JA_TEST_CA_FILE=%q JA_TEST_STATE_DIR=%q\n' "$state/certs/ca.pem" "$state"
    printf 'export JA_TEST_PROXY65_JID=proxy.localhost JA_TEST_TURN_PORT=%q JA_TEST_TURN_SECRET_FILE=%q\n' \
      "$turn_port" "$state/turn.secret"
    printf 'export JA_TEST_TURN_HOST=127.0.0.1 JA_TEST_TURNS_PORT=%q\n' "$turns_port"
    printf 'export JA_TEST_WEBSOCKET_URL=%q\n' "ws://127.0.0.1:$http_port/xmpp-websocket"
  } > "$state/env"

  start_turn "$state" "$turn_port" "$turns_port" "$turn_secret"

  echo "servers.sh: Prosody pid $pid, c2s $c2s_port (STARTTLS), $tls_port (direct TLS), proxy65 $proxy_port, websocket $http_port; coturn pid $(cat "$state/turn.pid"), turn $turn_port (udp+tcp), $turns_port (tls); env in $state/env"
}

# coturn from turnserver.conf.in, in the background; on failure stops
# everything and exits.
start_turn() { # state turn_port turns_port secret
  local state="$1" turn_port="$2" turns_port="$3" secret="$4" cfg="$1/turnserver.conf"
  sed -e "s|@STATE_DIR@|$state|g" \
      -e "s|@TURN_PORT@|$turn_port|g" \
      -e "s|@TURNS_PORT@|$turns_port|g" \
      -e "s|@TURN_SECRET@|$secret|g" \
      "$turn_template" > "$cfg"
  if grep -q '@[A-Z0-9_]*@' "$cfg"; then stop "$state" || true; die "unreplaced placeholder in $cfg"; fi
  chmod 600 "$cfg"
  turnserver -c "$cfg" </dev/null >"$state/turnserver.out" 2>&1 &
  local pid=$!
  echo "$pid" > "$state/turn.pid"
  local deadline=$((SECONDS + start_timeout)) ok=0
  while ((SECONDS < deadline)); do
    if ! alive "$pid"; then break; fi
    if port_open 127.0.0.1 "$turn_port" && port_open 127.0.0.1 "$turns_port"; then
      ok=1
      break
    fi
    sleep 0.1
  done
  if ((ok == 0)); then
    echo "servers.sh: coturn did not start (exit, or no listener within ${start_timeout}s)" >&2
    echo "----- $state/turnserver.out" >&2
    tail -n 100 "$state/turnserver.out" >&2 || true
    echo "----- $state/turnserver.log" >&2
    tail -n 100 "$state/turnserver.log" >&2 || true
    stop "$state" || true
    exit 1
  fi
}

# Ends one recorded server process (TERM, then KILL after 5 s), only if its
# command line still names our config (guards against pid reuse).
stop_pid() { # pidfile config name
  local pidfile="$1" cfg="$2" name="$3" pid
  [[ -f "$pidfile" ]] || return 0
  pid="$(cat "$pidfile")"
  [[ "$pid" =~ ^[0-9]+$ ]] || die "bad pid in $pidfile"
  if kill -0 "$pid" 2>/dev/null &&
     tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$cfg"; then
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 50; i++)); do
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then
      echo "servers.sh: $name $pid ignored TERM, killing" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

stop() {
  local state="$1"
  [[ -d "$state" ]] || { echo "servers.sh: no state dir $state" >&2; return 0; }
  state="$(cd "$state" && pwd)"
  if [[ ! -f "$state/servers.pid" && ! -f "$state/turn.pid" ]]; then
    echo "servers.sh: nothing to stop in $state"
    return 0
  fi
  stop_pid "$state/turn.pid" "$state/turnserver.conf" coturn
  stop_pid "$state/servers.pid" "$state/prosody.cfg.lua" Prosody
  echo "servers.sh: stopped"
}

[[ $# -eq 2 ]] || usage
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  *) usage ;;
esac
