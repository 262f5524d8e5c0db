# examples/squares - the seed pipeline, compiled by pipec with --main.
#
#   $(O)/examples/squares/squares.c, .h   generated from squares.pipe
#   $(O)/examples/squares/squares.dot     its graph (dot -Tsvg)
#   $(O)/examples/squares/squares         the program (flags --limit,
#                                         --workers, --capacity, --stats...)

SQUARES_DIR := $(O)/examples/squares
SQUARES := $(SQUARES_DIR)/squares
ALL += $(SQUARES)
DEMO := squares

$(call pipec_generate,$(SQUARES_DIR)/squares,examples/squares/squares.pipe,\
	--main --dot=$(SQUARES_DIR)/squares.dot)
$(SQUARES_DIR)/squares.o: private ALL_CFLAGS += -I$(SQUARES_DIR) -Iruntime

$(SQUARES): $(SQUARES_DIR)/squares.o $(RUNTIME_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: demo-squares test-squares valgrind-squares
demo-squares: $(SQUARES)
	$(SQUARES) --stats

# With one worker the order is fixed: the squares of 0..31 (32^2 = 1024 is
# the first past 1000). With several workers squares may overtake each
# other, so the check is: distinct squares, none past the limit, and the
# statistics show that every stage but the consumer was cancelled.
TESTS += test-squares
test-squares: $(SQUARES)
	@set -e; dir=$$(mktemp -d $(SQUARES_DIR)/test.XXXXXX); \
	out=$$dir/out; err=$$dir/err; pass=0; fail=0; \
	for cap in 0 1 16; do \
		if $(SQUARES) --workers 1 --capacity $$cap >$$out 2>$$err && \
		   seq 0 31 | awk '{ print $$1 * $$1 }' | cmp -s - $$out; then \
			pass=$$((pass + 1)); \
		else echo "test-squares: 1 worker, capacity $$cap: wrong output"; \
			fail=$$((fail + 1)); fi; \
		if $(SQUARES) --workers=3 --capacity=$$cap --limit 5000 \
			--stats >$$out 2>$$err && \
		   awk '{ r = int(sqrt($$1) + 0.5); if (r * r != $$1 || \
			$$1 > 5000 || seen[$$1]++) bad = 1 } \
			END { exit bad || NR < 20 }' $$out && \
		   grep -q '^square\[2\] .* yes$$' $$err && \
		   grep -q '^print\[0\] .* no$$' $$err; then \
			pass=$$((pass + 1)); \
		else echo "test-squares: 3 workers, capacity $$cap: wrong" \
			"output or statistics"; fail=$$((fail + 1)); fi; \
	done; \
	if $(SQUARES) --limit 10 --workers 1 >$$out && printf '0\n1\n4\n9\n' | cmp -s - $$out; \
	then pass=$$((pass + 1)); \
	else echo "test-squares: --limit 10: wrong output"; fail=$$((fail + 1)); fi; \
	rm -rf $$dir; \
	echo "test-squares: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

VALGRIND_TESTS += valgrind-squares
valgrind-squares: $(SQUARES)
	$(VALGRIND) $(SQUARES) --limit 100000 --capacity 4 >/dev/null
	$(VALGRIND) $(SQUARES) --workers 4 --capacity 0 --limit 10000 >/dev/null
	@echo "valgrind-squares: 2 passed, 0 failed"
