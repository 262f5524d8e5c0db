/* SPDX-License-Identifier: MIT */
/*
 * parser.y - the grammar of a .pipe file (docs/language.md, "Grammar").
 * lemon turns this file into parser.c and parser.h at build time.
 *
 * Where it sits: parse_program() (at the end of this file) pulls tokens from
 * the lexer (lexer.re) and pushes them into the lemon parser, whose actions
 * build the Program (ast.h) in the arena. Declarations are appended to the
 * Program's lists as they are reduced, so the lists are in source order.
 *
 * Errors: a syntax error is reported once, saying what the parser expected
 * there (worked out from lemon's tables, see accepts() and syntax_error():
 * they use the internals of lemon's template, which is why
 * compiler/lempar.c is kept in the repository), then the parser
 * resynchronises with the `error` rules: at the next ';' or stage body for
 * a declaration, at the next ';' for a variant inside a message.
 */

%token_prefix TK_
%token_type {Token}
%extra_argument {ParseState *ps}
%start_symbol file

/* ORDER: token_kind_name() in lexer.re lists every one of these, and
 * syntax_error() takes PIPELINE..IMPORT to be exactly the keywords. */
%token PIPELINE PARAM MESSAGE STAGE EXTERN IN OUT CHANNEL DROP COPY TRUE FALSE
	IMPORT.
%token IDENT INT FLOAT SIZE STRING VERBATIM HVERBATIM BODY.
%token SEMI COLON COMMA DOT STAR EQ MINUS LPAREN RPAREN LBRACE RBRACE.
%token LBRACKET RBRACKET.
%token ARROW CAP_OPEN CAP_CLOSE BCAST BCAST_OPEN BCAST_CLOSE.

%include {
#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "util.h"

/* Where the parser is, for messages: set from the tokens before they are
 * parsed (see track_context()). */
typedef enum Context {
	CTX_TOP,
	CTX_PIPELINE,
	CTX_PARAM,
	CTX_MESSAGE,
	CTX_STAGE,
	CTX_CHANNEL,
	CTX_WIRING,
	CTX_IMPORT,
} Context;

typedef struct ParseState {
	Program *p;
	Arena *a;
	Diag *d;
	/* tails of the Program's lists, for appending in source order */
	Verbatim **verb_tail;
	Param **param_tail;
	Message **msg_tail;
	Stage **stage_tail;
	ChannelDecl **chan_tail;
	Edge **edge_tail;
	Import **import_tail;
	/* context of the declaration being parsed */
	Context ctx;
	bool at_decl_start; /* the next token starts a declaration */
	bool at_decl_start_extern; /* the last token was 'extern' */
	int braces;         /* '{' depth inside the declaration */
	int braces_before;  /* braces before the current token */
	bool quiet;         /* a lexical error was just reported */
} ParseState;

/* Lists built bottom-up by the grammar rules. */
typedef struct Hooks {
	const char *drop, *copy;
	Loc drop_loc, copy_loc;
} Hooks;
typedef struct VariantList {
	Variant *head, *tail;
	int n;
} VariantList;
typedef struct FieldList {
	Field *head, *tail;
	int n;
} FieldList;
typedef struct PortList {
	Port *head, *tail;
	int n;
} PortList;
typedef struct VRefList {
	VariantRef *head, *tail;
} VRefList;
typedef struct CType {
	const char *text;
	Loc loc;
} CType;
typedef struct PortType {
	const char *msg;
	Loc loc;
	VariantRef *variants;
} PortType;
typedef struct ChanType {
	const char *name;
	Loc loc;
} ChanType;
typedef struct Arrow {
	Count cap;
	bool broadcast;
	Loc loc;
} Arrow;
/* A stage attribute as written: NAME or NAME(SIZE). Which names exist,
 * and what they take, is set_attrs()'s business, so that a wrong one gets
 * a message of its own rather than a syntax error. */
typedef struct Attr {
	Token name;
	bool has_arg;
	Token arg;
	struct Attr *next;
} Attr;
typedef struct AttrList {
	Attr *head, *tail;
} AttrList;

/* lemon's entry points, defined below without prototypes of their own */
void *ParseAlloc(void *(*malloc_fn)(size_t));
void ParseFree(void *p, void (*free_fn)(void *));
void Parse(void *p, int major, Token minor, ParseState *ps);
void ParseInit(void *p);
void ParseFinalize(void *p);
int ParseFallback(int token);
void ParseTrace(FILE *out, char *prompt);

struct yyParser;
static void syntax_error(struct yyParser *parser, int major, Token tok);

static const char *name_of(ParseState *ps, Token t)
{
	return arena_strndup(ps->a, t.text, t.len);
}

static Count count_none(void)
{
	Count c;
	memset(&c, 0, sizeof(c));
	c.kind = COUNT_NONE;
	return c;
}

static void add_edge(ParseState *ps, EndRef from, Arrow arrow, EndRef to)
{
	Edge *e = ARENA_NEW(ps->a, Edge);
	e->from = from;
	e->to = to;
	e->cap = arrow.cap;
	e->broadcast = arrow.broadcast;
	e->loc = arrow.loc;
	*ps->edge_tail = e;
	ps->edge_tail = &e->next;
	ps->p->nedges++;
}

static void set_pipeline(ParseState *ps, Token name)
{
	if (ps->p->name) {
		diag_error(ps->d, name.loc, "a second 'pipeline' declaration");
		diag_note(ps->d, ps->p->name_loc,
			  "the pipeline was named here");
		return;
	}
	ps->p->name = name_of(ps, name);
	ps->p->name_loc = name.loc;
}

/* import "PATH";  S is the string, quotes included. */
static void add_import(ParseState *ps, Token s)
{
	if (s.len < 2 || s.text[s.len - 1] != '"')
		return; /* an unterminated string, reported */
	const char *path = arena_strndup(ps->a, s.text + 1, s.len - 2);
	if (!path[0]) {
		diag_error(ps->d, s.loc, "an import needs the path of a file");
		return;
	}
	if (strchr(path, '\\')) {
		diag_error(ps->d, s.loc,
			   "an imported file's path cannot hold a backslash "
			   "(write it without escapes, with '/' between "
			   "directories)");
		return;
	}
	Import *imp = ARENA_NEW(ps->a, Import);
	imp->path = path;
	imp->header = util_with_ext(ps->a, path, ".h");
	imp->loc = s.loc;
	*ps->import_tail = imp;
	ps->import_tail = &imp->next;
	ps->p->nimports++;
}

/* A string literal, as the C the emitters paste it into must read it;
 * an escape C would refuse is an error here, at the escape. */
static const char *string_literal(ParseState *ps, Token t)
{
	const char *text = name_of(ps, t);
	if (t.len < 2 || text[t.len - 1] != '"')
		return text; /* an unterminated string, reported */
	const char *why, *bad = util_string_bad_escape(ps->a, text, &why);
	if (bad) {
		Loc at = t.loc;
		at.col += (int)(bad - text);
		diag_error(ps->d, at, "%s", why);
	}
	return util_c_literal(ps->a, text);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* A parameter's description: the text of the comment after its ';' (see
 * Token.comment), without the markers (and the extra '/' of "///" or '*'
 * of "/" "** ... **" "/"), trimmed, each run of white space made one
 * space; NULL when there is no comment or it is blank. */
static const char *help_text(ParseState *ps, Token semi)
{
	if (!semi.comment)
		return NULL;
	char mark = semi.comment[1]; /* '/' or '*' */
	const char *p = semi.comment + 2, *e = semi.comment + semi.comment_len;
	if (mark == '*')
		e -= 2;
	while (p < e && *p == mark)
		p++;
	while (mark == '*' && e > p && e[-1] == '*')
		e--;
	char *text = arena_alloc(ps->a, (size_t)(e - p) + 1), *q = text;
	for (; p < e; p++) {
		if (!is_blank(*p))
			*q++ = *p;
		else if (q > text && p + 1 < e && !is_blank(p[1]))
			*q++ = ' ';
	}
	*q = '\0';
	return q > text ? text : NULL;
}

static bool token_is(Token t, const char *word)
{
	return t.len == strlen(word) && memcmp(t.text, word, t.len) == 0;
}

/* ORDER: ParamType in ast.h. */
static const char *const type_words[] = {"int",    "long", "size",
					  "double", "bool", "string"};

static ParamType param_type_of(ParseState *ps, Token t)
{
	for (size_t i = 0; i < sizeof(type_words) / sizeof(type_words[0]);
	     i++)
		if (token_is(t, type_words[i]))
			return (ParamType)i;
	diag_error(ps->d, t.loc,
		   "unknown parameter type '%.*s'; the types are int, long, "
		   "size, double, bool and string",
		   (int)t.len, t.text);
	return PT_INT;
}

static Port *new_port(ParseState *ps, PortDir dir, Token name, PortType t)
{
	Port *p = ARENA_NEW(ps->a, Port);
	p->name = name_of(ps, name);
	p->loc = name.loc;
	p->dir = dir;
	p->msg_name = t.msg;
	p->msg_loc = t.loc;
	p->variants = t.variants;
	return p;
}

static Stage *new_stage(ParseState *ps, Token name, const PortList *ports,
			bool is_extern)
{
	Stage *s = ARENA_NEW(ps->a, Stage);
	s->name = name_of(ps, name);
	s->loc = name.loc;
	if (ports) {
		s->ports = ports->head;
		s->nports = ports->n;
	}
	s->is_extern = is_extern;
	s->replicas = count_none();
	s->index = ps->p->nstages++;
	*ps->stage_tail = s;
	ps->stage_tail = &s->next;
	return s;
}

static Attr *new_attr(ParseState *ps, Token name, const Token *arg)
{
	Attr *a = ARENA_NEW(ps->a, Attr);
	a->name = name;
	if (arg) {
		a->has_arg = true;
		a->arg = *arg;
	}
	return a;
}

/* Gives s the attributes written after its port list: 'thread' and
 * 'stack(SIZE)', each at most once (the size's value is checked with the
 * declarations, check_decls.c). */
static void set_attrs(ParseState *ps, Stage *s, const Attr *a)
{
	const Attr *thread = NULL, *stack = NULL;
	for (; a; a = a->next) {
		const Attr **first;
		if (token_is(a->name, "thread")) {
			first = &thread;
		} else if (token_is(a->name, "stack")) {
			first = &stack;
		} else {
			diag_error(ps->d, a->name.loc,
				   "unknown stage attribute '%.*s'; the "
				   "attributes are 'thread' and 'stack(SIZE)'",
				   (int)a->name.len, a->name.text);
			continue;
		}
		if (*first) {
			diag_error(ps->d, a->name.loc,
				   "a second '%.*s' attribute on stage '%s'",
				   (int)a->name.len, a->name.text, s->name);
			diag_note(ps->d, (*first)->name.loc,
				  "the first is here");
			continue;
		}
		*first = a;
		if (first == &thread && a->has_arg) {
			diag_error(ps->d, a->arg.loc,
				   "the attribute 'thread' takes no argument");
		} else if (first == &thread) {
			s->thread = true;
			s->thread_loc = a->name.loc;
		} else if (!a->has_arg) {
			diag_error(ps->d, a->name.loc,
				   "the attribute 'stack' needs a size in "
				   "parentheses: stack(64k), stack(1M)");
		} else {
			s->stack_text = name_of(ps, a->arg);
			s->stack_loc = a->arg.loc;
		}
	}
}

static VariantRef *new_vref(ParseState *ps, Token name)
{
	VariantRef *v = ARENA_NEW(ps->a, VariantRef);
	v->name = name_of(ps, name);
	v->loc = name.loc;
	return v;
}

static EndRef new_end(ParseState *ps, Token name)
{
	EndRef e;
	memset(&e, 0, sizeof(e));
	e.name = name_of(ps, name);
	e.loc = name.loc;
	e.replicas = count_none();
	return e;
}
}

%syntax_error {
	syntax_error(yypParser, yymajor, TOKEN);
}

%stack_overflow {
	diag_error_noloc(ps->d, "the input is nested too deeply to parse");
}

%type hooks {Hooks}
%type variants {VariantList}
%type variant {Variant *}
%type fields {FieldList}
%type field {Field *}
%type ctype {CType}
%type literal {Lit}
%type stage_head {Stage *}
%type attrs {AttrList}
%type attr {Attr *}
%type port_list {PortList}
%type port {Port *}
%type port_type {PortType}
%type vnames {VRefList}
%type chan_type {ChanType}
%type chan_cap {Count}
%type count {Count}
%type chain {EndRef}
%type end {EndRef}
%type endname {EndRef}
%type arrow {Arrow}

/* file = { decl } ; */
file ::= decls.
decls ::= .
decls ::= decls decl.

/* decl = "pipeline" NAME [ "allow" "cycles" ] ";" */
decl ::= PIPELINE IDENT(N) SEMI. { set_pipeline(ps, N); }
decl ::= PIPELINE IDENT(N) IDENT(A) IDENT(C) SEMI. {
	set_pipeline(ps, N);
	if (!token_is(A, "allow") || !token_is(C, "cycles"))
		diag_error(ps->d, A.loc,
			   "expected ';' or 'allow cycles' after the "
			   "pipeline's name");
	else
		ps->p->allow_cycles = true;
}

/* decl = "import" STRING ";" */
decl ::= IMPORT STRING(S) SEMI. { add_import(ps, S); }

/* decl = "%{" C "%}" | "%header{" C "%}" */
decl ::= VERBATIM(V). {
	Verbatim *v = ARENA_NEW(ps->a, Verbatim);
	v->text = name_of(ps, V);
	v->loc = V.loc;
	*ps->verb_tail = v;
	ps->verb_tail = &v->next;
	ps->p->nverbatims++;
}
decl ::= HVERBATIM(V). {
	Verbatim *v = ARENA_NEW(ps->a, Verbatim);
	v->text = name_of(ps, V);
	v->loc = V.loc;
	v->in_header = true;
	*ps->verb_tail = v;
	ps->verb_tail = &v->next;
	ps->p->nverbatims++;
}

/* decl = "param" NAME ":" TYPE "=" literal ";" [ COMMENT ] */
decl ::= PARAM IDENT(N) COLON IDENT(T) EQ literal(L) SEMI(S). {
	Param *p = ARENA_NEW(ps->a, Param);
	p->name = name_of(ps, N);
	p->loc = N.loc;
	p->type = param_type_of(ps, T);
	p->type_loc = T.loc;
	p->def = L;
	p->help = help_text(ps, S);
	p->index = ps->p->nparams++;
	*ps->param_tail = p;
	ps->param_tail = &p->next;
}

/* literal = [ "-" ] INT | [ "-" ] FLOAT | STRING | "true" | "false" */
literal(L) ::= INT(T). {
	memset(&L, 0, sizeof(L));
	L.kind = LIT_INT;
	L.text = name_of(ps, T);
	L.ival = T.ival;
	L.loc = T.loc;
}
literal(L) ::= MINUS(M) INT(T). {
	memset(&L, 0, sizeof(L));
	L.kind = LIT_INT;
	L.text = arena_printf(ps->a, "-%.*s", (int)T.len, T.text);
	L.ival = -T.ival;
	L.loc = M.loc;
}
literal(L) ::= FLOAT(T). {
	memset(&L, 0, sizeof(L));
	L.kind = LIT_FLOAT;
	L.text = name_of(ps, T);
	L.loc = T.loc;
}
literal(L) ::= MINUS(M) FLOAT(T). {
	memset(&L, 0, sizeof(L));
	L.kind = LIT_FLOAT;
	L.text = arena_printf(ps->a, "-%.*s", (int)T.len, T.text);
	L.loc = M.loc;
}
literal(L) ::= STRING(T). {
	memset(&L, 0, sizeof(L));
	L.kind = LIT_STRING;
	L.text = string_literal(ps, T);
	L.loc = T.loc;
}
literal(L) ::= TRUE(T). {
	memset(&L, 0, sizeof(L));
	L.kind = LIT_BOOL;
	L.text = "true";
	L.ival = 1;
	L.loc = T.loc;
}
literal(L) ::= FALSE(T). {
	memset(&L, 0, sizeof(L));
	L.kind = LIT_BOOL;
	L.text = "false";
	L.loc = T.loc;
}

/* decl = "message" NAME { hook } "{" { variant } "}" */
decl ::= MESSAGE IDENT(N) hooks(H) LBRACE variants(V) RBRACE. {
	Message *m = ARENA_NEW(ps->a, Message);
	m->name = name_of(ps, N);
	m->loc = N.loc;
	m->variants = V.head;
	m->nvariants = V.n;
	m->drop_fn = H.drop;
	m->drop_loc = H.drop_loc;
	m->copy_fn = H.copy;
	m->copy_loc = H.copy_loc;
	m->index = ps->p->nmessages++;
	*ps->msg_tail = m;
	ps->msg_tail = &m->next;
}

/* hook = "drop" "(" NAME ")" | "copy" "(" NAME ")" */
hooks(H) ::= . { memset(&H, 0, sizeof(H)); }
hooks(H) ::= hooks(A) DROP(K) LPAREN IDENT(F) RPAREN. {
	H = A;
	if (H.drop) {
		diag_error(ps->d, K.loc, "a second drop hook");
		diag_note(ps->d, H.drop_loc, "the first is here");
	} else {
		H.drop = name_of(ps, F);
		H.drop_loc = F.loc;
	}
}
hooks(H) ::= hooks(A) COPY(K) LPAREN IDENT(F) RPAREN. {
	H = A;
	if (H.copy) {
		diag_error(ps->d, K.loc, "a second copy hook");
		diag_note(ps->d, H.copy_loc, "the first is here");
	} else {
		H.copy = name_of(ps, F);
		H.copy_loc = F.loc;
	}
}

variants(L) ::= . { memset(&L, 0, sizeof(L)); }
variants(L) ::= variants(A) variant(V). {
	L = A;
	if (V) {
		V->index = L.n++;
		if (L.tail)
			L.tail->next = V;
		else
			L.head = V;
		L.tail = V;
	}
}

/* variant = NAME [ "(" ( ctype | field { "," field } ) ")" ] ";" */
variant(V) ::= IDENT(N) SEMI. {
	V = ARENA_NEW(ps->a, Variant);
	V->name = name_of(ps, N);
	V->loc = N.loc;
	V->kind = VK_EMPTY;
}
variant(V) ::= IDENT(N) LPAREN ctype(T) RPAREN SEMI. {
	V = ARENA_NEW(ps->a, Variant);
	V->name = name_of(ps, N);
	V->loc = N.loc;
	V->kind = VK_SINGLE;
	V->ctype = T.text;
	V->ctype_loc = T.loc;
}
variant(V) ::= IDENT(N) LPAREN fields(F) RPAREN SEMI. {
	V = ARENA_NEW(ps->a, Variant);
	V->name = name_of(ps, N);
	V->loc = N.loc;
	V->kind = VK_FIELDS;
	V->fields = F.head;
	V->nfields = F.n;
}
variant(V) ::= error SEMI. { V = NULL; }

fields(L) ::= field(F). {
	L.head = L.tail = F;
	L.n = 1;
}
fields(L) ::= fields(A) COMMA field(F). {
	L = A;
	L.tail->next = F;
	L.tail = F;
	L.n++;
}

/* field = NAME ":" ctype */
field(F) ::= IDENT(N) COLON ctype(T). {
	F = ARENA_NEW(ps->a, Field);
	F->name = name_of(ps, N);
	F->loc = N.loc;
	F->ctype = T.text;
	F->ctype_loc = T.loc;
}

/* ctype = WORD { WORD | "*" } ; kept as "words *", e.g. "const char **" */
ctype(T) ::= IDENT(W). {
	T.text = name_of(ps, W);
	T.loc = W.loc;
}
ctype(T) ::= ctype(A) IDENT(W). {
	T = A;
	T.text = arena_printf(ps->a, "%s %.*s", A.text, (int)W.len, W.text);
}
ctype(T) ::= ctype(A) STAR. {
	size_t n = strlen(A.text);
	T = A;
	T.text = arena_printf(ps->a, "%s%s", A.text,
			      A.text[n - 1] == '*' ? "*" : " *");
}

/* decl = [ "extern" ] "stage" NAME "(" [ port { "," port } ] ")"
 *        { attribute } ( BODY | ";" ) */
decl ::= stage_head(S) attrs(A) BODY(B). {
	set_attrs(ps, S, A.head);
	S->body = name_of(ps, B);
	S->body_loc = B.loc;
}
decl ::= stage_head(S) attrs(A) SEMI. { set_attrs(ps, S, A.head); }

/* attribute = NAME [ "(" SIZE ")" ]; the names are not keywords */
attrs(L) ::= . { memset(&L, 0, sizeof(L)); }
attrs(L) ::= attrs(A) attr(X). {
	L = A;
	if (L.tail)
		L.tail->next = X;
	else
		L.head = X;
	L.tail = X;
}
attr(X) ::= IDENT(N). { X = new_attr(ps, N, NULL); }
attr(X) ::= IDENT(N) LPAREN SIZE(V) RPAREN. { X = new_attr(ps, N, &V); }

/* The port list has no empty rule (an empty list is spelled out), so that
 * after '(' the parser still expects a port direction when it meets
 * something else, and says so. */
stage_head(S) ::= STAGE IDENT(N) LPAREN RPAREN. {
	S = new_stage(ps, N, NULL, false);
}
stage_head(S) ::= STAGE IDENT(N) LPAREN port_list(P) RPAREN. {
	S = new_stage(ps, N, &P, false);
}
stage_head(S) ::= EXTERN STAGE IDENT(N) LPAREN RPAREN. {
	S = new_stage(ps, N, NULL, true);
}
stage_head(S) ::= EXTERN STAGE IDENT(N) LPAREN port_list(P) RPAREN. {
	S = new_stage(ps, N, &P, true);
}

port_list(L) ::= port(P). {
	L.head = L.tail = P;
	P->index = 0;
	L.n = 1;
}
port_list(L) ::= port_list(A) COMMA port(P). {
	L = A;
	P->index = L.n++;
	L.tail->next = P;
	L.tail = P;
}

/* port = ( "in" | "out" ) NAME ":" MESSAGE [ "." ( VARIANT
 *        | "{" VARIANT { "," VARIANT } "}" ) ] */
port(P) ::= IN IDENT(N) COLON port_type(T). {
	P = new_port(ps, PORT_IN, N, T);
}
port(P) ::= OUT IDENT(N) COLON port_type(T). {
	P = new_port(ps, PORT_OUT, N, T);
}
port_type(T) ::= IDENT(M). {
	T.msg = name_of(ps, M);
	T.loc = M.loc;
	T.variants = NULL;
}
port_type(T) ::= IDENT(M) DOT IDENT(V). {
	T.msg = name_of(ps, M);
	T.loc = M.loc;
	T.variants = new_vref(ps, V);
}
port_type(T) ::= IDENT(M) DOT LBRACE vnames(L) RBRACE. {
	T.msg = name_of(ps, M);
	T.loc = M.loc;
	T.variants = L.head;
}
vnames(L) ::= IDENT(V). { L.head = L.tail = new_vref(ps, V); }
vnames(L) ::= vnames(A) COMMA IDENT(V). {
	L = A;
	L.tail->next = new_vref(ps, V);
	L.tail = L.tail->next;
}

/* decl = "channel" NAME [ ":" MESSAGE ] [ "[" count "]" ] ";" */
decl ::= CHANNEL IDENT(N) chan_type(T) chan_cap(C) SEMI. {
	ChannelDecl *c = ARENA_NEW(ps->a, ChannelDecl);
	c->name = name_of(ps, N);
	c->loc = N.loc;
	c->msg_name = T.name;
	c->msg_loc = T.loc;
	c->cap = C;
	*ps->chan_tail = c;
	ps->chan_tail = &c->next;
	ps->p->nchandecls++;
}
chan_type(T) ::= . { memset(&T, 0, sizeof(T)); }
chan_type(T) ::= COLON IDENT(M). {
	T.name = name_of(ps, M);
	T.loc = M.loc;
}
chan_cap(C) ::= . { C = count_none(); }
chan_cap(C) ::= LBRACKET count(A) RBRACKET. { C = A; }

/* count = INT | "-" INT | PARAM | "*" */
count(C) ::= INT(T). {
	C = count_none();
	C.kind = COUNT_LIT;
	C.value = T.ival;
	C.loc = T.loc;
}
count(C) ::= MINUS(M) INT(T). {
	C = count_none();
	C.kind = COUNT_LIT;
	C.value = -T.ival;
	C.loc = M.loc;
}
count(C) ::= IDENT(T). {
	C = count_none();
	C.kind = COUNT_PARAM;
	C.param = name_of(ps, T);
	C.loc = T.loc;
}
count(C) ::= STAR(T). {
	C = count_none();
	C.kind = COUNT_UNBOUNDED;
	C.loc = T.loc;
}

/* decl = end arrow end { arrow end } ";" */
decl ::= chain SEMI.
chain(C) ::= end(A) arrow(R) end(B). {
	add_edge(ps, A, R, B);
	C = B;
}
chain(C) ::= chain(A) arrow(R) end(B). {
	add_edge(ps, A, R, B);
	C = B;
}

/* end = NAME [ "." PORT ] [ "*" count ] */
end(E) ::= endname(A). { E = A; }
end(E) ::= endname(A) STAR count(C). {
	E = A;
	E.replicas = C;
}
endname(E) ::= IDENT(N). { E = new_end(ps, N); }
endname(E) ::= IDENT(N) DOT IDENT(P). {
	E = new_end(ps, N);
	E.port = name_of(ps, P);
	E.port_loc = P.loc;
}

/* arrow = "->" | "-[" count "]->" | "=>" | "=[" count "]=>" */
arrow(R) ::= ARROW(T). {
	R.cap = count_none();
	R.broadcast = false;
	R.loc = T.loc;
}
arrow(R) ::= CAP_OPEN(T) count(C) CAP_CLOSE. {
	R.cap = C;
	R.broadcast = false;
	R.loc = T.loc;
}
arrow(R) ::= BCAST(T). {
	R.cap = count_none();
	R.broadcast = true;
	R.loc = T.loc;
}
arrow(R) ::= BCAST_OPEN(T) count(C) BCAST_CLOSE. {
	R.cap = C;
	R.broadcast = true;
	R.loc = T.loc;
}

/* Error recovery: skip to the end of the broken declaration. */
decl ::= error SEMI.
decl ::= error BODY.
decl ::= error RBRACE.

%code {

/* ---- syntax errors ---- */

/* Would the parser, in its current state, accept `major` next? Runs the
 * reductions lemon would make on a copy of the state stack. */
static bool accepts(const yyParser *p, int major)
{
	YYACTIONTYPE st[YYSTACKDEPTH + 2];
	int n = (int)(p->yytos - p->yystack) + 1;
	if (n > YYSTACKDEPTH)
		return false;
	for (int i = 0; i < n; i++)
		st[i] = p->yystack[i].stateno;
	for (int steps = 0; steps < 1000; steps++) {
		YYACTIONTYPE act =
			yy_find_shift_action((YYCODETYPE)major, st[n - 1]);
		if (act >= YY_MIN_REDUCE && act <= YY_MAX_REDUCE) {
			unsigned rule = act - YY_MIN_REDUCE;
			n += yyRuleInfoNRhs[rule];
			if (n < 1)
				return false;
			st[n] = yy_find_reduce_action(st[n - 1],
						      yyRuleInfoLhs[rule]);
			n++;
			if (n > YYSTACKDEPTH)
				return false;
			continue;
		}
		return act <= YY_MAX_SHIFTREDUCE || act == YY_ACCEPT_ACTION;
	}
	return false;
}

static const char *const context_names[] = {
	[CTX_TOP] = NULL,
	[CTX_PIPELINE] = "pipeline declaration",
	[CTX_PARAM] = "parameter declaration",
	[CTX_MESSAGE] = "message declaration",
	[CTX_STAGE] = "stage declaration",
	[CTX_CHANNEL] = "channel declaration",
	[CTX_WIRING] = "wiring",
	[CTX_IMPORT] = "import declaration",
};

/* Appends s to the list being built in buf ("a, b or c" once done). */
static void list_add(char *buf, size_t size, int *n, const char **pending,
		     const char *s)
{
	size_t len = strlen(buf);
	if (*pending)
		snprintf(buf + len, size - len, "%s%s", *n > 1 ? ", " : "",
			 *pending);
	*pending = s;
	(*n)++;
}

static void list_end(char *buf, size_t size, int n, const char *pending)
{
	size_t len = strlen(buf);
	if (pending)
		snprintf(buf + len, size - len, "%s%s", n > 1 ? " or " : "",
			 pending);
}

/* How the token that caused the error is named in the message. */
static const char *found_name(ParseState *ps, int major, Token tok)
{
	switch (major) {
	case TK_IDENT:
	case TK_INT:
	case TK_FLOAT:
	case TK_SIZE:
		if (tok.len > 40)
			return arena_printf(ps->a, "'%.40s...'", tok.text);
		return arena_printf(ps->a, "'%.*s'", (int)tok.len, tok.text);
	default:
		return token_kind_name(major);
	}
}

static void syntax_error(yyParser *parser, int major, Token tok)
{
	ParseState *ps = parser->ps;
	if (ps->quiet)
		return;
	bool exp[YYNTOKEN];
	int nexp = 0;
	for (int t = 0; t < YYNTOKEN; t++) {
		exp[t] = t != YYERRORSYMBOL && accepts(parser, t);
		nexp += exp[t];
	}
	const char *ctx = context_names[ps->ctx];
	const char *found = found_name(ps, major, tok);

	/* A keyword where a name belongs: say so, or the user is left to
	 * wonder why 'out' is not a name. */
	if (nexp == 1 && exp[TK_IDENT] && major >= TK_PIPELINE &&
	    major <= TK_IMPORT) {
		diag_error(ps->d, tok.loc,
			   "%s is a keyword and cannot be used as a name%s%s",
			   found, ctx ? " in " : "", ctx ? ctx : "");
		return;
	}

	if (nexp == 1 && exp[TK_SEMI] && ctx) {
		diag_error(ps->d, tok.loc, "expected ';' after %s, found %s",
			   ps->ctx == CTX_MESSAGE && ps->braces_before > 0
				   ? "the variant"
				   : ctx,
			   found);
		return;
	}
	if (exp[TK_IN] && exp[TK_OUT] && nexp <= 3 &&
	    (nexp == 2 || exp[TK_RPAREN])) {
		diag_error(ps->d, tok.loc,
			   "expected a port direction 'in' or 'out', found %s",
			   found);
		return;
	}

	char buf[512] = "";
	const char *pending = NULL;
	int n = 0;
	if (exp[TK_PIPELINE] && exp[TK_STAGE]) {
		list_add(buf, sizeof(buf), &n, &pending, "a declaration");
		exp[TK_PIPELINE] = exp[TK_PARAM] = exp[TK_MESSAGE] = false;
		exp[TK_STAGE] = exp[TK_EXTERN] = exp[TK_CHANNEL] = false;
		exp[TK_IMPORT] = false;
		exp[TK_VERBATIM] = exp[TK_HVERBATIM] = exp[TK_IDENT] = false;
		exp[0] = false;
	}
	if (exp[TK_INT] && exp[TK_IDENT] && exp[TK_STAR] && !exp[TK_FLOAT]) {
		list_add(buf, sizeof(buf), &n, &pending,
			 "a count (an integer, a parameter's name or '*')");
		exp[TK_INT] = exp[TK_IDENT] = exp[TK_STAR] = false;
		exp[TK_MINUS] = false;
	}
	if (exp[TK_INT] && exp[TK_STRING]) {
		list_add(buf, sizeof(buf), &n, &pending, "a value");
		exp[TK_INT] = exp[TK_FLOAT] = exp[TK_STRING] = false;
		exp[TK_MINUS] = exp[TK_TRUE] = exp[TK_FALSE] = false;
	}
	bool arrow = exp[TK_ARROW] && exp[TK_BCAST];
	if (arrow)
		exp[TK_ARROW] = exp[TK_CAP_OPEN] = exp[TK_BCAST] =
			exp[TK_BCAST_OPEN] = false;
	/* after a stage's port list, a name is one of its attributes */
	bool attr = exp[TK_IDENT] && exp[TK_BODY];
	if (attr)
		exp[TK_IDENT] = false;
	for (int t = 1; t < YYNTOKEN; t++)
		if (exp[t])
			list_add(buf, sizeof(buf), &n, &pending,
				 token_kind_name(t));
	if (arrow)
		list_add(buf, sizeof(buf), &n, &pending,
			 "an arrow ('->', '-[N]->', '=>' or '=[N]=>')");
	if (attr)
		list_add(buf, sizeof(buf), &n, &pending,
			 "an attribute ('thread' or 'stack(SIZE)')");
	if (n == 0 && exp[0])
		list_add(buf, sizeof(buf), &n, &pending, "end of file");
	list_end(buf, sizeof(buf), n, pending);

	if (n == 0 || n > 6) {
		if (ctx)
			diag_error(ps->d, tok.loc, "unexpected %s in %s", found,
				   ctx);
		else
			diag_error(ps->d, tok.loc, "unexpected %s", found);
	} else if (ctx) {
		diag_error(ps->d, tok.loc, "expected %s in %s, found %s", buf,
			   ctx, found);
	} else {
		diag_error(ps->d, tok.loc, "expected %s, found %s", buf, found);
	}
}

/* Follows which declaration the next token belongs to, for messages: a
 * keyword that starts a declaration, or a name after the end of one.
 * Returns the context after this token: a keyword in the middle of a
 * declaration starts the next one, but an error on it is about the one
 * before (a missing ';'). */
static Context track_context(ParseState *ps, int kind)
{
	Context starts = CTX_TOP;
	switch (kind) {
	case TK_PIPELINE: starts = CTX_PIPELINE; break;
	case TK_PARAM: starts = CTX_PARAM; break;
	case TK_MESSAGE: starts = CTX_MESSAGE; break;
	case TK_STAGE:
		if (ps->ctx != CTX_STAGE || !ps->at_decl_start_extern)
			starts = CTX_STAGE;
		break;
	case TK_EXTERN: starts = CTX_STAGE; break;
	case TK_CHANNEL: starts = CTX_CHANNEL; break;
	case TK_IMPORT: starts = CTX_IMPORT; break;
	case TK_IDENT:
		if (ps->at_decl_start)
			starts = CTX_WIRING;
		break;
	default: break;
	}
	ps->at_decl_start_extern = kind == TK_EXTERN;
	ps->braces_before = ps->braces;
	Context after = ps->ctx;
	if (starts != CTX_TOP && ps->at_decl_start) {
		ps->ctx = after = starts;
		ps->braces = 0;
	} else if (starts != CTX_TOP && ps->braces <= 0) {
		after = starts;
		ps->braces = 0;
	} else if (ps->at_decl_start) {
		ps->ctx = after = CTX_TOP;
	}
	ps->at_decl_start = false;
	switch (kind) {
	case TK_LBRACE: ps->braces++; break;
	case TK_RBRACE:
		if (--ps->braces <= 0)
			ps->at_decl_start = true;
		break;
	case TK_SEMI:
		if (ps->braces <= 0)
			ps->at_decl_start = true;
		break;
	case TK_BODY:
	case TK_VERBATIM:
	case TK_HVERBATIM: ps->at_decl_start = true; break;
	default: break;
	}
	return after;
}

Program *parse_program(const Src *src, Arena *a, Diag *d)
{
	Program *p = ARENA_NEW(a, Program);
	p->src = src;
	ParseState ps = {
		.p = p,
		.a = a,
		.d = d,
		.verb_tail = &p->verbatims,
		.param_tail = &p->params,
		.msg_tail = &p->messages,
		.stage_tail = &p->stages,
		.chan_tail = &p->chandecls,
		.edge_tail = &p->edges,
		.import_tail = &p->imports,
		.ctx = CTX_TOP,
		.at_decl_start = true,
	};
	Lexer lx;
	lexer_init(&lx, src, d);
	void *parser = ParseAlloc(malloc);
	if (!parser)
		diag_out_of_memory();
	Token t;
	int lex_errors = 0;
	do {
		int before = d->errors;
		t = lexer_next(&lx);
		/* A syntax error at the token of a lexical error, or at the
		 * next one, follows from it: not reported again. */
		lex_errors = d->errors > before ? 2 : lex_errors - 1;
		ps.quiet = lex_errors > 0;
		Context after = track_context(&ps, t.kind);
		Parse(parser, t.kind, t, &ps);
		ps.ctx = after;
	} while (t.kind != 0);
	ParseFree(parser, free);
	/* A file without 'pipeline NAME;' and without stages, which declares
	 * messages or imports, is a message file (docs/language.md). */
	p->is_module = !p->name && !p->stages && (p->messages || p->imports);
	return p;
}
}
