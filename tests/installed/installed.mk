# SPDX-License-Identifier: MIT
# tests/installed/installed.mk - the installed files on their own.
#
#   make test-installed  make install into a scratch prefix, then a sample
#                        project and examples/extern built with only what
#                        was installed: CMake (Ninja and Unix Makefiles),
#                        make with pkg-config and pipec.mk; then make
#                        uninstall (tests/installed/run.sh)
#
# One variant is enough: it tests the build, not the code.

ifeq ($(VARIANT),plain)
TESTS += test-installed
endif
.PHONY: test-installed
test-installed: all
	$(Q)tests/installed/run.sh "$(MAKE)" $(O)/tests/installed
