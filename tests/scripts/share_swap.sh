#!/usr/bin/env bash
# Shared objects under memory pressure (issue 16): guest/share/shmswap_all
# fills a tmpfs file, a memfd and a System V segment (9 MiB in all) in 4 MiB
# of RAM, so reclaim must move them to swap and bring them back; a forked
# child and the parent then check every word. Its stdout and exit status
# must equal qemu-riscv64's, pages must have gone to swap, and every slot
# must be free at the end.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
command -v qemu-riscv64 >/dev/null || { echo "qemu-riscv64 not installed"; exit 77; }
prog="$GUEST_DIR/share/shmswap_all"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && exec timeout 120 "$VMSIM" run --mem 4M --swap 32M --stats "$prog") >"$tmp/v.out" 2>"$tmp/v.err"
vrc=$?
(cd "$tmp" && exec timeout 120 qemu-riscv64 -L /usr/riscv64-linux-gnu "$prog") >"$tmp/q.out" 2>/dev/null
qrc=$?
fail() { echo "FAIL: $*"; echo "--- vmsim stdout"; cat "$tmp/v.out"; echo "--- vmsim stderr"; head -20 "$tmp/v.err"; exit 1; }
[ $vrc -ne 124 ] || fail "vmsim timed out"
[ $vrc -eq $qrc ] || fail "exit status vmsim $vrc, qemu $qrc"
cmp -s "$tmp/v.out" "$tmp/q.out" || { diff "$tmp/v.out" "$tmp/q.out" | head; fail "stdout differs from qemu"; }
grep -q ": 0$" "$tmp/v.out" && fail "a check failed"
grep -q "out of memory" "$tmp/v.err" && fail "OOM kill: shared objects were not swapped"
outs=$(sed -n 's/^vmsim:   page-ins: .*page-outs: \([0-9]*\) to swap.*/\1/p' "$tmp/v.err" | head -1)
[ -n "$outs" ] && [ "$outs" -gt 1024 ] || fail "only '${outs:-?}' pages written to swap"
grep -Eq '^vmsim:   swap: 0 of [0-9]+ pages used' "$tmp/v.err" || fail "swap slots still used at exit"
echo "ok: tmpfs file, memfd and SysV segment through 4 MiB RAM ($outs pages to swap), output equals qemu's"
