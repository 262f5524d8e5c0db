/* SPDX-License-Identifier: MIT */
/*
 * check.h - the semantic checks: names, types, wiring, counts, cycles.
 *
 * Where it sits: after parse_program() (parse.h), before the emitters
 * (emit.h). check_program() resolves every name of the Program, fills the
 * fields ast.h marks "resolved", and builds the channel graph
 * (Program.channels, Port.chans). Every problem is reported through d with
 * its location; the checks keep going to report them all. The list of
 * diagnostics, and what each means, is in docs/language.md ("Checks").
 */
#ifndef PIPEC_CHECK_H
#define PIPEC_CHECK_H

#include <stdbool.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"

/* The largest capacity a channel may be given as a number. */
#define CHECK_MAX_CAPACITY (1LL << 30)
/* The largest replica count of a stage written as a number. */
#define CHECK_MAX_REPLICAS 4096
/* A message has at most this many variants (a port's mask is 64 bits). */
#define CHECK_MAX_VARIANTS 64
/* The stack sizes a stage may ask for, in bytes: the runtime's
 * PIPEC_STACK_MIN and PIPEC_STACK_MAX (16 KiB, 1 GiB). */
#define CHECK_STACK_MIN (16ULL << 10)
#define CHECK_STACK_MAX (1ULL << 30)

/*
 * Checks p (parsed without syntax errors, its imports loaded by
 * import_load()) and builds its channel graph in a; the messages of the
 * imported files join p->messages, as copies (Message.from). A message
 * file (p->is_module) is checked for its messages, its names, and what it
 * cannot declare. Returns true if no error was found (warnings allowed):
 * only then may p be given to the emitters. p->allow_cycles (from the
 * source or set by the caller before the call) turns the cycle error into
 * a warning.
 */
bool check_program(Program *p, Arena *a, Diag *d);

/* True if name is a C keyword (C11, and C23's new ones such as bool) or
 * an identifier C reserves (leading underscore and a capital, or two
 * underscores), i.e. it cannot name anything in the generated C. */
bool check_is_c_reserved(const char *name);

#endif
