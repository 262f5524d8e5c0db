/* SPDX-License-Identifier: MIT */
/*
 * check_decls.c - the checks of the declarations, before any arrow is
 * looked at: the pipeline's name, the parameters and their defaults, the
 * messages with their variants and fields (and the imported messages,
 * joined to this file's), the stages with their ports (each port's type
 * resolved to a message and a variant mask) and their stack sizes, and the
 * declared channels;
 * in a message file, what only a pipeline can declare. Each name is
 * checked against C's reserved names and registered with the names the
 * generated code derives from it. At the end, after the graph: the
 * parameters nothing uses.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "check_internal.h"
#include "import.h"
#include "util.h"

/* Takes the include guards of the message files p imports (at the first
 * import of each), and its own if it is one (at its start). */
void check_files(Checker *ck)
{
	Program *p = ck->p;
	int n;
	const Import **imps = import_list(p, ck->a, &n);
	for (int i = 0; i < n; i++)
		check_gen_file(ck, imps[i]->prog->src, imps[i]->loc);
	if (p->is_module)
		check_gen_file(ck, p->src, (Loc){1, 1, p->src});
}

/* Something a message file cannot declare, and where. */
typedef struct Misplaced {
	Loc loc;
	const char *what;
} Misplaced;

/* What a message file cannot declare: the first of each kind, in the
 * order of the file. */
void check_module(Checker *ck)
{
	Program *p = ck->p;
	Misplaced found[5];
	int n = 0;
	for (Verbatim *v = p->verbatims; v; v = v->next)
		if (!v->in_header) {
			found[n++] = (Misplaced){v->loc, "a '%{ %}' block"};
			break;
		}
	if (p->params)
		found[n++] = (Misplaced){p->params->loc, "a parameter"};
	if (p->stages)
		found[n++] = (Misplaced){p->stages->loc, "a stage"};
	if (p->chandecls)
		found[n++] = (Misplaced){p->chandecls->loc, "a channel"};
	if (p->edges)
		found[n++] = (Misplaced){p->edges->loc, "an arrow"};
	/* in the order of the file (a few: insertion sort) */
	for (int i = 1; i < n; i++)
		for (int j = i;
		     j > 0 && (found[j].loc.line < found[j - 1].loc.line ||
		               (found[j].loc.line == found[j - 1].loc.line &&
		                found[j].loc.col < found[j - 1].loc.col));
		     j--) {
			Misplaced t = found[j];
			found[j] = found[j - 1];
			found[j - 1] = t;
		}
	for (int i = 0; i < n; i++)
		diag_error(
		        ck->d, found[i].loc,
		        "%s in a message file: a file without 'pipeline "
		        "NAME;' declares only messages, '%%header{ }' blocks "
		        "and imports",
		        found[i].what);
}

void check_pipeline(Checker *ck)
{
	Program *p = ck->p;
	if (!p->name) {
		diag_error(ck->d, (Loc){1, 1, p->src},
		           "missing 'pipeline NAME;' declaration (it names "
		           "the generated functions)");
		return;
	}
	check_name(ck, p->name, p->name_loc, "the pipeline");
	check_gen_pipeline(ck);
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

void check_params(Checker *ck)
{
	for (Param *pa = ck->p->params; pa; pa = pa->next) {
		check_name(ck, pa->name, pa->loc, "a parameter");
		Param *old = check_table_get(&ck->params, pa->name);
		if (old) {
			diag_error(ck->d, pa->loc, "duplicate parameter '%s'",
			           pa->name);
			diag_note(ck->d, old->loc, "first defined here");
			continue;
		}
		check_table_put(ck->a, &ck->params, pa->name, pa);
		check_default(ck, pa);
	}
}

static void check_fields(Checker *ck, const Message *m, const Variant *v)
{
	Table fields = {0};
	/* The fields are the constructor's parameters, in whose scope it
	 * names the message's type and the variant's tag constant. */
	const char *tag =
	        arena_printf(ck->a, "%s_%s", util_upper(ck->a, m->name),
	                     util_upper(ck->a, v->name));
	for (Field *f = v->fields; f; f = f->next) {
		check_name(ck, f->name, f->loc, "a field");
		bool is_type = strcmp(f->name, m->name) == 0;
		if (is_type || strcmp(f->name, tag) == 0)
			diag_error(
			        ck->d, f->loc,
			        "a field cannot be named '%s': the "
			        "constructor of '%s.%s' uses that name for %s",
			        f->name, m->name, v->name,
			        is_type ? "the message's type"
			                : "the tag constant");
		Field *of = check_table_get(&fields, f->name);
		if (of) {
			diag_error(ck->d, f->loc,
			           "duplicate field '%s' in variant '%s.%s'",
			           f->name, m->name, v->name);
			diag_note(ck->d, of->loc, "first defined here");
			continue;
		}
		check_table_put(ck->a, &fields, f->name, f);
	}
}

/* Whether word stands at t[0..] as a whole C identifier. */
static bool word_at(const char *text, const char *t, const char *word)
{
	size_t n = strlen(word);
	bool before =
	        t > text && (isalnum((unsigned char)t[-1]) || t[-1] == '_');
	return !before && strncmp(t, word, n) == 0 &&
	       !(isalnum((unsigned char)t[n]) || t[n] == '_');
}

/*
 * Whether the C type ctype names an array, which C can neither pass to a
 * function nor return from one (so a constructor or accessor could not
 * take it): the array types of the C library, or a typedef of an array in
 * one of the file's %header blocks ("typedef long Triple[3];"). A typedef
 * pipec cannot see (in a header the block includes) fails in the C
 * compiler instead, at the variant's line (the generated functions carry a
 * #line to it). Sets *why to say which.
 */
static bool is_array_type(Checker *ck, const char *ctype, const char **why)
{
	static const char *const library[] = {"jmp_buf", "sigjmp_buf",
	                                      "va_list"};
	for (size_t i = 0; i < sizeof library / sizeof library[0]; i++)
		if (strcmp(ctype, library[i]) == 0) {
			*why = "a C library array type";
			return true;
		}
	for (const Verbatim *v = ck->p->verbatims; v; v = v->next) {
		if (!v->in_header)
			continue;
		for (const char *t = v->text; (t = strstr(t, ctype)); t++) {
			if (!word_at(v->text, t, ctype))
				continue;
			const char *r = t + strlen(ctype);
			while (*r == ' ' || *r == '\t')
				r++;
			/* NAME[ after a typedef of this statement */
			const char *stmt = t;
			while (stmt > v->text && stmt[-1] != ';' &&
			       stmt[-1] != '}' && stmt[-1] != '{')
				stmt--;
			while (isspace((unsigned char)*stmt))
				stmt++;
			if (*r == '[' && word_at(v->text, stmt, "typedef")) {
				*why = "a typedef of an array in a %header "
				       "block";
				return true;
			}
		}
	}
	return false;
}

/* A payload C cannot pass by value: say so where it is written. */
static void check_payload_type(Checker *ck, const char *ctype, Loc loc,
                               const Message *m, const Variant *v)
{
	const char *why;
	if (!ctype || strchr(ctype, '*') || !is_array_type(ck, ctype, &why))
		return;
	diag_error(ck->d, loc,
	           "the payload type '%s' of '%s.%s' is an array (%s); C "
	           "cannot pass an array by value, as constructors and "
	           "accessors do: wrap it in a struct",
	           ctype, m->name, v->name, why);
}

static void check_message(Checker *ck, Message *m)
{
	check_name(ck, m->name, m->loc, "a message");
	check_gen_message(ck, m);
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

	Table seen = {0};
	for (Variant *v = m->variants; v; v = v->next) {
		if (v->index == CHECK_MAX_VARIANTS) {
			diag_error(ck->d, v->loc,
			           "message '%s' has more than %d variants",
			           m->name, CHECK_MAX_VARIANTS);
			break; /* the rest would only add to the error */
		}
		check_name(ck, v->name, v->loc, "a variant");
		Variant *old = check_table_get(&seen, v->name);
		if (old) {
			diag_error(ck->d, v->loc,
			           "duplicate variant '%s' in message '%s'",
			           v->name, m->name);
			diag_note(ck->d, old->loc, "first defined here");
			continue;
		}
		check_table_put(ck->a, &seen, v->name, v);
		check_gen_variant(ck, m, v);
		check_fields(ck, m, v);
		check_payload_type(ck, v->ctype, v->ctype_loc, m, v);
		for (const Field *f = v->fields; f; f = f->next)
			check_payload_type(ck, f->ctype, f->ctype_loc, m, v);
	}
}

/*
 * Puts the messages of the files p imports, directly or not, at the head
 * of its list: each declaration once (a file imported along two paths
 * brings the same ones), as a copy with `from` the import that brings it.
 * An imported file's list already starts with what it imports.
 */
static void import_messages(Checker *ck)
{
	Program *p = ck->p;
	Table seen = {0}; /* the declarations taken, by place */
	Message *head = NULL, **tail = &head;
	int n = 0;
	for (Import *imp = p->imports; imp; imp = imp->next) {
		for (Message *m = imp->prog ? imp->prog->messages : NULL; m;
		     m = m->next) {
			const char *at = arena_printf(ck->a, "%p:%d:%d",
			                              (const void *)m->loc.file,
			                              m->loc.line, m->loc.col);
			if (check_table_get(&seen, at))
				continue;
			check_table_put(ck->a, &seen, at, m);
			Message *c = ARENA_NEW(ck->a, Message);
			*c = *m;
			c->from = imp;
			c->next = NULL;
			c->index = n++;
			*tail = c;
			tail = &c->next;
		}
	}
	*tail = p->messages;
	for (Message *m = p->messages; m; m = m->next)
		m->index = n++;
	p->messages = head;
	p->nmessages = n;
}

void check_messages(Checker *ck)
{
	import_messages(ck);
	for (Message *m = ck->p->messages; m; m = m->next) {
		Message *old = check_table_get(&ck->messages, m->name);
		if (old) {
			diag_error(ck->d, m->loc, "duplicate message '%s'",
			           m->name);
			diag_note(ck->d, old->loc, "first defined here");
			continue;
		}
		check_table_put(ck->a, &ck->messages, m->name, m);
		if (!m->from) {
			check_message(ck, m);
			continue;
		}
		/* Checked in its own file; here its names meet this file's. */
		check_gen_message(ck, m);
		for (Variant *v = m->variants; v; v = v->next)
			check_gen_variant(ck, m, v);
	}
}

/* Resolves a port's message and variants into msg and mask. */
static void check_port_type(Checker *ck, Port *pt)
{
	Message *m = check_table_get(&ck->messages, pt->msg_name);
	if (!m) {
		diag_error(ck->d, pt->msg_loc, "undefined message '%s'%s",
		           pt->msg_name, check_guess_message(ck, pt->msg_name));
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
			check_guess_init(&g, r->name);
			for (v = m->variants; v; v = v->next)
				check_guess_try(&g, v->name);
			diag_error(ck->d, r->loc,
			           "message '%s' has no variant '%s'%s",
			           m->name, r->name, check_guess_text(ck, &g));
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

static void check_ports(Checker *ck, Stage *s)
{
	Table ports = {0};
	for (Port *pt = s->ports; pt; pt = pt->next) {
		pt->stage = s;
		check_name(ck, pt->name, pt->loc, "a port");
		check_body_name(ck, pt);
		Port *op = check_table_get(&ports, pt->name);
		if (op) {
			diag_error(ck->d, pt->loc,
			           "duplicate port '%s' in stage '%s'",
			           pt->name, s->name);
			diag_note(ck->d, op->loc, "first defined here");
			check_table_put(ck->a, &ck->dup_ports,
			                arena_printf(ck->a, "%d.%d", s->index,
			                             pt->index),
			                pt);
		} else {
			check_table_put(ck->a, &ports, pt->name, pt);
		}
		check_port_type(ck, pt);
	}
}

/* What a stack size's spelling gives (see stack_bytes()). */
typedef enum StackSpelling {
	STACK_OK,
	STACK_MALFORMED,
	STACK_OVERFLOW, /* more than 64 bits of bytes */
} StackSpelling;

/* The bytes a stack size spells: decimal digits, then nothing (bytes), k
 * or K (KiB), m or M (MiB). */
static StackSpelling stack_bytes(const char *s, unsigned long long *bytes)
{
	const char *p = s;
	unsigned long long v = 0;
	bool overflow = false;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned dig = (unsigned)(*p - '0');
		if (v > (ULLONG_MAX - dig) / 10)
			overflow = true;
		else
			v = v * 10 + dig;
	}
	bool digits = p > s;
	unsigned shift = 0;
	if (*p == 'k' || *p == 'K')
		shift = 10;
	else if (*p == 'm' || *p == 'M')
		shift = 20;
	if (shift)
		p++;
	if (!digits || *p)
		return STACK_MALFORMED;
	if (overflow || v > ULLONG_MAX >> shift)
		return STACK_OVERFLOW;
	*bytes = v << shift;
	return STACK_OK;
}

/* stack(SIZE): a well-formed size within the runtime's limits. */
static void check_stack(Checker *ck, Stage *s)
{
	if (!s->stack_text)
		return;
	unsigned long long v = 0;
	switch (stack_bytes(s->stack_text, &v)) {
	case STACK_MALFORMED:
		diag_error(ck->d, s->stack_loc,
		           "malformed stack size '%s': write a decimal number "
		           "of bytes, or of KiB or MiB with the suffix k or M "
		           "(64k, 1M)",
		           s->stack_text);
		return;
	case STACK_OVERFLOW:
		diag_error(ck->d, s->stack_loc,
		           "stack size %s overflows; the maximum is 1024M "
		           "(1 GiB)",
		           s->stack_text);
		return;
	case STACK_OK:
		break;
	}
	if (v < CHECK_STACK_MIN)
		diag_error(ck->d, s->stack_loc,
		           "stack size %s is below the minimum, 16k",
		           s->stack_text);
	else if (v > CHECK_STACK_MAX)
		diag_error(ck->d, s->stack_loc,
		           "stack size %s is above the maximum, 1024M (1 GiB)",
		           s->stack_text);
	else
		s->stack = v;
}

void check_stages(Checker *ck)
{
	for (Stage *s = ck->p->stages; s; s = s->next) {
		check_name(ck, s->name, s->loc, "a stage");
		Stage *old = check_table_get(&ck->stages, s->name);
		if (old) {
			diag_error(ck->d, s->loc, "duplicate stage '%s'",
			           s->name);
			diag_note(ck->d, old->loc, "first defined here");
		} else {
			check_table_put(ck->a, &ck->stages, s->name, s);
			check_gen_stage(ck, s);
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
			diag_warning(ck->d, s->loc, W_STAGE_WITHOUT_PORTS,
			             "stage '%s' has no ports: it runs alone, "
			             "unconnected to the pipeline",
			             s->name);
		check_stack(ck, s);
		check_ports(ck, s);
	}
}

void check_chandecls(Checker *ck)
{
	for (ChannelDecl *c = ck->p->chandecls; c; c = c->next) {
		check_name(ck, c->name, c->loc, "a channel");
		ChannelDecl *old = check_table_get(&ck->chandecls, c->name);
		if (old) {
			diag_error(ck->d, c->loc, "duplicate channel '%s'",
			           c->name);
			diag_note(ck->d, old->loc, "first defined here");
			continue;
		}
		Stage *s = check_table_get(&ck->stages, c->name);
		if (s) {
			diag_error(ck->d, c->loc,
			           "channel '%s' has the name of a stage; "
			           "arrows could not tell them apart",
			           c->name);
			diag_note(ck->d, s->loc, "the stage is defined here");
			continue;
		}
		check_table_put(ck->a, &ck->chandecls, c->name, c);
		if (c->msg_name && !check_table_get(&ck->messages, c->msg_name))
			diag_error(ck->d, c->msg_loc,
			           "undefined message '%s'%s", c->msg_name,
			           check_guess_message(ck, c->msg_name));
		check_count(ck, &c->cap, false);
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
void check_unused_params(Checker *ck)
{
	Program *p = ck->p;
	for (Stage *s = p->stages; s; s = s->next)
		if (s->is_extern)
			return;
	for (Param *pa = p->params; pa; pa = pa->next) {
		if (ck->param_used[pa->index] ||
		    check_table_get(&ck->params, pa->name) != pa)
			continue;
		bool used = false;
		for (Stage *s = p->stages; s && !used; s = s->next)
			used = s->body && has_word(s->body, pa->name);
		for (Verbatim *v = p->verbatims; v && !used; v = v->next)
			used = has_word(v->text, pa->name);
		if (!used)
			diag_warning(ck->d, pa->loc, W_UNUSED_PARAM,
			             "parameter '%s' is never used (no count "
			             "and no C code names it)",
			             pa->name);
	}
}
