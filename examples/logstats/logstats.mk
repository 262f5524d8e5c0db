# SPDX-License-Identifier: MIT
# examples/logstats - a report on a log: a reader broadcasts every line to
# two branches of replicated workers (copy hook), whose counts a report
# stage receives with a select and prints only when both inputs ended.

LOGSTATS_DIR := $(O)/examples/logstats
LOGSTATS := $(LOGSTATS_DIR)/logstats
ALL += $(LOGSTATS)

$(call pipec_generate,$(LOGSTATS_DIR)/logstats,examples/logstats/logstats.pipe,\
	--main --dot=$(LOGSTATS_DIR)/logstats.dot)
$(LOGSTATS_DIR)/logstats.o: \
	private ALL_CFLAGS += -I$(LOGSTATS_DIR) -Iruntime

$(LOGSTATS): $(LOGSTATS_DIR)/logstats.o $(RUNTIME_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: test-logstats valgrind-logstats
TESTS += test-logstats
test-logstats: $(LOGSTATS)
	$(Q)examples/logstats/test.sh $(LOGSTATS)

VALGRIND_TESTS += valgrind-logstats
valgrind-logstats: $(LOGSTATS)
	$(Q)examples/logstats/test.sh $(LOGSTATS) $(VALGRIND)
