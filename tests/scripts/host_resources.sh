#!/usr/bin/env bash
# Issue 18: a guest's use of host resources follows from its own limits.
#  1. Pipe buffers are pages of the simulated RAM: 40 processes filling as
#     many pipes as they can (1021 descriptors each: 510 pipes of 64 KiB,
#     1.3 GB if buffers were host memory) with --mem 64M. vmsim's peak host
#     RSS must stay within that of one process filling pipes, plus --mem
#     and a margin (bounded by the RAM, not by what the guest asked).
#  1b. Socket buffers too: the same with socketpairs (stream pairs filled
#     both ways, datagram pairs with one-byte messages, whose headers are
#     charged to the RAM as well): each process stops at EMFILE or ENOBUFS
#     (the RAM spent), and the peak RSS of 40 stays within that of one plus
#     --mem and the margin (host memory would need 40 x 255 x 2 x 208 KiB).
#  2. Host descriptors: 40 processes each open one file until EMFILE (their
#     RLIMIT_NOFILE, 1024: 1021 after stdio); all must stop at 1021 with
#     EMFILE (never the host's limit first), and vmsim's own descriptor
#     count (/proc/PID/fd of the host process) stays small, since open
#     files of one host file share its descriptor.
#  3. Distinct files and directories: see gated dirs below.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
prog="$GUEST_DIR/proc/hog"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
cp "$(dirname "$0")/../../guest/proc/hog.c" "$tmp/hog.c"
# ASan keeps freed memory in quarantine (256 MB by default): not the guest's.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8"
maxrss() {   # exit status and peak RSS (kB) of the command; its stdout in $tmp/last.out
    python3 -c 'import resource,subprocess,sys
r = subprocess.run(sys.argv[2:], stdout=open(sys.argv[1], "w"), stderr=subprocess.DEVNULL)
print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$tmp/last.out" "$@"
}
read -r rc1 base < <(cd "$tmp" && maxrss timeout 120 "$VMSIM" run --mem 64M --root . "$prog" pipes 1)
read -r rc40 many < <(cd "$tmp" && maxrss timeout 300 "$VMSIM" run --mem 64M --root . "$prog" pipes 40)
echo "peak host RSS: 1 process ${base} kB, 40 processes ${many} kB (--mem 64M)"
[ "$rc1" = 0 ] && [ "$rc40" = 0 ] || { echo "FAIL: exit $rc1 / $rc40"; fail=1; }
limit=$((base + 64 * 1024 + 48 * 1024))
[ "$many" -le "$limit" ] || { echo "FAIL: ${many} kB > ${limit} kB"; fail=1; }

read -r rc1 base < <(cd "$tmp" && maxrss timeout 120 "$VMSIM" run --mem 64M --root . "$prog" socks 1)
read -r rc40 many < <(cd "$tmp" && maxrss timeout 300 "$VMSIM" run --mem 64M --root . "$prog" socks 40)
echo "sockets: peak host RSS: 1 process ${base} kB, 40 processes ${many} kB (--mem 64M)"
[ "$rc1" = 0 ] && [ "$rc40" = 0 ] || { echo "FAIL: exit $rc1 / $rc40"; fail=1; }
grep -q "^40 of 40 exited, 40 as expected$" "$tmp/last.out" ||
    { echo "FAIL: socks 40:"; head -5 "$tmp/last.out"; fail=1; }
limit=$((base + 64 * 1024 + 48 * 1024))
[ "$many" -le "$limit" ] || { echo "FAIL: ${many} kB > ${limit} kB"; fail=1; }

# Runs hog MODE 40 with the host's descriptor limit at 1024 (soft and
# hard, the usual default), counts vmsim's host descriptors while every
# guest process holds its descriptors, then lets them finish.
gated() {
    local mode=$1 max=$2
    rm -f "$tmp/go"
    mkfifo "$tmp/go"
    (ulimit -n 1024 && cd "$tmp" && exec timeout 300 "$VMSIM" run --root . "$prog" "$mode" 40 <"$tmp/go" >"$tmp/out2") &
    local pid=$! q vpid= nfd rc
    exec 3>"$tmp/go"
    for _ in $(seq 600); do grep -q "all open" "$tmp/out2" 2>/dev/null && break; sleep 0.2; done
    for q in $(pgrep -f -- "$prog $mode 40"); do   # vmsim itself (under timeout and wrappers)
        [ "$(basename "$(readlink "/proc/$q/exe" 2>/dev/null)")" = vmsim ] && vpid=$q
    done
    nfd=$( [ -n "$vpid" ] && ls "/proc/$vpid/fd" | wc -l)
    [ -n "$vpid" ] || { echo "FAIL: $mode: the vmsim process was not found"; fail=1; }
    echo go >&3
    exec 3>&-
    wait $pid
    rc=$?
    echo "$mode: host descriptors of vmsim with every guest process's open: $nfd"
    [ $rc -eq 0 ] && grep -q "^40 of 40 exited, 40 as expected$" "$tmp/out2" ||
        { echo "FAIL: $mode: exit $rc"; cat "$tmp/out2"; fail=1; }
    [ "${nfd:-0}" -gt 0 ] && [ "${nfd:-0}" -le "$max" ] || { echo "FAIL: $mode: $nfd host descriptors"; fail=1; }
}
gated files 64
# 3. 40 processes each hold 500 files and 500 directories of their own
#    (40,000 distinct host objects) and then fstat, read and readdir each
#    through its descriptor: vmsim holds at most a few hundred host
#    descriptors (the least recently used are reopened by file handle).
gated dirs 300
[ $fail -eq 0 ] && echo ok
exit $fail
