/* SPDX-License-Identifier: MIT */
/*
 * internal.h - the runtime's private structures, shared by chan.c and
 * run.c. Nothing here is part of the public API (pipec.h).
 *
 * Locking: each channel has its own lock (no lock is shared across
 * channels) and a thread holds at most one channel lock at a time: work
 * that must touch another channel (R9's ripple upstream) is queued on a
 * cancel_list and done after the lock is released. A peer that completes
 * a waiter does so under the channel's lock, so the waiter can know the
 * peer is finished with it by taking that lock once. The stage's fd_mu
 * and the run's mu are leaves: nothing is locked while they are held.
 */
#ifndef PIPEC_INTERNAL_H
#define PIPEC_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "park.h"
#include "pipec.h"

/* Everything declared here is the library's own: hidden from the shared
 * library's exports (only pipec.h is its interface). */
#pragma GCC visibility push(hidden)

/* A channel's lock: see chan_lock() below. */
typedef struct chan_lock_t {
	_Atomic uint32_t next;     /* the next ticket to give */
	_Atomic uint32_t serving;  /* the ticket that holds the lock */
	_Atomic uint32_t sleepers; /* waiters asleep on serving */
} chan_lock_t;

/* ---- waiting on a channel ---- */

/* The outcome of a wait, decided once by compare-and-swap. */
enum {
	WAIT_PENDING = -1, /* nobody has completed it yet */
	WAIT_ABORTED = -2, /* the waiter gave up (woken, cancelled, timed
	                      out) and will retry or return */
	/* >= 0: a peer completed case number N of the wait */
};

/* One blocking operation of one thread: a recv, a send, a select or a
 * wait for demand. Lives on the waiting thread's stack. */
typedef struct waiter {
	pipec_parker *parker; /* woken when state changes or to recheck */
	_Atomic int state;    /* WAIT_PENDING, WAIT_ABORTED or a case */
	_Atomic bool done;    /* the peer that claimed it has finished
	                         copying (stored after the copy) */
	void *buf; /* receiver: where a peer puts the message; sender:
	              the message a peer takes (rendezvous or full) */
} waiter;

/* A waiter's place in one channel's queue (a select has one per case). */
typedef struct waitnode {
	struct waitnode *next, *prev;
	waiter *w;
	int index;   /* the case this node stands for */
	bool queued; /* in a queue; changed only under the channel lock */
} waitnode;

typedef struct waitq {
	waitnode *head, *tail;
} waitq;

/* ---- channels and endpoints ---- */

struct pipec_chan {
	chan_lock_t mu; /* chan_lock, chan_unlock */
	char *name;
	size_t elem;
	size_t cap; /* 0, N or PIPEC_UNBOUNDED */
	pipec_drop_fn drop;
	void *drop_ctx;

	/* Ring buffer of up to cap messages; grows on demand, shrinks as it
	 * drains (R2: unbounded memory is returned). */
	unsigned char *ring;
	size_t ring_cap, head, count;

	size_t nsenders, nreceivers; /* live (undropped) endpoints */
	waitq recvq;                 /* receivers waiting for a message */
	waitq sendq;   /* senders waiting for a receiver or for room */
	waitq demandq; /* senders in pipec_wait_demand */
	pipec_tx *txs; /* live sender endpoints, for R9 */

	/* statistics, under mu */
	uint64_t sent, received, dropped, refused;
	size_t peak;

	bool in_run;          /* made by pipec_run_chan: its endpoints are
	                         all stages' (deadlock detection) */
	_Atomic size_t refs;  /* the run's reference + one per endpoint */
	pipec_chan *run_next; /* in the run's list, in creation order */
};

struct pipec_tx {
	pipec_chan *ch;
	pipec_stage *owner; /* NULL: standalone */
	_Atomic bool dropped;
	bool open;                   /* under ch->mu: counted in owner's
	                                outputs_open (the channel had receivers) */
	pipec_tx *ch_next, *ch_prev; /* in ch->txs, under ch->mu */
	pipec_tx *stage_next;        /* in owner->txs; never unlinked */
};

struct pipec_rx {
	pipec_chan *ch;
	pipec_stage *owner;
	_Atomic bool dropped;
	pipec_rx *stage_next; /* in owner->rxs; never unlinked */
};

/* ---- runs and stages ---- */

struct pipec_stage {
	pipec_run *run;
	char *name;
	pipec_stage_fn fn;
	void *arg;
	pthread_t thread;
	bool started;
	bool own_thread;   /* an OS thread even in pool mode */
	size_t stack_size; /* coroutine stack; 0: PIPEC_STACK_DEFAULT */
	bool on_thread;    /* runs on thread (not a coroutine) */
	_Atomic bool finished;

	unsigned ticks; /* runtime calls since the last stage_tick check */
	unsigned select_next; /* where its next select starts looking */

	/* What the stage waits for while blocked on a channel, for the
	 * deadlock report: set by the stage before it parks. */
	_Atomic(const char *) wait_what; /* "to receive on", ... */
	_Atomic(const pipec_chan *) wait_chan;

	pipec_parker parker; /* every blocking call of this stage */
	_Atomic bool cancelled;
	_Atomic int outputs_open; /* senders whose channel has receivers */
	size_t noutputs;          /* senders registered before the start */
	pipec_stage *cancel_next; /* in a cancellation worklist */

	/* Endpoints, pushed at the head (lock-free: clones may be added by
	 * the stage while another thread walks the list to cancel it). */
	_Atomic(pipec_tx *) txs;
	_Atomic(pipec_rx *) rxs;

	pthread_mutex_t fd_mu; /* guards cancel_fd's creation */
	int cancel_fd;         /* eventfd, -1 until asked for */

	/* written by the stage's own thread only */
	char *fail_msg;
	int result;
	uint64_t received, sent, discarded, wait_ns;

	pipec_stage *next; /* in the run, in creation order */
};

/* Why a run was cancelled, first cause wins. */
enum run_cause {
	CAUSE_NONE,
	CAUSE_ERROR,
	CAUSE_CANCEL,
	CAUSE_DEADLINE,
	CAUSE_DEADLOCK,
	CAUSE_NOMEM,
};

struct pipec_run {
	char *name;
	pipec_parker parker;           /* the waiting thread (pipec_run_wait) */
	_Atomic int live;              /* stage threads not yet finished */
	_Atomic bool cancel_requested; /* pipec_run_cancel, signal-safe */
	_Atomic bool cancel_taken;     /* ... and acted on (pipec_run_watch) */
	_Atomic bool deadline_taken;   /* the deadline passed, acted on */
	bool serve_caller;             /* pipec_run_exec: the calling thread is
	                                  worker 0 of the pool, if there is one */
	_Atomic bool stopping;         /* the whole run is being cancelled: set
	                                  before any stage is, so that no stage can
	                                  see a peer's exit as a normal end of
	                                  stream (R10, R11) */
	_Atomic int cause;             /* enum run_cause */
	pipec_time deadline;
	pipec_sched sched; /* as asked; DEFAULT until the start decides */
	unsigned workers;  /* pool size asked for; 0: one per CPU */
	struct pool *pool; /* pool mode: its workers and fibers (pool.c) */
	_Atomic int live_threads; /* stages on threads not yet finished */
	_Atomic bool poking;      /* a stage on a thread was cancelled: the
	                             waiting thread interrupts its system
	                             calls until it returns */
	char *blocked_text;       /* pipec_run_blocked()'s text, or NULL */
	enum { RUN_NEW, RUN_STARTED, RUN_DONE } state;
	pipec_status result;

	pthread_mutex_t mu; /* guards err */
	bool has_err;
	pipec_error err;

	pipec_stage *stages, *stages_tail;
	size_t nstages;
	pipec_chan *chans, *chans_tail;
	size_t nchans;
	/* The same, by number (the statistics' lookups), cap slots each. */
	pipec_stage **stage_at;
	pipec_chan **chan_at;
	size_t stage_cap, chan_cap;

	/* A run built from tables (build.c); all NULL otherwise. */
	const pipec_pipeline_desc *desc;
	const char *prog; /* names the program in a failed variant check:
	                     pipec_main's argv[0], or NULL for desc->name */
	void *params;     /* the run's copy of the parameters */
	void *tables_mem; /* its stage instances and ports, in one block */
};

/* ---- ports (port.c), made by build.c ---- */

struct pipec_port {
	/* The hot path: the port's one endpoint when a send or receive needs
	 * nothing but pipec_send/pipec_recv (one channel, no variant check);
	 * else NULL. */
	pipec_tx *fast_tx;
	pipec_rx *fast_rx;

	pipec_rx *rx;   /* an in port's receiver */
	pipec_tx **txs; /* an out port's senders, one per branch (>= 1) */
	unsigned ntxs;
	bool out;
	bool checks;   /* variant checks on (the pipeline desc's checks) */
	uint64_t mask; /* bit v: variant v accepted */
	const pipec_msg_type *type;
	const pipec_port_desc *desc;
	pipec_stage *stage;

	/* A broadcast port's own scratch (it is used by one thread), so that
	 * no operation allocates: room for one copy of a message, and a wait
	 * node per branch for pipec_port_wait_demand. NULL otherwise. */
	void *copy;
	waitnode *demand;
};

/* ---- a channel's lock ---- */

/*
 * A ticket lock of the runtime's own, on a futex, inline. Taking it when
 * it is free is one atomic add and a load, releasing it a plain store and
 * a load: perf had pthread_mutex_lock/unlock at a quarter of the seed
 * pipeline's time on one worker. Tickets make it fair: a sender that
 * never blocks (into an unbounded channel) cannot take the lock again
 * ahead of a receiver that waits for it, which a plain lock allows: the
 * sleeper is woken 15-50 us after the unlock, by which time the sender has
 * taken the lock thousands of times (the stress test found a run that
 * never ended so). A waiter spins a little, then sleeps on serving.
 *
 * The release is a release store, not a sequentially consistent one: on
 * x86-64 that is a plain mov where the seq_cst store was an xchg, and the
 * xchg, which waits for every store of the critical section to reach the
 * cache, was 40% of send and receive in a 10,000-stage chain (perf; one
 * hop takes the lock twice). The price is that the load of sleepers may
 * be served before the new serving is visible, so a waiter that counts
 * itself in just then can miss the wake (the store-buffer litmus test).
 * The kernel reads serving once more before it sleeps, which closes the
 * window in practice (the store has long left the buffer by then), and a
 * sleeper looks again every LOCK_NAP_NS whatever happens, so a wake lost
 * costs that delay, never a hang (pipec_chan_lock_slow).
 */
/* (chan_lock_t: see the top of this file) */

void pipec_chan_lock_slow(chan_lock_t *l, uint32_t ticket);
void pipec_chan_unlock_slow(chan_lock_t *l);

static inline void chan_lock(pipec_chan *ch)
{
	uint32_t t = atomic_fetch_add_explicit(&ch->mu.next, 1,
	                                       memory_order_relaxed);
	if (atomic_load_explicit(&ch->mu.serving, memory_order_acquire) != t)
		pipec_chan_lock_slow(&ch->mu, t);
}

static inline void chan_unlock(pipec_chan *ch)
{
	uint32_t s =
	        atomic_load_explicit(&ch->mu.serving, memory_order_relaxed);
	atomic_store_explicit(&ch->mu.serving, s + 1, memory_order_release);
	if (atomic_load_explicit(&ch->mu.sleepers, memory_order_relaxed))
		pipec_chan_unlock_slow(&ch->mu);
}

/* ---- shared between chan.c and run.c ---- */

/* A list of stages to cancel, filled while channel locks are held and
 * worked off after they are released. */
typedef struct cancel_list {
	pipec_stage *head;
} cancel_list;

/* Marks the stage cancelled and wakes it (false if it already was);
 * its receivers are then dropped by pipec_cancel_list_run. */
void pipec_stage_cancel_one(pipec_stage *s, cancel_list *todo);
/* Cancels every queued stage: drops its receivers, which may queue more
 * (R9's ripple upstream). */
void pipec_cancel_list_run(cancel_list *todo);
/* Drops an endpoint; stages whose last output closed go on todo. */
void pipec_tx_drop_into(pipec_tx *tx, cancel_list *todo);
void pipec_rx_drop_into(pipec_rx *rx, cancel_list *todo);

/* A channel with no endpoints, one reference (the caller's). */
pipec_chan *pipec_chan_new(const pipec_chan_spec *spec);
void pipec_chan_unref(pipec_chan *ch);
/* Endpoints on ch, owned by owner (may be NULL); take a reference. */
pipec_tx *pipec_tx_new(pipec_chan *ch, pipec_stage *owner);
pipec_rx *pipec_rx_new(pipec_chan *ch, pipec_stage *owner);
/* Frees an endpoint object (after it was dropped). */
void pipec_tx_free(pipec_tx *tx);
void pipec_rx_free(pipec_rx *rx);
/* At the start of a run: recount which senders have receivers. */
void pipec_chan_count_open_outputs(pipec_chan *ch);

/* Whether a stage is cancelled, alone (R9) or with its run (R10, R11).
 * False outside a run (s is NULL). */
static inline bool stage_is_cancelled(const pipec_stage *s)
{
	return s &&
	       (atomic_load_explicit(&s->cancelled, memory_order_acquire) ||
	        atomic_load_explicit(&s->run->stopping, memory_order_acquire));
}

/* A coroutine stage's chance to let others run (pool.c). */
void pipec_fiber_tick(struct pipec_fiber *f);
#define STAGE_TICK_EVERY 64
static inline void stage_tick(pipec_stage *s)
{
	if (s && s->parker.fiber && ++s->ticks >= STAGE_TICK_EVERY) {
		s->ticks = 0;
		pipec_fiber_tick(s->parker.fiber);
	}
}

/*
 * A closure seen while the whole run is being cancelled is reported as the
 * cancellation it is: the peer left because of it, and the stage must not
 * take it for a normal end of stream.
 */
static inline pipec_status closed_or_stopping(const pipec_stage *s,
                                              pipec_status st)
{
	if (st == PIPEC_CLOSED && s && atomic_load(&s->run->stopping))
		return PIPEC_CANCELLED;
	return st;
}

/*
 * Waits until a receiver is blocked on some channel of the n senders (all
 * of one stage), with a wait node per sender: PIPEC_OK, or PIPEC_CLOSED
 * once none has a receiver, PIPEC_CANCELLED, PIPEC_TIMEDOUT.
 */
pipec_status pipec_wait_demand_any(pipec_tx *const *txs, size_t n,
                                   waitnode *nodes, pipec_time deadline);

/* Why the tables of pl cannot build a run (a generator's mistake), or
 * NULL. The text is the calling thread's, valid until its next call of
 * this or pipec_params_check(). */
const char *pipec_tables_check(const pipec_pipeline_desc *pl);

/* Every stage of the run is blocked on its channels with no way out:
 * the run ends with PIPEC_DEADLOCK, naming them (run.c). */
void pipec_run_deadlocked(pipec_run *run);

/* A runtime call of stage s could not get memory (a channel's buffer
 * that could not grow, a large select): the run ends with PIPEC_NOMEM,
 * whatever the stage's body makes of the status (run.c). s may be NULL
 * (an endpoint outside any run): nothing to do then. */
void pipec_run_out_of_memory(pipec_stage *s);

/* Small helpers. */
char *pipec_strdup(const char *s);

#pragma GCC visibility pop

/*
 * The runtime's test build (-DPIPEC_FAULTS, for tests/runtime/
 * test_nomem.c) sends every allocation through hooks that the test
 * defines, counts, and can make fail.
 */
#ifdef PIPEC_FAULTS
#include <stdlib.h>
void *pipec_fault_malloc(size_t size);
void *pipec_fault_calloc(size_t n, size_t size);
void pipec_fault_free(void *p);
#define malloc(size)    pipec_fault_malloc(size)
#define calloc(n, size) pipec_fault_calloc(n, size)
#define free(p)         pipec_fault_free(p)
#endif

#endif
