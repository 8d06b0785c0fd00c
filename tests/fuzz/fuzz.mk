# Fuzzing and the loader's fixtures; included by the Makefile.
#
# Every tests/fuzz/fuzz_NAME.c is a libFuzzer target (LLVMFuzzerTestOneInput),
# built with clang into $(FUZZ)/fuzz_NAME against a clang build of the library
# and of the front end minus main.c (so a target can call script_run_buffer()),
# instrumented for coverage and with ASan+UBSan. tests/scripts/fuzz.sh runs
# each for a short bounded time from tests/fuzz/corpus_NAME/; `make fuzz` runs
# them longer (FUZZ_TIME seconds each).

FUZZ      ?= $(patsubst %/,%,$(dir $(SAN)))/fuzz
FUZZ_CC   ?= clang
# Warnings are errors in the gcc builds; clang's extra ones must not break fuzzing.
FUZZ_WARN := $(filter-out -Werror,$(WARN))
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
              -fno-sanitize-recover=undefined -DVMSIM_DEBUG=1
FUZZ_LIB_SRC := $(LIB_SRC) $(filter-out src/cli/main.c,$(CLI_SRC))
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN  := $(patsubst tests/fuzz/%.c,$(FUZZ)/%,$(FUZZ_SRC))

fuzz_obj = $(patsubst src/%.c,$(FUZZ)/obj/%.o,$(1))

$(FUZZ)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) $(FUZZ_WARN) $(DEPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ)/libvmsim.a: $(call fuzz_obj,$(FUZZ_LIB_SRC))
	@rm -f $@; ar rcs $@ $^

$(FUZZ)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ)/libvmsim.a
	$(FUZZ_CC) $(CSTD) $(FUZZ_WARN) $(DEPFLAGS) $(FUZZ_FLAGS) -fsanitize=fuzzer -Isrc \
	    -o $@ $< $(FUZZ)/libvmsim.a $(LDLIBS) $(EXTRA_LIBS)

# Riscv64 programs the loader's tests load (tests/unit/test_elf.c), built
# where tests/run.sh points GUEST_DIR.
ELF_RISCV_CC ?= riscv64-linux-gnu-gcc
ELF_GUEST    := build/guest/elf
ELF_FIXTURES := $(patsubst guest/elf/%.c,$(ELF_GUEST)/%,$(wildcard guest/elf/*.c))

$(ELF_FIXTURES): $(ELF_GUEST)/%: guest/elf/%.c
	@mkdir -p $(dir $@)
	$(ELF_RISCV_CC) -static -O2 -o $@ $<

TEST_DEPS += $(FUZZ_BIN) $(ELF_FIXTURES)

.PHONY: fuzz
fuzz: $(FUZZ_BIN)
	FUZZ_DIR=$(FUZZ) FUZZ_TIME=$${FUZZ_TIME:-300} tests/scripts/fuzz.sh
