/* SPDX-License-Identifier: MIT */
/*
 * pool.c - the pool scheduler; see pool.h.
 *
 * Each worker has a run queue of its own and a one-fiber slot, runnext: a
 * fiber woken by the running fiber (a receiver given a message, a sender
 * given room) goes there and runs as soon as the waker parks, on the same
 * worker, so a producer and its consumer hand messages over without
 * touching another CPU (Go's runnext). A fiber displaced from runnext goes
 * to the queue. A worker with nothing to run takes from the pool's shared
 * queue (fibers woken from outside the pool, and every fiber at the
 * start), then steals half of another worker's queue, spinning a bounded
 * time before it sleeps on its futex; a wake-up starts a sleeping worker
 * only when no worker is spinning already.
 *
 * Parking (pipec_fiber_park) is a switch to the worker's scheduler
 * context; the scheduler then publishes the fiber as PARKED and looks at
 * the parker's counter once more, so a wake that came in between is not
 * lost: either the waker sees PARKED and makes the fiber runnable, or the
 * scheduler sees the wake and does (one compare-and-swap decides).
 *
 * Timed waits put the fiber in the pool's timer heap; fd waits register
 * the fd in the pool's epoll set, watched by a poller thread started at
 * the first wait. Both wake the fiber the same way a channel does.
 *
 * In pipec_run_exec worker 0 is the calling thread (pipec_pool_serve),
 * and the other workers end their threads while the pool has nothing to
 * do ("Retiring"): the end of a run is then seen by a thread awake, with
 * no other to wake and join.
 */
#define _GNU_SOURCE
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fiber.h"

/* ------------------------------------------------------------------ */
/* Structures                                                          */
/* ------------------------------------------------------------------ */

enum fiber_state {
	F_RUNNABLE, /* in a queue or runnext, or about to be */
	F_RUNNING,  /* on a worker */
	F_PARKED,   /* switched away, waiting for a wake */
	F_DONE,     /* its stage has finished */
};

/* Why a fiber switched back to its worker's scheduler. */
enum { WHY_PARK = 1, WHY_DONE = 2, WHY_YIELD = 3 };

/* A worker's thread (see "Retiring"). */
enum worker_state {
	W_ACTIVE,   /* its thread runs the scheduler loop */
	W_RETIRED,  /* its thread has left, or is leaving, the loop */
	W_REVIVING, /* claimed by revive(), which starts a new thread */
	W_GONE,     /* a new thread could not be made: left out for good */
};

typedef struct worker worker;
typedef struct pool pool;

struct pipec_fiber {
	fiber_ctx ctx; /* where it resumes, while not running */
	fiber_stack stack;
	fiber_san san;
	_Atomic int state; /* enum fiber_state */
	pipec_stage *stage;
	pool *pool;
	worker *worker; /* the worker running it, while it runs */

	/* The park in progress, for the scheduler's recheck. */
	_Atomic uint32_t park_token; /* of its stage's parker */
	_Atomic bool park_counts;    /* waits on the run's channels for good
	                                (the deadlock scan) */

	/* Its time slice (pipec_fiber_tick): resumes counts the switches
	 * to it, slice_resumes and slice_start where the slice began. */
	uint32_t resumes, slice_resumes;
	pipec_time slice_start;

	/* Its entry in the timer heap while a timed wait parks it. */
	pipec_time deadline;
	size_t heap_index; /* SIZE_MAX: not in the heap */
};

typedef struct fiber_queue {
	struct pipec_fiber **ring;
	size_t cap, head, len;
} fiber_queue;

struct worker {
	pool *pool;
	unsigned id;
	pthread_t thread;
	bool started;
	fiber_ctx sched_ctx; /* the scheduler loop, while a fiber runs */
	fiber_san san;       /* the thread's own stack */
	struct pipec_fiber *current;
	/* A fiber that switched straight to current as it parked: current
	 * finishes that park once it runs (see "Direct switches"). */
	struct pipec_fiber *handoff;
	_Atomic(struct pipec_fiber *) runnext;
	/* Bumped at every switch to a fiber, and at every fiber taken from
	 * q (by anyone): a thief takes only work that stood still while it
	 * looked (see "Stealing"). */
	_Atomic uint64_t switches;
	_Atomic uint64_t pops;
	unsigned choices; /* fibers chosen by find_quick */

	pthread_mutex_t mu; /* guards q */
	fiber_queue q;
	_Atomic size_t qlen; /* q.len, readable without the lock */

	pipec_parker sleep;     /* where it sleeps when idle */
	pipec_parker *sleep_on; /* &sleep, or the run's parker for worker 0
	                           in pipec_run_exec (see pipec_pool_serve) */
	bool idle;              /* in the pool's idle list (under pool->mu) */
	_Atomic int rstate;     /* enum worker_state (see "Retiring") */
	unsigned rng;
	void *altstack; /* for the stack-overflow report */
};

struct pool {
	pipec_run *run;
	unsigned nworkers;
	_Atomic unsigned nstarted; /* workers whose thread runs */
	_Atomic unsigned nretired; /* workers W_RETIRED */
	_Atomic int reviving;      /* revives under way (see revive) */
	bool caller; /* worker 0 is the thread in pipec_run_exec */
	worker *workers;
	struct pipec_fiber *fibers;
	size_t nfibers;

	/* What follows is written at every idle spell and shared wake: kept
	 * off the cache line of the fields above, which make_ready reads at
	 * every wake (nretired). */
	char apart[64];

	pthread_mutex_t mu; /* guards queue, idle list and timers */
	fiber_queue queue;  /* shared: wakes from outside, the start */
	_Atomic size_t queue_len;
	worker **idle; /* sleeping workers, a stack */
	size_t nidle_list;
	_Atomic int nidle;     /* workers asleep or about to be */
	_Atomic int nspinning; /* workers looking for work */
	_Atomic bool stop;

	/* A deadlock suspected (pool_check_deadlock): every fiber's park
	 * token when it was, and since when. */
	uint32_t *dl_tokens;
	_Atomic bool dl_suspect; /* written under mu */
	pipec_time dl_since;

	/* Timed parks: a min-heap on deadline. */
	struct pipec_fiber **heap;
	size_t heap_len, heap_cap;
	_Atomic pipec_time next_timer; /* heap top's deadline or FOREVER */

	/* fd waits: an epoll set and its poller thread, made at the first
	 * wait; stop_fd (an eventfd in the set) ends the poller. */
	pthread_mutex_t poll_mu;
	int epfd, stop_fd;
	pthread_t poller;
	bool poller_started;
};

/* Deadlock detection (below): how long a suspicion must hold. */
#define DEADLOCK_CONFIRM ((pipec_time)10000000) /* 10 ms */
static bool pool_check_deadlock(pool *pl);

/* The worker running on this thread, if any. Read only through
 * this_worker(), never across a switch: a fiber may resume on another
 * thread, so it learns its worker from the scheduler that resumed it. */
static _Thread_local worker *tls_worker;

__attribute__((noinline)) static worker *this_worker(void)
{
	return tls_worker;
}

/* ------------------------------------------------------------------ */
/* Queues                                                              */
/* ------------------------------------------------------------------ */

static bool queue_push(fiber_queue *q, struct pipec_fiber *f)
{
	if (q->len == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		struct pipec_fiber **r = malloc(cap * sizeof(*r));
		if (!r)
			return false;
		for (size_t i = 0; i < q->len; i++)
			r[i] = q->ring[(q->head + i) % q->cap];
		free(q->ring);
		q->ring = r;
		q->cap = cap;
		q->head = 0;
	}
	q->ring[(q->head + q->len) % q->cap] = f;
	q->len++;
	return true;
}

static struct pipec_fiber *queue_pop(fiber_queue *q)
{
	if (!q->len)
		return NULL;
	struct pipec_fiber *f = q->ring[q->head];
	q->head = (q->head + 1) % q->cap;
	q->len--;
	return f;
}

/*
 * The queues never fail to take a fiber: each has room for every fiber
 * of the pool from the start (pool_new), so a wake needs no memory.
 */
static bool queue_reserve(fiber_queue *q, size_t n)
{
	q->ring = malloc((n ? n : 1) * sizeof(*q->ring));
	q->cap = n ? n : 1;
	q->head = q->len = 0;
	return q->ring != NULL;
}

/* ------------------------------------------------------------------ */
/* Waking workers                                                      */
/* ------------------------------------------------------------------ */

/* Starts one sleeping worker whatever the others do. */
static void wake_one_forced(pool *pl)
{
	pthread_mutex_lock(&pl->mu);
	worker *w = NULL;
	if (pl->nidle_list > 0) {
		w = pl->idle[--pl->nidle_list];
		w->idle = false;
	}
	pthread_mutex_unlock(&pl->mu);
	if (w)
		pipec_parker_wake(w->sleep_on);
}

static void revive(pool *pl);
static void revive_one(pool *pl);
static bool stop_wakes(void);

/* Starts one sleeping worker, unless one is already looking for work
 * (it will find what was just queued); with none asleep, brings back a
 * retired one. */
static void wake_one(pool *pl)
{
	if (atomic_load(&pl->nspinning) > 0)
		return;
	if (atomic_load(&pl->nidle) > 0)
		wake_one_forced(pl);
	else if (atomic_load(&pl->nretired) > 0 && !stop_wakes())
		revive(pl);
}

static void wake_all(pool *pl)
{
	for (unsigned i = 0; i < pl->nworkers; i++)
		pipec_parker_wake(pl->workers[i].sleep_on);
}

/* Makes f (RUNNABLE) run soon: next on the calling worker if it is one of
 * f's pool, else through the shared queue. */
static void make_ready(struct pipec_fiber *f)
{
	pool *pl = f->pool;
	worker *w = this_worker();
	if (w && w->pool == pl) {
		/* Its turn comes on this worker; no other is woken for it
		 * (see find_work: one that looks takes it if it waits long). */
		struct pipec_fiber *old = atomic_exchange(&w->runnext, f);
		if (old) {
			pthread_mutex_lock(&w->mu);
			queue_push(&w->q, old);
			atomic_store(&w->qlen, w->q.len);
			pthread_mutex_unlock(&w->mu);
		}
		/* No worker is left to look: bring one back (see "Retiring";
		 * seq_cst against retire()'s last look). */
		if (atomic_load(&pl->nretired) > 0 && !stop_wakes())
			revive(pl);
		return;
	}
	pthread_mutex_lock(&pl->mu);
	queue_push(&pl->queue, f);
	atomic_store(&pl->queue_len, pl->queue.len);
	pthread_mutex_unlock(&pl->mu);
	wake_one(pl);
}

/* ------------------------------------------------------------------ */
/* Timers                                                              */
/* ------------------------------------------------------------------ */

static void heap_set(pool *pl, size_t i, struct pipec_fiber *f)
{
	pl->heap[i] = f;
	f->heap_index = i;
}

static void heap_up(pool *pl, size_t i)
{
	struct pipec_fiber *f = pl->heap[i];
	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (pl->heap[parent]->deadline <= f->deadline)
			break;
		heap_set(pl, i, pl->heap[parent]);
		i = parent;
	}
	heap_set(pl, i, f);
}

static void heap_down(pool *pl, size_t i)
{
	struct pipec_fiber *f = pl->heap[i];
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= pl->heap_len)
			break;
		if (c + 1 < pl->heap_len &&
		    pl->heap[c + 1]->deadline < pl->heap[c]->deadline)
			c++;
		if (pl->heap[c]->deadline >= f->deadline)
			break;
		heap_set(pl, i, pl->heap[c]);
		i = c;
	}
	heap_set(pl, i, f);
}

static void heap_remove(pool *pl, struct pipec_fiber *f)
{
	size_t i = f->heap_index;
	f->heap_index = SIZE_MAX;
	struct pipec_fiber *last = pl->heap[--pl->heap_len];
	if (last != f) {
		heap_set(pl, i, last);
		heap_up(pl, i);
		heap_down(pl, last->heap_index);
	}
}

static void timers_changed(pool *pl)
{
	atomic_store(&pl->next_timer,
	             pl->heap_len ? pl->heap[0]->deadline : PIPEC_FOREVER);
}

/* Wakes every fiber whose deadline has passed. Its park then returns
 * false (timed out) unless a real wake came too. */
static void fire_timers(pool *pl)
{
	/* Most runs have no timed wait: no clock read then (a read costs
	 * 50-100 ns on the reference machine, a quarter of a hand-off). */
	pipec_time next = atomic_load(&pl->next_timer);
	if (next == PIPEC_FOREVER || next > pipec_now())
		return;
	pipec_time now = pipec_now();
	pthread_mutex_lock(&pl->mu);
	while (pl->heap_len && pl->heap[0]->deadline <= now) {
		struct pipec_fiber *f = pl->heap[0];
		heap_remove(pl, f);
		int parked = F_PARKED;
		if (atomic_compare_exchange_strong(&f->state, &parked,
		                                   F_RUNNABLE)) {
			queue_push(&pl->queue, f);
			atomic_store(&pl->queue_len, pl->queue.len);
		}
	}
	timers_changed(pl);
	pthread_mutex_unlock(&pl->mu);
}

/* ------------------------------------------------------------------ */
/* Finding work                                                        */
/* ------------------------------------------------------------------ */

static struct pipec_fiber *take_local(worker *w)
{
	struct pipec_fiber *f = atomic_exchange(&w->runnext, NULL);
	if (f)
		return f;
	if (atomic_load(&w->qlen) == 0)
		return NULL;
	pthread_mutex_lock(&w->mu);
	f = queue_pop(&w->q);
	atomic_store(&w->qlen, w->q.len);
	pthread_mutex_unlock(&w->mu);
	atomic_fetch_add_explicit(&w->pops, 1, memory_order_relaxed);
	return f;
}

static struct pipec_fiber *take_shared(pool *pl)
{
	if (atomic_load(&pl->queue_len) == 0)
		return NULL;
	pthread_mutex_lock(&pl->mu);
	struct pipec_fiber *f = queue_pop(&pl->queue);
	atomic_store(&pl->queue_len, pl->queue.len);
	pthread_mutex_unlock(&pl->mu);
	return f;
}

/*
 * Stealing. A worker takes work from another only if that work stood
 * still while it looked: the other's queue was not popped (its fiber runs
 * long: a hash of a big file, a loop that never waits), or its runnext not
 * taken. Work that moves is left where it is. Most pipelines are mostly
 * hand-offs, a few hundred nanoseconds of work between two waits; on one
 * worker a hand-off is a switch through runnext (about 100 ns), across
 * two it is a cross-CPU wake, and a thief that took whatever it saw split
 * the stages of such a pipeline over both workers for good: the seed
 * pipeline ran at 0.4-1.2M values/s that way, 2.6-9.4M on one worker.
 * Stages with real work to do still spread: their queues stand still.
 * So do long queues, moving or not: STEAL_LONG fibers waiting on one
 * worker are more than a hand-off pipeline keeps there (the seed
 * pipeline's queues hold at most a few), and enough work for two. A chain
 * of 1,000 forwarding stages made 4.5M hops/s on one worker that way,
 * 9.3M shared by two (Go: 7.8M).
 */
#define STEAL_LONG 8

/* Takes half of victim's queue (one to run, the rest into w's) if it is
 * long or was not popped since pops_seen, or its runnext if no fiber was
 * switched to since switches_seen. */
static struct pipec_fiber *steal_from(worker *w, worker *victim,
                                      uint64_t pops_seen,
                                      uint64_t switches_seen)
{
	struct pipec_fiber *got = NULL;
	size_t qlen = atomic_load(&victim->qlen);
	if (qlen >= STEAL_LONG ||
	    (qlen > 0 &&
	     atomic_load_explicit(&victim->pops, memory_order_relaxed) ==
	             pops_seen)) {
		struct pipec_fiber *moved[32];
		size_t n = 0;
		pthread_mutex_lock(&victim->mu);
		size_t half = (victim->q.len + 1) / 2;
		while (n < half && n < 32)
			moved[n++] = queue_pop(&victim->q);
		atomic_store(&victim->qlen, victim->q.len);
		pthread_mutex_unlock(&victim->mu);
		atomic_fetch_add_explicit(&victim->pops, n,
		                          memory_order_relaxed);
		if (n > 0) {
			got = moved[0];
			if (n > 1) {
				pthread_mutex_lock(&w->mu);
				for (size_t i = 1; i < n; i++)
					queue_push(&w->q, moved[i]);
				atomic_store(&w->qlen, w->q.len);
				pthread_mutex_unlock(&w->mu);
			}
			return got;
		}
	}
	if (atomic_load(&victim->runnext) &&
	    atomic_load_explicit(&victim->switches, memory_order_relaxed) ==
	            switches_seen)
		got = atomic_exchange(&victim->runnext, NULL);
	return got;
}

/* What a thief saw of every worker (at most 64 are watched; with more,
 * stealing looks only at the first 64). */
typedef struct sighting {
	uint64_t pops[64], switches[64];
	bool any_work; /* some worker had a queue or a runnext */
} sighting;

static void sight(pool *pl, sighting *s)
{
	unsigned n = pl->nworkers < 64 ? pl->nworkers : 64;
	s->any_work = false;
	for (unsigned i = 0; i < n; i++) {
		worker *v = &pl->workers[i];
		s->pops[i] =
		        atomic_load_explicit(&v->pops, memory_order_relaxed);
		s->switches[i] = atomic_load_explicit(&v->switches,
		                                      memory_order_relaxed);
		if (atomic_load(&v->qlen) > 0 || atomic_load(&v->runnext))
			s->any_work = true;
	}
}

/* Steals work that stood still since the sighting s. */
static struct pipec_fiber *steal(worker *w, const sighting *s)
{
	pool *pl = w->pool;
	unsigned n = pl->nworkers < 64 ? pl->nworkers : 64;
	unsigned start = (w->rng = w->rng * 1103515245u + 12345u) >> 16;
	for (unsigned k = 0; k < n; k++) {
		worker *v = &pl->workers[(start + k) % n];
		if (v == w)
			continue;
		struct pipec_fiber *f =
		        steal_from(w, v, s->pops[v->id], s->switches[v->id]);
		if (f)
			return f;
	}
	return NULL;
}

/* Takes from w's queue, not its runnext. */
static struct pipec_fiber *take_queued(worker *w)
{
	if (atomic_load(&w->qlen) == 0)
		return NULL;
	pthread_mutex_lock(&w->mu);
	struct pipec_fiber *f = queue_pop(&w->q);
	atomic_store(&w->qlen, w->q.len);
	pthread_mutex_unlock(&w->mu);
	atomic_fetch_add_explicit(&w->pops, 1, memory_order_relaxed);
	return f;
}

/*
 * Every FAIR_EVERY-th choice looks at the shared queue and the worker's
 * queue, each first in turn, and at runnext last: two fibers that hand
 * messages to each other through runnext would otherwise keep a worker to
 * themselves for ever, each parking only to be woken at once by the
 * other, and the fibers queued behind them (the start, wakes from
 * outside) would never run (the stress test found sinks that never
 * started so). Go's scheduler looks at its global queue every 61 ticks
 * for the same reason.
 */
#define FAIR_EVERY 61
static struct pipec_fiber *find_quick(worker *w)
{
	struct pipec_fiber *f;
	if (++w->choices % FAIR_EVERY == 0) {
		/* The two queues take turns at going first. With the shared
		 * queue always first, a stage that never waits (it yields
		 * into the shared queue when its slice is up, and so is
		 * always there) and two that hand the worker to each other
		 * through runnext kept a fiber in the worker's queue from
		 * ever running: the stress test's seed 4004165, one worker. */
		bool mine_first = w->choices / FAIR_EVERY % 2;
		f = mine_first ? take_queued(w) : take_shared(w->pool);
		if (!f)
			f = mine_first ? take_shared(w->pool) : take_queued(w);
		if (f)
			return f;
	}
	f = take_local(w);
	if (!f)
		f = take_shared(w->pool);
	return f;
}

/*
 * Retiring. A run must join every thread it made before it returns (R12),
 * and joining a worker asleep on an idle CPU means waking that CPU first:
 * 30-90 us on the reference machine, where the whole stop of a pipeline
 * takes 2-3 us. So a worker other than worker 0 does not sleep through a
 * pool with nothing to do: once every worker has been idle for
 * RETIRE_IDLE, with nothing queued and no deadlock under watch, it ends
 * its thread (W_RETIRED). Worker 0 stays: it keeps the timers, and the
 * idle looks that recheck for a deadlock. A retired worker comes back
 * (revive: a new thread) as soon as a fiber is readied on a busy worker
 * or queued with no worker asleep to take it, that is, when there might
 * again be work to spread; except for the wakes a stop makes (a stage
 * returning drops its endpoints, a cancel wakes the stages), whose
 * stages are on their way out. A thread costs 20-40 us to make, paid once
 * per idle spell of the pool, not per wake.
 */
#define RETIRE_IDLE ((pipec_time)250000) /* 250 us */

/* The wakes made by a stop (pipec_pool_stop_wakes): counted per thread,
 * read through a call (the fiber making them may move between threads
 * while it runs, though not within one such region). */
static _Thread_local unsigned tls_stop_wakes;

__attribute__((noinline)) void pipec_pool_stop_wakes(bool begin)
{
	if (begin)
		tls_stop_wakes++;
	else
		tls_stop_wakes--;
}

__attribute__((noinline)) static bool stop_wakes(void)
{
	return tls_stop_wakes > 0;
}

static bool start_worker(worker *w);

/* w, idle with the rest of the pool for RETIRE_IDLE, ends its thread.
 * False if work came meanwhile: w stays. */
static bool retire(worker *w)
{
	pool *pl = w->pool;
	atomic_store(&w->rstate, W_RETIRED);
	atomic_fetch_sub(&pl->nstarted, 1);
	atomic_fetch_add(&pl->nretired, 1);
	/* A fiber readied before the waker could see nretired: look once
	 * more (both sides are seq_cst, so one of them sees the other). */
	sighting s;
	sight(pl, &s);
	if (!s.any_work && atomic_load(&pl->queue_len) == 0)
		return true;
	int retired = W_RETIRED;
	if (!atomic_compare_exchange_strong(&w->rstate, &retired, W_ACTIVE))
		return true; /* revive() has it: it joins this thread */
	atomic_fetch_sub(&pl->nretired, 1);
	atomic_fetch_add(&pl->nstarted, 1);
	return false;
}

/*
 * Brings back one retired worker on a new thread. A fiber's wake from
 * outside the pool (the fd poller's) may do it while the pool is being
 * joined: pipec_pool_join sets stop and then waits for pl->reviving to
 * fall to zero, and a revive counts itself in before it looks at stop
 * (both seq_cst), so either the revive gives up or the join waits for
 * its thread to be made, and joins it.
 */
static void revive(pool *pl)
{
	atomic_fetch_add(&pl->reviving, 1);
	if (!atomic_load(&pl->stop))
		revive_one(pl);
	atomic_fetch_sub(&pl->reviving, 1);
}

static void revive_one(pool *pl)
{
	for (unsigned i = 1; i < pl->nworkers; i++) {
		worker *w = &pl->workers[i];
		int retired = W_RETIRED;
		if (atomic_load(&w->rstate) != W_RETIRED ||
		    !atomic_compare_exchange_strong(&w->rstate, &retired,
		                                    W_REVIVING))
			continue;
		atomic_fetch_sub(&pl->nretired, 1);
		atomic_fetch_add(&pl->nstarted, 1);
		/* Its old thread has left the scheduler loop, or is about
		 * to: the join is short. */
		pthread_join(w->thread, NULL);
		w->started = false;
		/* Active before it runs: the new thread may retire again. */
		atomic_store(&w->rstate, W_ACTIVE);
		if (!start_worker(w)) {
			atomic_fetch_sub(&pl->nstarted, 1);
			atomic_store(&w->rstate, W_GONE);
		}
		return;
	}
}

/*
 * The next fiber for w, sleeping when there is none; NULL once the pool
 * stops, or w retires. Spinning is bounded: SPIN_ROUNDS looks, each with
 * a sched_yield (0.8-0.9 ms here), while another worker has work (it may
 * stand still soon; a short spin left the seed pipeline at CAP 1024 on
 * one CPU for a STEAL_CHECK at a time, 4.5-9.5M values/s against a steady
 * 8.3-9.5M); SPIN_IDLE when the pool has none (a pause: sleep, and
 * retire, soon). Stealing happens only in the spin's second half, and only work
 * that stood still since the spin began (see "Stealing"). A sleeping worker
 * looks again every STEAL_CHECK while another worker has work queued, and takes
 * what stood still all along: so no wake of another thread is made for work
 * that only waits its turn on a busy worker (such a wake costs the waker a
 * system call, 1-2 us, and was made at every hand-off that displaced
 * runnext), yet a stage stuck behind a long-running one moves within
 * 100 us. A worker other than worker 0 that saw no work anywhere looks
 * again after RETIRE_IDLE, and retires if the whole pool stayed idle (see
 * "Retiring"); work readied meanwhile on a busy worker (a stage woken by
 * one that then computes for long) moves within that. Worker 0 looks
 * again after IDLE_LOOK_MIN, then after twice as long each time up to
 * IDLE_LOOK_MAX: an idle pool costs about a hundred wake-ups a second.
 */
#define SPIN_ROUNDS   200
#define SPIN_IDLE     ((pipec_time)50000)    /* 50 us */
#define STEAL_CHECK   ((pipec_time)100000)   /* 100 us */
#define IDLE_LOOK_MIN ((pipec_time)1000000)  /* 1 ms */
#define IDLE_LOOK_MAX ((pipec_time)16000000) /* 16 ms */
static struct pipec_fiber *find_work(worker *w)
{
	pool *pl = w->pool;
	sighting seen;
	bool spin = true;
	pipec_time idle_look = IDLE_LOOK_MIN;
	for (;;) {
		if (atomic_load(&pl->stop))
			return NULL;
		fire_timers(pl);
		struct pipec_fiber *f = find_quick(w);
		if (f)
			return f;
		/* In pipec_run_exec the pool watches the run itself: here as
		 * a worker goes idle, and at the stages' ticks while it is
		 * busy (not at every switch: with a deadline, a watch reads
		 * the clock, 7% of a forwarding chain's time). */
		pipec_time watch =
		        pl->caller ? pipec_run_watch(pl->run) : PIPEC_FOREVER;
		if (pl->caller && (f = find_quick(w)))
			return f; /* a cancel just readied stages here */

		if (spin) {
			atomic_fetch_add(&pl->nspinning, 1);
			sight(pl, &seen);
			pipec_time t0 = pipec_now();
			for (int r = 0; !f; r++) {
				/* Busy: another worker runs, and there was work
				 * in view. Else nothing runs that could ready
				 * work here: a short spin. */
				bool busy =
				        seen.any_work &&
				        atomic_load(&pl->nidle) + 1 <
				                (int)atomic_load(&pl->nstarted);
				pipec_time t = busy ? 0 : pipec_now() - t0;
				if (busy ? r >= SPIN_ROUNDS : t >= SPIN_IDLE)
					break;
				f = find_quick(w);
				if (!f && (busy ? r >= SPIN_ROUNDS / 2
				                : t >= SPIN_IDLE / 2))
					f = steal(w, &seen);
				if (!f && atomic_load(&pl->stop))
					break;
				if (!f)
					sched_yield();
			}
			atomic_fetch_sub(&pl->nspinning, 1);
			if (f) {
				/* Others may have work too: keep one
				 * looking. */
				wake_one(pl);
				return f;
			}
		}

		/* Sleep. Registering as idle before the last look means a
		 * fiber queued after that look wakes us. */
		uint32_t tok = pipec_parker_token(w->sleep_on);
		pthread_mutex_lock(&pl->mu);
		if (!w->idle) {
			w->idle = true;
			pl->idle[pl->nidle_list++] = w;
		}
		atomic_fetch_add(&pl->nidle, 1);
		pipec_time next =
		        pl->heap_len ? pl->heap[0]->deadline : PIPEC_FOREVER;
		pthread_mutex_unlock(&pl->mu);
		if (watch < next)
			next = watch;
		f = find_quick(w);
		sight(pl, &seen);
		if (!f &&
		    atomic_load(&pl->nidle) ==
		            (int)atomic_load(&pl->nstarted) &&
		    pool_check_deadlock(pl)) {
			/* Stuck, as far as one look can tell: look again
			 * after a while (see pool_check_deadlock). */
			pipec_time again = pipec_now() + DEADLOCK_CONFIRM;
			if (again < next)
				next = again;
		}
		if (!f) /* a deadlock declared just now readied fibers here */
			f = find_quick(w);
		/* A look at the end of the idle spell for the next fiber, or
		 * for a chance to retire. */
		bool retire_look = false;
		if (!f) {
			pipec_time look = pipec_now();
			if (seen.any_work) {
				look += STEAL_CHECK;
			} else if (w->id != 0) {
				look += RETIRE_IDLE;
				retire_look = true;
			} else {
				look += idle_look;
				if (idle_look < IDLE_LOOK_MAX)
					idle_look *= 2;
			}
			if (look < next)
				next = look;
		}
		if (!f && !atomic_load(&pl->stop))
			pipec_parker_wait(w->sleep_on, tok, next);
		atomic_fetch_sub(&pl->nidle, 1);
		pthread_mutex_lock(&pl->mu);
		if (w->idle) {
			for (size_t i = 0; i < pl->nidle_list; i++)
				if (pl->idle[i] == w) {
					pl->idle[i] =
					        pl->idle[--pl->nidle_list];
					break;
				}
			w->idle = false;
		}
		pthread_mutex_unlock(&pl->mu);
		if (f)
			return f;
		/* Work that stood still all through the sleep. */
		if ((f = steal(w, &seen))) {
			wake_one(pl);
			return f;
		}
		bool woken = pipec_parker_token(w->sleep_on) != tok;
		/* Retire if the whole pool stayed idle, and no deadlock is
		 * under watch (its second look may be this worker's). */
		if (retire_look && !woken && !atomic_load(&pl->stop) &&
		    atomic_load(&pl->nidle) + 1 ==
		            (int)atomic_load(&pl->nstarted) &&
		    !atomic_load(&pl->dl_suspect) && retire(w))
			return NULL;
		if (woken)
			idle_look = IDLE_LOOK_MIN;
		/* Woken for work: spin for it. Back from a look: unless the
		 * top of the loop finds something, sleep again. */
		spin = woken;
	}
}

/* ------------------------------------------------------------------ */
/* Running fibers                                                      */
/* ------------------------------------------------------------------ */

/*
 * The scheduler's side of a park: f has switched away. Once f is
 * published as PARKED a waker may make it runnable, and another worker
 * run it and park it again: nothing here may rely on f's park after the
 * store, so the token is read first.
 */
static void parked(worker *w, struct pipec_fiber *f)
{
	(void)w;
	uint32_t token =
	        atomic_load_explicit(&f->park_token, memory_order_relaxed);
	atomic_store(&f->state, F_PARKED);
	if (atomic_load(&f->stage->parker.seq) != token) {
		int parked = F_PARKED;
		if (atomic_compare_exchange_strong(&f->state, &parked,
		                                   F_RUNNABLE))
			make_ready(f);
	}
}

/* Makes f the fiber w runs (before the switch to it). */
static void set_running(worker *w, struct pipec_fiber *f)
{
	w->current = f;
	f->worker = w;
	f->resumes++;
	/* Plain stores (a locked add and an xchg at every switch before):
	 * wakers only look for F_PARKED, which RUNNABLE already was not, and
	 * switches has one writer, this worker. */
	atomic_store_explicit(&f->state, F_RUNNING, memory_order_release);
	atomic_store_explicit(
	        &w->switches,
	        atomic_load_explicit(&w->switches, memory_order_relaxed) + 1,
	        memory_order_relaxed);
}

/*
 * Direct switches. A fiber that parks with a fiber in its worker's
 * runnext switches straight to it, not through the scheduler loop, which
 * would only take runnext and switch again: that is one switch and the
 * loop's look for work saved at every hand-off (a hop along a chain of
 * stages went from about 740 instructions to 660, cachegrind). The park is
 * finished (parked()) by the fiber switched to, once the parking fiber's
 * stack is no longer in use, as the scheduler does after a switch back
 * to it. The scheduler's fairness count is kept: every FAIR_EVERY-th
 * choice goes through the loop, which then looks at the queues before
 * runnext (find_quick).
 */
static struct pipec_fiber *direct_next(worker *w)
{
	if (!atomic_load_explicit(&w->runnext, memory_order_relaxed) ||
	    (w->choices + 1) % FAIR_EVERY == 0)
		return NULL;
	struct pipec_fiber *g = atomic_exchange(&w->runnext, NULL);
	if (g)
		w->choices++;
	return g;
}

/* What a fiber does first when a switch to it returns, on worker w, the
 * switch coming from the context from: finishes the park of the fiber
 * that switched straight to it, or notes where the scheduler is. */
static void resumed(worker *w, fiber_ctx from)
{
	struct pipec_fiber *prev = w->handoff;
	if (prev) {
		w->handoff = NULL;
		prev->ctx = from;
		parked(w, prev);
	} else {
		w->sched_ctx = from;
	}
}

static void run_fiber(worker *w, struct pipec_fiber *f)
{
	set_running(w, f);
	fiber_ctx back;
	intptr_t why = (intptr_t)pipec_fiber_switch(&w->san, &f->san, f->ctx, w,
	                                            &back, false);
	/* The fiber back here is not f if f switched straight to another. */
	f = w->current;
	f->ctx = back;
	w->current = NULL;
	if (why == WHY_PARK) {
		parked(w, f);
	} else if (why == WHY_YIELD) {
		/* To the back of the shared queue, which every worker looks
		 * at once its own work is done: the fibers it was keeping
		 * from running go first. */
		atomic_store(&f->state, F_RUNNABLE);
		pool *pl = w->pool;
		pthread_mutex_lock(&pl->mu);
		queue_push(&pl->queue, f);
		atomic_store(&pl->queue_len, pl->queue.len);
		pthread_mutex_unlock(&pl->mu);
	} else {
		atomic_store(&f->state, F_DONE);
	}
}

static void fiber_entry(fiber_transfer t)
{
	worker *w = t.data;
	resumed(w, t.from);
	struct pipec_fiber *f = w->current;
	pipec_fiber_started(&f->san, &w->san);
	pipec_stage_body(f->stage);
	/* The worker running us now (we may have moved). */
	w = f->worker;
	pipec_fiber_switch(&f->san, &w->san, w->sched_ctx,
	                   (void *)(intptr_t)WHY_DONE, NULL, true);
	abort(); /* a finished fiber is never resumed */
}

bool pipec_fiber_park(struct pipec_fiber *f, pipec_parker *p, uint32_t token,
                      pipec_time deadline)
{
	if (atomic_load(&p->seq) != token)
		return true;
	pool *pl = f->pool;
	bool timed = deadline != PIPEC_FOREVER;
	if (timed) {
		if (pipec_now() >= deadline)
			return false;
		f->deadline = deadline;
		pthread_mutex_lock(&pl->mu);
		if (pl->heap_len == pl->heap_cap) {
			/* Room for every fiber was made at the start. */
			pthread_mutex_unlock(&pl->mu);
			abort();
		}
		pl->heap[pl->heap_len++] = f;
		heap_up(pl, pl->heap_len - 1);
		timers_changed(pl);
		pthread_mutex_unlock(&pl->mu);
	}
	pipec_stage *s = f->stage;
	atomic_store_explicit(&f->park_token, token, memory_order_relaxed);
	const pipec_chan *ch =
	        atomic_load_explicit(&s->wait_chan, memory_order_relaxed);
	atomic_store_explicit(&f->park_counts, !timed && ch && ch->in_run,
	                      memory_order_relaxed);

	worker *w = f->worker;
	fiber_ctx back;
	struct pipec_fiber *g = direct_next(w);
	if (g) {
		w->handoff = f;
		set_running(w, g);
		w = pipec_fiber_switch(&f->san, &g->san, g->ctx, w, &back,
		                       false);
	} else {
		w = pipec_fiber_switch(&f->san, &w->san, w->sched_ctx,
		                       (void *)(intptr_t)WHY_PARK, &back,
		                       false);
	}
	resumed(w, back);

	/* Woken before its deadline, it is still in the heap, unless a
	 * worker firing timers takes it out right now: the index is read
	 * under the lock. */
	if (timed) {
		pthread_mutex_lock(&pl->mu);
		if (f->heap_index != SIZE_MAX) {
			heap_remove(pl, f);
			timers_changed(pl);
		}
		pthread_mutex_unlock(&pl->mu);
	}
	if (atomic_load(&p->seq) != token)
		return true;
	return !timed || pipec_now() < deadline;
}

/* Whether any fiber of the pool but the caller waits to run. */
static bool others_runnable(pool *pl, const worker *self)
{
	if (atomic_load(&pl->queue_len) > 0 || atomic_load(&self->runnext) ||
	    atomic_load(&self->qlen) > 0)
		return true;
	for (unsigned i = 0; i < pl->nworkers; i++)
		if (atomic_load(&pl->workers[i].qlen) > 0)
			return true;
	return false;
}

/*
 * Scheduling is cooperative: a fiber runs until it waits. One that never
 * waits (a producer into an unbounded channel, a loop that polls
 * pipec_cancelled) would keep the fibers queued behind it from ever
 * running, so the runtime's calls count as chances to yield: every
 * STAGE_TICK_EVERY calls (internal.h), a fiber that has run for more than SLICE
 * without waiting goes to the back of the shared queue, if anything else
 * waits to run. The counting costs an increment per call.
 */
#define SLICE ((pipec_time)2000000) /* 2 ms */
void pipec_fiber_tick(struct pipec_fiber *f)
{
	pipec_time now = pipec_now();
	/* Timers are fired by workers looking for work; with every worker
	 * busy, the ticks fire them (a stage parked until a deadline would
	 * otherwise wait for a worker to go idle). */
	fire_timers(f->pool);
	/* A cancel or the deadline reaches a busy pool serving its caller
	 * here (an idle one acts at once: see find_work). */
	if (f->pool->caller)
		pipec_run_watch(f->pool->run);
	if (f->slice_resumes != f->resumes) {
		f->slice_resumes = f->resumes;
		f->slice_start = now;
		return;
	}
	if (now - f->slice_start < SLICE ||
	    !others_runnable(f->pool, f->worker))
		return;
	worker *w = f->worker;
	fiber_ctx back;
	w = pipec_fiber_switch(&f->san, &w->san, w->sched_ctx,
	                       (void *)(intptr_t)WHY_YIELD, &back, false);
	resumed(w, back);
}

void pipec_fiber_wake(struct pipec_fiber *f)
{
	int parked = F_PARKED;
	if (atomic_load(&f->state) != F_PARKED ||
	    !atomic_compare_exchange_strong(&f->state, &parked, F_RUNNABLE))
		return;
	make_ready(f);
}

pipec_stage *pipec_fiber_self_stage(void)
{
	worker *w = this_worker();
	return w && w->current ? w->current->stage : NULL;
}

pipec_parker *pipec_fiber_self_parker(void)
{
	pipec_stage *s = pipec_fiber_self_stage();
	return s ? &s->parker : NULL;
}

/* ------------------------------------------------------------------ */
/* Stack overflow                                                      */
/* ------------------------------------------------------------------ */

/* Appends s to the buffer at *p (ending at end), signal-safely. */
static void put(char **p, char *end, const char *s)
{
	while (*s && *p < end)
		*(*p)++ = *s++;
}

static void put_num(char **p, char *end, size_t v)
{
	char d[24];
	int n = 0;
	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < 23);
	while (n > 0 && *p < end)
		*(*p)++ = d[--n];
}

/* A fault in a fiber's guard page is a stack overflow: say which stage
 * overflowed, then let the default action end the process. */
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	worker *w = tls_worker;
	struct pipec_fiber *f = w ? w->current : NULL;
	if (f) {
		char *lo = f->stack.map;
		char *addr = si->si_addr;
		char *usable = pipec_fiber_stack_lo(&f->stack);
		if (addr >= lo - 65536 && addr < usable) {
			char msg[512], *p = msg, *end = msg + sizeof(msg) - 1;
			pipec_run *run = f->stage->run;
			put(&p, end, run->prog ? run->prog : "pipec");
			put(&p, end, ": stage '");
			put(&p, end, f->stage->name);
			put(&p, end, "' overflowed its stack of ");
			put_num(&p, end,
			        pipec_fiber_stack_size(&f->stack) / 1024);
			put(&p, end,
			    " KiB: give it a bigger one with "
			    "stack(SIZE) in the .pipe file\n");
			ssize_t r = write(2, msg, (size_t)(p - msg));
			(void)r;
		}
	}
	signal(sig, SIG_DFL); /* the fault repeats, and kills */
}

/* Installs the handler, unless someone else (a sanitizer, the program)
 * handles SIGSEGV already. */
static void install_overflow_handler(void)
{
	struct sigaction old;
	if (sigaction(SIGSEGV, NULL, &old) != 0 || old.sa_handler != SIG_DFL ||
	    (old.sa_flags & SA_SIGINFO))
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
}

static void overflow_handler_install(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, install_overflow_handler);
}

/* ------------------------------------------------------------------ */
/* Workers                                                             */
/* ------------------------------------------------------------------ */

#define ALTSTACK_SIZE (64 * 1024)
#define WORKER_STACK  (256 * 1024)

/*
 * The signal stack of a thread that serves as worker 0 (pipec_run_exec),
 * for the stack-overflow report: made at its first run, and kept while the
 * thread lives (the key's destructor unmaps it when it ends; the main
 * thread's goes with the process). Putting one in place and taking it
 * away again cost a system call each, and taking it away came after the
 * last stage's return: 1.2 us of a stop that takes 2-3. A thread that has
 * a signal stack of its own keeps it (under AddressSanitizer every thread
 * has one). The pool's own workers put theirs in place for the thread's
 * life, and the thread's own back as it ends.
 */
static pthread_key_t caller_alt_key;
static pthread_once_t caller_alt_once = PTHREAD_ONCE_INIT;
static _Thread_local void *caller_alt;

/* Unmapped only if still in place: a sanitizer's end of the thread may
 * have unmapped the thread's signal stack already (AddressSanitizer does,
 * whoever made it), and another mapping may have taken its place. One the
 * program replaced is left mapped. */
static void caller_alt_free(void *alt)
{
	stack_t ss = {.ss_flags = SS_DISABLE}, cur;
	if (sigaltstack(NULL, &cur) == 0 && cur.ss_sp == alt &&
	    !(cur.ss_flags & SS_DISABLE)) {
		sigaltstack(&ss, NULL);
		munmap(alt, ALTSTACK_SIZE);
	}
}

static void caller_alt_key_make(void)
{
	if (pthread_key_create(&caller_alt_key, caller_alt_free) != 0)
		caller_alt_key = (pthread_key_t)-1;
}

static void caller_alt_install(void)
{
	stack_t cur;
	if (sigaltstack(NULL, &cur) != 0 ||
	    (!(cur.ss_flags & SS_DISABLE) && cur.ss_sp != NULL))
		return; /* ours already, or the thread's own */
	pthread_once(&caller_alt_once, caller_alt_key_make);
	if (!caller_alt) {
		void *alt = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
		                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (alt == MAP_FAILED)
			return;
		if (caller_alt_key == (pthread_key_t)-1 ||
		    pthread_setspecific(caller_alt_key, alt) != 0) {
			munmap(alt, ALTSTACK_SIZE);
			return;
		}
		caller_alt = alt;
	}
	stack_t ss = {.ss_sp = caller_alt, .ss_size = ALTSTACK_SIZE};
	sigaltstack(&ss, NULL);
}

/* The scheduler loop of w on the calling thread, until the pool stops. */
static void serve(worker *w)
{
	tls_worker = w;
	pipec_fiber_san_thread(&w->san);
	bool caller = w->id == 0 && w->pool->caller;
	stack_t ss = {.ss_sp = w->altstack, .ss_size = ALTSTACK_SIZE}, old;
	bool alt = !caller && w->altstack && sigaltstack(&ss, &old) == 0;
	if (caller)
		caller_alt_install();
	struct pipec_fiber *f;
	while ((f = find_work(w)))
		run_fiber(w, f);
	if (alt) {
		/* The thread's own back before it ends (AddressSanitizer
		 * unmaps whatever signal stack a thread ends with). */
		if (old.ss_flags & SS_DISABLE) {
			ss.ss_flags = SS_DISABLE;
			sigaltstack(&ss, NULL);
		} else {
			sigaltstack(&old, NULL);
		}
	}
	tls_worker = NULL;
}

static void *worker_main(void *arg)
{
	serve(arg);
	return NULL;
}

static bool start_worker(worker *w)
{
	/* A worker's own stack runs only the scheduler loop (stages run on
	 * theirs): a small one is quicker to make and to release at the end
	 * of the run. */
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WORKER_STACK);
	int err = pthread_create(&w->thread, &attr, worker_main, w);
	pthread_attr_destroy(&attr);
	w->started = err == 0;
	return w->started;
}

static unsigned cpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

/* ------------------------------------------------------------------ */
/* A run's pool                                                        */
/* ------------------------------------------------------------------ */

static void pool_release(pool *pl)
{
	for (size_t i = 0; i < pl->nfibers; i++) {
		pipec_fiber_san_fini(&pl->fibers[i].san);
		pipec_fiber_stack_free(&pl->fibers[i].stack);
	}
	for (unsigned i = 0; i < pl->nworkers; i++) {
		free(pl->workers[i].q.ring);
		free(pl->workers[i].altstack);
		pthread_mutex_destroy(&pl->workers[i].mu);
	}
	if (pl->epfd >= 0)
		close(pl->epfd);
	if (pl->stop_fd >= 0)
		close(pl->stop_fd);
	free(pl->queue.ring);
	free(pl->idle);
	free(pl->heap);
	free(pl->dl_tokens);
	free(pl->fibers);
	free(pl->workers);
	pthread_mutex_destroy(&pl->poll_mu);
	pthread_mutex_destroy(&pl->mu);
	free(pl);
}

static pool *pool_new(pipec_run *run, unsigned nworkers)
{
	pool *pl = calloc(1, sizeof(*pl));
	if (!pl)
		return NULL;
	pl->run = run;
	pl->epfd = pl->stop_fd = -1;
	pthread_mutex_init(&pl->mu, NULL);
	pthread_mutex_init(&pl->poll_mu, NULL);
	atomic_init(&pl->next_timer, PIPEC_FOREVER);
	size_t n = 0;
	for (pipec_stage *s = run->stages; s; s = s->next)
		n += !s->own_thread;
	if (nworkers == 0)
		nworkers = cpus();
	if (nworkers > n)
		nworkers = n ? (unsigned)n : 1;
	pl->fibers = calloc(n ? n : 1, sizeof(*pl->fibers));
	pl->workers = calloc(nworkers, sizeof(*pl->workers));
	pl->idle = calloc(nworkers, sizeof(*pl->idle));
	pl->heap = calloc(n ? n : 1, sizeof(*pl->heap));
	pl->heap_cap = n;
	pl->dl_tokens = calloc(n ? n : 1, sizeof(*pl->dl_tokens));
	if (!pl->fibers || !pl->workers || !pl->idle || !pl->heap ||
	    !pl->dl_tokens || !queue_reserve(&pl->queue, n)) {
		pool_release(pl);
		return NULL;
	}
	pl->nworkers = nworkers;
	for (unsigned i = 0; i < nworkers; i++) {
		worker *w = &pl->workers[i];
		w->pool = pl;
		w->id = i;
		w->rng = i * 2654435761u + 1;
		w->sleep_on = &w->sleep;
		pthread_mutex_init(&w->mu, NULL);
		w->altstack = malloc(ALTSTACK_SIZE);
		if (!w->altstack || !queue_reserve(&w->q, n)) {
			pool_release(pl);
			return NULL;
		}
	}
	for (pipec_stage *s = run->stages; s; s = s->next) {
		if (s->own_thread)
			continue;
		struct pipec_fiber *f = &pl->fibers[pl->nfibers++];
		f->stage = s;
		f->pool = pl;
		f->heap_index = SIZE_MAX;
		if (!pipec_fiber_stack_new(
		            &f->stack, s->stack_size ? s->stack_size
		                                     : PIPEC_STACK_DEFAULT)) {
			pl->nfibers--;
			f->stage = NULL;
			pool_release(pl);
			return NULL;
		}
		pipec_fiber_san_init(&f->san, &f->stack);
		f->ctx = pipec_fiber_make(&f->stack, fiber_entry);
		atomic_init(&f->state, F_RUNNABLE);
	}
	return pl;
}

pipec_status pipec_pool_start(pipec_run *run, unsigned nworkers, bool caller)
{
	pool *pl = pool_new(run, nworkers);
	if (!pl)
		return PIPEC_NOMEM;
	run->pool = pl;
	pl->caller = caller;
	for (size_t i = 0; i < pl->nfibers; i++) {
		pl->fibers[i].stage->parker.fiber = &pl->fibers[i];
		queue_push(&pl->queue, &pl->fibers[i]);
	}
	atomic_store(&pl->queue_len, pl->queue.len);
	overflow_handler_install();
	/* Worker 0 of a pool serving its caller sleeps on the run's parker,
	 * so that pipec_run_cancel wakes it. */
	if (caller)
		pl->workers[0].sleep_on = &run->parker;
	/* Counted before the threads start (they read it), less those
	 * that could not. */
	atomic_store(&pl->nstarted, pl->nworkers);
	unsigned started = caller;
	for (unsigned i = caller; i < pl->nworkers; i++) {
		if (start_worker(&pl->workers[i]))
			started++;
		else
			atomic_store(&pl->workers[i].rstate, W_GONE);
	}
	atomic_store(&pl->nstarted, started);
	if (started == 0) {
		for (size_t i = 0; i < pl->nfibers; i++)
			pl->fibers[i].stage->parker.fiber = NULL;
		run->pool = NULL;
		pool_release(pl);
		return PIPEC_NOMEM;
	}
	/* Workers that could not start are never woken nor stolen from:
	 * nothing is queued on them. */
	return PIPEC_OK;
}

void pipec_pool_serve(pipec_run *run)
{
	pool *pl = run->pool;
	if (pl && pl->caller)
		serve(&pl->workers[0]);
}

void pipec_pool_stop(pipec_run *run)
{
	pool *pl = run->pool;
	if (pl && !atomic_exchange(&pl->stop, true))
		wake_all(pl);
}

void pipec_pool_join(pipec_run *run)
{
	pool *pl = run->pool;
	if (!pl)
		return;
	pipec_pool_stop(run);
	/* A revive under way finishes first (see revive). */
	while (atomic_load(&pl->reviving) > 0)
		sched_yield();
	for (unsigned i = 0; i < pl->nworkers; i++)
		if (pl->workers[i].started)
			pthread_join(pl->workers[i].thread, NULL);
	pthread_mutex_lock(&pl->poll_mu);
	bool poller = pl->poller_started;
	pl->poller_started = false;
	pthread_mutex_unlock(&pl->poll_mu);
	if (poller) {
		uint64_t one = 1;
		ssize_t r = write(pl->stop_fd, &one, sizeof(one));
		(void)r;
		pthread_join(pl->poller, NULL);
	}
}

void pipec_pool_free(pipec_run *run)
{
	if (run->pool)
		pool_release(run->pool);
	run->pool = NULL;
}

/* ------------------------------------------------------------------ */
/* Deadlock                                                            */
/* ------------------------------------------------------------------ */

/*
 * Whether every fiber not finished is parked for good: on the run's
 * channels, with no deadline, no wake on its way; tokens gets each one's
 * park token, or is compared with them (second).
 */
static bool all_parked(pool *pl, uint32_t *tokens, bool second)
{
	for (size_t i = 0; i < pl->nfibers; i++) {
		struct pipec_fiber *f = &pl->fibers[i];
		int st = atomic_load(&f->state);
		if (st == F_DONE)
			continue;
		uint32_t tok = atomic_load_explicit(&f->park_token,
		                                    memory_order_relaxed);
		if (st != F_PARKED || !atomic_load(&f->park_counts) ||
		    atomic_load(&f->stage->parker.seq) != tok ||
		    (second && tokens[i] != tok))
			return false;
		tokens[i] = tok;
	}
	return true;
}

/*
 * Called by the last worker to go idle (and by the last thread stage to
 * finish): a deadlock needs every worker idle, so detection costs nothing
 * while anything runs. Two scans: a fiber found parked with the same
 * token and no wake in both was parked all along between them (a wake
 * bumps its parker's counter, and a new park takes the new value as its
 * token), so at that moment every fiber was parked for good, and nothing
 * that is not a fiber of the run (a thread stage, a timer, an fd) could
 * wake one. Even so the run is declared deadlocked only if a look
 * DEADLOCK_CONFIRM later finds every fiber in the very same park: what
 * costs a stuck run 10 ms would cost a run that was not stuck its result.
 * Returns true while a deadlock is suspected and not yet confirmed.
 */
static bool pool_check_deadlock(pool *pl)
{
	pipec_run *run = pl->run;
	/* A run being cancelled is not stuck: the cancel is on its way to
	 * every stage. */
	if (atomic_load(&run->live) <= 0 ||
	    atomic_load(&run->live_threads) > 0 ||
	    atomic_load(&run->stopping) || atomic_load(&run->cancel_requested))
		return false;
	uint32_t *tokens = malloc(pl->nfibers * sizeof(*tokens) + 1);
	if (!tokens)
		return false;
	bool stuck =
	        all_parked(pl, tokens, false) && all_parked(pl, tokens, true);
	bool declare = false, suspect = false;
	pthread_mutex_lock(&pl->mu);
	if (!stuck) {
		atomic_store(&pl->dl_suspect, false);
	} else if (atomic_load(&pl->dl_suspect) &&
	           memcmp(pl->dl_tokens, tokens,
	                  pl->nfibers * sizeof(*tokens)) == 0) {
		declare = pipec_now() >= pl->dl_since + DEADLOCK_CONFIRM;
		suspect = !declare;
	} else {
		memcpy(pl->dl_tokens, tokens, pl->nfibers * sizeof(*tokens));
		atomic_store(&pl->dl_suspect, true);
		pl->dl_since = pipec_now();
		suspect = true;
	}
	pthread_mutex_unlock(&pl->mu);
	free(tokens);
	if (declare)
		pipec_run_deadlocked(run);
	return suspect;
}

void pipec_pool_check_deadlock(pipec_run *run)
{
	if (run->pool && pool_check_deadlock(run->pool))
		/* The workers are idle: one must look again. */
		wake_one_forced(run->pool);
}

/* ------------------------------------------------------------------ */
/* Waiting for a file descriptor                                       */
/* ------------------------------------------------------------------ */

static void *poller_main(void *arg)
{
	pool *pl = arg;
	struct epoll_event ev[64];
	for (;;) {
		int n = epoll_wait(pl->epfd, ev, 64, -1);
		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			if (!ev[i].data.ptr)
				return NULL; /* stop_fd */
			pipec_stage *s = ev[i].data.ptr;
			pipec_parker_wake(&s->parker);
		}
	}
	return NULL;
}

/* The pool's epoll set and poller, made at the first fd wait. */
static bool poller_ready(pool *pl)
{
	bool ok = true;
	pthread_mutex_lock(&pl->poll_mu);
	if (!pl->poller_started && !atomic_load(&pl->stop)) {
		if (pl->epfd < 0)
			pl->epfd = epoll_create1(EPOLL_CLOEXEC);
		if (pl->stop_fd < 0 && pl->epfd >= 0) {
			pl->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
			struct epoll_event ev = {.events = EPOLLIN,
			                         .data.ptr = NULL};
			if (pl->stop_fd >= 0 &&
			    epoll_ctl(pl->epfd, EPOLL_CTL_ADD, pl->stop_fd,
			              &ev) != 0) {
				close(pl->stop_fd);
				pl->stop_fd = -1;
			}
		}
		ok = pl->epfd >= 0 && pl->stop_fd >= 0 &&
		     pthread_create(&pl->poller, NULL, poller_main, pl) == 0;
		pl->poller_started = ok;
	}
	pthread_mutex_unlock(&pl->poll_mu);
	return ok;
}

static bool fd_ready(int fd, short events, pipec_status *st)
{
	struct pollfd p = {.fd = fd, .events = events};
	int n = poll(&p, 1, 0);
	if (n > 0) {
		*st = p.revents & POLLNVAL ? PIPEC_EINVAL : PIPEC_OK;
		return true;
	}
	return false;
}

pipec_status pipec_fiber_wait_fd(pipec_stage *s, int fd, short events,
                                 pipec_time deadline)
{
	pool *pl = s->run->pool;
	pipec_status st = PIPEC_OK;
	if (pipec_cancelled(s))
		return PIPEC_CANCELLED;
	if (fd_ready(fd, events, &st))
		return st;
	if (!poller_ready(pl))
		return PIPEC_NOMEM;
	/* A private descriptor for the file, so that two stages can wait on
	 * one fd (epoll keeps one entry per descriptor). */
	int dfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dfd < 0)
		return errno == EBADF ? PIPEC_EINVAL : PIPEC_NOMEM;
	struct epoll_event ev = {.data.ptr = s};
	ev.events = EPOLLONESHOT | (events & POLLIN ? EPOLLIN : 0) |
	            (events & POLLOUT ? EPOLLOUT : 0) |
	            (events & POLLPRI ? EPOLLPRI : 0);
	int op = EPOLL_CTL_ADD;
	for (;;) {
		uint32_t tok = pipec_parker_token(&s->parker);
		if (epoll_ctl(pl->epfd, op, dfd, &ev) != 0) {
			/* A regular file cannot be watched: it is always
			 * ready. */
			st = errno == EPERM ? PIPEC_OK : PIPEC_NOMEM;
			break;
		}
		op = EPOLL_CTL_MOD;
		if (pipec_cancelled(s)) {
			st = PIPEC_CANCELLED;
			break;
		}
		if (fd_ready(fd, events, &st))
			break;
		if (!pipec_parker_wait(&s->parker, tok, deadline)) {
			st = PIPEC_TIMEDOUT;
			break;
		}
	}
	if (op == EPOLL_CTL_MOD)
		epoll_ctl(pl->epfd, EPOLL_CTL_DEL, dfd, NULL);
	close(dfd);
	return st;
}
