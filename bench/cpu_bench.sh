#!/usr/bin/env bash
# CPU benchmark of the interpreter: each program of build/guest/perf runs
# under `vmsim run --engine interp` and under qemu-riscv64 (a JIT) in the same
# run (the translator has its own, bench/jit_bench.sh), REPS times
# each (best CPU time, user + system, counts), and must print the same output
# under both. The guest instruction count comes from `vmsim run --stats`; qemu's
# rate is that count over qemu's time. Builds nothing: `make bench` does.
#
# Usage: bench/cpu_bench.sh [PROGRAM...]   (default: all of them)
# Env: VMSIM_REL (default build/rel), GUEST_DIR (default build/guest), REPS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
vmsim="${VMSIM_REL:-build/rel}/vmsim"
gdir="${GUEST_DIR:-build/guest}/perf"
reps="${REPS:-3}"
[ -x "$vmsim" ] || { echo "cpu_bench: $vmsim is missing (run make bench)" >&2; exit 1; }
command -v qemu-riscv64 >/dev/null || { echo "cpu_bench: qemu-riscv64 not installed" >&2; exit 1; }
# program and its size argument (~0.3-1 s under qemu on the recorded machine)
declare -A size=([int]=800 [branchy]=20 [memwalk]=8 [fp]=12 [pagefault]=12 [fork]=40 [cpu]=40)
progs=("$@")
[ ${#progs[@]} -gt 0 ] || progs=(int branchy memwalk fp pagefault fork)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Runs "$@" with stdout to $tmp/out and stderr to $tmp/err; prints the CPU
# seconds (user + sys) it used.
cpu_time() {
    /usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" || {
        echo "cpu_bench: '$*' failed" >&2; cat "$tmp/err" >&2; exit 1; }
    awk '{printf "%.4f", $1 + $2}' "$tmp/time"
}
best() { printf '%s\n' "$@" | sort -g | head -1; }

echo "vmsim CPU benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs," \
     "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), ${reps} runs each, best CPU time"
printf '| %-10s | %14s | %9s | %9s | %10s | %10s | %9s |\n' \
    program instructions "vmsim s" "qemu s" "vmsim MIPS" "qemu MIPS" vmsim/qemu
printf '|%s|%s:|%s:|%s:|%s:|%s:|%s:|\n' ------------ ---------------- ----------- ----------- \
    ------------ ------------ -----------
for p in "${progs[@]}"; do
    bin="$gdir/$p"
    [ -x "$bin" ] || { echo "cpu_bench: $bin is missing (run make bench)" >&2; exit 1; }
    arg="${size[$p]:-}"
    vt=() qt=()
    for ((r = 0; r < reps; r++)); do
        vt+=("$(cpu_time "$vmsim" run --engine interp --stats "$bin" $arg)")
        cp "$tmp/out" "$tmp/v.out"
        insns=$(sed -n 's/^vmsim: \([0-9]*\) instructions.*/\1/p' "$tmp/err")
        qt+=("$(cpu_time qemu-riscv64 "$bin" $arg)")
        cmp -s "$tmp/out" "$tmp/v.out" || {
            echo "cpu_bench: $p: output differs between vmsim and qemu-riscv64:" >&2
            diff "$tmp/v.out" "$tmp/out" >&2; exit 1; }
    done
    v=$(best "${vt[@]}") q=$(best "${qt[@]}")
    awk -v p="$p" -v n="$insns" -v v="$v" -v q="$q" 'BEGIN {
        vm = v > 0 ? n / v / 1e6 : 0; qm = q > 0 ? n / q / 1e6 : 0;
        printf "| %-10s | %14d | %9.3f | %9.3f | %10.1f | %10.1f | %9.3f |\n",
               p, n, v, q, vm, qm, (qm > 0 ? vm / qm : 0) }'
done
