#!/usr/bin/env bash
# F and D extensions, differential: every guest/fp program (built by
# guest/guest.mk into $GUEST_DIR/fp) runs under `vmsim run` and under
# qemu-riscv64; stdout (one line per FP instruction executed: operands,
# rounding mode, result bits, fflags) and the exit status must be identical.
# fp_bad* programs end in SIGILL (status 132) on a reserved rounding mode.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"

command -v qemu-riscv64 >/dev/null || { echo "qemu-riscv64 not installed"; exit 77; }
progs=("$GUEST_DIR"/fp/fp_*)
[ -x "${progs[0]}" ] || { echo "no guest programs in $GUEST_DIR/fp (make guest)"; exit 77; }
[ -x "$VMSIM" ] || { echo "no vmsim binary at $VMSIM"; exit 1; }

# quietly SECONDS OUT CMD...: runs CMD with stdout to OUT, stderr to OUT.err,
# returns its status; an inner shell takes the "Illegal instruction" notice.
quietly() {
    local secs=$1 out=$2; shift 2
    sh -c 'timeout "$0" "$@"; exit $?' "$secs" "$@" >"$out" 2>"$out.err"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for prog in "${progs[@]}"; do
    name=$(basename "$prog")
    quietly 120 "$tmp/$name.qemu" qemu-riscv64 "$prog"
    qrc=$?
    # fp_bad* die of SIGILL (a reserved rounding mode), the others exit 0
    want=0; [[ $name == fp_bad* ]] && want=132
    if [ $qrc -ne $want ] || [ ! -s "$tmp/$name.qemu" ]; then
        echo "FAIL $name: qemu run failed (exit $qrc, expected $want)"; cat "$tmp/$name.qemu.err"
        status=1; continue
    fi
    quietly 600 "$tmp/$name.vmsim" "$VMSIM" run "$prog"
    vrc=$?
    if [ $vrc -ne $qrc ]; then
        echo "FAIL $name: exit status vmsim $vrc, qemu $qrc"; tail -n 5 "$tmp/$name.vmsim.err"
        status=1
    elif ! cmp -s "$tmp/$name.qemu" "$tmp/$name.vmsim"; then
        echo "FAIL $name: output differs from qemu ($(wc -l <"$tmp/$name.qemu") lines from qemu," \
             "$(wc -l <"$tmp/$name.vmsim") from vmsim); first differences (< qemu, > vmsim):"
        diff "$tmp/$name.qemu" "$tmp/$name.vmsim" | head -n 20
        status=1
    else
        echo "ok $name: $(wc -l <"$tmp/$name.qemu") lines agree"
    fi
done
exit $status
