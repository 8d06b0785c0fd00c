#!/usr/bin/env bash
# The translator against qemu-riscv64 (issue 15): each program runs under
# `vmsim run --engine interp`, `vmsim run --engine jit` and qemu-riscv64 in
# the same run, REPS times each (best CPU time, user + sys), and must print
# the same output under all three. Programs: build/guest/perf's integer,
# branchy, memory-walking and FP loops, and real programs built from Debian
# sources (scripts/debsrc.sh): zstd compressing and decompressing a file
# (a round trip), sqlite's speedtest1 and Lua 5.4 running bench/lua/bench.lua.
# Speed ratios are qemu's time over vmsim's: >= 1.0 means at least qemu's
# speed.
#
# Usage: bench/jit_bench.sh [--quick]
# Env: VMSIM_REL, GUEST_DIR, REPS (3), ONLY (run only the programs whose
# name contains it, e.g. ONLY=lua).
set -euo pipefail
cd "$(dirname "$0")/.."
vmsim="${VMSIM_REL:-build/rel}/vmsim"
gdir="${GUEST_DIR:-build/guest}/perf"
reps="${REPS:-3}"
quick=0; [ "${1:-}" = --quick ] && quick=1
[ -x "$vmsim" ] || { echo "jit_bench: $vmsim is missing (run make bench)" >&2; exit 1; }
vmsim=$(realpath "$vmsim")
command -v qemu-riscv64 >/dev/null || { echo "jit_bench: qemu-riscv64 not installed" >&2; exit 1; }
"$vmsim" run --engine jit /dev/null 2>&1 | grep -q 'needs an x86-64 host' && { echo "jit_bench: no translator on this host"; exit 0; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cpu_time() {   # cmd...: stdout to $tmp/out, prints user+sys seconds
    /usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" || {
        echo "jit_bench: '$*' failed" >&2; tail -5 "$tmp/err" >&2; exit 1; }
    awk '{printf "%.4f", $1 + $2}' "$tmp/time"
}
best() { printf '%s\n' "$@" | sort -g | head -1; }

# name | program and arguments (run in $tmp/w, which holds the inputs)
benches=()
for p in "int 800" "branchy 20" "memwalk 8" "fp 12"; do
    set -- $p
    [ -x "$gdir/$1" ] && benches+=("$1|$PWD/$gdir/$1 $2")
done
set +u
source scripts/debsrc.sh
set -u
mkdir -p "$tmp/w"
if zs=$(debsrc_build zstd tests/real/zstd.build 2>"$tmp/zstd.log") && [ -x "$zs/rv64/zstd" ]; then
    # input: zstd's own C sources, a few MB of real text
    cat "$(debsrc_dir zstd)"/lib/*/*.c "$(debsrc_dir zstd)"/programs/*.c >"$tmp/all"
    head -c $((quick ? 1 : 4))000000 "$tmp/all" >"$tmp/w/in"
    benches+=("zstd -3 round trip|$zs/rv64/zstd -q -f -3 in -o in.zst && $zs/rv64/zstd -q -f -d in.zst -o in.out && cmp in in.out && echo ok")
    benches+=("zstd -19|$zs/rv64/zstd -q -f -19 in -o in.zst && echo ok")
else
    echo "jit_bench: zstd not built (see $tmp/zstd.log); skipped" >&2
fi
if sq=$(debsrc_build sqlite3 tests/real/speedtest1.build 2>"$tmp/sq.log") && [ -x "$sq/rv64/speedtest1" ]; then
    benches+=("sqlite speedtest1|$sq/rv64/speedtest1 --size $((quick ? 5 : 20)) --testset main")
else
    echo "jit_bench: speedtest1 not built; skipped" >&2
fi
if lu=$(debsrc_build lua5.4 tests/real/lua.build 2>"$tmp/lua.log") && [ -x "$lu/rv64/lua" ]; then
    cp bench/lua/bench.lua "$tmp/w/bench.lua"
    benches+=("lua bench|$lu/rv64/lua bench.lua $((quick ? 4 : 20))")
else
    echo "jit_bench: lua not built (see $tmp/lua.log); skipped" >&2
fi

echo "vmsim translator benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs," \
     "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), ${reps} runs each, best CPU time"
printf '| %-18s | %13s | %8s | %8s | %8s | %11s | %9s |\n' program instructions "interp s" "jit s" "qemu s" "interp/qemu" "jit/qemu"
printf '|%s|%s:|%s:|%s:|%s:|%s:|%s:|\n' -------------------- --------------- ---------- ---------- ---------- ------------- -----------
for bspec in "${benches[@]}"; do
    name=${bspec%%|*} cmd=${bspec#*|}
    [[ $name == *"${ONLY:-}"* ]] || continue
    # a shell line: each riscv64 program in it runs under the engine or qemu
    it=() jt=() qt=()
    for ((r = 0; r < reps; r++)); do
        t0=$(cd "$tmp/w" && cpu_time bash -c "$(echo "$cmd" | sed -E "s#(^|&& )(/[^ ]+)#\1$vmsim run --engine interp --stats \2#g")")
        cp "$tmp/out" "$tmp/i.out"; insns=$(sed -n 's/^vmsim: \([0-9]*\) instructions.*/\1/p' "$tmp/err" | awk '{s += $1} END {print s + 0}')
        t1=$(cd "$tmp/w" && cpu_time bash -c "$(echo "$cmd" | sed -E "s#(^|&& )(/[^ ]+)#\1$vmsim run --engine jit \2#g")")
        cp "$tmp/out" "$tmp/j.out"
        t2=$(cd "$tmp/w" && cpu_time bash -c "$(echo "$cmd" | sed -E "s#(^|&& )(/[^ ]+)#\1qemu-riscv64 \2#g")")
        for o in out i.out j.out; do   # speedtest1 prints its own timings
            sed -i -E 's/ +[0-9]+\.[0-9]+s$//; s/^(Total[^0-9]*)[0-9.]+s$/\1/' "$tmp/$o"
        done
        for o in i j; do
            cmp -s "$tmp/out" "$tmp/$o.out" || { echo "jit_bench: $name: output differs from qemu's ($o)" >&2; diff "$tmp/$o.out" "$tmp/out" | head >&2; exit 1; }
        done
        it+=("$t0") jt+=("$t1") qt+=("$t2")
    done
    i=$(best "${it[@]}") j=$(best "${jt[@]}") q=$(best "${qt[@]}")
    awk -v p="$name" -v n="$insns" -v i="$i" -v j="$j" -v q="$q" 'BEGIN {
        printf "| %-18s | %13.0f | %8.3f | %8.3f | %8.3f | %11.2f | %9.2f |\n",
               p, n, i, j, q, (i > 0 ? q / i : 0), (j > 0 ? q / j : 0) }'
done
