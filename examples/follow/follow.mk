# SPDX-License-Identifier: MIT
# examples/follow - a small grep whose input stage waits for stdin with
# pipec_wait_fd(), so it stops at once when cancelled.

FOLLOW_DIR := $(O)/examples/follow
FOLLOW := $(FOLLOW_DIR)/follow
ALL += $(FOLLOW)

$(call pipec_generate,$(FOLLOW_DIR)/follow,examples/follow/follow.pipe,\
	--main --dot=$(FOLLOW_DIR)/follow.dot)
$(FOLLOW_DIR)/follow.o: private ALL_CFLAGS += -I$(FOLLOW_DIR) -Iruntime

$(FOLLOW): $(FOLLOW_DIR)/follow.o $(RUNTIME_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: test-follow valgrind-follow
TESTS += test-follow
test-follow: $(FOLLOW)
	$(Q)examples/follow/test.sh $(FOLLOW)

VALGRIND_TESTS += valgrind-follow
valgrind-follow: $(FOLLOW)
	$(Q)examples/follow/test.sh $(FOLLOW) $(VALGRIND)
