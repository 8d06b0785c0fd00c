#!/usr/bin/env bash
# `vmsim run` options of issue 12, against what they document: --cwd (and
# its default, the host cwd's guest path inside --root), argv[0] (the
# program's guest path), --clock-start, --clock host (a 300 ms sleep takes
# real time, the realtime clock is the host's), --uid/--gid, and an
# unimplemented call named once per run with a summary at exit (with
# counts under --stats).
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
prog="$GUEST_DIR/proc/runopts"
[ -x "$prog" ] || { echo "no $prog (make guest)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/root/sub/deeper"
cp "$prog" "$tmp/root/sub/prog"
fail=0
expect() {   # expect NAME FILE PATTERN: FILE has a line matching PATTERN (grep -E)
    if grep -qE "$3" "$2"; then echo "ok $1"; else
        echo "FAIL $1: no line /$3/ in:"; sed 's/^/    /' "$2" | head -20; fail=1; fi
}
run() {   # run DIR ARGS...: vmsim run in DIR, stdout to $tmp/out, stderr to $tmp/err
    local dir=$1; shift
    (cd "$dir" && timeout 120 "$VMSIM" run "$@") >"$tmp/out" 2>"$tmp/err"
    echo $? >"$tmp/rc"
}
run "$tmp/root/sub/deeper" --root "$tmp/root" ../prog
expect "default cwd: the host cwd inside the root" "$tmp/out" '^cwd /sub/deeper$'
expect "argv[0]: the guest path of PROGRAM" "$tmp/out" '^argv0 /sub/prog$'
expect "default clock start" "$tmp/out" '^time 1700000000$'
expect "virtual sleep" "$tmp/out" '^slept 300 ms$'
expect "default ids" "$tmp/out" '^uid 1000 gid 1000$'
run "$tmp" --root "$tmp/root" root/sub/prog
expect "cwd outside the root: /" "$tmp/out" '^cwd /$'
run "$tmp" --root "$tmp/root" --cwd /sub --clock-start 86400 --uid 4321 --gid 55 root/sub/prog
expect "--cwd" "$tmp/out" '^cwd /sub$'
expect "--clock-start" "$tmp/out" '^time 86400$'
expect "--uid --gid" "$tmp/out" '^uid 4321 gid 55$'
run "$tmp" --root "$tmp/root" --cwd /nowhere root/sub/prog
expect "--cwd to a missing directory fails" "$tmp/err" 'working directory /nowhere: No such file'
[ "$(cat "$tmp/rc")" -ne 0 ] || { echo "FAIL --cwd /nowhere exited 0"; fail=1; }
start=$(date +%s%N)
run "$tmp" --root "$tmp/root" --clock host root/sub/prog
ms=$((($(date +%s%N) - start) / 1000000))
now=$(date +%s)
t=$(sed -n 's/^time //p' "$tmp/out")
if [ "$ms" -ge 290 ] && [ -n "$t" ] && [ $((now - t)) -le 5 ] && [ $((now - t)) -ge 0 ]; then
    echo "ok --clock host (the run took $ms ms, guest time $t)"
else
    echo "FAIL --clock host: run $ms ms, guest time '$t', host $now"; fail=1
fi
expect "--clock host: the sleep measured" "$tmp/out" '^slept (29[0-9]|3[0-9][0-9]) ms$'
run "$tmp" --root "$tmp/root" root/sub/prog nosys
n=$(grep -c 'syscall 1 (io_destroy) not implemented' "$tmp/err")
[ "$n" -eq 1 ] && echo "ok ENOSYS said once per run" || { echo "FAIL ENOSYS said $n times"; fail=1; }
expect "ENOSYS summary at exit" "$tmp/err" '^vmsim: system calls not implemented \(ENOSYS\): io_destroy \(1\)$'
run "$tmp" --root "$tmp/root" --stats root/sub/prog nosys
expect "ENOSYS counts with --stats" "$tmp/err" 'not implemented \(ENOSYS\): io_destroy \(1\) x7$'
exit $fail
