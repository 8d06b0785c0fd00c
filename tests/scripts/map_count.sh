#!/usr/bin/env bash
# Issue 18: vm.max_map_count. One-page mappings that cannot merge, until
# mmap fails: ENOMEM with 65531 regions (Linux do_mmap refuses once
# map_count > 65530), then one munmap over all of them. Compared with the
# same source built natively and run on this Linux (when its
# vm.max_map_count is the default); the whole run must stay quick (the
# regions are a sorted array: no quadratic removal).
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
prog="$GUEST_DIR/proc/maps"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
want='mmap failed: ENOMEM, regions then: 65531 (few before)
munmap all: 0
regions after: few'
if [ "$(cat /proc/sys/vm/max_map_count 2>/dev/null)" = 65530 ] && command -v gcc >/dev/null; then
    gcc -O2 -o "$tmp/native" "$(dirname "$0")/../../guest/proc/maps.c" || exit 1
    [ "$("$tmp/native")" = "$want" ] || { echo "FAIL: native Linux says otherwise:"; "$tmp/native"; fail=1; }
fi
start=$(date +%s)
out=$(timeout 120 "$VMSIM" run "$prog" 2>&1)
rc=$?
secs=$(( $(date +%s) - start ))
echo "vmsim: ${secs}s"
[ $rc -eq 0 ] && [ "$out" = "$want" ] || { echo "FAIL: exit $rc:"; echo "$out" | head; fail=1; }
[ $fail -eq 0 ] && echo ok
exit $fail
