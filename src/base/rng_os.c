/* SPDX-License-Identifier: BSD-3-Clause */
/* The OS random number generator: see opentsm/rng.h. */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "opentsm/rng.h"

static ot_status os_fill(ot_rng *rng, uint8_t *out, size_t n) {
  (void)rng;
  size_t done = 0;
  while (done < n) {
    ssize_t got = getrandom(out + done, n - done, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      memset(out, 0, n);
      OT_BAIL(OT_E_RNG);
    }
    done += (size_t)got;
  }
  return OT_SUCCESS;
}

static ot_rng os_rng = {os_fill};

ot_rng *ot_rng_os(void) { return &os_rng; }
