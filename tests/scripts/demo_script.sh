#!/usr/bin/env bash
# vmsim demo --script (the built-in script, no CPU): runs clean and its
# numbers prove Figure 9.9's claims: private
# pages on different frames, a shared page on one frame, the kernel half
# shared, fork sharing until a write, contiguous pages on scattered frames.
source "$(dirname "$0")/script_lib.bash"

rc=0
"$VMSIM" demo --script >"$out" 2>"$err" || rc=$?
expect_rc 0
no_errors
n=$(wc -l <"$out")
[ "$n" -le 160 ] || fail "demo prints $n lines (keep it under ~150)"
grep -q '^# ' "$out" || fail "no narration"

# 1. Private: same virtual address, two processes, two roots, two frames.
pa=$(pfn a 0x400000 1) pb=$(pfn b 0x400000 1)
[ -n "$pa" ] && [ -n "$pb" ] && [ "$pa" != "$pb" ] || fail "private pfns ($pa, $pb) should differ"
roots=$(grep -oE 'root pfn=0x[0-9a-f]+' "$out" | sed -n '1p;2p' | sort -u | wc -l)
[ "$roots" -eq 2 ] || fail "the two walks should start at different roots"

# 2. Shared file page: one frame.
sa=$(pfn a 0x600000) sb=$(pfn b 0x600000)
[ -n "$sa" ] && [ "$sa" = "$sb" ] || fail "shared pfns ($sa, $sb) should be equal"
expect_line '"b wrote this"'

# 3. Kernel half: both faults, both roots' kernel entry point at one table.
[ "$(grep -cE '^[ab] 0xffffffc000000000 -> fault SEGV_' "$out")" -eq 2 ] || fail "kernel faults"
k=$(grep -E '^  level 3: index 511 ' "$out" | grep -oE 'pfn=0x[0-9a-f]+$')
[ "$(wc -l <<<"$k")" -eq 2 ] && [ "$(sort -u <<<"$k" | wc -l)" -eq 1 ] ||
    fail "kernel table pfns: $k"

# 4. fork + COW: same frame after fork, different after the child's write.
a2=$(pfn a 0x400000 2) c1=$(pfn c 0x400000 1) a3=$(pfn a 0x400000 3) c2=$(pfn c 0x400000 2)
[ -n "$c1" ] && [ "$a2" = "$c1" ] || fail "after fork: $a2 vs $c1"
[ "$a3" = "$a2" ] && [ "$c2" != "$a3" ] || fail "after the child's write: a $a3, c $c2"
[ "$(kv cow_faults)" = 1 ] || fail "cow_faults should be 1"
expect_line '"I am a"'; expect_line '"I am c"'

# 5. Eight contiguous virtual pages: eight different frames, not in a row.
pfns=()
for i in 0 1 2 3 4 5 6 7; do pfns+=("$(pfn b "$(printf '0x80%d000' $i)")"); done
[ "$(printf '%s\n' "${pfns[@]}" | grep -c .)" -eq 8 ] || fail "8 translations: ${pfns[*]}"
[ "$(printf '%s\n' "${pfns[@]}" | sort -u | wc -l)" -eq 8 ] || fail "8 distinct frames"
contiguous=1
for i in 1 2 3 4 5 6 7; do ((pfns[i] == pfns[i - 1] + 1)) || contiguous=0; done
[ $contiguous -eq 0 ] || fail "the frames are contiguous too: ${pfns[*]}"

# All frames back at the end: free_frames as at the start, below the total
# (the kernel keeps its own pages).
f1=$(kv free_frames 1) f2=$(kv free_frames 2) total=$(kv total_frames)
[ -n "$f1" ] && [ "$f1" = "$f2" ] && [ "$f1" -lt "$total" ] || fail "free $f1 -> $f2 of $total"
echo ok
