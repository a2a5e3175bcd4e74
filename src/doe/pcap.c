/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pcap reader and writer for DOE captures (link type 292), in the layout of
 * spdm-emu spdm_emu_common/pcap.c. See opentsm/doe_pcap.h.
 */
#include <errno.h>
#include <string.h>

#include "opentsm/doe_pcap.h"
#include "opentsm/log.h"

#define LOG_TAG "doe-pcap"

/* The magics as a little-endian read sees them in a big-endian file. */
#define MAGIC_SWAPPED 0xD4C3B2A1u
#define MAGIC_NSEC_SWAPPED 0x4D3CB2A1u

_Static_assert(OT_PCAP_READ_MAX_SNAPLEN <= UINT32_MAX, "snaplen is a u32");
_Static_assert(OT_PCAP_MAX_SNAPLEN <= OT_PCAP_READ_MAX_SNAPLEN, "we read what we write");

/* Reads a u32 in the file's byte order. */
static ot_status read_u32(ot_reader *r, bool be, uint32_t *v) {
  return be ? ot_read_u32be(r, v) : ot_read_u32le(r, v);
}

static ot_status read_u16(ot_reader *r, bool be, uint16_t *v) {
  return be ? ot_read_u16be(r, v) : ot_read_u16le(r, v);
}

/* see doe_pcap.h */
ot_status ot_pcap_reader_init(ot_pcap_reader *pr, const uint8_t *data, size_t len) {
  ot_reader r;
  uint32_t magic_le, snaplen, sigfigs, zone, linktype;
  uint16_t major, minor;
  OT_ENSURE(pr != NULL && (data != NULL || len == 0), OT_E_ARG);
  ot_reader_init(&r, data, len);
  OT_ENSURE(len >= OT_PCAP_FILE_HEADER_SIZE, OT_E_TRUNCATED);
  OT_GUARD(ot_read_u32le(&r, &magic_le));
  bool be;
  if (magic_le == OT_PCAP_MAGIC) {
    be = false;
  } else if (magic_le == MAGIC_SWAPPED) {
    be = true;
  } else if (magic_le == OT_PCAP_MAGIC_NSEC || magic_le == MAGIC_NSEC_SWAPPED) {
    OT_BAIL(OT_E_UNSUPPORTED);
  } else {
    OT_BAIL(OT_E_MALFORMED);
  }
  OT_GUARD(read_u16(&r, be, &major));
  OT_GUARD(read_u16(&r, be, &minor));
  OT_GUARD(read_u32(&r, be, &zone));
  OT_GUARD(read_u32(&r, be, &sigfigs));
  OT_GUARD(read_u32(&r, be, &snaplen));
  OT_GUARD(read_u32(&r, be, &linktype));
  OT_ENSURE(major == OT_PCAP_VERSION_MAJOR && minor == OT_PCAP_VERSION_MINOR, OT_E_VERSION);
  OT_ENSURE(snaplen != 0 && snaplen <= OT_PCAP_READ_MAX_SNAPLEN, OT_E_MALFORMED);
  /* The upper 16 bits of the link type field carry FCS flags in newer files: none here. */
  OT_ENSURE(linktype == OT_PCAP_LINKTYPE_PCI_DOE, OT_E_UNSUPPORTED);
  pr->r = r;
  pr->big_endian = be;
  pr->snaplen = snaplen;
  pr->thiszone = (int32_t)zone;
  pr->sigfigs = sigfigs;
  pr->records = 0;
  pr->err = OT_SUCCESS;
  return OT_SUCCESS;
}

/* Parses one record from a copy of the reader; the caller commits on success. */
static ot_status parse_record(ot_reader *r, const ot_pcap_reader *pr, ot_pcap_record *rec) {
  uint32_t ts_sec, ts_usec, incl, orig;
  const uint8_t *obj;
  ot_doe_header h;
  OT_GUARD(read_u32(r, pr->big_endian, &ts_sec));
  OT_GUARD(read_u32(r, pr->big_endian, &ts_usec));
  OT_GUARD(read_u32(r, pr->big_endian, &incl));
  OT_GUARD(read_u32(r, pr->big_endian, &orig));
  OT_ENSURE(ts_usec < OT_PCAP_USEC_PER_SEC, OT_E_MALFORMED);
  OT_ENSURE(incl <= pr->snaplen, OT_E_MALFORMED);
  /* A record cut at the snap length no longer holds a whole object. */
  OT_ENSURE(incl == orig, OT_E_MALFORMED);
  OT_GUARD(ot_read_borrow(r, incl, &obj));
  OT_GUARD(ot_doe_header_decode(obj, incl, &h));
  rec->ts_sec = ts_sec;
  rec->ts_usec = ts_usec;
  rec->obj = obj;
  rec->len = incl;
  rec->hdr = h;
  return OT_SUCCESS;
}

/* see doe_pcap.h */
ot_status ot_pcap_reader_next(ot_pcap_reader *pr, ot_pcap_record *rec, bool *done) {
  OT_ENSURE(pr != NULL && rec != NULL && done != NULL, OT_E_ARG);
  OT_GUARD(pr->err);
  if (ot_reader_remaining(&pr->r) == 0) {
    *done = true;
    return OT_SUCCESS;
  }
  ot_reader r = pr->r;
  ot_pcap_record out;
  ot_status st = parse_record(&r, pr, &out);
  if (!ot_ok(st)) {
    OT_LOGW(LOG_TAG, "record %zu at offset %zu: %s", pr->records + 1, ot_reader_offset(&pr->r),
            ot_status_name(st));
    pr->err = st;
    return st;
  }
  pr->r = r;
  pr->records++;
  *rec = out;
  *done = false;
  return OT_SUCCESS;
}

/* see doe_pcap.h */
ot_status ot_pcap_write_file_header(ot_writer *w, uint32_t snaplen) {
  return ot_pcap_write_file_header_linktype(w, snaplen, OT_PCAP_LINKTYPE_PCI_DOE);
}

/* see doe_pcap.h */
ot_status ot_pcap_write_file_header_linktype(ot_writer *w, uint32_t snaplen, uint32_t linktype) {
  OT_ENSURE(snaplen != 0 && snaplen <= OT_PCAP_MAX_SNAPLEN, OT_E_ARG);
  OT_GUARD(ot_write_u32le(w, OT_PCAP_MAGIC));
  OT_GUARD(ot_write_u16le(w, OT_PCAP_VERSION_MAJOR));
  OT_GUARD(ot_write_u16le(w, OT_PCAP_VERSION_MINOR));
  OT_GUARD(ot_write_u32le(w, 0)); /* thiszone: UTC */
  OT_GUARD(ot_write_u32le(w, 0)); /* sigfigs */
  OT_GUARD(ot_write_u32le(w, snaplen));
  OT_GUARD(ot_write_u32le(w, linktype));
  return OT_SUCCESS;
}

/* A DOE object is at most 1 MiB (ot_doe_header_decode), so its length fits a u32. */
static ot_status check_record(uint32_t snaplen, uint32_t ts_usec, const uint8_t *obj, size_t len) {
  ot_doe_header h;
  OT_ENSURE(snaplen != 0 && snaplen <= OT_PCAP_MAX_SNAPLEN, OT_E_ARG);
  OT_ENSURE(ts_usec < OT_PCAP_USEC_PER_SEC, OT_E_ARG);
  OT_GUARD(ot_doe_header_decode(obj, len, &h));
  return OT_SUCCESS;
}

/* incl_len is what the file holds (at most snaplen), orig_len the object's length. */
static ot_status build_record_header(uint32_t ts_sec, uint32_t ts_usec, size_t incl, size_t orig,
                                     uint8_t out[static OT_PCAP_RECORD_HEADER_SIZE]) {
  ot_writer w;
  ot_writer_init(&w, out, OT_PCAP_RECORD_HEADER_SIZE);
  OT_GUARD(ot_write_u32le(&w, ts_sec));
  OT_GUARD(ot_write_u32le(&w, ts_usec));
  OT_GUARD(ot_write_u32le(&w, (uint32_t)incl));
  OT_GUARD(ot_write_u32le(&w, (uint32_t)orig));
  return OT_SUCCESS;
}

/* The part of an object a record holds: all of it, or its first snaplen bytes. */
static size_t captured(uint32_t snaplen, size_t len) { return len < snaplen ? len : snaplen; }

/* see doe_pcap.h */
ot_status ot_pcap_write_record(ot_writer *w, uint32_t snaplen, uint32_t ts_sec, uint32_t ts_usec,
                               const uint8_t *obj, size_t len) {
  uint8_t head[OT_PCAP_RECORD_HEADER_SIZE];
  OT_GUARD(check_record(snaplen, ts_usec, obj, len));
  size_t incl = captured(snaplen, len);
  OT_ENSURE(ot_writer_space(w) >= sizeof head + incl, OT_E_NO_SPACE);
  OT_GUARD(build_record_header(ts_sec, ts_usec, incl, len, head));
  OT_GUARD(ot_write_bytes(w, head, sizeof head));
  OT_GUARD(ot_write_bytes(w, obj, incl));
  return OT_SUCCESS;
}

/* see doe_pcap.h */
ot_status ot_pcap_file_open(ot_pcap_file *pf, const char *path, uint32_t snaplen) {
  return ot_pcap_file_open_linktype(pf, path, snaplen, OT_PCAP_LINKTYPE_PCI_DOE);
}

/* see doe_pcap.h */
ot_status ot_pcap_file_open_linktype(ot_pcap_file *pf, const char *path, uint32_t snaplen,
                                     uint32_t linktype) {
  uint8_t head[OT_PCAP_FILE_HEADER_SIZE];
  ot_writer w;
  OT_ENSURE(pf != NULL && path != NULL, OT_E_ARG);
  ot_writer_init(&w, head, sizeof head);
  OT_GUARD(ot_pcap_write_file_header_linktype(&w, snaplen, linktype));
  FILE *f = fopen(path, "wb");
  if (f == NULL) {
    OT_LOGE(LOG_TAG, "%s: %s", path, strerror(errno));
    OT_BAIL(OT_E_IO);
  }
  if (fwrite(head, 1, sizeof head, f) != sizeof head) {
    fclose(f);
    OT_BAIL(OT_E_IO);
  }
  pf->f = f;
  pf->snaplen = snaplen;
  return OT_SUCCESS;
}

/* see doe_pcap.h */
ot_status ot_pcap_file_append(ot_pcap_file *pf, uint32_t ts_sec, uint32_t ts_usec,
                              const uint8_t *obj, size_t len) {
  uint8_t head[OT_PCAP_RECORD_HEADER_SIZE];
  OT_ENSURE(pf != NULL && pf->f != NULL, OT_E_STATE);
  OT_GUARD(check_record(pf->snaplen, ts_usec, obj, len));
  size_t incl = captured(pf->snaplen, len);
  OT_GUARD(build_record_header(ts_sec, ts_usec, incl, len, head));
  OT_ENSURE(fwrite(head, 1, sizeof head, pf->f) == sizeof head, OT_E_IO);
  OT_ENSURE(fwrite(obj, 1, incl, pf->f) == incl, OT_E_IO);
  return OT_SUCCESS;
}

/* see doe_pcap.h */
ot_status ot_pcap_file_append_raw(ot_pcap_file *pf, uint32_t ts_sec, uint32_t ts_usec,
                                  const uint8_t *head, size_t head_len, const uint8_t *body,
                                  size_t body_len) {
  uint8_t rec[OT_PCAP_RECORD_HEADER_SIZE];
  OT_ENSURE(pf != NULL && pf->f != NULL, OT_E_STATE);
  OT_ENSURE((head != NULL || head_len == 0) && (body != NULL || body_len == 0), OT_E_ARG);
  OT_ENSURE(ts_usec < OT_PCAP_USEC_PER_SEC, OT_E_ARG);
  OT_ENSURE(head_len <= pf->snaplen && body_len <= pf->snaplen - head_len, OT_E_TOO_LARGE);
  OT_GUARD(build_record_header(ts_sec, ts_usec, head_len + body_len, head_len + body_len, rec));
  OT_ENSURE(fwrite(rec, 1, sizeof rec, pf->f) == sizeof rec, OT_E_IO);
  OT_ENSURE(fwrite(head, 1, head_len, pf->f) == head_len, OT_E_IO);
  OT_ENSURE(fwrite(body, 1, body_len, pf->f) == body_len, OT_E_IO);
  return OT_SUCCESS;
}

/* see doe_pcap.h */
ot_status ot_pcap_file_close(ot_pcap_file *pf) {
  OT_ENSURE(pf != NULL, OT_E_ARG);
  if (pf->f == NULL) return OT_SUCCESS;
  int rc = fclose(pf->f);
  pf->f = NULL;
  OT_ENSURE(rc == 0, OT_E_IO);
  return OT_SUCCESS;
}
