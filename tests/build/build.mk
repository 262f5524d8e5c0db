# SPDX-License-Identifier: MIT
# tests/build/build.mk - tests of the build itself.
#
#   make test-install   make install copies this variant's files ($(O))
#                       and the others, where the variables say; make
#                       uninstall removes them
#   make test-pipec-mk  mk/pipec.mk in a project of its own: pipec runs
#                       when an input changed, and a second make does
#                       nothing
#   make test-format-check  scripts/format-check names the files
#                       clang-format would change, and only those
#   make test-help      make help names every target and variable
#   make test-man       the man pages render without a warning, and
#                       pipec.1 names every option of pipec --help

.PHONY: test-install test-pipec-mk test-format-check
TESTS += test-install
test-install: all
	$(Q)tests/build/install.sh "$(MAKE)" $(O)/tests/build $(PIPEC) \
		$(RUNTIME_LIB) $(RUNTIME_SO)

# It runs pipec: nothing for TSan to see.
ifneq ($(VARIANT),tsan)
TESTS += test-pipec-mk
endif
test-pipec-mk: $(PIPEC)
	$(Q)tests/build/pipec-mk.sh $(PIPEC) $(O)/tests/build

# It needs no build: the plain variant is enough.
ifeq ($(VARIANT),plain)
TESTS += test-format-check
endif
test-format-check:
	$(Q)tests/build/format-check.sh $(O)/tests/build

# make help names every target and variable.
ifeq ($(VARIANT),plain)
TESTS += test-help
endif
.PHONY: test-help
test-help:
	$(Q)tests/build/help.sh "$(MAKE)"

# It reads pipec --help: the plain variant is enough.
ifeq ($(VARIANT),plain)
TESTS += test-man
endif
.PHONY: test-man
test-man: $(PIPEC)
	$(Q)tests/build/man.sh $(PIPEC)

# Editor support (editors/): the Vim syntax, the TextMate grammar and the
# bash completion against the pipec just built (plain build only: it runs
# no C of its own).
ifeq ($(VARIANT),plain)
TESTS += test-editors
endif
.PHONY: test-editors
test-editors: $(PIPEC)
	$(Q)editors/test.sh $(PIPEC)
