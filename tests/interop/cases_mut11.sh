# shellcheck shell=bash
# The device's mutual authentication at SPDM 1.1 (docs/interop.md "Responder
# mutual authentication at SPDM 1.1"), and none at 1.0: spdm_requester_emu
# --ver 1.1 / --ver 1.0 against `opentsm device`, judged from the requester's
# capture. Sourced by interop.sh.

# Runs spdm_requester_emu against the device started by the caller, decodes
# its capture (hex, sessions decrypted, the sample PSK) into $2.
mut11_run() { # tag dump requester-args...
  local tag=$1 out=$2 rc s args=(--psk 5465737450736b4461746100)
  shift 2
  it_run_peer 60 "requester-$tag.log" "$OPENTSM_PEERS/bin-debug/spdm_requester_emu" --trans PCI_DOE \
    --ip 127.0.0.1 --port "$IT_PORT" --pcap "requester-$tag.pcap" "$@"
  rc=$?
  [ "$rc" -eq 124 ] && it_fail "$tag: spdm_requester_emu did not finish within 60 s"
  it_wait_exit "$IT_DEV_PID" 10 || it_stop_all
  [ -f "requester-$tag.pcap" ] || { it_fail "$tag: the requester wrote no capture"; return 1; }
  for s in $(sed -n 's/.*\[DHE Secret\]: *\([0-9a-fA-F][0-9a-fA-F]*\).*/\1/p' "requester-$tag.log"); do
    args+=(--dhe_secret "$s")
  done
  timeout 30 "$OPENTSM_PEERS/bin/spdm_dump" -r "requester-$tag.pcap" -d -x "${args[@]}" 2>&1 |
    awk -f "$HERE/expand_large_vdm.awk" >"$out"
  it_check_dump_decrypted "$out" "$tag capture"
}

# The checks every 1.1 mutual-authentication run shares: basic mutual
# authentication (BasicMutAuthReq, the requester's chain and CHALLENGE_AUTH
# through the 1.1 encapsulated flow, ACK Done), `sessions` KEY_EXCHANGE_RSP
# with MUT (MutAuthRequested as spdm_dump names it), each FINISH signed and
# answered; at least `acks` flows ended with ACK Done.
mut11_judge() { # tag dump MUT sessions acks
  local tag=$1 d=$2 mut=$3 want=$4 acks=$5 n
  grep -q 'SPDM(11, 0x03) SPDM_CHALLENGE_AUTH (Attr=0x80(BasicMutAuth' "$d" &&
    it_pass "$tag: CHALLENGE_AUTH 1.1 asks for basic mutual authentication" ||
    it_fail "$tag: no 1.1 CHALLENGE_AUTH with BasicMutAuthReq"
  grep -q 'PCI_DOE(1, 1) REQ->RSP SPDM(11, 0xeb) SPDM_DELIVER_ENCAPSULATED_RESPONSE .*SPDM(11, 0x03) SPDM_CHALLENGE_AUTH' "$d" &&
    it_pass "$tag: the requester's CHALLENGE_AUTH delivered (encapsulated CHALLENGE at 1.1)" ||
    it_fail "$tag: no encapsulated CHALLENGE_AUTH"
  # DSP0274 1.1: the ACK's payload right after its 4-byte header.
  grep -q '0000: 11 6b 0[1-9] 01 11 8[23] ' "$d" &&
    it_pass "$tag: ENCAPSULATED_RESPONSE_ACK in the 1.1 layout (request at byte 4)" ||
    it_fail "$tag: no 1.1-layout ENCAPSULATED_RESPONSE_ACK"
  n=$(grep -c 'SPDM(11, 0x6b) SPDM_ENCAPSULATED_RESPONSE_ACK (ReqID=0x00) (Done)' "$d")
  [ "$n" -ge "$acks" ] && it_pass "$tag: $n flows ended with ACK Done" ||
    it_fail "$tag: $n ACK Done, want at least $acks"
  n=$(grep -c "SPDM(11, 0x64) SPDM_KEY_EXCHANGE_RSP .*$mut" "$d")
  [ "$n" -eq "$want" ] && it_pass "$tag: $n KEY_EXCHANGE_RSP with $mut" ||
    it_fail "$tag: $n KEY_EXCHANGE_RSP with $mut, want $want"
  n=$(grep -c 'SPDM(11, 0xe5) SPDM_FINISH (Attr=0x01 (SigIncl=1)' "$d")
  [ "$n" -eq "$want" ] && it_pass "$tag: $n FINISH signed by the requester" ||
    it_fail "$tag: $n signed FINISH, want $want"
  n=$(grep -c 'SPDM(11, 0x65) SPDM_FINISH_RSP' "$d")
  [ "$n" -eq "$want" ] && it_pass "$tag: $n FINISH_RSP (signatures verified by the device)" ||
    it_fail "$tag: $n FINISH_RSP, want $want"
}

case_mut11_device() { # default|ecdsa-digests|rsa-requested|v10
  # shellcheck disable=SC2034 # first_cxl, errors, steps: set by judge_default_flow
  local mode=$1 d=dump.txt errors=0 first_cxl="" steps=""
  it_init "mut11-device-$mode"
  case $mode in
  default)
    # The DMTF-sample device, the reference requester's defaults at 1.1 (RSA
    # requester key, MutAuthRequested 02h, basic mutual authentication, APP).
    OPENTSM_SAMPLE_KEYS=$IT_DIR it_start_device device.log || it_done
    mut11_run v11 "$d" --ver 1.1 || it_done
    judge_default_flow "$d"
    grep -q 'SPDM(11, 0x63) SPDM_ALGORITHMS .*ReqAsym=0x000[1-8](RSA' "$d" &&
      it_pass "ALGORITHMS 1.1 selected an RSA ReqBaseAsymAlg" ||
      it_fail "ALGORITHMS 1.1 selected no RSA ReqBaseAsymAlg"
    mut11_judge v11 "$d" 'MutAuth=0x02(MutAuthWithEncap)' 1 2
    grep -q 'verify_challenge_signature - PASS' requester-v11.log &&
      it_pass "the requester verified the device's CHALLENGE_AUTH" ||
      it_fail "the requester did not verify CHALLENGE_AUTH"
    ;;
  ecdsa-digests)
    # ECDSA P-384 requester key, MutAuthRequested 04h, the flow under the
    # handshake keys, and the device renewing its key (encapsulated KEY_UPDATE).
    OPENTSM_SAMPLE_KEYS=$IT_DIR it_start_device device.log --mut-auth digests --basic-mut-auth \
      --no-handshake-in-the-clear || it_done
    mut11_run v11 "$d" --ver 1.1 --req_asym ECDSA_P384 --exe_session KEY_EX,HEARTBEAT,KEY_UPDATE \
      --key_upd RSP || it_done
    n=$(grep -c 'SPDM_ERROR' "$d")
    [ "$n" -eq 0 ] && it_pass "no SPDM ERROR" ||
      it_fail "$n ERROR(s), first: $(grep -m1 SPDM_ERROR "$d" | cut -c1-160)"
    grep -q 'SPDM(11, 0x63) SPDM_ALGORITHMS .*ReqAsym=0x0080(ECDSA_P384)' "$d" &&
      it_pass "ALGORITHMS 1.1 selected ECDSA P-384 for the requester" ||
      it_fail "ALGORITHMS 1.1 did not select ECDSA P-384 for the requester"
    # basic, two sessions, two KEY_UPDATE flows
    mut11_judge v11 "$d" 'MutAuth=0x04(MutAuthWithGetDigests)' 2 5
    n=$(grep 'SecuredSPDM' "$d" | grep -c 'SPDM(11, 0xeb) SPDM_DELIVER_ENCAPSULATED_RESPONSE .*SPDM_CERTIFICATE')
    [ "$n" -ge 2 ] && it_pass "the requester's chain delivered under the handshake keys ($n portions)" ||
      it_fail "$n encapsulated CERTIFICATE portions in sessions"
    n=$(grep -c 'SecuredSPDM.*SPDM(11, 0x6a) SPDM_ENCAPSULATED_REQUEST .*SPDM_KEY_UPDATE (KeyOp=0x01' "$d")
    [ "$n" -ge 1 ] && it_pass "the device renewed its key through the 1.1 encapsulated flow ($n)" ||
      it_fail "no encapsulated KEY_UPDATE"
    ;;
  rsa-requested)
    # MutAuthRequested 01h (the chain known from basic mutual authentication).
    OPENTSM_SAMPLE_KEYS=$IT_DIR it_start_device device.log --mut-auth requested --basic-mut-auth ||
      it_done
    mut11_run v11 "$d" --ver 1.1 --exe_session KEY_EX,HEARTBEAT,KEY_UPDATE || it_done
    n=$(grep -c 'SPDM_ERROR' "$d")
    [ "$n" -eq 0 ] && it_pass "no SPDM ERROR" ||
      it_fail "$n ERROR(s), first: $(grep -m1 SPDM_ERROR "$d" | cut -c1-160)"
    # 01h: no encapsulated flow in the sessions, only the basic one
    mut11_judge v11 "$d" 'MutAuth=0x01(MutAuthNoEncap)' 2 1
    ;;
  v10)
    # SPDM 1.0 has no MUT_AUTH_CAP/ENCAP_CAP: the default device neither
    # advertises nor asks, and the flow has no ERROR.
    OPENTSM_SAMPLE_KEYS=$IT_DIR it_start_device device.log || it_done
    mut11_run v10 "$d" --ver 1.0 || it_done
    n=$(grep -c 'SPDM_ERROR' "$d")
    [ "$n" -eq 0 ] && it_pass "v10: no SPDM ERROR" ||
      it_fail "v10: $n ERROR(s), first: $(grep -m1 SPDM_ERROR "$d" | cut -c1-160)"
    local flags
    flags=$(sed -n 's/.*SPDM(10, 0x61) SPDM_CAPABILITIES (Flags=0x\([0-9a-f]*\).*/\1/p' "$d" | head -n1)
    if [ -z "$flags" ]; then
      it_fail "v10: no CAPABILITIES 1.0"
    elif (((16#$flags & 0x1080) == 0)); then
      it_pass "v10: CAPABILITIES 0x$flags without MUT_AUTH_CAP/ENCAP_CAP"
    else
      it_fail "v10: CAPABILITIES 0x$flags has MUT_AUTH_CAP or ENCAP_CAP"
    fi
    grep -q 'SPDM(10, 0x03) SPDM_CHALLENGE_AUTH (Attr=0x00' "$d" &&
      it_pass "v10: CHALLENGE_AUTH without BasicMutAuthReq" ||
      it_fail "v10: no CHALLENGE_AUTH without BasicMutAuthReq"
    grep -q 'ENCAPSULATED' "$d" && it_fail "v10: an encapsulated message at 1.0" ||
      it_pass "v10: no encapsulated message"
    grep -q 'verify_challenge_signature - PASS' requester-v10.log &&
      it_pass "v10: the requester verified CHALLENGE_AUTH" ||
      it_fail "v10: the requester did not verify CHALLENGE_AUTH"
    ;;
  *) echo "unknown mode $mode"; exit 2 ;;
  esac
  it_done
}
