# SPDX-License-Identifier: MIT
# tests/fuzz/fuzz.mk - the robustness test: pipec on deterministic
# mutations of the valid .pipe files (examples and tests/fuzz/seeds). In
# the asan build a sanitizer report fails it too. A failing input is copied
# to $(O)/fuzz-failures/ to replay. FUZZ_SEED=N FUZZ_COUNT=N (environment)
# choose another set of mutations.

FUZZ_MUTATE := $(O)/tests/fuzz/mutate

# The compiler runs no threads: nothing for TSan to see here.
ifneq ($(VARIANT),tsan)
TESTS += test-fuzz
endif
.PHONY: test-fuzz

$(FUZZ_MUTATE): $(O)/tests/fuzz/mutate.o
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

test-fuzz: $(PIPEC) $(FUZZ_MUTATE)
	$(Q)sh tests/fuzz/fuzz.sh $(PIPEC) $(FUZZ_MUTATE) $(O)/fuzz-failures
