/* SPDX-License-Identifier: MIT */
/*
 * test_lifetime.c - rule R12: nothing outlives a run. Thousands of small
 * runs (completing, stopped early by their sink, failing, cancelled,
 * timing out, freed without waiting) leave the thread count, the open
 * file descriptors (cancel fds included) and the heap as they were; two
 * runs executing at once in one process do not interfere.
 *
 * PIPEC_TEST_RUNS sets the number of runs (default 2000).
 */
#define _POSIX_C_SOURCE 200809L

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_test.h"

#define PROMPT_MS 5000

/* The outcomes a small run is driven to. */
enum kind {
	KIND_COMPLETE,   /* finite source, everything consumed */
	KIND_SINK_STOPS, /* endless source, the sink returns early (R9) */
	KIND_FAIL,       /* a stage fails (R11) */
	KIND_CANCEL,     /* pipec_run_cancel while running (R10) */
	KIND_DEADLINE,   /* the run's deadline passes (R10) */
	KIND_FREE,       /* pipec_run_free without pipec_run_wait */
	NKINDS
};

typedef struct small {
	enum kind kind;
	int n;              /* messages of a finite source */
	atomic_int started; /* stages that began */
	atomic_int fd_bad;  /* a cancel fd was -1 */
	atomic_ulong sum;   /* of seqs consumed */
	atomic_ulong got;
} small;

typedef struct port {
	small *s;
	pipec_tx *tx;
	pipec_rx *rx;
	int index;
} port;

static int body_source(pipec_stage *self, void *arg)
{
	port *p = arg;
	bool endless = p->s->kind != KIND_COMPLETE;

	atomic_fetch_add(&p->s->started, 1);
	/* Ask for the cancel fd: it must be closed with the run. */
	if (pipec_cancel_fd(self) < 0)
		atomic_store(&p->s->fd_bad, 1);
	for (uint32_t i = 0; endless || i < (uint32_t)p->s->n; i++) {
		tmsg m = tmsg_make(i, (uint64_t)p->index);

		if (pipec_send(p->tx, &m) != PIPEC_OK)
			break;
	}
	return 0;
}

static int body_worker(pipec_stage *self, void *arg)
{
	port *p = arg;
	tmsg m;

	atomic_fetch_add(&p->s->started, 1);
	while (pipec_recv(p->rx, &m) == PIPEC_OK) {
		if (p->s->kind == KIND_FAIL && m.seq == 3) {
			tmsg_free(&m);
			return pipec_stage_fail(self, 17, "worker %s gave up",
			                        pipec_stage_name(self));
		}
		if (pipec_send(p->tx, &m) != PIPEC_OK)
			break;
	}
	return 0;
}

static int body_small_sink(pipec_stage *self, void *arg)
{
	port *p = arg;
	tmsg m;

	atomic_fetch_add(&p->s->started, 1);
	if (p->index == 1) {
		/* A sink that waits on its cancel fd for a while first. */
		int fd = pipec_cancel_fd(self);
		struct pollfd pfd = {.fd = fd, .events = POLLIN};

		if (fd < 0)
			atomic_store(&p->s->fd_bad, 1);
		else
			(void)poll(&pfd, 1, 0);
	}
	while (pipec_recv(p->rx, &m) == PIPEC_OK) {
		atomic_fetch_add(&p->s->sum, m.seq);
		atomic_fetch_add(&p->s->got, 1);
		tmsg_free(&m);
		if (p->s->kind == KIND_SINK_STOPS &&
		    atomic_load(&p->s->got) >= 10)
			break;
	}
	return 0;
}

static drop_log shared_log;

/*
 * source -> worker x2 -> sink (2 instances of the sink if index 1 is
 * asked for, to use a second cancel fd), random capacities.
 */
static pipec_status small_run(small *s, unsigned seed)
{
	static const size_t caps[] = {0, 1, 4, PIPEC_UNBOUNDED};
	pipec_run *run = pipec_run_new("small");
	pipec_chan_spec a = tmsg_spec("a", caps[seed % 4], &shared_log);
	pipec_chan_spec b = tmsg_spec("b", caps[(seed / 4) % 4], &shared_log);
	pipec_chan *ca, *cb;
	port src = {.s = s}, w[2], sink = {.s = s, .index = 1};
	pipec_stage *st;
	pipec_status result;

	if (run == NULL)
		return PIPEC_NOMEM;
	ca = pipec_run_chan(run, &a);
	cb = pipec_run_chan(run, &b);
	st = pipec_stage_add(run, "source", body_source, &src);
	src.tx = pipec_stage_tx(st, ca);
	for (int i = 0; i < 2; i++) {
		char name[32];

		snprintf(name, sizeof name, "worker[%d]", i);
		w[i].s = s;
		w[i].index = i;
		st = pipec_stage_add(run, name, body_worker, &w[i]);
		w[i].rx = pipec_stage_rx(st, ca);
		w[i].tx = pipec_stage_tx(st, cb);
	}
	st = pipec_stage_add(run, "sink", body_small_sink, &sink);
	sink.rx = pipec_stage_rx(st, cb);
	if (s->kind == KIND_DEADLINE)
		pipec_run_set_deadline(run, pipec_after_ms(2));
	if (pipec_run_start(run) != PIPEC_OK) {
		pipec_run_free(run);
		return PIPEC_NOMEM;
	}
	switch (s->kind) {
	case KIND_CANCEL:
		if (seed % 2)
			rt_wait_count(&s->started, 1, PROMPT_MS);
		pipec_run_cancel(run);
		break;
	case KIND_FREE:
		/* Let it run a little, then free it while running. */
		rt_wait_count(&s->started, 4, PROMPT_MS);
		pipec_run_free(run);
		return PIPEC_CANCELLED;
	default:
		break;
	}
	result = pipec_run_wait(run);
	if (result == PIPEC_ERROR) {
		const pipec_error *e = pipec_run_error(run);

		char want[64];

		if (e != NULL)
			snprintf(want, sizeof want, "worker %s gave up",
			         e->stage);
		if (e == NULL || e->code != 17 ||
		    strncmp(e->stage, "worker[", 7) != 0 ||
		    strcmp(e->message, want) != 0)
			result = PIPEC_EINVAL; /* reported wrongly */
	}
	if (rt_check_chan_stats(run) != NULL)
		result = PIPEC_EINVAL;
	pipec_run_free(run);
	return result;
}

static void test_r12_thousands_of_runs_leave_nothing_behind(void **state)
{
	unsigned long runs = rt_env_ulong("PIPEC_TEST_RUNS", 2000);
	unsigned long base_alloc = atomic_load(&tmsg_allocated);
	unsigned long base_freed = atomic_load(&tmsg_freed);
	int threads, fds;
	unsigned long counts[NKINDS] = {0};

	(void)state;
	rt_watchdog(120, __func__);
	drop_log_init(&shared_log, 0);
	threads = rt_thread_count();
	fds = rt_fd_count();
	assert_true(threads >= 1);
	assert_true(fds >= 0);
	for (unsigned long i = 0; i < runs; i++) {
		small s = {.kind = (enum kind)(i % NKINDS), .n = 20};
		pipec_status st;

		atomic_init(&s.started, 0);
		atomic_init(&s.fd_bad, 0);
		atomic_init(&s.sum, 0);
		atomic_init(&s.got, 0);
		st = small_run(&s, (unsigned)(i / NKINDS));
		assert_int_equal(atomic_load(&s.fd_bad), 0);
		switch (s.kind) {
		case KIND_COMPLETE:
			assert_int_equal(st, PIPEC_OK);
			assert_int_equal(atomic_load(&s.got), 20);
			assert_int_equal(atomic_load(&s.sum), 19 * 20 / 2);
			break;
		case KIND_SINK_STOPS:
			assert_int_equal(st, PIPEC_OK);
			assert_int_equal(atomic_load(&s.got), 10);
			break;
		case KIND_FAIL:
			assert_int_equal(st, PIPEC_ERROR);
			break;
		case KIND_CANCEL:
		case KIND_FREE:
			assert_int_equal(st, PIPEC_CANCELLED);
			break;
		case KIND_DEADLINE:
			assert_int_equal(st, PIPEC_TIMEDOUT);
			break;
		default:
			fail();
		}
		counts[s.kind]++;
		/* Now and then, and at the end: nothing left behind. */
		if (i % 200 == 199 || i + 1 == runs) {
			assert_int_equal(rt_wait_threads(threads, PROMPT_MS),
			                 threads);
			assert_int_equal(rt_fd_count(), fds);
			assert_int_equal(atomic_load(&tmsg_allocated) -
			                         base_alloc,
			                 atomic_load(&tmsg_freed) - base_freed);
		}
	}
	for (int k = 0; k < NKINDS; k++)
		assert_true(runs < NKINDS || counts[k] > 0);
	rt_watchdog(0, "");
	drop_log_fini(&shared_log);
}

/* ---- two runs at once ---- */

typedef struct twin {
	bool cancel; /* endless and cancelled, or finite and complete */
	int rounds;
	int bad; /* runs with a wrong outcome */
} twin;

static void *twin_main(void *p)
{
	twin *t = p;

	for (int r = 0; r < t->rounds; r++) {
		small s = {.kind = t->cancel ? KIND_CANCEL : KIND_COMPLETE,
		           .n = 200};
		pipec_status st;

		atomic_init(&s.started, 0);
		atomic_init(&s.fd_bad, 0);
		atomic_init(&s.sum, 0);
		atomic_init(&s.got, 0);
		st = small_run(&s, (unsigned)r);
		if (t->cancel ? st != PIPEC_CANCELLED
		              : st != PIPEC_OK || atomic_load(&s.got) != 200 ||
		                        atomic_load(&s.sum) != 199 * 200 / 2)
			t->bad++;
	}
	return NULL;
}

static void test_r12_two_runs_at_once_do_not_interfere(void **state)
{
	twin a = {.cancel = true, .rounds = 60};
	twin b = {.cancel = false, .rounds = 60};
	twin c = {.cancel = false, .rounds = 60};
	rt_thread ta, tb, tc;
	int threads = rt_thread_count(), fds = rt_fd_count();

	(void)state;
	rt_watchdog(120, __func__);
	drop_log_init(&shared_log, 0);
	rt_thread_start(&ta, twin_main, &a);
	rt_thread_start(&tb, twin_main, &b);
	rt_thread_start(&tc, twin_main, &c);
	assert_true(rt_thread_join_within(&ta, 100000));
	assert_true(rt_thread_join_within(&tb, 100000));
	assert_true(rt_thread_join_within(&tc, 100000));
	assert_int_equal(a.bad, 0);
	assert_int_equal(b.bad, 0);
	assert_int_equal(c.bad, 0);
	assert_int_equal(rt_wait_threads(threads, PROMPT_MS), threads);
	assert_int_equal(rt_fd_count(), fds);
	rt_watchdog(0, "");
	drop_log_fini(&shared_log);
}

/* A run made and freed without starting frees its channels. */
static void test_r12_unstarted_run_frees_everything(void **state)
{
	int fds = rt_fd_count();

	(void)state;
	rt_watchdog(30, __func__);
	for (int i = 0; i < 100; i++) {
		pipec_run *run = pipec_run_new("unstarted");
		pipec_chan_spec spec = tmsg_spec("c", 4, NULL);
		pipec_chan *ch = pipec_run_chan(run, &spec);
		port p = {0};
		pipec_stage *st = pipec_stage_add(run, "s", body_source, &p);

		assert_non_null(ch);
		assert_non_null(st);
		assert_non_null(pipec_stage_tx(st, ch));
		pipec_run_free(run);
	}
	assert_int_equal(rt_fd_count(), fds);
	rt_watchdog(0, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(
	                test_r12_thousands_of_runs_leave_nothing_behind),
	        cmocka_unit_test(test_r12_two_runs_at_once_do_not_interfere),
	        cmocka_unit_test(test_r12_unstarted_run_frees_everything),
	};

	return cmocka_run_group_tests_name("runtime: lifetimes", tests, NULL,
	                                   NULL) == 0
	               ? 0
	               : 1;
}
