/* SPDX-License-Identifier: MIT */
/*
 * emit.h - code generation from a checked Program.
 *
 * Where it sits: the last pass. The driver (main.c) opens temporary files,
 * calls these, and renames the files into place only if every pass
 * succeeded. The emitters never see an unchecked Program and report no user
 * errors; they return false only when writing fails (errno says why).
 *
 * Output is deterministic: the same Program and options give the same
 * bytes (no dates, no absolute paths).
 */
#ifndef PIPEC_EMIT_H
#define PIPEC_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "arena.h"
#include "ast.h"

typedef struct EmitOptions {
	bool line_directives;    /* #line back to the .pipe (--no-line: off) */
	bool with_main;          /* --main: a main() parsing --param flags */
	const char *src_name;    /* the .pipe path for #line and banners, as
	                            given on the command line */
	const char *header_name; /* how the .c file #includes the header */
	const char *out_name;    /* the .c file's own name, for the #line
	                            directives that point back into it */
	Arena *arena;            /* the compile's: names, escaped strings */
} EmitOptions;

bool emit_header(const Program *p, const EmitOptions *o, FILE *out);
bool emit_source(const Program *p, const EmitOptions *o, FILE *out);
/* The pipeline as a Graphviz digraph (--dot). */
bool emit_dot(const Program *p, FILE *out, Arena *a);

#endif
