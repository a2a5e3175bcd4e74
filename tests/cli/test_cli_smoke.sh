#!/bin/sh
# CLI smoke tests: help and usage errors of every subcommand, `certs` output
# read by openssl, and `connect` against `device` across processes (success,
# --flow full, closed port, wrong anchor). Usage: test_cli_smoke.sh OPENTSM SRCDIR
set -u
OPENTSM=$1
SRC=$2
KEYS="$SRC/tests/vectors/spdm-emu/sample_key"
. "$SRC/tests/cli/cli_lib.sh"

# -- help and usage errors ---------------------------------------------------
for cmd in demo sim attack selftest lspci topology version; do
  expect_rc 0 "$cmd --help" "$OPENTSM" "$cmd" --help
done
for cmd in connect device certs bench; do
  T=$OPENTSM
  expect_rc 0 "$cmd --help" "$T" "$cmd" --help
  grep -q "usage: opentsm $cmd" "$TMP/out" || fail "$cmd --help prints its usage"
  expect_rc 2 "$cmd --bogus" "$T" "$cmd" --bogus
done
# A --topology file that cannot be read (exit 3) or parsed (exit 1): named
# with the line and column, by each command that reads one.
printf 'nodes: [\n' >"$TMP/bad.yaml"
for cmd in sim "attack all" lspci topology; do
  name=${cmd%% *}
  # shellcheck disable=SC2086
  expect_rc 3 "$cmd --topology with no file" "$OPENTSM" $cmd --topology "$TMP/none.yaml"
  grep -q "^opentsm $name: $TMP/none.yaml:" "$TMP/err" || fail "$name: the missing file named"
  # shellcheck disable=SC2086
  expect_rc 1 "$cmd --topology not YAML" "$OPENTSM" $cmd --topology "$TMP/bad.yaml"
  grep -q "^opentsm $name: $TMP/bad.yaml:2:1: " "$TMP/err" || fail "$name: line and column named"
done
C=$OPENTSM; D=$OPENTSM; S=$OPENTSM
expect_rc 2 "connect without an address" "$C" connect --anchor x.der
expect_rc 2 "connect without an anchor" "$C" connect 127.0.0.1:1
expect_rc 2 "connect with a bad address" "$C" connect nowhere --anchor x.der
expect_rc 2 "connect --multi-key without an identity" "$C" connect 127.0.0.1:1 --anchor x.der --multi-key neg
expect_rc 2 "connect --multi-key with a bad mode" "$C" connect 127.0.0.1:1 --anchor x.der --multi-key maybe
expect_rc 2 "connect --req-key-usage with a bad use" "$C" connect 127.0.0.1:1 --anchor x.der --req-key-usage key-ex,sign
expect_rc 2 "device with a bad identity" "$D" device --identity nope
expect_rc 2 "device with no IDE_KM port" "$D" device --ports 0
expect_rc 2 "device with 33 IDE_KM ports" "$D" device --ports 33
expect_rc 2 "device with a TDI Function ID over 25 bits" "$D" device --tdi 0x2000000
expect_rc 2 "device with a TDI Function ID not a number" "$D" device --tdi beef
expect_rc 2 "certs without --out" "$S" certs
expect_rc 2 "certs with a bad curve" "$S" certs --out "$TMP/x" --curve p521

# -- certs ---------------------------------------------------------------------
expect_rc 0 "certs --out" "$S" certs --out "$TMP/c" --seed 7
for f in root intermediate leaf; do
  if openssl x509 -inform der -noout -subject -in "$TMP/c/$f.der" >"$TMP/subj" 2>&1; then
    pass "openssl reads $f.der: $(cat "$TMP/subj")"
  else fail "openssl cannot read $f.der"; fi
  mode=$(stat -c %a "$TMP/c/$f.key")
  [ "$mode" = 600 ] && pass "$f.key mode 600" || fail "$f.key mode $mode"
done
openssl verify -CAfile "$TMP/c/root.der" -untrusted "$TMP/c/intermediate.der" \
  "$TMP/c/leaf.der" >/dev/null 2>&1 ||
  { openssl x509 -inform der -in "$TMP/c/root.der" -out "$TMP/root.pem" &&
    openssl x509 -inform der -in "$TMP/c/intermediate.der" -out "$TMP/int.pem" &&
    openssl x509 -inform der -in "$TMP/c/leaf.der" -out "$TMP/leaf.pem" &&
    openssl verify -CAfile "$TMP/root.pem" -untrusted "$TMP/int.pem" "$TMP/leaf.pem" \
      >/dev/null 2>&1; } && pass "openssl verifies the generated chain" ||
  fail "openssl does not verify the generated chain"
expect_rc 3 "certs refuses to overwrite" "$S" certs --out "$TMP/c"
grep -q "exists" "$TMP/err" || fail "certs says the file exists"
expect_rc 0 "certs --force overwrites" "$S" certs --out "$TMP/c" --force --curve p256

# -- device and connect across processes ---------------------------------------
"$D" device --listen 127.0.0.1:0 --keys "$KEYS" >"$TMP/dev.out" 2>"$TMP/dev.err" &
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
pass "device listening on port $PORT"
# The device listens before it loads its identity (its start-up overlaps the
# requester's): on a port already taken it fails at listen, even with keys it
# could not have read; keys it cannot read fail after listening, exit 3.
expect_rc 3 "second device on the same port" "$D" device --listen "127.0.0.1:$PORT" --keys "$TMP/none"
grep -q "cannot listen on 127.0.0.1:$PORT" "$TMP/err" && pass "it says it cannot listen" ||
  fail "second device: $(cat "$TMP/err")"
expect_rc 3 "device with no sample keys" "$D" device --listen 127.0.0.1:0 --keys "$TMP/none"
grep -q "sample keys looked for in $TMP/none" "$TMP/err" && pass "it names the key directory" ||
  fail "device with no keys: $(cat "$TMP/err")"
ANCHOR="$KEYS/ecp384/ca.cert.der"
# The DMTF-sample device by default: sample requester CAs, mutual
# authentication and the public sample PSK announced; the options that turn
# them off, and their conflicts.
grep -q "PSK sessions offered.*DMTF sample PSK (public)" "$TMP/dev.out" &&
  pass "default device: sample PSK announced as public" || fail "no sample PSK line: $(cat "$TMP/dev.out")"
grep -q "mutual authentication asked (MutAuthRequested 02h, basic).*DMTF sample requester CA" \
  "$TMP/dev.out" && pass "default device: mutual authentication with the sample CAs" ||
  fail "no mutual authentication line: $(cat "$TMP/dev.out")"
expect_rc 2 "device --no-mut-auth with --mut-auth" "$D" device --no-mut-auth --mut-auth encap
expect_rc 2 "device --no-psk with --psk-no-finish" "$D" device --no-psk --psk-no-finish
expect_rc 2 "device --mut-auth with a bad mode" "$D" device --mut-auth sometimes
expect_rc 0 "connect to device" "$C" connect "127.0.0.1:$PORT" --anchor "$ANCHOR"
for line in "connected and verified" "SPDM 1.4" "CN=DMTF libspdm ECP384 responder cert" \
  "signature verified" "HEARTBEAT, END_SESSION done"; do
  grep -q "$line" "$TMP/out" && pass "report has '$line'" || fail "report lacks '$line'"
done
expect_rc 0 "connect --json" "$C" connect "127.0.0.1:$PORT" --anchor "$ANCHOR" --json
grep -q '"verified":true' "$TMP/out" && pass "json verified" || fail "json lacks verified"
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["chain"])==3 and len(d["measurements"])==8' "$TMP/out" &&
    pass "json parses" || fail "json does not parse"
  # The chain digest is Hash(SPDM certificate chain) of what the device serves
  # (DSP0274 §10.6: Length, Reserved, RootHash, the DER chain), the value
  # DMTF's spdm_responder_emu also reports in DIGESTS for the same keys.
  python3 -c 'import json,sys,hashlib,struct
d=json.load(open(sys.argv[1])); b=open(sys.argv[2],"rb").read(); ca=open(sys.argv[3],"rb").read()
assert b.startswith(ca); rh=hashlib.sha384(ca).digest()
blob=struct.pack("<HH",4+len(rh)+len(b),0)+rh+b
assert d["chain_digest"]==hashlib.sha384(blob).hexdigest(), d["chain_digest"]' \
    "$TMP/out" "$KEYS/ecp384/bundle_responder.certchain.der" "$ANCHOR" &&
    pass "json chain_digest is SHA-384 of the served chain" || fail "json chain_digest"
fi
# SPDM 1.0 and 1.1: authenticated (chain, CHALLENGE, signed measurements) but
# never connected, exit 4 with the reason (IDE_KM and TDISP need 1.2).
for v in 1.1 1.0; do
  expect_rc 4 "connect --ver $v" "$C" connect "127.0.0.1:$PORT" --anchor "$ANCHOR" --ver "$v"
  grep -q "authenticated at SPDM $v (certificate chain, CHALLENGE and signed measurements verified)" \
    "$TMP/err" && grep -q "IDE_KM and TDISP need SPDM 1.2 or later" "$TMP/err" &&
    pass "connect --ver $v says why it stops" || fail "connect --ver $v: $(cat "$TMP/err")"
done
expect_rc 2 "connect --ver 1.5" "$C" connect "127.0.0.1:$PORT" --anchor "$ANCHOR" --ver 1.5
# --flow full: IDE_KM for one stream and the TDISP lifecycle in the session.
expect_rc 0 "connect --flow full" "$C" connect "127.0.0.1:$PORT" --anchor "$ANCHOR" --flow full
for step in "IDE_KM QUERY" "IDE_KM KEY_PROG x6, K_SET_GO x6" "TDISP GET_VERSION" \
  "TDISP GET_CAPABILITIES" "TDISP LOCK_INTERFACE" "TDISP GET_DEVICE_INTERFACE_REPORT" \
  "TDISP START_INTERFACE" "TDISP STOP_INTERFACE" "IDE_KM K_SET_STOP x6" "END_SESSION"; do
  grep -q "^  $step  *ok" "$TMP/out" && pass "full flow: '$step' ok" ||
    { fail "full flow lacks '$step' ok"; cat "$TMP/out"; }
done
grep -q "CONFIG_LOCKED" "$TMP/out" && grep -q " RUN$" "$TMP/out" &&
  grep -q "51 bytes in 4 pieces" "$TMP/out" && pass "full flow: locked, report in pieces, ran" ||
  fail "full flow: states or report pieces"
# Twice in a row: the device's stream went back to Enable = 0 with no keys.
expect_rc 0 "connect --flow full --json (again)" "$C" connect "127.0.0.1:$PORT" \
  --anchor "$ANCHOR" --flow full --json
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["steps"]; assert d["ide"] and d["flow"]=="full" and len(s)==9 and all(x["ok"] for x in s)' "$TMP/out" &&
    pass "full flow json: 9 steps, all ok" || fail "full flow json"
fi
expect_rc 2 "connect --flow bogus" "$C" connect "127.0.0.1:$PORT" --anchor "$ANCHOR" --flow bogus
# A TDI the device does not have: refused at TDISP, the keys stopped again.
expect_rc 1 "connect --flow full --tdi 0x200" "$C" connect "127.0.0.1:$PORT" --anchor "$ANCHOR" \
  --flow full --tdi 0x200
grep -q "TDISP GET_VERSION: peer answered" "$TMP/err" && grep -q "K_SET_STOP x6: ok" "$TMP/err" &&
  pass "unknown TDI refused, key set stopped" || { fail "unknown TDI"; cat "$TMP/err"; }
expect_rc 1 "connect --flow full --tdi 0x200 --json" "$C" connect "127.0.0.1:$PORT" \
  --anchor "$ANCHOR" --flow full --tdi 0x200 --json
if command -v python3 >/dev/null; then
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["steps"]; assert not d["ok"] and not s[2]["ok"] and s[-1]["step"]=="IDE_KM K_SET_STOP x6" and s[-1]["ok"]' "$TMP/out" &&
    pass "refused full flow json names the failed step" || { fail "refused full flow json"; cat "$TMP/out"; }
fi
expect_rc 2 "connect --tdi -1" "$C" connect "127.0.0.1:$PORT" --anchor "$ANCHOR" --flow full --tdi -1
expect_rc 0 "connect --flow full after a refusal" "$C" connect "127.0.0.1:$PORT" \
  --anchor "$ANCHOR" --flow full
# A wrong anchor: the generated root does not sign the device's chain.
expect_rc 1 "connect with a wrong anchor" "$C" connect "127.0.0.1:$PORT" --anchor "$TMP/c/root.der"
grep -q "certificate chain is not trusted" "$TMP/err" && pass "refusal names the reason" ||
  { fail "refusal reason missing"; cat "$TMP/err"; }
# A policy whose reference measurement differs.
cp "$ANCHOR" "$TMP/anchor.der"
cat >"$TMP/policy.yaml" <<YAML
version: 1
trust_anchors: [anchor.der]
devices:
  - name: dev0
    measurements: {6: "312e302e31"}
YAML
expect_rc 1 "connect with a policy that refuses measurement 6" \
  "$C" connect "127.0.0.1:$PORT" --policy "$TMP/policy.yaml"
grep -q "measurement 6 differs" "$TMP/err" && pass "refusal names measurement 6" ||
  { fail "measurement refusal missing"; cat "$TMP/err"; }
sed -i 's/312e302e31/312e302e30/' "$TMP/policy.yaml"
expect_rc 0 "connect with a policy that accepts" "$C" connect "127.0.0.1:$PORT" --policy "$TMP/policy.yaml" --shutdown
# --shutdown ended the device.
for _ in $(seq 50); do kill -0 "$DEV_PID" 2>/dev/null || break; sleep 0.2; done
if kill -0 "$DEV_PID" 2>/dev/null; then fail "device still runs after SHUTDOWN"; else
  wait "$DEV_PID"; rc=$?; DEV_PID=
  [ "$rc" -eq 0 ] && pass "device exited 0 after SHUTDOWN" || fail "device exit $rc"
fi
# Closed port: nothing listens there now.
expect_rc 3 "connect to a closed port" "$C" connect "127.0.0.1:$PORT" --anchor "$ANCHOR"

# A device from a topology profile: its generated identity, its measurements,
# the root written for connect, and a profile with chain and key files.
start_device() { # output-file args...
  out=$1; shift
  "$D" device --listen 127.0.0.1:0 "$@" >"$out" 2>&1 &
  DEV_PID=$!
  PORT=
  for _ in $(seq 100); do
    PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out")
    [ -n "$PORT" ] && break
    sleep 0.2
  done
  [ -n "$PORT" ] || { fail "device $* did not start"; cat "$out"; }
}
stop_device() {
  kill -INT "$DEV_PID" 2>/dev/null; wait "$DEV_PID"; DEV_PID=
}
start_device "$TMP/dev3.out" --profile "$SRC/examples/topologies/default.yaml" \
  --endpoint nvme0 --seed 5 --root-out "$TMP/nvme-root.der"
expect_rc 0 "connect to a profile device" "$C" connect "127.0.0.1:$PORT" --anchor "$TMP/nvme-root.der"
grep -q "asym P-256" "$TMP/out" && grep -q "00112233445566778899aabbccddeeff00112233" "$TMP/out" &&
  pass "profile's curve and measurement reported" || { fail "profile report"; cat "$TMP/out"; }
stop_device
# A profile or a generated identity: no sample PSK, no sample CAs.
grep -q "PSK sessions offered\|mutual authentication asked" "$TMP/dev3.out" &&
  fail "profile device took the sample defaults: $(cat "$TMP/dev3.out")" ||
  pass "profile device: no sample PSK, no mutual authentication"
start_device "$TMP/dev4.out" --identity generate --seed 3
stop_device
grep -q "PSK sessions offered\|mutual authentication asked" "$TMP/dev4.out" &&
  fail "generated identity took the sample defaults" ||
  pass "generated identity: no sample PSK, no mutual authentication"
start_device "$TMP/dev6.out" --keys "$KEYS" --no-mut-auth --no-psk
stop_device
grep -q "PSK sessions offered\|mutual authentication asked" "$TMP/dev6.out" &&
  fail "--no-mut-auth --no-psk: $(cat "$TMP/dev6.out")" ||
  pass "--no-mut-auth --no-psk turn the sample defaults off"
start_device "$TMP/dev7.out" --keys "$KEYS" --mut-auth requested --psk 0102 --psk-hint h
stop_device
grep -q "PSKHint of 1 bytes)" "$TMP/dev7.out" &&
  grep -q "MutAuthRequested 01h)" "$TMP/dev7.out" &&
  pass "--psk and --mut-auth requested replace the sample defaults" ||
  fail "--psk / --mut-auth requested: $(cat "$TMP/dev7.out")"

# -- --pcap and --keylog on both sides; nothing written without them ----------
mkdir -p "$TMP/cap" "$TMP/nocap"
start_device "$TMP/dev5.out" --keys "$KEYS" --pcap "$TMP/cap/dev.pcap" --keylog "$TMP/cap/dev.keys"
(cd "$TMP/nocap" && "$C" connect "127.0.0.1:$PORT" --anchor "$ANCHOR" >/dev/null 2>&1) &&
  [ -z "$(ls -A "$TMP/nocap")" ] && pass "connect without --pcap/--keylog writes no file" ||
  fail "connect without --pcap/--keylog: $(ls -A "$TMP/nocap")"
expect_rc 0 "connect --pcap --keylog" "$C" connect "127.0.0.1:$PORT" --anchor "$ANCHOR" \
  --flow full --pcap "$TMP/cap/con.pcap" --keylog "$TMP/cap/con.keys"
stop_device
# Global header: magic a1b2c3d4 (LE), v2.4, snaplen 65536, link type 292.
for f in dev con; do
  head=$(od -An -tx1 -N24 "$TMP/cap/$f.pcap" | tr -d ' \n')
  [ "$head" = "d4c3b2a10200040000000000000000000000010024010000" ] &&
    pass "$f.pcap: DOE pcap header, snaplen 65536" || fail "$f.pcap header $head"
done
# Two sessions reached the device (the plain connect, then --flow full): two
# lines there; one on the requester's side, the same secret as the device's second.
n_dev=$(grep -c '^DHE_SECRET [0-9a-f]\{64,132\}$' "$TMP/cap/dev.keys")
n_con=$(grep -c '^DHE_SECRET [0-9a-f]\{64,132\}$' "$TMP/cap/con.keys")
[ "$n_dev" -eq 2 ] && [ "$n_con" -eq 1 ] && [ "$(wc -l <"$TMP/cap/con.keys")" -eq 1 ] &&
  [ "$(tail -n 1 "$TMP/cap/dev.keys")" = "$(cat "$TMP/cap/con.keys")" ] &&
  pass "key logs: one DHE_SECRET line per session, the same on both sides" ||
  { fail "key logs ($n_dev, $n_con lines)"; cat "$TMP/cap/dev.keys" "$TMP/cap/con.keys"; }
mode=$(stat -c %a "$TMP/cap/con.keys")
[ "$mode" = 600 ] && pass "key log is mode 600" || fail "key log mode $mode"
# The requester's capture holds its connection's objects (the interop suite
# decodes them with spdm_dump); the device's holds both connections'.
csz=$(wc -c <"$TMP/cap/con.pcap")
dsz=$(wc -c <"$TMP/cap/dev.pcap")
[ "$csz" -gt 4000 ] && [ "$dsz" -gt "$csz" ] && pass "captures hold records ($csz, $dsz bytes)" ||
  fail "capture sizes $csz, $dsz"
expect_rc 2 "connect --pcap without a value" "$C" connect 127.0.0.1:1 --anchor "$ANCHOR" --pcap
expect_rc 3 "connect --keylog into a missing directory" "$C" connect 127.0.0.1:1 \
  --anchor "$ANCHOR" --keylog "$TMP/missing/k"
mkdir -p "$TMP/prof"
cp "$KEYS/ecp384/bundle_responder.certchain.der" "$KEYS/ecp384/end_responder.key.der" "$TMP/prof/"
cat >"$TMP/prof/t.yaml" <<YAML
version: 1
name: files
nodes:
  - {name: rc0, type: root_complex, bus: 0x00}
  - {name: rp0, type: root_port, parent: rc0, devfn: "01.0", vendor: 0x1b36, device: 0x000c}
  - name: ep0
    type: endpoint
    parent: rp0
    vendor: 0x1b36
    device: 0x0010
    functions:
      - {devfn: "00.0", class: 0x010802, doe: {protocols: [spdm, secured_spdm]}}
    identity: {cert_chain: bundle_responder.certchain.der, key: end_responder.key.der, algorithm: ecdsa-p384}
    measurements:
      - {index: 3, type: firmware_version, value: "0a0b0c"}
YAML
start_device "$TMP/dev4.out" --profile "$TMP/prof/t.yaml"
expect_rc 0 "connect to a device with profile chain/key files" \
  "$C" connect "127.0.0.1:$PORT" --anchor "$ANCHOR" --json
grep -q '"value":"0a0b0c"' "$TMP/out" && grep -q 'ECP384 responder cert' "$TMP/out" &&
  pass "file identity and measurement reported" || { fail "file profile report"; cat "$TMP/out"; }
stop_device
expect_rc 2 "device --profile with --identity" "$D" device --profile "$TMP/prof/t.yaml" --identity generate
expect_rc 1 "device --profile with an unknown endpoint" "$D" device --profile "$TMP/prof/t.yaml" --endpoint nope

# bench: two runs in process over loopback, a table and a median.
B=$OPENTSM
expect_rc 0 "bench --runs 2" "$B" bench --runs 2 --keys "$KEYS"
grep -q "^median [0-9.]* ms" "$TMP/out" && pass "bench prints the median" || { fail "bench output"; cat "$TMP/out"; }
expect_rc 0 "bench --flow full --runs 2" "$B" bench --flow full --runs 2 --keys "$KEYS"
grep -q "^median [0-9.]* ms .*full flow" "$TMP/out" && grep -q "^median [0-9.]* ms .*spdm flow" "$TMP/out" &&
  pass "bench times both flows" || { fail "bench --flow full output"; cat "$TMP/out"; }
expect_rc 2 "bench --flow bogus" "$B" bench --flow bogus
expect_rc 2 "bench --runs 0" "$B" bench --runs 0
expect_rc 3 "bench without the sample keys" "$B" bench --keys "$TMP/nokeys"

# SIGINT ends the device cleanly.
"$D" device --listen 127.0.0.1:0 --identity generate --seed 3 >"$TMP/dev2.out" 2>&1 &
DEV_PID=$!
sleep 0.5
kill -INT "$DEV_PID"
wait "$DEV_PID"; rc=$?; DEV_PID=
[ "$rc" -eq 0 ] && grep -q interrupted "$TMP/dev2.out" && pass "device exits 0 on SIGINT" ||
  { fail "device on SIGINT: exit $rc"; cat "$TMP/dev2.out"; }

# SIGINT ends the device even while an idle peer holds a connection.
start_device "$TMP/dev6.out" --identity generate --seed 4
if command -v python3 >/dev/null; then
  python3 -c 'import socket,sys,time; s=socket.create_connection(("127.0.0.1",int(sys.argv[1]))); time.sleep(5)' "$PORT" &
  IDLE_PID=$!
  sleep 0.5
  kill -INT "$DEV_PID"
  for _ in $(seq 50); do kill -0 "$DEV_PID" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$DEV_PID" 2>/dev/null; then fail "device ignores SIGINT with an idle peer"; stop_device; else
    wait "$DEV_PID"; rc=$?; DEV_PID=
    [ "$rc" -eq 0 ] && pass "device exits 0 on SIGINT with an idle peer" || fail "device exit $rc"
  fi
  kill "$IDLE_PID" 2>/dev/null; wait "$IDLE_PID" 2>/dev/null
else
  stop_device
fi

# -- lspci of the connected platform: IDE decoded, streams Secure -------------
expect_rc 0 "lspci -vv --connected" "$OPENTSM" lspci -vv --connected
if grep -q "IDECap:" "$TMP/out" && grep -q "State Secure" "$TMP/out"; then
  pass "lspci --connected decodes IDE and shows a Secure stream"
else
  fail "lspci --connected: no IDE capability or no Secure stream"; cat "$TMP/out"
fi

cli_verdict
