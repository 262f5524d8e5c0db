# SPDX-License-Identifier: MIT
# examples/squares - the seed pipeline, compiled by pipec with --main.
#
#   $(O)/examples/squares/squares.c, .h   generated from squares.pipe
#   $(O)/examples/squares/squares.dot     its graph (dot -Tsvg)
#   $(O)/examples/squares/squares         the program (flags --limit,
#                                         --workers, --capacity, --stats...)

SQUARES_DIR := $(O)/examples/squares
SQUARES := $(SQUARES_DIR)/squares
ALL += $(SQUARES)
DEMOS += squares
DEMO := squares

$(call pipec_generate,$(SQUARES_DIR)/squares,examples/squares/squares.pipe,\
	--main --dot=$(SQUARES_DIR)/squares.dot)
$(SQUARES_DIR)/squares.o: private ALL_CFLAGS += -I$(SQUARES_DIR) -Iruntime

$(SQUARES): $(SQUARES_DIR)/squares.o $(RUNTIME_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: demo-squares test-squares valgrind-squares
demo-squares: $(SQUARES)
	$(call run,$(SQUARES) --stats)

# The output with one worker and with three, at several capacities, and
# the statistics (examples/squares/test.sh).
TESTS += test-squares
test-squares: $(SQUARES)
	$(Q)examples/squares/test.sh $(SQUARES)

VALGRIND_TESTS += valgrind-squares
valgrind-squares: $(SQUARES)
	$(Q)$(VALGRIND) $(SQUARES) --limit 100000 --capacity 4 >/dev/null
	$(Q)$(VALGRIND) $(SQUARES) --workers 4 --capacity 0 --limit 10000 \
		>/dev/null
	@echo "valgrind-squares: 2 passed, 0 failed"
