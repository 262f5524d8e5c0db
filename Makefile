# SPDX-License-Identifier: MIT
# pipec - top-level Makefile.
#
#   make            the runtime library, the compiler and the examples
#   make demo       build and run the seed pipeline (the main job)
#   make check      every test: plain, ASan+UBSan and TSan builds, valgrind
#   make bench      benchmarks, printed as a table
#   make help       every target and variable (V=1, CC, VARIANT, PREFIX...)
#
# Every part of the tree adds its rules in a fragment included below
# (runtime/runtime.mk, compiler/*.mk, examples/*/*.mk, tests/*/*.mk,
# bench/*.mk). A fragment builds into $(O) and adds the names of its test
# targets to TESTS (run in every build variant) and the targets that run
# programs under $(VALGRIND) to VALGRIND_TESTS (plain build only). Tests
# of code that runs no threads (the compiler's) skip the TSan build.
#
# Build variants: VARIANT=plain (default), asan (ASan+UBSan) or tsan. The
# default compiler's plain build goes to build/; any other build goes to
# build/<compiler>-<variant>/, so gcc, clang and the sanitizer builds never
# mix objects.

VARIANT ?= plain
CCNAME := $(notdir $(firstword $(CC)))

ifeq ($(VARIANT)-$(filter cc gcc,$(CCNAME)),plain-$(CCNAME))
O := build
else
O := build/$(CCNAME)-$(VARIANT)
endif

ifeq ($(VARIANT),plain)
VFLAGS := -O2 -g
else ifeq ($(VARIANT),asan)
VFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
else ifeq ($(VARIANT),tsan)
VFLAGS := -O1 -g -fsanitize=thread
else
$(error VARIANT must be plain, asan or tsan, not '$(VARIANT)')
endif
# valgrind 3.19 cannot read the DWARF 5 that clang 14 writes by default.
ifneq ($(filter clang%,$(CCNAME)),)
VFLAGS += -gdwarf-4
endif

# Quiet output: one line per step ("  CC     build/runtime/chan.o"); V=1
# shows the commands instead. A recipe line starts with $(QUIET_CC) (or
# $(QUIET_LD), ...) for a step that makes a file, $(call say,WHAT,ARGS) for
# another step, or $(Q) where the command's own output says enough (a test
# script's summary); $(call run,COMMAND) shows and runs a demo.
ifeq ($(V),1)
Q :=
say :=
else
Q := @
say = @printf '  %-6s %s\n' '$1' '$2';
endif
QUIET_CC = $(call say,CC,$@)
QUIET_LD = $(call say,LD,$@)
QUIET_AR = $(call say,AR,$@)
QUIET_RE2C = $(call say,RE2C,$@)
QUIET_LEMON = $(call say,LEMON,$(basename $@).c)
PIPEC_QUIET = $(call say,PIPEC,$1)
run = $(call say,RUN,$1)$1

WARN := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes
CFLAGS ?=
LDFLAGS ?=
ALL_CFLAGS := -std=c11 $(WARN) $(VFLAGS) -MMD -MP $(CFLAGS)
ALL_LDFLAGS := $(VFLAGS) $(LDFLAGS)
LDLIBS := -pthread

# The Debian packages the goals need, by group (scripts/ensure-deps
# installs them as root; otherwise it names the apt-get line and make
# stops): re2c, lemon and $(CC) to build; cmocka, valgrind, clang, g++
# and clang-format for the tests (and cmake, ninja, pkg-config and groff);
# the Go and Rust toolchains for bench; clang-format to format. clean,
# help and uninstall need nothing. Checked once, not again when make
# restarts after regenerating a dependency file.
GOALS := $(or $(MAKECMDGOALS),all)
NO_BUILD_GOALS := clean help format format-check uninstall
DEPS := $(strip \
	$(if $(filter-out $(NO_BUILD_GOALS),$(GOALS)),build) \
	$(if $(filter check test test-% valgrind-% stress fuzz,$(GOALS)),check) \
	$(if $(filter bench,$(GOALS)),bench) \
	$(if $(filter format format-check,$(GOALS)),format))
ifneq ($(DEPS),)
ifndef MAKE_RESTARTS
ifneq ($(shell CC='$(CC)' scripts/ensure-deps $(DEPS) >&2 && echo ok),ok)
$(error missing packages (see the line above))
endif
endif
endif

.DEFAULT_GOAL := all
.PHONY: all check test demo bench fuzz clean format format-check help

# Filled in by the fragments.
ALL :=
TESTS :=
VALGRIND_TESTS :=
# The examples that can be run (demo-NAME), and the one `make demo` runs.
DEMOS :=
DEMO := handwritten

# --fair-sched=yes: valgrind runs one thread at a time, and by default
# hands the CPU to whichever thread grabs it first; the pool's workers spin
# with sched_yield before they sleep, and could keep it among themselves:
# the lifetime test's three runs at once took 2 s in some runs and over
# 400 s in others, 2 s in every run with the fair hand-over.
VALGRIND := valgrind -q --fair-sched=yes --error-exitcode=99 \
	--leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all

# One rule compiles every C file of the tree into $(O), another every C
# file generated into $(O).
$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c $< -o $@
$(O)/%.o: $(O)/%.c
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c $< -o $@

# The rules that run pipec on .pipe files (the examples, the end-to-end
# tests, the benchmark): $(call pipec_generate,OUT,FILE.pipe,FLAGS), the
# same file users include (docs/compiler.md). A new pipec regenerates all.
include mk/pipec.mk
PIPEC_DEPS = $(PIPEC)
PIPEC_SKIP_GOALS := $(NO_BUILD_GOALS)

include runtime/runtime.mk
include $(wildcard compiler/*.mk)
include $(wildcard examples/*.mk examples/*/*.mk)
include $(wildcard tests/*.mk tests/*/*.mk)
include $(wildcard bench/*.mk)

all: $(ALL)

demo: demo-$(DEMO)

# Tests of the current variant (make VARIANT=asan test).
test: $(TESTS)

# Everything: the three variants, then the examples under valgrind. Each
# phase says when it starts; the last line says that all passed (or the
# phase printed last failed).
check:
	@echo "== make check: plain build"
	$(Q)$(MAKE) --no-print-directory VARIANT=plain test
	@echo "== make check: asan (ASan+UBSan build)"
	$(Q)$(MAKE) --no-print-directory VARIANT=asan test
	@echo "== make check: tsan (TSan build)"
	$(Q)$(MAKE) --no-print-directory VARIANT=tsan test
	@echo "== make check: valgrind (plain build)"
	$(Q)$(MAKE) --no-print-directory VARIANT=plain test-valgrind
	@echo "== make check: all passed (plain, asan, tsan, valgrind)"

.PHONY: test-valgrind
test-valgrind: $(VALGRIND_TESTS)

# make install and make uninstall (DESTDIR, PREFIX, BINDIR, ...).
include dist/install.mk

format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h')

# Fails, naming them, when tracked C files differ from clang-format's
# output (.ci/run runs it).
format-check:
	$(Q)scripts/format-check

clean:
	$(call say,CLEAN,build)rm -rf build

# Every target and variable. The test lists come from the fragments.
help:
	@printf '%s\n' \
	'usage: make [TARGET...] [VARIABLE=VALUE...]' \
	'' \
	'Targets:' \
	'  all            the runtime library, pipec and the examples' \
	'  demo           build and run the seed pipeline (demo-$(DEMO))' \
	'  check          every test: plain, ASan+UBSan and TSan builds, then' \
	'                 valgrind (5 minutes or more)' \
	'  test           every test suite of one variant (VARIANT=...)' \
	'  test-valgrind  the suites that run under valgrind' \
	'  bench          benchmarks, beside the Go and Rust peers (PEERS):' \
	'                 one table (docs/performance.md)' \
	'  stress         random pipelines with fresh seeds in both scheduling' \
	'                 modes for STRESS_SECONDS (60; VARIANT=tsan, asan)' \
	'  fuzz           the compiler under libFuzzer, FUZZ_SECONDS per target' \
	'                 (docs/reliability.md)' \
	'  test-libfuzzer, test-nomem-compiler, test-nomem-programs' \
	'                 libFuzzer replay and smoke run (in make test of the' \
	'                 plain build), out-of-memory sweeps (asan build)' \
	'  install        the variant built: pipec, libpipec.a and .so, pipec.h,' \
	'                 pipec.pc, the CMake package, pipec.mk, the man pages,' \
	'                 the vim files and bash completion (docs/install.md)' \
	'  uninstall      remove what install put there, and the directories' \
	'                 it made if they are empty (same variables)' \
	'  format         clang-format every C file git tracks' \
	'  format-check   fail, naming them, where clang-format would change' \
	'                 a file' \
	'  clean          remove build/ (every variant)' \
	'  help           this text' \
	'  diagnostics-update, golden-update' \
	'                 rewrite those tests'"'"' expected files from what' \
	'                 pipec prints now (review the diff)' \
	'' \
	'Examples to run:'
	@printf '  %-24s %-24s %s\n' $(sort $(DEMOS:%=demo-%))
	@printf '%s\n' '' 'Test suites (make test runs them all):'
	@printf '  %-24s %-24s %s\n' $(sort $(TESTS))
	@printf '%s\n' '' 'Under valgrind (make test-valgrind runs them all):'
	@printf '  %-24s %-24s %s\n' $(sort $(VALGRIND_TESTS))
	@printf '%s\n' \
	'' \
	'Variables:' \
	'  CC=gcc|clang   the C compiler (default cc: gcc)' \
	'  VARIANT=plain|asan|tsan' \
	'                 -O2; ASan+UBSan; TSan. The default plain gcc build' \
	'                 goes to build/, any other to build/CC-VARIANT/' \
	'  V=1            show each command instead of one line per step' \
	'  CFLAGS, LDFLAGS  more flags for the compiler, for the linker' \
	'  PREFIX         make install: where to (default /usr/local)' \
	'  BINDIR, LIBDIR, INCLUDEDIR, DATADIR' \
	'                 make install: PREFIX/bin, lib, include and share' \
	'  MANDIR         make install: the man pages (default DATADIR/man)' \
	'  DESTDIR        make install: a staging directory put before PREFIX' \
	'                 (the installed files name the paths without it)' \
	'  INSTALL_STRIP  make install: -s strips pipec (default); empty' \
	'                 keeps its symbols' \
	'  LDCONFIG       run after make install without DESTDIR (default' \
	'                 ldconfig; empty: not run)' \
	'  FUZZ_SECONDS   make fuzz: seconds per target (default 60)' \
	'  FUZZ_CORPUS    make fuzz: where the corpora grow (default' \
	'                 build/fuzz/corpus)' \
	'  FUZZ_TARGETS   make fuzz: compile, cc or both (default)' \
	'  STRESS_SECONDS make stress: how long (default 60)' \
	'  PEERS          make bench: the folder of the Go and Rust peer' \
	'                 programs (default ../shared/bench/peers)' \
	'  QUICK=1        make bench: the quick run, about two minutes' \
	'  CHAIN_N        make bench: stages of the chain benchmark (default' \
	'                 10000; 1000 with QUICK=1)' \
	'' \
	'In the environment:' \
	'  FUZZ_SEED, FUZZ_COUNT      test-fuzz: another set of mutations' \
	'  FUZZ_SMOKE_SEED            test-libfuzzer: the seed of its 10 s run' \
	'  PIPEC_FUZZ_CC              the compilers fuzz_cc runs (default cc)' \
	'  NOMEM_STRIDE=K             test-nomem-*: fail every Kth' \
	'                             allocation (default 3; 1: all)' \
	'  PIPEC_TEST_RUNS, PIPEC_STRESS_ITERS, PIPEC_STRESS_SEED,' \
	'  PIPEC_TEST_SLOW            the runtime tests: sizes, seed, time' \
	'                             limits (tests/runtime/runtime-tests.mk)' \
	'  RUNS, K, N, WS, CAPS, MODES, LAT_RUNS, CHAIN_M, COMPILE_CC_10K, ...' \
	'                             make bench: see bench/run.sh and' \
	'                             docs/performance.md' \
	'' \
	'This build (CC=$(CC) VARIANT=$(VARIANT)) goes to $(O)/.'

# The compiler's dependency files (-MMD); pipec's are read by mk/pipec.mk.
-include $(shell find $(O) -name '*.d' ! -name '*.pipe.d' 2>/dev/null)
