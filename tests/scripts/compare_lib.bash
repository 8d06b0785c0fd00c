# Sourced by the differential tests against native runs (proc_native.sh,
# procfs.sh; not a test itself: run.sh only runs *.sh).
#
# compare_runs NAME VRC NRC: vmsim's run of NAME ($tmp/v.out, $tmp/v.err,
# exit status VRC) against the reference's ($tmp/n.out, status NRC): the same
# status and the same stdout. Prints "ok NAME" or the difference, and sets
# fail=1 on one.
compare_runs() {
    local name=$1 vrc=$2 nrc=$3
    if [ "$vrc" -ne "$nrc" ]; then
        echo "FAIL $name: exit status vmsim $vrc, native $nrc"
        sed 's/^/    vmsim stderr: /' "$tmp/v.err" | head -5
        fail=1
    elif ! cmp -s "$tmp/v.out" "$tmp/n.out"; then
        echo "FAIL $name: stdout differs (< vmsim, > native)"
        diff "$tmp/v.out" "$tmp/n.out" | head -20
        fail=1
    else
        echo "ok $name (exit $vrc, $(wc -l <"$tmp/v.out") lines)"
    fi
}
