# shellcheck shell=bash
# Mutual authentication cases of the live interop suite (sourced by
# interop.sh; docs/interop.md "Mutual authentication").

# Our requester (opentsm connect) with its own identity against
# spdm_responder_emu. MODE `default` leaves the responder's mutual-auth
# settings alone (basic mutual authentication in CHALLENGE_AUTH, then
# MutAuthRequested W_ENCAP in KEY_EXCHANGE_RSP); WO_ENCAP and DIGESTS pick the
# other two MutAuthRequested values. The TSM presents the DMTF sample
# requester chain (keys/<suite>/bundle_requester.certchain.der, root ca.cert.der:
# the root spdm_responder_emu trusts for requesters) with its key. The
# responder accepts only RSA for ReqBaseAsymAlg unless told otherwise, so
# --req_asym names the suite's ECDSA algorithm (docs/interop.md).
case_mutauth() { # VER SUITE MODE
  local ver=$1 mode=$3 rc want_mut
  suite "$2"
  local peer=()
  case $mode in
  default) want_mut='MutAuth=0x02(MutAuthWithEncap)' ;;
  WO_ENCAP) peer=(--mut_auth WO_ENCAP --basic_mut_auth NO) want_mut='MutAuth=0x01(MutAuthNoEncap)' ;;
  DIGESTS) peer=(--mut_auth DIGESTS --basic_mut_auth NO) want_mut='MutAuth=0x04(MutAuthWithGetDigests)' ;;
  *) echo "unknown mode $mode"; exit 2 ;;
  esac
  it_init "mutauth-$ver-$2-$mode"
  it_start_responder_emu responder.log --ver "$ver" "${peer[@]}" --req_asym "$S_ASYM" \
    --hash "$S_HASH" --asym "$S_ASYM" --dhe "$S_DHE" || it_done
  it_run_ours 20 connect.out connect "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" \
    --req-cert-chain "$S_DIR/bundle_requester.certchain.der" \
    --req-key "$S_DIR/end_requester.key.der" --shutdown --pcap connect.pcap --keylog connect.keylog
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "connect with the TSM's identity exit 0" ||
    it_fail "connect exit $rc: $(grep -m2 -i 'refused\|fail' connect.out | tr '\n' ' ')"
  it_wait_exit "$IT_RSP_PID" 10
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "spdm_responder_emu exited 0 after SHUTDOWN" ||
    it_fail "spdm_responder_emu exit $rc after SHUTDOWN"
  local d=connect.pcap.txt
  if [ "$mode" = WO_ENCAP ]; then
    # No encapsulated CERTIFICATE in the capture: spdm_dump needs our chain
    # for H(CM) (TH2) to decrypt past FINISH.
    local s args=()
    for s in $(sed -n 's/^DHE_SECRET //p' connect.keylog); do args+=(--dhe_secret "$s"); done
    timeout 30 "$OPENTSM_PEERS/bin/spdm_dump" -r connect.pcap -d "${args[@]}" \
      --cert_chain_format RAW --req_cert_chain "$S_DIR/bundle_requester.certchain.der" >"$d" 2>&1 ||
      it_fail "spdm_dump exit $?"
    it_check_dump_complete connect.pcap "$d" "connect capture"
    it_check_dump_decrypted "$d" "connect capture"
    it_check_dump_decoded "$d" "connect capture"
  else
    check_capture_with_keylog connect.pcap connect.keylog "connect capture"
  fi
  if [ "$mode" = default ]; then
    # Basic mutual authentication: CHALLENGE_AUTH bit 7, then the responder's
    # encapsulated GET_DIGESTS, GET_CERTIFICATE and CHALLENGE, our signed
    # CHALLENGE_AUTH, and the ACK that ends the flow.
    grep -q 'SPDM_CHALLENGE_AUTH (Attr=0x80(BasicMutAuth' "$d" &&
      it_pass "CHALLENGE_AUTH asks for basic mutual authentication" ||
      it_fail "no BasicMutAuth in CHALLENGE_AUTH"
    grep -q 'SPDM_DELIVER_ENCAPSULATED_RESPONSE (ReqID=0x03) SPDM([0-9]*, 0x03) SPDM_CHALLENGE_AUTH' "$d" &&
      it_pass "our encapsulated CHALLENGE_AUTH delivered" ||
      it_fail "no encapsulated CHALLENGE_AUTH from us"
    grep -q 'SPDM_ENCAPSULATED_RESPONSE_ACK (ReqID=0x00, AckReqID=0x03) (Done)' "$d" &&
      it_pass "the responder accepted it (ACK Done)" || it_fail "no final ACK after CHALLENGE_AUTH"
  fi
  grep -q "SPDM_KEY_EXCHANGE_RSP .*$want_mut" "$d" && it_pass "KEY_EXCHANGE_RSP $want_mut" ||
    it_fail "KEY_EXCHANGE_RSP without $want_mut"
  if [ "$mode" != WO_ENCAP ]; then
    grep -q 'SecuredSPDM.*SPDM_DELIVER_ENCAPSULATED_RESPONSE .*SPDM_CERTIFICATE' "$d" &&
      it_pass "our chain delivered inside the handshake" ||
      it_fail "no encapsulated CERTIFICATE in the session"
  fi
  grep -q 'SPDM_FINISH (Attr=0x01 (SigIncl=1)' "$d" && it_pass "FINISH carries our signature" ||
    it_fail "FINISH without SignatureIncluded"
  grep -q 'SPDM_FINISH_RSP' "$d" && grep -q 'SPDM_END_SESSION_ACK' "$d" &&
    it_pass "FINISH_RSP and END_SESSION_ACK: the responder verified us" ||
    it_fail "no FINISH_RSP / END_SESSION_ACK"
  it_done
}

# spdm_requester_emu (the DMTF sample requester identity, its default
# capabilities incl. MUT_AUTH_CAP/ENCAP_CAP) against `opentsm device --mut-auth
# MODE --basic-mut-auth --req-ca ca.cert.der`, judged from spdm_dump's
# decrypted capture: basic mutual authentication after CHALLENGE, and every
# session mutually authenticated (MutAuthRequested, the requester's chain
# fetched inside the handshake, FINISH signed and accepted). Then the same
# with --req-ca naming another root (ca1): the device refuses the chain (ERROR
# InvalidRequest, ErrCode 0x01, which spdm_dump spells "InvalidRequset") and
# no session is established.
# CHANNEL `secured` gives the device --no-handshake-in-the-clear: the
# session's encapsulated flow then runs under the handshake keys; by default
# both sides set HANDSHAKE_IN_THE_CLEAR_CAP and it runs in the clear, as
# libspdm sends every request of a handshaking key-exchange session then.
case_mutauth_device() { # VER SUITE MODE(encap|digests) [secured]
  local ver=$1 mode=$3 want_mut line chan='PCI_DOE(1, 1)' acks=3 hitc=()
  [ "${4:-}" = secured ] && { chan='SecuredSPDM'; acks=2; hitc=(--no-handshake-in-the-clear); }
  suite "$2"
  case $mode in
  encap) want_mut='MutAuth=0x02(MutAuthWithEncap)' ;;
  digests) want_mut='MutAuth=0x04(MutAuthWithGetDigests)' ;;
  *) echo "unknown mode $mode"; exit 2 ;;
  esac
  it_init "mutauth-device-$ver-$2-$mode${4:+-$4}"
  local run=(--trans PCI_DOE --ver "$ver" --hash "$S_HASH" --asym "$S_ASYM" --dhe "$S_DHE"
    --req_asym "$S_ASYM" --exe_conn DIGEST,CERT,CHAL,MEAS --meas_op ALL
    --exe_session KEY_EX,HEARTBEAT,KEY_UPDATE --key_upd ALL)
  it_start_device device.log --identity "$S_IDENTITY" --keys "$IT_DIR" "${hitc[@]}" \
    --mut-auth "$mode" --basic-mut-auth --req-ca "$S_DIR/ca.cert.der" || it_done
  local d=dump.txt n
  it_requester_emu_dump 40 "$d" "${run[@]}"
  n=$(grep -c "SPDM_KEY_EXCHANGE_RSP .*$want_mut" "$d")
  [ "$n" -eq 2 ] && it_pass "both sessions: KEY_EXCHANGE_RSP $want_mut" ||
    it_fail "$n KEY_EXCHANGE_RSP with $want_mut, want 2"
  n=$(grep -F "$chan" "$d" | grep -c 'SPDM_DELIVER_ENCAPSULATED_RESPONSE .*SPDM_CERTIFICATE')
  [ "$n" -ge 2 ] && it_pass "the requester's chain delivered in each handshake ($n portions, $chan)" ||
    it_fail "$n encapsulated CERTIFICATE portions ($chan)"
  # In the clear the basic flow's final ACK is counted too.
  n=$(grep -F "$chan" "$d" |
    grep -c 'SPDM_ENCAPSULATED_RESPONSE_ACK (ReqID=0x00, AckReqID=0x0[0-9]) (Done)')
  [ "$n" -eq "$acks" ] && it_pass "the device ended each flow (ACK Done, $chan)" ||
    it_fail "$n final ACKs ($chan), want $acks"
  # Basic mutual authentication after CHALLENGE (plain DOE objects, type 1):
  # the requester's chain, then its CHALLENGE_AUTH verified: the flow ends
  # with ACK Done and no ERROR.
  grep -q 'SPDM_CHALLENGE_AUTH (Attr=0x80(BasicMutAuth' "$d" &&
    it_pass "CHALLENGE_AUTH asks for basic mutual authentication" ||
    it_fail "no BasicMutAuth in the device's CHALLENGE_AUTH"
  grep 'PCI_DOE(1, 1)' "$d" | grep -q 'SPDM_DELIVER_ENCAPSULATED_RESPONSE .*SPDM_CHALLENGE_AUTH' &&
    grep 'PCI_DOE(1, 1)' "$d" | grep -q 'SPDM_ENCAPSULATED_RESPONSE_ACK (ReqID=0x00, AckReqID=0x0[0-9]) (Done)' &&
    it_pass "the requester's CHALLENGE_AUTH verified over M2 (ACK Done)" ||
    it_fail "basic mutual authentication did not complete"
  n=$(grep -c 'SPDM_FINISH (Attr=0x01 (SigIncl=1)' "$d")
  [ "$n" -eq 2 ] && it_pass "FINISH signed by the requester, twice" || it_fail "$n signed FINISH"
  n=$(grep -c 'SPDM_FINISH_RSP' "$d")
  [ "$n" -eq 2 ] && it_pass "FINISH_RSP twice: the device verified the signatures" ||
    it_fail "$n FINISH_RSP"
  grep -q 'SPDM_ERROR' "$d" && it_fail "an ERROR in the capture: $(grep -m1 SPDM_ERROR "$d" | cut -c1-160)"
  n=$(grep -c 'SPDM_KEY_UPDATE_ACK' "$d")
  [ "$n" -ge 4 ] && it_pass "KEY_UPDATE in the mutually authenticated sessions" ||
    it_fail "$n KEY_UPDATE_ACK"

  # Another root: the device refuses the requester's chain.
  it_start_device device-ca1.log --identity "$S_IDENTITY" --keys "$IT_DIR" "${hitc[@]}" \
    --mut-auth "$mode" --req-ca "$S_DIR/ca1.cert.der" || it_done
  it_run_peer 40 requester-ca1.log "$OPENTSM_PEERS/bin-debug/spdm_requester_emu" --ip 127.0.0.1 \
    --port "$IT_PORT" --pcap requester-ca1.pcap "${run[@]}"
  it_wait_exit "$IT_DEV_PID" 10 || it_stop_all
  REQ_SECRETS=$(sed -n 's/.*\[DHE Secret\]: *\([0-9a-fA-F][0-9a-fA-F]*\).*/\1/p' requester-ca1.log)
  # shellcheck disable=SC2086
  it_dump requester-ca1.pcap dump-ca1.txt $REQ_SECRETS || true
  line=$(grep -m1 'SPDM_ERROR' dump-ca1.txt | cut -c1-200)
  case $line in
  *"$chan"*ErrCode=0x01*) it_pass "untrusted requester chain: ERROR InvalidRequest in the handshake" ;;
  *) it_fail "untrusted requester chain: no ERROR InvalidRequest in the handshake ('$line')" ;;
  esac
  grep -q 'SPDM_FINISH_RSP' dump-ca1.txt && it_fail "a session was established with an untrusted requester"
  it_done
}

# The responder renews its own key through the encapsulated flow (DSP0274 1.2
# §10.15): connect --encap-key-update sends spdm-emu's out-of-band command,
# fetches KEY_UPDATE UpdateKey and VerifyNewKey with GET_ENCAPSULATED_REQUEST,
# and the HEARTBEAT after it travels under the new key. ID `with-id` also
# presents the TSM's identity (mutual authentication first), `no-id` not.
case_encap_key_update() { # VER SUITE with-id|no-id
  local ver=$1 rc id=()
  suite "$2"
  [ "$3" = with-id ] && id=(--req-cert-chain "$S_DIR/bundle_requester.certchain.der"
    --req-key "$S_DIR/end_requester.key.der")
  it_init "encap-key-update-$ver-$2-$3"
  it_start_responder_emu responder.log --ver "$ver" --req_asym "$S_ASYM" \
    --hash "$S_HASH" --asym "$S_ASYM" --dhe "$S_DHE" || it_done
  it_run_ours 20 connect.out connect "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" "${id[@]}" \
    --encap-key-update --shutdown --pcap connect.pcap --keylog connect.keylog
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "connect --encap-key-update exit 0" ||
    it_fail "connect exit $rc: $(grep -m2 -i 'refused\|fail' connect.out | tr '\n' ' ')"
  grep -q 'encapsulated KEY_UPDATE by the device' connect.out && it_pass "reported" ||
    it_fail "no encapsulated KEY_UPDATE reported"
  check_capture_with_keylog connect.pcap connect.keylog "connect capture"
  local d=connect.pcap.txt
  grep -q 'SPDM_ENCAPSULATED_REQUEST (ReqID=0x01) SPDM([0-9]*, 0xe9) SPDM_KEY_UPDATE (KeyOp=0x01(UpdateKey)' "$d" &&
    it_pass "encapsulated UpdateKey received" || it_fail "no encapsulated UpdateKey"
  grep -q 'SPDM_DELIVER_ENCAPSULATED_RESPONSE (ReqID=0x02) SPDM([0-9]*, 0x69) SPDM_KEY_UPDATE_ACK (KeyOp=0x03(VerifyNewKey)' "$d" &&
    it_pass "VerifyNewKey acknowledged" || it_fail "no VerifyNewKey ACK"
  grep -A2 'AckReqID=0x02) (Done)' "$d" | grep -q 'SPDM_HEARTBEAT_ACK' &&
    it_pass "HEARTBEAT_ACK under the new key after the flow" || it_fail "no HEARTBEAT_ACK after the flow"
  it_wait_exit "$IT_RSP_PID" 10 || it_fail "spdm_responder_emu did not exit after SHUTDOWN"
  it_done
}

# The device renews its own key: spdm_requester_emu --key_upd RSP sends the
# out-of-band command 8001h, then fetches the device's encapsulated KEY_UPDATE
# (UpdateKey, then VerifyNewKey under the device's new key) in each session;
# the END_SESSION after it is answered.
case_encap_key_update_device() { # VER SUITE
  local ver=$1 n
  suite "$2"
  it_init "encap-key-update-device-$ver-$2"
  it_start_device device.log --identity "$S_IDENTITY" --keys "$IT_DIR" \
    --mut-auth encap --req-ca "$S_DIR/ca.cert.der" || it_done
  local d=dump.txt
  it_requester_emu_dump 40 "$d" --trans PCI_DOE --ver "$ver" --hash "$S_HASH" \
    --asym "$S_ASYM" --dhe "$S_DHE" --req_asym "$S_ASYM" --exe_conn DIGEST,CERT \
    --exe_session KEY_EX,KEY_UPDATE,HEARTBEAT --key_upd RSP
  n=$(grep -c 'SPDM_ENCAPSULATED_REQUEST (ReqID=0x01) SPDM([0-9]*, 0xe9) SPDM_KEY_UPDATE (KeyOp=0x01(UpdateKey)' "$d")
  [ "$n" -ge 1 ] && it_pass "the device's encapsulated UpdateKey ($n)" || it_fail "no encapsulated UpdateKey"
  n=$(grep -c 'SPDM_DELIVER_ENCAPSULATED_RESPONSE (ReqID=0x02) SPDM([0-9]*, 0x69) SPDM_KEY_UPDATE_ACK (KeyOp=0x03(VerifyNewKey)' "$d")
  [ "$n" -ge 1 ] && it_pass "VerifyNewKey acknowledged under the new key ($n)" ||
    it_fail "no VerifyNewKey ACK"
  # The requester's next request in that session (END_SESSION, after its
  # HEARTBEAT came before the KEY_UPDATE step) is answered under the new key.
  grep -A2 'AckReqID=0x02) (Done)' "$d" | grep -q 'SPDM_END_SESSION_ACK' &&
    it_pass "END_SESSION_ACK under the new key after the flow" ||
    it_fail "no END_SESSION_ACK after the flow"
  grep -q 'SPDM_ERROR' "$d" && it_fail "an ERROR in the capture: $(grep -m1 SPDM_ERROR "$d" | cut -c1-160)"
  it_done
}
