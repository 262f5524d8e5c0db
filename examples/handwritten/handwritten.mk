# SPDX-License-Identifier: MIT
# examples/handwritten - the seed pipeline written by hand against the
# runtime API (no compiler).

HANDWRITTEN := $(O)/examples/handwritten/seed
ALL += $(HANDWRITTEN)
DEMOS += handwritten

$(HANDWRITTEN): $(O)/examples/handwritten/seed.o $(RUNTIME_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/examples/handwritten/seed.o: ALL_CFLAGS += -Iruntime

.PHONY: demo-handwritten test-handwritten valgrind-handwritten
demo-handwritten: $(HANDWRITTEN)
	$(call run,$(HANDWRITTEN) --limit 1000 --workers 2 --capacity 16)

# The output with one worker and with three, at several capacities
# (examples/handwritten/test.sh).
TESTS += test-handwritten
test-handwritten: $(HANDWRITTEN)
	$(Q)examples/handwritten/test.sh $(HANDWRITTEN)

VALGRIND_TESTS += valgrind-handwritten
valgrind-handwritten: $(HANDWRITTEN)
	$(Q)$(VALGRIND) $(HANDWRITTEN) --limit 100000 --capacity 4 --quiet
	@echo "valgrind-handwritten: 1 passed, 0 failed"
