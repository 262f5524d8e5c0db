# SPDX-License-Identifier: MIT
# examples/pgrep - a parallel grep with early stop: a walker, match
# workers that read files themselves, a printer whose return (--max)
# cancels the rest; an extern stage (pgrep_walk.c) and a main of its own
# (pgrep_main.c), since grep's command line takes plain arguments.

PGREP_DIR := $(O)/examples/pgrep
PGREP := $(PGREP_DIR)/pgrep
ALL += $(PGREP)

$(call pipec_generate,$(PGREP_DIR)/pgrep,examples/pgrep/pgrep.pipe,\
	--dot=$(PGREP_DIR)/pgrep.dot)

# The files of our own include the generated header.
$(PGREP_DIR)/pgrep_walk.o $(PGREP_DIR)/pgrep_main.o: $(PGREP_DIR)/pgrep.h
$(PGREP_DIR)/pgrep.o $(PGREP_DIR)/pgrep_walk.o $(PGREP_DIR)/pgrep_main.o: \
	private ALL_CFLAGS += -I$(PGREP_DIR) -Iruntime

$(PGREP): $(PGREP_DIR)/pgrep.o $(PGREP_DIR)/pgrep_walk.o $(PGREP_DIR)/pgrep_main.o $(RUNTIME_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: test-pgrep valgrind-pgrep
TESTS += test-pgrep
test-pgrep: $(PGREP)
	$(Q)examples/pgrep/test.sh $(PGREP)

VALGRIND_TESTS += valgrind-pgrep
valgrind-pgrep: $(PGREP)
	$(Q)examples/pgrep/test.sh $(PGREP) $(VALGRIND)
