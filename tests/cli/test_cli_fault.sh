#!/bin/sh
# One deliberate fault of `opentsm device --fault` against `opentsm validate`:
# the case that the table (tests/cli/faults.txt) names for it fails, and the
# run exits 1. Usage: test_cli_fault.sh OPENTSM SRCDIR FAULT CASE
set -u
O=$1
SRC=$2
FAULT=$3
CASE=$4
KEYS="$SRC/tests/vectors/spdm-emu/sample_key"
ANCHOR="$KEYS/ecp384/ca.cert.der"
. "$SRC/tests/cli/cli_lib.sh"
"$O" device --listen 127.0.0.1:0 --keys "$KEYS" --fault "$FAULT" >"$TMP/dev.out" 2>"$TMP/dev.err" &
DEV_PID=$!
PORT=
for _ in $(seq 100); do
  PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$TMP/dev.out")
  [ -n "$PORT" ] && break
  sleep 0.2
done
if [ -z "$PORT" ]; then
  echo "FAIL: device --fault $FAULT did not start"; cat "$TMP/dev.out" "$TMP/dev.err"; exit 1
fi
grep -q "DELIBERATE FAULTS.* $FAULT" "$TMP/dev.err" || { echo "FAIL: device does not announce $FAULT"; exit 1; }
"$O" validate "127.0.0.1:$PORT" --anchor "$ANCHOR" --case "$CASE" --verbose --shutdown >"$TMP/out" 2>"$TMP/err"
rc=$?
cat "$TMP/out"
if [ "$rc" -ne 1 ]; then
  echo "FAIL: validate --case $CASE against --fault $FAULT exited $rc, wanted 1"; cat "$TMP/err"; exit 1
fi
if ! grep -q "^FAIL  *$CASE " "$TMP/out"; then
  echo "FAIL: no FAIL line for $CASE"; exit 1
fi
echo "ok: --fault $FAULT caught by $CASE"
