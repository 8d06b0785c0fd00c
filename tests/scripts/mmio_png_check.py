#!/usr/bin/env python3
"""Independent check of vmsim's --fb-out PNG files (tests/scripts/mmio_fb.sh).

A small PNG decoder of its own (zlib from Python, filters per the PNG spec,
8-bit RGB only), so the test does not trust vmsim's libpng writer, and its own
copy of the pattern formula of guest/mmio/pattern.h.

usage: mmio_png_check.py FILE.png W H ROWS
  ROWS: "all" (every pixel is the pattern) or "lower" (rows < H/2 black,
  the rest the pattern)."""
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit(f"{path}: not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        crc = struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0]
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            sys.exit(f"{path}: bad CRC in {kind!r}")
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + n
    w, h, depth, ctype, comp, filt, interlace = hdr
    if (depth, ctype, comp, filt, interlace) != (8, 2, 0, 0, 0):
        sys.exit(f"{path}: unexpected format {hdr}")
    raw = zlib.decompress(idat)
    bpp, stride = 3, w * 3
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        ft = raw[i]
        line = bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ft == 1:
                line[x] = (line[x] + a) & 0xFF
            elif ft == 2:
                line[x] = (line[x] + b) & 0xFF
            elif ft == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xFF
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[x] = (line[x] + pr) & 0xFF
            elif ft != 0:
                sys.exit(f"{path}: bad filter {ft}")
        rows.append(line)
        prev = line
    return w, h, rows


def pattern(x, y):
    return ((x * 5 + y * 3) & 0xFF, (x ^ (y * 7)) & 0xFF, (x * y + 11) & 0xFF)


def main():
    path, w, h, which = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    pw, ph, rows = decode(path)
    if (pw, ph) != (w, h):
        sys.exit(f"{path}: {pw}x{ph}, want {w}x{h}")
    bad = 0
    for y in range(h):
        for x in range(w):
            got = tuple(rows[y][3 * x:3 * x + 3])
            want = (0, 0, 0) if which == "lower" and y < h // 2 else pattern(x, y)
            if got != want:
                if bad < 5:
                    print(f"{path}: pixel ({x},{y}) is {got}, want {want}")
                bad += 1
    if bad:
        sys.exit(f"{path}: {bad} wrong pixels")
    print(f"{path}: all {w * h} pixels right ({which})")


main()
