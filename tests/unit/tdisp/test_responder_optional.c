/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The optional TDISP requests (PCIe r6.0 §11.3): BIND/UNBIND_P2P_STREAM and
 * SET_MMIO_ATTRIBUTE on a device configured for them, and on one that is
 * not; VDM_REQUEST, which this device never implements. Each refusal leaves
 * the TDI as it was.
 */
#include <string.h>

#include "opentsm/tdisp.h"
#include "tdisp_fixture.h"

/* The fixture's device, with the optional requests switched as asked and
 * BIND_P2P among the lock flags. */
static void init_opt(fx *f, bool p2p, bool mmio) {
  fx_init(f);
  ot_tdisp_device_config dc = {
      .lock_flags_supported = 0x000F, .dev_addr_width = 0x30, .p2p = p2p, .mmio_attr = mmio};
  assert_ot_ok(ot_tdisp_device_init(&f->dev, &dc, &f->ops.base, &f->rng.base));
  assert_ot_ok(ot_tdisp_device_add_tdi(&f->dev, &f->desc, &f->tdi));
}

/* LOCK (with `flags`) and START: the TDI in RUN. */
static void to_run(fx *f, uint16_t flags) {
  uint8_t buf[256];
  ot_tdisp_msg rsp, lock = fx_req(OT_TDISP_LOCK_INTERFACE_REQUEST);
  lock.u.lock = fx_lock_params();
  lock.u.lock.flags = flags;
  assert_int_equal(fx_send(f, &lock, &rsp, buf, sizeof buf), OT_TDISP_LOCK_INTERFACE_RESPONSE);
  ot_tdisp_msg start = fx_req(OT_TDISP_START_INTERFACE_REQUEST);
  memcpy(start.u.nonce, rsp.u.nonce, 32);
  assert_int_equal(fx_send(f, &start, &rsp, buf, sizeof buf), OT_TDISP_START_INTERFACE_RESPONSE);
}

/* Sends q; returns the response code, *err the TDISP_ERROR code (0 if none). */
static uint8_t send(fx *f, const ot_tdisp_msg *q, uint32_t *err, uint32_t *data) {
  uint8_t buf[256];
  ot_tdisp_msg a;
  uint8_t code = fx_send(f, q, &a, buf, sizeof buf);
  *err = code == OT_TDISP_ERROR ? a.u.error.code : 0;
  if (data) *data = code == OT_TDISP_ERROR ? a.u.error.data : 0;
  return code;
}

static ot_tdisp_msg p2p(uint8_t code, uint8_t id) {
  ot_tdisp_msg m = fx_req(code);
  m.u.p2p_stream_id = id;
  return m;
}

/* Range i of the fixture as the report shows it (offset added). */
static ot_tdisp_msg mmio(uint32_t i, uint16_t attr) {
  ot_tdisp_msg m = fx_req(OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST);
  m.u.mmio = fx_ranges[i];
  m.u.mmio.first_page += fx_lock_params().mmio_reporting_offset;
  m.u.mmio.attributes = attr;
  return m;
}

static bool listed(fx *f, uint8_t code) {
  uint8_t buf[128];
  ot_tdisp_msg a, q = fx_req(OT_TDISP_GET_CAPABILITIES);
  assert_int_equal(fx_send(f, &q, &a, buf, sizeof buf), OT_TDISP_CAPABILITIES);
  unsigned n = code - OT_TDISP_REQUEST_BIT;
  return (a.u.caps.req_msgs[n / 8] >> (n % 8)) & 1u;
}

/* A device without them: not listed, UNSUPPORTED_REQUEST with the code in
 * ERROR_DATA in every state, nothing changed. */
static void test_not_configured(void **state) {
  (void)state;
  static const uint8_t codes[] = {OT_TDISP_BIND_P2P_STREAM_REQUEST,
                                  OT_TDISP_UNBIND_P2P_STREAM_REQUEST,
                                  OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST, OT_TDISP_VDM_REQUEST};
  static const ot_tdisp_state states[] = {OT_TDI_CONFIG_UNLOCKED, OT_TDI_CONFIG_LOCKED, OT_TDI_RUN,
                                          OT_TDI_ERROR};
  for (size_t s = 0; s < 4; s++) {
    fx f;
    init_opt(&f, false, false);
    for (size_t i = 0; i < sizeof codes; i++)
      assert_false(listed(&f, codes[i]));
    fx_drive(&f, states[s]);
    for (size_t i = 0; i < sizeof codes; i++) {
      ot_tdisp_msg q =
          codes[i] == OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST ? mmio(1, 0) : p2p(codes[i], 1);
      if (codes[i] == OT_TDISP_VDM_REQUEST) {
        static const uint8_t vid[2] = {0x86, 0x80};
        q.u.vdm = (ot_tdisp_vendor_data){.registry_id = 0, .vendor_id_len = 2, .vendor_id = vid};
      }
      uint32_t err, data;
      assert_int_equal(send(&f, &q, &err, &data), OT_TDISP_ERROR);
      assert_int_equal(err, OT_TDISP_ERR_UNSUPPORTED_REQUEST);
      assert_int_equal(data, codes[i]);
      assert_int_equal(f.tdi->state, states[s]);
    }
  }
  /* The mandatory ones are still listed, 0x81-0x87 exactly. */
  fx f;
  init_opt(&f, false, false);
  for (uint8_t c = OT_TDISP_GET_VERSION; c <= OT_TDISP_STOP_INTERFACE_REQUEST; c++)
    assert_true(listed(&f, c));
}

/* Configured: listed; outside RUN refused with INVALID_INTERFACE_STATE. */
static void test_state_rules(void **state) {
  (void)state;
  static const ot_tdisp_state states[] = {OT_TDI_CONFIG_UNLOCKED, OT_TDI_CONFIG_LOCKED,
                                          OT_TDI_ERROR};
  for (size_t s = 0; s < 3; s++) {
    fx f;
    init_opt(&f, true, true);
    assert_true(listed(&f, OT_TDISP_BIND_P2P_STREAM_REQUEST));
    assert_true(listed(&f, OT_TDISP_UNBIND_P2P_STREAM_REQUEST));
    assert_true(listed(&f, OT_TDISP_SET_MMIO_ATTRIBUTE_REQUEST));
    assert_false(listed(&f, OT_TDISP_VDM_REQUEST));
    fx_drive(&f, states[s]);
    ot_tdisp_msg qs[3] = {p2p(OT_TDISP_BIND_P2P_STREAM_REQUEST, 1),
                          p2p(OT_TDISP_UNBIND_P2P_STREAM_REQUEST, 1), mmio(1, 0x000C)};
    for (size_t i = 0; i < 3; i++) {
      uint32_t err;
      assert_int_equal(send(&f, &qs[i], &err, NULL), OT_TDISP_ERROR);
      assert_int_equal(err, OT_TDISP_ERR_INVALID_INTERFACE_STATE);
      assert_int_equal(f.tdi->state, states[s]);
      assert_int_equal(f.tdi->p2p_count, 0);
    }
  }
}

/* BIND then UNBIND in RUN; T=1 traffic on the bound stream accepted only while bound. */
static void test_bind_unbind(void **state) {
  (void)state;
  fx f;
  init_opt(&f, true, false);
  to_run(&f, OT_TDISP_LOCK_BIND_P2P);
  ot_tdisp_tlp tlp = {.t_bit = true, .on_stream = true, .stream_id = 5, .dir = OT_TDISP_TLP_TO_TDI};
  assert_int_equal(ot_tdisp_tlp_check(f.tdi, &tlp), OT_TDISP_REJECT_STREAM);
  uint32_t err;
  ot_tdisp_msg b = p2p(OT_TDISP_BIND_P2P_STREAM_REQUEST, 5);
  assert_int_equal(send(&f, &b, &err, NULL), OT_TDISP_BIND_P2P_STREAM_RESPONSE);
  assert_int_equal(f.tdi->state, OT_TDI_RUN);
  assert_int_equal(f.tdi->p2p_count, 1);
  assert_int_equal(ot_tdisp_tlp_check(f.tdi, &tlp), OT_TDISP_ACCEPT);
  /* a second BIND of the same stream: refused, still one */
  assert_int_equal(send(&f, &b, &err, NULL), OT_TDISP_ERROR);
  assert_int_equal(err, OT_TDISP_ERR_INVALID_REQUEST);
  assert_int_equal(f.tdi->p2p_count, 1);
  ot_tdisp_msg u = p2p(OT_TDISP_UNBIND_P2P_STREAM_REQUEST, 5);
  assert_int_equal(send(&f, &u, &err, NULL), OT_TDISP_UNBIND_P2P_STREAM_RESPONSE);
  assert_int_equal(f.tdi->p2p_count, 0);
  assert_int_equal(ot_tdisp_tlp_check(f.tdi, &tlp), OT_TDISP_REJECT_STREAM);
  /* UNBIND of a stream not bound */
  assert_int_equal(send(&f, &u, &err, NULL), OT_TDISP_ERROR);
  assert_int_equal(err, OT_TDISP_ERR_INVALID_REQUEST);
  assert_int_equal(f.tdi->state, OT_TDI_RUN);
  /* STOP forgets the bindings */
  assert_int_equal(send(&f, &b, &err, NULL), OT_TDISP_BIND_P2P_STREAM_RESPONSE);
  ot_tdisp_msg stop = fx_req(OT_TDISP_STOP_INTERFACE_REQUEST);
  assert_int_equal(send(&f, &stop, &err, NULL), OT_TDISP_STOP_INTERFACE_RESPONSE);
  assert_int_equal(f.tdi->p2p_count, 0);
  assert_int_equal(f.tdi->p2p[0], 0);
}

/* BIND refusals: no BIND_P2P at LOCK, the default stream, a stream not
 * Secure, one past OT_TDISP_MAX_P2P. */
static void test_bind_refusals(void **state) {
  (void)state;
  uint32_t err;
  fx f;
  init_opt(&f, true, false);
  to_run(&f, 0);
  ot_tdisp_msg b = p2p(OT_TDISP_BIND_P2P_STREAM_REQUEST, 5);
  assert_int_equal(send(&f, &b, &err, NULL), OT_TDISP_ERROR);
  assert_int_equal(err, OT_TDISP_ERR_INVALID_REQUEST);
  assert_int_equal(f.tdi->p2p_count, 0);

  init_opt(&f, true, false);
  to_run(&f, OT_TDISP_LOCK_BIND_P2P);
  b.u.p2p_stream_id = FX_STREAM;
  assert_int_equal(send(&f, &b, &err, NULL), OT_TDISP_ERROR);
  assert_int_equal(err, OT_TDISP_ERR_INVALID_REQUEST);
  f.ops.insecure[7] = true;
  b.u.p2p_stream_id = 7;
  assert_int_equal(send(&f, &b, &err, NULL), OT_TDISP_ERROR);
  assert_int_equal(err, OT_TDISP_ERR_INVALID_REQUEST);
  assert_int_equal(f.tdi->p2p_count, 0);
  for (uint8_t i = 0; i < OT_TDISP_MAX_P2P; i++) {
    b.u.p2p_stream_id = (uint8_t)(10 + i);
    assert_int_equal(send(&f, &b, &err, NULL), OT_TDISP_BIND_P2P_STREAM_RESPONSE);
  }
  b.u.p2p_stream_id = 20;
  assert_int_equal(send(&f, &b, &err, NULL), OT_TDISP_ERROR);
  assert_int_equal(err, OT_TDISP_ERR_INVALID_REQUEST);
  assert_int_equal(f.tdi->p2p_count, OT_TDISP_MAX_P2P);
  assert_int_equal(f.tdi->state, OT_TDI_RUN);
}

/* The device refuses a P2P configuration without the BIND_P2P lock flag. */
static void test_p2p_needs_lock_flag(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  ot_tdisp_device_config dc = {.lock_flags_supported = 0x0007, .p2p = true};
  assert_int_equal(ot_tdisp_device_init(&f.dev, &dc, &f.ops.base, &f.rng.base).code, OT_E_ARG);
}

/* SET_MMIO_ATTRIBUTE: an updatable range toggles IS_NON_TEE_MEM; the report
 * and the T=0 check follow. */
static void test_mmio_attr(void **state) {
  (void)state;
  fx f;
  init_opt(&f, false, true);
  to_run(&f, 0x0007);
  /* range 1: physical 0x8000, 4 pages, updatable, TEE */
  ot_tdisp_tlp host = {.t_bit = false, .address = 0x8000, .dir = OT_TDISP_TLP_TO_TDI};
  assert_int_equal(ot_tdisp_tlp_check(f.tdi, &host), OT_TDISP_REJECT_TEE_MEM_T0);
  uint16_t want = OT_TDISP_RANGE_MEM_ATTR_UPDATABLE | OT_TDISP_RANGE_NON_TEE_MEM;
  ot_tdisp_msg q = mmio(1, want);
  uint32_t err;
  assert_int_equal(send(&f, &q, &err, NULL), OT_TDISP_SET_MMIO_ATTRIBUTE_RESPONSE);
  assert_int_equal(f.tdi->state, OT_TDI_RUN);
  assert_int_equal(f.tdi->mmio_attr[1], want);
  assert_int_equal(ot_tdisp_tlp_check(f.tdi, &host), OT_TDISP_ACCEPT);
  ot_tdisp_report rep;
  assert_ot_ok(ot_tdisp_report_parse(f.tdi->report, f.tdi->report_len, &rep));
  uint8_t *a = f.tdi->report + OT_TDISP_REPORT_FIXED + 1 * OT_TDISP_MMIO_RANGE_SIZE + 12;
  assert_int_equal(a[0] | (a[1] << 8), want);
  /* and back */
  q = mmio(1, OT_TDISP_RANGE_MEM_ATTR_UPDATABLE);
  assert_int_equal(send(&f, &q, &err, NULL), OT_TDISP_SET_MMIO_ATTRIBUTE_RESPONSE);
  assert_int_equal(ot_tdisp_tlp_check(f.tdi, &host), OT_TDISP_REJECT_TEE_MEM_T0);
}

/* Refusals: a range not updatable, an attribute other than IS_NON_TEE_MEM, a
 * range the report does not have (physical address without the offset,
 * other page count, other RANGE_ID). Nothing changes. */
static void test_mmio_attr_refusals(void **state) {
  (void)state;
  fx f;
  init_opt(&f, false, true);
  to_run(&f, 0x0007);
  uint8_t before[OT_TDISP_REPORT_MAX];
  memcpy(before, f.tdi->report, sizeof before);
  ot_tdisp_msg qs[5];
  qs[0] = mmio(0, 0); /* range 0 is not updatable */
  qs[1] = mmio(1, OT_TDISP_RANGE_MEM_ATTR_UPDATABLE | OT_TDISP_RANGE_MSIX_TABLE);
  qs[2] = mmio(1, OT_TDISP_RANGE_MEM_ATTR_UPDATABLE | OT_TDISP_RANGE_NON_TEE_MEM);
  qs[2].u.mmio.first_page = fx_ranges[1].first_page;
  qs[3] = mmio(1, OT_TDISP_RANGE_MEM_ATTR_UPDATABLE | OT_TDISP_RANGE_NON_TEE_MEM);
  qs[3].u.mmio.num_pages++;
  qs[4] = mmio(1, OT_TDISP_RANGE_MEM_ATTR_UPDATABLE | OT_TDISP_RANGE_NON_TEE_MEM);
  qs[4].u.mmio.range_id = 9;
  for (size_t i = 0; i < 5; i++) {
    uint32_t err;
    assert_int_equal(send(&f, &qs[i], &err, NULL), OT_TDISP_ERROR);
    assert_int_equal(err, OT_TDISP_ERR_INVALID_REQUEST);
  }
  assert_memory_equal(f.tdi->report, before, sizeof before);
  for (uint32_t i = 0; i < 4; i++)
    assert_int_equal(f.tdi->mmio_attr[i], fx_ranges[i].attributes);
  assert_int_equal(f.tdi->state, OT_TDI_RUN);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_not_configured),      cmocka_unit_test(test_state_rules),
      cmocka_unit_test(test_bind_unbind),         cmocka_unit_test(test_bind_refusals),
      cmocka_unit_test(test_p2p_needs_lock_flag), cmocka_unit_test(test_mmio_attr),
      cmocka_unit_test(test_mmio_attr_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
