#!/usr/bin/env bash
# `vmsim run` as a command: exit statuses as a shell gives them (127 program
# not found, 126 cannot execute, 128+9 killed by the OOM killer, 2 bad
# usage), the kill message on stderr, and the guest's exit status passed
# through. Needs the guest programs (skip otherwise).
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
[ -x "$GUEST_DIR/isa/exit_status" ] || { echo "guest programs not built (make guest)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
expect() {   # expect STATUS DESCRIPTION COMMAND...: runs it, compares the exit status
    local want=$1 what=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        echo "FAIL $what: exit $got, want $want"; sed 's/^/    /' "$tmp/err" | head -5; fail=1
    else
        echo "ok $what (exit $got)"
    fi
}
expect_err() {   # expect_err REGEX: the last command's stderr matches
    grep -Eq "$1" "$tmp/err" || { echo "FAIL stderr lacks /$1/:"; sed 's/^/    /' "$tmp/err"; fail=1; }
}

expect 127 "missing program" "$VMSIM" run "$tmp/does-not-exist"
expect_err 'No such file'
printf 'not an elf\n' >"$tmp/text"; chmod +x "$tmp/text"
expect 126 "not an ELF file" "$VMSIM" run "$tmp/text"
expect 2 "no program" "$VMSIM" run
expect 2 "bad --mem" "$VMSIM" run --mem lots "$GUEST_DIR/isa/exit_status"
expect 44 "status of exit(300)" "$VMSIM" run "$GUEST_DIR/isa/exit_status"
expect 44 "options before the program" "$VMSIM" run --mem 32M --tlb-sets 16 --tlb-ways 2 -- "$GUEST_DIR/isa/exit_status" a b
grep -q '^argc=3$' "$tmp/out" || { echo "FAIL argv not passed"; fail=1; }
expect 0 "--stats" "$VMSIM" run --stats "$GUEST_DIR/isa/stack"
expect_err 'instructions in .* s'
expect 139 "segfault" "$VMSIM" run "$GUEST_DIR/isa/segv"
expect_err '^Segmentation fault \(address 0x1008, SEGV_MAPERR at pc 0x[0-9a-f]+\)$'
expect 132 "illegal instruction" "$VMSIM" run "$GUEST_DIR/isa/illegal"
expect_err '^Illegal instruction \(instruction 0xffffffff at pc 0x[0-9a-f]+\)$'
expect 135 "misaligned atomic" "$VMSIM" run "$GUEST_DIR/isa/amo_misaligned"
expect_err 'BUS_ADRALN'
# 512 KiB of RAM cannot hold the 1 MiB mmap the program touches: OOM kill.
expect 137 "out of memory" "$VMSIM" run --mem 512K "$GUEST_DIR/isa/memory"
expect_err 'out of memory'
# An endless loop stopped by the instruction limit: SIGXCPU, 128 + 24.
expect 152 "--max-insns" "$VMSIM" run --max-insns 200000 "$GUEST_DIR/run/spin"
expect_err 'CPU time limit exceeded'
grep -q '^spinning$' "$tmp/out" || { echo "FAIL spin output"; fail=1; }
expect 2 "bad --max-insns" "$VMSIM" run --max-insns -5 "$GUEST_DIR/run/spin"
expect 134 "abort()" "$VMSIM" run "$GUEST_DIR/libc/abort"
expect_err '^Aborted$'
expect 0 "static glibc" "$VMSIM" run "$GUEST_DIR/libc/hello" x
grep -q '^hello from static glibc, argc=2$' "$tmp/out" || { echo "FAIL glibc output"; fail=1; }
exit $fail
