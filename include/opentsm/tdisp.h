/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TDISP, both roles: the message codec, the device side (one TDI per function,
 * its state table, the events that push it to ERROR, the interface report, a
 * config-space watcher and the TLP acceptance rule) and the TSM's requester.
 * @layer tdisp
 *
 * Source: PCIe Base r6.0 with the TDISP ECN, §11 (constants and citations in
 * opentsm/spec/tdisp.h; facts and their provenance in SPEC-FACTS §6).
 *
 * Where TDISP sits. TDISP messages travel as the payload of SPDM
 * VENDOR_DEFINED_REQUEST/RESPONSE messages with the PCI-SIG StandardID (3),
 * VendorID 0x0001 and ProtocolID 1, always inside a secured SPDM session. This
 * layer owns two narrow seams so it needs neither SPDM engine:
 *  - device side: ot_tdisp_responder_handle() maps one VDM payload (ProtocolID
 *    byte + TDISP request) to one VDM payload (ProtocolID + TDISP response). The
 *    SPDM responder registers it for (OT_PCISIG_STANDARD_ID, OT_PCISIG_VENDOR_ID,
 *    OT_PCISIG_PROTOCOL_TDISP) and says whether the request came inside a session;
 *  - requester side: an ot_tdisp_transport whose exchange() sends one VDM payload
 *    inside session S and returns the response payload.
 * The two seams use the same bytes, so a requester can be wired straight to a
 * responder in process (the tests do).
 *
 * Nothing here allocates or does I/O; every object is caller-owned and driven
 * by one thread (or the simulator's event loop).
 */
#ifndef OPENTSM_TDISP_H
#define OPENTSM_TDISP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/cursor.h"
#include "opentsm/pcie.h"
#include "opentsm/rng.h"
#include "opentsm/spec/tdisp.h"
#include "opentsm/status.h"

/* ==== Codec ================================================================== */
/*
 * Decoding rules (every ot_tdisp_decode* function):
 *  - the reader holds exactly one message: bytes left over fail with
 *    OT_E_TRAILING, a short message with OT_E_TRUNCATED;
 *  - TDISPVersion must be 0x10 (OT_E_VERSION), except in
 *    ot_tdisp_decode_header, which reports whatever version it finds so a
 *    responder can answer VERSION_MISMATCH;
 *  - an unknown message code fails with OT_E_UNSUPPORTED;
 *  - a value the specification forbids fails with OT_E_MALFORMED (a TDI_STATE
 *    above 3, a VERSION response with no entries, an MMIO range not on a 4 KiB
 *    page or with no pages);
 *  - reserved fields and bits (header bytes 2-3, INTERFACE_ID bytes 4-11,
 *    FUNCTION_ID bits 31:25, the LOCK and CAPABILITIES reserved bytes) are
 *    ignored on receive and written as zero on send (PCIe r6.0 §2: RsvdZ);
 *  - the output is written only on success. Pointers in a decoded message point
 *    into the reader's span and live as long as it.
 */

/* One MMIO_RANGE (PCIe r6.0 §11.3 DEVICE_INTERFACE_REPORT). */
typedef struct ot_tdisp_mmio_range {
  uint64_t first_page; /* byte address of the first 4 KiB page */
  uint32_t num_pages;  /* 4 KiB pages, >= 1 */
  uint16_t attributes; /* OT_TDISP_RANGE_* */
  uint16_t range_id;   /* device-specific grouping, typically the BAR */
} ot_tdisp_mmio_range;

typedef struct ot_tdisp_caps {
  uint32_t dsm_caps;
  uint8_t req_msgs[OT_TDISP_REQ_MSGS_SIZE]; /* bit n of byte n/8 <-> code 0x80 + n */
  uint16_t lock_flags_supported;            /* OT_TDISP_LOCK_* */
  uint8_t dev_addr_width;
  uint8_t num_req_this;
  uint8_t num_req_all;
} ot_tdisp_caps;

typedef struct ot_tdisp_lock_params {
  uint16_t flags;                 /* OT_TDISP_LOCK_* */
  uint8_t default_stream_id;      /* IDE Stream ID of the default stream */
  uint64_t mmio_reporting_offset; /* added to every FIRST_PAGE in the report (T11) */
  uint64_t bind_p2p_address_mask;
} ot_tdisp_lock_params;

/* Registry, vendor ID and vendor bytes: EXTENDED_ERROR_DATA and VDM bodies. */
typedef struct ot_tdisp_vendor_data {
  uint8_t registry_id; /* OT_TDISP_REGISTRY_* */
  uint8_t vendor_id_len;
  const uint8_t *vendor_id;
  size_t data_len;
  const uint8_t *data;
} ot_tdisp_vendor_data;

typedef struct ot_tdisp_error {
  uint32_t code; /* OT_TDISP_ERR_* */
  uint32_t data; /* ERROR_DATA */
  bool has_ext;  /* EXTENDED_ERROR_DATA: present exactly for VENDOR_SPECIFIC */
  ot_tdisp_vendor_data ext;
} ot_tdisp_error;

/* One TDISP message: header fields and the body selected by `code`. */
typedef struct ot_tdisp_msg {
  uint8_t version;      /* TDISPVersion (OT_TDISP_VERSION_10) */
  uint8_t code;         /* OT_TDISP_<request or response> */
  uint32_t function_id; /* INTERFACE_ID.FUNCTION_ID (bits 24:0) */
  union {
    struct {
      uint8_t count; /* >= 1 */
      const uint8_t *versions;
    } version;                          /* TDISP_VERSION */
    uint32_t tsm_caps;                  /* GET_TDISP_CAPABILITIES */
    ot_tdisp_caps caps;                 /* TDISP_CAPABILITIES */
    ot_tdisp_lock_params lock;          /* LOCK_INTERFACE_REQUEST */
    uint8_t nonce[OT_TDISP_NONCE_SIZE]; /* LOCK_INTERFACE_RESPONSE, START_INTERFACE_REQUEST */
    struct {
      uint16_t offset, length;
    } get_report; /* GET_DEVICE_INTERFACE_REPORT */
    struct {
      uint16_t portion_len, remainder_len;
      const uint8_t *portion;
    } report;                 /* DEVICE_INTERFACE_REPORT */
    uint8_t tdi_state;        /* DEVICE_INTERFACE_STATE: OT_TDISP_STATE_* */
    uint8_t p2p_stream_id;    /* BIND/UNBIND_P2P_STREAM_REQUEST */
    ot_tdisp_mmio_range mmio; /* SET_MMIO_ATTRIBUTE_REQUEST */
    ot_tdisp_vendor_data vdm; /* VDM_REQUEST, VDM_RESPONSE */
    ot_tdisp_error error;     /* TDISP_ERROR */
  } u;
} ot_tdisp_msg;

/* True if code is a TDISP request or response code this codec knows. */
bool ot_tdisp_code_known(uint8_t code);
/* Message name ("LOCK_INTERFACE_REQUEST"); "UNKNOWN" for other codes. Never NULL. */
const char *ot_tdisp_code_name(uint8_t code);
/* Error code name ("INVALID_NONCE"); "UNKNOWN" otherwise. Never NULL. */
const char *ot_tdisp_error_name(uint32_t code);

/* Reads only the 16-byte header (any version, any code) and leaves r after it. */
OT_RESULT ot_tdisp_decode_header(ot_reader *r, uint8_t *version, uint8_t *code,
                                 uint32_t *function_id);
/* Reads the body of `code` (header already read) from r, which must end there. */
OT_RESULT ot_tdisp_decode_body(ot_reader *r, uint8_t code, ot_tdisp_msg *m);
/* The same for request codes only (a response code is OT_E_UNSUPPORTED): what a
 * device reads, without the response readers. */
OT_RESULT ot_tdisp_decode_request_body(ot_reader *r, uint8_t code, ot_tdisp_msg *m);
/* Decodes one whole message (header + body) under the rules above. */
OT_RESULT ot_tdisp_decode(ot_reader *r, ot_tdisp_msg *m);
/* Appends one whole message. OT_E_ARG for an unknown code, a nonzero reserved
 * FUNCTION_ID bit, a VERSION with no entries or ext data on a non-vendor error;
 * OT_E_TOO_LARGE when a length does not fit its field; OT_E_NO_SPACE. */
OT_RESULT ot_tdisp_encode(ot_writer *w, const ot_tdisp_msg *m);
/* The same for response codes only (a request code is OT_E_ARG): what a device
 * writes, without the request writers. */
OT_RESULT ot_tdisp_encode_response(ot_writer *w, const ot_tdisp_msg *m);

/* ---- PCI-SIG VDM payload and SPDM wrapping (SPEC-FACTS §2.14) ---------------- */

/* Appends a VDM payload: ProtocolID 1 then the encoded message. */
OT_RESULT ot_tdisp_payload_encode(ot_writer *w, const ot_tdisp_msg *m);
/* Splits a VDM payload: ProtocolID must be 1 (OT_E_UNSUPPORTED otherwise,
 * OT_E_TRUNCATED if empty); msg and msg_len name the TDISP message inside it. */
OT_RESULT ot_tdisp_payload_open(const uint8_t *payload, size_t len, const uint8_t **msg,
                                size_t *msg_len);
/*
 * Whole SPDM VENDOR_DEFINED_REQUEST (response = false) or _RESPONSE carrying a
 * TDISP message: SPDM header with `spdm_version`, StandardID 3, Len 2, VendorID
 * 0x0001, payload length, ProtocolID 1, message. The decoder checks each of
 * those (OT_E_UNSUPPORTED for another standard, vendor or protocol) and then
 * decodes the TDISP message strictly.
 */
OT_RESULT ot_tdisp_vdm_encode(ot_writer *w, uint8_t spdm_version, bool response,
                              const ot_tdisp_msg *m);
OT_RESULT ot_tdisp_vdm_decode(ot_reader *r, uint8_t spdm_version, bool response, ot_tdisp_msg *m);

/* ---- Device interface report (PCIe r6.0 §11.3 DEVICE_INTERFACE_REPORT; SPEC-FACTS §6.4) */

/* Upper bounds of what this implementation builds or accepts. */
#ifndef OT_TDISP_MAX_MMIO_RANGES /* the firmware profile sets its own */
#define OT_TDISP_MAX_MMIO_RANGES 32u
#endif
#define OT_TDISP_MAX_DEVINFO 256u
#define OT_TDISP_REPORT_MAX                                                                        \
  (OT_TDISP_REPORT_FIXED + OT_TDISP_MAX_MMIO_RANGES * OT_TDISP_MMIO_RANGE_SIZE +                   \
   OT_TDISP_REPORT_DEVINFO_LEN_SIZE + OT_TDISP_MAX_DEVINFO)
_Static_assert(OT_TDISP_REPORT_MAX <= 0xFFFFu, "a report is addressed by 16-bit offsets");

/* A parsed report (borrowing the bytes) or the input to the builder. */
typedef struct ot_tdisp_report {
  uint16_t interface_info; /* OT_TDISP_IFINFO_* */
  uint16_t msix_message_control;
  uint16_t lnr_control;
  uint32_t tph_control;
  uint32_t mmio_count;
  const uint8_t *mmio_raw; /* parsed: mmio_count * 16 bytes; use ot_tdisp_report_range */
  uint32_t devinfo_len;
  const uint8_t *devinfo;
} ot_tdisp_report;

/*
 * Parses a whole report strictly (exact length: OT_E_TRAILING / OT_E_TRUNCATED;
 * more than OT_TDISP_MAX_MMIO_RANGES ranges or OT_TDISP_MAX_DEVINFO bytes:
 * OT_E_TOO_LARGE; a range off a 4 KiB page, with 0 pages or wrapping past
 * 2^64: OT_E_MALFORMED). *rep is written only on success.
 */
OT_RESULT ot_tdisp_report_parse(const uint8_t *buf, size_t len, ot_tdisp_report *rep);
/* The i-th range of a parsed report (i < mmio_count: OT_E_ARG otherwise). */
OT_RESULT ot_tdisp_report_range(const ot_tdisp_report *rep, uint32_t i, ot_tdisp_mmio_range *out);
/* Builds a report from rep's fixed fields, `ranges` (mmio_count of them, mmio_raw
 * unused) and devinfo. Same limits as the parser (OT_E_TOO_LARGE, OT_E_MALFORMED). */
OT_RESULT ot_tdisp_report_build(ot_writer *w, const ot_tdisp_report *rep,
                                const ot_tdisp_mmio_range *ranges);

/* ==== Device side ============================================================== */

/* TDI state (values of OT_TDISP_STATE_*). */
typedef enum ot_tdisp_state {
  OT_TDI_CONFIG_UNLOCKED = OT_TDISP_STATE_CONFIG_UNLOCKED,
  OT_TDI_CONFIG_LOCKED = OT_TDISP_STATE_CONFIG_LOCKED,
  OT_TDI_RUN = OT_TDISP_STATE_RUN,
  OT_TDI_ERROR = OT_TDISP_STATE_ERROR,
} ot_tdisp_state;

/*
 * Events that the device model delivers with ot_tdisp_tdi_event(). Each moves a
 * CONFIG_LOCKED or RUN TDI to ERROR and does nothing in CONFIG_UNLOCKED or
 * ERROR (PCIe r6.0 §11.2: ERROR is left only by STOP_INTERFACE_REQUEST). The
 * citation of each is beside its row in src/tdisp/state.c.
 */
typedef enum ot_tdisp_event {
  OT_TDISP_EV_CFG_LOCKED_WRITE, /* a locked config register changed (BAR, MSE/BME, MSI-X) */
  OT_TDISP_EV_FLR,              /* Function Level Reset of the TDI's function */
  OT_TDISP_EV_RESET,            /* conventional reset, hot reset or link down */
  OT_TDISP_EV_IDE_INSECURE,     /* the bound IDE stream left the Secure state */
  OT_TDISP_EV_SESSION_END,      /* the SPDM session that locked the TDI ended */
  OT_TDISP_EV_FW_UPDATE,        /* firmware changed although NO_FW_UPDATE was locked */
  OT_TDISP_EV_DEVICE_FAULT,     /* a device-defined fault affecting TDI security */
  OT_TDISP_EV_COUNT
} ot_tdisp_event;

const char *ot_tdisp_state_name(ot_tdisp_state s);
const char *ot_tdisp_event_name(ot_tdisp_event e);

/*
 * The device model's hooks, embedded as the first member of the model's own
 * struct. stream_secure is required: the IDE engine lands separately, so a
 * TDI's bound stream is only an ID and this callback answers "is that stream in
 * the Secure state now?". scrub is optional: it runs when STOP_INTERFACE
 * returns a TDI to CONFIG_UNLOCKED, so the model clears TVM data it holds for
 * that function (queues, device memory) before the host may use it again.
 */
typedef struct ot_tdisp_device_ops ot_tdisp_device_ops;
struct ot_tdisp_device_ops {
  bool (*stream_secure)(ot_tdisp_device_ops *ops, uint8_t stream_id);
  void (*scrub)(ot_tdisp_device_ops *ops, uint32_t function_id);
};

/* What the device model says about one TDI (borrowed; must outlive the device). */
typedef struct ot_tdisp_tdi_desc {
  uint32_t function_id;            /* FUNCTION_ID of the physical or virtual function */
  uint16_t interface_info;         /* OT_TDISP_IFINFO_*; NO_FW_UPDATE is added when locked so */
  uint16_t lnr_control;            /* LNR Control copied into the report */
  uint32_t tph_control;            /* TPH Control copied into the report */
  const ot_tdisp_mmio_range *mmio; /* physical addresses, before MMIO_REPORTING_OFFSET */
  uint32_t mmio_count;             /* <= OT_TDISP_MAX_MMIO_RANGES */
  const uint8_t *devinfo;          /* DEVICE_SPECIFIC_INFO */
  uint32_t devinfo_len;            /* <= OT_TDISP_MAX_DEVINFO */
  ot_cfg_space *cfg;               /* the function's config space, or NULL: MSI-X Message Control is
                                      read from it at lock, and ot_tdisp_guard_install watches it */
} ot_tdisp_tdi_desc;

typedef struct ot_tdisp_device ot_tdisp_device;

/* Snapshot of the locked config registers the guard compares against. */
typedef struct ot_tdisp_cfg_snapshot {
  uint16_t command; /* MSE | BME at lock */
  uint32_t bar[OT_PCI_BAR_COUNT];
  uint16_t msix_cap; /* 0: no MSI-X capability */
  uint32_t msix[3];  /* Message Control DW, Table Offset/BIR, PBA Offset/BIR */
} ot_tdisp_cfg_snapshot;

/* One TDI. Fields are the device side's; read them, never write them. */
/* P2P streams one TDI can have bound at once. */
#define OT_TDISP_MAX_P2P 4u

typedef struct ot_tdisp_tdi {
  const ot_tdisp_tdi_desc *desc;
  ot_tdisp_device *dev;
  ot_tdisp_state state;
  ot_tdisp_lock_params lock;          /* valid in CONFIG_LOCKED, RUN, ERROR */
  uint8_t nonce[OT_TDISP_NONCE_SIZE]; /* valid in CONFIG_LOCKED only */
  bool nonce_valid;
  uint8_t report[OT_TDISP_REPORT_MAX]; /* built at LOCK */
  uint16_t report_len;
  ot_tdisp_cfg_snapshot snap;
  ot_tdisp_event last_event; /* what moved it to ERROR (valid in ERROR after an event) */
  bool error_by_event;
  uint8_t p2p[OT_TDISP_MAX_P2P]; /* P2P streams bound in RUN (BIND_P2P_STREAM_REQUEST) */
  uint8_t p2p_count;
  /* RANGE_ATTRIBUTES of each range now (set at LOCK, changed by SET_MMIO_ATTRIBUTE) */
  uint16_t mmio_attr[OT_TDISP_MAX_MMIO_RANGES];
} ot_tdisp_tdi;

#ifndef OT_TDISP_MAX_TDIS /* the firmware profile sets its own */
#define OT_TDISP_MAX_TDIS 8u
#endif

/* The device security manager's TDISP side: capabilities, TDIs, RNG. */
struct ot_tdisp_device {
  ot_tdisp_device_ops *ops;
  ot_rng *rng; /* START nonces (PCIe r6.0 §11.3 LOCK_INTERFACE_RESPONSE) */
  uint32_t dsm_caps;
  uint16_t lock_flags_supported;
  uint8_t dev_addr_width;      /* e.g. 48 (0x30 in the recorded flows) */
  uint16_t report_portion_max; /* largest PORTION_LENGTH it sends (>= 1) */
  bool p2p;                    /* implements BIND/UNBIND_P2P_STREAM_REQUEST */
  bool mmio_attr;              /* implements SET_MMIO_ATTRIBUTE_REQUEST */
  ot_tdisp_tdi tdi[OT_TDISP_MAX_TDIS];
  size_t tdi_count;
};

/* Device-wide settings for ot_tdisp_device_init. */
typedef struct ot_tdisp_device_config {
  uint32_t dsm_caps;
  uint16_t lock_flags_supported; /* subset of OT_TDISP_LOCK_FLAGS_DEFINED */
  uint8_t dev_addr_width;
  uint16_t report_portion_max; /* 0: no limit beyond the response buffer */
  /* Optional requests (PCIe r6.0 §11.3), listed in REQ_MSGS_SUPPORTED when on;
   * off, they are answered UNSUPPORTED_REQUEST in every state. p2p needs the
   * BIND_P2P lock flag among lock_flags_supported (OT_E_ARG otherwise). */
  bool p2p;       /* BIND_P2P_STREAM_REQUEST, UNBIND_P2P_STREAM_REQUEST */
  bool mmio_attr; /* SET_MMIO_ATTRIBUTE_REQUEST */
} ot_tdisp_device_config;

/* Initialises dev with no TDIs. ops (stream_secure required) and rng are
 * borrowed. OT_E_ARG for NULL ops/rng/stream_secure or undefined lock flags. */
OT_RESULT ot_tdisp_device_init(ot_tdisp_device *dev, const ot_tdisp_device_config *cfg,
                               ot_tdisp_device_ops *ops, ot_rng *rng);
/* Adds a TDI in CONFIG_UNLOCKED for desc (borrowed). OT_E_EXISTS for a second TDI
 * on the same function, OT_E_NO_SPACE past OT_TDISP_MAX_TDIS, OT_E_ARG for a
 * desc over the report limits or a FUNCTION_ID with reserved bits. */
OT_RESULT ot_tdisp_device_add_tdi(ot_tdisp_device *dev, const ot_tdisp_tdi_desc *desc,
                                  ot_tdisp_tdi **out);
/* The TDI of function_id, or NULL. */
ot_tdisp_tdi *ot_tdisp_device_find(ot_tdisp_device *dev, uint32_t function_id);

/* Delivers an event (table in src/tdisp/state.c); returns the resulting state. */
ot_tdisp_state ot_tdisp_tdi_event(ot_tdisp_tdi *tdi, ot_tdisp_event ev);

/* The request the SPDM responder hands over, and where it came from. */
typedef struct ot_tdisp_vdm_ctx {
  bool in_session;     /* the VDM arrived inside a secured SPDM session */
  uint32_t session_id; /* that session (informational) */
} ot_tdisp_vdm_ctx;

/*
 * The SPDM responder's VENDOR_DEFINED handler for (PCI-SIG, 0x0001, protocol 1):
 * req/req_len is the VDM payload (ProtocolID + TDISP request), the answer (the
 * VDM payload of the VENDOR_DEFINED_RESPONSE) goes to rsp[0..*rsp_len).
 *
 * Returns OT_OK with a TDISP response or a TDISP_ERROR in rsp (a malformed or
 * refused request is answered in TDISP terms, PCIe r6.0 §11.3 TDISP_ERROR).
 * Fails, writing nothing and changing nothing, with:
 *  - OT_E_UNEXPECTED when ctx->in_session is false: TDISP is only carried in a
 *    secured session (PCIe r6.0 §11.3); the SPDM responder should answer
 *    ERROR(SessionRequired);
 *  - OT_E_UNSUPPORTED when the ProtocolID is not TDISP, OT_E_TRUNCATED for an
 *    empty payload (misrouted by the caller);
 *  - OT_E_NO_SPACE when rsp cannot hold the answer (rsp_cap >= 64 always
 *    suffices for everything but DEVICE_INTERFACE_REPORT, which is cut to fit).
 */
OT_RESULT ot_tdisp_responder_handle(ot_tdisp_device *dev, const ot_tdisp_vdm_ctx *ctx,
                                    const uint8_t *req, size_t req_len, uint8_t *rsp,
                                    size_t rsp_cap, size_t *rsp_len);

/* ---- Config-space guard (PCIe r6.0 §11.2: locked configuration) ------------------- */

/* One watched DW range, an ot_cfg_hook with a way back to its guard. */
typedef struct ot_tdisp_guard_hook {
  ot_cfg_hook base; /* must be first */
  struct ot_tdisp_guard *guard;
  uint8_t kind;
} ot_tdisp_guard_hook;

#define OT_TDISP_GUARD_HOOKS 4u

/*
 * Watches the TDI's config space (desc->cfg) through ot_cfg_hooks: the Command
 * register, the six BARs, the MSI-X capability (if present) and the PCIe
 * capability's Device Control (if present). While the TDI is CONFIG_LOCKED or
 * RUN, a host write that changes Memory Space Enable, Bus Master Enable, a BAR
 * or (when LOCK_MSIX was requested) an MSI-X capability register raises
 * OT_TDISP_EV_CFG_LOCKED_WRITE; a write of Initiate Function Level Reset raises
 * OT_TDISP_EV_FLR. Uses up to OT_TDISP_GUARD_HOOKS of the space's
 * OT_CFG_MAX_HOOKS. Caller-owned; must outlive the config space's use.
 */
typedef struct ot_tdisp_guard {
  ot_tdisp_tdi *tdi;
  ot_tdisp_guard_hook hooks[OT_TDISP_GUARD_HOOKS];
  size_t hook_count;
} ot_tdisp_guard;

/* Installs the guard. OT_E_ARG if the TDI has no config space; errors of
 * ot_cfg_add_hook (OT_E_EXISTS for a range another hook owns, OT_E_NO_SPACE). */
OT_RESULT ot_tdisp_guard_install(ot_tdisp_guard *g, ot_tdisp_tdi *tdi);

/* ---- TLP acceptance (PCIe r6.0 §11.2; SPEC-FACTS §5.3, §6.5) ----------------------- */

typedef enum ot_tdisp_tlp_dir {
  OT_TDISP_TLP_TO_TDI,   /* a request that targets the TDI's MMIO */
  OT_TDISP_TLP_FROM_TDI, /* a DMA request the TDI issues */
} ot_tdisp_tlp_dir;

/* What the enforcement point knows of one request TLP. */
typedef struct ot_tdisp_tlp {
  ot_tdisp_tlp_dir dir;
  bool t_bit;        /* TEE-originated (inbound) / targets TEE memory (outbound) */
  uint64_t address;  /* inbound: the MMIO address targeted */
  bool on_stream;    /* carried by an IDE stream */
  uint8_t stream_id; /* that stream */
} ot_tdisp_tlp;

typedef enum ot_tdisp_verdict {
  OT_TDISP_ACCEPT,
  OT_TDISP_REJECT_NOT_RUN,    /* T=1 while the TDI is not in RUN */
  OT_TDISP_REJECT_STREAM,     /* T=1 not on the bound stream */
  OT_TDISP_REJECT_INSECURE,   /* T=1 on the bound stream, which is not Secure */
  OT_TDISP_REJECT_TEE_MEM_T0, /* T=0 access to TEE MMIO of a locked TDI */
} ot_tdisp_verdict;

const char *ot_tdisp_verdict_name(ot_tdisp_verdict v);

/*
 * Says whether the TDI accepts (inbound) or may issue (outbound) a request:
 *  - T=1 needs RUN, the TDI's bound stream (DEFAULT_STREAM_ID of the lock) and
 *    that stream Secure (device ops->stream_secure);
 *  - T=0 is refused for inbound accesses to a TEE range of the report (not
 *    IS_NON_TEE_MEM) while the TDI is CONFIG_LOCKED, RUN or ERROR, and accepted
 *    otherwise (shared memory and an unlocked function are the host's business).
 */
ot_tdisp_verdict ot_tdisp_tlp_check(const ot_tdisp_tdi *tdi, const ot_tdisp_tlp *tlp);

/* ==== Requester (TSM) side ====================================================== */

typedef struct ot_tdisp_transport ot_tdisp_transport;
/*
 * Sends one VDM payload (ProtocolID + TDISP request) inside SPDM session
 * `session_id` and returns the response's VDM payload. Implementations embed
 * this as their first member.
 */
struct ot_tdisp_transport {
  ot_status (*exchange)(ot_tdisp_transport *t, uint32_t session_id, const uint8_t *req,
                        size_t req_len, uint8_t *rsp, size_t rsp_cap, size_t *rsp_len);
};

#define OT_TDISP_REQ_BUF 1024u

/* One requester per TDI. Holds the START nonce between LOCK and START. */
typedef struct ot_tdisp_requester {
  ot_tdisp_transport *t;
  uint32_t session_id;
  uint32_t function_id;
  ot_tdisp_caps caps;
  bool have_caps;
  uint8_t nonce[OT_TDISP_NONCE_SIZE];
  bool have_nonce;
  ot_tdisp_error last_error; /* the peer's last TDISP_ERROR (ext not kept) */
  uint8_t rsp[OT_TDISP_REQ_BUF];
} ot_tdisp_requester;

/* Initialises r for the TDI function_id over t inside session_id (both borrowed). */
OT_RESULT ot_tdisp_req_init(ot_tdisp_requester *r, ot_tdisp_transport *t, uint32_t session_id,
                            uint32_t function_id);
/* Wipes the held nonce and everything else. */
void ot_tdisp_req_reset(ot_tdisp_requester *r);

/*
 * Each call sends one request and checks the answer: the response code must
 * be the request's (OT_E_UNEXPECTED), the version 0x10 and the FUNCTION_ID the
 * TDI's (OT_E_MALFORMED); a TDISP_ERROR fails with OT_E_PEER_ERROR and is kept
 * in r->last_error; transport failures come back as they are.
 */
/* GET_TDISP_VERSION: the device must offer 0x10 (OT_E_NEGOTIATION otherwise). */
OT_RESULT ot_tdisp_req_get_version(ot_tdisp_requester *r);
OT_RESULT ot_tdisp_req_get_capabilities(ot_tdisp_requester *r, uint32_t tsm_caps,
                                        ot_tdisp_caps *out);
/* LOCK_INTERFACE_REQUEST; keeps the returned nonce for START. With capabilities
 * known, flags outside LOCK_INTERFACE_FLAGS_SUPPORTED fail first with OT_E_ARG. */
OT_RESULT ot_tdisp_req_lock(ot_tdisp_requester *r, const ot_tdisp_lock_params *p);
/*
 * Fetches the whole report in pieces of at most `piece` bytes (1..0xFFFF;
 * 0xFFFF asks for "all that fits") into buf, checking each PORTION_LENGTH
 * (1..piece) and that REMAINDER_LENGTH counts down consistently
 * (OT_E_MALFORMED), then parses it into *rep (borrowing buf).
 */
OT_RESULT ot_tdisp_req_get_report(ot_tdisp_requester *r, uint16_t piece, uint8_t *buf, size_t cap,
                                  size_t *len, ot_tdisp_report *rep);
OT_RESULT ot_tdisp_req_get_state(ot_tdisp_requester *r, ot_tdisp_state *out);
/* START_INTERFACE_REQUEST with the nonce from LOCK (OT_E_STATE if none); the
 * nonce is wiped whatever the answer. */
OT_RESULT ot_tdisp_req_start(ot_tdisp_requester *r);
OT_RESULT ot_tdisp_req_stop(ot_tdisp_requester *r);

/* What the TSM knows of the device, to hold a report against. */
typedef struct ot_tdisp_expect {
  const ot_tdisp_mmio_range *mmio; /* physical ranges in report order */
  uint32_t mmio_count;
  uint64_t mmio_reporting_offset; /* the offset the lock asked for */
  uint16_t lock_flags;            /* the flags the lock asked for */
} ot_tdisp_expect;

/*
 * Checks a parsed report against exp: the same number of ranges, each with
 * FIRST_PAGE = physical + offset, the same page count, attributes and range ID;
 * with NO_FW_UPDATE locked the report's INTERFACE_INFO must say so.
 * OT_E_POLICY on any difference.
 */
OT_RESULT ot_tdisp_report_check(const ot_tdisp_report *rep, const ot_tdisp_expect *exp);

#endif /* OPENTSM_TDISP_H */
