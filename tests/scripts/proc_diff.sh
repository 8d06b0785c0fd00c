#!/usr/bin/env bash
# Differential test of processes and signals (issue 4): guest programs that
# fork, wait, raise and catch signals, grow their stack, read their initial
# stack and use the memory system calls (brk, mmap, mremap, madvise) run
# under $VMSIM and under qemu-riscv64 -L (which runs fork and signals
# natively); stdout and the exit status must be identical. Each
# program is static (guest/proc) and, where it exists, dynamic (guest/dyn,
# PIE + ld.so from the sysroot). Then: the same run twice under vmsim gives
# the same bytes (determinism).
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
command -v qemu-riscv64 >/dev/null || { echo "qemu-riscv64 not installed"; exit 77; }
[ -x "$GUEST_DIR/proc/fork" ] || { echo "no guest programs in $GUEST_DIR/proc (make guest)"; exit 77; }
SYSROOT=/usr/riscv64-linux-gnu
GUEST_DIR=$(cd "$GUEST_DIR" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0

# check NAME EXPECTED_RC PROGRAM ARGS...: vmsim and qemu agree, and the
# status is the one the program is written to end with.
check() {
    local name=$1 want=$2; shift 2
    # A time limit on both (status 124 past it): a hang is a failure.
    (cd "$tmp" && exec env VMSIM_TEST=hello timeout 300 "$VMSIM" run "$@") >"$tmp/v.out" 2>"$tmp/v.err"
    local vrc=$?
    { (cd "$tmp" && exec env VMSIM_TEST=hello timeout 300 qemu-riscv64 -L "$SYSROOT" "$@") >"$tmp/q.out"; } 2>/dev/null
    local qrc=$?
    n=$((n + 1))
    if [ $vrc -ne $qrc ]; then
        echo "FAIL $name: exit status vmsim $vrc, qemu $qrc"
        sed 's/^/    vmsim stderr: /' "$tmp/v.err" | head -5
        fail=1
    elif [ "$want" != any ] && [ $vrc -ne "$want" ]; then
        echo "FAIL $name: exit status $vrc, the program ends with $want"
        fail=1
    elif ! cmp -s "$tmp/v.out" "$tmp/q.out"; then
        echo "FAIL $name: stdout differs (< vmsim, > qemu)"
        diff "$tmp/v.out" "$tmp/q.out" | head -10
        fail=1
    elif [ ! -s "$tmp/v.out" ]; then
        echo "FAIL $name: no output"
        fail=1
    else
        echo "ok $name (exit $vrc, $(wc -l <"$tmp/v.out") lines)"
    fi
}

for kind in proc dyn; do
    pre=""; [ $kind = dyn ] && pre=proc_
    d="$GUEST_DIR/$kind"
    [ -x "$d/${pre}fork" ] || { echo "FAIL $kind: not built"; fail=1; continue; }
    check "$kind/fork" 3 "$d/${pre}fork"
    check "$kind/signal" 0 "$d/${pre}signal"
    check "$kind/auxv" 4 "$d/${pre}auxv" one "two words" ""
    check "$kind/mem" 0 "$d/${pre}mem"
done
check proc/stack 0 "$GUEST_DIR/proc/stack"
check proc/stack-overflow 139 "$GUEST_DIR/proc/stack" overflow
grep -q 'Segmentation fault (address 0x' "$tmp/v.err" || { echo "FAIL stack-overflow: no SIGSEGV message"; fail=1; }
check proc/time 0 "$GUEST_DIR/proc/time"
check proc/die-exit 7 "$GUEST_DIR/proc/die" exit 7
check proc/die-exit-256 0 "$GUEST_DIR/proc/die" exit 256
check proc/die-term 143 "$GUEST_DIR/proc/die" term
check proc/die-segv 139 "$GUEST_DIR/proc/die" segv

# Determinism: virtual time and the scheduler make two runs identical, even
# the raw clock values (time.c prints them on stderr).
for p in proc/time:0 proc/fork:3; do
    prog=${p%:*}
    timeout 300 "$VMSIM" run "$GUEST_DIR/$prog" >"$tmp/a.out" 2>"$tmp/a.err"
    arc=$?
    timeout 300 "$VMSIM" run "$GUEST_DIR/$prog" >"$tmp/b.out" 2>"$tmp/b.err"
    brc=$?
    if [ $arc -ne "${p#*:}" ] || [ $brc -ne "${p#*:}" ]; then
        echo "FAIL $prog: exit status $arc and $brc, the program ends with ${p#*:}"
        fail=1
    elif cmp -s "$tmp/a.out" "$tmp/b.out" && cmp -s "$tmp/a.err" "$tmp/b.err"; then
        echo "ok $prog deterministic"
    else
        echo "FAIL $prog: two runs differ"
        diff "$tmp/a.err" "$tmp/b.err" | head -5
        fail=1
    fi
done
[ $n -gt 0 ] || { echo "nothing ran"; exit 1; }
exit $fail
