/* SPDX-License-Identifier: MIT */
/*
 * mode.h - the scheduling mode argument every benchmark driver takes
 * (seed, spsc, cancel, chain), so that bench/run.sh can measure each
 * program in each mode of the runtime.
 *
 *   pool      pipec_run_set_sched(run, PIPEC_SCHED_POOL, 0)
 *   threads   pipec_run_set_sched(run, PIPEC_SCHED_THREADS, 0)
 *   default   PIPEC_SCHED_DEFAULT: the environment decides (PIPEC_SCHED,
 *             PIPEC_WORKERS)
 */
#ifndef BENCH_MODE_H
#define BENCH_MODE_H

#include <stdbool.h>
#include <string.h>

#include "pipec.h"

/* Sets *mode from its name; false for a name that is none of the three. */
static inline bool bench_sched(const char *name, pipec_sched *mode)
{
	if (strcmp(name, "pool") == 0)
		*mode = PIPEC_SCHED_POOL;
	else if (strcmp(name, "threads") == 0)
		*mode = PIPEC_SCHED_THREADS;
	else if (strcmp(name, "default") == 0)
		*mode = PIPEC_SCHED_DEFAULT;
	else
		return false;
	return true;
}

#endif /* BENCH_MODE_H */
