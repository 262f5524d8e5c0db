/* SPDX-License-Identifier: MIT */
/*
 * build.c - runs built from the static tables pipec generates: checking
 * the tables and the parameters, then making every channel, stage
 * instance and port.
 *
 * pipec_pipeline_build() works in phases: check, copy the parameters,
 * plan (count instances, ports, senders and scratch, so that all of them
 * fit one allocation), make the channels, make the stage instances with
 * their ports. Each phase is linear in the size of the tables. The run
 * owns everything from the start, so a failure anywhere is undone by
 * pipec_run_free() alone.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ------------------------------------------------------------------ */
/* Checking the tables and the parameters                              */
/* ------------------------------------------------------------------ */

/* Names in the messages may be long: they are cut to fit. */
#define WHY_MAX 256
static _Thread_local char why_buf[WHY_MAX];

/* Formats a message into why_buf and returns it. */
static const char *why(const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 1, 2)))
#endif
        ;

static const char *why(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why_buf, sizeof why_buf, fmt, ap);
	va_end(ap);
	return why_buf;
}

static bool is_integer(pipec_param_type t)
{
	return t == PIPEC_PARAM_INT || t == PIPEC_PARAM_LONG ||
	       t == PIPEC_PARAM_SIZE;
}

static size_t param_type_size(pipec_param_type t)
{
	switch (t) {
	case PIPEC_PARAM_INT:
		return sizeof(int);
	case PIPEC_PARAM_LONG:
		return sizeof(long);
	case PIPEC_PARAM_SIZE:
		return sizeof(size_t);
	case PIPEC_PARAM_DOUBLE:
		return sizeof(double);
	case PIPEC_PARAM_BOOL:
		return sizeof(bool);
	case PIPEC_PARAM_STRING:
		return sizeof(const char *);
	}
	return 0;
}

/* A count must be a literal or refer to an integer parameter. */
static bool count_ok(const pipec_pipeline_desc *pl, pipec_count c)
{
	return c.param < 0 || ((unsigned)c.param < pl->nparams &&
	                       is_integer(pl->params[c.param].type));
}

static const char *type_problem(const pipec_msg_type *t)
{
	if (!t || !t->name || t->size == 0)
		return "a message type without a name or size";
	if (t->tag_size != 1 && t->tag_size != 2 && t->tag_size != 4 &&
	    t->tag_size != 8)
		return why("message %s: tag size %zu", t->name, t->tag_size);
	if (t->tag_offset > t->size - t->tag_size)
		return why("message %s: tag outside the message", t->name);
	if (t->nvariants > PIPEC_MAX_VARIANTS)
		return why("message %s: more than %d variants", t->name,
		           PIPEC_MAX_VARIANTS);
	return NULL;
}

static const char *port_problem(const pipec_pipeline_desc *pl,
                                const pipec_stage_desc *s,
                                const pipec_port_desc *p)
{
	if (!p->name)
		return why("stage %s: a port without a name", s->name);
	const char *t = type_problem(p->type);
	if (t)
		return t;
	if (!p->out && p->nchans != 1)
		return why("stage %s: in port %s has %u channels", s->name,
		           p->name, p->nchans);
	if (p->out && p->nchans < 1)
		return why("stage %s: out port %s has no channel", s->name,
		           p->name);
	if (!p->chans)
		return why("stage %s: port %s: no channel table", s->name,
		           p->name);
	for (unsigned i = 0; i < p->nchans; i++) {
		if (p->chans[i] >= pl->nchans)
			return why("stage %s: port %s: no channel %u", s->name,
			           p->name, p->chans[i]);
		if (pl->chans[p->chans[i]].type->size != p->type->size)
			return why("stage %s: port %s: channel %s carries "
			           "another type",
			           s->name, p->name,
			           pl->chans[p->chans[i]].name);
	}
	return NULL;
}

const char *pipec_tables_check(const pipec_pipeline_desc *pl)
{
	if (!pl || !pl->name)
		return "no pipeline table";
	if ((pl->nparams && !pl->params) || (pl->nchans && !pl->chans) ||
	    (pl->nstages && !pl->stages))
		return "a table is missing";
	for (unsigned i = 0; i < pl->nparams; i++) {
		const pipec_param_desc *p = &pl->params[i];
		size_t n = param_type_size(p->type);
		if (!p->name || n == 0 || p->offset > pl->params_size ||
		    pl->params_size - p->offset < n)
			return why("parameter %u: no name, a bad type, or "
			           "outside the parameters",
			           i);
	}
	for (unsigned i = 0; i < pl->nchans; i++) {
		const pipec_chan_desc *c = &pl->chans[i];
		const char *t = type_problem(c->type);
		if (t)
			return t;
		if (!c->name || !count_ok(pl, c->capacity))
			return why("channel %u: no name or a bad capacity", i);
	}
	for (unsigned i = 0; i < pl->nstages; i++) {
		const pipec_stage_desc *s = &pl->stages[i];
		if (!s->name || !s->entry || (s->nports && !s->ports))
			return why("stage %u: no name, entry or ports", i);
		if (!count_ok(pl, s->replicas))
			return why("stage %s: a bad replica count", s->name);
		if (s->replicas.param < 0 &&
		    (s->replicas.value < 1 ||
		     s->replicas.value > PIPEC_MAX_REPLICAS))
			return why("stage %s: %zu replicas", s->name,
			           s->replicas.value);
		if (s->stack &&
		    (s->stack < PIPEC_STACK_MIN || s->stack > PIPEC_STACK_MAX))
			return why("stage %s: a stack of %zu bytes", s->name,
			           s->stack);
		for (unsigned j = 0; j < s->nports; j++) {
			const char *p = port_problem(pl, s, &s->ports[j]);
			if (p)
				return p;
		}
	}
	return NULL;
}

/* The value of integer parameter p: *neg if below zero, else *v. */
static void param_value(const pipec_param_desc *p, const void *params,
                        bool *neg, size_t *v)
{
	const unsigned char *field = (const unsigned char *)params + p->offset;
	int i;
	long l;
	*neg = false;
	switch (p->type) {
	case PIPEC_PARAM_INT:
		memcpy(&i, field, sizeof i);
		*neg = i < 0;
		*v = *neg ? 0 : (size_t)i;
		break;
	case PIPEC_PARAM_LONG:
		memcpy(&l, field, sizeof l);
		*neg = l < 0;
		*v = *neg ? 0 : (size_t)l;
		break;
	default: /* PIPEC_PARAM_SIZE */
		memcpy(v, field, sizeof *v);
		break;
	}
}

static const char *replicas_problem(const pipec_param_desc *p,
                                    const void *params)
{
	bool neg;
	size_t v;
	param_value(p, params, &neg, &v);
	if (neg || v < 1)
		return why("%s must be at least 1", p->name);
	if (v > PIPEC_MAX_REPLICAS)
		return why("%s must be at most %d", p->name,
		           PIPEC_MAX_REPLICAS);
	return NULL;
}

static const char *capacity_problem(const pipec_param_desc *p,
                                    const void *params)
{
	bool neg;
	size_t v;
	param_value(p, params, &neg, &v);
	return neg ? why("%s must not be negative", p->name) : NULL;
}

const char *pipec_params_check(const pipec_pipeline_desc *pl,
                               const void *params)
{
	const char *w = pipec_tables_check(pl);
	if (w)
		return w;
	if (!params)
		return "no parameters";
	/* In the order of the parameters, as the .pipe file lists them. */
	for (unsigned i = 0; i < pl->nparams; i++) {
		const pipec_param_desc *p = &pl->params[i];
		if (!is_integer(p->type))
			continue;
		if ((p->use & PIPEC_PARAM_REPLICAS) &&
		    (w = replicas_problem(p, params)))
			return w;
		if ((p->use & PIPEC_PARAM_CAPACITY) &&
		    (w = capacity_problem(p, params)))
			return w;
	}
	/* A count whose parameter lacks its use bit is checked all the
	 * same: the builder relies on it. */
	for (unsigned i = 0; i < pl->nstages; i++) {
		int r = pl->stages[i].replicas.param;
		if (r >= 0 && (w = replicas_problem(&pl->params[r], params)))
			return w;
	}
	for (unsigned i = 0; i < pl->nchans; i++) {
		int c = pl->chans[i].capacity.param;
		if (c >= 0 && (w = capacity_problem(&pl->params[c], params)))
			return w;
	}
	return NULL;
}

/* A count's value, once the parameters have passed the checks. */
static size_t count_value(const pipec_pipeline_desc *pl, const void *params,
                          pipec_count c)
{
	if (c.param < 0)
		return c.value;
	bool neg;
	size_t v;
	param_value(&pl->params[c.param], params, &neg, &v);
	return v;
}

/* ------------------------------------------------------------------ */
/* Planning one block for the instances and their ports                */
/* ------------------------------------------------------------------ */

/* What one stage instance's body is given. */
typedef struct instance {
	pipec_entry_fn entry;
	pipec_stage_args args;
} instance;

/* Sizes in the block are rounded to this, so every part is aligned for
 * anything (a message copy included). */
#define ALIGN alignof(max_align_t)

/* Saturating arithmetic: a size that overflows becomes one that no
 * allocation can satisfy, which is reported as out of memory. */
static size_t add_sz(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t mul_sz(size_t a, size_t b)
{
	return b && a > SIZE_MAX / b ? SIZE_MAX : a * b;
}

static size_t round_up(size_t n)
{
	return n > SIZE_MAX - (ALIGN - 1) ? SIZE_MAX
	                                  : (n + ALIGN - 1) / ALIGN * ALIGN;
}

/* A broadcast port's scratch: a message copy, a wait node per branch. */
static size_t scratch_size(const pipec_port_desc *p)
{
	if (!p->out || p->nchans < 2)
		return 0;
	return add_sz(round_up(p->type->size),
	              round_up(mul_sz(p->nchans, sizeof(waitnode))));
}

/* Where each part of the block starts, and how big it is. */
typedef struct plan {
	size_t nchans, ninsts, nports, ntxs; /* element counts */
	size_t chans, insts, ports, port_ptrs, txs, scratch, name; /* offsets */
	size_t size;
} plan;

/* Appends a part of n bytes to the plan; returns its offset. */
static size_t part(plan *p, size_t n)
{
	size_t at = p->size;
	p->size = add_sz(p->size, round_up(n));
	return at;
}

static plan make_plan(const pipec_pipeline_desc *pl, const void *params)
{
	plan p = {.nchans = pl->nchans};
	size_t scratch = 0, longest = 0;
	for (unsigned i = 0; i < pl->nstages; i++) {
		const pipec_stage_desc *s = &pl->stages[i];
		size_t r = count_value(pl, params, s->replicas);
		size_t ntxs = 0, sc = 0;
		for (unsigned j = 0; j < s->nports; j++) {
			if (s->ports[j].out)
				ntxs = add_sz(ntxs, s->ports[j].nchans);
			sc = add_sz(sc, scratch_size(&s->ports[j]));
		}
		p.ninsts = add_sz(p.ninsts, r);
		p.nports = add_sz(p.nports, mul_sz(r, s->nports));
		p.ntxs = add_sz(p.ntxs, mul_sz(r, ntxs));
		scratch = add_sz(scratch, mul_sz(r, sc));
		if (strlen(s->name) > longest)
			longest = strlen(s->name);
	}
	p.chans = part(&p, mul_sz(p.nchans, sizeof(pipec_chan *)));
	p.insts = part(&p, mul_sz(p.ninsts, sizeof(instance)));
	p.ports = part(&p, mul_sz(p.nports, sizeof(pipec_port)));
	p.port_ptrs = part(&p, mul_sz(p.nports, sizeof(pipec_port *)));
	p.txs = part(&p, mul_sz(p.ntxs, sizeof(pipec_tx *)));
	p.scratch = part(&p, scratch);
	/* "name[replica]": room for the longest name and any replica. */
	p.name = part(&p, add_sz(longest, 16));
	return p;
}

/* ------------------------------------------------------------------ */
/* Making the run                                                      */
/* ------------------------------------------------------------------ */

/* Cursors through the block while stages are made. */
typedef struct builder {
	pipec_run *run;
	const pipec_pipeline_desc *pl;
	pipec_chan **chans;
	instance *inst;
	pipec_port *port;
	pipec_port **port_ptr;
	pipec_tx **tx;
	unsigned char *scratch;
	char *name;
} builder;

static int instance_main(pipec_stage *self, void *arg)
{
	instance *in = arg;
	return in->entry(self, &in->args);
}

static bool make_chans(builder *b)
{
	const pipec_pipeline_desc *pl = b->pl;
	for (unsigned i = 0; i < pl->nchans; i++) {
		const pipec_chan_desc *c = &pl->chans[i];
		pipec_chan_spec spec = {
		        .name = c->name,
		        .elem_size = c->type->size,
		        .capacity =
		                count_value(pl, b->run->params, c->capacity),
		        .drop = c->type->drop,
		        .drop_ctx = NULL,
		};
		if (!(b->chans[i] = pipec_run_chan(b->run, &spec)))
			return false;
	}
	return true;
}

static bool make_port(builder *b, pipec_stage *st, const pipec_port_desc *d)
{
	pipec_port *port = b->port++;
	*b->port_ptr++ = port;
	port->out = d->out;
	port->checks = b->pl->checks;
	port->mask = d->mask;
	port->type = d->type;
	port->desc = d;
	port->stage = st;
	if (!d->out) {
		port->rx = pipec_stage_rx(st, b->chans[d->chans[0]]);
		port->fast_rx = port->checks ? NULL : port->rx;
		return port->rx != NULL;
	}
	port->txs = b->tx;
	b->tx += d->nchans;
	for (unsigned i = 0; i < d->nchans; i++) {
		port->txs[i] = pipec_stage_tx(st, b->chans[d->chans[i]]);
		if (!port->txs[i])
			return false;
		port->ntxs++;
	}
	if (d->nchans == 1 && !port->checks)
		port->fast_tx = port->txs[0];
	if (d->nchans > 1) {
		port->copy = b->scratch;
		port->demand =
		        (waitnode *)(b->scratch + round_up(d->type->size));
		b->scratch += scratch_size(d);
	}
	return true;
}

static bool make_stage(builder *b, const pipec_stage_desc *s)
{
	const void *params = b->run->params;
	int replicas = (int)count_value(b->pl, params, s->replicas);
	for (int r = 0; r < replicas; r++) {
		instance *in = b->inst++;
		in->entry = s->entry;
		in->args.params = params;
		in->args.replica = r;
		in->args.replicas = replicas;
		in->args.ports = b->port_ptr;
		sprintf(b->name, "%s[%d]", s->name, r); /* room: make_plan */
		pipec_stage *st =
		        pipec_stage_add(b->run, b->name, instance_main, in);
		if (!st)
			return false;
		pipec_stage_set_thread(st, s->thread);
		pipec_stage_set_stack(st, s->stack);
		for (unsigned j = 0; j < s->nports; j++)
			if (!make_port(b, st, &s->ports[j]))
				return false;
	}
	return true;
}

/* The run's own copy of the parameters: params, or the defaults. */
static bool copy_params(pipec_run *run, const pipec_pipeline_desc *pl,
                        const void *params)
{
	run->params = calloc(1, pl->params_size ? pl->params_size : 1);
	if (!run->params)
		return false;
	if (params)
		memcpy(run->params, params, pl->params_size);
	else if (pl->params_init)
		pl->params_init(run->params);
	return true;
}

pipec_status pipec_pipeline_build(const pipec_pipeline_desc *pl,
                                  const void *params, pipec_run **out)
{
	if (!out)
		return PIPEC_EINVAL;
	*out = NULL;
	if (pipec_tables_check(pl) ||
	    (params && pipec_params_check(pl, params)))
		return PIPEC_EINVAL;

	pipec_run *run = pipec_run_new(pl->name);
	if (!run)
		return PIPEC_NOMEM;
	run->desc = pl;
	if (!copy_params(run, pl, params))
		goto nomem;
	if (!params && pipec_params_check(pl, run->params)) {
		pipec_run_free(run); /* the defaults themselves are bad */
		return PIPEC_EINVAL;
	}

	plan p = make_plan(pl, run->params);
	unsigned char *mem = p.size < SIZE_MAX ? calloc(1, p.size) : NULL;
	if (!mem)
		goto nomem;
	run->tables_mem = mem;
	builder b = {
	        .run = run,
	        .pl = pl,
	        .chans = (pipec_chan **)(mem + p.chans),
	        .inst = (instance *)(mem + p.insts),
	        .port = (pipec_port *)(mem + p.ports),
	        .port_ptr = (pipec_port **)(mem + p.port_ptrs),
	        .tx = (pipec_tx **)(mem + p.txs),
	        .scratch = mem + p.scratch,
	        .name = (char *)(mem + p.name),
	};
	if (!make_chans(&b))
		goto nomem;
	for (unsigned i = 0; i < pl->nstages; i++)
		if (!make_stage(&b, &pl->stages[i]))
			goto nomem;
	*out = run;
	return PIPEC_OK;

nomem:
	pipec_run_free(run); /* it owns all that was made */
	return PIPEC_NOMEM;
}

const void *pipec_run_params(const pipec_run *run)
{
	return run ? run->params : NULL;
}
