# Guest programs: riscv64 Linux binaries that the differential tests run under
# both `vmsim run` and qemu-riscv64 (tests/scripts/guest_*.sh).
#
# Convention (drop a file in, it is built):
#   guest/lib/         the freestanding runtime: start.S (_start -> main(argc,
#                      argv, envp) -> exit), guest.h (syscalls, printf subset).
#   guest/libc/*.c     one program each, linked with static glibc.
#   guest/files/*.c    the same (static glibc): file system calls (issue 4).
#   guest/proc/*.c     the same (static glibc): processes and signals (issue 4).
#   guest/mmio/*.c     the same (static glibc): memory-mapped I/O (issue 7);
#                      guest/mmio/*.h are their shared headers.
#   guest/pressure/*.c the same (static glibc): memory pressure (issue 14);
#                      tests/scripts/pressure_*.sh also build some natively.
#   guest/procfs/*.c   the same (static glibc): /proc inside the guest (issue 6);
#                      tests/scripts/procfs.sh also builds them natively.
#   guest/share/*.c   the same (static glibc): sharing between processes (issue 16).
#   guest/dyn/*.c      one program each, dynamically linked with glibc and
#                      libm (PIE, interpreter /lib/ld-linux-riscv64-lp64d.so.1).
#                      guest/files/*.c are also built this way, into
#                      build/guest/files_dyn/<name>.
#   guest/elf/         not here: the ELF loader's fixtures (tests/fuzz/fuzz.mk).
#   guest/<dir>/*.c, guest/<dir>/*.S   (any other dir, e.g. isa/, fp/, perf/)
#                      one freestanding program each, linked with guest/lib,
#                      -march=rv64gc, non-PIE static. Names must be unique within
#                      a directory (no foo.c next to foo.S).
# Output: build/guest/<dir>/<name> (no extension). $(GUEST_BIN) lists them all;
# `make guest` builds them.

GUEST_CC      ?= riscv64-linux-gnu-gcc
GUEST_OUT     := build/guest
GUEST_ARCH    := -march=rv64gc -mabi=lp64d
GUEST_CFLAGS  := $(GUEST_ARCH) -O2 -g0 -Wall -Werror -ffreestanding -fno-builtin \
                 -fno-tree-loop-distribute-patterns -fno-stack-protector -fno-pic -Iguest/lib
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--no-warn-rwx-segments
GUEST_LIBC_CFLAGS := $(GUEST_ARCH) -O2 -g0 -Wall -Werror -static
GUEST_DYN_CFLAGS  := $(GUEST_ARCH) -O2 -g0 -Wall -Werror

GUEST_LIB_SRC  := $(wildcard guest/lib/*.c guest/lib/*.S)
GUEST_LIB_OBJ  := $(patsubst guest/lib/%,$(GUEST_OUT)/lib/%.o,$(GUEST_LIB_SRC))
GUEST_PROG_SRC := $(filter-out guest/lib/% guest/libc/% guest/elf/% guest/files/% guest/proc/% guest/procfs/% guest/pressure/% guest/mmio/% guest/dyn/% guest/demo/% guest/share/% guest/threads/%,$(wildcard guest/*/*.c guest/*/*.S))
GUEST_LIBC_SRC := $(wildcard guest/libc/*.c guest/files/*.c guest/proc/*.c guest/procfs/*.c guest/pressure/*.c guest/mmio/*.c guest/share/*.c guest/threads/*.c)
GUEST_DYN_SRC  := $(wildcard guest/dyn/*.c)
GUEST_BIN      := $(basename $(patsubst guest/%,$(GUEST_OUT)/%,$(GUEST_PROG_SRC) $(GUEST_LIBC_SRC) $(GUEST_DYN_SRC))) \
                  $(patsubst guest/files/%.c,$(GUEST_OUT)/files_dyn/%,$(wildcard guest/files/*.c))

.PHONY: guest
guest: $(GUEST_BIN)
TEST_DEPS += $(GUEST_BIN)
.SECONDARY: $(GUEST_LIB_OBJ)

$(GUEST_OUT)/lib/%.o: guest/lib/% guest/lib/guest.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(GUEST_OUT)/libc/%: guest/libc/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_LIBC_CFLAGS) $< -o $@

$(GUEST_OUT)/files/%: guest/files/%.c guest/files/ftest.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_LIBC_CFLAGS) $< -o $@

$(GUEST_OUT)/files_dyn/%: guest/files/%.c guest/files/ftest.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_DYN_CFLAGS) $< -o $@ -lm

$(GUEST_OUT)/proc/%: guest/proc/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_LIBC_CFLAGS) $< -o $@

$(GUEST_OUT)/pressure/%: guest/pressure/%.c guest/pressure/prockb.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_LIBC_CFLAGS) $< -o $@

$(GUEST_OUT)/procfs/%: guest/procfs/%.c guest/procfs/pfs.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_LIBC_CFLAGS) $< -o $@

# guest/procfs/pss.c also dynamically linked: libc.so.6's text shared.
guest: $(GUEST_OUT)/procfs_dyn/pss
TEST_DEPS += $(GUEST_OUT)/procfs_dyn/pss
$(GUEST_OUT)/procfs_dyn/%: guest/procfs/%.c guest/procfs/pfs.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_DYN_CFLAGS) $< -o $@

$(GUEST_OUT)/dyn/%: guest/dyn/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_DYN_CFLAGS) $< -o $@ -lm

# guest/share/*.c: sharing between processes (issue 16), static glibc;
# tests/scripts/share_*.sh also build some natively.
$(GUEST_OUT)/share/%: guest/share/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_LIBC_CFLAGS) $< -o $@

$(GUEST_OUT)/mmio/%: guest/mmio/%.c $(wildcard guest/mmio/*.h)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_LIBC_CFLAGS) $< -o $@

$(GUEST_OUT)/%: guest/%.c $(GUEST_LIB_OBJ) guest/lib/guest.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) $< $(GUEST_LIB_OBJ) -o $@

$(GUEST_OUT)/%: guest/%.S $(GUEST_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) $< $(GUEST_LIB_OBJ) -o $@

# CPU benchmarks (bench/cpu_bench.sh): guest/perf/*.c, built by the rule above.
GUEST_PERF_BIN := $(filter $(GUEST_OUT)/perf/%,$(GUEST_BIN))
$(GUEST_PERF_BIN): guest/perf/bench.h
BENCH_DEPS += $(GUEST_PERF_BIN)

# guest/dyn/proc_X.c that includes guest/proc/X.c (X.c exists) is X built
# dynamically: rebuild it with X.c. (proc_sleeper.c stands alone.)
GUEST_DYN_WRAPPED := $(filter $(patsubst guest/proc/%.c,guest/dyn/proc_%.c,$(wildcard guest/proc/*.c)),$(wildcard guest/dyn/proc_*.c))
$(patsubst guest/dyn/proc_%.c,$(GUEST_OUT)/dyn/proc_%,$(GUEST_DYN_WRAPPED)): $(GUEST_OUT)/dyn/proc_%: guest/proc/%.c

# Process benchmarks (bench/proc_bench.sh): guest/benchp/*.c, each built for
# riscv64 as a dynamic glibc program (build/guest/benchp/<name>; this rule's
# shorter stem wins over the freestanding one above) and natively with the
# host gcc (build/guest/benchp-native/<name>, plus the native dynamic hello).
GUEST_BENCHP_SRC    := $(wildcard guest/benchp/*.c)
GUEST_BENCHP_BIN    := $(patsubst guest/benchp/%.c,$(GUEST_OUT)/benchp/%,$(GUEST_BENCHP_SRC))
GUEST_BENCHP_NATIVE := $(patsubst guest/benchp/%.c,$(GUEST_OUT)/benchp-native/%,$(GUEST_BENCHP_SRC)) \
                       $(GUEST_OUT)/benchp-native/hello
$(GUEST_OUT)/benchp/%: guest/benchp/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_DYN_CFLAGS) $< -o $@
$(GUEST_OUT)/benchp-native/hello: guest/dyn/hello.c
	@mkdir -p $(dir $@)
	gcc -O2 -g0 -Wall -Werror $< -o $@
$(GUEST_OUT)/benchp-native/%: guest/benchp/%.c
	@mkdir -p $(dir $@)
	gcc -O2 -g0 -Wall -Werror $< -o $@
BENCH_DEPS += $(GUEST_BENCHP_BIN) $(GUEST_BENCHP_NATIVE) $(GUEST_OUT)/dyn/hello

# `vmsim demo`'s programs (guest/demo; the stop points: marks.h): tour (the
# first process), pagein and memfdpass static, the others dynamic (PIE, glibc). vmsim
# embeds them (src/cli/demo/demo_images.c; the Makefile makes its objects depend
# on $(GUEST_DEMO_BIN)). This rule's shorter stem wins over the freestanding one.
GUEST_DEMO_STATIC := tour pagein memfdpass threads
GUEST_DEMO_BIN    := $(patsubst guest/demo/%.c,$(GUEST_OUT)/demo/%,$(wildcard guest/demo/*.c))
$(GUEST_OUT)/demo/%: guest/demo/%.c guest/demo/demo.h guest/demo/marks.h
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(if $(filter $*,$(GUEST_DEMO_STATIC)),$(GUEST_LIBC_CFLAGS),$(GUEST_DYN_CFLAGS)) $< -o $@
guest: $(GUEST_DEMO_BIN)

# Threaded programs (issue 13): guest/threads/*.c, static glibc (pthreads are
# in libc.so.6/libc.a since glibc 2.34), compared with qemu-riscv64 and with
# the host build (tests/scripts/threads.sh).
GUEST_THREADS_BIN := $(patsubst guest/threads/%.c,$(GUEST_OUT)/threads/%,$(wildcard guest/threads/*.c))
$(GUEST_OUT)/threads/%: guest/threads/%.c
	@mkdir -p $(dir $@)
	$(GUEST_CC) $(GUEST_LIBC_CFLAGS) $< -o $@
