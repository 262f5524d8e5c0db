/* SPDX-License-Identifier: MIT */
/*
 * spsc.c - raw channel throughput ("ping" in the table of bench/run.sh):
 * a run of two stages, a producer that sends N integers through one
 * channel and a consumer that sums them, so that the run's scheduling
 * mode decides how they run (two threads, or two coroutines). Built with
 * the run API of pipec.h, not from a .pipe file: it measures the channel
 * alone, as the Go and Rust peers do, with the same output format.
 *
 * usage: spsc N CAP|unbounded [pool|threads|default]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mode.h"
#include "pipec.h"

typedef struct ping {
	pipec_tx *tx;
	pipec_rx *rx;
	uint64_t n;
	uint64_t got, sum; /* the consumer's */
} ping;

static int produce(pipec_stage *self, void *arg)
{
	(void)self;
	ping *p = arg;
	for (uint64_t i = 0; i < p->n; i++)
		if (pipec_send(p->tx, &i) != PIPEC_OK)
			return 1;
	return 0;
}

static int consume(pipec_stage *self, void *arg)
{
	(void)self;
	ping *p = arg;
	uint64_t v;
	while (pipec_recv(p->rx, &v) == PIPEC_OK) {
		p->sum += v;
		p->got++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *sched = argc > 3 ? argv[3] : "default";
	pipec_sched mode;
	if ((argc != 3 && argc != 4) || !bench_sched(sched, &mode)) {
		fprintf(stderr,
		        "usage: %s N CAP|unbounded [pool|threads|default]\n",
		        argv[0]);
		return 2;
	}
	ping p = {.n = strtoull(argv[1], NULL, 10)};
	size_t cap = strcmp(argv[2], "unbounded") == 0
	                     ? PIPEC_UNBOUNDED
	                     : (size_t)strtoull(argv[2], NULL, 10);
	pipec_chan_spec spec = {
	        .name = "ping", .elem_size = sizeof(uint64_t), .capacity = cap};

	pipec_time t0 = pipec_now();
	pipec_run *run = pipec_run_new("spsc");
	pipec_chan *ch = run ? pipec_run_chan(run, &spec) : NULL;
	pipec_stage *src =
	        ch ? pipec_stage_add(run, "produce", produce, &p) : NULL;
	pipec_stage *dst =
	        src ? pipec_stage_add(run, "consume", consume, &p) : NULL;
	p.tx = dst ? pipec_stage_tx(src, ch) : NULL;
	p.rx = p.tx ? pipec_stage_rx(dst, ch) : NULL;
	if (!p.rx) {
		pipec_run_free(run);
		return 1;
	}
	pipec_run_set_sched(run, mode, 0);
	pipec_status st = pipec_run_exec(run);
	double dt = (double)(pipec_now() - t0) / 1e9;
	pipec_run_free(run);
	if (st != PIPEC_OK || p.got != p.n || p.sum != p.n * (p.n - 1) / 2)
		return 1;
	printf("impl=pipec sched=%s N=%" PRIu64 " CAP=%s secs=%.6f "
	       "msgs_per_s=%.0f ns_per_msg=%.1f\n",
	       sched, p.n, argv[2], dt, (double)p.n / dt,
	       dt * 1e9 / (double)p.n);
	return 0;
}
