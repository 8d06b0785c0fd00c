#!/usr/bin/env bash
# --explain[=N]: every narration is checked against arithmetic done here
# (python), not against vmsim's own numbers:
#  - VPN = VA >> 12, VPO = VA & 0xfff, TLBI = VPN mod sets, TLBT = VPN >>
#    log2(sets) for a non-default geometry (--tlb-sets 16 --tlb-ways 2);
#  - each level's VPN[i] = (VA >> (12 + 9i)) & 511; the PTE address of the
#    root level = root PPN (satp, from `translate`) * 4096 + 8 * VPN[3], and
#    of each next level = PPN of the PTE above * 4096 + 8 * VPN[i];
#  - PA = leaf PPN << 12 | VPO, and the leaf PPN equals the frame `translate`
#    reports for the page afterwards;
#  - the kernel's part: demand-zero on the first write, a COW copy after a
#    fork, SIGSEGV outside any region;
#  - the limit: --explain=2 shows two narrations and "explain: limit
#    reached, N more not shown" with N = the other accesses of the script;
#  - vmsim run: narrations + retries that missed the TLB == TLB misses of
#    --stats (every miss is told), and the arithmetic holds for all of them.
source "$(dirname "$0")/script_lib.bash"
command -v python3 >/dev/null || { echo "no python3"; exit 77; }

cat >"$tmp/x.vms" <<'EOF'
proc a
map a 0x400000 16K rw- anon private
write a 0x400123 "hello"
translate a 0x400123
fork a b
write b 0x400fff "z"
translate b 0x400fff
read a 0x7000 1
write a 0x402abc "q"
translate a 0x402abc
EOF
vs --tlb-sets 16 --tlb-ways 2 --explain=0 "$tmp/x.vms"
python3 - "$err" "$out" 16 <<'PY' || fail "explain check failed"
import re, sys
text = open(sys.argv[1]).read(); out = open(sys.argv[2]).read(); sets = int(sys.argv[3])
errs = []
blocks = re.split(r"(?m)^(?=\[explain \d+\])", text)
blocks = [b for b in blocks if b.startswith("[explain")]
# Frames and roots from `translate` (its own output format, on stdout).
frames = {int(a, 16): int(p, 16) for a, p in re.findall(r"^\w+ (0x[0-9a-f]+) -> 0x[0-9a-f]+ pfn=(0x[0-9a-f]+)", out, re.M)}
roots = [int(r, 16) for r in re.findall(r"root pfn=(0x[0-9a-f]+)", out)]
def check_walk(lines, va, root):
    """The walk lines in order; returns the leaf PPN or None."""
    addr_base = root * 4096
    levels = [l for l in lines if l.strip().startswith("level ")]
    expect_level = 3
    for l in levels:
        m = re.search(r"level (\d): VPN\[\d\] = (0x[0-9a-f]+), PTE at PA (0x[0-9a-f]+) = (0x[0-9a-f]+)", l)
        lvl, idx, pa, pte = int(m.group(1)), int(m.group(2), 16), int(m.group(3), 16), int(m.group(4), 16)
        if lvl != expect_level: errs.append(f"level {lvl}, want {expect_level}")
        if idx != (va >> (12 + 9 * lvl)) & 511: errs.append(f"VPN[{lvl}] {idx:#x} for {va:#x}")
        if pa != addr_base + 8 * idx: errs.append(f"PTE address {pa:#x}, want {addr_base + 8*idx:#x}")
        ppn = (pte >> 10) & ((1 << 44) - 1)
        if not pte & 1:
            if "not present" not in l: errs.append("V=0 not called not present")
            return None
        if pte & 0xe:
            return ppn
        addr_base = ppn * 4096
        expect_level -= 1
    return None
seen_kinds = []
for b in blocks:
    lines = b.splitlines()
    m = re.match(r"\[explain \d+\] pid (\d+), line (\d+): (\w[\w ]*) at VA (0x[0-9a-f]+)", lines[0])
    if not m: errs.append(f"bad header {lines[0]}"); continue
    va = int(m.group(4), 16)
    vpn, vpo = va >> 12, va & 0xfff
    m2 = re.search(r"VPN (0x[0-9a-f]+) .*VPO (0x[0-9a-f]+)", b)
    if int(m2.group(1), 16) != vpn or int(m2.group(2), 16) != vpo: errs.append(f"VPN/VPO for {va:#x}: {m2.group(0)}")
    m3 = re.search(r"TLB (\d+) sets x (\d+) ways: TLBI (0x[0-9a-f]+) .*TLBT (0x[0-9a-f]+)", b)
    if int(m3.group(1)) != sets or int(m3.group(2)) != 2: errs.append("geometry")
    if int(m3.group(3), 16) != vpn % sets or int(m3.group(4), 16) != vpn >> (sets.bit_length() - 1):
        errs.append(f"TLBI/TLBT for {va:#x}: {m3.group(0)}")
    root = int(re.search(r"root table at PPN (0x[0-9a-f]+)", b).group(1), 16)
    if root not in roots and va != 0x7000: errs.append(f"root {root:#x} is not one `translate` shows {roots}")
    # The walks: the first one, and the retry's.
    parts = b.split("retry of the")
    leaf = check_walk(parts[0].splitlines(), va, root)
    if len(parts) > 1:
        leaf = check_walk(parts[1].splitlines(), va, root)
    if leaf is not None:
        mpa = re.findall(r"PA = PPN (0x[0-9a-f]+) << 12 \| VPO (0x[0-9a-f]+) = (0x[0-9a-f]+)", b)[-1]
        if int(mpa[0], 16) != leaf or int(mpa[2], 16) != (leaf << 12 | vpo): errs.append(f"PA line {mpa}")
        page = va & ~0xfff
        if va in frames and frames[va] != leaf: errs.append(f"{va:#x}: explained PPN {leaf:#x}, translate says {frames[va]:#x}")
    k = re.search(r"kernel: (.*)", b)
    seen_kinds.append((va, k.group(1) if k else ""))
want = [(0x400123, "demand-zero"), (0x400fff, "COW copy"), (0x7000, "SEGV_MAPERR"), (0x402abc, "demand-zero")]
for va, word in want:
    if not any(v == va and word in k for v, k in seen_kinds): errs.append(f"no '{word}' told for {va:#x}: {seen_kinds}")
if len(blocks) != 7: errs.append(f"{len(blocks)} narrations, want 7 (one per access)")
for e in errs[:10]: print("FAIL:", e)
sys.exit(1 if errs else 0)
PY

# The limit: 7 accesses, 2 shown.
vs --explain=2 "$tmp/x.vms"
[ "$(grep -c '^\[explain ' "$err")" -eq 2 ] || fail "--explain=2 should show 2 narrations"
expect_err '^explain: limit reached, 5 more not shown$'
# Default limit: 50 shown of 60 translations.
{ echo "proc a"; echo "map a 0x400000 4K rw- anon private"; for ((i = 0; i < 60; i++)); do echo "translate a 0x400000 brief"; done; } >"$tmp/many.vms"
vs --explain "$tmp/many.vms"
[ "$(grep -c '^\[explain ' "$err")" -eq 50 ] || fail "--explain should stop at 50"
expect_err '^explain: limit reached, 10 more not shown$'
# To a file, and nothing on stderr.
vs --explain=1 --explain-file "$tmp/x.txt" "$tmp/x.vms"
grep -q '^\[explain 1\]' "$tmp/x.txt" || fail "--explain-file wrote no narration"
! grep -q 'explain' "$err" || fail "--explain-file should keep stderr clean"

# ---- vmsim run: every TLB miss is told ----------------------------------------
prog=$GUEST_DIR/events/touch
[ -x "$prog" ] || { echo "no $prog (make builds the guests)"; exit 77; }
"$VMSIM" run --tlb-sets 16 --tlb-ways 2 --stats --explain=0 --explain-file "$tmp/run.txt" "$prog" 3 >"$out" 2>"$err" ||
    fail "run failed"
python3 - "$tmp/run.txt" "$err" <<'PY' || fail "run explain check failed"
import re, sys
text = open(sys.argv[1]).read(); st = open(sys.argv[2]).read()
misses = int(re.search(r"TLB: \d+ hits, (\d+) misses", st).group(1))
heads = re.findall(r"(?m)^\[explain \d+\] pid \d+, t=\d+ insns: [\w ]+ at VA (0x[0-9a-f]+)$", text)
retries = len(re.findall(r"(?m)^  retry of the [\w ]+: TLB miss$", text))
errs = []
if len(heads) + retries != misses: errs.append(f"{len(heads)} narrations + {retries} retries, --stats says {misses} misses")
for va, vpn, vpo, tlbi, tlbt in re.findall(r"VA (0x[0-9a-f]+): VPN (0x[0-9a-f]+) \(VA >> 12\), VPO (0x[0-9a-f]+) .*\n  TLB 16 sets x 2 ways: TLBI (0x[0-9a-f]+) \(VPN mod 16\), TLBT (0x[0-9a-f]+)", text):
    v = int(va, 16)
    if (int(vpn, 16), int(vpo, 16), int(tlbi, 16), int(tlbt, 16)) != (v >> 12, v & 0xfff, (v >> 12) % 16, v >> 16):
        errs.append(f"split of {va}")
if "demand-zero" not in text or "COW copy" not in text: errs.append("the run's faults are not told")
for e in errs[:10]: print("FAIL:", e)
sys.exit(1 if errs else 0)
PY
exit 0
