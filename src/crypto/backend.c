/* SPDX-License-Identifier: BSD-3-Clause */
/* Which cryptographic library backs the crypto layer (for `opentsm version`). */
#include <openssl/crypto.h>

#include "opentsm/crypto.h"

const char *ot_crypto_backend_version(void) { return OpenSSL_version(OPENSSL_VERSION); }
