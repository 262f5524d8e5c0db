/* SPDX-License-Identifier: MIT */
/*
 * helpers.h - what the compiler's unit tests share: compiling a .pipe text
 * held in a string, with the diagnostics captured in memory, and cmocka.
 */
#ifndef PIPEC_TEST_HELPERS_H
#define PIPEC_TEST_HELPERS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"

/* One compile of one text. */
typedef struct Unit {
	Arena arena;
	Src src;
	char *buf; /* the text: malloc'd to its exact size + NUL */
	Diag diag; /* messages go to msgs */
	FILE *out;
	char *msgs; /* every diagnostic printed so far (after unit_msgs) */
	size_t msgs_len;
	Program *p;
} Unit;

/* Sets u up for text (copied): no parse yet. */
void unit_init(Unit *u, const char *text);
/* Also with an explicit length (the text may hold NUL bytes). */
void unit_init_n(Unit *u, const char *text, size_t len);
/* Parses; returns the Program (also in u->p). */
Program *unit_parse(Unit *u);
/* Parses, and checks if there was no syntax error; true if no error. */
bool unit_check(Unit *u);
/* The diagnostics printed so far, NUL-terminated. */
const char *unit_msgs(Unit *u);
/* Frees everything. */
void unit_free(Unit *u);

/* Fails the test unless the diagnostics contain needle. */
#define assert_msgs_contain(u, needle)                                         \
	do {                                                                   \
		const char *m_ = unit_msgs(u);                                 \
		if (!strstr(m_, (needle)))                                     \
			fail_msg("expected a message containing \"%s\", "      \
			         "got:\n%s",                                   \
			         (needle), m_);                                \
	} while (0)

#endif
