# SPDX-License-Identifier: MIT
# tests/e2e - end-to-end tests: each tests/e2e/NAME.pipe is compiled by
# $(PIPEC) (options from its first line, "// pipec: --main"), built with
# $(CC) $(ALL_CFLAGS) (so under ASan+UBSan or TSan in those variants),
# together with tests/e2e/NAME.c when there is one (an extern stage or a
# main of its own), and run by tests/e2e/run.sh, which checks output and
# exit status. In the plain variant every program is also built with the
# other compiler (gcc and clang, -Werror both ways) and run again.

E2E_DIR := $(O)/tests/e2e
E2E_NAMES := $(sort $(basename $(notdir $(wildcard tests/e2e/*.pipe))))
E2E_PROGS := $(foreach n,$(E2E_NAMES),$(E2E_DIR)/$(n)/$(n))
E2E_OTHER_CC := $(if $(filter clang%,$(CCNAME)),gcc,clang)
E2E_OTHER_CFLAGS := -std=c11 $(WARN) -O2 -g

# Each program's C, with the options on the first line of its .pipe file.
E2E_FLAGS = $(shell sed -n '1s|^// pipec:||p' tests/e2e/$(1).pipe)
$(foreach n,$(E2E_NAMES),$(call pipec_generate,$(E2E_DIR)/$(n)/$(n),\
	tests/e2e/$(n).pipe,$(call E2E_FLAGS,$(n))))

# The rules of one program; $(1) is its name.
define E2E_PROGRAM
$(E2E_DIR)/$(1)/$(1).o: private ALL_CFLAGS += -I$(E2E_DIR)/$(1) -Iruntime
$(E2E_DIR)/$(1)/$(1).other.o: $(E2E_DIR)/$(1)/$(1).c $(E2E_DIR)/$(1)/$(1).h
	$$(QUIET_CC)$(E2E_OTHER_CC) $(E2E_OTHER_CFLAGS) -I$(E2E_DIR)/$(1) \
		-Iruntime -c $$< -o $$@

E2E_USER_$(1) := $(if $(wildcard tests/e2e/$(1).c),$(E2E_DIR)/$(1).o)
$(E2E_DIR)/$(1).o: $(E2E_DIR)/$(1)/$(1).h
$(E2E_DIR)/$(1).o: private ALL_CFLAGS += -I$(E2E_DIR)/$(1) -Iruntime
$(E2E_DIR)/$(1).other.o: tests/e2e/$(1).c $(E2E_DIR)/$(1)/$(1).h
	$$(QUIET_CC)$(E2E_OTHER_CC) $(E2E_OTHER_CFLAGS) -I$(E2E_DIR)/$(1) \
		-Iruntime -c $$< -o $$@

$(E2E_DIR)/$(1)/$(1): $(E2E_DIR)/$(1)/$(1).o $$(E2E_USER_$(1)) $(RUNTIME_LIB)
	$$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $$@ $$^ $(LDLIBS)
$(E2E_DIR)/$(1)/$(1).other: $(E2E_DIR)/$(1)/$(1).other.o \
		$$(E2E_USER_$(1):%.o=%.other.o) $(RUNTIME_LIB)
	$$(QUIET_LD)$(E2E_OTHER_CC) -O2 -g -o $$@ $$^ $(LDLIBS)
endef
$(foreach n,$(E2E_NAMES),$(eval $(call E2E_PROGRAM,$(n))))

.PHONY: test-e2e valgrind-e2e
TESTS += test-e2e
ifeq ($(VARIANT),plain)
test-e2e: $(E2E_PROGS) $(E2E_PROGS:%=%.other)
	$(Q)PIPEC_E2E_VARIANT=$(VARIANT) PIPEC_SCHED=pool tests/e2e/run.sh $(E2E_DIR) ""
	$(Q)PIPEC_E2E_VARIANT=$(VARIANT) PIPEC_SCHED=threads tests/e2e/run.sh $(E2E_DIR) ""
	$(Q)tests/e2e/run.sh $(E2E_DIR) .other
else
test-e2e: $(E2E_PROGS)
	$(Q)PIPEC_E2E_VARIANT=$(VARIANT) PIPEC_SCHED=pool tests/e2e/run.sh $(E2E_DIR) ""
	$(Q)PIPEC_E2E_VARIANT=$(VARIANT) PIPEC_SCHED=threads tests/e2e/run.sh $(E2E_DIR) ""
endif

VALGRIND_TESTS += valgrind-e2e
valgrind-e2e: $(E2E_PROGS)
	$(Q)tests/e2e/run.sh $(E2E_DIR) "" $(VALGRIND)

# Errors in the C of a .pipe file point into the .pipe file (#line), or
# into the generated file with --no-line.
.PHONY: test-e2e-lines
TESTS += test-e2e-lines
test-e2e-lines: $(PIPEC)
	$(Q)tests/e2e/lines/run.sh $(abspath $(PIPEC)) $(E2E_DIR)/lines \
		$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -Iruntime
