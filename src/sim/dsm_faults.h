/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DSM's deliberate faults (opentsm/sim_dsm.h, ot_sim_dsm_config.faults):
 * hooks the DSM calls around the protocol cores it composes. Each hook
 * rewrites a request before a core sees it, answers in its place, or
 * rewrites its answer; the cores themselves know nothing of faults.
 */
#ifndef OPENTSM_SIM_DSM_FAULTS_H
#define OPENTSM_SIM_DSM_FAULTS_H

#include "opentsm/sim_dsm.h"

static inline bool dsm_fault_on(const ot_sim_dsm *d, ot_sim_dsm_fault f) {
  return (d->faults >> f) & 1u;
}

/* After it: hdr = the request's first 8 bytes (Protocol ID + header, never a
 * key), st the layer's status, a[0..*n) its answer (Protocol ID first). */
ot_status dsm_fault_km_post(ot_sim_dsm *d, const uint8_t hdr[8], size_t req_len, ot_status st,
                            uint8_t *a, size_t cap, size_t *n);
/* Before TDISP: q = ProtocolID + message (*len, room for cap). True when the
 * fault answered in the core's place (a[0..*n), ProtocolID first). */
bool dsm_fault_tdisp_pre(ot_sim_dsm *d, uint8_t *q, size_t *len, size_t cap, uint8_t *a,
                         size_t acap, size_t *n);
/* After TDISP: may rewrite the answer a[0..*n). */
void dsm_fault_tdisp_post(ot_sim_dsm *d, uint8_t *a, size_t cap, size_t *n);
/* A plain (unsecured) SPDM request: true if a fault answered it (IDE_KM or
 * TDISP in the clear). */
bool dsm_fault_clear(ot_sim_dsm *d, const uint8_t *req, size_t req_len, uint8_t *rsp,
                     size_t rsp_cap, size_t *rsp_len);

#endif
