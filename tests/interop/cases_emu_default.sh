# shellcheck shell=bash
# The DMTF-sample device in its default configuration (docs/interop.md "The
# reference requester's default flow (device side)"): `opentsm device` with no
# argument but --listen (its sample keys from $OPENTSM_SAMPLE_KEYS), against
# spdm_requester_emu with no argument but the transport, and against our own
# `opentsm connect`. Sourced by interop.sh.


# Reads `spdm_dump -d -x` output passed through expand_large_vdm.awk; prints
# "step NAME" for each new request name in order, "cxl N" at the first CXL
# record (vendor ID 1E98h), and "error N REQ LINE" for each line carrying an
# SPDM ERROR (the device's, or the requester's inside
# DELIVER_ENCAPSULATED_RESPONSE) with the request it belongs to.
judge_requester_emu_default() { # dump
  awk '
    / REQ->RSP / && match($0, /SPDM_[A-Z_]+/) {
      req = substr($0, RSTART, RLENGTH)
      if (!(req in seen)) { seen[req] = 1; print "step " req }
      if (!cxl && $0 ~ /vendor_id=0x1e98/) { cxl = 1; print "cxl " NR }
    }
    # The device'"'"'s ERROR, or the requester'"'"'s encapsulated one to our request.
    / SPDM_ERROR / { print "error " NR " " req " " $0 }
  ' "$1"
}

# Judges a decoded capture of the reference requester's default flow with
# judge_requester_emu_default: sets the caller's steps (requests in order of
# first use), first_cxl (record line of the first CXL step) and errors, and
# fails the case on an SPDM ERROR before the CXL steps (those after are
# vendor commands the device does not implement, logged, not judged).
judge_default_flow() { # dump
  local line n req rest
  steps="" first_cxl="" errors=0
  while IFS= read -r line; do
    case $line in
    step\ *) steps="$steps ${line#step SPDM_}" ;;
    cxl\ *) first_cxl=${line#cxl } ;;
    error\ *)
      read -r _ n req rest <<<"$line"
      if [ -n "$first_cxl" ] && [ "$n" -ge "$first_cxl" ]; then
        it_log "after the CXL steps began (not judged): $req -> ${rest##*SPDM_ERROR }"
      else
        errors=$((errors + 1))
        it_fail "ERROR before the CXL steps: $req -> ${rest##*SPDM_ERROR }"
      fi
      ;;
    esac
  done < <(judge_requester_emu_default "$1")
  it_log "requests, in order of first use:$steps"
  [ -n "$first_cxl" ] && it_pass "the flow reached the CXL steps (record line $first_cxl)" ||
    it_fail "the flow never reached the CXL steps"
  [ "$errors" -eq 0 ] && it_pass "no SPDM ERROR before the CXL steps"
}

case_requester_emu_default() {
  local rc first_cxl="" steps="" errors=0 t0 t1
  it_init "requester-emu-default"
  # No device argument beyond --listen: the sample keys come from the
  # environment, as they would from the source tree's copy.
  OPENTSM_SAMPLE_KEYS=$IT_DIR it_start_device device.log || it_done
  grep -q 'sample PSK (public)' device.log && it_pass "device: DMTF sample PSK offered (public)" ||
    it_fail "device: no sample PSK line"
  grep -q 'mutual authentication asked (MutAuthRequested 02h, basic)' device.log &&
    it_pass "device: mutual authentication asked by default (02h, basic)" ||
    it_fail "device: mutual authentication not asked by default"
  t0=$(date +%s%N)
  it_run_peer 60 requester.log "$OPENTSM_PEERS/bin-debug/spdm_requester_emu" --trans PCI_DOE \
    --ip 127.0.0.1 --port "$IT_PORT" --pcap requester.pcap
  rc=$?
  t1=$(date +%s%N)
  it_log "spdm_requester_emu default flow: exit $rc in $(((t1 - t0) / 1000000)) ms"
  [ "$rc" -eq 124 ] && it_fail "spdm_requester_emu did not finish within 60 s"
  [ -f requester.pcap ] || { it_fail "the requester wrote no capture"; it_done; }
  local secrets args=() s
  secrets=$(sed -n 's/.*\[DHE Secret\]: *\([0-9a-fA-F][0-9a-fA-F]*\).*/\1/p' requester.log)
  [ -n "$secrets" ] && it_pass "a key-exchange session was established" ||
    it_fail "no [DHE Secret] line from the requester: no session"
  for s in $secrets; do args+=(--dhe_secret "$s"); done
  # The sample PSK with its NUL (spdm_dump --psk), for the PSK sessions.
  args+=(--psk 5465737450736b4461746100)
  timeout 30 "$OPENTSM_PEERS/bin/spdm_dump" -r requester.pcap -d -x "${args[@]}" 2>&1 |
    awk -f "$HERE/expand_large_vdm.awk" >dump.txt
  it_check_dump_decrypted dump.txt "requester capture"
  judge_default_flow dump.txt
  # The steps of the default flow that exercise the device's defaults.
  for s in NEGOTIATE_ALGORITHMS CHALLENGE DELIVER_ENCAPSULATED_RESPONSE GET_MEASUREMENTS \
    GET_MEASUREMENT_EXTENSION_LOG GET_ENDPOINT_INFO KEY_EXCHANGE FINISH; do
    [[ " $steps " == *" $s "* ]] && it_pass "step $s ran" || it_fail "step $s missing"
  done
  # DSP0274 §10.4: the requester offers RSASSA/RSAPSS 2048/3072 only.
  grep -q 'SPDM_ALGORITHMS .*ReqAsym=0x000[1-8](RSA' dump.txt &&
    it_pass "ALGORITHMS selected an RSA ReqBaseAsymAlg" ||
    it_fail "ALGORITHMS selected no RSA ReqBaseAsymAlg"
  # DSP0274 1.3 §10.4: both sides default to MULTI_KEY_CAP 10b, so the
  # connection is multi-key (and mutual authentication is still asked).
  grep -q 'RSP->REQ .*SPDM_ALGORITHMS (.*OtherParam=[^)]*MULTI_KEY_CONN' dump.txt &&
    it_pass "ALGORITHMS selected MULTI_KEY_CONN (multi-key connection)" ||
    it_fail "no MULTI_KEY_CONN in ALGORITHMS"
  grep -q 'RSP->REQ .*SPDM_DIGESTS .*KeyPairId=' dump.txt &&
    it_pass "DIGESTS carries the multi-key fields" || it_fail "DIGESTS without the multi-key fields"
  grep -q 'SPDM_CHALLENGE_AUTH (Attr=0x80(BasicMutAuth' dump.txt &&
    it_pass "CHALLENGE_AUTH asked for basic mutual authentication" ||
    it_fail "no BasicMutAuthReq in CHALLENGE_AUTH"
  # The encapsulated GET_ENDPOINT_INFO (after 8002h), signed, answered and acknowledged.
  grep -q 'SPDM_ENCAPSULATED_REQUEST (ReqID=0x01) SPDM(1[34], 0x87) SPDM_GET_ENDPOINT_INFO (SubCode=0x01, SlotID=0x00, RequestAttribute=0x01)' dump.txt &&
    it_pass "the device asked GET_ENDPOINT_INFO (signed) through the encapsulated flow" ||
    it_fail "no encapsulated GET_ENDPOINT_INFO in the capture"
  grep -q 'libspdm_get_endpoint_info' requester.log &&
    it_fail "requester: the encapsulated GET_ENDPOINT_INFO failed" ||
    it_pass "requester: the encapsulated GET_ENDPOINT_INFO completed"
  it_wait_exit "$IT_DEV_PID" 10 || it_stop_all
  # spdm-emu runs APP first in a session and its CXL steps end the run, so
  # the default session steps after it are judged in a second run without
  # APP, with the PSK session (1.4 PSK_FINISH carries OpaqueData): no SPDM
  # ERROR at all, the encapsulated GET_ENDPOINT_INFO inside each session too.
  OPENTSM_SAMPLE_KEYS=$IT_DIR it_start_device device-2.log || it_done
  it_run_peer 60 requester-2.log "$OPENTSM_PEERS/bin-debug/spdm_requester_emu" --trans PCI_DOE \
    --ip 127.0.0.1 --port "$IT_PORT" --pcap requester-2.pcap \
    --exe_session KEY_EX,PSK,HEARTBEAT,KEY_UPDATE,MEAS,MEL,DIGEST,CERT,EP_INFO
  [ $? -eq 124 ] && it_fail "spdm_requester_emu (sessions) did not finish within 60 s"
  args=(--psk 5465737450736b4461746100)
  for s in $(sed -n 's/.*\[DHE Secret\]: *\([0-9a-fA-F][0-9a-fA-F]*\).*/\1/p' requester-2.log); do
    args+=(--dhe_secret "$s")
  done
  timeout 30 "$OPENTSM_PEERS/bin/spdm_dump" -r requester-2.pcap -d -x "${args[@]}" 2>&1 |
    awk -f "$HERE/expand_large_vdm.awk" >dump-2.txt
  it_check_dump_decrypted dump-2.txt "sessions capture"
  n=$(grep -c 'SPDM_ERROR' dump-2.txt)
  [ "$n" -eq 0 ] && it_pass "sessions run: no SPDM ERROR" ||
    it_fail "sessions run: $n ERROR(s), first: $(grep -m1 SPDM_ERROR dump-2.txt | cut -c1-160)"
  n=$(grep -c 'RSP->REQ SecuredSPDM.*SPDM_ENCAPSULATED_RESPONSE_ACK (ReqID=0x00, AckReqID=0x01) (Done)' dump-2.txt)
  [ "$n" -ge 2 ] && it_pass "encapsulated flows completed inside the sessions ($n)" ||
    it_fail "$n encapsulated flows completed inside sessions, want at least 2"
  grep -q 'SPDM_PSK_EXCHANGE_RSP' dump-2.txt && grep -q 'SecuredSPDM.*SPDM_PSK_FINISH_RSP' dump-2.txt &&
    it_pass "sessions run: a PSK session with the sample PSK (PSK_EXCHANGE, PSK_FINISH)" ||
    it_fail "sessions run: no PSK session"
  for s in HEARTBEAT_ACK KEY_UPDATE_ACK END_SESSION_ACK; do
    grep -q "SecuredSPDM.*SPDM_$s" dump-2.txt && it_pass "sessions run: $s" ||
      it_fail "sessions run: no $s"
  done
  it_done
}

# Our own requester (no identity: no MUT_AUTH_CAP) against the default device:
# the full TSM flow, no mutual authentication asked, no PSK used.
case_connect_default_device() {
  local rc
  it_init "connect-default-device"
  OPENTSM_SAMPLE_KEYS=$IT_DIR it_start_device device.log || it_done
  it_run_ours 30 connect.out connect "127.0.0.1:$IT_PORT" --anchor "$IT_DIR/ecp384/ca.cert.der" \
    --flow full --json --shutdown
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "connect --flow full against the default device" ||
    { it_fail "connect --flow full exit $rc"; tail -n 5 connect.out; }
  it_wait_exit "$IT_DEV_PID" 10 || it_fail "device did not exit after SHUTDOWN"
  it_done
}
