/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers shared by `opentsm demo`, `sim` and `attack` (options, verdicts) and
 * the commands that read a --topology file. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "demo.h"

bool ot_demo_parse_seed(const char *cmd, const char *arg, uint64_t *out) {
  char *end = NULL;
  unsigned long long v = strtoull(arg, &end, 0);
  if (*arg == '\0' || *arg == '-' || end == NULL || *end != '\0') {
    fprintf(stderr, "opentsm %s: --seed needs a number, got '%s'\n", cmd, arg);
    return false;
  }
  *out = (uint64_t)v;
  return true;
}

void ot_demo_print_verdict(FILE *out, const char *name, const ot_sim_scn_result *r) {
  if (r->passed)
    fprintf(out, "PASS %-20s %s by %s; corrupted bytes %llu; secrets exposed %zu/%zu\n", name,
            r->detected ? "detected" : "prevented", r->by, (unsigned long long)r->corrupted,
            r->exposed, r->secrets);
  else
    fprintf(out, "FAIL %-20s %s\n", name, r->failure);
}

void ot_demo_json_string(FILE *out, const char *s) {
  fputc('"', out);
  for (; *s != '\0'; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(out, "\\%c", c);
    else if (c < 0x20)
      fprintf(out, "\\u%04x", c);
    else
      fputc(c, out);
  }
  fputc('"', out);
}

void ot_demo_print_json(FILE *out, const char *name, const ot_sim_scn_result *r) {
  fputs("{\"name\":", out);
  ot_demo_json_string(out, name);
  fprintf(out, ",\"passed\":%s,\"outcome\":\"%s\",\"by\":", r->passed ? "true" : "false",
          !r->passed    ? "failed"
          : r->detected ? "detected"
                        : "prevented");
  ot_demo_json_string(out, r->by);
  fprintf(out,
          ",\"corrupted_bytes\":%llu,\"secrets_searched\":%zu,\"secrets_exposed\":%zu,"
          "\"bytes_scanned\":%zu,\"failure\":",
          (unsigned long long)r->corrupted, r->secrets, r->exposed, r->bytes_scanned);
  ot_demo_json_string(out, r->failure);
  fputc('}', out);
}

void ot_demo_doe_path(const char *tlp, char *out, size_t cap) {
  size_t n = strlen(tlp);
  if (n > 5 && strcmp(tlp + n - 5, ".pcap") == 0)
    snprintf(out, cap, "%.*s-doe.pcap", (int)(n - 5), tlp);
  else
    snprintf(out, cap, "%s-doe.pcap", tlp);
}

int ot_demo_load_topology(const char *cmd, const char *path, ot_sim_topology *t) {
  ot_sim_topo_error err;
  ot_status st = ot_sim_topology_load_or_default(path, t, &err);
  if (ot_ok(st)) return OT_EXIT_OK;
  fprintf(stderr, "opentsm %s: %s:%u:%u: %s\n", cmd, path ? path : "(default)", err.mark.line,
          err.mark.column, err.message);
  return ot_is(st, OT_E_IO) ? OT_EXIT_IO : OT_EXIT_FAILURE;
}
