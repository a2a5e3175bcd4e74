# shellcheck shell=bash
# GET_CSR with CSRTrackingTag and ERROR ResetRequired (DSP0274 1.3), both
# roles (sourced by interop.sh; docs/interop.md "The TSM against the
# reference's defaults (requester side)").

# Our requester against spdm_responder_emu with CERT_INSTALL_RESET_CAP. The
# reference keeps a pending request in cached_last_csr_N_request in its
# working directory (empty files = free tags; it answers Busy when none
# exists) and, after its restart, hands out test_csr/cached.csr to a GET_CSR
# naming the tag: that file stands for the CSR its reset finished.
case_csr_tag_emu() {
  local rc i caps=CACHE,CERT,CHAL,MEAS_SIG,MEAS_FRESH,ENCRYPT,MAC,KEY_EX,CHUNK,SET_CERT,CSR,CERT_INSTALL_RESET
  it_init "csr-tag-emu"
  for i in 1 2 3 4 5 6 7; do : >"cached_last_csr_${i}_request"; done
  mkdir -p test_csr
  openssl req -new -key ecp384/end_responder.key -subj /CN=reference-after-reset -outform der \
    -out test_csr/cached.csr 2>/dev/null || { it_fail "openssl req"; it_done; }
  it_start_responder_emu responder-1.log --ver 1.3 --cap "$caps" || it_done
  it_run_ours 20 provision-1.out provision "127.0.0.1:$IT_PORT" --anchor ecp384/ca.cert.der \
    --get-csr csr.der --shutdown
  rc=$?
  [ "$rc" -eq 5 ] && grep -q 'ResetRequired, CSRTrackingTag 1' provision-1.out &&
    it_pass "GET_CSR answered ResetRequired with CSRTrackingTag 1 (exit 5)" ||
    it_fail "first GET_CSR: exit $rc: $(tail -n 1 provision-1.out)"
  it_wait_exit "$IT_RSP_PID" 10 || it_stop_all
  [ -s cached_last_csr_1_request ] && it_pass "the reference keeps the request under tag 1" ||
    it_fail "no pending request under tag 1"
  it_start_responder_emu responder-2.log --ver 1.3 --cap "$caps" || it_done
  it_run_ours 20 provision-2.out provision "127.0.0.1:$IT_PORT" --anchor ecp384/ca.cert.der \
    --get-csr csr.der --csr-tag 1 --shutdown --pcap provision-2.pcap
  rc=$?
  [ "$rc" -eq 0 ] && cmp -s csr.der test_csr/cached.csr &&
    it_pass "after the restart GET_CSR with tag 1 returned the finished CSR" ||
    it_fail "GET_CSR --csr-tag 1: exit $rc: $(tail -n 1 provision-2.out)"
  it_wait_exit "$IT_RSP_PID" 10 || it_stop_all
  it_dump provision-2.pcap dump.txt || it_fail "spdm_dump exit $?"
  grep -q 'SPDM(13, 0xed) SPDM_GET_CSR' dump.txt && grep -q 'SPDM_CSR ' dump.txt &&
    it_pass "spdm_dump: GET_CSR and CSR" || it_fail "no GET_CSR / CSR in the capture"
  it_done
}

# The same against our device (--state-dir --csr-reset): the CSR is made at
# the first GET_CSR, kept in csr.bin, still pending before a restart, handed
# out once after it, then the tag is unknown (InvalidRequest).
case_csr_tag_device() {
  local rc
  it_init "csr-tag-device"
  mkdir state
  it_start_device device-1.log --keys "$IT_DIR" --state-dir state --csr-reset || it_done
  it_run_ours 20 p1.out provision "127.0.0.1:$IT_PORT" --anchor ecp384/ca.cert.der --get-csr csr.der
  rc=$?
  [ "$rc" -eq 5 ] && grep -q 'CSRTrackingTag 1' p1.out && it_pass "ResetRequired, tag 1" ||
    it_fail "first GET_CSR: exit $rc: $(tail -n 1 p1.out)"
  it_run_ours 20 p2.out provision "127.0.0.1:$IT_PORT" --anchor ecp384/ca.cert.der \
    --get-csr csr.der --csr-tag 1 --shutdown
  rc=$?
  [ "$rc" -eq 5 ] && it_pass "before the restart tag 1 is still pending (ResetRequired)" ||
    it_fail "tag 1 before the restart: exit $rc: $(tail -n 1 p2.out)"
  it_wait_exit "$IT_DEV_PID" 10 || it_stop_all
  [ -s state/csr.bin ] && it_pass "state/csr.bin written" || it_fail "no state/csr.bin"
  it_start_device device-2.log --keys "$IT_DIR" --state-dir state --csr-reset || it_done
  it_run_ours 20 p3.out provision "127.0.0.1:$IT_PORT" --anchor ecp384/ca.cert.der \
    --get-csr csr.der --csr-tag 1
  rc=$?
  [ "$rc" -eq 0 ] && openssl req -inform der -in csr.der -noout -verify 2>/dev/null &&
    it_pass "after the restart: the CSR (self-signature checked by openssl too)" ||
    it_fail "tag 1 after the restart: exit $rc: $(tail -n 1 p3.out)"
  it_run_ours 20 p4.out provision "127.0.0.1:$IT_PORT" --anchor ecp384/ca.cert.der \
    --get-csr csr2.der --csr-tag 1 --shutdown
  rc=$?
  [ "$rc" -eq 1 ] && grep -q 'InvalidRequest' p4.out &&
    it_pass "tag 1 handed out once: then InvalidRequest" ||
    it_fail "tag 1 again: exit $rc: $(tail -n 1 p4.out)"
  it_wait_exit "$IT_DEV_PID" 10 || it_stop_all
  it_done
}
