# SPDX-License-Identifier: MIT
# dist/install.mk - make install and make uninstall: pipec, the runtime
# library (static, and shared with its soname and development links),
# pipec.h, the pkg-config file, the CMake package, mk/pipec.mk, the man
# pages and the editor files, of the variant built ($(O)): make CC=clang
# install installs what clang built.
#
# The paths written into pipec.pc, pipecConfig.cmake and the installed
# pipec.mk are the final ones, without DESTDIR: stage with DESTDIR, run
# from PREFIX.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR ?= $(PREFIX)/share
MANDIR ?= $(DATADIR)/man
# install's option to strip pipec; empty installs it with its symbols.
INSTALL_STRIP ?= -s
# Run after installing the shared library into the system (no DESTDIR),
# so that the loader finds it in a new LIBDIR; empty or : skips it.
LDCONFIG ?= ldconfig

D := $(DESTDIR)
CMAKEDIR := $(LIBDIR)/cmake/pipec
PKGDIR := $(DATADIR)/pipec
VIMDIR := $(DATADIR)/vim/vimfiles
COMPLETIONDIR := $(DATADIR)/bash-completion/completions
# Where install records the directories it made, for make uninstall.
MADE_DIRS := $(PKGDIR)/made-dirs

INSTALL_DIRS := $(sort $(PREFIX) $(BINDIR) $(LIBDIR) $(LIBDIR)/pkgconfig \
	$(LIBDIR)/cmake $(CMAKEDIR) $(INCLUDEDIR) $(DATADIR) $(PKGDIR) \
	$(MANDIR) $(MANDIR)/man1 $(MANDIR)/man7 $(DATADIR)/vim $(VIMDIR) \
	$(VIMDIR)/ftdetect $(VIMDIR)/ftplugin $(VIMDIR)/syntax \
	$(DATADIR)/bash-completion $(COMPLETIONDIR))
CMAKE_FILES := pipecConfig.cmake pipecConfigVersion.cmake pipecDepfile.cmake
VIM_FILES := ftdetect/pipe.vim ftplugin/pipe.vim syntax/pipe.vim
MAN_PAGES := man1/pipec.1 man7/pipec-language.7

# Everything install writes, for uninstall (and test-install).
INSTALLED_FILES := $(BINDIR)/pipec $(LIBDIR)/libpipec.a \
	$(LIBDIR)/libpipec.so.$(RUNTIME_VERSION) $(LIBDIR)/$(RUNTIME_SONAME) \
	$(LIBDIR)/libpipec.so $(INCLUDEDIR)/pipec.h \
	$(LIBDIR)/pkgconfig/pipec.pc $(CMAKE_FILES:%=$(CMAKEDIR)/%) \
	$(PKGDIR)/pipec.mk $(MAN_PAGES:%=$(MANDIR)/%) \
	$(VIM_FILES:%=$(VIMDIR)/%) $(COMPLETIONDIR)/pipec $(MADE_DIRS)

# The .in files' @NAME@ words.
subst = sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@BINDIR@|$(BINDIR)|g' \
	-e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' \
	-e 's|@DATADIR@|$(DATADIR)|g' -e 's|@VERSION@|$(RUNTIME_VERSION)|g' \
	-e 's|@VERSION_MAJOR@|$(firstword $(subst ., ,$(RUNTIME_VERSION)))|g' \
	-e 's|@SONAME@|$(RUNTIME_SONAME)|g' \
	-e "s|@SIZEOF_VOID_P@|$$($(CC) -dM -E -x c /dev/null | \
		sed -n 's/^\#define __SIZEOF_POINTER__ //p')|g"

.PHONY: install uninstall
# The directories are made first, each one that was missing (parents
# too) noted in $(MADE_DIRS), added to what an earlier install noted.
install: all
	$(Q)made=; for d in $(INSTALL_DIRS); do \
		while [ ! -d "$(D)$$d" ]; do \
			made="$$made $$d"; d=$$(dirname "$$d"); done; done; \
	install -d $(addprefix $(D),$(INSTALL_DIRS)) && \
	{ cat $(D)$(MADE_DIRS) 2>/dev/null; printf '%s\n' $$made; } | \
		sed '/^$$/d' | sort -u >$(D)$(MADE_DIRS).new && \
	mv -f $(D)$(MADE_DIRS).new $(D)$(MADE_DIRS) && \
	chmod 644 $(D)$(MADE_DIRS)
	$(call say,INSTALL,$(D)$(BINDIR)/pipec)install -m 755 \
		$(INSTALL_STRIP) $(PIPEC) $(D)$(BINDIR)/pipec
	$(call say,INSTALL,$(D)$(LIBDIR)/libpipec.*)install -m 644 \
		$(RUNTIME_LIB) $(D)$(LIBDIR)/libpipec.a && \
	install -m 755 $(RUNTIME_SO) $(D)$(LIBDIR)/ && \
	ln -sf $(notdir $(RUNTIME_SO)) $(D)$(LIBDIR)/$(RUNTIME_SONAME) && \
	ln -sf $(RUNTIME_SONAME) $(D)$(LIBDIR)/libpipec.so
	$(call say,INSTALL,$(D)$(INCLUDEDIR)/pipec.h)install -m 644 \
		runtime/pipec.h $(D)$(INCLUDEDIR)/pipec.h
	$(call say,INSTALL,$(D)$(LIBDIR)/pkgconfig/pipec.pc)$(subst) \
		dist/pipec.pc.in >$(D)$(LIBDIR)/pkgconfig/pipec.pc && \
	chmod 644 $(D)$(LIBDIR)/pkgconfig/pipec.pc
	$(call say,INSTALL,$(D)$(CMAKEDIR)/)for f in $(CMAKE_FILES); do \
		if [ -f dist/$$f.in ]; then \
			$(subst) dist/$$f.in >$(D)$(CMAKEDIR)/$$f || exit; \
		else cp dist/$$f $(D)$(CMAKEDIR)/$$f || exit; fi; \
		chmod 644 $(D)$(CMAKEDIR)/$$f; done
	$(call say,INSTALL,$(D)$(PKGDIR)/pipec.mk)sed \
		's|^PIPEC ?= pipec$$|PIPEC ?= $(BINDIR)/pipec|' mk/pipec.mk \
		>$(D)$(PKGDIR)/pipec.mk && chmod 644 $(D)$(PKGDIR)/pipec.mk
	$(call say,INSTALL,$(D)$(MANDIR)/)for f in $(MAN_PAGES); do \
		install -m 644 docs/man/$${f#*/} $(D)$(MANDIR)/$$f || exit; done
	$(call say,INSTALL,$(D)$(VIMDIR)/)for f in $(VIM_FILES); do \
		install -m 644 editors/vim/$$f $(D)$(VIMDIR)/$$f || exit; done
	$(call say,INSTALL,$(D)$(COMPLETIONDIR)/pipec)install -m 644 \
		editors/bash/pipec $(D)$(COMPLETIONDIR)/pipec
ifeq ($(DESTDIR),)
	$(Q)$(LDCONFIG) 2>/dev/null || true
endif

# The files install wrote, then the directories it made, deepest first,
# each only if it is empty.
uninstall:
	$(call say,RM,the files install put in $(D)$(PREFIX))rm -f \
		$(addprefix $(D),$(filter-out $(MADE_DIRS),$(INSTALLED_FILES)))
	$(Q)if [ -f $(D)$(MADE_DIRS) ]; then \
		dirs=$$(sort -r $(D)$(MADE_DIRS)); rm -f $(D)$(MADE_DIRS); \
	else dirs='$(CMAKEDIR) $(PKGDIR)'; fi; \
	for d in $$dirs; do rmdir "$(D)$$d" 2>/dev/null; done; true
