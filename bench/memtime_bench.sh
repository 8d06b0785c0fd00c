#!/usr/bin/env bash
# Memory over time (issue 17): what --timeline and --page-trace cost on a
# real program next to a plain run, what recording the page-reference string
# costs next to valgrind --tool=lackey on the same program built natively,
# the replay rate of that string (goal: 20 M references/s) and a miss-ratio
# curve of 100 M references (goal: under a minute).
#
# The program: guest/libc/phases.c 1000 (static glibc: sweeps 2048 pages
# 1000 times, then 16 of them; about 60 M instructions), riscv64 under vmsim
# and the same source built with the host's gcc under valgrind. Times: wall
# and CPU seconds (user + system) of the run with the best wall time of REPS
# (default 3); on a shared host the wall clock also counts other processes,
# and this VM's CPU accounting is coarse (10 ms ticks).
# Usage: bench/memtime_bench.sh [--quick]   (--quick: 20 M references for the curve)
set -euo pipefail
cd "$(dirname "$0")/.."
rel="${VMSIM_REL:-build/rel}"
vmsim="$rel/vmsim"
gen="$rel/bench/pagegen"
prog="${GUEST_DIR:-build/guest}/libc/phases"
arg=1000
reps="${REPS:-3}"
nrefs=100000000
[ "${1:-}" = "--quick" ] && nrefs=20000000
for f in "$vmsim" "$gen" "$prog"; do
    [ -x "$f" ] || { echo "memtime bench: $f is missing (run make bench)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O2 -o "$tmp/phases" guest/libc/phases.c

cpu() { # OUT CMD...: "CPU wall" seconds of CMD (stdout to OUT)
    local out=$1; shift
    /usr/bin/time -f '%U %S %e' -o "$tmp/time" "$@" >"$out" 2>"$tmp/err" || {
        echo "memtime bench: '$*' failed" >&2; cat "$tmp/err" >&2; exit 1; }
    awk '{printf "%.2f %.2f", $1 + $2, $3}' "$tmp/time"
}
best() { # CMD...: the best of $reps runs, by wall time: "CPU wall"
    local b="" t
    for _ in $(seq "$reps"); do
        t=$(cpu /dev/null "$@")
        if [ -z "$b" ] || awk -v a="${t#* }" -v b="${b#* }" 'BEGIN { exit !(a < b) }'; then b=$t; fi
    done
    echo "$b"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }'; }

echo "vmsim memory over time, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, best wall time of $reps"
plain=$(best "$vmsim" run --no-progress "$prog" $arg)
timeline=$(best "$vmsim" run --no-progress --timeline --timeline-csv "$tmp/t.csv" "$prog" $arg)
trace=$(best "$vmsim" run --no-progress --page-trace "$tmp/pt.txt" "$prog" $arg)
native=$(best "$tmp/phases" $arg)
reps_all=$reps reps=1   # the slow peer: one run
lackey="0 0"
if command -v valgrind >/dev/null; then
    lackey=$(best valgrind --tool=lackey --trace-mem=yes --log-file="$tmp/lackey.txt" "$tmp/phases" $arg)
else
    echo "(valgrind is not installed: no lackey row; scripts/deps.sh installs it)"
    : >"$tmp/lackey.txt"
fi
reps=$reps_all
refs=$(wc -l <"$tmp/pt.txt")
lrefs=$(awk '/^[ I]/ { n++ } END { print n + 0 }' "$tmp/lackey.txt")
samples=$(($(grep -c ',0,machine,' "$tmp/t.csv")))
row() { # NAME "CPU wall"
    printf '| %-48s | %7s | %7s | %8s |\n' "$1" "${2#* }" "${2% *}" "$(ratio "${2#* }" "${plain#* }")"
}
printf '| %-48s | %7s | %7s | %8s |\n' run "wall s" "CPU s" "x plain"
printf '|%s|%s:|%s:|%s:|\n' -------------------------------------------------- --------- --------- ----------
row "vmsim run phases $arg (riscv64)" "$plain"
row "vmsim run --timeline ($samples samples)" "$timeline"
row "vmsim run --page-trace ($refs refs)" "$trace"
row "native phases $arg (gcc -O2)" "$native"
row "valgrind --tool=lackey on native ($lrefs refs)" "$lackey"
echo "lackey / vmsim --page-trace: $(ratio "${lackey#* }" "${trace#* }") x the wall time," \
     "$(ratio "${lackey% *}" "${trace% *}") x the CPU time"
echo

# Replay of the recorded string.
"$vmsim" trace --format pages --stats "$tmp/pt.txt" >"$tmp/replay" 2>"$tmp/rerr"
echo "replay of the page trace: $(cat "$tmp/rerr" | sed 's/^vmsim trace: //') (goal: 20 M/s)"
for _ in 1 2 3 4 5 6 7 8; do cat "$tmp/pt.txt"; done >"$tmp/pt8.txt"
"$vmsim" trace --format pages --stats "$tmp/pt8.txt" >"$tmp/replay" 2>"$tmp/rerr"
echo "... 8 copies in one file: $(cat "$tmp/rerr" | sed 's/^vmsim trace: //')"
echo

# A miss-ratio curve of nrefs references (bench/pagegen.c: program-like phases).
"$gen" "$nrefs" >"$tmp/gen.txt"
t=$(cpu "$tmp/mrc.txt" "$vmsim" trace --format pages --mrc "$tmp/gen.txt")
echo "vmsim trace --mrc over $nrefs references: CPU ${t% *} s, wall ${t#* } s (goal: under 60 s)"
head -n 2 "$tmp/mrc.txt"
