/*
 * seed.c - the seed pipeline as a benchmark, against the runtime API:
 *
 *     gen (0, 1, 2, ...) -> c1 -> W x square -> c2 -> merge -> c3 -> sink
 *
 * The sink returns after K values; drop-to-cancel stops the rest. Prints
 * one key=value line in the format of the Go and Rust peer programs, so
 * bench/run.sh can put them side by side.
 *
 * usage: seed K W CAP|unbounded
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipec.h"

typedef struct {
	pipec_rx *in;
	pipec_tx *out;
} ports;

typedef struct {
	uint64_t k, consumed, sum;
	pipec_time stop; /* when the sink decided to stop */
	ports gen, merge, sink;
	ports square[64];
} bench;

static int gen(pipec_stage *self, void *arg)
{
	ports *p = arg;
	(void)self;
	for (uint64_t i = 0;; i++)
		if (pipec_send(p->out, &i) != PIPEC_OK)
			return 0;
}

static int square(pipec_stage *self, void *arg)
{
	ports *p = arg;
	uint64_t v;
	(void)self;
	while (pipec_recv(p->in, &v) == PIPEC_OK) {
		v *= v;
		if (pipec_send(p->out, &v) != PIPEC_OK)
			break;
	}
	return 0;
}

static int merge(pipec_stage *self, void *arg)
{
	ports *p = arg;
	uint64_t v;
	(void)self;
	while (pipec_recv(p->in, &v) == PIPEC_OK)
		if (pipec_send(p->out, &v) != PIPEC_OK)
			break;
	return 0;
}

static int sink(pipec_stage *self, void *arg)
{
	bench *b = arg;
	uint64_t v;
	(void)self;
	while (b->consumed < b->k && pipec_recv(b->sink.in, &v) == PIPEC_OK) {
		b->sum += v;
		b->consumed++;
	}
	b->stop = pipec_now();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s K W CAP|unbounded\n", argv[0]);
		return 2;
	}
	static bench b;
	b.k = strtoull(argv[1], NULL, 10);
	long w = strtol(argv[2], NULL, 10);
	size_t cap = strcmp(argv[3], "unbounded") == 0
	                     ? PIPEC_UNBOUNDED
	                     : (size_t)strtoull(argv[3], NULL, 10);
	if (w < 1 || w > 64)
		return 2;

	pipec_time t0 = pipec_now();
	pipec_run *run = pipec_run_new("seed");
	pipec_chan_spec spec = {.elem_size = sizeof(uint64_t), .capacity = cap};
	pipec_chan *c1 = pipec_run_chan(run, &spec);
	pipec_chan *c2 = pipec_run_chan(run, &spec);
	pipec_chan *c3 = pipec_run_chan(run, &spec);
	pipec_stage *s = pipec_stage_add(run, "gen", gen, &b.gen);
	b.gen.out = pipec_stage_tx(s, c1);
	for (long i = 0; i < w; i++) {
		s = pipec_stage_add(run, "square", square, &b.square[i]);
		b.square[i].in = pipec_stage_rx(s, c1);
		b.square[i].out = pipec_stage_tx(s, c2);
	}
	s = pipec_stage_add(run, "merge", merge, &b.merge);
	b.merge.in = pipec_stage_rx(s, c2);
	b.merge.out = pipec_stage_tx(s, c3);
	s = pipec_stage_add(run, "sink", sink, &b);
	b.sink.in = pipec_stage_rx(s, c3);
	pipec_status st = pipec_run_exec(run);
	pipec_time t_end = pipec_now();

	pipec_stage_stats gs;
	pipec_run_stage_stats(run, 0, &gs);
	uint64_t generated = gs.sent;
	pipec_run_free(run);
	if (st != PIPEC_OK || b.consumed != b.k)
		return 1;

	double run_s = (double)(b.stop - t0) / 1e9;
	double wall_s = (double)(t_end - t0) / 1e9;
	printf("impl=pipec K=%" PRIu64 " W=%ld CAP=%s consumed=%" PRIu64
	       " wall_s=%.6f consume_s=%.6f thr_per_s=%.0f generated=%" PRIu64
	       " wasted=%" PRIu64 " cancel_us=%.1f sink=%" PRIu64 "\n",
	       b.k, w, argv[3], b.consumed, wall_s, run_s,
	       (double)b.consumed / run_s, generated, generated - b.consumed,
	       (double)(t_end - b.stop) / 1e3, b.sum);
	return 0;
}
