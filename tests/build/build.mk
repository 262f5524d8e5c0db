# tests/build/build.mk - tests of the build itself.
#
#   make test-install   make install copies this variant's files ($(O))

.PHONY: test-install
TESTS += test-install
test-install: all
	@tests/build/install.sh "$(MAKE)" $(O)/tests/build $(PIPEC) \
		$(RUNTIME_LIB)
