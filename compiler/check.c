/*
 * check.c - the semantic checks and the channel graph; see check.h.
 *
 * The passes, in order (check_program() at the end reads as this list):
 *   1. declarations: the pipeline's name, parameters and their defaults,
 *      messages, variants and fields, stages and ports, declared channels;
 *      duplicates, C keywords, names the generated code would clash on;
 *   2. wiring: each arrow's two ends resolved to an out port, an in port
 *      or a declared channel; replica counts merged into their stages;
 *   3. channels: the ports joined by arrows are unified (union-find) into
 *      channels; a '=>' arrow gets a channel of its own; each channel's
 *      message type, variant sets and capacity are checked;
 *   4. every port connected, no cycles (unless allowed), warnings.
 */
#include "check.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- a name table (open addressing, in the arena) ---- */

typedef struct Entry {
	const char *key;
	void *val;
} Entry;

typedef struct Table {
	Entry *e;
	size_t cap, n;
} Table;

static size_t hash(const char *s)
{
	size_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void *table_get(const Table *t, const char *key)
{
	if (!t->cap)
		return NULL;
	for (size_t i = hash(key) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		if (!t->e[i].key)
			return NULL;
		if (strcmp(t->e[i].key, key) == 0)
			return t->e[i].val;
	}
}

/* Adds key (not yet present). */
static void table_put(Arena *a, Table *t, const char *key, void *val)
{
	if (2 * (t->n + 1) > t->cap) {
		Table big = {.cap = t->cap ? 2 * t->cap : 8};
		big.e = arena_alloc(a, big.cap * sizeof(Entry));
		for (size_t i = 0; i < t->cap; i++)
			if (t->e[i].key)
				table_put(a, &big, t->e[i].key, t->e[i].val);
		*t = big;
	}
	size_t i = hash(key) & (t->cap - 1);
	while (t->e[i].key)
		i = (i + 1) & (t->cap - 1);
	t->e[i].key = key;
	t->e[i].val = val;
	t->n++;
}

/* ---- the checker's state ---- */

/* A node of the union-find that builds channels: a port, a declared
 * channel, or one '=>' arrow (a branch of a broadcast out port). */
typedef enum NodeKind { N_PORT, N_DECL, N_BRANCH } NodeKind;

typedef struct Node {
	NodeKind kind;
	Port *port;        /* N_PORT; N_BRANCH: the out port broadcasting */
	ChannelDecl *decl; /* N_DECL */
	Message *msg;      /* N_DECL: the declared type, if any */
	int parent;
	bool wired;    /* some arrow wires it */
	bool member;   /* it is in attach_order: part of a channel */
	bool miswired; /* an arrow to it was wrong (and reported) */
	bool dup;      /* N_PORT: a duplicate port (reported) */
	Loc attach;    /* the first arrow that wires it */
	int chan;      /* once channels are built: the node's channel */
} Node;

/* A capacity written for a channel: on an arrow or a declaration. */
typedef struct CapClaim {
	int node;
	Count cap;
} CapClaim;

/* What a generated C name belongs to, for clash messages. */
typedef struct GenName {
	const char *what;
	Loc loc;
} GenName;

typedef struct Checker {
	Program *p;
	Arena *a;
	Diag *d;
	Table params, messages, stages, chandecls, gen_names;
	Table decl_nodes; /* channel name -> its node + 1 */
	Table dup_ports;  /* "STAGE.PORT" (indexes) of duplicate ports */
	Stage **stage_by_index;
	int *port_base; /* node of a stage's first port, by stage index */
	Node *nodes;
	int nnodes, maxnodes;
	int *attach_order; /* attached nodes, in the order they were wired */
	int nattached;
	CapClaim *claims;
	int nclaims;
	bool *param_used;           /* by parameter index */
	Loc *plain_loc, *bcast_loc; /* by port node: first '->', '=>' */
	bool *has_plain, *has_bcast;
	bool *stage_miswired; /* by stage index: an arrow to it was wrong */
	bool *bcast_reported; /* by port node: its missing copy hook */
	Loc last_undefined;   /* the last undefined name reported */
} Checker;

/* ---- names ---- */

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

/* Reports a name the generated C cannot use. */
static void check_name(Checker *ck, const char *name, Loc loc, const char *what)
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

/* Registers a C name the generated code will define; reports a clash. */
static void gen_name(Checker *ck, const char *cname, const char *what, Loc loc)
{
	GenName *g = table_get(&ck->gen_names, cname);
	if (g && strcmp(g->what, what) == 0 && g->loc.line == loc.line &&
	    g->loc.col == loc.col) {
		diag_error(ck->d, loc,
		           "%s would give two things the same name '%s' in "
		           "the generated C (a tag constant is the message and "
		           "variant names in upper case); use a lower-case "
		           "letter in one of them",
		           what, cname);
		return;
	}
	if (g) {
		diag_error(ck->d, loc,
		           "%s would be named '%s' in the generated C, like %s",
		           what, cname, g->what);
		diag_note(ck->d, g->loc, "%s is here", g->what);
		return;
	}
	g = ARENA_NEW(ck->a, GenName);
	g->what = what;
	g->loc = loc;
	table_put(ck->a, &ck->gen_names, cname, g);
}

/* The functions and types generated for each message M, as M_<suffix>
 * (docs/generated-code.md): a variant V must not make the same names. */
static const char *const message_suffixes[] = {
        "tag",          "in",          "out",        "send",       "recv",
        "try_send",     "try_recv",    "send_until", "recv_until", "select",
        "select_until", "wait_demand", "destroy",    "clone",      "tag_name",
        "in_drop",      "out_drop",    "out_closed", "send_one_",  "send_how_",
};

/* The names generated once per pipeline P, as P_<suffix>. */
static const char *const pipeline_suffixes[] = {
        "params",       "params_init", "params_check", "pipeline",
        "new",          "free",        "run",          "insts",
        "add_chan",     "add_stage",   "usage",        "flag",
        "value",        "usage_error", "on_sigint",    "sigint_run",
        "sigint_seen",  "parse_int",   "parse_long",   "parse_size",
        "parse_double", "parse_bool",  "parse_string",
};

/* The names a stage body uses for other things than ports. */
static const struct {
	const char *name, *what;
} body_names[] = {
        {"self", "the stage instance"},
        {"params", "the parameters"},
        {"replica", "the instance's index"},
        {"replicas", "the number of instances"},
};

/* ---- "did you mean": the nearest known name to a misspelt one ---- */

typedef struct Guess {
	const char *name; /* the misspelt name */
	const char *best; /* the nearest candidate so far */
	int dist;         /* its distance; only closer ones are taken */
} Guess;

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

static void guess_init(Guess *g, const char *name)
{
	g->name = name;
	g->best = NULL;
	/* no guess for names of 1 or 2 letters, one edit up to 5, else two */
	size_t n = strlen(name);
	g->dist = n <= 2 ? 0 : n <= 5 ? 2 : 3;
}

static void guess_try(Guess *g, const char *candidate)
{
	int d = distance(g->name, candidate);
	if (d < g->dist) {
		g->dist = d;
		g->best = candidate;
	}
}

/* "; did you mean 'x'?" or "". After many errors, no more guessing: a
 * file full of unknown names would make it slow. */
static const char *guess_text(Checker *ck, const Guess *g)
{
	if (!g->best || ck->d->errors > 50)
		return "";
	return arena_printf(ck->a, "; did you mean '%s'?", g->best);
}

static const char *guess_param(Checker *ck, const char *name)
{
	Guess g;
	guess_init(&g, name);
	for (Param *pa = ck->p->params; pa && ck->d->errors <= 50;
	     pa = pa->next)
		guess_try(&g, pa->name);
	return guess_text(ck, &g);
}

static const char *guess_message(Checker *ck, const char *name)
{
	Guess g;
	guess_init(&g, name);
	for (Message *m = ck->p->messages; m && ck->d->errors <= 50;
	     m = m->next)
		guess_try(&g, m->name);
	return guess_text(ck, &g);
}

/* ---- counts ---- */

static bool same_count(const Count *a, const Count *b)
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

/* Resolves and checks a count: a capacity (replicas false) or a replica
 * count (replicas true). */
static void check_count(Checker *ck, Count *c, bool replicas)
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
		Param *pa = table_get(&ck->params, c->param);
		if (!pa) {
			diag_error(ck->d, c->loc,
			           "undefined parameter '%s' used as a %s%s",
			           c->param, what, guess_param(ck, c->param));
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

/* ---- pass 1: declarations ---- */

static void check_pipeline(Checker *ck)
{
	Program *p = ck->p;
	if (!p->name) {
		diag_error(ck->d, (Loc){1, 1},
		           "missing 'pipeline NAME;' declaration (it names "
		           "the generated functions)");
		return;
	}
	check_name(ck, p->name, p->name_loc, "the pipeline");
	for (size_t i = 0;
	     i < sizeof(pipeline_suffixes) / sizeof(pipeline_suffixes[0]); i++)
		gen_name(ck,
		         arena_printf(ck->a, "%s_%s", p->name,
		                      pipeline_suffixes[i]),
		         arena_printf(ck->a, "pipeline '%s'", p->name),
		         p->name_loc);
}

/* Does the default of pa fit its type? */
static void check_default(Checker *ck, Param *pa)
{
	const Lit *l = &pa->def;
	static const char *const lit_names[] = {
	        [LIT_INT] = "an integer",
	        [LIT_FLOAT] = "a floating-point number",
	        [LIT_BOOL] = "a boolean",
	        [LIT_STRING] = "a string",
	};
	bool ok;
	switch (pa->type) {
	case PT_INT:
	case PT_LONG:
	case PT_SIZE:
		ok = l->kind == LIT_INT;
		break;
	case PT_DOUBLE:
		ok = l->kind == LIT_INT || l->kind == LIT_FLOAT;
		break;
	case PT_BOOL:
		ok = l->kind == LIT_BOOL;
		break;
	case PT_STRING:
		ok = l->kind == LIT_STRING;
		break;
	default:
		UNREACHABLE();
	}
	if (!ok) {
		diag_error(ck->d, l->loc,
		           "the default of %s parameter '%s' cannot be %s",
		           param_type_name(pa->type), pa->name,
		           lit_names[l->kind]);
		return;
	}
	if ((pa->type == PT_INT && (l->ival < INT_MIN || l->ival > INT_MAX)) ||
	    (pa->type == PT_LONG &&
	     (l->ival < LONG_MIN || l->ival > LONG_MAX)) ||
	    (pa->type == PT_SIZE && l->ival < 0))
		diag_error(ck->d, l->loc,
		           "the default %s of parameter '%s' is out of range "
		           "for %s",
		           l->text, pa->name, param_type_name(pa->type));
}

static void check_params(Checker *ck)
{
	for (Param *pa = ck->p->params; pa; pa = pa->next) {
		check_name(ck, pa->name, pa->loc, "a parameter");
		Param *old = table_get(&ck->params, pa->name);
		if (old) {
			diag_error(ck->d, pa->loc, "duplicate parameter '%s'",
			           pa->name);
			diag_note(ck->d, old->loc, "first defined here");
			continue;
		}
		table_put(ck->a, &ck->params, pa->name, pa);
		check_default(ck, pa);
	}
}

static void check_message(Checker *ck, Message *m)
{
	const char *mwhat = arena_printf(ck->a, "message '%s'", m->name);
	check_name(ck, m->name, m->loc, "a message");
	gen_name(ck, m->name, mwhat, m->loc);
	if (ck->p->name)
		gen_name(
		        ck,
		        arena_printf(ck->a, "%s_drop_%s", ck->p->name, m->name),
		        mwhat, m->loc);
	for (size_t i = 0;
	     i < sizeof(message_suffixes) / sizeof(message_suffixes[0]); i++)
		gen_name(ck,
		         arena_printf(ck->a, "%s_%s", m->name,
		                      message_suffixes[i]),
		         mwhat, m->loc);
	if (m->drop_fn)
		check_name(ck, m->drop_fn, m->drop_loc, "a drop hook");
	if (m->copy_fn)
		check_name(ck, m->copy_fn, m->copy_loc, "a copy hook");
	if (m->drop_fn && m->copy_fn && strcmp(m->drop_fn, m->copy_fn) == 0)
		diag_error(ck->d, m->copy_loc,
		           "the copy hook and the drop hook of '%s' are both "
		           "'%s'; they take different arguments",
		           m->name, m->copy_fn);
	if (m->nvariants == 0)
		diag_error(ck->d, m->loc,
		           "message '%s' has no variants; give it at least one",
		           m->name);

	const char *U = util_upper(ck->a, m->name);
	Table seen = {0};
	for (Variant *v = m->variants; v; v = v->next) {
		if (v->index == CHECK_MAX_VARIANTS) {
			diag_error(ck->d, v->loc,
			           "message '%s' has more than %d variants",
			           m->name, CHECK_MAX_VARIANTS);
			break; /* the rest would only add to the error */
		}
		check_name(ck, v->name, v->loc, "a variant");
		Variant *old = table_get(&seen, v->name);
		if (old) {
			diag_error(ck->d, v->loc,
			           "duplicate variant '%s' in message '%s'",
			           v->name, m->name);
			diag_note(ck->d, old->loc, "first defined here");
			continue;
		}
		table_put(ck->a, &seen, v->name, v);
		const char *vwhat = arena_printf(ck->a, "variant '%s.%s'",
		                                 m->name, v->name);
		gen_name(ck, arena_printf(ck->a, "%s_%s", m->name, v->name),
		         vwhat, v->loc);
		gen_name(ck,
		         arena_printf(ck->a, "%s_%s", U,
		                      util_upper(ck->a, v->name)),
		         vwhat, v->loc);
		if (v->kind != VK_EMPTY) {
			gen_name(ck,
			         arena_printf(ck->a, "%s_%s_val", m->name,
			                      v->name),
			         vwhat, v->loc);
			gen_name(ck,
			         arena_printf(ck->a, "%s_%s_ptr", m->name,
			                      v->name),
			         vwhat, v->loc);
		}
		if (v->kind == VK_FIELDS)
			gen_name(ck,
			         arena_printf(ck->a, "%s_%s_fields", m->name,
			                      v->name),
			         vwhat, v->loc);
		Table fields = {0};
		for (Field *f = v->fields; f; f = f->next) {
			check_name(ck, f->name, f->loc, "a field");
			Field *of = table_get(&fields, f->name);
			if (of) {
				diag_error(ck->d, f->loc,
				           "duplicate field '%s' in variant "
				           "'%s.%s'",
				           f->name, m->name, v->name);
				diag_note(ck->d, of->loc, "first defined here");
				continue;
			}
			table_put(ck->a, &fields, f->name, f);
		}
	}
}

static void check_messages(Checker *ck)
{
	for (Message *m = ck->p->messages; m; m = m->next) {
		Message *old = table_get(&ck->messages, m->name);
		if (old) {
			diag_error(ck->d, m->loc, "duplicate message '%s'",
			           m->name);
			diag_note(ck->d, old->loc, "first defined here");
			continue;
		}
		table_put(ck->a, &ck->messages, m->name, m);
		check_message(ck, m);
	}
}

/* Resolves a port's message and variants into msg and mask. */
static void check_port_type(Checker *ck, Port *pt)
{
	Message *m = table_get(&ck->messages, pt->msg_name);
	if (!m) {
		diag_error(ck->d, pt->msg_loc, "undefined message '%s'%s",
		           pt->msg_name, guess_message(ck, pt->msg_name));
		return;
	}
	pt->msg = m;
	if (!pt->variants) {
		pt->mask = m->nvariants >= CHECK_MAX_VARIANTS
		                   ? UINT64_MAX
		                   : (UINT64_C(1) << m->nvariants) - 1;
		return;
	}
	for (VariantRef *r = pt->variants; r; r = r->next) {
		Variant *v = m->variants;
		while (v && strcmp(v->name, r->name) != 0)
			v = v->next;
		if (!v) {
			Guess g;
			guess_init(&g, r->name);
			for (v = m->variants; v; v = v->next)
				guess_try(&g, v->name);
			diag_error(ck->d, r->loc,
			           "message '%s' has no variant '%s'%s",
			           m->name, r->name, guess_text(ck, &g));
			diag_note(ck->d, m->loc, "'%s' is defined here",
			          m->name);
			continue;
		}
		r->resolved = v;
		if (v->index >= CHECK_MAX_VARIANTS)
			continue;
		uint64_t bit = UINT64_C(1) << v->index;
		if (pt->mask & bit) {
			diag_error(
			        ck->d, r->loc,
			        "variant '%s' is listed twice in the type of "
			        "port '%s'",
			        r->name, pt->name);
			continue;
		}
		pt->mask |= bit;
	}
}

static void check_stages(Checker *ck)
{
	Program *p = ck->p;
	ck->stage_by_index =
	        arena_alloc(ck->a, (size_t)(p->nstages + 1) * sizeof(Stage *));
	for (Stage *s = p->stages; s; s = s->next) {
		ck->stage_by_index[s->index] = s;
		check_name(ck, s->name, s->loc, "a stage");
		Stage *old = table_get(&ck->stages, s->name);
		if (old) {
			diag_error(ck->d, s->loc, "duplicate stage '%s'",
			           s->name);
			diag_note(ck->d, old->loc, "first defined here");
		} else {
			table_put(ck->a, &ck->stages, s->name, s);
			const char *what =
			        arena_printf(ck->a, "stage '%s'", s->name);
			static const char *const forms[] = {
			        "%s_stage_%s", "%s_%s_inst", "%s_%s_thread"};
			for (size_t k = 0; p->name && k < 3; k++)
				gen_name(ck,
				         arena_printf(ck->a, forms[k], p->name,
				                      s->name),
				         what, s->loc);
		}
		if (s->is_extern && s->body)
			diag_error(ck->d, s->body_loc,
			           "extern stage '%s' cannot have a body: its "
			           "code is in your own C file",
			           s->name);
		if (!s->is_extern && !s->body)
			diag_error(
			        ck->d, s->loc,
			        "stage '%s' has no body; write its C code in "
			        "braces, or declare it 'extern stage'",
			        s->name);
		if (s->nports == 0)
			diag_warning(ck->d, s->loc,
			             "stage '%s' has no ports: it runs alone, "
			             "unconnected to the pipeline",
			             s->name);
		Table ports = {0};
		for (Port *pt = s->ports; pt; pt = pt->next) {
			pt->stage = s;
			check_name(ck, pt->name, pt->loc, "a port");
			for (size_t k = 0;
			     k < sizeof(body_names) / sizeof(body_names[0]);
			     k++)
				if (strcmp(pt->name, body_names[k].name) == 0)
					diag_error(
					        ck->d, pt->loc,
					        "a port cannot be named '%s': "
					        "stage bodies use that name "
					        "for %s",
					        pt->name, body_names[k].what);
			Port *op = table_get(&ports, pt->name);
			if (op) {
				diag_error(ck->d, pt->loc,
				           "duplicate port '%s' in stage '%s'",
				           pt->name, s->name);
				diag_note(ck->d, op->loc, "first defined here");
				table_put(ck->a, &ck->dup_ports,
				          arena_printf(ck->a, "%d.%d", s->index,
				                       pt->index),
				          pt);
			} else {
				table_put(ck->a, &ports, pt->name, pt);
			}
			check_port_type(ck, pt);
		}
	}
}

static void check_chandecls(Checker *ck)
{
	for (ChannelDecl *c = ck->p->chandecls; c; c = c->next) {
		check_name(ck, c->name, c->loc, "a channel");
		ChannelDecl *old = table_get(&ck->chandecls, c->name);
		if (old) {
			diag_error(ck->d, c->loc, "duplicate channel '%s'",
			           c->name);
			diag_note(ck->d, old->loc, "first defined here");
			continue;
		}
		Stage *s = table_get(&ck->stages, c->name);
		if (s) {
			diag_error(ck->d, c->loc,
			           "channel '%s' has the name of a stage; "
			           "arrows could not tell them apart",
			           c->name);
			diag_note(ck->d, s->loc, "the stage is defined here");
			continue;
		}
		table_put(ck->a, &ck->chandecls, c->name, c);
		if (c->msg_name && !table_get(&ck->messages, c->msg_name))
			diag_error(ck->d, c->msg_loc,
			           "undefined message '%s'%s", c->msg_name,
			           guess_message(ck, c->msg_name));
		check_count(ck, &c->cap, false);
	}
}

/* ---- pass 2: wiring ---- */

/* The node of a port. */
static int port_node(Checker *ck, const Port *pt)
{
	return ck->port_base[pt->stage->index] + pt->index;
}

static int find(Checker *ck, int n)
{
	while (ck->nodes[n].parent != n) {
		ck->nodes[n].parent = ck->nodes[ck->nodes[n].parent].parent;
		n = ck->nodes[n].parent;
	}
	return n;
}

static void unite(Checker *ck, int a, int b)
{
	a = find(ck, a);
	b = find(ck, b);
	if (a != b)
		ck->nodes[b].parent = a;
}

/* Marks node n wired by the arrow at `arrow`; a member node also joins
 * the channel being built (a broadcasting port is not one: its branches
 * are). */
static void attach(Checker *ck, int n, Loc arrow, bool member)
{
	Node *nd = &ck->nodes[n];
	if (!nd->wired) {
		nd->wired = true;
		nd->attach = arrow;
	}
	if (member && !nd->member) {
		nd->member = true;
		ck->attach_order[ck->nattached++] = n;
	}
}

static int new_node(Checker *ck, NodeKind kind)
{
	if (ck->nnodes == ck->maxnodes)
		UNREACHABLE();
	int n = ck->nnodes++;
	ck->nodes[n].kind = kind;
	ck->nodes[n].parent = n;
	ck->nodes[n].chan = -1;
	return n;
}

/* "a.x or a.y", "a.x, a.y or a.z": the ports of s in direction dir. */
static const char *port_choices(Checker *ck, const Stage *s, PortDir dir)
{
	const char *text = "";
	int n = 0, total = 0;
	for (Port *pt = s->ports; pt; pt = pt->next)
		total += pt->dir == dir;
	for (Port *pt = s->ports; pt; pt = pt->next) {
		if (pt->dir != dir)
			continue;
		n++;
		text = arena_printf(ck->a, "%s%s%s.%s", text,
		                    n == 1       ? ""
		                    : n == total ? " or "
		                                 : ", ",
		                    s->name, pt->name);
	}
	return text;
}

/*
 * Resolves one end of an arrow to a node: an out port (from) or an in port
 * (to) of a stage, or a declared channel. Returns -1 after reporting an
 * error. *stage_out is the stage (for replicas), *decl_out the channel.
 */
static int resolve_end(Checker *ck, EndRef *e, PortDir dir, Stage **stage_out,
                       ChannelDecl **decl_out)
{
	const char *side = dir == PORT_OUT ? "start" : "end";
	*stage_out = NULL;
	*decl_out = NULL;
	ChannelDecl *cd = table_get(&ck->chandecls, e->name);
	if (cd) {
		if (e->port)
			diag_error(ck->d, e->port_loc,
			           "'%s' is a channel; it has no ports",
			           e->name);
		if (e->replicas.kind != COUNT_NONE)
			diag_error(ck->d, e->replicas.loc,
			           "channel '%s' cannot be replicated; only "
			           "stages can",
			           e->name);
		*decl_out = cd;
		return (int)(intptr_t)table_get(&ck->decl_nodes, cd->name) - 1;
	}
	Stage *s = table_get(&ck->stages, e->name);
	if (!s) {
		/* The middle of a chain is the end of two arrows: once. */
		if (ck->last_undefined.line != e->loc.line ||
		    ck->last_undefined.col != e->loc.col) {
			Guess g;
			guess_init(&g, e->name);
			for (Stage *gs = ck->p->stages;
			     gs && ck->d->errors <= 50; gs = gs->next)
				guess_try(&g, gs->name);
			for (ChannelDecl *gc = ck->p->chandecls;
			     gc && ck->d->errors <= 50; gc = gc->next)
				guess_try(&g, gc->name);
			diag_error(ck->d, e->loc,
			           "undefined stage or channel '%s'%s", e->name,
			           guess_text(ck, &g));
		}
		ck->last_undefined = e->loc;
		return -1;
	}
	*stage_out = s;
	if (e->port) {
		Port *pt = s->ports;
		while (pt && strcmp(pt->name, e->port) != 0)
			pt = pt->next;
		if (!pt) {
			ck->stage_miswired[s->index] = true;
			Guess g;
			guess_init(&g, e->port);
			for (Port *gp = s->ports; gp; gp = gp->next)
				if (gp->dir == dir)
					guess_try(&g, gp->name);
			diag_error(ck->d, e->port_loc,
			           "stage '%s' has no port '%s'%s", s->name,
			           e->port, guess_text(ck, &g));
			diag_note(ck->d, s->loc, "'%s' is defined here",
			          s->name);
			return -1;
		}
		if (pt->dir != dir) {
			ck->stage_miswired[s->index] = true;
			diag_error(ck->d, e->port_loc,
			           "'%s.%s' is an %s port; an arrow cannot %s "
			           "at it",
			           s->name, pt->name,
			           pt->dir == PORT_IN ? "in" : "out", side);
			diag_note(ck->d, pt->loc, "'%s.%s' is declared here",
			          s->name, pt->name);
			return -1;
		}
		return port_node(ck, pt);
	}
	Port *found = NULL;
	int n = 0;
	for (Port *pt = s->ports; pt; pt = pt->next)
		if (pt->dir == dir) {
			found = found ? found : pt;
			n++;
		}
	if (n == 0 || n > 1)
		ck->stage_miswired[s->index] = true;
	if (n == 0) {
		diag_error(ck->d, e->loc,
		           "stage '%s' has no %s port, so an arrow cannot %s "
		           "at it",
		           s->name, dir == PORT_IN ? "in" : "out", side);
		diag_note(ck->d, s->loc, "'%s' is defined here", s->name);
		return -1;
	}
	if (n > 1) {
		diag_error(ck->d, e->loc,
		           "stage '%s' has several %s ports; say which: %s",
		           s->name, dir == PORT_IN ? "in" : "out",
		           port_choices(ck, s, dir));
		return -1;
	}
	return port_node(ck, found);
}

/* Merges the replica count written at an arrow's end into its stage. */
static void merge_replicas(Checker *ck, Stage *s, EndRef *e)
{
	if (e->replicas.kind == COUNT_NONE)
		return;
	if (!s) { /* an unknown stage: its count can still be checked */
		check_count(ck, &e->replicas, true);
		return;
	}
	if (s->replicas.kind == COUNT_NONE) {
		check_count(ck, &e->replicas, true);
		s->replicas = e->replicas;
		return;
	}
	if (s->replicas.loc.line == e->replicas.loc.line &&
	    s->replicas.loc.col == e->replicas.loc.col)
		return; /* the same text, seen from both arrows of a chain */
	if (!same_count(&s->replicas, &e->replicas)) {
		diag_error(ck->d, e->replicas.loc,
		           "stage '%s' is given %s replicas here but %s "
		           "elsewhere",
		           s->name, util_count_text(ck->a, &e->replicas, "0"),
		           util_count_text(ck->a, &s->replicas, "0"));
		diag_note(ck->d, s->replicas.loc, "first given here");
	}
}

static void wire_edge(Checker *ck, Edge *e)
{
	Stage *fs, *ts;
	ChannelDecl *fd, *td;
	int from = resolve_end(ck, &e->from, PORT_OUT, &fs, &fd);
	int to = resolve_end(ck, &e->to, PORT_IN, &ts, &td);
	merge_replicas(ck, fs, &e->from);
	merge_replicas(ck, ts, &e->to);
	check_count(ck, &e->cap, false);
	bool bad = from < 0 || to < 0;
	if (!bad && fd && td) {
		diag_error(ck->d, e->loc,
		           "an arrow cannot join two channels ('%s' and '%s'); "
		           "wire stages to them",
		           fd->name, td->name);
		bad = true;
	} else if (!bad && e->broadcast && fd) {
		diag_error(ck->d, e->loc,
		           "a broadcast '=>' must start at a stage's out "
		           "port, not at channel '%s'",
		           fd->name);
		bad = true;
	}
	if (bad) {
		/* The ends of a wrong arrow count as connected, so that no
		 * second error follows from the first. */
		if (from >= 0) {
			attach(ck, from, e->loc, false);
			ck->nodes[from].miswired = true;
		}
		if (to >= 0) {
			attach(ck, to, e->loc, false);
			ck->nodes[to].miswired = true;
		}
		if (fs)
			ck->stage_miswired[fs->index] = true;
		if (ts)
			ck->stage_miswired[ts->index] = true;
		return;
	}
	if (!fd) {
		Port *pt = ck->nodes[from].port;
		int pn = from;
		if (e->broadcast) {
			pt->broadcast = true;
			if (!ck->has_bcast[pn])
				ck->bcast_loc[pn] = e->loc;
			ck->has_bcast[pn] = true;
		} else {
			if (!ck->has_plain[pn])
				ck->plain_loc[pn] = e->loc;
			ck->has_plain[pn] = true;
		}
		if (ck->has_plain[pn] && ck->has_bcast[pn]) {
			bool b_first =
			        ck->bcast_loc[pn].line <
			                ck->plain_loc[pn].line ||
			        (ck->bcast_loc[pn].line ==
			                 ck->plain_loc[pn].line &&
			         ck->bcast_loc[pn].col < ck->plain_loc[pn].col);
			if (e->broadcast != b_first) {
				diag_error(ck->d, e->loc,
				           "out port '%s.%s' is wired with "
				           "both '->' and '=>'; a port either "
				           "shares one channel or broadcasts",
				           pt->stage->name, pt->name);
				diag_note(ck->d,
				          b_first ? ck->bcast_loc[pn]
				                  : ck->plain_loc[pn],
				          "first wired with '%s' here",
				          b_first ? "=>" : "->");
			}
		}
		if (e->broadcast && pt->msg && pt->msg->drop_fn &&
		    !pt->msg->copy_fn && !ck->bcast_reported[pn]) {
			ck->bcast_reported[pn] = true;
			diag_error(ck->d, e->loc,
			           "cannot broadcast '%s.%s': message '%s' has "
			           "a drop hook but no copy hook, so its "
			           "payload cannot be given to two receivers",
			           pt->stage->name, pt->name, pt->msg->name);
			diag_note(ck->d, pt->msg->loc,
			          "add copy(FUNCTION) to '%s' here",
			          pt->msg->name);
		}
		if (e->broadcast) {
			int b = new_node(ck, N_BRANCH);
			ck->nodes[b].port = pt;
			attach(ck, from, e->loc, false);
			from = b;
		}
	}
	attach(ck, from, e->loc, true);
	attach(ck, to, e->loc, true);
	unite(ck, from, to);
	if (e->cap.kind != COUNT_NONE)
		ck->claims[ck->nclaims++] = (CapClaim){from, e->cap};
}

/* ---- pass 3: channels ---- */

static const char *port_text(Checker *ck, const Port *pt)
{
	return arena_printf(ck->a, "'%s.%s'", pt->stage->name, pt->name);
}

/* "'s.p' sends M" / "'s.p' receives M" / "channel 'w' carries M" */
static const char *node_says(Checker *ck, const Node *nd)
{
	if (nd->kind == N_DECL)
		return arena_printf(ck->a, "channel '%s' carries %s",
		                    nd->decl->name, nd->msg->name);
	return arena_printf(ck->a, "%s %s %s", port_text(ck, nd->port),
	                    nd->port->dir == PORT_OUT ? "sends" : "receives",
	                    nd->port->msg->name);
}

static Message *node_msg(const Node *nd)
{
	return nd->kind == N_DECL ? nd->msg : nd->port->msg;
}

/* "Num.A", "Num.A and Num.B", "Num.A, Num.B and Num.C" */
static const char *variant_list(Checker *ck, const Message *m, uint64_t bits)
{
	const char *text = "";
	int total = 0, n = 0;
	for (const Variant *v = m->variants; v; v = v->next)
		total +=
		        v->index < CHECK_MAX_VARIANTS && (bits >> v->index & 1);
	for (const Variant *v = m->variants; v; v = v->next) {
		if (v->index >= CHECK_MAX_VARIANTS || !(bits >> v->index & 1))
			continue;
		n++;
		text = arena_printf(ck->a, "%s%s%s.%s", text,
		                    n == 1       ? ""
		                    : n == total ? " and "
		                                 : ", ",
		                    m->name, v->name);
	}
	return text;
}

typedef struct ChanBuild {
	Channel *c;
	int *members; /* nodes, in the order they were wired */
	int nmembers;
	ChannelDecl *decl;
	const Count *cap; /* the capacity agreed on */
	Loc cap_loc;
} ChanBuild;

/* Adds c to the channels of pt; false if pt already has it (two '=>'
 * branches of one port into one channel). */
static bool add_port_chan(Port *pt, Channel *c)
{
	for (int i = 0; i < pt->nchans; i++)
		if (pt->chans[i] == c)
			return false;
	pt->chans[pt->nchans++] = c;
	return true;
}

static void build_channels(Checker *ck)
{
	Program *p = ck->p;
	int nb = 0;
	ChanBuild *cb = arena_alloc(ck->a, (size_t)(ck->nattached + 1) *
	                                           sizeof(ChanBuild));
	/* Channels in the order of their first arrow. */
	for (int i = 0; i < ck->nattached; i++) {
		int n = ck->attach_order[i];
		int r = find(ck, n);
		if (ck->nodes[r].chan < 0)
			ck->nodes[r].chan = nb++;
		ck->nodes[n].chan = ck->nodes[r].chan;
	}
	/* Members of each channel: count, then fill. */
	for (int i = 0; i < ck->nattached; i++)
		cb[ck->nodes[ck->attach_order[i]].chan].nmembers++;
	for (int i = 0; i < nb; i++) {
		cb[i].members = arena_alloc(
		        ck->a, (size_t)(cb[i].nmembers + 1) * sizeof(int));
		cb[i].nmembers = 0;
	}
	for (int i = 0; i < ck->nattached; i++) {
		int n = ck->attach_order[i];
		ChanBuild *b = &cb[ck->nodes[n].chan];
		b->members[b->nmembers++] = n;
	}

	/* How many channels each port will hold. */
	int *nport_chans =
	        arena_alloc(ck->a, (size_t)(ck->nnodes + 1) * sizeof(int));
	for (int i = 0; i < ck->nattached; i++) {
		Node *nd = &ck->nodes[ck->attach_order[i]];
		if (nd->kind != N_DECL)
			nport_chans[port_node(ck, nd->port)]++;
	}

	Table names = {0};
	for (ChannelDecl *d = p->chandecls; d; d = d->next)
		if (!table_get(&names, d->name))
			table_put(ck->a, &names, d->name, d);
	Channel **tail = &p->channels;
	for (int i = 0; i < nb; i++) {
		ChanBuild *b = &cb[i];
		Channel *c = ARENA_NEW(ck->a, Channel);
		b->c = c;
		c->index = i;
		c->loc = ck->nodes[b->members[0]].attach;
		c->senders = arena_alloc(ck->a,
		                         (size_t)b->nmembers * sizeof(Port *));
		c->receivers = arena_alloc(ck->a, (size_t)b->nmembers *
		                                          sizeof(Port *));
		const Node *ref = NULL;
		for (int k = 0; k < b->nmembers; k++) {
			Node *nd = &ck->nodes[b->members[k]];
			if (nd->kind == N_DECL) {
				if (b->decl) {
					diag_error(ck->d, nd->attach,
					           "channels '%s' and '%s' are "
					           "joined into one by the "
					           "wiring (a port is wired to "
					           "both); use one of them",
					           b->decl->name,
					           nd->decl->name);
					continue;
				}
				b->decl = nd->decl;
				c->loc = nd->decl->loc;
				if (nd->msg)
					ref = nd;
				continue;
			}
			Port *pt = nd->port;
			if (!pt->chans)
				pt->chans = arena_alloc(
				        ck->a, (size_t)(nport_chans[port_node(
				                                ck, pt)] +
				                        1) *
				                       sizeof(Channel *));
			if (!add_port_chan(pt, c)) {
				diag_error(ck->d, nd->attach,
				           "%s broadcasts into this channel "
				           "twice",
				           port_text(ck, pt));
				continue;
			}
			if (pt->dir == PORT_OUT)
				c->senders[c->nsenders++] = pt;
			else
				c->receivers[c->nreceivers++] = pt;
		}
		/* The message type: the declared one, else the first sender's
		 * (else the first receiver's). */
		for (int k = 0; !ref && k < b->nmembers; k++) {
			Node *nd = &ck->nodes[b->members[k]];
			if (nd->kind != N_DECL && nd->port->msg &&
			    nd->port->dir == PORT_OUT)
				ref = nd;
		}
		for (int k = 0; !ref && k < b->nmembers; k++) {
			Node *nd = &ck->nodes[b->members[k]];
			if (nd->kind != N_DECL && nd->port->msg)
				ref = nd;
		}
		c->msg = ref ? node_msg(ref) : NULL;
		for (int k = 0; ref && k < b->nmembers; k++) {
			Node *nd = &ck->nodes[b->members[k]];
			if (nd == ref || nd->kind == N_DECL || !nd->port->msg ||
			    nd->port->msg == c->msg)
				continue;
			diag_error(ck->d, nd->attach,
			           "message type mismatch: %s but %s",
			           node_says(ck, ref), node_says(ck, nd));
		}
		/* Every variant a sender may send, each receiver accepts. */
		for (int s = 0; c->msg && s < c->nsenders; s++) {
			Port *sp = c->senders[s];
			if (sp->msg != c->msg)
				continue;
			for (int r = 0; r < c->nreceivers; r++) {
				Port *rp = c->receivers[r];
				if (rp->msg != c->msg)
					continue;
				uint64_t bad = sp->mask & ~rp->mask;
				if (!bad)
					continue;
				Loc at = ck->nodes[port_node(ck, rp)].attach;
				diag_error(ck->d, at,
				           "%s sends %s, which %s does not "
				           "accept",
				           port_text(ck, sp),
				           variant_list(ck, c->msg, bad),
				           port_text(ck, rp));
				diag_note(ck->d, rp->msg_loc,
				          "%s accepts only %s",
				          port_text(ck, rp),
				          variant_list(ck, c->msg, rp->mask));
			}
		}
		bool quiet = false; /* a wrong arrow was reported */
		for (int k = 0; k < b->nmembers; k++)
			quiet = quiet || ck->nodes[b->members[k]].miswired;
		if (b->decl && c->nsenders == 0 && !quiet)
			diag_error(ck->d, b->decl->loc,
			           "channel '%s' has no sender: no arrow goes "
			           "into it",
			           b->decl->name);
		if (b->decl && c->nreceivers == 0 && !quiet)
			diag_error(ck->d, b->decl->loc,
			           "channel '%s' has no receiver: no arrow "
			           "leaves it",
			           b->decl->name);
		/* The name: the declared one, else "<stage>_<port>" of the
		 * first sender, made unique with a number. */
		if (b->decl) {
			c->name = b->decl->name;
		} else {
			const Port *first =
			        c->nsenders ? c->senders[0] : c->receivers[0];
			const char *base =
			        arena_printf(ck->a, "%s_%s", first->stage->name,
			                     first->name);
			c->name = base;
			for (int k = 2; table_get(&names, c->name); k++)
				c->name = arena_printf(ck->a, "%s_%d", base, k);
			table_put(ck->a, &names, c->name, c);
		}
		*tail = c;
		tail = &c->next;
		p->nchannels++;
	}

	/* Capacities: every one written for a channel must agree. */
	/* The declared channels' nodes follow the ports' (setup_nodes()). */
	int n = ck->port_base[p->nstages];
	for (ChannelDecl *d = p->chandecls; d; d = d->next, n++) {
		if (ck->nodes[n].decl != d)
			UNREACHABLE();
		if (ck->nodes[n].chan >= 0 && d->cap.kind != COUNT_NONE) {
			ChanBuild *b = &cb[ck->nodes[n].chan];
			b->cap = &d->cap;
			b->cap_loc = d->cap.loc;
		}
	}
	for (int i = 0; i < ck->nclaims; i++) {
		CapClaim *cl = &ck->claims[i];
		ChanBuild *b = &cb[ck->nodes[cl->node].chan];
		if (!b->cap) {
			b->cap = &cl->cap;
			b->cap_loc = cl->cap.loc;
		} else if (!same_count(b->cap, &cl->cap)) {
			diag_error(
			        ck->d, cl->cap.loc,
			        "conflicting capacities for channel '%s': %s "
			        "here, %s before",
			        b->c->name,
			        util_count_text(ck->a, &cl->cap, "0"),
			        util_count_text(ck->a, b->cap, "0"));
			diag_note(ck->d, b->cap_loc,
			          "the capacity is first given here");
		}
	}
	for (int i = 0; i < nb; i++) {
		if (cb[i].cap)
			cb[i].c->cap = *cb[i].cap;
		else
			cb[i].c->cap.kind = COUNT_NONE;
	}
}

/* ---- pass 4: connections, cycles, warnings ---- */

static void check_connected(Checker *ck)
{
	for (Stage *s = ck->p->stages; s; s = s->next) {
		if (ck->stage_miswired[s->index] ||
		    table_get(&ck->stages, s->name) != s)
			continue; /* its wrong arrow, or it, was reported */
		int wired = 0;
		for (Port *pt = s->ports; pt; pt = pt->next)
			wired += ck->nodes[port_node(ck, pt)].wired;
		if (wired == 0 && s->nports > 0) {
			diag_error(ck->d, s->loc,
			           "stage '%s' is not connected: no arrow "
			           "goes into it or leaves it",
			           s->name);
			continue;
		}
		for (Port *pt = s->ports; pt; pt = pt->next)
			if (!ck->nodes[port_node(ck, pt)].wired &&
			    !ck->nodes[port_node(ck, pt)].dup)
				diag_error(ck->d, pt->loc,
				           "port '%s.%s' is not connected; "
				           "every port must be wired",
				           s->name, pt->name);
	}
	for (int n = 0; n < ck->nnodes; n++)
		if (ck->nodes[n].kind == N_DECL && !ck->nodes[n].wired &&
		    table_get(&ck->chandecls, ck->nodes[n].decl->name) ==
		            ck->nodes[n].decl)
			diag_warning(ck->d, ck->nodes[n].decl->loc,
			             "channel '%s' is declared but never used",
			             ck->nodes[n].decl->name);
}

typedef struct Arc {
	int to;
	const Channel *via;
} Arc;

static void check_cycles(Checker *ck)
{
	Program *p = ck->p;
	int ns = p->nstages;
	if (ns == 0)
		return;
	int *narcs = arena_alloc(ck->a, (size_t)ns * sizeof(int));
	for (Channel *c = p->channels; c; c = c->next)
		for (int s = 0; s < c->nsenders; s++)
			narcs[c->senders[s]->stage->index] += c->nreceivers;
	Arc **arcs = arena_alloc(ck->a, (size_t)ns * sizeof(Arc *));
	int *fill = arena_alloc(ck->a, (size_t)ns * sizeof(int));
	for (int i = 0; i < ns; i++)
		arcs[i] = arena_alloc(ck->a,
		                      (size_t)(narcs[i] + 1) * sizeof(Arc));
	for (Channel *c = p->channels; c; c = c->next)
		for (int s = 0; s < c->nsenders; s++)
			for (int r = 0; r < c->nreceivers; r++) {
				int from = c->senders[s]->stage->index;
				arcs[from][fill[from]++] =
				        (Arc){c->receivers[r]->stage->index, c};
			}

	/* Iterative depth-first search; color 0 new, 1 on the path, 2 done. */
	int *color = arena_alloc(ck->a, (size_t)ns * sizeof(int));
	int *path = arena_alloc(ck->a, (size_t)ns * sizeof(int));
	int *next = arena_alloc(ck->a, (size_t)ns * sizeof(int));
	int reported = 0;
	for (int root = 0; root < ns; root++) {
		if (color[root])
			continue;
		int depth = 0;
		path[0] = root;
		color[root] = 1;
		next[root] = 0;
		while (depth >= 0) {
			int u = path[depth];
			if (next[u] == fill[u]) {
				color[u] = 2;
				depth--;
				continue;
			}
			Arc a = arcs[u][next[u]++];
			if (color[a.to] == 0) {
				color[a.to] = 1;
				next[a.to] = 0;
				path[++depth] = a.to;
			} else if (color[a.to] == 1 && reported < 10) {
				reported++;
				int k = depth;
				while (path[k] != a.to)
					k--;
				const char *text = "";
				for (int j = k; j <= depth; j++)
					text = arena_printf(
					        ck->a, "%s%s -> ", text,
					        ck->stage_by_index[path[j]]
					                ->name);
				text = arena_printf(
				        ck->a, "%s%s", text,
				        ck->stage_by_index[a.to]->name);
				if (p->allow_cycles)
					diag_warning(ck->d, a.via->loc,
					             "the wiring has a cycle: "
					             "%s",
					             text);
				else
					diag_error(
					        ck->d, a.via->loc,
					        "the wiring has a cycle: %s "
					        "(its stages keep each other "
					        "alive, so drop-to-cancel "
					        "cannot stop them; "
					        "--allow-cycles accepts it)",
					        text);
			}
		}
	}
}

/* Is word a whole word of text (C identifier boundaries)? */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *q = strstr(text, word); q; q = strstr(q + 1, word)) {
		bool left = q == text ||
		            !(q[-1] == '_' || (q[-1] >= '0' && q[-1] <= '9') ||
		              ((q[-1] | 0x20) >= 'a' && (q[-1] | 0x20) <= 'z'));
		char c = q[n];
		bool right = !(c == '_' || (c >= '0' && c <= '9') ||
		               ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'));
		if (left && right)
			return true;
	}
	return false;
}

/* A parameter no count uses and no C code mentions is likely a mistake
 * (extern stages may use any, so then nothing is said). */
static void check_unused_params(Checker *ck)
{
	Program *p = ck->p;
	for (Stage *s = p->stages; s; s = s->next)
		if (s->is_extern)
			return;
	for (Param *pa = p->params; pa; pa = pa->next) {
		if (ck->param_used[pa->index] ||
		    table_get(&ck->params, pa->name) != pa)
			continue;
		bool used = false;
		for (Stage *s = p->stages; s && !used; s = s->next)
			used = s->body && has_word(s->body, pa->name);
		for (Verbatim *v = p->verbatims; v && !used; v = v->next)
			used = has_word(v->text, pa->name);
		if (!used)
			diag_warning(ck->d, pa->loc,
			             "parameter '%s' is never used (no count "
			             "and no C code names it)",
			             pa->name);
	}
}

/* ---- the checks, in order ---- */

static void setup_nodes(Checker *ck)
{
	Program *p = ck->p;
	int nports = 0;
	ck->port_base =
	        arena_alloc(ck->a, (size_t)(p->nstages + 1) * sizeof(int));
	for (Stage *s = p->stages; s; s = s->next) {
		ck->port_base[s->index] = nports;
		nports += s->nports;
	}
	ck->port_base[p->nstages] = nports;
	int nbranches = 0;
	for (Edge *e = p->edges; e; e = e->next)
		nbranches += e->broadcast;
	ck->maxnodes = nports + p->nchandecls + nbranches;
	size_t m = (size_t)ck->maxnodes + 1;
	ck->nodes = arena_alloc(ck->a, m * sizeof(Node));
	ck->attach_order = arena_alloc(ck->a, m * sizeof(int));
	ck->claims =
	        arena_alloc(ck->a, (size_t)(p->nedges + 1) * sizeof(CapClaim));
	ck->plain_loc = arena_alloc(ck->a, m * sizeof(Loc));
	ck->bcast_loc = arena_alloc(ck->a, m * sizeof(Loc));
	ck->has_plain = arena_alloc(ck->a, m * sizeof(bool));
	ck->has_bcast = arena_alloc(ck->a, m * sizeof(bool));
	ck->stage_miswired =
	        arena_alloc(ck->a, (size_t)(p->nstages + 1) * sizeof(bool));
	ck->bcast_reported = arena_alloc(ck->a, m * sizeof(bool));
	for (Stage *s = p->stages; s; s = s->next)
		for (Port *pt = s->ports; pt; pt = pt->next) {
			int n = new_node(ck, N_PORT);
			ck->nodes[n].port = pt;
			ck->nodes[n].dup =
			        ck->dup_ports.n &&
			        table_get(&ck->dup_ports,
			                  arena_printf(ck->a, "%d.%d", s->index,
			                               pt->index));
		}
	/* Declared channels follow the ports. */
	for (ChannelDecl *c = p->chandecls; c; c = c->next) {
		int n = new_node(ck, N_DECL);
		ck->nodes[n].decl = c;
		ck->nodes[n].msg =
		        c->msg_name ? table_get(&ck->messages, c->msg_name)
		                    : NULL;
		if (table_get(&ck->chandecls, c->name) == c)
			table_put(ck->a, &ck->decl_nodes, c->name,
			          (void *)(intptr_t)(n + 1));
	}
}

bool check_program(Program *p, Arena *a, Diag *d)
{
	Checker ck = {.p = p, .a = a, .d = d};
	int errors = d->errors;
	ck.param_used = arena_alloc(a, (size_t)(p->nparams + 1) * sizeof(bool));

	check_pipeline(&ck);
	check_params(&ck);
	check_messages(&ck);
	check_stages(&ck);
	check_chandecls(&ck);
	if (p->nstages == 0)
		diag_error(d, p->name ? p->name_loc : (Loc){1, 1},
		           "the pipeline has no stages");

	setup_nodes(&ck);
	for (Edge *e = p->edges; e; e = e->next)
		wire_edge(&ck, e);
	build_channels(&ck);
	check_connected(&ck);
	check_cycles(&ck);
	check_unused_params(&ck);
	return d->errors == errors;
}
