# SPDX-License-Identifier: MIT
# runtime/runtime.mk - the runtime library: $(O)/libpipec.a, and the shared
# $(O)/libpipec.so.X.Y.Z (soname libpipec.so.X) with its two links.
#
# The objects are built position-independent, so that one set serves both.
# The shared library exports the pipec_ names of pipec.h and nothing else:
# internal.h hides the library's own functions, and runtime/libpipec.map
# keeps every other name local.

RUNTIME_SRC := $(wildcard runtime/*.c)
RUNTIME_OBJ := $(RUNTIME_SRC:%.c=$(O)/%.o) $(O)/runtime/fcontext.o
RUNTIME_LIB := $(O)/libpipec.a

RUNTIME_VERSION := $(shell sed -n \
	's/^\#define PIPEC_VERSION_STRING *"\(.*\)"/\1/p' runtime/pipec.h)
RUNTIME_SONAME := libpipec.so.$(firstword $(subst ., ,$(RUNTIME_VERSION)))
RUNTIME_SO := $(O)/libpipec.so.$(RUNTIME_VERSION)
RUNTIME_SO_LINKS := $(O)/$(RUNTIME_SONAME) $(O)/libpipec.so

ALL += $(RUNTIME_LIB) $(RUNTIME_SO) $(RUNTIME_SO_LINKS)

# The flags are set here: objects built before a change to them go.
$(RUNTIME_OBJ): ALL_CFLAGS += -fPIC
$(RUNTIME_OBJ): runtime/runtime.mk

# The coroutine switch (runtime/fiber.c) is Boost.Context's fcontext, from
# Debian's libboost-context-dev: its make_ and jump_ objects for this
# architecture, taken from the static library, renamed pipec_make_fcontext
# and pipec_jump_fcontext (no clash with a program that links Boost
# itself) and joined into one object that goes into both libraries, so
# programs need no extra library (docs/runtime.md).
BOOST_CONTEXT_A = $(shell $(CC) -print-file-name=libboost_context.a)
$(O)/runtime/fcontext.o: runtime/runtime.mk
	@mkdir -p $(dir $@)
	$(Q)rm -rf $@.parts && mkdir $@.parts
	$(call say,AR,$@)cd $@.parts && members=$$($(AR) t '$(BOOST_CONTEXT_A)' | \
		grep -E '^(make|jump)_.*\.o$$') && $(AR) x '$(BOOST_CONTEXT_A)' \
		$$members && $(LD) -r -o combined.o $$members
	$(Q)objcopy --redefine-sym make_fcontext=pipec_make_fcontext \
		--redefine-sym jump_fcontext=pipec_jump_fcontext \
		$@.parts/combined.o $@
	$(Q)rm -rf $@.parts

$(RUNTIME_LIB): $(RUNTIME_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(QUIET_AR)$(AR) rcs $@ $^

# -Bsymbolic-functions: the library's calls to its own functions (a port
# send to pipec_send) go straight there, not through the PLT.
$(RUNTIME_SO): $(RUNTIME_OBJ) runtime/libpipec.map
	@mkdir -p $(dir $@)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -shared -Wl,-soname,$(RUNTIME_SONAME) \
		-Wl,--version-script,runtime/libpipec.map \
		-Wl,-Bsymbolic-functions -o $@ $(RUNTIME_OBJ) $(LDLIBS)

$(O)/$(RUNTIME_SONAME): $(RUNTIME_SO)
	$(Q)ln -sf $(notdir $<) $@
$(O)/libpipec.so: $(O)/$(RUNTIME_SONAME)
	$(Q)ln -sf $(notdir $<) $@
