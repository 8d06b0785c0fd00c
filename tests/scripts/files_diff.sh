#!/usr/bin/env bash
# Differential test of the file system calls and of dynamic linking: every
# program in $GUEST_DIR/files (static glibc), $GUEST_DIR/files_dyn (the same
# sources, dynamically linked) and $GUEST_DIR/dyn runs under
# `$VMSIM run --root DIR` and under `qemu-riscv64 -L /usr/riscv64-linux-gnu`,
# each in a fresh empty directory DIR as its cwd (so relative paths name the
# same files); stdout and exit status must be identical. fmmap leaves
# out.bin behind: both copies must equal the bytes its writes through
# mmap/msync/pwrite imply (computed here independently).
# Skips (77) when qemu-riscv64 or the guests are missing.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
command -v qemu-riscv64 >/dev/null || { echo "qemu-riscv64 not installed"; exit 77; }
SYSROOT=/usr/riscv64-linux-gnu
[ -d "$SYSROOT/lib" ] || { echo "no riscv64 sysroot at $SYSROOT"; exit 77; }
progs=("$GUEST_DIR"/files/* "$GUEST_DIR"/files_dyn/* "$GUEST_DIR"/dyn/*)
[ -e "${progs[0]}" ] || { echo "no guest programs in $GUEST_DIR (make guest)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# out.bin as fmmap must leave it: 4 pages; page 0 'a' with "SHARED" at 10,
# 'W' at 20, 'Q' at 30; page 1 'b' (the private write stays private); page 2
# 'c' with "THIRD" at 0; page 3 zeros with 'Z' at 0.
python3 - "$tmp/expect.bin" <<'PY'
import sys
p0 = bytearray(b'a' * 4096); p0[10:16] = b'SHARED'; p0[20:21] = b'W'; p0[30:31] = b'Q'
p1 = b'b' * 4096
p2 = bytearray(b'c' * 4096); p2[0:5] = b'THIRD'
p3 = bytearray(4096); p3[0:1] = b'Z'
open(sys.argv[1], 'wb').write(bytes(p0) + p1 + bytes(p2) + bytes(p3))
PY

fail=0 n=0
for prog in "${progs[@]}"; do
    [ -x "$prog" ] || continue
    name=${prog#"$GUEST_DIR"/}
    # sandbox sees a different tree under qemu (the host's): files_sandbox.sh
    [ "${name##*/}" = sandbox ] && continue
    args=()
    case $name in */printf) args=(one "two words" "") ;; esac
    rm -rf "$tmp/v" "$tmp/q"
    mkdir "$tmp/v" "$tmp/q"
    # A time limit on both (status 124 past it): a hang is a failure.
    (cd "$tmp/v" && exec timeout 300 "$VMSIM" run --root . "$prog" "${args[@]}") >"$tmp/v.out" 2>"$tmp/v.err"
    vrc=$?
    { (cd "$tmp/q" && exec timeout 300 qemu-riscv64 -L "$SYSROOT" "$prog" "${args[@]}") >"$tmp/q.out"; } 2>/dev/null
    qrc=$?
    n=$((n + 1))
    if [ $vrc -ne $qrc ]; then
        echo "FAIL $name: exit status vmsim $vrc, qemu $qrc"
        sed 's/^/    vmsim stderr: /' "$tmp/v.err" | head -5
        diff "$tmp/v.out" "$tmp/q.out" | head -10
        fail=1
    elif ! cmp -s "$tmp/v.out" "$tmp/q.out"; then
        echo "FAIL $name: stdout differs (< vmsim, > qemu)"
        diff "$tmp/v.out" "$tmp/q.out" | head -10
        fail=1
    else
        echo "ok $name (exit $vrc, $(wc -l <"$tmp/v.out") lines)"
    fi
    if [ "${name##*/}" = fmmap ]; then
        for who in v q; do
            cmp -s "$tmp/$who/out.bin" "$tmp/expect.bin" ||
                { echo "FAIL $name: out.bin left by $who differs from the expected bytes"; fail=1; }
        done
    fi
    if [ -n "$(ls -A "$tmp/v")" ] && [ "${name##*/}" != fmmap ]; then
        echo "FAIL $name: left files behind under vmsim: $(ls -A "$tmp/v")"
        fail=1
    fi
done
[ $n -gt 0 ] || { echo "no guest programs ran"; exit 1; }
echo "$n programs"
exit $fail
