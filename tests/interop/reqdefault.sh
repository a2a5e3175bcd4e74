# shellcheck shell=bash
# The TSM against the reference responder's defaults (sourced by interop.sh;
# docs/interop.md "The TSM against the reference's defaults (requester side)").
# spdm_responder_emu runs with --trans PCI_DOE --ip --port and nothing else:
# SPDM 1.4, basic mutual authentication in CHALLENGE_AUTH, MutAuthRequested
# with the encapsulated request flow in KEY_EXCHANGE_RSP, ReqBaseAsymAlg RSA
# only (RSASSA/RSAPSS 2048/3072), PSK sessions with the sample "TestPskHint".

# Our requester with an RSA identity, the reference at its defaults.
# IDENT: own-rsaNNNN (a hierarchy `opentsm certs --requester --curve rsaNNNN`
# writes: the reference checks its root against its own keys/rsaNNNN/ca.cert.der,
# logs the mismatch and goes on, as libspdm leaves authority to the
# integrator) or sample-rsaNNNN (the DMTF sample requester identity the
# reference is provisioned to trust). REQ_ASYM, if given, narrows the
# reference's ReqBaseAsymAlg (RSASSA_3072: PKCS#1 v1.5 instead of the PSS
# it prefers).
case_emu_default() { # IDENT [REQ_ASYM]
  local ident=$1 req_asym=${2:-} rc chain key bits kind peer=()
  bits=${ident##*rsa} kind=${ident%%-*}
  it_init "emu-default-$ident${req_asym:+-$req_asym}"
  if [ "$kind" = own ]; then
    it_run_ours 60 certs.out certs --requester --curve "rsa$bits" --out own ||
      { it_fail "certs --requester --curve rsa$bits exit $?"; it_done; }
    chain=own/chain.der key=own/leaf.key
  else
    chain=rsa$bits/bundle_requester.certchain.der key=rsa$bits/end_requester.key
  fi
  [ -n "$req_asym" ] && peer=(--req_asym "$req_asym")
  it_start_responder_emu responder.log "${peer[@]}" || it_done
  it_run_ours 30 connect.out connect "127.0.0.1:$IT_PORT" --anchor ecp384/ca.cert.der \
    --req-cert-chain "$chain" --req-key "$key" --flow full --json --shutdown \
    --pcap connect.pcap --keylog connect.keylog
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "connect --flow full with the TSM's RSA-$bits identity exit 0" ||
    it_fail "connect exit $rc: $(grep -m2 -i 'refused\|fail' connect.out | tr '\n' ' ')"
  it_wait_exit "$IT_RSP_PID" 10 || it_fail "spdm_responder_emu did not exit after SHUTDOWN"
  [ "$(json_field connect.out spdm_version)" = 1.4 ] && [ "$(json_field connect.out session)" = dhe ] &&
    grep -q '"verified":true' connect.out && grep -q '"ide":true' connect.out &&
    it_pass "report: SPDM 1.4, KEY_EXCHANGE session, verified, IDE keys programmed" ||
    it_fail "report: $(head -c 200 connect.out)"
  check_capture_with_keylog connect.pcap connect.keylog "connect capture"
  local d=connect.pcap.txt want=${req_asym:-RSAPSS_$bits}
  grep -q "NEGOTIATE_ALGORITHMS .*ReqAsym=0x[0-9a-f]*(RSASSA_$bits,RSAPSS_$bits)" "$d" &&
    it_pass "NEGOTIATE_ALGORITHMS offers ReqAsym RSASSA_$bits,RSAPSS_$bits" ||
    it_fail "ReqAsym offer: $(grep -o 'NEGOTIATE_ALGORITHMS.*ReqAsym=[^)]*)' "$d" | grep -o 'ReqAsym=.*')"
  grep -q "SPDM_ALGORITHMS .*ReqAsym=0x[0-9a-f]*($want)" "$d" && it_pass "ALGORITHMS selects $want" ||
    it_fail "ALGORITHMS: $(grep -o 'SPDM_ALGORITHMS .*ReqAsym=[^)]*)' "$d" | grep -o 'ReqAsym=.*')"
  # Basic mutual authentication (the reference's --basic_mut_auth default).
  grep -q 'SPDM_CHALLENGE_AUTH (Attr=0x80(BasicMutAuth' "$d" &&
    grep -q 'SPDM_DELIVER_ENCAPSULATED_RESPONSE (ReqID=0x0[0-9]) SPDM(14, 0x03) SPDM_CHALLENGE_AUTH' "$d" &&
    it_pass "basic mutual authentication: our RSA-signed CHALLENGE_AUTH delivered" ||
    it_fail "no encapsulated CHALLENGE_AUTH after BasicMutAuth"
  # SPDM 1.4 LargeCertChain: the reference asks for our chain in the large
  # form (we have LARGE_RESP_CAP) and we answer in it, in and out of the session.
  [ "$(grep -c 'SPDM_DELIVER_ENCAPSULATED_RESPONSE .*SPDM_CERTIFICATE (SlotID=0x00, LargeCert=0x80' "$d")" -ge 2 ] &&
    it_pass "encapsulated CERTIFICATE in the 1.4 large form" ||
    it_fail "no large-form encapsulated CERTIFICATE"
  [ "$(grep -c 'SPDM_ENCAPSULATED_RESPONSE_ACK (ReqID=0x00, AckReqID=0x0[0-9]) (Done)' "$d")" -eq 2 ] &&
    it_pass "both encapsulated flows end with ACK Done" || it_fail "an encapsulated flow did not end"
  grep -q 'SPDM_KEY_EXCHANGE_RSP .*MutAuth=0x02(MutAuthWithEncap)' "$d" &&
    grep -q 'SPDM_FINISH (Attr=0x01 (SigIncl=1)' "$d" && grep -q 'SPDM_FINISH_RSP' "$d" &&
    it_pass "MutAuthWithEncap, FINISH with our RSA signature, FINISH_RSP" ||
    it_fail "session mutual authentication incomplete"
  grep -q 'SPDM_END_SESSION_ACK' "$d" && it_pass "END_SESSION_ACK" || it_fail "no END_SESSION_ACK"
  grep -q 'SPDM_ERROR' "$d" && it_fail "an SPDM ERROR in the capture" || it_pass "no SPDM ERROR"
  it_done
}

# PSK against the reference's defaults: the sample PSK "TestPskData" and hint
# "TestPskHint", each with its terminating NUL (libspdm compares
# psk_hint_size with sizeof "TestPskHint", 12): a hint without the NUL is
# refused by the reference with an ERROR to PSK_EXCHANGE.
case_emu_default_psk() {
  local rc
  it_init "emu-default-psk"
  it_start_responder_emu responder-hint.log || it_done
  it_run_ours 20 connect-hint.out connect "127.0.0.1:$IT_PORT" --psk "$PSK_HEX" \
    --psk-hint TestPskHint --shutdown
  rc=$?
  [ "$rc" -eq 1 ] && grep -q 'ERROR .* to PSK_EXCHANGE' connect-hint.out &&
    it_pass "hint without its NUL refused: $(grep -o 'ERROR [A-Za-z]* ([^)]*) to PSK_EXCHANGE' connect-hint.out)" ||
    it_fail "hint without NUL: exit $rc: $(tail -n 1 connect-hint.out)"
  it_wait_exit "$IT_RSP_PID" 10 || it_stop_all
  it_start_responder_emu responder.log || it_done
  it_run_ours 30 connect.out connect "127.0.0.1:$IT_PORT" --psk "$PSK_HEX" \
    --psk-hint-hex "$PSK_HINT_HEX" --flow full --json --shutdown \
    --pcap connect.pcap --keylog connect.keylog
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "connect --psk --flow full exit 0" ||
    it_fail "connect --psk exit $rc: $(grep -m3 -i 'fail\|refused\|error' connect.out | tr '\n' ' ')"
  it_wait_exit "$IT_RSP_PID" 10 || it_fail "spdm_responder_emu did not exit after SHUTDOWN"
  [ "$(json_field connect.out session)" = psk ] && [ "$(json_field connect.out spdm_version)" = 1.4 ] &&
    grep -q '"ide":true' connect.out && it_pass "report: SPDM 1.4 PSK session, IDE keys programmed" ||
    it_fail "report: $(head -c 200 connect.out)"
  IT_PSK=$(sed -n 's/^PSK //p' connect.keylog | head -n 1)
  it_dump connect.pcap dump.txt || it_fail "spdm_dump exit $?"
  it_check_dump_complete connect.pcap dump.txt "connect capture"
  it_check_dump_decrypted dump.txt "connect capture"
  it_check_dump_decoded dump.txt "connect capture"
  # SPDM 1.4 PSK_FINISH carries OpaqueDataLength before RequesterVerifyData.
  grep -q 'SPDM(14, 0xe7) SPDM_PSK_FINISH' dump.txt && grep -q 'SPDM(14, 0x67) SPDM_PSK_FINISH_RSP' dump.txt &&
    grep -q 'SPDM_END_SESSION_ACK' dump.txt &&
    it_pass "1.4 PSK_FINISH / PSK_FINISH_RSP, the session down to END_SESSION_ACK" ||
    it_fail "no 1.4 PSK_FINISH_RSP / END_SESSION_ACK"
  grep -q 'SPDM_ERROR' dump.txt && it_fail "an SPDM ERROR in the capture" || it_pass "no SPDM ERROR"
  it_done
}

# RSA at SPDM 1.1 and 1.0 (DSP0274 1.1 "Signature generation": Hash(T) signed
# with no 1.2 prefix), our requester against the reference's responder. The
# reference keeps its mutual-authentication defaults: at 1.1 CHALLENGE_AUTH
# asks for basic mutual authentication, and our RSA-3072 CHALLENGE_AUTH
# (RSAPSS_3072, the reference's choice) travels in the 1.1 envelopes. connect
# stops after authentication at 1.0/1.1 (exit 4: IDE_KM and TDISP need 1.2).
case_rsa_versions_connect() { # ASYM (RSASSA_3072|RSAPSS_2048|...)
  local asym=$1 rc v pad bits d
  pad=${asym%_*} bits=${asym#*_}
  it_init "rsa-versions-connect-$asym"
  printf 'version: 1\ntrust_anchors: [%s]\nspdm:\n  base_asym: [%s]\n  dhe: [ffdhe3072]\ndevices:\n  - name: dev\n' \
    "rsa$bits/ca.cert.der" "${pad,,}-$bits" >policy.yaml
  for v in 1.1 1.0; do
    it_start_responder_emu "responder-$v.log" --ver "$v" --asym "$asym" --dhe FFDHE_3072 || it_done
    it_run_ours 30 "connect-$v.out" connect "127.0.0.1:$IT_PORT" --policy policy.yaml --ver "$v" \
      --req-cert-chain rsa3072/bundle_requester.certchain.der --req-key rsa3072/end_requester.key \
      --json --shutdown --pcap "connect-$v.pcap"
    rc=$?
    [ "$rc" -eq 4 ] &&
      grep -q "authenticated at SPDM $v (certificate chain, CHALLENGE and signed measurements verified)" \
        "connect-$v.out" &&
      it_pass "$v: the $asym chain, CHALLENGE_AUTH and MEASUREMENTS signatures verified (exit 4)" ||
      it_fail "$v: connect exit $rc, wanted 4: $(tail -n 1 "connect-$v.out")"
    it_wait_exit "$IT_RSP_PID" 10 || it_stop_all
    d=connect-$v.txt
    it_dump "connect-$v.pcap" "$d" || it_fail "spdm_dump exit $?"
    it_check_dump_complete "connect-$v.pcap" "$d" "$v capture"
    it_check_dump_decoded "$d" "$v capture"
    grep -q "SPDM_ALGORITHMS .*Asym=0x[0-9a-f]*($asym)" "$d" && it_pass "$v: ALGORITHMS selects $asym" ||
      it_fail "$v: $asym not selected"
    grep -q 'SPDM_ERROR' "$d" && it_fail "$v: an SPDM ERROR in the capture" || it_pass "$v: no SPDM ERROR"
  done
  # 1.1: basic mutual authentication with our RSA key, in the 1.1 ACK layout.
  grep -q 'SPDM(11, 0x03) SPDM_CHALLENGE_AUTH (Attr=0x80(BasicMutAuth' connect-1.1.txt &&
    grep -q 'SPDM_DELIVER_ENCAPSULATED_RESPONSE .*SPDM(11, 0x03) SPDM_CHALLENGE_AUTH' connect-1.1.txt &&
    grep -q 'SPDM_ENCAPSULATED_RESPONSE_ACK .*(Done)' connect-1.1.txt &&
    it_pass "1.1: our RSA CHALLENGE_AUTH (basic mutual authentication) accepted" ||
    it_fail "1.1: basic mutual authentication did not complete"
  it_done
}

# The reverse: spdm_requester_emu --ver 1.1 / 1.0 --asym ASYM against our
# device with the DMTF RSA-3072 sample identity (RSASSA_3072 or RSAPSS_3072):
# the reference's debug build prints each signature check it makes.
case_rsa_versions_device() { # ASYM
  local asym=$1 v n
  it_init "rsa-versions-device-$asym"
  for v in 1.1 1.0; do
    it_start_device "device-$v.log" --identity sample-rsa3072 --keys "$IT_DIR" || it_done
    it_run_peer 40 "requester-$v.log" "$OPENTSM_PEERS/bin-debug/spdm_requester_emu" --trans PCI_DOE \
      --ip 127.0.0.1 --port "$IT_PORT" --ver "$v" --asym "$asym" --dhe FFDHE_3072 \
      --mut_auth NO --basic_mut_auth NO --exe_conn DIGEST,CERT,CHAL,MEAS \
      --exe_session KEY_EX,HEARTBEAT,KEY_UPDATE --pcap "requester-$v.pcap"
    it_wait_exit "$IT_DEV_PID" 10 || it_stop_all
    grep -q 'verify_challenge_signature - PASS' "requester-$v.log" &&
      it_pass "$v: $asym CHALLENGE_AUTH signature verified by the reference" ||
      it_fail "$v: CHALLENGE_AUTH signature not verified"
    n=$(grep -c 'verify_measurement_signature - PASS' "requester-$v.log")
    [ "$n" -gt 0 ] && it_pass "$v: $n MEASUREMENTS signatures verified" ||
      it_fail "$v: no MEASUREMENTS signature verified"
    grep -q 'FAIL' "requester-$v.log" && it_fail "$v: $(grep -m1 FAIL "requester-$v.log")" ||
      it_pass "$v: no FAIL from the reference"
  done
  grep -q 'verify_key_exchange_signature - PASS' requester-1.1.log &&
    grep -q 'verify_finish_rsp_hmac - PASS' requester-1.1.log &&
    it_pass "1.1: KEY_EXCHANGE_RSP $asym signature and FINISH_RSP verified" ||
    it_fail "1.1: the session's KEY_EXCHANGE_RSP / FINISH_RSP not verified"
  it_done
}
