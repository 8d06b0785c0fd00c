# Helpers for the tests of `vmsim script` (sourced by script_*.sh and demo.sh;
# not a test itself: run.sh only runs *.sh).
set -u
: "${VMSIM:?VMSIM must name the vmsim binary}"
[ -x "$VMSIM" ] || { echo "no $VMSIM"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out err=$tmp/err rc=0

fail() {
    echo "FAIL: $*" >&2
    echo "--- stdout" >&2; cat "$out" >&2 2>/dev/null
    echo "--- stderr" >&2; cat "$err" >&2 2>/dev/null
    exit 1
}

# vs [ARGS...] <<EOF: runs `vmsim script ARGS` on stdin; output in $out,
# errors in $err, exit status in $rc.
vs() {
    rc=0
    "$VMSIM" script "$@" >"$out" 2>"$err" || rc=$?
}

expect_rc() { [ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1"; }
# expect_line TEXT: stdout has a line that is exactly TEXT.
expect_line() { grep -qxF -- "$1" "$out" || fail "no line '$1' in stdout"; }
no_line() { ! grep -qxF -- "$1" "$out" || fail "unexpected line '$1' in stdout"; }
# expect_err REGEX: stderr has a line matching the extended regex.
expect_err() { grep -qE -- "$1" "$err" || fail "no error matching '$1'"; }
no_errors() { [ ! -s "$err" ] || fail "unexpected errors"; }

# pfn NAME ADDR [N]: the pfn of the Nth (default 1st) translate line
# "NAME ADDR -> 0xPA pfn=P" in stdout.
pfn() {
    awk -v n="$1" -v a="$2" '$1 == n && $2 == a && $3 == "->" && $5 ~ /^pfn=/ {
        sub(/^pfn=/, "", $5); print $5 }' "$out" | sed -n "${3:-1}p"
}
# kv KEY [N]: the value of the Nth "KEY VALUE" line in stdout.
kv() { awk -v k="$1" '$1 == k && NF == 2 { print $2 }' "$out" | sed -n "${2:-1}p"; }

# cstr < BYTES: the bytes as `read` prints them (one C string literal:
# printable ASCII as is, \n \t \r \\ \" escaped, other bytes as \ooo).
cstr() {
    local s='"' b
    for b in $(od -An -v -tu1); do
        case $b in
        10) s+='\n' ;; 9) s+='\t' ;; 13) s+='\r' ;; 92) s+='\\' ;; 34) s+='\"' ;;
        *) if ((b >= 32 && b < 127)); then s+=$(printf "\\$(printf %03o "$b")")
           else s+=$(printf '\\%03o' "$b"); fi ;;
        esac
    done
    printf '%s"\n' "$s"
}
