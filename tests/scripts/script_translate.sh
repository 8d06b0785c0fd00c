#!/usr/bin/env bash
# vmsim script: `translate` shows the Sv48 walk. Expectations come from the
# RISC-V privileged spec (VPN fields, PTE layout) computed here in bash.
source "$(dirname "$0")/script_lib.bash"

v=0x7f1234567abc
vs <<EOS
proc a
map a 0x7f1234500000 1M rw- anon private
translate a $v
translate a $v
write a $v "w"
translate a $v
show stats a zero_fills minor_faults zero_page_maps cow_copies
EOS
expect_rc 0
no_errors
# VPN[3..0] = va bits 47..39, 38..30, 29..21, 20..12; offset = bits 11..0.
printf -v want 'vpn[3]=%d vpn[2]=%d vpn[1]=%d vpn[0]=%d offset=0x%03x' \
    $(((v >> 39) & 511)) $(((v >> 30) & 511)) $(((v >> 21) & 511)) $(((v >> 12) & 511)) $((v & 4095))
grep -qF -- "$want" "$out" || fail "no '$want'"
# The last line of each translate: "a 0xVA -> 0xPA pfn=N", PA's offset = VA's, N = PA >> 12.
lines=$(grep -E '^a 0x7f1234567abc -> ' "$out")
[ "$(wc -l <<<"$lines")" -eq 3 ] || fail "three translate result lines"
while read -r name va arrow pa pfnf; do
    [[ $pa =~ ^0x[0-9a-f]+$ && $pfnf =~ ^pfn=0x[0-9a-f]+$ ]] || fail "bad line '$name $va $arrow $pa $pfnf'"
    (( (pa & 4095) == (v & 4095) )) || fail "offset not kept: $pa"
    (( (pa >> 12) == ${pfnf#pfn=} )) || fail "pfn is not pa >> 12: $pa $pfnf"
    (( pa >= 0x80000000 )) || fail "pa below RAM_BASE: $pa"
done <<<"$lines"
# The read translate mapped Linux's shared zero page (no frame allocated);
# the second read found it; the write copied it to a frame of its own.
[ "$(pfn a $v 1)" = "$(pfn a $v 2)" ] && [ "$(pfn a $v 2)" != "$(pfn a $v 3)" ] ||
    fail "the read page moved, or the write did not copy the zero page"
grep -q 'page fault handled first' "$out" || fail "the first translate handled a fault"
[ "$(grep -c 'page fault handled first' "$out")" -eq 1 ] || fail "only the first one faulted"
# Walk lines: four levels 3..0, each index equal to the VPN field; the three
# upper entries point at tables, level 0 is the leaf with the printed pfn.
walk=$(awk '/^translate a 0x7f1234567abc/{n++} n==1 && /^  level /' "$out")
[ "$(wc -l <<<"$walk")" -eq 4 ] || fail "four walk steps, got: $walk"
for lvl in 3 2 1 0; do
    idx=$(((v >> (12 + 9 * lvl)) & 511))
    grep -qE "^  level $lvl: index +$idx +pte@0x[0-9a-f]+ = 0x[0-9a-f]{16} " <<<"$walk" ||
        fail "level $lvl index $idx"
done
# Each PTE's PPN (bits 53..10) is the pfn printed after it; the leaf's is the result's.
while read -r _ _ _ _ _ _ pte tgt; do
    ppn=$(((pte >> 10) & ((1 << 44) - 1)))
    [ "$(printf "pfn=0x%x" "$ppn")" = "$tgt" ] || fail "pte $pte ppn $ppn vs $tgt"
done < <(sed 's/ -> / /; s/table //; s/leaf //' <<<"$walk")
leafpfn=$(grep '^  level 0' <<<"$walk" | grep -oE 'pfn=0x[0-9a-f]+$')
[ "$leafpfn" = "pfn=$(pfn a $v 1)" ] || fail "leaf pfn $leafpfn"
# Leaf bits after the read (V R U A: the zero page is read-only) and after
# the write (its own page: V R W U A D).
leaves=$(grep -E '^  leaf: ' "$out")
grep -qE '^  leaf: V R - - U - A -' <<<"$(sed -n 1p <<<"$leaves")" || fail "leaf bits after read"
grep -qE '^  leaf: V R W - U - A D' <<<"$(sed -n 3p <<<"$leaves")" || fail "leaf bits after write"
[ "$(kv zero_page_maps)" = 1 ] && [ "$(kv cow_copies)" = 1 ] && [ "$(kv zero_fills)" = 0 ] &&
    [ "$(kv minor_faults)" -ge 2 ] || fail "one zero-page map, then one copy"

# Two processes: different roots. The kernel half: a fault, through a
# root entry that points at the same table in both.
vs <<'EOS'
proc a
proc b
translate a 0xffffffc000000000
translate b 0xffffffc000000000
show stats a root_pfn
show stats b root_pfn
EOS
expect_rc 0
ra=$(kv root_pfn 1) rb=$(kv root_pfn 2)
[ -n "$ra" ] && [ "$ra" != "$rb" ] || fail "two processes, two root tables ($ra, $rb)"
tail_a=$(grep -E '^a 0xffffffc000000000 -> ' "$out"); tail_b=$(grep -E '^b 0xffffffc000000000 -> ' "$out")
[[ $tail_a =~ -\>\ fault\ SEGV_ ]] && [[ $tail_b =~ -\>\ fault\ SEGV_ ]] || fail "user access to kernel"
k3=$(grep -E '^  level 3: index 511 ' "$out" | grep -oE 'pfn=0x[0-9a-f]+$' | sort -u)
[ "$(grep -cE '^  level 3: index 511 ' "$out")" -eq 2 ] && [ "$(wc -l <<<"$k3")" -eq 1 ] ||
    fail "both roots point at one kernel table: $k3"

# brief prints only the result line; a non-canonical address faults.
vs <<'EOS'
proc a
map a 0x400000 4K r-- anon private
translate a 0x400123 brief
translate a 0x800000000000
EOS
expect_rc 0
grep -qE '^a 0x400123 -> 0x[0-9a-f]+123 pfn=0x[0-9a-f]+$' "$out" || fail "brief"
[ "$(sed -n 1p "$out")" = 0x400000 ] || fail "map's line"
[ "$(sed -n 3p "$out")" = "translate a 0x800000000000 (read access)" ] ||
    fail "brief printed more than one line"
[ "$(tail -n 1 "$out")" = "a 0x800000000000 -> fault SEGV_MAPERR" ] || fail "non-canonical"
echo ok
