# vmsim — one Makefile. `make demo` builds and runs the built-in demo;
# `make test` builds everything under ASan+UBSan and runs every test;
# `make bench` runs the benchmarks against their peers.
#
# Two builds of the same sources: build/rel (-O2, for demo and bench) and
# build/san (ASan+UBSan, invariant checks on, for tests). Parts of the tree
# add rules in their own fragment (*.mk) so the Makefile stays small.

CC        ?= gcc
CSTD      := -std=c11 -D_GNU_SOURCE
WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
DEPFLAGS  := -MMD -MP
REL_FLAGS := -O2 -g
SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=undefined -DVMSIM_DEBUG=1
LDLIBS    := -lm -ljson-c -lpng

LIB_SRC := $(sort $(wildcard src/machine/*.c src/kernel/*/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c src/cli/*/*.c))

REL ?= build/rel
SAN ?= build/san

rel_obj = $(patsubst src/%.c,$(REL)/obj/%.o,$(1))
san_obj = $(patsubst src/%.c,$(SAN)/obj/%.o,$(1))

.PHONY: all demo test bench deps clean format
all: $(REL)/vmsim $(SAN)/vmsim

deps:
	@scripts/deps.sh

$(REL)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(DEPFLAGS) $(REL_FLAGS) -c $< -o $@

$(SAN)/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(DEPFLAGS) $(SAN_FLAGS) -c $< -o $@

$(REL)/libvmsim.a: $(call rel_obj,$(LIB_SRC))
	@rm -f $@; ar rcs $@ $^

$(SAN)/libvmsim.a: $(call san_obj,$(LIB_SRC))
	@rm -f $@; ar rcs $@ $^

$(REL)/vmsim: $(call rel_obj,$(CLI_SRC)) $(REL)/libvmsim.a
	$(CC) $(REL_FLAGS) -o $@ $^ $(LDLIBS) $(EXTRA_LIBS)

$(SAN)/vmsim: $(call san_obj,$(CLI_SRC)) $(SAN)/libvmsim.a
	$(CC) $(SAN_FLAGS) -o $@ $^ $(LDLIBS) $(EXTRA_LIBS)

# Unit tests: tests/unit/test_NAME.c -> build/san/tests/test_NAME (cmocka).
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(patsubst tests/unit/%.c,$(SAN)/tests/%,$(UNIT_SRC))

$(SAN)/tests/%: tests/unit/%.c tests/unit/*.h $(SAN)/libvmsim.a
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(SAN_FLAGS) -Isrc -o $@ $< $(SAN)/libvmsim.a -lcmocka $(LDLIBS) $(EXTRA_LIBS)

-include guest/guest.mk tests/fuzz/fuzz.mk bench/bench.mk tests/mutants/mutants.mk

# vmsim embeds the demo's guest programs (src/cli/demo/demo_images.c, .incbin).
$(foreach o,rel_obj san_obj fuzz_obj,$(call $(o),src/cli/demo/demo_images.c)): $(GUEST_DEMO_BIN)

demo: deps $(REL)/vmsim $(DEMO_DEPS)
	$(REL)/vmsim demo --html build/demo.html

test: deps $(SAN)/vmsim $(UNIT_BIN) $(TEST_DEPS)
	@SAN=$(SAN) FUZZ_DIR=$(FUZZ) tests/run.sh

bench: deps $(REL)/vmsim $(BENCH_DEPS)
	@bench/run.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
