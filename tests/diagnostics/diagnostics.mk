# SPDX-License-Identifier: MIT
# tests/diagnostics/diagnostics.mk - the diagnostics tests (every NAME.pipe
# against NAME.expected) and the command-line tests of the driver.
#
#   make test-diagnostics      compare pipec's messages with the .expected
#   make diagnostics-update    rewrite the .expected files from what pipec
#                              prints now (on purpose: review the diff)
#   make test-driver           exit codes, output names, -MD, --dot, ...

# The compiler runs no threads: nothing for TSan to see here.
ifneq ($(VARIANT),tsan)
TESTS += test-diagnostics test-driver
endif
.PHONY: test-diagnostics test-driver diagnostics-update

test-diagnostics: $(PIPEC)
	$(Q)sh tests/diagnostics/run.sh $(PIPEC)

diagnostics-update: $(PIPEC)
	$(Q)sh tests/diagnostics/run.sh $(PIPEC) --update

test-driver: $(PIPEC)
	$(Q)sh tests/diagnostics/driver.sh $(PIPEC)
