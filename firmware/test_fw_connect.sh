#!/usr/bin/env bash
# `opentsm connect --flow full` (the TSM: SPDM, IDE_KM key programming, TDISP
# lock/report/start/stop) against opentsm-fw-device, the firmware profile,
# over loopback; then SHUTDOWN, after which the device exits 0.
# usage: test_fw_connect.sh FW_DEVICE OPENTSM SOURCE_DIR [stack|nostack]
set -u
fw=$1 ot=$2 src=$3
stack=()
[ "${4:-stack}" = stack ] && stack=(--stack-report)
dir=$(mktemp -d "${TMPDIR:-/tmp}/opentsm-fw-connect.XXXXXX") || exit 1
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
keys=$src/tests/vectors/spdm-emu/sample_key
fail() { echo "fw_connect: FAIL: $*"; sed 's/^/  device: /' "$dir/device.log"; exit 1; }

timeout 60 "$fw" device --listen 127.0.0.1:0 --keys "$keys" --identity sample-p384 \
  "${stack[@]}" >"$dir/device.log" 2>&1 &
pid=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p' "$dir/device.log")
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || fail "the device did not start"

timeout 60 "$ot" connect "127.0.0.1:$port" --anchor "$keys/ecp384/ca.cert.der" --flow full \
  >"$dir/connect.out" 2>&1
rc=$?
[ "$rc" -eq 0 ] || { cat "$dir/connect.out"; fail "connect --flow full exit $rc"; }
grep -q "connected and verified" "$dir/connect.out" || fail "no verified connection"
for step in KEY_PROG K_SET_GO LOCK_INTERFACE START_INTERFACE STOP_INTERFACE K_SET_STOP; do
  grep -q "$step" "$dir/connect.out" || { cat "$dir/connect.out"; fail "no $step step"; }
done
grep -qiE '\bfail|error' "$dir/connect.out" && { cat "$dir/connect.out"; fail "a step failed"; }

timeout 60 "$ot" connect "127.0.0.1:$port" --anchor "$keys/ecp384/ca.cert.der" --shutdown \
  >"$dir/shutdown.out" 2>&1 || { cat "$dir/shutdown.out"; fail "connect --shutdown"; }
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
wait "$pid"
rc=$?
pid=
[ "$rc" -eq 0 ] || fail "the device exited $rc after SHUTDOWN"
grep -q "secret marks live at exit: 0" "$dir/device.log" || fail "secrets still marked at exit"
if [ ${#stack[@]} -gt 0 ]; then
  grep -q "^stack: deepest request [0-9]* bytes" "$dir/device.log" || fail "no stack report"
  grep "^stack:" "$dir/device.log"
fi
echo "fw_connect: ok: connect --flow full and SHUTDOWN against the firmware profile"
