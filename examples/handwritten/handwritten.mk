# examples/handwritten - the seed pipeline written by hand against the
# runtime API (no compiler).

HANDWRITTEN := $(O)/examples/handwritten/seed
ALL += $(HANDWRITTEN)

$(HANDWRITTEN): $(O)/examples/handwritten/seed.o $(RUNTIME_LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/examples/handwritten/seed.o: ALL_CFLAGS += -Iruntime

.PHONY: demo-handwritten test-handwritten valgrind-handwritten
demo-handwritten: $(HANDWRITTEN)
	$(HANDWRITTEN) --limit 1000 --workers 2 --capacity 16

# With one worker the order is fixed: 0..31 squared are printed (32^2 =
# 1024 is the first past 1000). With several workers squares may overtake
# each other, so the check is: distinct squares, none past the limit.
TESTS += test-handwritten
test-handwritten: $(HANDWRITTEN)
	@set -e; for cap in 0 1 16; do \
		$(HANDWRITTEN) --limit 1000 --workers 1 --capacity $$cap \
			2>/dev/null > $(O)/seed.out; \
		seq 0 31 | awk '{ print $$1 * $$1 }' | cmp -s - $(O)/seed.out \
			|| { echo "test-handwritten: 1 worker, capacity $$cap:" \
				"wrong output"; exit 1; }; \
		$(HANDWRITTEN) --limit 1000 --workers 3 --capacity $$cap \
			2>/dev/null > $(O)/seed.out; \
		awk '{ r = int(sqrt($$1) + 0.5); if (r * r != $$1 || $$1 > 1000 \
			|| seen[$$1]++) bad = 1 } END { exit bad || NR < 20 }' \
			$(O)/seed.out || { echo "test-handwritten: 3 workers," \
				"capacity $$cap: wrong output"; exit 1; }; \
	done; echo "test-handwritten: 6 passed, 0 failed"

VALGRIND_TESTS += valgrind-handwritten
valgrind-handwritten: $(HANDWRITTEN)
	$(VALGRIND) $(HANDWRITTEN) --limit 100000 --capacity 4 --quiet
