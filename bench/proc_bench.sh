#!/usr/bin/env bash
# Process benchmark (issue 4): each program of build/guest/benchp runs under
# `vmsim run`, under qemu-riscv64 (which forks the host process for a guest
# fork) and natively (the same C source built with the host gcc, in
# build/guest/benchp-native), REPS times each, best wall time; the outputs
# (counts, checksums) must agree. Rows:
#   spawn      fork + execve(dynamic hello) + waitpid, repeated
#   malloc     random malloc/free, 16 B..64 KiB, checksum
#   forkheavy  fork children that write every 4th page of an inherited heap
#   hello      one whole `run` of the dynamic hello, repeated from the shell
#              (start-up cost: loader, ld.so, libc)
#   mapmany    65,000 one-page mmaps without a hint (alternate protections:
#              no merging), /proc/self/maps read 3 times, munmap each in a
#              random order (the region tree, issue 18)
# qemu-user cannot execve a riscv64 program from inside the guest without a
# binfmt_misc handler, so its spawn column is n/a when the children fail.
# Builds nothing: `make bench` does.
# Env: VMSIM (default build/rel/vmsim), GUEST_DIR (build/guest), REPS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
vmsim="${VMSIM:-build/rel/vmsim}"
gdir="${GUEST_DIR:-build/guest}"
reps="${REPS:-3}"
sysroot=/usr/riscv64-linux-gnu
# sizes: the whole script takes ~20-40 s on the recorded machine (2 CPUs)
spawn_n=100 malloc_ops=300000 fork_n=50 fork_mib=4 hello_n=10 maps_n=65000
[ -x "$vmsim" ] || { echo "proc_bench: $vmsim is missing (run make bench)" >&2; exit 1; }
have_qemu=1
command -v qemu-riscv64 >/dev/null || have_qemu=0
for f in benchp/spawn benchp/malloc benchp/forkheavy benchp/mapmany dyn/hello benchp-native/spawn \
         benchp-native/malloc benchp-native/forkheavy benchp-native/mapmany benchp-native/hello; do
    [ -x "$gdir/$f" ] || { echo "proc_bench: $gdir/$f is missing (run make bench)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# wall MODE CMD...: runs CMD REPS times (MODE once: CMD is one run; MODE loop:
# CMD runs hello_n times per repetition, exit status ignored), stdout to
# $tmp/out; prints the best wall seconds.
wall() {
    local mode=$1 best="" t0 t1 t i
    shift
    for ((r = 0; r < reps; r++)); do
        t0=$EPOCHREALTIME
        if [ "$mode" = once ]; then
            "$@" >"$tmp/out" 2>"$tmp/err" || {
                echo "proc_bench: '$*' failed" >&2; cat "$tmp/err" >&2; exit 1; }
        else
            for ((i = 0; i < hello_n; i++)); do "$@" >"$tmp/out" 2>"$tmp/err" || true; done
        fi
        t1=$EPOCHREALTIME
        t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
        if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
    done
    echo "$best"
}

# row NAME VMSIM_S QEMU_S NATIVE_S (QEMU_S may be "n/a")
row() {
    awk -v n="$1" -v v="$2" -v q="$3" -v h="$4" 'BEGIN {
        vq = (q == "n/a" || q == 0) ? "n/a" : sprintf("%.3f", v / q);
        if (q != "n/a") q = sprintf("%.3f", q);
        vh = h > 0 ? sprintf("%.2f", v / h) : "n/a";
        printf "| %-10s | %8.3f | %8s | %8.3f | %10s | %12s |\n", n, v, q, h, vq, vh }'
}

# same NAME [QEMU]: the outputs of vmsim ($tmp/v.out) and native ($tmp/n.out)
# agree, and with qemu's ($tmp/q.out) if QEMU is 1.
same() {
    local f files=("$tmp/n.out")
    [ "${2:-0}" != 1 ] || files+=("$tmp/q.out")
    for f in "${files[@]}"; do
        cmp -s "$tmp/v.out" "$f" || {
            echo "proc_bench: $1: outputs differ:" >&2; diff "$tmp/v.out" "$f" >&2; exit 1; }
    done
}

V=("$vmsim" run -L "$sysroot")
Q=(qemu-riscv64 -L "$sysroot")
echo "vmsim process benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -srm), $(nproc) CPUs, ${reps} runs each, best wall time"
printf '| %-10s | %8s | %8s | %8s | %10s | %12s |\n' benchmark "vmsim s" "qemu s" "native s" vmsim/qemu vmsim/native
printf '|%s|%s:|%s:|%s:|%s:|%s:|\n' ------------ --------- --------- --------- ----------- -------------

# spawn: vmsim's sandbox root is "." (the repo root), so relative paths work
# for the exec target in both vmsim and the host.
v=$(wall once "${V[@]}" "$gdir/benchp/spawn" "$spawn_n" "$gdir/dyn/hello"); cp "$tmp/out" "$tmp/v.out"
n=$(wall once "$gdir/benchp-native/spawn" "$spawn_n" "$gdir/benchp-native/hello"); cp "$tmp/out" "$tmp/n.out"
expect="spawned $spawn_n, exit status sum $((3 * spawn_n))"
[ "$(cat "$tmp/v.out")" = "$expect" ] || { echo "proc_bench: spawn under vmsim: $(cat "$tmp/v.out")" >&2; exit 1; }
q=n/a qnote=""
if [ $have_qemu = 1 ]; then
    "${Q[@]}" "$gdir/benchp/spawn" 1 "$gdir/dyn/hello" >"$tmp/q.out" 2>&1 || true
    if [ "$(cat "$tmp/q.out")" = "spawned 1, exit status sum 3" ]; then
        q=$(wall once "${Q[@]}" "$gdir/benchp/spawn" "$spawn_n" "$gdir/dyn/hello"); cp "$tmp/out" "$tmp/q.out"
        same spawn 1
    else
        qnote="qemu spawn n/a: qemu-user's guest execve of a riscv64 program fails without a binfmt_misc handler ($(head -c 60 "$tmp/q.out"))"
    fi
fi
same spawn
row "spawn" "$v" "$q" "$n"

v=$(wall once "${V[@]}" "$gdir/benchp/malloc" "$malloc_ops"); cp "$tmp/out" "$tmp/v.out"
n=$(wall once "$gdir/benchp-native/malloc" "$malloc_ops"); cp "$tmp/out" "$tmp/n.out"
q=n/a
[ $have_qemu = 0 ] || { q=$(wall once "${Q[@]}" "$gdir/benchp/malloc" "$malloc_ops"); cp "$tmp/out" "$tmp/q.out"; }
same malloc $have_qemu
row "malloc" "$v" "$q" "$n"

v=$(wall once "${V[@]}" "$gdir/benchp/forkheavy" "$fork_n" "$fork_mib"); cp "$tmp/out" "$tmp/v.out"
n=$(wall once "$gdir/benchp-native/forkheavy" "$fork_n" "$fork_mib"); cp "$tmp/out" "$tmp/n.out"
q=n/a
[ $have_qemu = 0 ] || { q=$(wall once "${Q[@]}" "$gdir/benchp/forkheavy" "$fork_n" "$fork_mib"); cp "$tmp/out" "$tmp/q.out"; }
same forkheavy $have_qemu
row "forkheavy" "$v" "$q" "$n"

v=$(wall loop "${V[@]}" "$gdir/dyn/hello"); cp "$tmp/out" "$tmp/v.out"
n=$(wall loop "$gdir/benchp-native/hello"); cp "$tmp/out" "$tmp/n.out"
q=n/a
[ $have_qemu = 0 ] || { q=$(wall loop "${Q[@]}" "$gdir/dyn/hello"); cp "$tmp/out" "$tmp/q.out"; }
same hello $have_qemu
row "hello x$hello_n" "$v" "$q" "$n"

# mapmany: qemu-user places hint-less mappings bottom-up (its own allocator,
# not Linux's top-down mmap_base layout), so only its munmap line must agree.
v=$(wall once "${V[@]}" "$gdir/benchp/mapmany" "$maps_n"); cp "$tmp/out" "$tmp/v.out"
n=$(wall once "$gdir/benchp-native/mapmany" "$maps_n"); cp "$tmp/out" "$tmp/n.out"
q=n/a
if [ $have_qemu = 1 ]; then
    q=$(wall once "${Q[@]}" "$gdir/benchp/mapmany" "$maps_n")
    grep -q '^munmap in a random order: 0 failed$' "$tmp/out" || {
        echo "proc_bench: mapmany under qemu:" >&2; cat "$tmp/out" >&2; exit 1; }
fi
same mapmany
row "mapmany" "$v" "$q" "$n"

echo "sizes: spawn $spawn_n, malloc $malloc_ops ops, forkheavy $fork_n forks of a $fork_mib MiB heap, hello $hello_n runs, mapmany $maps_n mappings"
[ -z "$qnote" ] || echo "$qnote"
