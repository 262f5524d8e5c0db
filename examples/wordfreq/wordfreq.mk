# SPDX-License-Identifier: MIT
# examples/wordfreq - word frequencies: owned payloads, broadcast, fan-out,
# fan-in, select and an extern stage (wordfreq_count.c).

WORDFREQ_DIR := $(O)/examples/wordfreq
WORDFREQ := $(WORDFREQ_DIR)/wordfreq
ALL += $(WORDFREQ)

$(call pipec_generate,$(WORDFREQ_DIR)/wordfreq,\
	examples/wordfreq/wordfreq.pipe,\
	--main --dot=$(WORDFREQ_DIR)/wordfreq.dot)

# The extern stage, in a file of its own, includes the generated header.
$(WORDFREQ_DIR)/wordfreq_count.o: $(WORDFREQ_DIR)/wordfreq.h
$(WORDFREQ_DIR)/wordfreq.o $(WORDFREQ_DIR)/wordfreq_count.o: \
	private ALL_CFLAGS += -I$(WORDFREQ_DIR) -Iruntime

$(WORDFREQ): $(WORDFREQ_DIR)/wordfreq.o $(WORDFREQ_DIR)/wordfreq_count.o \
		$(RUNTIME_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# The output must not depend on the number of workers or the capacities
# (examples/wordfreq/test.sh).
.PHONY: test-wordfreq valgrind-wordfreq
TESTS += test-wordfreq
test-wordfreq: $(WORDFREQ)
	$(Q)examples/wordfreq/test.sh $(WORDFREQ)

VALGRIND_TESTS += valgrind-wordfreq
valgrind-wordfreq: $(WORDFREQ)
	$(Q)$(VALGRIND) $(WORDFREQ) --top 8 < examples/wordfreq/sample.txt \
		> /dev/null
	$(Q)$(VALGRIND) $(WORDFREQ) --top 3 --workers 1 --capacity 0 \
		< examples/wordfreq/sample.txt > /dev/null
	@echo "valgrind-wordfreq: 2 passed, 0 failed"
