/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TDI state machine end to end through the responder (src/tdisp/state.c,
 * responder.c): every state x every request -> response and next state, and
 * every state x every event -> next state. One line per case.
 */
#include <string.h>

#include "opentsm/tdisp.h"
#include "tdisp_fixture.h"

#define U OT_TDI_CONFIG_UNLOCKED
#define L OT_TDI_CONFIG_LOCKED
#define R OT_TDI_RUN
#define E OT_TDI_ERROR

/* A well-formed request of each code (START carries the nonce LOCK returned). */
static ot_tdisp_msg well_formed(uint8_t code) {
  static const uint8_t vid[2] = {0x01, 0x00};
  ot_tdisp_msg m = fx_req(code);
  switch (code) {
  case OT_TDISP_LOCK_INTERFACE_REQUEST: m.u.lock = fx_lock_params(); break;
  case OT_TDISP_GET_DEVICE_INTERFACE_REPORT: m.u.get_report.length = 0xFFFF; break;
  case OT_TDISP_START_INTERFACE_REQUEST: memcpy(m.u.nonce, fx_rec_nonce, 32); break;
  case OT_TDISP_BIND_P2P_STREAM_REQUEST:
  case OT_TDISP_UNBIND_P2P_STREAM_REQUEST: m.u.p2p_stream_id = 1; break;
  case OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST: m.u.mmio = fx_ranges[1]; break;
  case OT_TDISP_VDM_REQUEST:
    m.u.vdm = (ot_tdisp_vendor_data){OT_TDISP_REGISTRY_PCISIG, 2, vid, 0, NULL};
    break;
  case OT_TDISP_CAPABILITIES: m.u.caps.lock_flags_supported = 1; break; /* a response code */
  default: break;
  }
  return m;
}

typedef struct msg_case {
  ot_tdisp_state from;
  uint8_t code;
  uint8_t rsp;       /* expected response code */
  uint32_t err;      /* expected TDISP_ERROR code when rsp is TDISP_ERROR */
  ot_tdisp_state to; /* expected state afterwards */
} msg_case;

#define ERR OT_TDISP_ERROR
#define IIS OT_TDISP_ERR_INVALID_INTERFACE_STATE
#define UNS OT_TDISP_ERR_UNSUPPORTED_REQUEST

/* clang-format off */
static const msg_case k_msg_cases[] = {
  /* CONFIG_UNLOCKED */
  {U, OT_TDISP_GET_VERSION,                 OT_TDISP_VERSION,                  0,   U},
  {U, OT_TDISP_GET_CAPABILITIES,            OT_TDISP_CAPABILITIES,             0,   U},
  {U, OT_TDISP_LOCK_INTERFACE_REQUEST,      OT_TDISP_LOCK_INTERFACE_RESPONSE,  0,   L},
  {U, OT_TDISP_GET_DEVICE_INTERFACE_REPORT, ERR,                               IIS, U},
  {U, OT_TDISP_GET_DEVICE_INTERFACE_STATE,  OT_TDISP_DEVICE_INTERFACE_STATE,   0,   U},
  {U, OT_TDISP_START_INTERFACE_REQUEST,     ERR,                               IIS, U},
  {U, OT_TDISP_STOP_INTERFACE_REQUEST,      ERR,                               IIS, U},
  {U, OT_TDISP_BIND_P2P_STREAM_REQUEST,     ERR,                               UNS, U},
  {U, OT_TDISP_UNBIND_P2P_STREAM_REQUEST,   ERR,                               UNS, U},
  {U, OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST,  ERR,                               UNS, U},
  {U, OT_TDISP_VDM_REQUEST,                 ERR,                               UNS, U},
  {U, OT_TDISP_CAPABILITIES,                ERR,                               UNS, U},
  /* CONFIG_LOCKED */
  {L, OT_TDISP_GET_VERSION,                 OT_TDISP_VERSION,                  0,   L},
  {L, OT_TDISP_GET_CAPABILITIES,            OT_TDISP_CAPABILITIES,             0,   L},
  {L, OT_TDISP_LOCK_INTERFACE_REQUEST,      ERR,                               IIS, L},
  {L, OT_TDISP_GET_DEVICE_INTERFACE_REPORT, OT_TDISP_DEVICE_INTERFACE_REPORT,  0,   L},
  {L, OT_TDISP_GET_DEVICE_INTERFACE_STATE,  OT_TDISP_DEVICE_INTERFACE_STATE,   0,   L},
  {L, OT_TDISP_START_INTERFACE_REQUEST,     OT_TDISP_START_INTERFACE_RESPONSE, 0,   R},
  {L, OT_TDISP_STOP_INTERFACE_REQUEST,      OT_TDISP_STOP_INTERFACE_RESPONSE,  0,   U},
  {L, OT_TDISP_BIND_P2P_STREAM_REQUEST,     ERR,                               UNS, L},
  {L, OT_TDISP_UNBIND_P2P_STREAM_REQUEST,   ERR,                               UNS, L},
  {L, OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST,  ERR,                               UNS, L},
  {L, OT_TDISP_VDM_REQUEST,                 ERR,                               UNS, L},
  {L, OT_TDISP_CAPABILITIES,                ERR,                               UNS, L},
  /* RUN */
  {R, OT_TDISP_GET_VERSION,                 OT_TDISP_VERSION,                  0,   R},
  {R, OT_TDISP_GET_CAPABILITIES,            OT_TDISP_CAPABILITIES,             0,   R},
  {R, OT_TDISP_LOCK_INTERFACE_REQUEST,      ERR,                               IIS, R},
  {R, OT_TDISP_GET_DEVICE_INTERFACE_REPORT, OT_TDISP_DEVICE_INTERFACE_REPORT,  0,   R},
  {R, OT_TDISP_GET_DEVICE_INTERFACE_STATE,  OT_TDISP_DEVICE_INTERFACE_STATE,   0,   R},
  {R, OT_TDISP_START_INTERFACE_REQUEST,     ERR,                               IIS, R},
  {R, OT_TDISP_STOP_INTERFACE_REQUEST,      OT_TDISP_STOP_INTERFACE_RESPONSE,  0,   U},
  {R, OT_TDISP_BIND_P2P_STREAM_REQUEST,     ERR,                               UNS, R},
  {R, OT_TDISP_UNBIND_P2P_STREAM_REQUEST,   ERR,                               UNS, R},
  {R, OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST,  ERR,                               UNS, R},
  {R, OT_TDISP_VDM_REQUEST,                 ERR,                               UNS, R},
  {R, OT_TDISP_CAPABILITIES,                ERR,                               UNS, R},
  /* ERROR */
  {E, OT_TDISP_GET_VERSION,                 OT_TDISP_VERSION,                  0,   E},
  {E, OT_TDISP_GET_CAPABILITIES,            OT_TDISP_CAPABILITIES,             0,   E},
  {E, OT_TDISP_LOCK_INTERFACE_REQUEST,      ERR,                               IIS, E},
  {E, OT_TDISP_GET_DEVICE_INTERFACE_REPORT, ERR,                               IIS, E},
  {E, OT_TDISP_GET_DEVICE_INTERFACE_STATE,  OT_TDISP_DEVICE_INTERFACE_STATE,   0,   E},
  {E, OT_TDISP_START_INTERFACE_REQUEST,     ERR,                               IIS, E},
  {E, OT_TDISP_STOP_INTERFACE_REQUEST,      OT_TDISP_STOP_INTERFACE_RESPONSE,  0,   U},
  {E, OT_TDISP_BIND_P2P_STREAM_REQUEST,     ERR,                               UNS, E},
  {E, OT_TDISP_UNBIND_P2P_STREAM_REQUEST,   ERR,                               UNS, E},
  {E, OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST,  ERR,                               UNS, E},
  {E, OT_TDISP_VDM_REQUEST,                 ERR,                               UNS, E},
  {E, OT_TDISP_CAPABILITIES,                ERR,                               UNS, E},
};
/* clang-format on */

static void test_every_state_every_request(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof k_msg_cases / sizeof k_msg_cases[0]; i++) {
    const msg_case *c = &k_msg_cases[i];
    fx f;
    fx_init(&f);
    fx_drive(&f, c->from);
    ot_tdisp_msg q = well_formed(c->code), a;
    uint8_t buf[512];
    uint8_t got = fx_send(&f, &q, &a, buf, sizeof buf);
    if (got != c->rsp || f.tdi->state != c->to ||
        (got == OT_TDISP_ERROR && a.u.error.code != c->err))
      fail_msg("%s in %s: got %s (err %s) -> %s", ot_tdisp_code_name(c->code),
               ot_tdisp_state_name(c->from), ot_tdisp_code_name(got),
               got == OT_TDISP_ERROR ? ot_tdisp_error_name(a.u.error.code) : "-",
               ot_tdisp_state_name(f.tdi->state));
    if (got == OT_TDISP_ERROR && c->err == UNS) assert_int_equal(a.u.error.data, c->code);
    if (got == OT_TDISP_DEVICE_INTERFACE_STATE) assert_int_equal(a.u.tdi_state, c->from);
    /* Responses echo the version and FUNCTION_ID (SPEC-FACTS §6.5). */
    assert_int_equal(a.version, OT_TDISP_VERSION_10);
    assert_int_equal(a.function_id, FX_FID);
  }
}

typedef struct ev_case {
  ot_tdisp_state from;
  ot_tdisp_event ev;
  ot_tdisp_state to;
} ev_case;

/* clang-format off */
static const ev_case k_ev_cases[] = {
  {U, OT_TDISP_EV_CFG_LOCKED_WRITE, U}, {L, OT_TDISP_EV_CFG_LOCKED_WRITE, E},
  {R, OT_TDISP_EV_CFG_LOCKED_WRITE, E}, {E, OT_TDISP_EV_CFG_LOCKED_WRITE, E},
  {U, OT_TDISP_EV_FLR, U},              {L, OT_TDISP_EV_FLR, E},
  {R, OT_TDISP_EV_FLR, E},              {E, OT_TDISP_EV_FLR, E},
  {U, OT_TDISP_EV_RESET, U},            {L, OT_TDISP_EV_RESET, E},
  {R, OT_TDISP_EV_RESET, E},            {E, OT_TDISP_EV_RESET, E},
  {U, OT_TDISP_EV_IDE_INSECURE, U},     {L, OT_TDISP_EV_IDE_INSECURE, E},
  {R, OT_TDISP_EV_IDE_INSECURE, E},     {E, OT_TDISP_EV_IDE_INSECURE, E},
  {U, OT_TDISP_EV_SESSION_END, U},      {L, OT_TDISP_EV_SESSION_END, E},
  {R, OT_TDISP_EV_SESSION_END, E},      {E, OT_TDISP_EV_SESSION_END, E},
  {U, OT_TDISP_EV_FW_UPDATE, U},        {L, OT_TDISP_EV_FW_UPDATE, E},  /* NO_FW_UPDATE locked */
  {R, OT_TDISP_EV_FW_UPDATE, E},        {E, OT_TDISP_EV_FW_UPDATE, E},
  {U, OT_TDISP_EV_DEVICE_FAULT, U},     {L, OT_TDISP_EV_DEVICE_FAULT, E},
  {R, OT_TDISP_EV_DEVICE_FAULT, E},     {E, OT_TDISP_EV_DEVICE_FAULT, E},
};
/* clang-format on */

static void test_every_state_every_event(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof k_ev_cases / sizeof k_ev_cases[0]; i++) {
    const ev_case *c = &k_ev_cases[i];
    fx f;
    fx_init(&f);
    fx_drive(&f, c->from);
    ot_tdisp_state got = ot_tdisp_tdi_event(f.tdi, c->ev);
    if (got != c->to || f.tdi->state != c->to)
      fail_msg("%s in %s: -> %s", ot_tdisp_event_name(c->ev), ot_tdisp_state_name(c->from),
               ot_tdisp_state_name(got));
    if (c->from != E && c->to == E) {
      assert_true(f.tdi->error_by_event);
      assert_int_equal(f.tdi->last_event, c->ev);
      assert_false(f.tdi->nonce_valid); /* no START out of ERROR */
    }
  }
}

/* A firmware update is only a violation when the lock asked for NO_FW_UPDATE. */
static void test_fw_update_without_no_fw_update_flag(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  ot_tdisp_msg q = well_formed(OT_TDISP_LOCK_INTERFACE_REQUEST), a;
  q.u.lock.flags = OT_TDISP_LOCK_MSIX;
  uint8_t buf[128];
  assert_int_equal(fx_send(&f, &q, &a, buf, sizeof buf), OT_TDISP_LOCK_INTERFACE_RESPONSE);
  assert_int_equal(ot_tdisp_tdi_event(f.tdi, OT_TDISP_EV_FW_UPDATE), L);
  assert_int_equal(ot_tdisp_tdi_event(f.tdi, OT_TDISP_EV_COUNT), L); /* unknown event */
}

/* Names for every state and event. */
static void test_names(void **state) {
  (void)state;
  for (int s = 0; s < 4; s++)
    assert_string_not_equal(ot_tdisp_state_name(s), "UNKNOWN");
  for (int e = 0; e < OT_TDISP_EV_COUNT; e++)
    assert_string_not_equal(ot_tdisp_event_name(e), "UNKNOWN");
  assert_string_equal(ot_tdisp_state_name((ot_tdisp_state)7), "UNKNOWN");
  assert_string_equal(ot_tdisp_event_name(OT_TDISP_EV_COUNT), "UNKNOWN");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_every_state_every_request),
      cmocka_unit_test(test_every_state_every_event),
      cmocka_unit_test(test_fw_update_without_no_fw_update_flag),
      cmocka_unit_test(test_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
