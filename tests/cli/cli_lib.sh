# shellcheck shell=sh
# The harness of the CLI shell tests (sourced once SRC is set):
# a temporary directory TMP, removed at exit with the device the test
# started (DEV_PID); checks counted in `fails` by pass/fail/expect_rc; the
# closing verdict.
TMP=$(mktemp -d)
DEV_PID=
fails=0
cleanup() {
  [ -n "$DEV_PID" ] && kill "$DEV_PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

expect_rc() { # expected-rc description command...
  want=$1; what=$2; shift 2
  "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  if [ "$rc" -eq "$want" ]; then pass "$what (exit $rc)"; else
    fail "$what: exit $rc, wanted $want"; cat "$TMP/out" "$TMP/err"; fi
}

# The last line of a test: the failures counted, and its exit status.
cli_verdict() {
  echo "$fails failure(s)"
  [ "$fails" -eq 0 ]
}
