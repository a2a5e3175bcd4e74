/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The spdm-emu socket frame codec: pure functions, no I/O (fuzzed by
 * tests/fuzz/fuzz_doe_socket_frame.c). Framing as in spdm-emu
 * spdm_emu_common/command.h: three big-endian u32 then the payload.
 */
#include "opentsm/cursor.h"
#include "opentsm/doe_socket.h"

_Static_assert(OT_SOCK_FRAME_HEADER_SIZE == 3u * 4u, "three u32 fields");
_Static_assert(sizeof(OT_SOCK_CLIENT_HELLO) == OT_SOCK_HELLO_SIZE, "hello includes its NUL");
_Static_assert(sizeof(OT_SOCK_SERVER_HELLO) == OT_SOCK_HELLO_SIZE, "hello includes its NUL");
_Static_assert(OT_SOCK_MAX_PAYLOAD <= UINT32_MAX, "size field is a u32");

/* see doe_socket.h */
bool ot_sock_command_known(uint32_t command) {
  switch (command) {
  case OT_SOCK_CMD_NORMAL:
  case OT_SOCK_CMD_TEST:
  case OT_SOCK_CMD_SHUTDOWN:
  case OT_SOCK_CMD_CONTINUE:
    return true;
  default:
    return false;
  }
}

/* see doe_socket.h */
void ot_sock_frame_header_build(const ot_sock_frame_header *h,
                                uint8_t out[static OT_SOCK_FRAME_HEADER_SIZE]) {
  ot_store_u32be(out, h->command);
  ot_store_u32be(out + 4, h->transport);
  ot_store_u32be(out + 8, h->size);
}

/* see doe_socket.h */
ot_status ot_sock_frame_header_decode(const uint8_t in[static OT_SOCK_FRAME_HEADER_SIZE],
                                      size_t max_payload, ot_sock_frame_header *out) {
  ot_reader r;
  ot_sock_frame_header h;
  ot_reader_init(&r, in, OT_SOCK_FRAME_HEADER_SIZE);
  OT_GUARD(ot_read_u32be(&r, &h.command));
  OT_GUARD(ot_read_u32be(&r, &h.transport));
  OT_GUARD(ot_read_u32be(&r, &h.size));
  /* spdm-emu receive_platform_data: a transport type other than its own is an error. */
  OT_ENSURE(h.transport == OT_SOCK_TRANSPORT_PCI_DOE, OT_E_UNSUPPORTED);
  OT_ENSURE(h.size <= max_payload && h.size <= OT_SOCK_MAX_PAYLOAD, OT_E_TOO_LARGE);
  *out = h;
  return OT_SUCCESS;
}

/* see doe_socket.h */
ot_status ot_sock_frame_decode(const uint8_t *buf, size_t len, ot_sock_frame_header *hdr,
                               const uint8_t **payload) {
  ot_reader r;
  const uint8_t *head, *p;
  ot_sock_frame_header h;
  OT_ENSURE(buf != NULL || len == 0, OT_E_ARG);
  ot_reader_init(&r, buf, len);
  OT_GUARD(ot_read_borrow(&r, OT_SOCK_FRAME_HEADER_SIZE, &head));
  OT_GUARD(ot_sock_frame_header_decode(head, OT_SOCK_MAX_PAYLOAD, &h));
  OT_GUARD(ot_read_borrow(&r, h.size, &p));
  OT_GUARD(ot_reader_finish(&r));
  *hdr = h;
  *payload = p;
  return OT_SUCCESS;
}

/* see doe_socket.h */
ot_status ot_sock_frame_encode(uint32_t command, const uint8_t *payload, size_t len, uint8_t *out,
                               size_t cap, size_t *out_len) {
  ot_writer w;
  OT_ENSURE(payload != NULL || len == 0, OT_E_ARG);
  OT_ENSURE(len <= OT_SOCK_MAX_PAYLOAD, OT_E_TOO_LARGE);
  ot_writer_init(&w, out, cap);
  OT_GUARD(ot_write_u32be(&w, command));
  OT_GUARD(ot_write_u32be(&w, OT_SOCK_TRANSPORT_PCI_DOE));
  OT_GUARD(ot_write_u32be(&w, (uint32_t)len));
  OT_GUARD(ot_write_bytes(&w, payload, len));
  *out_len = ot_writer_len(&w);
  return OT_SUCCESS;
}
