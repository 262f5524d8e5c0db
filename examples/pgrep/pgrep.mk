# examples/pgrep - a parallel grep with early stop: a walker, match
# workers that read files themselves, a printer whose return (--max)
# cancels the rest; an extern stage (pgrep_walk.c) and a main of its own
# (pgrep_main.c), since grep's command line takes plain arguments.

PGREP_DIR := $(O)/examples/pgrep
PGREP := $(PGREP_DIR)/pgrep
ALL += $(PGREP)

# pipec leaves an unchanged header alone: the .c file stands for the run.
$(PGREP_DIR)/pgrep.h: $(PGREP_DIR)/pgrep.c ;
$(PGREP_DIR)/pgrep.c: examples/pgrep/pgrep.pipe $(PIPEC)
	@mkdir -p $(PGREP_DIR)
	$(PIPEC) -o $@ -H $(PGREP_DIR)/pgrep.h \
		--dot=$(PGREP_DIR)/pgrep.dot $<

$(PGREP_DIR)/pgrep.o: $(PGREP_DIR)/pgrep.c $(PGREP_DIR)/pgrep.h
	$(CC) $(ALL_CFLAGS) -I$(PGREP_DIR) -Iruntime -c $< -o $@

$(O)/examples/pgrep/pgrep_walk.o $(O)/examples/pgrep/pgrep_main.o: \
	$(PGREP_DIR)/pgrep.h
$(O)/examples/pgrep/pgrep_walk.o $(O)/examples/pgrep/pgrep_main.o: \
	ALL_CFLAGS += -I$(PGREP_DIR) -Iruntime

$(PGREP): $(PGREP_DIR)/pgrep.o $(O)/examples/pgrep/pgrep_walk.o \
		$(O)/examples/pgrep/pgrep_main.o $(RUNTIME_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: test-pgrep valgrind-pgrep
TESTS += test-pgrep
test-pgrep: $(PGREP)
	@examples/pgrep/test.sh $(PGREP)

VALGRIND_TESTS += valgrind-pgrep
valgrind-pgrep: $(PGREP)
	@examples/pgrep/test.sh $(PGREP) $(VALGRIND)
