#!/usr/bin/env bash
# Nothing lost under memory pressure, for every replacement policy (issue
# 14). guest/pressure/interp (a bytecode interpreter filling a table of
# 300000 16-byte values grown by realloc: about 12 MiB at its peak) runs
# with --mem 3M (a quarter of its footprint) and swap, under clock, fifo,
# lru and random; its output must be qemu-riscv64's. guest/pressure/
# underpressure (vmsim only) checks madvise and mlock under pressure: every
# line it prints must say yes (MADV_FREE'd pages dropped, MADV_PAGEOUT to
# swap, an mlocked region never reclaimed, no data lost).
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
I="$GUEST_DIR/pressure/interp" U="$GUEST_DIR/pressure/underpressure"
[ -x "$I" ] && [ -x "$U" ] || { echo "no guest programs in $GUEST_DIR/pressure (make guest)"; exit 1; }
command -v qemu-riscv64 >/dev/null || { echo "no qemu-riscv64"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
qemu-riscv64 "$I" 300000 >"$tmp/q.out" || { echo "qemu run failed"; exit 1; }
for pol in clock fifo lru random; do
    timeout 120 "$VMSIM" run --policy "$pol" --mem 3M --swap 32M --stats "$I" 300000 \
        >"$tmp/v.out" 2>"$tmp/v.err"
    rc=$?
    outs=$(sed -n 's/^vmsim:   page-ins: .* from files, \([0-9]*\) from swap; page-outs: \([0-9]*\) to swap.*/\1 in, \2 out/p' "$tmp/v.err" | head -1)
    if [ $rc -ne 0 ] || ! cmp -s "$tmp/v.out" "$tmp/q.out"; then
        echo "FAIL interp under $pol: exit $rc, $(cat "$tmp/v.out") vs $(cat "$tmp/q.out")"
        fail=1
    elif [ "${outs%% *}" = 0 ] || [ -z "$outs" ]; then
        echo "FAIL interp under $pol: no swapping ($outs): no pressure to test"
        fail=1
    else
        echo "ok interp under $pol (swap: $outs)"
    fi
    timeout 120 "$VMSIM" run --policy "$pol" --mem 8M --swap 32M "$U" >"$tmp/u.out" 2>"$tmp/u.err"
    rc=$?
    if [ $rc -ne 0 ] || grep -q ': no$' "$tmp/u.out" || [ "$(grep -c ': yes$' "$tmp/u.out")" -ne 8 ]; then
        echo "FAIL underpressure under $pol (exit $rc):"
        sed 's/^/    /' "$tmp/u.out"
        fail=1
    else
        echo "ok madvise/mlock under pressure with $pol"
    fi
done
exit $fail
