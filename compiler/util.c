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

/* The length of the valid UTF-8 sequence at p, or 0 if none starts
 * there (a stray continuation byte, an overlong form, a surrogate, past
 * U+10FFFF, a sequence cut short). */
static size_t utf8_length(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, lo = p[0] == 0xe0 ? 0xa0 : 0x80,
		hi = p[0] == 0xed ? 0x9f : 0xbf;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, lo = p[0] == 0xf0 ? 0x90 : 0x80,
		hi = p[0] == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/* Writes the byte at *p to q as C wants it in a string literal: a valid
 * UTF-8 sequence as it is (moving *p to its last byte), anything else
 * above ASCII as an octal escape (clang refuses invalid UTF-8 in a
 * string). Returns the new end of q. */
static char *put_high_byte(char *q, const char **p)
{
	const unsigned char *u = (const unsigned char *)*p;
	size_t n = utf8_length(u);
	if (n == 0) {
		*q++ = '\\';
		*q++ = (char)('0' + (u[0] >> 6));
		*q++ = (char)('0' + (u[0] >> 3 & 7));
		*q++ = (char)('0' + (u[0] & 7));
		return q;
	}
	memcpy(q, u, n);
	*p += n - 1;
	return q + n;
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
		} else if (c >= 0x80) {
			q = put_high_byte(q, &p);
		} else {
			*q++ = (char)c;
		}
	}
	*q++ = '"';
	*q = '\0';
	return buf;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

const char *util_string_bad_escape(Arena *a, const char *lit, const char **why)
{
	for (const char *p = lit; *p; p++) {
		if (*p != '\\')
			continue;
		const char *at = p++;
		unsigned long v = 0;
		int n = 0;
		switch (*p) {
		case '\'':
		case '"':
		case '?':
		case '\\':
		case 'a':
		case 'b':
		case 'f':
		case 'n':
		case 'r':
		case 't':
		case 'v':
			continue;
		case 'x':
			for (; hex_digit(p[1]) >= 0; p++, n++)
				if ((v = v * 16 +
				         (unsigned long)hex_digit(p[1])) > 0xff)
					v = 0x100;
			if (n == 0) {
				*why = "'\\x' with no hexadecimal digit after "
				       "it";
				return at;
			}
			if (v > 0xff) {
				*why = arena_printf(
				        a,
				        "escape sequence '%.*s' is out "
				        "of range (at most \\xff)",
				        (int)(p + 1 - at), at);
				return at;
			}
			continue;
		case 'u':
		case 'U': {
			int want = *p == 'u' ? 4 : 8;
			for (; n < want && hex_digit(p[1]) >= 0; p++, n++)
				v = v * 16 + (unsigned long)hex_digit(p[1]);
			if (n < want) {
				*why = arena_printf(
				        a,
				        "'\\%c' needs %d hexadecimal "
				        "digits",
				        at[1], want);
				return at;
			}
			/* C11 6.4.3: not below U+00A0 but for $ @ `, not a
			 * surrogate, not past U+10FFFF. */
			if ((v < 0xa0 && v != 0x24 && v != 0x40 && v != 0x60) ||
			    (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff) {
				*why = arena_printf(
				        a,
				        "'%.*s' names a character C "
				        "does not allow in a '\\%c' "
				        "escape",
				        (int)(p + 1 - at), at, at[1]);
				return at;
			}
			continue;
		}
		default:
			if (*p >= '0' && *p <= '7') {
				for (v = 0; n < 3 && *p >= '0' && *p <= '7';
				     p++, n++)
					v = v * 8 + (unsigned long)(*p - '0');
				p--;
				if (v <= 0377)
					continue;
				*why = arena_printf(
				        a,
				        "escape sequence '%.*s' is out "
				        "of range (at most \\377)",
				        (int)(p + 1 - at), at);
				return at;
			}
			if (!*p) {
				*why = "a '\\' at the end of a string";
				return at;
			}
			*why = arena_printf(
			        a,
			        "unknown escape sequence '\\%c' in a "
			        "string",
			        *p);
			if ((unsigned char)*p < 0x20 ||
			    (unsigned char)*p >= 0x7f)
				*why = "unknown escape sequence in a string: a "
				       "'\\' before a control character or a "
				       "non-ASCII byte";
			return at;
		}
	}
	return NULL;
}

char *util_c_literal(Arena *a, const char *lit)
{
	/* At most 4 bytes ("\ooo") for each byte, and the NUL. */
	char *buf = arena_alloc(a, 4 * strlen(lit) + 1);
	char *q = buf;
	for (const char *p = lit; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '?' && p > lit && p[-1] == '?') {
			*q++ = '\\';
			*q++ = '?';
		} else if (c < 0x20 || c == 0x7f) {
			*q++ = '\\';
			*q++ = (char)('0' + (c >> 6));
			*q++ = (char)('0' + (c >> 3 & 7));
			*q++ = (char)('0' + (c & 7));
		} else if (c >= 0x80) {
			q = put_high_byte(q, &p);
		} else {
			*q++ = (char)c;
		}
	}
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
