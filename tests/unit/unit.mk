# tests/unit/unit.mk - cmocka unit tests of the compiler's front end: the
# lexer, the parser and the checks, linked against $(O)/libpipecc.a.

UNIT_TESTS := lexer parser check
UNIT_BINS := $(UNIT_TESTS:%=$(O)/tests/unit/test_%)
UNIT_HELPERS := $(O)/tests/unit/helpers.o

TESTS += test-unit
.SECONDARY: $(UNIT_HELPERS) $(UNIT_BINS:%=%.o)
.PHONY: test-unit

$(O)/tests/unit/%.o: ALL_CFLAGS += $(COMPILER_INC)
$(O)/tests/unit/%.o: | $(COMPILER_GEN_DIR)/parser.h

$(O)/tests/unit/test_%: $(O)/tests/unit/test_%.o $(UNIT_HELPERS) \
		$(COMPILER_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcmocka $(LDLIBS)

test-unit: $(UNIT_BINS)
	@for t in $(UNIT_BINS); do echo "$$t"; $$t || exit 1; done
