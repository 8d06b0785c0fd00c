#!/usr/bin/env bash
# Issue 18: vm.max_map_count. One-page mappings that cannot merge, until
# mmap fails: ENOMEM with 65531 regions (Linux do_mmap refuses once
# map_count > 65530), then one munmap over all of them. Then 65,000
# mappings without an address hint (top-down hole searches) unmapped one
# by one in a random order (guest/proc/mapmany.c). Both compared with the
# same source built natively and run on this Linux (when its
# vm.max_map_count is the default). Not timed (the regions are a tree: each
# step O(log n); make bench's mapmany row measures it); the seconds are
# printed for the log.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
prog="$GUEST_DIR/proc/maps" many="$GUEST_DIR/proc/mapmany"
for p in "$prog" "$many"; do [ -x "$p" ] || { echo "no $p (make guest)"; exit 77; }; done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
want='mmap failed: ENOMEM, regions then: 65531 (few before)
munmap all: 0
regions after: few'
want_many='mapmany 65000
each right below the one before: nearly all
regions added: about n
munmap in a random order: 0 failed
regions after: as before'
if [ "$(cat /proc/sys/vm/max_map_count 2>/dev/null)" = 65530 ] && command -v gcc >/dev/null; then
    gcc -O2 -o "$tmp/native" "$(dirname "$0")/../../guest/proc/maps.c" || exit 1
    [ "$("$tmp/native")" = "$want" ] || { echo "FAIL: native Linux says otherwise:"; "$tmp/native"; fail=1; }
    gcc -O2 -o "$tmp/native_many" "$(dirname "$0")/../../guest/proc/mapmany.c" || exit 1
    [ "$("$tmp/native_many")" = "$want_many" ] || {
        echo "FAIL: native Linux says otherwise:"; "$tmp/native_many"; fail=1; }
fi
# run NAME PROG WANT: PROG under vmsim prints WANT
run() {
    local start=$EPOCHREALTIME out rc
    out=$(timeout 300 "$VMSIM" run "$2" 2>&1)
    rc=$?
    echo "vmsim $1: $(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')s"
    [ $rc -eq 0 ] && [ "$out" = "$3" ] || { echo "FAIL: $1: exit $rc:"; echo "$out" | head; fail=1; }
}
run maps "$prog" "$want"
run mapmany "$many" "$want_many"
[ $fail -eq 0 ] && echo ok
exit $fail
