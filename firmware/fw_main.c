/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * opentsm-fw-device: the firmware profile (fw_device.h) served the way
 * `opentsm device` serves its device, so that `opentsm connect` and DMTF's
 * spdm_requester_emu can drive it over the spdm-emu socket protocol.
 *
 * This file is the platform, not the firmware: it owns the storage (all
 * static), the IDE hardware model (config space, IDE capability and key
 * slots of each port: src/ide), the crypto implementation the firmware calls
 * (the OpenSSL one, src/crypto), the identity files and the socket.
 *
 * --stack-report runs every request on a separate stack painted with a
 * pattern and prints, when the peer sends SHUTDOWN, the deepest one: the
 * measured depth from the DOE protocol handler down, crypto included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>

#include "fw_device.h"
#include "opentsm/crypto.h"
#include "opentsm/doe_socket.h"
#include "opentsm/ide.h"
#include "opentsm/ide_regs.h"
#include "opentsm/pcie.h"
#include "opentsm/secure.h"

#define USAGE                                                                                      \
  "usage: opentsm-fw-device [device] [--listen HOST:PORT] [--identity sample-p384|sample-p256]\n" \
  "                         [--keys DIR] [--ports N] [--tdi ID] [--seed N] [--stack-report]\n"   \
  "       opentsm-fw-device --sizes\n"

/* IDE_KM ports this platform has room for: spdm_requester_emu keys PortIndex 1,
 * and `opentsm device` answers MaxPortIndex 7 by default. */
#define FW_MAX_PORTS 8u
#define FW_BUS 1u

static const ot_cfg_ident port_ident = {.vendor = 0x1B36,
                                        .device = 0x0010,
                                        .class_code = 0x120000,
                                        .layout = OT_PCI_HEADER_LAYOUT_TYPE0,
                                        .multi_function = true};
static const ot_ide_regs_caps port_caps = {.sel_streams = 1, .ide_km = true};

/* The device's firmware facts: measurement indices 1-7 (spdm_identity.h). */
static const uint8_t dev_rom[] = "opentsm device boot rom";
static const uint8_t dev_fw[] = "opentsm device firmware 1.0.0";
static const uint8_t dev_hw[] = {0x10, 0xF2, 0x1A, 0xF4};
static const uint8_t dev_cfg[] = "ide=1 tdisp=1";
static const ot_tdisp_mmio_range dev_ranges[1] = {{0xFE000000u, 4, 0, 0}};
static const uint8_t dev_info[] = "opentsm-device";

/* The platform: every byte static. */
static struct {
  ot_cfg_space cfg[FW_MAX_PORTS];
  ot_ide_tx tx[FW_MAX_PORTS];
  ot_ide_rx rx[FW_MAX_PORTS];
  ot_ide_regs regs[FW_MAX_PORTS];
  ot_ide_km_port km[FW_MAX_PORTS];
  size_t ports;
  ot_tdisp_device_ops ide_state;
  ot_spdm_identity id;
  ot_drbg drbg;
  ot_tdisp_tdi_desc tdi;
  ot_fw_device dev; /* the firmware's whole state */
  ot_doe_responder outer;
  ot_doe_protocol wrap[OT_DOE_MAX_PROTOCOLS];
  uint8_t rx_buf[OT_SPDM_LARGE_MAX + 4096], tx_buf[OT_SPDM_LARGE_MAX + 4096];
} P;

/* TDISP names the default stream by Stream ID only (PCIe r6.0 §11.3
 * LOCK_INTERFACE_REQUEST): Secure on any port counts. */
static bool stream_secure(ot_tdisp_device_ops *o, uint8_t id) {
  (void)o;
  for (size_t i = 0; i < P.ports; i++)
    if (ot_ide_engines_secure(&P.tx[i].engine, &P.rx[i].engine, id)) return true;
  return false;
}

/* With no host to write config space over a socket, the platform sets a
 * block's Enable once all six keys are in and clears it when they are
 * stopped, as `opentsm device` does (PCIe r6.0 §7.9.26.5.2). */
static void stream_policy(void) {
  for (size_t i = 0; i < P.ports; i++) {
    ot_cfg_inproc acc;
    ot_cfg_inproc_init(&acc, &P.cfg[i]);
    ot_ide_host_enable_on_keys(&acc.base, ot_ide_regs_offset(&P.regs[i]), port_caps.sel_streams,
                               &P.tx[i].engine, &P.rx[i].engine);
  }
}

/* ---- stack measurement ------------------------------------------------------------ */

#define FW_STACK_SIZE (512u * 1024u)
#define FW_STACK_PAINT 0xA5u
static uint8_t req_stack[FW_STACK_SIZE] __attribute__((aligned(64)));
static ucontext_t caller_ctx, req_ctx;
static bool stack_report;
static struct {
  ot_doe_protocol *p;
  const uint8_t *req;
  size_t req_len;
  uint8_t *rsp;
  size_t rsp_cap;
  size_t *rsp_len;
  ot_status st;
} call;
static struct {
  size_t depth;
  uint8_t type, code; /* DOE type; SPDM request code (plain only) */
} deepest[2];

static void run_call(void) {
  call.st = call.p->handle(call.p, call.req, call.req_len, call.rsp, call.rsp_cap, call.rsp_len);
}

static ot_status measured_call(void) {
  memset(req_stack, FW_STACK_PAINT, sizeof(req_stack));
  OT_ENSURE(getcontext(&req_ctx) == 0, OT_E_FAILED);
  req_ctx.uc_stack.ss_sp = req_stack;
  req_ctx.uc_stack.ss_size = sizeof(req_stack);
  req_ctx.uc_link = &caller_ctx;
  makecontext(&req_ctx, run_call, 0);
  OT_ENSURE(swapcontext(&caller_ctx, &req_ctx) == 0, OT_E_FAILED);
  size_t low = 0; /* the stack grows down: the lowest byte written */
  while (low < sizeof(req_stack) && req_stack[low] == FW_STACK_PAINT)
    low++;
  size_t depth = sizeof(req_stack) - low;
  bool secured = call.p->type == OT_DOE_TYPE_SECURED_SPDM;
  if (depth > deepest[secured].depth) {
    deepest[secured].depth = depth;
    deepest[secured].type = call.p->type;
    deepest[secured].code = !secured && call.req_len >= 2 ? call.req[1] : 0;
  }
  return call.st;
}

/* Each of the firmware's DOE protocols, called on the painted stack. */
static ot_status wrap_handle(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                             size_t rsp_cap, size_t *rsp_len) {
  ot_doe_protocol *inner = P.dev.doe.protocols[p - P.wrap];
  ot_status st;
  if (stack_report) {
    call.p = inner;
    call.req = req;
    call.req_len = req_len;
    call.rsp = rsp;
    call.rsp_cap = rsp_cap;
    call.rsp_len = rsp_len;
    st = measured_call();
  } else {
    st = inner->handle(inner, req, req_len, rsp, rsp_cap, rsp_len);
  }
  stream_policy();
  return st;
}

static const char *code_name(uint8_t c) {
  switch (c) {
  case 0x84: return "GET_VERSION";
  case 0xE1: return "GET_CAPABILITIES";
  case 0xE3: return "NEGOTIATE_ALGORITHMS";
  case 0x81: return "GET_DIGESTS";
  case 0x82: return "GET_CERTIFICATE";
  case 0x83: return "CHALLENGE";
  case 0xE0: return "GET_MEASUREMENTS";
  case 0xE4: return "KEY_EXCHANGE";
  case 0xE5: return "FINISH";
  case 0xFE: return "VENDOR_DEFINED_REQUEST";
  default: return "?";
  }
}

static void print_stack_report(void) {
  printf("stack: deepest plain request %zu bytes (SPDM 0x%02X %s)\n", deepest[0].depth,
         deepest[0].code, code_name(deepest[0].code));
  printf("stack: deepest secured request %zu bytes\n", deepest[1].depth);
  size_t max = deepest[0].depth > deepest[1].depth ? deepest[0].depth : deepest[1].depth;
  printf("stack: deepest request %zu bytes (measured, crypto backend included)\n", max);
}

/* ---- set-up --------------------------------------------------------------------- */

static void print_sizes(void) {
  printf("ram spdm %zu\n", sizeof(P.dev.rsp) + sizeof(P.dev.rcfg) + sizeof(P.dev.binding));
  printf("ram ide_km %zu\n", sizeof(P.dev.km) + sizeof(P.dev.km_vdm));
  printf("ram tdisp %zu\n", sizeof(P.dev.tdisp) + sizeof(P.dev.watch) + sizeof(P.dev.tdisp_vdm));
  printf("ram doe %zu\n", sizeof(P.dev.doe) + sizeof(P.dev.plain) + sizeof(P.dev.secured));
  printf("ram device %zu\n", sizeof(P.dev));
  printf("ram identity %zu\n", sizeof(P.id));
}

static ot_status platform_init(size_t ports, uint32_t tdi_function) {
  P.ports = ports;
  for (size_t i = 0; i < ports; i++) {
    OT_GUARD(ot_cfg_init(&P.cfg[i], &port_ident));
    ot_ide_tx_init(&P.tx[i]);
    ot_ide_rx_init(&P.rx[i]);
    OT_GUARD(ot_ide_regs_init(&P.regs[i], &P.cfg[i], &port_caps, &P.tx[i], &P.rx[i], NULL, 0));
    P.km[i] = (ot_ide_km_port){.regs = &P.regs[i], .dev_func = (uint8_t)i, .bus = FW_BUS};
    /* What the host writes before IDE_KM (SPEC-FACTS §7.4): block 0 holds
     * Stream ID 0, RID association over every requester, Enable = 0. */
    ot_cfg_inproc acc;
    ot_cfg_inproc_init(&acc, &P.cfg[i]);
    ot_ide_host_stream s = {.block = 0, .stream_id = 0, .rid_base = 0, .rid_limit = 0xFFFF};
    OT_GUARD(ot_ide_host_stream_setup(&acc.base, ot_ide_regs_offset(&P.regs[i]), &s));
  }
  P.ide_state.stream_secure = stream_secure;
  ot_spdm_device_model dm = {.rom = dev_rom,
                             .rom_len = sizeof(dev_rom),
                             .firmware = dev_fw,
                             .firmware_len = sizeof(dev_fw),
                             .hw_config = dev_hw,
                             .hw_config_len = sizeof(dev_hw),
                             .fw_config = dev_cfg,
                             .fw_config_len = sizeof(dev_cfg),
                             .version = "1.0.0",
                             .svn = 1};
  OT_GUARD(ot_spdm_identity_add_device_meas(&P.id, &dm));
  ot_fw_device_config c = {.id = &P.id,
                           .rng = P.drbg.instantiated ? ot_drbg_rng(&P.drbg) : ot_rng_os(),
                           .clock = ot_clock_real(),
                           .heartbeat_period = 240, /* what spdm_responder_emu announces */
                           .ports = P.km,
                           .port_count = ports,
                           .ide_state = &P.ide_state,
                           .tdisp = {.lock_flags_supported = 0x0007, .dev_addr_width = 48}};
  OT_GUARD(ot_fw_device_init(&P.dev, &c));
  P.tdi = (ot_tdisp_tdi_desc){.function_id = tdi_function,
                              .interface_info = OT_TDISP_IFINFO_DMA_NO_PASID,
                              .mmio = dev_ranges,
                              .mmio_count = 1,
                              .devinfo = dev_info,
                              .devinfo_len = sizeof(dev_info)};
  OT_GUARD(ot_fw_device_add_tdi(&P.dev, &P.tdi, NULL));
  ot_doe_responder_init(&P.outer);
  for (size_t i = 0; i < P.dev.doe.count; i++) {
    P.wrap[i] = (ot_doe_protocol){.vendor = P.dev.doe.protocols[i]->vendor,
                                  .type = P.dev.doe.protocols[i]->type,
                                  .handle = wrap_handle};
    OT_GUARD(ot_doe_responder_add(&P.outer, &P.wrap[i]));
  }
  return OT_SUCCESS;
}

static bool parse_u64(const char *s, uint64_t max, uint64_t *out) {
  char *end = NULL;
  unsigned long long v = strtoull(s, &end, 0);
  if (s[0] == '\0' || s[0] == '-' || *end != '\0' || v > max) return false;
  *out = v;
  return true;
}

static int usage(const char *msg, const char *arg) {
  fprintf(stderr, "opentsm-fw-device: %s%s%s\n" USAGE, msg, arg ? ": " : "", arg ? arg : "");
  return 2;
}

int main(int argc, char **argv) {
  const char *listen = "127.0.0.1:2323", *keys = "tests/vectors/spdm-emu/sample_key";
  ot_curve curve = OT_CURVE_P384;
  uint64_t ports = 2, tdi = 0x100, seed = 0;
  bool has_seed = false;
  int i = 1;
  if (i < argc && strcmp(argv[i], "device") == 0) i++;
  for (; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--sizes") == 0) {
      print_sizes();
      return 0;
    } else if (strcmp(a, "--stack-report") == 0) {
      stack_report = true;
      continue;
    } else if (v == NULL) {
      return usage("unknown option or missing value", a);
    } else if (strcmp(a, "--listen") == 0) {
      listen = v;
    } else if (strcmp(a, "--keys") == 0) {
      keys = v;
    } else if (strcmp(a, "--identity") == 0) {
      if (strcmp(v, "sample-p384") == 0)
        curve = OT_CURVE_P384;
      else if (strcmp(v, "sample-p256") == 0)
        curve = OT_CURVE_P256;
      else
        return usage("unknown identity", v);
    } else if (strcmp(a, "--ports") == 0) {
      if (!parse_u64(v, FW_MAX_PORTS, &ports) || ports == 0) return usage("bad --ports (1-8)", v);
    } else if (strcmp(a, "--tdi") == 0) {
      if (!parse_u64(v, OT_TDISP_FUNCTION_ID_DEFINED, &tdi) || tdi == 0)
        return usage("bad TDI function ID", v);
    } else if (strcmp(a, "--seed") == 0) {
      if (!parse_u64(v, UINT64_MAX, &seed)) return usage("bad seed", v);
      has_seed = true;
    } else {
      return usage("unknown option", a);
    }
    i++;
  }
  char host[64];
  const char *colon = strrchr(listen, ':');
  uint64_t port = 0;
  if (!colon || (size_t)(colon - listen) >= sizeof(host) || !parse_u64(colon + 1, 65535, &port))
    return usage("bad address (want HOST:PORT)", listen);
  memcpy(host, listen, (size_t)(colon - listen));
  host[colon - listen] = '\0';

  ot_spdm_identity_init(&P.id);
  ot_status st = ot_spdm_identity_load_dmtf_sample(&P.id, keys, curve, false);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm-fw-device: loading the DMTF sample keys from %s failed (%s)\n", keys,
            ot_status_message(st));
    return 3;
  }
  if (has_seed) {
    uint8_t e[OT_DRBG_MIN_ENTROPY + OT_DRBG_MIN_NONCE];
    for (size_t k = 0; k < sizeof(e); k++)
      e[k] = (uint8_t)(seed >> (8 * (k % 8)));
    st = ot_drbg_instantiate(&P.drbg, e, OT_DRBG_MIN_ENTROPY, e + OT_DRBG_MIN_ENTROPY,
                             OT_DRBG_MIN_NONCE, NULL, 0);
    ot_zeroize(e, sizeof(e));
  }
  if (ot_ok(st)) st = platform_init((size_t)ports, (uint32_t)tdi);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm-fw-device: setting up the device failed (%s)\n",
            ot_status_message(st));
    return 1;
  }
  ot_doe_socket_server srv = {.listen_fd = -1};
  st = ot_doe_socket_listen(&srv, host, (uint16_t)port);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm-fw-device: cannot listen on %s:%u (%s)\n", host, (unsigned)port,
            ot_status_message(st));
    return 3;
  }
  printf("opentsm device: listening on %s:%u (firmware profile, SPDM responder, IDE_KM, TDISP)\n",
         host, srv.port);
  fflush(stdout);
  ot_doe_serve_limits lim = {.idle_ms = 5000, .frame_ms = 2000, .wake_fd = -1};
  int rc = 1;
  /* One connection after another, until a peer sends SHUTDOWN. */
  for (unsigned served = 1;; served++) {
    int fd = -1;
    st = ot_doe_socket_accept(&srv, &fd);
    if (ot_is(st, OT_E_CLOSED)) continue;
    if (!ot_ok(st)) break;
    ot_doe_serve_end end = OT_DOE_SERVE_CLOSED;
    st = ot_doe_socket_serve_limited(fd, &P.outer, P.rx_buf, sizeof(P.rx_buf), P.tx_buf,
                                     sizeof(P.tx_buf), &lim, &end);
    close(fd);
    printf("opentsm device: connection %u ended (%s)\n", served,
           !ot_ok(st) ? ot_status_message(st)
           : end == OT_DOE_SERVE_SHUTDOWN ? "SHUTDOWN"
                                          : "closed");
    fflush(stdout);
    if (ot_ok(st) && end == OT_DOE_SERVE_SHUTDOWN) {
      rc = 0;
      break;
    }
  }
  if (stack_report) print_stack_report();
  ot_doe_socket_server_close(&srv);
  ot_fw_device_free(&P.dev);
  ot_spdm_identity_clear(&P.id);
  for (size_t k = 0; k < P.ports; k++) {
    ot_ide_regs_release(&P.regs[k]);
    ot_ide_tx_clear(&P.tx[k]);
    ot_ide_rx_clear(&P.rx[k]);
  }
  if (has_seed) ot_drbg_uninstantiate(&P.drbg);
  printf("secret marks live at exit: %zu\n", ot_secret_mark_count());
  return rc;
}
