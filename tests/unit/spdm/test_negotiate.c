/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Version and algorithm negotiation (src/spdm/negotiate.c; DSP0274 1.3 §10.3,
 * §10.4; SPEC-FACTS §2.3, §2.5): the version pick, the responder's selection,
 * the requester's checks of a selection against its offer and policy, the
 * derived sizes, and the ERROR -> status mapping. One table line per case.
 */
#include <string.h>

#include "opentsm/spdm.h"
#include "testsupport.h"

#define P256 OT_SPDM_ASYM_ECDSA_P256
#define P384 OT_SPDM_ASYM_ECDSA_P384
#define S256 OT_SPDM_HASH_SHA_256
#define S384 OT_SPDM_HASH_SHA_384
#define M256 OT_SPDM_MEAS_HASH_SHA_256
#define M384 OT_SPDM_MEAS_HASH_SHA_384
#define E256 OT_SPDM_DHE_SECP256R1
#define E384 OT_SPDM_DHE_SECP384R1
#define AES OT_SPDM_AEAD_AES_256_GCM
#define CHA OT_SPDM_AEAD_CHACHA20_POLY1305
#define V12 OT_SPDM_VERSION_12
#define V13 OT_SPDM_VERSION_13
#define KX (OT_SPDM_CAP_KEY_EX | OT_SPDM_CAP_ENCRYPT | OT_SPDM_CAP_MAC)
/* Every flag, MULTI_KEY_CAP as 10b (01b and 10b are both implemented). */
#define RSP_ALL (OT_SPDM_RSP_CAPS_IMPLEMENTED & ~OT_SPDM_CAP_MULTI_KEY_ONLY)
#define RSP_NO_MEAS (RSP_ALL & ~OT_SPDM_CAP_MEAS_MASK)
#define RSP_NO_KX (OT_SPDM_CAP_CERT | OT_SPDM_CAP_CHAL | OT_SPDM_CAP_MEAS_SIG)
#define RSP_MK_ONLY                                                                                \
  ((OT_SPDM_RSP_CAPS_IMPLEMENTED & ~OT_SPDM_CAP_MULTI_KEY_MASK) | OT_SPDM_CAP_MULTI_KEY_ONLY)

/* ---- version pick ---------------------------------------------------------- */

typedef struct version_case {
  uint16_t entries[4];
  uint8_t count, ours, min;
  ot_code want;
  uint8_t picked;
} version_case;

#define BOTH (OT_SPDM_VMASK_12 | OT_SPDM_VMASK_13)
static const version_case version_cases[] = {
    {{0x1200, 0x1300}, 2, BOTH, V12, OT_OK, V13},
    {{0x1300, 0x1200}, 2, BOTH, V12, OT_OK, V13}, /* order does not matter */
    {{0x1200}, 1, BOTH, V12, OT_OK, V12},
    {{0x1201, 0x1310}, 2, BOTH, V12, OT_OK, V13}, /* update/alpha ignored */
    {{0x1400, 0x1200}, 2, BOTH, V12, OT_OK, V12}, /* 1.4 is not ours */
    {{0x1300}, 1, OT_SPDM_VMASK_12, V12, OT_E_NEGOTIATION, 0},
    {{0x1000, 0x1100}, 2, BOTH, V12, OT_E_NEGOTIATION, 0},
    {{0}, 0, BOTH, V12, OT_E_NEGOTIATION, 0},
    {{0x1200}, 1, BOTH, V13, OT_E_POLICY, 0},
    {{0x1200, 0x1300}, 2, OT_SPDM_VMASK_12, V13, OT_E_POLICY, 0},
};

static void test_version_pick(void **s) {
  (void)s;
  for (size_t i = 0; i < sizeof(version_cases) / sizeof(version_cases[0]); i++) {
    const version_case *c = &version_cases[i];
    uint8_t raw[8], out = 0xaa;
    for (uint8_t k = 0; k < c->count; k++)
      ot_store_u16le(raw + 2 * k, c->entries[k]);
    ot_spdm_version v = {.entry_count = c->count, .entries = raw};
    ot_status st = ot_spdm_version_pick(c->ours, &v, c->min, &out);
    if (st.code != c->want) fail_msg("version case %zu: %s", i, ot_status_name(st));
    assert_int_equal(out, c->want == OT_OK ? c->picked : 0xaa); /* untouched on error */
  }
}

/* ---- the offer ------------------------------------------------------------- */

static void test_offer_build(void **s) {
  (void)s;
  ot_spdm_alg_offer o;
  ot_spdm_offer_build(&ot_spdm_alg_prefs_all, V13, true, &o);
  /* Ascending AlgType; no ReqBaseAsymAlg table (no mutual authentication), and
   * no table is ever empty: libspdm refuses AlgSupported 0 (docs/interop.md). */
  assert_int_equal(o.alg_count, 3);
  assert_int_equal(o.alg[0].type, OT_SPDM_ALG_TYPE_DHE);
  assert_int_equal(o.alg[1].type, OT_SPDM_ALG_TYPE_AEAD);
  assert_int_equal(o.alg[2].type, OT_SPDM_ALG_TYPE_KEY_SCHEDULE);
  for (uint8_t i = 0; i < o.alg_count; i++)
    assert_int_not_equal(o.alg[i].supported, 0);
  assert_int_equal(o.other_params, OT_SPDM_OPAQUE_FMT_1 | OT_SPDM_OTHER_PARAMS_MULTI_KEY_CONN);
  ot_spdm_offer_build(&ot_spdm_alg_prefs_all, V12, true, &o);
  assert_int_equal(o.other_params, OT_SPDM_OPAQUE_FMT_1); /* MultiKeyConn is 1.3 */
  assert_int_equal(o.base_asym, P256 | P384 | OT_SPDM_ASYM_ECDSA_P521 | OT_SPDM_ASYM_ED25519 |
                                    OT_SPDM_ASYM_ED448);
}

/* ---- the responder's selection -------------------------------------------- */

typedef struct select_case {
  const char *name;
  uint32_t offer_asym, offer_hash;
  uint16_t offer_dhe, offer_aead;
  uint8_t offer_other;
  uint32_t pref_asym; /* 0: all */
  uint32_t rsp_caps, req_caps;
  uint8_t version;
  ot_code want;
  uint32_t asym, hash, mhash;
  uint16_t dhe, aead;
  uint8_t other;
} select_case;

#define RSA OT_SPDM_ASYM_RSASSA_2048
#define S512 OT_SPDM_HASH_SHA_512
#define SHA3_384 OT_SPDM_HASH_SHA3_384
#define SHA3_512 OT_SPDM_HASH_SHA3_512
#define SHA3_256 OT_SPDM_HASH_SHA3_256
#define SM3 OT_SPDM_HASH_SM3_256
#define FF2K OT_SPDM_DHE_FFDHE_2048
#define A128 OT_SPDM_AEAD_AES_128_GCM
#define SM4 OT_SPDM_AEAD_SM4_GCM
#define F1 OT_SPDM_OPAQUE_FMT_1
#define MKC OT_SPDM_OTHER_PARAMS_MULTI_KEY_CONN
#define MKNEG OT_SPDM_CAP_MULTI_KEY_NEG
#define MKONLY OT_SPDM_CAP_MULTI_KEY_ONLY
/* clang-format off */
static const select_case select_cases[] = {
  /* name                   offer: asym       hash         dhe        aead  other  pref  rsp caps     req  ver  want              asym  hash  mhash dhe   aead other */
  {"strongest",             P256 | P384, S256 | S384, E256 | E384, AES | CHA, F1, 0,    RSP_ALL,     KX, V12, OT_OK,            P384, S384, M384, E384, AES, F1},
  {"p256 offered",          P256,        S256 | S384, E256 | E384, AES,       F1, 0,    RSP_ALL,     KX, V12, OT_OK,            P256, S384, M384, E384, AES, F1},
  {"sha256 offered",        P384,        S256,        E256,        AES,       F1, 0,    RSP_ALL,     KX, V12, OT_OK,            P384, S256, M384, E256, AES, F1},
  {"policy p256",           P256 | P384, S384,        E384,        AES,       F1, P256, RSP_ALL,     KX, V12, OT_OK,            P256, S384, M384, E384, AES, F1},
  {"chacha only",           P384,        S384,        E384,        CHA,       F1, 0,    RSP_ALL,     KX, V12, OT_OK,            P384, S384, M384, E384, CHA, F1},
  {"no common asym",        RSA,         S384,        E384,        AES,       F1, 0,    RSP_ALL,     KX, V12, OT_E_NEGOTIATION, 0, 0, 0, 0, 0, 0},
  {"no common hash",        P384,        SM3,         E384,        AES,       F1, 0,    RSP_ALL,     KX, V12, OT_E_NEGOTIATION, 0, 0, 0, 0, 0, 0},
  {"sha512 offered",        P384,        S512,        E384,        AES,       F1, 0,    RSP_ALL,     KX, V12, OT_OK,            P384, S512, M384, E384, AES, F1},
  {"sha3 offered",          P384,        SHA3_384 | SHA3_512, E384, AES,      F1, 0,    RSP_ALL,     KX, V12, OT_OK,            P384, SHA3_384, M384, E384, AES, F1},
  {"sha-2 before sha3",     P384,        S512 | SHA3_256, E384,    AES,       F1, 0,    RSP_ALL,     KX, V12, OT_OK,            P384, S512, M384, E384, AES, F1},
  {"no common dhe",         P384,        S384,        FF2K,        AES,       F1, 0,    RSP_ALL,     KX, V12, OT_E_NEGOTIATION, 0, 0, 0, 0, 0, 0},
  {"no common aead",        P384,        S384,        E384,        SM4,       F1, 0,    RSP_ALL,     KX, V12, OT_E_NEGOTIATION, 0, 0, 0, 0, 0, 0},
  {"no fmt1",               P384,        S384,        E384,        AES,       0x1, 0,   RSP_ALL,     KX, V12, OT_E_NEGOTIATION, 0, 0, 0, 0, 0, 0},
  {"requester no kx",       P384,        S384,        FF2K,        AES,       F1, 0,    RSP_ALL,     0,  V12, OT_OK,            P384, S384, M384, 0, 0, F1},
  {"responder no kx",       P384,        S384,        E384,        AES,       F1, 0,    RSP_NO_KX,   KX, V12, OT_OK,            P384, S384, M384, 0, 0, F1},
  {"no meas cap",           P384,        S384,        E384,        AES,       F1, 0,    RSP_NO_MEAS, KX, V12, OT_OK,            P384, S384, 0,    E384, AES, F1},
  /* OtherParamsSelection bit 4 is RequesterMultiKeyConn (DSP0274 1.3 §10.4):
   * from the requester's MULTI_KEY_CAP, not an echo of the request's bit 4. */
  {"multi-key 1.3",         P256,        S256,        E256,        AES, F1 | MKC, 0,    RSP_ALL,     KX, V13, OT_OK,            P256, S256, M384, E256, AES, F1},
  {"requester mk neg",      P256,        S256,        E256,        AES,       F1, 0,    RSP_ALL,     KX | MKNEG, V13, OT_OK,    P256, S256, M384, E256, AES, F1 | MKC},
  {"requester mk only",     P256,        S256,        E256,        AES, F1 | MKC, 0,    RSP_ALL,     KX | MKONLY, V13, OT_OK,   P256, S256, M384, E256, AES, F1 | MKC},
  {"requester mk in 1.2",   P256,        S256,        E256,        AES,       F1, 0,    RSP_ALL,     KX | MKNEG, V12, OT_OK,    P256, S256, M384, E256, AES, F1},
  {"multi-key not asked",   P256,        S256,        E256,        AES,       F1, 0,    RSP_ALL,     KX, V13, OT_OK,            P256, S256, M384, E256, AES, F1},
  {"multi-key in 1.2",      P256,        S256,        E256,        AES, F1 | MKC, 0,    RSP_ALL,     KX, V12, OT_OK,            P256, S256, M384, E256, AES, F1},
};
/* clang-format on */

static void offer_of(const select_case *c, ot_spdm_alg_offer *o) {
  ot_spdm_offer_build(&ot_spdm_alg_prefs_all, c->version, false, o);
  o->base_asym = c->offer_asym;
  o->base_hash = c->offer_hash;
  o->alg[0].supported = c->offer_dhe;
  o->alg[1].supported = c->offer_aead;
  o->other_params = c->offer_other;
}

static uint16_t sel_of(const ot_spdm_algorithms *a, uint8_t type) {
  for (uint8_t i = 0; i < a->alg_count; i++)
    if (a->alg[i].type == type) return a->alg[i].supported;
  return 0xffff;
}

static void test_algorithms_select(void **s) {
  (void)s;
  for (size_t i = 0; i < sizeof(select_cases) / sizeof(select_cases[0]); i++) {
    const select_case *c = &select_cases[i];
    ot_spdm_alg_prefs p = ot_spdm_alg_prefs_all;
    if (c->pref_asym) p.base_asym = c->pref_asym;
    ot_spdm_alg_offer o;
    offer_of(c, &o);
    ot_spdm_algorithms a;
    ot_status st = ot_spdm_algorithms_select(&p, c->rsp_caps, c->req_caps, c->version, &o, &a);
    if (st.code != c->want) fail_msg("select '%s': %s", c->name, ot_status_name(st));
    if (c->want != OT_OK) continue;
    if (a.base_asym_sel != c->asym || a.base_hash_sel != c->hash || a.meas_hash_algo != c->mhash ||
        sel_of(&a, OT_SPDM_ALG_TYPE_DHE) != c->dhe ||
        sel_of(&a, OT_SPDM_ALG_TYPE_AEAD) != c->aead || a.other_params_sel != c->other)
      fail_msg("select '%s': wrong selection", c->name);
    assert_int_equal(a.alg_count, o.alg_count); /* one table per requested type */
    /* The requester accepts what the responder selected. */
    ot_spdm_negotiated n;
    assert_ot_ok(ot_spdm_algorithms_check(&ot_spdm_alg_prefs_all, c->version, c->rsp_caps,
                                          c->req_caps, &o, &a, &n));
  }
}

/* ---- the requester's checks of a selection ---------------------------------- */

typedef void (*mutate_fn)(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *rsp_caps);

static void m_none(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)a, (void)p, (void)c;
}
static void m_two_asym(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p, (void)c;
  a->base_asym_sel = P256 | P384;
}
static void m_asym_not_offered(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p, (void)c;
  a->base_asym_sel = OT_SPDM_ASYM_RSASSA_3072;
}
static void m_asym_policy(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)a, (void)c;
  p->base_asym = P256;
}
static void m_hash_zero(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p, (void)c;
  a->base_hash_sel = 0;
}
static void m_hash_policy(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)a, (void)c;
  p->base_hash = S256;
}
static void m_mhash_zero(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p, (void)c;
  a->meas_hash_algo = 0;
}
static void m_mhash_zero_no_meas(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p;
  a->meas_hash_algo = 0;
  a->meas_spec_sel = 0;
  *c = RSP_NO_MEAS;
}
static void m_mhash_raw(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p, (void)c;
  a->meas_hash_algo = OT_SPDM_MEAS_HASH_RAW_BIT_STREAM;
}
static void m_mhash_policy(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)a, (void)c;
  p->meas_hash = M256;
}
static void m_fmt0(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p, (void)c;
  a->other_params_sel = 0x1;
}
static void m_two_fmts(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p, (void)c;
  a->other_params_sel = 0x3;
}
static void m_mk_not_offered(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p, (void)c;
  a->other_params_sel |= MKC;
}
static void m_ext_asym(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p, (void)c;
  static const uint8_t ext[4] = {3, 0, 1, 0};
  a->ext_asym_sel = (ot_spdm_ext_algs){.count = 1, .ext = ext};
}
static void m_dhe_zero(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p, (void)c;
  a->alg[0].supported = 0;
}
static void m_dhe_zero_no_kx(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p;
  a->alg[0].supported = a->alg[1].supported = a->alg[2].supported = 0;
  *c = RSP_NO_KX;
}
static void m_dhe_two(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p, (void)c;
  a->alg[0].supported = E256 | E384;
}
static void m_aead_not_offered(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p, (void)c;
  a->alg[1].supported = OT_SPDM_AEAD_SM4_GCM;
}
static void m_aead_policy(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)a, (void)c;
  p->aead = CHA;
}
/* A ReqBaseAsymAlg table we never asked for (we offer none: no mutual
 * authentication), inserted in AlgType order before KeySchedule. */
static void m_req_asym(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p, (void)c;
  a->alg[3] = a->alg[2];
  a->alg[2] = (ot_spdm_alg_struct){.type = OT_SPDM_ALG_TYPE_REQ_BASE_ASYM, .supported = P256};
  a->alg_count = 4;
}
static void m_struct_ext(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p, (void)c;
  static const uint8_t ext[4] = {3, 0, 1, 0};
  a->alg[1].ext = (ot_spdm_ext_algs){.count = 1, .ext = ext};
}
static void m_key_schedule_zero(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)p, (void)c;
  a->alg[2].supported = 0;
}

static void m_no_kx_but_dhe(ot_spdm_algorithms *a, ot_spdm_alg_prefs *p, uint32_t *c) {
  (void)a, (void)p;
  *c = RSP_NO_KX; /* the responder has no KEY_EX_CAP yet selected a DHE group */
}

typedef struct check_case {
  const char *name;
  mutate_fn mutate;
  ot_code want;
} check_case;

static const check_case check_cases[] = {
    {"as selected", m_none, OT_OK},
    {"two asym bits", m_two_asym, OT_E_MALFORMED},
    {"asym not offered", m_asym_not_offered, OT_E_MALFORMED},
    {"asym outside policy", m_asym_policy, OT_E_POLICY},
    {"no hash", m_hash_zero, OT_E_NEGOTIATION},
    {"hash outside policy", m_hash_policy, OT_E_POLICY},
    {"no meas hash with MEAS_CAP", m_mhash_zero, OT_E_NEGOTIATION},
    {"no meas hash without MEAS_CAP", m_mhash_zero_no_meas, OT_OK},
    {"raw bit stream meas hash", m_mhash_raw, OT_E_POLICY},
    {"meas hash outside policy", m_mhash_policy, OT_E_POLICY},
    {"opaque fmt0", m_fmt0, OT_E_MALFORMED},
    {"two opaque fmts", m_two_fmts, OT_E_MALFORMED},
    {"multi-key not offered", m_mk_not_offered, OT_E_MALFORMED},
    {"ext asym selected", m_ext_asym, OT_E_MALFORMED},
    {"no dhe with KEY_EX", m_dhe_zero, OT_E_NEGOTIATION},
    {"no dhe without KEY_EX", m_dhe_zero_no_kx, OT_OK},
    {"two dhe bits", m_dhe_two, OT_E_MALFORMED},
    {"aead not offered", m_aead_not_offered, OT_E_MALFORMED},
    {"aead outside policy", m_aead_policy, OT_E_POLICY},
    {"req asym selected", m_req_asym, OT_E_MALFORMED},
    {"alg struct ext", m_struct_ext, OT_E_MALFORMED},
    {"no key schedule with KEY_EX", m_key_schedule_zero, OT_E_NEGOTIATION},
    {"dhe selected without KEY_EX", m_no_kx_but_dhe, OT_E_MALFORMED},
};

static void test_algorithms_check(void **s) {
  (void)s;
  for (size_t i = 0; i < sizeof(check_cases) / sizeof(check_cases[0]); i++) {
    const check_case *c = &check_cases[i];
    ot_spdm_alg_offer o;
    ot_spdm_offer_build(&ot_spdm_alg_prefs_all, V12, false, &o);
    ot_spdm_algorithms a;
    assert_ot_ok(ot_spdm_algorithms_select(&ot_spdm_alg_prefs_all, RSP_ALL, KX, V12, &o, &a));
    ot_spdm_alg_prefs p = ot_spdm_alg_prefs_all;
    uint32_t caps = RSP_ALL;
    c->mutate(&a, &p, &caps);
    ot_spdm_negotiated n;
    memset(&n, 0x5a, sizeof(n));
    ot_status st = ot_spdm_algorithms_check(&p, V12, caps, KX, &o, &a, &n);
    if (st.code != c->want) fail_msg("check '%s': %s", c->name, ot_status_name(st));
    if (c->want != OT_OK) assert_int_equal(n.version, 0x5a); /* untouched on error */
  }
}

/* multi_key_conn_rsp: MULTI_KEY_CAP 01b needs no bit from us; 10b needs it. */
static void test_multi_key_conn_rule(void **s) {
  (void)s;
  ot_spdm_alg_offer o;
  ot_spdm_algorithms a;
  ot_spdm_negotiated n;
  ot_spdm_offer_build(&ot_spdm_alg_prefs_all, V13, false, &o);
  assert_ot_ok(ot_spdm_algorithms_select(&ot_spdm_alg_prefs_all, RSP_MK_ONLY, KX, V13, &o, &a));
  assert_ot_ok(ot_spdm_algorithms_check(&ot_spdm_alg_prefs_all, V13, RSP_MK_ONLY, KX, &o, &a, &n));
  assert_true(n.multi_key_conn);
  assert_ot_ok(ot_spdm_algorithms_check(&ot_spdm_alg_prefs_all, V13, RSP_ALL, KX, &o, &a, &n));
  assert_false(n.multi_key_conn); /* 10b and we did not ask */
  ot_spdm_offer_build(&ot_spdm_alg_prefs_all, V13, true, &o);
  assert_ot_ok(ot_spdm_algorithms_select(&ot_spdm_alg_prefs_all, RSP_ALL, KX, V13, &o, &a));
  assert_ot_ok(ot_spdm_algorithms_check(&ot_spdm_alg_prefs_all, V13, RSP_ALL, KX, &o, &a, &n));
  assert_true(n.multi_key_conn);
  assert_true(n.sizes.multi_key_conn);
}

/* multi_key_conn_req (DSP0274 1.3 §10.4 RequesterMultiKeyConn): the
 * requester checks the selection's bit 4 against its own MULTI_KEY_CAP. */
static void test_multi_key_conn_req_rule(void **s) {
  (void)s;
  ot_spdm_alg_offer o;
  ot_spdm_algorithms a;
  ot_spdm_negotiated n;
  ot_spdm_offer_build(&ot_spdm_alg_prefs_all, V13, false, &o);
  /* 10b: the responder chose it, or not. */
  assert_ot_ok(ot_spdm_algorithms_select(&ot_spdm_alg_prefs_all, RSP_ALL, KX | MKNEG, V13, &o, &a));
  assert_ot_ok(ot_spdm_algorithms_check(&ot_spdm_alg_prefs_all, V13, RSP_ALL, KX | MKNEG, &o, &a, &n));
  assert_true(n.multi_key_conn_req);
  assert_false(n.multi_key_conn); /* the other direction is independent */
  a.other_params_sel &= (uint8_t)~MKC;
  assert_ot_ok(ot_spdm_algorithms_check(&ot_spdm_alg_prefs_all, V13, RSP_ALL, KX | MKNEG, &o, &a, &n));
  assert_false(n.multi_key_conn_req);
  /* 01b: a responder that does not take it leaves no connection. */
  assert_ot_code(ot_spdm_algorithms_check(&ot_spdm_alg_prefs_all, V13, RSP_ALL, KX | MKONLY, &o, &a,
                                          &n),
                 OT_E_NEGOTIATION);
  /* 00b: the bit set is a malformed selection (libspdm's requester refuses it too). */
  a.other_params_sel |= MKC;
  assert_ot_code(ot_spdm_algorithms_check(&ot_spdm_alg_prefs_all, V13, RSP_ALL, KX, &o, &a, &n),
                 OT_E_MALFORMED);
  /* 1.2 has no multi-key: a 1.2 connection with our 01b is not refused. */
  ot_spdm_offer_build(&ot_spdm_alg_prefs_all, V12, false, &o);
  assert_ot_ok(ot_spdm_algorithms_select(&ot_spdm_alg_prefs_all, RSP_ALL, KX | MKONLY, V12, &o, &a));
  assert_ot_ok(ot_spdm_algorithms_check(&ot_spdm_alg_prefs_all, V12, RSP_ALL, KX | MKONLY, &o, &a, &n));
  assert_false(n.multi_key_conn_req);
}

/* ---- derived sizes ---------------------------------------------------------- */

typedef struct derive_case {
  uint32_t asym, hash, mhash;
  uint16_t dhe, aead;
  ot_code want;
  uint16_t hash_len, sig_len, dhe_len;
} derive_case;

/* clang-format off */
static const derive_case derive_cases[] = {
  /* asym  hash                   mhash                      dhe                    aead  want              H   S   D */
  {P256, S256,                  M256,                      E256,                  AES,  OT_OK,            32, 64, 64},
  {P384, S384,                  M384,                      E384,                  CHA,  OT_OK,            48, 96, 96},
  {P384, S256,                  0,                         0,                     0,    OT_OK,            32, 96, 0},
  /* RSA: the signature is the modulus size (DSP0274 1.2 §10.4 BaseAsymAlgo bits 0-6). */
  {RSA,  S256,                  M256,                      E256,                  AES,  OT_OK,            32, 256, 64},
  {OT_SPDM_ASYM_RSAPSS_3072, S384, M384,                   E384,                  AES,  OT_OK,            48, 384, 96},
  {OT_SPDM_ASYM_RSASSA_4096, S384, M384,                   E384,                  AES,  OT_OK,            48, 512, 96},
  {P256, OT_SPDM_HASH_SHA3_256, M256,                      E256,                  AES,  OT_OK,            32, 64, 64},
  {P384, OT_SPDM_HASH_SHA3_512, M256,                      E384,                  AES,  OT_OK,            64, 96, 96},
  {OT_SPDM_ASYM_ED25519, S384,  M384,                      E384,                  AES,  OT_OK,            48, 64, 96},
  {OT_SPDM_ASYM_ED448, S384,    M384,                      E384,                  AES,  OT_OK,            48, 114, 96},
  {OT_SPDM_ASYM_SM2_P256, S384, M384,                      E384,                  AES,  OT_E_UNSUPPORTED, 0, 0, 0},
  {P256, OT_SPDM_HASH_SM3_256,  M256,                      E256,                  AES,  OT_E_UNSUPPORTED, 0, 0, 0},
  {P256, S256,                  OT_SPDM_MEAS_HASH_SHA_512, E256,                  AES,  OT_OK,            32, 64, 64},
  {P256, S256,                  OT_SPDM_MEAS_HASH_SHA3_256, E256,                 AES,  OT_OK,            32, 64, 64},
  {P256, S256,                  OT_SPDM_MEAS_HASH_SM3_256, E256,                  AES,  OT_E_UNSUPPORTED, 0, 0, 0},
  {P256, S256,                  M256,                      OT_SPDM_DHE_SECP521R1, AES,  OT_OK,            32, 64, 132},
  {OT_SPDM_ASYM_ECDSA_P521, OT_SPDM_HASH_SHA_512, M256, OT_SPDM_DHE_SECP521R1, AES, OT_OK,           64, 132, 132},
  /* FFDHE: ExchangeData is Y padded to |p| bytes (DSP0274 1.3 §10.9). */
  {P256, S256,                  M256,                      OT_SPDM_DHE_FFDHE_2048, AES, OT_OK,            32, 64, 256},
  {P256, S256,                  M256,                      OT_SPDM_DHE_FFDHE_3072, AES, OT_OK,            32, 64, 384},
  {P256, S256,                  M256,                      OT_SPDM_DHE_FFDHE_4096, AES, OT_OK,            32, 64, 512},
  {P256, S256,                  M256,                      OT_SPDM_DHE_SM2_P256,  AES,  OT_E_UNSUPPORTED, 0, 0, 0},
  {P256, S256,                  M256,                      E256,                  A128, OT_OK,            32, 64, 64},
  {P256, S256,                  M256,                      E256,                  OT_SPDM_AEAD_SM4_GCM, OT_E_UNSUPPORTED, 0, 0, 0},
};
/* clang-format on */

static void test_negotiated_derive(void **s) {
  (void)s;
  for (size_t i = 0; i < sizeof(derive_cases) / sizeof(derive_cases[0]); i++) {
    const derive_case *c = &derive_cases[i];
    ot_spdm_negotiated n = {.version = V12,
                            .base_asym = c->asym,
                            .base_hash = c->hash,
                            .meas_hash = c->mhash,
                            .dhe = c->dhe,
                            .aead = c->aead};
    ot_status st = ot_spdm_negotiated_derive(&n);
    if (st.code != c->want) fail_msg("derive case %zu: %s", i, ot_status_name(st));
    if (c->want != OT_OK) continue;
    assert_int_equal(n.sizes.hash_len, c->hash_len);
    assert_int_equal(n.sizes.sig_len, c->sig_len);
    assert_int_equal(n.sizes.dhe_len, c->dhe_len);
    assert_int_equal(n.sizes.version, V12);
  }
}

/* ---- ERROR -> status --------------------------------------------------------- */

static const struct {
  uint8_t err;
  ot_code want;
} error_cases[] = {
    {OT_SPDM_ERR_VERSION_MISMATCH, OT_E_VERSION},
    {OT_SPDM_ERR_BUSY, OT_E_BUSY},
    {OT_SPDM_ERR_UNEXPECTED_REQUEST, OT_E_UNEXPECTED},
    {OT_SPDM_ERR_REQUEST_RESYNCH, OT_E_UNEXPECTED},
    {OT_SPDM_ERR_UNSUPPORTED_REQUEST, OT_E_UNSUPPORTED},
    {OT_SPDM_ERR_DECRYPT_ERROR, OT_E_DECRYPT},
    {OT_SPDM_ERR_INVALID_REQUEST, OT_E_MALFORMED},
    {OT_SPDM_ERR_SESSION_LIMIT_EXCEEDED, OT_E_NO_SPACE},
    {OT_SPDM_ERR_INVALID_POLICY, OT_E_POLICY},
    {OT_SPDM_ERR_UNSPECIFIED, OT_E_PEER_ERROR},
    {OT_SPDM_ERR_REQUEST_TOO_LARGE, OT_E_PEER_ERROR},
    {0xff, OT_E_PEER_ERROR},
};

static void test_error_status(void **s) {
  (void)s;
  for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++)
    assert_int_equal(ot_spdm_error_status(error_cases[i].err).code, error_cases[i].want);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_version_pick),        cmocka_unit_test(test_offer_build),
      cmocka_unit_test(test_algorithms_select),   cmocka_unit_test(test_algorithms_check),
      cmocka_unit_test(test_multi_key_conn_rule),
      cmocka_unit_test(test_multi_key_conn_req_rule),
      cmocka_unit_test(test_negotiated_derive),
      cmocka_unit_test(test_error_status),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
