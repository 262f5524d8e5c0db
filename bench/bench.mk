# SPDX-License-Identifier: MIT
# bench/bench.mk - benchmarks: `make bench` prints one table comparing
# pipec with the Go and Rust peer programs, built and run side by side
# (bench/run.sh; docs/performance.md says what each row measures).
#
#   $(O)/bench/seed       the seed pipeline as pipec generates it (seed.pipe,
#                         driven by seed_main.c)
#   $(O)/bench/spsc       raw channel throughput, one producer, one consumer
#   $(O)/bench/cancel     cancel latency, many runs in one process
#                         (cancel.pipe, driven by cancel_main.c)
#   $(O)/bench/chain-N/chain
#                         a chain of N forwarding stages (chain-pipe.sh N,
#                         driven by chain_main.c)
#   build/bench-peers/    the Go and Rust peers: ours (bench/peers) and
#                         those in $(PEERS); one build for every variant
#
# make bench QUICK=1 is the quick run (about two minutes); CHAIN_N is the
# chain's length (10000, or 1000 in the quick run). Every other knob is
# an environment variable of bench/run.sh.

BENCH_DIR := $(O)/bench
BENCH_PEER_DIR := build/bench-peers
# Where the shared peer programs (seed, spsc, chain: .go and .rs) are.
PEERS ?= ../shared/bench/peers
QUICK ?=
CHAIN_N ?= $(if $(filter 1,$(QUICK)),1000,10000)
# The chain test-bench runs: short, so that make check stays fast.
BENCH_TEST_CHAIN := 100

BENCH_PROGRAMS := $(BENCH_DIR)/seed $(BENCH_DIR)/spsc $(BENCH_DIR)/cancel

$(call pipec_generate,$(BENCH_DIR)/seed,bench/seed.pipe)
$(BENCH_DIR)/seed.o: private ALL_CFLAGS += -DNDEBUG -I$(BENCH_DIR) -Iruntime
$(BENCH_DIR)/seed_main.o: $(BENCH_DIR)/seed.h
$(BENCH_DIR)/seed_main.o: private ALL_CFLAGS += -I$(BENCH_DIR) -Iruntime
$(BENCH_DIR)/seed: $(BENCH_DIR)/seed.o $(BENCH_DIR)/seed_main.o $(RUNTIME_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BENCH_DIR)/spsc: $(BENCH_DIR)/spsc.o $(RUNTIME_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)
$(BENCH_DIR)/spsc.o: private ALL_CFLAGS += -Iruntime

$(call pipec_generate,$(BENCH_DIR)/cancel,bench/cancel.pipe)
$(BENCH_DIR)/cancel.o: private ALL_CFLAGS += -DNDEBUG -I$(BENCH_DIR) -Iruntime
$(BENCH_DIR)/cancel_main.o: $(BENCH_DIR)/cancel.h
$(BENCH_DIR)/cancel_main.o: private ALL_CFLAGS += -I$(BENCH_DIR) -Iruntime
$(BENCH_DIR)/cancel: $(BENCH_DIR)/cancel.o $(BENCH_DIR)/cancel_main.o \
		$(RUNTIME_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# The chain of $1 stages: its .pipe file, the generated C, the driver
# compiled against that pipeline's header, the program.
define BENCH_CHAIN
$(BENCH_DIR)/chain-$1/chain.pipe: bench/chain-pipe.sh
	@mkdir -p $$(@D)
	$$(call say,GEN,$$@)bench/chain-pipe.sh $1 >$$@.tmp && mv -f $$@.tmp $$@
$(call pipec_generate,$(BENCH_DIR)/chain-$1/chain,$(BENCH_DIR)/chain-$1/chain.pipe)
$(BENCH_DIR)/chain-$1/chain.o: private ALL_CFLAGS += -DNDEBUG -Iruntime
$(BENCH_DIR)/chain-$1/chain_main.o: bench/chain_main.c \
		$(BENCH_DIR)/chain-$1/chain.h
	$$(QUIET_CC)$$(CC) $$(ALL_CFLAGS) -I$(BENCH_DIR)/chain-$1 -Iruntime \
		-c $$< -o $$@
$(BENCH_DIR)/chain-$1/chain: $(BENCH_DIR)/chain-$1/chain.o \
		$(BENCH_DIR)/chain-$1/chain_main.o $(RUNTIME_LIB)
	$$(QUIET_LD)$$(CC) $$(ALL_LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach n,$(sort $(BENCH_TEST_CHAIN) $(CHAIN_N)),\
	$(eval $(call BENCH_CHAIN,$n)))

# The peers, for each toolchain installed (make bench installs both).
BENCH_PEER_SRC := bench/peers/cancel.go bench/peers/cancel.rs \
	$(wildcard $(addprefix $(PEERS)/,seed.go seed.rs spsc.go spsc.rs \
		chain.go chain.rs))
BENCH_PEERS := \
	$(if $(shell command -v go 2>/dev/null),$(patsubst %.go,\
		$(BENCH_PEER_DIR)/%_go,$(notdir $(filter %.go,$(BENCH_PEER_SRC))))) \
	$(if $(shell command -v rustc 2>/dev/null),$(patsubst %.rs,\
		$(BENCH_PEER_DIR)/%_rs,$(notdir $(filter %.rs,$(BENCH_PEER_SRC)))))
# Ours first: a name in both folders is built from bench/peers.
define BENCH_GO_BUILD
@mkdir -p $(@D)
$(call say,GO,$@)GOCACHE=$(abspath $(@D))/gocache go build -o $@ $<
endef
define BENCH_RUSTC
@mkdir -p $(@D)
$(call say,RUSTC,$@)MAKEFLAGS= rustc --edition 2021 -C opt-level=3 -o $@ $<
endef
$(BENCH_PEER_DIR)/%_go: bench/peers/%.go
	$(BENCH_GO_BUILD)
$(BENCH_PEER_DIR)/%_go: $(PEERS)/%.go
	$(BENCH_GO_BUILD)
$(BENCH_PEER_DIR)/%_rs: bench/peers/%.rs
	$(BENCH_RUSTC)
$(BENCH_PEER_DIR)/%_rs: $(PEERS)/%.rs
	$(BENCH_RUSTC)

# The benchmark programs are built (and so compiled warning-free) by make
# check too, and run once briefly in each mode, with our peers where
# their toolchain is installed, so that they cannot rot.
TESTS += test-bench
.PHONY: bench test-bench
test-bench: $(BENCH_PROGRAMS) $(BENCH_DIR)/chain-$(BENCH_TEST_CHAIN)/chain \
		$(PIPEC) $(filter $(BENCH_PEER_DIR)/cancel_%,$(BENCH_PEERS))
	$(Q)BIN=$(BENCH_DIR) PEER_BIN=$(BENCH_PEER_DIR) PIPEC=$(PIPEC) \
		CC='$(CC)' CHAIN_N=$(BENCH_TEST_CHAIN) bench/test.sh

bench: $(BENCH_PROGRAMS) $(BENCH_DIR)/chain-$(CHAIN_N)/chain $(PIPEC) \
		$(BENCH_PEERS)
	$(Q)BIN=$(BENCH_DIR) PEER_BIN=$(BENCH_PEER_DIR) PIPEC=$(PIPEC) \
		CC='$(CC)' CHAIN_N=$(CHAIN_N) QUICK=$(QUICK) PEERS=$(PEERS) \
		bench/run.sh
