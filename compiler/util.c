/* SPDX-License-Identifier: MIT */
/*
 * util.c - helpers shared by the front end and the emitters; see util.h.
 */
#include "util.h"

#include <string.h>

#include "diag.h"

char *util_upper(Arena *a, const char *s)
{
	char *u = arena_strdup(a, s);
	for (char *q = u; *q; q++)
		if (*q >= 'a' && *q <= 'z')
			*q = (char)(*q - 'a' + 'A');
	return u;
}

const char *util_count_c(Arena *a, const Count *c, const char *params,
                         const char *if_none)
{
	switch (c->kind) {
	case COUNT_NONE:
		return if_none;
	case COUNT_LIT:
		return arena_printf(a, "%lld", c->value);
	case COUNT_PARAM:
		return arena_printf(a, "%s->%s", params,
		                    c->resolved ? c->resolved->name : c->param);
	case COUNT_UNBOUNDED:
		return "PIPEC_UNBOUNDED";
	}
	UNREACHABLE();
}

const char *util_count_text(Arena *a, const Count *c, const char *if_none)
{
	switch (c->kind) {
	case COUNT_NONE:
		return if_none;
	case COUNT_LIT:
		return arena_printf(a, "%lld", c->value);
	case COUNT_PARAM:
		return c->param;
	case COUNT_UNBOUNDED:
		return "*";
	}
	UNREACHABLE();
}

char *util_c_string(Arena *a, const char *s)
{
	/* At most 4 bytes ("\ooo") for each byte, the quotes and the NUL. */
	char *buf = arena_alloc(a, 4 * strlen(s) + 3);
	char *q = buf;
	*q++ = '"';
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\' ||
		    (c == '?' && p > s && p[-1] == '?')) {
			*q++ = '\\';
			*q++ = (char)c;
		} else if (c == '\n') {
			*q++ = '\\';
			*q++ = 'n';
		} else if (c < 0x20 || c == 0x7f) {
			*q++ = '\\';
			*q++ = (char)('0' + (c >> 6));
			*q++ = (char)('0' + (c >> 3 & 7));
			*q++ = (char)('0' + (c & 7));
		} else {
			*q++ = (char)c;
		}
	}
	*q++ = '"';
	*q = '\0';
	return buf;
}

const char *util_base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

char *util_with_ext(Arena *a, const char *path, const char *ext)
{
	const char *base = util_base_name(path);
	const char *dot = strrchr(base, '.');
	size_t keep = dot && dot > base ? (size_t)(dot - path) : strlen(path);
	return arena_printf(a, "%.*s%s", (int)keep, path, ext);
}

char *util_subst(Arena *a, const char *tmpl, const char *const vars[26])
{
	size_t n = 1;
	for (const char *p = tmpl; *p; p++) {
		if (*p != '$') {
			n++;
			continue;
		}
		p++;
		if (*p == '$')
			n++;
		else if (*p >= 'A' && *p <= 'Z' && vars[*p - 'A'])
			n += strlen(vars[*p - 'A']);
		else
			die("template variable $%c undefined in \"%s\"", *p,
			    tmpl);
	}
	char *buf = arena_alloc(a, n), *q = buf;
	for (const char *p = tmpl; *p; p++) {
		if (*p != '$') {
			*q++ = *p;
		} else if (*++p == '$') {
			*q++ = '$';
		} else {
			size_t len = strlen(vars[*p - 'A']);
			memcpy(q, vars[*p - 'A'], len);
			q += len;
		}
	}
	*q = '\0';
	return buf;
}
