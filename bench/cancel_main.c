/* SPDX-License-Identifier: MIT */
/*
 * cancel_main.c - the driver of the cancel-latency benchmark (cancel.pipe):
 * builds, runs and frees the pipeline RUNS times in this process, and
 * prints one key=value line: the median, 99th percentile and maximum of
 * the time from the sink's return to the run's return, and the values
 * wasted after the stop (generated, never consumed: R13). The Go and Rust
 * peers (bench/peers/cancel.go, cancel.rs) take the same arguments and
 * print the same keys.
 *
 * usage: cancel RUNS K W CAP|unbounded send|recv SETTLE_US
 *               [pool|threads|default]
 *   send  position (a): the generator is blocked in send at the stop
 *   recv  position (b): the other stages are blocked in receive
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cancel.h"
#include "mode.h"

cancel_result cancel_out;

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The nearest-rank p-th percentile of the n sorted values v. */
static uint64_t percentile(const uint64_t *v, size_t n, unsigned p)
{
	size_t rank = (n * p + 99) / 100;
	return v[rank ? rank - 1 : 0];
}

/* One run: its latency in ns and wasted values, or false if it failed. */
static bool one_run(const cancel_params *params, pipec_sched mode,
                    uint64_t *latency, uint64_t *wasted)
{
	memset(&cancel_out, 0, sizeof cancel_out);
	cancel_pipeline *pl;
	if (cancel_new(params, &pl) != PIPEC_OK)
		return false;
	pipec_run_set_sched(pl->run, mode, 0);
	pipec_status st = pipec_run_exec(pl->run);
	pipec_time end = pipec_now();
	pipec_stage_stats gen; /* stage 0 is gen, as declared */
	pipec_run_stage_stats(pl->run, 0, &gen);
	cancel_free(pl);
	if (st != PIPEC_OK || cancel_out.consumed != (uint64_t)params->k)
		return false;
	*latency = (uint64_t)(end - cancel_out.stop);
	*wasted = gen.sent - cancel_out.consumed;
	return true;
}

int main(int argc, char **argv)
{
	const char *sched = argc > 7 ? argv[7] : "default";
	pipec_sched mode;
	if ((argc != 7 && argc != 8) || !bench_sched(sched, &mode) ||
	    (strcmp(argv[5], "send") != 0 && strcmp(argv[5], "recv") != 0)) {
		fprintf(stderr,
		        "usage: %s RUNS K W CAP|unbounded send|recv SETTLE_US "
		        "[pool|threads|default]\n",
		        argv[0]);
		return 2;
	}
	size_t runs = strtoul(argv[1], NULL, 10);
	cancel_params params;
	cancel_params_init(&params);
	params.k = strtol(argv[2], NULL, 10);
	params.workers = (int)strtol(argv[3], NULL, 10);
	params.capacity = strcmp(argv[4], "unbounded") == 0
	                          ? PIPEC_UNBOUNDED
	                          : (size_t)strtoull(argv[4], NULL, 10);
	params.in_send = strcmp(argv[5], "send") == 0;
	params.settle_us = strtol(argv[6], NULL, 10);
	if (runs == 0 || params.k < 1 || params.settle_us < 0)
		return 2;

	uint64_t *lat = malloc(runs * sizeof *lat);
	uint64_t *waste = malloc(runs * sizeof *waste);
	if (!lat || !waste)
		return 1;
	for (size_t r = 0; r < runs; r++)
		if (!one_run(&params, mode, &lat[r], &waste[r])) {
			fprintf(stderr, "%s: run %zu failed\n", argv[0], r + 1);
			return 1;
		}
	qsort(lat, runs, sizeof *lat, by_value);
	qsort(waste, runs, sizeof *waste, by_value);
	printf("impl=pipec sched=%s position=%s runs=%zu K=%ld W=%d CAP=%s "
	       "settle_us=%ld cancel_us_p50=%.1f cancel_us_p99=%.1f "
	       "cancel_us_max=%.1f wasted_p50=%" PRIu64 " wasted_max=%" PRIu64
	       "\n",
	       sched, argv[5], runs, params.k, params.workers, argv[4],
	       params.settle_us, (double)percentile(lat, runs, 50) / 1e3,
	       (double)percentile(lat, runs, 99) / 1e3,
	       (double)lat[runs - 1] / 1e3, percentile(waste, runs, 50),
	       waste[runs - 1]);
	free(lat);
	free(waste);
	return 0;
}
