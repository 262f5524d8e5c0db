/* SPDX-License-Identifier: MIT */
/*
 * test_sched.c - the pool scheduler's promises beyond the rules: in
 * pipec_run_exec the calling thread is worker 0 and the pool watches the
 * run (a cancel, the deadline) itself; a worker with nothing to do ends
 * its thread and comes back when there is work to spread, but not for a
 * stop; a stage readied behind a busy one is taken over; a fiber in a
 * worker's queue gets its turn however busy runnext is; errno is each
 * stage's own though stages move between workers (runtime/pool.c). (That
 * a long queue is shared even while it moves is the chain benchmark's to
 * show: on a loaded machine a share depends on who gets a CPU.)
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
#include <sys/wait.h>
#include <unistd.h>

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

/* ---- a stage readied on a busy worker is taken over ---- */

/*
 * "hog" sends to "taker" (readied on hog's worker), then computes, with no
 * runtime call, until taker has the message: another worker must take
 * taker over. Before the send hog computes for 20 ms (the other worker
 * goes to sleep meanwhile), or (idle_first) sleeps while the pool has
 * nothing to do, long enough for worker 1 to end its thread, and counts
 * the process's threads then: the worker must come back.
 */
typedef struct hog {
	pipec_tx *tx;
	pipec_rx *rx;
	bool idle_first;
	int threads_before, threads_idle;
	atomic_int got;   /* set by the receiver */
	bool got_in_time; /* seen by the hog while it computed */
} hog;

static void compute_ms(long ms, atomic_int *until)
{
	pipec_time end = pipec_now() + (pipec_time)ms * 1000000;

	while (pipec_now() < end && (until == NULL || !atomic_load(until)))
		;
}

static int body_hog(pipec_stage *self, void *arg)
{
	hog *h = arg;
	tmsg m = tmsg_make(1, 0);

	if (h->idle_first) {
		pipec_sleep_until(self, pipec_after_ms(50 * (long)rt_slow()));
		h->threads_idle = rt_thread_count();
	} else {
		compute_ms(20, NULL);
	}
	if (pipec_send(h->tx, &m) != PIPEC_OK)
		return 1;
	compute_ms(LONG_MS, &h->got);
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

static void run_hog(hog *h)
{
	pipec_chan_spec spec = tmsg_spec("c", 1, NULL);
	pipec_run *run = pipec_run_new("hog");
	pipec_chan *ch = pipec_run_chan(run, &spec);
	pipec_stage *s;

	atomic_init(&h->got, 0);
	pipec_run_set_sched(run, PIPEC_SCHED_DEFAULT, 2);
	s = pipec_stage_add(run, "taker", body_taker, h);
	h->rx = pipec_stage_rx(s, ch);
	s = pipec_stage_add(run, "hog", body_hog, h);
	h->tx = pipec_stage_tx(s, ch);
	h->threads_before = rt_thread_count();
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_true(h->got_in_time);
	pipec_run_free(run);
}

/* Even by a worker that went to sleep when there was nothing to take. */
static void test_sched_readied_stage_does_not_wait_for_a_busy_one(void **state)
{
	hog h = {.idle_first = false};

	(void)state;
	WATCH();
	run_hog(&h);
}

static void test_sched_idle_worker_retires_and_comes_back(void **state)
{
	hog h = {.idle_first = true};

	(void)state;
	WATCH();
	run_hog(&h);
	/* While the pool was idle only the caller was left of it (threads
	 * mode: the two stages' threads). */
	assert_int_equal(h.threads_idle,
	                 h.threads_before + (rt_pool_mode() ? 0 : 2));
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
	/* (threads mode: the stages' own threads, last's perhaps still
	 * on its way out) */
	if (rt_pool_mode())
		assert_int_equal(st.threads_woken, st.threads_before);
	pipec_run_free(run);
}

/* ---- a fiber in a worker's queue gets its turn ---- */

/*
 * One worker. "last" waits on c, "pass" on b, "relay" on a; then "flood"
 * sends into a without end (a is unbounded: it yields only when its slice
 * is up). relay hands each message through the rendezvous b to pass, which
 * puts it into c for last: last is readied into runnext, then put out of
 * it into the worker's queue when pass readies relay, and from then on
 * relay and pass hand the worker to each other through runnext. The run
 * ends only if last runs: it returns after LAST_TAKES messages, and the
 * stop ripples up to flood (R9). It once hung: every 61st choice looked
 * at the shared queue first, where flood always was (the stress test's
 * seed 4004165, one worker).
 */
#define LAST_TAKES 100

typedef struct starve {
	pipec_tx *tx;
	pipec_rx *rx;
	int taken;
} starve;

static int body_flood(pipec_stage *self, void *arg)
{
	starve *c = arg;

	(void)self;
	for (uint32_t i = 0;; i++) {
		tmsg m = tmsg_make(i, 0);

		if (pipec_send(c->tx, &m) != PIPEC_OK)
			return 0;
	}
}

static int body_forward(pipec_stage *self, void *arg)
{
	starve *c = arg;
	tmsg m;

	(void)self;
	while (pipec_recv(c->rx, &m) == PIPEC_OK)
		if (pipec_send(c->tx, &m) != PIPEC_OK)
			break;
	return 0;
}

static int body_take_some(pipec_stage *self, void *arg)
{
	starve *c = arg;
	tmsg m;

	(void)self;
	while (c->taken < LAST_TAKES && pipec_recv(c->rx, &m) == PIPEC_OK) {
		tmsg_free(&m);
		c->taken++;
	}
	return 0;
}

static void test_sched_a_queued_fiber_is_not_starved(void **state)
{
	pipec_run *run = pipec_run_new("starve");
	pipec_chan_spec unbounded_a = tmsg_spec("a", PIPEC_UNBOUNDED, NULL);
	pipec_chan_spec rendezvous = tmsg_spec("b", 0, NULL);
	pipec_chan_spec unbounded_c = tmsg_spec("c", PIPEC_UNBOUNDED, NULL);
	pipec_chan *a = pipec_run_chan(run, &unbounded_a);
	pipec_chan *b = pipec_run_chan(run, &rendezvous);
	pipec_chan *c = pipec_run_chan(run, &unbounded_c);
	starve last = {0}, pass = {0}, relay = {0}, flood = {0};
	pipec_stage *s;

	(void)state;
	WATCH();
	pipec_run_set_sched(run, PIPEC_SCHED_DEFAULT, 1);
	/* In this order, so that each waits before its producer starts. */
	s = pipec_stage_add(run, "last", body_take_some, &last);
	last.rx = pipec_stage_rx(s, c);
	s = pipec_stage_add(run, "pass", body_forward, &pass);
	pass.rx = pipec_stage_rx(s, b);
	pass.tx = pipec_stage_tx(s, c);
	s = pipec_stage_add(run, "relay", body_forward, &relay);
	relay.rx = pipec_stage_rx(s, a);
	relay.tx = pipec_stage_tx(s, b);
	s = pipec_stage_add(run, "flood", body_flood, &flood);
	flood.tx = pipec_stage_tx(s, a);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(last.taken, LAST_TAKES);
	pipec_run_free(run);
}

/* ---- errno ---- */

/*
 * errno is each stage's own, though a coroutine may resume on another
 * worker after a send or a receive: here the source and the sink are
 * thread stages, whose wakes go through the pool's shared queue to
 * whichever worker looks first, so the four relays between them move
 * often (the test checks that they did). A compiler may compute errno's address
 * once per function; pipec.h makes each use look it up, so a write after
 * a move lands in the errno of the thread the stage runs on now, which a
 * look made afresh (through a pointer the compiler cannot see through)
 * must find.
 */
typedef struct hop {
	pipec_rx *rx; /* NULL: the source */
	pipec_tx *tx; /* NULL: the sink */
	int count;    /* the source's messages */
	int mine;     /* this stage's errno value */
	int got;      /* the sink's */
	int stray;    /* writes to errno not found on this thread */
	int moves;    /* waits after which the thread had changed */
} hop;

static int *(*volatile errno_here)(void) = pipec_errno;
/* pthread_self() is declared const too. */
static pthread_t (*volatile thread_here)(void) = pthread_self;

static int body_hop(pipec_stage *self, void *arg)
{
	hop *h = arg;
	pthread_t was = thread_here();
	tmsg m;

	(void)self;
	for (int i = 0; h->rx != NULL || i < h->count; i++) {
		if (h->rx == NULL)
			m = tmsg_make((uint32_t)i, 0);
		else if (pipec_recv(h->rx, &m) != PIPEC_OK)
			break;
		errno = h->mine + 1;
		h->stray += *errno_here() != h->mine + 1;
		h->moves += !pthread_equal(was, thread_here());
		was = thread_here();

		if (h->tx == NULL) {
			tmsg_free(&m);
			h->got++;
		} else if (pipec_send(h->tx, &m) != PIPEC_OK) {
			break;
		}
		errno = h->mine + 2;
		h->stray += *errno_here() != h->mine + 2;
		h->moves += !pthread_equal(was, thread_here());
		was = thread_here();
	}
	return 0;
}

static void test_sched_errno_is_the_stages_own(void **state)
{
	enum { RELAYS = 4, COUNT = 20000 };
	int moves = 0;
	pipec_chan_spec in = tmsg_spec("in", 1, NULL);
	pipec_chan_spec out = tmsg_spec("out", 1, NULL);
	pipec_run *run = pipec_run_new("errno");
	pipec_chan *a = pipec_run_chan(run, &in);
	pipec_chan *b = pipec_run_chan(run, &out);
	hop src = {.count = COUNT, .mine = 1000}, sink = {.mine = 2000};
	hop mid[RELAYS];
	pipec_stage *s;

	(void)state;
	WATCH();
	memset(mid, 0, sizeof mid);
	pipec_run_set_sched(run, PIPEC_SCHED_DEFAULT, 2);
	s = pipec_stage_add(run, "src", body_hop, &src);
	src.tx = pipec_stage_tx(s, a);
	pipec_stage_set_thread(s, true);
	for (int i = 0; i < RELAYS; i++) {
		s = pipec_stage_add(run, "relay", body_hop, &mid[i]);
		mid[i].rx = pipec_stage_rx(s, a);
		mid[i].tx = pipec_stage_tx(s, b);
		mid[i].mine = 3000 + 10 * i;
	}
	s = pipec_stage_add(run, "sink", body_hop, &sink);
	sink.rx = pipec_stage_rx(s, b);
	pipec_stage_set_thread(s, true);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(sink.got, COUNT);
	assert_int_equal(src.stray + sink.stray, 0);
	assert_int_equal(src.moves + sink.moves, 0);
	for (int i = 0; i < RELAYS; i++) {
		moves += mid[i].moves;
		assert_int_equal(mid[i].stray, 0);
	}
	/* Else the test proved nothing (threads mode: a stage is its
	 * thread). */
	if (rt_pool_mode())
		assert_true(moves > 0);
	else
		assert_int_equal(moves, 0);
	pipec_run_free(run);
}

/* ---- a stack overflow on the caller's thread ---- */

/*
 * A stage that overflows its stack on worker 0, the caller's thread, is
 * named as on any worker: the caller has a signal stack while it serves.
 * The overflow runs in a process of its own (this program, started again
 * with OVERFLOW_ARG), where nothing else handles SIGSEGV.
 */
#define OVERFLOW_ARG "--overflow-on-the-caller"

static int deep(int n)
{
	volatile char pad[512];

	pad[0] = (char)n;
	return n > 0 ? deep(n - 1) + pad[0] : 0;
}

static int body_deep(pipec_stage *self, void *arg)
{
	(void)self;
	(void)arg;
	return deep(1 << 20) != 0;
}

static int overflow_on_the_caller(void)
{
	pipec_run *run = pipec_run_new("deep");
	pipec_stage *s;

	pipec_run_set_sched(run, PIPEC_SCHED_POOL, 1);
	s = pipec_stage_add(run, "down", body_deep, NULL);
	pipec_stage_set_stack(s, 16 * 1024);
	pipec_run_exec(run);
	return 0; /* not reached */
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1 /* gcc */
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1 /* clang */
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

static void test_sched_overflow_on_the_caller_is_named(void **state)
{
	char self[4096], err[4096];
	ssize_t n, len = 0;
	int fds[2], status;
	pid_t pid;

	(void)state;
	WATCH();
	/* valgrind (PIPEC_TEST_SLOW) reports the overflow its own way */
	if (!rt_pool_mode() || rt_slow() > 1)
		skip();
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	assert_true(n > 0);
	self[n] = '\0';
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		close(fds[1]);
		execl(self, self, OVERFLOW_ARG, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (len < (ssize_t)sizeof err - 1 &&
	       (n = read(fds[0], err + len, sizeof err - 1 - (size_t)len)) > 0)
		len += n;
	err[len] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	/* The sanitizers report it, and end the process, their own way. */
	assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (!SANITIZED) {
		assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
		assert_non_null(strstr(
		        err, "stage 'down' overflowed its stack of 16 KiB"));
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], OVERFLOW_ARG) == 0)
		return overflow_on_the_caller();

	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_exec_runs_stages_on_the_calling_thread),
	        cmocka_unit_test(
	                test_exec_with_a_thread_stage_keeps_a_waiting_thread),
	        cmocka_unit_test(test_exec_cancel_reaches_an_idle_pool),
	        cmocka_unit_test(test_exec_cancel_reaches_a_busy_pool),
	        cmocka_unit_test(test_exec_cancel_from_a_signal_on_the_caller),
	        cmocka_unit_test(
	                test_exec_deadline_reaches_an_idle_and_a_busy_pool),
	        cmocka_unit_test(
	                test_sched_readied_stage_does_not_wait_for_a_busy_one),
	        cmocka_unit_test(test_sched_idle_worker_retires_and_comes_back),
	        cmocka_unit_test(test_sched_a_stop_brings_back_no_worker),
	        cmocka_unit_test(test_sched_a_queued_fiber_is_not_starved),
	        cmocka_unit_test(test_sched_errno_is_the_stages_own),
	        cmocka_unit_test(test_sched_overflow_on_the_caller_is_named),
	};
	int failed = cmocka_run_group_tests_name("runtime: scheduling", tests,
	                                         NULL, NULL);

	rt_watchdog(0, "");
	return failed == 0 ? 0 : 1;
}
