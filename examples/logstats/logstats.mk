# examples/logstats - a report on a log: a reader broadcasts every line to
# two branches of replicated workers (copy hook), whose counts a report
# stage receives with a select and prints only when both inputs ended.

LOGSTATS_DIR := $(O)/examples/logstats
LOGSTATS := $(LOGSTATS_DIR)/logstats
ALL += $(LOGSTATS)

# pipec leaves an unchanged header alone: the .c file stands for the run.
$(LOGSTATS_DIR)/logstats.h: $(LOGSTATS_DIR)/logstats.c ;
$(LOGSTATS_DIR)/logstats.c: examples/logstats/logstats.pipe $(PIPEC)
	@mkdir -p $(LOGSTATS_DIR)
	$(PIPEC) --main -o $@ -H $(LOGSTATS_DIR)/logstats.h \
		--dot=$(LOGSTATS_DIR)/logstats.dot $<

$(LOGSTATS_DIR)/logstats.o: $(LOGSTATS_DIR)/logstats.c \
		$(LOGSTATS_DIR)/logstats.h
	$(CC) $(ALL_CFLAGS) -I$(LOGSTATS_DIR) -Iruntime -c $< -o $@

$(LOGSTATS): $(LOGSTATS_DIR)/logstats.o $(RUNTIME_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: test-logstats valgrind-logstats
TESTS += test-logstats
test-logstats: $(LOGSTATS)
	@examples/logstats/test.sh $(LOGSTATS)

VALGRIND_TESTS += valgrind-logstats
valgrind-logstats: $(LOGSTATS)
	@examples/logstats/test.sh $(LOGSTATS) $(VALGRIND)
