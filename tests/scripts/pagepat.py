#!/usr/bin/env python3
"""Whole-page patterns for the `vmsim script` tests (swap_script.sh,
script_fork.sh, script_access.sh): every byte of a page follows from a
stamp, so a test can write distinct pages and check every byte read back.

    pagepat.py write NAME ADDR STAMP [PAGES]
        `write NAME ADDR 0x...` lines that fill PAGES pages (default 1) from
        ADDR with stamps STAMP, STAMP+1, ...
    pagepat.py check OUT SPEC...
        the quoted lines of OUT (what `read` printed, in order) must be the
        pages SPEC describes, one each: STAMP (a pattern page), STAMP@OFF=HEX
        (the pattern with the bytes HEX at offset OFF), or zero. Exit 1 with
        the first difference otherwise.
"""
import hashlib
import re
import sys

PAGE = 4096


def pattern(stamp):
    out = bytearray()
    block = 0
    while len(out) < PAGE:
        out += hashlib.sha256(f"vmsim page {stamp} block {block}".encode()).digest()
        block += 1
    return bytes(out[:PAGE])


def decode(lit):
    """The bytes of a C string literal as `read` prints it (printable ASCII,
    \\n \\t \\r \\\\ \\" and \\ooo: all Python escapes too)."""
    assert lit[0] == '"' and lit[-1] == '"', lit[:20]
    return lit[1:-1].encode("latin-1").decode("unicode_escape").encode("latin-1")


def expected(spec):
    if spec == "zero":
        return bytes(PAGE)
    m = re.fullmatch(r"(\d+)(?:@(\d+)=([0-9a-fA-F]+))?", spec)
    if not m:
        raise SystemExit(f"pagepat.py: bad spec {spec!r}")
    page = bytearray(pattern(int(m.group(1))))
    if m.group(2):
        off, patch = int(m.group(2)), bytes.fromhex(m.group(3))
        page[off:off + len(patch)] = patch
    return bytes(page)


def main(argv):
    if argv[1:2] == ["write"] and len(argv) in (5, 6):
        name, addr, stamp = argv[2], int(argv[3], 0), int(argv[4])
        for i in range(int(argv[5]) if len(argv) == 6 else 1):
            print(f"write {name} 0x{addr + i * PAGE:x} 0x{pattern(stamp + i).hex()}")
        return 0
    if argv[1:2] == ["check"] and len(argv) >= 4:
        got = [decode(l.rstrip("\n")) for l in open(argv[2]) if l.startswith('"')]
        specs = argv[3:]
        if len(got) != len(specs):
            print(f"FAIL: {len(got)} pages read back, expected {len(specs)}")
            return 1
        for n, (g, spec) in enumerate(zip(got, specs)):
            want = expected(spec)
            if g != want:
                at = next((i for i in range(min(len(g), len(want))) if g[i] != want[i]),
                          min(len(g), len(want)))
                bad = sum(1 for a, b in zip(g, want) if a != b) + abs(len(g) - len(want))
                print(f"FAIL: read {n + 1} ({spec}): {bad} of {len(want)} bytes differ, "
                      f"the first at offset {at} ({len(g)} bytes read)")
                return 1
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
