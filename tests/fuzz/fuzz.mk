# SPDX-License-Identifier: MIT
# tests/fuzz/fuzz.mk - the compiler under fuzzing (docs/reliability.md).
#
#   make fuzz [FUZZ_SECONDS=N] [FUZZ_CORPUS=DIR] [FUZZ_TARGETS=...]
#       runs each libFuzzer target (FUZZ_TARGETS: compile cc) for N
#       seconds (default 60), one after the other, at the lowest priority,
#       growing its corpus in DIR/compile and DIR/cc (default
#       build/fuzz/corpus, outside the tree); what it finds goes to
#       build/fuzz/artifacts/
#   make test-libfuzzer  (make check, plain build only)
#       replays the seeds and tests/regress/ through fuzz_compile, fuzzes
#       for 10 s, and replays a few inputs through fuzz_cc
#   make test-fuzz       (make check, plain and asan builds)
#       pipec itself on deterministic mutations of the valid .pipe files:
#       exit status 0 or 1, no output left after an error (fuzz.sh)
#
# The libFuzzer targets are built with clang, ASan and UBSan whatever the
# VARIANT, in build/fuzz/: fuzz_compile (lex, parse, check, emit: any
# crash, leak, hang or inconsistency) and fuzz_cc (the generated C of
# every input the checks accept must compile without a warning). Their
# seeds are every .pipe file under examples/ and tests/, collected here,
# and their dictionary tests/fuzz/pipe.dict. FUZZ_SEED=N FUZZ_COUNT=N
# (environment) give test-fuzz another set of mutations.

# ---- the mutation test of pipec ----

FUZZ_MUTATE := $(O)/tests/fuzz/mutate

# The compiler runs no threads: nothing for TSan to see here.
ifneq ($(VARIANT),tsan)
TESTS += test-fuzz
endif
.PHONY: test-fuzz fuzz test-libfuzzer

$(FUZZ_MUTATE): $(O)/tests/fuzz/mutate.o
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

test-fuzz: $(PIPEC) $(FUZZ_MUTATE)
	$(Q)sh tests/fuzz/fuzz.sh $(PIPEC) $(FUZZ_MUTATE) $(O)/fuzz-failures

# ---- the libFuzzer targets ----

FUZZ_O := build/fuzz
FUZZ_CC := clang
FUZZ_SECONDS ?= 60
FUZZ_CORPUS ?= $(FUZZ_O)/corpus
FUZZ_TARGETS ?= compile cc
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -std=c11 $(WARN) -g -O1 -fno-omit-frame-pointer \
	$(FUZZ_SAN) -MMD -MP
FUZZ_COMPILE := $(FUZZ_O)/fuzz_compile
FUZZ_CCBIN := $(FUZZ_O)/fuzz_cc
FUZZ_SEEDS := $(FUZZ_O)/seeds
FUZZ_IMPORTS := $(FUZZ_O)/imports
# The files the seeds import, as their imports name them.
FUZZ_IMPORT_FILES := messages.pipe=tests/cxx/messages.pipe \
	msgs.pipe=tests/installed/project/msgs.pipe \
	imports=tests/diagnostics/imports
FUZZ_SEED_FILES := $(shell find examples tests -name '*.pipe' | LC_ALL=C sort)
FUZZ_ENV := PIPEC_FUZZ_IMPORTS=$(FUZZ_IMPORTS) \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1
FUZZ_FLAGS := -dict=tests/fuzz/pipe.dict -print_final_stats=1

# Every object is built twice: in cov/, instrumented for libFuzzer's
# coverage, and in nocov/, not. fuzz_compile is guided by the coverage of
# the whole compiler; fuzz_cc only by that of the emitters (and of its own
# replacement of the C), so that its corpus keeps inputs that the checks
# accept and that generate something new, not the many ways to get a
# lexical error.
FUZZ_LIB := $(patsubst compiler/%.c,%.o,\
	$(filter-out compiler/main.c,$(COMPILER_SRC))) gen/lexer.o gen/parser.o
FUZZ_CC_COV := $(patsubst compiler/%.c,%.o,\
	$(wildcard compiler/emit_*.c)) gen_names.o util.o
FUZZ_COMPILE_OBJ := $(addprefix $(FUZZ_O)/cov/,$(FUZZ_LIB) harness.o \
	fuzz_compile.o)
FUZZ_CC_OBJ := $(addprefix $(FUZZ_O)/cov/,$(FUZZ_CC_COV) fuzz_cc.o) \
	$(addprefix $(FUZZ_O)/nocov/,$(filter-out $(FUZZ_CC_COV),$(FUZZ_LIB)) \
	harness.o)
.SECONDARY: $(FUZZ_COMPILE_OBJ) $(FUZZ_CC_OBJ)

FUZZ_INC := $(COMPILER_INC) -DFUZZ_RUNTIME_INC='"$(abspath runtime)"'
# lemon's parser: see compiler/compiler.mk.
FUZZ_GEN_FLAGS := -Wno-unused-variable -Wno-unused-parameter

# The compiler's fopen is the harness's (tests/fuzz/harness.h); libFuzzer
# keeps its own, to write what it finds.
define fuzz_objects
$(FUZZ_O)/$1/%.o: compiler/%.c | $(COMPILER_GEN_DIR)/parser.h
	@mkdir -p $$(dir $$@)
	$$(QUIET_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) $2 $(FUZZ_INC) \
		-Dfopen=harness_fopen -c $$< -o $$@
$(FUZZ_O)/$1/%.o: tests/fuzz/%.c | $(COMPILER_GEN_DIR)/parser.h
	@mkdir -p $$(dir $$@)
	$$(QUIET_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) $2 $(FUZZ_INC) -c $$< -o $$@
$(FUZZ_O)/$1/gen/%.o: $(COMPILER_GEN_DIR)/%.c
	@mkdir -p $$(dir $$@)
	$$(QUIET_CC)$(FUZZ_CC) $(FUZZ_CFLAGS) $2 $(FUZZ_GEN_FLAGS) \
		$(FUZZ_INC) -c $$< -o $$@
endef
$(eval $(call fuzz_objects,cov,-fsanitize=fuzzer-no-link))
$(eval $(call fuzz_objects,nocov,))

$(FUZZ_COMPILE): $(FUZZ_COMPILE_OBJ)
$(FUZZ_CCBIN): $(FUZZ_CC_OBJ)
$(FUZZ_COMPILE) $(FUZZ_CCBIN):
	$(QUIET_LD)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^

# The seeds, each .pipe file of examples/ and tests/ under a name made of
# its path; and the files they import.
$(FUZZ_SEEDS)/.stamp: $(FUZZ_SEED_FILES)
	$(call say,COPY,$(FUZZ_SEEDS))rm -rf $(FUZZ_SEEDS) && \
		mkdir -p $(FUZZ_SEEDS) && \
		for f in $(FUZZ_SEED_FILES); do \
			cp "$$f" $(FUZZ_SEEDS)/"$$(echo "$$f" | tr / _)"; \
		done && touch $@
$(FUZZ_IMPORTS)/.stamp: $(shell find tests/cxx/messages.pipe \
		tests/installed/project/msgs.pipe tests/diagnostics/imports)
	$(call say,COPY,$(FUZZ_IMPORTS))rm -rf $(FUZZ_IMPORTS) && \
		mkdir -p $(FUZZ_IMPORTS) && \
		for m in $(FUZZ_IMPORT_FILES); do \
			cp -R "$${m#*=}" $(FUZZ_IMPORTS)/"$${m%%=*}"; \
		done && touch $@

FUZZ_READY := $(FUZZ_COMPILE) $(FUZZ_CCBIN) $(FUZZ_SEEDS)/.stamp \
	$(FUZZ_IMPORTS)/.stamp

fuzz: $(FUZZ_READY)
	$(Q)FUZZ_ENV="$(FUZZ_ENV)" FUZZ_FLAGS="$(FUZZ_FLAGS)" \
		sh tests/fuzz/libfuzzer.sh fuzz $(FUZZ_O) $(FUZZ_SECONDS) \
		$(FUZZ_CORPUS) $(FUZZ_TARGETS)

ifeq ($(VARIANT),plain)
TESTS += test-libfuzzer
endif
test-libfuzzer: $(FUZZ_READY)
	$(Q)FUZZ_ENV="$(FUZZ_ENV)" FUZZ_FLAGS="$(FUZZ_FLAGS)" \
		sh tests/fuzz/libfuzzer.sh check $(FUZZ_O) 10

# The top makefile reads build/'s dependency files, these included.
ifneq ($(O),build)
-include $(shell find $(FUZZ_O) -name '*.d' 2>/dev/null)
endif
