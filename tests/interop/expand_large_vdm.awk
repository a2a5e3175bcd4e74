# Names the protocol message inside each SPDM 1.4 large VENDOR_DEFINED record
# of `spdm_dump -d -x` output, which spdm_dump itself leaves at
# "SPDM_VENDOR_DEFINED_REQUEST (LargeReq=0x80, StandID=0x0003)" without
# dissecting the payload. Every line is passed through; such a record line
# gets the text spdm_dump prints for the small form appended, decoded from the
# record's "SPDM Message:" hex (the decrypted message, printed first):
#   " PCI (vendor_id=0xVVVV) (ProtID=0xPP) IDE_KM(0xCC) Status=0xSS"
#   " PCI (vendor_id=0xVVVV) (ProtID=0xPP) TDISP(0xCC)"
# so that judge_tsm_flow.awk reads 1.4 captures as it reads 1.2/1.3 ones.
#
# Layout (DSP0274 1.4 "VENDOR_DEFINED_REQUEST request message format", large
# form): SPDMVersion, code, Param1 (bit7 LargeReq/LargeResp), Param2 |
# StandardID(2) | Len(1) | VendorID(Len) | ReqLength(2) = 0 |
# LargeReqLength(4) | payload. PCI-SIG payload (PCIe r6.0 §6.33.3, §11.3):
# ProtocolID(1) then IDE_KM ObjectID(1) Reserved(2) StreamID(1) Status(1) ..
# or TDISP TDISPVersion(1) MessageType(1) ..

function hexval(h) { return index("0123456789abcdef", tolower(substr(h, 1, 1))) * 16 - 16 + \
                            index("0123456789abcdef", tolower(substr(h, 2, 1))) - 1 }

function flush(  n, vlen, vid, at, plen, prot, code, extra) {
  if (pending == "") return
  extra = ""
  n = nb
  # Header 4, StandardID 2, Len 1, VendorID, ReqLength 2, LargeReqLength 4.
  if (n >= 7) {
    vlen = b[6]
    at = 7 + vlen + 2 + 4
    if (n > at && vlen == 2) {
      vid = b[7] + 256 * b[8]
      plen = b[7 + vlen + 2] + 256 * b[7 + vlen + 3] + 65536 * b[7 + vlen + 4] + 16777216 * b[7 + vlen + 5]
      prot = b[at]
      if (vid == 1 && prot == 0 && n > at + 1) {
        code = b[at + 1]
        extra = sprintf(" PCI (vendor_id=0x%04x) (ProtID=0x%02x) IDE_KM(0x%02x)", vid, prot, code)
        if (n > at + 5) extra = extra sprintf(" Status=0x%02x", b[at + 5])
      } else if (vid == 1 && prot == 1 && n > at + 2) {
        extra = sprintf(" PCI (vendor_id=0x%04x) (ProtID=0x%02x) TDISP(0x%02x)", vid, prot, b[at + 2])
      } else {
        extra = sprintf(" PCI (vendor_id=0x%04x) (ProtID=0x%02x) payload %d bytes", vid, prot, plen)
      }
    }
  }
  print pending extra
  for (line_i = 1; line_i <= nheld; line_i++) print held[line_i]
  pending = ""
  nheld = 0
  nb = 0
  inhex = 0
  gothex = 0
}

/^[0-9]+ \([0-9]+\) / {
  flush()
  if (index($0, "LargeReq=0x80")) {
    pending = $0
    next
  }
  print
  next
}

{
  if (pending == "") { print; next }
  held[++nheld] = $0
  if (!gothex && $0 ~ /^ *SPDM Message:/) { inhex = 1; next }
  if (inhex) {
    if ($0 ~ /^ *[0-9a-f]+: /) {
      line = $0
      sub(/^ *[0-9a-f]+: /, "", line)
      k = split(line, f, " ")
      for (j = 1; j <= k; j++) if (f[j] ~ /^[0-9a-f][0-9a-f]$/) b[nb++] = hexval(f[j])
    } else {
      inhex = 0
      gothex = 1
    }
  }
}

END { flush() }
