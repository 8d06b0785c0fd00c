#!/usr/bin/env bash
# The mutation check (`make mutants`): each mutant of tests/mutants/mutants.txt
# (a small change to vmsim's source, named by its exact text) is applied to a
# scratch copy of the tree, built (ASan+UBSan, only what its tests need) and
# run against the tests the list names for it, in order, as tests/run.sh runs
# them. A mutant is killed when one of them fails; the script prints which.
# It exits 1 when a mutant survives or cannot be applied or built, 2 when
# the tests fail without any mutant.
#
#   tests/mutants/run.sh [NAME...]     only these mutants
#   MUTANTS_LIST   the list (default tests/mutants/mutants.txt)
#   MUTANTS_DIR    the scratch directory (default build/mutants; emptied first)
#   MUTANTS_JOBS   make -j (default 2)
#   VMSIM_TIMEOUT, TEST_TIMEOUT   tests/run.sh's limits (default 120 and 600 s
#                  here: a mutant that hangs a test is killed by the limit)
# Needs the guest programs (make mutants builds them first; the scratch tree
# links to build/guest).
set -u
cd "$(dirname "$0")/../.."
root=$PWD
list=${MUTANTS_LIST:-tests/mutants/mutants.txt}
work=${MUTANTS_DIR:-build/mutants}
jobs=${MUTANTS_JOBS:-2}
export VMSIM_TIMEOUT=${VMSIM_TIMEOUT:-120} TEST_TIMEOUT=${TEST_TIMEOUT:-600}
mutate() { python3 "$root/tests/mutants/mutate.py" "$@"; }

[ -d build/guest ] || { echo "mutants: no build/guest (make mutants builds the guests)"; exit 2; }
listing=$(mutate list "$list") || exit 2
declare -A tests_of
names=()
while IFS=$'\t' read -r name tests; do
    names+=("$name")
    tests_of[$name]=$tests
done <<<"$listing"
[ ${#names[@]} -gt 0 ] || { echo "mutants: no mutant in $list"; exit 2; }
if [ $# -gt 0 ]; then
    for n in "$@"; do
        [ -n "${tests_of[$n]+x}" ] || { echo "mutants: no mutant '$n' in $list"; exit 2; }
    done
    names=("$@")
fi

# The scratch tree: the working tree's files as they are (committed or not),
# with their times, so make rebuilds only what a mutant changes.
rm -rf "$work"
tree=$work/tree
mkdir -p "$tree/build"
git ls-files -z -co --exclude-standard |
    while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - -cf - | tar -xf - -C "$tree" || { echo "mutants: cannot copy the tree"; exit 2; }
ln -s "$root/build/guest" "$tree/build/guest"
tree=$(cd "$tree" && pwd)
log=$(cd "$work" && pwd)/log
mkdir -p "$log"

# targets TEST...: what make must build for these tests.
targets() {
    local t vmsim=""
    for t in "$@"; do
        case $t in
        unit/*) echo "build/san/tests/${t#unit/}" ;;
        *) vmsim=build/san/vmsim ;;
        esac
    done
    echo $vmsim
}
build() { # LOG TEST...
    local out=$1; shift
    make -C "$tree" -j"$jobs" SAN=build/san $(targets "$@") >"$out" 2>&1
}
# run_test TEST LOG: tests/run.sh of the scratch tree runs one test.
run_test() { (cd "$tree" && SAN=build/san tests/run.sh "$1") >"$2" 2>&1; }

# Without a mutant, every test named must pass (else a kill means nothing).
mapfile -t all_tests < <(for n in "${names[@]}"; do printf '%s\n' ${tests_of[$n]}; done | sort -u)
echo "mutants: building the unchanged tree and running its ${#all_tests[@]} tests"
build "$log/baseline.build" "${all_tests[@]}" ||
    { echo "mutants: the unchanged tree does not build:"; tail -20 "$log/baseline.build"; exit 2; }
for t in "${all_tests[@]}"; do
    run_test "$t" "$log/baseline.test" ||
        { echo "mutants: $t fails without any mutant:"; tail -20 "$log/baseline.test"; exit 2; }
done

killed=0 survived=() broken=()
for n in "${names[@]}"; do
    read -ra ts <<<"${tests_of[$n]}"
    start=$(date +%s)
    if ! file=$(mutate apply "$list" "$n" "$tree" 2>"$log/$n.apply"); then
        echo "BROKEN   $n: $(cat "$log/$n.apply")"
        broken+=("$n")
        continue
    fi
    if ! build "$log/$n.build" "${ts[@]}"; then
        echo "BROKEN   $n ($file): does not build (log: $log/$n.build)"
        grep -m3 'error' "$log/$n.build" | sed 's/^/    /'
        broken+=("$n")
        mutate restore "$tree"
        continue
    fi
    by=""
    for t in "${ts[@]}"; do
        if ! run_test "$t" "$log/$n.test"; then
            by=$t
            break
        fi
    done
    mutate restore "$tree"
    if [ -n "$by" ]; then
        killed=$((killed + 1))
        echo "killed   $n ($file) by $by ($(($(date +%s) - start)) s)"
    else
        survived+=("$n")
        echo "SURVIVED $n ($file): ${ts[*]} all pass"
    fi
done
total=${#names[@]}
echo "$total mutants: $killed killed, ${#survived[@]} survived, ${#broken[@]} broken"
[ ${#survived[@]} -eq 0 ] || echo "survived: ${survived[*]}"
[ ${#broken[@]} -eq 0 ] || echo "broken: ${broken[*]}"
[ ${#survived[@]} -eq 0 ] && [ ${#broken[@]} -eq 0 ] || exit 1
rm -rf "$work"
