/* SPDX-License-Identifier: MIT */
/*
 * util.h - small helpers the front end and the emitters share, so that
 * each is written once: a name in upper case, a count as C and as text, a
 * string as a C literal, a path's base name and its extension, and the
 * $-templates that spell generated names (gen_names.h).
 *
 * The functions that make a string allocate it in the arena given; none
 * fails (running out of memory ends the compile, see arena.h).
 */
#ifndef PIPEC_UTIL_H
#define PIPEC_UTIL_H

#include "arena.h"
#include "ast.h"

/* s with ASCII letters in upper case: "Num_a" -> "NUM_A". */
char *util_upper(Arena *a, const char *s);

/*
 * A count as C, in code where the parameters are reached through the
 * pointer named params: "16", "params->workers", "PIPEC_UNBOUNDED", or
 * if_none when the count was not written (a capacity means "0" then, a
 * replica count "1").
 */
const char *util_count_c(Arena *a, const Count *c, const char *params,
                         const char *if_none);

/* A count as the .pipe file writes it, for messages: "16", "workers",
 * "*", or if_none when it was not written. */
const char *util_count_text(Arena *a, const Count *c, const char *if_none);

/*
 * s as a C string literal, quotes included: '"' and '\' escaped, a newline
 * as \n, other control bytes in octal, and a '?' after a '?' as \? (so no
 * trigraph forms under -std=c11). Valid UTF-8 is kept; a byte above ASCII
 * that is not part of it is written in octal (clang refuses it).
 */
char *util_c_string(Arena *a, const char *s);

/*
 * A string literal as the .pipe file writes it (quotes included), checked
 * for what C would refuse in it: NULL if nothing, else where the first
 * escape C refuses starts (its backslash), with *why the message (in a):
 * an unknown escape ("\q"), an octal or hexadecimal one past a byte
 * ("\777", "\x100"), "\x" without digits, a "\u" or "\U" without its
 * digits or naming a character C does not allow there.
 */
const char *util_string_bad_escape(Arena *a, const char *lit, const char **why);

/*
 * A string literal as the .pipe file writes it (checked), as C11 must
 * see it to read the same bytes: a '\' before each '?' that follows a '?'
 * (-std=c11 replaces trigraphs such as "??(" before anything else), and
 * each control byte, and each byte above ASCII that is not valid UTF-8,
 * as an octal escape (gcc ends a line at a carriage return, even in a
 * string; clang refuses invalid UTF-8).
 */
char *util_c_literal(Arena *a, const char *lit);

/* The last component of path ("src/a.pipe" -> "a.pipe"); points into
 * path. */
const char *util_base_name(const char *path);

/* path with the extension of its last component (from its last '.', not
 * a leading one) replaced by ext, or ext appended when it has none:
 * ("src/a.pipe", ".h") -> "src/a.h". */
char *util_with_ext(Arena *a, const char *path, const char *ext);

/*
 * tmpl with each $X (an upper-case letter) replaced by vars[X - 'A'] and
 * $$ by '$': the template syntax the emitters' out_tmpl() writes too. A $X
 * whose entry is NULL is a bug in pipec (die()).
 */
char *util_subst(Arena *a, const char *tmpl, const char *const vars[26]);

#endif
