/* SPDX-License-Identifier: MIT */
/*
 * test_nomem.c - out of memory, and operations that must not allocate.
 *
 * This program links the runtime's test build (compiled with
 * -DPIPEC_FAULTS, see runtime/internal.h), whose every allocation goes
 * through the hooks below: they count allocations, track what is still
 * allocated, and make the Nth attempt fail. So the test can fail each
 * allocation of pipec_pipeline_build() and pipec_main() in turn (each must
 * report out of memory and leave nothing allocated), and check that port
 * operations in a running pipeline allocate nothing at all.
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "rt_test.h"

#define WATCH() rt_watchdog(60, __func__)

/* ---- the hooks ---- */

static atomic_long attempts;     /* allocations asked for */
static atomic_long live;         /* made and not yet freed */
static atomic_long fail_at = -1; /* the attempt that fails, or -1 */

void *pipec_fault_malloc(size_t size);
void *pipec_fault_calloc(size_t n, size_t size);
void pipec_fault_free(void *p);

static bool fails(void)
{
	return atomic_fetch_add(&attempts, 1) == atomic_load(&fail_at);
}

void *pipec_fault_malloc(size_t size)
{
	void *p = fails() ? NULL : malloc(size);

	if (p != NULL)
		atomic_fetch_add(&live, 1);
	return p;
}

void *pipec_fault_calloc(size_t n, size_t size)
{
	void *p = fails() ? NULL : calloc(n, size);

	if (p != NULL)
		atomic_fetch_add(&live, 1);
	return p;
}

void pipec_fault_free(void *p)
{
	if (p != NULL)
		atomic_fetch_sub(&live, 1);
	free(p);
}

/* Makes attempt k from now fail (k < 0: none). */
static void fail_after(long k)
{
	atomic_store(&fail_at, -1);
	atomic_store(&attempts, 0);
	atomic_store(&fail_at, k);
}

/* ---- a pipeline: gen =o=> a, b (select); gen -p-> sel; work * 2 ---- */

typedef struct nctx {
	long allocs;      /* allocations while gen ran its steady loop */
	pipec_status end; /* how sel's loop ended */
	int got;          /* messages sel received */
} nctx;

typedef struct nparams {
	nctx *ctx;
	int workers;
	int capacity;
} nparams;

#define ROUNDS 2000
#define WARMUP 100

static int n_gen(pipec_stage *self, const pipec_stage_args *a)
{
	nctx *c = ((const nparams *)a->params)->ctx;
	pipec_port *o = a->ports[0], *p = a->ports[1];
	long before = 0;

	(void)self;
	for (uint32_t i = 0; i < ROUNDS; i++) {
		vmsg m = vmsg_plain(V_GENERATED, i);
		vmsg extra = vmsg_plain(V_SQUARED, i);

		if (i == WARMUP)
			before = atomic_load(&attempts);
		if (pipec_port_wait_demand(o) != PIPEC_OK ||
		    pipec_port_send(o, &m) != PIPEC_OK ||
		    pipec_port_send(p, &extra) != PIPEC_OK)
			break;
		if (pipec_port_closed(o) || pipec_port_closed(p))
			break;
	}
	if (c != NULL) /* NULL when run by pipec_main */
		c->allocs = atomic_load(&attempts) - before;
	return 0;
}

typedef struct tin tin;

static int n_sel(pipec_stage *self, const pipec_stage_args *a)
{
	nctx *c = ((const nparams *)a->params)->ctx;
	tin *const ports[] = {(tin *)a->ports[0], (tin *)a->ports[1]};
	tin *from;
	vmsg m;
	pipec_status st;

	(void)self;
	while ((st = pipec_port_select_until(ports, 2, &m, &from,
	                                     PIPEC_FOREVER)) == PIPEC_OK)
		if (c != NULL)
			c->got++;
	if (c != NULL)
		c->end = st;
	return 0;
}

static int n_work(pipec_stage *self, const pipec_stage_args *a)
{
	vmsg m;

	(void)self;
	while (pipec_port_recv(a->ports[0], &m) == PIPEC_OK)
		if (pipec_port_try_recv(a->ports[0], &m) == PIPEC_CLOSED)
			break;
	return 0;
}

static const pipec_param_desc n_params[] = {
        {"workers", PIPEC_PARAM_INT, offsetof(nparams, workers), "2", "workers",
         PIPEC_PARAM_REPLICAS},
        {"capacity", PIPEC_PARAM_INT, offsetof(nparams, capacity), "4", NULL,
         PIPEC_PARAM_CAPACITY},
};

static void n_init(void *p)
{
	*(nparams *)p = (nparams){NULL, 2, 4};
}

static const pipec_chan_desc n_chans[] = {
        {"a", &vmsg_plain_type, {1, 0}},
        {"w", &vmsg_plain_type, {-1, 0}},
        {"b", &vmsg_plain_type, {1, 0}},
};
static const unsigned to_a_w[] = {0, 1}, c_a[] = {0}, c_w[] = {1}, c_b[] = {2};
static const pipec_port_desc n_gen_ports[] = {
        {"o", true, &vmsg_plain_type, UINT64_MAX, to_a_w, 2, 1},
        {"p", true, &vmsg_plain_type, UINT64_MAX, c_b, 1, 1},
};
static const pipec_port_desc n_sel_ports[] = {
        {"a", false, &vmsg_plain_type, UINT64_MAX, c_a, 1, 2},
        {"b", false, &vmsg_plain_type, UINT64_MAX, c_b, 1, 2},
};
static const pipec_port_desc n_work_ports[] = {
        {"i", false, &vmsg_plain_type, UINT64_MAX, c_w, 1, 3},
};
static const pipec_stage_desc n_stages[] = {
        {"gen", n_gen, {-1, 1}, n_gen_ports, 2, 1, 0, false},
        {"sel", n_sel, {-1, 1}, n_sel_ports, 2, 2, 0, false},
        {"work", n_work, {0, 0}, n_work_ports, 1, 3, 0, false},
};
static const pipec_pipeline_desc n_desc = {
        .name = "nomem",
        .file = "tests/nomem.pipe",
        .params_size = sizeof(nparams),
        .params_init = n_init,
        .params = n_params,
        .nparams = 2,
        .chans = n_chans,
        .nchans = 3,
        .stages = n_stages,
        .nstages = 3,
        .checks = true,
};

static void test_nomem_build_fails_cleanly_at_every_allocation(void **state)
{
	nctx c = {0};
	nparams p = {&c, 2, 4};
	long k, before = atomic_load(&live);
	pipec_status st;

	(void)state;
	WATCH();
	for (k = 0;; k++) {
		pipec_run *run = (pipec_run *)&run; /* reset by the build */

		fail_after(k);
		st = pipec_pipeline_build(&n_desc, k % 2 ? &p : NULL, &run);
		fail_after(-1);
		if (st == PIPEC_OK) {
			pipec_run_free(run);
			break;
		}
		if (st != PIPEC_NOMEM || run != NULL)
			fail_msg("allocation %ld failed: %s, run %p", k,
			         pipec_status_name(st), (void *)run);
		if (atomic_load(&live) != before)
			fail_msg("allocation %ld failed: %ld blocks left", k,
			         atomic_load(&live) - before);
	}
	assert_int_equal(atomic_load(&live), before);
	/* Every channel, stage, endpoint and block was one of them. */
	assert_true(k > 20);
}

static void test_nomem_pipec_main_says_so_at_every_allocation(void **state)
{
	char *argv[] = {"prog", "--workers=3", NULL};
	long k, before = atomic_load(&live);
	int saved = dup(2), null = open("/dev/null", O_WRONLY), code;

	(void)state;
	WATCH();
	assert_true(saved >= 0 && null >= 0);
	/* The messages go to stderr: to /dev/null here. */
	fflush(stderr);
	dup2(null, 2);
	for (k = 0;; k++) {
		fail_after(k);
		code = pipec_main(&n_desc, 2, argv);
		fail_after(-1);
		if (code != 1 || atomic_load(&live) != before)
			break;
	}
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(null);
	assert_int_equal(atomic_load(&live), before);
	assert_int_equal(code, 0);
	assert_true(k > 20);
}

static void test_nomem_port_operations_allocate_nothing(void **state)
{
	nctx c = {0};
	nparams p = {&c, 2, 0}; /* rendezvous: no buffer to grow */
	pipec_run *run;

	(void)state;
	WATCH();
	assert_int_equal(pipec_pipeline_build(&n_desc, &p, &run), PIPEC_OK);
	assert_int_equal(pipec_run_exec(run), PIPEC_OK);
	assert_int_equal(c.got, 2 * ROUNDS);
	assert_int_equal(c.end, PIPEC_CLOSED);
	/* Sends, broadcasts, receives, try-receives, selects, demand,
	 * closed: not one allocation once the channels' buffers exist. */
	assert_int_equal(c.allocs, 0);
	pipec_run_free(run);
}

/*
 * A channel's buffer grows as it fills: a send can run out of memory in
 * the middle of a run. Whatever the body makes of that status (here, as
 * in most bodies, "stop" and return 0), the run ends with PIPEC_NOMEM,
 * so a program says so instead of succeeding with part of its output.
 */
typedef struct grower {
	pipec_tx *tx;
	pipec_rx *rx;
	pipec_status st; /* the send that could not grow the buffer */
	atomic_int sent; /* set once it has tried */
	pipec_status sink_end;
} grower;

static int g_gen(pipec_stage *self, void *arg)
{
	grower *g = arg;

	(void)self;
	for (uint32_t i = 0; i < 64; i++) {
		tmsg m = tmsg_make(i, 0);

		if (i == 8) /* the first buffer (8 slots) is full */
			fail_after(0);
		g->st = pipec_send(g->tx, &m);
		if (g->st != PIPEC_OK)
			break;
	}
	fail_after(-1);
	atomic_store(&g->sent, 1);
	return 0;
}

static int g_sink(pipec_stage *self, void *arg)
{
	grower *g = arg;
	tmsg m;

	(void)self;
	rt_wait_flag(&g->sent, 20000);
	while ((g->sink_end = pipec_recv(g->rx, &m)) == PIPEC_OK)
		tmsg_free(&m);
	return 0;
}

static void test_nomem_a_send_out_of_memory_fails_the_run(void **state)
{
	grower g = {0};
	pipec_chan_spec spec = tmsg_spec("grows", 64, NULL);
	pipec_run *run = pipec_run_new("grow");
	pipec_chan *ch = pipec_run_chan(run, &spec);
	pipec_stage *s;

	(void)state;
	WATCH();
	atomic_init(&g.sent, 0);
	s = pipec_stage_add(run, "gen", g_gen, &g);
	g.tx = pipec_stage_tx(s, ch);
	s = pipec_stage_add(run, "sink", g_sink, &g);
	g.rx = pipec_stage_rx(s, ch);
	assert_int_equal(pipec_run_exec(run), PIPEC_NOMEM);
	assert_int_equal(g.st, PIPEC_NOMEM);
	assert_int_equal(g.sink_end, PIPEC_CANCELLED);
	pipec_run_free(run);
	assert_int_equal(atomic_load(&live), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(
	                test_nomem_build_fails_cleanly_at_every_allocation),
	        cmocka_unit_test(
	                test_nomem_pipec_main_says_so_at_every_allocation),
	        cmocka_unit_test(test_nomem_port_operations_allocate_nothing),
	        cmocka_unit_test(test_nomem_a_send_out_of_memory_fails_the_run),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	rt_watchdog(0, "");
	return failed;
}
