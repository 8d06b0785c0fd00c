#!/usr/bin/env bash
# Runs every test: the cmocka unit tests (build/san/tests/test_*), then every
# tests/scripts/*.sh (integration, differential, fuzz); or only the tests
# named as arguments (unit/test_NAME, scripts/NAME.sh). A script exits 0 for
# pass, 77 for skip, anything else for fail. Ends with "N passed, N failed,
# N skipped".
#
# Time limits: every vmsim run gets VMSIM_TIMEOUT seconds (default 600; $VMSIM
# is tests/vmsim-timeout, which gives a run past it status 124), and every
# test TEST_TIMEOUT seconds (default 1800), so a hang is a failure, not a
# `make test` that never ends. With CI set (CI=true, as .ci/run sets it), a
# skip is a failure: CI installs everything the tests use.
set -u
cd "$(dirname "$0")/.."
SAN="${SAN:-build/san}"
export VMSIM_BIN="$PWD/$SAN/vmsim"
export VMSIM="$PWD/tests/vmsim-timeout"
export GUEST_DIR="$PWD/build/guest"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
TEST_TIMEOUT="${TEST_TIMEOUT:-1800}"
ci=false
case "${CI:-}" in "" | false | 0) ;; *) ci=true ;; esac
pass=0 fail=0 skip=0 failed=() skipped=()
run() {
    local name=$1; shift
    local log; log=$(mktemp)
    # Its own process group (timeout's default), so a limit ends its children too.
    timeout -k 30 "$TEST_TIMEOUT" "$@" >"$log" 2>&1 </dev/null
    local rc=$?
    if [ $rc -eq 0 ]; then pass=$((pass + 1)); echo "PASS $name"
    elif [ $rc -eq 77 ] && ! $ci; then
        skip=$((skip + 1)); skipped+=("$name"); echo "SKIP $name: $(tail -n 1 "$log")"
    else
        fail=$((fail + 1)); failed+=("$name")
        case $rc in
        77) echo "FAIL $name (skipped, and CI is set: $(tail -n 1 "$log"))" ;;
        124 | 137) echo "FAIL $name (exit $rc: past the time limit of $TEST_TIMEOUT s)" ;;
        *) echo "FAIL $name (exit $rc)" ;;
        esac
        tail -n 40 "$log" | sed 's/^/    /'
    fi
    rm -f "$log"
}
tests=()
for t in "$SAN"/tests/test_*; do
    [ -x "$t" ] && tests+=("unit/$(basename "$t")")
done
for s in tests/scripts/*.sh; do
    [ -e "$s" ] && tests+=("${s#tests/}")
done
if [ $# -gt 0 ]; then
    for want in "$@"; do
        printf '%s\n' "${tests[@]}" | grep -qxF -- "$want" ||
            { echo "tests/run.sh: no test '$want' (unit/test_NAME or scripts/NAME.sh)" >&2; exit 2; }
    done
    tests=("$@")
fi
for t in "${tests[@]}"; do
    case $t in
    unit/*) run "$t" "$SAN/tests/${t#unit/}" ;;
    *) run "$t" bash "tests/$t" ;;
    esac
done
[ ${#failed[@]} -gt 0 ] && echo "failed: ${failed[*]}"
[ ${#skipped[@]} -gt 0 ] && echo "skipped: ${skipped[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
