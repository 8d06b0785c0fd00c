#!/usr/bin/env bash
# A real program over Unix sockets (issue 16): Debian's socat, built from
# its source package for riscv64 and natively (tests/real/socat.build, once,
# cached by scripts/debsrc.sh), driven by guest/share/socat_drv_exec.c
# (built the same two ways): a path socket listener and client, an abstract
# socket, a datagram socket and socat's EXEC over a socketpair, all between
# processes of one machine. vmsim's run and the native run must print the
# same lines and exit alike.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
here=$(cd "$(dirname "$0")/../.." && pwd)
drv="$GUEST_DIR/share/socat_drv_exec"
[ -x "$drv" ] || { echo "no $drv (make guest)"; exit 77; }
command -v gcc >/dev/null || { echo "no native gcc"; exit 77; }
source "$here/scripts/debsrc.sh"
set +e
out=$(debsrc_build socat "$here/tests/real/socat.build") || { echo "socat could not be fetched or built: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
source "$here/tests/scripts/compare_lib.bash"
mkdir "$tmp/v" "$tmp/n"
cp "$out/rv64/socat" "$tmp/v/socat"
cp "$drv" "$tmp/v/drv"
cp "$out/native/socat" "$tmp/n/socat"
gcc -O2 -Wall -Werror "$here/guest/share/socat_drv_exec.c" -o "$tmp/n/drv" || { echo "FAIL native driver build"; exit 1; }
(cd "$tmp/v" && exec timeout 120 "$VMSIM" run ./drv ./socat) >"$tmp/v.out" 2>"$tmp/v.err"
vrc=$?
(cd "$tmp/n" && exec timeout 60 ./drv ./socat) >"$tmp/n.out" 2>/dev/null
nrc=$?
[ $vrc -ne 124 ] || { echo "FAIL socat: vmsim timed out"; exit 1; }
compare_runs socat $vrc $nrc
[ "$(grep -c 'one line through socat' "$tmp/v.out")" = 4 ] || { echo "FAIL socat: not every transfer arrived"; fail=1; }
exit $fail
