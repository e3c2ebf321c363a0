#!/usr/bin/env bash
# Start the peers the interop tests use (a copy of ../shared/peers/up.sh):
#   kamailio : registrar with digest auth + record-routing proxy on udp+tcp
#              127.0.0.1:5070 only, users alice/bob/carol/dave with password
#              "<user>-pw" (kamailio/kamailio.cfg); INVITEs get a 407
#   baresip  : user carol (BARESIP_USER) registered at that Kamailio, auto-answer,
#              SIP udp/tcp 127.0.0.1:5090, control (ctrl_tcp, baresip/ctl.py)
#              127.0.0.1:4444, RTP 20000-20099; its sndfile module writes each
#              call's decoded audio to $PEERS_RUN/baresip/recordings/dump-*-dec.wav
#              (tests/tests/baresip_media.rs); run with LD_PRELOAD=lo-only.so
#              (built here from lo-only.c) so that nothing binds outside loopback
#   tests/peers/up.sh          start them (installs missing packages with apt-get, as root)
#   tests/peers/down.sh        stop them, by the pids saved here
# Each runs under `timeout` (PEERS_MAX_SECS, default 3600 s); the pids go to
# $PEERS_RUN/pids/{kamailio,baresip}{,.wrapper}.pid (default /tmp/peers, the same place
# as the shared peers' scripts, so either set of scripts finds running peers).
# Inspect: kamcmd -s unix:$PEERS_RUN/kamailio/kamailio_ctl ul.dump brief
# env: PEERS_RUN=/tmp/peers  PEERS_MAX_SECS=3600  KAM_SHM_MB=128  PEERS_NO_INSTALL=1
#      PEERS_NO_BARESIP=1 (Kamailio only)
#      BARESIP_USER=carol BARESIP_PASS=carol-pw BARESIP_PORT=5090 BARESIP_CTRL=4444
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
RUN=${PEERS_RUN:-/tmp/peers}
MAX=${PEERS_MAX_SECS:-3600}
PIDS=$RUN/pids
CTL=$RUN/kamailio/kamailio_ctl
mkdir -p "$PIDS" "$RUN/kamailio"

log() { echo "up.sh: $*"; }

alive() { # alive PIDFILE EXPECTED_CMDLINE_SUBSTRING
  local f=$1 want=$2 pid
  [ -s "$f" ] || return 1
  pid=$(cat "$f")
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$want"
}

wait_for() { # wait_for TENTHS_OF_SECONDS COMMAND...
  local n=$1; shift
  for _ in $(seq 1 "$n"); do "$@" && return 0; sleep 0.1; done
  return 1
}

NO_BARESIP=${PEERS_NO_BARESIP:-0}
BUSER=${BARESIP_USER:-carol}
BPASS=${BARESIP_PASS:-${BUSER}-pw}
BPORT=${BARESIP_PORT:-5090}
BCTRL=${BARESIP_CTRL:-4444}

PKGS=(kamailio)
[ "$NO_BARESIP" = 1 ] || PKGS+=(baresip gcc libc6-dev)
if [ "${PEERS_NO_INSTALL:-0}" != 1 ]; then
  missing=()
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -qq
    timeout 900 apt-get install -y -q --no-install-recommends "${missing[@]}" > "$RUN/apt.log" 2>&1 \
      || { tail -20 "$RUN/apt.log"; exit 1; }
  fi
fi
command -v kamailio >/dev/null && command -v kamcmd >/dev/null \
  || { log "kamailio/kamcmd not found (apt-get install kamailio)"; exit 1; }
if [ "$NO_BARESIP" != 1 ]; then
  command -v baresip >/dev/null && command -v gcc >/dev/null \
    || { log "baresip/gcc not found (apt-get install baresip gcc libc6-dev)"; exit 1; }
fi

start_kamailio() {

# The module directory: Debian's multiarch path for this machine.
MODS=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)/kamailio/modules
[ -d "$MODS" ] || MODS=$(dirname "$(dpkg -L kamailio | grep -m1 '/modules/tm.so$')")
CFG=$RUN/kamailio/kamailio.cfg
sed "s|^loadpath .*|loadpath \"$MODS/\"|" "$HERE/kamailio/kamailio.cfg" > "$CFG"

defs=(-A "CTL_SOCK=\"unix:$CTL\"")
rm -f "$RUN/kamailio/kamailio.pid" "$CTL"
kamailio -c -f "$CFG" "${defs[@]}" > "$RUN/kamailio/check.log" 2>&1 \
  || { cat "$RUN/kamailio/check.log"; exit 1; }
setsid timeout -k 5 "$MAX" kamailio -f "$CFG" -DD -E \
    -P "$RUN/kamailio/kamailio.pid" -Y "$RUN/kamailio" -m "${KAM_SHM_MB:-128}" -M 8 "${defs[@]}" \
    < /dev/null > "$RUN/kamailio/kamailio.log" 2>&1 &
echo $! > "$PIDS/kamailio.wrapper.pid"
ready() { kamcmd -s "unix:$CTL" core.version >/dev/null 2>&1; }
if ! wait_for 100 test -s "$RUN/kamailio/kamailio.pid" || ! wait_for 100 ready; then
  log "kamailio did not start"; tail -20 "$RUN/kamailio/kamailio.log"; exit 1
fi
cp "$RUN/kamailio/kamailio.pid" "$PIDS/kamailio.pid"
log "kamailio up: pid $(cat "$PIDS/kamailio.pid") on udp/tcp 127.0.0.1:5070 (log $RUN/kamailio/kamailio.log)"
}

if alive "$PIDS/kamailio.pid" kamailio; then
  log "kamailio already running (pid $(cat "$PIDS/kamailio.pid"))"
else
  start_kamailio
fi

# ---------------------------------------------------------------- baresip
[ "$NO_BARESIP" = 1 ] && exit 0
if alive "$PIDS/baresip.pid" baresip; then
  log "baresip already running (pid $(cat "$PIDS/baresip.pid"))"
  exit 0
fi
udp_port_busy() { ss -Hlun "sport = :$1" 2>/dev/null | grep -q .; }
if udp_port_busy "$BPORT"; then
  log "udp 127.0.0.1:$BPORT is busy (not ours?)"; ss -Hlunp "sport = :$BPORT"; exit 1
fi
# LD_PRELOAD guard: wildcard binds -> loopback, no traffic to other addresses
# (baresip's DNS client binds 0.0.0.0:0 and [::]:0 otherwise).
if [ ! -s "$RUN/lo-only.so" ] || [ "$HERE/lo-only.c" -nt "$RUN/lo-only.so" ]; then
  gcc -shared -fPIC -O2 -o "$RUN/lo-only.so" "$HERE/lo-only.c" -ldl
fi
BDIR=$RUN/baresip
rm -rf "$BDIR"; mkdir -p "$BDIR/recordings"
cp "$HERE/baresip/template/config" "$HERE/baresip/template/contacts" "$BDIR/"
sed -i -e "s/^sip_listen.*/sip_listen\t\t127.0.0.1:$BPORT/" \
       -e "s/^ctrl_tcp_listen.*/ctrl_tcp_listen\t\t127.0.0.1:$BCTRL/" \
       -e "s|^snd_path.*|snd_path\t\t$BDIR/recordings|" "$BDIR/config"
printf '<sip:%s@127.0.0.1:5070;transport=udp>;auth_pass=%s;answermode=auto;regint=600;audio_codecs=opus/48000/2,PCMU/8000/1,PCMA/8000/1\n' \
  "$BUSER" "$BPASS" > "$BDIR/accounts"
LD_PRELOAD=$RUN/lo-only.so setsid timeout -k 5 "$MAX" \
  baresip -4 -f "$BDIR" -s -t "$MAX" < /dev/null > "$BDIR/baresip.log" 2>&1 &
W=$!
echo $W > "$PIDS/baresip.wrapper.pid"
child_of_wrapper() {
  local c; c=$(ps -o pid= --ppid "$W" | tr -d ' ' | head -1)
  [ -n "$c" ] && echo "$c" > "$PIDS/baresip.pid"
}
wait_for 50 child_of_wrapper || { log "baresip did not start"; tail -20 "$BDIR/baresip.log"; exit 1; }
if wait_for 100 grep -q "$BUSER@127.0.0.1.* 200 OK" "$BDIR/baresip.log"; then
  log "baresip up: pid $(cat "$PIDS/baresip.pid"), $BUSER registered, SIP 127.0.0.1:$BPORT, ctrl 127.0.0.1:$BCTRL (log $BDIR/baresip.log)"
else
  log "baresip started (pid $(cat "$PIDS/baresip.pid")) but registration not confirmed"
  tail -20 "$BDIR/baresip.log"; exit 1
fi
