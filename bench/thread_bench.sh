#!/usr/bin/env bash
# Thread benchmark (issue 13): guest/benchp/threads.c under `vmsim run`, under
# qemu-riscv64 (host threads) and natively (the same source, host gcc), REPS
# times each, best wall time; the outputs must agree. Rows:
#   create     pthread_create + pthread_join, one thread at a time
#   pingpong   two threads pass a token through futex wait/wake: each round
#              is two wake-to-run latencies
# Per-operation times in microseconds and vmsim's ratios to the others.
# Env: VMSIM (default build/rel/vmsim), GUEST_DIR (build/guest), REPS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
vmsim="${VMSIM:-build/rel/vmsim}"
gdir="${GUEST_DIR:-build/guest}"
reps="${REPS:-3}"
sysroot=/usr/riscv64-linux-gnu
create_n=2000 pingpong_n=20000
for f in "$vmsim" "$gdir/benchp/threads" "$gdir/benchp-native/threads"; do
    [ -x "$f" ] || { echo "thread_bench: $f is missing (run make bench)" >&2; exit 1; }
done
have_qemu=1
command -v qemu-riscv64 >/dev/null || have_qemu=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

best() {   # best wall seconds of REPS runs of CMD; its stdout in $tmp/out
    local b="" t0 t1 t
    for ((r = 0; r < reps; r++)); do
        t0=$EPOCHREALTIME
        "$@" >"$tmp/out" 2>"$tmp/err" || { echo "thread_bench: '$*' failed" >&2; cat "$tmp/err" >&2; exit 1; }
        t1=$EPOCHREALTIME
        t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
        if [ -z "$b" ] || awk -v t="$t" -v b="$b" 'BEGIN { exit !(t < b) }'; then b=$t; fi
    done
    echo "$b"
}

echo "vmsim thread benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(nproc) CPUs, ${reps} runs each, best wall time"
printf '| %-10s | %10s | %10s | %10s | %10s | %12s |\n' benchmark "vmsim us" "qemu us" "native us" vmsim/qemu vmsim/native
printf '|%s|%s:|%s:|%s:|%s:|%s:|\n' ------------ ----------- ----------- ----------- ----------- -------------
for mode in create pingpong; do
    n=$create_n
    [ $mode = create ] || n=$pingpong_n
    v=$(best "$vmsim" run -L "$sysroot" "$gdir/benchp/threads" $mode $n); cp "$tmp/out" "$tmp/v.out"
    h=$(best "$gdir/benchp-native/threads" $mode $n); cp "$tmp/out" "$tmp/n.out"
    cmp -s "$tmp/v.out" "$tmp/n.out" || { echo "thread_bench: $mode: vmsim and native differ" >&2; exit 1; }
    q=n/a
    if [ $have_qemu = 1 ]; then
        q=$(best qemu-riscv64 -L "$sysroot" "$gdir/benchp/threads" $mode $n)
        cmp -s "$tmp/v.out" "$tmp/out" || { echo "thread_bench: $mode: vmsim and qemu differ" >&2; exit 1; }
    fi
    awk -v m="$mode" -v n="$n" -v v="$v" -v q="$q" -v h="$h" 'BEGIN {
        vu = v * 1e6 / n; hu = h * 1e6 / n
        qu = q == "n/a" ? "n/a" : sprintf("%.2f", q * 1e6 / n)
        vq = q == "n/a" ? "n/a" : sprintf("%.2f", v / q)
        printf "| %-10s | %10.2f | %10s | %10.2f | %10s | %12.1f |\n", m, vu, qu, hu, vq, v / h }'
done
echo "per operation (create: one create+join; pingpong: one round, two futex wake-ups); $create_n creates, $pingpong_n rounds; whole-run wall time incl. start-up"
