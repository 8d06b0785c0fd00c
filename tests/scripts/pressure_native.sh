#!/usr/bin/env bash
# Memory-pressure interfaces against native Linux (issue 14): each program
# of guest/pressure/ listed below is built for the host with gcc and run
# natively; its riscv64 build runs under vmsim (--root /). Both print facts
# (yes/no, kB of a known size, flags, errno names), so stdout must be
# identical: the zero page (zeropage), mlock and friends (mlock), mincore
# and madvise's advice, fallocate(PUNCH_HOLE) on a memfd (madvise).
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
command -v gcc >/dev/null || { echo "no host gcc"; exit 77; }
src=$(cd "$(dirname "$0")/../../guest/pressure" && pwd)
G=$(cd "$GUEST_DIR" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/compare_lib.bash"
fail=0
for p in zeropage mlock madvise; do
    [ -f "$src/$p.c" ] || continue
    [ -x "$G/pressure/$p" ] || { echo "no $G/pressure/$p (make guest)"; exit 1; }
    gcc -O2 -w "$src/$p.c" -o "$tmp/$p" || { echo "cannot build $p for the host"; exit 1; }
    (cd "$tmp" && ./"$p") >"$tmp/n.out" 2>"$tmp/n.err"
    nrc=$?
    timeout 120 "$VMSIM" run --root / "$G/pressure/$p" >"$tmp/v.out" 2>"$tmp/v.err"
    vrc=$?
    compare_runs "$p" "$vrc" "$nrc"
done
exit $fail
