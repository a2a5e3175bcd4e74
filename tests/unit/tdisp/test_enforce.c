/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TLP acceptance (src/tdisp/enforce.c): state x T bit x direction x stream x
 * target, one line per case.
 */
#include <string.h>

#include "opentsm/tdisp.h"
#include "tdisp_fixture.h"

#define U OT_TDI_CONFIG_UNLOCKED
#define L OT_TDI_CONFIG_LOCKED
#define R OT_TDI_RUN
#define E OT_TDI_ERROR
#define IN OT_TDISP_TLP_TO_TDI
#define OUT OT_TDISP_TLP_FROM_TDI
#define TEE_ADDR 0x8010u    /* inside range 2 (TEE memory) */
#define SHARED_ADDR 0x0800u /* inside range 1 (IS_NON_TEE_MEM) */
#define OTHER_ADDR 0x40000u /* outside every range */

typedef struct tcase {
  ot_tdisp_state state;
  ot_tdisp_tlp_dir dir;
  bool t;
  uint64_t addr;
  bool on_stream;
  uint8_t stream;
  bool stream_insecure;
  ot_tdisp_verdict want;
} tcase;

/* clang-format off */
static const tcase k_cases[] = {
  /* T=1 needs RUN */
  {U, IN,  true,  TEE_ADDR,    true,  0, false, OT_TDISP_REJECT_NOT_RUN},
  {L, IN,  true,  TEE_ADDR,    true,  0, false, OT_TDISP_REJECT_NOT_RUN},
  {E, IN,  true,  TEE_ADDR,    true,  0, false, OT_TDISP_REJECT_NOT_RUN},
  {U, OUT, true,  0,           true,  0, false, OT_TDISP_REJECT_NOT_RUN},
  {L, OUT, true,  0,           true,  0, false, OT_TDISP_REJECT_NOT_RUN},
  {E, OUT, true,  0,           true,  0, false, OT_TDISP_REJECT_NOT_RUN},
  /* in RUN, only over the bound stream, only while it is Secure */
  {R, IN,  true,  TEE_ADDR,    true,  0, false, OT_TDISP_ACCEPT},
  {R, OUT, true,  0,           true,  0, false, OT_TDISP_ACCEPT},
  {R, OUT, true,  0,           false, 0, false, OT_TDISP_REJECT_STREAM},
  {R, OUT, true,  0,           true,  3, false, OT_TDISP_REJECT_STREAM},
  {R, IN,  true,  TEE_ADDR,    true,  3, false, OT_TDISP_REJECT_STREAM},
  {R, OUT, true,  0,           true,  0, true,  OT_TDISP_REJECT_INSECURE},
  {R, IN,  true,  TEE_ADDR,    true,  0, true,  OT_TDISP_REJECT_INSECURE},
  /* T=0: host traffic; TEE MMIO closed to it from LOCK until STOP */
  {U, IN,  false, TEE_ADDR,    false, 0, false, OT_TDISP_ACCEPT},
  {L, IN,  false, TEE_ADDR,    false, 0, false, OT_TDISP_REJECT_TEE_MEM_T0},
  {R, IN,  false, TEE_ADDR,    false, 0, false, OT_TDISP_REJECT_TEE_MEM_T0},
  {E, IN,  false, TEE_ADDR,    false, 0, false, OT_TDISP_REJECT_TEE_MEM_T0},
  {R, IN,  false, SHARED_ADDR, false, 0, false, OT_TDISP_ACCEPT},
  {R, IN,  false, OTHER_ADDR,  false, 0, false, OT_TDISP_ACCEPT},
  {R, OUT, false, 0,           false, 0, false, OT_TDISP_ACCEPT},
  {R, IN,  false, 0x8000u + 4u * 4096u - 1u, false, 0, false, OT_TDISP_REJECT_TEE_MEM_T0},
  {R, IN,  false, 0x8000u + 4u * 4096u,      false, 0, false, OT_TDISP_ACCEPT},
};
/* clang-format on */

static void test_verdicts(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof k_cases / sizeof k_cases[0]; i++) {
    const tcase *c = &k_cases[i];
    fx f;
    fx_init(&f);
    fx_drive(&f, c->state);
    f.ops.insecure[c->stream] = c->stream_insecure;
    ot_tdisp_tlp tlp = {.dir = c->dir,
                        .t_bit = c->t,
                        .address = c->addr,
                        .on_stream = c->on_stream,
                        .stream_id = c->stream};
    ot_tdisp_verdict v = ot_tdisp_tlp_check(f.tdi, &tlp);
    if (v != c->want)
      fail_msg("case %zu: got %s want %s", i, ot_tdisp_verdict_name(v),
               ot_tdisp_verdict_name(c->want));
  }
}

/* The stream going Insecure is both an immediate refusal and, once reported,
 * an ERROR that keeps refusing after the stream recovers. */
static void test_insecure_stream_event(void **state) {
  (void)state;
  fx f;
  fx_init(&f);
  fx_drive(&f, OT_TDI_RUN);
  ot_tdisp_tlp dma = {.dir = OUT, .t_bit = true, .on_stream = true, .stream_id = 0};
  f.ops.insecure[0] = true;
  assert_int_equal(ot_tdisp_tlp_check(f.tdi, &dma), OT_TDISP_REJECT_INSECURE);
  assert_int_equal(ot_tdisp_tdi_event(f.tdi, OT_TDISP_EV_IDE_INSECURE), OT_TDI_ERROR);
  f.ops.insecure[0] = false;
  assert_int_equal(ot_tdisp_tlp_check(f.tdi, &dma), OT_TDISP_REJECT_NOT_RUN);
}

static void test_verdict_names(void **state) {
  (void)state;
  for (int v = OT_TDISP_ACCEPT; v <= OT_TDISP_REJECT_TEE_MEM_T0; v++)
    assert_string_not_equal(ot_tdisp_verdict_name((ot_tdisp_verdict)v), "UNKNOWN");
  assert_string_equal(ot_tdisp_verdict_name((ot_tdisp_verdict)99), "UNKNOWN");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_verdicts),
      cmocka_unit_test(test_insecure_stream_event),
      cmocka_unit_test(test_verdict_names),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
