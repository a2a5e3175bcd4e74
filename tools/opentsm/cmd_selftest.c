/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `opentsm selftest`: the library's building blocks end to end (cursor,
 * crypto, certificates, DOE mailbox and socket), deterministically, printing
 * what each step showed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "demo.h"
#include "opentsm/cursor.h"
#include "opentsm/status.h"

struct selftest_step {
  const char *name;
  ot_status (*run)(void);
};

/* Builds a length-prefixed record with the cursor and parses it back. */
ot_status ot_demo_cursor(void) {
  uint8_t buf[16];
  ot_writer w;
  ot_writer_init(&w, buf, sizeof buf);
  size_t slot;
  OT_GUARD(ot_write_reserve(&w, 2, &slot));
  OT_GUARD(ot_write_u32le(&w, 0x12345678u));
  OT_GUARD(ot_write_patch_u16le(&w, slot, (uint16_t)(ot_writer_len(&w) - 2)));
  ot_reader r;
  ot_reader_init(&r, buf, ot_writer_len(&w));
  uint16_t n;
  uint32_t v;
  OT_GUARD(ot_read_u16le(&r, &n));
  OT_GUARD(ot_read_u32le(&r, &v));
  OT_GUARD(ot_reader_finish(&r));
  OT_ENSURE(n == 4 && v == 0x12345678u, OT_E_INTERNAL);
  /* A read past the end fails, does not move, and stays failed. */
  OT_ENSURE(ot_is(ot_read_u8(&r, buf), OT_E_TRUNCATED), OT_E_INTERNAL);
  printf("  wrote and re-read a %zu-byte record; overrun refused (%s)\n", ot_writer_len(&w),
         ot_status_name(ot_reader_status(&r)));
  return OT_SUCCESS;
}

uint64_t ot_demo_seed = 2026;

static const struct selftest_step steps[] = {
    {"bounds-checked cursor", ot_demo_cursor},
    {"reproducible keys and ECDSA signatures", ot_demo_keys_and_signatures},
    {"ECDHE key agreement", ot_demo_ecdhe},
    {"authenticated encryption with the IDE MAC size", ot_demo_aead_tamper},
    {"device certificate hierarchy", ot_demo_certificates},
    {"DOE mailbox in config space, host driver", ot_demo_doe_mailbox},
    {"DOE over the spdm-emu socket protocol", ot_demo_doe_socket},
};

int ot_cmd_selftest(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    char *end = NULL;
    if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
      ot_demo_seed = strtoull(argv[++i], &end, 0);
      if (*argv[i] == '\0' || *end != '\0') {
        fprintf(stderr, "opentsm selftest: --seed needs a number, got '%s'\n", argv[i]);
        return OT_EXIT_USAGE;
      }
    } else {
      fprintf(stderr, "opentsm selftest: unknown option '%s'\nusage: opentsm selftest [--seed N]\n",
              argv[i]);
      return OT_EXIT_USAGE;
    }
  }
  printf("opentsm selftest (seed %llu)\n", (unsigned long long)ot_demo_seed);
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    printf("[%zu/%zu] %s\n", i + 1, sizeof steps / sizeof steps[0], steps[i].name);
    ot_status st = steps[i].run();
    if (!ot_ok(st)) {
      printf("  FAILED: %s (%s)\n", ot_status_message(st), ot_status_name(st));
      return OT_EXIT_FAILURE;
    }
  }
  printf("selftest: all steps passed\n");
  return OT_EXIT_OK;
}
