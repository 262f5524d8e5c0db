/* SPDX-License-Identifier: MIT */
/*
 * diag.c - printing diagnostics about the .pipe files; see diag.h.
 *
 * Each message is "file:line:col: error: text", then the source line, then
 * a caret under the column. The caret line copies the tabs of the source
 * line and counts a UTF-8 character as one column, so the caret lines up
 * with what a terminal shows. In color (gcc's choices): the place in
 * bold, the label in its kind's color (error red, warning magenta, note
 * cyan), the caret in green.
 */
#include "diag.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum Kind { ERROR, WARNING, NOTE };

static const char *const kind_names[] = {"error", "warning", "note"};
static const char *const kind_colors[] = {"\033[1;31m", "\033[1;35m",
                                          "\033[1;36m"};

/* Prints the source line `line` and the caret under column col. */
static void show_line(Diag *d, Loc loc)
{
	const Src *src = loc.file ? loc.file : d->src;
	if (!src || !src->text || loc.line < 1)
		return;
	const char *p = src->text, *end = src->text + src->len;
	for (int l = 1; l < loc.line && p < end; p++)
		if (*p == '\n')
			l++;
	const char *eol = p;
	while (eol < end && *eol != '\n')
		eol++;
	if (eol > p && eol[-1] == '\r')
		eol--;
	/* Very long lines are cut around the column. */
	const size_t max = 400;
	const char *from = p;
	size_t col = loc.col > 0 ? (size_t)loc.col - 1 : 0;
	if (col > (size_t)(eol - p))
		col = (size_t)(eol - p);
	if (col > max / 2)
		from = p + col - max / 2;
	const char *to = (size_t)(eol - from) > max ? from + max : eol;
	bool cut_left = from > p, cut_right = to < eol;

	fputs(cut_left ? "..." : "", d->out);
	for (const char *q = from; q < to; q++) {
		unsigned char c = (unsigned char)*q;
		fputc(c == '\t' || c >= 0x20 ? c : ' ', d->out);
	}
	fputs(cut_right ? "...\n" : "\n", d->out);

	fputs(cut_left ? "   " : "", d->out);
	for (const char *q = from; q < p + col; q++) {
		unsigned char c = (unsigned char)*q;
		if (c == '\t')
			fputc('\t', d->out);
		else if ((c & 0xc0) != 0x80) /* not a UTF-8 continuation */
			fputc(' ', d->out);
	}
	fputs(d->color ? "\033[1;32m^\033[0m\n" : "^\n", d->out);
}

static const char *const warning_names[] = {
#define DIAG_NAME(e, name, what) name,
        DIAG_WARNINGS(DIAG_NAME)
#undef DIAG_NAME
};
static const char *const warning_about[] = {
#define DIAG_ABOUT(e, name, what) what,
        DIAG_WARNINGS(DIAG_ABOUT)
#undef DIAG_ABOUT
};
_Static_assert(W_COUNT <= 32, "Diag's masks have a bit per warning");

const char *diag_warning_name(Warning w)
{
	return warning_names[w];
}

const char *diag_warning_about(Warning w)
{
	return warning_about[w];
}

Warning diag_warning_find(const char *name)
{
	for (int w = 0; w < W_COUNT; w++)
		if (strcmp(warning_names[w], name) == 0)
			return (Warning)w;
	return W_COUNT;
}

/* Prints one diagnostic; w names the warning it comes from (W_COUNT: an
 * error or a note of its own). */
static void vreport(Diag *d, enum Kind kind, Warning w, const Loc *loc,
                    const char *fmt, va_list ap)
{
	if (kind == NOTE && d->hidden)
		return;
	d->hidden = 0;
	if (kind == WARNING) {
		unsigned bit = 1u << w;
		if (d->no_warnings || (d->warn_off & bit)) {
			d->hidden = 1;
			return;
		}
		if (d->all_errors || (d->warn_error & bit))
			kind = ERROR;
	}
	if (kind == ERROR)
		d->errors++;
	else if (kind == WARNING)
		d->warnings++;
	if (d->max_errors > 0 && d->errors > d->max_errors) {
		if (kind == ERROR && d->errors == d->max_errors + 1)
			fprintf(d->out,
			        "pipec: too many errors (%d); the rest "
			        "are not shown\n",
			        d->max_errors);
		d->hidden = 1;
		return;
	}
	const Src *src = loc && loc->file ? loc->file : d->src;
	const char *path = src && src->path ? src->path : "pipec";
	const char *bold = d->color ? "\033[1m" : "";
	const char *color = d->color ? kind_colors[kind] : "";
	const char *reset = d->color ? "\033[0m" : "";
	if (loc)
		fprintf(d->out, "%s%s:%d:%d:%s ", bold, path, loc->line,
		        loc->col, reset);
	else
		fprintf(d->out, "%s%s:%s ", bold, path, reset);
	fprintf(d->out, "%s%s:%s ", color, kind_names[kind], reset);
	vfprintf(d->out, fmt, ap);
	if (w != W_COUNT)
		fprintf(d->out, " [%s-W%s%s%s]", color,
		        kind == ERROR ? "error=" : "", warning_names[w], reset);
	fputc('\n', d->out);
	if (loc)
		show_line(d, *loc);
}

void diag_error(Diag *d, Loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(d, ERROR, W_COUNT, &loc, fmt, ap);
	va_end(ap);
}

void diag_warning(Diag *d, Loc loc, Warning w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(d, WARNING, w, &loc, fmt, ap);
	va_end(ap);
}

void diag_note(Diag *d, Loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(d, NOTE, W_COUNT, &loc, fmt, ap);
	va_end(ap);
}

void diag_error_noloc(Diag *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(d, ERROR, W_COUNT, NULL, fmt, ap);
	va_end(ap);
}

_Noreturn void diag_out_of_memory(void)
{
	fflush(stdout);
	fputs("pipec: error: out of memory\n", stderr);
	exit(1);
}

_Noreturn void die_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "pipec: internal error (%s:%d): ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(3);
}
