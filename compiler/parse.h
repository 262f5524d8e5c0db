/* SPDX-License-Identifier: MIT */
/*
 * parse.h - the front end: the lexer (lexer.re, run through re2c) and the
 * parser (parser.y, run through lemon) that turn a .pipe file into a
 * Program (ast.h).
 *
 * The token codes (TK_PIPELINE, TK_IDENT, ...) are in the parser.h that
 * lemon generates next to parser.c; include it after this header when you
 * need them (the lexer and the unit tests do).
 */
#ifndef PIPEC_PARSE_H
#define PIPEC_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"

/*
 * Parses the whole file. Always returns a Program (in a), even after
 * syntax errors: each error is reported through d and counted in
 * d->errors, and the parser resynchronises at the next ';', stage body or
 * '}' to report more. Only a Program parsed without errors should be
 * given to check_program(). Sets p->is_module for a file without
 * 'pipeline NAME;' and stages that declares messages or imports.
 */
Program *parse_program(const Src *src, Arena *a, Diag *d);

/* ---- the lexer, used by the parser and by the unit tests ---- */

/* One token. text/len point into the source (not NUL-terminated). */
typedef struct Token {
	int kind;         /* TK_* from parser.h; 0 at the end of the input */
	const char *text; /* the token's bytes; for TK_BODY and the
	                     verbatim blocks, the text between the braces */
	size_t len;
	Loc loc;        /* the token's first byte; for TK_BODY and verbatim
	                   blocks, the first byte of the text inside */
	Loc open_loc;   /* TK_BODY, verbatim blocks: the opening brace */
	long long ival; /* TK_INT: the value (not set for TK_SIZE, whose
	                   text the checks read) */
	/* TK_SEMI: a comment that starts on the same line right after it
	 * (only blanks between), markers included ("// text", "/" "* text
	 * *" "/"); NULL if none. Points into the source. */
	const char *comment;
	size_t comment_len;
} Token;

typedef struct Lexer {
	const Src *src;
	Diag *d;
	const char *cur; /* next byte to read */
	const char *lim; /* one past the last byte (src->text + src->len) */
	const char *tok; /* start of the token being read */
	/* Line tracking: line of `seen`, and where that line starts. */
	const char *seen;
	const char *line_start;
	int line;
	/* Where a stage's port list is, so that the '{' after its ')' and
	 * its attributes is read as a C body: outside, after 'stage', inside
	 * the parentheses (depth in `parens`), after the closing ')' among
	 * the attributes, inside an attribute's parentheses (lexer.re). */
	int stage_state;
	int parens;
	int prev_kind; /* kind of the previous token */
} Lexer;

void lexer_init(Lexer *lx, const Src *src, Diag *d);
/*
 * The next token. Lexical errors (stray characters, unterminated strings,
 * comments, bodies and verbatim blocks, integers too large) are reported
 * through the lexer's Diag; the lexer then skips the bad bytes and goes
 * on, or, when the rest of the file was swallowed, returns the end.
 */
Token lexer_next(Lexer *lx);
/* The location of the byte at p (p within the source, not before the
 * last token returned). */
Loc lexer_loc(Lexer *lx, const char *p);

/* A printable name for a token kind, for messages: "';'", "'stage'",
 * "an identifier", "end of file". */
const char *token_kind_name(int kind);

#endif
