#!/usr/bin/env bash
# A file larger than RAM and a shmem object larger than RAM (issue 18: host
# time follows the guest's work; the page cache's radix tree, mm/pindex.c).
# guest/pressure/bigread writes a FILE MiB file, maps it and sweeps it twice
# in order, then fills a SHM MiB memfd and sweeps it twice, under
# `vmsim run --mem MEM --swap SWAP`; the peers run the same program:
# qemu-riscv64 (the riscv64 binary) and native Linux (the same source built
# with the host's gcc), neither with a RAM limit. The run fails unless all
# three print the same checksums. Wall seconds, best of REPS (default 3).
# Usage: bench/bigfile_bench.sh [--quick]   (--quick: 128 MiB file through 32M)
set -euo pipefail
cd "$(dirname "$0")/.."
rel="${VMSIM_REL:-build/rel}"
vmsim="$rel/vmsim"
prog="$PWD/${GUEST_DIR:-build/guest}/pressure/bigread"
reps="${REPS:-3}"
mem=128M swap=512M file=512 shm=192
[ "${1:-}" = "--quick" ] && mem=32M swap=128M file=128 shm=48
for f in "$vmsim" "$prog"; do
    [ -x "$f" ] || { echo "bigfile bench: $f is missing (run make bench)" >&2; exit 1; }
done
command -v qemu-riscv64 >/dev/null || { echo "bigfile bench: no qemu-riscv64" >&2; exit 1; }
vmsim="$PWD/$vmsim"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O2 -o "$tmp/bigread" guest/pressure/bigread.c

best() { # NAME CMD...: the best wall seconds of $reps runs (run in $tmp/NAME)
    local name=$1 b="" t; shift
    mkdir -p "$tmp/$name"
    for _ in $(seq "$reps"); do
        (cd "$tmp/$name" && /usr/bin/time -f '%e' -o "$tmp/time" "$@" >"$tmp/$name.out" 2>"$tmp/err") || {
            echo "bigfile bench: '$*' failed" >&2; cat "$tmp/err" >&2; exit 1; }
        t=$(cat "$tmp/time")
        [ -z "$b" ] || awk -v a="$t" -v b="$b" 'BEGIN { exit !(a < b) }' && b=$t
    done
    echo "$b"
}
v=$(best vmsim "$vmsim" run --root . --mem "$mem" --swap "$swap" "$prog" "$file" "$shm")
q=$(best qemu qemu-riscv64 "$prog" "$file" "$shm")
n=$(best native "$tmp/bigread" "$file" "$shm")
for p in qemu native; do
    cmp -s "$tmp/vmsim.out" "$tmp/$p.out" || { echo "bigfile bench: vmsim and $p disagree" >&2; exit 1; }
done
echo "bigread: ${file} MiB file swept twice, ${shm} MiB memfd swept twice; vmsim --mem $mem --swap $swap,"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm); checksums equal; wall s, best of $reps"
echo
echo "| benchmark | vmsim s | qemu s | native s | vmsim/qemu | vmsim/native |"
echo "|-----------|--------:|-------:|---------:|-----------:|-------------:|"
awk -v v="$v" -v q="$q" -v n="$n" 'BEGIN { printf "| bigread   | %7.2f | %6.2f | %8.2f | %10.2f | %12.2f |\n", v, q, n, v / q, (n > 0 ? v / n : 0) }'
