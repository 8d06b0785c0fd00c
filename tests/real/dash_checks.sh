# A dash script with its own checks (run by tests/scripts/real_dash.sh under
# vmsim with the riscv64 dash and natively with the host's dash): pipelines,
# subshells, command substitution, functions, background jobs, wait, signals
# and traps, a child killing its parent, redirections and devices. $SH is
# the dash running this script. Only dash's builtins run (an external
# program would be a host binary under vmsim). Prints one line per check and
# exits with the number of failures.
n=0 fails=0
check() {
    n=$((n + 1))
    if [ "$2" = "$3" ]; then
        echo "ok $n $1"
    else
        echo "FAIL $n $1: got [$2] want [$3]"
        fails=$((fails + 1))
    fi
}

r=$(printf 'a\nb\nc\n' | while read -r l; do printf %s "$l"; done)
check "pipeline into a loop" "$r" abc
r=$(printf '3\n1\n2\n' | { s=0; while read -r x; do s=$((s + x)); done; echo $s; })
check "pipeline into a group" "$r" 6
check "nested substitution" "$(echo $(echo $(echo deep)))" deep
fib() { if [ "$1" -lt 2 ]; then echo "$1"; else echo $(($(fib $(($1 - 1))) + $(fib $(($1 - 2))))); fi; }
check "recursive function in subshells" "$(fib 12)" 144
i=0 s=0
while [ $i -lt 3000 ]; do s=$(((s + i * i) % 1000003)); i=$((i + 1)); done
check "a long loop" "$s" "$(( (2999 * 3000 * 5999 / 6) % 1000003 ))"

(exit 7) &
wait $!
check "wait for a background subshell" $? 7
"$SH" -c 'exit 42'
check "exit status of a child shell" $? 42
"$SH" -c 'kill -TERM $$'
check "a child killed by SIGTERM" $? 143
"$SH" -c '"$0" -c "kill -TERM \$PPID"; echo not reached' "$SH"
check "a grandchild kills its parent" $? 143
"$SH" -c 'while :; do :; done' &
pid=$!
kill $pid
wait $pid
check "a busy background job killed" $? 143
r=$("$SH" -c 'trap "echo caught; exit 3" USR1; kill -USR1 $$; echo no')
check "trap runs a handler" "$r" caught
r=$("$SH" -c 'trap "echo bye" EXIT; exit 0')
check "EXIT trap" "$r" bye
r=$( (trap 'echo sub' EXIT; true) )
check "EXIT trap in a subshell" "$r" sub

f=out.$$
printf 'one\ntwo\n' >"$f"
echo three >>"$f"
exec 3<"$f"
read -r a <&3
read -r b <&3
read -r c <&3
exec 3<&-
check "redirections and fd 3" "$a$b$c" onetwothree
{ echo to-err 1>&2; } 2>"$f"
check "2> of a group" "$(while read -r l; do echo "$l"; done <"$f")" to-err
if echo x >/dev/full 2>/dev/null; then r=0; else r=1; fi
check "write to /dev/full fails" $r 1
check "read /dev/null" "$(while read -r l; do echo "$l"; done </dev/null)" ""
r=$(cat_() { while read -r l; do echo "$l"; done; }; echo piped | cat_ | cat_ | cat_)
check "three-stage pipeline" "$r" piped
set -- x y z
shift
check "positional parameters" "$#:$*" "2:y z"
case foo.c in *.h) r=h ;; *.c) r=c ;; esac
check "case" $r c
IFS=: read -r u1 u2 u3 <<EOT
a:b:c
EOT
check "here-document and IFS" "$u1$u2$u3" abc
r=$(for j in 1 2 3 4 5 6 7 8; do ("$SH" -c "exit $j") & done; wait; echo done)
check "eight children at once" "$r" done
rm "$f"
echo "checks: $n, failures: $fails"
exit $fails
