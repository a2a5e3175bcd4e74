# Judges the DMTF requester's TSM flow against our device from spdm_dump -d
# output (the capture decrypted with the session's DHE secrets). Prints one
# line per verdict: "ok <what>" or "fail <what>". Variables: ver (12 or 13),
# asym (the ALGORITHMS Asym text, e.g. "ECDSA_P384"), dhe (optional: the DHE
# text, e.g. "FFDHE_3072"), mode: "app" (the run
# with the APP step: IDE_KM, TDISP, then CXL requests answered with ERROR) or
# "session" (KEY_EX,HEARTBEAT,KEY_UPDATE: no ERROR at all, HEARTBEAT and every
# KEY_UPDATE acknowledged, the session ended with END_SESSION); kx (optional):
# the request that starts the session, KEY_EXCHANGE (default) or PSK_EXCHANGE.
#
# spdm_dump shows each record on a line "N (ts) PCI_DOE(1, t) DIR ...", DIR
# "REQ->RSP" or "RSP->REQ"; a secured one carries "SecuredSPDM(0xSESSION)";
# the application message follows: "PCI (vendor_id=0x0001) (ProtID=0x00)
# IDE_KM(0xNN) NAME" (PCIe r6.0 §6.33.3), "... (ProtID=0x01) TDISP(0xNN) NAME"
# (PCIe r6.0 §11.3), CXL ones with vendor_id=0x1e98.

# At most 3 lines per kind of failure (the kind is the message up to ':').
function fail(msg,  kind) {
  kind = msg
  sub(/:.*/, "", kind)
  if (++nfail[kind] <= 3) printf "fail %s\n", msg
  fails++
}
function ok(msg) { printf "ok %s\n", msg }
function sid_of(line) {
  if (match(line, /SecuredSPDM\(0x[0-9a-f]+\)/)) return substr(line, RSTART + 12, RLENGTH - 13)
  return ""
}
# A record line without what every line repeats (time, the DOE type, the VDM
# framing), so that a message names the part that matters.
function short(line) {
  sub(/ \([0-9]+\) PCI_DOE\([0-9]+, [0-9]+\)/, "", line)
  sub(/SPDM_VENDOR_(DEFINED_)?(REQUEST|RESPONSE) \(StandID=0x0003\) PCI /, "VDM ", line)
  return substr(line, 1, 150)
}
# The PCI-SIG (vendor 0x0001) message of `proto` with code `code` in line.
function pci(line, proto, code) {
  return index(line, "vendor_id=0x0001)") && index(line, proto "(" code ")")
}
function keyop(line) {
  if (match(line, /KeyOp=0x0[0-9]/)) return substr(line, RSTART + 6, 4)
  return ""
}

BEGIN {
  # TDISP request code -> response code (PCIe r6.0 §11.3.2 Table 11-4).
  td_rsp["0x83"] = "0x03"; td_name["0x83"] = "LOCK_INTERFACE"
  td_rsp["0x84"] = "0x04"; td_name["0x84"] = "GET_DEVICE_INTERFACE_REPORT"
  td_rsp["0x86"] = "0x06"; td_name["0x86"] = "START_INTERFACE"
  td_rsp["0x87"] = "0x07"; td_name["0x87"] = "STOP_INTERFACE"
}

/^[0-9]+ \([0-9]+\) / {
  line = $0
  if (index(line, " REQ->RSP ")) {
    if (have_req) fail("record " reqno ": request without a response: " short(req))
    req = line; reqno = $1; have_req = 1
    nreq++
    if (index(line, "vendor_id=0x1e98")) {
      ncxl++
      if (!first_cxl) first_cxl = NR
      last_cxl_sid = sid_of(line)
    }
    # kx: the session's first request, KEY_EXCHANGE unless told PSK_EXCHANGE.
    if (kx == "") kx = "KEY_EXCHANGE"
    if (index(line, "SPDM_" kx " ") && !kx_seen) {
      kx_seen = 1
      if (!index(line, "SPDM(" ver ",")) fail(kx " is not SPDM " ver ": " short(line))
      else ok("session at SPDM " ver)
    }
    next
  }
  if (!index(line, " RSP->REQ ")) next
  if (!have_req) { fail("record " $1 ": response without a request"); next }
  have_req = 0
  rsp = line
  rsid = sid_of(rsp)
  is_err = index(rsp, "SPDM_ERROR") > 0
  # DSP0274 §10.4: ALGORITHMS selects one Asym; the device must pick the suite's.
  if (index(rsp, "SPDM_ALGORITHMS ")) {
    if (index(rsp, "(" asym ")")) ok("ALGORITHMS selects " asym)
    else fail("ALGORITHMS does not select " asym ": " short(rsp))
    # The key exchange group too, when the suite names one (FFDHE suites).
    if (dhe != "" && index(rsp, "DHE=") && index(rsp, "(" dhe ")")) ok("ALGORITHMS selects " dhe)
    else if (dhe != "") fail("ALGORITHMS does not select " dhe ": " short(rsp))
  }
  # No SPDM ERROR anywhere before the requester's CXL steps.
  if (is_err && !first_cxl && !err_before) {
    err_before = 1
    fail("SPDM ERROR before the CXL steps, to " short(req) " -> " short(rsp))
  }
  if (index(req, "vendor_id=0x1e98")) {
    # CXL IDE_KM / CXL TSP are not served: DSP0274 §10.20 lets a responder
    # answer an unsupported VENDOR_DEFINED_REQUEST with ERROR; the session stays.
    if (!is_err) fail("CXL request answered without ERROR: " short(rsp))
    else if (rsid != sid_of(req)) fail("CXL ERROR outside the request's session: " short(rsp))
    else cxl_err++
    next
  }
  if (is_err) nerr++
  if (index(rsp, "SPDM_END_SESSION_ACK")) nend++
  if (first_cxl && rsid != "" && rsid == last_cxl_sid) { after_cxl_n++; if (!is_err) after_cxl_ok++ }
  # IDE_KM (PCIe r6.0 §6.33.3): KEY_PROG -> KP_ACK with Status 0; K_SET_GO /
  # K_SET_STOP -> K_SET_GOSTOP_ACK.
  if (pci(req, "IDE_KM", "0x02")) {
    nkp++
    if (!pci(rsp, "IDE_KM", "0x03")) fail("KEY_PROG not answered with KP_ACK: " short(rsp))
    else if (!index(rsp, "Status=0x00")) fail("KP_ACK with a non-zero status: " short(rsp))
    else kp_ok++
  }
  if (pci(req, "IDE_KM", "0x04") || pci(req, "IDE_KM", "0x05")) {
    if (pci(req, "IDE_KM", "0x04")) ngo++; else nstop++
    if (!pci(rsp, "IDE_KM", "0x06")) fail("K_SET_GO/K_SET_STOP not acknowledged: " short(req) " -> " short(rsp))
    else kset_ok++
  }
  for (code in td_rsp) {
    if (pci(req, "TDISP", code)) {
      td_n[code]++
      if (!pci(rsp, "TDISP", td_rsp[code])) fail("TDISP " td_name[code] " failed: " short(rsp))
      else td_ok[code]++
    }
  }
  # DSP0274 §10.14 HEARTBEAT -> HEARTBEAT_ACK; §10.15 KEY_UPDATE -> KEY_UPDATE_ACK (same KeyOp).
  if (index(req, "SPDM_HEARTBEAT ")) {
    nhb++
    if (!index(rsp, "SPDM_HEARTBEAT_ACK")) fail("HEARTBEAT failed: " short(rsp)); else hb_ok++
  }
  if (index(req, "SPDM_KEY_UPDATE ")) {
    nku++
    op = keyop(req)
    if (!index(rsp, "SPDM_KEY_UPDATE_ACK") || keyop(rsp) != op) fail("KEY_UPDATE " op " failed: " short(rsp))
    else { ku_ok++; ku_ops[op] = 1 }
  }
}

END {
  if (have_req) fail("last request without a response: " short(req))
  if (!kx_seen) fail("no " (kx == "" ? "KEY_EXCHANGE" : kx) ": the session never started")
  if (mode == "app") {
    if (nkp == 0) fail("no IDE_KM KEY_PROG in the capture")
    else if (kp_ok == nkp) ok("IDE_KM: " nkp " KEY_PROG, every KP_ACK status 0")
    if (ngo == 0 || nstop == 0) fail("IDE_KM: " ngo + 0 " K_SET_GO, " nstop + 0 " K_SET_STOP (want both)")
    else if (kset_ok == ngo + nstop) ok("IDE_KM: " ngo " K_SET_GO, " nstop " K_SET_STOP acknowledged")
    for (code in td_rsp) {
      if (!td_n[code]) fail("TDISP " td_name[code] ": never sent")
      else if (td_ok[code] == td_n[code]) ok("TDISP " td_name[code] ": " td_n[code] " succeeded")
    }
    if (ncxl == 0) fail("no CXL request: the requester's APP step did not reach its CXL part")
    else if (cxl_err == ncxl) {
      ok(ncxl " CXL request(s) answered with ERROR inside their session")
      # The requester abandons its APP step at the first ERROR; whatever it
      # still sends in that session must be served.
      if (after_cxl_n > after_cxl_ok) fail("the session failed after the CXL requests")
      else if (after_cxl_n) ok("the session went on after the CXL requests (" after_cxl_ok " answers)")
    }
    if (!err_before) ok("no SPDM ERROR before the CXL steps")
  } else {
    if (nerr) fail("SPDM ERROR in a run without CXL steps (" nerr ")")
    else ok("no SPDM ERROR")
    if (nhb == 0) fail("no HEARTBEAT"); else if (hb_ok == nhb) ok(nhb " HEARTBEAT acknowledged")
    if (nku == 0) fail("no KEY_UPDATE")
    else if (ku_ok == nku) {
      ops = ""
      for (o in ku_ops) ops = ops " " o
      ok(nku " KEY_UPDATE acknowledged (KeyOp" ops ")")
    }
    if (!nend) fail("no END_SESSION_ACK: the session did not end cleanly")
    else ok("END_SESSION acknowledged")
  }
  for (k in nfail) if (nfail[k] > 3) printf "fail %s: %d more\n", k, nfail[k] - 3
  printf "summary %d requests, %d CXL\n", nreq, ncxl
}
