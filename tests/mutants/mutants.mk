# The mutation check: `make mutants` applies each change listed in
# tests/mutants/mutants.txt to a scratch copy of the tree (build/mutants),
# builds it and runs the tests named for it (tests/mutants/run.sh); it fails
# when a mutant survives. Included by the Makefile after guest.mk and
# fuzz.mk: it needs their programs and fixtures, not the fuzzers.
.PHONY: mutants
mutants: deps $(filter-out $(FUZZ_BIN),$(TEST_DEPS)) $(GUEST_DEMO_BIN)
	@tests/mutants/run.sh
