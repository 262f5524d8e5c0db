/* SPDX-License-Identifier: MIT */
/*
 * pool.h - the pool scheduler: a run's stage instances as coroutines
 * (fibers) on a pool of worker threads of its own.
 *
 * run.c decides the mode at pipec_run_start and calls pipec_pool_start;
 * from then on a stage's parker (park.h) belongs to its fiber, and parking
 * it is a switch to the worker's scheduler instead of a futex wait. Stages
 * marked own-thread keep an OS thread in this mode too and talk to the
 * fibers through the same parkers (a wake from outside the pool goes
 * through the pool's shared queue).
 */
#ifndef PIPEC_POOL_H
#define PIPEC_POOL_H

#include "internal.h"

#pragma GCC visibility push(hidden)

/* Starts run's pool: a fiber for every stage not marked own-thread, and
 * the workers (workers == 0: one per CPU it may use, at most one per
 * fiber). With caller, worker 0 is the calling thread, once it calls
 * pipec_pool_serve, and the pool acts on a cancel and the run's deadline
 * (pipec_run_watch): pipec_run_exec, for a run without thread stages.
 * PIPEC_OK, or PIPEC_NOMEM with nothing started. */
pipec_status pipec_pool_start(pipec_run *run, unsigned workers, bool caller);
/* Runs worker 0 of a pool started with caller on the calling thread,
 * until every stage has finished; returns at once for any other pool. */
void pipec_pool_serve(pipec_run *run);
/* Once every stage has finished: tells the workers to stop (any thread),
 * and stops them and joins them (the run's waiting thread). */
void pipec_pool_stop(pipec_run *run);
void pipec_pool_join(pipec_run *run);
/* Frees the pool and the fibers' stacks (pipec_run_free). */
void pipec_pool_free(pipec_run *run);
/* Runs the stage on the calling thread (run.c's, for both modes). */
void pipec_stage_body(pipec_stage *s);
/* run.c: acts on pipec_run_cancel and the run's deadline, once each;
 * returns the deadline still to watch, or PIPEC_FOREVER. */
pipec_time pipec_run_watch(pipec_run *run);
/* Brackets the wakes a stop makes (a returning stage's drops, a cancel):
 * they bring back no retired worker (pool.c, "Retiring"). */
void pipec_pool_stop_wakes(bool begin);

/* park.c: a fiber's side of pipec_parker_wait / _wake. */
bool pipec_fiber_park(struct pipec_fiber *f, pipec_parker *p, uint32_t token,
                      pipec_time deadline);
void pipec_fiber_wake(struct pipec_fiber *f);
/* The running fiber's stage parker, or NULL on a thread that is not
 * running a fiber. */
pipec_parker *pipec_fiber_self_parker(void);
pipec_stage *pipec_fiber_self_stage(void);

/* pipec_wait_fd for a fiber stage. */
pipec_status pipec_fiber_wait_fd(pipec_stage *s, int fd, short events,
                                 pipec_time deadline);

/* A stage finished or started waiting: checks whether every stage of the
 * run is now blocked on the run's channels for good (deadlock). */
void pipec_pool_check_deadlock(pipec_run *run);

#pragma GCC visibility pop

#endif
