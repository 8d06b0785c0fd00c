#!/usr/bin/env bash
# vmsim script: the TLB as `translate` sees it, against a plain model of a
# set-associative, ASID-tagged TLB with the geometry given on the command line.
source "$(dirname "$0")/script_lib.bash"

# Direct-mapped, 1 set: every new page evicts the previous one.
vs --tlb-sets 1 --tlb-ways 1 <<'EOS'
proc a
map a 0x400000 8K rw- anon private
write a 0x400000 "x"
write a 0x401000 "y"
translate a 0x400000
translate a 0x400000
translate a 0x401000
translate a 0x400000
EOS
expect_rc 0
got=$(grep -oE '^  tlb: (hit|miss)' "$out" | awk '{print $2}' | tr '\n' ' ')
[ "$got" = "miss hit miss miss " ] ||
    fail "1x1 TLB: got '$got'"

# 64 sets x 1 way: pages 0x400000 and 0x401000 use different sets, both
# stay; a second process (another ASID) misses on the same address.
vs --tlb-sets 64 --tlb-ways 1 <<'EOS'
proc a
proc b
map a 0x400000 8K rw- anon private
map b 0x400000 8K rw- anon private
translate a 0x400000
translate a 0x401000
translate a 0x400000
translate a 0x401000
translate b 0x400000
translate a 0x400000
show stats tlb_hits tlb_misses
EOS
expect_rc 0
got=$(grep -oE '^  tlb: (hit|miss)' "$out" | awk '{print $2}' | tr '\n' ' ')
# b's miss fills set 0 and evicts a's entry (1 way): a misses again.
[ "$got" = "miss miss hit hit miss miss " ] || fail "64x1 TLB: got '$got'"

# Same with 2 ways: a's entry survives b's fill.
vs --tlb-sets 64 --tlb-ways 2 <<'EOS'
proc a
proc b
map a 0x400000 4K rw- anon private
map b 0x400000 4K rw- anon private
translate a 0x400000
translate b 0x400000
translate a 0x400000
translate b 0x400000
EOS
expect_rc 0
got=$(grep -oE '^  tlb: (hit|miss)' "$out" | awk '{print $2}' | tr '\n' ' ')
[ "$got" = "miss miss hit hit " ] || fail "64x2 TLB: got '$got'"

# munmap flushes: a translate after unmap+map of the same address walks again.
vs <<'EOS'
proc a
map a 0x400000 4K rw- anon private
translate a 0x400000
translate a 0x400000
unmap a 0x400000 4K
map a 0x400000 4K rw- anon private
translate a 0x400000
EOS
expect_rc 0
got=$(grep -oE '^  tlb: (hit|miss)' "$out" | awk '{print $2}' | tr '\n' ' ')
[ "$got" = "miss hit miss " ] || fail "flush on munmap: got '$got'"
echo ok
