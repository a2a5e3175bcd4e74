/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ot_reader_init_borrow (opentsm/cursor.h) is the inline form of
 * ot_reader_init followed by ot_read_borrow: for every span length and
 * borrow size it must give the same result, the same pointer and leave the
 * reader in the same state, so a decoder may use either; a NULL span is
 * empty.
 */
#include <string.h>

#include "opentsm/cursor.h"
#include "testsupport.h"

static const uint8_t seq[] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
                              0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};

static void same_as_init_then_borrow(void **state) {
  (void)state;
  for (int null_data = 0; null_data <= 1; null_data++) {
    const uint8_t *data = null_data ? NULL : seq;
    for (size_t len = 0; len <= sizeof seq; len++) {
      for (size_t n = 0; n <= sizeof seq + 1; n++) {
        ot_reader a, b;
        const uint8_t *pa = NULL, *pb = NULL;
        ot_status sb = ot_reader_init_borrow(&b, data, len, n, &pb);
        if (null_data) {
          /*
           * NULL data is an empty span: only an empty borrow succeeds, and it
           * yields NULL. (ot_read_borrow is not run here: its pointer
           * arithmetic on a NULL span is undefined, which UBSan reports.)
           */
          assert_int_equal(sb.code, n == 0 ? OT_OK : OT_E_TRUNCATED);
          assert_null(pb);
          assert_int_equal(b.len, 0);
          assert_int_equal(b.off, 0);
          assert_int_equal(b.err.code, n == 0 ? OT_OK : OT_E_TRUNCATED);
          continue;
        }
        ot_reader_init(&a, data, len);
        ot_status sa = ot_read_borrow(&a, n, &pa);
        assert_int_equal(sa.code, sb.code);
        assert_ptr_equal(pa, pb);
        assert_ptr_equal(a.data, b.data);
        assert_int_equal(a.len, b.len);
        assert_int_equal(a.off, b.off);
        assert_int_equal(a.err.code, b.err.code);
        /* A refused borrow leaves the reader failed: later reads fail too. */
        uint8_t u8;
        assert_int_equal(ot_read_u8(&a, &u8).code, ot_read_u8(&b, &u8).code);
        if (n <= len) {
          assert_ot_ok(sb);
          assert_ptr_equal(pb, seq);
          assert_int_equal(ot_reader_remaining(&b), len - n >= 1 ? len - n - 1 : 0);
        } else {
          assert_ot_code(sb, OT_E_TRUNCATED);
        }
      }
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(same_as_init_then_borrow),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
