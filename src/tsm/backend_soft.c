/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The software reference backend: a root port modelled by its IDE engine
 * contexts (opentsm/ide.h). Stream setup adds a selective stream to both
 * contexts, key programming is KEY_PROG + K_SET_GO per sub-stream and
 * direction (PCIe r6.0 §6.33.3), enable and disable drive the Stream Control
 * Enable bit's effect (§6.33.1), in the order Linux's pci_ide_stream_*
 * helpers use (SPEC-FACTS §7.4).
 */
#include <string.h>

#include "opentsm/tsm_backend.h"

static const ot_ide_substream subs[OT_IDE_NUM_SUBSTREAMS] = {OT_IDE_SUB_PR, OT_IDE_SUB_NPR,
                                                             OT_IDE_SUB_CPL};

static ot_tsm_soft_link *soft(ot_tsm_link *l) { return (ot_tsm_soft_link *)(void *)l; }

static ot_status probe(ot_tsm_backend *b, ot_tsm_link *link) {
  (void)b;
  ot_tsm_soft_link *s = soft(link);
  /* Linux pci_ide_init: an endpoint is only used if its root port has IDE. */
  OT_ENSURE(s->rp_tx != NULL && s->rp_rx != NULL, OT_E_UNSUPPORTED);
  link->probes++;
  return OT_SUCCESS;
}

static void remove_(ot_tsm_backend *b, ot_tsm_link *link) {
  (void)b;
  if (link->probes) link->probes--;
}

static ot_status connect(ot_tsm_backend *b, ot_tsm_link *link) {
  (void)b;
  link->connects++;
  return OT_SUCCESS;
}

static void disconnect(ot_tsm_backend *b, ot_tsm_link *link) {
  (void)b;
  if (link->connects) link->connects--;
}

static ot_status stream_setup(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *st) {
  (void)b;
  ot_tsm_soft_link *s = soft(link);
  /* SPEC-FACTS §7.4: Stream ID 255 is reserved for unused blocks. */
  OT_ENSURE(st->stream_id != 255u, OT_E_ARG);
  ot_ide_stream_cfg cfg = {.stream_id = st->stream_id,
                           .kind = OT_IDE_STREAM_SELECTIVE,
                           .tee_allowed = true,
                           .aggregation = {1, 1, 1}};
  OT_GUARD(ot_ide_tx_stream_add(s->rp_tx, &cfg));
  ot_status rc = ot_ide_rx_stream_add(s->rp_rx, &cfg, s->rx_pending, s->rx_pending_cap);
  if (!ot_ok(rc)) OT_IGNORE(ot_ide_stream_remove(ot_ide_tx_engine(s->rp_tx), st->stream_id));
  return rc;
}

static void stop_all(ot_tsm_soft_link *s, uint8_t id, uint8_t key_set) {
  for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS; i++) {
    /* Stopping a set that holds nothing is OT_E_STATE: ignore it. */
    OT_IGNORE(ot_ide_key_stop(ot_ide_tx_engine(s->rp_tx), id, subs[i], key_set));
    OT_IGNORE(ot_ide_key_stop(ot_ide_rx_engine(s->rp_rx), id, subs[i], key_set));
  }
}

static ot_status stream_keys(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *st,
                             const ot_tsm_port_keys *k) {
  (void)b;
  ot_tsm_soft_link *s = soft(link);
  ot_status rc = OT_SUCCESS;
  ot_ide_engine *tx = ot_ide_tx_engine(s->rp_tx), *rx = ot_ide_rx_engine(s->rp_rx);
  for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS && ot_ok(rc); i++) {
    rc = ot_ide_key_install(tx, st->stream_id, subs[i], k->key_set, &k->tx[i]);
    if (ot_ok(rc)) rc = ot_ide_key_install(rx, st->stream_id, subs[i], k->key_set, &k->rx[i]);
  }
  for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS && ot_ok(rc); i++) {
    rc = ot_ide_key_go(rx, st->stream_id, subs[i], k->key_set);
    if (ot_ok(rc)) rc = ot_ide_key_go(tx, st->stream_id, subs[i], k->key_set);
  }
  if (!ot_ok(rc)) stop_all(s, st->stream_id, k->key_set);
  return rc;
}

static ot_status stream_enable(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *st) {
  (void)b;
  ot_tsm_soft_link *s = soft(link);
  ot_ide_engine *tx = ot_ide_tx_engine(s->rp_tx), *rx = ot_ide_rx_engine(s->rp_rx);
  OT_GUARD(ot_ide_stream_enable(tx, st->stream_id));
  ot_status rc = ot_ide_stream_enable(rx, st->stream_id);
  ot_ide_state a = OT_IDE_INSECURE, c = OT_IDE_INSECURE;
  ot_ide_error e;
  if (ot_ok(rc)) rc = ot_ide_stream_state(tx, st->stream_id, &a, &e);
  if (ot_ok(rc)) rc = ot_ide_stream_state(rx, st->stream_id, &c, &e);
  /* pci_ide_stream_enable: a stream that does not read Secure is -ENXIO. */
  if (ot_ok(rc) && (a != OT_IDE_SECURE || c != OT_IDE_SECURE)) rc = ot_status_of(OT_E_STATE);
  if (!ot_ok(rc)) {
    OT_IGNORE(ot_ide_stream_disable(tx, st->stream_id));
    OT_IGNORE(ot_ide_stream_disable(rx, st->stream_id));
  }
  return rc;
}

static void stream_disable(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *st) {
  (void)b;
  ot_tsm_soft_link *s = soft(link);
  OT_IGNORE(ot_ide_stream_disable(ot_ide_tx_engine(s->rp_tx), st->stream_id));
  OT_IGNORE(ot_ide_stream_disable(ot_ide_rx_engine(s->rp_rx), st->stream_id));
}

static void stream_teardown(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *st) {
  (void)b;
  ot_tsm_soft_link *s = soft(link);
  /* Removing a stream zeroizes every key it holds (opentsm/ide.h). */
  OT_IGNORE(ot_ide_stream_remove(ot_ide_tx_engine(s->rp_tx), st->stream_id));
  OT_IGNORE(ot_ide_stream_remove(ot_ide_rx_engine(s->rp_rx), st->stream_id));
}

void ot_tsm_soft_backend_init(ot_tsm_soft_backend *b) {
  b->base = (ot_tsm_backend){.probe = probe,
                             .remove = remove_,
                             .connect = connect,
                             .disconnect = disconnect,
                             .stream_setup = stream_setup,
                             .stream_keys = stream_keys,
                             .stream_enable = stream_enable,
                             .stream_disable = stream_disable,
                             .stream_teardown = stream_teardown};
}
