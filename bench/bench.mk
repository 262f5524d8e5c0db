# bench/bench.mk - benchmarks: `make bench` prints tables comparing pipec
# with the Go and Rust peer programs, built and run side by side.

BENCH_PROGRAMS := $(O)/bench/seed $(O)/bench/spsc
# Where the peer programs (seed.go, seed.rs, spsc.go, spsc.rs) are.
PEERS ?= ../shared/bench/peers

$(O)/bench/%: $(O)/bench/%.o $(RUNTIME_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/bench/seed.o $(O)/bench/spsc.o: ALL_CFLAGS += -Iruntime

.PHONY: bench
bench: $(BENCH_PROGRAMS)
	@scripts/ensure-deps --bench
	BIN=$(O)/bench PEERS=$(PEERS) bench/run.sh
