/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Reports of a run: the text log (one line per case, one per assertion, the
 * totals last), JSON (one object) and JUnit XML for CI systems. Key material
 * never reaches a report: the runner keeps only a KEY_PROG's header.
 */
#include <stdio.h>
#include <string.h>

#include "validate_internal.h"

static void hex(FILE *f, const uint8_t *b, size_t kept) {
  for (size_t i = 0; i < kept; i++)
    fprintf(f, "%02x", b[i]);
}

static size_t kept_sent(const ot_val_assertion *a) {
  size_t k = a->redacted ? 8u : a->sent_len;
  if (k > a->sent_len) k = a->sent_len;
  return k < OT_VAL_BYTES_MAX ? k : OT_VAL_BYTES_MAX;
}
static size_t kept_recv(const ot_val_assertion *a) {
  return a->recv_len < OT_VAL_BYTES_MAX ? a->recv_len : OT_VAL_BYTES_MAX;
}

/* "sent 00 0000 (3 bytes)", with what was left out said. */
static void sent_text(FILE *f, const ot_val_assertion *a) {
  fprintf(f, "sent ");
  hex(f, a->sent, kept_sent(a));
  if (a->redacted)
    fprintf(f, "... (%zu bytes; key and IFV not shown)", a->sent_len);
  else if (kept_sent(a) < a->sent_len)
    fprintf(f, "... (%zu bytes)", a->sent_len);
}
static void recv_text(FILE *f, const ot_val_assertion *a) {
  if (a->recv_note[0]) {
    fprintf(f, "received %s", a->recv_note);
    return;
  }
  fprintf(f, "received ");
  hex(f, a->recv, kept_recv(a));
  if (kept_recv(a) < a->recv_len) fprintf(f, "... (%zu bytes)", a->recv_len);
}

void ot_val_print_case(FILE *f, const ot_val_result *r, bool verbose) {
  fprintf(f, "%-10s %-22s %s: %s\n", ot_val_verdict_name(r->verdict), r->c->id, r->c->clause,
          r->c->desc);
  if (r->why[0]) fprintf(f, "           why: %s\n", r->why);
  for (size_t i = 0; i < r->count; i++) {
    const ot_val_assertion *a = &r->a[i];
    if (a->verdict == OT_VAL_PASS && !verbose) continue;
    fprintf(f, "  %s %s.%zu %s\n", ot_val_verdict_name(a->verdict), r->c->id, i + 1, a->text);
    if (a->verdict == OT_VAL_FAIL) {
      fprintf(f, "         ");
      sent_text(f, a);
      fprintf(f, "\n         ");
      recv_text(f, a);
      fprintf(f, "\n");
    }
  }
  if (r->dropped) fprintf(f, "  (%zu more assertions not kept)\n", r->dropped);
}

void ot_val_print_summary(FILE *f, const ot_val_run *run) {
  fprintf(f, "%zu passed, %zu failed, %zu skipped\n", run->passed, run->failed, run->skipped);
}

/* ---- JSON ------------------------------------------------------------------------- */

static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(f, "\\%c", *p);
    else if (*p == '\n')
      fputs("\\n", f);
    else if (*p < 0x20)
      fprintf(f, "\\u%04x", *p);
    else
      fputc(*p, f);
  }
  fputc('"', f);
}

static void json_hex(FILE *f, const uint8_t *b, size_t n) {
  fputc('"', f);
  hex(f, b, n);
  fputc('"', f);
}

void ot_val_print_json(FILE *f, const ot_val_run *run, const char *target) {
  fprintf(f, "{\"target\":");
  json_str(f, target ? target : "");
  fprintf(f,
          ",\"device\":{\"ide_km\":%s,\"ide_registers\":%s,\"tdisp\":%s,"
          "\"max_port_index\":%u,\"stream_id\":%u},\"cases\":[",
          (run->dev.caps & OT_VAL_CAP_IDE_KM) ? "true" : "false",
          (run->dev.caps & OT_VAL_CAP_IDE_REGS) ? "true" : "false",
          (run->dev.caps & OT_VAL_CAP_TDISP) ? "true" : "false", run->dev.max_port_index,
          run->dev.stream_id);
  for (size_t i = 0; i < run->count; i++) {
    const ot_val_result *r = &run->results[i];
    fprintf(f, "%s{\"id\":", i ? "," : "");
    json_str(f, r->c->id);
    fprintf(f, ",\"group\":");
    json_str(f, r->c->group);
    fprintf(f, ",\"clause\":");
    json_str(f, r->c->clause);
    fprintf(f, ",\"description\":");
    json_str(f, r->c->desc);
    fprintf(f, ",\"verdict\":\"%s\"", ot_val_verdict_name(r->verdict));
    if (r->why[0]) {
      fprintf(f, ",\"why\":");
      json_str(f, r->why);
    }
    fprintf(f, ",\"ms\":%.3f,\"assertions\":[", r->ms);
    for (size_t k = 0; k < r->count; k++) {
      const ot_val_assertion *a = &r->a[k];
      fprintf(f, "%s{\"verdict\":\"%s\",\"text\":", k ? "," : "", ot_val_verdict_name(a->verdict));
      json_str(f, a->text);
      fprintf(f, ",\"sent\":");
      json_hex(f, a->sent, kept_sent(a));
      fprintf(f, ",\"sent_len\":%zu,\"redacted\":%s,\"received\":", a->sent_len,
              a->redacted ? "true" : "false");
      json_hex(f, a->recv, kept_recv(a));
      fprintf(f, ",\"received_len\":%zu", a->recv_len);
      if (a->recv_note[0]) {
        fprintf(f, ",\"answer\":");
        json_str(f, a->recv_note);
      }
      fputc('}', f);
    }
    fprintf(f, "],\"dropped\":%zu}", r->dropped);
  }
  fprintf(f, "],\"passed\":%zu,\"failed\":%zu,\"skipped\":%zu,\"ms\":%.3f}\n", run->passed,
          run->failed, run->skipped, run->ms);
}

/* ---- JUnit XML -------------------------------------------------------------------- */

/* Text for XML content and attribute values: the five markup characters are
 * escaped; control characters XML 1.0 cannot carry become '?'. */
static void xml_str(FILE *f, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '&': fputs("&amp;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&apos;", f); break;
    default:
      if (*p < 0x20 && *p != '\n' && *p != '\t')
        fputc('?', f);
      else
        fputc(*p, f);
    }
  }
}

static void junit_group(FILE *f, const ot_val_run *run, const char *group) {
  size_t tests = 0, fails = 0, skips = 0;
  double ms = 0;
  for (size_t i = 0; i < run->count; i++) {
    const ot_val_result *r = &run->results[i];
    if (strcmp(r->c->group, group) != 0) continue;
    tests++;
    fails += r->verdict == OT_VAL_FAIL;
    skips += r->verdict == OT_VAL_NOT_TESTED;
    ms += r->ms;
  }
  if (tests == 0) return;
  fprintf(f, "  <testsuite name=\"");
  xml_str(f, group);
  fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
          tests, fails, skips, ms / 1e3);
  for (size_t i = 0; i < run->count; i++) {
    const ot_val_result *r = &run->results[i];
    if (strcmp(r->c->group, group) != 0) continue;
    fprintf(f, "    <testcase classname=\"opentsm.validate.");
    xml_str(f, group);
    fprintf(f, "\" name=\"");
    xml_str(f, r->c->id);
    fprintf(f, "\" time=\"%.3f\">\n", r->ms / 1e3);
    if (r->verdict == OT_VAL_NOT_TESTED) {
      fprintf(f, "      <skipped message=\"");
      xml_str(f, r->why);
      fprintf(f, "\"/>\n");
    } else if (r->verdict == OT_VAL_FAIL) {
      fprintf(f, "      <failure message=\"");
      const char *first = r->why[0] ? r->why : "";
      for (size_t k = 0; k < r->count && !first[0]; k++)
        if (r->a[k].verdict == OT_VAL_FAIL) first = r->a[k].text;
      xml_str(f, first);
      fprintf(f, "\">");
      xml_str(f, r->c->clause);
      fputs(": ", f);
      xml_str(f, r->c->desc);
      fputc('\n', f);
      for (size_t k = 0; k < r->count; k++) {
        const ot_val_assertion *a = &r->a[k];
        if (a->verdict != OT_VAL_FAIL) continue;
        fprintf(f, "FAIL ");
        xml_str(f, a->text);
        fputc('\n', f);
        /* hex and fixed notes only: nothing to escape beyond the note */
        sent_text(f, a);
        fputc('\n', f);
        if (a->recv_note[0]) {
          fputs("received ", f);
          xml_str(f, a->recv_note);
        } else {
          recv_text(f, a);
        }
        fputc('\n', f);
      }
      fprintf(f, "</failure>\n");
    }
    fprintf(f, "      <system-out>");
    for (size_t k = 0; k < r->count; k++) {
      fprintf(f, "%s ", ot_val_verdict_name(r->a[k].verdict));
      xml_str(f, r->a[k].text);
      fputc('\n', f);
    }
    fprintf(f, "</system-out>\n    </testcase>\n");
  }
  fprintf(f, "  </testsuite>\n");
}

void ot_val_print_junit(FILE *f, const ot_val_run *run, const char *target) {
  fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"opentsm validate ");
  xml_str(f, target ? target : "");
  fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" time=\"%.3f\">\n",
          run->count, run->failed, run->skipped, run->ms / 1e3);
  /* Groups in order of first appearance. */
  for (size_t i = 0; i < run->count; i++) {
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++)
      seen = strcmp(run->results[j].c->group, run->results[i].c->group) == 0;
    if (!seen) junit_group(f, run, run->results[i].c->group);
  }
  fprintf(f, "</testsuites>\n");
}
