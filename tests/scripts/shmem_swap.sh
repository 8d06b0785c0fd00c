#!/usr/bin/env bash
# Shared anonymous memory under memory pressure (issue 5): guest/proc/shmswap
# shares 8 MiB of MAP_SHARED|MAP_ANONYMOUS memory between a parent and its
# child, more than the 4 MiB of RAM given here, so reclaim must move it to
# swap and bring it back. Its stdout and exit status must equal
# qemu-riscv64's (which runs it natively), the run must have written pages to
# swap, and every slot must be free at the end.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
command -v qemu-riscv64 >/dev/null || { echo "qemu-riscv64 not installed"; exit 77; }
prog="$GUEST_DIR/proc/shmswap"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$VMSIM" run --mem 4M --swap 32M --stats "$prog" >"$tmp/v.out" 2>"$tmp/v.err"
vrc=$?
qemu-riscv64 -L /usr/riscv64-linux-gnu "$prog" >"$tmp/q.out" 2>/dev/null
qrc=$?
fail() { echo "FAIL: $*"; echo "--- vmsim stdout"; cat "$tmp/v.out"; echo "--- vmsim stderr"; head -20 "$tmp/v.err"; exit 1; }
[ $qrc -eq 0 ] || fail "qemu exit status $qrc (the program checks its own data)"
[ $vrc -eq $qrc ] || fail "exit status vmsim $vrc, qemu $qrc"
cmp -s "$tmp/v.out" "$tmp/q.out" || { diff "$tmp/v.out" "$tmp/q.out" | head; fail "stdout differs from qemu"; }
grep -q "out of memory" "$tmp/v.err" && fail "OOM kill: shared memory was not swapped"
outs=$(sed -n 's/^vmsim:   page-ins: .*page-outs: \([0-9]*\) to swap.*/\1/p' "$tmp/v.err" | head -1)
[ -n "$outs" ] && [ "$outs" -gt 1024 ] || fail "only '${outs:-?}' pages written to swap (8 MiB cannot fit in 4 MiB)"
grep -Eq '^vmsim:   swap: 0 of [0-9]+ pages used' "$tmp/v.err" || fail "swap slots still used at exit"
echo "ok: 8 MiB shared anonymous memory through 4 MiB RAM ($outs pages to swap), output equals qemu's"
