/* SPDX-License-Identifier: MIT */
/*
 * source.c - reading a .pipe file; see source.h.
 */
#include "source.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* Why the file cannot be used: reported about the file itself, or at the
 * import that names it. */
static void cannot(Diag *d, const Import *at, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void cannot(Diag *d, const Import *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *why = malloc(n < 0 ? 1 : (size_t)n + 1);
	if (!why)
		diag_out_of_memory();
	va_start(ap, fmt);
	vsnprintf(why, n < 0 ? 1 : (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (at)
		diag_error(d, at->loc, "cannot import '%s': %s", at->path, why);
	else
		diag_error_noloc(d, "%s", why);
	free(why);
}

bool source_read(Src *src, const char *path, Arena *a, Diag *d,
                 const Import *at)
{
	src->path = path;
	src->text = "";
	src->len = 0;
	/* The file pipec was given is "the file"; an imported one is named
	 * by its path, which says where the import's path led. */
	const char *it = at ? arena_printf(a, "'%s'", path) : "the file";
	FILE *f = fopen(path, "rb");
	if (!f) {
		int err = errno;
		cannot(d, at, "cannot open %s: %s", it, strerror(err));
		return false;
	}
	/* Read in growing steps: memory follows the file's size, and a file
	 * larger than the limit is not read further. */
	size_t cap = 64 * 1024, n = 0;
	char *buf = malloc(cap);
	if (!buf) {
		fclose(f);
		diag_out_of_memory();
	}
	for (;;) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap || n > SOURCE_MAX_SIZE)
			break;
		cap *= 2;
		char *more = realloc(buf, cap);
		if (!more) {
			free(buf);
			fclose(f);
			diag_out_of_memory();
		}
		buf = more;
	}
	bool failed = ferror(f);
	int err = errno;
	fclose(f);
	char *text = arena_strndup(a, buf, n > SOURCE_MAX_SIZE ? 0 : n);
	free(buf);
	if (failed) {
		cannot(d, at, "cannot read %s: %s", it, strerror(err));
		return false;
	}
	if (n > SOURCE_MAX_SIZE) {
		cannot(d, at, "%s is too large (more than %d MiB)", it,
		       SOURCE_MAX_SIZE / (1024 * 1024));
		return false;
	}
	src->text = text;
	src->len = n;
	if (n == 0) {
		if (at)
			cannot(d, at, "%s is empty", it);
		else
			diag_error_noloc(d, "the file is empty; a .pipe file "
			                    "starts with 'pipeline NAME;'");
		return false;
	}
	const char *nul = memchr(text, '\0', n);
	if (nul) {
		Lexer lx;
		lexer_init(&lx, src, d);
		diag_error(
		        d, lexer_loc(&lx, nul),
		        "the file contains a NUL byte: it is not a text file");
		return false;
	}
	return true;
}
