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
