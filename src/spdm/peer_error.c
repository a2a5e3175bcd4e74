/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Naming an ERROR response for people (DSP0274 1.3 §10.12 "ERROR", table
 * "Error code and error data"): which request it answered, its ErrorCode by
 * the table's name, and ErrorData, so a refusal says what the device did.
 */
#include <stdio.h>

#include "opentsm/spdm.h"

const char *ot_spdm_error_name(uint8_t code) {
  switch (code) {
  case OT_SPDM_ERR_INVALID_REQUEST: return "InvalidRequest";
  case OT_SPDM_ERR_BUSY: return "Busy";
  case OT_SPDM_ERR_UNEXPECTED_REQUEST: return "UnexpectedRequest";
  case OT_SPDM_ERR_UNSPECIFIED: return "Unspecified";
  case OT_SPDM_ERR_DECRYPT_ERROR: return "DecryptError";
  case OT_SPDM_ERR_UNSUPPORTED_REQUEST: return "UnsupportedRequest";
  case OT_SPDM_ERR_REQUEST_IN_FLIGHT: return "RequestInFlight";
  case OT_SPDM_ERR_INVALID_RESPONSE_CODE: return "InvalidResponseCode";
  case OT_SPDM_ERR_SESSION_LIMIT_EXCEEDED: return "SessionLimitExceeded";
  case OT_SPDM_ERR_SESSION_REQUIRED: return "SessionRequired";
  case OT_SPDM_ERR_RESET_REQUIRED: return "ResetRequired";
  case OT_SPDM_ERR_RESPONSE_TOO_LARGE: return "ResponseTooLarge";
  case OT_SPDM_ERR_REQUEST_TOO_LARGE: return "RequestTooLarge";
  case OT_SPDM_ERR_LARGE_RESPONSE: return "LargeResponse";
  case OT_SPDM_ERR_MESSAGE_LOST: return "MessageLost";
  case OT_SPDM_ERR_INVALID_POLICY: return "InvalidPolicy";
  case OT_SPDM_ERR_VERSION_MISMATCH: return "VersionMismatch";
  case OT_SPDM_ERR_RESPONSE_NOT_READY: return "ResponseNotReady";
  case OT_SPDM_ERR_REQUEST_RESYNCH: return "RequestResynch";
  case OT_SPDM_ERR_OPERATION_FAILED: return "OperationFailed";
  case OT_SPDM_ERR_NO_PENDING_REQUESTS: return "NoPendingRequests";
  case OT_SPDM_ERR_VENDOR_DEFINED: return "VendorDefined";
  default: return "Reserved";
  }
}

const char *ot_spdm_peer_error_text(const ot_spdm_peer_error *e, char *buf, size_t cap) {
  if (buf == NULL || cap == 0) return "";
  buf[0] = '\0';
  if (e == NULL || !e->valid) return buf;
  int n = snprintf(buf, cap, "device answered ERROR %s (0x%02x, data 0x%02x) to %s",
                   ot_spdm_error_name(e->code), e->code, e->data, ot_spdm_code_name(e->request));
  if (n < 0 || (size_t)n >= cap) return buf;
  /* A request that never became ready or never stopped being Busy. */
  if (e->deadline)
    (void)snprintf(buf + n, cap - (size_t)n, ", still %s when the deadline came (%u retries)",
                   e->code == OT_SPDM_ERR_BUSY ? "busy" : "not ready", e->retries);
  else if (e->retries > 0)
    (void)snprintf(buf + n, cap - (size_t)n, ", still %s after %u %s",
                   e->code == OT_SPDM_ERR_BUSY ? "busy" : "not ready", e->retries,
                   e->code == OT_SPDM_ERR_BUSY ? "retries" : "RESPOND_IF_READY");
  return buf;
}

const char *ot_spdm_requester_why(const ot_spdm_requester *q, ot_status st, char *buf, size_t cap) {
  const ot_spdm_peer_error *e = ot_spdm_requester_last_error(q);
  /* Only the ERROR that st came from: any other failure speaks for itself. */
  bool from_error = e != NULL && (ot_is(st, ot_spdm_error_status(e->code).code) ||
                                  (e->deadline && ot_is(st, OT_E_TIMEOUT)));
  if (!from_error || buf == NULL || cap == 0) return ot_status_message(st);
  return ot_spdm_peer_error_text(e, buf, cap);
}
