/* SPDX-License-Identifier: BSD-3-Clause */
#include "cli_anchors.h"

#include <stdio.h>

#include "cli_util.h"
#include "commands.h"
#include "opentsm/x509.h"

int cli_anchors_policy(ot_tsm_policy *p, const char *const *paths, size_t n, const char *name,
                       const char *prog) {
  if (n > OT_TSM_POLICY_MAX_ANCHORS) {
    fprintf(stderr, "%s: too many trust anchors\n", prog);
    return OT_EXIT_USAGE;
  }
  ot_tsm_policy_init(p);
  for (size_t i = 0; i < n; i++) {
    size_t len = 0;
    ot_status st = cli_read_file(paths[i], p->anchor_der[i], OT_TSM_POLICY_ANCHOR_MAX, &len);
    if (!ot_ok(st)) {
      fprintf(stderr, "%s: %s: %s\n", prog, paths[i], ot_status_message(st));
      return OT_EXIT_IO;
    }
    p->anchors[i] = (ot_x509_cert){.der = p->anchor_der[i], .len = len};
    if (!ot_ok(ot_x509_cert_check(&p->anchors[i]))) {
      fprintf(stderr, "%s: %s: not a DER certificate\n", prog, paths[i]);
      return OT_EXIT_FAILURE;
    }
    snprintf(p->anchor_path[i], sizeof(p->anchor_path[i]), "%s", paths[i]);
  }
  p->anchor_count = n;
  p->anchors_loaded = true;
  snprintf(p->devices[0].name, sizeof(p->devices[0].name), "%s", name ? name : "device");
  p->device_count = 1;
  return OT_EXIT_OK;
}
