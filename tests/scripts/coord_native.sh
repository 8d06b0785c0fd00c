#!/usr/bin/env bash
# Processes that coordinate (issue 12): file locks (guest/proc/locks.c),
# dying by signal while others wait (sigwait.c), FIFOs, devices and
# in-kernel copies (fifo.c) and credentials (cred.c). qemu-riscv64 cannot
# exec riscv64 children here, so the reference is the same C source built
# natively and run on this Linux host: stdout and exit status must match.
# Both run in a fresh directory, without a controlling terminal (setsid),
# as an unprivileged user: natively under setpriv when we are root (uid and
# gid 1000 or the caller's, no supplementary groups), under vmsim with the
# same --uid/--gid.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
command -v gcc >/dev/null || { echo "no host gcc"; exit 77; }
command -v setsid >/dev/null || { echo "no setsid"; exit 77; }
[ -x "$GUEST_DIR/proc/locks" ] || { echo "no guest programs in $GUEST_DIR/proc (make guest)"; exit 77; }
src=$(cd "$(dirname "$0")/../../guest/proc" && pwd)
G=$(cd "$GUEST_DIR" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
for p in locks sigwait fifo cred; do
    gcc -O2 -w "$src/$p.c" -o "$tmp/$p" || { echo "cannot build $p for the host"; exit 1; }
done
source "$(dirname "$0")/compare_lib.bash"
uid=$(id -u) gid=$(id -g) asuser=()
if [ "$uid" -eq 0 ]; then
    command -v setpriv >/dev/null || { echo "root without setpriv: cannot run natively unprivileged"; exit 77; }
    uid=1000 gid=1000
    asuser=(setpriv --reuid=$uid --regid=$gid --clear-groups)
fi
progs="locks sigwait fifo cred"
if [ ${#asuser[@]} -eq 0 ] && [ "$(id -G | wc -w)" -gt 1 ]; then
    echo "not root, and this user has supplementary groups (the guest has none): cred cannot be compared"
    exit 77
fi
fail=0
for p in $progs; do
    rm -rf "$tmp/n" "$tmp/v"
    mkdir "$tmp/n" "$tmp/v"
    chmod 777 "$tmp/n" "$tmp/v"
    (cd "$tmp/n" && exec setsid "${asuser[@]}" "$tmp/$p") >"$tmp/n.out" 2>/dev/null </dev/null
    nrc=$?
    (cd "$tmp/v" && exec setsid timeout 120 "$VMSIM" run --root / --uid $uid --gid $gid "$G/proc/$p") \
        >"$tmp/v.out" 2>"$tmp/v.err" </dev/null
    vrc=$?
    compare_runs "$p" "$vrc" "$nrc"
done
exit $fail
