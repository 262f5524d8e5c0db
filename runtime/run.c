/* SPDX-License-Identifier: MIT */
/*
 * run.c - runs and stages: threads, return-is-drop, cancellation, errors,
 * statistics.
 *
 * A run owns its channels and stage instances. Each stage runs on its own
 * thread; when its body returns, every endpoint it holds is dropped (R4).
 * Cancellation is a stage-level flag plus a wake-up of the stage's parker,
 * followed by dropping the stage's receivers, which may close channels
 * upstream and cancel the stages feeding them (R9) - all done at once, in
 * the thread that caused it, through a cancel_list.
 *
 * The thread in pipec_run_wait supervises: it sleeps on the run's parker
 * until every stage is done, acting on pipec_run_cancel (which only sets a
 * flag and wakes it, so it is safe in a signal handler) and the deadline
 * (pipec_run_watch). In pipec_run_exec of a pool without thread stages the
 * calling thread is the pool's worker 0 instead, sleeping on the same
 * parker when idle, and the pool watches the run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "internal.h"
#include "pool.h"

/* ------------------------------------------------------------------ */
/* Cancellation                                                        */
/* ------------------------------------------------------------------ */

static void signal_cancel_fd(pipec_stage *s)
{
	pthread_mutex_lock(&s->fd_mu);
	if (s->cancel_fd >= 0) {
		uint64_t one = 1;
		ssize_t r = write(s->cancel_fd, &one, sizeof(one));
		(void)r; /* the counter cannot overflow from one write */
	}
	pthread_mutex_unlock(&s->fd_mu);
}

void pipec_stage_cancel_one(pipec_stage *s, cancel_list *todo)
{
	if (atomic_exchange(&s->cancelled, true))
		return;
	pipec_parker_wake(&s->parker);
	signal_cancel_fd(s);
	s->cancel_next = todo->head;
	todo->head = s;
	/* A stage on a thread may be blocked in a system call the runtime
	 * cannot see (fgets): the waiting thread interrupts it (poke). */
	if (s->on_thread && !atomic_exchange(&s->run->poking, true))
		pipec_parker_wake(&s->run->parker);
}

void pipec_cancel_list_run(cancel_list *todo)
{
	pipec_stage *s;
	while ((s = todo->head)) {
		todo->head = s->cancel_next;
		for (pipec_rx *rx = atomic_load(&s->rxs); rx;
		     rx = rx->stage_next)
			pipec_rx_drop_into(rx, todo);
	}
}

/* Cancels every stage of the run (R10, R11). Any thread but a signal
 * handler. */
static void cancel_all(pipec_run *run)
{
	atomic_store(&run->stopping, true);
	pipec_pool_stop_wakes(true);
	cancel_list todo = {NULL};
	for (pipec_stage *s = run->stages; s; s = s->next)
		pipec_stage_cancel_one(s, &todo);
	pipec_cancel_list_run(&todo);
	pipec_pool_stop_wakes(false);
}

/* Records why the run ends, if nothing did before; true if this did. */
static bool set_cause(pipec_run *run, int cause)
{
	int none = CAUSE_NONE;
	return atomic_compare_exchange_strong(&run->cause, &none, cause);
}

/* ------------------------------------------------------------------ */
/* Building a run                                                      */
/* ------------------------------------------------------------------ */

pipec_run *pipec_run_new(const char *name)
{
	pipec_run *run = calloc(1, sizeof(*run));
	if (!run)
		return NULL;
	run->name = pipec_strdup(name ? name : "run");
	if (!run->name || pthread_mutex_init(&run->mu, NULL) != 0) {
		free(run->name);
		free(run);
		return NULL;
	}
	run->deadline = PIPEC_FOREVER;
	run->state = RUN_NEW;
	return run;
}

/*
 * An array of elem-sized slots with room for n, from arr with *cap: arr
 * itself, or a copy twice as large (arr is then freed). NULL if out of
 * memory, arr untouched. (malloc, not realloc: the allocation-failure
 * tests count what the runtime allocates through malloc and free.)
 */
static void *with_room(void *arr, size_t *cap, size_t n, size_t elem)
{
	if (n <= *cap)
		return arr;
	size_t c = *cap ? *cap * 2 : 16;
	if (c < n)
		c = n;
	if (c > SIZE_MAX / elem)
		return NULL;
	void *a = malloc(c * elem);
	if (!a)
		return NULL;
	if (*cap)
		memcpy(a, arr, *cap * elem);
	free(arr);
	*cap = c;
	return a;
}

pipec_chan *pipec_run_chan(pipec_run *run, const pipec_chan_spec *spec)
{
	if (!run || run->state != RUN_NEW)
		return NULL;
	pipec_chan **at = with_room(run->chan_at, &run->chan_cap,
	                            run->nchans + 1, sizeof(*at));
	if (!at)
		return NULL;
	run->chan_at = at;
	pipec_chan *ch = pipec_chan_new(spec);
	if (!ch)
		return NULL;
	ch->in_run = true;
	at[run->nchans] = ch;
	if (run->chans_tail)
		run->chans_tail->run_next = ch;
	else
		run->chans = ch;
	run->chans_tail = ch;
	run->nchans++;
	return ch;
}

pipec_stage *pipec_stage_add(pipec_run *run, const char *name,
                             pipec_stage_fn fn, void *arg)
{
	if (!run || !fn || run->state != RUN_NEW)
		return NULL;
	pipec_stage **at = with_room(run->stage_at, &run->stage_cap,
	                             run->nstages + 1, sizeof(*at));
	if (!at)
		return NULL;
	run->stage_at = at;
	pipec_stage *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->name = pipec_strdup(name ? name : "stage");
	if (!s->name || pthread_mutex_init(&s->fd_mu, NULL) != 0) {
		free(s->name);
		free(s);
		return NULL;
	}
	s->run = run;
	s->fn = fn;
	s->arg = arg;
	s->cancel_fd = -1;
	at[run->nstages] = s;
	if (run->stages_tail)
		run->stages_tail->next = s;
	else
		run->stages = s;
	run->stages_tail = s;
	run->nstages++;
	return s;
}

pipec_tx *pipec_stage_tx(pipec_stage *stage, pipec_chan *chan)
{
	if (!stage || !chan || stage->run->state != RUN_NEW)
		return NULL;
	pipec_tx *tx = pipec_tx_new(chan, stage);
	if (tx)
		stage->noutputs++;
	return tx;
}

pipec_rx *pipec_stage_rx(pipec_stage *stage, pipec_chan *chan)
{
	if (!stage || !chan || stage->run->state != RUN_NEW)
		return NULL;
	return pipec_rx_new(chan, stage);
}

void pipec_run_set_deadline(pipec_run *run, pipec_time deadline)
{
	if (run && run->state == RUN_NEW)
		run->deadline = deadline;
}

void pipec_run_set_sched(pipec_run *run, pipec_sched mode, unsigned workers)
{
	if (run && run->state == RUN_NEW) {
		run->sched = mode;
		run->workers = workers;
	}
}

void pipec_stage_set_thread(pipec_stage *stage, bool own_thread)
{
	if (stage && stage->run->state == RUN_NEW)
		stage->own_thread = own_thread;
}

void pipec_stage_set_stack(pipec_stage *stage, size_t bytes)
{
	if (stage && stage->run->state == RUN_NEW)
		stage->stack_size = bytes;
}

/* ------------------------------------------------------------------ */
/* Running                                                             */
/* ------------------------------------------------------------------ */

/* The first failure wins (R11) and cancels the rest of the run. */
static void stage_failed(pipec_stage *s)
{
	pipec_run *run = s->run;
	if (!set_cause(run, CAUSE_ERROR))
		return;
	pthread_mutex_lock(&run->mu);
	run->has_err = true;
	run->err.stage = s->name;
	run->err.code = s->result;
	run->err.message = s->fail_msg ? s->fail_msg : "";
	pthread_mutex_unlock(&run->mu);
	cancel_all(run);
}

/* Return is drop (R4): every endpoint the stage holds. */
static void stage_drop_all(pipec_stage *s)
{
	pipec_pool_stop_wakes(true);
	cancel_list todo = {NULL};
	for (pipec_tx *tx = atomic_load(&s->txs); tx; tx = tx->stage_next)
		pipec_tx_drop_into(tx, &todo);
	for (pipec_rx *rx = atomic_load(&s->rxs); rx; rx = rx->stage_next)
		pipec_rx_drop_into(rx, &todo);
	pipec_cancel_list_run(&todo);
	pipec_pool_stop_wakes(false);
}

static void stage_finished(pipec_stage *s)
{
	stage_drop_all(s);
	pipec_run *run = s->run;
	if (s->on_thread)
		atomic_fetch_sub(&run->live_threads, 1);
	atomic_store(&s->finished, true);
	if (atomic_fetch_sub(&run->live, 1) == 1) {
		/* The workers start to stop now, while the waiting thread
		 * wakes, rather than after it: their exits overlap its
		 * wake-up. */
		if (run->pool)
			pipec_pool_stop(run);
		pipec_parker_wake(&run->parker);
	} else if (run->pool && s->on_thread)
		/* The coroutines' workers look for a deadlock as they go idle;
		 * the last thread stage must look itself, they may all be
		 * idle already. */
		pipec_pool_check_deadlock(run);
}

void pipec_stage_body(pipec_stage *s)
{
	s->result = s->fn(s, s->arg);
	if (s->result != 0)
		stage_failed(s);
	stage_finished(s);
}

/* The stage a thread runs (pipec_current_stage); a coroutine's is its
 * worker's current fiber's. */
static _Thread_local pipec_stage *thread_stage;

static void *stage_main(void *arg)
{
	thread_stage = arg;
	pipec_stage_body(arg);
	thread_stage = NULL;
	return NULL;
}

pipec_stage *pipec_current_stage(void)
{
	pipec_stage *s = pipec_fiber_self_stage();
	return s ? s : thread_stage;
}

/* ------------------------------------------------------------------ */
/* Scheduling mode                                                     */
/* ------------------------------------------------------------------ */

/* The mode and pool size a run asked for, or the environment's. */
static pipec_sched sched_mode(const pipec_run *run, unsigned *workers)
{
	*workers = run->workers;
	pipec_sched mode = run->sched;
	const char *env = getenv("PIPEC_WORKERS");
	if (!*workers && env) {
		char *end;
		unsigned long n = strtoul(env, &end, 10);
		if (end != env && !*end && n > 0 && n <= 1024)
			*workers = (unsigned)n;
	}
	if (mode == PIPEC_SCHED_DEFAULT) {
		env = getenv("PIPEC_SCHED");
		mode = env && strcmp(env, "threads") == 0 ? PIPEC_SCHED_THREADS
		                                          : PIPEC_SCHED_POOL;
	}
	return mode;
}

/* ------------------------------------------------------------------ */
/* Interrupting stages blocked outside the runtime                     */
/* ------------------------------------------------------------------ */

/* The signal that interrupts a cancelled stage's blocking system call
 * (it returns EINTR): SIGURG, ignored by default, given a handler that
 * does nothing, without SA_RESTART. Left alone if the program handles
 * it itself. */
#define POKE_SIGNAL SIGURG
#define POKE_EVERY  ((pipec_time)2000000) /* 2 ms */

static void on_poke(int sig)
{
	(void)sig;
}

static void poke_install(void)
{
	struct sigaction old;
	if (sigaction(POKE_SIGNAL, NULL, &old) != 0 ||
	    old.sa_handler != SIG_DFL || (old.sa_flags & SA_SIGINFO))
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_poke;
	sigemptyset(&sa.sa_mask);
	sigaction(POKE_SIGNAL, &sa, NULL);
}

/* Interrupts every cancelled stage on a thread that has not returned;
 * true if there was one. */
static bool poke(pipec_run *run)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	bool any = false;
	for (pipec_stage *s = run->stages; s; s = s->next) {
		if (!s->on_thread || !s->started || atomic_load(&s->finished) ||
		    !stage_is_cancelled(s))
			continue;
		pthread_once(&once, poke_install);
		pthread_kill(s->thread, POKE_SIGNAL);
		any = true;
	}
	return any;
}

/* ------------------------------------------------------------------ */
/* Deadlock                                                            */
/* ------------------------------------------------------------------ */

void pipec_run_out_of_memory(pipec_stage *s)
{
	/* Most bodies take any status but PIPEC_OK as "stop" and return 0:
	 * left to them, a program would end "successfully" with part of its
	 * output and no word of why. */
	if (s && set_cause(s->run, CAUSE_NOMEM))
		cancel_all(s->run);
}

void pipec_run_deadlocked(pipec_run *run)
{
	if (!set_cause(run, CAUSE_DEADLOCK))
		return;
	/* Every stage was parked; an outside cancel may wake them while
	 * this reads, so each one's wait is read once, and the text grows
	 * as it goes. */
	char *text = NULL;
	size_t len = 0;
	for (pipec_stage *s = run->stages; s; s = s->next) {
		const pipec_chan *ch = atomic_load_explicit(
		        &s->wait_chan, memory_order_relaxed);
		const char *what = atomic_load_explicit(&s->wait_what,
		                                        memory_order_relaxed);
		if (atomic_load(&s->finished) || !ch || !what)
			continue;
		int n = snprintf(NULL, 0, "stage '%s' waits %s channel '%s'\n",
		                 s->name, what, ch->name);
		char *t = n > 0 ? realloc(text, len + (size_t)n + 1) : NULL;
		if (!t)
			break;
		text = t;
		snprintf(text + len, (size_t)n + 1,
		         "stage '%s' waits %s channel '%s'\n", s->name, what,
		         ch->name);
		len += (size_t)n;
	}
	run->blocked_text = text;
	cancel_all(run);
}

pipec_time pipec_run_watch(pipec_run *run)
{
	if (atomic_load(&run->cancel_requested) &&
	    !atomic_exchange(&run->cancel_taken, true)) {
		set_cause(run, CAUSE_CANCEL);
		cancel_all(run);
	}
	if (run->deadline == PIPEC_FOREVER || atomic_load(&run->deadline_taken))
		return PIPEC_FOREVER;
	if (pipec_now() < run->deadline)
		return run->deadline;
	if (!atomic_exchange(&run->deadline_taken, true)) {
		set_cause(run, CAUSE_DEADLINE);
		cancel_all(run);
	}
	return PIPEC_FOREVER;
}

pipec_status pipec_run_start(pipec_run *run)
{
	if (!run || run->state != RUN_NEW)
		return PIPEC_EINVAL;
	run->state = RUN_STARTED;

	/* Which outputs have receivers, now that all the wiring is known.
	 * A stage whose every output is already closed has nothing to do
	 * (R9), e.g. one whose consumer was never wired. */
	for (pipec_stage *s = run->stages; s; s = s->next)
		atomic_store(&s->outputs_open, 0);
	for (pipec_chan *ch = run->chans; ch; ch = ch->run_next)
		pipec_chan_count_open_outputs(ch);
	cancel_list todo = {NULL};
	for (pipec_stage *s = run->stages; s; s = s->next)
		if (s->noutputs > 0 && atomic_load(&s->outputs_open) == 0)
			pipec_stage_cancel_one(s, &todo);
	pipec_cancel_list_run(&todo);

	atomic_store(&run->live, (int)run->nstages);
	unsigned workers;
	bool pool = sched_mode(run, &workers) == PIPEC_SCHED_POOL;
	int threads = 0;
	for (pipec_stage *s = run->stages; s; s = s->next) {
		s->on_thread = !pool || s->own_thread;
		threads += s->on_thread;
	}
	atomic_store(&run->live_threads, threads);
	if (pool && (size_t)threads < run->nstages &&
	    pipec_pool_start(run, workers, run->serve_caller && threads == 0) !=
	            PIPEC_OK) {
		set_cause(run, CAUSE_ERROR);
		cancel_all(run);
		for (pipec_stage *t = run->stages; t; t = t->next)
			stage_finished(t);
		pipec_run_wait(run);
		run->result = PIPEC_NOMEM;
		return PIPEC_NOMEM;
	}
	for (pipec_stage *s = run->stages; s; s = s->next) {
		if (!s->on_thread)
			continue;
		/* stack(SIZE) sizes a stage's thread as it would its
		 * coroutine. */
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		if (s->stack_size)
			pthread_attr_setstacksize(&attr, s->stack_size);
		int err = pthread_create(&s->thread, &attr, stage_main, s);
		pthread_attr_destroy(&attr);
		if (err == 0) {
			s->started = true;
			continue;
		}
		/* Could not start them all: stop the ones that run, and
		 * count the rest as finished without running. */
		set_cause(run, CAUSE_ERROR);
		cancel_all(run);
		for (pipec_stage *t = s; t; t = t->next)
			if (t->on_thread)
				stage_finished(t);
		pipec_run_wait(run);
		run->result = PIPEC_NOMEM;
		return PIPEC_NOMEM;
	}
	return PIPEC_OK;
}

pipec_status pipec_run_wait(pipec_run *run)
{
	if (!run || run->state == RUN_NEW)
		return PIPEC_EINVAL;
	if (run->state == RUN_DONE)
		return run->result;

	for (;;) {
		uint32_t tok = pipec_parker_token(&run->parker);
		if (atomic_load(&run->live) == 0)
			break;
		pipec_time until = pipec_run_watch(run);
		if (atomic_load(&run->poking) && poke(run)) {
			pipec_time next = pipec_now() + POKE_EVERY;
			if (next < until)
				until = next;
		}
		pipec_parker_wait(&run->parker, tok, until);
	}
	for (pipec_stage *s = run->stages; s; s = s->next)
		if (s->started)
			pthread_join(s->thread, NULL);
	pipec_pool_join(run);
	run->state = RUN_DONE;

	switch (atomic_load(&run->cause)) {
	case CAUSE_ERROR:
		run->result = PIPEC_ERROR;
		break;
	case CAUSE_CANCEL:
		run->result = PIPEC_CANCELLED;
		break;
	case CAUSE_DEADLINE:
		run->result = PIPEC_TIMEDOUT;
		break;
	case CAUSE_DEADLOCK:
		run->result = PIPEC_DEADLOCK;
		break;
	case CAUSE_NOMEM:
		run->result = PIPEC_NOMEM;
		break;
	default:
		run->result = PIPEC_OK;
		break;
	}
	return run->result;
}

/*
 * The calling thread would only wait: in pool mode it is worker 0 instead
 * (pipec_pool_serve), and watches the run as a worker (pipec_run_watch at
 * its idle looks and at the stages' ticks). A run's end is then seen by a
 * thread already running, where the waiting thread of pipec_run_wait has
 * to be woken first: 35-45 us on the reference machine, 15 times what the
 * stop itself takes. A run with thread stages keeps the waiting thread: it
 * interrupts their system calls when they are cancelled (poke).
 */
pipec_status pipec_run_exec(pipec_run *run)
{
	if (run && run->state == RUN_NEW)
		run->serve_caller = true;
	pipec_status st = pipec_run_start(run);
	if (st != PIPEC_OK)
		return st;
	pipec_pool_serve(run);
	return pipec_run_wait(run);
}

void pipec_run_cancel(pipec_run *run)
{
	if (!run)
		return;
	atomic_store(&run->cancel_requested, true);
	pipec_parker_wake(&run->parker);
}

const char *pipec_run_blocked(const pipec_run *run)
{
	return run && run->state == RUN_DONE ? run->blocked_text : NULL;
}

const pipec_error *pipec_run_error(const pipec_run *run)
{
	return run && run->has_err ? &run->err : NULL;
}

void pipec_run_free(pipec_run *run)
{
	if (!run)
		return;
	if (run->state == RUN_STARTED) {
		pipec_run_cancel(run);
		pipec_run_wait(run);
	}
	pipec_pool_free(run); /* the fibers' stacks: nothing runs on them */
	pipec_stage *s = run->stages;
	while (s) {
		pipec_stage *next = s->next;
		stage_drop_all(s); /* a run never started still holds them */
		pipec_tx *tx = atomic_load(&s->txs);
		while (tx) {
			pipec_tx *n = tx->stage_next;
			pipec_tx_free(tx);
			tx = n;
		}
		pipec_rx *rx = atomic_load(&s->rxs);
		while (rx) {
			pipec_rx *n = rx->stage_next;
			pipec_rx_free(rx);
			rx = n;
		}
		if (s->cancel_fd >= 0)
			close(s->cancel_fd);
		pthread_mutex_destroy(&s->fd_mu);
		free(s->fail_msg);
		free(s->name);
		free(s);
		s = next;
	}
	pipec_chan *ch = run->chans;
	while (ch) {
		pipec_chan *next = ch->run_next;
		pipec_chan_unref(ch);
		ch = next;
	}
	free(run->stage_at);
	free(run->chan_at);
	free(run->blocked_text);
	free(run->params);
	free(run->tables_mem);
	pthread_mutex_destroy(&run->mu);
	free(run->name);
	free(run);
}

/* ------------------------------------------------------------------ */
/* Inside a stage                                                      */
/* ------------------------------------------------------------------ */

const char *pipec_stage_name(const pipec_stage *self)
{
	return self ? self->name : NULL;
}

pipec_run *pipec_stage_run(const pipec_stage *self)
{
	return self ? self->run : NULL;
}

bool pipec_cancelled(const pipec_stage *self)
{
	/* A loop that polls this is a loop that never waits: a chance to
	 * let other coroutines run. */
	stage_tick((pipec_stage *)self);
	return stage_is_cancelled(self);
}

int pipec_cancel_fd(pipec_stage *self)
{
	if (!self)
		return -1;
	pthread_mutex_lock(&self->fd_mu);
	if (self->cancel_fd < 0) {
		self->cancel_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		/* Cancelled before the fd existed: signal_cancel_fd found
		 * none to write, so make it readable now. The flag is set
		 * before signal_cancel_fd takes fd_mu, so one of the two
		 * sees the other. */
		if (self->cancel_fd >= 0 && pipec_cancelled(self)) {
			uint64_t one = 1;
			ssize_t r = write(self->cancel_fd, &one, sizeof(one));
			(void)r;
		}
	}
	int fd = self->cancel_fd;
	pthread_mutex_unlock(&self->fd_mu);
	return fd;
}

pipec_status pipec_wait_fd(pipec_stage *self, int fd, short events,
                           pipec_time deadline)
{
	if (fd < 0 || !(events & (POLLIN | POLLOUT | POLLPRI)))
		return PIPEC_EINVAL;
	if (self && self->parker.fiber)
		return pipec_fiber_wait_fd(self, fd, events, deadline);
	int cfd = pipec_cancel_fd(self);
	for (;;) {
		if (pipec_cancelled(self))
			return PIPEC_CANCELLED;
		int timeout = -1;
		if (deadline != PIPEC_FOREVER) {
			pipec_time left = deadline - pipec_now();
			if (left <= 0)
				return PIPEC_TIMEDOUT;
			/* Rounded up: a wait never ends before its deadline. */
			timeout = left / 1000000 >= INT_MAX
			                  ? INT_MAX
			                  : (int)((left + 999999) / 1000000);
		}
		struct pollfd p[2] = {{.fd = fd, .events = events},
		                      {.fd = cfd, .events = POLLIN}};
		int n = poll(p, cfd >= 0 ? 2 : 1, timeout);
		if (n < 0 && errno != EINTR)
			return PIPEC_EINVAL;
		if (n > 0 && p[0].revents)
			return p[0].revents & POLLNVAL ? PIPEC_EINVAL
			                               : PIPEC_OK;
	}
}

pipec_status pipec_sleep_until(pipec_stage *self, pipec_time deadline)
{
	if (!self)
		return PIPEC_EINVAL;
	for (;;) {
		uint32_t tok = pipec_parker_token(&self->parker);
		if (stage_is_cancelled(self))
			return PIPEC_CANCELLED;
		if (!pipec_parker_wait(&self->parker, tok, deadline))
			return PIPEC_OK;
	}
}

int pipec_stage_fail(pipec_stage *self, int code, const char *fmt, ...)
{
	if (!self || !fmt)
		return code;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *msg = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (msg) {
		va_start(ap, fmt);
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
		free(self->fail_msg);
		self->fail_msg = msg;
	}
	return code;
}

/* ------------------------------------------------------------------ */
/* Statistics                                                          */
/* ------------------------------------------------------------------ */

size_t pipec_run_chan_count(const pipec_run *run)
{
	return run ? run->nchans : 0;
}

size_t pipec_run_stage_count(const pipec_run *run)
{
	return run ? run->nstages : 0;
}

bool pipec_run_chan_stats(const pipec_run *run, size_t i, pipec_chan_stats *out)
{
	if (!run || !out || i >= run->nchans)
		return false;
	pipec_chan *ch = run->chan_at[i];
	chan_lock(ch);
	*out = (pipec_chan_stats){
	        .name = ch->name,
	        .capacity = ch->cap,
	        .sent = ch->sent,
	        .received = ch->received,
	        .dropped = ch->dropped,
	        .refused = ch->refused,
	        .peak = ch->peak,
	};
	chan_unlock(ch);
	return true;
}

bool pipec_run_stage_stats(const pipec_run *run, size_t i,
                           pipec_stage_stats *out)
{
	if (!run || !out || i >= run->nstages)
		return false;
	const pipec_stage *s = run->stage_at[i];
	*out = (pipec_stage_stats){
	        .name = s->name,
	        .received = s->received,
	        .sent = s->sent,
	        .discarded = s->discarded,
	        .wait_ns = s->wait_ns,
	        .result = s->result,
	        .cancelled = atomic_load(&s->cancelled),
	};
	return true;
}

void pipec_run_print_stats(const pipec_run *run, void *file)
{
	FILE *f = file ? file : stderr;
	if (!run)
		return;
	fprintf(f, "%-20s %10s %12s %12s %10s %10s %8s\n", "channel",
	        "capacity", "sent", "received", "dropped", "refused", "peak");
	pipec_chan_stats c;
	for (size_t i = 0; pipec_run_chan_stats(run, i, &c); i++) {
		char cap[24];
		if (c.capacity == PIPEC_UNBOUNDED)
			snprintf(cap, sizeof(cap), "unbounded");
		else
			snprintf(cap, sizeof(cap), "%zu", c.capacity);
		fprintf(f, "%-20s %10s %12llu %12llu %10llu %10llu %8zu\n",
		        c.name, cap, (unsigned long long)c.sent,
		        (unsigned long long)c.received,
		        (unsigned long long)c.dropped,
		        (unsigned long long)c.refused, c.peak);
	}
	fprintf(f, "%-20s %12s %12s %10s %12s %7s %s\n", "stage", "received",
	        "sent", "discarded", "waited ms", "result", "cancelled");
	pipec_stage_stats s;
	for (size_t i = 0; pipec_run_stage_stats(run, i, &s); i++)
		fprintf(f, "%-20s %12llu %12llu %10llu %12.3f %7d %s\n", s.name,
		        (unsigned long long)s.received,
		        (unsigned long long)s.sent,
		        (unsigned long long)s.discarded,
		        (double)s.wait_ns / 1e6, s.result,
		        s.cancelled ? "yes" : "no");
}
