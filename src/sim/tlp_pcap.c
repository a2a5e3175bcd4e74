/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TLP pcap writer (link type 147, LINKTYPE_USER0): see opentsm/sim_link.h.
 * The libpcap savefile layout is the one opentsm/doe_pcap.h documents; only
 * the link type and the record contents differ.
 */
#include <errno.h>
#include <string.h>

#include "opentsm/cursor.h"
#include "opentsm/doe_pcap.h"
#include "opentsm/log.h"
#include "opentsm/sim_link.h"

#define LOG_TAG "sim.pcap"

ot_status ot_sim_tlp_pcap_open(ot_sim_tlp_pcap *p, const char *path) {
  OT_ENSURE(p != NULL && path != NULL, OT_E_ARG);
  uint8_t head[OT_PCAP_FILE_HEADER_SIZE];
  ot_writer w;
  ot_writer_init(&w, head, sizeof head);
  OT_GUARD(ot_write_u32le(&w, OT_PCAP_MAGIC));
  OT_GUARD(ot_write_u16le(&w, OT_PCAP_VERSION_MAJOR));
  OT_GUARD(ot_write_u16le(&w, OT_PCAP_VERSION_MINOR));
  OT_GUARD(ot_write_u32le(&w, 0)); /* thiszone */
  OT_GUARD(ot_write_u32le(&w, 0)); /* sigfigs */
  OT_GUARD(ot_write_u32le(&w, OT_SIM_PCAP_TLP_SNAPLEN));
  OT_GUARD(ot_write_u32le(&w, OT_SIM_PCAP_LINKTYPE_TLP));
  FILE *f = fopen(path, "wb");
  if (f == NULL) {
    OT_LOGE(LOG_TAG, "%s: %s", path, strerror(errno));
    OT_BAIL(OT_E_IO);
  }
  if (fwrite(head, 1, sizeof head, f) != sizeof head) {
    fclose(f);
    OT_BAIL(OT_E_IO);
  }
  p->f = f;
  p->records = 0;
  return OT_SUCCESS;
}

ot_status ot_sim_tlp_pcap_append(ot_sim_tlp_pcap *p, uint64_t time_ns, ot_sim_dir dir,
                                 uint16_t link_id, const uint8_t *tlp, size_t len) {
  OT_ENSURE(p != NULL && p->f != NULL, OT_E_STATE);
  OT_ENSURE(tlp != NULL && len > 0, OT_E_ARG);
  OT_ENSURE(len <= OT_SIM_TLP_MAX, OT_E_TOO_LARGE);
  uint8_t head[OT_PCAP_RECORD_HEADER_SIZE + OT_SIM_PCAP_TLP_PSEUDO];
  uint64_t usec = time_ns / 1000u;
  uint32_t incl = (uint32_t)(len + OT_SIM_PCAP_TLP_PSEUDO);
  ot_writer w;
  ot_writer_init(&w, head, sizeof head);
  OT_GUARD(ot_write_u32le(&w, (uint32_t)(usec / OT_PCAP_USEC_PER_SEC)));
  OT_GUARD(ot_write_u32le(&w, (uint32_t)(usec % OT_PCAP_USEC_PER_SEC)));
  OT_GUARD(ot_write_u32le(&w, incl));
  OT_GUARD(ot_write_u32le(&w, incl));
  OT_GUARD(ot_write_u8(&w, OT_SIM_PCAP_TLP_VERSION));
  OT_GUARD(ot_write_u8(&w, (uint8_t)dir));
  OT_GUARD(ot_write_u16be(&w, link_id));
  OT_ENSURE(fwrite(head, 1, sizeof head, p->f) == sizeof head, OT_E_IO);
  OT_ENSURE(fwrite(tlp, 1, len, p->f) == len, OT_E_IO);
  p->records++;
  return OT_SUCCESS;
}

ot_status ot_sim_tlp_pcap_close(ot_sim_tlp_pcap *p) {
  OT_ENSURE(p != NULL, OT_E_ARG);
  if (p->f == NULL) return OT_SUCCESS;
  int rc = fclose(p->f);
  p->f = NULL;
  OT_ENSURE(rc == 0, OT_E_IO);
  return OT_SUCCESS;
}
