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
 * that explains the first ("first defined here"). Bugs in pipec itself go
 * through die()/UNREACHABLE(), which name the C file and line and exit
 * with status 3 - never mixed with user errors.
 */
#ifndef PIPEC_DIAG_H
#define PIPEC_DIAG_H

#include <stdio.h>

#include "ast.h"

typedef struct Diag {
	const Src *src; /* the file being compiled: a Loc without a file
	                   refers to it, and an error without a place names
	                   it */
	FILE *out;      /* where messages go (stderr) */
	int errors;
	int warnings;
	int max_errors; /* stop printing after this many (0: no limit) */
	int color;      /* bold/colored labels (the driver decides) */
} Diag;

void diag_error(Diag *d, Loc loc, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void diag_warning(Diag *d, Loc loc, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
void diag_note(Diag *d, Loc loc, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
/* An error about no place in the file (e.g. it cannot be read). */
void diag_error_noloc(Diag *d, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* An internal error in pipec: prints "pipec: internal error: ..." with
 * the C file and line, and exits with status 3. */
#define die(...)      die_at(__FILE__, __LINE__, __VA_ARGS__)
#define UNREACHABLE() die_at(__FILE__, __LINE__, "unreachable code reached")
_Noreturn void die_at(const char *file, int line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

#endif
