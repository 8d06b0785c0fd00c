#!/usr/bin/env bash
# vmsim script: `load` maps an ELF file's PT_LOAD segments (nothing is read
# until touched). Expectations from readelf (binutils) and the file's bytes.
source "$(dirname "$0")/script_lib.bash"

cc=riscv64-linux-gnu-gcc
command -v $cc >/dev/null || { echo "no $cc"; exit 77; }
readelf=$(command -v riscv64-linux-gnu-readelf || command -v readelf) || { echo "no readelf"; exit 77; }
cat >"$tmp/p.c" <<'SRC'
char bss[10000];
int data = 0x11223344;
void _start(void) { bss[0] = (char)data; for (;;) {} }
SRC
flags=(-Os -nostdlib -ffreestanding -fno-asynchronous-unwind-tables -Wl,--build-id=none)
$cc "${flags[@]}" -static -o "$tmp/exec" "$tmp/p.c" || { echo "cannot compile"; exit 77; }
$cc "${flags[@]}" -fPIE -static-pie -Wl,--no-dynamic-linker -o "$tmp/pie" "$tmp/p.c" ||
    { echo "cannot compile"; exit 77; }

for prog in exec pie; do
    f=$tmp/$prog
    bias=0
    [ $prog = pie ] && bias=$((0x555555555000))   # Linux riscv64 ELF_ET_DYN_BASE (Sv48)
    entry=$("$readelf" -h "$f" | awk '/Entry point address/ {print $4}')
    vs <<EOS
proc p
load p $f
show maps p
show stats p file_reads
EOS
    expect_rc 0
    no_errors
    expect_line "$(printf 'entry 0x%x' $((entry + bias)))"
    # One "segment" line per PT_LOAD: start-end perms offset filesz memsz.
    "$readelf" -lW "$f" |
        awk '$1 == "LOAD" { fl = ""; for (i = 7; i < NF; i++) fl = fl $i; print $2, $3, $5, $6, fl }' \
        >"$tmp/loads"
    [ -s "$tmp/loads" ] || fail "readelf found no PT_LOAD"
    [ "$(grep -c '^segment ' "$out")" -eq "$(wc -l <"$tmp/loads")" ] || fail "$prog: segment count"
    while read -r off vaddr filesz memsz fl; do
        perms=$( [[ $fl == *R* ]] && printf r || printf -; [[ $fl == *W* ]] && printf w || printf -
                 [[ $fl == *E* ]] && printf x || printf -)
        want=$(printf 'segment 0x%x-0x%x %s offset 0x%x filesz 0x%x memsz 0x%x' \
            $((vaddr + bias)) $((vaddr + bias + memsz)) "$perms" $((off)) $((filesz)) $((memsz)))
        expect_line "$want"
    done <"$tmp/loads"
    # The text is a private file mapping named by its path, like Linux's maps.
    grep -qE "^[0-9a-f]+-[0-9a-f]+ r-xp [0-9a-f]{8} [0-9a-f]+:[0-9a-f]+ [1-9][0-9]* +$f\$" "$out" ||
        fail "$prog: no r-xp mapping of the file"

    # The bytes at the entry point are the file's bytes at the entry's offset.
    read -r toff tvaddr _ < <(awk '$5 ~ /E/' "$tmp/loads")
    foff=$((entry - tvaddr + toff))
    vs <<EOS
proc p
load p $f
read p $(printf '0x%x' $((entry + bias))) 8
EOS
    expect_rc 0
    expect_line "$(tail -c +$((foff + 1)) "$f" | head -c 8 | cstr)"
done

# Not an ELF file: ENOEXEC; a missing one: ENOENT.
printf 'not an elf\n' >"$tmp/junk"
vs <<EOS
proc p
load p $tmp/junk
load p $tmp/missing
load nobody $tmp/exec
EOS
expect_rc 1
expect_err 'script:2: load: .*ENOEXEC'
expect_err 'script:3: load: .*ENOENT'
expect_err "script:4: unknown process 'nobody'"
echo ok
