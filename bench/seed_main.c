/* SPDX-License-Identifier: MIT */
/*
 * seed_main.c - the driver of the seed benchmark (seed.pipe): builds the
 * generated pipeline with the command line's K, W and capacity, runs it,
 * and prints one key=value line in the format of the Go and Rust peer
 * programs, so that bench/run.sh can put them side by side.
 *
 * usage: seed K W CAP|unbounded [pool|threads|default]
 * (the scheduling mode, bench/mode.h; default when left out)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mode.h"
#include "seed.h"

seed_result seed_out;

int main(int argc, char **argv)
{
	const char *sched = argc > 4 ? argv[4] : "default";
	pipec_sched mode;
	if ((argc != 4 && argc != 5) || !bench_sched(sched, &mode)) {
		fprintf(stderr,
		        "usage: %s K W CAP|unbounded [pool|threads|default]\n",
		        argv[0]);
		return 2;
	}
	seed_params params;
	seed_params_init(&params);
	params.k = strtol(argv[1], NULL, 10);
	params.workers = (int)strtol(argv[2], NULL, 10);
	params.capacity = strcmp(argv[3], "unbounded") == 0
	                          ? PIPEC_UNBOUNDED
	                          : (size_t)strtoull(argv[3], NULL, 10);

	pipec_time t0 = pipec_now();
	seed_pipeline *pl;
	if (seed_new(&params, &pl) != PIPEC_OK)
		return 2;
	pipec_run_set_sched(pl->run, mode, 0);
	pipec_status st = pipec_run_exec(pl->run);
	pipec_time t_end = pipec_now();

	pipec_stage_stats gen; /* stage 0 is gen, as declared */
	pipec_run_stage_stats(pl->run, 0, &gen);
	seed_free(pl);
	if (st != PIPEC_OK || seed_out.consumed != (uint64_t)params.k)
		return 1;

	double run_s = (double)(seed_out.stop - t0) / 1e9;
	printf("impl=pipec sched=%s K=%ld W=%d CAP=%s consumed=%" PRIu64
	       " wall_s=%.6f consume_s=%.6f thr_per_s=%.0f generated=%" PRIu64
	       " wasted=%" PRIu64 " cancel_us=%.1f sink=%" PRIu64 "\n",
	       sched, params.k, params.workers, argv[3], seed_out.consumed,
	       (double)(t_end - t0) / 1e9, run_s,
	       (double)seed_out.consumed / run_s, gen.sent,
	       gen.sent - seed_out.consumed,
	       (double)(t_end - seed_out.stop) / 1e3, seed_out.sum);
	return 0;
}
