"""Tiny PNG helpers for the E2E tests (no imaging library on the CI machine): write a solid or
noisy RGB picture, and read an 8-bit RGB/RGBA non-interlaced PNG back into pixels."""

import os
import struct
import zlib


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def solid_png(width, height, rgb):
    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row * height, 6))
        + _chunk(b"IEND", b"")
    )


def noisy_png(width, height, rgb):
    """`rgb` with noise of ±15 on every channel: compresses badly, so it takes a moment to
    prepare and send (the "uploading" screenshot)."""
    tables = [bytes(max(0, min(255, v - 15 + b % 31)) for b in range(256)) for v in rgb]
    rows = []
    for _ in range(height):
        noise = os.urandom(width * 3)
        line = bytearray(width * 3)
        for c in range(3):
            line[c::3] = noise[c::3].translate(tables[c])
        rows.append(b"\x00" + bytes(line))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 1))
        + _chunk(b"IEND", b"")
    )


def read_png(data):
    """(width, height, channels, rows as bytes per row) of an 8-bit RGB/RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def share_near(data, rgb, tolerance=40):
    """The share of the picture's pixels within `tolerance` of `rgb` on every channel."""
    width, height, channels, rows = read_png(data)
    near = 0
    for row in rows:
        for x in range(0, width * channels, channels):
            if all(abs(row[x + c] - rgb[c]) <= tolerance for c in range(3)):
                near += 1
    return near / (width * height)
