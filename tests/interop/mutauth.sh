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
