/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The firmware image the size benchmark links (bench/fw_size.sh): the
 * device's whole state as one static, and one entry that reaches everything
 * a device runs: provisioning its identity, setting up, handling requests,
 * platform events, tear-down. Linked with --gc-sections and nothing else, so
 * what remains is exactly the code and static memory of the firmware profile;
 * crypto, the IDE hardware and the C library stay undefined (the platform's).
 */
#include "fw_device.h"

static ot_fw_device dev;

/* What the platform hands the firmware at boot. */
typedef struct ot_fw_image_boot {
  ot_spdm_identity *id;
  const uint8_t *chain, *key;
  size_t chain_len, key_len;
  const ot_spdm_device_model *dm;
  const ot_fw_device_config *cfg;
  const ot_tdisp_tdi_desc *tdi;
} ot_fw_image_boot;

/* The mailbox loop: one request object in, one response object out. */
typedef struct ot_fw_image_mailbox {
  const uint8_t *req;
  size_t req_len;
  uint8_t *rsp;
  size_t rsp_cap, *rsp_len;
  bool (*next)(struct ot_fw_image_mailbox *m); /* false: power down */
} ot_fw_image_mailbox;

int ot_fw_image_entry(const ot_fw_image_boot *b, ot_fw_image_mailbox *m);

int ot_fw_image_entry(const ot_fw_image_boot *b, ot_fw_image_mailbox *m) {
  ot_spdm_identity_init(b->id);
  ot_status st = ot_spdm_identity_set_key(b->id, 0, OT_CURVE_P384, b->key, b->key_len, 1);
  if (ot_ok(st)) st = ot_spdm_identity_set_slot(b->id, 0, 0, b->chain, b->chain_len);
  if (ot_ok(st)) st = ot_spdm_identity_add_device_meas(b->id, b->dm);
  if (ot_ok(st)) st = ot_fw_device_init(&dev, b->cfg);
  if (ot_ok(st)) st = ot_fw_device_add_tdi(&dev, b->tdi, NULL);
  /* Bounded by the platform: next() returns false at power-down. */
  while (ot_ok(st) && m->next(m)) {
    if (!ot_ok(ot_fw_device_handle(&dev, m->req, m->req_len, m->rsp, m->rsp_cap, m->rsp_len)))
      *m->rsp_len = 0; /* the mailbox reports the error */
    ot_fw_device_poll(&dev); /* e.g. after an IDE stream changed state */
  }
  ot_fw_device_free(&dev);
  ot_spdm_identity_clear(b->id);
  return ot_ok(st) ? 0 : 1;
}
