#!/usr/bin/env bash
# Differential test of the processor and `vmsim run`: every guest program in
# $GUEST_DIR/isa and $GUEST_DIR/libc runs under $VMSIM run and under
# qemu-riscv64 with the same arguments; stdout and the exit status (as a
# shell reports it: 128 + signal for a killed process) must be identical.
# The programs print what their instructions computed on edge values, so
# qemu is the reference. Skips (77) when qemu-riscv64 or the guests are missing.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
command -v qemu-riscv64 >/dev/null || { echo "qemu-riscv64 not installed"; exit 77; }
progs=("$GUEST_DIR"/isa/* "$GUEST_DIR"/libc/*)
[ -e "${progs[0]}" ] || { echo "no guest programs in $GUEST_DIR (make guest)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for prog in "${progs[@]}"; do
    [ -x "$prog" ] || continue
    name=${prog#"$GUEST_DIR"/}
    args=(one "two words" "")
    # The shell reports a process killed by signal N as 128+N for both.
    # A time limit on both (status 124 past it): a hang is a failure.
    (cd "$tmp" && exec timeout 300 "$VMSIM" run "$prog" "${args[@]}") >"$tmp/v.out" 2>"$tmp/v.err"
    vrc=$?
    # (the group's redirection keeps bash's "Segmentation fault" notice off the log)
    { (cd "$tmp" && exec timeout 300 qemu-riscv64 "$prog" "${args[@]}") >"$tmp/q.out"; } 2>/dev/null
    qrc=$?
    n=$((n + 1))
    if [ $vrc -ne $qrc ]; then
        echo "FAIL $name: exit status vmsim $vrc, qemu $qrc"
        sed 's/^/    vmsim stderr: /' "$tmp/v.err" | head -5
        fail=1
    elif ! cmp -s "$tmp/v.out" "$tmp/q.out"; then
        echo "FAIL $name: stdout differs (< vmsim, > qemu)"
        diff "$tmp/v.out" "$tmp/q.out" | head -10
        fail=1
    else
        echo "ok $name (exit $vrc, $(wc -l <"$tmp/v.out") lines)"
    fi
    # Fatal signals must say why on stderr, with the fault details.
    case $vrc in
    139) grep -q 'Segmentation fault (address 0x' "$tmp/v.err" || { echo "FAIL $name: no SIGSEGV message"; fail=1; } ;;
    132) grep -q 'Illegal instruction (instruction 0x' "$tmp/v.err" || { echo "FAIL $name: no SIGILL message"; fail=1; } ;;
    esac
done
[ $n -gt 0 ] || { echo "no guest programs ran"; exit 1; }
exit $fail
