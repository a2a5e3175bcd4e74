/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The conformance suite's runner and reports, over scripted links: a device
 * with no IDE_KM or TDISP (every case NOT_TESTED, with the reason), an IDE_KM
 * responder that answers well (KEY_PROG cases pass, no key byte reaches any
 * report), one that answers with malformed objects (FAIL with the decoder's
 * reason, no crash), case and group selection; JSON parsed back with jansson
 * and JUnit XML escaping.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/spec/ide_km.h"
#include "opentsm/spec/spdm.h"
#include "opentsm/validate.h"
#include "testsupport.h"

/* ---- scripted links ---------------------------------------------------------------- */

typedef enum { DEV_NONE, DEV_GOOD, DEV_MALFORMED, DEV_DIES } dev_kind;

typedef struct fake {
  ot_val_link base; /* must be first */
  dev_kind kind;
  uint8_t keys[64][32]; /* every key a KEY_PROG carried */
  size_t nkeys;
  size_t calls;
} fake;

static ot_status refuse(ot_val_spdm_error *err) {
  *err = (ot_val_spdm_error){.valid = true, .code = OT_SPDM_ERR_INVALID_REQUEST};
  return ot_status_of(OT_E_PEER_ERROR);
}

static ot_status fake_vdm(ot_val_link *l, bool secured, const uint8_t *req, size_t len,
                          uint8_t *rsp, size_t cap, size_t *rsp_len, ot_val_spdm_error *err) {
  fake *f = (fake *)l;
  f->calls++;
  *err = (ot_val_spdm_error){0};
  *rsp_len = 0;
  if (f->kind == DEV_NONE) return ot_status_of(OT_E_TIMEOUT);
  if (f->kind == DEV_DIES && f->calls > 2) return ot_status_of(OT_E_CLOSED);
  if (!secured || len < 2 || req[0] != OT_IDE_KM_PROTOCOL_ID) return refuse(err);
  ot_writer w;
  ot_writer_init(&w, rsp, cap);
  uint8_t obj = req[1];
  if (obj == OT_IDE_KM_QUERY && len == 4) {
    if (req[3] != 0) return refuse(err);
    /* QUERY_RESP for port 0, MaxPortIndex 0, two zero register DWs */
    const uint8_t q[] = {0, OT_IDE_KM_QUERY_RESP, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    OT_GUARD(ot_write_bytes(&w, q, sizeof(q)));
  } else if (f->kind == DEV_MALFORMED) {
    const uint8_t bad[] = {0, OT_IDE_KM_KP_ACK}; /* a KP_ACK cut after its Object ID */
    OT_GUARD(ot_write_bytes(&w, bad, sizeof(bad)));
  } else if (obj == OT_IDE_KM_KEY_PROG && len == 1 + OT_IDE_KM_KEY_PROG_SIZE) {
    if (f->nkeys < 64) memcpy(f->keys[f->nkeys++], req + 8, 32);
    uint8_t a[8];
    memcpy(a, req, 8);
    a[1] = OT_IDE_KM_KP_ACK;
    a[1 + OT_IDE_KM_OFF_STATUS] = 0;
    a[2] = a[3] = 0;
    OT_GUARD(ot_write_bytes(&w, a, sizeof(a)));
  } else if ((obj == OT_IDE_KM_K_SET_GO || obj == OT_IDE_KM_K_SET_STOP) && len == 8) {
    uint8_t a[8];
    memcpy(a, req, 8);
    a[1] = OT_IDE_KM_K_GOSTOP_ACK;
    OT_GUARD(ot_write_bytes(&w, a, sizeof(a)));
  } else {
    return refuse(err);
  }
  *rsp_len = ot_writer_len(&w);
  return OT_SUCCESS;
}

static void fake_init(fake *f, dev_kind k) {
  memset(f, 0, sizeof(*f));
  f->base.vdm = fake_vdm;
  f->kind = k;
}

/* Prints through fn into a heap string the caller frees. */
static char *capture_json(const ot_val_run *run) {
  char *buf = NULL;
  size_t n = 0;
  FILE *m = open_memstream(&buf, &n);
  assert_non_null(m);
  ot_val_print_json(m, run, "127.0.0.1:1");
  fclose(m);
  return buf;
}
static char *capture_junit(const ot_val_run *run) {
  char *buf = NULL;
  size_t n = 0;
  FILE *m = open_memstream(&buf, &n);
  assert_non_null(m);
  ot_val_print_junit(m, run, "127.0.0.1:1");
  fclose(m);
  return buf;
}
static char *capture_text(const ot_val_run *run) {
  char *buf = NULL;
  size_t n = 0;
  FILE *m = open_memstream(&buf, &n);
  assert_non_null(m);
  for (size_t i = 0; i < run->count; i++)
    ot_val_print_case(m, &run->results[i], true);
  ot_val_print_summary(m, run);
  fclose(m);
  return buf;
}

/* ---- runner ------------------------------------------------------------------------ */

static void test_table_ids_unique_and_complete(void **state) {
  (void)state;
  size_t n = 0;
  const ot_val_case *c = ot_val_cases(&n);
  assert_true(n >= 25);
  for (size_t i = 0; i < n; i++) {
    assert_non_null(c[i].run);
    assert_true(strlen(c[i].clause) > 0 && strlen(c[i].desc) > 0);
    assert_true(strcmp(c[i].group, "ide_km") == 0 || strcmp(c[i].group, "tdisp") == 0);
    for (size_t j = i + 1; j < n; j++)
      assert_string_not_equal(c[i].id, c[j].id);
    assert_ptr_equal(ot_val_case_find(c[i].id), &c[i]);
  }
  assert_null(ot_val_case_find("IDEKM.NOPE.1"));
}

static void test_silent_device_not_tested(void **state) {
  (void)state;
  fake f;
  fake_init(&f, DEV_NONE);
  ot_val_opts o = {.tdi_function_id = 0x100};
  ot_val_run run;
  assert_ot_ok(ot_val_run_cases(&f.base, &o, &run));
  size_t n = 0;
  ot_val_cases(&n);
  assert_int_equal(run.count, n);
  assert_int_equal(run.skipped, n);
  assert_int_equal(run.passed + run.failed, 0);
  assert_int_equal(run.dev.caps, 0);
  /* the probes only: no case sent anything */
  assert_true(f.calls <= 2);
  assert_non_null(strstr(run.results[0].why, "IDE_KM"));
  assert_non_null(strstr(run.results[n - 1].why, "TDISP"));
  char *t = capture_text(&run);
  char last[64];
  snprintf(last, sizeof(last), "0 passed, 0 failed, %zu skipped\n", n);
  assert_non_null(strstr(t, last));
  assert_non_null(strstr(t, "NOT_TESTED IDEKM.QUERY.1"));
  free(t);
  ot_val_run_free(&run);
}

static void test_selection(void **state) {
  (void)state;
  fake f;
  fake_init(&f, DEV_NONE);
  ot_val_run run;
  ot_val_opts o = {.case_id = "TDISP.REPORT.1"};
  assert_ot_ok(ot_val_run_cases(&f.base, &o, &run));
  assert_int_equal(run.count, 1);
  assert_string_equal(run.results[0].c->id, "TDISP.REPORT.1");
  ot_val_run_free(&run);
  o = (ot_val_opts){.group = "ide_km"};
  assert_ot_ok(ot_val_run_cases(&f.base, &o, &run));
  for (size_t i = 0; i < run.count; i++)
    assert_string_equal(run.results[i].c->group, "ide_km");
  ot_val_run_free(&run);
  o = (ot_val_opts){.case_id = "NOPE.1"};
  assert_ot_code(ot_val_run_cases(&f.base, &o, &run), OT_E_NOT_FOUND);
  o = (ot_val_opts){.group = "cxl"};
  assert_ot_code(ot_val_run_cases(&f.base, &o, &run), OT_E_NOT_FOUND);
}

static bool hex_contains_key(const char *text, const uint8_t key[32]) {
  char hex[2 * 8 + 1];
  /* any 8 consecutive key bytes in hex would betray it */
  for (size_t i = 0; i + 8 <= 32; i++) {
    for (size_t k = 0; k < 8; k++)
      snprintf(hex + 2 * k, 3, "%02x", key[i + k]);
    if (strstr(text, hex)) return true;
  }
  return false;
}

static void test_key_prog_passes_and_keys_never_reported(void **state) {
  (void)state;
  fake f;
  fake_init(&f, DEV_GOOD);
  ot_val_opts o = {.case_id = "IDEKM.KEYPROG.1"};
  ot_val_run run;
  assert_ot_ok(ot_val_run_cases(&f.base, &o, &run));
  assert_true(run.dev.caps & OT_VAL_CAP_IDE_KM);
  assert_int_equal(run.passed, 1);
  assert_int_equal(f.nkeys, 12); /* K0/K1 x RX/TX x PR/NPR/CPL */
  const ot_val_result *r = &run.results[0];
  /* QUERY of port 0, then one assertion for its stream's twelve KEY_PROGs */
  assert_int_equal(r->count, 2);
  assert_non_null(strstr(r->a[1].text, "port 0 stream 0: KEY_PROG"));
  for (size_t i = 0; i < r->count; i++)
    for (size_t b = 8; b < OT_VAL_BYTES_MAX; b++)
      assert_int_equal(r->a[i].sent[b], 0);
  char *j = capture_json(&run), *x = capture_junit(&run), *t = capture_text(&run);
  for (size_t k = 0; k < f.nkeys; k++) {
    assert_false(hex_contains_key(j, f.keys[k]));
    assert_false(hex_contains_key(x, f.keys[k]));
    assert_false(hex_contains_key(t, f.keys[k]));
  }
  free(j);
  free(x);
  free(t);
  ot_val_run_free(&run);
}

static void test_malformed_answers_fail_cleanly(void **state) {
  (void)state;
  fake f;
  fake_init(&f, DEV_MALFORMED);
  ot_val_opts o = {.group = "ide_km"};
  ot_val_run run;
  assert_ot_ok(ot_val_run_cases(&f.base, &o, &run));
  const ot_val_case *c = ot_val_case_find("IDEKM.KEYPROG.1");
  bool seen = false;
  for (size_t i = 0; i < run.count; i++) {
    const ot_val_result *r = &run.results[i];
    if (r->c != c) continue;
    seen = true;
    assert_int_equal(r->verdict, OT_VAL_FAIL);
    /* a[0]: QUERY of port 0, answered well; a[1]: the first KEY_PROG's cut KP_ACK */
    assert_int_equal(r->a[0].verdict, OT_VAL_PASS);
    assert_int_equal(r->a[1].verdict, OT_VAL_FAIL);
    assert_non_null(strstr(r->a[1].text, "does not decode"));
    assert_true(r->a[1].redacted);
    assert_int_equal(r->a[1].recv_len, 2);
    assert_int_equal(r->a[1].recv[1], OT_IDE_KM_KP_ACK);
  }
  assert_true(seen);
  assert_true(run.failed > 0);
  ot_val_run_free(&run);
}

/* A device that closes the connection in the first case: that case fails,
 * the others are not run (and send nothing), with the reason. */
static void test_dead_link_ends_the_run(void **state) {
  (void)state;
  fake f;
  fake_init(&f, DEV_DIES);
  ot_val_opts o = {.group = "ide_km"};
  ot_val_run run;
  assert_ot_ok(ot_val_run_cases(&f.base, &o, &run));
  assert_true(run.dev.caps & OT_VAL_CAP_IDE_KM);
  assert_int_equal(run.results[0].verdict, OT_VAL_FAIL);
  assert_non_null(strstr(run.results[0].a[run.results[0].count - 1].recv_note, "closed"));
  for (size_t i = 1; i < run.count; i++) {
    assert_int_equal(run.results[i].verdict, OT_VAL_NOT_TESTED);
    assert_non_null(strstr(run.results[i].why, "stopped answering"));
  }
  size_t calls = f.calls;
  assert_int_equal(calls, 3); /* 2 probes, then the exchange that failed, no more */
  assert_int_equal(run.failed, 1);
  ot_val_run_free(&run);
}

/* ---- reports ----------------------------------------------------------------------- */

static void nop(ot_val_ctx *x) { (void)x; }
static const ot_val_case k_odd = {"X.ODD.1",        "g<&>", "clause \"A\" & 'B'",
                                  "desc <tag>\x01", 0,      nop};

static void odd_run(ot_val_run *run, ot_val_result *res) {
  memset(run, 0, sizeof(*run));
  memset(res, 0, sizeof(*res));
  res->c = &k_odd;
  res->verdict = OT_VAL_FAIL;
  res->count = 2;
  res->a[0].verdict = OT_VAL_PASS;
  snprintf(res->a[0].text, sizeof(res->a[0].text), "fine");
  res->a[1].verdict = OT_VAL_FAIL;
  snprintf(res->a[1].text, sizeof(res->a[1].text), "got <ERROR> & \"quotes\"\n");
  res->a[1].sent_len = 48;
  res->a[1].redacted = true;
  memset(res->a[1].sent, 0xAB, 8);
  res->a[1].recv_len = 200; /* more than kept */
  memset(res->a[1].recv, 0xCD, OT_VAL_BYTES_MAX);
  run->results = res;
  run->count = 1;
  run->failed = 1;
}

static void test_json_report(void **state) {
  (void)state;
  ot_val_run run;
  static ot_val_result res;
  odd_run(&run, &res);
  char *s = capture_json(&run);
  json_error_t e;
  json_t *j = json_loads(s, 0, &e);
  assert_non_null(j);
  assert_int_equal(json_integer_value(json_object_get(j, "failed")), 1);
  assert_int_equal(json_integer_value(json_object_get(j, "passed")), 0);
  json_t *c = json_array_get(json_object_get(j, "cases"), 0);
  assert_string_equal(json_string_value(json_object_get(c, "group")), "g<&>");
  assert_string_equal(json_string_value(json_object_get(c, "clause")), "clause \"A\" & 'B'");
  assert_string_equal(json_string_value(json_object_get(c, "description")), "desc <tag>\x01");
  assert_string_equal(json_string_value(json_object_get(c, "verdict")), "FAIL");
  json_t *a = json_array_get(json_object_get(c, "assertions"), 1);
  assert_string_equal(json_string_value(json_object_get(a, "text")), "got <ERROR> & \"quotes\"\n");
  /* a redacted request: its 8-byte header only */
  assert_string_equal(json_string_value(json_object_get(a, "sent")), "abababababababab");
  assert_int_equal(json_integer_value(json_object_get(a, "sent_len")), 48);
  assert_true(json_is_true(json_object_get(a, "redacted")));
  assert_int_equal(strlen(json_string_value(json_object_get(a, "received"))), 2 * OT_VAL_BYTES_MAX);
  assert_int_equal(json_integer_value(json_object_get(a, "received_len")), 200);
  json_decref(j);
  free(s);
}

static void test_junit_escaping(void **state) {
  (void)state;
  ot_val_run run;
  static ot_val_result res;
  odd_run(&run, &res);
  char *s = capture_junit(&run);
  assert_non_null(strstr(s, "<testsuite name=\"g&lt;&amp;&gt;\" tests=\"1\" failures=\"1\""));
  assert_non_null(strstr(s, "name=\"X.ODD.1\""));
  assert_non_null(strstr(s, "<failure message=\"got &lt;ERROR&gt; &amp; &quot;quotes&quot;"));
  assert_non_null(strstr(s, "clause &quot;A&quot; &amp; &apos;B&apos;: desc &lt;tag&gt;?"));
  assert_non_null(strstr(s, "key and IFV not shown"));
  /* no raw markup character from the texts, no control character */
  assert_null(strstr(s, "<ERROR>"));
  assert_null(strstr(s, "<tag>"));
  assert_null(strchr(s, '\x01'));
  /* every '&' starts an entity */
  size_t len = strlen(s);
  for (size_t i = 0; i < len; i++) {
    if (s[i] != '&') continue;
    const char *p = s + i;
    assert_true(strncmp(p, "&lt;", 4) == 0 || strncmp(p, "&gt;", 4) == 0 ||
                strncmp(p, "&amp;", 5) == 0 || strncmp(p, "&quot;", 6) == 0 ||
                strncmp(p, "&apos;", 6) == 0);
  }
  free(s);
}

static void test_text_report(void **state) {
  (void)state;
  ot_val_run run;
  static ot_val_result res;
  odd_run(&run, &res);
  char *buf = NULL;
  size_t n = 0;
  FILE *m = open_memstream(&buf, &n);
  ot_val_print_case(m, &res, false);
  ot_val_print_summary(m, &run);
  fclose(m);
  assert_non_null(strstr(buf, "FAIL       X.ODD.1"));
  assert_null(strstr(buf, "X.ODD.1.1 fine")); /* passing assertions only with verbose */
  assert_non_null(strstr(buf, "FAIL X.ODD.1.2 got <ERROR>"));
  assert_non_null(strstr(buf, "sent abababababababab... (48 bytes; key and IFV not shown)"));
  assert_non_null(strstr(buf, "... (200 bytes)"));
  const char *last = strrchr(buf, '\n');
  assert_non_null(last);
  assert_non_null(strstr(buf, "\n0 passed, 1 failed, 0 skipped\n"));
  free(buf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_table_ids_unique_and_complete),
      cmocka_unit_test(test_silent_device_not_tested),
      cmocka_unit_test(test_selection),
      cmocka_unit_test(test_key_prog_passes_and_keys_never_reported),
      cmocka_unit_test(test_malformed_answers_fail_cleanly),
      cmocka_unit_test(test_dead_link_ends_the_run),
      cmocka_unit_test(test_json_report),
      cmocka_unit_test(test_junit_escaping),
      cmocka_unit_test(test_text_report),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
