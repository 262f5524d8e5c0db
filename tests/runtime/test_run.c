/* SPDX-License-Identifier: MIT */
/*
 * test_run.c - runs and stages: rules R4, R7 (cancelled sends), R8, R9, R10,
 * R11 and R13, statistics and the stage API.
 *
 * Stage bodies record what they saw in their context; the test asserts
 * after pipec_run_wait() returned (cmocka's assertions only work on the
 * test's own thread). Stages that must stay blocked until something else
 * happened wait on flags, with generous limits, so no outcome depends on
 * timing; the watchdog turns a broken rule that leaves a run hanging into
 * a failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <poll.h>
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

#define PROMPT_MS 5000
#define SETTLE_MS 50
/* A stage waiting for a flag gives up after this (and records it). */
#define LONG_MS 20000

static pipec_chan *tchan(pipec_run *run, const char *name, size_t cap,
                         drop_log *log)
{
	pipec_chan_spec spec = tmsg_spec(name, cap, log);
	pipec_chan *ch = pipec_run_chan(run, &spec);

	assert_non_null(ch);
	return ch;
}

static pipec_chan_stats chan_stats(pipec_run *run, size_t i)
{
	pipec_chan_stats cs;

	assert_true(pipec_run_chan_stats(run, i, &cs));
	return cs;
}

static pipec_stage_stats stage_stats(pipec_run *run, size_t i)
{
	pipec_stage_stats ss;

	assert_true(pipec_run_stage_stats(run, i, &ss));
	return ss;
}

static void assert_stats_consistent(pipec_run *run)
{
	const char *why = rt_check_chan_stats(run);

	if (why != NULL)
		fail_msg("%s", why);
}

/* Every tmsg made since base was freed (by a body or a drop hook). */
typedef struct heap_mark {
	unsigned long allocated, freed;
} heap_mark;

static heap_mark heap_now(void)
{
	heap_mark m = {atomic_load(&tmsg_allocated), atomic_load(&tmsg_freed)};
	return m;
}

static void assert_heap_balanced(heap_mark base)
{
	heap_mark now = heap_now();

	assert_int_equal(now.allocated - base.allocated,
	                 now.freed - base.freed);
}

/* ---- a generic stage context ---- */

typedef struct sctx {
	pipec_tx *tx, *tx2;
	pipec_rx *rx, *rx2;
	int count;           /* messages to send or receive */
	int got;             /* messages received */
	int sent;            /* messages sent */
	pipec_status st;     /* the status that ended its loop */
	pipec_status st2;    /* another recorded status */
	atomic_int entered;  /* set just before the blocking call */
	atomic_int done;     /* set just before returning */
	atomic_int *wait;    /* a flag to wait for, if set */
	bool flag_a, flag_b; /* what it observed (test specific) */
	bool bad;            /* saw a corrupt message */
} sctx;

static void free_or_mark(sctx *c, tmsg *m)
{
	if (!tmsg_ok(m))
		c->bad = true;
	tmsg_free(m);
}

/* Sends count messages (all if count < 0) until a send fails. */
static int body_gen(pipec_stage *self, void *arg)
{
	sctx *c = arg;

	(void)self;
	for (int i = 0; c->count < 0 || i < c->count; i++) {
		tmsg m = tmsg_make((uint32_t)i, 0);

		c->st = pipec_send(c->tx, &m);
		if (c->st != PIPEC_OK)
			break;
		c->sent++;
	}
	atomic_store(&c->done, 1);
	return 0;
}

/* Receives until the stream ends (or count messages if count > 0). */
static int body_sink(pipec_stage *self, void *arg)
{
	sctx *c = arg;
	tmsg m;

	(void)self;
	while (c->count <= 0 || c->got < c->count) {
		c->st = pipec_recv(c->rx, &m);
		if (c->st != PIPEC_OK)
			break;
		if ((int)m.seq != c->got)
			c->bad = true;
		free_or_mark(c, &m);
		c->got++;
	}
	atomic_store(&c->done, 1);
	return 0;
}

/* Busy outside the runtime until cancelled (never receives). */
static int body_busy(pipec_stage *self, void *arg)
{
	sctx *c = arg;

	atomic_store(&c->entered, 1);
	for (long i = 0; i < LONG_MS && !pipec_cancelled(self); i++)
		rt_sleep_ms(1);
	c->flag_a = pipec_cancelled(self);
	atomic_store(&c->done, 1);
	return 0;
}

/* Holds its endpoints, using none, until *wait is set (or, if count > 0,
 * until cancelled). */
static int body_hold(pipec_stage *self, void *arg)
{
	sctx *c = arg;

	atomic_store(&c->entered, 1);
	for (long i = 0; i < LONG_MS && !atomic_load(c->wait); i++) {
		if (c->count > 0 && pipec_cancelled(self))
			break;
		rt_sleep_ms(1);
	}
	c->flag_a = atomic_load(c->wait) != 0;
	atomic_store(&c->done, 1);
	return 0;
}

/* Blocks in one recv and records what it returned. */
static int body_recv_once(pipec_stage *self, void *arg)
{
	sctx *c = arg;
	tmsg m;

	atomic_store(&c->entered, 1);
	c->st = pipec_recv(c->rx, &m);
	if (c->st == PIPEC_OK)
		free_or_mark(c, &m);
	c->flag_a = pipec_cancelled(self);
	atomic_store(&c->done, 1);
	return 0;
}

/* ---- R4 return is drop ---- */

static void test_r4_return_drops_endpoints_downstream_sees_closed(void **state)
{
	heap_mark base = heap_now();
	drop_log log;
	sctx gen = {.count = 10}, sink = {0};
	pipec_run *run;
	pipec_chan *ch;
	pipec_stage *g, *s;
	pipec_chan_stats cs;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	run = pipec_run_new("r4");
	assert_non_null(run);
	ch = tchan(run, "gen->sink", 4, &log);
	g = pipec_stage_add(run, "gen", body_gen, &gen);
	s = pipec_stage_add(run, "sink", body_sink, &sink);
	assert_non_null(g);
	assert_non_null(s);
	gen.tx = pipec_stage_tx(g, ch);
	sink.rx = pipec_stage_rx(s, ch);
	assert_non_null(gen.tx);
	assert_non_null(sink.rx);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_null(pipec_run_error(run));
	assert_int_equal(gen.sent, 10);
	assert_int_equal(sink.got, 10);
	assert_int_equal(sink.st, PIPEC_CLOSED);
	assert_false(sink.bad);
	cs = chan_stats(run, 0);
	assert_int_equal(cs.sent, 10);
	assert_int_equal(cs.received, 10);
	assert_int_equal(cs.dropped, 0);
	assert_int_equal(cs.refused, 0);
	assert_stats_consistent(run);
	pipec_run_free(run);
	assert_int_equal(drop_log_count(&log), 0);
	assert_heap_balanced(base);
	drop_log_fini(&log);
}

/* The downstream stage returns: the upstream's send fails with CLOSED.
 * The upstream keeps a second, open output, so it is not cancelled and
 * CLOSED is the only right answer. */
static void test_r4_upstream_sender_sees_closed(void **state)
{
	heap_mark base = heap_now();
	drop_log la, lb;
	sctx up = {.count = -1}, down = {.count = 3}, hold = {0};
	pipec_run *run;
	pipec_chan *a, *b;
	pipec_stage *u, *d, *h;
	pipec_chan_stats cs;

	(void)state;
	WATCH();
	drop_log_init(&la, 0);
	drop_log_init(&lb, 0);
	run = pipec_run_new("r4-up");
	a = tchan(run, "up->down", 2, &la);
	b = tchan(run, "up->hold", 2, &lb);
	u = pipec_stage_add(run, "up", body_gen, &up);
	d = pipec_stage_add(run, "down", body_sink, &down);
	h = pipec_stage_add(run, "hold", body_hold, &hold);
	up.tx = pipec_stage_tx(u, a);
	up.tx2 = pipec_stage_tx(u, b);
	down.rx = pipec_stage_rx(d, a);
	hold.rx = pipec_stage_rx(h, b);
	hold.wait = &up.done;
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(down.got, 3);
	assert_int_equal(up.st, PIPEC_CLOSED);
	assert_true(hold.flag_a);
	cs = chan_stats(run, 0);
	assert_int_equal(cs.received, 3);
	assert_int_equal(cs.refused, 1);
	assert_int_equal(drop_log_count(&la), cs.dropped + cs.refused);
	assert_int_equal(cs.sent, (uint64_t)up.sent);
	assert_false(stage_stats(run, 0).cancelled);
	assert_stats_consistent(run);
	pipec_run_free(run);
	assert_heap_balanced(base);
	drop_log_fini(&la);
	drop_log_fini(&lb);
}

typedef struct early {
	pipec_tx *a, *b;
	pipec_rx *ra, *rb;
	atomic_int a_closed; /* ra saw its stream end */
	bool a_saw_closed;   /* the producer saw ra's CLOSED before return */
	pipec_status after_drop, ra_st, rb_st, rb_after_drop;
	bool clone_null, rx_clone_null;
	int ra_got, rb_got;
} early;

static int body_early_producer(pipec_stage *self, void *arg)
{
	early *e = arg;
	tmsg m;

	(void)self;
	for (uint32_t i = 0; i < 2; i++) {
		m = tmsg_make(i, 0);
		if (pipec_send(e->a, &m) != PIPEC_OK)
			return 1;
	}
	pipec_tx_drop(e->a);
	pipec_tx_drop(e->a); /* harmless */
	m = tmsg_make(99, 0);
	e->after_drop = pipec_send(e->a, &m);
	e->clone_null = pipec_tx_clone(e->a) == NULL;
	/* The receiver on A sees the end while this stage still runs. */
	e->a_saw_closed = rt_wait_flag(&e->a_closed, LONG_MS);
	for (uint32_t i = 0; i < 5; i++) {
		m = tmsg_make(i, 0);
		if (pipec_send(e->b, &m) != PIPEC_OK)
			return 2;
	}
	return 0;
}

static int body_early_ra(pipec_stage *self, void *arg)
{
	early *e = arg;
	tmsg m;

	(void)self;
	while ((e->ra_st = pipec_recv(e->ra, &m)) == PIPEC_OK) {
		tmsg_free(&m);
		e->ra_got++;
	}
	atomic_store(&e->a_closed, 1);
	return 0;
}

static int body_early_rb(pipec_stage *self, void *arg)
{
	early *e = arg;
	tmsg m;

	(void)self;
	while (e->rb_got < 5 &&
	       (e->rb_st = pipec_recv(e->rb, &m)) == PIPEC_OK) {
		tmsg_free(&m);
		e->rb_got++;
	}
	pipec_rx_drop(e->rb);
	e->rb_after_drop = pipec_recv(e->rb, &m);
	e->rx_clone_null = pipec_rx_clone(e->rb) == NULL;
	return 0;
}

static void test_r4_early_drop_of_one_port(void **state)
{
	heap_mark base = heap_now();
	drop_log la, lb;
	early e = {0};
	pipec_run *run;
	pipec_chan *a, *b;
	pipec_stage *p, *ra, *rb;

	(void)state;
	WATCH();
	drop_log_init(&la, 128);
	drop_log_init(&lb, 0);
	run = pipec_run_new("r4-early");
	a = tchan(run, "a", 4, &la);
	b = tchan(run, "b", 0, &lb);
	p = pipec_stage_add(run, "producer", body_early_producer, &e);
	ra = pipec_stage_add(run, "ra", body_early_ra, &e);
	rb = pipec_stage_add(run, "rb", body_early_rb, &e);
	e.a = pipec_stage_tx(p, a);
	e.b = pipec_stage_tx(p, b);
	e.ra = pipec_stage_rx(ra, a);
	e.rb = pipec_stage_rx(rb, b);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(e.ra_got, 2);
	assert_int_equal(e.ra_st, PIPEC_CLOSED);
	assert_true(e.a_saw_closed);
	assert_int_equal(e.after_drop, PIPEC_CLOSED);
	assert_int_equal(drop_log_seen(&la, 99), 1);
	assert_true(e.clone_null);
	assert_int_equal(e.rb_got, 5);
	assert_int_equal(e.rb_after_drop, PIPEC_CLOSED);
	assert_true(e.rx_clone_null);
	assert_stats_consistent(run);
	pipec_run_free(run);
	assert_heap_balanced(base);
	drop_log_fini(&la);
	drop_log_fini(&lb);
}

/* Clones a stage made in its body are its own: dropped when it returns. */
typedef struct cloner {
	pipec_tx *tx;
	pipec_rx *rx;
	int got;
	pipec_status st;
	bool cloned;
} cloner;

static int body_cloner(pipec_stage *self, void *arg)
{
	cloner *c = arg;
	pipec_tx *more[3];

	(void)self;
	c->cloned = true;
	for (int i = 0; i < 3; i++) {
		tmsg m = tmsg_make((uint32_t)i, 0);

		more[i] = pipec_tx_clone(c->tx);
		c->cloned &= more[i] != NULL;
		if (more[i] == NULL || pipec_send(more[i], &m) != PIPEC_OK)
			return 1;
	}
	return 0;
}

static int body_clone_sink(pipec_stage *self, void *arg)
{
	cloner *c = arg;
	tmsg m;

	(void)self;
	while ((c->st = pipec_recv(c->rx, &m)) == PIPEC_OK) {
		tmsg_free(&m);
		c->got++;
	}
	return 0;
}

static void test_r4_clones_made_by_a_stage_are_dropped_at_return(void **state)
{
	heap_mark base = heap_now();
	drop_log log;
	cloner c = {0};
	pipec_run *run;
	pipec_chan *ch;
	pipec_stage *g, *s;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	run = pipec_run_new("r4-clones");
	ch = tchan(run, "c", 1, &log);
	g = pipec_stage_add(run, "cloner", body_cloner, &c);
	s = pipec_stage_add(run, "sink", body_clone_sink, &c);
	c.tx = pipec_stage_tx(g, ch);
	c.rx = pipec_stage_rx(s, ch);
	/* The sink ends only if every clone was dropped with the stage. */
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_true(c.cloned);
	assert_int_equal(c.got, 3);
	assert_int_equal(c.st, PIPEC_CLOSED);
	pipec_run_free(run);
	assert_heap_balanced(base);
	drop_log_fini(&log);
}

/* ---- R8 in a run: a returning stage's leftovers go at once ---- */

typedef struct leftover {
	pipec_tx *a;
	drop_log *log;
	atomic_int sent, gen_done;
	bool dropped_while_running;
} leftover;

static int body_leftover_gen(pipec_stage *self, void *arg)
{
	leftover *l = arg;

	(void)self;
	for (uint32_t i = 0; i < 5; i++) {
		tmsg m = tmsg_make(i, 0);

		if (pipec_send(l->a, &m) != PIPEC_OK)
			return 1;
	}
	atomic_store(&l->sent, 1);
	/* The sink returns without receiving: its 5 leftovers must be
	 * destroyed now, while this stage and the run still live. */
	for (long i = 0; i < LONG_MS && drop_log_count(l->log) < 5; i++)
		rt_sleep_ms(1);
	l->dropped_while_running = drop_log_count(l->log) == 5;
	atomic_store(&l->gen_done, 1);
	return 0;
}

static int body_leftover_sink(pipec_stage *self, void *arg)
{
	leftover *l = arg;

	(void)self;
	rt_wait_flag(&l->sent, LONG_MS);
	return 0;
}

static int body_leftover_hold(pipec_stage *self, void *arg)
{
	leftover *l = arg;

	(void)self;
	rt_wait_flag(&l->gen_done, LONG_MS);
	return 0;
}

static void
test_r8_returning_stage_leftovers_dropped_during_the_run(void **state)
{
	heap_mark base = heap_now();
	drop_log la, lb;
	leftover l = {.log = &la};
	pipec_run *run;
	pipec_chan *a, *b;
	pipec_stage *g, *s, *h;

	(void)state;
	WATCH();
	drop_log_init(&la, 8);
	drop_log_init(&lb, 0);
	run = pipec_run_new("r8");
	a = tchan(run, "a", 8, &la);
	b = tchan(run, "b", 1, &lb);
	g = pipec_stage_add(run, "gen", body_leftover_gen, &l);
	s = pipec_stage_add(run, "sink", body_leftover_sink, &l);
	h = pipec_stage_add(run, "hold", body_leftover_hold, &l);
	l.a = pipec_stage_tx(g, a);
	assert_non_null(pipec_stage_tx(g, b));
	assert_non_null(pipec_stage_rx(s, a));
	assert_non_null(pipec_stage_rx(h, b));
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_true(l.dropped_while_running);
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(drop_log_seen(&la, i), 1);
	assert_int_equal(chan_stats(run, 0).dropped, 5);
	assert_stats_consistent(run);
	pipec_run_free(run);
	assert_int_equal(drop_log_count(&la), 5);
	assert_heap_balanced(base);
	drop_log_fini(&la);
	drop_log_fini(&lb);
}

/* ---- R7 a cancelled send consumes its message ---- */

typedef struct r7c {
	pipec_tx *tx;
	pipec_rx *rx, *in;
	atomic_int entered, done;
	pipec_status st_send, st_again, st_try, st_recv;
} r7c;

static int body_r7_sender(pipec_stage *self, void *arg)
{
	r7c *c = arg;
	tmsg m = tmsg_make(0, 0);

	(void)self;
	if (pipec_send(c->tx, &m) != PIPEC_OK)
		return 1;
	m = tmsg_make(1, 0);
	atomic_store(&c->entered, 1);
	c->st_send = pipec_send(c->tx, &m);
	m = tmsg_make(2, 0);
	c->st_again = pipec_send(c->tx, &m);
	m = tmsg_make(3, 0);
	c->st_try = pipec_try_send(c->tx, &m);
	c->st_recv = pipec_recv(c->in, &m);
	atomic_store(&c->done, 1);
	return 0;
}

static int body_r7_holder(pipec_stage *self, void *arg)
{
	r7c *c = arg;

	(void)self;
	rt_wait_flag(&c->done, LONG_MS);
	return 0;
}

static void test_r7_cancelled_send_destroys_message_exactly_once(void **state)
{
	heap_mark base = heap_now();
	drop_log log, lin;
	r7c c = {0};
	pipec_run *run;
	pipec_chan *ch, *in;
	pipec_stage *s, *h;
	pipec_chan_stats cs;

	(void)state;
	WATCH();
	drop_log_init(&log, 8);
	drop_log_init(&lin, 0);
	run = pipec_run_new("r7");
	ch = tchan(run, "full", 1, &log);
	in = tchan(run, "idle", 1, &lin);
	s = pipec_stage_add(run, "sender", body_r7_sender, &c);
	h = pipec_stage_add(run, "holder", body_r7_holder, &c);
	c.tx = pipec_stage_tx(s, ch);
	c.rx = pipec_stage_rx(h, ch);
	c.in = pipec_stage_rx(s, in);
	assert_non_null(pipec_stage_tx(h, in));
	assert_int_equal(pipec_run_start(run), PIPEC_OK);
	assert_true(rt_wait_flag(&c.entered, PROMPT_MS));
	rt_sleep_ms(SETTLE_MS);
	assert_int_equal(drop_log_count(&log), 0);
	pipec_run_cancel(run);
	assert_int_equal(pipec_run_wait(run), PIPEC_CANCELLED);
	assert_int_equal(c.st_send, PIPEC_CANCELLED);
	assert_int_equal(c.st_again, PIPEC_CANCELLED);
	assert_int_equal(c.st_try, PIPEC_CANCELLED);
	assert_int_equal(c.st_recv, PIPEC_CANCELLED);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(drop_log_seen(&log, i), 1);
	cs = chan_stats(run, 0);
	assert_int_equal(cs.sent, 1);
	assert_int_equal(cs.received, 0);
	assert_int_equal(cs.dropped, 1);
	assert_int_equal(cs.refused, 3);
	assert_int_equal(stage_stats(run, 0).discarded, 3);
	assert_true(stage_stats(run, 0).cancelled);
	assert_stats_consistent(run);
	pipec_run_free(run);
	assert_int_equal(drop_log_count(&log), 4);
	assert_heap_balanced(base);
	drop_log_fini(&log);
	drop_log_fini(&lin);
}

/* ---- R7: every refused send is counted in the channel's statistics ---- */

typedef struct refuser {
	pipec_tx *tx, *tx2;
	pipec_rx *in;
	atomic_int first, done;
	pipec_status st_dropped, st_cancelled;
} refuser;

static int body_refuser(pipec_stage *self, void *arg)
{
	refuser *r = arg;
	tmsg m = tmsg_make(1, 0);

	/* A send on the stage's own dropped endpoint: CLOSED, refused. */
	pipec_tx_drop(r->tx2);
	r->st_dropped = pipec_send(r->tx2, &m);
	atomic_store(&r->first, 1);
	/* A send once cancelled (the run is cancelled while it waits). */
	while (!pipec_cancelled(self))
		rt_sleep_ms(1);
	m = tmsg_make(2, 0);
	r->st_cancelled = pipec_send(r->tx, &m);
	atomic_store(&r->done, 1);
	return 0;
}

static int body_keeper(pipec_stage *self, void *arg)
{
	refuser *r = arg;

	(void)self;
	rt_wait_flag(&r->done, 20000);
	return 0;
}

static void test_r7_refused_counts_every_failed_send(void **state)
{
	drop_log log;
	refuser r = {0};
	pipec_run *run;
	pipec_chan *ch;
	pipec_stage *s, *k;
	pipec_chan_stats cs;
	pipec_stage_stats ss;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	run = pipec_run_new("refused");
	{
		pipec_chan_spec spec = tmsg_spec("c", 4, &log);
		ch = pipec_run_chan(run, &spec);
	}
	s = pipec_stage_add(run, "refuser", body_refuser, &r);
	k = pipec_stage_add(run, "keeper", body_keeper, &r);
	r.tx = pipec_stage_tx(s, ch);
	r.tx2 = pipec_stage_tx(s, ch);
	assert_non_null(pipec_stage_rx(k, ch));
	assert_int_equal(pipec_run_start(run), PIPEC_OK);
	assert_true(rt_wait_flag(&r.first, PROMPT_MS));
	pipec_run_cancel(run);
	assert_int_equal(pipec_run_wait(run), PIPEC_CANCELLED);
	assert_int_equal(r.st_dropped, PIPEC_CLOSED);
	assert_int_equal(r.st_cancelled, PIPEC_CANCELLED);
	assert_int_equal(drop_log_count(&log), 2);
	assert_true(pipec_run_stage_stats(run, 0, &ss));
	assert_int_equal(ss.discarded, 2);
	assert_true(pipec_run_chan_stats(run, 0, &cs));
	/* "refused: messages handed to a send that failed and were
	 * destroyed without entering (R7)" */
	assert_int_equal(cs.refused, 2);
	pipec_run_free(run);
	drop_log_fini(&log);
}

/* ---- R10: a run-wide cancel is never seen as an end of stream ---- */

typedef struct pair {
	pipec_rx *rx;
	atomic_int *ready;
	pipec_status st;
} pair;

static int body_pair(pipec_stage *self, void *arg)
{
	pair *p = arg;
	tmsg m;

	(void)self;
	atomic_fetch_add(p->ready, 1);
	p->st = pipec_recv(p->rx, &m);
	if (p->st == PIPEC_OK)
		tmsg_free(&m);
	return 0;
}

/*
 * Two stages blocked in recv, each the other's only sender: only a
 * run-wide cancel ends them, and both must be told CANCELLED. If the run
 * wakes one before marking the other, the first returns, drops its
 * sender, and the other sees CLOSED: an end of stream that looks normal.
 * The pool scheduler sees the deadlock itself and cancels the run the
 * same way (PIPEC_DEADLOCK), usually before the test's cancel.
 */
static void test_r10_run_cancel_never_looks_like_end_of_stream(void **state)
{
	int closed = 0;

	(void)state;
	WATCH();
	for (int i = 0; i < 500; i++) {
		atomic_int ready;
		pair p, q;
		pipec_status st;
		pipec_chan_spec spec = tmsg_spec("c", 0, NULL);
		pipec_run *run = pipec_run_new("pair");
		pipec_chan *c1 = pipec_run_chan(run, &spec);
		pipec_chan *c2 = pipec_run_chan(run, &spec);
		pipec_stage *ps = pipec_stage_add(run, "p", body_pair, &p);
		pipec_stage *qs = pipec_stage_add(run, "q", body_pair, &q);

		atomic_init(&ready, 0);
		p.ready = q.ready = &ready;
		pipec_stage_tx(ps, c1);
		p.rx = pipec_stage_rx(ps, c2);
		pipec_stage_tx(qs, c2);
		q.rx = pipec_stage_rx(qs, c1);
		assert_int_equal(pipec_run_start(run), PIPEC_OK);
		assert_true(rt_wait_count(&ready, 2, 5000));
		/* Let both settle into their recv: this is about peers that
		 * return while the others are blocked. */
		rt_sleep_ms(2);
		pipec_run_cancel(run);
		st = pipec_run_wait(run);
		assert_true(st == PIPEC_CANCELLED ||
		            (rt_pool_mode() && st == PIPEC_DEADLOCK));
		assert_int_equal(p.st, PIPEC_CANCELLED);
		assert_int_equal(q.st, PIPEC_CANCELLED);
		closed += (p.st == PIPEC_CLOSED) + (q.st == PIPEC_CLOSED);
		pipec_run_free(run);
	}
	assert_int_equal(closed, 0);
}

/* ---- R9 cancellation propagates upstream ---- */

typedef struct head {
	atomic_int entered;
	bool fd_valid, fd_quiet_before, fd_readable, cancelled_after;
} head;

/* A head busy outside the runtime, waiting on its cancel fd. */
static int body_head_fd(pipec_stage *self, void *arg)
{
	head *h = arg;
	int fd = pipec_cancel_fd(self);
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	h->fd_valid = fd >= 0;
	if (fd < 0)
		return 1;
	h->fd_quiet_before = poll(&pfd, 1, 0) == 0 || pipec_cancelled(self);
	atomic_store(&h->entered, 1);
	for (int i = 0; i < LONG_MS / 100; i++) {
		int n = poll(&pfd, 1, 100);

		if (n == 1 && (pfd.revents & POLLIN)) {
			h->fd_readable = true;
			break;
		}
	}
	/* Readable stays readable: the fd is not to be read. */
	h->fd_readable = h->fd_readable && poll(&pfd, 1, 0) == 1;
	h->cancelled_after = pipec_cancelled(self);
	return 0;
}

typedef struct relay {
	pipec_rx *rx;
	pipec_tx *tx;
	atomic_int *in_recv;
	pipec_status st;
	bool cancelled;
} relay;

/* Forwards messages; blocks in recv when none come. */
static int body_relay(pipec_stage *self, void *arg)
{
	relay *r = arg;
	tmsg m;

	for (;;) {
		atomic_fetch_add(r->in_recv, 1);
		r->st = pipec_recv(r->rx, &m);
		if (r->st != PIPEC_OK)
			break;
		if (pipec_send(r->tx, &m) != PIPEC_OK)
			break;
	}
	r->cancelled = pipec_cancelled(self);
	return 0;
}

typedef struct waiter_sink {
	atomic_int *in_recv;
	int want;
	bool saw_all;
} waiter_sink;

/* Returns once want relays are blocked in recv. */
static int body_sink_after(pipec_stage *self, void *arg)
{
	waiter_sink *w = arg;

	(void)self;
	w->saw_all = rt_wait_count(w->in_recv, w->want, LONG_MS);
	rt_sleep_ms(SETTLE_MS / 5);
	return 0;
}

/* head -> relay x n -> sink; the sink returns once all relays block in
 * recv; every relay returns CANCELLED and the head sees its cancel fd
 * readable, though no stage upstream of a relay ever returned first. */
static void r9_chain(int n, size_t cap)
{
	heap_mark base = heap_now();
	drop_log log;
	head h = {0};
	relay r[8];
	atomic_int in_recv;
	waiter_sink w = {.in_recv = &in_recv, .want = n};
	pipec_run *run;
	pipec_chan *ch[9];
	pipec_stage *hs, *ss, *rs[8];
	char name[32];

	assert_true(n <= 8);
	atomic_init(&in_recv, 0);
	drop_log_init(&log, 0);
	run = pipec_run_new("r9-chain");
	for (int i = 0; i <= n; i++) {
		snprintf(name, sizeof name, "c%d", i);
		ch[i] = tchan(run, name, cap, &log);
	}
	hs = pipec_stage_add(run, "head", body_head_fd, &h);
	/* It blocks in poll(): as a coroutine it would hold its worker,
	 * and the relays dealt to that worker, until it returned. */
	pipec_stage_set_thread(hs, true);
	assert_non_null(pipec_stage_tx(hs, ch[0]));
	for (int i = 0; i < n; i++) {
		snprintf(name, sizeof name, "relay[%d]", i);
		rs[i] = pipec_stage_add(run, name, body_relay, &r[i]);
		r[i].rx = pipec_stage_rx(rs[i], ch[i]);
		r[i].tx = pipec_stage_tx(rs[i], ch[i + 1]);
		r[i].in_recv = &in_recv;
		r[i].st = PIPEC_OK;
		r[i].cancelled = false;
	}
	ss = pipec_stage_add(run, "sink", body_sink_after, &w);
	assert_non_null(pipec_stage_rx(ss, ch[n]));
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_true(w.saw_all);
	for (int i = 0; i < n; i++) {
		assert_int_equal(r[i].st, PIPEC_CANCELLED);
		assert_true(r[i].cancelled);
		assert_true(stage_stats(run, (size_t)i + 1).cancelled);
	}
	assert_true(h.fd_valid);
	assert_true(h.fd_quiet_before);
	assert_true(h.fd_readable);
	assert_true(h.cancelled_after);
	assert_true(stage_stats(run, 0).cancelled);
	assert_false(stage_stats(run, (size_t)n + 1).cancelled);
	assert_stats_consistent(run);
	pipec_run_free(run);
	assert_heap_balanced(base);
	drop_log_fini(&log);
}

static void
test_r9_stage_blocked_in_recv_cancelled_when_output_closes(void **state)
{
	(void)state;
	WATCH();
	r9_chain(1, 0);
	r9_chain(1, 4);
}

static void
test_r9_cancellation_ripples_up_a_chain_of_5_blocked_stages(void **state)
{
	(void)state;
	WATCH();
	r9_chain(5, 0);
	r9_chain(5, 2);
	r9_chain(5, PIPEC_UNBOUNDED);
}

typedef struct two_out {
	pipec_tx *x, *y;
	atomic_int x_returning, t_checked, y_returning;
	bool x_closed_seen, not_cancelled_with_y, y_gone_when_cancelled;
	bool cancelled;
	pipec_status try_x, send_y;
} two_out;

static int body_two_out(pipec_stage *self, void *arg)
{
	two_out *t = arg;
	tmsg m;

	rt_wait_flag(&t->x_returning, LONG_MS);
	for (long i = 0; i < LONG_MS && !pipec_tx_closed(t->x); i++)
		rt_sleep_ms(1);
	t->x_closed_seen = pipec_tx_closed(t->x);
	rt_sleep_ms(SETTLE_MS);
	t->not_cancelled_with_y = !pipec_cancelled(self);
	m = tmsg_make(1, 0);
	t->try_x = pipec_try_send(t->x, &m);
	m = tmsg_make(2, 0);
	t->send_y = pipec_send(t->y, &m);
	atomic_store(&t->t_checked, 1);
	for (long i = 0; i < LONG_MS && !pipec_cancelled(self); i++)
		rt_sleep_ms(1);
	t->cancelled = pipec_cancelled(self);
	t->y_gone_when_cancelled = atomic_load(&t->y_returning) == 1;
	return 0;
}

static int body_x_returns(pipec_stage *self, void *arg)
{
	two_out *t = arg;

	(void)self;
	atomic_store(&t->x_returning, 1);
	return 0;
}

static int body_y_returns_later(pipec_stage *self, void *arg)
{
	two_out *t = arg;

	(void)self;
	rt_wait_flag(&t->t_checked, LONG_MS);
	atomic_store(&t->y_returning, 1);
	return 0;
}

static void
test_r9_stage_with_two_outputs_cancelled_when_both_close(void **state)
{
	heap_mark base = heap_now();
	drop_log lx, ly;
	two_out t = {0};
	pipec_run *run;
	pipec_chan *x, *y;
	pipec_stage *ts, *xs, *ys;

	(void)state;
	WATCH();
	drop_log_init(&lx, 0);
	drop_log_init(&ly, 0);
	run = pipec_run_new("r9-two");
	x = tchan(run, "x", 1, &lx);
	y = tchan(run, "y", 1, &ly);
	ts = pipec_stage_add(run, "two", body_two_out, &t);
	xs = pipec_stage_add(run, "x", body_x_returns, &t);
	ys = pipec_stage_add(run, "y", body_y_returns_later, &t);
	t.x = pipec_stage_tx(ts, x);
	t.y = pipec_stage_tx(ts, y);
	assert_non_null(pipec_stage_rx(xs, x));
	assert_non_null(pipec_stage_rx(ys, y));
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_true(t.x_closed_seen);
	assert_true(t.not_cancelled_with_y);
	assert_int_equal(t.try_x, PIPEC_CLOSED);
	assert_int_equal(t.send_y, PIPEC_OK);
	assert_true(t.cancelled);
	assert_true(t.y_gone_when_cancelled);
	/* The message y never took is a leftover, dropped. */
	assert_int_equal(drop_log_count(&ly), 1);
	assert_int_equal(drop_log_count(&lx), 1);
	assert_stats_consistent(run);
	pipec_run_free(run);
	assert_heap_balanced(base);
	drop_log_fini(&lx);
	drop_log_fini(&ly);
}

/* A sink (no outputs) is never cancelled by R9. */
static void test_r9_stage_without_outputs_is_not_cancelled(void **state)
{
	heap_mark base = heap_now();
	drop_log log;
	sctx gen = {.count = 3}, sink = {0};
	pipec_run *run;
	pipec_chan *ch;
	pipec_stage *g, *s;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	run = pipec_run_new("r9-sink");
	ch = tchan(run, "c", 0, &log);
	g = pipec_stage_add(run, "gen", body_gen, &gen);
	s = pipec_stage_add(run, "sink", body_sink, &sink);
	gen.tx = pipec_stage_tx(g, ch);
	sink.rx = pipec_stage_rx(s, ch);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(sink.got, 3);
	assert_int_equal(sink.st, PIPEC_CLOSED);
	assert_false(stage_stats(run, 1).cancelled);
	pipec_run_free(run);
	assert_heap_balanced(base);
	drop_log_fini(&log);
}

/* Dropping one's own last output makes a sink by choice, not a
 * cancellation (docs/runtime.md, R9). */
typedef struct self_sink {
	pipec_tx *tx;
	pipec_rx *rx;
	int got;
	pipec_status st;
	bool cancelled;
} self_sink;

static int body_self_sink(pipec_stage *self, void *arg)
{
	self_sink *c = arg;
	tmsg m;

	pipec_tx_drop(c->tx);
	while ((c->st = pipec_recv(c->rx, &m)) == PIPEC_OK) {
		tmsg_free(&m);
		c->got++;
	}
	c->cancelled = pipec_cancelled(self);
	return 0;
}

static void test_r9_dropping_own_last_output_is_not_a_cancellation(void **state)
{
	heap_mark base = heap_now();
	drop_log log;
	sctx gen = {.count = 5}, sink = {0};
	self_sink mid = {0};
	pipec_run *run;
	pipec_chan *a, *b;
	pipec_stage *g, *m, *s;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	run = pipec_run_new("r9-self-sink");
	a = tchan(run, "a", 0, &log);
	b = tchan(run, "b", 2, &log);
	g = pipec_stage_add(run, "gen", body_gen, &gen);
	m = pipec_stage_add(run, "mid", body_self_sink, &mid);
	s = pipec_stage_add(run, "sink", body_sink, &sink);
	gen.tx = pipec_stage_tx(g, a);
	mid.rx = pipec_stage_rx(m, a);
	mid.tx = pipec_stage_tx(m, b);
	sink.rx = pipec_stage_rx(s, b);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(mid.got, 5);
	assert_int_equal(mid.st, PIPEC_CLOSED);
	assert_false(mid.cancelled);
	assert_int_equal(gen.sent, 5);
	assert_int_equal(sink.got, 0);
	assert_int_equal(sink.st, PIPEC_CLOSED);
	assert_false(stage_stats(run, 1).cancelled);
	pipec_run_free(run);
	assert_heap_balanced(base);
	drop_log_fini(&log);
}

/* ---- R10 whole-run cancellation ---- */

typedef struct blockers {
	sctx sendblk, recvblk, selblk, demandblk, busy, hold_a, hold_b;
	atomic_int release;
	pipec_rx *sel[2];
	size_t which;
} blockers;

static int body_sendblk(pipec_stage *self, void *arg)
{
	sctx *c = arg;
	tmsg m = tmsg_make(0, 0);

	if (pipec_send(c->tx, &m) != PIPEC_OK)
		return 1;
	m = tmsg_make(1, 0);
	atomic_store(&c->entered, 1);
	c->st = pipec_send(c->tx, &m);
	c->flag_a = pipec_cancelled(self);
	atomic_store(&c->done, 1);
	return 0;
}

static int body_selblk(pipec_stage *self, void *arg)
{
	blockers *b = arg;
	sctx *c = &b->selblk;
	tmsg m;

	atomic_store(&c->entered, 1);
	c->st = pipec_select(b->sel, 2, &m, &b->which);
	if (c->st == PIPEC_OK)
		tmsg_free(&m);
	c->flag_a = pipec_cancelled(self);
	atomic_store(&c->done, 1);
	return 0;
}

static int body_demandblk(pipec_stage *self, void *arg)
{
	sctx *c = arg;

	atomic_store(&c->entered, 1);
	c->st = pipec_wait_demand(c->tx);
	c->flag_a = pipec_cancelled(self);
	atomic_store(&c->done, 1);
	return 0;
}

static sctx *const *blocked_list(blockers *b, size_t *n)
{
	static sctx *list[5];

	list[0] = &b->sendblk;
	list[1] = &b->recvblk;
	list[2] = &b->selblk;
	list[3] = &b->demandblk;
	list[4] = &b->busy;
	*n = 5;
	return list;
}

/* Builds a run whose stages block in send, recv, select, wait_demand and
 * a busy loop; two holders keep the peers alive until b->release. */
static pipec_run *blockers_run(blockers *b, drop_log *log)
{
	pipec_run *run = pipec_run_new("r10");
	pipec_chan *a = tchan(run, "a", 1, log);
	pipec_chan *bc = tchan(run, "b", 1, log);
	pipec_chan *c = tchan(run, "c", 0, log);
	pipec_chan *d = tchan(run, "d", 3, log);
	pipec_chan *e = tchan(run, "e", 0, log);
	pipec_stage *s;

	atomic_init(&b->release, 0);
	s = pipec_stage_add(run, "sendblk", body_sendblk, &b->sendblk);
	b->sendblk.tx = pipec_stage_tx(s, a);
	s = pipec_stage_add(run, "recvblk", body_recv_once, &b->recvblk);
	b->recvblk.rx = pipec_stage_rx(s, bc);
	s = pipec_stage_add(run, "selblk", body_selblk, b);
	b->sel[0] = pipec_stage_rx(s, c);
	b->sel[1] = pipec_stage_rx(s, d);
	s = pipec_stage_add(run, "demandblk", body_demandblk, &b->demandblk);
	b->demandblk.tx = pipec_stage_tx(s, e);
	s = pipec_stage_add(run, "busy", body_busy, &b->busy);
	assert_non_null(s);
	/* The holders ignore the cancel and wait for the release outside
	 * the runtime: stages of their own thread (a coroutine would hold a
	 * worker that the cancelled stages need in order to return). */
	s = pipec_stage_add(run, "hold_a", body_hold, &b->hold_a);
	pipec_stage_set_thread(s, true);
	b->hold_a.rx = pipec_stage_rx(s, a);
	b->hold_a.rx2 = pipec_stage_rx(s, e);
	b->hold_a.wait = &b->release;
	s = pipec_stage_add(run, "hold_b", body_hold, &b->hold_b);
	pipec_stage_set_thread(s, true);
	b->hold_b.tx = pipec_stage_tx(s, bc);
	assert_non_null(pipec_stage_tx(s, c));
	assert_non_null(pipec_stage_tx(s, d));
	b->hold_b.wait = &b->release;
	return run;
}

/* Waits until every blocking stage is blocked, cancels the run (by a call
 * or a signal; with run NULL, lets the run's deadline do it), waits until
 * they all returned, then releases the holders. */
typedef struct canceller {
	blockers *b;
	pipec_run *run;
	bool all_entered, all_done;
	bool by_signal;
} canceller;

static pipec_run *volatile signal_run;

static void on_sigusr1(int sig)
{
	(void)sig;
	pipec_run_cancel(signal_run);
}

static void *cancel_when_blocked(void *p)
{
	canceller *c = p;
	size_t n;
	sctx *const *list = blocked_list(c->b, &n);

	c->all_entered = true;
	for (size_t i = 0; i < n; i++)
		c->all_entered &= rt_wait_flag(&list[i]->entered, PROMPT_MS);
	rt_sleep_ms(SETTLE_MS);
	if (c->by_signal)
		raise(SIGUSR1);
	else if (c->run != NULL)
		pipec_run_cancel(c->run);
	c->all_done = true;
	for (size_t i = 0; i < n; i++)
		c->all_done &= rt_wait_flag(&list[i]->done, PROMPT_MS);
	atomic_store(&c->b->release, 1);
	return NULL;
}

static void r10_cancel_blocked(bool by_signal)
{
	heap_mark base = heap_now();
	drop_log log;
	blockers *b = calloc(1, sizeof *b);
	canceller c = {.by_signal = by_signal};
	rt_thread t;
	pipec_run *run;
	size_t n;
	sctx *const *list;

	assert_non_null(b);
	drop_log_init(&log, 0);
	run = blockers_run(b, &log);
	c.b = b;
	c.run = run;
	list = blocked_list(b, &n);
	if (by_signal) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_sigusr1;
		sigemptyset(&sa.sa_mask);
		signal_run = run;
		assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
	}
	assert_int_equal(pipec_run_start(run), PIPEC_OK);
	rt_thread_start(&t, cancel_when_blocked, &c);
	assert_int_equal(pipec_run_wait(run), PIPEC_CANCELLED);
	assert_true(rt_thread_join_within(&t, PROMPT_MS));
	assert_true(c.all_entered);
	assert_true(c.all_done);
	for (size_t i = 0; i < n; i++) {
		if (list[i] != &b->busy)
			assert_int_equal(list[i]->st, PIPEC_CANCELLED);
		assert_true(list[i]->flag_a);
	}
	for (size_t i = 0; i < pipec_run_stage_count(run); i++)
		assert_true(stage_stats(run, i).cancelled);
	assert_null(pipec_run_error(run));
	assert_stats_consistent(run);
	pipec_run_free(run);
	if (by_signal)
		signal(SIGUSR1, SIG_DFL);
	assert_int_equal(drop_log_count(&log), 2);
	assert_heap_balanced(base);
	drop_log_fini(&log);
	free(b);
}

static void test_r10_run_cancel_unblocks_every_blocking_call(void **state)
{
	(void)state;
	WATCH();
	r10_cancel_blocked(false);
}

static void test_r10_run_cancel_from_a_signal_handler(void **state)
{
	(void)state;
	WATCH();
	r10_cancel_blocked(true);
}

static void test_r10_run_deadline_gives_timedout(void **state)
{
	heap_mark base = heap_now();
	drop_log log;
	blockers *b = calloc(1, sizeof *b);
	canceller c = {0};
	rt_thread t;
	pipec_run *run;
	pipec_time deadline;
	size_t n;
	sctx *const *list;

	(void)state;
	WATCH();
	assert_non_null(b);
	drop_log_init(&log, 0);
	run = blockers_run(b, &log);
	list = blocked_list(b, &n);
	c.b = b;
	c.run = NULL;
	deadline = pipec_after_ms(150);
	pipec_run_set_deadline(run, deadline);
	assert_int_equal(pipec_run_start(run), PIPEC_OK);
	rt_thread_start(&t, cancel_when_blocked, &c);
	assert_int_equal(pipec_run_wait(run), PIPEC_TIMEDOUT);
	assert_true(pipec_now() >= deadline);
	assert_true(rt_thread_join_within(&t, PROMPT_MS));
	assert_true(c.all_entered);
	assert_true(c.all_done);
	for (size_t i = 0; i < n; i++) {
		if (list[i] != &b->busy)
			assert_int_equal(list[i]->st, PIPEC_CANCELLED);
		assert_true(list[i]->flag_a);
	}
	assert_null(pipec_run_error(run));
	pipec_run_free(run);
	assert_heap_balanced(base);
	drop_log_fini(&log);
	free(b);
}

typedef struct percall {
	pipec_tx *full, *idle_tx;
	pipec_rx *empty, *sel[2];
	pipec_status recv_st, sel_st, send_st, demand_st;
	bool waited_recv, waited_sel, waited_send, waited_demand;
	atomic_int done;
} percall;

static int body_percall(pipec_stage *self, void *arg)
{
	percall *p = arg;
	pipec_time d;
	size_t which;
	tmsg m;

	(void)self;
	d = pipec_after_ms(20);
	p->recv_st = pipec_recv_until(p->empty, &m, d);
	p->waited_recv = pipec_now() >= d;
	d = pipec_after_ms(20);
	p->sel_st = pipec_select_until(p->sel, 2, &m, &which, d);
	p->waited_sel = pipec_now() >= d;
	m = tmsg_make(0, 0);
	if (pipec_send(p->full, &m) != PIPEC_OK)
		return 1;
	m = tmsg_make(1, 0);
	d = pipec_after_ms(20);
	p->send_st = pipec_send_until(p->full, &m, d);
	p->waited_send = pipec_now() >= d;
	d = pipec_after_ms(20);
	p->demand_st = pipec_wait_demand_until(p->idle_tx, d);
	p->waited_demand = pipec_now() >= d;
	atomic_store(&p->done, 1);
	return 0;
}

static int body_percall_peer(pipec_stage *self, void *arg)
{
	percall *p = arg;

	(void)self;
	rt_wait_flag(&p->done, LONG_MS);
	return 0;
}

static void test_r10_per_call_deadlines_give_timedout(void **state)
{
	heap_mark base = heap_now();
	drop_log log;
	percall p = {0};
	pipec_run *run;
	pipec_chan *full, *empty, *s0, *s1, *idle;
	pipec_stage *s, *peer;

	(void)state;
	WATCH();
	drop_log_init(&log, 4);
	run = pipec_run_new("r10-calls");
	full = tchan(run, "full", 1, &log);
	empty = tchan(run, "empty", 1, &log);
	s0 = tchan(run, "s0", 0, &log);
	s1 = tchan(run, "s1", 2, &log);
	idle = tchan(run, "idle", 0, &log);
	s = pipec_stage_add(run, "caller", body_percall, &p);
	peer = pipec_stage_add(run, "peer", body_percall_peer, &p);
	p.full = pipec_stage_tx(s, full);
	p.empty = pipec_stage_rx(s, empty);
	p.sel[0] = pipec_stage_rx(s, s0);
	p.sel[1] = pipec_stage_rx(s, s1);
	p.idle_tx = pipec_stage_tx(s, idle);
	assert_non_null(pipec_stage_rx(peer, full));
	assert_non_null(pipec_stage_tx(peer, empty));
	assert_non_null(pipec_stage_tx(peer, s0));
	assert_non_null(pipec_stage_tx(peer, s1));
	assert_non_null(pipec_stage_rx(peer, idle));
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(p.recv_st, PIPEC_TIMEDOUT);
	assert_int_equal(p.sel_st, PIPEC_TIMEDOUT);
	assert_int_equal(p.send_st, PIPEC_TIMEDOUT);
	assert_int_equal(p.demand_st, PIPEC_TIMEDOUT);
	assert_true(p.waited_recv);
	assert_true(p.waited_sel);
	assert_true(p.waited_send);
	assert_true(p.waited_demand);
	assert_int_equal(drop_log_seen(&log, 1), 1);
	assert_false(stage_stats(run, 0).cancelled);
	pipec_run_free(run);
	assert_int_equal(drop_log_seen(&log, 0), 1);
	assert_heap_balanced(base);
	drop_log_fini(&log);
}

/* ---- R11 errors ---- */

typedef struct failer {
	atomic_int *ready; /* stages blocked, counted */
	int want;
	int code;
	const char *msg;   /* NULL: return code without a message */
	bool after_cancel; /* fail only once cancelled */
	bool saw_ready, saw_cancel;
	int fail_ret;
} failer;

static int body_fail(pipec_stage *self, void *arg)
{
	failer *f = arg;

	if (f->ready != NULL)
		f->saw_ready = rt_wait_count(f->ready, f->want, LONG_MS);
	if (f->after_cancel) {
		for (long i = 0; i < LONG_MS && !pipec_cancelled(self); i++)
			rt_sleep_ms(1);
		f->saw_cancel = pipec_cancelled(self);
	}
	rt_sleep_ms(SETTLE_MS / 5);
	if (f->msg == NULL)
		return f->code;
	f->fail_ret = pipec_stage_fail(self, f->code, "%s %d", f->msg, 42);
	return f->fail_ret;
}

typedef struct cyc {
	pipec_rx *rx;
	atomic_int *ready;
	pipec_status st;
} cyc;

/* Blocked in recv on a channel whose only sender is blocked the same way:
 * nothing but a run-wide cancel ends it. */
static int body_cycle(pipec_stage *self, void *arg)
{
	cyc *c = arg;
	tmsg m;

	(void)self;
	atomic_fetch_add(c->ready, 1);
	c->st = pipec_recv(c->rx, &m);
	if (c->st == PIPEC_OK)
		tmsg_free(&m);
	return 0;
}

static pipec_run *failing_run(failer *f1, failer *f2, cyc *p, cyc *q,
                              drop_log *log)
{
	pipec_run *run = pipec_run_new("r11");
	pipec_chan *c1 = tchan(run, "c1", 0, log);
	pipec_chan *c2 = tchan(run, "c2", 2, log);
	pipec_stage *ps, *qs;

	ps = pipec_stage_add(run, "p", body_cycle, p);
	qs = pipec_stage_add(run, "q", body_cycle, q);
	assert_non_null(pipec_stage_tx(ps, c1));
	p->rx = pipec_stage_rx(ps, c2);
	assert_non_null(pipec_stage_tx(qs, c2));
	q->rx = pipec_stage_rx(qs, c1);
	assert_non_null(pipec_stage_add(run, "fail-first", body_fail, f1));
	if (f2 != NULL)
		assert_non_null(
		        pipec_stage_add(run, "fail-second", body_fail, f2));
	return run;
}

static void test_r11_failing_stage_cancels_run_and_is_reported(void **state)
{
	drop_log log;
	atomic_int ready;
	cyc p = {.ready = &ready}, q = {.ready = &ready};
	failer f = {.ready = &ready, .want = 2, .code = 7, .msg = "bad input"};
	pipec_run *run;
	const pipec_error *err;

	(void)state;
	WATCH();
	atomic_init(&ready, 0);
	drop_log_init(&log, 0);
	run = failing_run(&f, NULL, &p, &q, &log);
	assert_int_equal(pipec_run_exec(run), PIPEC_ERROR);
	assert_true(f.saw_ready);
	assert_int_equal(f.fail_ret, 7);
	/* Both were blocked for good: the failure cancelled them. */
	assert_int_equal(p.st, PIPEC_CANCELLED);
	assert_int_equal(q.st, PIPEC_CANCELLED);
	err = pipec_run_error(run);
	assert_non_null(err);
	assert_string_equal(err->stage, "fail-first");
	assert_int_equal(err->code, 7);
	assert_string_equal(err->message, "bad input 42");
	assert_int_equal(stage_stats(run, 2).result, 7);
	assert_int_equal(stage_stats(run, 0).result, 0);
	assert_true(stage_stats(run, 0).cancelled);
	pipec_run_free(run);
	drop_log_fini(&log);
}

static void test_r11_failure_without_message_has_empty_message(void **state)
{
	drop_log log;
	atomic_int ready;
	cyc p = {.ready = &ready}, q = {.ready = &ready};
	failer f = {.ready = &ready, .want = 2, .code = -3};
	pipec_run *run;
	const pipec_error *err;

	(void)state;
	WATCH();
	atomic_init(&ready, 0);
	drop_log_init(&log, 0);
	run = failing_run(&f, NULL, &p, &q, &log);
	assert_int_equal(pipec_run_exec(run), PIPEC_ERROR);
	err = pipec_run_error(run);
	assert_non_null(err);
	assert_string_equal(err->stage, "fail-first");
	assert_int_equal(err->code, -3);
	assert_non_null(err->message);
	assert_string_equal(err->message, "");
	pipec_run_free(run);
	drop_log_fini(&log);
}

/* Repeated, since the window is small: a stage cancelled by another's
 * failure is told CANCELLED even when its peer returned first. */
static void test_r11_failure_never_looks_like_end_of_stream(void **state)
{
	int closed = 0;

	(void)state;
	WATCH();
	for (int i = 0; i < 150; i++) {
		drop_log log;
		atomic_int ready;
		cyc p = {.ready = &ready}, q = {.ready = &ready};
		failer f = {.ready = &ready, .want = 2, .code = 1};
		pipec_run *run;

		atomic_init(&ready, 0);
		drop_log_init(&log, 0);
		run = failing_run(&f, NULL, &p, &q, &log);
		assert_int_equal(pipec_run_exec(run), PIPEC_ERROR);
		closed += (p.st != PIPEC_CANCELLED) + (q.st != PIPEC_CANCELLED);
		pipec_run_free(run);
		drop_log_fini(&log);
	}
	assert_int_equal(closed, 0);
}

static void test_r11_first_failure_wins(void **state)
{
	drop_log log;
	atomic_int ready;
	cyc p = {.ready = &ready}, q = {.ready = &ready};
	failer f1 = {.ready = &ready, .want = 2, .code = 3, .msg = "first"};
	failer f2 = {.code = 4, .msg = "second", .after_cancel = true};
	pipec_run *run;
	const pipec_error *err;

	(void)state;
	WATCH();
	atomic_init(&ready, 0);
	drop_log_init(&log, 0);
	run = failing_run(&f1, &f2, &p, &q, &log);
	assert_int_equal(pipec_run_exec(run), PIPEC_ERROR);
	assert_true(f2.saw_cancel);
	err = pipec_run_error(run);
	assert_non_null(err);
	assert_string_equal(err->stage, "fail-first");
	assert_int_equal(err->code, 3);
	assert_string_equal(err->message, "first 42");
	assert_int_equal(stage_stats(run, 3).result, 4);
	pipec_run_free(run);
	drop_log_fini(&log);
}

/* A failure after pipec_run_cancel does not change the result. */
static void test_r11_cancel_before_failure_wins(void **state)
{
	drop_log log;
	atomic_int ready;
	cyc p = {.ready = &ready}, q = {.ready = &ready};
	failer f = {.code = 5, .msg = "late", .after_cancel = true};
	pipec_run *run;

	(void)state;
	WATCH();
	atomic_init(&ready, 0);
	drop_log_init(&log, 0);
	run = failing_run(&f, NULL, &p, &q, &log);
	assert_int_equal(pipec_run_start(run), PIPEC_OK);
	assert_true(rt_wait_count(&ready, 2, PROMPT_MS));
	pipec_run_cancel(run);
	assert_int_equal(pipec_run_wait(run), PIPEC_CANCELLED);
	assert_true(f.saw_cancel);
	assert_int_equal(stage_stats(run, 2).result, 5);
	pipec_run_free(run);
	drop_log_fini(&log);
}

/* ---- R13 bounded waste ---- */

typedef struct seed {
	/* channels' drop counters: gen->work, work->merge, merge->sink */
	atomic_ulong drops[3];
	atomic_ulong made; /* values the generator computed */
	bool demand;       /* the generator waits for demand */
	int k;             /* the sink stops after k values */
	int sink_got;
	bool sink_bad;
	pipec_status gen_st;
} seed;

typedef struct seed_port {
	seed *s;
	pipec_tx *tx;
	pipec_rx *rx;
} seed_port;

static void count_drop(void *msg, void *ctx)
{
	(void)msg;
	atomic_fetch_add((atomic_ulong *)ctx, 1);
}

static int body_seed_gen(pipec_stage *self, void *arg)
{
	seed_port *p = arg;

	(void)self;
	for (uint64_t n = 1;; n++) {
		if (p->s->demand) {
			pipec_status st = pipec_wait_demand(p->tx);

			if (st != PIPEC_OK) {
				p->s->gen_st = st;
				return 0;
			}
		}
		atomic_fetch_add(&p->s->made, 1);
		if ((p->s->gen_st = pipec_send(p->tx, &n)) != PIPEC_OK)
			return 0;
	}
}

static int body_seed_square(pipec_stage *self, void *arg)
{
	seed_port *p = arg;
	uint64_t n;

	(void)self;
	while (pipec_recv(p->rx, &n) == PIPEC_OK) {
		n *= n;
		if (pipec_send(p->tx, &n) != PIPEC_OK)
			break;
	}
	return 0;
}

static int body_seed_sink(pipec_stage *self, void *arg)
{
	seed_port *p = arg;
	uint64_t n, prev = 0;

	(void)self;
	while (p->s->sink_got < p->s->k) {
		if (pipec_recv(p->rx, &n) != PIPEC_OK) {
			p->s->sink_bad = true;
			break;
		}
		/* squares of distinct positive numbers */
		if (n == 0 || n == prev)
			p->s->sink_bad = true;
		prev = n;
		p->s->sink_got++;
	}
	return 0;
}

/*
 * gen -> square x w -> merge -> sink, the sink returning after k values.
 * Returns the waste: values made and never consumed.
 */
static unsigned long seed_run(int w, const size_t caps[3], bool demand, int k)
{
	seed s = {.demand = demand, .k = k};
	seed_port gp = {.s = &s}, mp = {.s = &s}, sp = {.s = &s}, wp[8];
	pipec_run *run = pipec_run_new("seed");
	pipec_chan *ch[3];
	pipec_stage *st;
	unsigned long waste, hooks = 0;
	uint64_t stage_sent = 0, stage_recv = 0, stage_disc = 0;
	static const char *names[3] = {"gen->square", "square->merge",
	                               "merge->sink"};

	assert_true(w <= 8);
	for (int i = 0; i < 3; i++) {
		pipec_chan_spec spec = {.name = names[i],
		                        .elem_size = sizeof(uint64_t),
		                        .capacity = caps[i],
		                        .drop = count_drop,
		                        .drop_ctx = &s.drops[i]};

		atomic_init(&s.drops[i], 0);
		ch[i] = pipec_run_chan(run, &spec);
		assert_non_null(ch[i]);
	}
	atomic_init(&s.made, 0);
	st = pipec_stage_add(run, "gen", body_seed_gen, &gp);
	gp.tx = pipec_stage_tx(st, ch[0]);
	for (int i = 0; i < w; i++) {
		char name[32];

		snprintf(name, sizeof name, "square[%d]", i);
		wp[i].s = &s;
		st = pipec_stage_add(run, name, body_seed_square, &wp[i]);
		wp[i].rx = pipec_stage_rx(st, ch[0]);
		wp[i].tx = pipec_stage_tx(st, ch[1]);
	}
	st = pipec_stage_add(run, "merge", body_seed_square, &mp);
	mp.rx = pipec_stage_rx(st, ch[1]);
	mp.tx = pipec_stage_tx(st, ch[2]);
	st = pipec_stage_add(run, "sink", body_seed_sink, &sp);
	sp.rx = pipec_stage_rx(st, ch[2]);

	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(s.sink_got, k);
	assert_false(s.sink_bad);
	assert_true(s.gen_st == PIPEC_CLOSED || s.gen_st == PIPEC_CANCELLED);
	assert_stats_consistent(run);
	waste = atomic_load(&s.made) - (unsigned long)k;
	/* Every value made was consumed or destroyed once by a hook, and
	 * the statistics count each destruction. */
	for (int i = 0; i < 3; i++) {
		pipec_chan_stats cs = chan_stats(run, (size_t)i);
		unsigned long d = atomic_load(&s.drops[i]);

		assert_int_equal(cs.dropped + cs.refused, d);
		hooks += d;
	}
	assert_int_equal(hooks, waste);
	/* Stage and channel statistics agree: a channel's hook calls are
	 * its leftovers plus its senders' discarded messages. */
	assert_int_equal(pipec_run_stage_count(run), (size_t)w + 3);
	for (int i = 0; i < w; i++) {
		pipec_stage_stats ss = stage_stats(run, (size_t)i + 1);

		stage_sent += ss.sent;
		stage_recv += ss.received;
		stage_disc += ss.discarded;
	}
	assert_int_equal(chan_stats(run, 0).sent, stage_stats(run, 0).sent);
	assert_int_equal(chan_stats(run, 0).dropped +
	                         stage_stats(run, 0).discarded,
	                 atomic_load(&s.drops[0]));
	assert_int_equal(chan_stats(run, 0).refused,
	                 stage_stats(run, 0).discarded);
	assert_int_equal(chan_stats(run, 0).received, stage_recv);
	assert_int_equal(chan_stats(run, 1).sent, stage_sent);
	assert_int_equal(chan_stats(run, 1).refused, stage_disc);
	assert_int_equal(chan_stats(run, 1).dropped + stage_disc,
	                 atomic_load(&s.drops[1]));
	assert_int_equal(chan_stats(run, 2).sent,
	                 stage_stats(run, (size_t)w + 1).sent);
	assert_int_equal(chan_stats(run, 2).dropped +
	                         stage_stats(run, (size_t)w + 1).discarded,
	                 atomic_load(&s.drops[2]));
	assert_int_equal(chan_stats(run, 2).received,
	                 stage_stats(run, (size_t)w + 2).received);
	assert_int_equal(stage_stats(run, (size_t)w + 2).received, (uint64_t)k);
	pipec_run_free(run);
	return waste;
}

/*
 * Without waiting for demand, every value made beyond the k consumed is
 * either buffered in a channel (at most its capacity) or held by a stage
 * instance (at most one each, and the sink holds none): waste <=
 * sum(capacities) + stage instances.
 */
static void test_r13_waste_bounded_by_capacities_and_stages(void **state)
{
	static const size_t configs[][3] = {
	        {0, 0, 0}, {1, 1, 1}, {4, 2, 8}, {16, 0, 3}, {0, 32, 0},
	};
	static const int workers[] = {1, 2, 4};

	(void)state;
	WATCH();
	for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
		for (size_t wi = 0; wi < 3; wi++) {
			int w = workers[wi];
			size_t bound = configs[c][0] + configs[c][1] +
			               configs[c][2] + (size_t)w + 3;

			for (int rep = 0; rep < 3; rep++) {
				unsigned long waste =
				        seed_run(w, configs[c], false, 50);

				if (waste > bound)
					fail_msg("caps %zu/%zu/%zu, %d workers:"
					         " waste %lu > bound %zu",
					         configs[c][0], configs[c][1],
					         configs[c][2], w, waste,
					         bound);
			}
		}
	}
}

/*
 * With the generator waiting for demand on rendezvous channels, nothing
 * is buffered; the merge holds at most one value; a worker either holds
 * one (it received, its send failed) or was the waiting receiver whose
 * demand made the generator compute one value that then found no taker,
 * never both (a worker blocked in send is not waiting for demand); so
 * waste <= w + 1. Straight into the sink, waste is 0: a value is made only
 * for a receiver already blocked in recv, which takes it.
 */
static void test_r13_wait_demand_bounds_waste(void **state)
{
	static const size_t rdv[3] = {0, 0, 0};
	static const int workers[] = {1, 2, 4};

	(void)state;
	WATCH();
	for (size_t wi = 0; wi < 3; wi++) {
		for (int rep = 0; rep < 5; rep++) {
			int w = workers[wi];
			unsigned long waste = seed_run(w, rdv, true, 50);

			if (waste > (unsigned long)w + 1)
				fail_msg("%d workers: waste %lu > %d", w, waste,
				         w + 1);
		}
	}
}

typedef struct direct {
	pipec_tx *tx;
	pipec_rx *rx;
	atomic_ulong made;
	int k, got;
	pipec_status st;
} direct;

static int body_direct_gen(pipec_stage *self, void *arg)
{
	direct *d = arg;

	(void)self;
	for (uint64_t n = 0;; n++) {
		if ((d->st = pipec_wait_demand(d->tx)) != PIPEC_OK)
			return 0;
		atomic_fetch_add(&d->made, 1);
		if (pipec_send(d->tx, &n) != PIPEC_OK)
			return 0;
	}
}

static int body_direct_sink(pipec_stage *self, void *arg)
{
	direct *d = arg;
	uint64_t n;

	(void)self;
	while (d->got < d->k && pipec_recv(d->rx, &n) == PIPEC_OK) {
		d->got++;
		if (d->got % 7 == 0)
			rt_sleep_ms(1);
	}
	return 0;
}

static void test_r13_wait_demand_straight_to_sink_wastes_nothing(void **state)
{
	static const size_t caps[] = {0, 1, 8, PIPEC_UNBOUNDED};

	(void)state;
	WATCH();
	for (size_t i = 0; i < 4; i++) {
		direct d = {.k = 40};
		pipec_chan_spec spec = {.name = "direct",
		                        .elem_size = sizeof(uint64_t),
		                        .capacity = caps[i]};
		pipec_run *run = pipec_run_new("direct");
		pipec_chan *ch = pipec_run_chan(run, &spec);
		pipec_stage *g, *s;
		pipec_chan_stats cs;

		atomic_init(&d.made, 0);
		g = pipec_stage_add(run, "gen", body_direct_gen, &d);
		s = pipec_stage_add(run, "sink", body_direct_sink, &d);
		d.tx = pipec_stage_tx(g, ch);
		d.rx = pipec_stage_rx(s, ch);
		assert_int_equal(pipec_run_exec(run), PIPEC_OK);
		assert_int_equal(d.got, 40);
		assert_int_equal(atomic_load(&d.made), 40);
		assert_true(d.st == PIPEC_CLOSED || d.st == PIPEC_CANCELLED);
		cs = chan_stats(run, 0);
		assert_int_equal(cs.sent, 40);
		assert_int_equal(cs.dropped, 0);
		assert_int_equal(cs.refused, 0);
		assert_true(cs.peak <= 1);
		pipec_run_free(run);
	}
}

/* ---- statistics and the stage API ---- */

typedef struct named {
	const char *name;
	pipec_run *run;
	bool right_run;
	atomic_int *release;
} named;

static int body_named(pipec_stage *self, void *arg)
{
	named *n = arg;

	n->name = pipec_stage_name(self);
	n->right_run = pipec_stage_run(self) == n->run;
	if (n->release != NULL)
		rt_wait_flag(n->release, LONG_MS);
	return 0;
}

static void test_stage_api_names_and_run(void **state)
{
	char buf[32] = "square[1]";
	named n = {0};
	pipec_run *run = pipec_run_new("api");
	pipec_stage *s;

	(void)state;
	WATCH();
	assert_non_null(run);
	n.run = run;
	s = pipec_stage_add(run, buf, body_named, &n);
	assert_non_null(s);
	strcpy(buf, "overwritten");
	assert_string_equal(pipec_stage_name(s), "square[1]");
	assert_ptr_equal(pipec_stage_run(s), run);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_string_equal(n.name, "square[1]");
	assert_true(n.right_run);
	assert_int_equal(pipec_stage_fail(s, 9, "x"), 9);
	pipec_run_free(run);
	pipec_run_free(NULL);
}

static void test_run_rejects_changes_after_start(void **state)
{
	atomic_int release;
	named n = {0};
	pipec_chan_spec spec = {.name = "c", .elem_size = 4, .capacity = 1};
	pipec_run *run = pipec_run_new("started");
	pipec_chan *ch = pipec_run_chan(run, &spec);
	pipec_stage *s;

	(void)state;
	WATCH();
	atomic_init(&release, 0);
	n.run = run;
	n.release = &release;
	s = pipec_stage_add(run, "only", body_named, &n);
	assert_non_null(pipec_stage_rx(s, ch));
	assert_int_equal(pipec_run_start(run), PIPEC_OK);
	assert_null(pipec_stage_add(run, "late", body_named, &n));
	assert_null(pipec_run_chan(run, &spec));
	assert_null(pipec_stage_tx(s, ch));
	assert_null(pipec_stage_rx(s, ch));
	assert_int_equal(pipec_run_start(run), PIPEC_EINVAL);
	atomic_store(&release, 1);
	assert_int_equal(pipec_run_wait(run), PIPEC_OK);
	pipec_run_free(run);
}

/* A run freed while started and not waited for is cancelled and joined. */
static void test_run_free_without_wait_cancels_and_joins(void **state)
{
	heap_mark base = heap_now();
	drop_log log;
	blockers *b = calloc(1, sizeof *b);
	pipec_run *run;
	int threads = rt_thread_count();
	size_t n;
	sctx *const *list;

	(void)state;
	WATCH();
	assert_non_null(b);
	drop_log_init(&log, 0);
	run = blockers_run(b, &log);
	list = blocked_list(b, &n);
	b->hold_a.count = 1;
	b->hold_b.count = 1;
	assert_int_equal(pipec_run_start(run), PIPEC_OK);
	for (size_t i = 0; i < n; i++)
		assert_true(rt_wait_flag(&list[i]->entered, PROMPT_MS));
	pipec_run_free(run);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(atomic_load(&list[i]->done), 1);
	assert_int_equal(rt_wait_threads(threads, PROMPT_MS), threads);
	assert_int_equal(drop_log_count(&log), 2);
	assert_heap_balanced(base);
	drop_log_fini(&log);
	free(b);
}

/* Statistics are found by number, in creation order, however many stages
 * and channels there are (past the first slots the run keeps). */
static void test_stats_by_number_in_a_large_run(void **state)
{
	enum { N = 100 };
	pipec_run *run = pipec_run_new("large");
	sctx unused = {0};
	char name[16];

	(void)state;
	assert_non_null(run);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "c%d", i);
		tchan(run, name, 1, NULL);
		snprintf(name, sizeof name, "s%d", i);
		assert_non_null(pipec_stage_add(run, name, body_busy, &unused));
	}
	assert_int_equal(pipec_run_chan_count(run), N);
	assert_int_equal(pipec_run_stage_count(run), N);
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof name, "c%d", i);
		assert_string_equal(chan_stats(run, (size_t)i).name, name);
		snprintf(name, sizeof name, "s%d", i);
		assert_string_equal(stage_stats(run, (size_t)i).name, name);
	}
	pipec_chan_stats cs;
	pipec_stage_stats ss;
	assert_false(pipec_run_chan_stats(run, N, &cs));
	assert_false(pipec_run_stage_stats(run, N, &ss));
	pipec_run_free(run);
}

static void test_stats_tables(void **state)
{
	drop_log log;
	sctx gen = {.count = 5}, sink = {0};
	pipec_run *run = pipec_run_new("stats");
	pipec_chan *a, *b;
	pipec_stage *g, *s;
	pipec_chan_stats cs;
	pipec_stage_stats ss;
	char buf[4096];
	size_t len;
	FILE *f;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	a = tchan(run, "first-chan", 3, &log);
	b = tchan(run, "second-chan", PIPEC_UNBOUNDED, &log);
	g = pipec_stage_add(run, "producer", body_gen, &gen);
	s = pipec_stage_add(run, "consumer", body_sink, &sink);
	gen.tx = pipec_stage_tx(g, a);
	sink.rx = pipec_stage_rx(s, a);
	assert_non_null(pipec_stage_tx(g, b));
	assert_non_null(pipec_stage_rx(s, b));
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(pipec_run_chan_count(run), 2);
	assert_int_equal(pipec_run_stage_count(run), 2);
	cs = chan_stats(run, 0);
	assert_string_equal(cs.name, "first-chan");
	assert_int_equal(cs.capacity, 3);
	assert_int_equal(cs.sent, 5);
	assert_int_equal(cs.received, 5);
	assert_true(cs.peak <= 3);
	cs = chan_stats(run, 1);
	assert_string_equal(cs.name, "second-chan");
	assert_int_equal(cs.capacity, PIPEC_UNBOUNDED);
	assert_int_equal(cs.sent, 0);
	assert_int_equal(cs.peak, 0);
	ss = stage_stats(run, 0);
	assert_string_equal(ss.name, "producer");
	assert_int_equal(ss.sent, 5);
	assert_int_equal(ss.received, 0);
	assert_int_equal(ss.discarded, 0);
	assert_int_equal(ss.result, 0);
	ss = stage_stats(run, 1);
	assert_string_equal(ss.name, "consumer");
	assert_int_equal(ss.received, 5);
	assert_int_equal(ss.sent, 0);
	assert_false(pipec_run_chan_stats(run, 2, &cs));
	assert_false(pipec_run_stage_stats(run, 2, &ss));
	f = tmpfile();
	assert_non_null(f);
	pipec_run_print_stats(run, f);
	rewind(f);
	len = fread(buf, 1, sizeof buf - 1, f);
	buf[len] = '\0';
	fclose(f);
	assert_non_null(strstr(buf, "first-chan"));
	assert_non_null(strstr(buf, "second-chan"));
	assert_non_null(strstr(buf, "producer"));
	assert_non_null(strstr(buf, "consumer"));
	pipec_run_free(run);
	drop_log_fini(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(
	                test_r4_return_drops_endpoints_downstream_sees_closed),
	        cmocka_unit_test(test_r4_upstream_sender_sees_closed),
	        cmocka_unit_test(test_r4_early_drop_of_one_port),
	        cmocka_unit_test(
	                test_r4_clones_made_by_a_stage_are_dropped_at_return),
	        cmocka_unit_test(
	                test_r8_returning_stage_leftovers_dropped_during_the_run),
	        cmocka_unit_test(
	                test_r7_cancelled_send_destroys_message_exactly_once),
	        cmocka_unit_test(test_r7_refused_counts_every_failed_send),
	        cmocka_unit_test(
	                test_r10_run_cancel_never_looks_like_end_of_stream),
	        cmocka_unit_test(
	                test_r9_stage_blocked_in_recv_cancelled_when_output_closes),
	        cmocka_unit_test(
	                test_r9_cancellation_ripples_up_a_chain_of_5_blocked_stages),
	        cmocka_unit_test(
	                test_r9_stage_with_two_outputs_cancelled_when_both_close),
	        cmocka_unit_test(
	                test_r9_stage_without_outputs_is_not_cancelled),
	        cmocka_unit_test(
	                test_r9_dropping_own_last_output_is_not_a_cancellation),
	        cmocka_unit_test(
	                test_r10_run_cancel_unblocks_every_blocking_call),
	        cmocka_unit_test(test_r10_run_cancel_from_a_signal_handler),
	        cmocka_unit_test(test_r10_run_deadline_gives_timedout),
	        cmocka_unit_test(test_r10_per_call_deadlines_give_timedout),
	        cmocka_unit_test(
	                test_r11_failing_stage_cancels_run_and_is_reported),
	        cmocka_unit_test(
	                test_r11_failure_without_message_has_empty_message),
	        cmocka_unit_test(
	                test_r11_failure_never_looks_like_end_of_stream),
	        cmocka_unit_test(test_r11_first_failure_wins),
	        cmocka_unit_test(test_r11_cancel_before_failure_wins),
	        cmocka_unit_test(
	                test_r13_waste_bounded_by_capacities_and_stages),
	        cmocka_unit_test(test_r13_wait_demand_bounds_waste),
	        cmocka_unit_test(
	                test_r13_wait_demand_straight_to_sink_wastes_nothing),
	        cmocka_unit_test(test_stage_api_names_and_run),
	        cmocka_unit_test(test_run_rejects_changes_after_start),
	        cmocka_unit_test(test_run_free_without_wait_cancels_and_joins),
	        cmocka_unit_test(test_stats_tables),
	        cmocka_unit_test(test_stats_by_number_in_a_large_run),
	};
	int failed =
	        cmocka_run_group_tests_name("runtime: runs", tests, NULL, NULL);

	rt_watchdog(0, "");
	return failed == 0 ? 0 : 1;
}
