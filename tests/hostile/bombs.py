"""Compression bombs for the hostile servers, built in about a second and cached for the session."""

from __future__ import annotations

import functools
import gzip
import struct
import zlib

MIB = 1 << 20


@functools.cache
def nested_gzip_bomb(decoded_mib: int = 3072, layers: int = 3) -> bytes:
    """`layers` of gzip around `decoded_mib` MiB of zeros, built in about a second.

    The innermost layer repeats one fully-flushed deflate block per MiB (a full flush resets the
    compressor, so every later MiB compresses to the same bytes); its CRC is computed honestly.
    """
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    zeros = bytes(MIB)
    block = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    last = deflate.compress(zeros) + deflate.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(decoded_mib):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    body = header + block * (decoded_mib - 1) + last + struct.pack("<II", crc, (decoded_mib * MIB) & 0xFFFFFFFF)
    for _ in range(layers - 1):
        body = gzip.compress(body, compresslevel=9, mtime=0)
    return body
