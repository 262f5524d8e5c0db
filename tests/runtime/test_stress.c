/* SPDX-License-Identifier: MIT */
/*
 * test_stress.c - seeded random pipelines: chains, fan-in and fan-out of
 * 2 to 6 layers of replicated stages, random capacities (rendezvous, 1,
 * small, unbounded), layers split over two channels read with select,
 * stages that return early, drop an output early or fail, stages that
 * pause in pipec_wait_fd on a pipe nobody writes (until a time-out or
 * their cancellation), runs cancelled at random times or given a
 * deadline. test-runtime runs them with a coroutine per stage and with a
 * thread per stage; `make stress` runs fresh seeds for a while.
 *
 * Every run must terminate (the watchdog names the seed and graph of one
 * that hangs), return a status that matches what happened, keep its
 * statistics consistent (sent == received + dropped per channel; each
 * edge's refused sends == its senders' discarded messages; drop hook
 * calls == leftovers + refused) and free every message: each carries a
 * heap block, and blocks made == blocks freed by bodies + by drop hooks.
 *
 *   PIPEC_STRESS_ITERS  graphs to run (default 300)
 *   PIPEC_STRESS_SEED   first seed (default 1); graph i uses seed + i
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <poll.h>
#include <unistd.h>

#include "rt_test.h"

#define MAX_LAYERS   6
#define MAX_REPLICAS 3

/* ---- a small reproducible generator (splitmix64) ---- */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static unsigned rng_below(uint64_t *s, unsigned n)
{
	return (unsigned)(rng_next(s) % n);
}

static bool rng_chance(uint64_t *s, unsigned one_in)
{
	return rng_below(s, one_in) == 0;
}

/* ---- the graph ---- */

enum role {
	ROLE_FORWARD, /* forward everything (sources: send n, sinks: drain) */
	ROLE_EARLY,   /* return 0 after limit messages */
	ROLE_FAIL,    /* fail after limit messages */
	ROLE_DROP,    /* drop the second output after limit messages */
};

struct graph;

typedef struct inst {
	struct graph *g;
	int layer, index, id;
	enum role role;
	unsigned limit;  /* for ROLE_EARLY, ROLE_FAIL, ROLE_DROP */
	bool endless;    /* a source that never stops by itself */
	bool demand;     /* a source that waits for demand before each */
	unsigned n;      /* a finite source's messages */
	unsigned k;      /* a sink stops after k (0: drains) */
	int code;        /* ROLE_FAIL's code */
	int nap_at;      /* a middle stage waits on g->idle[0] before its
	                    nap_at-th message (-1: never) */
	unsigned nap_us; /* for that long (0: until cancelled) */
	char name[32];
	pipec_tx *tx[2];
	pipec_rx *rx[2];
	int ntx, nrx;
	/* what it did */
	unsigned sent, got;
	uint64_t seq_sum; /* sinks: of what they consumed */
	bool bad;         /* corrupt message or impossible status */
	bool failed;      /* returned its failure code */
} inst;

typedef struct graph {
	int nlayers;
	int replicas[MAX_LAYERS];
	int split[MAX_LAYERS]; /* channels between layer i and i+1: 1 or 2 */
	size_t caps[MAX_LAYERS][2];
	drop_log logs[MAX_LAYERS]; /* one per channel group */
	inst insts[MAX_LAYERS][MAX_REPLICAS];
	bool cancel; /* cancel after cancel_us */
	unsigned cancel_us;
	bool deadline; /* a run deadline deadline_ms from the start */
	unsigned deadline_ms;
	int idle[2]; /* a pipe nobody writes, for the naps */
	pipec_run *run;
} graph;

static const size_t cap_choices[] = {0, 1, 2, 3, 5, 8, PIPEC_UNBOUNDED};

static bool is_source(const inst *in)
{
	return in->layer == 0;
}

static bool is_sink(const inst *in)
{
	return in->layer == in->g->nlayers - 1;
}

/* Receives from the instance's one or two inputs. */
static pipec_status take(inst *in, tmsg *m)
{
	size_t which;

	if (in->nrx == 2)
		return pipec_select(in->rx, 2, m, &which);
	if (in->got % 3 == 2)
		return pipec_recv_until(in->rx[0], m, PIPEC_FOREVER);
	return pipec_recv(in->rx[0], m);
}

/* Sends on one of its outputs (the first if the second was dropped). */
static pipec_status give(inst *in, tmsg *m)
{
	int i = in->ntx == 2 ? (int)(in->sent % 2) : 0;
	pipec_status st = pipec_send(in->tx[i], m);

	if (st == PIPEC_OK)
		in->sent++;
	else if (st != PIPEC_CLOSED && st != PIPEC_CANCELLED)
		in->bad = true;
	return st;
}

/* ROLE_EARLY, ROLE_FAIL and ROLE_DROP act after limit messages; returns
 * -1 to go on, or what the body returns. */
static int act(pipec_stage *self, inst *in, unsigned done)
{
	if (done < in->limit)
		return -1;
	switch (in->role) {
	case ROLE_EARLY:
		return 0;
	case ROLE_FAIL:
		in->failed = true;
		return pipec_stage_fail(self, in->code, "%s failed on purpose",
		                        in->name);
	case ROLE_DROP:
		if (in->ntx == 2) {
			pipec_tx_drop(in->tx[1]);
			in->ntx = 1;
		}
		return -1;
	default:
		return -1;
	}
}

/* Waits on the pipe nobody writes: false if the stage was cancelled
 * meanwhile (it then returns), true once the nap's time is up. */
static bool nap(pipec_stage *self, inst *in)
{
	pipec_time until =
	        in->nap_us ? pipec_now() + in->nap_us * 1000LL : PIPEC_FOREVER;
	pipec_status st = pipec_wait_fd(self, in->g->idle[0], POLLIN, until);

	if (st == PIPEC_CANCELLED)
		return false;
	if (st != PIPEC_TIMEDOUT || in->nap_us == 0)
		in->bad = true;
	return true;
}

static int body_source(pipec_stage *self, void *arg)
{
	inst *in = arg;
	int r;

	for (unsigned i = 0; in->endless || i < in->n; i++) {
		tmsg m;

		if ((r = act(self, in, i)) >= 0)
			return r;
		if (in->demand) {
			int t = in->ntx == 2 ? (int)(in->sent % 2) : 0;
			pipec_status st = pipec_wait_demand(in->tx[t]);

			if (st == PIPEC_CLOSED || st == PIPEC_CANCELLED)
				break;
			if (st != PIPEC_OK) {
				in->bad = true;
				break;
			}
		}
		m = tmsg_make(i, (uint64_t)in->id);
		if (give(in, &m) != PIPEC_OK)
			break;
	}
	return 0;
}

static int body_middle(pipec_stage *self, void *arg)
{
	inst *in = arg;
	pipec_status st;
	tmsg m;
	int r;

	while ((st = take(in, &m)) == PIPEC_OK) {
		if (!tmsg_ok(&m))
			in->bad = true;
		if ((r = act(self, in, in->got)) >= 0) {
			tmsg_free(&m);
			return r;
		}
		if ((int)in->got == in->nap_at && !nap(self, in)) {
			tmsg_free(&m);
			return 0;
		}
		in->got++;
		if (give(in, &m) != PIPEC_OK)
			break;
	}
	if (st != PIPEC_OK && st != PIPEC_CLOSED && st != PIPEC_CANCELLED)
		in->bad = true;
	return 0;
}

static int body_sink(pipec_stage *self, void *arg)
{
	inst *in = arg;
	pipec_status st;
	tmsg m;
	int r;

	while ((st = take(in, &m)) == PIPEC_OK) {
		if (!tmsg_ok(&m))
			in->bad = true;
		in->seq_sum += m.seq;
		tmsg_free(&m);
		in->got++;
		if ((r = act(self, in, in->got)) >= 0)
			return r;
		if (in->k > 0 && in->got >= in->k)
			return 0;
	}
	if (st != PIPEC_CLOSED && st != PIPEC_CANCELLED)
		in->bad = true;
	return 0;
}

/* Draws a graph that terminates by itself or by cancellation. */
static void graph_draw(graph *g, uint64_t *rng)
{
	bool endless = false, sinks_stop = true, src_fails = false;
	int id = 0;

	memset(g, 0, sizeof *g);
	g->nlayers = 2 + (int)rng_below(rng, MAX_LAYERS - 1);
	for (int l = 0; l < g->nlayers; l++) {
		g->replicas[l] = 1 + (int)rng_below(rng, MAX_REPLICAS);
		g->split[l] = 0;
		if (l + 1 < g->nlayers) {
			g->split[l] = rng_chance(rng, 4) ? 2 : 1;
			for (int c = 0; c < 2; c++)
				g->caps[l][c] = cap_choices[rng_below(
				        rng, sizeof cap_choices /
				                     sizeof cap_choices[0])];
		}
	}
	g->cancel = rng_chance(rng, 4);
	g->cancel_us = rng_below(rng, 3000);
	g->deadline = rng_chance(rng, 8);
	g->deadline_ms = 1 + rng_below(rng, 10);
	for (int l = 0; l < g->nlayers; l++) {
		for (int r = 0; r < g->replicas[l]; r++) {
			inst *in = &g->insts[l][r];

			in->g = g;
			in->layer = l;
			in->index = r;
			in->id = id++;
			in->code = 100 + in->id;
			snprintf(in->name, sizeof in->name, "L%d[%d]", l, r);
			switch (rng_below(rng, 12)) {
			case 0:
				in->role = ROLE_EARLY;
				break;
			case 1:
				in->role = ROLE_FAIL;
				break;
			case 2:
			case 3:
				in->role = ROLE_DROP;
				break;
			default:
				in->role = ROLE_FORWARD;
			}
			in->limit = rng_below(rng, 40);
			in->nap_at = -1;
			if (l > 0 && l + 1 < g->nlayers && rng_chance(rng, 4)) {
				in->nap_at = (int)rng_below(rng, 20);
				in->nap_us = rng_below(rng, 2000);
			}
			if (l == 0) {
				in->endless = rng_chance(rng, 3);
				in->demand = rng_chance(rng, 4);
				in->n = rng_below(rng, 150);
				endless |= in->endless;
				src_fails |= in->role == ROLE_FAIL &&
				             !in->demand &&
				             (in->endless || in->n > in->limit);
			}
			if (l == g->nlayers - 1) {
				in->k = rng_chance(rng, 2)
				                ? 1 + rng_below(rng, 60)
				                : 0;
				sinks_stop &= in->k > 0;
			}
		}
	}
	/* An endless source needs something that ends the run: every sink
	 * stopping by itself, a cancel, a deadline or a source that fails
	 * (R11: the failure cancels the rest). Other stages that return
	 * early or fail do not guarantee it (they may never see enough
	 * input). */
	if (endless && !sinks_stop && !g->cancel && !g->deadline && !src_fails)
		g->cancel = true;
	/* A nap until cancelled needs a cancel that comes. */
	for (int l = 0; l < g->nlayers; l++)
		for (int r = 0; r < g->replicas[l]; r++)
			if (g->insts[l][r].nap_at >= 0 &&
			    g->insts[l][r].nap_us == 0 && !g->cancel &&
			    !g->deadline)
				g->insts[l][r].nap_us = 1;
}

static void describe(const graph *g, uint64_t seed, char *buf, size_t n)
{
	size_t len = (size_t)snprintf(
	        buf, n, "stress graph seed %llu:", (unsigned long long)seed);

	for (int l = 0; l < g->nlayers && len < n; l++) {
		len += (size_t)snprintf(buf + len, n - len, " x%d(",
		                        g->replicas[l]);
		/* Each instance: its role (f forward, e early, x fail, d drop)
		 * and limit; * endless, ? waits for demand, k= sink limit,
		 * zN:Tus naps T us (0: until cancelled) before message N. */
		for (int r = 0; r < g->replicas[l] && len < n; r++) {
			const inst *in = &g->insts[l][r];

			len += (size_t)snprintf(buf + len, n - len,
			                        "%s%c%u%s%s", r ? "," : "",
			                        "fexd"[in->role], in -> limit,
			                        in -> endless ? "*" : "",
			                        in->demand ? "?" : "");
			if (len < n && l == 0 && !in->endless)
				len += (size_t)snprintf(buf + len, n - len,
				                        "n=%u", in->n);
			if (len < n && l == g->nlayers - 1)
				len += (size_t)snprintf(buf + len, n - len,
				                        "k=%u", in->k);
			if (len < n && in->nap_at >= 0)
				len += (size_t)snprintf(buf + len, n - len,
				                        "z%d:%uus", in->nap_at,
				                        in->nap_us);
		}
		if (len < n)
			len += (size_t)snprintf(buf + len, n - len, ")");
		if (l + 1 < g->nlayers && len < n) {
			for (int c = 0; c < g->split[l] && len < n; c++) {
				if (g->caps[l][c] == PIPEC_UNBOUNDED)
					len += (size_t)snprintf(
					        buf + len, n - len, " -u->");
				else
					len += (size_t)snprintf(
					        buf + len, n - len, " -%zu->",
					        g->caps[l][c]);
			}
		}
	}
	if (len < n && g->cancel)
		len += (size_t)snprintf(buf + len, n - len, " cancel@%uus",
		                        g->cancel_us);
	if (len < n && g->deadline)
		snprintf(buf + len, n - len, " deadline@%ums", g->deadline_ms);
}

/* Builds the run: one channel group per edge, every instance on it. */
static void graph_build(graph *g)
{
	pipec_chan *ch[MAX_LAYERS][2];
	char name[32];

	g->run = pipec_run_new("stress");
	assert_non_null(g->run);
	for (int l = 0; l + 1 < g->nlayers; l++) {
		drop_log_init(&g->logs[l], 0);
		for (int c = 0; c < g->split[l]; c++) {
			pipec_chan_spec spec;

			snprintf(name, sizeof name, "e%d.%d", l, c);
			spec = tmsg_spec(name, g->caps[l][c], &g->logs[l]);
			ch[l][c] = pipec_run_chan(g->run, &spec);
			assert_non_null(ch[l][c]);
		}
	}
	for (int l = 0; l < g->nlayers; l++) {
		for (int r = 0; r < g->replicas[l]; r++) {
			inst *in = &g->insts[l][r];
			pipec_stage_fn fn = is_source(in) ? body_source
			                    : is_sink(in) ? body_sink
			                                  : body_middle;
			pipec_stage *st =
			        pipec_stage_add(g->run, in->name, fn, in);

			assert_non_null(st);
			if (l > 0) {
				in->nrx = g->split[l - 1];
				for (int c = 0; c < in->nrx; c++) {
					in->rx[c] = pipec_stage_rx(
					        st, ch[l - 1][c]);
					assert_non_null(in->rx[c]);
				}
			}
			if (l + 1 < g->nlayers) {
				in->ntx = g->split[l];
				for (int c = 0; c < in->ntx; c++) {
					in->tx[c] =
					        pipec_stage_tx(st, ch[l][c]);
					assert_non_null(in->tx[c]);
				}
			}
		}
	}
}

typedef struct timer {
	pipec_run *run;
	unsigned us;
	atomic_int issued; /* set just before pipec_run_cancel */
} timer;

static void *cancel_later(void *p)
{
	timer *t = p;
	struct timespec ts = {0, (long)t->us * 1000L};

	nanosleep(&ts, NULL);
	atomic_store(&t->issued, 1);
	pipec_run_cancel(t->run);
	return NULL;
}

static const inst *find_inst(const graph *g, const char *name)
{
	for (int l = 0; l < g->nlayers; l++)
		for (int r = 0; r < g->replicas[l]; r++)
			if (strcmp(g->insts[l][r].name, name) == 0)
				return &g->insts[l][r];
	return NULL;
}

/* Runs one graph and checks everything that must hold. */
static void stress_one(uint64_t seed)
{
	static char what[512];
	uint64_t rng = seed;
	graph *g = calloc(1, sizeof *g);
	unsigned long alloc0 = atomic_load(&tmsg_allocated);
	unsigned long freed0 = atomic_load(&tmsg_freed);
	timer t = {0};
	rt_thread th;
	pipec_time deadline = 0;
	pipec_status result;
	bool any_failed = false, ideal = true;
	uint64_t made = 0, made_sum = 0, consumed = 0, consumed_sum = 0;

	assert_non_null(g);
	graph_draw(g, &rng);
	assert_int_equal(pipe(g->idle), 0);
	describe(g, seed, what, sizeof what);
	rt_watchdog(30, what);
	graph_build(g);
	if (g->deadline) {
		deadline = pipec_after_ms(g->deadline_ms);
		pipec_run_set_deadline(g->run, deadline);
	}
	assert_int_equal(pipec_run_start(g->run), PIPEC_OK);
	if (g->cancel) {
		t.run = g->run;
		t.us = g->cancel_us;
		atomic_init(&t.issued, 0);
		rt_thread_start(&th, cancel_later, &t);
	}
	result = pipec_run_wait(g->run);
	if (g->cancel)
		assert_true(rt_thread_join_within(&th, 10000));

	/* The status matches what happened. */
	for (int l = 0; l < g->nlayers; l++) {
		for (int r = 0; r < g->replicas[l]; r++) {
			inst *in = &g->insts[l][r];
			pipec_stage_stats ss;
			size_t idx = 0;

			for (int j = 0; j < l; j++)
				idx += (size_t)g->replicas[j];
			assert_true(pipec_run_stage_stats(
			        g->run, idx + (size_t)r, &ss));
			assert_string_equal(ss.name, in->name);
			if (in->bad)
				fail_msg("%s: %s saw a corrupt message or a "
				         "wrong status",
				         what, in->name);
			assert_int_equal(ss.result, in->failed ? in->code : 0);
			any_failed |= in->failed;
			if (in->role == ROLE_EARLY || in->role == ROLE_FAIL ||
			    (is_sink(in) && in->k > 0) || in->endless)
				ideal = false;
			if (is_source(in)) {
				made += in->sent;
				made_sum +=
				        (uint64_t)in->sent * (in->sent - 1) / 2;
			}
			if (is_sink(in)) {
				consumed += in->got;
				consumed_sum += in->seq_sum;
			}
		}
	}
	switch (result) {
	case PIPEC_OK:
		assert_false(any_failed);
		break;
	case PIPEC_ERROR: {
		const pipec_error *e = pipec_run_error(g->run);
		const inst *in;
		char msg[64];

		assert_true(any_failed);
		assert_non_null(e);
		in = find_inst(g, e->stage);
		assert_non_null(in);
		assert_true(in->failed);
		assert_int_equal(e->code, in->code);
		snprintf(msg, sizeof msg, "%s failed on purpose", in->name);
		assert_string_equal(e->message, msg);
		break;
	}
	case PIPEC_CANCELLED:
		assert_true(g->cancel && atomic_load(&t.issued));
		break;
	case PIPEC_TIMEDOUT:
		assert_true(g->deadline);
		assert_true(pipec_now() >= deadline);
		break;
	default:
		fail_msg("%s: run returned %s", what,
		         pipec_status_name(result));
	}
	if (!g->cancel && !g->deadline)
		assert_int_equal(result, any_failed ? PIPEC_ERROR : PIPEC_OK);
	if (result != PIPEC_ERROR)
		assert_null(pipec_run_error(g->run));

	/* Nothing delivered twice; everything made arrives when nothing
	 * stops early. */
	assert_true(consumed <= made);
	if (ideal && result == PIPEC_OK) {
		assert_int_equal(consumed, made);
		assert_int_equal(consumed_sum, made_sum);
	}

	/* Statistics: per channel, and each group's drop hook calls are its
	 * leftovers plus what its senders had refused. */
	{
		const char *why = rt_check_chan_stats(g->run);
		size_t ci = 0, si = 0;

		if (why != NULL)
			fail_msg("%s: %s", what, why);
		for (int l = 0; l < g->nlayers; l++) {
			uint64_t dropped = 0, discarded = 0, sent = 0,
			         csent = 0, refused = 0;

			for (int r = 0; r < g->replicas[l]; r++) {
				pipec_stage_stats ss;

				assert_true(pipec_run_stage_stats(g->run, si++,
				                                  &ss));
				discarded += ss.discarded;
				sent += ss.sent;
			}
			if (l + 1 == g->nlayers)
				break;
			for (int c = 0; c < g->split[l]; c++) {
				pipec_chan_stats cs;

				assert_true(pipec_run_chan_stats(g->run, ci++,
				                                 &cs));
				dropped += cs.dropped;
				refused += cs.refused;
				csent += cs.sent;
			}
			assert_int_equal(csent, sent);
			assert_int_equal(refused, discarded);
			if (drop_log_count(&g->logs[l]) != dropped + discarded)
				fail_msg("%s: edge %d: %lu drop hook calls, "
				         "%llu leftovers + %llu discarded",
				         what, l, drop_log_count(&g->logs[l]),
				         (unsigned long long)dropped,
				         (unsigned long long)discarded);
		}
	}
	pipec_run_free(g->run);
	assert_int_equal(atomic_load(&tmsg_allocated) - alloc0,
	                 atomic_load(&tmsg_freed) - freed0);
	for (int l = 0; l + 1 < g->nlayers; l++)
		drop_log_fini(&g->logs[l]);
	close(g->idle[0]);
	close(g->idle[1]);
	free(g);
}

static void test_stress_random_graphs(void **state)
{
	unsigned long iters = rt_env_ulong("PIPEC_STRESS_ITERS", 300);
	unsigned long seed = rt_env_ulong("PIPEC_STRESS_SEED", 1);
	int threads = rt_thread_count(), fds = rt_fd_count();

	(void)state;
	printf("stress: %lu graphs from seed %lu\n", iters, seed);
	for (unsigned long i = 0; i < iters; i++)
		stress_one(seed + i);
	rt_watchdog(30, "stress: the final resource check");
	assert_int_equal(rt_wait_threads(threads, 5000), threads);
	assert_int_equal(rt_fd_count(), fds);
	rt_watchdog(0, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_stress_random_graphs),
	};

	return cmocka_run_group_tests_name("runtime: stress", tests, NULL,
	                                   NULL) == 0
	               ? 0
	               : 1;
}
