#!/usr/bin/env bash
# Memory pressure on a real program (issue 5): build/guest/perf/memwalk
# (guest/perf/memwalk.c, 1 round) under `vmsim run --stats --mem M --swap 32M
# --policy P` for each replacement policy and for simulated RAM from 1/8 to
# 2x the program's working set. memwalk maps 4 MiB (a random pointer-chasing
# cycle), 4 MiB (a linked list shuffled in 64 KiB windows) and 8 MiB (walked
# sequentially), plus a 256 KiB static array: about 16.3 MiB, 4163 resident
# pages at exit when nothing is reclaimed. --mem is all of RAM, so page
# tables (17) and the kernel's frames (7) also take room.
#
# Prints per policy and memory size: faults (minor + major, machine-wide),
# major faults, pages swapped in and out, frames scanned by reclaim, the
# run time vmsim reports (its own timer, from start to exit of the guest) and
# the wall time of the whole vmsim process.
# Fails unless memwalk's output is, in every configuration, the one
# qemu-riscv64 prints for it (or, without qemu, vmsim's without pressure):
# nothing may be lost or corrupted on the way through swap.
# Usage: bench/swap_sweep.sh [--quick]   (--quick: clock and lru only)
set -euo pipefail
cd "$(dirname "$0")/.."
rel="${VMSIM_REL:-build/rel}"
vmsim="$rel/vmsim"
prog=build/guest/perf/memwalk
[ -x "$vmsim" ] || { echo "swap sweep: $vmsim is missing (run make bench)" >&2; exit 1; }
[ -x "$prog" ] || { echo "swap sweep: $prog is missing (run make guest)" >&2; exit 1; }
policies="clock fifo lru random"
[ "${1:-}" = "--quick" ] && policies="clock lru"
sizes="2M 4M 8M 16M 20M 32M"   # 1/8, 1/4, 1/2, ~1 (short by the page tables), 1.25, 2x of 16 MiB
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if command -v qemu-riscv64 >/dev/null; then
    qemu-riscv64 "$prog" 1 >"$tmp/want"
    ref="qemu-riscv64"
else
    "$vmsim" run "$prog" 1 >"$tmp/want"
    ref="vmsim without memory pressure"
fi

echo "memwalk (working set 16.3 MiB = 4163 pages) under memory pressure, swap 32M,"
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm); output checked against $ref"
echo
printf '| %-6s | %4s | %8s | %8s | %8s | %8s | %9s | %8s | %8s |\n' \
    policy mem faults major pswpin pswpout pgscan "run s" "wall s"
printf '|--------|------|----------|----------|----------|----------|-----------|----------|----------|\n'
bad=0
for p in $policies; do
    for m in $sizes; do
        t0=$(date +%s.%N)
        if ! "$vmsim" run --stats --mem "$m" --swap 32M --policy "$p" "$prog" 1 \
            >"$tmp/out" 2>"$tmp/err"; then
            echo "swap sweep: vmsim failed with --mem $m --policy $p:" >&2
            cat "$tmp/err" >&2
            bad=1
            continue
        fi
        t1=$(date +%s.%N)
        if ! cmp -s "$tmp/out" "$tmp/want"; then
            echo "swap sweep: wrong output with --mem $m --policy $p:" >&2
            diff "$tmp/want" "$tmp/out" >&2 || true
            bad=1
        fi
        # The machine-wide lines come first in --stats (then each process's).
        awk -v p="$p" -v m="$m" -v wall="$(echo "$t1 - $t0" | bc)" '
            / instructions in / && !secs { for (i = 1; i < NF; i++) if ($i == "in") secs = $(i + 1) }
            /^vmsim:   faults:/ && minor == "" { minor = $3; major = $5 }
            /^vmsim:   page-ins:/ && pin == "" { pin = $6; pout = $10 }
            /^vmsim:   reclaim:/ && scan == "" { scan = $3 }
            END { if (scan == "") scan = 0
                  printf "| %-6s | %4s | %8d | %8d | %8d | %8d | %9d | %8.2f | %8.2f |\n",
                         p, m, minor + major, major, pin, pout, scan, secs, wall }' "$tmp/err"
    done
done
[ "$bad" = 0 ] || { echo "swap sweep: FAILED (see above)" >&2; exit 1; }
echo
echo "all $(echo $policies | wc -w) x $(echo $sizes | wc -w) runs printed: $(cat "$tmp/want")"
