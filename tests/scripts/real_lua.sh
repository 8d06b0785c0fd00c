#!/usr/bin/env bash
# A real interpreter (issue 15): Lua 5.4 from Debian's source package, built
# once (tests/real/lua.build, cached by scripts/debsrc.sh), runs
# tests/real/lua_checks.lua (numbers and their formatting, patterns, sort
# with a comparator, metatables, errors, coroutines, utf8, files written and
# read back, stdin) and bench/lua/bench.lua at a small size, and a script
# that dies of an error. The riscv64 lua under vmsim (default engine and
# --engine interp) must print the same stdout and stderr and exit with the
# same status as the host's build of the same source, and as qemu-riscv64
# running the same riscv64 binary. Skips when the source cannot be fetched.
set -u
: "${VMSIM:?}"
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v qemu-riscv64 >/dev/null || { echo "qemu-riscv64 not installed"; exit 77; }
out=$(source "$root/scripts/debsrc.sh" && debsrc_build lua5.4 "$root/tests/real/lua.build") ||
    { echo "cannot fetch or build lua5.4 from Debian's source"; exit 77; }
L="$out/rv64/lua" N="$out/native/lua"
if ! [ -x "$L" ] || ! [ -x "$N" ]; then echo "FAIL: lua build incomplete in $out"; exit 1; fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# Each run is in its own directory DIR/w holding the scripts (vmsim's guest
# root is its working directory), the binary called ../lua everywhere: lua's
# messages begin with its argv[0] (vmsim names a program inside the sandbox
# by its guest path, one outside as it was given).
# run WHO DIR STDIN ARGS...: $DIR.out, $DIR.err, $DIR.rc
run() {
    local who=$1 dir=$2 input=$3; shift 3
    mkdir -p "$dir/w"
    cp "$root/tests/real/lua_checks.lua" "$root/bench/lua/bench.lua" "$dir/w/"
    local cmd
    case $who in
    native) cp "$N" "$dir/lua"; cmd=(../lua) ;;
    qemu) cp "$L" "$dir/lua"; cmd=(qemu-riscv64 ../lua) ;;
    jit) cp "$L" "$dir/lua"; cmd=(timeout 300 "$VMSIM" run ../lua) ;;
    interp) cp "$L" "$dir/lua"; cmd=(timeout 300 "$VMSIM" run --engine interp ../lua) ;;
    esac
    (cd "$dir/w" && printf '%s' "$input" | "${cmd[@]}" "$@") >"$dir.out" 2>"$dir.err"
    echo $? >"$dir.rc"
}
# check NAME STATUS STDIN ARGS...: the native run ends with STATUS, and
# qemu's and vmsim's runs print what it prints and end as it does
check() {
    local name=$1 want_rc=$2 input=$3 who r bad; shift 3
    for who in native qemu jit interp; do
        run "$who" "$tmp/$name-$who" "$input" "$@"
    done
    local ref="$tmp/$name-native"
    if [ "$(cat "$ref.rc")" -ne "$want_rc" ] || { ! [ -s "$ref.out" ] && ! [ -s "$ref.err" ]; }; then
        echo "FAIL $name: the native run exited $(cat "$ref.rc") (not $want_rc) or printed nothing"
        head -5 "$ref.err"
        fail=1
        return
    fi
    for who in qemu jit interp; do
        r="$tmp/$name-$who" bad=
        cmp -s "$r.rc" "$ref.rc" || bad="exit $(cat "$r.rc"), native $(cat "$ref.rc")"
        cmp -s "$r.out" "$ref.out" || bad="$bad stdout differs"
        cmp -s "$r.err" "$ref.err" || bad="$bad stderr differs"
        if [ -n "$bad" ]; then
            echo "FAIL lua $name under $who: $bad (< $who, > native)"
            diff -a "$r.out" "$ref.out" | head -20
            diff -a "$r.err" "$ref.err" | head -10
            fail=1
        else
            echo "ok lua $name under $who: $(wc -l <"$r.out") lines, exit $(cat "$r.rc"), as native"
        fi
    done
}
check checks 7 $'3 4.5\nhello\n' lua_checks.lua
check bench 0 '' bench.lua 2
check error 1 '' -e 'local t = {} t.x.y = 1'
exit $fail
