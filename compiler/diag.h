/* SPDX-License-Identifier: MIT */
/*
 * diag.h - diagnostics for the user's .pipe files, and internal errors.
 *
 * User errors go through diag_error()/diag_warning(): each prints
 *
 *     file:line:col: error: message
 *         the source line
 *                ^
 *
 * naming the file the location is in (a Loc knows its file: the one
 * compiled or one it imports), and is counted, so the compiler keeps
 * going and reports them all. Notes (diag_note) point at a second place
 * that explains the first ("first defined here"). Every warning has a
 * name (Warning below), shown after its message as "[-Wunused-param]",
 * by which the command line turns it off (-Wno-NAME) or makes it an error
 * (-Werror=NAME); the notes after a warning that is off are not shown
 * either. Bugs in pipec itself go
 * through die()/UNREACHABLE(), which name the C file and line and exit
 * with status 3 - never mixed with user errors. Running out of memory
 * is neither: diag_out_of_memory() says so and exits with status 1.
 */
#ifndef PIPEC_DIAG_H
#define PIPEC_DIAG_H

#include <stdio.h>

#include "ast.h"

/* The warnings, one per kind the checks issue: X(ENUM, "name", "what") */
#define DIAG_WARNINGS(X)                                                       \
	X(W_UNUSED_PARAM, "unused-param", "a parameter that nothing uses")     \
	X(W_UNUSED_CHANNEL, "unused-channel",                                  \
	  "a declared channel that no arrow uses")                             \
	X(W_STAGE_WITHOUT_PORTS, "stage-without-ports",                        \
	  "a stage with no ports, unconnected to the pipeline")                \
	X(W_CYCLE, "cycle", "a cycle in the wiring, where cycles are allowed")

typedef enum Warning {
#define DIAG_ENUM(e, name, what) e,
	DIAG_WARNINGS(DIAG_ENUM)
#undef DIAG_ENUM
	        W_COUNT
} Warning;

/* The name of a warning ("unused-param"), and what it is about. */
const char *diag_warning_name(Warning w);
const char *diag_warning_about(Warning w);
/* The warning called name, or W_COUNT if there is none. */
Warning diag_warning_find(const char *name);

typedef struct Diag {
	const Src *src; /* the file being compiled: a Loc without a file
	                   refers to it, and an error without a place names
	                   it */
	FILE *out;      /* where messages go (stderr) */
	int errors;
	int warnings;
	int max_errors; /* stop printing after this many (0: no limit) */
	int color;      /* bold/colored labels (the driver decides) */
	/* Which warnings are shown and which are errors: bit 1 << Warning
	 * set. All zero (the default): every warning shown, as a warning. */
	unsigned warn_off;
	unsigned warn_error;
	int no_warnings; /* -w: none shown, whatever the masks say */
	int all_errors;  /* -Werror: every warning shown is an error */
	int hidden;      /* the last diagnostic was not shown (its notes
	                    are not either) */
} Diag;

void diag_error(Diag *d, Loc loc, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* A warning of kind w: not shown if it is off, an error (counted as one)
 * if it is made one. */
void diag_warning(Diag *d, Loc loc, Warning w, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
void diag_note(Diag *d, Loc loc, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* An error about no place in the file (e.g. it cannot be read). */
void diag_error_noloc(Diag *d, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* An internal error in pipec: prints "pipec: internal error: ..." with
 * the C file and line, and exits with status 3. */
/* Out of memory, anywhere: prints "pipec: error: out of memory" and
 * exits with status 1, as for any compile that fails (the driver's exit
 * handler removes the temporary files of the outputs first). */
_Noreturn void diag_out_of_memory(void);

#define die(...)      die_at(__FILE__, __LINE__, __VA_ARGS__)
#define UNREACHABLE() die_at(__FILE__, __LINE__, "unreachable code reached")
_Noreturn void die_at(const char *file, int line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#endif
