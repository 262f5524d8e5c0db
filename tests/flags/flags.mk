# SPDX-License-Identifier: MIT
# tests/flags/flags.mk - a generated main under hostile flags.
#
#   make test-flags   tests/flags/flags.pipe, compiled with --main, run
#                     with huge, negative, malformed, overflowing, empty,
#                     missing and repeated values, unknown options
#                     (tests/flags/run.sh)

FLAGS_DIR := $(O)/tests/flags
FLAGS_PROG := $(FLAGS_DIR)/flags

$(call pipec_generate,$(FLAGS_DIR)/flags,tests/flags/flags.pipe,--main)
$(FLAGS_DIR)/flags.o: private ALL_CFLAGS += -I$(FLAGS_DIR) -Iruntime

$(FLAGS_PROG): $(FLAGS_DIR)/flags.o $(RUNTIME_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: test-flags
TESTS += test-flags
test-flags: $(FLAGS_PROG)
	$(Q)sh tests/flags/run.sh $(FLAGS_PROG)
