# pipec.mk - make rules that run pipec: C files generated from .pipe files.
#
#   include pipec.mk
#   $(call pipec_generate,OUT,FILE.pipe,FLAGS)
#
# declares that OUT.c and OUT.h are generated from FILE.pipe by
#
#   $(PIPEC) FLAGS -o OUT.c -H OUT.h FILE.pipe
#
# (FLAGS: any other pipec options, e.g. --main; may be left out) and keeps
# them up to date:
#
# - pipec runs again when FILE.pipe, a .pipe file it imports or one of
#   $(PIPEC_DEPS) changes: its dependency file, OUT.pipe.d, lists them;
# - pipec leaves OUT.h as it was when its contents did not change, and
#   then nothing that includes it is rebuilt (only OUT.c is recompiled);
# - after any change, a second make has nothing to do (make -q says so).
#
# An object compiled from a file that includes OUT.h must list OUT.h as a
# prerequisite, so that it is generated first (the compiler's -MMD lists
# it from then on). Call pipec_generate after the makefile's first rule,
# which stays the default goal.
#
# Variables, to set before the calls:
#   PIPEC             the compiler (default: pipec, found on PATH)
#   PIPEC_DEPS        other files whose change regenerates every output,
#                     e.g. the pipec program when the same build makes it
#                     (default: none)
#   PIPEC_QUIET       called as $(call PIPEC_QUIET,OUT.c) in front of the
#                     pipec command, e.g. @echo '  PIPEC $1'; for one short
#                     line instead of the command (default: empty)
#   PIPEC_SKIP_GOALS  goals that never run pipec: when make is asked for
#                     nothing else, the dependency files are not read
#                     (default: clean distclean mostlyclean)
#
# Needs GNU make 4.3 or later (grouped targets).

PIPEC ?= pipec
PIPEC_DEPS ?=
PIPEC_QUIET ?=
PIPEC_SKIP_GOALS ?= clean distclean mostlyclean

pipec_generate = $(eval $(call pipec__rules,$(strip $1),$(strip $2),$3))

# How the rules work. A header pipec left alone keeps its old time stamp,
# so it cannot be a target of a rule with FILE.pipe as a prerequisite:
# make would see it as out of date for ever. Only OUT.c and the
# dependency file are the rule's targets; OUT.h has no prerequisites.
# When a .pipe file changes, make regenerates the (included) dependency
# file first, which runs pipec, and then starts again, reading every time
# stamp afresh: a header pipec rewrote is newer than the objects built
# from it, one it left alone is not. A missing header or dependency file
# makes pipec run in any case.
define pipec__rules
$1.c $1.pipe.d &: $2 $(PIPEC_DEPS) \
	$(if $(and $(wildcard $1.h),$(wildcard $1.pipe.d)),,pipec__force)
	@mkdir -p $(dir $1)
	$$(call PIPEC_QUIET,$1.c)$$(PIPEC) $3 -MF $1.pipe.d.tmp -o $1.c \
		-H $1.h $2
	@$$(call pipec__deps,$1.c $1.pipe.d) $1.pipe.d.tmp >$1.pipe.d.new && \
		mv -f $1.pipe.d.new $1.pipe.d && rm -f $1.pipe.d.tmp
$1.h: | $1.c
ifneq ($(filter-out $(PIPEC_SKIP_GOALS),$(or $(MAKECMDGOALS),all)),)
include $(wildcard $1.pipe.d)
endif
endef
.PHONY: pipec__force

# pipec's dependency rule, "OUT.c OUT.h: FILE.pipe IMPORTED.pipe...",
# rewritten with the targets $1 (see above), and an empty rule for each
# imported file (like gcc -MP), so that one deleted does not stop make.
pipec__deps = awk -v targets='$1' ' \
	NR == 1 { sub(/^[^:]*:/, ""); printf "%s:", targets } \
	{ print; sub(/\\$$/, ""); \
	  for (i = 1; i <= NF; i++) if (++n > 1) empty = empty $$i ":\n" } \
	END { printf "%s", empty }'
