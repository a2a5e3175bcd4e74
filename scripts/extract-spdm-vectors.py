#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Extracts the plain SPDM messages (DOE data object type 1) of the recorded
spdm-emu flows into one file each, for the SPDM codec's known-answer tests.

For every tests/vectors/spdm-emu/<flow>/flow.pcap this writes
tests/vectors/spdm-emu/<flow>/spdm/NNN-<req|rsp>-<code>.bin, where NNN is the
1-based record number in the pcap (the same numbering as spdm_dump.txt), req/rsp
comes from the SPDM code (bit 7 set = request) and <code> is the two-digit hex
RequestResponseCode. Each file is the DOE payload exactly as recorded: the SPDM
message followed by the 0-3 zero bytes of DOE padding (see the README written
beside them). Discovery (type 0) and secured (type 2) objects are skipped.

Usage: scripts/extract-spdm-vectors.py [VECTOR_DIR]   (default tests/vectors/spdm-emu)
"""
import os
import struct
import sys

PCAP_MAGIC = 0xA1B2C3D4
LINKTYPE_PCI_DOE = 292
DOE_TYPE_SPDM = 1  # PCIe r6.0 sec 6.30.1; DSP0276 assigns type 1 to SPDM


def doe_objects(path):
    """Yields (record number, DOE type, payload) for each pcap record."""
    with open(path, "rb") as f:
        data = f.read()
    magic, _vmaj, _vmin, _tz, _sig, _snap, link = struct.unpack_from("<IHHiIII", data, 0)
    if magic != PCAP_MAGIC or link != LINKTYPE_PCI_DOE:
        raise SystemExit(f"{path}: not a little-endian PCI DOE pcap")
    off, num = 24, 0
    while off < len(data):
        _sec, _usec, incl, _orig = struct.unpack_from("<IIII", data, off)
        off += 16
        rec = data[off:off + incl]
        off += incl
        num += 1
        if len(rec) < 8:
            raise SystemExit(f"{path}: record {num} shorter than a DOE header")
        _vendor, dtype, _rsvd, dwords = struct.unpack_from("<HBBI", rec, 0)
        if dwords * 4 != len(rec):
            raise SystemExit(f"{path}: record {num}: DOE length {dwords} DW != {len(rec)} bytes")
        yield num, dtype, rec[8:]


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "tests", "vectors", "spdm-emu")
    for flow in sorted(os.listdir(root)):
        pcap = os.path.join(root, flow, "flow.pcap")
        if not os.path.isfile(pcap):
            continue
        out = os.path.join(root, flow, "spdm")
        os.makedirs(out, exist_ok=True)
        for name in os.listdir(out):
            if name.endswith(".bin"):
                os.remove(os.path.join(out, name))
        count = 0
        for num, dtype, payload in doe_objects(pcap):
            if dtype != DOE_TYPE_SPDM:
                continue
            code = payload[1]
            kind = "req" if code & 0x80 else "rsp"
            with open(os.path.join(out, f"{num:03d}-{kind}-{code:02x}.bin"), "wb") as f:
                f.write(payload)
            count += 1
        print(f"{flow}: {count} SPDM messages")


if __name__ == "__main__":
    main()
