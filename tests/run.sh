#!/usr/bin/env bash
# Runs every test: the cmocka unit tests (build/san/tests/test_*), then every
# tests/scripts/*.sh (integration, differential, fuzz). A script exits 0 for
# pass, 77 for skip, anything else for fail. Ends with "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
SAN="${SAN:-build/san}"
export VMSIM="$PWD/$SAN/vmsim"
export GUEST_DIR="$PWD/build/guest"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
pass=0 fail=0 skip=0 failed=()
run() {
    local name=$1; shift
    local log; log=$(mktemp)
    "$@" >"$log" 2>&1
    local rc=$?
    if [ $rc -eq 0 ]; then pass=$((pass + 1)); echo "PASS $name"
    elif [ $rc -eq 77 ]; then skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$log")"
    else fail=$((fail + 1)); failed+=("$name"); echo "FAIL $name (exit $rc)"; tail -n 40 "$log" | sed 's/^/    /'
    fi
    rm -f "$log"
}
for t in "$SAN"/tests/test_*; do
    [ -x "$t" ] && run "unit/$(basename "$t")" "$t"
done
for s in tests/scripts/*.sh; do
    [ -e "$s" ] && run "${s#tests/}" bash "$s"
done
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
