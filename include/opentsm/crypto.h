/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The crypto layer: the only code that talks to OpenSSL.
 * @layer crypto
 */
#ifndef OPENTSM_CRYPTO_H
#define OPENTSM_CRYPTO_H

#include "opentsm/status.h"

/* The OpenSSL version string in use. */
const char *ot_crypto_backend_version(void);

#endif /* OPENTSM_CRYPTO_H */
