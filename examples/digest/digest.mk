# SPDX-License-Identifier: MIT
# examples/digest - SHA-256 of every file under a folder, sorted by path
# (sha256sum's output): walk -> hash * workers -> collect, a stage failure
# that cancels the run, an extern stage (digest_walk.c). SHA-256 is
# nettle's (Debian package nettle-dev).

DIGEST_DIR := $(O)/examples/digest
DIGEST := $(DIGEST_DIR)/digest
ALL += $(DIGEST)

$(call pipec_generate,$(DIGEST_DIR)/digest,examples/digest/digest.pipe,\
	--main --dot=$(DIGEST_DIR)/digest.dot)

# The files of our own include the generated header.
$(DIGEST_DIR)/digest_walk.o: $(DIGEST_DIR)/digest.h
$(DIGEST_DIR)/digest.o $(DIGEST_DIR)/digest_walk.o: \
	private ALL_CFLAGS += -I$(DIGEST_DIR) -Iruntime

$(DIGEST): $(DIGEST_DIR)/digest.o $(DIGEST_DIR)/digest_walk.o $(RUNTIME_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@ $^ -lnettle $(LDLIBS)

.PHONY: test-digest valgrind-digest
TESTS += test-digest
test-digest: $(DIGEST)
	$(Q)examples/digest/test.sh $(DIGEST)

VALGRIND_TESTS += valgrind-digest
valgrind-digest: $(DIGEST)
	$(Q)examples/digest/test.sh $(DIGEST) $(VALGRIND)
