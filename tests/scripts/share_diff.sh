#!/usr/bin/env bash
# Differential test of sharing between processes (issue 16): guest programs
# (guest/share) using POSIX shared memory on /dev/shm (tmpfs), memfd with
# seals, Unix sockets, eventfd/epoll/timerfd and System V shared memory run
# under $VMSIM and under qemu-riscv64 -L (which asks the host kernel, and
# runs fork natively); stdout and the exit status must be identical.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
command -v qemu-riscv64 >/dev/null || { echo "qemu-riscv64 not installed"; exit 77; }
[ -x "$GUEST_DIR/share/shm" ] || { echo "no guest programs in $GUEST_DIR/share (make guest)"; exit 77; }
SYSROOT=/usr/riscv64-linux-gnu
GUEST_DIR=$(cd "$GUEST_DIR" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

check() {
    local name=$1; shift
    (cd "$tmp" && exec timeout 120 "$VMSIM" run "$@") >"$tmp/v.out" 2>"$tmp/v.err"
    local vrc=$?
    (cd "$tmp" && exec timeout 120 qemu-riscv64 -L "$SYSROOT" "$@") >"$tmp/q.out" 2>/dev/null
    local qrc=$?
    if [ $vrc -eq 124 ]; then
        echo "FAIL $name: vmsim timed out"
        fail=1
    elif [ $vrc -ne $qrc ]; then
        echo "FAIL $name: exit status vmsim $vrc, qemu $qrc"
        sed 's/^/    vmsim stderr: /' "$tmp/v.err" | head -5
        fail=1
    elif ! cmp -s "$tmp/v.out" "$tmp/q.out"; then
        echo "FAIL $name: stdout differs (< vmsim, > qemu)"
        diff "$tmp/v.out" "$tmp/q.out" | head -20
        fail=1
    elif [ ! -s "$tmp/v.out" ]; then
        echo "FAIL $name: no output"
        fail=1
    else
        echo "ok $name (exit $vrc, $(wc -l <"$tmp/v.out") lines)"
    fi
}

for prog in "$GUEST_DIR"/share/*; do
    [ -x "$prog" ] || continue
    case $(basename "$prog") in
        *_exec* | *_native | shmswap_all) continue ;;   # share_native.sh, share_swap.sh
    esac
    check "share/$(basename "$prog")" "$prog"
done
exit $fail
