#!/usr/bin/env bash
# Stop the Kamailio that up.sh started, by its saved pids ($PEERS_RUN/pids/kamailio*.pid).
# A pid is signalled only if /proc/PID/cmdline still names the expected program (guards
# against pid reuse): TERM, then KILL after 3 s. No pkill/killall.
set -u
RUN=${PEERS_RUN:-/tmp/peers}
PIDS=$RUN/pids

stop_pid() { # stop_pid PIDFILE EXPECTED_CMDLINE_SUBSTRING
  local f=$1 want=$2 pid
  [ -s "$f" ] || return 0
  pid=$(cat "$f")
  if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$want"; then
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "down.sh: $want pid $pid ignored SIGTERM, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null
    fi
    echo "down.sh: stopped $want (pid $pid)"
  fi
  rm -f "$f"
}

stop_pid "$PIDS/kamailio.pid" kamailio
stop_pid "$PIDS/kamailio.wrapper.pid" "timeout -k 5"
rm -f "$RUN/kamailio/kamailio.pid"
exit 0
