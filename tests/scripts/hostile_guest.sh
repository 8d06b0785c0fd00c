#!/usr/bin/env bash
# Issue 18: guest programs that used to abort vmsim itself, under the ASan
# build. Each must end as the guest's own fate, with Linux's answer:
#  - a SIGSEGV handler at an unmapped address with SA_NODEFER: killed by
#    SIGSEGV (Linux force_sigsegv; qemu-riscv64's status is the reference),
#    stderr is the shell's usual "Segmentation fault" and nothing from vmsim;
#  - mremap with a length past the user half: EINVAL (mm/mremap.c: the
#    shrink's do_vmi_munmap refuses len > TASK_SIZE - start);
#  - madvise from the last user page over 2^47 bytes: ENOMEM (no region
#    there; madvise_walk_vmas), a wrapping range: EINVAL;
#  - rt_sigaction with high bits in the signal number, rt_sigpending with
#    size 7, kill(INT_MIN, 0): compared with qemu-riscv64 (which passes them
#    to the host Linux's answers).
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
prog="$GUEST_DIR/proc/hostile"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
run() { timeout 120 "$VMSIM" run "$prog" "$@" >"$tmp/out" 2>"$tmp/err"; echo $?; }

rc=$(run nodefer)
[ "$rc" = 139 ] || { echo "FAIL nodefer: status $rc, want 139"; fail=1; }
[ "$(cat "$tmp/err")" = "Segmentation fault" ] || { echo "FAIL nodefer stderr:"; head -5 "$tmp/err"; fail=1; }
if command -v qemu-riscv64 >/dev/null; then
    timeout 60 qemu-riscv64 "$prog" nodefer >/dev/null 2>&1; q=$?
    [ "$q" = 139 ] || { echo "FAIL: qemu-riscv64 says $q for nodefer (reference changed?)"; fail=1; }
fi

rc=$(run mremap)
printf 'mremap huge old = -1 (EINVAL)\nalive 1\n' >"$tmp/want"
[ "$rc" = 0 ] && diff "$tmp/out" "$tmp/want" >/dev/null && [ ! -s "$tmp/err" ] ||
    { echo "FAIL mremap: status $rc"; cat "$tmp/out" "$tmp/err" | head; fail=1; }

rc=$(run madvise)
printf '%s\n' 'madvise dontneed = -1 (ENOMEM)' 'madvise wrap = -1 (EINVAL)' \
    'madvise kernel half = -1 (ENOMEM)' 'munmap half = -1 (EINVAL)' alive >"$tmp/want"
[ "$rc" = 0 ] && diff "$tmp/out" "$tmp/want" >/dev/null && [ ! -s "$tmp/err" ] ||
    { echo "FAIL madvise: status $rc"; cat "$tmp/out" "$tmp/err" | head; fail=1; }

# Shared anonymous memory grown by mremap: the object keeps its size, a
# write past it is SIGBUS (qemu-riscv64 maps through the host: Linux's answer).
rc=$(run shmgrow)
if command -v qemu-riscv64 >/dev/null; then
    timeout 60 qemu-riscv64 "$prog" shmgrow >"$tmp/want" 2>/dev/null; q=$?
    [ "$rc" = "$q" ] && diff "$tmp/out" "$tmp/want" ||
        { echo "FAIL shmgrow: status $rc, qemu $q (< vmsim, > qemu)"; fail=1; }
fi

rc=$(run sigargs)
if command -v qemu-riscv64 >/dev/null; then
    timeout 60 qemu-riscv64 "$prog" sigargs >"$tmp/want" 2>/dev/null
    [ "$rc" = 0 ] && diff "$tmp/out" "$tmp/want" ||
        { echo "FAIL sigargs: status $rc (< vmsim, > qemu)"; fail=1; }
fi
[ $fail -eq 0 ] && echo ok
exit $fail
