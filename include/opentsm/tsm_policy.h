/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TSM's policy: which roots it trusts, which SPDM versions and
 * algorithms it accepts, what each device must measure, and which guests may
 * be given which device. Loaded from a YAML file (docs/policy.md describes
 * the format; examples/policy/default.yaml is a complete example).
 * @layer tsm
 *
 * The loader is strict: an unknown key, a repeated key, a value of the wrong
 * type or out of range, an alias, or a missing required key is an error that
 * names the line and column, and the policy is left as it was (the file is
 * parsed into a private copy, checked, then committed). Nothing in a policy is
 * secret.
 *
 * A policy is plain data, caller-owned, with fixed bounds (no allocation);
 * the TSM borrows it for as long as it runs. sizeof(ot_tsm_policy) is about
 * 70 KiB: put it on the heap or in static storage.
 */
#ifndef OPENTSM_TSM_POLICY_H
#define OPENTSM_TSM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/spdm.h"
#include "opentsm/status.h"
#include "opentsm/x509.h"

#define OT_TSM_POLICY_VERSION 1u
#define OT_TSM_POLICY_MAX_ANCHORS 8u
#define OT_TSM_POLICY_ANCHOR_MAX 2048u /* DER bytes of one trust anchor */
#define OT_TSM_POLICY_PATH_MAX 256u
#define OT_TSM_POLICY_MAX_DEVICES 32u
#define OT_TSM_POLICY_MAX_MEAS 16u            /* reference measurements per device */
#define OT_TSM_POLICY_MAX_GUESTS 16u          /* guests per device */
#define OT_TSM_NAME_MAX 32u                   /* device and guest names, NUL included */
#define OT_TSM_POLICY_VALUE_MAX 64u           /* a reference measurement value (a SHA-512 digest) */
#define OT_TSM_POLICY_TEXT_MAX (256u * 1024u) /* largest policy file accepted */

/* One reference measurement: the DMTF measurement value expected at `index`
 * (DSP0274 1.3 §10.11 "Measurement block format": a digest under the
 * negotiated MeasurementHashAlgo, or a raw bit stream). */
typedef struct ot_tsm_ref_meas {
  uint8_t index; /* 1..0xFE */
  uint8_t len;   /* 1..OT_TSM_POLICY_VALUE_MAX */
  uint8_t value[OT_TSM_POLICY_VALUE_MAX];
} ot_tsm_ref_meas;

/* What the policy says about one device, by the name the platform gives it. */
typedef struct ot_tsm_policy_device {
  char name[OT_TSM_NAME_MAX];
  ot_tsm_ref_meas meas[OT_TSM_POLICY_MAX_MEAS]; /* ascending index */
  size_t meas_count;
  char guests[OT_TSM_POLICY_MAX_GUESTS][OT_TSM_NAME_MAX]; /* may be bound to these */
  size_t guest_count;
} ot_tsm_policy_device;

typedef struct ot_tsm_policy {
  /* Trust anchors: self-signed roots, DER (PEM files are converted). */
  uint8_t anchor_der[OT_TSM_POLICY_MAX_ANCHORS][OT_TSM_POLICY_ANCHOR_MAX];
  char anchor_path[OT_TSM_POLICY_MAX_ANCHORS][OT_TSM_POLICY_PATH_MAX];
  ot_x509_cert anchors[OT_TSM_POLICY_MAX_ANCHORS]; /* spans into anchor_der */
  size_t anchor_count;
  bool anchors_loaded; /* false when parsed without a base directory */
  /* SPDM: the lowest version accepted (0x12 or 0x13) and the algorithms
   * allowed, as SPDM bitmasks (DSP0274 1.3 §10.4 NEGOTIATE_ALGORITHMS). */
  uint8_t min_version;
  ot_spdm_alg_prefs algs;
  ot_tsm_policy_device devices[OT_TSM_POLICY_MAX_DEVICES];
  size_t device_count;
} ot_tsm_policy;

/* Where and why loading failed: line and column are 1-based (0 when the
 * fault is not at a place in the text, e.g. an unreadable file). */
typedef struct ot_tsm_policy_error {
  unsigned line, column;
  char msg[192];
} ot_tsm_policy_error;

/*
 * An empty policy: no anchors, no devices (so every device is refused),
 * SPDM 1.2 minimum, every algorithm opentsm implements allowed.
 */
void ot_tsm_policy_init(ot_tsm_policy *p);

/*
 * Parses the YAML text[0..len) into *p. Trust anchor paths are relative to
 * base_dir (absolute paths are used as they are); each file is read as DER,
 * or as PEM when it starts with "-----BEGIN", and must hold one certificate
 * that decodes. With base_dir NULL no file is opened: the paths are recorded
 * and anchors_loaded is false (syntax checks, fuzzing).
 * Errors (err filled, *p unchanged): OT_E_MALFORMED (YAML syntax, schema),
 * OT_E_TOO_LARGE (text or a list over its bound), OT_E_IO / OT_E_CERT (an
 * anchor file), OT_E_ARG (NULL arguments), OT_E_NOMEM.
 */
OT_RESULT ot_tsm_policy_parse(ot_tsm_policy *p, const char *text, size_t len, const char *base_dir,
                              ot_tsm_policy_error *err);

/* Reads the file at `path` and parses it with base_dir = its directory. */
OT_RESULT ot_tsm_policy_load(ot_tsm_policy *p, const char *path, ot_tsm_policy_error *err);

/* The policy entry of a device, or NULL when the policy does not list it. */
const ot_tsm_policy_device *ot_tsm_policy_find_device(const ot_tsm_policy *p, const char *name);

/* True if the policy lets `guest` be given device `dev`. */
bool ot_tsm_policy_guest_allowed(const ot_tsm_policy_device *dev, const char *guest);

#endif /* OPENTSM_TSM_POLICY_H */
