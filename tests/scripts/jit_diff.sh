#!/usr/bin/env bash
# The translator changes nothing but speed: every guest program (isa, libc,
# fp, proc, files, mmio, dyn, demo) runs under `vmsim run --engine interp`
# and `--engine jit`, and stdout, stderr (with --stats: every kernel, TLB
# and MMU counter; only the host-time figures are dropped), the exit status
# and the JSON report must be identical. A second pass runs them with 2 MiB
# of RAM and swap, so that text pages are evicted and paged in again (the
# translations of a page must go with its decoded code), and a third with a
# 64 KiB code cache (flushed many times). Skips (77) on hosts without the
# translator.
set -u
: "${VMSIM:?}" "${GUEST_DIR:?}"
"$VMSIM" run --engine jit /dev/null 2>&1 | grep -q 'needs an x86-64 host' && { echo "no translator on this host"; exit 77; }
progs=()
for d in isa libc fp proc files mmio dyn demo; do
    for p in "$GUEST_DIR/$d"/*; do [ -x "$p" ] && [ -f "$p" ] && progs+=("$p"); done
done
[ ${#progs[@]} -gt 0 ] || { echo "no guest programs in $GUEST_DIR (make guest)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
run_one() {   # engine out-prefix opts... prog
    local eng=$1 pre=$2; shift 2
    rm -rf "$tmp/w"; mkdir "$tmp/w"   # the same cwd (and $PWD) for both
    (cd "$tmp/w" && exec timeout 120 "$VMSIM" run --engine "$eng" --stats --report "$pre.json" "$@" one "two words") \
        >"$pre.out" 2>"$pre.err"
    echo $? >"$pre.rc"
    # host time is the one thing allowed to differ
    sed -i -E 's/ in [0-9.]+ s \([0-9.]+ M\/s\)//; s/"(host_seconds|seconds|elapsed[a-z_]*|mips)": *[0-9.e+-]+/"\1": 0/g' "$pre.err" "$pre.json" 2>/dev/null
}
check() {   # label opts... prog
    local label=$1; shift
    run_one interp "$tmp/i" "$@"
    run_one jit "$tmp/j" "$@"
    n=$((n + 1))
    [ "$(cat "$tmp/i.rc")" = 124 ] && { echo "FAIL $label: timed out"; fail=1; return; }
    for f in rc out err json; do
        if ! cmp -s "$tmp/i.$f" "$tmp/j.$f"; then
            echo "FAIL $label: $f differs between engines (< interp, > jit)"
            diff "$tmp/i.$f" "$tmp/j.$f" | head -8
            fail=1
            return
        fi
    done
    echo "ok $label (exit $(cat "$tmp/i.rc"))"
}
for prog in "${progs[@]}"; do
    check "${prog#"$GUEST_DIR"/}" "$prog"
done
for prog in "$GUEST_DIR"/libc/hello "$GUEST_DIR"/proc/fork "$GUEST_DIR"/proc/exec "$GUEST_DIR"/dyn/*; do
    [ -x "$prog" ] || continue
    check "${prog#"$GUEST_DIR"/} (2M RAM + swap)" --mem 2M --swap 16M "$prog"
    check "${prog#"$GUEST_DIR"/} (64K code cache)" --jit-cache 64K "$prog"
done
echo "$n comparisons"
exit $fail
