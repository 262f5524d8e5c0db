# examples/follow - a small grep whose input stage blocks in poll() on
# stdin and on its cancel fd, so it stops at once when cancelled.

FOLLOW_DIR := $(O)/examples/follow
FOLLOW := $(FOLLOW_DIR)/follow
ALL += $(FOLLOW)

# pipec leaves an unchanged header alone: the .c file stands for the run.
$(FOLLOW_DIR)/follow.h: $(FOLLOW_DIR)/follow.c ;
$(FOLLOW_DIR)/follow.c: examples/follow/follow.pipe $(PIPEC)
	@mkdir -p $(FOLLOW_DIR)
	$(PIPEC) --main -o $@ -H $(FOLLOW_DIR)/follow.h \
		--dot=$(FOLLOW_DIR)/follow.dot $<

$(FOLLOW_DIR)/follow.o: $(FOLLOW_DIR)/follow.c $(FOLLOW_DIR)/follow.h
	$(CC) $(ALL_CFLAGS) -I$(FOLLOW_DIR) -Iruntime -c $< -o $@

$(FOLLOW): $(FOLLOW_DIR)/follow.o $(RUNTIME_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: test-follow valgrind-follow
TESTS += test-follow
test-follow: $(FOLLOW)
	@examples/follow/test.sh $(FOLLOW)

VALGRIND_TESTS += valgrind-follow
valgrind-follow: $(FOLLOW)
	@examples/follow/test.sh $(FOLLOW) $(VALGRIND)
