#!/usr/bin/env bash
# Stop the peers that up.sh started (baresip, then Kamailio), by their saved pids
# ($PEERS_RUN/pids/{baresip,kamailio}{,.wrapper}.pid). A pid is signalled only if
# /proc/PID/cmdline still names the expected program (guards against pid reuse): TERM,
# a second TERM after 3 s (baresip's first TERM only unregisters), KILL after 3 more s.
# No pkill/killall.
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
    kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "down.sh: $want pid $pid ignored SIGTERM, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null
    fi
    echo "down.sh: stopped $want (pid $pid)"
  fi
  rm -f "$f"
}

# Daemons first (baresip unregisters, Kamailio stops its children), then the `timeout`
# wrappers if they are still there.
stop_pid "$PIDS/baresip.pid" baresip
stop_pid "$PIDS/baresip.wrapper.pid" "timeout -k 5"
stop_pid "$PIDS/kamailio.pid" kamailio
stop_pid "$PIDS/kamailio.wrapper.pid" "timeout -k 5"
rm -f "$RUN/kamailio/kamailio.pid"

left=$(ss -Hlunt '( sport = :5070 or sport = :5090 or sport = :4444 )' 2>/dev/null)
[ -n "$left" ] && { echo "down.sh: still listening:"; echo "$left"; }
exit 0
