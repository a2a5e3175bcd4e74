/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The software reference backend (opentsm/tsm_backend.h): a root port
 * modelled by its IDE capability registers and the engines behind them.
 * Registers of both ends are programmed with the host helpers in the order
 * Linux's pci_ide_stream_* use (SPEC-FACTS §7.4); the root port's keys are
 * KEY_PROG + K_SET_GO per sub-stream and direction straight into its engines
 * (PCIe r6.0 §6.33.3), receivers first (SPEC-FACTS §4.2 step 6).
 */
#include <string.h>

#include "opentsm/ide_regs.h"
#include "opentsm/tsm_backend.h"

static const ot_ide_substream subs[OT_IDE_NUM_SUBSTREAMS] = {OT_IDE_SUB_PR, OT_IDE_SUB_NPR,
                                                             OT_IDE_SUB_CPL};

static ot_tsm_soft_link *soft(ot_tsm_link *l) { return (ot_tsm_soft_link *)(void *)l; }

static ot_status probe(ot_tsm_backend *b, ot_tsm_link *link) {
  (void)b;
  ot_tsm_soft_link *s = soft(link);
  /* Linux pci_ide_init: an endpoint is only used if its root port has IDE. */
  OT_ENSURE(s->rp_tx && s->rp_rx && s->rp_cfg && s->ep_cfg, OT_E_UNSUPPORTED);
  uint16_t rp = 0, ep = 0;
  OT_GUARD(ot_ide_host_find(s->rp_cfg, &rp));
  OT_GUARD(ot_ide_host_find(s->ep_cfg, &ep));
  /* pci_ide_init: disabled blocks hold the reserved Stream ID 255 (§7.4). */
  OT_GUARD(ot_ide_host_reserve_unused(s->rp_cfg, rp));
  OT_GUARD(ot_ide_host_reserve_unused(s->ep_cfg, ep));
  s->rp_cap = rp;
  s->ep_cap = ep;
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

/* pci_ide_stream_teardown, then the block parked at 255 again (§7.4). */
static void teardown_end(ot_cfg_access *a, uint16_t cap, uint8_t block) {
  OT_IGNORE(ot_ide_host_stream_teardown(a, cap, block));
  OT_IGNORE(ot_ide_host_reserve_unused(a, cap));
}

static ot_status stream_setup(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *st) {
  (void)b;
  ot_tsm_soft_link *s = soft(link);
  /* SPEC-FACTS §7.4: Stream ID 255 is reserved for unused blocks. */
  OT_ENSURE(st->stream_id != OT_IDE_HOST_RESERVED_STREAM_ID, OT_E_ARG);
  /* RID association: EP side = [RP RID], RP side = [EP RID] (§7.4). */
  ot_ide_host_stream ep = {.block = st->ep_block,
                           .stream_id = st->stream_id,
                           .rid_base = st->rp_rid,
                           .rid_limit = st->rp_rid};
  ot_ide_host_stream rp = {.block = st->rp_block,
                           .stream_id = st->stream_id,
                           .rid_base = st->ep_rid,
                           .rid_limit = st->ep_rid};
  OT_GUARD(ot_ide_host_stream_setup(s->ep_cfg, s->ep_cap, &ep));
  ot_status rc = ot_ide_host_stream_setup(s->rp_cfg, s->rp_cap, &rp);
  if (!ot_ok(rc)) teardown_end(s->ep_cfg, s->ep_cap, st->ep_block);
  return rc;
}

static void stop_all(ot_tsm_soft_link *s, uint8_t id, uint8_t key_set) {
  for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS; i++) {
    /* Stopping a set that holds nothing is OT_E_STATE: ignore it. */
    OT_IGNORE(ot_ide_key_stop(ot_ide_rx_engine(s->rp_rx), id, subs[i], key_set));
    OT_IGNORE(ot_ide_key_stop(ot_ide_tx_engine(s->rp_tx), id, subs[i], key_set));
  }
}

static ot_status stream_keys(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *st,
                             const ot_tsm_port_keys *k) {
  (void)b;
  ot_tsm_soft_link *s = soft(link);
  ot_status rc = OT_SUCCESS;
  ot_ide_engine *tx = ot_ide_tx_engine(s->rp_tx), *rx = ot_ide_rx_engine(s->rp_rx);
  for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS && ot_ok(rc); i++) {
    rc = ot_ide_key_install(rx, st->stream_id, subs[i], k->key_set, &k->rx[i]);
    if (ot_ok(rc)) rc = ot_ide_key_install(tx, st->stream_id, subs[i], k->key_set, &k->tx[i]);
  }
  for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS && ot_ok(rc); i++)
    rc = ot_ide_key_go(rx, st->stream_id, subs[i], k->key_set);
  for (size_t i = 0; i < OT_IDE_NUM_SUBSTREAMS && ot_ok(rc); i++)
    rc = ot_ide_key_go(tx, st->stream_id, subs[i], k->key_set);
  if (!ot_ok(rc)) stop_all(s, st->stream_id, k->key_set);
  return rc;
}

static void stream_keys_stop(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *st,
                             uint8_t key_set) {
  (void)b;
  stop_all(soft(link), st->stream_id, key_set);
}

static ot_status stream_enable(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *st) {
  (void)b;
  ot_tsm_soft_link *s = soft(link);
  /* pci_ide_stream_enable reads Status back: not Secure is -ENXIO (§7.4). */
  ot_status rc = ot_ide_host_stream_enable(s->rp_cfg, s->rp_cap, st->rp_block);
  if (ot_ok(rc)) rc = ot_ide_host_stream_enable(s->ep_cfg, s->ep_cap, st->ep_block);
  if (!ot_ok(rc)) {
    OT_IGNORE(ot_ide_host_stream_disable(s->rp_cfg, s->rp_cap, st->rp_block));
    OT_IGNORE(ot_ide_host_stream_disable(s->ep_cfg, s->ep_cap, st->ep_block));
  }
  return rc;
}

static void stream_disable(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *st) {
  (void)b;
  ot_tsm_soft_link *s = soft(link);
  /* pci_ide_stream_release order: RP disable, then EP disable (§7.4). */
  OT_IGNORE(ot_ide_host_stream_disable(s->rp_cfg, s->rp_cap, st->rp_block));
  OT_IGNORE(ot_ide_host_stream_disable(s->ep_cfg, s->ep_cap, st->ep_block));
}

static void stream_teardown(ot_tsm_backend *b, ot_tsm_link *link, const ot_tsm_stream *st) {
  (void)b;
  ot_tsm_soft_link *s = soft(link);
  for (uint8_t set = 0; set < OT_IDE_NUM_KEY_SETS; set++)
    stop_all(s, st->stream_id, set);
  /* Zeroing Control moves the blocks off the stream: the engines remove it
   * and zeroize whatever key it still held (opentsm/ide_regs.h). */
  teardown_end(s->rp_cfg, s->rp_cap, st->rp_block);
  teardown_end(s->ep_cfg, s->ep_cap, st->ep_block);
}

void ot_tsm_soft_backend_init(ot_tsm_soft_backend *b) {
  b->base = (ot_tsm_backend){.probe = probe,
                             .remove = remove_,
                             .connect = connect,
                             .disconnect = disconnect,
                             .stream_setup = stream_setup,
                             .stream_keys = stream_keys,
                             .stream_keys_stop = stream_keys_stop,
                             .stream_enable = stream_enable,
                             .stream_disable = stream_disable,
                             .stream_teardown = stream_teardown};
}
