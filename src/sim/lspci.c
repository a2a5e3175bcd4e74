/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lspci-style listing of what the host enumerated: see opentsm/sim_print.h.
 * Every register is read through routed configuration requests; capability
 * lists are walked with the same bounds as ot_pcie_find_cap/_ext_cap.
 */
#include <inttypes.h>
#include <string.h>

#include "opentsm/sim_print.h"
#include "opentsm/spec/doe.h"
#include "opentsm/spec/ide.h"
#include "opentsm/spec/ide_regs.h"
#include "opentsm/spec/pcie.h"
#include "sim_regs.h"

#define OUT(...)                                                                                   \
  do {                                                                                             \
    if (fprintf(out, __VA_ARGS__) < 0) OT_BAIL(OT_E_IO);                                           \
  } while (0)

const char *ot_sim_class_name(uint32_t class_code) {
  /* PCI Code and ID Assignment r1.11 §1: base class and sub-class. */
  static const struct {
    uint16_t cls;
    const char *name;
  } names[] = {
      {0x0100, "SCSI storage controller"},
      {0x0106, "SATA controller"},
      {0x0108, "Non-Volatile memory controller"},
      {0x0200, "Ethernet controller"},
      {0x0280, "Network controller"},
      {0x0300, "VGA compatible controller"},
      {0x0302, "3D controller"},
      {0x0380, "Display controller"},
      {0x0600, "Host bridge"},
      {0x0604, "PCI bridge"},
      {0x0b40, "Co-processor"},
      {0x0c03, "USB controller"},
      {0x1200, "Processing accelerators"},
      {0x1080, "Encryption controller"},
  };
  uint16_t cls = (uint16_t)(class_code >> 8);
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (names[i].cls == cls) return names[i].name;
  }
  return NULL;
}

static ot_status rd(ot_sim_host *h, const ot_sim_enum_fn *e, uint16_t off, unsigned w,
                    uint32_t *v) {
  return ot_sim_cfg_read(h->p, e->bus, e->devfn, off, w, v, NULL);
}

static ot_status print_header_line(FILE *out, const ot_sim_enum_fn *e) {
  char bdf[9];
  ot_sim_bdf_format(e->bus, e->devfn, bdf);
  const char *cname = ot_sim_class_name(e->class_code);
  uint16_t cls = (uint16_t)(e->class_code >> 8);
  if (cname != NULL) {
    OUT("%s %s [%04x]: Device [%04x:%04x]", bdf, cname, cls, e->vendor, e->device);
  } else {
    OUT("%s Class [%04x]: Device [%04x:%04x]", bdf, cls, e->vendor, e->device);
  }
  if (e->revision != 0) OUT(" (rev %02x)", e->revision);
  if ((e->class_code & 0xFF) != 0) OUT(" (prog-if %02x)", e->class_code & 0xFF);
  OUT("\n");
  return OT_SUCCESS;
}

static const char *size_text(uint64_t size, char buf[static 24]) {
  static const char units[] = "KMGT";
  if (size < 1024) {
    snprintf(buf, 24, "%" PRIu64, size);
    return buf;
  }
  unsigned u = 0;
  size >>= 10;
  while (size >= 1024 && size % 1024 == 0 && u < 3) {
    size >>= 10;
    u++;
  }
  snprintf(buf, 24, "%" PRIu64 "%c", size, units[u]);
  return buf;
}

static ot_status print_bars(FILE *out, const ot_sim_enum_fn *e) {
  char sz[24];
  for (unsigned i = 0; i < OT_SIM_MAX_BARS; i++) {
    if (e->bar_size[i] == 0) continue;
    bool is64 = (e->bar_flags[i] & OT_PCI_BAR_MEM_TYPE) == OT_PCI_BAR_MEM_TYPE_64;
    bool pref = e->bar_flags[i] & OT_PCI_BAR_MEM_PREFETCH;
    OUT("\tRegion %u: Memory at %" PRIx64 " (%s, %s) [size=%s]\n", i, e->bar_addr[i],
        is64 ? "64-bit" : "32-bit", pref ? "prefetchable" : "non-prefetchable",
        size_text(e->bar_size[i], sz));
  }
  return OT_SUCCESS;
}

static ot_status print_bridge(FILE *out, ot_sim_host *h, const ot_sim_enum_fn *e) {
  uint32_t bus, mem, pref, pbu, plu;
  OT_GUARD(rd(h, e, OT_PCI_T1_PRIMARY_BUS, 4, &bus));
  OT_GUARD(rd(h, e, OT_PCI_T1_MEM_BASE, 4, &mem));
  OT_GUARD(rd(h, e, OT_PCI_T1_PREF_BASE, 4, &pref));
  OT_GUARD(rd(h, e, OT_PCI_T1_PREF_BASE_UPPER, 4, &pbu));
  OT_GUARD(rd(h, e, OT_PCI_T1_PREF_LIMIT_UPPER, 4, &plu));
  OUT("\tBus: primary=%02x, secondary=%02x, subordinate=%02x, sec-latency=%u\n", bus & 0xFF,
      (bus >> 8) & 0xFF, (bus >> 16) & 0xFF, bus >> 24);
  uint64_t mb = (uint64_t)(mem & 0xFFF0u) << 16;
  uint64_t ml = ((uint64_t)((mem >> 16) & 0xFFF0u) << 16) | 0xFFFFFu;
  if (mb <= ml) {
    OUT("\tMemory behind bridge: %08" PRIx64 "-%08" PRIx64 "\n", mb, ml);
  } else {
    OUT("\tMemory behind bridge: [disabled]\n");
  }
  uint64_t pb = ((uint64_t)pbu << 32) | ((uint64_t)(pref & 0xFFF0u) << 16);
  uint64_t pl = ((uint64_t)plu << 32) | ((uint64_t)((pref >> 16) & 0xFFF0u) << 16) | 0xFFFFFu;
  if (pb <= pl) {
    OUT("\tPrefetchable memory behind bridge: %016" PRIx64 "-%016" PRIx64 "\n", pb, pl);
  } else {
    OUT("\tPrefetchable memory behind bridge: [disabled]\n");
  }
  return OT_SUCCESS;
}

static const char *port_type_name(unsigned t) {
  switch (t) {
  case OT_PCIE_TYPE_ENDPOINT: return "Endpoint";
  case OT_PCIE_TYPE_ROOT_PORT: return "Root Port";
  case OT_PCIE_TYPE_UPSTREAM: return "Upstream Port";
  case OT_PCIE_TYPE_DOWNSTREAM: return "Downstream Port";
  default: return "Unknown type";
  }
}

static const char *speed_name(unsigned s) {
  static const char *const names[] = {"unknown", "2.5GT/s", "5GT/s", "8GT/s",
                                      "16GT/s",  "32GT/s",  "64GT/s"};
  return s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

static ot_status print_express(FILE *out, ot_sim_host *h, const ot_sim_enum_fn *e, uint16_t at,
                               bool vv) {
  uint32_t hdr, devcap, lnkcap, lnksta;
  OT_GUARD(rd(h, e, at, 4, &hdr));
  unsigned flags = hdr >> 16;
  unsigned type = OT_FIELD_GET(OT_PCIE_FLAGS_TYPE, flags);
  OUT("\tCapabilities: [%02x] Express (v%u) %s", at, OT_FIELD_GET(OT_PCIE_FLAGS_VERS, flags),
      port_type_name(type));
  if (type == OT_PCIE_TYPE_ROOT_PORT || type == OT_PCIE_TYPE_DOWNSTREAM)
    OUT(" (Slot%c)", (flags & OT_PCIE_FLAGS_SLOT) ? '+' : '-');
  OUT("\n");
  if (!vv) return OT_SUCCESS;
  OT_GUARD(rd(h, e, (uint16_t)(at + OT_PCIE_DEVCAP), 4, &devcap));
  OT_GUARD(rd(h, e, (uint16_t)(at + OT_PCIE_LNKCAP), 4, &lnkcap));
  OT_GUARD(rd(h, e, (uint16_t)(at + OT_PCIE_LNKCTL), 4, &lnksta));
  lnksta >>= 16;
  OUT("\t\tDevCap:\tMaxPayload %u bytes, ExtTag%c RBE%c FLReset%c TEE-IO%c\n",
      128u << OT_FIELD_GET(OT_PCIE_DEVCAP_MPS, devcap),
      (devcap & OT_PCIE_DEVCAP_EXT_TAG) ? '+' : '-', (devcap & OT_PCIE_DEVCAP_RBER) ? '+' : '-',
      (devcap & OT_PCIE_DEVCAP_FLR) ? '+' : '-', (devcap & OT_PCIE_DEVCAP_TEE_IO) ? '+' : '-');
  OUT("\t\tLnkCap:\tPort #%u, Speed %s, Width x%u\n", OT_FIELD_GET(OT_PCIE_LNKCAP_PORT, lnkcap),
      speed_name(OT_FIELD_GET(OT_PCIE_LNKCAP_SPEED, lnkcap)),
      OT_FIELD_GET(OT_PCIE_LNKCAP_WIDTH, lnkcap));
  OUT("\t\tLnkSta:\tSpeed %s, Width x%u, DLActive%c\n",
      speed_name(OT_FIELD_GET(OT_PCIE_LNKSTA_SPEED, lnksta)),
      OT_FIELD_GET(OT_PCIE_LNKSTA_WIDTH, lnksta), (lnksta & OT_PCIE_LNKSTA_DLLLA) ? '+' : '-');
  return OT_SUCCESS;
}

static const char *doe_protocol_name(uint16_t vendor, uint8_t type) {
  if (vendor != OT_DOE_VENDOR_PCISIG) return "vendor-defined";
  switch (type) {
  case OT_DOE_TYPE_DISCOVERY: return "Discovery";
  case OT_DOE_TYPE_SPDM: return "CMA/SPDM";
  case OT_DOE_TYPE_SECURED_SPDM: return "Secured CMA/SPDM";
  default: return "PCI-SIG";
  }
}

static ot_status print_doe(FILE *out, ot_sim_host *h, const ot_sim_enum_fn *e, uint16_t at) {
  uint32_t cap, ctl, sta;
  OT_GUARD(rd(h, e, (uint16_t)(at + OT_DOE_REG_CAP), 4, &cap));
  OT_GUARD(rd(h, e, (uint16_t)(at + OT_DOE_REG_CTRL), 4, &ctl));
  OT_GUARD(rd(h, e, (uint16_t)(at + OT_DOE_REG_STATUS), 4, &sta));
  OUT("\t\tDOECap: IntSup%c, Interrupt Message Number %03x\n",
      (cap & OT_DOE_CAP_INT_SUP) ? '+' : '-', OT_FIELD_GET(OT_DOE_CAP_INT_MSG_NUM, cap));
  OUT("\t\tDOECtl: IntEn%c\n", (ctl & OT_DOE_CTRL_INT_EN) ? '+' : '-');
  OUT("\t\tDOESta: Busy%c IntSta%c Error%c ObjectReady%c\n", (sta & OT_DOE_STATUS_BUSY) ? '+' : '-',
      (sta & OT_DOE_STATUS_INT_STATUS) ? '+' : '-', (sta & OT_DOE_STATUS_ERROR) ? '+' : '-',
      (sta & OT_DOE_STATUS_READY) ? '+' : '-');
  for (size_t i = 0; i < h->mailbox_count; i++) {
    const ot_sim_host_mailbox *m = &h->mailboxes[i];
    if (m->bus != e->bus || m->devfn != e->devfn || m->cap != at) continue;
    if (!ot_ok(m->status)) {
      OUT("\t\tDiscovery failed: %s\n", ot_status_message(m->status));
      continue;
    }
    OUT("\t\tProtocols:");
    for (size_t k = 0; k < m->driver.feature_count; k++) {
      const ot_doe_feature *f = &m->driver.features[k];
      OUT("%s %04x:%02x %s", k ? "," : "", f->vendor, f->type,
          doe_protocol_name(f->vendor, f->type));
    }
    OUT("\n");
  }
  return OT_SUCCESS;
}

static char flag(uint32_t v, uint32_t mask) { return (v & mask) ? '+' : '-'; }

/* Supported / Selected Algorithm, one encoded value (PCIe r6.0 §7.9.26.2,
 * §7.9.26.4.1): 00000b AES-GCM-256 with a 96-bit MAC, all else reserved and
 * shown with its code. */
static const char *ide_alg_name(unsigned alg, char buf[static 16]) {
  if (alg == OT_IDE_ALG_AES_GCM_256) return "AES-GCM-256";
  (void)snprintf(buf, 16, "reserved(%02x)", alg & 0x1Fu);
  return buf;
}

/* Tx Aggregation Mode fields (PCIe r6.0 §7.9.26.4.1): TLPs per MAC, NPR/PR/CPL. */
static ot_status print_ide_agg(FILE *out, uint32_t ctl) {
  OUT(" Agg NPR/PR/CPL %u/%u/%u",
      OT_IDE_AGG_MODE_TLPS(OT_FIELD_GET(OT_IDE_STREAM_CTL_AGG_NPR, ctl)),
      OT_IDE_AGG_MODE_TLPS(OT_FIELD_GET(OT_IDE_STREAM_CTL_AGG_PR, ctl)),
      OT_IDE_AGG_MODE_TLPS(OT_FIELD_GET(OT_IDE_STREAM_CTL_AGG_CPL, ctl)));
  return OT_SUCCESS;
}

/* Link / Selective IDE Stream Status (PCIe r6.0 §7.9.26.4.2, §7.9.26.5.3). */
static ot_status print_ide_status(FILE *out, const char *what, unsigned i, uint32_t sts) {
  unsigned state = OT_FIELD_GET(OT_IDE_STREAM_STS_STATE, sts);
  const char *name = state == OT_IDE_STATUS_INSECURE ? "Insecure"
                     : state == OT_IDE_STATUS_SECURE ? "Secure"
                                                     : "Reserved";
  OUT("\t\t%s#%u Sta: State %s (%x) RxIntegrityFailMsg%c\n", what, i, name, state,
      flag(sts, OT_IDE_STREAM_STS_RX_FAIL_MSG));
  return OT_SUCCESS;
}

static ot_status print_ide_link(FILE *out, ot_sim_host *h, const ot_sim_enum_fn *e, uint16_t off,
                                unsigned i) {
  uint32_t ctl, sts;
  OT_GUARD(rd(h, e, (uint16_t)(off + OT_IDE_LINK_CTL), 4, &ctl));
  OT_GUARD(rd(h, e, (uint16_t)(off + OT_IDE_LINK_STS), 4, &sts));
  /* PCIe r6.0 §7.9.26.4.1 */
  char ab[16];
  OUT("\t\tLinkIDE#%u Ctl: Enable%c StreamID %u TC %u Alg %s PCRC%c PartHdr %u", i,
      flag(ctl, OT_IDE_STREAM_CTL_ENABLE), OT_FIELD_GET(OT_IDE_STREAM_CTL_ID, ctl),
      OT_FIELD_GET(OT_IDE_STREAM_CTL_TC, ctl),
      ide_alg_name(OT_FIELD_GET(OT_IDE_STREAM_CTL_ALG, ctl), ab), flag(ctl, OT_IDE_STREAM_CTL_PCRC),
      OT_FIELD_GET(OT_IDE_STREAM_CTL_PART_HDR, ctl));
  OT_GUARD(print_ide_agg(out, ctl));
  OUT("\n");
  return print_ide_status(out, "LinkIDE", i, sts);
}

/* A RID as BB:DD.F. */
static const char *rid_text(unsigned rid, char buf[static 9]) {
  ot_sim_bdf_format((uint8_t)(rid >> 8), (uint8_t)rid, buf);
  return buf;
}

/* One Selective IDE Stream block (PCIe r6.0 §7.9.26.5); *size gets its length in bytes. */
static ot_status print_ide_sel(FILE *out, ot_sim_host *h, const ot_sim_enum_fn *e, uint16_t off,
                               unsigned i, uint16_t *size) {
  uint32_t cap, ctl, sts, rid1, rid2;
  OT_GUARD(rd(h, e, (uint16_t)(off + OT_IDE_SEL_CAP), 4, &cap));
  OT_GUARD(rd(h, e, (uint16_t)(off + OT_IDE_SEL_CTL), 4, &ctl));
  OT_GUARD(rd(h, e, (uint16_t)(off + OT_IDE_SEL_STS), 4, &sts));
  OT_GUARD(rd(h, e, (uint16_t)(off + OT_IDE_SEL_RID1), 4, &rid1));
  OT_GUARD(rd(h, e, (uint16_t)(off + OT_IDE_SEL_RID2), 4, &rid2));
  unsigned naddr = OT_FIELD_GET(OT_IDE_SEL_CAP_ADDR_BLOCKS, cap);
  *size = (uint16_t)OT_IDE_SEL_BLOCK_SIZE(naddr);
  OUT("\t\tSelectiveIDE#%u Cap: AddrAssocBlocks %u\n", i, naddr);
  /* PCIe r6.0 §7.9.26.5.2 */
  char ab[16];
  OUT("\t\tSelectiveIDE#%u Ctl: Enable%c StreamID %u TC %u Default%c CfgReq%c TEE-Limited%c "
      "Alg %s PCRC%c PartHdr %u",
      i, flag(ctl, OT_IDE_STREAM_CTL_ENABLE), OT_FIELD_GET(OT_IDE_STREAM_CTL_ID, ctl),
      OT_FIELD_GET(OT_IDE_STREAM_CTL_TC, ctl), flag(ctl, OT_IDE_STREAM_CTL_DEFAULT),
      flag(ctl, OT_IDE_STREAM_CTL_CFG), flag(ctl, OT_IDE_STREAM_CTL_TEE_LIMITED),
      ide_alg_name(OT_FIELD_GET(OT_IDE_STREAM_CTL_ALG, ctl), ab), flag(ctl, OT_IDE_STREAM_CTL_PCRC),
      OT_FIELD_GET(OT_IDE_STREAM_CTL_PART_HDR, ctl));
  OT_GUARD(print_ide_agg(out, ctl));
  OUT("\n");
  OT_GUARD(print_ide_status(out, "SelectiveIDE", i, sts));
  /* PCIe r6.0 §7.9.26.5.4 */
  char b[9], l[9];
  OUT("\t\tSelectiveIDE#%u RID: Valid%c Base %s Limit %s Segment %02x\n", i,
      flag(rid2, OT_IDE_RID2_VALID), rid_text(OT_FIELD_GET(OT_IDE_RID2_BASE, rid2), b),
      rid_text(OT_FIELD_GET(OT_IDE_RID1_LIMIT, rid1), l), OT_FIELD_GET(OT_IDE_RID2_SEGMENT, rid2));
  for (unsigned j = 0; j < naddr; j++) {
    uint16_t a = (uint16_t)(off + OT_IDE_SEL_ADDR(j));
    uint32_t a1, lim_hi, base_hi;
    OT_GUARD(rd(h, e, (uint16_t)(a + OT_IDE_ADDR1), 4, &a1));
    OT_GUARD(rd(h, e, (uint16_t)(a + OT_IDE_ADDR2), 4, &lim_hi));
    OT_GUARD(rd(h, e, (uint16_t)(a + OT_IDE_ADDR3), 4, &base_hi));
    /* PCIe r6.0 §7.9.26.5.5: 1 MiB granules; the limit's low 20 bits read as all ones. */
    uint64_t base = ((uint64_t)base_hi << 32) | ((uint64_t)OT_FIELD_GET(OT_IDE_ADDR1_BASE_LOW, a1)
                                                 << OT_IDE_ADDR_GRANULE_SHIFT);
    uint64_t limit =
        ((uint64_t)lim_hi << 32) |
        ((uint64_t)OT_FIELD_GET(OT_IDE_ADDR1_LIMIT_LOW, a1) << OT_IDE_ADDR_GRANULE_SHIFT) |
        ((UINT64_C(1) << OT_IDE_ADDR_GRANULE_SHIFT) - 1u);
    OUT("\t\tSelectiveIDE#%u Addr#%u: Valid%c Base %016" PRIx64 " Limit %016" PRIx64 "\n", i, j,
        flag(a1, OT_IDE_ADDR1_VALID), base, limit);
  }
  return OT_SUCCESS;
}

/* The IDE Extended Capability (PCIe r6.0 §7.9.26), walked by its own size fields. */
static ot_status print_ide(FILE *out, ot_sim_host *h, const ot_sim_enum_fn *e, uint16_t at) {
  uint32_t cap, ctl;
  OT_GUARD(rd(h, e, (uint16_t)(at + OT_IDE_REG_CAP), 4, &cap));
  OT_GUARD(rd(h, e, (uint16_t)(at + OT_IDE_REG_CTL), 4, &ctl));
  unsigned nlink = (cap & OT_IDE_CAP_LINK) ? OT_FIELD_GET(OT_IDE_CAP_LINK_TCS, cap) + 1u : 0u;
  unsigned nsel =
      (cap & OT_IDE_CAP_SELECTIVE) ? OT_FIELD_GET(OT_IDE_CAP_SEL_STREAMS, cap) + 1u : 0u;
  /* PCIe r6.0 §7.9.26.2 */
  OUT("\t\tIDECap: Link%c Selective%c FlowThrough%c PartialHdr%c Aggregation%c PCRC%c IDE_KM%c "
      "SelCfg%c TEE-Limited%c\n",
      flag(cap, OT_IDE_CAP_LINK), flag(cap, OT_IDE_CAP_SELECTIVE),
      flag(cap, OT_IDE_CAP_FLOW_THROUGH), flag(cap, OT_IDE_CAP_PARTIAL_HDR),
      flag(cap, OT_IDE_CAP_AGGREGATION), flag(cap, OT_IDE_CAP_PCRC), flag(cap, OT_IDE_CAP_IDE_KM),
      flag(cap, OT_IDE_CAP_SEL_CFG), flag(cap, OT_IDE_CAP_TEE_LIMITED));
  /* Supported Algorithms is one encoded value, not a bit map (§7.9.26.2). */
  unsigned alg = OT_FIELD_GET(OT_IDE_CAP_ALG, cap);
  char ab[16];
  OUT("\t\t\tAlgorithms: %s", ide_alg_name(alg, ab));
  OUT(", TCs %u, SelectiveStreams %u\n", OT_FIELD_GET(OT_IDE_CAP_LINK_TCS, cap) + 1u, nsel);
  /* PCIe r6.0 §7.9.26.3 */
  OUT("\t\tIDECtl: FlowThroughEn%c\n", flag(ctl, OT_IDE_CTL_FLOW_THROUGH));
  uint16_t off = (uint16_t)(at + OT_IDE_REG_LINK_START);
  for (unsigned i = 0; i < nlink; i++, off = (uint16_t)(off + OT_IDE_LINK_BLOCK_SIZE))
    OT_GUARD(print_ide_link(out, h, e, off, i));
  for (unsigned i = 0; i < nsel; i++) {
    /* A block must fit in extended config space (bounded like ot_ide_host_sel_block). */
    if (off + OT_IDE_SEL_BLOCK_FIXED > OT_PCI_CFG_EXT_SIZE) {
      OUT("\t\tSelectiveIDE#%u: <beyond config space>\n", i);
      break;
    }
    uint16_t size;
    OT_GUARD(print_ide_sel(out, h, e, off, i, &size));
    if ((uint32_t)off + size > OT_PCI_CFG_EXT_SIZE) break;
    off = (uint16_t)(off + size);
  }
  return OT_SUCCESS;
}

static const char *cap_name(uint8_t id) {
  switch (id) {
  case OT_PCI_CAP_ID_PM: return "Power Management";
  case OT_PCI_CAP_ID_MSI: return "MSI";
  case OT_PCI_CAP_ID_VNDR: return "Vendor Specific Information";
  case OT_PCI_CAP_ID_MSIX: return "MSI-X";
  default: return "Unknown";
  }
}

static const char *ext_cap_name(uint16_t id) {
  switch (id) {
  case OT_PCI_EXT_CAP_ID_AER: return "Advanced Error Reporting";
  case OT_PCI_EXT_CAP_ID_VNDR: return "Vendor Specific Information";
  case OT_PCI_EXT_CAP_ID_DVSEC: return "Designated Vendor-Specific";
  case OT_PCI_EXT_CAP_ID_DOE: return "Data Object Exchange";
  case OT_PCI_EXT_CAP_ID_IDE: return "Integrity & Data Encryption";
  default: return "Unknown";
  }
}

/* Both capability lists, bounded like the walkers in src/pcie (a loop cannot hang us). */
static ot_status print_caps(FILE *out, ot_sim_host *h, const ot_sim_enum_fn *e, bool vv) {
  uint32_t status, ptr;
  OT_GUARD(rd(h, e, OT_PCI_STATUS, 2, &status));
  if (!(status & OT_PCI_STATUS_CAP_LIST)) return OT_SUCCESS;
  OT_GUARD(rd(h, e, OT_PCI_CAP_PTR, 1, &ptr));
  uint16_t at = (uint16_t)(ptr & OT_PCI_CAP_PTR_MASK);
  for (unsigned n = 0; at >= OT_PCI_CAP_MIN_OFFSET && n < OT_PCI_CAP_MAX_WALK; n++) {
    uint32_t hdr;
    OT_GUARD(rd(h, e, at, 2, &hdr));
    uint8_t id = (uint8_t)OT_FIELD_GET(OT_PCI_CAP_HDR_ID, hdr);
    if (id == OT_PCI_CAP_ID_EXP) {
      OT_GUARD(print_express(out, h, e, at, vv));
    } else {
      OUT("\tCapabilities: [%02x] %s\n", at, cap_name(id));
    }
    at = (uint16_t)(OT_FIELD_GET(OT_PCI_CAP_HDR_NEXT, hdr) & OT_PCI_CAP_PTR_MASK);
  }
  at = OT_PCI_EXT_CAP_START;
  for (unsigned n = 0; at >= OT_PCI_EXT_CAP_START && n < OT_PCI_EXT_CAP_MAX_WALK; n++) {
    uint32_t hdr;
    OT_GUARD(rd(h, e, at, 4, &hdr));
    if (hdr == 0 || hdr == UINT32_MAX) break;
    uint16_t id = (uint16_t)OT_FIELD_GET(OT_PCI_EXT_CAP_ID, hdr);
    OUT("\tCapabilities: [%03x v%u] %s\n", at, OT_FIELD_GET(OT_PCI_EXT_CAP_VER, hdr),
        ext_cap_name(id));
    if (vv && id == OT_PCI_EXT_CAP_ID_DOE) OT_GUARD(print_doe(out, h, e, at));
    if (vv && id == OT_PCI_EXT_CAP_ID_IDE) OT_GUARD(print_ide(out, h, e, at));
    at = (uint16_t)(OT_FIELD_GET(OT_PCI_EXT_CAP_NEXT, hdr) & OT_PCI_EXT_CAP_NEXT_ALIGN);
  }
  return OT_SUCCESS;
}

static ot_status print_hex(FILE *out, ot_sim_host *h, const ot_sim_enum_fn *e) {
  for (uint16_t off = 0; off < OT_PCI_CFG_EXT_SIZE; off += 4) {
    uint32_t dw;
    OT_GUARD(rd(h, e, off, 4, &dw));
    if (off % 16 == 0) OUT("%03x:", off);
    OUT(" %02x %02x %02x %02x", dw & 0xFF, (dw >> 8) & 0xFF, (dw >> 16) & 0xFF, dw >> 24);
    if (off % 16 == 12) OUT("\n");
  }
  return OT_SUCCESS;
}

static ot_status print_function(FILE *out, ot_sim_host *h, const ot_sim_enum_fn *e,
                                ot_sim_lspci_mode mode) {
  OT_GUARD(print_header_line(out, e));
  if (mode == OT_SIM_LSPCI_HEX) return print_hex(out, h, e);
  if (mode == OT_SIM_LSPCI_BRIEF) return OT_SUCCESS;
  const ot_sim_function *f = ot_sim_route(h->p, e->bus, e->devfn);
  if (f != NULL)
    OUT("\tSimulated: %s (%s)\n", f->node->desc->name, ot_sim_node_kind_name(f->node->desc->kind));
  if (!e->bridge) {
    uint32_t ss;
    OT_GUARD(rd(h, e, OT_PCI_SUBSYS_VENDOR, 4, &ss));
    OUT("\tSubsystem: Device [%04x:%04x]\n", ss & 0xFFFF, ss >> 16);
    OT_GUARD(print_bars(out, e));
  } else {
    OT_GUARD(print_bridge(out, h, e));
  }
  return print_caps(out, h, e, mode == OT_SIM_LSPCI_VVERBOSE);
}

ot_status ot_sim_lspci(FILE *out, ot_sim_host *h, ot_sim_lspci_mode mode) {
  OT_ENSURE(out != NULL && h != NULL && h->p != NULL, OT_E_ARG);
  for (size_t i = 0; i < h->topo.count; i++) {
    OT_GUARD(print_function(out, h, &h->topo.fns[i], mode));
    if (mode != OT_SIM_LSPCI_BRIEF) OUT("\n");
  }
  OT_ENSURE(fflush(out) == 0, OT_E_IO);
  return OT_SUCCESS;
}
