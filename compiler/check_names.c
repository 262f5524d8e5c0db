/* SPDX-License-Identifier: MIT */
/*
 * check_names.c - what the checker's passes share about names and counts:
 * the names C reserves, the names the generated code derives (the rows
 * of gen_names.h, each registered, so that two things that would get the
 * same C name are reported), "did you mean" guesses for undefined names, and
 * the checks of capacities and replica counts.
 */
#include <string.h>

#include "check_internal.h"
#include "gen_names.h"
#include "util.h"

/* ---- names C reserves ---- */

static const char *const c_keywords[] = {
        "auto", "break", "case", "char", "const", "continue", "default", "do",
        "double", "else", "enum", "extern", "float", "for", "goto", "if",
        "inline", "int", "long", "register", "restrict", "return", "short",
        "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
        "unsigned", "void", "volatile", "while",
        /* C11 */
        "_Alignas", "_Alignof", "_Atomic", "_Bool", "_Complex", "_Generic",
        "_Imaginary", "_Noreturn", "_Static_assert", "_Thread_local",
        /* C23, and the C11 macros that spell them */
        "alignas", "alignof", "bool", "constexpr", "false", "nullptr",
        "static_assert", "thread_local", "true", "typeof", "typeof_unqual",
        "noreturn",
        /* names every generated file uses from the C library */
        "NULL", "size_t", "assert", "main"};

bool check_is_c_reserved(const char *name)
{
	for (size_t i = 0; i < sizeof(c_keywords) / sizeof(c_keywords[0]); i++)
		if (strcmp(name, c_keywords[i]) == 0)
			return true;
	if (name[0] == '_' &&
	    (name[1] == '_' || (name[1] >= 'A' && name[1] <= 'Z')))
		return true;
	return false;
}

void check_name(Checker *ck, const char *name, Loc loc, const char *what)
{
	if (check_is_c_reserved(name)) {
		bool under = name[0] == '_';
		diag_error(ck->d, loc, "'%s' is %s in C and cannot name %s",
		           name,
		           under ? "reserved" : "a keyword or a reserved name",
		           what);
	} else if (strncmp(name, "pipec_", 6) == 0 ||
	           strncmp(name, "PIPEC_", 6) == 0) {
		diag_error(ck->d, loc,
		           "names starting with '%.6s' are reserved for the "
		           "runtime and cannot name %s",
		           name, what);
	}
}

/* ---- names the generated code derives ---- */

/* What a generated C name belongs to, for clash messages. */
typedef struct GenName {
	const char *role;  /* the row's: "the send function" */
	const char *owner; /* "message 'Num'" */
	Loc loc;           /* the owner's */
} GenName;

/* Registers a C name the generated code will define; reports a clash. */
static void gen_name(Checker *ck, const char *cname, const char *role,
                     const char *owner, Loc loc)
{
	GenName *g = check_table_get(&ck->gen_names, cname);
	if (g && strcmp(g->owner, owner) == 0 && loc_equal(g->loc, loc)) {
		/* Only a variant's constructor and tag constant can meet. */
		diag_error(ck->d, loc,
		           "%s would give two things the same name '%s' in "
		           "the generated C (a tag constant is the message and "
		           "variant names in upper case); use a lower-case "
		           "letter in one of them",
		           owner, cname);
		return;
	}
	if (g) {
		diag_error(ck->d, loc,
		           "%s of %s would be named '%s' in the generated C, "
		           "like %s of %s",
		           role, owner, cname, g->role, g->owner);
		diag_note(ck->d, g->loc, "%s is here", g->owner);
		return;
	}
	g = ARENA_NEW(ck->a, GenName);
	g->role = role;
	g->owner = owner;
	g->loc = loc;
	check_table_put(ck->a, &ck->gen_names, cname, g);
}

/* Registers the names of every row of gen_names.h in scope (and in
 * GEN_PAYLOAD too if payload), spelt with vars, for owner. */
static void gen_rows(Checker *ck, GenScope scope, bool payload,
                     const char *const vars[26], const char *owner, Loc loc)
{
	for (int id = 0; id < GN_COUNT; id++) {
		const GenNameRow *row = &gen_name_rows[id];
		if (row->scope == scope ||
		    (payload && row->scope == GEN_PAYLOAD))
			gen_name(ck, util_subst(ck->a, row->tmpl, vars),
			         row->role, owner, loc);
	}
}

/* The $-variables of gen_names.h's templates. */
typedef struct GenVars {
	const char *v[26];
} GenVars;

static void set_var(GenVars *gv, char name, const char *value)
{
	gv->v[name - 'A'] = value;
}

/* A pipeline or a message named "pipec" in any case: the C names made
 * from it ("pipec_run", "PIPEC_A") would be the runtime's. */
static void check_stem(Checker *ck, const char *name, Loc loc, const char *what)
{
	static const char stem[] = "pipec";
	for (size_t i = 0; i < sizeof stem; i++)
		if ((name[i] | 0x20) != (stem[i] | 0x20))
			return;
	diag_error(ck->d, loc,
	           "%s cannot be named '%s': the names the generated C "
	           "makes from it would start with 'pipec_' or 'PIPEC_', "
	           "which are reserved for the runtime",
	           what, name);
}

/* $P and $Q, when the file has a pipeline. */
static void pipeline_vars(Checker *ck, GenVars *gv)
{
	memset(gv, 0, sizeof(*gv));
	if (ck->p->name) {
		set_var(gv, 'P', ck->p->name);
		set_var(gv, 'Q', util_upper(ck->a, ck->p->name));
	}
}

void check_gen_pipeline(Checker *ck)
{
	check_stem(ck, ck->p->name, ck->p->name_loc, "the pipeline");
	GenVars gv;
	pipeline_vars(ck, &gv);
	gen_rows(ck, GEN_PIPELINE, false, gv.v,
	         arena_printf(ck->a, "pipeline '%s'", ck->p->name),
	         ck->p->name_loc);
}

void check_gen_message(Checker *ck, const Message *m)
{
	GenVars gv;
	pipeline_vars(ck, &gv);
	set_var(&gv, 'M', m->name);
	set_var(&gv, 'U', util_upper(ck->a, m->name));
	const char *owner = arena_printf(ck->a, "message '%s'", m->name);
	gen_rows(ck, GEN_MESSAGE, false, gv.v, owner, m->loc);
	/* The hooks are C names the header declares too. */
	if (m->drop_fn)
		gen_name(ck, m->drop_fn, "the drop hook", owner, m->drop_loc);
	if (m->copy_fn && !(m->drop_fn && strcmp(m->drop_fn, m->copy_fn) == 0))
		gen_name(ck, m->copy_fn, "the copy hook", owner, m->copy_loc);
	/* (An imported message was checked in its own file.) */
	if (!m->from)
		check_stem(ck, m->name, m->loc, "a message");
	for (int id = 0; id < GN_COUNT && !m->from; id++)
		if (gen_name_rows[id].scope == GEN_LOCAL &&
		    strcmp(m->name, gen_name_rows[id].tmpl) == 0)
			diag_error(ck->d, m->loc,
			           "a message cannot be named '%s': the "
			           "generated C uses that name for %s, which "
			           "would hide the message's type",
			           m->name, gen_name_rows[id].role);
}

void check_gen_variant(Checker *ck, const Message *m, const Variant *v)
{
	GenVars gv;
	pipeline_vars(ck, &gv);
	set_var(&gv, 'M', m->name);
	set_var(&gv, 'U', util_upper(ck->a, m->name));
	set_var(&gv, 'V', v->name);
	set_var(&gv, 'W', util_upper(ck->a, v->name));
	gen_rows(ck, GEN_VARIANT, v->kind != VK_EMPTY, gv.v,
	         arena_printf(ck->a, "variant '%s.%s'", m->name, v->name),
	         v->loc);
}

void check_gen_stage(Checker *ck, const Stage *s)
{
	if (!ck->p->name)
		return;
	GenVars gv;
	pipeline_vars(ck, &gv);
	set_var(&gv, 'S', s->name);
	gen_rows(ck, GEN_STAGE, false, gv.v,
	         arena_printf(ck->a, "stage '%s'", s->name), s->loc);
}

void check_gen_file(Checker *ck, const Src *src, Loc loc)
{
	GenVars gv;
	pipeline_vars(ck, &gv);
	set_var(&gv, 'F', gen_file_stem(ck->a, src->path));
	gen_rows(ck, GEN_MODULE, false, gv.v,
	         arena_printf(ck->a, "message file '%s'", src->path), loc);
}

void check_body_name(Checker *ck, const Port *pt)
{
	for (int id = 0; id < GN_COUNT; id++)
		if (gen_name_rows[id].scope == GEN_BODY &&
		    strcmp(pt->name, gen_name_rows[id].tmpl) == 0)
			diag_error(ck->d, pt->loc,
			           "a port cannot be named '%s': stage bodies "
			           "use that name for %s",
			           pt->name, gen_name_rows[id].role);
}

/* ---- "did you mean": the nearest known name to a misspelt one ---- */

/* Names longer than this are never guessed, nor offered as a guess. */
#define GUESS_MAX_LEN 63

/* Edit distance of a and b: insertions, deletions, substitutions and
 * swaps of two neighbours each count 1 (names up to GUESS_MAX_LEN bytes;
 * longer ones are never near). */
static int distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > GUESS_MAX_LEN || lb > GUESS_MAX_LEN)
		return GUESS_MAX_LEN + 1;
	int rows[3][GUESS_MAX_LEN + 1]; /* rows i-2, i-1 and i, rotating */
	for (size_t j = 0; j <= lb; j++)
		rows[1][j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		/* row r is rows[(r + 1) % 3] */
		int *prev2 = rows[(i + 2) % 3], *prev = rows[i % 3],
		    *cur = rows[(i + 1) % 3];
		cur[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int best = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < best)
				best = prev[j] + 1;
			if (cur[j - 1] + 1 < best)
				best = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < best)
				best = prev2[j - 2] + 1;
			cur[j] = best;
		}
	}
	return rows[(la + 1) % 3][lb];
}

void check_guess_init(Guess *g, const char *name)
{
	g->name = name;
	g->best = NULL;
	/* no guess for names of 1 or 2 letters, one edit up to 5, else two */
	size_t n = strlen(name);
	g->dist = n <= 2 ? 0 : n <= 5 ? 2 : 3;
}

void check_guess_try(Guess *g, const char *candidate)
{
	int d = distance(g->name, candidate);
	if (d < g->dist) {
		g->dist = d;
		g->best = candidate;
	}
}

/* After many errors, no more guessing: a file full of unknown names would
 * make it slow. */
const char *check_guess_text(Checker *ck, const Guess *g)
{
	if (!g->best || ck->d->errors > 50)
		return "";
	return arena_printf(ck->a, "; did you mean '%s'?", g->best);
}

const char *check_guess_param(Checker *ck, const char *name)
{
	Guess g;
	check_guess_init(&g, name);
	for (Param *pa = ck->p->params; pa && ck->d->errors <= 50;
	     pa = pa->next)
		check_guess_try(&g, pa->name);
	return check_guess_text(ck, &g);
}

const char *check_guess_message(Checker *ck, const char *name)
{
	Guess g;
	check_guess_init(&g, name);
	for (Message *m = ck->p->messages; m && ck->d->errors <= 50;
	     m = m->next)
		check_guess_try(&g, m->name);
	return check_guess_text(ck, &g);
}

/* ---- counts ---- */

bool check_same_count(const Count *a, const Count *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == COUNT_LIT)
		return a->value == b->value;
	if (a->kind == COUNT_PARAM)
		return strcmp(a->param, b->param) == 0;
	return true;
}

static bool is_integer_type(ParamType t)
{
	return t == PT_INT || t == PT_LONG || t == PT_SIZE;
}

void check_count(Checker *ck, Count *c, bool replicas)
{
	const char *what = replicas ? "replica count" : "capacity";
	long long lo = replicas ? 1 : 0;
	long long hi = replicas ? CHECK_MAX_REPLICAS : CHECK_MAX_CAPACITY;
	switch (c->kind) {
	case COUNT_NONE:
		return;
	case COUNT_UNBOUNDED:
		if (replicas)
			diag_error(ck->d, c->loc,
			           "a replica count cannot be unbounded ('*')");
		return;
	case COUNT_LIT:
		if (c->value < lo)
			diag_error(ck->d, c->loc, "a %s must be %s, not %lld",
			           what, replicas ? "at least 1" : "0 or more",
			           c->value);
		else if (c->value > hi)
			diag_error(ck->d, c->loc,
			           "%s %lld is too large (at most %lld)", what,
			           c->value, hi);
		return;
	case COUNT_PARAM: {
		Param *pa = check_table_get(&ck->params, c->param);
		if (!pa) {
			diag_error(ck->d, c->loc,
			           "undefined parameter '%s' used as a %s%s",
			           c->param, what,
			           check_guess_param(ck, c->param));
			return;
		}
		c->resolved = pa;
		ck->param_used[pa->index] = true;
		if (!is_integer_type(pa->type)) {
			diag_error(ck->d, c->loc,
			           "parameter '%s' is a %s; a %s needs an "
			           "integer parameter (int, long or size)",
			           c->param, param_type_name(pa->type), what);
			diag_note(ck->d, pa->type_loc, "'%s' is declared here",
			          pa->name);
			return;
		}
		if (pa->def.kind == LIT_INT &&
		    (pa->def.ival < lo || pa->def.ival > hi)) {
			diag_error(ck->d, c->loc,
			           "parameter '%s' is used as a %s, but its "
			           "default %lld is %s",
			           c->param, what, pa->def.ival,
			           pa->def.ival < lo ? (replicas ? "less than 1"
			                                         : "negative")
			                             : "too large");
			diag_note(ck->d, pa->def.loc, "the default is here");
		}
		return;
	}
	}
}
