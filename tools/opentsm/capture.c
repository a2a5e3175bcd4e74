/* SPDX-License-Identifier: BSD-3-Clause */
/* --pcap and --keylog of `opentsm connect` and `opentsm device`: see capture.h. */
#define _POSIX_C_SOURCE 200809L
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "opentsm/crypto.h"
#include "opentsm/secure.h"
#include "opentsm/spdm.h"

/* The key log's line tag: what precedes the value `spdm_dump --dhe_secret` takes. */
#define KEYLOG_TAG "DHE_SECRET"
/* ... and of a PSK session: the value `spdm_dump --psk` takes. */
#define KEYLOG_PSK_TAG "PSK"

static void record(cli_capture *c, const uint8_t *obj, size_t len) {
  if (c->pcap.f == NULL || !ot_ok(c->err)) return;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  c->err =
      ot_pcap_file_append(&c->pcap, (uint32_t)ts.tv_sec, (uint32_t)(ts.tv_nsec / 1000), obj, len);
  c->objects++;
}

void cli_capture_observe(void *ctx, bool response, const uint8_t *obj, size_t len) {
  (void)response; /* the order tells: each request is followed by its response */
  record(ctx, obj, len);
}

/* Requester side: the request object as it goes, then the response object,
 * rebuilt from its (vendor, type) and DW-padded payload: the same bytes. */
static ot_status capture_exchange(ot_doe_transport *t, uint16_t vendor, uint8_t type,
                                  const uint8_t *req, size_t req_len, uint8_t *rsp, size_t rsp_cap,
                                  size_t *rsp_len) {
  cli_capture *c = (cli_capture *)t;
  size_t n = 0;
  if (ot_ok(ot_doe_object_encode(vendor, type, req, req_len, c->obj, OT_DOE_MAX_OBJECT_BYTES, &n)))
    record(c, c->obj, n);
  OT_GUARD(ot_doe_exchange(c->inner, vendor, type, req, req_len, rsp, rsp_cap, rsp_len));
  if (ot_ok(ot_doe_object_encode(vendor, type, rsp, *rsp_len, c->obj, OT_DOE_MAX_OBJECT_BYTES, &n)))
    record(c, c->obj, n);
  return OT_SUCCESS;
}

ot_doe_transport *cli_capture_transport(cli_capture *c, ot_doe_transport *inner) {
  if (c->pcap.f == NULL) return inner;
  c->inner = inner;
  c->base.exchange = capture_exchange;
  return &c->base;
}

/* Writes one key log line `tag <hex>`. */
static void keylog_line(cli_capture *c, const char *tag, const uint8_t *secret, size_t len) {
  static const char digits[] = "0123456789abcdef";
  if (c->keylog_fd < 0 || !ot_ok(c->err)) return;
  /* The line is built here and written with write(2): no stdio buffer keeps
   * a copy, and the log is usable at once, while the device still runs. */
  /* FFDHE4096's secret (512 bytes) is the longest; a PSK is at most OT_SPDM_PSK_MAX. */
  char line[16 + 2 * (OT_DHE_MAX_SECRET > OT_SPDM_PSK_MAX ? OT_DHE_MAX_SECRET : OT_SPDM_PSK_MAX) +
            1];
  size_t n = strlen(tag);
  if (n + 1 + 2 * len + 1 > sizeof(line)) {
    c->err = ot_status_of(OT_E_TOO_LARGE);
    return;
  }
  memcpy(line, tag, n);
  line[n++] = ' ';
  for (size_t i = 0; i < len; i++) {
    line[n++] = digits[secret[i] >> 4];
    line[n++] = digits[secret[i] & 0xF];
  }
  line[n++] = '\n';
  size_t off = 0;
  while (off < n) {
    ssize_t w = write(c->keylog_fd, line + off, n - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      c->err = ot_status_of(OT_E_IO);
      break;
    }
    off += (size_t)w;
  }
  ot_zeroize(line, sizeof(line));
  c->sessions++;
}

void cli_capture_keylog(void *ctx, uint32_t session_id, const uint8_t *secret, size_t len) {
  (void)session_id; /* spdm_dump tries each secret on each session */
  keylog_line(ctx, KEYLOG_TAG, secret, len);
}

void cli_capture_keylog_psk(void *ctx, uint32_t session_id, const uint8_t *psk, size_t len) {
  (void)session_id; /* spdm_dump --psk applies to every PSK session of a capture */
  keylog_line(ctx, KEYLOG_PSK_TAG, psk, len);
}

bool cli_capture_open(cli_capture *c, const char *pcap_path, const char *keylog_path,
                      const char *who) {
  memset(c, 0, sizeof(*c));
  c->keylog_fd = -1;
  c->err = OT_SUCCESS;
  if (pcap_path) {
    c->obj = malloc(OT_DOE_MAX_OBJECT_BYTES);
    ot_status st = c->obj ? ot_pcap_file_open(&c->pcap, pcap_path, OT_PCAP_DEFAULT_SNAPLEN)
                          : ot_status_of(OT_E_NOMEM);
    if (!ot_ok(st)) {
      fprintf(stderr, "%s: cannot create %s (%s)\n", who, pcap_path, ot_status_message(st));
      free(c->obj);
      c->obj = NULL;
      return false;
    }
  }
  if (keylog_path) {
    /* Session secrets: readable by the owner only. */
    c->keylog_fd = open(keylog_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (c->keylog_fd < 0) {
      fprintf(stderr, "%s: cannot create %s (%s)\n", who, keylog_path, strerror(errno));
      OT_IGNORE(ot_pcap_file_close(&c->pcap));
      free(c->obj);
      c->obj = NULL;
      return false;
    }
  }
  return true;
}

bool cli_capture_close(cli_capture *c, const char *who) {
  ot_status st = c->err;
  ot_status pc = ot_pcap_file_close(&c->pcap);
  if (ot_ok(st)) st = pc;
  if (c->keylog_fd >= 0 && close(c->keylog_fd) != 0 && ot_ok(st)) st = ot_status_of(OT_E_IO);
  c->keylog_fd = -1;
  free(c->obj);
  c->obj = NULL;
  if (!ot_ok(st)) {
    fprintf(stderr, "%s: writing the capture failed (%s)\n", who, ot_status_message(st));
    return false;
  }
  return true;
}
