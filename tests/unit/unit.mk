# tests/unit/unit.mk - cmocka unit tests of the compiler's front end: the
# lexer, the parser, the checks, the shared helpers and imports, linked against
# $(O)/libpipecc.a.

UNIT_TESTS := lexer parser check util import
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
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lcmocka $(LDLIBS)

test-unit: $(UNIT_BINS)
	@for t in $(UNIT_BINS); do echo "$$t"; $$t || exit 1; done

# Under valgrind (make check runs it in the plain build): the unit tests,
# and pipec on a valid file and on a broken one.
VALGRIND_TESTS += test-valgrind-compiler
.PHONY: test-valgrind-compiler
test-valgrind-compiler: $(UNIT_BINS) $(PIPEC)
	@for t in $(UNIT_BINS); do echo "valgrind $$t"; \
		$(VALGRIND) $$t >/dev/null || exit 1; done
	@mkdir -p $(O)/tests/unit/vg
	$(VALGRIND) $(PIPEC) -MD --dot $(O)/tests/unit/vg/g.dot \
		-o $(O)/tests/unit/vg/graph.c tests/fuzz/seeds/graph.pipe
	$(VALGRIND) $(PIPEC) -o $(O)/tests/unit/vg/x.c \
		tests/diagnostics/many-errors.pipe 2>/dev/null; \
		test $$? -eq 1
	@echo "valgrind: the unit tests and pipec are clean"
