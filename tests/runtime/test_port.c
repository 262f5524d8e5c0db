/* SPDX-License-Identifier: MIT */
/*
 * test_port.c - ports (pipec_port_*): sends to one channel and broadcasts
 * with the copy and drop hooks (R7), receives, try- and until- statuses,
 * select over typed port pointers, demand (R13), closed, drop (R4), and
 * variant checks (R1) that abort with one exact line.
 *
 * Each pipeline is written as static const tables, the way pipec
 * generates them, and built with pipec_pipeline_build(). The stage bodies
 * reach the test's context through the parameters (a pointer in the
 * params struct); they record what they saw, and the test asserts after
 * the run (cmocka's assertions only work on the test's own thread).
 * Every vmsg heap block is counted: after each run, every message was
 * received once or dropped once (vmsg_live() is back where it was).
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_test.h"

#define WATCH() rt_watchdog(60, __func__)

#define N         200   /* messages per run */
#define LONG_MS   20000 /* a stage waiting for a flag gives up after this */
#define SHORT_MS  20    /* a deadline that must pass */
#define SETTLE_MS 50

/* ---- the context, reached through the parameters ---- */

typedef struct ctx {
	pipec_status st[8];  /* statuses the sender recorded, in order */
	int sent;            /* sends that returned PIPEC_OK */
	int got[4];          /* messages received, per receiving stage */
	pipec_status end[4]; /* the status that ended each receiver */
	bool closed[4];      /* pipec_port_closed as seen, test specific */
	atomic_bool bad;     /* a message out of order or corrupt */
	atomic_int flag[4];  /* hand-shakes between stages */
	atomic_int go;       /* lets the senders start */
	atomic_int release;  /* lets held receivers go on */
	_Atomic(pipec_port *) other;   /* a port of another stage */
	unsigned long copied, dropped; /* hook counts seen by the sender */
} ctx;

typedef struct tparams {
	ctx *ctx;
	int capacity;
} tparams;

static ctx *ctx_of(const pipec_stage_args *a)
{
	return ((const tparams *)a->params)->ctx;
}

static const pipec_param_desc params_table[] = {
        {"capacity", PIPEC_PARAM_INT, offsetof(tparams, capacity), "4", NULL,
         PIPEC_PARAM_CAPACITY},
};

/* The index of a stage instance named "xN[0]". */
static int stage_index(const pipec_stage *self)
{
	return pipec_stage_name(self)[1] - '0';
}

/* Waits for a flag as a stage does: until set or the stage is cancelled. */
static bool stage_wait(const pipec_stage *self, atomic_int *flag)
{
	for (long i = 0; i < LONG_MS; i++) {
		if (atomic_load(flag))
			return true;
		if (pipec_cancelled(self))
			return false;
		rt_sleep_ms(1);
	}
	return false;
}

static pipec_run *build(const pipec_pipeline_desc *pl, ctx *c, int capacity)
{
	tparams p = {c, capacity};
	pipec_run *run = NULL;

	assert_int_equal(pipec_pipeline_build(pl, &p, &run), PIPEC_OK);
	assert_non_null(run);
	return run;
}

/* A receiver: every message in order until the stream ends. */
static int recv_all(pipec_stage *self, pipec_port *in, ctx *c, int i,
                    uint32_t first)
{
	vmsg m;
	pipec_status st;

	(void)self;
	while ((st = pipec_port_recv(in, &m)) == PIPEC_OK) {
		if (m.seq != first + (uint32_t)c->got[i] ||
		    (m.heap != NULL && !vmsg_ok(&m)))
			c->bad = true;
		vmsg_free(&m);
		c->got[i]++;
	}
	c->end[i] = st;
	return 0;
}

static const unsigned ch0[] = {0}, ch1[] = {1}, ch2[] = {2}, ch3[] = {3};
static const unsigned ch012[] = {0, 1, 2}, ch01[] = {0, 1};

/* ------------------------------------------------------------------ */
/* One channel: gen -> sink                                            */
/* ------------------------------------------------------------------ */

/* What gen does, chosen by the test through ctx->flag[3]. */
enum { GEN_ALL, GEN_TRY, GEN_DROP };

static int one_gen(pipec_stage *self, const pipec_stage_args *a)
{
	ctx *c = ctx_of(a);
	pipec_port *o = a->ports[0];
	vmsg m;

	switch (atomic_load(&c->flag[3])) {
	case GEN_ALL:
		for (int i = 0; i < N; i++) {
			m = vmsg_make(V_GENERATED, (uint32_t)i);
			if ((c->st[0] = pipec_port_send(o, &m)) != PIPEC_OK)
				break;
			c->sent++;
		}
		break;
	case GEN_TRY:
		/* capacity 1, the sink held: one fits, then no room */
		if (!stage_wait(self, &c->go))
			break;
		m = vmsg_make(V_GENERATED, 0);
		c->st[0] = pipec_port_try_send(o, &m);
		m = vmsg_make(V_GENERATED, 1);
		c->st[1] = pipec_port_try_send(o, &m);
		m = vmsg_make(V_GENERATED, 1);
		c->st[2] =
		        pipec_port_send_until(o, &m, pipec_after_ms(SHORT_MS));
		c->dropped = atomic_load(&vmsg_dropped);
		atomic_store(&c->release, 1);
		m = vmsg_make(V_GENERATED, 1);
		c->st[3] = pipec_port_send_until(o, &m, PIPEC_FOREVER);
		break;
	case GEN_DROP:
		for (int i = 0; i < 3; i++) {
			m = vmsg_make(V_GENERATED, (uint32_t)i);
			c->st[i] = pipec_port_send(o, &m);
		}
		pipec_port_drop(o);
		c->closed[0] = pipec_port_closed(o);
		m = vmsg_make(V_GENERATED, 3);
		c->st[3] = pipec_port_send(o, &m);
		m = vmsg_make(V_GENERATED, 3);
		c->st[4] = pipec_port_try_send(o, &m);
		break;
	}
	(void)self;
	return 0;
}

static int one_sink(pipec_stage *self, const pipec_stage_args *a)
{
	ctx *c = ctx_of(a);
	pipec_port *in = a->ports[0];
	vmsg m;

	if (atomic_load(&c->flag[3]) == GEN_TRY) {
		/* Nothing yet: try and until fail; then wait to be let go. */
		c->st[5] = pipec_port_try_recv(in, &m);
		c->st[6] =
		        pipec_port_recv_until(in, &m, pipec_after_ms(SHORT_MS));
		atomic_store(&c->go, 1);
		stage_wait(self, &c->release);
	}
	return recv_all(self, in, c, 0, 0);
}

static const pipec_chan_desc one_chans[] = {
        {"gen_o", &vmsg_type, {0, 0}},
};
static const pipec_port_desc one_gen_ports[] = {
        {"o", true, &vmsg_type, V_BIT(V_GENERATED), ch0, 1, 10},
};
static const pipec_port_desc one_sink_ports[] = {
        {"i", false, &vmsg_type, V_BIT(V_GENERATED), ch0, 1, 20},
};
static const pipec_stage_desc one_stages[] = {
        {"gen", one_gen, {-1, 1}, one_gen_ports, 1, 10, 0, false},
        {"sink", one_sink, {-1, 1}, one_sink_ports, 1, 20, 0, false},
};
static const pipec_pipeline_desc one_desc = {
        .name = "one",
        .file = "tests/one.pipe",
        .params_size = sizeof(tparams),
        .params = params_table,
        .nparams = 1,
        .chans = one_chans,
        .nchans = 1,
        .stages = one_stages,
        .nstages = 2,
        .checks = true,
};
/* The same without variant checks: the sends take the hot path. */
static const pipec_pipeline_desc one_fast_desc = {
        .name = "one",
        .file = "tests/one.pipe",
        .params_size = sizeof(tparams),
        .params = params_table,
        .nparams = 1,
        .chans = one_chans,
        .nchans = 1,
        .stages = one_stages,
        .nstages = 2,
        .checks = false,
};

static void run_one_all(const pipec_pipeline_desc *pl, int capacity)
{
	ctx c = {0};
	long live = vmsg_live();
	pipec_run *run = build(pl, &c, capacity);

	atomic_store(&c.flag[3], GEN_ALL);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(c.sent, N);
	assert_int_equal(c.got[0], N);
	assert_int_equal(c.end[0], PIPEC_CLOSED);
	assert_false(c.bad);
	pipec_run_free(run);
	assert_int_equal(vmsg_live(), live);
}

static void test_port_send_recv_one_channel(void **state)
{
	(void)state;
	WATCH();
	run_one_all(&one_desc, 4);
	run_one_all(&one_desc, 0);
	run_one_all(&one_fast_desc, 4);
	run_one_all(&one_fast_desc, 0);
}

static void try_and_until(const pipec_pipeline_desc *pl)
{
	ctx c = {0};
	long live = vmsg_live();
	unsigned long dropped = atomic_load(&vmsg_dropped);
	pipec_run *run = build(pl, &c, 1);

	atomic_store(&c.flag[3], GEN_TRY);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(c.st[0], PIPEC_OK);
	assert_int_equal(c.st[1], PIPEC_WOULDBLOCK);
	assert_int_equal(c.st[2], PIPEC_TIMEDOUT);
	assert_int_equal(c.st[3], PIPEC_OK);
	assert_int_equal(c.st[5], PIPEC_WOULDBLOCK);
	assert_int_equal(c.st[6], PIPEC_TIMEDOUT);
	/* The two that failed were destroyed by the drop hook (R7). */
	assert_int_equal(c.dropped - dropped, 2);
	assert_int_equal(c.got[0], 2);
	pipec_run_free(run);
	assert_int_equal(vmsg_live(), live);
}

static void test_port_try_and_until_statuses(void **state)
{
	(void)state;
	WATCH();
	try_and_until(&one_desc);
	try_and_until(&one_fast_desc);
}

static void test_port_drop_out_port(void **state)
{
	ctx c = {0};
	long live = vmsg_live();
	unsigned long dropped = atomic_load(&vmsg_dropped);
	pipec_run *run = build(&one_desc, &c, 4);

	(void)state;
	WATCH();
	atomic_store(&c.flag[3], GEN_DROP);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	for (int i = 0; i < 3; i++)
		assert_int_equal(c.st[i], PIPEC_OK);
	/* Dropped early (R4): every later use is PIPEC_CLOSED, and the
	 * message handed to it is destroyed (R7). */
	assert_true(c.closed[0]);
	assert_int_equal(c.st[3], PIPEC_CLOSED);
	assert_int_equal(c.st[4], PIPEC_CLOSED);
	assert_int_equal(atomic_load(&vmsg_dropped) - dropped, 2);
	/* Downstream: what was buffered, then the end of the stream. */
	assert_int_equal(c.got[0], 3);
	assert_int_equal(c.end[0], PIPEC_CLOSED);
	pipec_run_free(run);
	assert_int_equal(vmsg_live(), live);
}

/* ---- an in port dropped early ---- */

static int endless_gen(pipec_stage *self, const pipec_stage_args *a)
{
	ctx *c = ctx_of(a);
	pipec_status st;

	(void)self;
	for (uint32_t i = 0;; i++) {
		vmsg m = vmsg_make(V_GENERATED, i);

		if ((st = pipec_port_send(a->ports[0], &m)) != PIPEC_OK)
			break;
	}
	c->st[0] = st;
	return 0;
}

static int drop_sink(pipec_stage *self, const pipec_stage_args *a)
{
	ctx *c = ctx_of(a);
	pipec_port *in = a->ports[0];
	vmsg m;

	(void)self;
	c->st[1] = pipec_port_recv(in, &m);
	vmsg_free(&m);
	c->closed[0] = pipec_port_closed(in);
	pipec_port_drop(in);
	c->closed[1] = pipec_port_closed(in);
	c->st[2] = pipec_port_recv(in, &m);
	c->st[3] = pipec_port_try_recv(in, &m);
	return 0;
}

static const pipec_stage_desc drop_stages[] = {
        {"gen", endless_gen, {-1, 1}, one_gen_ports, 1, 10, 0, false},
        {"sink", drop_sink, {-1, 1}, one_sink_ports, 1, 20, 0, false},
};
static const pipec_pipeline_desc drop_desc = {
        .name = "drop",
        .params_size = sizeof(tparams),
        .params = params_table,
        .nparams = 1,
        .chans = one_chans,
        .nchans = 1,
        .stages = drop_stages,
        .nstages = 2,
        .checks = true,
};

static void test_port_drop_in_port(void **state)
{
	ctx c = {0};
	long live = vmsg_live();
	pipec_run *run = build(&drop_desc, &c, 4);

	(void)state;
	WATCH();
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(c.st[1], PIPEC_OK);
	assert_false(c.closed[0]);
	assert_true(c.closed[1]);
	assert_int_equal(c.st[2], PIPEC_CLOSED);
	assert_int_equal(c.st[3], PIPEC_CLOSED);
	/* Upstream lost its only output: its send fails (R5, R9). */
	assert_true(c.st[0] == PIPEC_CLOSED || c.st[0] == PIPEC_CANCELLED);
	pipec_run_free(run);
	assert_int_equal(vmsg_live(), live);
}

/* ------------------------------------------------------------------ */
/* Broadcast: gen =o=> s0, s1, s2; gen -keep-> k                       */
/* ------------------------------------------------------------------ */

/* What each sink does: ctx->flag[i] holds one of these at the start. */
enum { SINK_ALL = 1, SINK_DROP, SINK_HOLD };

/* How gen broadcasts, in ctx->flag[3]. */
enum { BC_ALL, BC_SOME_CLOSED, BC_ALL_CLOSED, BC_TRY, BC_CANCEL };

static void wait_dropped(const pipec_stage *self, ctx *c, int i)
{
	if (atomic_load(&c->flag[i]) == SINK_DROP)
		while (atomic_load(&c->flag[i]) != 0 && !pipec_cancelled(self))
			rt_sleep_ms(1);
}

static int bc_gen(pipec_stage *self, const pipec_stage_args *a)
{
	ctx *c = ctx_of(a);
	pipec_port *o = a->ports[0];
	unsigned long copied = atomic_load(&vmsg_copied);
	vmsg m;
	int mode = atomic_load(&c->flag[3]);

	for (int i = 0; i < 3; i++)
		wait_dropped(self, c, i);
	switch (mode) {
	case BC_ALL:
	case BC_SOME_CLOSED:
		for (int i = 0; i < N; i++) {
			m = vmsg_make(V_GENERATED, (uint32_t)i);
			if ((c->st[0] = pipec_port_send(o, &m)) != PIPEC_OK)
				break;
			c->sent++;
		}
		break;
	case BC_ALL_CLOSED:
		m = vmsg_make(V_GENERATED, 0);
		c->st[0] = pipec_port_send(o, &m);
		c->closed[0] = pipec_port_closed(o);
		c->closed[1] = pipec_port_closed(a->ports[1]);
		break;
	case BC_TRY: /* capacity 1, sinks held */
		m = vmsg_make(V_GENERATED, 0);
		c->st[0] = pipec_port_try_send(o, &m);
		m = vmsg_make(V_GENERATED, 1);
		c->st[1] = pipec_port_try_send(o, &m);
		m = vmsg_make(V_GENERATED, 1);
		c->st[2] =
		        pipec_port_send_until(o, &m, pipec_after_ms(SHORT_MS));
		c->dropped = atomic_load(&vmsg_dropped);
		atomic_store(&c->release, 1);
		m = vmsg_make(V_GENERATED, 1);
		c->st[3] = pipec_port_send(o, &m);
		break;
	case BC_CANCEL: /* capacity 0, sinks held: blocks until cancelled */
		m = vmsg_make(V_GENERATED, 0);
		atomic_store(&c->go, 1);
		c->st[0] = pipec_port_send(o, &m);
		break;
	}
	c->copied = atomic_load(&vmsg_copied) - copied;
	atomic_store(&c->release, 1); /* lets k (and held sinks) end */
	return 0;
}

static int bc_sink(pipec_stage *self, const pipec_stage_args *a)
{
	ctx *c = ctx_of(a);
	int i = stage_index(self);
	pipec_port *in = a->ports[0];

	switch (atomic_load(&c->flag[i])) {
	case SINK_DROP:
		pipec_port_drop(in);
		atomic_store(&c->flag[i], 0);
		return 0;
	case SINK_HOLD:
		stage_wait(self, &c->release);
		break;
	}
	return recv_all(self, in, c, i, 0);
}

/* Holds gen's second output open until gen is done, so that closing
 * every branch of o does not cancel gen (R9). */
static int bc_keep(pipec_stage *self, const pipec_stage_args *a)
{
	ctx *c = ctx_of(a);

	stage_wait(self, &c->release);
	return recv_all(self, a->ports[0], c, 3, 0);
}

static const pipec_chan_desc bc_chans[] = {
        {"o0", &vmsg_type, {0, 0}},
        {"o1", &vmsg_type, {0, 0}},
        {"o2", &vmsg_type, {0, 0}},
        {"keep", &vmsg_type, {-1, 1}},
};
static const pipec_port_desc bc_gen_ports[] = {
        {"o", true, &vmsg_type, V_BIT(V_GENERATED), ch012, 3, 30},
        {"keep", true, &vmsg_type, V_BIT(V_GENERATED), ch3, 1, 31},
};
static const pipec_port_desc bc_s0_ports[] = {
        {"i", false, &vmsg_type, V_BIT(V_GENERATED), ch0, 1, 40},
};
static const pipec_port_desc bc_s1_ports[] = {
        {"i", false, &vmsg_type, V_BIT(V_GENERATED), ch1, 1, 40},
};
static const pipec_port_desc bc_s2_ports[] = {
        {"i", false, &vmsg_type, V_BIT(V_GENERATED), ch2, 1, 40},
};
static const pipec_port_desc bc_k_ports[] = {
        {"i", false, &vmsg_type, V_BIT(V_GENERATED), ch3, 1, 50},
};
static const pipec_stage_desc bc_stages[] = {
        {"gen", bc_gen, {-1, 1}, bc_gen_ports, 2, 30, 0, false},
        {"s0", bc_sink, {-1, 1}, bc_s0_ports, 1, 40, 0, false},
        {"s1", bc_sink, {-1, 1}, bc_s1_ports, 1, 40, 0, false},
        {"s2", bc_sink, {-1, 1}, bc_s2_ports, 1, 40, 0, false},
        {"k", bc_keep, {-1, 1}, bc_k_ports, 1, 50, 0, false},
};
static const pipec_pipeline_desc bc_desc = {
        .name = "bc",
        .file = "tests/bc.pipe",
        .params_size = sizeof(tparams),
        .params = params_table,
        .nparams = 1,
        .chans = bc_chans,
        .nchans = 4,
        .stages = bc_stages,
        .nstages = 5,
        .checks = true,
};

/* Builds the broadcast pipeline with sink modes s0, s1, s2. */
static pipec_run *bc_build(ctx *c, int mode, int s0, int s1, int s2, int cap)
{
	pipec_run *run = build(&bc_desc, c, cap);

	atomic_store(&c->flag[0], s0);
	atomic_store(&c->flag[1], s1);
	atomic_store(&c->flag[2], s2);
	atomic_store(&c->flag[3], mode);
	return run;
}

static void test_port_broadcast_every_branch_gets_each_message(void **state)
{
	ctx c = {0};
	long live = vmsg_live();
	pipec_run *run = bc_build(&c, BC_ALL, SINK_ALL, SINK_ALL, SINK_ALL, 4);

	(void)state;
	WATCH();
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(c.sent, N);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(c.got[i], N);
		assert_int_equal(c.end[i], PIPEC_CLOSED);
	}
	assert_false(c.bad);
	/* A copy for every branch but the last, which gets the original. */
	assert_int_equal(c.copied, 2 * N);
	pipec_run_free(run);
	assert_int_equal(vmsg_live(), live);
}

static void test_port_broadcast_skips_closed_branches(void **state)
{
	ctx c = {0};
	long live = vmsg_live();
	unsigned long dropped = atomic_load(&vmsg_dropped);
	pipec_run *run =
	        bc_build(&c, BC_SOME_CLOSED, SINK_DROP, SINK_ALL, SINK_DROP, 4);

	(void)state;
	WATCH();
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	/* s1 took each message: every send is PIPEC_OK. */
	assert_int_equal(c.sent, N);
	assert_int_equal(c.got[1], N);
	assert_false(c.bad);
	/* No copy for the closed s0; the closed last branch s2 still got
	 * the original, and destroyed it (R7): once per message. */
	assert_int_equal(c.copied, N);
	assert_int_equal(atomic_load(&vmsg_dropped) - dropped, N);
	pipec_run_free(run);
	assert_int_equal(vmsg_live(), live);
}

static void test_port_broadcast_to_closed_branches_is_closed(void **state)
{
	ctx c = {0};
	long live = vmsg_live();
	unsigned long dropped = atomic_load(&vmsg_dropped);
	pipec_run *run =
	        bc_build(&c, BC_ALL_CLOSED, SINK_DROP, SINK_DROP, SINK_DROP, 4);

	(void)state;
	WATCH();
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(c.st[0], PIPEC_CLOSED);
	assert_int_equal(c.copied, 0);
	assert_int_equal(atomic_load(&vmsg_dropped) - dropped, 1);
	assert_true(c.closed[0]);  /* o: every branch closed */
	assert_false(c.closed[1]); /* keep: k still receives */
	pipec_run_free(run);
	assert_int_equal(vmsg_live(), live);
}

static void test_port_broadcast_try_and_until(void **state)
{
	ctx c = {0};
	long live = vmsg_live();
	unsigned long dropped = atomic_load(&vmsg_dropped);
	pipec_run *run =
	        bc_build(&c, BC_TRY, SINK_HOLD, SINK_HOLD, SINK_HOLD, 1);

	(void)state;
	WATCH();
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(c.st[0], PIPEC_OK);
	assert_int_equal(c.st[1], PIPEC_WOULDBLOCK);
	assert_int_equal(c.st[2], PIPEC_TIMEDOUT);
	assert_int_equal(c.st[3], PIPEC_OK);
	/* Each failed broadcast destroyed its two copies and the
	 * original: 3 + 3. */
	assert_int_equal(c.dropped - dropped, 6);
	for (int i = 0; i < 3; i++)
		assert_int_equal(c.got[i], 2);
	pipec_run_free(run);
	assert_int_equal(vmsg_live(), live);
}

static void test_port_broadcast_cancelled_while_blocked(void **state)
{
	ctx c = {0};
	long live = vmsg_live();
	pipec_run *run =
	        bc_build(&c, BC_CANCEL, SINK_HOLD, SINK_HOLD, SINK_HOLD, 0);

	(void)state;
	WATCH();
	assert_int_equal(pipec_run_start(run), PIPEC_OK);
	assert_true(rt_wait_flag(&c.go, LONG_MS));
	rt_sleep_ms(SETTLE_MS);
	pipec_run_cancel(run);
	assert_int_equal(pipec_run_wait(run), PIPEC_CANCELLED);
	/* The cancel is said as such, never as a closed stream (R10). */
	assert_int_equal(c.st[0], PIPEC_CANCELLED);
	pipec_run_free(run);
	assert_int_equal(vmsg_live(), live);
}

/* ------------------------------------------------------------------ */
/* Select: g0, g1, g2 -> sel(a, b, c)                                  */
/* ------------------------------------------------------------------ */

/* The port type of a generated header: pointers to it are what a typed
 * select reads as bytes. */
typedef struct tin tin;

static int sel_gen(pipec_stage *self, const pipec_stage_args *a)
{
	ctx *c = ctx_of(a);
	int i = stage_index(self);

	if (i == 0)
		atomic_store(&c->other, a->ports[0]);
	if (i == 1) /* sends nothing: sel's port b closes at once */
		return 0;
	if (!stage_wait(self, &c->go))
		return 0;
	for (int k = 0; k < N; k++) {
		vmsg m = vmsg_make(i == 0 ? V_GENERATED : V_SQUARED,
		                   (uint32_t)(1000 * i + k));

		if (pipec_port_send(a->ports[0], &m) != PIPEC_OK)
			break;
	}
	return 0;
}

static int sel_body(pipec_stage *self, const pipec_stage_args *a)
{
	ctx *c = ctx_of(a);
	tin *const ports[3] = {(tin *)a->ports[0], (tin *)a->ports[1],
	                       (tin *)a->ports[2]};
	tin *many[PIPEC_SELECT_MAX + 1];
	tin *from = NULL;
	vmsg m;
	pipec_status st;

	(void)self;
	for (size_t i = 0; i <= PIPEC_SELECT_MAX; i++)
		many[i] = ports[0];
	while (atomic_load(&c->other) == NULL)
		rt_sleep_ms(1);
	/* n out of range; a port of another stage, an out port */
	c->st[0] = pipec_port_select_until(ports, 0, &m, &from, PIPEC_FOREVER);
	c->st[1] = pipec_port_select_until(many, PIPEC_SELECT_MAX + 1, &m,
	                                   &from, PIPEC_FOREVER);
	many[1] = (tin *)atomic_load(&c->other);
	c->st[2] = pipec_port_select_until(many, 2, &m, &from, PIPEC_FOREVER);
	/* Nothing sent yet. */
	c->st[3] = pipec_port_select_until(ports, 3, &m, &from,
	                                   pipec_after_ms(SHORT_MS));
	atomic_store(&c->go, 1);
	while ((st = pipec_port_select_until(ports, 3, &m, &from,
	                                     PIPEC_FOREVER)) == PIPEC_OK) {
		int g = (int)(m.seq / 1000);

		if (g > 2 || from != ports[g] || !vmsg_ok(&m) ||
		    m.seq % 1000 != (uint32_t)c->got[g])
			c->bad = true;
		else
			c->got[g]++;
		vmsg_free(&m);
	}
	c->end[0] = st;
	return 0;
}

static const pipec_chan_desc sel_chans[] = {
        {"a", &vmsg_type, {0, 0}},
        {"b", &vmsg_type, {0, 0}},
        {"c", &vmsg_type, {0, 0}},
};
static const pipec_port_desc sel_g0_ports[] = {
        {"o", true, &vmsg_type, V_BIT(V_GENERATED), ch0, 1, 60},
};
static const pipec_port_desc sel_g1_ports[] = {
        {"o", true, &vmsg_type, V_BIT(V_GENERATED), ch1, 1, 60},
};
static const pipec_port_desc sel_g2_ports[] = {
        {"o", true, &vmsg_type, V_BIT(V_SQUARED), ch2, 1, 60},
};
static const pipec_port_desc sel_ports[] = {
        {"a", false, &vmsg_type, V_BIT(V_GENERATED), ch0, 1, 70},
        {"b", false, &vmsg_type, UINT64_MAX, ch1, 1, 70},
        {"c", false, &vmsg_type, V_BIT(V_SQUARED), ch2, 1, 70},
};
static const pipec_stage_desc sel_stages[] = {
        {"g0", sel_gen, {-1, 1}, sel_g0_ports, 1, 60, 0, false},
        {"g1", sel_gen, {-1, 1}, sel_g1_ports, 1, 60, 0, false},
        {"g2", sel_gen, {-1, 1}, sel_g2_ports, 1, 60, 0, false},
        {"sel", sel_body, {-1, 1}, sel_ports, 3, 70, 0, false},
};
static const pipec_pipeline_desc sel_desc = {
        .name = "sel",
        .file = "tests/sel.pipe",
        .params_size = sizeof(tparams),
        .params = params_table,
        .nparams = 1,
        .chans = sel_chans,
        .nchans = 3,
        .stages = sel_stages,
        .nstages = 4,
        .checks = true,
};

static void test_port_select_over_typed_pointers(void **state)
{
	ctx c = {0};
	long live = vmsg_live();
	pipec_run *run = build(&sel_desc, &c, 2);

	(void)state;
	WATCH();
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(c.st[0], PIPEC_EINVAL);
	assert_int_equal(c.st[1], PIPEC_EINVAL);
	assert_int_equal(c.st[2], PIPEC_EINVAL);
	assert_int_equal(c.st[3], PIPEC_TIMEDOUT);
	assert_false(c.bad);
	/* b closed at once and was skipped; then every message of a and
	 * c came with its own port in from; then all closed. */
	assert_int_equal(c.got[0], N);
	assert_int_equal(c.got[1], 0);
	assert_int_equal(c.got[2], N);
	assert_int_equal(c.end[0], PIPEC_CLOSED);
	pipec_run_free(run);
	assert_int_equal(vmsg_live(), live);
}

/* ------------------------------------------------------------------ */
/* Demand: gen =o=> s0, s1; gen -keep-> k                              */
/* ------------------------------------------------------------------ */

static int dem_gen(pipec_stage *self, const pipec_stage_args *a)
{
	ctx *c = ctx_of(a);
	pipec_port *o = a->ports[0], *keep = a->ports[1];
	vmsg m;

	c->st[0] = pipec_port_wait_demand_until(o, pipec_after_ms(SHORT_MS));
	c->st[1] = pipec_port_wait_demand(NULL);
	atomic_store(&c->go, 1);              /* s0 starts waiting in recv */
	c->st[2] = pipec_port_wait_demand(o); /* s1 never waits */
	m = vmsg_make(V_GENERATED, 0);
	c->st[3] = pipec_port_send(o, &m);
	atomic_store(&c->flag[2], 1); /* s1 takes it, both return */
	while (!pipec_cancelled(self) &&
	       (!atomic_load(&c->flag[0]) || !atomic_load(&c->flag[1])))
		rt_sleep_ms(1);
	c->closed[0] = pipec_port_closed(o);
	c->closed[1] = pipec_port_closed(keep);
	/* keep is open, so gen is not cancelled: o is simply closed. */
	c->st[4] = pipec_port_wait_demand(o);
	pipec_port_drop(keep);
	c->closed[2] = pipec_port_closed(keep);
	return 0;
}

static int dem_sink(pipec_stage *self, const pipec_stage_args *a)
{
	ctx *c = ctx_of(a);
	int i = stage_index(self);
	pipec_port *in = a->ports[0];
	vmsg m;

	c->st[5 + i] = pipec_port_wait_demand(in); /* an in port */
	stage_wait(self, i == 0 ? &c->go : &c->flag[2]);
	if (pipec_port_recv(in, &m) == PIPEC_OK) {
		c->got[i]++;
		vmsg_free(&m);
	}
	pipec_port_drop(in);
	atomic_store(&c->flag[i], 1);
	return 0;
}

static const pipec_port_desc dem_gen_ports[] = {
        {"o", true, &vmsg_type, V_BIT(V_GENERATED), ch01, 2, 80},
        {"keep", true, &vmsg_type, V_BIT(V_GENERATED), ch2, 1, 81},
};
static const pipec_chan_desc dem_chans[] = {
        {"o0", &vmsg_type, {0, 0}},
        {"o1", &vmsg_type, {0, 0}},
        {"keep", &vmsg_type, {-1, 1}},
};
static const pipec_port_desc dem_k_ports[] = {
        {"i", false, &vmsg_type, V_BIT(V_GENERATED), ch2, 1, 90},
};
static const pipec_stage_desc dem_stages[] = {
        {"gen", dem_gen, {-1, 1}, dem_gen_ports, 2, 80, 0, false},
        {"s0", dem_sink, {-1, 1}, bc_s0_ports, 1, 90, 0, false},
        {"s1", dem_sink, {-1, 1}, bc_s1_ports, 1, 90, 0, false},
        {"k", bc_keep, {-1, 1}, dem_k_ports, 1, 90, 0, false},
};
static const pipec_pipeline_desc dem_desc = {
        .name = "dem",
        .params_size = sizeof(tparams),
        .params = params_table,
        .nparams = 1,
        .chans = dem_chans,
        .nchans = 3,
        .stages = dem_stages,
        .nstages = 4,
        .checks = true,
};

static void test_port_wait_demand_and_closed(void **state)
{
	ctx c = {0};
	long live = vmsg_live();
	pipec_run *run = build(&dem_desc, &c, 4);

	(void)state;
	WATCH();
	atomic_store(&c.release, 1); /* k ends when gen drops keep */
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(c.st[0], PIPEC_TIMEDOUT); /* nobody waiting yet */
	assert_int_equal(c.st[1], PIPEC_EINVAL);   /* NULL port */
	assert_int_equal(c.st[2], PIPEC_OK);       /* s0 waits: some branch */
	assert_int_equal(c.st[3], PIPEC_OK);
	assert_int_equal(c.got[0], 1);
	assert_int_equal(c.got[1], 1);
	assert_true(c.closed[0]);
	assert_false(c.closed[1]);
	assert_int_equal(c.st[4], PIPEC_CLOSED);
	assert_true(c.closed[2]);
	assert_int_equal(c.st[5], PIPEC_EINVAL);
	assert_int_equal(c.st[6], PIPEC_EINVAL);
	pipec_run_free(run);
	assert_int_equal(vmsg_live(), live);
}

/* ------------------------------------------------------------------ */
/* Bad arguments                                                       */
/* ------------------------------------------------------------------ */

static int wrong_way(pipec_stage *self, const pipec_stage_args *a)
{
	ctx *c = ctx_of(a);
	vmsg m = vmsg_plain(V_GENERATED, 0);

	(void)self;
	c->st[0] = pipec_port_recv(a->ports[0], &m);     /* out port */
	c->st[1] = pipec_port_try_recv(a->ports[0], &m); /* out port */
	c->st[2] = pipec_port_send(NULL, &m);            /* no port */
	c->st[3] = pipec_port_send(a->ports[0], NULL);   /* no message */
	c->closed[0] = pipec_port_closed(NULL);
	pipec_port_drop(NULL);
	return 0;
}

static int wrong_sink(pipec_stage *self, const pipec_stage_args *a)
{
	ctx *c = ctx_of(a);
	vmsg m = vmsg_plain(V_GENERATED, 0);

	(void)self;
	c->st[4] = pipec_port_send(a->ports[0], &m); /* in port */
	c->st[5] = pipec_port_send_until(a->ports[0], &m, PIPEC_FOREVER);
	return recv_all(self, a->ports[0], c, 0, 0);
}

static const pipec_chan_desc plain_chans[] = {
        {"gen_o", &vmsg_plain_type, {-1, 1}},
};
static const pipec_port_desc plain_gen_ports[] = {
        {"o", true, &vmsg_plain_type, V_BIT(V_GENERATED), ch0, 1, 10},
};
static const pipec_port_desc plain_sink_ports[] = {
        {"i", false, &vmsg_plain_type, V_BIT(V_GENERATED), ch0, 1, 20},
};
static const pipec_stage_desc wrong_stages[] = {
        {"gen", wrong_way, {-1, 1}, plain_gen_ports, 1, 10, 0, false},
        {"sink", wrong_sink, {-1, 1}, plain_sink_ports, 1, 20, 0, false},
};
static const pipec_pipeline_desc wrong_desc = {
        .name = "wrong",
        .params_size = sizeof(tparams),
        .params = params_table,
        .nparams = 1,
        .chans = plain_chans,
        .nchans = 1,
        .stages = wrong_stages,
        .nstages = 2,
        .checks = false,
};

static void test_port_bad_arguments(void **state)
{
	ctx c = {0};
	pipec_run *run = build(&wrong_desc, &c, 1);

	(void)state;
	WATCH();
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	for (int i = 0; i < 6; i++)
		assert_int_equal(c.st[i], PIPEC_EINVAL);
	assert_true(c.closed[0]);
	pipec_run_free(run);
}

/* ------------------------------------------------------------------ */
/* Variant checks (R1)                                                 */
/* ------------------------------------------------------------------ */

/* gen sends the variant in flag[0] through a port that accepts only
 * Generated; sink's port accepts Generated and Squared. */
static int check_gen(pipec_stage *self, const pipec_stage_args *a)
{
	ctx *c = ctx_of(a);
	vmsg m = vmsg_plain((uint32_t)atomic_load(&c->flag[0]), 7);

	(void)self;
	c->st[0] = pipec_port_send(a->ports[0], &m);
	return 0;
}

static int check_sink(pipec_stage *self, const pipec_stage_args *a)
{
	return recv_all(self, a->ports[0], ctx_of(a), 0, 7);
}

static const pipec_port_desc check_gen_ports[] = {
        {"nums", true, &vmsg_plain_type, V_BIT(V_GENERATED), ch0, 1, 31},
};
static const pipec_port_desc check_any_ports[] = {
        {"nums", true, &vmsg_plain_type, UINT64_MAX, ch0, 1, 32},
};
static const pipec_port_desc check_sink_ports[] = {
        {"nums", false, &vmsg_plain_type, V_BIT(V_GENERATED) | V_BIT(V_SQUARED),
         ch0, 1, 45},
};
static const pipec_stage_desc check_stages[] = {
        {"gen", check_gen, {-1, 1}, check_gen_ports, 1, 30, 0, false},
        {"sink", check_sink, {-1, 1}, check_sink_ports, 1, 44, 0, false},
};
static const pipec_stage_desc check_any_stages[] = {
        {"gen", check_gen, {-1, 1}, check_any_ports, 1, 30, 0, false},
        {"sink", check_sink, {-1, 1}, check_sink_ports, 1, 44, 0, false},
};
static const pipec_pipeline_desc check_send_desc = {
        .name = "checked",
        .file = "tests/checked.pipe",
        .params_size = sizeof(tparams),
        .params = params_table,
        .nparams = 1,
        .chans = plain_chans,
        .nchans = 1,
        .stages = check_stages,
        .nstages = 2,
        .checks = true,
};
static const pipec_pipeline_desc check_recv_desc = {
        .name = "checked",
        .file = "tests/checked.pipe",
        .params_size = sizeof(tparams),
        .params = params_table,
        .nparams = 1,
        .chans = plain_chans,
        .nchans = 1,
        .stages = check_any_stages,
        .nstages = 2,
        .checks = true,
};
static const pipec_pipeline_desc check_off_desc = {
        .name = "checked",
        .params_size = sizeof(tparams),
        .params = params_table,
        .nparams = 1,
        .chans = plain_chans,
        .nchans = 1,
        .stages = check_stages,
        .nstages = 2,
        .checks = false,
};

/* The child's side: runs a pipeline that sends variant v. */
static int child_check(const pipec_pipeline_desc *pl, int v)
{
	ctx c = {0};
	tparams p = {&c, 1};
	pipec_run *run;

	atomic_store(&c.flag[0], v);
	if (pipec_pipeline_build(pl, &p, &run) != PIPEC_OK)
		return 3;
	pipec_run_exec(run);
	pipec_run_free(run);
	return 0;
}

static int child_main(int argc, char **argv)
{
	if (argc == 1 && strcmp(argv[0], "send-squared") == 0)
		return child_check(&check_send_desc, V_SQUARED);
	if (argc == 1 && strcmp(argv[0], "send-generated") == 0)
		return child_check(&check_send_desc, V_GENERATED);
	if (argc == 1 && strcmp(argv[0], "recv-merged") == 0)
		return child_check(&check_recv_desc, V_MERGED);
	if (argc == 1 && strcmp(argv[0], "send-tag-9") == 0)
		return child_check(&check_send_desc, 9);
	return 99;
}

static void expect_abort(const char *how, const char *line)
{
	const char *args[] = {"child", how, NULL};
	rt_child c;

	rt_child_start(&c, args);
	assert_true(rt_child_wait(&c, 10000 * (long)rt_slow()));
	if (rt_child_code(&c) != 1000 + SIGABRT ||
	    strncmp(c.err, line, strlen(line)) != 0 ||
	    strstr(c.err + strlen(line), "cannot") != NULL)
		fail_msg("child %s: status %d, stderr:\n%s\nexpected:\n%s", how,
		         rt_child_code(&c), c.err, line);
	rt_child_free(&c);
}

static void test_r1_variant_checks_abort_with_one_line(void **state)
{
	const char *args[] = {"child", "send-generated", NULL};
	rt_child c;

	(void)state;
	WATCH();
	/* A variant the port accepts goes through. */
	rt_child_start(&c, args);
	assert_true(rt_child_wait(&c, 10000 * (long)rt_slow()));
	assert_int_equal(rt_child_code(&c), 0);
	assert_string_equal(c.err, "");
	rt_child_free(&c);

	expect_abort("send-squared",
	             "checked: tests/checked.pipe:31: pipeline 'checked' "
	             "stage 'gen[0]' port "
	             "'nums' cannot send Num.Squared (it accepts "
	             "Num.Generated)\n");
	expect_abort("recv-merged",
	             "checked: tests/checked.pipe:45: pipeline 'checked' "
	             "stage 'sink[0]' port "
	             "'nums' cannot receive Num.Merged (it accepts "
	             "Num.Generated, Num.Squared)\n");
	expect_abort("send-tag-9",
	             "checked: tests/checked.pipe:31: pipeline 'checked' "
	             "stage 'gen[0]' port "
	             "'nums' cannot send a Num with tag 9 (it accepts "
	             "Num.Generated)\n");
}

static void test_r1_variant_checks_off(void **state)
{
	ctx c = {0};
	tparams p = {&c, 1};
	pipec_run *run;

	(void)state;
	WATCH();
	atomic_store(&c.flag[0], V_MERGED);
	assert_int_equal(pipec_pipeline_build(&check_off_desc, &p, &run),
	                 PIPEC_OK);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(c.st[0], PIPEC_OK);
	assert_int_equal(c.got[0], 1);
	pipec_run_free(run);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_port_send_recv_one_channel),
	        cmocka_unit_test(test_port_try_and_until_statuses),
	        cmocka_unit_test(test_port_drop_out_port),
	        cmocka_unit_test(test_port_drop_in_port),
	        cmocka_unit_test(
	                test_port_broadcast_every_branch_gets_each_message),
	        cmocka_unit_test(test_port_broadcast_skips_closed_branches),
	        cmocka_unit_test(
	                test_port_broadcast_to_closed_branches_is_closed),
	        cmocka_unit_test(test_port_broadcast_try_and_until),
	        cmocka_unit_test(test_port_broadcast_cancelled_while_blocked),
	        cmocka_unit_test(test_port_select_over_typed_pointers),
	        cmocka_unit_test(test_port_wait_demand_and_closed),
	        cmocka_unit_test(test_port_bad_arguments),
	        cmocka_unit_test(test_r1_variant_checks_abort_with_one_line),
	        cmocka_unit_test(test_r1_variant_checks_off),
	};
	int failed;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child_main(argc - 2, argv + 2);
	rt_set_self(argv[0]);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	rt_watchdog(0, "");
	return failed;
}
