/* SPDX-License-Identifier: MIT */
/*
 * helpers.c - see helpers.h.
 */
#define _POSIX_C_SOURCE 200809L

#include "helpers.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "parse.h"

void unit_init_n(Unit *u, const char *text, size_t len)
{
	memset(u, 0, sizeof(*u));
	/* Exactly the text and its NUL: a read past the end is a bug that
	 * the sanitizer build catches. */
	u->buf = malloc(len + 1);
	assert_non_null(u->buf);
	memcpy(u->buf, text, len);
	u->buf[len] = '\0';
	u->src.path = "t.pipe";
	u->src.text = u->buf;
	u->src.len = len;
	u->out = open_memstream(&u->msgs, &u->msgs_len);
	assert_non_null(u->out);
	u->diag.src = &u->src;
	u->diag.out = u->out;
}

void unit_init(Unit *u, const char *text)
{
	unit_init_n(u, text, strlen(text));
}

Program *unit_parse(Unit *u)
{
	u->p = parse_program(&u->src, &u->arena, &u->diag);
	assert_non_null(u->p);
	return u->p;
}

bool unit_check(Unit *u)
{
	unit_parse(u);
	if (u->diag.errors)
		return false;
	return check_program(u->p, &u->arena, &u->diag);
}

const char *unit_msgs(Unit *u)
{
	fflush(u->out);
	return u->msgs ? u->msgs : "";
}

void unit_free(Unit *u)
{
	fclose(u->out);
	free(u->msgs);
	free(u->buf);
	arena_free(&u->arena);
}
