/* SPDX-License-Identifier: MIT */
/*
 * lexer.re - the tokens of a .pipe file (docs/language.md, "Lexical
 * structure"). re2c turns this file into lexer.c at build time.
 *
 * Where it sits: the parser (parser.y) pulls tokens one by one with
 * lexer_next() and hands them to the lemon parser.
 *
 * The scanner never reads past the end: the source is NUL-terminated, and
 * re2c's end-of-input rule ($) compares the cursor with the limit whenever
 * it reads a NUL, so a NUL byte inside the file is an ordinary (stray)
 * character. Comments, strings, C bodies and verbatim blocks are read by
 * small hand-written loops that check the limit on every byte.
 *
 * A stage's C body is recognised by context: after the ')' that closes the
 * port list of a stage, and after the attributes that may follow it
 * ("thread", "stack(64k)"), a '{' opens a body, captured verbatim up to
 * the matching '}'. Braces are counted outside C string and character
 * literals and C comments, so a '}' inside "..." or a comment does not end
 * the body. Inside an attribute's parentheses, a word that starts with a
 * digit is a size ("64k", "1M"): its spelling is checked later
 * (check_decls.c), so that a malformed one gets a message about sizes.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "parser.h"

/* Lexer.stage_state: where in a stage header the lexer is. */
enum {
	ST_NONE,        /* not in a stage header */
	ST_AFTER_STAGE, /* after 'stage' (and its name) */
	ST_PORTS,       /* inside the port list's parentheses */
	ST_AFTER_PORTS, /* after the port list, among the attributes */
	ST_ATTR_ARG,    /* inside an attribute's parentheses: stack(...) */
};

void lexer_init(Lexer *lx, const Src *src, Diag *d)
{
	memset(lx, 0, sizeof(*lx));
	lx->src = src;
	lx->d = d;
	lx->cur = src->text;
	lx->lim = src->text + src->len;
	lx->tok = src->text;
	lx->seen = src->text;
	lx->line_start = src->text;
	lx->line = 1;
}

Loc lexer_loc(Lexer *lx, const char *p)
{
	if (p < lx->seen) { /* going back: count again from the start */
		lx->seen = lx->src->text;
		lx->line_start = lx->src->text;
		lx->line = 1;
	}
	for (; lx->seen < p; lx->seen++) {
		if (*lx->seen == '\n') {
			lx->line++;
			lx->line_start = lx->seen + 1;
		}
	}
	return (Loc){lx->line, (int)(p - lx->line_start) + 1, lx->src};
}

const char *token_kind_name(int kind)
{
	switch (kind) {
	case 0: return "end of file";
	case TK_PIPELINE: return "'pipeline'";
	case TK_PARAM: return "'param'";
	case TK_MESSAGE: return "'message'";
	case TK_STAGE: return "'stage'";
	case TK_EXTERN: return "'extern'";
	case TK_IN: return "'in'";
	case TK_OUT: return "'out'";
	case TK_CHANNEL: return "'channel'";
	case TK_DROP: return "'drop'";
	case TK_COPY: return "'copy'";
	case TK_TRUE: return "'true'";
	case TK_FALSE: return "'false'";
	case TK_IMPORT: return "'import'";
	case TK_IDENT: return "a name";
	case TK_INT: return "an integer";
	case TK_SIZE: return "a size (such as 64k or 1M)";
	case TK_FLOAT: return "a number";
	case TK_STRING: return "a string";
	case TK_VERBATIM: return "a '%{' block";
	case TK_HVERBATIM: return "a '%header{' block";
	case TK_BODY: return "a stage body";
	case TK_SEMI: return "';'";
	case TK_COLON: return "':'";
	case TK_COMMA: return "','";
	case TK_DOT: return "'.'";
	case TK_STAR: return "'*'";
	case TK_EQ: return "'='";
	case TK_MINUS: return "'-'";
	case TK_LPAREN: return "'('";
	case TK_RPAREN: return "')'";
	case TK_LBRACE: return "'{'";
	case TK_RBRACE: return "'}'";
	case TK_LBRACKET: return "'['";
	case TK_RBRACKET: return "']'";
	case TK_ARROW: return "'->'";
	case TK_CAP_OPEN: return "'-['";
	case TK_CAP_CLOSE: return "']->'";
	case TK_BCAST: return "'=>'";
	case TK_BCAST_OPEN: return "'=['";
	case TK_BCAST_CLOSE: return "']=>'";
	default: return "a token";
	}
}

/* Skips a C string or character literal that starts at p (on the quote);
 * returns the byte after the closing quote, or NULL if the line or the
 * input ends first. */
static const char *skip_c_quoted(const char *p, const char *lim)
{
	char q = *p++;
	while (p < lim) {
		if (*p == q)
			return p + 1;
		if (*p == '\n')
			return NULL;
		if (*p == '\\') {
			p++;
			if (p >= lim)
				return NULL;
			/* a backslash-newline continues the literal */
		}
		p++;
	}
	return NULL;
}

/* Skips a C or .pipe block comment starting at p ("/" "*"); returns the
 * byte after its end, or NULL if the input ends first. */
static const char *skip_block_comment(const char *p, const char *lim)
{
	for (p += 2; p + 1 < lim; p++)
		if (p[0] == '*' && p[1] == '/')
			return p + 2;
	return NULL;
}

/* The comment that starts at p after blanks on the same line: how a
 * parameter's declaration is given its description. */
static void trailing_comment(const Lexer *lx, Token *t, const char *p)
{
	while (p < lx->lim && (*p == ' ' || *p == '\t'))
		p++;
	const char *e = NULL;
	if (p + 1 < lx->lim && p[0] == '/' && p[1] == '/') {
		for (e = p; e < lx->lim && *e != '\n'; e++)
			;
	} else if (p + 1 < lx->lim && p[0] == '/' && p[1] == '*') {
		e = skip_block_comment(p, lx->lim); /* unterminated: none */
	}
	if (e) {
		t->comment = p;
		t->comment_len = (size_t)(e - p);
	}
}

/* Reads a C body whose '{' is at lx->tok; fills t. */
static Token read_body(Lexer *lx, Token t)
{
	const char *p = lx->tok + 1, *lim = lx->lim;
	int depth = 1;
	t.open_loc = t.loc;
	t.loc = lexer_loc(lx, p);
	while (p < lim) {
		char c = *p;
		if (c == '"' || c == '\'') {
			const char *e = skip_c_quoted(p, lim);
			/* An unterminated literal in C is the C compiler's
			 * business; count on from the end of its line. */
			if (!e)
				for (e = p + 1; e < lim && *e != '\n'; e++)
					;
			p = e;
		} else if (c == '/' && p + 1 < lim && p[1] == '/') {
			while (p < lim && *p != '\n')
				p++;
		} else if (c == '/' && p + 1 < lim && p[1] == '*') {
			const char *e = skip_block_comment(p, lim);
			if (!e)
				break;
			p = e;
		} else if (c == '{') {
			depth++;
			p++;
		} else if (c == '}') {
			if (--depth == 0) {
				t.kind = TK_BODY;
				t.text = lx->tok + 1;
				t.len = (size_t)(p - t.text);
				lx->cur = p + 1;
				return t;
			}
			p++;
		} else {
			p++;
		}
	}
	diag_error(lx->d, t.open_loc,
		   "unterminated stage body: no '}' matches this '{'");
	/* The rest of the file is the body: the parser sees the end of the
	 * declaration, and says nothing more. */
	lx->cur = lim;
	t.kind = TK_BODY;
	t.text = lx->tok + 1;
	t.len = (size_t)(lim - t.text);
	return t;
}

/* Reads a verbatim block whose opening ("%{" or "%header{", skip bytes)
 * is at lx->tok. */
static Token read_verbatim(Lexer *lx, Token t, int kind, size_t skip)
{
	const char *p = lx->tok + skip, *lim = lx->lim;
	t.open_loc = t.loc;
	t.loc = lexer_loc(lx, p);
	for (; p + 1 < lim; p++) {
		if (p[0] == '%' && p[1] == '}') {
			t.kind = kind;
			t.text = lx->tok + skip;
			t.len = (size_t)(p - t.text);
			lx->cur = p + 2;
			return t;
		}
	}
	diag_error(lx->d, t.open_loc,
		   "unterminated C block: no '%%}' closes this '%.*s'",
		   (int)skip, lx->tok);
	lx->cur = lim;
	t.kind = kind;
	t.text = lx->tok + skip;
	t.len = (size_t)(lim - t.text);
	return t;
}

/* The value of an integer literal; reports one that does not fit. */
static long long int_value(Lexer *lx, Token *t)
{
	const char *p = t->text, *e = t->text + t->len;
	int base = 10;
	if (t->len > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	long long v = 0;
	for (; p < e; p++) {
		int dig = *p >= '0' && *p <= '9'   ? *p - '0'
			  : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
			  : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
						   : 99;
		if (dig >= base)
			break; /* an invalid number, already reported */
		if (v > (LLONG_MAX - dig) / base) {
			diag_error(lx->d, t->loc, "integer '%.*s' is too large",
				   (int)t->len, t->text);
			return LLONG_MAX;
		}
		v = v * base + dig;
	}
	return v;
}

static void stray(Lexer *lx, Token *t)
{
	unsigned char c = (unsigned char)*t->text;
	if (c >= 0x80)
		diag_error(lx->d, t->loc,
			   "unexpected non-ASCII character (outside strings, "
			   "comments and C code, only ASCII is allowed)");
	else if (c == 0)
		diag_error(lx->d, t->loc, "unexpected NUL byte");
	else if (c < 0x20 || c == 0x7f)
		diag_error(lx->d, t->loc, "unexpected control character 0x%02x",
			   c);
	else
		diag_error(lx->d, t->loc, "unexpected character '%c'", c);
}

/* Follows stage headers, token by token, so that the '{' after
 * "stage NAME(...)" opens a body. */
static void track_stage(Lexer *lx, int kind)
{
	switch (lx->stage_state) {
	case ST_NONE:
		lx->stage_state = kind == TK_STAGE ? ST_AFTER_STAGE : ST_NONE;
		break;
	case ST_AFTER_PORTS:
		/* an attribute's name, or the '(' of its argument */
		if (kind == TK_LPAREN)
			lx->stage_state = ST_ATTR_ARG;
		else if (kind != TK_IDENT)
			lx->stage_state =
				kind == TK_STAGE ? ST_AFTER_STAGE : ST_NONE;
		break;
	case ST_ATTR_ARG:
		if (kind == TK_RPAREN)
			lx->stage_state = ST_AFTER_PORTS;
		else if (kind == TK_SEMI)
			lx->stage_state = ST_NONE;
		else if (kind == TK_STAGE)
			lx->stage_state = ST_AFTER_STAGE;
		break;
	case ST_AFTER_STAGE:
		if (kind == TK_LPAREN) {
			lx->stage_state = ST_PORTS;
			lx->parens = 1;
		} else if (kind != TK_IDENT) {
			lx->stage_state =
				kind == TK_STAGE ? ST_AFTER_STAGE : ST_NONE;
		}
		break;
	case ST_PORTS:
		if (kind == TK_LPAREN) {
			lx->parens++;
		} else if (kind == TK_RPAREN) {
			if (--lx->parens == 0)
				lx->stage_state = ST_AFTER_PORTS;
		} else if (kind == TK_SEMI) {
			lx->stage_state = ST_NONE;
		} else if (kind == TK_STAGE) {
			lx->stage_state = ST_AFTER_STAGE;
		}
		break;
	}
}

/* A '{' opens a C body right after a stage's port list and attributes,
 * inside an attribute's unclosed parentheses, or inside an unclosed port
 * list where it cannot start a variant set ("Num.{"). */
static bool opens_body(const Lexer *lx)
{
	return lx->stage_state == ST_AFTER_PORTS ||
	       lx->stage_state == ST_ATTR_ARG ||
	       (lx->stage_state == ST_PORTS && lx->prev_kind != TK_DOT);
}

/*!re2c
	re2c:define:YYCTYPE = "unsigned char";
	re2c:define:YYCURSOR = "cur";
	re2c:define:YYMARKER = "mar";
	re2c:define:YYLIMIT = "lim";
	re2c:yyfill:enable = 0;
	re2c:eof = 0;

	ident = [a-zA-Z_][a-zA-Z_0-9]*;
	dec = [0-9]+;
	hex = "0" [xX] [0-9a-fA-F]+;
	exp = [eE] [+-]? [0-9]+;
	float = [0-9]+ "." [0-9]+ exp? | [0-9]+ exp;
*/

static Token scan(Lexer *lx)
{
	const unsigned char *cur = (const unsigned char *)lx->cur;
	const unsigned char *lim = (const unsigned char *)lx->lim;
	const unsigned char *mar = cur;
	Token t;
	for (;;) {
		memset(&t, 0, sizeof(t));
		lx->tok = (const char *)cur;
		t.text = lx->tok;
		/*!re2c
		$ {
			t.kind = 0;
			t.loc = lexer_loc(lx, lx->tok);
			t.len = 0;
			lx->cur = (const char *)cur;
			return t;
		}
		[ \t\r\n\v\f]+ { continue; }
		"//" [^\n]* { continue; }
		"/*" {
			const char *e = skip_block_comment(lx->tok, lx->lim);
			if (!e) {
				diag_error(lx->d, lexer_loc(lx, lx->tok),
					   "unterminated comment: no '*" "/' "
					   "closes this '/" "*'");
				cur = lim;
			} else {
				cur = (const unsigned char *)e;
			}
			continue;
		}
		"%{" {
			t.loc = lexer_loc(lx, lx->tok);
			return read_verbatim(lx, t, TK_VERBATIM, 2);
		}
		"%header{" {
			t.loc = lexer_loc(lx, lx->tok);
			return read_verbatim(lx, t, TK_HVERBATIM, 8);
		}
		["] ([^"\\\n\x00] | "\\" [^\n\x00])* ["] {
			t.kind = TK_STRING;
			goto done;
		}
		["] {
			diag_error(lx->d, lexer_loc(lx, lx->tok),
				   "unterminated string: no '\"' before the "
				   "end of the line");
			while (cur < lim && *cur != '\n')
				cur++;
			t.kind = TK_STRING; /* for the parser, a string */
			goto done;
		}
		"pipeline" { t.kind = TK_PIPELINE; goto done; }
		"param"    { t.kind = TK_PARAM; goto done; }
		"message"  { t.kind = TK_MESSAGE; goto done; }
		"stage"    { t.kind = TK_STAGE; goto done; }
		"extern"   { t.kind = TK_EXTERN; goto done; }
		"in"       { t.kind = TK_IN; goto done; }
		"out"      { t.kind = TK_OUT; goto done; }
		"channel"  { t.kind = TK_CHANNEL; goto done; }
		"drop"     { t.kind = TK_DROP; goto done; }
		"copy"     { t.kind = TK_COPY; goto done; }
		"true"     { t.kind = TK_TRUE; goto done; }
		"false"    { t.kind = TK_FALSE; goto done; }
		"import"   { t.kind = TK_IMPORT; goto done; }
		ident      { t.kind = TK_IDENT; goto done; }
		dec | hex  { t.kind = TK_INT; goto done; }
		float      { t.kind = TK_FLOAT; goto done; }
		[0-9] [a-zA-Z0-9_.]* {
			if (lx->stage_state == ST_ATTR_ARG) {
				t.kind = TK_SIZE;
				goto done;
			}
			diag_error(lx->d, lexer_loc(lx, lx->tok),
				   "invalid number '%.*s'",
				   (int)((const char *)cur - lx->tok), lx->tok);
			t.kind = TK_INT; /* for the parser, a number */
			goto done;
		}
		[a-zA-Z_0-9\x80-\xff]* [\x80-\xff] [a-zA-Z_0-9\x80-\xff]* {
			diag_error(lx->d, lexer_loc(lx, lx->tok),
				   "'%.*s' is not a valid name: names are "
				   "ASCII letters, digits and '_'",
				   (int)((const char *)cur - lx->tok), lx->tok);
			t.kind = TK_IDENT; /* for the parser, a name */
			goto done;
		}
		";"   { t.kind = TK_SEMI; goto done; }
		":"   { t.kind = TK_COLON; goto done; }
		","   { t.kind = TK_COMMA; goto done; }
		"."   { t.kind = TK_DOT; goto done; }
		"*"   { t.kind = TK_STAR; goto done; }
		"="   { t.kind = TK_EQ; goto done; }
		"-"   { t.kind = TK_MINUS; goto done; }
		"("   { t.kind = TK_LPAREN; goto done; }
		")"   { t.kind = TK_RPAREN; goto done; }
		"{"   { t.kind = TK_LBRACE; goto done; }
		"}"   { t.kind = TK_RBRACE; goto done; }
		"["   { t.kind = TK_LBRACKET; goto done; }
		"]"   { t.kind = TK_RBRACKET; goto done; }
		"->"  { t.kind = TK_ARROW; goto done; }
		"-["  { t.kind = TK_CAP_OPEN; goto done; }
		"]->" { t.kind = TK_CAP_CLOSE; goto done; }
		"=>"  { t.kind = TK_BCAST; goto done; }
		"=["  { t.kind = TK_BCAST_OPEN; goto done; }
		"]=>" { t.kind = TK_BCAST_CLOSE; goto done; }
		[\x80-\xff]+ {
			t.loc = lexer_loc(lx, lx->tok);
			stray(lx, &t);
			continue;
		}
		* {
			t.loc = lexer_loc(lx, lx->tok);
			stray(lx, &t);
			continue;
		}
		*/
	}
done:
	(void)mar;
	if ((t.kind == TK_INT || t.kind == TK_FLOAT) &&
	    lx->stage_state == ST_ATTR_ARG)
		t.kind = TK_SIZE; /* "65536", "0x10", "1.5": checked later */
	lx->cur = (const char *)cur;
	t.len = (size_t)(lx->cur - lx->tok);
	t.loc = lexer_loc(lx, lx->tok);
	if (t.kind == TK_LBRACE && opens_body(lx))
		return read_body(lx, t);
	if (t.kind == TK_INT)
		t.ival = int_value(lx, &t);
	if (t.kind == TK_SEMI)
		trailing_comment(lx, &t, lx->cur);
	return t;
}

Token lexer_next(Lexer *lx)
{
	Token t = scan(lx);
	if (t.kind == TK_BODY)
		lx->stage_state = ST_NONE;
	else
		track_stage(lx, t.kind);
	lx->prev_kind = t.kind;
	return t;
}
