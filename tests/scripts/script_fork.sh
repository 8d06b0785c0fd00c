#!/usr/bin/env bash
# vmsim script: fork copies page tables, not pages. Private pages are shared
# read-only until the first write, which copies (copy-on-write); the last
# sharer to write takes the page without a copy (Linux's do_wp_page reuse).
# MAP_SHARED memory stays shared across fork.
source "$(dirname "$0")/script_lib.bash"

vs <<'EOS'
proc a
map a 0x400000 8K rw- anon private
write a 0x400000 "parent"
write a 0x401000 "second"
fork a b
translate a 0x400000
translate b 0x400000
show stats b cow_faults cow_copies
write b 0x400000 "child!"
show stats b cow_faults cow_copies
translate a 0x400000
translate b 0x400000
read a 0x400000 6
read b 0x400000 6
write a 0x400000 "PARENT"
show stats a cow_faults cow_copies
translate a 0x400000
read b 0x401000 6
translate a 0x401000
translate b 0x401000
EOS
expect_rc 0
no_errors
a1=$(pfn a 0x400000 1) b1=$(pfn b 0x400000 1)
a2=$(pfn a 0x400000 2) b2=$(pfn b 0x400000 2) a3=$(pfn a 0x400000 3)
[ -n "$a1" ] && [ "$a1" = "$b1" ] || fail "after fork: same frame expected ($a1, $b1)"
[ "$(kv cow_faults 1)" = 0 ] && [ "$(kv cow_copies 1)" = 0 ] || fail "fork itself copied"
[ "$(kv cow_faults 2)" = 1 ] && [ "$(kv cow_copies 2)" = 1 ] || fail "child write: 1 COW copy"
[ "$a2" = "$a1" ] || fail "the parent keeps its frame ($a1 -> $a2)"
[ "$b2" != "$a2" ] || fail "the child has its own frame now"
expect_line '"parent"'
expect_line '"child!"'
# a is now the only mapper: its write breaks COW by taking the page, no copy.
[ "$(kv cow_faults 3)" = 1 ] && [ "$(kv cow_copies 3)" = 0 ] || fail "parent write: reuse"
[ "$a3" = "$a1" ] || fail "reuse keeps the frame ($a1 -> $a3)"
# The page nobody wrote is still one frame.
expect_line '"second"'
[ "$(pfn a 0x401000)" = "$(pfn b 0x401000)" ] || fail "untouched page shared"

# Every byte moves: four pages of distinct patterns (pagepat.py), a COW
# break in the middle of page 1 by the child, at the end of page 2 by the
# parent, then the parent (sole mapper) takes page 1 over. Every byte of
# all four pages of both processes is read back after each step. Each
# writer reads its page first, so the TLB holds the shared frame when the
# break must replace it.
pp="python3 $(dirname "$0")/pagepat.py"
reads() { local p i; for p in a b; do for i in 0 1 2 3; do echo "read $p 0x40${i}000 4096"; done; done; }
{
    echo "proc a"
    echo "map a 0x400000 16K rw- anon private"
    $pp write a 0x400000 10 4
    echo "fork a b"
    echo "read b 0x401000 4096"
    echo 'write b 0x401800 "child!"'
    reads
    echo "read a 0x402000 4096"
    echo 'write a 0x402ffa "parent"'
    reads
    echo 'write a 0x401000 "P"'
    reads
    echo "show stats cow_faults cow_copies"
} >"$tmp/whole"
vs "$tmp/whole"
expect_rc 0
no_errors
child=11@2048=$(printf 'child!' | od -An -tx1 | tr -d ' \n')
parent=12@4090=$(printf 'parent' | od -An -tx1 | tr -d ' \n')
$pp check "$out" 11 10 11 12 13 10 "$child" 12 13 \
    12 10 11 "$parent" 13 10 "$child" 12 13 \
    10 11@0=50 "$parent" 13 10 "$child" 12 13 || fail "whole pages after COW breaks"
[ "$(kv cow_faults)" = 3 ] && [ "$(kv cow_copies)" = 2 ] || fail "3 COW faults, 2 copies"

# Three generations, one write each: exactly one copy per writer except the last.
vs <<'EOS'
proc a
map a 0x400000 4K rw- anon private
write a 0x400000 "0"
fork a b
fork b c
write c 0x400000 "c"
write b 0x400000 "b"
write a 0x400000 "a"
show stats cow_faults cow_copies
read a 0x400000 1
read b 0x400000 1
read c 0x400000 1
EOS
expect_rc 0
[ "$(kv cow_faults)" = 3 ] || fail "three COW faults"
[ "$(kv cow_copies)" = 2 ] || fail "two copies, the last writer takes the page"
expect_line '"a"'; expect_line '"b"'; expect_line '"c"'

# MAP_SHARED anonymous memory is shared with the child, writes both ways.
vs <<'EOS'
proc a
map a 0x400000 4K rw- anon shared
write a 0x400000 "before"
fork a b
write b 0x400000 "AFTER!"
read a 0x400000 6
translate a 0x400000
translate b 0x400000
show stats b cow_faults
EOS
expect_rc 0
expect_line '"AFTER!"'
[ "$(pfn a 0x400000)" = "$(pfn b 0x400000)" ] || fail "shared anon: one frame"
[ "$(kv cow_faults)" = 0 ] || fail "no COW for shared memory"

# Memory untouched before fork is demand-zero in each, independently.
vs <<'EOS'
proc a
map a 0x400000 4K rw- anon private
fork a b
write b 0x400000 "b"
read a 0x400000 1
EOS
expect_rc 0
expect_line '"\000"'

# Every frame comes back when all processes exit.
vs <<'EOS'
show stats free_frames
proc a
map a 0x400000 64K rw- anon private
write a 0x400000 "x"
write a 0x40f000 "y"
fork a b
write b 0x400000 "z"
exit a
exit b
show stats free_frames
EOS
expect_rc 0
[ "$(kv free_frames 1)" = "$(kv free_frames 2)" ] || fail "frames leaked"
echo ok
