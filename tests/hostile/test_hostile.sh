#!/bin/sh
# Hostile peers (docs/robustness.md): every wait of `opentsm connect` and
# `opentsm device` is bounded, and no peer holds the device. Each case checks
# the exit code, the message and that the run ended within its limit plus a
# margin (2 s, for a loaded machine). Loopback, ports 29000-29999 only.
#   test_hostile.sh connect|device|signal OPENTSM HOSTILE_PEER SOURCE_DIR
set -u
PART=$1
OT=$2
HP=$3
SRC=$4
ANCHOR=$SRC/tests/vectors/spdm-emu/sample_key/ecp384/ca.cert.der
MARGIN=2000
W=$(mktemp -d)
FAILS=0
PIDS=""

cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null; done
  rm -rf "$W"
}
trap cleanup EXIT

now_ms() { echo $(($(date +%s%N) / 1000000)); }
fail() {
  echo "FAIL: $*"
  FAILS=$((FAILS + 1))
}
ok() { echo "ok:   $*"; }

# Waits (at most $2 ms) for process $1 to exit; its exit code in WAIT_RC
# (124 if it did not exit: it is killed then).
wait_exit() {
  end=$(($(now_ms) + $2))
  while kill -0 "$1" 2>/dev/null && [ "$(now_ms)" -lt "$end" ]; do sleep 0.05; done
  if kill -0 "$1" 2>/dev/null; then
    kill "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    WAIT_RC=124
  else
    wait "$1"
    WAIT_RC=$?
  fi
}

# Waits (at most 10 s) for a line matching $2 in file $1.
wait_line() {
  i=0
  while [ $i -lt 200 ]; do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.05
    i=$((i + 1))
  done
  return 1
}

# ---- connect against a malicious device --------------------------------------------

T=3000 # --timeout
R=1000 # --read-timeout

# case NAME WANT_RC MAX_MS PATTERN -- hostile_peer device arguments
connect_case() {
  name=$1 want=$2 max=$3 pat=$4
  shift 5
  : >"$W/peer.out"
  "$HP" device "$@" >"$W/peer.out" 2>"$W/peer.err" &
  peer=$!
  PIDS="$PIDS $peer"
  if ! wait_line "$W/peer.out" '^port '; then
    fail "$name: the hostile device did not start: $(cat "$W/peer.err")"
    kill $peer 2>/dev/null
    return
  fi
  port=$(awk '/^port /{print $2}' "$W/peer.out")
  t0=$(now_ms)
  "$OT" connect "127.0.0.1:$port" --anchor "$ANCHOR" --timeout $T --read-timeout $R \
    >"$W/out" 2>"$W/err"
  rc=$?
  took=$(($(now_ms) - t0))
  wait_exit $peer 5000
  if [ $rc -ne "$want" ]; then
    fail "$name: exit $rc, want $want; stderr: $(cat "$W/err")"
  elif [ $took -gt $((max + MARGIN)) ]; then
    fail "$name: took $took ms, bound $max ms (+$MARGIN)"
  elif ! grep -qF -- "$pat" "$W/err"; then
    fail "$name: no '$pat' in: $(cat "$W/err")"
  else
    ok "$name: exit $rc in $took ms (bound $max)"
  fi
}

part_connect() {
  # Slow frames, silence and truncation at each stage: the per-exchange limit.
  connect_case "hello trickled" 3 $R "no answer to the TEST hello" -- trickle --at hello
  connect_case "hello silent" 3 $R "(timed out)" -- silent --at hello
  connect_case "hello truncated" 3 $R "no answer to the TEST hello from" -- truncated --at hello
  connect_case "discovery trickled" 3 $R "DOE discovery failed (timed out)" -- trickle --at discovery
  connect_case "discovery silent" 3 $R "DOE discovery failed (timed out)" -- silent --at discovery
  connect_case "GET_VERSION trickled" 3 $R "during VCA (timed out)" -- trickle --at GET_VERSION
  connect_case "NEGOTIATE_ALGORITHMS silent" 3 $R "during VCA (timed out)" -- \
    silent --at NEGOTIATE_ALGORITHMS
  connect_case "GET_DIGESTS trickled" 3 $R "GET_DIGESTS failed (timed out)" -- \
    trickle --at GET_DIGESTS
  connect_case "GET_CERTIFICATE trickled" 3 $R "GET_CERTIFICATE failed (timed out)" -- \
    trickle --at GET_CERTIFICATE
  # Closed inside an answer: the device broke the protocol (exit 1).
  connect_case "GET_CERTIFICATE truncated" 1 $R "GET_CERTIFICATE failed (input truncated)" -- \
    truncated --at GET_CERTIFICATE
  connect_case "CHALLENGE silent" 3 $R "(timed out)" -- silent --at CHALLENGE
  connect_case "GET_MEASUREMENTS trickled" 3 $R "(timed out)" -- trickle --at GET_MEASUREMENTS
  connect_case "KEY_EXCHANGE trickled" 3 $R "KEY_EXCHANGE/FINISH failed (timed out)" -- \
    trickle --at KEY_EXCHANGE
  # Inside the session (secured objects: FINISH, then HEARTBEAT, the first
  # request after connect: the report reuses connect's own signed evidence).
  connect_case "FINISH (secured) trickled" 3 $R "KEY_EXCHANGE/FINISH failed (timed out)" -- \
    trickle --at secured
  connect_case "HEARTBEAT (secured) silent" 3 $R "HEARTBEAT failed (timed out)" -- \
    silent --at secured --nth 2
  # ResponseNotReady forever with RDT 1 ms, RDTM 255 (WTMax 261 ms): the
  # retry count (8) ends it first.
  for req in GET_DIGESTS GET_CERTIFICATE CHALLENGE GET_MEASUREMENTS KEY_EXCHANGE; do
    connect_case "$req ResponseNotReady forever (RDT 1 ms)" 1 500 \
      "ResponseNotReady (0x42, data 0x00) to $req, still not ready after 8 RESPOND_IF_READY" -- \
      notready --at "$req" --exp 10 --rdtm 255
  done
  # RDTExponent 0 (the issue's ~500,000 retries a minute): WTMax (255 us)
  # passes within a few round trips.
  connect_case "GET_DIGESTS ResponseNotReady forever (RDT 1 us)" 1 500 \
    "to GET_DIGESTS, still not ready after" -- notready --at GET_DIGESTS --exp 0 --rdtm 255
  # RDTExponent 0x1e: 2^30 us, past the deadline: refused at once.
  connect_case "GET_DIGESTS ResponseNotReady 2^30 us" 3 500 \
    "to GET_DIGESTS, still not ready when the deadline came" -- notready --at GET_DIGESTS --exp 30
  # RDT ~1 s, RDTM 255: waits until the next would pass the deadline.
  connect_case "GET_CERTIFICATE ResponseNotReady 2^20 us" 3 $T \
    "to GET_CERTIFICATE, still not ready when the deadline came" -- \
    notready --at GET_CERTIFICATE --exp 20 --rdtm 255
  # RDTM 1: WTMax = RDT, one RESPOND_IF_READY only.
  connect_case "CHALLENGE ResponseNotReady RDTM 1" 1 500 \
    "to CHALLENGE, still not ready after 1 RESPOND_IF_READY" -- \
    notready --at CHALLENGE --exp 4 --rdtm 1
  for req in GET_DIGESTS CHALLENGE KEY_EXCHANGE; do
    connect_case "$req Busy forever" 3 1000 "to $req, still busy after 3 retries" -- \
      busy --at "$req"
  done
  # Each answer 300 ms late, within the read limit: the run's deadline ends it.
  connect_case "every answer slow" 3 $T "gave up after" -- slow --at GET_VERSION --delay 300
}

# ---- opentsm device against malicious clients ---------------------------------------

IDLE=1000
FRAME=1000

# Starts `opentsm device` with the given limits on a free port of the range.
start_device() {
  DEV=""
  try=0
  base=$(($$ % 1000))
  while [ $try -lt 20 ]; do
    DPORT=$((29000 + (base + try * 37) % 1000))
    : >"$W/dev.out"
    "$OT" device --listen "127.0.0.1:$DPORT" "$@" >"$W/dev.out" 2>"$W/dev.err" &
    DEV=$!
    PIDS="$PIDS $DEV"
    if wait_line "$W/dev.out" "listening on"; then return 0; fi
    kill $DEV 2>/dev/null
    wait $DEV 2>/dev/null
    try=$((try + 1))
  done
  fail "could not start opentsm device: $(cat "$W/dev.err")"
  return 1
}

good_connect() {
  t0=$(now_ms)
  "$OT" connect "127.0.0.1:$DPORT" --anchor "$ANCHOR" --timeout 20000 >"$W/out" 2>"$W/err"
  GOOD_RC=$?
  GOOD_MS=$(($(now_ms) - t0))
}

# client_case NAME PATTERN HOLD_BOUND_MS [SCENARIO...]: the hostile clients
# connect first, then a real connect must be served within their bounds.
client_case() {
  name=$1 pat=$2 bound=$3
  shift 3
  cl=""
  i=0
  for sc in "$@"; do
    i=$((i + 1))
    "$HP" client "$sc" --port "$DPORT" --hold 15000 >"$W/cl$i.out" 2>"$W/cl$i.err" &
    p=$!
    PIDS="$PIDS $p"
    cl="$cl $p"
  done
  sleep 0.3
  good_connect
  bad=""
  i=0
  for p in $cl; do
    i=$((i + 1))
    wait_exit "$p" 20000
    [ "$WAIT_RC" -eq 0 ] || bad="$bad client $i: $(cat "$W/cl$i.out" "$W/cl$i.err")"
    held=$(awk '/^closed after/{print $3}' "$W/cl$i.out")
    [ -n "$held" ] && [ "$held" -gt $((bound + MARGIN)) ] && bad="$bad client $i held $held ms"
  done
  if [ $GOOD_RC -ne 0 ]; then
    fail "$name: the next connect failed ($GOOD_RC): $(cat "$W/err")"
  elif [ -n "$bad" ]; then
    fail "$name:$bad"
  elif [ $GOOD_MS -gt $((bound + 2 * MARGIN)) ]; then
    fail "$name: the next connect waited $GOOD_MS ms, bound $bound ms"
  elif ! grep -qF -- "$pat" "$W/dev.err" "$W/dev.out"; then
    fail "$name: device did not log '$pat': $(cat "$W/dev.err")"
  else
    ok "$name: dropped, next peer served in $GOOD_MS ms (bound $bound)"
  fi
}

part_device() {
  start_device --idle-timeout $IDLE --frame-timeout $FRAME || return
  client_case "silent client" "dropped: idle past --idle-timeout" $IDLE silent
  client_case "11 bytes of a header" "dropped: a frame slower than --frame-timeout" $FRAME header11
  client_case "frame trickled 1 byte/200 ms" "dropped: a frame slower than --frame-timeout" \
    $FRAME trickle
  client_case "client never reads" "dropped: an answer not taken within --frame-timeout" \
    $((FRAME + 1000)) noread
  client_case "half-open client" "(peer closed)" 500 halfopen
  client_case "three silent clients queued" "dropped: idle past --idle-timeout" \
    $((3 * IDLE)) silent silent silent
  kill -TERM $DEV
  wait_exit $DEV 3000
  if [ "$WAIT_RC" -ne 0 ]; then fail "device after SIGTERM: exit $WAIT_RC"; else ok "device exits 0 on SIGTERM"; fi
}

# ---- signals: the serve loop wakes whatever it waits on ------------------------------

# sig_case NAME SIGNAL [client scenario]: no limits, so only the signal can end it.
sig_case() {
  name=$1 sig=$2 sc=${3:-}
  start_device --idle-timeout 0 --frame-timeout 0 || return
  if [ -n "$sc" ]; then
    "$HP" client "$sc" --port "$DPORT" --hold 8000 >/dev/null 2>&1 &
    p=$!
    PIDS="$PIDS $p"
    sleep 0.3
  fi
  t0=$(now_ms)
  kill -"$sig" $DEV
  wait_exit $DEV 3000
  took=$(($(now_ms) - t0))
  if [ "$WAIT_RC" -ne 0 ]; then
    fail "$name: exit $WAIT_RC after SIG$sig ($took ms)"
  elif ! grep -q "interrupted, exiting" "$W/dev.out"; then
    fail "$name: no 'interrupted' line"
  else
    ok "$name: exit 0 in $took ms"
  fi
  if [ -n "$sc" ]; then wait_exit $p 10000; fi
}

part_signal() {
  sig_case "SIGTERM waiting for a peer" TERM
  sig_case "SIGINT waiting for a peer" INT
  sig_case "SIGTERM with a silent peer, no idle limit" TERM silent
  sig_case "SIGTERM inside a trickled frame, no frame limit" TERM trickle
  sig_case "SIGINT with a peer that never reads" INT noread
  # The race of the issue: a signal right as the device starts to wait.
  n=0
  while [ $n -lt 8 ]; do
    start_device --idle-timeout 0 || return
    kill -TERM $DEV
    wait_exit $DEV 3000
    [ "$WAIT_RC" -eq 0 ] || fail "SIGTERM at start, run $n: exit $WAIT_RC"
    n=$((n + 1))
  done
  ok "SIGTERM at start: 8 runs"
}

T0=$(now_ms)
case $PART in
connect) part_connect ;;
device) part_device ;;
signal) part_signal ;;
*)
  echo "unknown part $PART"
  exit 2
  ;;
esac
echo "hostile $PART: $FAILS failed, $(($(now_ms) - T0)) ms"
[ $FAILS -eq 0 ]
