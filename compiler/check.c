/* SPDX-License-Identifier: MIT */
/*
 * check.c - the semantic checks and the channel graph (see check.h): the
 * entry point, which reads as the list of passes, and the name table the
 * passes share. The passes are in check_decls.c and check_graph.c, what
 * they share in check_names.c (check_internal.h maps them).
 */
#include "check.h"

#include <string.h>

#include "check_internal.h"

/* ---- the name table ---- */

static size_t hash(const char *s)
{
	size_t h = 2166136261u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

void *check_table_get(const Table *t, const char *key)
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

void check_table_put(Arena *a, Table *t, const char *key, void *val)
{
	if (2 * (t->n + 1) > t->cap) {
		Table big = {.cap = t->cap ? 2 * t->cap : 8};
		big.e = arena_alloc(a, big.cap * sizeof(Entry));
		for (size_t i = 0; i < t->cap; i++)
			if (t->e[i].key)
				check_table_put(a, &big, t->e[i].key,
				                t->e[i].val);
		*t = big;
	}
	size_t i = hash(key) & (t->cap - 1);
	while (t->e[i].key)
		i = (i + 1) & (t->cap - 1);
	t->e[i].key = key;
	t->e[i].val = val;
	t->n++;
}

/* ---- the checks, in order ---- */

bool check_program(Program *p, Arena *a, Diag *d)
{
	Checker ck = {.p = p, .a = a, .d = d};
	int errors = d->errors;
	ck.param_used = arena_alloc(a, (size_t)(p->nparams + 1) * sizeof(bool));
	ck.stage_info =
	        arena_alloc(a, (size_t)(p->nstages + 1) * sizeof(StageInfo));
	for (Stage *s = p->stages; s; s = s->next)
		ck.stage_info[s->index].stage = s;

	/* a message file: its messages, and the imported ones */
	if (p->is_module) {
		check_module(&ck);
		check_files(&ck);
		check_messages(&ck);
		return d->errors == errors;
	}

	/* the declarations */
	check_pipeline(&ck);
	check_files(&ck);
	check_params(&ck);
	check_messages(&ck);
	check_stages(&ck);
	check_chandecls(&ck);
	if (p->nstages == 0)
		diag_error(d, p->name ? p->name_loc : (Loc){1, 1, p->src},
		           "the pipeline has no stages");

	/* the graph */
	check_wiring(&ck);
	check_build_channels(&ck);
	check_connected(&ck);
	check_cycles(&ck);

	check_unused_params(&ck);
	return d->errors == errors;
}
