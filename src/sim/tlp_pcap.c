/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TLP pcap writer (link type 147, LINKTYPE_USER0): see opentsm/sim_link.h.
 * The libpcap savefile layout is the one opentsm/doe_pcap.h documents; only
 * the link type and the record contents differ.
 */
#include "opentsm/cursor.h"
#include "opentsm/doe_pcap.h"
#include "opentsm/sim_link.h"

ot_status ot_sim_tlp_pcap_open(ot_sim_tlp_pcap *p, const char *path) {
  OT_ENSURE(p != NULL && path != NULL, OT_E_ARG);
  OT_GUARD(ot_pcap_file_open_linktype(&p->file, path, OT_SIM_PCAP_TLP_SNAPLEN,
                                      OT_SIM_PCAP_LINKTYPE_TLP));
  p->records = 0;
  return OT_SUCCESS;
}

ot_status ot_sim_tlp_pcap_append(ot_sim_tlp_pcap *p, uint64_t time_ns, ot_sim_dir dir,
                                 uint16_t link_id, const uint8_t *tlp, size_t len) {
  OT_ENSURE(p != NULL, OT_E_ARG);
  OT_ENSURE(tlp != NULL && len > 0, OT_E_ARG);
  OT_ENSURE(len <= OT_SIM_TLP_MAX, OT_E_TOO_LARGE);
  uint8_t pseudo[OT_SIM_PCAP_TLP_PSEUDO];
  ot_writer w;
  ot_writer_init(&w, pseudo, sizeof pseudo);
  OT_GUARD(ot_write_u8(&w, OT_SIM_PCAP_TLP_VERSION));
  OT_GUARD(ot_write_u8(&w, (uint8_t)dir));
  OT_GUARD(ot_write_u16be(&w, link_id));
  uint64_t usec = time_ns / 1000u;
  OT_GUARD(ot_pcap_file_append_raw(&p->file, (uint32_t)(usec / OT_PCAP_USEC_PER_SEC),
                                   (uint32_t)(usec % OT_PCAP_USEC_PER_SEC), pseudo, sizeof pseudo,
                                   tlp, len));
  p->records++;
  return OT_SUCCESS;
}

ot_status ot_sim_tlp_pcap_close(ot_sim_tlp_pcap *p) {
  OT_ENSURE(p != NULL, OT_E_ARG);
  return ot_pcap_file_close(&p->file);
}
