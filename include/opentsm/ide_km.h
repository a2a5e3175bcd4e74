/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * IDE_KM, the IDE key management protocol (PCIe r6.0 §6.33.3, from the IDE
 * ECN), in both roles: the codec of its objects, the device-side responder
 * that installs keys into the port's IDE engine, and the TSM-side requester.
 * Wire constants are in opentsm/spec/ide_km.h.
 * @layer ide_km
 *
 * Seams. IDE_KM travels in SPDM VENDOR_DEFINED_REQUEST/RESPONSE messages
 * (PCI-SIG registry, Vendor ID 0001h, Protocol ID 00h; SPEC-FACTS §2.14)
 * inside a secured SPDM session only. This layer does no I/O and knows
 * nothing of sessions; it works on the VDM payload, i.e. the Protocol ID
 * byte followed by one IDE_KM object:
 *  - responder: ot_ide_km_respond() maps one request payload to one response
 *    payload, told by the caller whether the message arrived inside a secured
 *    session (outside: refused, nothing changes);
 *  - requester: every exchange goes through one callback, "send this payload
 *    inside session S and give me the response payload" (ot_ide_km_transport);
 *  - ot_ide_km_vdm_encode / _decode put a payload into, or take it out of, a
 *    whole SPDM VENDOR_DEFINED message for transports that carry those.
 *
 * Keys. The requester builds KEY_PROG from key material the caller (TSM)
 * generated, in a buffer it marks secret and wipes after the exchange. The
 * responder installs the key into the port's engine (the engine keeps only
 * the keyed cipher context) and wipes the request buffer that carried it and
 * every copy it made; nothing ever returns a key. K_SET_STOP and disabling
 * the stream zeroize the installed key set (opentsm/ide.h).
 *
 * Direction. KeySubStream bit 1 names the direction from the view of the
 * port receiving KEY_PROG (SPEC-FACTS §4.1): RX keys go into the port's
 * receive engine (ot_ide_rx), TX keys into its transmit engine (ot_ide_tx).
 * So the device's RX key of a sub-stream is the root port's TX key and vice
 * versa (SPEC-FACTS §4.2 step 5).
 */
#ifndef OPENTSM_IDE_KM_H
#define OPENTSM_IDE_KM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opentsm/bits.h"
#include "opentsm/cursor.h"
#include "opentsm/ide.h"
#include "opentsm/ide_regs.h"
#include "opentsm/spec/ide_km.h"
#include "opentsm/status.h"

/* ---- KeySubStream ------------------------------------------------------------------ */

typedef enum ot_ide_km_dir {
  OT_IDE_KM_RX = OT_IDE_KM_KSS_DIR_RX,
  OT_IDE_KM_TX = OT_IDE_KM_KSS_DIR_TX,
} ot_ide_km_dir;

/* The KeySubStream byte for (key set, direction, sub-stream) (SPEC-FACTS §4.1). */
static inline uint8_t ot_ide_km_kss(uint8_t key_set, ot_ide_km_dir dir, ot_ide_substream sub) {
  return (uint8_t)(OT_FIELD_PREP(OT_IDE_KM_KSS_KEY_SET, key_set) |
                   OT_FIELD_PREP(OT_IDE_KM_KSS_DIR, (uint32_t)dir) |
                   OT_FIELD_PREP(OT_IDE_KM_KSS_SUB, (uint32_t)sub));
}

/* ---- codec: VDM payload = Protocol ID + object --------------------------------------- */

typedef struct ot_ide_km_query_resp {
  uint8_t port_index;
  uint8_t dev_func; /* DevFuncNum */
  uint8_t bus;      /* BusNum */
  uint8_t segment;
  uint8_t max_port_index;
  size_t reg_count;    /* DWs of the IDE register block (from the length, SPEC-FACTS T16) */
  const uint8_t *regs; /* reg_count little-endian DWs, borrowed from the decoded span */
} ot_ide_km_query_resp;

/* The i-th register DW of a QUERY_RESP (i < reg_count). */
uint32_t ot_ide_km_query_resp_reg(const ot_ide_km_query_resp *q, size_t i);

/* KEY_PROG. km holds the key (secret): whoever fills or decodes one wipes it. */
typedef struct ot_ide_km_key_prog_msg {
  uint8_t stream_id;
  uint8_t kss; /* KeySubStream byte */
  uint8_t port_index;
  ot_ide_key_material km;
} ot_ide_km_key_prog_msg;

/* KP_ACK, K_SET_GO, K_SET_STOP, K_GOSTOP_ACK: the same 7 bytes; status only in KP_ACK. */
typedef struct ot_ide_km_ref {
  uint8_t stream_id;
  uint8_t kss;
  uint8_t port_index;
  uint8_t status; /* KP_ACK Status (OT_IDE_KM_KP_*); 0 and unused otherwise */
} ot_ide_km_ref;

/*
 * Encoders append Protocol ID + object to w (OT_E_NO_SPACE when it does not
 * fit; nothing meaningful is left in w then). Decoders take a reader over
 * exactly one payload: OT_E_TRUNCATED if short, OT_E_TRAILING if longer
 * (every IDE_KM object has a fixed size; QUERY_RESP's register block must be
 * whole DWs: OT_E_MALFORMED), OT_E_UNSUPPORTED for a Protocol ID other than
 * IDE_KM, OT_E_UNEXPECTED for another object. Reserved fields are written as
 * zero and ignored on receipt (PCIe r6.0 conventions for Reserved fields).
 * Outputs are written only on success. The KEY_PROG decoder wipes its
 * temporaries; on failure *out is untouched.
 *
 * Key layout (SPEC-FACTS §4.1, ✔/✱, kept in this one codec): KEY_PROG
 * carries Key_DW7 first down to Key_DW0, then IFV_DW1, IFV_DW0, each DW
 * little-endian; K[0] (the first key byte a cipher takes) is bits 31:24 of
 * Key_DW7, so the wire starts K[3] K[2] K[1] K[0]. IFV = IFV_DW1:IFV_DW0.
 * The IV fixed field is not carried: decoding sets OT_IDE_IV_FIXED_PCIE.
 */
OT_RESULT ot_ide_km_encode_query(ot_writer *w, uint8_t port_index);
OT_RESULT ot_ide_km_decode_query(ot_reader *r, uint8_t *port_index);
OT_RESULT ot_ide_km_encode_query_resp(ot_writer *w, const ot_ide_km_query_resp *m,
                                      const uint32_t *regs);
OT_RESULT ot_ide_km_decode_query_resp(ot_reader *r, ot_ide_km_query_resp *out);
OT_RESULT ot_ide_km_encode_key_prog(ot_writer *w, const ot_ide_km_key_prog_msg *m);
OT_RESULT ot_ide_km_decode_key_prog(ot_reader *r, ot_ide_km_key_prog_msg *out);
/* object: OT_IDE_KM_KP_ACK, _K_SET_GO, _K_SET_STOP or _K_GOSTOP_ACK (OT_E_ARG otherwise). */
OT_RESULT ot_ide_km_encode_ref(ot_writer *w, uint8_t object, const ot_ide_km_ref *m);
OT_RESULT ot_ide_km_decode_ref(ot_reader *r, uint8_t object, ot_ide_km_ref *out);

/*
 * The Object ID of a payload after checking its Protocol ID: OT_E_TRUNCATED
 * for fewer than 2 bytes, OT_E_UNSUPPORTED for another protocol.
 */
OT_RESULT ot_ide_km_object_id(const uint8_t *payload, size_t len, uint8_t *object);

/* Short name of an object ("KEY_PROG"), "UNKNOWN" otherwise. */
const char *ot_ide_km_object_name(uint8_t object);

/* ---- SPDM VENDOR_DEFINED framing (SPEC-FACTS §2.14) ---------------------------------- */

/*
 * Appends a whole VENDOR_DEFINED_REQUEST (request = true) or _RESPONSE with
 * SPDMVersion `version` (0x12 / 0x13), the PCI-SIG registry, Vendor ID 0001h
 * and payload[0..len) (OT_E_TOO_LARGE above 65535 bytes).
 */
OT_RESULT ot_ide_km_vdm_encode(ot_writer *w, uint8_t version, bool request, const uint8_t *payload,
                               size_t len);
/*
 * Takes the payload out of one whole VENDOR_DEFINED message (rules of the
 * SPDM codec: version, code, exact length), checking it is IDE_KM: PCI-SIG
 * registry, Vendor ID 0001h and Protocol ID 00h (OT_E_UNSUPPORTED
 * otherwise). *payload points into the reader's span.
 */
OT_RESULT ot_ide_km_vdm_decode(ot_reader *r, uint8_t version, bool request, const uint8_t **payload,
                               size_t *len);

/* ---- responder (device side) --------------------------------------------------------- */

/* One IDE-capable port the device security manager answers for. */
typedef struct ot_ide_km_port {
  ot_ide_regs *regs; /* its IDE capability and engines (borrowed) */
  uint8_t dev_func;  /* QUERY_RESP DevFuncNum, BusNum, Segment */
  uint8_t bus;
  uint8_t segment;
} ot_ide_km_port;

/* PortIndex i addresses ports[i]; MaxPortIndex is count - 1 (SPEC-FACTS §4.1). */
typedef struct ot_ide_km_responder {
  ot_ide_km_port *ports; /* borrowed */
  size_t count;          /* 1..256 */
} ot_ide_km_responder;

/* OT_E_ARG for no ports, more than 256, or a port without registers. */
OT_RESULT ot_ide_km_responder_init(ot_ide_km_responder *r, ot_ide_km_port *ports, size_t count);

/*
 * Answers one IDE_KM request payload req[0..req_len) with a response payload
 * in rsp[0..cap) (*rsp_len bytes). in_session says whether the message came
 * inside a secured SPDM session.
 *
 *   QUERY        -> QUERY_RESP with the port's live IDE registers
 *                   (ot_ide_regs_snapshot; Status reflects the engine).
 *   KEY_PROG     -> KP_ACK, always, echoing StreamID/KeySubStream/PortIndex:
 *                   Status 01h Incorrect Length unless the object is exactly
 *                   47 bytes; 02h Unsupported Port for PortIndex > MaxPortIndex;
 *                   03h Unsupported Value for a sub-stream other than PR/NPR/
 *                   CPL, reserved KeySubStream bits set, a Stream ID no block
 *                   of the port holds, or a key set that is GO (stop it first);
 *                   04h Unspecified Failure when the engine cannot install
 *                   (cipher or resources). Status 00h: the key is installed
 *                   into the direction's engine.
 *   K_SET_GO     -> K_GOSTOP_ACK once that key set is GO.
 *   K_SET_STOP   -> K_GOSTOP_ACK once that key set is stopped and zeroized
 *                   (an empty key set is already stopped: acknowledged too).
 *
 * When there is no IDE_KM answer to give, the function fails and writes
 * nothing (*rsp_len = 0), so the caller answers with an SPDM ERROR:
 *   OT_E_POLICY      not inside a secured session (nothing changes);
 *   OT_E_UNSUPPORTED another Protocol ID or an unknown object;
 *   OT_E_UNEXPECTED  a response object sent as a request;
 *   OT_E_TRUNCATED / OT_E_TRAILING  a QUERY or K_SET_* of the wrong size;
 *   OT_E_NOT_FOUND   QUERY or K_SET_* for PortIndex > MaxPortIndex, or
 *                    K_SET_* for a stream the port does not hold;
 *   OT_E_MALFORMED   K_SET_* with a bad KeySubStream;
 *   OT_E_STATE       K_SET_GO for a key set that was never programmed;
 *   OT_E_NO_SPACE    rsp too small (nothing changed).
 *
 * A request whose Object ID is KEY_PROG is wiped in req[] on every path,
 * success or not (req is the caller's buffer, hence not const).
 */
OT_RESULT ot_ide_km_respond(ot_ide_km_responder *r, bool in_session, uint8_t *req, size_t req_len,
                            uint8_t *rsp, size_t cap, size_t *rsp_len);

/* The largest response payload this responder can produce (a QUERY_RESP). */
#define OT_IDE_KM_RSP_MAX                                                                          \
  (OT_IDE_KM_PROTOCOL_ID_SIZE + OT_IDE_KM_QUERY_RESP_FIXED +                                       \
   4u * OT_IDE_KM_REG_DWS(OT_IDE_MAX_STREAMS, OT_IDE_MAX_STREAMS, OT_IDE_MAX_ADDR_BLOCKS))

/* ---- requester (TSM side) ------------------------------------------------------------ */

typedef struct ot_ide_km_transport ot_ide_km_transport;

/*
 * An implementation embeds this first. exchange() sends req[0..req_len) (a
 * VDM payload) inside secured session session_id and returns the response
 * payload in rsp[0..cap), *rsp_len bytes. It must fail rather than send
 * outside the session. req may hold key material: do not log or keep it.
 */
struct ot_ide_km_transport {
  ot_status (*exchange)(ot_ide_km_transport *t, uint32_t session_id, const uint8_t *req,
                        size_t req_len, uint8_t *rsp, size_t cap, size_t *rsp_len);
};

typedef struct ot_ide_km_requester {
  ot_ide_km_transport *transport; /* borrowed */
  uint32_t session_id;
} ot_ide_km_requester;

void ot_ide_km_requester_init(ot_ide_km_requester *q, ot_ide_km_transport *t, uint32_t session_id);

/*
 * Every call sends one request and checks the answer completely: the
 * payload decodes as the expected object (codec errors as above,
 * OT_E_UNEXPECTED for another object), PortIndex/StreamID/KeySubStream echo
 * the request (OT_E_UNEXPECTED otherwise), and for KP_ACK the Status is 00h
 * (OT_E_PEER_ERROR otherwise; *status, if not NULL, gets the Status).
 * Transport errors are passed through.
 */

/* QUERY. The response is kept in buf[0..cap), which out's register pointer borrows;
 * MaxPortIndex below PortIndex is OT_E_MALFORMED. */
OT_RESULT ot_ide_km_query(ot_ide_km_requester *q, uint8_t port_index, uint8_t *buf, size_t cap,
                          ot_ide_km_query_resp *out);
/*
 * What a QUERY_RESP's IDE register block (PCIe r6.0 §7.9.26.2-5) offers for a
 * new Selective IDE Stream. A block that is all zero is not a register image
 * (a port answering IDE_KM has IDE_KM Protocol Supported set) but a device
 * that reports none (DMTF's sample device): *unreported is set, *cap and
 * *stream_id are 0 (the Stream ID a zero Selective IDE Stream Control holds).
 * Otherwise the capability must offer IDE_KM, Selective streams and
 * AES-GCM-256 (OT_E_UNSUPPORTED), and the first Selective block not enabled
 * gives its Stream ID (OT_E_NO_SPACE if every block is enabled,
 * OT_E_MALFORMED if the block is shorter than the capability says).
 */
OT_RESULT ot_ide_km_query_pick_stream(const ot_ide_km_query_resp *q, uint32_t *cap,
                                      uint8_t *stream_id, bool *unreported);

/* KEY_PROG of km for (stream, kss) at port_index. The caller keeps and wipes km. */
OT_RESULT ot_ide_km_key_prog(ot_ide_km_requester *q, uint8_t port_index, uint8_t stream_id,
                             uint8_t kss, const ot_ide_key_material *km, uint8_t *status);
OT_RESULT ot_ide_km_key_set_go(ot_ide_km_requester *q, uint8_t port_index, uint8_t stream_id,
                               uint8_t kss);
OT_RESULT ot_ide_km_key_set_stop(ot_ide_km_requester *q, uint8_t port_index, uint8_t stream_id,
                                 uint8_t kss);

/*
 * The whole key programming of one key set of a stream (SPEC-FACTS §4.2
 * steps 4 and 6): KEY_PROG for RX PR, NPR, CPL then TX PR, NPR, CPL
 * (rx[sub] / tx[sub] from the device's view), then K_SET_GO in the same
 * order, receivers first. Stops at the first failure (already-programmed key
 * sets are left for ot_ide_km_stop_stream).
 */
OT_RESULT ot_ide_km_program_stream(ot_ide_km_requester *q, uint8_t port_index, uint8_t stream_id,
                                   uint8_t key_set,
                                   const ot_ide_key_material rx[static OT_IDE_NUM_SUBSTREAMS],
                                   const ot_ide_key_material tx[static OT_IDE_NUM_SUBSTREAMS]);
/* K_SET_STOP for all six of a key set, in the same order; tries all, returns the first error. */
OT_RESULT ot_ide_km_stop_stream(ot_ide_km_requester *q, uint8_t port_index, uint8_t stream_id,
                                uint8_t key_set);

#endif /* OPENTSM_IDE_KM_H */
