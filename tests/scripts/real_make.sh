#!/usr/bin/env bash
# GNU make -j4 over a small generated project (issue 12): make from Debian's
# source (tests/real/make.build) with dash as its SHELL and busybox's
# applets as the tools (tests/real/dash.build, busybox.build): 24 pattern
# rules, an order-only directory, a recursive make sharing the jobserver
# pipe, fork/exec/wait everywhere. The riscv64 builds under vmsim and the
# host builds natively must leave the same files and exit status. Skips
# when a source cannot be fetched.
set -u
: "${VMSIM:?}"
root=$(cd "$(dirname "$0")/../.." && pwd)
get() { (source "$root/scripts/debsrc.sh" && debsrc_build "$1" "$root/tests/real/$2.build") ||
    { echo "cannot fetch or build $1 from Debian's source"; exit 77; }; }
mk=$(get make-dfsg make) || exit 77
dash=$(get dash dash) || exit 77
bb=$(get busybox busybox) || exit 77
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ln -s "$bb/native/bin" "$tmp/bin-native"   # PATH cannot hold the cache's ':'
ln -s "$bb/rv64/bin" "$tmp/bin-rv64"
source "$root/tests/scripts/compare_lib.bash"

project() {   # project DIR: the sources and makefiles
    mkdir -p "$1/src" "$1/subdir"
    for i in $(seq -w 1 24); do
        printf 'file %s\nline two of %s\n%s\n' "$i" "$i" "$((10#$i % 5))" >"$1/src/a$i.txt"
    done
    cat >"$1/Makefile" <<'MK'
SRCS := $(sort $(wildcard src/*.txt))
OBJS := $(patsubst src/%.txt,obj/%.up,$(SRCS))
all: result.txt sub
result.txt: $(OBJS)
	cat $(OBJS) | sort | uniq -c >$@
obj/%.up: src/%.txt | obj
	tr a-z A-Z <$< >$@.tmp && mv $@.tmp $@
obj:
	mkdir -p obj
sub:
	+$(MAKE) -C subdir
.PHONY: all sub
MK
    cat >"$1/subdir/Makefile" <<'MK'
N := 1 2 3 4 5 6 7 8
total: $(addprefix n,$(N))
	cat $^ | sort -n >$@
n%:
	seq 1 $$(($*00)) | wc -l >$@
MK
}
fail=0
project "$tmp/n"
project "$tmp/v"
(cd "$tmp/n" && PATH="$tmp/bin-native" exec "$mk/native/make" -j4 -s --no-print-directory \
    SHELL="$dash/native/dash") >"$tmp/n.out" 2>"$tmp/n.err" </dev/null
nrc=$?
# The guest's PATH is set inside it (busybox env), so that vmsim and its
# time-limit wrapper still find the host's tools.
(cd "$tmp/v" && exec timeout 300 "$VMSIM" run --root / --clock-start "$(date +%s)" \
    "$bb/rv64/busybox" env PATH="$tmp/bin-rv64" "$mk/rv64/make" -j4 -s --no-print-directory \
    SHELL="$dash/rv64/dash") >"$tmp/v.out" 2>"$tmp/v.err" </dev/null
vrc=$?
for d in n v; do cat "$tmp/$d/result.txt" "$tmp/$d/subdir/total" >>"$tmp/$d.out" 2>&1; done
compare_runs "make -j4" "$vrc" "$nrc"
[ "$nrc" -eq 0 ] || { echo "FAIL: the native make failed"; cat "$tmp/n.err"; fail=1; }
exit $fail
