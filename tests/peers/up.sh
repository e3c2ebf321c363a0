#!/usr/bin/env bash
# Start the Kamailio peer the interop tests use (a copy of ../shared/peers/up.sh without
# baresip): registrar with digest auth on udp+tcp 127.0.0.1:5070 only, users
# alice/bob/carol/dave with password "<user>-pw" (kamailio/kamailio.cfg).
#   tests/peers/up.sh          start it (installs `kamailio` with apt-get if missing, as root)
#   tests/peers/down.sh        stop it, by the pids saved here
# It runs under `timeout` (PEERS_MAX_SECS, default 3600 s); its pids go to
# $PEERS_RUN/pids/kamailio{,.wrapper}.pid (default /tmp/peers, the same place as the
# shared peers' scripts, so either set of scripts finds a running Kamailio).
# Inspect: kamcmd -s unix:$PEERS_RUN/kamailio/kamailio_ctl ul.dump brief
# env: PEERS_RUN=/tmp/peers  PEERS_MAX_SECS=3600  KAM_SHM_MB=128  PEERS_NO_INSTALL=1
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

if [ "${PEERS_NO_INSTALL:-0}" != 1 ] && ! command -v kamailio >/dev/null; then
  log "installing kamailio"
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -qq
  timeout 900 apt-get install -y -q --no-install-recommends kamailio > "$RUN/apt.log" 2>&1 \
    || { tail -20 "$RUN/apt.log"; exit 1; }
fi
command -v kamailio >/dev/null && command -v kamcmd >/dev/null \
  || { log "kamailio/kamcmd not found (apt-get install kamailio)"; exit 1; }

if alive "$PIDS/kamailio.pid" kamailio; then
  log "kamailio already running (pid $(cat "$PIDS/kamailio.pid"))"
  exit 0
fi

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
