#!/usr/bin/env bash
# Memory pressure without hangs (issue 14). The two hangs of the issue, as C
# programs (guest/pressure/):
#   straddle MIB  a loop whose body spans two code pages, its first
#                 instruction straddling the boundary, touching MIB of fresh
#                 anonymous memory (the kernel used to evict one code page to
#                 page in the other, forever);
#   interp N      a bytecode interpreter filling an N-element table of
#                 16-byte values grown by realloc (the real interpreter ran
#                 for minutes at the default --mem).
# Without swap each must end with Linux's OOM message within a bound of host
# time (status 137: SIGKILL); with enough swap each must print what
# qemu-riscv64 prints for the same binary. A child that thrashes is killed
# and its parent goes on. --timeout stops a run with status 124.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
S="$GUEST_DIR/pressure/straddle" I="$GUEST_DIR/pressure/interp"
[ -x "$S" ] && [ -x "$I" ] || { echo "no guest programs in $GUEST_DIR/pressure (make guest)"; exit 1; }
command -v qemu-riscv64 >/dev/null || { echo "no qemu-riscv64"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; sed 's/^/    stderr: /' "$tmp/err" | head -5; fail=1; }

# oom NAME BOUND VMSIM-ARGS...: OOM-killed with Linux's message within BOUND s.
oom() {
    local name=$1 bound=$2
    shift 2
    local t0=$SECONDS
    timeout 120 "$VMSIM" run "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$? took=$((SECONDS - t0))
    if [ $rc -ne 137 ]; then
        bad "$name: exit status $rc, want 137 (OOM-killed)"
    elif ! grep -Eq '^vmsim: out of memory: killed process 1000 \([a-z]+\) total-vm:[0-9]+kB, anon-rss:[0-9]+kB' "$tmp/err"; then
        bad "$name: no OOM message"
    elif [ $took -gt "$bound" ]; then
        bad "$name: took ${took}s, bound ${bound}s"
    else
        echo "ok $name: OOM-killed in ${took}s"
    fi
}

# same NAME PROG ARGS -- VMSIM-OPTS: vmsim's stdout and status = qemu's.
same() {
    local name=$1 prog=$2 arg=$3
    shift 3
    qemu-riscv64 "$prog" "$arg" >"$tmp/q.out" 2>/dev/null
    local qrc=$?
    timeout 120 "$VMSIM" run "$@" "$prog" "$arg" >"$tmp/out" 2>"$tmp/err"
    local vrc=$?
    if [ $vrc -ne $qrc ] || ! cmp -s "$tmp/out" "$tmp/q.out"; then
        bad "$name: vmsim exit $vrc, qemu $qrc; stdout: $(head -c 200 "$tmp/out") vs $(head -c 200 "$tmp/q.out")"
    else
        echo "ok $name: $(cat "$tmp/out")"
    fi
}

oom "straddle, 16M, no swap" 60 --mem 16M "$S" 32
same "straddle, 16M + 64M swap" "$S" 32 --mem 16M --swap 64M
oom "interp, 8M, no swap" 60 --mem 8M "$I" 1000000
same "interp, 8M + 48M swap" "$I" 1000000 --mem 8M --swap 48M

# The culprit is a child: killed, the parent goes on.
timeout 120 "$VMSIM" run --mem 16M "$S" 32 child >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -ne 0 ] || ! grep -qx "parent: child killed by signal 9" "$tmp/out" ||
    ! grep -Eq '^vmsim: out of memory: killed process 1001 ' "$tmp/err"; then
    bad "child: exit $rc, stdout: $(cat "$tmp/out")"
else
    echo "ok child OOM-killed, parent went on"
fi

# --timeout: a program that never ends is stopped, status 124.
spin="$GUEST_DIR/run/spin"
if [ -x "$spin" ]; then
    t0=$SECONDS
    timeout 120 "$VMSIM" run --timeout 1 "$spin" >"$tmp/out" 2>"$tmp/err"
    rc=$? took=$((SECONDS - t0))
    if [ $rc -ne 124 ] || ! grep -q "^vmsim: timeout: 1 s of host time used up" "$tmp/err" || [ $took -gt 10 ]; then
        bad "--timeout: exit $rc after ${took}s"
    else
        echo "ok --timeout 1: stopped after ${took}s, status 124"
    fi
fi
exit $fail
