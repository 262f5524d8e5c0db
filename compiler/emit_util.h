/* SPDX-License-Identifier: MIT */
/*
 * emit_util.h - what the three emitters share: an output that counts its
 * lines (for #line directives back into the generated file), templates
 * with $-placeholders, and the names the generated code derives from the
 * .pipe file.
 *
 * Internal to the code generator (emit_header.c, emit_source.c,
 * emit_dot.c); the driver sees only emit.h.
 */
#ifndef PIPEC_EMIT_UTIL_H
#define PIPEC_EMIT_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ast.h"
#include "emit.h"
#include "gen_names.h"

/* A generated file being written. */
typedef struct Out {
	FILE *f;
	Arena *a;    /* where names and escaped strings are made */
	int line;    /* newlines written so far: the next line is line + 1 */
	bool failed; /* a write failed (errno says why) */
} Out;

void out_init(Out *o, FILE *f, Arena *a);
/* Writes s as is, counting its newlines. */
void out_puts(Out *o, const char *s);
void out_printf(Out *o, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* s as a C string literal, quotes included. */
void out_cstring(Out *o, const char *s);
/* s inside a C comment: a star and a slash that would end the comment or
 * open another are split by a space. */
void out_comment_text(Out *o, const char *s);
/* Flushes; false if any write failed. */
bool out_finish(Out *o);

/*
 * A template: the text with each $X replaced by vars[X - 'A'] (an upper-
 * case letter; NULL entries must not be used) and $$ by '$'. The
 * emitters use $M for a message's name, $U for its upper-case name and
 * $P for the pipeline's name.
 */
typedef struct Vars {
	const char *v[26];
} Vars;
void out_tmpl(Out *o, const Vars *vars, const char *tmpl);

/*
 * Verbatim text from the .pipe file (a stage body or a %{ %} block) that
 * starts at loc: with line directives on, a #line to the .pipe file before
 * it and a #line back to the generated file (back_name) after it. The text
 * keeps its columns: a first line holding code is indented to loc.col.
 * Ends with a newline.
 */
void out_verbatim(Out *o, const EmitOptions *eo, const char *back_name,
                  const char *text, Loc loc);

/* With line directives on: a #line making the next line `line` of the
 * .pipe file; and one making the next line its own line of the generated
 * file back_name. */
void out_line_to_src(Out *o, const EmitOptions *eo, int line);
void out_line_back(Out *o, const EmitOptions *eo, const char *back_name);

/* Everything generated for message m (types, functions, typed ports),
 * into the header of a pipeline or of a message file. */
void emit_message(Out *o, const EmitOptions *eo, const Message *m);

/* The .pipe file's name without its directories, for banners (which
 * must not depend on where the build ran). */
const char *src_base(const EmitOptions *eo);

/* The signature every stage body has, inline (static) or extern:
 * int P_stage_NAME(pipec_stage *self, const P_params *params, int replica,
 *                  int replicas, M_in *port, M_out *port, ...) */
void out_stage_signature(Out *o, const Program *p, const Stage *s);

/* A port's type as written: Num, Num.Generated or Num.{A, B}. */
void out_port_type(Out *o, const Port *pt);

/* Writes the tag constant of variant v of message m: NUM_GENERATED. */
void out_tag(Out *o, const Message *m, const Variant *v);

/*
 * The generated name of row id of gen_names.h, with $P, $M, $S ... taken
 * from the Program, message, variant and stage given (NULL where the row
 * does not use them): the one spelling the clash checks also use.
 */
const char *gen_name(Out *o, GenNameId id, const Program *p, const Message *m,
                     const Variant *v, const Stage *s);

#endif
