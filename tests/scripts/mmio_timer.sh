#!/usr/bin/env bash
# Memory-mapped I/O, the timer/console page (issue 7): guest/mmio/timer maps
# /dev/vmsim-timer and reads the INSNS register around instruction sequences
# whose length is fixed in its inline assembly (.option norvc): 10
# instructions between two loads must read as 11 (the first load retires
# too), a 1000-iteration loop of 3 instructions plus its li as 3002. Bytes
# stored to CONSOLE must come out on stdout, after the program's own output.
set -u
prog="$GUEST_DIR/mmio/timer"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 77; }
out=$("$VMSIM" run "$prog" 2>&1)
rc=$?
printf '%s\n' "$out"
want=$'straight 11 loop 3002 increasing 1\nconsole: hello'
[ $rc -eq 0 ] || { echo "FAIL: exit $rc"; exit 1; }
[ "$out" = "$want" ] || { echo "FAIL: want:"; printf '%s\n' "$want"; exit 1; }
# The clock is the instruction count: another --fb changes nothing.
out2=$("$VMSIM" run --fb 16x16 "$prog" 2>&1)
rc=$?
[ $rc -eq 0 ] && [ "$out2" = "$want" ] || { echo "FAIL with --fb 16x16 (exit $rc): $out2"; exit 1; }
echo "mmio_timer: ok"
