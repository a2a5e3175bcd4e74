/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The topology schema (docs/topology.md) as field tables: one table per
 * mapping, one handler per key. Handlers check each value on its own;
 * topo_check.c checks what needs the whole document.
 */
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "opentsm/clock.h"
#include "opentsm/spec/doe.h"
#include "opentsm/spec/pcie.h"
#include "topo_internal.h"

/* ---- shared helpers ------------------------------------------------------------- */

static ot_status u8_field(topo_ctx *c, yaml_node_t *v, uint64_t max, uint8_t *out) {
  uint64_t x;
  OT_GUARD(topo_uint(c, v, max, &x));
  *out = (uint8_t)x;
  return OT_SUCCESS;
}

static ot_status u16_field(topo_ctx *c, yaml_node_t *v, uint16_t *out) {
  uint64_t x;
  OT_GUARD(topo_uint(c, v, 0xFFFF, &x));
  *out = (uint16_t)x;
  return OT_SUCCESS;
}

/* ---- BARs (PCIe r6.0 §7.5.1.2.1) --------------------------------------------------- */

static ot_status bar_index(topo_ctx *c, yaml_node_t *v) {
  return u8_field(c, v, OT_SIM_MAX_BARS - 1u, &c->bar->index);
}

static ot_status bar_type(topo_ctx *c, yaml_node_t *v) {
  static const char *const names[] = {[OT_SIM_BAR_MEM32] = "mem32", [OT_SIM_BAR_MEM64] = "mem64"};
  unsigned x;
  OT_GUARD(topo_enum(c, v, "BAR type", names, 2, &x));
  c->bar->type = (ot_sim_bar_type)x;
  return OT_SUCCESS;
}

static ot_status bar_prefetchable(topo_ctx *c, yaml_node_t *v) {
  return topo_bool(c, v, &c->bar->prefetchable);
}

static ot_status bar_size(topo_ctx *c, yaml_node_t *v) {
  uint64_t x;
  OT_GUARD(topo_size(c, v, OT_SIM_BAR_MAX_SIZE, &x));
  if (x < OT_SIM_BAR_MIN_SIZE || (x & (x - 1)) != 0)
    return topo_fail(c, v, OT_E_MALFORMED,
                     "a BAR size is a power of two of at least 128 bytes (PCIe r6.0 §7.5.1.2.1)");
  c->bar->size = x;
  return OT_SUCCESS;
}

static const topo_field bar_fields[] = {
    {"index", true, bar_index},
    {"type", true, bar_type},
    {"prefetchable", false, bar_prefetchable},
    {"size", true, bar_size},
};

static ot_status fn_bars(topo_ctx *c, yaml_node_t *v) {
  yaml_node_item_t *items;
  size_t n;
  OT_GUARD(topo_seq(c, v, "bars", &items, &n));
  if (n > OT_SIM_MAX_BARS)
    return topo_fail(c, v, OT_E_TOO_LARGE, "at most %u BARs", OT_SIM_MAX_BARS);
  uint8_t used = 0; /* BAR register slots taken */
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *item = topo_item(c, items[i]);
    ot_sim_bar_desc *b = &c->fn->bars[i];
    memset(b, 0, sizeof *b);
    c->bar = b;
    OT_GUARD(topo_map(c, item, "bar", bar_fields, sizeof bar_fields / sizeof bar_fields[0], NULL));
    if (b->type == OT_SIM_BAR_MEM32 && b->size > (UINT64_C(1) << 31))
      return topo_fail(c, item, OT_E_MALFORMED, "a 32-bit BAR is at most 2G");
    if (b->type == OT_SIM_BAR_MEM64 && b->index == OT_SIM_MAX_BARS - 1u)
      return topo_fail(c, item, OT_E_MALFORMED,
                       "a 64-bit BAR takes two registers: index 5 cannot hold one");
    uint8_t slots = (uint8_t)((b->type == OT_SIM_BAR_MEM64 ? 3u : 1u) << b->index);
    if (used & slots)
      return topo_fail(c, item, OT_E_EXISTS, "BAR %u overlaps another BAR's registers", b->index);
    used |= slots;
  }
  c->fn->bar_count = n;
  return OT_SUCCESS;
}

/* ---- DOE (PCIe r6.0 §6.30, §7.9.24) --------------------------------------------------- */

static ot_status doe_version(topo_ctx *c, yaml_node_t *v) {
  OT_GUARD(u8_field(c, v, 2, &c->doe->cap_version));
  if (c->doe->cap_version == 0)
    return topo_fail(c, v, OT_E_MALFORMED, "DOE capability version is 1 or 2");
  return OT_SUCCESS;
}

static ot_status doe_latency(topo_ctx *c, yaml_node_t *v) {
  /* PCIe r6.0 §6.30.2: a response within 1 s; a slower model only tests timeouts. */
  return topo_uint(c, v, 10u * 1000u * 1000u * 1000u, &c->doe->latency_ns);
}

static ot_status doe_buffer(topo_ctx *c, yaml_node_t *v) {
  uint64_t x;
  OT_GUARD(topo_size(c, v, OT_DOE_MAX_OBJECT_BYTES, &x));
  if (x < 64 || x % 4 != 0)
    return topo_fail(c, v, OT_E_MALFORMED, "DOE buffer: 64 bytes to 1M, a multiple of 4");
  c->doe->buffer_size = (uint32_t)x;
  return OT_SUCCESS;
}

static ot_status proto_vendor(topo_ctx *c, yaml_node_t *v) {
  return u16_field(c, v, &c->proto->vendor);
}

static ot_status proto_type(topo_ctx *c, yaml_node_t *v) {
  return u8_field(c, v, 0xFF, &c->proto->type);
}

static const topo_field proto_fields[] = {
    {"vendor", true, proto_vendor},
    {"type", true, proto_type},
};

/* A protocol by name (the PCI-SIG ones, PCIe r6.0 §6.30.1) or as {vendor, type}. */
static ot_status doe_protocol(topo_ctx *c, yaml_node_t *item, ot_doe_feature *f) {
  if (item->type == YAML_SCALAR_NODE) {
    static const char *const names[] = {"discovery", "spdm", "secured_spdm"};
    unsigned x;
    OT_GUARD(topo_enum(c, item, "DOE protocol", names, 3, &x));
    f->vendor = OT_DOE_VENDOR_PCISIG;
    f->type = (uint8_t)x; /* 0 Discovery, 1 CMA/SPDM, 2 secured CMA/SPDM */
  } else {
    c->proto = f;
    OT_GUARD(topo_map(c, item, "protocol", proto_fields, 2, NULL));
  }
  if (f->vendor == OT_DOE_VENDOR_PCISIG && f->type == OT_DOE_TYPE_DISCOVERY)
    return topo_fail(c, item, OT_E_MALFORMED, "Discovery is always served; do not list it");
  if (f->vendor == OT_DOE_DISC_NO_ENTRY_VENDOR)
    return topo_fail(c, item, OT_E_MALFORMED, "vendor FFFFh is not a valid Vendor ID");
  return OT_SUCCESS;
}

static ot_status doe_protocols(topo_ctx *c, yaml_node_t *v) {
  yaml_node_item_t *items;
  size_t n;
  OT_GUARD(topo_seq(c, v, "protocols", &items, &n));
  if (n > OT_SIM_MAX_PROTOCOLS)
    return topo_fail(c, v, OT_E_TOO_LARGE, "at most %u DOE protocols", OT_SIM_MAX_PROTOCOLS);
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *item = topo_item(c, items[i]);
    ot_doe_feature f = {0, 0};
    OT_GUARD(doe_protocol(c, item, &f));
    for (size_t j = 0; j < i; j++) {
      if (c->doe->protocols[j].vendor == f.vendor && c->doe->protocols[j].type == f.type)
        return topo_fail(c, item, OT_E_EXISTS, "protocol %04x:%02x listed twice", f.vendor, f.type);
    }
    c->doe->protocols[i] = f;
  }
  c->doe->protocol_count = n;
  return OT_SUCCESS;
}

static const topo_field doe_fields[] = {
    {"version", false, doe_version},
    {"latency_ns", false, doe_latency},
    {"buffer", false, doe_buffer},
    {"protocols", true, doe_protocols},
};

static ot_status fn_doe(topo_ctx *c, yaml_node_t *v) {
  ot_sim_doe_desc *d = &c->fn->doe;
  memset(d, 0, sizeof *d);
  d->present = true;
  d->cap_version = 1;
  d->buffer_size = 16384;
  c->doe = d;
  return topo_map(c, v, "doe", doe_fields, sizeof doe_fields / sizeof doe_fields[0], NULL);
}

/* ---- functions ---------------------------------------------------------------------- */

static ot_status fn_devfn(topo_ctx *c, yaml_node_t *v) { return topo_devfn(c, v, &c->fn->devfn); }
static ot_status fn_device(topo_ctx *c, yaml_node_t *v) {
  return u16_field(c, v, &c->fn->device_id);
}
static ot_status fn_class(topo_ctx *c, yaml_node_t *v) {
  uint64_t x;
  OT_GUARD(topo_uint(c, v, 0xFFFFFF, &x)); /* PCIe r6.0 §7.5.1.1.6: 24 bits */
  c->fn->class_code = (uint32_t)x;
  return OT_SUCCESS;
}
static ot_status fn_revision(topo_ctx *c, yaml_node_t *v) {
  OT_GUARD(u8_field(c, v, 0xFF, &c->fn->revision));
  c->refs->fn_revision[c->node - c->t->nodes] |= (uint8_t)(1u << (c->fn - c->node->functions));
  return OT_SUCCESS;
}

static ot_status subsys_vendor(topo_ctx *c, yaml_node_t *v) {
  return u16_field(c, v, &c->subsys[0]);
}
static ot_status subsys_device(topo_ctx *c, yaml_node_t *v) {
  return u16_field(c, v, &c->subsys[1]);
}

static const topo_field subsys_fields[] = {
    {"vendor", true, subsys_vendor},
    {"device", true, subsys_device},
};

static ot_status fn_subsystem(topo_ctx *c, yaml_node_t *v) {
  OT_GUARD(topo_map(c, v, "subsystem", subsys_fields, 2, NULL));
  c->fn->subsys_vendor = c->subsys[0];
  c->fn->subsys_id = c->subsys[1];
  return OT_SUCCESS;
}

enum { FF_DEVFN, FF_DEVICE, FF_CLASS, FF_REVISION, FF_SUBSYSTEM, FF_BARS, FF_DOE, FF_COUNT };

static const topo_field fn_fields[] = {
    [FF_DEVFN] = {"devfn", true, fn_devfn},
    [FF_DEVICE] = {"device", false, fn_device},
    [FF_CLASS] = {"class", true, fn_class},
    [FF_REVISION] = {"revision", false, fn_revision},
    [FF_SUBSYSTEM] = {"subsystem", false, fn_subsystem},
    [FF_BARS] = {"bars", false, fn_bars},
    [FF_DOE] = {"doe", false, fn_doe},
};

static ot_status node_functions(topo_ctx *c, yaml_node_t *v) {
  yaml_node_item_t *items;
  size_t n;
  OT_GUARD(topo_seq(c, v, "functions", &items, &n));
  if (n == 0) return topo_fail(c, v, OT_E_MALFORMED, "an endpoint has at least one function");
  if (n > OT_SIM_MAX_FUNCTIONS)
    return topo_fail(c, v, OT_E_TOO_LARGE, "at most %u functions", OT_SIM_MAX_FUNCTIONS);
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *item = topo_item(c, items[i]);
    ot_sim_function_desc *f = &c->node->functions[i];
    memset(f, 0, sizeof *f);
    f->mark = topo_mark(item);
    c->fn = f;
    topo_seen seen;
    OT_GUARD(topo_map(c, item, "function", fn_fields, FF_COUNT, &seen));
    /* Without its own device ID a function takes the node's (filled in by topo_check). */
    if (seen.mask & (1u << FF_DEVICE)) c->refs->fn_device[c->node - c->t->nodes] |= 1u << i;
    for (size_t j = 0; j < i; j++) {
      if (c->node->functions[j].devfn == f->devfn)
        return topo_fail(c, item, OT_E_EXISTS, "function %02x.%u is given twice",
                         OT_SIM_DEVFN_DEV(f->devfn), OT_SIM_DEVFN_FN(f->devfn));
    }
  }
  c->node->function_count = n;
  c->fn = NULL;
  return OT_SUCCESS;
}

/* ---- identity, measurements, TDIs, IDE (stored for later layers) ---------------------- */

/* "generate" or a path, resolved against the topology's directory and checked readable. */
static ot_status source(topo_ctx *c, yaml_node_t *v, ot_sim_source *src, char *path) {
  char raw[OT_SIM_PATH_MAX];
  OT_GUARD(topo_text(c, v, raw, sizeof raw));
  if (strcmp(raw, "generate") == 0) {
    *src = OT_SIM_SOURCE_GENERATE;
    path[0] = '\0';
    return OT_SUCCESS;
  }
  int n;
  if (raw[0] == '/' || c->base_dir == NULL) {
    n = snprintf(path, OT_SIM_PATH_MAX, "%s", raw);
  } else {
    n = snprintf(path, OT_SIM_PATH_MAX, "%s/%s", c->base_dir, raw);
  }
  if (n < 0 || (size_t)n >= OT_SIM_PATH_MAX)
    return topo_fail(c, v, OT_E_TOO_LARGE, "path '%.40s...' is too long", raw);
  if (c->base_dir != NULL && access(path, R_OK) != 0)
    return topo_fail(c, v, OT_E_IO, "cannot read '%.120s'", path);
  *src = OT_SIM_SOURCE_FILE;
  return OT_SUCCESS;
}

static ot_status id_chain(topo_ctx *c, yaml_node_t *v) {
  return source(c, v, &c->node->identity.chain, c->node->identity.chain_path);
}
static ot_status id_key(topo_ctx *c, yaml_node_t *v) {
  return source(c, v, &c->node->identity.key, c->node->identity.key_path);
}
static ot_status id_alg(topo_ctx *c, yaml_node_t *v) {
  static const char *const names[] = {[OT_SIM_ALG_ECDSA_P256] = "ecdsa-p256",
                                      [OT_SIM_ALG_ECDSA_P384] = "ecdsa-p384",
                                      [OT_SIM_ALG_ED25519] = "ed25519"};
  unsigned x;
  OT_GUARD(topo_enum(c, v, "algorithm", names, 3, &x));
  c->node->identity.algorithm = (ot_sim_key_alg)x;
  return OT_SUCCESS;
}

static const topo_field identity_fields[] = {
    {"cert_chain", true, id_chain},
    {"key", true, id_key},
    {"algorithm", false, id_alg},
};

static ot_status node_identity(topo_ctx *c, yaml_node_t *v) {
  ot_sim_identity_desc *id = &c->node->identity;
  memset(id, 0, sizeof *id);
  id->algorithm = OT_SIM_ALG_ECDSA_P384;
  OT_GUARD(topo_map(c, v, "identity", identity_fields, 3, NULL));
  /* A chain read from a file certifies a key that must come from a file too. */
  if (id->chain == OT_SIM_SOURCE_FILE && id->key == OT_SIM_SOURCE_GENERATE)
    return topo_fail(c, v, OT_E_MALFORMED,
                     "identity: a cert_chain file needs its key file, not 'generate'");
  return OT_SUCCESS;
}

static ot_status meas_index(topo_ctx *c, yaml_node_t *v) {
  /* DSP0274 1.3 §10.11: index 0 asks for the count and 0xFF for all; 1..0xFE name one. */
  OT_GUARD(u8_field(c, v, 0xFE, &c->meas->index));
  if (c->meas->index == 0) return topo_fail(c, v, OT_E_MALFORMED, "measurement index is 1..254");
  return OT_SUCCESS;
}
static ot_status meas_type(topo_ctx *c, yaml_node_t *v) {
  static const char *const names[] = {
      [OT_SIM_MEAS_IMMUTABLE_ROM] = "immutable_rom",
      [OT_SIM_MEAS_MUTABLE_FIRMWARE] = "mutable_firmware",
      [OT_SIM_MEAS_HARDWARE_CONFIG] = "hardware_config",
      [OT_SIM_MEAS_FIRMWARE_CONFIG] = "firmware_config",
      [OT_SIM_MEAS_MANIFEST] = "manifest",
      [OT_SIM_MEAS_DEVICE_MODE] = "device_mode",
      [OT_SIM_MEAS_FIRMWARE_VERSION] = "firmware_version",
      [OT_SIM_MEAS_SECURITY_VERSION] = "security_version",
  };
  unsigned x;
  OT_GUARD(topo_enum(c, v, "measurement type", names, 8, &x));
  c->meas->type = (ot_sim_meas_type)x;
  return OT_SUCCESS;
}
static ot_status meas_value(topo_ctx *c, yaml_node_t *v) {
  return topo_hex(c, v, c->meas->value, sizeof c->meas->value, &c->meas->value_len);
}

static const topo_field meas_fields[] = {
    {"index", true, meas_index},
    {"type", true, meas_type},
    {"value", true, meas_value},
};

static ot_status node_measurements(topo_ctx *c, yaml_node_t *v) {
  yaml_node_item_t *items;
  size_t n;
  OT_GUARD(topo_seq(c, v, "measurements", &items, &n));
  if (n > OT_SIM_MAX_MEASUREMENTS)
    return topo_fail(c, v, OT_E_TOO_LARGE, "at most %u measurements", OT_SIM_MAX_MEASUREMENTS);
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *item = topo_item(c, items[i]);
    ot_sim_measurement_desc *m = &c->node->measurements[i];
    memset(m, 0, sizeof *m);
    c->meas = m;
    OT_GUARD(topo_map(c, item, "measurement", meas_fields, 3, NULL));
    for (size_t j = 0; j < i; j++) {
      if (c->node->measurements[j].index == m->index)
        return topo_fail(c, item, OT_E_EXISTS, "measurement index %u is given twice", m->index);
    }
  }
  c->node->measurement_count = n;
  return OT_SUCCESS;
}

static ot_status tdi_function(topo_ctx *c, yaml_node_t *v) {
  return topo_devfn(c, v, &c->tdi->devfn);
}

static ot_status tdi_bars(topo_ctx *c, yaml_node_t *v) {
  yaml_node_item_t *items;
  size_t n;
  OT_GUARD(topo_seq(c, v, "bars", &items, &n));
  uint8_t mask = 0;
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *item = topo_item(c, items[i]);
    uint8_t b;
    OT_GUARD(u8_field(c, item, OT_SIM_MAX_BARS - 1u, &b));
    if (mask & (1u << b)) return topo_fail(c, item, OT_E_EXISTS, "BAR %u listed twice", b);
    mask = (uint8_t)(mask | (1u << b));
  }
  c->tdi->bar_mask = mask;
  return OT_SUCCESS;
}

static const topo_field tdi_fields[] = {
    {"function", true, tdi_function},
    {"bars", true, tdi_bars},
};

static ot_status node_tdis(topo_ctx *c, yaml_node_t *v) {
  yaml_node_item_t *items;
  size_t n;
  OT_GUARD(topo_seq(c, v, "tdis", &items, &n));
  if (n > OT_SIM_MAX_TDIS)
    return topo_fail(c, v, OT_E_TOO_LARGE, "at most %u TDIs", OT_SIM_MAX_TDIS);
  size_t ni = (size_t)(c->node - c->t->nodes);
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *item = topo_item(c, items[i]);
    c->tdi = &c->node->tdis[i];
    memset(c->tdi, 0, sizeof *c->tdi);
    c->refs->tdi_mark[ni][i] = topo_mark(item);
    OT_GUARD(topo_map(c, item, "tdi", tdi_fields, 2, NULL));
  }
  c->node->tdi_count = n;
  return OT_SUCCESS;
}

static ot_status ide_link_tcs(topo_ctx *c, yaml_node_t *v) {
  return u8_field(c, v, 8, &c->node->ide.link_tcs); /* 3-bit "number of TCs - 1" field */
}
static ot_status ide_selective(topo_ctx *c, yaml_node_t *v) {
  uint64_t x;
  OT_GUARD(topo_uint(c, v, 256, &x)); /* 8-bit "number of streams - 1" field */
  c->node->ide.selective_streams = (uint16_t)x;
  return OT_SUCCESS;
}
static ot_status ide_addr(topo_ctx *c, yaml_node_t *v) {
  return u8_field(c, v, 15, &c->node->ide.addr_assoc_blocks); /* 4-bit field */
}
static ot_status ide_flow(topo_ctx *c, yaml_node_t *v) {
  return topo_bool(c, v, &c->node->ide.flow_through);
}
static ot_status ide_km(topo_ctx *c, yaml_node_t *v) {
  return topo_bool(c, v, &c->node->ide.ide_km);
}
static ot_status ide_tee(topo_ctx *c, yaml_node_t *v) {
  return topo_bool(c, v, &c->node->ide.tee_limited);
}
static ot_status ide_pcrc(topo_ctx *c, yaml_node_t *v) {
  return topo_bool(c, v, &c->node->ide.pcrc);
}
static ot_status ide_aggr(topo_ctx *c, yaml_node_t *v) {
  return topo_bool(c, v, &c->node->ide.aggregation);
}
static ot_status ide_selcfg(topo_ctx *c, yaml_node_t *v) {
  return topo_bool(c, v, &c->node->ide.sel_cfg);
}

/* SPEC-FACTS §5.1 IDE Capability register fields. */
static const topo_field ide_fields[] = {
    {"link_tcs", false, ide_link_tcs},
    {"selective_streams", false, ide_selective},
    {"addr_assoc_blocks", false, ide_addr},
    {"flow_through", false, ide_flow},
    {"ide_km", false, ide_km},
    {"tee_limited", false, ide_tee},
    {"pcrc", false, ide_pcrc},
    {"aggregation", false, ide_aggr},
    {"sel_cfg", false, ide_selcfg},
};

static ot_status node_ide(topo_ctx *c, yaml_node_t *v) {
  ot_sim_ide_desc *d = &c->node->ide;
  memset(d, 0, sizeof *d);
  d->present = true;
  OT_GUARD(topo_map(c, v, "ide", ide_fields, sizeof ide_fields / sizeof ide_fields[0], NULL));
  if (d->link_tcs == 0 && d->selective_streams == 0)
    return topo_fail(c, v, OT_E_MALFORMED, "ide: neither link_tcs nor selective_streams is set");
  return OT_SUCCESS;
}

/* ---- links ------------------------------------------------------------------------- */

static ot_status link_latency(topo_ctx *c, yaml_node_t *v) {
  return topo_uint(c, v, OT_NS_PER_S, &c->node->link.latency_ns);
}
static ot_status link_speed(topo_ctx *c, yaml_node_t *v) {
  OT_GUARD(u8_field(c, v, 6, &c->node->link.speed)); /* PCIe r6.0 §7.5.3.6: 1..6 */
  if (c->node->link.speed == 0) return topo_fail(c, v, OT_E_MALFORMED, "link speed is 1..6");
  return OT_SUCCESS;
}
static ot_status link_width(topo_ctx *c, yaml_node_t *v) {
  OT_GUARD(u8_field(c, v, 16, &c->node->link.width));
  uint8_t w = c->node->link.width;
  if (w != 1 && w != 2 && w != 4 && w != 8 && w != 16)
    return topo_fail(c, v, OT_E_MALFORMED, "link width is 1, 2, 4, 8 or 16");
  return OT_SUCCESS;
}

static const topo_field link_fields[] = {
    {"latency_ns", false, link_latency},
    {"speed", false, link_speed},
    {"width", false, link_width},
};

static ot_status node_link(topo_ctx *c, yaml_node_t *v) {
  return topo_map(c, v, "link", link_fields, 3, NULL);
}

/* ---- nodes ----------------------------------------------------------------------- */

static ot_status node_name(topo_ctx *c, yaml_node_t *v) { return topo_name(c, v, c->node->name); }

static ot_status node_type(topo_ctx *c, yaml_node_t *v) {
  static const char *const names[] = {
      [OT_SIM_ROOT_COMPLEX] = "root_complex",
      [OT_SIM_ROOT_PORT] = "root_port",
      [OT_SIM_SWITCH_UPSTREAM] = "switch_upstream",
      [OT_SIM_SWITCH_DOWNSTREAM] = "switch_downstream",
      [OT_SIM_ENDPOINT] = "endpoint",
  };
  unsigned x;
  OT_GUARD(topo_enum(c, v, "node type", names, OT_SIM_NODE_KIND_COUNT, &x));
  c->node->kind = (ot_sim_node_kind)x;
  return OT_SUCCESS;
}

static ot_status node_parent(topo_ctx *c, yaml_node_t *v) {
  size_t i = (size_t)(c->node - c->t->nodes);
  c->refs->parent_mark[i] = topo_mark(v);
  return topo_name(c, v, c->refs->parent[i]);
}

static ot_status node_bus(topo_ctx *c, yaml_node_t *v) {
  return u8_field(c, v, 0xFF, &c->node->root_bus);
}

/* A bridge's one function: its position on the parent's bus. */
static ot_status node_devfn(topo_ctx *c, yaml_node_t *v) {
  return topo_devfn(c, v, &c->node->functions[0].devfn);
}

static ot_status node_vendor(topo_ctx *c, yaml_node_t *v) {
  return u16_field(c, v, &c->node->vendor);
}

/* The node's device ID; functions without their own take it (topo_check). */
static ot_status node_device(topo_ctx *c, yaml_node_t *v) {
  return u16_field(c, v, &c->refs->device[c->node - c->t->nodes]);
}

static ot_status node_revision(topo_ctx *c, yaml_node_t *v) {
  return u8_field(c, v, 0xFF, &c->refs->revision[c->node - c->t->nodes]);
}

static const topo_field node_fields[] = {
    [TOPO_NF_NAME] = {"name", true, node_name},
    [TOPO_NF_TYPE] = {"type", true, node_type},
    [TOPO_NF_PARENT] = {"parent", false, node_parent},
    [TOPO_NF_BUS] = {"bus", false, node_bus},
    [TOPO_NF_DEVFN] = {"devfn", false, node_devfn},
    [TOPO_NF_VENDOR] = {"vendor", false, node_vendor},
    [TOPO_NF_DEVICE] = {"device", false, node_device},
    [TOPO_NF_REVISION] = {"revision", false, node_revision},
    [TOPO_NF_FUNCTIONS] = {"functions", false, node_functions},
    [TOPO_NF_LINK] = {"link", false, node_link},
    [TOPO_NF_IDENTITY] = {"identity", false, node_identity},
    [TOPO_NF_MEASUREMENTS] = {"measurements", false, node_measurements},
    [TOPO_NF_TDIS] = {"tdis", false, node_tdis},
    [TOPO_NF_IDE] = {"ide", false, node_ide},
};
_Static_assert(sizeof node_fields / sizeof node_fields[0] == TOPO_NF_COUNT, "node field table");

static ot_status top_nodes(topo_ctx *c, yaml_node_t *v) {
  yaml_node_item_t *items;
  size_t n;
  OT_GUARD(topo_seq(c, v, "nodes", &items, &n));
  if (n > OT_SIM_MAX_NODES)
    return topo_fail(c, v, OT_E_TOO_LARGE, "at most %u nodes", OT_SIM_MAX_NODES);
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *item = topo_item(c, items[i]);
    ot_sim_node_desc *nd = &c->t->nodes[i];
    memset(nd, 0, sizeof *nd);
    nd->mark = topo_mark(item);
    nd->parent = -1;
    /* Link defaults: a Gen4 x16 link, 100 ns each way. */
    nd->link.latency_ns = 100;
    nd->link.speed = 4;
    nd->link.width = 16;
    c->node = nd;
    c->t->node_count = i; /* nodes before this one, for duplicate checks */
    topo_seen seen;
    OT_GUARD(topo_map(c, item, "node", node_fields, TOPO_NF_COUNT, &seen));
    c->refs->keys[i] = seen.mask;
    memcpy(c->refs->key_mark[i], seen.marks, sizeof seen.marks);
    for (size_t j = 0; j < i; j++) {
      if (strcmp(c->t->nodes[j].name, nd->name) == 0)
        return topo_fail(c, item, OT_E_EXISTS, "duplicate node name '%s' (first at line %u)",
                         nd->name, (unsigned)c->t->nodes[j].mark.line);
    }
  }
  c->t->node_count = n;
  c->node = NULL;
  return OT_SUCCESS;
}

/* ---- scenarios and taps ------------------------------------------------------------- */

static ot_status tap_name(topo_ctx *c, yaml_node_t *v) { return topo_name(c, v, c->tap->name); }

static ot_status tap_link(topo_ctx *c, yaml_node_t *v) {
  size_t i = (size_t)(c->tap - c->t->taps);
  c->refs->tap_link_mark[i] = topo_mark(v);
  return topo_name(c, v, c->refs->tap_link[i]);
}

static ot_status tap_action(topo_ctx *c, yaml_node_t *v) {
  static const char *const names[] = {
      [OT_SIM_TAP_OBSERVE] = "observe", [OT_SIM_TAP_RECORD] = "record",
      [OT_SIM_TAP_DROP] = "drop",       [OT_SIM_TAP_REPLAY] = "replay",
      [OT_SIM_TAP_REORDER] = "reorder", [OT_SIM_TAP_MODIFY] = "modify",
      [OT_SIM_TAP_INJECT] = "inject",
  };
  unsigned x;
  OT_GUARD(topo_enum(c, v, "tap action", names, OT_SIM_TAP_ACTION_COUNT, &x));
  c->tap->action = (ot_sim_tap_action)x;
  return OT_SUCCESS;
}

static ot_status match_direction(topo_ctx *c, yaml_node_t *v) {
  static const char *const names[] = {"down", "up", "any"};
  unsigned x;
  OT_GUARD(topo_enum(c, v, "direction", names, 3, &x));
  c->tap->match.any_dir = x == 2;
  c->tap->match.dir = x == 1 ? OT_SIM_UPSTREAM : OT_SIM_DOWNSTREAM;
  return OT_SUCCESS;
}

static ot_status match_nth(topo_ctx *c, yaml_node_t *v) {
  uint64_t x;
  OT_GUARD(topo_uint(c, v, UINT32_MAX, &x));
  if (x == 0) return topo_fail(c, v, OT_E_MALFORMED, "nth counts from 1 (omit it for every TLP)");
  c->tap->match.nth = (uint32_t)x;
  return OT_SUCCESS;
}

static const topo_field match_fields[] = {
    {"direction", false, match_direction},
    {"nth", false, match_nth},
};

static ot_status tap_match(topo_ctx *c, yaml_node_t *v) {
  return topo_map(c, v, "match", match_fields, 2, NULL);
}

static ot_status tap_delay(topo_ctx *c, yaml_node_t *v) {
  return topo_uint(c, v, OT_NS_PER_S, &c->tap->delay_ns);
}

static ot_status flip_offset(topo_ctx *c, yaml_node_t *v) {
  uint64_t x;
  OT_GUARD(topo_uint(c, v, UINT32_MAX, &x));
  c->flip->offset = (uint32_t)x;
  return OT_SUCCESS;
}
static ot_status flip_mask(topo_ctx *c, yaml_node_t *v) {
  OT_GUARD(u8_field(c, v, 0xFF, &c->flip->mask));
  if (c->flip->mask == 0)
    return topo_fail(c, v, OT_E_MALFORMED, "a flip mask of 0 changes nothing");
  return OT_SUCCESS;
}

static const topo_field flip_fields[] = {
    {"offset", true, flip_offset},
    {"mask", true, flip_mask},
};

static ot_status tap_flips(topo_ctx *c, yaml_node_t *v) {
  yaml_node_item_t *items;
  size_t n;
  OT_GUARD(topo_seq(c, v, "flips", &items, &n));
  if (n == 0 || n > OT_SIM_TAP_MAX_FLIPS)
    return topo_fail(c, v, OT_E_TOO_LARGE, "1 to %u flips", OT_SIM_TAP_MAX_FLIPS);
  for (size_t i = 0; i < n; i++) {
    c->flip = &c->tap->flips[i];
    OT_GUARD(topo_map(c, topo_item(c, items[i]), "flip", flip_fields, 2, NULL));
  }
  c->tap->flip_count = n;
  return OT_SUCCESS;
}

static ot_status tap_bytes(topo_ctx *c, yaml_node_t *v) {
  return topo_hex(c, v, c->tap->inject, sizeof c->tap->inject, &c->tap->inject_len);
}

static ot_status tap_file(topo_ctx *c, yaml_node_t *v) {
  return topo_text(c, v, c->tap->file, sizeof c->tap->file);
}

static const topo_field tap_fields[] = {
    [TOPO_TF_NAME] = {"name", true, tap_name},        [TOPO_TF_LINK] = {"link", true, tap_link},
    [TOPO_TF_ACTION] = {"action", true, tap_action},  [TOPO_TF_MATCH] = {"match", false, tap_match},
    [TOPO_TF_DELAY] = {"delay_ns", false, tap_delay}, [TOPO_TF_FLIPS] = {"flips", false, tap_flips},
    [TOPO_TF_BYTES] = {"bytes", false, tap_bytes},    [TOPO_TF_FILE] = {"file", false, tap_file},
};
_Static_assert(sizeof tap_fields / sizeof tap_fields[0] == TOPO_TF_COUNT, "tap field table");

static ot_status scen_name(topo_ctx *c, yaml_node_t *v) { return topo_name(c, v, c->scen->name); }

static ot_status scen_taps(topo_ctx *c, yaml_node_t *v) {
  yaml_node_item_t *items;
  size_t n;
  OT_GUARD(topo_seq(c, v, "taps", &items, &n));
  if (n > OT_SIM_MAX_TAPS - c->t->tap_count)
    return topo_fail(c, v, OT_E_TOO_LARGE, "at most %u taps in all scenarios", OT_SIM_MAX_TAPS);
  c->scen->first_tap = c->t->tap_count;
  for (size_t i = 0; i < n; i++) {
    size_t ti = c->t->tap_count;
    yaml_node_t *item = topo_item(c, items[i]);
    c->tap = &c->t->taps[ti];
    memset(c->tap, 0, sizeof *c->tap);
    c->tap->mark = topo_mark(item);
    c->tap->link = -1;
    c->tap->match.any_dir = true;
    c->tap->delay_ns = 1000;
    topo_seen seen;
    OT_GUARD(topo_map(c, item, "tap", tap_fields, TOPO_TF_COUNT, &seen));
    c->refs->tap_keys[ti] = seen.mask;
    memcpy(c->refs->tap_key_mark[ti], seen.marks, sizeof seen.marks);
    for (size_t j = 0; j < ti; j++) {
      if (strcmp(c->t->taps[j].name, c->tap->name) == 0)
        return topo_fail(c, item, OT_E_EXISTS, "duplicate tap name '%s'", c->tap->name);
    }
    c->t->tap_count = ti + 1;
  }
  c->scen->tap_count = n;
  return OT_SUCCESS;
}

static const topo_field scen_fields[] = {
    {"name", true, scen_name},
    {"taps", true, scen_taps},
};

static ot_status top_scenarios(topo_ctx *c, yaml_node_t *v) {
  yaml_node_item_t *items;
  size_t n;
  OT_GUARD(topo_seq(c, v, "scenarios", &items, &n));
  if (n > OT_SIM_MAX_SCENARIOS)
    return topo_fail(c, v, OT_E_TOO_LARGE, "at most %u scenarios", OT_SIM_MAX_SCENARIOS);
  for (size_t i = 0; i < n; i++) {
    yaml_node_t *item = topo_item(c, items[i]);
    c->scen = &c->t->scenarios[i];
    memset(c->scen, 0, sizeof *c->scen);
    OT_GUARD(topo_map(c, item, "scenario", scen_fields, 2, NULL));
    for (size_t j = 0; j < i; j++) {
      if (strcmp(c->t->scenarios[j].name, c->scen->name) == 0)
        return topo_fail(c, item, OT_E_EXISTS, "duplicate scenario name '%s'", c->scen->name);
    }
    c->t->scenario_count = i + 1;
  }
  return OT_SUCCESS;
}

/* ---- the document ----------------------------------------------------------------- */

static ot_status top_version(topo_ctx *c, yaml_node_t *v) {
  uint64_t x;
  OT_GUARD(topo_uint(c, v, UINT32_MAX, &x));
  if (x != 1)
    return topo_fail(c, v, OT_E_VERSION, "unsupported topology version %llu (this is 1)",
                     (unsigned long long)x);
  c->seen_version = 1;
  return OT_SUCCESS;
}

static ot_status top_name(topo_ctx *c, yaml_node_t *v) { return topo_name(c, v, c->t->name); }

static const topo_field top_fields[] = {
    {"version", true, top_version},
    {"name", true, top_name},
    {"nodes", true, top_nodes},
    {"scenarios", false, top_scenarios},
};

ot_status topo_parse_document(topo_ctx *c, yaml_node_t *root) {
  return topo_map(c, root, "topology", top_fields, sizeof top_fields / sizeof top_fields[0], NULL);
}
