#!/usr/bin/env bash
# A real shell (issue 12): dash from Debian's source package, built once
# (tests/real/dash.build, cached by scripts/debsrc.sh), runs
# tests/real/dash_checks.sh, a script with its own checks (pipelines,
# subshells, background jobs, signals, a child killing its parent). The
# riscv64 dash under vmsim and the host's build of the same source must give
# the same stdout and exit status. Skips when the source cannot be fetched.
set -u
: "${VMSIM:?}"
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(source "$root/scripts/debsrc.sh" && debsrc_build dash "$root/tests/real/dash.build") ||
    { echo "cannot fetch or build dash from Debian's source"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$root/tests/scripts/compare_lib.bash"
fail=0
mkdir "$tmp/n" "$tmp/v"
(cd "$tmp/n" && SH="$out/native/dash" exec "$out/native/dash" "$root/tests/real/dash_checks.sh") \
    >"$tmp/n.out" 2>/dev/null </dev/null
nrc=$?
(cd "$tmp/v" && SH="$out/rv64/dash" exec timeout 120 "$VMSIM" run --root / "$out/rv64/dash" \
    "$root/tests/real/dash_checks.sh") >"$tmp/v.out" 2>"$tmp/v.err" </dev/null
vrc=$?
compare_runs dash_checks "$vrc" "$nrc"
[ "$nrc" -eq 0 ] || { echo "FAIL: the native run itself failed checks"; fail=1; }
exit $fail
