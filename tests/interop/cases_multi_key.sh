# shellcheck shell=bash
# Interop cases for the multi-key device (sourced by interop.sh; docs/interop.md
# "Multi-key device (responder role)"), DSP0274 1.3 MULTI_KEY_CAP / MULTI_KEY_CONN:
#   mk-requester-emu [VER]   spdm_requester_emu's default flow (no option; VER 1.3:
#                            --ver 1.3) -> opentsm device --multi-key neg: a
#                            multi-key connection, no SPDM ERROR before the CXL
#                            steps, judged from its capture
#   mk-validator SUITE MODE  spdm_device_validator_sample -> opentsm device
#                            --multi-key MODE (neg|only): every test passes
#   mk-provision SUITE       opentsm provision -> device --multi-key neg --state-dir
#                            --key-pairs 3: generate pair 2, GET_CSR pair 2, the
#                            DMTF sample intermediate CA signs it (openssl),
#                            SET_CERTIFICATE slot 2 KeyPairID 2; after a restart
#                            spdm_requester_emu CHALLENGE / KEY_EXCHANGE with slot
#                            2 and our signed ENDPOINT_INFO of slot 2 verify
#   mk-certs-device SUITE    spdm_requester_emu GET_CSR / SET_CERTIFICATE (in the clear
#                            and in a session) on a multi-key connection -> device
#                            --multi-key neg --state-dir --trusted-env

case_mk_requester_emu() { # [VER]
  # shellcheck disable=SC2034 # first_cxl, errors, steps: set by judge_default_flow
  local ver=${1:-default} verargs=() line first_cxl="" errors=0 steps="" s
  it_init "mk-requester-emu-$ver"
  [ "$ver" = default ] || verargs=(--ver "$ver")
  OPENTSM_SAMPLE_KEYS=$IT_DIR it_start_device device.log --multi-key neg || it_done
  it_run_peer 60 requester.log "$OPENTSM_PEERS/bin-debug/spdm_requester_emu" --trans PCI_DOE \
    --ip 127.0.0.1 --port "$IT_PORT" --pcap requester.pcap "${verargs[@]}"
  [ $? -eq 124 ] && it_fail "spdm_requester_emu did not finish within 60 s"
  [ -f requester.pcap ] || { it_fail "the requester wrote no capture"; it_done; }
  local args=(--psk 5465737450736b4461746100)
  for s in $(sed -n 's/.*\[DHE Secret\]: *\([0-9a-fA-F][0-9a-fA-F]*\).*/\1/p' requester.log); do
    args+=(--dhe_secret "$s")
  done
  timeout 30 "$OPENTSM_PEERS/bin/spdm_dump" -r requester.pcap -d -x "${args[@]}" 2>&1 |
    awk -f "$HERE/expand_large_vdm.awk" >dump.txt
  it_check_dump_decrypted dump.txt "requester capture"
  judge_default_flow dump.txt
  # DSP0274 1.3 §10.4: CAPABILITIES MULTI_KEY_CAP 10b, ALGORITHMS MULTI_KEY_CONN.
  local flags
  flags=$(sed -n 's/.*RSP->REQ .*SPDM_CAPABILITIES (Flags=\(0x[0-9a-f]*\).*/\1/p' dump.txt | head -n 1)
  [ -n "$flags" ] && [ $(((flags >> 26) & 3)) -eq 2 ] &&
    it_pass "CAPABILITIES: MULTI_KEY_CAP 10b (Flags=$flags)" ||
    it_fail "CAPABILITIES without MULTI_KEY_CAP 10b (Flags=${flags:-none})"
  grep -q 'RSP->REQ .*SPDM_ALGORITHMS (.*OtherParam=[^)]*MULTI_KEY_CONN' dump.txt &&
    it_pass "ALGORITHMS selected MULTI_KEY_CONN" || it_fail "no MULTI_KEY_CONN in ALGORITHMS"
  # The per-slot fields of a multi-key DIGESTS (KeyPairID, CertificateInfo, KeyUsageMask).
  line=$(grep -m1 'RSP->REQ .*SPDM_DIGESTS .*KeyPairId=' dump.txt)
  [ -n "$line" ] && it_pass "DIGESTS carries the multi-key fields: ${line##*SPDM_DIGESTS }" ||
    it_fail "DIGESTS without the multi-key fields"
  for s in CHALLENGE GET_MEASUREMENTS KEY_EXCHANGE FINISH; do
    [[ " $steps " == *" $s "* ]] && it_pass "step $s ran" || it_fail "step $s missing"
  done
  it_wait_exit "$IT_DEV_PID" 10 || it_stop_all
  it_done
}

# With MULTI_KEY_CAP 01b every group runs but some setups do not complete
# (assertions 2.2, 2.4, 2.6 and the session setups of groups 12, 13 and 16
# are NOT_TESTED): 1940 pass, none failing. The floor is that score.
MK_ONLY_VALIDATOR_PASS_MIN=1940

case_mk_validator() { # SUITE MODE
  local min=$VALIDATOR_PASS_MIN
  [ "$2" = only ] && min=$MK_ONLY_VALIDATOR_PASS_MIN
  suite "$1"
  it_init "mk-validator-$1-$2"
  it_start_device device.log --identity "$S_IDENTITY" --keys "$IT_DIR" --multi-key "$2" || it_done
  it_run_peer 60 validator.log "$OPENTSM_PEERS/bin/spdm_device_validator_sample" \
    --trans PCI_DOE --ip 127.0.0.1 --port "$IT_PORT"
  [ $? -eq 0 ] || it_fail "validator exit nonzero"
  judge_validator_log "$min"
  it_done
}

case_mk_provision() { # SUITE
  local rc n
  suite "$1"
  it_init "mk-provision-$1"
  mkdir -p state
  local dev=(--identity "$S_IDENTITY" --keys "$IT_DIR" --state-dir state --key-pairs 3
    --multi-key neg --no-mut-auth)
  local algo=p384
  [ "$S_DIR" = ecp256 ] && algo=p256
  it_start_device device.log "${dev[@]}" || it_done
  # Generate pair 2 and ask for its CSR in one run (SET_KEY_PAIR_INFO runs first).
  it_run_ours 20 csr.out provision "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" \
    --set-key-pair "2:generate,algo=$algo" --key-pair 2 --get-csr pair2.csr --key-pair-info
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "generate pair 2 and GET_CSR KeyPairID 2: exit 0" ||
    it_fail "provision (generate, CSR) exit $rc: $(tail -n 1 csr.out)"
  # The CSR carries pair 2's public key (KEY_PAIR_INFO PublicKeyInfo).
  local spki csrkey
  spki=$(sed -n 's/^key pair 2 of 3 .*public key info \([0-9a-f]*\)$/\1/p' csr.out)
  csrkey=$(openssl req -inform DER -in pair2.csr -noout -pubkey 2>/dev/null |
    openssl pkey -pubin -outform DER 2>/dev/null | od -An -v -tx1 | tr -d ' \n')
  [ -n "$spki" ] && [ "$spki" = "$csrkey" ] &&
    it_pass "the CSR's public key is key pair 2's (KEY_PAIR_INFO)" ||
    it_fail "CSR key '${csrkey:0:40}...' is not pair 2's '${spki:0:40}...'"
  openssl req -inform DER -in pair2.csr -noout -verify >/dev/null 2>&1 &&
    it_pass "openssl verifies the CSR's self-signature" || it_fail "openssl refuses the CSR"
  # The DMTF sample intermediate CA issues the leaf (the sample's v3_end profile).
  openssl x509 -req -inform DER -in pair2.csr -CA "$S_DIR/inter.cert" -CAkey "$S_DIR/inter.key" \
    -set_serial 77 -days 365 -extfile "$IT_DIR/openssl.cnf" -extensions v3_end -outform DER \
    -out pair2.der >openssl.log 2>&1 || it_fail "openssl x509 -req failed: $(tail -n 1 openssl.log)"
  cat "$S_DIR/ca.cert.der" "$S_DIR/inter.cert.der" pair2.der >chain2.der
  # A chain for pair 2 under KeyPairID 1: the leaf is not pair 1's key.
  it_run_ours 20 wrong.out provision "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" \
    --session --key-pair 1 --set-cert 2:chain2.der
  [ $? -ne 0 ] && grep -q 'InvalidRequest' wrong.out &&
    it_pass "SET_CERTIFICATE of pair 2's chain as KeyPairID 1: InvalidRequest" ||
    it_fail "wrong KeyPairID not refused: $(tail -n 1 wrong.out)"
  it_run_ours 20 set.out provision "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" \
    --session --key-pair 2 --set-cert 2:chain2.der --shutdown
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "SET_CERTIFICATE slot 2 KeyPairID 2 in a session: exit 0" ||
    it_fail "provision (set-cert) exit $rc: $(tail -n 1 set.out)"
  it_wait_exit "$IT_DEV_PID" 10 || it_stop_all
  [ "$(stat -c %a state/keypairs.bin 2>/dev/null)" = 600 ] &&
    it_pass "state/keypairs.bin (the generated private key) is mode 0600" ||
    it_fail "state/keypairs.bin mode $(stat -c %a state/keypairs.bin 2>/dev/null)"
  # Restart: slot 2 holds the new chain and signs with pair 2's key.
  it_start_device device2.log "${dev[@]}" || it_done
  it_run_ours 20 ep.out provision "127.0.0.1:$IT_PORT" --anchor "$S_DIR/ca.cert.der" --slot 2 \
    --endpoint-info --key-pair-info
  rc=$?
  [ "$rc" -eq 0 ] && it_pass "ENDPOINT_INFO signed by slot 2 verified against its new chain" ||
    it_fail "provision --slot 2 --endpoint-info exit $rc: $(tail -n 1 ep.out)"
  grep -qE '^key pair 2 of 3 .*slots 0x04,' ep.out &&
    it_pass "KEY_PAIR_INFO: pair 2 associated with slot 2" ||
    it_fail "pair 2: $(grep '^key pair 2 ' ep.out | cut -c1-120)"
  # spdm_requester_emu ends with SHUTDOWN.
  it_run_peer 40 requester.log "$OPENTSM_PEERS/bin-debug/spdm_requester_emu" --trans PCI_DOE \
    --ip 127.0.0.1 --port "$IT_PORT" --ver 1.3 --hash "$S_HASH" --asym "$S_ASYM" \
    --dhe "$S_DHE" --mut_auth NO --basic_mut_auth NO --slot_id 2 \
    --exe_conn DIGEST,CERT,CHAL,MEAS --exe_session KEY_EX,MEAS
  rc=$?
  n=$(grep -c 'ERROR' requester.log)
  [ "$rc" -eq 0 ] && [ "$n" -eq 0 ] &&
    it_pass "spdm_requester_emu --slot_id 2: CHALLENGE, MEASUREMENTS, KEY_EXCHANGE verified" ||
    it_fail "spdm_requester_emu --slot_id 2: exit $rc, $n ERROR lines: $(grep -m1 ERROR requester.log)"
  grep -q 'msg SPDM_CHALLENGE_AUTH' requester.log && grep -q 'msg SPDM_KEY_EXCHANGE_RSP' requester.log &&
    it_pass "CHALLENGE_AUTH and KEY_EXCHANGE_RSP received for slot 2" ||
    it_fail "no CHALLENGE_AUTH / KEY_EXCHANGE_RSP in the requester's log"
  it_wait_exit "$IT_DEV_PID" 10 || it_stop_all
  # A damaged key pair file stops the start and is left as it is.
  cp state/keypairs.bin kp.bak
  printf '\xff' | dd of=state/keypairs.bin bs=1 seek=20 conv=notrunc status=none
  "$OPENTSM" device --listen 127.0.0.1:0 "${dev[@]}" >device3.log 2>&1 &
  IT_PIDS+=("$!")
  it_wait_exit "$!" 10
  rc=$?
  grep -q 'checksum mismatch' device3.log && [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] &&
    it_pass "a damaged keypairs.bin refuses the start (exit $rc)" ||
    it_fail "damaged keypairs.bin: exit $rc, $(tail -n 1 device3.log)"
  cmp -s state/keypairs.bin kp.bak && it_fail "damaged file replaced" ||
    it_pass "the damaged file is left as it is"
  it_done
}

case_mk_certs_device() { # SUITE
  local rc n
  suite "$1"
  it_init "mk-certs-device-$1"
  mkdir -p state
  it_start_device device.log --identity "$S_IDENTITY" --keys "$IT_DIR" --state-dir state \
    --trusted-env --key-pairs 3 --multi-key neg || it_done
  it_run_peer 40 requester.log "$OPENTSM_PEERS/bin-debug/spdm_requester_emu" --trans PCI_DOE \
    --ip 127.0.0.1 --port "$IT_PORT" --ver 1.3 --hash "$S_HASH" --asym "$S_ASYM" \
    --dhe "$S_DHE" --mut_auth NO --basic_mut_auth NO \
    --exe_conn DIGEST,CERT,GET_CSR,SET_CERT --exe_session KEY_EX,GET_CSR,SET_CERT
  rc=$?
  n=$(grep -c 'ERROR' requester.log)
  [ "$rc" -eq 0 ] && [ "$n" -eq 0 ] && it_pass "spdm_requester_emu exit 0, no ERROR line" ||
    it_fail "spdm_requester_emu exit $rc, $n ERROR lines: $(grep -m1 ERROR requester.log)"
  # DSP0274 1.3 GET_CSR on a multi-key connection: Param1 KeyPairID 1, Param2 CertModel 1.
  n=$(grep -A1 'msg SPDM_GET_CSR(0xed)' requester.log | grep -c '^0000: 13 ed 01 01')
  [ "$n" -ge 2 ] && it_pass "$n GET_CSR with KeyPairID 1 / DeviceCert" ||
    it_fail "$n GET_CSR naming KeyPairID 1, want 2"
  n=$(grep -c 'msg SPDM_CSR(0x6d)' requester.log)
  [ "$n" -ge 2 ] && it_pass "$n CSR responses" || it_fail "$n CSR responses, want 2"
  # SET_CERTIFICATE Param1 = SlotID | SetCertModel << 4, Param2 KeyPairID 1.
  n=$(grep -A1 'msg SPDM_SET_CERTIFICATE_RSP(0x6e)' requester.log | grep -c '^0000: 13 6e 0[01] 00')
  [ "$n" -ge 4 ] && it_pass "$n SET_CERTIFICATE_RSP (slots 0 and 1, KeyPairID 1)" ||
    it_fail "$n SET_CERTIFICATE_RSP, want 4"
  it_wait_exit "$IT_DEV_PID" 10 || it_stop_all
  it_done
}
