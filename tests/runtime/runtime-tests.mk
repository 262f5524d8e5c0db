# SPDX-License-Identifier: MIT
# tests/runtime/runtime-tests.mk - the runtime's test programs (cmocka).
#
#   make test-runtime            runs each, printing cmocka's summaries
#   make test-runtime-valgrind   the same under valgrind (make check)
#
# One program per area: standalone channels (R1-R3, R5-R8, select, demand,
# deadlines, statuses), runs (R4, R7-R11, R13, statistics), lifetimes
# (R12) and a seeded random stress test. PIPEC_STRESS_ITERS scales the
# stress test, PIPEC_TEST_RUNS the number of runs of the lifetime test,
# PIPEC_STRESS_SEED picks the stress seed and PIPEC_TEST_SLOW multiplies
# the watchdogs' limits.

RT_TEST_NAMES := test_channel test_run test_sched test_lifetime test_stress test_port \
	test_build test_driver
RT_TEST_DIR := $(O)/tests/runtime
RT_TEST_BINS := $(RT_TEST_NAMES:%=$(RT_TEST_DIR)/%)
RT_TEST_OBJS := $(RT_TEST_NAMES:%=$(RT_TEST_DIR)/%.o) $(RT_TEST_DIR)/rt_test.o

$(RT_TEST_OBJS): ALL_CFLAGS += -Iruntime

$(RT_TEST_BINS): $(RT_TEST_DIR)/%: $(RT_TEST_DIR)/%.o \
		$(RT_TEST_DIR)/rt_test.o $(RUNTIME_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $< $(RT_TEST_DIR)/rt_test.o \
		$(RUNTIME_LIB) -lcmocka $(LDLIBS)

# test_nomem links the runtime's test build: the same sources compiled
# with -DPIPEC_FAULTS, whose allocations go through the test's hooks.
RT_FAULT_DIR := $(RT_TEST_DIR)/faults
RT_FAULT_OBJS := $(RUNTIME_SRC:runtime/%.c=$(RT_FAULT_DIR)/%.o)
RT_TEST_BINS += $(RT_TEST_DIR)/test_nomem

$(RT_FAULT_DIR)/%.o: runtime/%.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -DPIPEC_FAULTS -c $< -o $@

$(RT_TEST_DIR)/test_nomem.o: ALL_CFLAGS += -Iruntime
$(RT_TEST_DIR)/test_nomem: $(RT_TEST_DIR)/test_nomem.o \
		$(RT_TEST_DIR)/rt_test.o $(RT_FAULT_OBJS) $(O)/runtime/fcontext.o
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcmocka $(LDLIBS)

# ThreadSanitizer slows thread creation most: fewer runs keep the suite
# near a minute on two cores (an explicit setting in the environment wins).
RT_TEST_ENV :=
ifeq ($(VARIANT),tsan)
RT_TEST_ENV := PIPEC_TEST_RUNS=$${PIPEC_TEST_RUNS:-1000}
endif

.PHONY: test-runtime test-runtime-valgrind
TESTS += test-runtime

# Every rule holds in both scheduling modes: the suites run once with
# stages as coroutines (pool) and once with a thread each.
test-runtime: $(RT_TEST_BINS)
	$(Q)$(RT_TEST_ENV) PIPEC_SCHED=pool tests/runtime/run.sh \
		'$@ (pool)' $(RT_TEST_BINS)
	$(Q)$(RT_TEST_ENV) PIPEC_SCHED=threads tests/runtime/run.sh \
		'$@ (threads)' $(RT_TEST_BINS)

# Longer stress than test-runtime's fixed seeds: fresh seeds in both
# scheduling modes for STRESS_SECONDS (make stress VARIANT=tsan ...).
STRESS_SECONDS ?= 60
.PHONY: stress
stress: $(RT_TEST_DIR)/test_stress
	$(Q)tests/runtime/stress.sh $< $(STRESS_SECONDS)

# Symbol hygiene: the library defines pipec_ names only, and the shared
# library exports only those of pipec.h. The checker must also catch a
# stray name: it is run on an archive holding one, and must fail.
.PHONY: test-runtime-symbols
TESTS += test-runtime-symbols

test-runtime-symbols: $(RUNTIME_LIB) $(RUNTIME_SO)
	$(Q)CC="$(CC)" AR="$(AR)" tests/runtime/symbols.sh $(RT_TEST_DIR) \
		$(RUNTIME_LIB) $(RUNTIME_SO)

# The shared library works: the port tests, linked against it.
.PHONY: test-runtime-shared
TESTS += test-runtime-shared

$(RT_TEST_DIR)/test_port_shared: $(RT_TEST_DIR)/test_port.o \
		$(RT_TEST_DIR)/rt_test.o $(RUNTIME_SO) $(RUNTIME_SO_LINKS)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $(RT_TEST_DIR)/test_port.o \
		$(RT_TEST_DIR)/rt_test.o -L$(O) -lpipec -lcmocka $(LDLIBS)

test-runtime-shared: $(RT_TEST_DIR)/test_port_shared
	@echo "== $< (libpipec.so)"
	@LD_LIBRARY_PATH=$(O) $<

# The same programs under valgrind (memcheck, leaks are errors), scaled
# down: valgrind runs one thread at a time, so an endless source feeding
# an unbounded channel can fill gigabytes before the cancel gets to run
# (300 lifetime runs took minutes). The runs are seeded, so 20 are always
# the same 20; ASan and LSan run the full 2000.
VALGRIND_TESTS += test-runtime-valgrind

test-runtime-valgrind: $(RT_TEST_BINS)
	$(Q)PIPEC_TEST_SLOW=10 PIPEC_TEST_RUNS=20 PIPEC_STRESS_ITERS=30 \
		tests/runtime/run.sh $@ $(RT_TEST_BINS) -- $(VALGRIND)
