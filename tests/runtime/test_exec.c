/* SPDX-License-Identifier: MIT */
/*
 * test_exec.c - pipec_run_exec in pool mode: the calling thread is worker
 * 0 of the run's pool, and the pool watches the run (a cancel, the
 * deadline) itself; a worker with nothing to do ends its thread, and comes
 * back when there is work to spread (runtime/pool.c, "Retiring").
 *
 * In threads mode (PIPEC_SCHED=threads) the same runs must give the same
 * results; only the checks of which thread runs what are pool mode's.
 */
#define _GNU_SOURCE

#include <pthread.h>
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

#define WATCH()   rt_watchdog(60, __func__)
#define PROMPT_MS 5000
#define LONG_MS   20000

/* ---- the calling thread runs the stages ---- */

typedef struct where {
	pthread_t thread;
	atomic_int ran;
} where;

static int body_where(pipec_stage *self, void *arg)
{
	where *w = arg;

	(void)self;
	w->thread = pthread_self();
	atomic_store(&w->ran, 1);
	return 0;
}

static void test_exec_runs_stages_on_the_calling_thread(void **state)
{
	pipec_run *run = pipec_run_new("where");
	where a = {0}, b = {0};

	(void)state;
	WATCH();
	pipec_run_set_sched(run, PIPEC_SCHED_DEFAULT, 1);
	pipec_stage_add(run, "a", body_where, &a);
	pipec_stage_add(run, "b", body_where, &b);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_true(atomic_load(&a.ran) && atomic_load(&b.ran));
	/* One worker, and it is this thread; in threads mode each stage has
	 * one of its own. */
	assert_int_equal(pthread_equal(a.thread, pthread_self()) != 0,
	                 rt_pool_mode());
	assert_int_equal(pthread_equal(b.thread, pthread_self()) != 0,
	                 rt_pool_mode());
	pipec_run_free(run);
}

/* A stage of its own thread keeps the waiting thread (it may have to be
 * interrupted in a system call): no stage runs on the caller then. */
static void test_exec_with_a_thread_stage_keeps_a_waiting_thread(void **state)
{
	pipec_run *run = pipec_run_new("where");
	where a = {0}, b = {0};
	pipec_stage *s;

	(void)state;
	WATCH();
	pipec_run_set_sched(run, PIPEC_SCHED_DEFAULT, 1);
	pipec_stage_add(run, "a", body_where, &a);
	s = pipec_stage_add(run, "b", body_where, &b);
	pipec_stage_set_thread(s, true);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_false(pthread_equal(a.thread, pthread_self()));
	assert_false(pthread_equal(b.thread, pthread_self()));
	pipec_run_free(run);
}

/* ---- a cancel and the deadline reach a pool serving its caller ---- */

/* Stages that wait for ever: in recv, in a sleep, and one that computes,
 * polling pipec_cancelled (a runtime call, so a chance to see the run's
 * cancel while its worker is busy). */
typedef struct waiters {
	pipec_rx *rx;
	pipec_tx *tx; /* held by "quiet", which never sends */
	atomic_int entered, returned;
	pipec_status recv_st, sleep_st;
	bool busy_saw_cancel;
} waiters;

static int body_recv_wait(pipec_stage *self, void *arg)
{
	waiters *w = arg;
	tmsg m;

	(void)self;
	atomic_fetch_add(&w->entered, 1);
	w->recv_st = pipec_recv(w->rx, &m);
	if (w->recv_st == PIPEC_OK)
		tmsg_free(&m);
	atomic_fetch_add(&w->returned, 1);
	return 0;
}

static int body_sleep_wait(pipec_stage *self, void *arg)
{
	waiters *w = arg;

	atomic_fetch_add(&w->entered, 1);
	w->sleep_st = pipec_sleep_until(self, PIPEC_FOREVER);
	atomic_fetch_add(&w->returned, 1);
	return 0;
}

static int body_busy_wait(pipec_stage *self, void *arg)
{
	waiters *w = arg;
	pipec_time end = pipec_now() + (pipec_time)LONG_MS * 1000000;

	atomic_fetch_add(&w->entered, 1);
	while (!pipec_cancelled(self) && pipec_now() < end)
		;
	w->busy_saw_cancel = pipec_cancelled(self);
	atomic_fetch_add(&w->returned, 1);
	return 0;
}

/* "quiet" holds the channel's sender open until it is cancelled. */
static int body_quiet(pipec_stage *self, void *arg)
{
	(void)arg;
	pipec_sleep_until(self, PIPEC_FOREVER);
	return 0;
}

static pipec_run *waiters_run(waiters *w, bool busy, unsigned workers)
{
	pipec_chan_spec spec = tmsg_spec("never", 1, NULL);
	pipec_run *run = pipec_run_new("waiters");
	pipec_chan *ch = pipec_run_chan(run, &spec);
	pipec_stage *s;

	memset(w, 0, sizeof *w);
	pipec_run_set_sched(run, PIPEC_SCHED_DEFAULT, workers);
	s = pipec_stage_add(run, "recv", body_recv_wait, w);
	w->rx = pipec_stage_rx(s, ch);
	s = pipec_stage_add(run, "quiet", body_quiet, w);
	w->tx = pipec_stage_tx(s, ch);
	pipec_stage_add(run, "sleep", body_sleep_wait, w);
	if (busy)
		pipec_stage_add(run, "busy", body_busy_wait, w);
	return run;
}

static void check_waiters_cancelled(const waiters *w, bool busy)
{
	assert_int_equal(atomic_load(&w->returned), busy ? 3 : 2);
	assert_int_equal(w->recv_st, PIPEC_CANCELLED);
	assert_int_equal(w->sleep_st, PIPEC_CANCELLED);
	if (busy)
		assert_true(w->busy_saw_cancel);
}

/* How a helper thread cancels the run, once every stage is in. */
enum how { BY_CALL, BY_SIGNAL_TO_CALLER };

typedef struct canceller {
	pipec_run *run;
	waiters *w;
	int want;
	enum how how;
	pthread_t caller;
	bool all_entered;
} canceller;

static pipec_run *volatile signal_run;

static void on_sigusr1(int sig)
{
	(void)sig;
	pipec_run_cancel(signal_run);
}

static void *cancel_when_in(void *p)
{
	canceller *c = p;

	c->all_entered = rt_wait_count(&c->w->entered, c->want, PROMPT_MS);
	rt_sleep_ms(20); /* into their waits */
	if (c->how == BY_CALL)
		pipec_run_cancel(c->run);
	else
		pthread_kill(c->caller, SIGUSR1);
	return NULL;
}

static void exec_cancelled(enum how how, bool busy, unsigned workers)
{
	waiters w;
	pipec_run *run = waiters_run(&w, busy, workers);
	canceller c = {.run = run,
	               .w = &w,
	               .want = busy ? 3 : 2,
	               .how = how,
	               .caller = pthread_self()};
	struct sigaction sa, old;
	rt_thread t;
	pipec_time start;

	if (how == BY_SIGNAL_TO_CALLER) {
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_sigusr1;
		sigemptyset(&sa.sa_mask);
		signal_run = run;
		assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	}
	start = pipec_now();
	rt_thread_start(&t, cancel_when_in, &c);
	assert_int_equal(pipec_run_exec(run), PIPEC_CANCELLED);
	assert_true(rt_thread_join_within(&t, PROMPT_MS));
	assert_true(c.all_entered);
	/* At once: nowhere near the busy stage's own limit. */
	assert_true(pipec_now() - start <
	            (pipec_time)PROMPT_MS * rt_slow() * 1000000);
	check_waiters_cancelled(&w, busy);
	if (how == BY_SIGNAL_TO_CALLER)
		sigaction(SIGUSR1, &old, NULL);
	pipec_run_free(run);
}

/* Every stage waits: the pool is idle, its worker 0 asleep on the run. */
static void test_exec_cancel_reaches_an_idle_pool(void **state)
{
	(void)state;
	WATCH();
	exec_cancelled(BY_CALL, false, 2);
}

/* One stage computes on the only worker, the caller: the cancel reaches
 * it through its runtime calls. */
static void test_exec_cancel_reaches_a_busy_pool(void **state)
{
	(void)state;
	WATCH();
	exec_cancelled(BY_CALL, true, 1);
}

/* The signal handler runs on the caller, in the middle of a stage. */
static void test_exec_cancel_from_a_signal_on_the_caller(void **state)
{
	(void)state;
	WATCH();
	exec_cancelled(BY_SIGNAL_TO_CALLER, true, 1);
	exec_cancelled(BY_SIGNAL_TO_CALLER, false, 2);
}

static void exec_deadline(bool busy, unsigned workers)
{
	waiters w;
	pipec_run *run = waiters_run(&w, busy, workers);
	pipec_time deadline = pipec_after_ms(100);

	pipec_run_set_deadline(run, deadline);
	assert_int_equal(pipec_run_exec(run), PIPEC_TIMEDOUT);
	assert_true(pipec_now() >= deadline);
	assert_true(pipec_now() - deadline <
	            (pipec_time)PROMPT_MS * rt_slow() * 1000000);
	check_waiters_cancelled(&w, busy);
	pipec_run_free(run);
}

static void test_exec_deadline_reaches_an_idle_and_a_busy_pool(void **state)
{
	(void)state;
	WATCH();
	exec_deadline(false, 2);
	exec_deadline(true, 1);
	exec_deadline(true, 2);
}

/* ---- an idle worker ends its thread, and comes back ---- */

/*
 * "hog" sleeps while the pool has nothing to do, long enough for worker
 * 1 to end its thread; it counts the process's threads then, sends to
 * "taker" (readied on hog's worker), and computes until taker has the
 * message: a worker must come back to run taker.
 */
typedef struct hog {
	pipec_tx *tx;
	pipec_rx *rx;
	int threads_before, threads_idle;
	atomic_int got;
	bool got_in_time;
} hog;

static int body_hog(pipec_stage *self, void *arg)
{
	hog *h = arg;
	tmsg m = tmsg_make(1, 0);
	pipec_time end;

	pipec_sleep_until(self, pipec_after_ms(50 * (long)rt_slow()));
	h->threads_idle = rt_thread_count();
	if (pipec_send(h->tx, &m) != PIPEC_OK)
		return 1;
	end = pipec_now() + (pipec_time)LONG_MS * 1000000;
	while (pipec_now() < end && !atomic_load(&h->got))
		; /* no runtime call: taker needs another worker */
	h->got_in_time = atomic_load(&h->got);
	return 0;
}

static int body_taker(pipec_stage *self, void *arg)
{
	hog *h = arg;
	tmsg m;

	(void)self;
	if (pipec_recv(h->rx, &m) == PIPEC_OK) {
		tmsg_free(&m);
		atomic_store(&h->got, 1);
	}
	return 0;
}

static void test_sched_idle_worker_retires_and_comes_back(void **state)
{
	pipec_chan_spec spec = tmsg_spec("c", 1, NULL);
	pipec_run *run = pipec_run_new("retire");
	pipec_chan *ch = pipec_run_chan(run, &spec);
	hog h = {0};
	pipec_stage *s;

	(void)state;
	WATCH();
	atomic_init(&h.got, 0);
	pipec_run_set_sched(run, PIPEC_SCHED_DEFAULT, 2);
	s = pipec_stage_add(run, "taker", body_taker, &h);
	h.rx = pipec_stage_rx(s, ch);
	s = pipec_stage_add(run, "hog", body_hog, &h);
	h.tx = pipec_stage_tx(s, ch);
	h.threads_before = rt_thread_count();
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_true(h.got_in_time);
	/* While the pool was idle only the caller was left of it (threads
	 * mode: the two stages' threads). */
	assert_int_equal(h.threads_idle,
	                 h.threads_before + (rt_pool_mode() ? 0 : 2));
	pipec_run_free(run);
	assert_int_equal(rt_thread_count(), h.threads_before);
}

/*
 * The wakes of a stop bring no worker back: the stages they wake are on
 * their way out, and a thread made now would only have to be joined
 * (what the end of a run would wait for). "last" sleeps until worker 1
 * has retired and returns; its drop wakes "waiter", which counts the
 * threads.
 */
typedef struct stopper {
	pipec_tx *tx;
	pipec_rx *rx;
	int threads_before, threads_woken;
	pipec_status st;
} stopper;

static int body_last(pipec_stage *self, void *arg)
{
	(void)arg;
	pipec_sleep_until(self, pipec_after_ms(50 * (long)rt_slow()));
	return 0;
}

static int body_waiter(pipec_stage *self, void *arg)
{
	stopper *s = arg;
	tmsg m;

	(void)self;
	s->st = pipec_recv(s->rx, &m);
	s->threads_woken = rt_thread_count();
	return 0;
}

static void test_sched_a_stop_brings_back_no_worker(void **state)
{
	pipec_chan_spec spec = tmsg_spec("c", 1, NULL);
	pipec_run *run = pipec_run_new("stop");
	pipec_chan *ch = pipec_run_chan(run, &spec);
	stopper st = {0};
	pipec_stage *s;

	(void)state;
	WATCH();
	pipec_run_set_sched(run, PIPEC_SCHED_DEFAULT, 2);
	s = pipec_stage_add(run, "waiter", body_waiter, &st);
	st.rx = pipec_stage_rx(s, ch);
	s = pipec_stage_add(run, "last", body_last, &st);
	st.tx = pipec_stage_tx(s, ch);
	st.threads_before = rt_thread_count();
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(st.st, PIPEC_CLOSED);
	/* threads mode: waiter's own thread (last's has ended) */
	assert_int_equal(st.threads_woken,
	                 st.threads_before + (rt_pool_mode() ? 0 : 1));
	pipec_run_free(run);
}

/*
 * A long chain keeps a long queue on its worker, always moving: work
 * that never stands still, but enough of it for two. The idle worker
 * takes a share (runtime/pool.c, STEAL_LONG). Each forwarding stage
 * notes the thread of each hop; the least used of the two workers must
 * have done a fair part of them. Timing-dependent, so not under valgrind
 * (PIPEC_TEST_SLOW), which runs one thread at a time anyway.
 */
#define CHAIN_STAGES 300
#define CHAIN_VALUES 3000

typedef struct chain_link {
	pipec_rx *rx;
	pipec_tx *tx;
	pthread_t threads[2];
	long hops[2], other; /* per thread seen; beyond two */
} chain_link;

static int body_link(pipec_stage *self, void *arg)
{
	chain_link *l = arg;
	tmsg m;
	int i;

	(void)self;
	for (i = 0; l->rx == NULL ? i < CHAIN_VALUES : 1; i++) {
		if (l->rx == NULL)
			m = tmsg_make((uint32_t)i, 0);
		else if (pipec_recv(l->rx, &m) != PIPEC_OK)
			break;
		if (l->tx == NULL) {
			tmsg_free(&m);
		} else if (pipec_send(l->tx, &m) != PIPEC_OK) {
			tmsg_free(&m);
			break;
		}
		pthread_t t = pthread_self();
		int k = 0;
		while (k < 2 && l->hops[k] > 0 &&
		       !pthread_equal(l->threads[k], t))
			k++;
		if (k == 2) {
			l->other++;
		} else {
			l->threads[k] = t;
			l->hops[k]++;
		}
	}
	return 0;
}

static void test_sched_a_long_chain_is_shared(void **state)
{
	chain_link *links = calloc(CHAIN_STAGES, sizeof *links);
	pipec_run *run = pipec_run_new("chain");
	pipec_chan *prev = NULL;
	pthread_t threads[2];
	long hops[2] = {0, 0}, total = 0;

	(void)state;
	WATCH();
	if (!rt_pool_mode() || rt_slow() > 1) {
		pipec_run_free(run);
		free(links);
		skip();
	}
	assert_non_null(links);
	pipec_run_set_sched(run, PIPEC_SCHED_DEFAULT, 2);
	for (int i = 0; i < CHAIN_STAGES; i++) {
		pipec_chan_spec spec = tmsg_spec("link", 0, NULL);
		pipec_chan *next = i + 1 < CHAIN_STAGES
		                           ? pipec_run_chan(run, &spec)
		                           : NULL;
		pipec_stage *s =
		        pipec_stage_add(run, "link", body_link, &links[i]);

		if (prev)
			links[i].rx = pipec_stage_rx(s, prev);
		if (next)
			links[i].tx = pipec_stage_tx(s, next);
		prev = next;
	}
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	/* Two workers: at most two threads ran the stages. */
	for (int i = 0; i < CHAIN_STAGES; i++) {
		assert_int_equal(links[i].other, 0);
		for (int k = 0; k < 2 && links[i].hops[k] > 0; k++) {
			int j = 0;

			while (j < 2 && hops[j] > 0 &&
			       !pthread_equal(threads[j], links[i].threads[k]))
				j++;
			assert_true(j < 2);
			threads[j] = links[i].threads[k];
			hops[j] += links[i].hops[k];
			total += links[i].hops[k];
		}
	}
	assert_int_equal(total, (long)CHAIN_STAGES * CHAIN_VALUES);
	/* Shared: one CPU each would be half; one worker alone, well under
	 * a tenth (the start spreads a little). */
	assert_true(hops[0] >= total / 5 && hops[1] >= total / 5);
	pipec_run_free(run);
	free(links);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_exec_runs_stages_on_the_calling_thread),
	        cmocka_unit_test(
	                test_exec_with_a_thread_stage_keeps_a_waiting_thread),
	        cmocka_unit_test(test_exec_cancel_reaches_an_idle_pool),
	        cmocka_unit_test(test_exec_cancel_reaches_a_busy_pool),
	        cmocka_unit_test(test_exec_cancel_from_a_signal_on_the_caller),
	        cmocka_unit_test(
	                test_exec_deadline_reaches_an_idle_and_a_busy_pool),
	        cmocka_unit_test(test_sched_idle_worker_retires_and_comes_back),
	        cmocka_unit_test(test_sched_a_stop_brings_back_no_worker),
	        cmocka_unit_test(test_sched_a_long_chain_is_shared),
	};
	int failed =
	        cmocka_run_group_tests_name("runtime: exec", tests, NULL, NULL);

	rt_watchdog(0, "");
	return failed == 0 ? 0 : 1;
}
