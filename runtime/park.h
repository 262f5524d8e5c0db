/* SPDX-License-Identifier: MIT */
/*
 * park.h - how a stage blocks and is woken: the one place the runtime
 * sleeps.
 *
 * A parker is an event counter owned by one thread (a stage, a standalone
 * thread, or the thread waiting for a run). The owner reads a token with
 * pipec_parker_token(), checks its condition, and sleeps with
 * pipec_parker_wait() only if nobody has called pipec_parker_wake() since
 * the token was read: no wake-up is lost, and spurious returns are allowed
 * (callers recheck).
 *
 * On Linux this is a futex on the counter: a wake costs one atomic add, and
 * a system call only when the owner is actually asleep. Channel code never
 * calls pthread_cond_wait or futex directly: when the owner is a coroutine
 * of a pool (pool.h), the same calls park and wake it in user space.
 */
#ifndef PIPEC_PARK_H
#define PIPEC_PARK_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "pipec.h"

#pragma GCC visibility push(hidden) /* not exported (see internal.h) */

struct pipec_fiber;

typedef struct pipec_parker {
	_Atomic uint32_t seq;      /* bumped by every wake */
	_Atomic uint32_t sleeping; /* > 0 while the owner may be asleep */
	/* The owner's fiber when it is a coroutine of a pool (pool.h):
	 * waits and wakes go to the scheduler instead of a futex. */
	struct pipec_fiber *fiber;
} pipec_parker;

#define PIPEC_PARKER_INIT                                                      \
	{                                                                      \
		0, 0, NULL                                                     \
	}

static inline uint32_t pipec_parker_token(pipec_parker *p)
{
	return atomic_load(&p->seq);
}

/* Sleeps until a wake after token was read, or until deadline
 * (PIPEC_FOREVER: none). Returns false only if the deadline passed. */
bool pipec_parker_wait(pipec_parker *p, uint32_t token, pipec_time deadline);

/* Wakes the owner if it sleeps (or makes its next wait return at once).
 * Async-signal-safe. */
void pipec_parker_wake(pipec_parker *p);

/* The calling thread's own parker, for endpoints used outside a run. */
pipec_parker *pipec_parker_self(void);

#pragma GCC visibility pop

#endif
