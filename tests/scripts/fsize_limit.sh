#!/usr/bin/env bash
# Issue 18: RLIMIT_FSIZE bounds what a guest writes to a file: past the soft
# limit SIGXFSZ (fatal by default) and EFBIG, writes across it shortened,
# truncations past it refused (guest/proc/fsize.c). Compared with the same
# source built natively and run on this Linux.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
prog="$GUEST_DIR/proc/fsize"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 77; }
command -v gcc >/dev/null || { echo "no gcc"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O2 -o "$tmp/native" "$(dirname "$0")/../../guest/proc/fsize.c" || exit 1
mkdir "$tmp/n" "$tmp/v"
(cd "$tmp/n" && timeout 60 ../native) >"$tmp/want" 2>&1
(cd "$tmp/v" && timeout 120 "$VMSIM" run --root . "$prog") >"$tmp/out" 2>"$tmp/err"
rc=$?
fail=0
[ $rc -eq 0 ] || { echo "FAIL: exit $rc"; head -5 "$tmp/err"; fail=1; }
diff "$tmp/out" "$tmp/want" || { echo "FAIL (< vmsim, > native)"; fail=1; }
[ -z "$(ls -A "$tmp/v")" ] || { echo "FAIL: left behind: $(ls -A "$tmp/v")"; fail=1; }
[ $fail -eq 0 ] && echo ok
exit $fail
