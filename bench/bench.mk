# The VM-core benchmark (bench/vm_bench.c), linked with the optimized library.
# `make bench` builds it and runs bench/run.sh.

$(REL)/bench/vm_bench: bench/vm_bench.c $(REL)/libvmsim.a
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(DEPFLAGS) $(REL_FLAGS) -Isrc -o $@ $< $(REL)/libvmsim.a $(LDLIBS) $(EXTRA_LIBS)

BENCH_DEPS += $(REL)/bench/vm_bench

# bench/run.sh finds the binaries of this build through VMSIM_REL.
bench: export VMSIM_REL := $(REL)

# The memory-pressure benchmark (bench/swap_bench.c, issue 5): reclaim, swap-out,
# swap-in and clean-page drop costs per page. bench/swap_sweep.sh is its
# whole-program companion (run by bench/run.sh).
$(REL)/bench/swap_bench: bench/swap_bench.c $(REL)/libvmsim.a
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(DEPFLAGS) $(REL_FLAGS) -Isrc -o $@ $< $(REL)/libvmsim.a $(LDLIBS) $(EXTRA_LIBS)

BENCH_DEPS += $(REL)/bench/swap_bench

# The page-reference generator of the miss-ratio-curve benchmark (issue 17).
$(REL)/bench/pagegen: bench/pagegen.c
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) $(REL_FLAGS) -o $@ $<

BENCH_DEPS += $(REL)/bench/pagegen build/guest/libc/hello

# A file and a shmem object larger than RAM (issue 18, bench/bigfile_bench.sh).
BENCH_DEPS += build/guest/pressure/bigread
