# busybox ash running busybox applets in pipelines, with its own checks
# (tests/scripts/real_busybox.sh: riscv64 busybox under vmsim, the host's
# build natively; PATH holds the applet links). A FIFO (`ls -l` shows p),
# flock(1) between processes, timeout(1) killing its command, devices.
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
r=$(seq 1 2000 | sort -rn | head -n 3 | tr '\n' ' ')
check "seq | sort | head | tr" "$r" "2000 1999 1998 "
r=$(seq 1 20000 | sort -r | uniq | wc -l)
check "a long pipeline" "$r" 20000
r=$(seq 1 10 | xargs echo)
check "xargs runs echo" "$r" "1 2 3 4 5 6 7 8 9 10"
r=$(dd if=/dev/zero bs=1024 count=4 2>/dev/null | wc -c)
check "dd from /dev/zero" "$r" 4096
if echo x >/dev/full 2>/dev/null; then r=0; else r=1; fi
check "/dev/full" "$r" 1

mkfifo ff
check "mkfifo: ls -l shows p" "$(ls -l ff | cut -c1)" p
check "stat of a FIFO" "$(stat -c %F ff)" fifo
(echo "through the fifo" >ff) &
read -r r <ff
wait
check "a FIFO between two processes" "$r" "through the fifo"
(seq 1 300 >ff) &
r=$(sort -rn <ff | head -n 1)
wait
check "a FIFO into a pipeline" "$r" 300
rm ff

touch lk
flock -x lk sleep 2 &
sleep 1
if flock -n lk true; then r=free; else r=busy; fi
check "flock -n while another holds it" "$r" busy
wait
if flock -n lk true; then r=free; else r=busy; fi
check "flock -n after it ended" "$r" free
flock -s lk true
check "flock -s" $? 0
rm lk

timeout 1 sleep 5
check "timeout kills its command" $? 143
timeout 5 true
check "timeout of a quick command" $? 0
sh -c 'kill -TERM $$'
check "a child shell killed by SIGTERM" $? 143
echo "checks: $n, failures: $fails"
exit $fails
