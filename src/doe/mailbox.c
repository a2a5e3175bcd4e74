/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * DOE mailbox device model: the DOE extended capability registers (PCIe r6.0
 * §7.9.24) over a config space model, driven by a state table (PCIe r6.0
 * §6.30.2 operation). See opentsm/doe_mailbox.h for the table and the policy
 * on malformed input.
 *
 * Register traffic arrives through the config space hook: a write runs one
 * event through k_actions, then publish() rewrites the Status and Read Data
 * Mailbox registers from the state, so every read sees a value consistent
 * with the state without any work on the read path.
 */
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/doe_mailbox.h"
#include "opentsm/log.h"
#include "opentsm/spec/doe.h"

#define LOG_COMPONENT "doe-mb"

typedef enum mb_event {
  EV_WRITE_DW, /* a full DW written to the Write Data Mailbox */
  EV_GO,       /* DOE Go written as 1 */
  EV_ADVANCE,  /* any write to the Read Data Mailbox */
  EV_DONE,     /* the response latency has elapsed */
  EV_COUNT
} mb_event;

/* An action handles one event in one state and returns the next state. */
typedef ot_doe_mb_state (*mb_action)(ot_doe_mailbox *mb, uint32_t dw);

static ot_doe_mailbox *from_hook(ot_cfg_hook *h) { return (ot_doe_mailbox *)(void *)h; }

static uint64_t now_ns(const ot_doe_mailbox *mb) {
  return mb->conf.clock ? ot_clock_now(mb->conf.clock) : 0;
}

static size_t cap_dw(size_t bytes) { return bytes / 4u; }

static uint16_t reg(const ot_doe_mailbox *mb, uint16_t off) { return (uint16_t)(mb->cap + off); }

/* ---- actions ------------------------------------------------------------------ */

/* Sets DOE Error: the request or response in flight is dropped, only Abort leaves. */
static ot_doe_mb_state fail(ot_doe_mailbox *mb, ot_code why) {
  mb->last_error = ot_status_of(why);
  mb->stats.errors++;
  OT_LOGD(LOG_COMPONENT, "DOE Error set in %s: %s", ot_doe_mb_state_name(mb->state),
          ot_status_name(mb->last_error));
  return OT_DOE_MB_ERROR;
}

static ot_doe_mb_state act_ignore(ot_doe_mailbox *mb, uint32_t dw) {
  (void)dw;
  return mb->state;
}

/* Write, Go or advance while Busy or mid-response; advance with nothing ready. */
static ot_doe_mb_state act_unexpected(ot_doe_mailbox *mb, uint32_t dw) {
  (void)dw;
  return fail(mb, OT_E_UNEXPECTED);
}

/* Header Length in DW, 0 meaning 2^18 (PCIe r6.0 §6.30.1). */
static size_t header_length_dw(uint32_t dw1) {
  uint32_t len = OT_FIELD_GET(OT_DOE_HDR1_LENGTH, dw1);
  return len == 0 ? OT_DOE_LENGTH_MAX_DW : len;
}

static ot_doe_mb_state act_append(ot_doe_mailbox *mb, uint32_t dw) {
  if (mb->stuck_busy) return fail(mb, OT_E_UNEXPECTED); /* written while Busy */
  if (mb->req_dw >= cap_dw(mb->conf.req_cap)) return fail(mb, OT_E_TOO_LARGE);
  ot_store_u32le(mb->conf.req_buf + 4u * mb->req_dw, dw);
  mb->req_dw++;
  /* Refuse at once an object announced larger than this mailbox accepts. */
  if (mb->req_dw == OT_DOE_HDR_DWS && header_length_dw(dw) > cap_dw(mb->conf.req_cap))
    return fail(mb, OT_E_TOO_LARGE);
  return OT_DOE_MB_RECEIVING;
}

/*
 * Go: the DW count must equal the header Length and the header must be valid
 * (ot_doe_header_decode), then the responder produces the whole response.
 */
static ot_doe_mb_state act_go(ot_doe_mailbox *mb, uint32_t dw) {
  (void)dw;
  if (mb->stuck_busy) return fail(mb, OT_E_UNEXPECTED); /* Go while Busy */
  size_t req_len = 4u * mb->req_dw;
  ot_doe_header h;
  ot_status st = ot_doe_header_decode(mb->conf.req_buf, req_len, &h);
  if (!ot_ok(st)) return fail(mb, st.code);

  size_t rsp_len = 0;
  mb->stats.requests++;
  st = ot_doe_responder_handle(mb->conf.responder, mb->conf.req_buf, req_len, mb->conf.rsp_buf,
                               mb->conf.rsp_cap, &rsp_len);
  if (!ot_ok(st)) return fail(mb, st.code);
  /* The responder's contract; checked so that a broken one cannot make us overread. */
  if (rsp_len < OT_DOE_HEADER_SIZE || rsp_len % 4u != 0 || rsp_len > mb->conf.rsp_cap)
    return fail(mb, OT_E_INTERNAL);

  mb->req_dw = 0;
  mb->rsp_dw = rsp_len / 4u;
  mb->rd_dw = 0;
  mb->done_at = now_ns(mb) + mb->conf.latency_ns;
  return OT_DOE_MB_BUSY;
}

static ot_doe_mb_state act_complete(ot_doe_mailbox *mb, uint32_t dw) {
  (void)dw;
  if (mb->fault == OT_DOE_FAULT_NEVER_READY) {
    mb->rsp_dw = 0; /* the response is lost: Busy clears, Ready never sets */
    return OT_DOE_MB_IDLE;
  }
  if (mb->fault == OT_DOE_FAULT_ERROR_MIDWAY && mb->fault_arg == 0) return fail(mb, OT_E_DEVICE);
  return OT_DOE_MB_READY;
}

static ot_doe_mb_state act_advance(ot_doe_mailbox *mb, uint32_t dw) {
  (void)dw;
  mb->rd_dw++;
  if (mb->rd_dw >= mb->rsp_dw) { /* last DW acknowledged: Ready clears */
    mb->stats.responses++;
    mb->rsp_dw = 0;
    mb->rd_dw = 0;
    return OT_DOE_MB_IDLE;
  }
  if (mb->fault == OT_DOE_FAULT_ERROR_MIDWAY && mb->rd_dw >= mb->fault_arg)
    return fail(mb, OT_E_DEVICE);
  return OT_DOE_MB_READY;
}

/* The state table (the diagram is in opentsm/doe_mailbox.h). Abort is outside it. */
static const mb_action k_actions[OT_DOE_MB_STATE_COUNT][EV_COUNT] = {
    [OT_DOE_MB_IDLE] = {[EV_WRITE_DW] = act_append,
                        [EV_GO] = act_go, /* empty object: the header check fails */
                        [EV_ADVANCE] = act_unexpected,
                        [EV_DONE] = act_ignore},
    [OT_DOE_MB_RECEIVING] = {[EV_WRITE_DW] = act_append,
                             [EV_GO] = act_go,
                             [EV_ADVANCE] = act_unexpected,
                             [EV_DONE] = act_ignore},
    [OT_DOE_MB_BUSY] = {[EV_WRITE_DW] = act_unexpected,
                        [EV_GO] = act_unexpected,
                        [EV_ADVANCE] = act_unexpected,
                        [EV_DONE] = act_complete},
    [OT_DOE_MB_READY] = {[EV_WRITE_DW] = act_unexpected,
                         [EV_GO] = act_unexpected,
                         [EV_ADVANCE] = act_advance,
                         [EV_DONE] = act_ignore},
    [OT_DOE_MB_ERROR] = {[EV_WRITE_DW] = act_ignore,
                         [EV_GO] = act_ignore,
                         [EV_ADVANCE] = act_ignore,
                         [EV_DONE] = act_ignore},
};

static void run(ot_doe_mailbox *mb, mb_event ev, uint32_t dw) {
  ot_doe_mb_state next = k_actions[mb->state][ev](mb, dw);
  if (next == OT_DOE_MB_ERROR) { /* nothing of the failed exchange survives */
    mb->req_dw = 0;
    mb->rsp_dw = 0;
    mb->rd_dw = 0;
  }
  mb->state = next;
}

/* DOE Abort (PCIe r6.0 §6.30.2): back to idle from any state, both mailboxes emptied. */
static void do_abort(ot_doe_mailbox *mb) {
  mb->stats.aborts++;
  mb->state = OT_DOE_MB_IDLE;
  mb->req_dw = 0;
  mb->rsp_dw = 0;
  mb->rd_dw = 0;
  mb->last_error = OT_SUCCESS;
  if (mb->fault == OT_DOE_FAULT_STUCK_BUSY) mb->fault = OT_DOE_FAULT_NONE;
  mb->stuck_busy = mb->fault == OT_DOE_FAULT_ABORT_STUCK;
}

/* ---- registers ------------------------------------------------------------------ */

/* Rewrites Status and Read Data Mailbox from the state; raises an interrupt on a rising edge. */
static void publish(ot_doe_mailbox *mb) {
  uint32_t old = ot_cfg_peek32(mb->cfg, reg(mb, OT_DOE_REG_STATUS));
  bool busy = mb->state == OT_DOE_MB_BUSY || mb->stuck_busy;
  bool error = mb->state == OT_DOE_MB_ERROR;
  bool ready = mb->state == OT_DOE_MB_READY;
  uint32_t status = (old & OT_DOE_STATUS_INT_STATUS) | OT_FIELD_PREP(OT_DOE_STATUS_BUSY, busy) |
                    OT_FIELD_PREP(OT_DOE_STATUS_ERROR, error) |
                    OT_FIELD_PREP(OT_DOE_STATUS_READY, ready);

  /* PCIe r6.0 §6.30.3: an interrupt when Ready or Error sets, if enabled. */
  bool rose = (ready && !(old & OT_DOE_STATUS_READY)) || (error && !(old & OT_DOE_STATUS_ERROR));
  uint32_t ctrl = ot_cfg_peek32(mb->cfg, reg(mb, OT_DOE_REG_CTRL));
  bool raise = rose && mb->conf.int_support && (ctrl & OT_DOE_CTRL_INT_EN);
  if (raise) status |= OT_DOE_STATUS_INT_STATUS;
  ot_cfg_poke32(mb->cfg, reg(mb, OT_DOE_REG_STATUS), status);

  uint32_t rd = ready ? ot_load_u32le(mb->conf.rsp_buf + 4u * mb->rd_dw) : 0;
  ot_cfg_poke32(mb->cfg, reg(mb, OT_DOE_REG_READ), rd);

  if (raise) {
    mb->stats.interrupts++;
    if (mb->conf.on_interrupt) mb->conf.on_interrupt(mb);
  }
}

/* Completes a response whose latency has elapsed. */
static void advance_time(ot_doe_mailbox *mb) {
  if (mb->state == OT_DOE_MB_BUSY && now_ns(mb) >= mb->done_at) run(mb, EV_DONE, 0);
}

static void hook_read(ot_cfg_hook *h, ot_cfg_space *cfg, uint16_t r) {
  (void)cfg;
  (void)r;
  ot_doe_mailbox_step(from_hook(h));
}

static void hook_write(ot_cfg_hook *h, ot_cfg_space *cfg, uint16_t r, uint32_t value,
                       uint8_t byte_enable) {
  (void)cfg;
  ot_doe_mailbox *mb = from_hook(h);
  advance_time(mb);
  switch (r - mb->cap) {
  case OT_DOE_REG_CTRL:
    /* Abort wins over a Go written in the same access. */
    if ((byte_enable & 0x1u) && (value & OT_DOE_CTRL_ABORT)) {
      do_abort(mb);
    } else if ((byte_enable & 0x8u) && (value & OT_DOE_CTRL_GO)) {
      run(mb, EV_GO, 0);
    }
    break;
  case OT_DOE_REG_WRITE:
    if (byte_enable == 0xFu) run(mb, EV_WRITE_DW, value); /* §7.9.24.5: DW writes only */
    break;
  case OT_DOE_REG_READ:
    run(mb, EV_ADVANCE, 0); /* §7.9.24.6: a write of any value advances */
    break;
  default: /* Capabilities is RO; Status' RW1C bit is handled by the masks */
    break;
  }
  publish(mb);
}

/* ---- public ------------------------------------------------------------------- */

static bool buf_ok(const uint8_t *buf, size_t cap) {
  size_t min = 4u * OT_DOE_DISC_OBJECT_DWS; /* Discovery must fit */
  return buf != NULL && cap % 4u == 0 && cap >= min && cap <= OT_DOE_MAX_OBJECT_BYTES;
}

static bool config_ok(const ot_doe_mailbox_config *c) {
  return c->responder != NULL && buf_ok(c->req_buf, c->req_cap) && buf_ok(c->rsp_buf, c->rsp_cap) &&
         (c->clock != NULL || c->latency_ns == 0) &&
         (c->cap_version == 1 || c->cap_version == OT_DOE_EXT_CAP_VER_DISCOVERY_V2) &&
         OT_FIELD_FITS(OT_DOE_CAP_INT_MSG_NUM, c->int_msg_num);
}

/* see doe_mailbox.h */
ot_status ot_doe_mailbox_install(ot_doe_mailbox *mb, ot_cfg_space *cfg,
                                 const ot_doe_mailbox_config *conf, uint16_t *cap_off) {
  OT_ENSURE(mb != NULL && cfg != NULL && conf != NULL && config_ok(conf), OT_E_ARG);
  /* The hook cannot fail after the capability is added if there is a free slot now. */
  OT_ENSURE(cfg->hook_count < OT_CFG_MAX_HOOKS, OT_E_NO_SPACE);
  uint16_t off;
  OT_GUARD(ot_cfg_add_ext_cap(cfg, OT_DOE_EXT_CAP_ID, conf->cap_version, OT_DOE_CAP_SIZEOF, &off));

  memset(mb, 0, sizeof *mb);
  mb->hook.on_read = hook_read;
  mb->hook.on_write = hook_write;
  mb->cfg = cfg;
  mb->cap = off;
  mb->conf = *conf;
  mb->state = OT_DOE_MB_IDLE;
  mb->last_error = OT_SUCCESS;
  OT_GUARD(ot_cfg_add_hook(cfg, &mb->hook, (uint16_t)(off + OT_DOE_REG_CAP),
                           OT_DOE_CAP_SIZEOF - OT_DOE_REG_CAP));

  /* Register attributes, PCIe r6.0 §7.9.24.2-6: all RO except these two bits. */
  OT_GUARD(ot_cfg_set_access(cfg, reg(mb, OT_DOE_REG_CTRL), 4, OT_DOE_CTRL_INT_EN, 0));
  OT_GUARD(ot_cfg_set_access(cfg, reg(mb, OT_DOE_REG_STATUS), 4, 0, OT_DOE_STATUS_INT_STATUS));
  ot_cfg_poke32(cfg, reg(mb, OT_DOE_REG_CAP),
                OT_FIELD_PREP(OT_DOE_CAP_INT_SUP, conf->int_support) |
                    OT_FIELD_PREP(OT_DOE_CAP_INT_MSG_NUM, conf->int_msg_num));
  publish(mb);
  if (cap_off) *cap_off = off;
  return OT_SUCCESS;
}

/* see doe_mailbox.h */
void ot_doe_mailbox_step(ot_doe_mailbox *mb) {
  advance_time(mb);
  publish(mb);
}

/* see doe_mailbox.h */
void ot_doe_mailbox_inject(ot_doe_mailbox *mb, ot_doe_mb_fault fault, uint32_t arg) {
  mb->fault = fault;
  mb->fault_arg = arg;
  if (fault == OT_DOE_FAULT_STUCK_BUSY) mb->stuck_busy = true;
  publish(mb);
}

ot_doe_mb_state ot_doe_mailbox_state(const ot_doe_mailbox *mb) { return mb->state; }

ot_status ot_doe_mailbox_last_error(const ot_doe_mailbox *mb) { return mb->last_error; }

const ot_doe_mailbox_stats *ot_doe_mailbox_stats_get(const ot_doe_mailbox *mb) {
  return &mb->stats;
}

const char *ot_doe_mb_state_name(ot_doe_mb_state s) {
  static const char *const names[OT_DOE_MB_STATE_COUNT] = {
      [OT_DOE_MB_IDLE] = "IDLE",   [OT_DOE_MB_RECEIVING] = "RECEIVING", [OT_DOE_MB_BUSY] = "BUSY",
      [OT_DOE_MB_READY] = "READY", [OT_DOE_MB_ERROR] = "ERROR",
  };
  return (unsigned)s < OT_DOE_MB_STATE_COUNT ? names[s] : "?";
}

/* see doe_mailbox.h */
bool ot_doe_mailbox_invariants_hold(const ot_doe_mailbox *mb) {
  if ((unsigned)mb->state >= OT_DOE_MB_STATE_COUNT) return false;
  if (mb->req_dw > cap_dw(mb->conf.req_cap)) return false;
  if (mb->rsp_dw > cap_dw(mb->conf.rsp_cap) || mb->rd_dw > mb->rsp_dw) return false;
  bool receiving = mb->state == OT_DOE_MB_RECEIVING;
  if (receiving != (mb->req_dw > 0)) return false;
  bool serving = mb->state == OT_DOE_MB_BUSY || mb->state == OT_DOE_MB_READY;
  if (serving && (mb->rsp_dw < OT_DOE_HDR_DWS || mb->rd_dw >= mb->rsp_dw)) return false;
  if (!serving && mb->rsp_dw != 0) return false;

  uint32_t status = ot_cfg_peek32(mb->cfg, reg(mb, OT_DOE_REG_STATUS));
  if (status & OT_DOE_STATUS_RSVD) return false;
  if (!!(status & OT_DOE_STATUS_READY) != (mb->state == OT_DOE_MB_READY)) return false;
  if (!!(status & OT_DOE_STATUS_ERROR) != (mb->state == OT_DOE_MB_ERROR)) return false;
  bool busy = mb->state == OT_DOE_MB_BUSY || mb->stuck_busy;
  if (!!(status & OT_DOE_STATUS_BUSY) != busy) return false;
  uint32_t ctrl = ot_cfg_peek32(mb->cfg, reg(mb, OT_DOE_REG_CTRL));
  if (ctrl & ~OT_DOE_CTRL_INT_EN) return false; /* Abort and Go read 0 */
  if (ot_cfg_peek32(mb->cfg, reg(mb, OT_DOE_REG_WRITE)) != 0) return false;
  return true;
}
