/* SPDX-License-Identifier: MIT */
/*
 * spsc.c - raw channel throughput: one producer thread sends N integers
 * through one channel to one consumer (the main thread). Same output
 * format as the Go and Rust peer programs.
 *
 * usage: spsc N CAP|unbounded
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipec.h"

typedef struct {
	pipec_tx *tx;
	uint64_t n;
} producer;

static void *produce(void *arg)
{
	producer *p = arg;
	for (uint64_t i = 0; i < p->n; i++)
		if (pipec_send(p->tx, &i) != PIPEC_OK)
			abort();
	pipec_tx_drop(p->tx);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s N CAP|unbounded\n", argv[0]);
		return 2;
	}
	uint64_t n = strtoull(argv[1], NULL, 10);
	size_t cap = strcmp(argv[2], "unbounded") == 0
	                     ? PIPEC_UNBOUNDED
	                     : (size_t)strtoull(argv[2], NULL, 10);
	pipec_chan_spec spec = {.elem_size = sizeof(uint64_t), .capacity = cap};
	producer p = {.n = n};
	pipec_rx *rx;
	pipec_time t0 = pipec_now();
	if (pipec_channel(&spec, &p.tx, &rx) != PIPEC_OK)
		return 1;
	pthread_t t;
	if (pthread_create(&t, NULL, produce, &p) != 0)
		return 1;
	uint64_t v, sum = 0, got = 0;
	while (pipec_recv(rx, &v) == PIPEC_OK) {
		sum += v;
		got++;
	}
	pthread_join(t, NULL);
	pipec_rx_drop(rx);
	double dt = (double)(pipec_now() - t0) / 1e9;
	if (got != n || sum != n * (n - 1) / 2)
		return 1;
	printf("impl=pipec N=%" PRIu64 " CAP=%s secs=%.6f msgs_per_s=%.0f "
	       "ns_per_msg=%.1f\n",
	       n, argv[2], dt, (double)n / dt, dt * 1e9 / (double)n);
	return 0;
}
