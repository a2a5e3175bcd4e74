# shellcheck shell=bash
# Interop cases for SET_CERTIFICATE's certificate model (sourced by interop.sh;
# docs/interop.md "Certificate models and multi-slot TSM identity"), DSP0274
# 1.3 SetCertModel / CertificateInfo on a multi-key connection:
#   cm-device SUITE  opentsm provision --cert-model -> device --multi-key neg
#                    --state-dir: the DMTF alias chain as AliasCert into slot 3,
#                    the device chain as GenericCert into slot 4, GenericCert
#                    into slot 0 refused; after a restart DIGESTS reports
#                    CertModel 2 and 3 and both chains validate by their model
#   cm-emu SUITE     opentsm provision --cert-model generic -> spdm_responder_emu
#                    (multi-key): SET_CERTIFICATE slot 2 accepted, and AliasCert's
#                    partial chain (libspdm's reading); its DIGESTS reports
#                    DeviceCert for every slot (spdm-emu's fixed CertificateInfo)

case_cm_device() { # SUITE
  local rc
  suite "$1"
  it_init "cm-device-$1"
  mkdir -p state
  local dev=(--identity "$S_IDENTITY" --keys "$IT_DIR" --state-dir state --multi-key neg
    --no-mut-auth)
  it_start_device device.log "${dev[@]}" || it_done
  it_run_ours 20 alias.out provision "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" \
    --session --key-pair 1 --cert-model alias --set-cert "3:$S_DIR/bundle_responder.certchain_alias.der"
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "SET_CERTIFICATE slot 3 AliasCert (alias chain): exit 0" ||
    it_fail "provision (alias) exit $rc: $(tail -n 1 alias.out)"
  it_run_ours 20 generic.out provision "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" \
    --session --key-pair 1 --cert-model generic --set-cert "4:$S_DIR/bundle_responder.certchain.der"
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "SET_CERTIFICATE slot 4 GenericCert: exit 0" ||
    it_fail "provision (generic) exit $rc: $(tail -n 1 generic.out)"
  # DSP0274 1.3 CertificateInfo: slot 0 is never GenericCert.
  it_run_ours 20 slot0.out provision "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" \
    --session --key-pair 1 --cert-model generic --set-cert "0:$S_DIR/bundle_responder.certchain.der"
  rc=$?
  [ "$rc" -ne 0 ] && grep -q 'InvalidRequest' slot0.out &&
    it_pass "SET_CERTIFICATE slot 0 GenericCert: InvalidRequest" ||
    it_fail "GenericCert in slot 0 not refused (exit $rc): $(tail -n 1 slot0.out)"
  # The device chain (hardware identity) is no AliasCert leaf... the DMTF
  # sample leaf has no hardware-identity OID, so the alias chain's partial
  # form (the device certificate, a CA, as leaf) stands for the refusal.
  it_run_ours 20 partial.out provision "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" \
    --session --key-pair 1 --cert-model alias \
    --set-cert "5:$S_DIR/bundle_responder.certchain_alias_cert_partial_set.der" --shutdown
  rc=$?
  [ "$rc" -ne 0 ] && grep -q 'InvalidRequest' partial.out &&
    it_pass "SET_CERTIFICATE AliasCert with a CA leaf (partial chain): InvalidRequest" ||
    it_fail "partial alias chain not refused (exit $rc): $(tail -n 1 partial.out)"
  it_wait_exit "$IT_DEV_PID" 10 || it_stop_all
  [ "$(head -c 8 state/slots.bin)" = OTSLOTS2 ] && it_pass "state/slots.bin is version 2" ||
    it_fail "state/slots.bin magic $(head -c 8 state/slots.bin | od -An -c)"
  # Restart: DIGESTS reports each slot's model, and each chain validates.
  it_start_device device2.log "${dev[@]}" || it_done
  it_run_ours 20 slot3.out provision "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" --slot 3 \
    --endpoint-info
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "slot 3 (AliasCert) chain verified, ENDPOINT_INFO signed by it" ||
    it_fail "provision --slot 3 exit $rc: $(tail -n 1 slot3.out)"
  grep -q '^DIGESTS slot 0: KeyPairID 1, CertModel 1,' slot3.out &&
    grep -q '^DIGESTS slot 3: KeyPairID 1, CertModel 2,' slot3.out &&
    grep -q '^DIGESTS slot 4: KeyPairID 1, CertModel 3,' slot3.out &&
    it_pass "DIGESTS: slot 0 DeviceCert, slot 3 AliasCert, slot 4 GenericCert" ||
    it_fail "DIGESTS: $(grep '^DIGESTS' slot3.out | tr '\n' ';')"
  grep -q '^DIGESTS slot 5' slot3.out && it_fail "slot 5 provisioned" ||
    it_pass "slot 5 (refused) stays empty"
  it_run_ours 20 slot4.out provision "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" --slot 4 \
    --endpoint-info --unsigned --shutdown
  rc=$?
  [ "$rc" -eq 0 ] && grep -q '^slot 4: certificate chain verified' slot4.out &&
    it_pass "slot 4 (GenericCert) chain fetched and verified" ||
    it_fail "provision --slot 4 exit $rc: $(tail -n 1 slot4.out)"
  it_wait_exit "$IT_DEV_PID" 10 || it_stop_all
  it_done
}

case_cm_emu() { # SUITE
  local rc
  suite "$1"
  it_init "cm-emu-$1"
  it_start_responder_emu responder.log --mut_auth NO --basic_mut_auth NO --ver 1.3 \
    --hash "$S_HASH" --asym "$S_ASYM" --dhe "$S_DHE" || it_done
  it_run_ours 20 set.out provision "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" \
    --session --cert-model generic --set-cert "2:$S_DIR/bundle_responder.certchain.der"
  rc=$?
  if grep -q '^DIGESTS slot 0' set.out; then
    it_pass "a multi-key connection: $(grep -m1 '^DIGESTS slot 0' set.out)"
  else
    it_fail "no multi-key connection with spdm_responder_emu"
  fi
  [ "$rc" -eq 0 ] && it_pass "SET_CERTIFICATE slot 2 GenericCert accepted by spdm_responder_emu" ||
    it_fail "provision (generic) exit $rc: $(tail -n 1 set.out)"
  # libspdm reads AliasCert's SET_CERTIFICATE as the partial chain ending in
  # the device certificate (a CA leaf); it takes it (our device refuses it).
  it_run_ours 20 alias.out provision "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" \
    --session --cert-model alias \
    --set-cert "3:$S_DIR/bundle_responder.certchain_alias_cert_partial_set.der"
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "spdm_responder_emu takes AliasCert's partial chain (CA leaf)" ||
    it_fail "provision (alias partial) exit $rc: $(tail -n 1 alias.out)"
  # GenericCert for slot 0: libspdm's responder has no such check (it stores it).
  it_run_ours 20 slot0.out provision "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" \
    --session --cert-model generic --set-cert "0:$S_DIR/bundle_responder.certchain.der"
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "spdm_responder_emu takes GenericCert for slot 0 (we refuse it)" ||
    it_fail "provision (generic slot 0) exit $rc: $(tail -n 1 slot0.out)"
  it_run_ours 20 after.out provision "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" \
    --endpoint-info --unsigned --shutdown
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "second connection: exit 0" ||
    it_fail "provision (after) exit $rc: $(tail -n 1 after.out)"
  it_log "spdm_responder_emu DIGESTS after: $(grep '^DIGESTS' after.out | tr '\n' ';')"
  # spdm-emu sets LIBSPDM_DATA_LOCAL_CERT_INFO to DeviceCert for every slot.
  grep -q '^DIGESTS slot' after.out && ! grep '^DIGESTS slot' after.out | grep -qv 'CertModel 1,' &&
    it_pass "spdm_responder_emu's DIGESTS: every slot DeviceCert" ||
    it_fail "spdm_responder_emu's DIGESTS: $(grep '^DIGESTS' after.out | tr '\n' ';')"
  it_wait_exit "$IT_RSP_PID" 10 || it_stop_all
  it_done
}

# opentsm connect with two identity slots (--req-slot 1: the DMTF sample
# requester chain 4 and its own key, KeyPairID 2) -> spdm_responder_emu
# asking mutual authentication (basic after CHALLENGE, and in KEY_EXCHANGE_RSP)
# with --req_slot_id 1: our encapsulated DIGESTS lists both slots (KeyPairID 1
# and 2) in the clear and in the session, and the flows complete (FINISH
# signed and verified).
case_req_slots() { # SUITE
  local rc d
  suite "$1"
  it_init "req-slots-$1"
  it_start_responder_emu responder.log --ver 1.3 --req_asym "$S_ASYM" --req_slot_id 1 \
    --hash "$S_HASH" --asym "$S_ASYM" --dhe "$S_DHE" || it_done
  it_run_ours 20 connect.out connect "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" \
    --req-cert-chain "$S_DIR/bundle_requester.certchain.der" \
    --req-key "$S_DIR/end_requester.key.der" \
    --req-slot "1:$S_DIR/bundle_requester.certchain4.der:$S_DIR/end_requester4.key" \
    --multi-key neg --shutdown --pcap connect.pcap --keylog connect.keylog
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "connect with --req-slot 1: exit 0" ||
    it_fail "connect exit $rc: $(grep -m2 -i 'refused\|fail' connect.out | tr '\n' ' ')"
  it_wait_exit "$IT_RSP_PID" 10 || it_fail "spdm_responder_emu did not exit after SHUTDOWN"
  check_capture_with_keylog connect.pcap connect.keylog "connect capture"
  d=connect.pcap.txt
  local digests
  digests=$(grep -F 'SecuredSPDM' "$d" |
    grep -m1 'SPDM_DELIVER_ENCAPSULATED_RESPONSE .*SPDM_DIGESTS')
  case $digests in
  *"SlotMask=0x03"*) it_pass "our DIGESTS (session) provisions slots 0 and 1" ;;
  *) it_fail "DIGESTS (session) slots: $(echo "$digests" | cut -c1-300)" ;;
  esac
  case $digests in
  *"KeyPairId=0x01,0x02, CertInfo=0x01(DEVICE),0x01(DEVICE),"*)
    it_pass "our DIGESTS lists KeyPairID 1 and 2" ;;
  *) it_fail "DIGESTS arrays: $(echo "$digests" | cut -c1-300)" ;;
  esac
  # This spdm_responder_emu still fetches and asks for slot 0 (encapsulated
  # GET_CERTIFICATE SlotID 0, FINISH ReqSlotID 0) whatever --req_slot_id says.
  it_log "the responder asked: $(grep -o 'SPDM_GET_CERTIFICATE (SlotID=0x0[0-7]' "$d" | sort -u | tr '\n' ' ')$(grep -o 'SPDM_FINISH (.*ReqSlotID=0x0[0-7]' "$d" | grep -o 'ReqSlotID=0x0[0-7]' | head -1)"
  grep -F 'PCI_DOE(1, 1)' "$d" | grep 'SPDM_DELIVER_ENCAPSULATED_RESPONSE .*SPDM_DIGESTS' |
    grep -q 'ProvisionedSlotMask=0x03) (KeyPairId=0x01,0x02,' &&
    it_pass "our DIGESTS (basic mutual authentication) lists slots 0 and 1" ||
    it_fail "no two-slot DIGESTS in the clear"
  grep -q 'SPDM_FINISH (Attr=0x01 (SigIncl=1)' "$d" && grep -q 'SPDM_FINISH_RSP' "$d" &&
    grep -q 'SPDM_END_SESSION_ACK' "$d" &&
    it_pass "FINISH signed, verified (FINISH_RSP, END_SESSION_ACK)" ||
    it_fail "no signed FINISH / FINISH_RSP / END_SESSION_ACK"
  grep -q 'SPDM_ERROR' "$d" && it_fail "an ERROR in the capture: $(grep -m1 SPDM_ERROR "$d" | cut -c1-200)"
  it_done
}
