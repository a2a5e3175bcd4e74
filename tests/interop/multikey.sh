# shellcheck shell=bash
# Multi-key connections for the requester (DSP0274 1.3 MULTI_KEY_CAP,
# ALGORITHMS OtherParamsSelection bit 4 RequesterMultiKeyConn) in the live
# interop suite (sourced by interop.sh; docs/interop.md "Multi-key requester
# (TSM role)").

# The checks of a multi-key requester's encapsulated messages in dump $1 on
# channel $2 (a grep -F pattern: 'PCI_DOE(1, 1)' plain, 'SecuredSPDM' in a
# session): its DIGESTS lists KeyPairID / CertificateInfo / KeyUsageMask,
# its CERTIFICATE carries the slot's CertificateInfo (Param2), and the device
# ended the flow (ACK Done). $3: the expected arrays text, empty for a
# connection that is not multi-key for the requester (no arrays, Param2 0).
mk_check_encap() { # dump channel arrays label
  local d=$1 chan=$2 arrays=$3 label=$4 line
  line=$(grep -F "$chan" "$d" | grep -m1 'SPDM_DELIVER_ENCAPSULATED_RESPONSE .*SPDM_DIGESTS')
  if [ -z "$line" ]; then
    it_fail "$label: no encapsulated DIGESTS"
  elif [ -n "$arrays" ]; then
    case $line in
    *"$arrays"*) it_pass "$label: our DIGESTS lists $arrays" ;;
    *) it_fail "$label: DIGESTS without '$arrays': $(echo "$line" | cut -c1-300)" ;;
    esac
  else
    case $line in
    *KeyPairId*) it_fail "$label: multi-key arrays on a connection not multi-key for us" ;;
    *) it_pass "$label: our DIGESTS has no multi-key arrays" ;;
    esac
  fi
  local want='Attr=0x00(NONE)'
  [ -n "$arrays" ] && want='Attr=0x01(DEVICE)'
  grep -F "$chan" "$d" | grep 'SPDM_DELIVER_ENCAPSULATED_RESPONSE .*SPDM_CERTIFICATE' |
    grep -qF "$want" && it_pass "$label: our CERTIFICATE $want" ||
    it_fail "$label: no encapsulated CERTIFICATE with $want"
  grep -F "$chan" "$d" | grep -q 'SPDM_ENCAPSULATED_RESPONSE_ACK (ReqID=0x00, AckReqID=0x0[0-9]) (Done)' &&
    it_pass "$label: the device ended the flow (ACK Done)" || it_fail "$label: no final ACK"
}

# opentsm connect with its own identity (the DMTF sample requester chain)
# and --multi-key OURS (neg|only|off|default: none given) against
# spdm_responder_emu, which asks basic mutual authentication after CHALLENGE
# and MutAuthRequested 02h in KEY_EXCHANGE_RSP. VER 1.3, or 1.4 (no --ver:
# the pair's highest). PEER default leaves the responder's capabilities
# (MULTI_KEY_NEG) alone; rsp-only gives it MULTI_KEY_ONLY instead;
# rsp-declines takes MULTI_KEY_CONN out of its OtherParamsSupport, so it
# declines a 10b requester (RequesterMultiKeyConn 0): single-key messages.
case_multikey() { # VER SUITE OURS PEER
  local ver=$1 ours=$3 peer=$4 rc mk=()
  suite "$2"
  local pv=(--ver "$ver")
  [ "$ver" = 1.4 ] && pv=()
  local pcap=()
  case $peer in
  default) ;;
  rsp-only)
    pcap=(--cap CACHE,CERT,CHAL,MEAS_SIG,MEAS_FRESH,ENCRYPT,MAC,MUT_AUTH,KEY_EX,PSK_WITH_CONTEXT,ENCAP,HBEAT,KEY_UPD,HANDSHAKE_IN_CLEAR,SET_CERT,CSR,MULTI_KEY_ONLY,GET_KEY_PAIR_INFO,SET_KEY_PAIR_INFO,LARGE_RESP)
    ;;
  rsp-declines) pcap=(--other_param OPAQUE_FMT_1) ;;
  *) echo "unknown peer $peer"; exit 2 ;;
  esac
  [ "$ours" = default ] || mk=(--multi-key "$ours")
  it_init "multikey-$ver-$2-$ours-$peer"
  it_start_responder_emu responder.log "${pv[@]}" "${pcap[@]}" --req_asym "$S_ASYM" \
    --hash "$S_HASH" --asym "$S_ASYM" --dhe "$S_DHE" || it_done
  it_run_ours 20 connect.out connect "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" \
    --req-cert-chain "$S_DIR/bundle_requester.certchain.der" \
    --req-key "$S_DIR/end_requester.key.der" "${mk[@]}" --shutdown --pcap connect.pcap \
    --keylog connect.keylog
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "connect --multi-key $ours exit 0" ||
    it_fail "connect exit $rc: $(grep -m2 -i 'refused\|fail' connect.out | tr '\n' ' ')"
  it_wait_exit "$IT_RSP_PID" 10 || it_fail "spdm_responder_emu did not exit after SHUTDOWN"
  check_capture_with_keylog connect.pcap connect.keylog "connect capture"
  local d=connect.pcap.txt want_v=13 caps flags
  [ "$ver" = 1.4 ] && want_v=14
  grep -q "SPDM($want_v, 0x63) SPDM_ALGORITHMS" "$d" && it_pass "SPDM $ver negotiated" ||
    it_fail "not SPDM $ver"
  # Our MULTI_KEY_CAP (GET_CAPABILITIES Flags bits 27:26): 10b, 01b or 00b.
  flags=$(sed -n 's/.*SPDM_GET_CAPABILITIES (Flags=0x\([0-9a-f]*\).*/\1/p' "$d" | head -1)
  caps=$(((0x${flags:-0} >> 26) & 3))
  local want_caps=2
  [ "$ours" = only ] && want_caps=1
  [ "$ours" = off ] && want_caps=0
  [ "$caps" -eq "$want_caps" ] && it_pass "GET_CAPABILITIES MULTI_KEY_CAP $caps" ||
    it_fail "GET_CAPABILITIES MULTI_KEY_CAP $caps (Flags 0x$flags), want $want_caps"
  # RequesterMultiKeyConn: the responder's selection, bit 4.
  local sel arrays='KeyPairId=0x01, CertInfo=0x01(DEVICE), KeyUsage=0x000f(KEY_EX,CHALL,MEAS,EP_INFO)'
  sel=$(sed -n 's/.*SPDM_ALGORITHMS (MeasSpec=[^,]*, OtherParam=\(0x[0-9a-f]*\).*/\1/p' "$d")
  if [ "$ours" = off ] || [ "$peer" = rsp-declines ]; then
    arrays=
    [ $((${sel:-0} & 0x10)) -eq 0 ] && it_pass "ALGORITHMS OtherParam $sel: not multi-key for us" ||
      it_fail "ALGORITHMS OtherParam $sel selects MULTI_KEY_CONN ($ours, $peer)"
  else
    [ $((${sel:-0} & 0x10)) -ne 0 ] && it_pass "ALGORITHMS OtherParam $sel: multi-key for us" ||
      it_fail "ALGORITHMS OtherParam ${sel:-none} without MULTI_KEY_CONN"
  fi
  if [ "$peer" = rsp-only ]; then
    # multi_key_conn_rsp too: the device's own DIGESTS carries its arrays.
    grep 'PCI_DOE(1, 1) RSP->REQ' "$d" | grep -q 'SPDM_DIGESTS .*KeyPairId=' &&
      it_pass "the responder (MULTI_KEY_ONLY) lists its key pairs" ||
      it_fail "no multi-key DIGESTS from the MULTI_KEY_ONLY responder"
  fi
  # Basic mutual authentication (plain) and the session's (secured).
  grep -q 'SPDM_CHALLENGE_AUTH (Attr=0x80(BasicMutAuth' "$d" &&
    it_pass "CHALLENGE_AUTH asks for basic mutual authentication" ||
    it_fail "no BasicMutAuth in CHALLENGE_AUTH"
  mk_check_encap "$d" 'PCI_DOE(1, 1)' "$arrays" "basic"
  grep -q 'SPDM_DELIVER_ENCAPSULATED_RESPONSE (ReqID=0x03) SPDM([0-9]*, 0x03) SPDM_CHALLENGE_AUTH' "$d" &&
    it_pass "our CHALLENGE_AUTH delivered" || it_fail "no encapsulated CHALLENGE_AUTH from us"
  mk_check_encap "$d" 'SecuredSPDM' "$arrays" "session"
  grep -q 'SPDM_KEY_EXCHANGE_RSP .*MutAuth=0x02(MutAuthWithEncap)' "$d" &&
    it_pass "KEY_EXCHANGE_RSP MutAuthWithEncap" || it_fail "no MutAuthWithEncap"
  grep -q 'SPDM_FINISH (Attr=0x01 (SigIncl=1)' "$d" && it_pass "FINISH carries our signature" ||
    it_fail "FINISH without SignatureIncluded"
  # FINISH_RSP: the responder took our signature and RequesterVerifyData,
  # both over TH with our encapsulated DIGESTS (EncapD) when multi-key.
  grep -q 'SPDM_FINISH_RSP' "$d" && grep -q 'SPDM_END_SESSION_ACK' "$d" &&
    it_pass "FINISH_RSP and END_SESSION_ACK: the responder verified us" ||
    it_fail "no FINISH_RSP / END_SESSION_ACK"
  grep -q 'SPDM_ERROR' "$d" && it_fail "an ERROR in the capture: $(grep -m1 SPDM_ERROR "$d" | cut -c1-200)"
  grep -qi 'error' responder.log && it_fail "responder log: $(grep -m1 -i error responder.log)"
  it_done
}

# Our device asks mutual authentication (encapsulated flow in the session,
# basic after CHALLENGE) of spdm_requester_emu, whose MULTI_KEY_CAP is 10b
# by default (PEER default) or 01b (PEER req-only): the connection is
# multi-key for the requester, its DIGESTS lists its key pairs, and the
# device picks the slot by KeyUsageMask and puts that DIGESTS in TH. PEER
# req-none: the requester's MULTI_KEY_CAP 00b: the device must not select
# RequesterMultiKeyConn (libspdm's requester refuses an ALGORITHMS that does),
# and the flow is the single-key one.
case_multikey_device() { # VER SUITE PEER
  local ver=$1 peer=$3 n
  suite "$2"
  it_init "multikey-device-$ver-$2-$peer"
  local pv=(--ver "$ver")
  [ "$ver" = 1.4 ] && pv=()
  local pcap=()
  case $peer in
  default) ;;
  req-only)
    pcap=(--cap CERT,CHAL,ENCRYPT,MAC,MUT_AUTH,KEY_EX,ENCAP,HBEAT,KEY_UPD,HANDSHAKE_IN_CLEAR,MULTI_KEY_ONLY,LARGE_RESP) ;;
  req-none)
    pcap=(--cap CERT,CHAL,ENCRYPT,MAC,MUT_AUTH,KEY_EX,ENCAP,HBEAT,KEY_UPD,HANDSHAKE_IN_CLEAR,LARGE_RESP) ;;
  *) echo "unknown peer $peer"; exit 2 ;;
  esac
  local run=(--trans PCI_DOE "${pv[@]}" "${pcap[@]}" --hash "$S_HASH" --asym "$S_ASYM"
    --dhe "$S_DHE" --req_asym "$S_ASYM" --exe_conn DIGEST,CERT,CHAL,MEAS --meas_op ALL
    --exe_session KEY_EX,HEARTBEAT,KEY_UPDATE --key_upd ALL)
  it_start_device device.log --identity "$S_IDENTITY" --keys "$IT_DIR" \
    --mut-auth encap --basic-mut-auth --req-ca "$S_DIR/ca.cert.der" || it_done
  local d=dump.txt sel
  it_requester_emu_dump 40 "$d" "${run[@]}"
  sel=$(sed -n 's/.*SPDM_ALGORITHMS (MeasSpec=[^,]*, OtherParam=\(0x[0-9a-f]*\).*/\1/p' "$d")
  n=$(grep 'SPDM_DELIVER_ENCAPSULATED_RESPONSE .*SPDM_DIGESTS' "$d" | grep -c 'KeyPairId=')
  if [ "$peer" = req-none ]; then
    [ $((${sel:-0} & 0x10)) -eq 0 ] && it_pass "our ALGORITHMS OtherParam $sel: not multi-key for the requester" ||
      it_fail "our ALGORITHMS OtherParam $sel selects MULTI_KEY_CONN for a requester without MULTI_KEY_CAP"
    [ "$n" -eq 0 ] && it_pass "the requester's DIGESTS has no multi-key arrays" ||
      it_fail "$n multi-key encapsulated DIGESTS from a requester that is not multi-key"
  else
    [ $((${sel:-0} & 0x10)) -ne 0 ] && it_pass "our ALGORITHMS OtherParam $sel: multi-key for the requester" ||
      it_fail "our ALGORITHMS OtherParam ${sel:-none} without MULTI_KEY_CONN"
    [ "$n" -ge 3 ] && it_pass "the requester's DIGESTS lists its key pairs ($n flows)" ||
      it_fail "$n multi-key encapsulated DIGESTS, want 3 (basic + two sessions)"
  fi
  n=$(grep -c 'SPDM_FINISH (Attr=0x01 (SigIncl=1)' "$d")
  [ "$n" -eq 2 ] && it_pass "FINISH signed by the requester, twice" || it_fail "$n signed FINISH"
  n=$(grep -c 'SPDM_FINISH_RSP' "$d")
  [ "$n" -eq 2 ] && it_pass "FINISH_RSP twice: the device verified them over TH with EncapD" ||
    it_fail "$n FINISH_RSP"
  grep 'PCI_DOE(1, 1)' "$d" | grep -q 'SPDM_ENCAPSULATED_RESPONSE_ACK (ReqID=0x00, AckReqID=0x0[0-9]) (Done)' &&
    it_pass "basic mutual authentication done (ACK Done)" || it_fail "basic mutual authentication did not complete"
  grep -q 'SPDM_ERROR' "$d" && it_fail "an ERROR in the capture: $(grep -m1 SPDM_ERROR "$d" | cut -c1-200)"
  grep -q 'ERROR' requester.log && it_fail "requester log: $(grep -m1 ERROR requester.log)"
  it_done
}

# The TSM's slot-0 key restricted (connect --req-key-usage USAGE) on a
# connection multi-key for it: spdm_responder_emu asks the uses anyway (it
# authenticates the requester's slot 0 whatever its KeyUsageMask), and the TSM
# refuses what the key is not for. USAGE challenge,measurement: the FINISH
# signature (KeyExUsage missing): connect is refused after the encapsulated
# flow, no FINISH sent. USAGE key-ex: basic mutual authentication's CHALLENGE
# (ChallengeUsage missing): our encapsulated answer is ERROR InvalidRequest.
case_multikey_usage() { # VER SUITE USAGE
  local ver=$1 usage=$3 rc
  suite "$2"
  it_init "multikey-usage-$ver-$2-$usage"
  it_start_responder_emu responder.log --ver "$ver" --req_asym "$S_ASYM" \
    --hash "$S_HASH" --asym "$S_ASYM" --dhe "$S_DHE" || it_done
  it_run_ours 20 connect.out connect "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" \
    --req-cert-chain "$S_DIR/bundle_requester.certchain.der" \
    --req-key "$S_DIR/end_requester.key.der" --req-key-usage "$usage" --shutdown \
    --pcap connect.pcap --keylog connect.keylog
  rc=$?
  [ "$rc" -eq 1 ] && it_pass "connect refused (exit 1)" || it_fail "connect exit $rc, want 1"
  it_stop_all
  local d=connect.pcap.txt secrets
  secrets=$(sed -n 's/^DHE_SECRET //p' connect.keylog 2>/dev/null)
  # shellcheck disable=SC2086
  it_dump connect.pcap "$d" $secrets || it_fail "spdm_dump exit $?"
  it_check_dump_complete connect.pcap "$d" "connect capture"
  grep 'SPDM_DELIVER_ENCAPSULATED_RESPONSE .*SPDM_DIGESTS' "$d" | grep -q 'KeyPairId=0x01, CertInfo=0x01(DEVICE)' &&
    it_pass "our DIGESTS lists our key pair" || it_fail "no multi-key encapsulated DIGESTS"
  case $usage in
  challenge,measurement)
    grep -q 'KeyUsage=0x0006(CHALL,MEAS)' "$d" && it_pass "KeyUsage 0x0006 listed" ||
      it_fail "KeyUsage 0x0006 not listed"
    grep -q 'SPDM_CHALLENGE_AUTH (Attr=0x00(, SlotID=0x00)' "$d" &&
      it_pass "basic mutual authentication (ChallengeUsage) signed" ||
      it_fail "no encapsulated CHALLENGE_AUTH from us"
    grep -q 'SPDM_KEY_EXCHANGE_RSP .*MutAuth=0x02(MutAuthWithEncap)' "$d" &&
      it_pass "the device asked the session's mutual authentication" ||
      it_fail "no MutAuthWithEncap"
    grep -q 'SPDM_FINISH ' "$d" && it_fail "FINISH sent with a key not for key exchange" ||
      it_pass "no FINISH signed with a key not meant for key exchange"
    grep -q 'KEY_EXCHANGE/FINISH failed' connect.out && it_pass "reported: KEY_EXCHANGE/FINISH failed" ||
      it_fail "not reported: $(grep -m1 refused connect.out)"
    ;;
  key-ex)
    grep -q 'SPDM_DELIVER_ENCAPSULATED_RESPONSE (ReqID=0x03) SPDM([0-9]*, 0x7f) SPDM_ERROR (ErrCode=0x01' "$d" &&
      it_pass "CHALLENGE of a key not for CHALLENGE: our ERROR InvalidRequest" ||
      it_fail "no encapsulated ERROR InvalidRequest from us"
    grep -q 'SPDM_CHALLENGE_AUTH (Attr=0x00(' "$d" && it_fail "CHALLENGE_AUTH signed without ChallengeUsage" ||
      it_pass "no CHALLENGE_AUTH signed without ChallengeUsage"
    ;;
  *) it_fail "unknown usage $usage" ;;
  esac
  it_done
}
