# SPDX-License-Identifier: MIT
# tests/golden - generated code compared with checked-in expectations.
#
#   make test-golden     regenerate each tests/golden/*.pipe (twice: the
#                        output must be deterministic) and compare with
#                        NAME.h.golden, NAME.c.golden, NAME.dot.golden;
#                        the generated .c must compile
#   make golden-update   rewrite the expected files from pipec's output,
#                        on purpose; review `git diff tests/golden` after

.PHONY: test-golden golden-update
TESTS += test-golden

test-golden: $(PIPEC)
	$(Q)tests/golden/run.sh $(abspath $(PIPEC)) $(O)/tests/golden check \
		$(CC) $(ALL_CFLAGS) -Iruntime

golden-update: $(PIPEC)
	$(Q)tests/golden/run.sh $(abspath $(PIPEC)) $(O)/tests/golden update
