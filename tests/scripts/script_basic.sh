#!/usr/bin/env bash
# vmsim script: maps, memory access, /proc/PID/maps format, brk, input forms.
source "$(dirname "$0")/script_lib.bash"

printf 'file data: 0123456789\n' >"$tmp/data"

vs <<EOS
proc a
map a 0x400000 8K rw- anon private
map a 0x600000 4K r-x file $tmp/data 0 private
map a any 4K rw- anon private
write a 0x400000 "hello\n"
read a 0x400000 6
write a 0x401ffe 0x00ff41
read a 0x401ffe 2
read a 0x402000 0
read a 0x600000 10
read a 0x400010 4
show maps a
EOS
expect_rc 0
no_errors
# map prints the address it mapped: the fixed ones exactly, `any` page aligned
# below the mmap base (top-down, like Linux's mmap(NULL)).
expect_line 0x400000
expect_line 0x600000
any=$(sed -n 3p "$out")
[[ $any =~ ^0x[0-9a-f]+$ ]] || fail "map any printed '$any'"
(( any % 4096 == 0 && any >= 0x10000 && any < 0x800000000000 )) || fail "map any gave $any"
expect_line '"hello\n"'
expect_line '"\000\377"'     # crosses into the second page: fresh pages read as zeros
expect_line '""'
expect_line '"file data:"'
expect_line '"\000\000\000\000"'

# /proc/PID/maps: start-end perms offset dev inode [path], hex addresses of at
# least 8 digits, perms like rw-p / r-xp.
re='^[0-9a-f]{8,}-[0-9a-f]{8,} [r-][w-][x-][ps] [0-9a-f]{8} [0-9a-f]{2,}:[0-9a-f]{2,} [0-9]+( +.*)?$'
maps=$(grep -E '^[0-9a-f]{8,}-' "$out")
[ -n "$maps" ] || fail "no maps lines"
while IFS= read -r l; do
    [[ $l =~ $re ]] || fail "maps line '$l' is not in /proc/PID/maps format"
done <<<"$maps"
grep -qE '^0*00400000-0*00402000 rw-p 00000000 00:00 0 *$' "$out" || fail "anon line"
grep -qE "^0*00600000-0*00601000 r-xp 00000000 [0-9a-f]+:[0-9a-f]+ [1-9][0-9]* +.*data\$" "$out" ||
    fail "file line"
[ "$(grep -c "$tmp/data" "$out")" -eq 1 ] || fail "file mapping should appear once"

# Adjacent anonymous mappings with the same protection merge into one line,
# as in Linux; a different protection splits it.
vs <<'EOS'
proc a
map a 0x400000 4K rw- anon private
map a 0x401000 4K rw- anon private
protect a 0x403000 4K r--
map a 0x402000 8K rw- anon private
protect a 0x403000 4K r--
show maps a
EOS
expect_rc 1   # line 4: mprotect of an unmapped range
expect_err 'script:4: mprotect: Cannot allocate memory \(ENOMEM\)'
grep -qE '^0*00400000-0*00403000 rw-p ' "$out" || fail "merged rw-p 0x400000-0x403000"
grep -qE '^0*00403000-0*00404000 r--p ' "$out" || fail "split r--p 0x403000-0x404000"

# brk: +N, -N and an address; prints the new break. The heap is ordinary
# anonymous memory: readable and writable below the break, not above.
vs <<'EOS'
proc p
brk p +0
brk p +8K
brk p -4K
EOS
expect_rc 0
b0=$(sed -n 1p "$out"); b1=$(sed -n 2p "$out"); b2=$(sed -n 3p "$out")
(( b1 == b0 + 8192 && b2 == b0 + 4096 )) || fail "brk moved $b0 -> $b1 -> $b2"
vs <<EOS
proc p
brk p +0
brk p +8K
write p $b0 "heap"
read p $b0 4
brk p $(printf '0x%x' $((b0 + 4096)))
read p $(printf '0x%x' $((b0 + 4096))) 1
EOS
expect_rc 0
expect_line '"heap"'
expect_line "$(printf '0x%x' $((b0 + 4096)))"
expect_line "segfault p $(printf '0x%x' $((b0 + 4096))) SEGV_MAPERR"

# C escapes in strings (as a C compiler reads them), numbers in hex and
# decimal, sizes with suffixes.
vs <<'EOS'
proc a
map a 4194304 0x1K rw- anon private
write a 0x400000 "\x41\101\t\0\"\\\n\r\a\1772"
read a 0x400000 11
write a 4194320 0x414243
read a 0x400010 3
EOS
expect_rc 0
no_errors
expect_line 0x400000
expect_line "$(printf 'AA\t\0"\\\n\r\a\1772' | cstr)"
expect_line '"ABC"'

# The script from a FILE argument; comments, blank lines, hex and K sizes.
cat >"$tmp/s.vms" <<'EOS'
# a comment line

proc x   # trailing comment
map x 0x10000 0x2000 rw- anon private
write x 0x11000 "x#y"   # '#' inside a string is data
read x 0x11000 3
EOS
vs "$tmp/s.vms" </dev/null
expect_rc 0
no_errors
expect_line 0x10000
expect_line '"x#y"'

# A prompt "vmsim> " only when stdin is a terminal (util-linux script(1)
# gives the command a pseudo-terminal).
command -v script >/dev/null || fail "no script(1) (util-linux)"
rc=0
printf 'proc a\nmap a 0x400000 4K rw- anon private\n' |
    script -qec "$VMSIM script" /dev/null >"$out" 2>"$err" || rc=$?
expect_rc 0
grep -q 'vmsim> ' "$out" || fail "no prompt on a terminal"
grep -q '0x400000' "$out" || fail "no output on a terminal"
vs <<<'proc a'
expect_rc 0
[ ! -s "$out" ] || fail "a prompt or output without a terminal"
echo ok
