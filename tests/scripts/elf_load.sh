#!/usr/bin/env bash
# The loader through `vmsim script`: `load` maps a static riscv64 program
# (build/guest/elf/touch) exactly as riscv64-linux-gnu-readelf describes it,
# /proc/PID/maps shows the regions Linux's load_elf_binary would create, and
# the program's file pages are read only when touched: right after loading,
# only the page padzero wrote (the data segment's last file page, when its
# file bytes end inside it), then one more per new file page read.
source "$(dirname "$0")/script_lib.bash"

elf=${GUEST_DIR:-build/guest}/elf/touch
[ -r "$elf" ] || { echo "no $elf (make builds it)"; exit 77; }
command -v riscv64-linux-gnu-readelf >/dev/null || { echo "no riscv64-linux-gnu-readelf"; exit 77; }

# The reference: program headers and symbols as binutils sees them.
entry=$(riscv64-linux-gnu-readelf -hW "$elf" | awk '/Entry point address:/ { print $4 }')
mapfile -t loads < <(riscv64-linux-gnu-readelf -lW "$elf" | awk '$1 == "LOAD" {
    flags = ""; for (i = 7; i < NF; i++) flags = flags $i; print $2, $3, $5, $6, flags }')
[ ${#loads[@]} -eq 2 ] || fail "expected 2 PT_LOADs, readelf says ${#loads[@]}"
read -r toff tva tfsz tmsz tflags <<<"${loads[0]}"
read -r doff dva dfsz dmsz dflags <<<"${loads[1]}"
[ "$tflags" = RE ] && [ "$dflags" = RW ] || fail "unexpected flags $tflags $dflags"
data=0x$(riscv64-linux-gnu-nm "$elf" | awk '$3 == "data_bytes" { print $1 }')
bss=0x$(riscv64-linux-gnu-nm "$elf" | awk '$3 == "bss_bytes" { print $1 }')

P=4096
down() { printf '%d' $(( $1 & ~(P - 1) )); }
up() { printf '%d' $(( ($1 + P - 1) & ~(P - 1) )); }
file_end=$(( dva + dfsz ))
padzero=$(( (file_end % P) != 0 && dmsz > dfsz ))

a1=$(( data + 10 * P + 100 ))   # a data page
a2=$(( data + 10 * P + 200 ))   # the same page again
a3=$(( data + 30 * P ))         # another data page
b1=$(( bss + 5 * P ))           # bss beyond the file bytes
vs <<EOS
proc p
load p $elf
show stats p file_reads
read p $(printf 0x%x $a1) 24
show stats p file_reads
read p $(printf 0x%x $a2) 24
show stats p file_reads
read p $(printf 0x%x $a3) 24
show stats p file_reads
read p $(printf 0x%x $b1) 4
show stats p file_reads
show maps p
EOS
expect_rc 0
no_errors

expect_line "entry $entry"
seg_line() {   # seg_line VADDR FILESZ MEMSZ OFFSET PERMS
    printf 'segment 0x%x-0x%x %s offset 0x%x filesz 0x%x memsz 0x%x' \
        $(( $1 )) $(( $1 + $3 )) "$5" $(( $4 )) $(( $2 )) $(( $3 ))
}
expect_line "$(seg_line "$tva" "$tfsz" "$tmsz" "$toff" r-x)"
expect_line "$(seg_line "$dva" "$dfsz" "$dmsz" "$doff" rw-)"

# file_reads: padzero's page, then +1 for a new page, +0 for the same page,
# +1 for another, +0 for bss.
want=("$padzero" $(( padzero + 1 )) $(( padzero + 1 )) $(( padzero + 2 )) $(( padzero + 2 )))
for i in 0 1 2 3 4; do
    got=$(kv file_reads $(( i + 1 )))
    [ "$got" = "${want[$i]}" ] || fail "file_reads #$((i + 1)) is '$got', expected ${want[$i]}"
done

# The bytes read are the file's bytes (the data is printable text).
file_bytes() { dd if="$elf" bs=1 skip=$(( $1 - dva + doff )) count="$2" status=none; }
expect_line "\"$(file_bytes $a1 24)\""
expect_line "\"$(file_bytes $a3 24)\""
expect_line '"\000\000\000\000"'

# /proc/PID/maps as Linux (6.6 and later) shows a static binary after execve:
# the text, the data's file pages (private), the rest of the bss anonymous and
# unnamed: [heap] names only what overlaps [start_brk, brk), empty until brk grows.
maps() { awk '$1 ~ /^[0-9a-f]+-[0-9a-f]+$/ { print $1, $2, $3 }' "$out"; }
expected=$(printf '%08x-%08x r-xp %08x\n%08x-%08x rw-p %08x\n%08x-%08x rw-p 00000000' \
    "$(down "$tva")" "$(up $(( tva + tfsz )))" "$(down "$toff")" \
    "$(down "$dva")" "$(up "$file_end")" "$(down "$doff")" \
    "$(up "$file_end")" "$(up $(( dva + dmsz )))")
[ "$(maps)" = "$expected" ] || fail "maps differ; expected:
$expected"
grep -q ' \[heap\]$' "$out" && fail "the bss region is named [heap] before brk grew"
echo "ok: loaded as readelf says, $((padzero + 2)) file pages read for 2 touched"
