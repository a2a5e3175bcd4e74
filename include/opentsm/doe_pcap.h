/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Classic pcap captures of DOE traffic: one record per whole DOE object, in
 * the layout DMTF's spdm-emu writes and spdm_dump reads (link type 292,
 * LINKTYPE_PCI_DOE), so captures go both ways between the tools.
 * @layer doe
 *
 * File layout (libpcap savefile format, as spdm-emu pcap.c writes it):
 *   global header, 24 bytes: magic A1B2C3D4h, version 2.4, thiszone, sigfigs,
 *     snaplen, link type;
 *   then per record, 16 bytes: ts_sec, ts_usec, incl_len, orig_len; and
 *     incl_len bytes of data: here one DOE object, header included.
 * The writer emits little-endian fields (what spdm-emu produces on x86 and
 * what tests/vectors/spdm-emu/... hold); the reader also accepts the
 * byte-swapped (big-endian) form. The nanosecond variant (A1B23C4Dh) is
 * refused as unsupported.
 *
 * The reader works over a caller-owned span (a file read into memory) through
 * the cursor, and validates everything: magic, version, link type, snaplen,
 * each record's lengths, truncated records, and that each record is one valid
 * DOE object. Records point into the span; nothing is copied or allocated.
 */
#ifndef OPENTSM_DOE_PCAP_H
#define OPENTSM_DOE_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "opentsm/cursor.h"
#include "opentsm/doe.h"
#include "opentsm/status.h"

#define OT_PCAP_MAGIC 0xA1B2C3D4u      /* microsecond timestamps */
#define OT_PCAP_MAGIC_NSEC 0xA1B23C4Du /* nanosecond timestamps: refused */
#define OT_PCAP_VERSION_MAJOR 2u
#define OT_PCAP_VERSION_MINOR 4u
#define OT_PCAP_LINKTYPE_PCI_DOE 292u               /* tcpdump.org link-layer header types */
#define OT_PCAP_DEFAULT_SNAPLEN 0x10000u            /* spdm-emu PCAP_PACKET_MAX_SIZE */
/*
 * The largest snaplen the writer puts in a file: DMTF spdm_dump refuses a
 * capture whose snaplen exceeds 65536 (its packet buffer), so a DOE capture
 * never says more, although a DOE object may be up to 1 MiB. A larger object
 * is written truncated: incl_len = snaplen < orig_len, as the savefile format
 * allows (spdm_dump shows such a record by its DOE header and goes on with the
 * next one; docs/interop.md "Captures and spdm_dump").
 */
#define OT_PCAP_MAX_SNAPLEN OT_PCAP_DEFAULT_SNAPLEN
/* The largest snaplen the reader accepts: other writers use up to a whole object. */
#define OT_PCAP_READ_MAX_SNAPLEN OT_DOE_MAX_OBJECT_BYTES
#define OT_PCAP_FILE_HEADER_SIZE 24u
#define OT_PCAP_RECORD_HEADER_SIZE 16u
#define OT_PCAP_USEC_PER_SEC 1000000u

/* One record: a DOE object and its capture time. */
typedef struct ot_pcap_record {
  uint32_t ts_sec;
  uint32_t ts_usec;
  const uint8_t *obj; /* points into the reader's span */
  size_t len;
  ot_doe_header hdr; /* the object's decoded header */
} ot_pcap_record;

/* ---- reader --------------------------------------------------------------------- */

typedef struct ot_pcap_reader {
  ot_reader r;
  bool big_endian;  /* the file's byte order */
  uint32_t snaplen; /* from the global header */
  int32_t thiszone;
  uint32_t sigfigs;
  size_t records; /* records returned so far */
  ot_status err;  /* first failure of ot_pcap_reader_next, sticky */
} ot_pcap_reader;

/*
 * Checks the global header of data[0..len): OT_E_TRUNCATED if shorter than
 * 24 bytes; OT_E_UNSUPPORTED for the nanosecond magic or a link type other
 * than 292; OT_E_MALFORMED for any other magic or a snaplen of 0 or above
 * OT_PCAP_READ_MAX_SNAPLEN; OT_E_VERSION unless 2.4. *pr is written only on success.
 */
OT_RESULT ot_pcap_reader_init(ot_pcap_reader *pr, const uint8_t *data, size_t len);

/*
 * Reads the next record. *done is true (and *rec untouched) at a clean end of
 * the file. Errors: OT_E_TRUNCATED for a partial record header or data;
 * OT_E_MALFORMED if incl_len > snaplen, incl_len != orig_len (a record cut
 * at the snap length, as the writer leaves an object larger than its
 * snaplen, is not a whole object and cannot be replayed), or ts_usec >= 10^6; any
 * ot_doe_header_decode() error for data that is not exactly one DOE object.
 * On error the reader stays failed and does not move.
 */
OT_RESULT ot_pcap_reader_next(ot_pcap_reader *pr, ot_pcap_record *rec, bool *done);

/* ---- writer (into a buffer) ------------------------------------------------------- */

/* Appends the 24-byte global header (little-endian, v2.4, link type 292). */
OT_RESULT ot_pcap_write_file_header(ot_writer *w, uint32_t snaplen);
/* The same header for another link type (e.g. the simulator's TLP captures). */
OT_RESULT ot_pcap_write_file_header_linktype(ot_writer *w, uint32_t snaplen, uint32_t linktype);

/*
 * Appends one record holding the object obj[0..len), which must be one valid
 * DOE object (ot_doe_header_decode errors). An object larger than snaplen is
 * cut to its first snaplen bytes (incl_len = snaplen, orig_len = len), as
 * pcap does. snaplen must be 1..OT_PCAP_MAX_SNAPLEN (OT_E_ARG); ts_usec must
 * be < 10^6 (OT_E_ARG).
 */
OT_RESULT ot_pcap_write_record(ot_writer *w, uint32_t snaplen, uint32_t ts_sec, uint32_t ts_usec,
                               const uint8_t *obj, size_t len);

/* ---- writer (to a stdio file, for recording live traffic) ------------------------- */

typedef struct ot_pcap_file {
  FILE *f; /* owned */
  uint32_t snaplen;
} ot_pcap_file;

/* Creates (truncates) path and writes the global header (snaplen 1..OT_PCAP_MAX_SNAPLEN,
 * else OT_E_ARG). OT_E_IO. */
OT_RESULT ot_pcap_file_open(ot_pcap_file *pf, const char *path, uint32_t snaplen);
/* The same for another link type; records are then written with ot_pcap_file_append_raw. */
OT_RESULT ot_pcap_file_open_linktype(ot_pcap_file *pf, const char *path, uint32_t snaplen,
                                     uint32_t linktype);
/* Appends one record (ot_pcap_write_record rules). OT_E_IO on a write error. */
OT_RESULT ot_pcap_file_append(ot_pcap_file *pf, uint32_t ts_sec, uint32_t ts_usec,
                              const uint8_t *obj, size_t len);
/*
 * Appends one record of any link type whose data is head[0..head_len) then
 * body[0..body_len) (a pseudo-header and a packet), without interpreting it:
 * OT_E_TOO_LARGE beyond snaplen, OT_E_ARG for ts_usec >= 10^6, OT_E_IO.
 */
OT_RESULT ot_pcap_file_append_raw(ot_pcap_file *pf, uint32_t ts_sec, uint32_t ts_usec,
                                  const uint8_t *head, size_t head_len, const uint8_t *body,
                                  size_t body_len);
/* Flushes and closes. OT_E_IO if buffered data could not be written. */
OT_RESULT ot_pcap_file_close(ot_pcap_file *pf);

#endif /* OPENTSM_DOE_PCAP_H */
