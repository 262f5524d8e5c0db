/* SPDX-License-Identifier: MIT */
/*
 * park.c - parkers on Linux futexes; see park.h.
 */
#define _GNU_SOURCE
#include "park.h"

#include "internal.h"
#include "pool.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

bool pipec_parker_wait(pipec_parker *p, uint32_t token, pipec_time deadline)
{
	if (p->fiber)
		return pipec_fiber_park(p->fiber, p, token, deadline);
	struct timespec ts, *tsp = NULL;
	if (deadline != PIPEC_FOREVER) {
		if (pipec_now() >= deadline)
			return false;
		ts.tv_sec = (time_t)(deadline / 1000000000);
		ts.tv_nsec = (long)(deadline % 1000000000);
		tsp = &ts;
	}
	/* The store to sleeping and the load of seq are sequentially
	 * consistent, as are the waker's add to seq and load of sleeping:
	 * either the waker sees us asleep, or we see its wake. The kernel
	 * compares seq with token once more before sleeping. */
	atomic_fetch_add(&p->sleeping, 1);
	if (atomic_load(&p->seq) == token) {
		/* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC time. */
		long r = syscall(SYS_futex, &p->seq,
		                 FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, token,
		                 tsp, NULL, FUTEX_BITSET_MATCH_ANY);
		if (r != 0 && errno == ETIMEDOUT) {
			atomic_fetch_sub(&p->sleeping, 1);
			return atomic_load(&p->seq) != token;
		}
	}
	atomic_fetch_sub(&p->sleeping, 1);
	return true;
}

void pipec_parker_wake(pipec_parker *p)
{
	atomic_fetch_add(&p->seq, 1);
	if (p->fiber)
		pipec_fiber_wake(p->fiber);
	else if (atomic_load(&p->sleeping) > 0)
		syscall(SYS_futex, &p->seq, FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
		        INT_MAX, NULL, NULL, 0);
}

pipec_parker *pipec_parker_self(void)
{
	static _Thread_local pipec_parker self = PIPEC_PARKER_INIT;
	/* A coroutine's thread is its worker's, shared: it waits as its
	 * stage. */
	pipec_parker *fp = pipec_fiber_self_parker();
	return fp ? fp : &self;
}

/* ---- channel locks (internal.h) ---- */

/* How long a waiter for a channel lock sleeps before it looks again
 * whether it was woken or not: 100 us, long next to a critical section
 * (well under a microsecond) and short next to the 15-50 us a wake takes
 * to reach a sleeping thread here. */
#define LOCK_NAP_NS 100000

void pipec_chan_lock_slow(chan_lock_t *l, uint32_t ticket)
{
	for (int i = 0; i < 200; i++) {
		if (atomic_load_explicit(&l->serving, memory_order_acquire) ==
		    ticket)
			return;
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#endif
	}
	/* An unlock that does not see us counted has made its store to
	 * serving before our load of it, but that store may not be visible
	 * yet (internal.h): the sleep is cut to LOCK_NAP_NS, after which we
	 * look again, so such a wake is late, never lost. */
	atomic_fetch_add(&l->sleepers, 1);
	const struct timespec nap = {0, LOCK_NAP_NS};
	for (;;) {
		uint32_t s = atomic_load(&l->serving);
		if (s == ticket)
			break;
		syscall(SYS_futex, &l->serving, FUTEX_WAIT | FUTEX_PRIVATE_FLAG,
		        s, &nap, NULL, 0);
	}
	atomic_fetch_sub(&l->sleepers, 1);
	atomic_thread_fence(memory_order_acquire);
}

void pipec_chan_unlock_slow(chan_lock_t *l)
{
	/* Every sleeper wakes to look at its ticket: there are few (the
	 * stages of one channel). */
	syscall(SYS_futex, &l->serving, FUTEX_WAKE | FUTEX_PRIVATE_FLAG,
	        INT_MAX, NULL, NULL, 0);
}
