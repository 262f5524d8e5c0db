# SPDX-License-Identifier: MIT
# bench/bench.mk - benchmarks: `make bench` prints tables comparing pipec
# with the Go and Rust peer programs, built and run side by side.
#
#   $(O)/bench/seed   the seed pipeline as pipec generates it (seed.pipe,
#                     driven by seed_main.c)
#   $(O)/bench/spsc   raw channel throughput, one producer, one consumer

BENCH_DIR := $(O)/bench
BENCH_PROGRAMS := $(BENCH_DIR)/seed $(BENCH_DIR)/spsc
# Where the peer programs (seed.go, seed.rs, spsc.go, spsc.rs) are.
PEERS ?= ../shared/bench/peers

$(call pipec_generate,$(BENCH_DIR)/seed,bench/seed.pipe)
$(BENCH_DIR)/seed.o: private ALL_CFLAGS += -DNDEBUG -I$(BENCH_DIR) -Iruntime
$(BENCH_DIR)/seed_main.o: $(BENCH_DIR)/seed.h
$(BENCH_DIR)/seed_main.o: private ALL_CFLAGS += -I$(BENCH_DIR) -Iruntime

$(BENCH_DIR)/seed: $(BENCH_DIR)/seed.o $(BENCH_DIR)/seed_main.o $(RUNTIME_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BENCH_DIR)/spsc: $(BENCH_DIR)/spsc.o $(RUNTIME_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BENCH_DIR)/spsc.o: ALL_CFLAGS += -Iruntime

# The benchmark programs are built (and so compiled warning-free) by make
# check too, and run once briefly, so they cannot rot.
TESTS += test-bench
.PHONY: bench test-bench
test-bench: $(BENCH_PROGRAMS)
	$(Q)bench/test.sh $(BENCH_DIR)

bench: $(BENCH_PROGRAMS)
	$(Q)BIN=$(BENCH_DIR) PEERS=$(PEERS) bench/run.sh
