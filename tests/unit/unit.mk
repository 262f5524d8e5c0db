# SPDX-License-Identifier: MIT
# tests/unit/unit.mk - cmocka unit tests of the compiler's front end: the
# lexer, the parser, the checks, the shared helpers and imports, linked against
# $(O)/libpipecc.a.

UNIT_TESTS := lexer parser check util import emit
UNIT_BINS := $(UNIT_TESTS:%=$(O)/tests/unit/test_%)
UNIT_HELPERS := $(O)/tests/unit/helpers.o

# The compiler runs no threads: nothing for TSan to see here.
ifneq ($(VARIANT),tsan)
TESTS += test-unit
endif
.SECONDARY: $(UNIT_HELPERS) $(UNIT_BINS:%=%.o)
.PHONY: test-unit

$(O)/tests/unit/%.o: ALL_CFLAGS += $(COMPILER_INC)
$(O)/tests/unit/%.o: | $(COMPILER_GEN_DIR)/parser.h

$(O)/tests/unit/test_%: $(O)/tests/unit/test_%.o $(UNIT_HELPERS) \
		$(COMPILER_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcmocka $(LDLIBS)

test-unit: $(UNIT_BINS)
	$(Q)tests/unit/run.sh $(UNIT_BINS)

# Under valgrind (make check runs it in the plain build): the unit tests,
# and pipec on a valid file and on a broken one.
VALGRIND_TESTS += test-valgrind-compiler
.PHONY: test-valgrind-compiler
test-valgrind-compiler: $(UNIT_BINS) $(PIPEC)
	@WRAP="$(VALGRIND)" tests/unit/run.sh $(UNIT_BINS)
	$(Q)tests/unit/valgrind-pipec.sh $(PIPEC) $(O)/tests/unit $(VALGRIND)
