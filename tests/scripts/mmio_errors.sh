#!/usr/bin/env bash
# Memory-mapped I/O, bad uses (issue 7), answered as Linux answers them:
# guest/mmio/mmioerr checks mmap of /dev/fb0 MAP_PRIVATE (EINVAL, as fbdev),
# beyond the pixels or the registers (EINVAL), PROT_WRITE on a read-only
# descriptor (EACCES), fbdev ioctls on the timer (ENOTTY), and with a SIGBUS
# handler the si_code and si_addr of a misaligned register load (BUS_ADRALN)
# and of wrong-size, read-only and missing registers (BUS_ADRERR). Without a
# handler the program dies of SIGBUS: exit 135 and a message. Bad --fb / --fb-out
# options are usage errors (exit 2).
set -u
prog="$GUEST_DIR/mmio/mmioerr"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 77; }
fail=0
out=$("$VMSIM" run "$prog" checks 2>&1); rc=$?
printf '%s\n' "$out"
[ $rc -eq 0 ] && [ "$out" = "mmioerr checks: ok" ] || { echo "FAIL: checks (exit $rc)"; fail=1; }

out=$("$VMSIM" run "$prog" misaligned 2>&1); rc=$?
printf '%s\n' "$out"
[ $rc -eq 135 ] || { echo "FAIL: misaligned: exit $rc, want 135"; fail=1; }
grep -q "Bus error.*BUS_ADRALN" <<<"$out" || { echo "FAIL: misaligned: no BUS_ADRALN message"; fail=1; }

out=$("$VMSIM" run "$prog" wrongsize 2>&1); rc=$?
printf '%s\n' "$out"
[ $rc -eq 135 ] || { echo "FAIL: wrongsize: exit $rc, want 135"; fail=1; }
grep -q "Bus error.*BUS_ADRERR" <<<"$out" || { echo "FAIL: wrongsize: no BUS_ADRERR message"; fail=1; }

for bad in "--fb 0x10" "--fb 640" "--fb 100000x2" "--fb-out"; do
    "$VMSIM" run $bad "$prog" >/dev/null 2>&1; rc=$?
    [ $rc -eq 2 ] || { echo "FAIL: 'vmsim run $bad': exit $rc, want 2"; fail=1; }
done
[ $fail -eq 0 ] && echo "mmio_errors: ok"
exit $fail
