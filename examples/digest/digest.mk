# examples/digest - SHA-256 of every file under a folder, sorted by path
# (sha256sum's output): walk -> hash * workers -> collect, a stage failure
# that cancels the run, an extern stage (digest_walk.c). SHA-256 is
# nettle's (Debian package nettle-dev).

DIGEST_DIR := $(O)/examples/digest
DIGEST := $(DIGEST_DIR)/digest
ALL += $(DIGEST)

# pipec leaves an unchanged header alone: the .c file stands for the run.
$(DIGEST_DIR)/digest.h: $(DIGEST_DIR)/digest.c ;
$(DIGEST_DIR)/digest.c: examples/digest/digest.pipe $(PIPEC)
	@mkdir -p $(DIGEST_DIR)
	$(PIPEC) --main -o $@ -H $(DIGEST_DIR)/digest.h \
		--dot=$(DIGEST_DIR)/digest.dot $<

$(DIGEST_DIR)/digest.o: $(DIGEST_DIR)/digest.c $(DIGEST_DIR)/digest.h
	$(CC) $(ALL_CFLAGS) -I$(DIGEST_DIR) -Iruntime -c $< -o $@

$(O)/examples/digest/digest_walk.o: $(DIGEST_DIR)/digest.h
$(O)/examples/digest/digest_walk.o: ALL_CFLAGS += -I$(DIGEST_DIR) -Iruntime

$(DIGEST): $(DIGEST_DIR)/digest.o $(O)/examples/digest/digest_walk.o \
		$(RUNTIME_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -lnettle $(LDLIBS)

.PHONY: test-digest valgrind-digest
TESTS += test-digest
test-digest: $(DIGEST)
	@examples/digest/test.sh $(DIGEST)

VALGRIND_TESTS += valgrind-digest
valgrind-digest: $(DIGEST)
	@examples/digest/test.sh $(DIGEST) $(VALGRIND)
