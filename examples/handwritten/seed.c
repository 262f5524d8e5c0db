/* SPDX-License-Identifier: MIT */
/*
 * seed.c - the seed pipeline written by hand against the runtime API,
 * without the compiler: what pipec generates, in miniature.
 *
 *     gen -> [cap] -> square x W -> [cap] -> merge -> [cap] -> print
 *
 * gen sends 0, 1, 2, ... forever; the W workers square; merge forwards;
 * print prints values until one exceeds the limit, then returns. Nobody
 * stops anybody by hand: print's return drops its receiver (R4), merge's
 * output closes and merge is cancelled (R9), which closes the workers'
 * output, and so on up to gen. The run returns once every thread is joined
 * and every leftover message freed (R12).
 *
 * usage: seed [--limit N] [--workers W] [--capacity C] [--quiet]
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipec.h"

/* The message type: one tagged union for the whole pipeline. */
typedef enum { GENERATED, SQUARED, MERGED } num_tag;
typedef struct {
	num_tag tag;
	long value;
} num;

/* Each stage gets its ports in a small struct. */
typedef struct {
	pipec_rx *in;
	pipec_tx *out;
} ports;

typedef struct {
	long limit;
	bool quiet;
	long printed;
	ports gen, merge, print;
	ports square[64];
} config;

static int gen(pipec_stage *self, void *arg)
{
	ports *p = arg;
	for (long i = 0;; i++) {
		num m = {GENERATED, i};
		if (pipec_send(p->out, &m) != PIPEC_OK)
			return 0; /* nobody listens any more */
	}
	(void)self;
}

static int square(pipec_stage *self, void *arg)
{
	ports *p = arg;
	num m;
	while (pipec_recv(p->in, &m) == PIPEC_OK) {
		if (m.tag != GENERATED)
			return pipec_stage_fail(self, 1, "unexpected tag %d",
			                        (int)m.tag);
		m = (num){SQUARED, m.value * m.value};
		if (pipec_send(p->out, &m) != PIPEC_OK)
			break;
	}
	return 0;
}

static int merge(pipec_stage *self, void *arg)
{
	ports *p = arg;
	num m;
	while (pipec_recv(p->in, &m) == PIPEC_OK) {
		m.tag = MERGED;
		if (pipec_send(p->out, &m) != PIPEC_OK)
			break;
	}
	(void)self;
	return 0;
}

static int print(pipec_stage *self, void *arg)
{
	config *c = arg;
	num m;
	while (pipec_recv(c->print.in, &m) == PIPEC_OK) {
		if (m.value > c->limit)
			return 0; /* enough: returning cancels upstream */
		if (!c->quiet)
			printf("%ld\n", m.value);
		c->printed++;
	}
	(void)self;
	return 0;
}

static long flag(int argc, char **argv, const char *name, long def)
{
	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return strtol(argv[i + 1], NULL, 10);
	return def;
}

int main(int argc, char **argv)
{
	static config c;
	c.limit = flag(argc, argv, "--limit", 1000);
	long workers = flag(argc, argv, "--workers", 2);
	long cap = flag(argc, argv, "--capacity", 16);
	for (int i = 1; i < argc; i++)
		c.quiet |= strcmp(argv[i], "--quiet") == 0;
	if (workers < 1 || workers > 64 || cap < 0) {
		fprintf(stderr, "seed: --workers 1..64, --capacity >= 0\n");
		return 2;
	}

	pipec_run *run = pipec_run_new("seed");
	pipec_chan_spec spec = {.elem_size = sizeof(num),
	                        .capacity = (size_t)cap};
	spec.name = "generated";
	pipec_chan *c1 = pipec_run_chan(run, &spec);
	spec.name = "squared";
	pipec_chan *c2 = pipec_run_chan(run, &spec);
	spec.name = "merged";
	pipec_chan *c3 = pipec_run_chan(run, &spec);

	pipec_stage *s = pipec_stage_add(run, "gen", gen, &c.gen);
	c.gen.out = pipec_stage_tx(s, c1);
	for (long w = 0; w < workers; w++) {
		char name[32];
		snprintf(name, sizeof(name), "square[%ld]", w);
		s = pipec_stage_add(run, name, square, &c.square[w]);
		c.square[w].in = pipec_stage_rx(s, c1);
		c.square[w].out = pipec_stage_tx(s, c2);
	}
	s = pipec_stage_add(run, "merge", merge, &c.merge);
	c.merge.in = pipec_stage_rx(s, c2);
	c.merge.out = pipec_stage_tx(s, c3);
	s = pipec_stage_add(run, "print", print, &c);
	c.print.in = pipec_stage_rx(s, c3);

	pipec_status st = pipec_run_exec(run);
	/* Every thread has been joined: the statistics are final. */
	fprintf(stderr, "seed: run %s, printed %ld values\n",
	        pipec_status_name(st), c.printed);
	pipec_run_print_stats(run, stderr);
	pipec_run_free(run);
	return st == PIPEC_OK ? 0 : 1;
}
