#!/bin/sh
# `opentsm validate` against `opentsm device` across processes: every case
# passes (exit 0, the totals as the last line), --json and --junit are
# well-formed, --list/--group/--case select, usage errors exit 2, a wrong
# anchor 1, a closed port 3. Usage: test_cli_validate.sh OPENTSM SRCDIR
set -u
O=$1
SRC=$2
KEYS="$SRC/tests/vectors/spdm-emu/sample_key"
ANCHOR="$KEYS/ecp384/ca.cert.der"
. "$SRC/tests/cli/cli_lib.sh"

# -- listing and usage errors (no device needed) ------------------------------
expect_rc 0 "validate --help" "$O" validate --help
expect_rc 0 "validate --list" "$O" validate --list
NCASES=$(wc -l <"$TMP/out")
[ "$NCASES" -ge 25 ] && pass "$NCASES cases listed" || fail "only $NCASES cases listed"
grep -q '^IDEKM.KEYPROG.2 ' "$TMP/out" && grep -q '^TDISP.REPORT.1 ' "$TMP/out" &&
  pass "--list names IDEKM.KEYPROG.2 and TDISP.REPORT.1" || fail "--list misses case IDs"
expect_rc 0 "validate --list --group tdisp" "$O" validate --list --group tdisp
grep -q '^IDEKM' "$TMP/out" && fail "--group tdisp lists IDE_KM cases" || pass "--group filters --list"
NTDISP=$(wc -l <"$TMP/out")
expect_rc 2 "validate without an address" "$O" validate --anchor "$ANCHOR"
expect_rc 2 "validate without an anchor" "$O" validate 127.0.0.1:1
expect_rc 2 "validate --group nope" "$O" validate 127.0.0.1:1 --anchor "$ANCHOR" --group nope
expect_rc 2 "validate --case NOPE.1" "$O" validate 127.0.0.1:1 --anchor "$ANCHOR" --case NOPE.1
expect_rc 2 "validate --tdi 0x2000000" "$O" validate 127.0.0.1:1 --anchor "$ANCHOR" --tdi 0x2000000

# -- against opentsm device ----------------------------------------------------
# HeartbeatPeriod 1 s: TDISP.SESSION.4 lets the session lapse (2.25 s of silence).
"$O" device --listen 127.0.0.1:0 --keys "$KEYS" --heartbeat-period 1 >"$TMP/dev.out" 2>"$TMP/dev.err" &
DEV_PID=$!
PORT=
for _ in $(seq 100); do
  PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/dev.out")
  [ -n "$PORT" ] && break
  sleep 0.2
done
if [ -z "$PORT" ]; then
  fail "device did not start"; cat "$TMP/dev.out" "$TMP/dev.err"; exit 1
fi
T="127.0.0.1:$PORT"

expect_rc 0 "validate opentsm device" "$O" validate "$T" --anchor "$ANCHOR" --junit "$TMP/j.xml"
LAST=$(tail -n 1 "$TMP/out")
[ "$LAST" = "$NCASES passed, 0 failed, 0 skipped" ] && pass "last line: $LAST" ||
  { fail "last line '$LAST', wanted '$NCASES passed, 0 failed, 0 skipped'"; cat "$TMP/out"; }
[ "$(grep -c '^PASS ' "$TMP/out")" -eq "$NCASES" ] && pass "every case printed as PASS" ||
  fail "not every case printed as PASS"
if command -v xmllint >/dev/null 2>&1; then
  xmllint --noout "$TMP/j.xml" && pass "JUnit XML is well-formed" || fail "JUnit XML is not well-formed"
fi
grep -q "<testsuite name=\"ide_km\" tests=\"$((NCASES - NTDISP))\" failures=\"0\"" "$TMP/j.xml" &&
  pass "JUnit ide_km suite counts" || { fail "JUnit ide_km suite counts"; head -3 "$TMP/j.xml"; }

expect_rc 0 "validate --json --group tdisp" "$O" validate "$T" --anchor "$ANCHOR" --json --group tdisp
if command -v python3 >/dev/null 2>&1; then
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["passed"]==int(sys.argv[2]) and d["failed"]==0 and all(c["group"]=="tdisp" for c in d["cases"]) else 1)' \
    "$TMP/out" "$NTDISP" && pass "--json: $NTDISP tdisp cases passed" || { fail "--json content"; cat "$TMP/out"; }
fi
expect_rc 0 "validate --case IDEKM.KEYPROG.2 --verbose" "$O" validate "$T" --anchor "$ANCHOR" \
  --case IDEKM.KEYPROG.2 --verbose
grep -q "KEY_PROG of 48 bytes: KP_ACK Status 01h expected, got 01h" "$TMP/out" &&
  [ "$(tail -n 1 "$TMP/out")" = "1 passed, 0 failed, 0 skipped" ] &&
  pass "--case runs one case; a too long KEY_PROG gets KP_ACK 01h" || { fail "--case output"; cat "$TMP/out"; }
# No key byte ever reaches a report: KEY_PROG shows its 8-byte header only.
grep -q "key and IFV not shown" "$TMP/out" && fail "a passing KEY_PROG printed bytes" || true
# A TDI the device does not serve: the TDISP cases run and fail, naming the error.
expect_rc 1 "validate --tdi 0x200 (no such TDI)" "$O" validate "$T" --anchor "$ANCHOR" --group tdisp --tdi 0x200
grep -q "^FAIL  *TDISP.VERSION.1" "$TMP/out" && grep -q "TDISP_ERROR INVALID_INTERFACE" "$TMP/out" &&
  pass "TDISP cases fail with INVALID_INTERFACE for a TDI that is not there" ||
  { fail "--tdi 0x200 output"; cat "$TMP/out"; }
expect_rc 1 "validate with a wrong anchor" "$O" validate "$T" --anchor "$KEYS/ecp256/ca.cert.der"
expect_rc 0 "validate again, then SHUTDOWN" "$O" validate "$T" --anchor "$ANCHOR" --case IDEKM.QUERY.1 --shutdown
for _ in $(seq 50); do kill -0 "$DEV_PID" 2>/dev/null || break; sleep 0.2; done
wait "$DEV_PID" 2>/dev/null; DEV_PID=
expect_rc 3 "validate a closed port" "$O" validate "$T" --anchor "$ANCHOR"

# -- a device with three IDE_KM ports: QUERY and KEY_PROG reach each ------------
"$O" device --listen 127.0.0.1:0 --keys "$KEYS" --ports 3 >"$TMP/dev3.out" 2>"$TMP/dev3.err" &
DEV_PID=$!
PORT=
for _ in $(seq 100); do
  PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/dev3.out")
  [ -n "$PORT" ] && break
  sleep 0.2
done
[ -n "$PORT" ] || { fail "device --ports 3 did not start"; cat "$TMP/dev3.err"; exit 1; }
expect_rc 0 "validate --group ide_km, device with 3 ports" "$O" validate "127.0.0.1:$PORT" \
  --anchor "$ANCHOR" --group ide_km --verbose --shutdown
grep -q "IDEKM.QUERY.2.1 QUERY PortIndex 3: refused" "$TMP/out" &&
  grep -q "port 2 stream [0-9]*: KEY_PROG K0/K1" "$TMP/out" &&
  pass "3 ports: QUERY past PortIndex 2 refused, KEY_PROG on port 2" || { fail "3-port run"; cat "$TMP/out"; }
for _ in $(seq 50); do kill -0 "$DEV_PID" 2>/dev/null || break; sleep 0.2; done
wait "$DEV_PID" 2>/dev/null; DEV_PID=

cli_verdict
