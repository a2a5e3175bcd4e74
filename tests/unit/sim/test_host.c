/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The untrusted host: boot (enumeration, DOE mailbox takeover, Discovery
 * over routed config accesses), the DOE relay's log and pcap, the seam that
 * binds a device model's protocol, and the malicious-host hook altering,
 * replaying and dropping objects.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "opentsm/doe_pcap.h"
#include "opentsm/sim_host.h"
#include "testsupport.h"

/* A device model for the CMA/SPDM slot: answers "R" + the request. */
static ot_status answer(ot_doe_protocol *p, const uint8_t *req, size_t req_len, uint8_t *rsp,
                        size_t rsp_cap, size_t *rsp_len) {
  (void)p;
  OT_ENSURE(req_len + 4 <= rsp_cap, OT_E_NO_SPACE);
  memcpy(rsp, "RSP:", 4);
  memcpy(rsp + 4, req, req_len);
  *rsp_len = req_len + 4;
  return OT_SUCCESS;
}

static ot_doe_protocol model = {OT_DOE_VENDOR_PCISIG, OT_DOE_TYPE_SPDM, answer};

typedef struct fixture {
  ot_sim_topology topo;
  ot_sim_platform *p;
  ot_sim_host host;
  ot_sim_relay relay;
} fixture;

static fixture *fx;

static int setup(void **state) {
  (void)state;
  fx = calloc(1, sizeof *fx);
  if (fx == NULL) return 1;
  if (!ot_ok(ot_sim_topology_default(&fx->topo))) return 1;
  if (!ot_ok(ot_sim_platform_create(&fx->topo, &fx->p))) return 1;
  ot_sim_function *gpu = ot_sim_node_function(ot_sim_platform_node(fx->p, "gpu0"), 0);
  if (!ot_ok(ot_sim_function_bind_protocol(gpu, &model))) return 1;
  if (!ot_ok(ot_sim_host_boot(&fx->host, fx->p))) return 1;
  ot_sim_host_mailbox *m = ot_sim_host_mailbox_at(&fx->host, 3, 0);
  if (m == NULL) return 1;
  return !ot_ok(ot_sim_relay_init(&fx->relay, ot_doe_driver_transport(&m->driver),
                                  ot_sim_platform_clock(fx->p), 0));
}

static int teardown(void **state) {
  (void)state;
  OT_IGNORE(ot_sim_relay_destroy(&fx->relay));
  ot_sim_platform_destroy(fx->p);
  free(fx);
  return 0;
}

static ot_status xfer(uint8_t type, const char *msg, uint8_t *rsp, size_t cap, size_t *len) {
  return ot_doe_exchange(ot_sim_relay_transport(&fx->relay), OT_DOE_VENDOR_PCISIG, type,
                         (const uint8_t *)msg, strlen(msg), rsp, cap, len);
}

static void boot_finds_each_mailbox_and_its_protocols(void **state) {
  (void)state;
  assert_int_equal(fx->host.mailbox_count, 2); /* GPU function 0, NVMe */
  for (size_t i = 0; i < fx->host.mailbox_count; i++) {
    const ot_sim_host_mailbox *m = &fx->host.mailboxes[i];
    assert_ot_ok(m->status);
    assert_int_equal(m->driver.feature_count, 3);
    assert_int_equal(m->driver.features[0].type, OT_DOE_TYPE_DISCOVERY);
    assert_int_equal(m->driver.features[1].type, OT_DOE_TYPE_SPDM);
    assert_int_equal(m->driver.features[2].type, OT_DOE_TYPE_SECURED_SPDM);
  }
  assert_int_equal(fx->host.mailboxes[0].bus, 3);
  assert_int_equal(fx->host.mailboxes[1].bus, 4);
  assert_null(ot_sim_host_mailbox_at(&fx->host, 3, 1)); /* function 1 has no mailbox */
  /* The mailbox model served Discovery through the routed accesses. */
  ot_sim_function *gpu = ot_sim_node_function(ot_sim_platform_node(fx->p, "gpu0"), 0);
  assert_int_equal(ot_doe_mailbox_stats_get(&gpu->mailbox)->requests, 3);
}

static void binding_checks_the_profile(void **state) {
  (void)state;
  ot_sim_function *gpu = ot_sim_node_function(ot_sim_platform_node(fx->p, "gpu0"), 0);
  ot_sim_function *gpu1 = ot_sim_node_function(ot_sim_platform_node(fx->p, "gpu0"), 1);
  ot_doe_protocol other = {0x1234, 0x7f, answer};
  assert_ot_code(ot_sim_function_bind_protocol(gpu, &model), OT_E_EXISTS);
  assert_ot_code(ot_sim_function_bind_protocol(gpu, &other), OT_E_NOT_FOUND);
  assert_ot_code(ot_sim_function_bind_protocol(gpu1, &model), OT_E_NOT_FOUND);
}

static void relay_carries_and_logs_every_object(void **state) {
  (void)state;
  uint8_t rsp[256];
  size_t len;
  assert_ot_ok(xfer(OT_DOE_TYPE_SPDM, "hello", rsp, sizeof rsp, &len));
  assert_int_equal(len, 12); /* 9 bytes padded to whole DWs */
  assert_memory_equal(rsp, "RSP:hello", 9);
  assert_int_equal(fx->relay.log.count, 2);
  ot_sim_relay_kind kind;
  uint16_t vendor;
  uint8_t type;
  const uint8_t *payload;
  size_t plen;
  assert_ot_ok(ot_sim_relay_log_payload(&fx->relay, 0, &kind, &vendor, &type, &payload, &plen));
  assert_int_equal(kind, OT_SIM_RELAY_REQ_IN);
  assert_int_equal(type, OT_DOE_TYPE_SPDM);
  assert_memory_equal(payload, "hello", 5);
  assert_ot_ok(ot_sim_relay_log_payload(&fx->relay, 1, &kind, &vendor, &type, &payload, &plen));
  assert_int_equal(kind, OT_SIM_RELAY_RSP_IN);
  assert_ot_code(ot_sim_relay_log_payload(&fx->relay, 2, &kind, &vendor, &type, &payload, &plen),
                 OT_E_NOT_FOUND);
}

/* The protocol is listed but no device model is bound: the device reports DOE Error. */
static void unbound_protocol_fails_at_the_device(void **state) {
  (void)state;
  uint8_t rsp[64];
  size_t len;
  assert_ot_code(xfer(OT_DOE_TYPE_SECURED_SPDM, "abcd", rsp, sizeof rsp, &len), OT_E_DEVICE);
  assert_int_equal(fx->relay.log.count, 1); /* the request the host saw */
  /* The mailbox was aborted and still works. */
  assert_ot_ok(xfer(OT_DOE_TYPE_SPDM, "ok", rsp, sizeof rsp, &len));
}

static void relay_log_is_scanned_by_the_audit(void **state) {
  (void)state;
  static const uint8_t secret[] = "session-key-0123";
  uint8_t rsp[256];
  size_t len;
  assert_ot_ok(xfer(OT_DOE_TYPE_SPDM, "carrying session-key-0123 in clear", rsp, sizeof rsp, &len));
  ot_sim_audit audit;
  ot_sim_audit_init(&audit);
  assert_ot_ok(ot_sim_audit_add(&audit, "host relay", &fx->relay.log));
  ot_sim_exposure hit;
  assert_true(ot_sim_audit_scan(&audit, secret, sizeof secret - 1, &hit));
  assert_string_equal(hit.where, "host relay");
  assert_int_equal(hit.record, 0);
  assert_int_equal(hit.offset, 8 + 9); /* DOE header, then "carrying " */
  static const uint8_t absent[] = "session-key-9999";
  assert_false(ot_sim_audit_scan(&audit, absent, sizeof absent - 1, NULL));
}

/* ---- the malicious host ------------------------------------------------------------- */

static ot_sim_relay_verdict tamper_response(ot_sim_relay *r, ot_sim_relay_stage stage,
                                            uint16_t vendor, uint8_t type, uint8_t *buf,
                                            size_t *len, size_t cap) {
  (void)r;
  (void)vendor;
  (void)type;
  (void)cap;
  if (stage == OT_SIM_RELAY_STAGE_RESPONSE && *len > 4) buf[4] ^= 0x20; /* 'h' -> 'H' */
  return OT_SIM_RELAY_PASS;
}

static void hook_alters_a_response(void **state) {
  (void)state;
  ot_sim_relay_set_hook(&fx->relay, tamper_response);
  uint8_t rsp[64];
  size_t len;
  assert_ot_ok(xfer(OT_DOE_TYPE_SPDM, "hello", rsp, sizeof rsp, &len));
  assert_memory_equal(rsp, "RSP:Hello", 9);
  assert_int_equal(fx->relay.stats.altered, 1);
  /* Both the original and the forgery are in the log: REQ_IN, RSP_IN, RSP_OUT. */
  assert_int_equal(fx->relay.log.count, 3);
  assert_int_equal(fx->relay.log.recs[2].dir, OT_SIM_RELAY_RSP_OUT);
}

/* Replays the first response ever relayed instead of asking the device. */
static ot_sim_relay_verdict replay_old(ot_sim_relay *r, ot_sim_relay_stage stage, uint16_t vendor,
                                       uint8_t type, uint8_t *buf, size_t *len, size_t cap) {
  (void)vendor;
  (void)type;
  if (stage != OT_SIM_RELAY_STAGE_REQUEST) return OT_SIM_RELAY_PASS;
  ot_sim_relay_kind kind;
  uint16_t v;
  uint8_t t;
  const uint8_t *payload;
  size_t plen;
  if (!ot_ok(ot_sim_relay_log_payload(r, 1, &kind, &v, &t, &payload, &plen)) || plen > cap)
    return OT_SIM_RELAY_DROP;
  memcpy(buf, payload, plen);
  *len = plen;
  return OT_SIM_RELAY_ANSWER;
}

static void hook_replays_an_old_response(void **state) {
  (void)state;
  uint8_t rsp[64];
  size_t len;
  assert_ot_ok(xfer(OT_DOE_TYPE_SPDM, "first", rsp, sizeof rsp, &len));
  ot_sim_function *gpu = ot_sim_node_function(ot_sim_platform_node(fx->p, "gpu0"), 0);
  uint64_t served = ot_doe_mailbox_stats_get(&gpu->mailbox)->requests;
  ot_sim_relay_set_hook(&fx->relay, replay_old);
  assert_ot_ok(xfer(OT_DOE_TYPE_SPDM, "second", rsp, sizeof rsp, &len));
  assert_memory_equal(rsp, "RSP:first", 9); /* stale */
  assert_int_equal(ot_doe_mailbox_stats_get(&gpu->mailbox)->requests,
                   served); /* device never asked */
  assert_int_equal(fx->relay.stats.answered, 1);
}

static ot_sim_relay_verdict drop_all(ot_sim_relay *r, ot_sim_relay_stage stage, uint16_t vendor,
                                     uint8_t type, uint8_t *buf, size_t *len, size_t cap) {
  (void)r;
  (void)stage;
  (void)vendor;
  (void)type;
  (void)buf;
  (void)len;
  (void)cap;
  return OT_SIM_RELAY_DROP;
}

static void hook_drops(void **state) {
  (void)state;
  ot_sim_relay_set_hook(&fx->relay, drop_all);
  uint8_t rsp[64];
  size_t len = 99;
  assert_ot_code(xfer(OT_DOE_TYPE_SPDM, "lost", rsp, sizeof rsp, &len), OT_E_IO);
  assert_int_equal(len, 0);
  assert_int_equal(fx->relay.stats.dropped, 1);
}

static void relay_records_a_doe_pcap(void **state) {
  (void)state;
  char path[] = "/tmp/opentsm-relay-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  assert_ot_ok(ot_sim_relay_record(&fx->relay, path));
  assert_ot_code(ot_sim_relay_record(&fx->relay, path), OT_E_STATE);
  uint8_t rsp[64];
  size_t len;
  assert_ot_ok(xfer(OT_DOE_TYPE_SPDM, "one", rsp, sizeof rsp, &len));
  assert_ot_ok(xfer(OT_DOE_TYPE_SPDM, "two", rsp, sizeof rsp, &len));
  assert_ot_ok(ot_sim_relay_destroy(&fx->relay));
  assert_ot_ok(ot_sim_relay_init(&fx->relay, ot_doe_driver_transport(&fx->host.mailboxes[0].driver),
                                 NULL, 0)); /* for teardown */
  size_t flen;
  uint8_t *f = ts_read_file(path, &flen);
  unlink(path);
  assert_non_null(f);
  /* The spdm-emu layout: link type 292, one whole DOE object per record, request/response. */
  ot_pcap_reader pr;
  assert_ot_ok(ot_pcap_reader_init(&pr, f, flen));
  /* spdm_dump refuses a snaplen over 65536: the relay wrote 65544 once. */
  assert_int_equal(pr.snaplen, 65536u);
  static const char *const want[] = {"one", "RSP:one", "two", "RSP:two"};
  for (size_t i = 0; i < 4; i++) {
    ot_pcap_record rec;
    bool done;
    assert_ot_ok(ot_pcap_reader_next(&pr, &rec, &done));
    assert_false(done);
    assert_int_equal(rec.hdr.type, OT_DOE_TYPE_SPDM);
    assert_memory_equal(rec.obj + 8, want[i], strlen(want[i]));
  }
  ot_pcap_record rec;
  bool done;
  assert_ot_ok(ot_pcap_reader_next(&pr, &rec, &done));
  assert_true(done);
  free(f);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      T(boot_finds_each_mailbox_and_its_protocols),
      T(binding_checks_the_profile),
      T(relay_carries_and_logs_every_object),
      T(unbound_protocol_fails_at_the_device),
      T(relay_log_is_scanned_by_the_audit),
      T(hook_alters_a_response),
      T(hook_replays_an_old_response),
      T(hook_drops),
      T(relay_records_a_doe_pcap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
