#!/usr/bin/env bash
# CPU of one call, the engine vs baresip, against the same baresip callee (auto-answer).
#
#   benches/scripts/call_cpu.sh [SECONDS]        (default 60, at most 120)
#
# (a) the engine (target/release/call_cpu) calls the callee for SECONDS;
# (b) a second, one-shot baresip (own config dir, SIP 127.0.0.1:5094, RTP 20400-20499)
#     makes the same call: `baresip -4 -f DIR -t SECONDS -e "/dial URI"`, offering
#     opus/48000/2, PCMU, PCMA like carol (so it negotiates Opus);
# (c) the same one-shot baresip offering PCMU only (SIP 5096, RTP 20500-20599): the
#     codec the engine negotiates until it offers Opus.
# Each caller's CPU is user+sys from /usr/bin/time (the whole process: start, call,
# hangup); the callee's is the utime+stime delta of /proc/PID/stat around each call.
# The codec of each call is what the callee's log says it encoded ("Set audio encoder")
# and, for the engine, the call record's codec.
#
# The callee: carol from tests/peers/up.sh (PEERS_RUN, default /tmp/bench-peers; SIP
# 127.0.0.1:5090) when 5070 and 5090 are free; otherwise (another session's peers hold
# them) or with CALLEE_PORT=P, a private carol made from the same template, without
# registrar, on 127.0.0.1:P (default 5190, RTP 20300-20399). Either way only what this
# script started is stopped (by pid; the peers by down.sh).
#
# Env: ENGINE_CODECS (default opus,pcmu,pcma; if the engine's config refuses one, the
# engine's default codecs are used and the table says so), CALL_CPU_BIN (default
# ${CARGO_TARGET_DIR:-target}/release/call_cpu, built if missing).
set -u
SECS=${1:-60}
if ! [[ "$SECS" =~ ^[0-9]+$ ]] || [ "$SECS" -lt 1 ] || [ "$SECS" -gt 120 ]; then
  echo "usage: $0 [SECONDS 1..120]" >&2; exit 2
fi
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PEERS=$ROOT/tests/peers
export PEERS_RUN=${PEERS_RUN:-/tmp/bench-peers}
OUT=$PEERS_RUN/call_cpu
BIN=${CALL_CPU_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/call_cpu}
ENGINE_CODECS=${ENGINE_CODECS:-opus,pcmu,pcma}
LIMIT=$((SECS + 45))
TCK=$(getconf CLK_TCK)
CODECS_LINE='audio_codecs=opus/48000/2,PCMU/8000/1,PCMA/8000/1'
log() { echo "call_cpu.sh: $*" >&2; }

mkdir -p "$OUT"
if [ ! -x "$BIN" ]; then
  log "building $BIN"
  (cd "$ROOT" && timeout 1800 cargo build --release -p switchboard-benches --bin call_cpu) || exit 1
fi

STARTED_PEERS=0 CALLEE_WRAPPER=
cleanup() {
  if [ -n "$CALLEE_WRAPPER" ] && kill -0 "$CALLEE_WRAPPER" 2>/dev/null; then
    kill -TERM "$CALLEE_WRAPPER" 2>/dev/null; sleep 1
    kill -0 "$CALLEE_WRAPPER" 2>/dev/null && kill -KILL "$CALLEE_WRAPPER" 2>/dev/null
  fi
  [ "$STARTED_PEERS" = 1 ] && timeout 60 "$PEERS/down.sh" >&2
}
trap cleanup EXIT

# utime+stime of PID in clock ticks.
ticks() {
  local line rest
  read -r line < "/proc/$1/stat" || { echo 0; return; }
  rest=${line##*) }
  set -- $rest
  echo $(( ${12} + ${13} ))
}
udp_busy() { ss -Hlun "sport = :$1" 2>/dev/null | grep -q .; }
lo_only() {
  [ -s "$PEERS_RUN/lo-only.so" ] || gcc -shared -fPIC -O2 -o "$PEERS_RUN/lo-only.so" "$PEERS/lo-only.c" -ldl
}
# A baresip config dir from the peers' template: SIP port, control port, RTP range, account.
baresip_dir() { # DIR SIP_PORT CTRL_PORT RTP_RANGE ACCOUNT_LINE
  rm -rf "$1"; mkdir -p "$1"
  cp "$PEERS/baresip/template/config" "$PEERS/baresip/template/contacts" "$1/"
  sed -i -e "s/^sip_listen.*/sip_listen\t\t127.0.0.1:$2/" \
         -e "s/^ctrl_tcp_listen.*/ctrl_tcp_listen\t\t127.0.0.1:$3/" \
         -e "s/^rtp_ports.*/rtp_ports\t\t$4/" "$1/config"
  echo "$5" > "$1/accounts"
}

# ---------------------------------------------------------------- the callee
if [ -z "${CALLEE_PORT:-}" ] && ! udp_busy 5070 && ! udp_busy 5090; then
  if [ -s "$PEERS_RUN/pids/baresip.pid" ] && kill -0 "$(cat "$PEERS_RUN/pids/baresip.pid")" 2>/dev/null; then
    log "peers already running in $PEERS_RUN: using them, not stopping them"
  else
    STARTED_PEERS=1
  fi
  timeout 150 "$PEERS/up.sh" >&2 || { log "up.sh failed"; exit 1; }
  CALLEE_PID=$(cat "$PEERS_RUN/pids/baresip.pid")
  CALLEE_LOG=$PEERS_RUN/baresip/baresip.log
  CALLEE_URI=sip:carol@127.0.0.1:5090
  CALLEE_KIND="carol (tests/peers/up.sh)"
else
  CALLEE_PORT=${CALLEE_PORT:-5190}
  log "5070/5090 are taken (another session's peers?) or CALLEE_PORT is set: a private carol on $CALLEE_PORT"
  udp_busy "$CALLEE_PORT" && { log "127.0.0.1:$CALLEE_PORT is busy"; exit 1; }
  lo_only
  D=$OUT/callee
  baresip_dir "$D" "$CALLEE_PORT" 4544 20300-20399 \
    "<sip:carol@127.0.0.1:$CALLEE_PORT>;regint=0;answermode=auto;$CODECS_LINE"
  LD_PRELOAD=$PEERS_RUN/lo-only.so setsid timeout -k 5 $((3 * LIMIT)) \
    baresip -4 -f "$D" -t $((3 * LIMIT)) < /dev/null > "$D/baresip.log" 2>&1 &
  CALLEE_WRAPPER=$!
  CALLEE_PID=
  for _ in $(seq 50); do
    CALLEE_PID=$(ps -o pid= --ppid "$CALLEE_WRAPPER" | tr -d ' ' | head -1)
    [ -n "$CALLEE_PID" ] && grep -q "baresip is ready" "$D/baresip.log" && break
    sleep 0.2
  done
  [ -n "$CALLEE_PID" ] || { log "the callee did not start"; tail "$D/baresip.log" >&2; exit 1; }
  CALLEE_LOG=$D/baresip.log
  CALLEE_URI=sip:carol@127.0.0.1:$CALLEE_PORT
  CALLEE_KIND="private carol on $CALLEE_PORT (no registrar)"
fi
log "callee: $CALLEE_KIND, pid $CALLEE_PID, $CALLEE_URI"

# What the callee encoded in the call that started after byte OFFSET of its log.
callee_codec() {
  tail -c +"$(( $1 + 1 ))" "$CALLEE_LOG" | grep -m1 -o 'Set audio encoder: .*' \
    | sed 's/Set audio encoder: //' | tr ' ' '_'
}
# "user sys elapsed" of a /usr/bin/time -o file → user+sys.
# (Its last line: a non-zero exit adds "Command exited with non-zero status N" above.)
cpu_of() { tail -1 "$1" | awk 'NF >= 2 { printf "%.2f", $1 + $2 }'; }

# ---------------------------------------------------------------- (a) the engine
sleep 2
off=$(stat -c %s "$CALLEE_LOG"); c0=$(ticks "$CALLEE_PID")
codecs_used=$ENGINE_CODECS
timeout -k 5 $LIMIT /usr/bin/time -f "%U %S %e" -o "$OUT/engine.time" \
  "$BIN" --target "$CALLEE_URI" --seconds "$SECS" --codecs "$ENGINE_CODECS" \
  > "$OUT/engine.out" 2> "$OUT/engine.err"
rc=$?
if [ $rc = 3 ]; then
  log "the engine refuses --codecs $ENGINE_CODECS ($(tail -1 "$OUT/engine.err")); using its default codecs"
  codecs_used="engine default"
  off=$(stat -c %s "$CALLEE_LOG"); c0=$(ticks "$CALLEE_PID")
  timeout -k 5 $LIMIT /usr/bin/time -f "%U %S %e" -o "$OUT/engine.time" \
    "$BIN" --target "$CALLEE_URI" --seconds "$SECS" > "$OUT/engine.out" 2> "$OUT/engine.err"
  rc=$?
fi
c1=$(ticks "$CALLEE_PID")
[ $rc = 0 ] || log "call_cpu exited $rc: $(tail -3 "$OUT/engine.err")"
E_CPU=$(cpu_of "$OUT/engine.time"); E_WALL=$(tail -1 "$OUT/engine.time" | awk '{print $3}')
E_CALLEE=$(awk -v d=$((c1 - c0)) -v t="$TCK" 'BEGIN { printf "%.2f", d / t }')
E_CODEC=$(sed -n 's/^codec: //p' "$OUT/engine.out")
E_CALLEE_CODEC=$(callee_codec "$off")
E_CALL=$(sed -n 's/^cpu_call_secs: //p' "$OUT/engine.out")

# ---------------------------------------------------------------- (b) baresip
# baresip_call NAME SIP_PORT CTRL_PORT RTP_RANGE CODECS_LINE → NAME_{CPU,WALL,CALLEE,CODEC,CALLEE_CODEC}
baresip_call() {
  local d=$OUT/$1 off c0 c1 rc
  sleep 2
  lo_only
  baresip_dir "$d" "$2" "$3" "$4" "<sip:bench@127.0.0.1:$2>;regint=0;$5"
  off=$(stat -c %s "$CALLEE_LOG"); c0=$(ticks "$CALLEE_PID")
  LD_PRELOAD=$PEERS_RUN/lo-only.so timeout -k 5 $LIMIT /usr/bin/time -f "%U %S %e" -o "$d/time" \
    baresip -4 -f "$d" -t "$SECS" -e "/dial $CALLEE_URI" < /dev/null > "$d/caller.log" 2>&1
  rc=$?
  c1=$(ticks "$CALLEE_PID")
  [ $rc = 0 ] || log "the baresip caller ($1) exited $rc"
  R_CPU=$(cpu_of "$d/time"); R_WALL=$(tail -1 "$d/time" | awk '{print $3}')
  R_CALLEE=$(awk -v d=$((c1 - c0)) -v t="$TCK" 'BEGIN { printf "%.2f", d / t }')
  R_CODEC=$(grep -m1 -o 'Set audio encoder: .*' "$d/caller.log" | sed 's/Set audio encoder: //' | tr ' ' '_')
  R_CALLEE_CODEC=$(callee_codec "$off")
}
baresip_call caller 5094 4545 20400-20499 "$CODECS_LINE"
B_CPU=$R_CPU B_WALL=$R_WALL B_CALLEE=$R_CALLEE B_CODEC=$R_CODEC B_CALLEE_CODEC=$R_CALLEE_CODEC
# (c) the same with PCMU only: the engine's codec until it offers Opus.
baresip_call caller_pcmu 5096 4546 20500-20599 "audio_codecs=PCMU/8000/1"
P_CPU=$R_CPU P_WALL=$R_WALL P_CALLEE=$R_CALLEE P_CODEC=$R_CODEC P_CALLEE_CODEC=$R_CALLEE_CODEC

# ---------------------------------------------------------------- table
printf '\n%s s call to %s (%s)\n' "$SECS" "$CALLEE_URI" "$CALLEE_KIND"
printf '%-10s %-18s %-22s %-22s %10s %8s %12s\n' caller offered "caller codec" "callee codec" "caller CPU" wall "callee CPU"
printf '%-10s %-18s %-22s %-22s %9ss %7ss %11ss\n' engine "$codecs_used" "${E_CODEC:-?}" "${E_CALLEE_CODEC:-?}" "${E_CPU:-?}" "${E_WALL:-?}" "$E_CALLEE"
printf '%-10s %-18s %-22s %-22s %9ss %7ss %11ss\n' baresip "opus,PCMU,PCMA" "${B_CODEC:-?}" "${B_CALLEE_CODEC:-?}" "${B_CPU:-?}" "${B_WALL:-?}" "$B_CALLEE"
printf '%-10s %-18s %-22s %-22s %9ss %7ss %11ss\n' baresip "PCMU" "${P_CODEC:-?}" "${P_CALLEE_CODEC:-?}" "${P_CPU:-?}" "${P_WALL:-?}" "$P_CALLEE"
ratio() { awk -v e="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.2f", e / b; else print "?" }'; }
printf 'engine CPU during the call alone (dial to ended): %ss\n' "${E_CALL:-?}"
printf 'caller CPU engine/baresip: %s (vs baresip opus,PCMU,PCMA) · %s (vs baresip PCMU only); target (DESIGN.md, Opus both): <= 0.5\n' \
  "$(ratio "$E_CPU" "$B_CPU")" "$(ratio "$E_CPU" "$P_CPU")"
grep '^media: ' "$OUT/engine.out" || true
