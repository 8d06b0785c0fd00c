#!/usr/bin/env bash
# /proc inside the guest (issue 6), against native Linux as the reference.
#
# 1. Behaviour: each guest/procfs/*.c program (smaps, pagemap, status,
#    tree, pss) is built for the host with gcc and run natively; its riscv64
#    build runs under vmsim (--root /, so paths are the same). Both print
#    semantic facts (sizes in kB, deltas, yes/no, errno names -- never an
#    address, pid or pfn); stdout must be identical. Pagemap pfns need
#    CAP_SYS_ADMIN natively: when not root, both sides get "nopfn".
# 2. Formats: the field names of smaps, smaps_rollup, status, meminfo and
#    vmstat under vmsim, in order, against the same files read natively;
#    every maps line against the format of show_vma_header_prefix; the
#    width of smaps' kB lines.
# 3. Swap (vmsim only, native has no swap area here): the swapped pages as
#    pagemap, smaps, status and vmstat show them are consistent (swap.c).
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
command -v gcc >/dev/null || { echo "no host gcc"; exit 77; }
[ -x "$GUEST_DIR/procfs/tree" ] || { echo "no guest programs in $GUEST_DIR/procfs (make guest)"; exit 77; }
[ -r /proc/self/smaps ] || { echo "the host has no /proc/self/smaps"; exit 77; }
src=$(cd "$(dirname "$0")/../../guest/procfs" && pwd)
G=$(cd "$GUEST_DIR" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/n" "$tmp/work"
# Static like the guests (pss needs it: natively a dynamic libc.so.6 is
# mapped by every process on the host).
static=-static
echo 'int main(void){return 0;}' | gcc -static -x c - -o "$tmp/n/probe" 2>/dev/null || static=
for p in smaps pagemap status tree pss; do
    gcc $static -O2 -w "$src/$p.c" -o "$tmp/n/$p" || { echo "cannot build $p for the host"; exit 1; }
done
export PFS_DIR="$tmp/work"
nopfn=""
[ "$(id -u)" = 0 ] || nopfn=nopfn
source "$(dirname "$0")/compare_lib.bash"
fail=0 skipped=0

# check NAME PROG ARGS...: the same stdout and exit status natively and under vmsim.
check() {
    local name=$1 prog=$2
    shift 2
    (cd "$tmp/work" && "$tmp/n/$prog" "$@") >"$tmp/n.out" 2>"$tmp/n.err"
    local nrc=$?
    "$VMSIM" run --root / "$G/procfs/$prog" "$@" >"$tmp/v.out" 2>"$tmp/v.err"
    local vrc=$?
    compare_runs "$name" "$vrc" "$nrc"
}

check smaps smaps
check pagemap pagemap $nopfn
check status status
check tree tree arg1 "second arg"
# Pss with 1, 2, 3 and 5 mappers: the formula, and native Linux.
for n in 1 2 3 5; do
    if [ -n "$static" ]; then
        check "pss/$n" pss $n $nopfn
    else
        echo "SKIP pss/$n natively: no static libc on the host"
        skipped=1
    fi
done
# libc.so.6's text shared by 1, 2, 3 and 5 processes: vmsim only, every fact
# must hold (5 a process, 2 at the end).
[ -x "$G/procfs_dyn/pss" ] || { echo "FAIL: no $G/procfs_dyn/pss"; fail=1; }
for n in 1 2 3 5; do
    "$VMSIM" run --root / "$G/procfs_dyn/pss" $n >"$tmp/d.out" 2>"$tmp/d.err"
    rc=$?
    if [ $rc -ne 0 ] || grep -q ': no$' "$tmp/d.out" ||
        [ "$(grep -c ': yes$' "$tmp/d.out")" != $((5 * n + 2)) ]; then
        echo "FAIL pss/dynamic/$n (libc.so.6's text, exit $rc)"
        cat "$tmp/d.out" "$tmp/d.err" | head -12
        fail=1
    else
        echo "ok pss/dynamic/$n (libc.so.6's text: Pss = the mapper-weighted model)"
    fi
done

# ---- formats ---------------------------------------------------------------
# dump WHERE FILE: /proc/self/FILE (or /proc/FILE) as the program sees it.
dump() {
    if [ "$1" = native ]; then
        "$tmp/n/tree" dump "$2"
    else
        # (often in a subshell: a failure leaves a mark for the end)
        "$VMSIM" run --root / "$G/procfs/tree" dump "$2" 2>/dev/null ||
            echo "dump $2: exit $?" >>"$tmp/dump_failed"
    fi
}
# fail_if MSG CMD...: a format check.
fmt() {
    local name=$1
    shift
    if "$@"; then echo "ok format $name"; else echo "FAIL format $name"; fail=1; fi
}

# The field names of each smaps entry (a line per entry). ProtectionKey is
# x86/arm64/ppc only (memory protection keys): not riscv's.
smaps_keys() {
    awk '/^[0-9a-f]+-[0-9a-f]+ / { if (k != "") print k; k = ""; next }
         { sub(/:.*/, ""); if ($0 != "ProtectionKey") k = k " " $0 }
         END { print k }'
}
dump vmsim smaps >"$tmp/v.smaps"
dump native smaps >"$tmp/n.smaps"
smaps_keys <"$tmp/v.smaps" | sort -u >"$tmp/v.keys"
smaps_keys <"$tmp/n.smaps" | sort -u >"$tmp/n.keys"
fmt "smaps: every entry has Linux's fields in Linux's order" \
    cmp -s "$tmp/v.keys" "$tmp/n.keys"
[ "$(wc -l <"$tmp/v.keys")" = 1 ] || { echo "    vmsim smaps entries differ in fields"; fail=1; }
grep ' kB$' "$tmp/v.smaps" | awk 'length($0) != 27 { bad = 1 } END { exit bad }'
fmt "smaps: kB lines are name padded to 16, value to 8 columns" test $? = 0
maps_re='^[0-9a-f]{8,}-[0-9a-f]{8,} [r-][w-][x-][ps] [0-9a-f]{8} [0-9a-f]{2,}:[0-9a-f]{2,} [0-9]+ ( {0,}[^ ].*)?$'
dump vmsim maps >"$tmp/v.maps"
fmt "maps: every line in show_vma_header_prefix's format" \
    test "$(grep -cvE "$maps_re" "$tmp/v.maps")" = 0 -a -s "$tmp/v.maps"
awk 'length($0) > 73 && substr($0, 73, 1) != " " { bad = 1 } END { exit bad }' "$tmp/v.maps"
fmt "maps: names start after column 73" test $? = 0
fmt "smaps: the same header lines as maps" \
    cmp -s <(grep -E '^[0-9a-f]+-[0-9a-f]+ ' "$tmp/v.smaps" | cut -d' ' -f1-5) \
           <(cut -d' ' -f1-5 "$tmp/v.maps")

keys() { sed -E 's/^([^:]+):.*/\1/'; }
fmt "smaps_rollup: Linux's fields in order" \
    cmp -s <(dump vmsim smaps_rollup | tail -n +2 | keys) <(dump native smaps_rollup | tail -n +2 | keys)
fmt "smaps_rollup: a [rollup] header" \
    grep -qE '^[0-9a-f]{8,}-[0-9a-f]{8,} ---p 00000000 00:00 0 +\[rollup\]$' <(dump vmsim smaps_rollup)

# status: identical keys up to VmSwap; after it, vmsim's keys appear in the
# native file in the same order (some native keys are arch-specific).
dump vmsim status | keys >"$tmp/v.status"
dump native status | keys >"$tmp/n.status"
fmt "status: Name .. VmSwap as Linux" \
    cmp -s <(sed '/^VmSwap$/q' "$tmp/v.status") <(sed '/^VmSwap$/q' "$tmp/n.status")
# subseq A B: the lines of A occur in B in the same order.
subseq() { awk 'BEGIN { i = 0; n = 0 } NR == FNR { a[n++] = $0; next } i < n && $0 == a[i] { i++ } END { exit i != n }' "$1" "$2"; }
fmt "status: the other keys in Linux's order" subseq "$tmp/v.status" "$tmp/n.status"
fmt "status: Key:<TAB>value lines" \
    test "$(dump vmsim status | grep -cvE '^[A-Za-z_()0-9]+:'$'\t')" = 0
dump vmsim /proc/meminfo | keys >"$tmp/v.meminfo"
/bin/cat /proc/meminfo | keys >"$tmp/n.meminfo"
fmt "meminfo: keys in Linux's order" subseq "$tmp/v.meminfo" "$tmp/n.meminfo"
fmt "meminfo: 'Name:' padded to 16, value to 8, ' kB'" \
    test "$(dump vmsim /proc/meminfo | grep ' kB$' | awk 'length($0) != 27' | wc -l)" = 0
# (nr_tlb_*: Linux has them only with CONFIG_DEBUG_TLBFLUSH, which this
# host's kernel need not have; threads.sh tests them.)
dump vmsim /proc/vmstat | cut -d' ' -f1 | grep -v '^nr_tlb_' >"$tmp/v.vmstat"
cut -d' ' -f1 /proc/vmstat >"$tmp/n.vmstat"
fmt "vmstat: Linux's names in Linux's order" subseq "$tmp/v.vmstat" "$tmp/n.vmstat"
fmt "statm: seven numbers" grep -qE '^[0-9]+( [0-9]+){6}$' <(dump vmsim statm)

# ---- swap (vmsim only) -------------------------------------------------------
"$VMSIM" run --mem 8M --swap 32M --root / "$G/procfs/swap" 4096 >"$tmp/s.out" 2>"$tmp/s.err"
rc=$?
if [ $rc -ne 0 ] || grep -q ': no' "$tmp/s.out" || [ "$(grep -c ': yes' "$tmp/s.out")" -lt 10 ]; then
    echo "FAIL swap (exit $rc)"
    cat "$tmp/s.out" "$tmp/s.err" | head -20
    fail=1
else
    echo "ok swap ($(grep -c ': yes' "$tmp/s.out") facts)"
fi
[ ! -e "$tmp/dump_failed" ] || { echo "FAIL: vmsim runs failed:"; cat "$tmp/dump_failed"; fail=1; }
# A part skipped is a skip of the whole (tests/run.sh reports it).
[ $fail -eq 0 ] && [ $skipped -ne 0 ] && exit 77
exit $fail
