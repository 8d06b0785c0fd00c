#!/usr/bin/env bash
# A database engine with several writers (issue 12): sqlite3's shell from
# Debian's source package (tests/real/sqlite3.build), driven by dash
# (tests/real/dash.build), runs tests/real/sqlite_writers.sh: one process
# holds BEGIN EXCLUSIVE while four others insert with a busy timeout, all
# into one database file. Under vmsim (riscv64 builds) and natively (host
# builds of the same sources) the final table and every writer's status
# must be the same. Skips when the sources cannot be fetched.
set -u
: "${VMSIM:?}"
root=$(cd "$(dirname "$0")/../.." && pwd)
dash=$(source "$root/scripts/debsrc.sh" && debsrc_build dash "$root/tests/real/dash.build") ||
    { echo "cannot fetch or build dash from Debian's source"; exit 77; }
sq=$(source "$root/scripts/debsrc.sh" && debsrc_build sqlite3 "$root/tests/real/sqlite3.build") ||
    { echo "cannot fetch or build sqlite3 from Debian's source"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$root/tests/scripts/compare_lib.bash"
fail=0
mkdir "$tmp/n" "$tmp/v"
(cd "$tmp/n" && SQLITE="$sq/native/sqlite3" exec "$dash/native/dash" "$root/tests/real/sqlite_writers.sh") \
    >"$tmp/n.out" 2>/dev/null </dev/null
nrc=$?
(cd "$tmp/v" && SQLITE="$sq/rv64/sqlite3" exec timeout 300 "$VMSIM" run --root / "$dash/rv64/dash" \
    "$root/tests/real/sqlite_writers.sh") >"$tmp/v.out" 2>"$tmp/v.err" </dev/null
vrc=$?
compare_runs sqlite_writers "$vrc" "$nrc"
cat "$tmp/v.out"
exit $fail
