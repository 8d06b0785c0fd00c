#!/usr/bin/env bash
# Trace replay rate of `vmsim trace`, in references per second, against the
# goal of 20 M/s (libCacheSim's rate for its simple policies, which neither
# walk page tables nor look up a TLB; we do both, per page of every
# reference).
#
# The trace: valgrind's lackey on a real program (GNU sort of 3,000 numbers, about 12 M references,
# a fixed input) when valgrind is installed, else a synthetic lackey trace
# with a program-like mix (instruction fetches running through a small code
# region, stack loads and stores, heap accesses with locality). It is made
# once, cached in build/bench/, and repeated REPEAT times (default 2) into
# one file so that a replay lasts long enough to time.
#
# Prints, per policy and frame cap: references, faults, evictions, the rate
# by the wall clock and by CPU time (on a shared host the wall clock also
# counts other processes; CPU time is the replay's own cost).
# Usage: bench/trace_bench.sh [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
rel="${VMSIM_REL:-build/rel}"
vmsim="$rel/vmsim"
[ -x "$vmsim" ] || { echo "trace bench: $vmsim is missing (run make bench)" >&2; exit 1; }
repeat=${REPEAT:-2}
[ "${1:-}" = "--quick" ] && repeat=1
dir=build/bench
mkdir -p "$dir"

one="$dir/trace_one.lackey"
if [ ! -s "$one" ]; then
    if command -v valgrind >/dev/null && command -v sort >/dev/null; then
        awk 'BEGIN { srand(1); for (i = 0; i < 3000; i++) print int(rand() * 1000000) }' \
            >"$dir/trace_input"
        valgrind --tool=lackey --trace-mem=yes --log-file="$one.tmp" \
            sort -n "$dir/trace_input" >/dev/null
        echo "lackey trace of: sort -n (3000 numbers)" >"$dir/trace_source"
    else
        # Synthetic: a loop over 64 KiB of code, a 16 KiB stack window, and a
        # 64 MiB heap walked mostly sequentially with random jumps (addresses
        # below 2^32: mawk's %x stops there).
        awk 'BEGIN { srand(1); pc = 4194304; sp = 3221225472; heap = 67108864
            for (i = 0; i < 3000000; i++) {
                printf "I  %08x,%d\n", pc, 1 + int(rand() * 7)
                pc += 4; if (pc >= 4194304 + 65536) pc = 4194304
                r = rand()
                if (r < 0.3) printf " L %x,8\n", sp - int(rand() * 16384)
                else if (r < 0.45) printf " S %x,8\n", sp - int(rand() * 16384)
                else if (r < 0.65) { heap += 8; if (rand() < 0.01) heap = 67108864 + int(rand() * 67108864)
                                     printf " %s %x,8\n", (rand() < 0.7 ? "L" : "M"), heap }
            } }' >"$one.tmp"
        echo "synthetic lackey trace (valgrind not installed)" >"$dir/trace_source"
    fi
    mv "$one.tmp" "$one"
fi
trace="$dir/trace_x$repeat.lackey"
if [ ! -s "$trace" ]; then
    for _ in $(seq "$repeat"); do cat "$one"; done >"$trace.tmp"
    mv "$trace.tmp" "$trace"
fi

echo "vmsim trace replay, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(nproc) CPUs"
echo "trace: $(cat "$dir/trace_source"), repeated $repeat times: $(du -h "$trace" | cut -f1)"
echo "goal: 20 M references/s"
echo
printf '%-7s %7s %11s %9s %9s %10s %10s\n' policy frames references faults evictions "wall M/s" "CPU M/s"
run() { # POLICY FRAMES
    local frames_opt=()
    [ "$2" != "-" ] && frames_opt=(--frames "$2")
    local out err
    out=$("$vmsim" trace --stats --policy "$1" "${frames_opt[@]}" "$trace" 2>"$dir/trace_err") || {
        echo "trace bench: vmsim trace failed:" >&2; cat "$dir/trace_err" >&2; exit 1; }
    err=$(cat "$dir/trace_err")
    local key
    key() { awk -v k="$1" '$1 == k { print $2 }' <<<"$out"; }
    # "... in W s (X M/s), CPU C s (Y M/s)"
    local wall cpu
    wall=$(sed -n 's/.* s (\([0-9.]*\) M\/s), CPU.*/\1/p' <<<"$err")
    cpu=$(sed -n 's/.*CPU [0-9.]* s (\([0-9.]*\) M\/s).*/\1/p' <<<"$err")
    printf '%-7s %7s %11s %9s %9s %10s %10s\n' "$1" "$2" "$(key references)" "$(key faults)" \
        "$(key evictions)" "$wall" "$cpu"
}
run clock -
run fifo -
run clock 64
run fifo 64
run lru 64
run random 64
