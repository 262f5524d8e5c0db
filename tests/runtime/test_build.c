/* SPDX-License-Identifier: MIT */
/*
 * test_build.c - runs built from pipeline tables: pipec_pipeline_build(),
 * pipec_params_check() and pipec_run_params().
 *
 * The tables are written by hand the way pipec generates them: static
 * const parameter, channel, port and stage tables, counts that are
 * literals or integer parameters (int, long, size), broadcast ports,
 * replicated stages. Also: the checker's messages, the run's own copy of
 * the parameters, tables a generator got wrong, and a chain of 10,000
 * stages that must build in milliseconds (the builder is linear).
 */
#define _POSIX_C_SOURCE 200809L

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_test.h"

#define WATCH() rt_watchdog(60, __func__)

#define N 300 /* messages through the counts pipeline */

/* ---- the counts pipeline ---- */

/* What each stage instance saw, per stage kind and replica. */
enum { K_WORK, K_LANE, K_LIT3, K_EXTRA, NKINDS };
#define MAXR 8

typedef struct bctx {
	int replicas[NKINDS][MAXR]; /* args->replicas, per replica seen */
	int workers_seen;           /* params->workers in a stage */
	const void *params_seen;    /* args->params in a stage */
	int got[2];                 /* sink: messages from work, lane */
	pipec_status end;
	atomic_bool bad;
} bctx;

typedef struct bparams {
	bctx *ctx;
	int workers;   /* work's replicas */
	int capacity;  /* channel par */
	long lanes;    /* lane's replicas */
	size_t chunk;  /* channel chunk */
	size_t copies; /* extra's replicas */
	double ratio;  /* not a count */
} bparams;

static void bparams_init(void *p)
{
	*(bparams *)p = (bparams){
	        .ctx = NULL,
	        .workers = 3,
	        .capacity = 2,
	        .lanes = 2,
	        .chunk = 5,
	        .copies = 1,
	        .ratio = 0.5,
	};
}

enum { P_WORKERS, P_CAPACITY, P_LANES, P_CHUNK, P_COPIES, P_RATIO };

static const pipec_param_desc counts_params[] = {
        {"workers", PIPEC_PARAM_INT, offsetof(bparams, workers), "3", NULL,
         PIPEC_PARAM_REPLICAS},
        {"capacity", PIPEC_PARAM_INT, offsetof(bparams, capacity), "2", NULL,
         PIPEC_PARAM_CAPACITY},
        {"lanes", PIPEC_PARAM_LONG, offsetof(bparams, lanes), "2", NULL,
         PIPEC_PARAM_REPLICAS},
        {"chunk", PIPEC_PARAM_SIZE, offsetof(bparams, chunk), "5", NULL,
         PIPEC_PARAM_CAPACITY},
        {"copies", PIPEC_PARAM_SIZE, offsetof(bparams, copies), "1", NULL,
         PIPEC_PARAM_REPLICAS},
        {"ratio", PIPEC_PARAM_DOUBLE, offsetof(bparams, ratio), "0.5", NULL, 0},
};

static bctx *bctx_of(const pipec_stage_args *a)
{
	return ((const bparams *)a->params)->ctx;
}

static void saw(const pipec_stage_args *a, int kind)
{
	if (a->replica >= 0 && a->replica < MAXR)
		bctx_of(a)->replicas[kind][a->replica] = a->replicas;
}

/* gen =o=> work * workers, lane * lanes */
static int counts_gen(pipec_stage *self, const pipec_stage_args *a)
{
	bctx *c = bctx_of(a);

	(void)self;
	c->workers_seen = ((const bparams *)a->params)->workers;
	c->params_seen = a->params;
	for (uint32_t i = 0; i < N; i++) {
		vmsg m = vmsg_make(V_GENERATED, i);

		if (pipec_port_send(a->ports[0], &m) != PIPEC_OK)
			break;
	}
	return 0;
}

/* work: Generated -> Squared; lane: Generated -> Merged */
static int forward(pipec_stage *self, const pipec_stage_args *a, int kind,
                   uint32_t tag)
{
	vmsg m;

	(void)self;
	saw(a, kind);
	while (pipec_port_recv(a->ports[0], &m) == PIPEC_OK) {
		m.tag = tag;
		if (pipec_port_send(a->ports[1], &m) != PIPEC_OK)
			break;
	}
	return 0;
}

static int counts_work(pipec_stage *self, const pipec_stage_args *a)
{
	return forward(self, a, K_WORK, V_SQUARED);
}

static int counts_lane(pipec_stage *self, const pipec_stage_args *a)
{
	return forward(self, a, K_LANE, V_MERGED);
}

typedef struct tin tin;

static int counts_sink(pipec_stage *self, const pipec_stage_args *a)
{
	bctx *c = bctx_of(a);
	tin *const ports[] = {(tin *)a->ports[0], (tin *)a->ports[1]};
	tin *from;
	vmsg m;
	pipec_status st;

	(void)self;
	while ((st = pipec_port_select_until(ports, 2, &m, &from,
	                                     PIPEC_FOREVER)) == PIPEC_OK) {
		int i = from == ports[0] ? 0 : 1;

		if (m.tag != (i == 0 ? V_SQUARED : V_MERGED) || !vmsg_ok(&m))
			c->bad = true;
		c->got[i]++;
		vmsg_free(&m);
	}
	c->end = st;
	return 0;
}

static int counts_extra(pipec_stage *self, const pipec_stage_args *a)
{
	(void)self;
	saw(a, K_EXTRA);
	return 0;
}

static int counts_lit3(pipec_stage *self, const pipec_stage_args *a)
{
	(void)self;
	saw(a, K_LIT3);
	return 0;
}

enum { C_LIT, C_PAR, C_UNB, C_CHUNK };

static const pipec_chan_desc counts_chans[] = {
        {"lit", &vmsg_type, {-1, 3}},
        {"par", &vmsg_type, {P_CAPACITY, 0}},
        {"unb", &vmsg_type, {-1, PIPEC_UNBOUNDED}},
        {"chunk", &vmsg_type, {P_CHUNK, 0}},
};

static const unsigned to_lit_unb[] = {C_LIT, C_UNB};
static const unsigned c_lit[] = {C_LIT}, c_par[] = {C_PAR}, c_unb[] = {C_UNB},
                      c_chunk[] = {C_CHUNK};

#define ALL_VARIANTS UINT64_MAX

static const pipec_port_desc gen_ports[] = {
        {"o", true, &vmsg_type, V_BIT(V_GENERATED), to_lit_unb, 2, 10},
};
static const pipec_port_desc work_ports[] = {
        {"i", false, &vmsg_type, V_BIT(V_GENERATED), c_lit, 1, 11},
        {"o", true, &vmsg_type, V_BIT(V_SQUARED), c_par, 1, 11},
};
static const pipec_port_desc lane_ports[] = {
        {"i", false, &vmsg_type, V_BIT(V_GENERATED), c_unb, 1, 12},
        {"o", true, &vmsg_type, V_BIT(V_MERGED), c_chunk, 1, 12},
};
static const pipec_port_desc sink_ports[] = {
        {"a", false, &vmsg_type, V_BIT(V_SQUARED), c_par, 1, 13},
        {"b", false, &vmsg_type, ALL_VARIANTS, c_chunk, 1, 13},
};

static const pipec_stage_desc counts_stages[] = {
        {"gen", counts_gen, {-1, 1}, gen_ports, 1, 10, 0, false},
        {"work", counts_work, {P_WORKERS, 0}, work_ports, 2, 11, 0, false},
        {"lane", counts_lane, {P_LANES, 0}, lane_ports, 2, 12, 0, false},
        {"sink", counts_sink, {-1, 1}, sink_ports, 2, 13, 0, false},
        {"extra", counts_extra, {P_COPIES, 0}, NULL, 0, 14, 0, false},
        {"lit3", counts_lit3, {-1, 3}, NULL, 0, 15, 0, false},
};

static const pipec_pipeline_desc counts_desc = {
        .name = "counts",
        .file = "tests/counts.pipe",
        .params_size = sizeof(bparams),
        .params_init = bparams_init,
        .params = counts_params,
        .nparams = 6,
        .chans = counts_chans,
        .nchans = 4,
        .stages = counts_stages,
        .nstages = 6,
        .checks = PIPEC_CHECKS,
};

static void test_build_counts_from_literals_and_parameters(void **state)
{
	bctx c = {0};
	bparams p;
	pipec_run *run = NULL;
	pipec_chan_stats cs;
	pipec_stage_stats ss;
	long live = vmsg_live();
	static const char *const names[] = {
	        "gen[0]",  "work[0]", "work[1]", "work[2]",
	        "lane[0]", "lane[1]", "sink[0]", "extra[0]",
	        "lit3[0]", "lit3[1]", "lit3[2]",
	};
	static const char *const chans[] = {"lit", "par", "unb", "chunk"};
	const size_t caps[] = {3, 2, PIPEC_UNBOUNDED, 5};

	(void)state;
	WATCH();
	bparams_init(&p);
	p.ctx = &c;
	assert_int_equal(pipec_pipeline_build(&counts_desc, &p, &run),
	                 PIPEC_OK);
	assert_non_null(run);

	/* Channels in table order, capacities from literals and from an
	 * int and a size parameter. */
	assert_int_equal(pipec_run_chan_count(run), 4);
	for (size_t i = 0; i < 4; i++) {
		assert_true(pipec_run_chan_stats(run, i, &cs));
		assert_string_equal(cs.name, chans[i]);
		assert_int_equal(cs.capacity, caps[i]);
	}
	/* Instances named name[r], replica counts from a literal and from
	 * int, long and size parameters. */
	assert_int_equal(pipec_run_stage_count(run), 11);
	for (size_t i = 0; i < 11; i++) {
		assert_true(pipec_run_stage_stats(run, i, &ss));
		assert_string_equal(ss.name, names[i]);
	}

	/* The run has its own copy of the parameters. */
	assert_non_null(pipec_run_params(run));
	assert_ptr_not_equal(pipec_run_params(run), &p);
	assert_memory_equal(pipec_run_params(run), &p, sizeof p);
	p.workers = 99;

	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(c.workers_seen, 3);
	assert_ptr_equal(c.params_seen, pipec_run_params(run));
	for (int r = 0; r < 3; r++) {
		assert_int_equal(c.replicas[K_WORK][r], 3);
		assert_int_equal(c.replicas[K_LIT3][r], 3);
	}
	for (int r = 0; r < 2; r++)
		assert_int_equal(c.replicas[K_LANE][r], 2);
	assert_int_equal(c.replicas[K_EXTRA][0], 1);
	assert_int_equal(c.replicas[K_WORK][3], 0);
	/* Both branches of gen's broadcast reached the sink. */
	assert_int_equal(c.got[0], N);
	assert_int_equal(c.got[1], N);
	assert_int_equal(c.end, PIPEC_CLOSED);
	assert_false(c.bad);
	pipec_run_free(run);
	assert_int_equal(vmsg_live(), live);
}

static void test_build_rendezvous_and_one_replica(void **state)
{
	bctx c = {0};
	bparams p;
	pipec_run *run = NULL;
	long live = vmsg_live();

	(void)state;
	WATCH();
	bparams_init(&p);
	p.ctx = &c;
	p.workers = 1;
	p.capacity = 0;
	p.lanes = 4;
	p.chunk = SIZE_MAX; /* a size capacity: unbounded */
	assert_int_equal(pipec_pipeline_build(&counts_desc, &p, &run),
	                 PIPEC_OK);
	assert_int_equal(pipec_run_stage_count(run), 1 + 1 + 4 + 1 + 1 + 3);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(c.got[0], N);
	assert_int_equal(c.got[1], N);
	assert_int_equal(c.replicas[K_LANE][3], 4);
	pipec_run_free(run);
	assert_int_equal(vmsg_live(), live);
}

static void test_build_defaults_when_params_null(void **state)
{
	pipec_run *run = NULL;
	bparams def;
	pipec_chan_stats cs;

	(void)state;
	WATCH();
	bparams_init(&def);
	assert_int_equal(pipec_pipeline_build(&counts_desc, NULL, &run),
	                 PIPEC_OK);
	assert_memory_equal(pipec_run_params(run), &def, sizeof def);
	assert_int_equal(pipec_run_stage_count(run), 11);
	assert_true(pipec_run_chan_stats(run, C_PAR, &cs));
	assert_int_equal(cs.capacity, 2);
	pipec_run_free(run); /* never started: nothing ran */

	run = pipec_run_new("by hand");
	assert_non_null(run);
	assert_null(pipec_run_params(run));
	pipec_run_free(run);
	assert_null(pipec_run_params(NULL));
}

/* ---- the checker ---- */

static void expect_refused(const bparams *p, const char *why)
{
	pipec_run *run = (pipec_run *)&run; /* the build sets it to NULL */
	const char *got = pipec_params_check(&counts_desc, p);

	if (got == NULL || strcmp(got, why) != 0)
		fail_msg("expected \"%s\", got \"%s\"", why,
		         got ? got : "(null)");
	assert_int_equal(pipec_pipeline_build(&counts_desc, p, &run),
	                 PIPEC_EINVAL);
	assert_null(run);
}

static void test_build_params_check_messages(void **state)
{
	bparams p;

	(void)state;
	bparams_init(&p);
	assert_null(pipec_params_check(&counts_desc, &p));

	p.workers = 0;
	expect_refused(&p, "workers must be at least 1");
	p.workers = -5;
	expect_refused(&p, "workers must be at least 1");
	p.workers = PIPEC_MAX_REPLICAS + 1;
	expect_refused(&p, "workers must be at most 1000000");
	p.workers = PIPEC_MAX_REPLICAS;
	assert_null(pipec_params_check(&counts_desc, &p));
	bparams_init(&p);

	p.capacity = -1;
	expect_refused(&p, "capacity must not be negative");
	p.capacity = 0;
	assert_null(pipec_params_check(&counts_desc, &p));
	bparams_init(&p);

	p.lanes = 0;
	expect_refused(&p, "lanes must be at least 1");
	p.lanes = LONG_MAX;
	expect_refused(&p, "lanes must be at most 1000000");
	p.lanes = LONG_MIN;
	expect_refused(&p, "lanes must be at least 1");
	bparams_init(&p);

	p.copies = 0;
	expect_refused(&p, "copies must be at least 1");
	p.copies = SIZE_MAX;
	expect_refused(&p, "copies must be at most 1000000");
	bparams_init(&p);

	p.chunk = SIZE_MAX; /* a size capacity cannot be negative */
	p.ratio = -1;       /* not a count */
	assert_null(pipec_params_check(&counts_desc, &p));

	/* In the order of the parameter table. */
	p.capacity = -1;
	p.workers = 0;
	expect_refused(&p, "workers must be at least 1");

	assert_string_equal(pipec_params_check(&counts_desc, NULL),
	                    "no parameters");
}

/* A count whose parameter's use bit the table forgot is checked all the
 * same; and defaults that fail the check make the build fail. */
static void bad_defaults(void *p)
{
	bparams_init(p);
	((bparams *)p)->lanes = 0;
}

static const pipec_param_desc unmarked_params[] = {
        {"workers", PIPEC_PARAM_INT, offsetof(bparams, workers), "3", NULL, 0},
        {"capacity", PIPEC_PARAM_INT, offsetof(bparams, capacity), "2", NULL,
         0},
        {"lanes", PIPEC_PARAM_LONG, offsetof(bparams, lanes), "2", NULL, 0},
        {"chunk", PIPEC_PARAM_SIZE, offsetof(bparams, chunk), "5", NULL, 0},
        {"copies", PIPEC_PARAM_SIZE, offsetof(bparams, copies), "1", NULL, 0},
        {"ratio", PIPEC_PARAM_DOUBLE, offsetof(bparams, ratio), "0.5", NULL, 0},
};

static void test_build_counts_checked_without_use_bits(void **state)
{
	pipec_pipeline_desc pl = counts_desc;
	pipec_run *run = NULL;
	bparams p;

	(void)state;
	pl.params = unmarked_params;
	bparams_init(&p);
	assert_null(pipec_params_check(&pl, &p));
	p.lanes = 0;
	assert_string_equal(pipec_params_check(&pl, &p),
	                    "lanes must be at least 1");
	p.lanes = 1;
	p.capacity = -3;
	assert_string_equal(pipec_params_check(&pl, &p),
	                    "capacity must not be negative");

	pl = counts_desc;
	pl.params_init = bad_defaults;
	assert_int_equal(pipec_pipeline_build(&pl, NULL, &run), PIPEC_EINVAL);
	assert_null(run);
}

/* ---- tables a generator got wrong ---- */

static const unsigned c_bad[] = {9}, c_two[] = {C_LIT, C_PAR};

static const pipec_msg_type odd_tag_type = {
        .name = "Odd",
        .size = sizeof(vmsg),
        .tag_offset = 0,
        .tag_size = 3,
        .nvariants = 1,
};

static const pipec_msg_type small_type = {
        .name = "Small",
        .size = 4,
        .tag_offset = 0,
        .tag_size = 4,
        .nvariants = 1,
};

static void expect_bad_table(const pipec_pipeline_desc *pl, const char *part)
{
	bparams p;
	pipec_run *run = NULL;
	const char *why;

	bparams_init(&p);
	why = pipec_params_check(pl, &p);
	if (why == NULL || strstr(why, part) == NULL)
		fail_msg("expected a message with \"%s\", got \"%s\"", part,
		         why ? why : "(null)");
	assert_int_equal(pipec_pipeline_build(pl, &p, &run), PIPEC_EINVAL);
	assert_null(run);
	assert_int_equal(pipec_pipeline_build(pl, NULL, &run), PIPEC_EINVAL);
}

static void test_build_refuses_bad_tables(void **state)
{
	pipec_pipeline_desc pl;
	pipec_stage_desc st[6];
	pipec_port_desc work[2], sink[2];
	pipec_chan_desc ch[4];

	(void)state;
#define RESET()                                                                \
	do {                                                                   \
		pl = counts_desc;                                              \
		memcpy(st, counts_stages, sizeof st);                          \
		memcpy(work, work_ports, sizeof work);                         \
		memcpy(sink, sink_ports, sizeof sink);                         \
		memcpy(ch, counts_chans, sizeof ch);                           \
		pl.stages = st;                                                \
		pl.chans = ch;                                                 \
		st[1].ports = work;                                            \
		st[3].ports = sink;                                            \
	} while (0)

	RESET();
	work[0].chans = c_two;
	work[0].nchans = 2;
	expect_bad_table(&pl, "stage work: in port i has 2 channels");
	RESET();
	work[1].nchans = 0;
	expect_bad_table(&pl, "stage work: out port o has no channel");
	RESET();
	sink[0].chans = c_bad;
	expect_bad_table(&pl, "stage sink: port a: no channel 9");
	RESET();
	work[0].type = &small_type;
	expect_bad_table(&pl, "channel lit carries another type");
	RESET();
	st[1].replicas = (pipec_count){17, 0};
	expect_bad_table(&pl, "stage work: a bad replica count");
	RESET();
	st[1].replicas = (pipec_count){P_RATIO, 0};
	expect_bad_table(&pl, "stage work: a bad replica count");
	RESET();
	st[5].replicas = (pipec_count){-1, 0};
	expect_bad_table(&pl, "stage lit3: 0 replicas");
	RESET();
	st[5].replicas = (pipec_count){-1, PIPEC_MAX_REPLICAS + 1};
	expect_bad_table(&pl, "stage lit3: 1000001 replicas");
	RESET();
	st[0].entry = NULL;
	expect_bad_table(&pl, "stage 0: no name, entry or ports");
	RESET();
	ch[0].type = &odd_tag_type;
	expect_bad_table(&pl, "message Odd: tag size 3");
	RESET();
	ch[1].capacity = (pipec_count){P_RATIO, 0};
	expect_bad_table(&pl, "channel 1: no name or a bad capacity");
	RESET();
	pl.params = NULL;
	expect_bad_table(&pl, "a table is missing");
	RESET();
	pl.params_size = sizeof(int);
	expect_bad_table(&pl, "outside the parameters");
#undef RESET
	assert_non_null(pipec_params_check(NULL, NULL));
	assert_int_equal(pipec_pipeline_build(NULL, NULL, &(pipec_run *){NULL}),
	                 PIPEC_EINVAL);
	assert_int_equal(pipec_pipeline_build(&counts_desc, NULL, NULL),
	                 PIPEC_EINVAL);
}

/* ---- a long chain: linear building ---- */

typedef struct chain {
	pipec_pipeline_desc pl;
	pipec_chan_desc *chans;
	pipec_stage_desc *stages;
	pipec_port_desc *ports; /* two per stage */
	unsigned *idx;          /* idx[i] == i */
	int got;                /* what the last stage received */
	atomic_bool bad;
} chain;

typedef struct chain_params {
	chain *chain;
} chain_params;

static int chain_head(pipec_stage *self, const pipec_stage_args *a)
{
	(void)self;
	for (uint32_t i = 0; i < N; i++) {
		vmsg m = vmsg_make(V_GENERATED, i);

		if (pipec_port_send(a->ports[0], &m) != PIPEC_OK)
			break;
	}
	return 0;
}

static int chain_link(pipec_stage *self, const pipec_stage_args *a)
{
	vmsg m;

	(void)self;
	while (pipec_port_recv(a->ports[0], &m) == PIPEC_OK)
		if (pipec_port_send(a->ports[1], &m) != PIPEC_OK)
			break;
	return 0;
}

static int chain_tail(pipec_stage *self, const pipec_stage_args *a)
{
	chain *c = ((const chain_params *)a->params)->chain;
	vmsg m;

	(void)self;
	while (pipec_port_recv(a->ports[0], &m) == PIPEC_OK) {
		if (m.seq != (uint32_t)c->got || !vmsg_ok(&m))
			c->bad = true;
		c->got++;
		vmsg_free(&m);
	}
	return 0;
}

/* Tables of a chain of n stages: head -> link ... link -> tail. */
static void chain_make(chain *c, unsigned n)
{
	memset(c, 0, sizeof *c);
	c->chans = calloc(n - 1, sizeof *c->chans);
	c->stages = calloc(n, sizeof *c->stages);
	c->ports = calloc(2 * (size_t)n, sizeof *c->ports);
	c->idx = calloc(n, sizeof *c->idx);
	assert_non_null(c->chans);
	assert_non_null(c->stages);
	assert_non_null(c->ports);
	assert_non_null(c->idx);
	for (unsigned i = 0; i < n; i++)
		c->idx[i] = i;
	for (unsigned i = 0; i + 1 < n; i++)
		c->chans[i] = (pipec_chan_desc){"link", &vmsg_type, {-1, 1}};
	for (unsigned i = 0; i < n; i++) {
		pipec_port_desc *in = &c->ports[2 * i], *out = in + 1;
		pipec_stage_desc *s = &c->stages[i];

		*in = (pipec_port_desc){"i",
		                        false,
		                        &vmsg_type,
		                        ALL_VARIANTS,
		                        &c->idx[i - (i > 0)],
		                        1,
		                        1};
		*out = (pipec_port_desc){
		        "o", true, &vmsg_type, ALL_VARIANTS, &c->idx[i], 1, 1};
		*s = (pipec_stage_desc){"link", chain_link, {-1, 1}, in,
		                        2,      1,          0,       false};
		if (i == 0) {
			s->name = "head";
			s->entry = chain_head;
			s->ports = out;
			s->nports = 1;
		} else if (i == n - 1) {
			s->name = "tail";
			s->entry = chain_tail;
			s->nports = 1;
		}
	}
	c->pl = (pipec_pipeline_desc){
	        .name = "chain",
	        .params_size = sizeof(chain_params),
	        .chans = c->chans,
	        .nchans = n - 1,
	        .stages = c->stages,
	        .nstages = n,
	        .checks = true,
	};
}

static void chain_free(chain *c)
{
	free(c->chans);
	free(c->stages);
	free(c->ports);
	free(c->idx);
}

static void test_build_chain_runs(void **state)
{
	chain c;
	chain_params p = {&c};
	pipec_run *run;
	long live = vmsg_live();

	(void)state;
	WATCH();
	chain_make(&c, 50);
	assert_int_equal(pipec_pipeline_build(&c.pl, &p, &run), PIPEC_OK);
	assert_int_equal(pipec_run_chan_count(run), 49);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(c.got, N);
	assert_false(c.bad);
	pipec_run_free(run);
	chain_free(&c);
	assert_int_equal(vmsg_live(), live);
}

/* Milliseconds to build (and free) a chain of n stages. */
static double chain_build_ms(unsigned n)
{
	chain c;
	chain_params p = {&c};
	pipec_run *run;
	pipec_time t0;
	double ms;

	chain_make(&c, n);
	t0 = pipec_now();
	assert_int_equal(pipec_pipeline_build(&c.pl, &p, &run), PIPEC_OK);
	ms = (double)(pipec_now() - t0) / 1e6;
	assert_int_equal(pipec_run_stage_count(run), n);
	pipec_run_free(run);
	chain_free(&c);
	return ms;
}

/* The best of two builds: a machine busy with other work slows some. */
static double best_build_ms(unsigned n)
{
	double a = chain_build_ms(n), b = chain_build_ms(n);

	return a < b ? a : b;
}

static void test_build_is_linear_10000_stages(void **state)
{
	double small, large;

	(void)state;
	WATCH();
	chain_build_ms(1000); /* warm the allocator */
	small = best_build_ms(10000);
	large = best_build_ms(40000);
	printf("built 10,000 stages in %.1f ms, 40,000 in %.1f ms\n", small,
	       large);
	/* Milliseconds, not seconds (hundreds under the sanitizers); and
	 * four times the stages take about four times as long (up to six
	 * under the sanitizers' allocators), not sixteen. */
	assert_true(small < 2000.0 * rt_slow());
	assert_true(large < 12 * small + 200.0 * rt_slow());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(
	                test_build_counts_from_literals_and_parameters),
	        cmocka_unit_test(test_build_rendezvous_and_one_replica),
	        cmocka_unit_test(test_build_defaults_when_params_null),
	        cmocka_unit_test(test_build_params_check_messages),
	        cmocka_unit_test(test_build_counts_checked_without_use_bits),
	        cmocka_unit_test(test_build_refuses_bad_tables),
	        cmocka_unit_test(test_build_chain_runs),
	        cmocka_unit_test(test_build_is_linear_10000_stages),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	rt_watchdog(0, "");
	return failed;
}
