# SPDX-License-Identifier: MIT
# tests/nomem/nomem.mk - out of memory, swept (docs/reliability.md).
#
#   make test-nomem-compiler
#       pipec's test build, $(O)/tests/nomem/pipec-faults, whose Nth
#       allocation fails (tests/nomem/faults.c), compiles each example and
#       a few tests' .pipe files once for every N until a run in which no
#       allocation failed: each run must succeed with the same outputs, or
#       say "out of memory" and exit 1 leaving the outputs as they were
#       (tests/nomem/compiler.sh). In the asan build a leak fails it too.
#
# The test build's arena takes blocks of 1 KiB instead of 64, so that
# failures land all through the compile, the writing of the outputs
# included.

NOMEM_DIR := $(O)/tests/nomem
PIPEC_FAULTS := $(NOMEM_DIR)/pipec-faults
NOMEM_WRAP := malloc calloc realloc fopen fdopen open_memstream
NOMEM_PIPES := $(sort $(wildcard examples/*/*.pipe)) tests/cxx/first.pipe \
	tests/cxx/messages.pipe tests/golden/graph.pipe tests/e2e/owned.pipe

# The compiler runs no threads: nothing for TSan to see here.
ifneq ($(VARIANT),tsan)
TESTS += test-nomem-compiler
endif
.PHONY: test-nomem-compiler

$(NOMEM_DIR)/arena.o: compiler/arena.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) $(COMPILER_INC) \
		-DARENA_BLOCK_SIZE=1024 -c $< -o $@

$(PIPEC_FAULTS): $(O)/compiler/main.o $(NOMEM_DIR)/arena.o \
		$(NOMEM_DIR)/faults.o \
		$(filter-out $(O)/compiler/arena.o,$(COMPILER_LIB_OBJ))
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) \
		$(foreach f,$(NOMEM_WRAP),-Wl,--wrap=$(f)) -o $@ $^ \
		$(LDLIBS)

test-nomem-compiler: $(PIPEC_FAULTS)
	$(Q)sh tests/nomem/compiler.sh $(PIPEC_FAULTS) $(NOMEM_PIPES)

