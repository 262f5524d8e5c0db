# SPDX-License-Identifier: MIT
# compiler/compiler.mk - the compiler, $(O)/pipec, and $(O)/libpipecc.a
# (every compiler object but the driver, for the unit tests).
#
# The lexer and the parser are generated at build time, into $(O)/compiler
# only (never into the source tree, never committed):
#   re2c:  compiler/lexer.re  -> $(O)/compiler/lexer.c
#   lemon: compiler/parser.y  -> $(O)/compiler/parser.c, parser.h
# Every compiler/*.c is compiled by the wildcard, so new files (the code
# generator's emit_*.c) join the library without editing this file; all
# but compiler/lempar.c, lemon's parser template, which lemon reads.

COMPILER_GEN_DIR := $(O)/compiler
# lemon's template is kept in the tree, not taken from the system: the
# "expected X" messages of parser.y depend on its internals (see the
# comment at its top, and docs/compiler.md).
LEMPAR := compiler/lempar.c
COMPILER_SRC := $(filter-out $(LEMPAR),$(wildcard compiler/*.c))
COMPILER_OBJ := $(COMPILER_SRC:%.c=$(O)/%.o) \
	$(COMPILER_GEN_DIR)/lexer.o $(COMPILER_GEN_DIR)/parser.o
COMPILER_LIB_OBJ := $(filter-out $(O)/compiler/main.o,$(COMPILER_OBJ))
COMPILER_LIB := $(O)/libpipecc.a
PIPEC := $(O)/pipec
COMPILER_INC := -Icompiler -I$(COMPILER_GEN_DIR) -Iruntime

ALL += $(PIPEC)

$(COMPILER_GEN_DIR)/lexer.c: compiler/lexer.re
	@mkdir -p $(dir $@)
	$(QUIET_RE2C)re2c -W --no-generation-date --no-version -o $@ $<

# One lemon run makes both files (grouped target).
$(COMPILER_GEN_DIR)/parser.c $(COMPILER_GEN_DIR)/parser.h &: \
		compiler/parser.y $(LEMPAR)
	@mkdir -p $(COMPILER_GEN_DIR)
	$(QUIET_LEMON)lemon -q -T$(LEMPAR) -d$(COMPILER_GEN_DIR) compiler/parser.y
	@# lemon keeps an unchanged parser.h as it was: mark both as new.
	$(Q)touch $(COMPILER_GEN_DIR)/parser.c $(COMPILER_GEN_DIR)/parser.h

$(COMPILER_GEN_DIR)/%.o: $(COMPILER_GEN_DIR)/%.c
	$(QUIET_CC)$(CC) $(ALL_CFLAGS) -c $< -o $@

# lemon's parser template fetches the %extra_argument in every function,
# also where no action uses it, and yy_destructor ignores its arguments
# when no symbol has a destructor: harmless, and only in the generated file.
$(COMPILER_GEN_DIR)/parser.o: ALL_CFLAGS += -Wno-unused-variable \
	-Wno-unused-parameter

# Compiler objects need the compiler's include paths and the generated
# token codes before they compile.
$(COMPILER_OBJ): ALL_CFLAGS += $(COMPILER_INC)
$(COMPILER_OBJ): | $(COMPILER_GEN_DIR)/parser.h

$(COMPILER_LIB): $(COMPILER_LIB_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@
	$(QUIET_AR)$(AR) rcs $@ $^

# Linked beside and renamed into place, so that a test running the old
# pipec never meets a half-written file.
$(PIPEC): $(O)/compiler/main.o $(COMPILER_LIB)
	$(QUIET_LD)$(CC) $(ALL_LDFLAGS) -o $@.tmp $^ $(LDLIBS)
	$(Q)mv -f $@.tmp $@
