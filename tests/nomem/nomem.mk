# SPDX-License-Identifier: MIT
# tests/nomem/nomem.mk - out of memory, swept (docs/reliability.md).
#
#   make test-nomem-compiler
#       pipec's test build, $(O)/tests/nomem/pipec-faults, whose Nth
#       allocation fails (tests/nomem/faults.c), compiles a few examples
#       and tests (a pipeline with --main, one with hooks, the largest, one
#       that imports, a message file, and a large input) once for every N
#       until a run in which no allocation failed: each run must succeed
#       with the same outputs, or say "out of memory" and exit 1 leaving
#       the outputs as they were (tests/nomem/compiler.sh). In the asan
#       build a leak fails it too.
#
# The test build's arena takes blocks of 1 KiB instead of 64, so that
# failures land all through the compile, the writing of the outputs
# included. Both sweeps are part of make test in the asan build only (the
# one that also sees leaks and bad accesses; each ASan process costs a
# tenth of a second); they run in any build by name.

NOMEM_DIR := $(O)/tests/nomem
PIPEC_FAULTS := $(NOMEM_DIR)/pipec-faults
NOMEM_WRAP := malloc calloc realloc fopen fdopen open_memstream
NOMEM_PIPES := examples/squares/squares.pipe examples/wordfreq/wordfreq.pipe \
	examples/logstats/logstats.pipe tests/cxx/first.pipe \
	tests/cxx/messages.pipe

ifeq ($(VARIANT),asan)
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

# Every third allocation (and the first and last few) by default, here
# and in test-nomem-programs: ASan's start makes each run cost a tenth of
# a second. NOMEM_STRIDE=1: all.
NOMEM_STRIDE ?= 3

test-nomem-compiler: $(PIPEC_FAULTS)
	$(Q)NOMEM_STRIDE=$(NOMEM_STRIDE) sh tests/nomem/compiler.sh \
		$(PIPEC_FAULTS) $(NOMEM_PIPES)

# ---- the examples' programs ----
#
#   make test-nomem-programs
#       each example built against the runtime's test build (-DPIPEC_FAULTS)
#       with the hooks of tests/nomem/rt_faults.c, run once for every N
#       with the runtime's allocation N failing, until a run in which none
#       failed: each run must print "out of memory" and exit 1, or succeed
#       with the output of a run without failure; and leave no block
#       allocated (tests/nomem/programs.sh).

NOMEM_RT_OBJS := $(RUNTIME_SRC:runtime/%.c=$(O)/tests/runtime/faults/%.o) \
	$(O)/runtime/fcontext.o $(NOMEM_DIR)/rt_faults.o
NOMEM_PROGRAMS := squares wordfreq logstats digest follow pgrep
NOMEM_BINS := $(NOMEM_PROGRAMS:%=$(NOMEM_DIR)/%)

$(NOMEM_DIR)/squares: $(SQUARES_DIR)/squares.o
$(NOMEM_DIR)/wordfreq: $(WORDFREQ_DIR)/wordfreq.o \
	$(WORDFREQ_DIR)/wordfreq_count.o
$(NOMEM_DIR)/logstats: $(LOGSTATS_DIR)/logstats.o
$(NOMEM_DIR)/digest: $(DIGEST_DIR)/digest.o $(DIGEST_DIR)/digest_walk.o
$(NOMEM_DIR)/digest: NOMEM_LIBS := -lnettle
$(NOMEM_DIR)/follow: $(FOLLOW_DIR)/follow.o
$(NOMEM_DIR)/pgrep: $(PGREP_DIR)/pgrep.o $(PGREP_DIR)/pgrep_walk.o \
	$(PGREP_DIR)/pgrep_main.o
$(NOMEM_BINS): $(NOMEM_RT_OBJS)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(NOMEM_LIBS) $(LDLIBS)

ifeq ($(VARIANT),asan)
TESTS += test-nomem-programs
endif
.PHONY: test-nomem-programs

test-nomem-programs: $(NOMEM_BINS)
	$(Q)NOMEM_STRIDE=$(NOMEM_STRIDE) sh tests/nomem/programs.sh $(NOMEM_DIR)
