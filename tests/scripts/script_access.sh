#!/usr/bin/env bash
# vmsim script: accesses the guest may not make are segfaults (with Linux's
# si_code), reported as "segfault NAME 0xADDR CAUSE"; the script goes on and
# a segfault is not a failed line.
source "$(dirname "$0")/script_lib.bash"

printf 'short file\n' >"$tmp/small"   # 11 bytes: one page, the second is beyond EOF

vs <<EOS
proc a
read a 0x1000000 4
map a 0x400000 4K r-- anon private
write a 0x400000 "x"
read a 0x400000 1
map a 0x500000 4K --- anon private
read a 0x500000 1
map a 0x600000 4K rw- anon private
protect a 0x600000 4K r--
write a 0x600010 "y"
protect a 0x600000 4K rw-
write a 0x600010 "y"
read a 0x600010 1
unmap a 0x600000 4K
read a 0x600010 1
map a 0x700000 8K r-- file $tmp/small 0 private
read a 0x700000 5
read a 0x701000 1
map a 0x900000 4K rw- anon private
write a 0x900ffe "zzz"
read a 0x900ffe 2
read a 0x0 1
read a 0xffffffc000000000 1
read a 0x800000000000 1
read a 0x3ffff8 16
translate a 0x1000000
EOS
expect_rc 0    # segfaults are not failed lines
no_errors
expect_line 'segfault a 0x1000000 SEGV_MAPERR'    # nothing mapped there
expect_line 'segfault a 0x400000 SEGV_ACCERR'     # write to a read-only mapping
expect_line '"\000"'                               # ... which still reads
expect_line 'segfault a 0x500000 SEGV_ACCERR'     # PROT_NONE
expect_line 'segfault a 0x600010 SEGV_ACCERR'     # write after mprotect(PROT_READ)
expect_line '"y"'                                  # after mprotect(RW) it works
expect_line 'segfault a 0x600010 SEGV_MAPERR'     # after munmap
expect_line '"short"'
expect_line 'segfault a 0x701000 BUS_ADRERR'      # a file page wholly beyond EOF: SIGBUS
expect_line 'segfault a 0x901000 SEGV_MAPERR'     # a write that runs off the end of a mapping
expect_line '"zz"'                                 # ... after writing what fits
expect_line 'segfault a 0x0 SEGV_MAPERR'          # NULL
grep -qE '^segfault a 0xffffffc000000000 SEGV_(MAPERR|ACCERR)$' "$out" || fail "kernel address"
grep -qE '^segfault a 0x800000000000 SEGV_(MAPERR|ACCERR)$' "$out" || fail "non-canonical"
expect_line 'segfault a 0x3ffff8 SEGV_MAPERR'     # starts below the mapping
[ "$(tail -n 1 "$out")" = "a 0x1000000 -> fault SEGV_MAPERR" ] || fail "translate fault line"

# mprotect takes effect on pages present before the call (their PTEs and
# TLB entries are writable and dirty) as on fresh ones, both ways; the
# bytes stay; the reference is POSIX mprotect.
vs <<'EOS'
proc a
map a 0xa00000 12K rw- anon private
write a 0xa00000 "present"
write a 0xa00100 "present too"
protect a 0xa00000 8K r--
write a 0xa00000 "P"
write a 0xa01000 "F"
write a 0xa02000 "rw"
read a 0xa00000 7
protect a 0xa00000 12K ---
read a 0xa00100 4
read a 0xa02000 2
protect a 0xa00000 12K rw-
write a 0xa00000 "PRESENT"
write a 0xa01000 "fresh"
read a 0xa00000 7
read a 0xa00100 11
read a 0xa01000 5
read a 0xa02000 2
EOS
expect_rc 0
no_errors
[ "$(grep -c '^segfault' "$out")" = 4 ] || fail "mprotect: 4 segfaults expected"
expect_line 'segfault a 0xa00000 SEGV_ACCERR'   # write to a page present before r--
expect_line 'segfault a 0xa01000 SEGV_ACCERR'   # write to a fresh page under r--
expect_line 'segfault a 0xa00100 SEGV_ACCERR'   # read of a present page under ---
expect_line 'segfault a 0xa02000 SEGV_ACCERR'   # read of a page written under rw-
[ "$(grep '^"' "$out" | tr '\n' ' ')" = '"present" "PRESENT" "present too" "fresh" "rw" ' ] ||
    fail "mprotect: bytes read back"

# The segv counter counts them (per process and globally).
vs <<'EOS'
proc a
read a 0x1000000 4
read a 0x2000000 4
show stats a segv
exit a
show stats segv
EOS
expect_rc 0
[ "$(kv segv 1)" = 2 ] || fail "per-process segv"
[ "$(kv segv 2)" = 2 ] || fail "global segv keeps counting after exit"
echo ok
