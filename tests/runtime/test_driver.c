/* SPDX-License-Identifier: MIT */
/*
 * test_driver.c - pipec_main(), the program of a generated --main: flags
 * in both forms, bad values, unknown options, --help with descriptions,
 * --stats, --timeout (exit 124), a failing stage (exit 1), SIGINT (exit
 * 130, R10) and a second SIGINT that ends a run whose stage ignores the
 * cancel, every message prefixed with argv[0].
 *
 * Each case runs this program again as a child ("child CASE PROG ARGS...",
 * which calls pipec_main with argv = PROG ARGS...), with its stdout and
 * stderr captured, and checks its exit status and output. The pipelines
 * are tables written the way pipec generates them.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_test.h"

#define WATCH()  rt_watchdog(120, __func__)
#define CHILD_MS (20000L * (long)rt_slow())

/* ------------------------------------------------------------------ */
/* The child's pipelines                                               */
/* ------------------------------------------------------------------ */

typedef struct dparams {
	long limit;
	int workers;
	int capacity;
	double ratio;
	bool verbose;
	const char *label;
	size_t chunk_size;
} dparams;

static void show_init(void *p)
{
	*(dparams *)p = (dparams){
	        .limit = 10,
	        .workers = 2,
	        .capacity = 4,
	        .ratio = 0.5,
	        .verbose = false,
	        .label = "none",
	        .chunk_size = 1,
	};
}

static const pipec_param_desc show_params[] = {
        {"limit", PIPEC_PARAM_LONG, offsetof(dparams, limit), "10",
         "values to print", 0},
        {"workers", PIPEC_PARAM_INT, offsetof(dparams, workers), "2",
         "ticking workers", PIPEC_PARAM_REPLICAS},
        {"capacity", PIPEC_PARAM_INT, offsetof(dparams, capacity), "4", NULL,
         PIPEC_PARAM_CAPACITY},
        {"ratio", PIPEC_PARAM_DOUBLE, offsetof(dparams, ratio), "0.5",
         "a fraction, 100% unused", 0},
        {"verbose", PIPEC_PARAM_BOOL, offsetof(dparams, verbose), "false", NULL,
         0},
        {"label", PIPEC_PARAM_STRING, offsetof(dparams, label), "\"none\"",
         "the label printed in front of every line of the output, which "
         "is long enough to need a second line here",
         0},
        {"chunk_size", PIPEC_PARAM_SIZE, offsetof(dparams, chunk_size), "1",
         NULL, 0},
};

/* Each tick instance sends one message. */
static int show_tick(pipec_stage *self, const pipec_stage_args *a)
{
	vmsg m = vmsg_plain(V_GENERATED, (uint32_t)a->replica);

	(void)self;
	pipec_port_send(a->ports[0], &m);
	return 0;
}

/* Prints the parameters it sees, whether SIGINT reaches its thread, and
 * how many ticks came. */
static int show_body(pipec_stage *self, const pipec_stage_args *a)
{
	const dparams *p = a->params;
	sigset_t mask;
	vmsg m;
	int ticks = 0;

	(void)self;
	while (pipec_port_recv(a->ports[0], &m) == PIPEC_OK)
		ticks++;
	pthread_sigmask(SIG_BLOCK, NULL, &mask);
	printf("limit=%ld workers=%d capacity=%d ratio=%g verbose=%d "
	       "label=%s chunk_size=%zu ticks=%d sigint=%s\n",
	       p->limit, p->workers, p->capacity, p->ratio, (int)p->verbose,
	       p->label, p->chunk_size, ticks,
	       sigismember(&mask, SIGINT) ? "blocked" : "open");
	return 0;
}

static const pipec_chan_desc show_chans[] = {
        {"ticks", &vmsg_plain_type, {2, 0}},
};
static const unsigned c0[] = {0};
static const pipec_port_desc tick_ports[] = {
        {"o", true, &vmsg_plain_type, V_BIT(V_GENERATED), c0, 1, 20},
};
static const pipec_port_desc show_ports[] = {
        {"i", false, &vmsg_plain_type, V_BIT(V_GENERATED), c0, 1, 30},
};
static const pipec_stage_desc show_stages[] = {
        {"tick", show_tick, {1, 0}, tick_ports, 1, 20, 0, false},
        {"show", show_body, {-1, 1}, show_ports, 1, 30, 0, false},
};
static const pipec_pipeline_desc show_desc = {
        .name = "show",
        .file = "tests/runtime/show.pipe",
        .params_size = sizeof(dparams),
        .params_init = show_init,
        .params = show_params,
        .nparams = 7,
        .chans = show_chans,
        .nchans = 1,
        .stages = show_stages,
        .nstages = 2,
        .checks = true,
};

/* ---- endless: gen -> sink, for --timeout, --stats and SIGINT ---- */

typedef struct eparams {
	long count; /* sink returns after this many; -1: never */
} eparams;

static void endless_init(void *p)
{
	((eparams *)p)->count = -1;
}

static const pipec_param_desc endless_params[] = {
        {"count", PIPEC_PARAM_LONG, offsetof(eparams, count), "-1",
         "messages to take (-1: all)", 0},
};

static int endless_gen(pipec_stage *self, const pipec_stage_args *a)
{
	(void)self;
	for (uint32_t i = 0;; i++) {
		vmsg m = vmsg_plain(V_GENERATED, i);

		if (pipec_port_send(a->ports[0], &m) != PIPEC_OK)
			return 0;
	}
}

/* Prints its total only at the end of the stream: never when the run
 * was interrupted or timed out (R10). */
static int endless_sink(pipec_stage *self, const pipec_stage_args *a)
{
	const eparams *p = a->params;
	vmsg m;
	long got = 0;
	pipec_status st;

	(void)self;
	while ((st = pipec_port_recv(a->ports[0], &m)) == PIPEC_OK) {
		if (++got == 1) {
			printf("ready\n");
			fflush(stdout);
		}
		if (got == p->count)
			return 0;
	}
	if (st == PIPEC_CLOSED)
		printf("total %ld\n", got);
	else
		printf("stopped: %s\n", pipec_status_name(st));
	return 0;
}

static const pipec_chan_desc endless_chans[] = {
        {"gen_o", &vmsg_plain_type, {-1, 8}},
};
static const pipec_port_desc egen_ports[] = {
        {"o", true, &vmsg_plain_type, V_BIT(V_GENERATED), c0, 1, 5},
};
static const pipec_port_desc esink_ports[] = {
        {"i", false, &vmsg_plain_type, V_BIT(V_GENERATED), c0, 1, 9},
};
static const pipec_stage_desc endless_stages[] = {
        {"gen", endless_gen, {-1, 1}, egen_ports, 1, 5, 0, false},
        {"sink", endless_sink, {-1, 1}, esink_ports, 1, 9, 0, false},
};
static const pipec_pipeline_desc endless_desc = {
        .name = "endless",
        .file = "endless.pipe",
        .params_size = sizeof(eparams),
        .params_init = endless_init,
        .params = endless_params,
        .nparams = 1,
        .chans = endless_chans,
        .nchans = 1,
        .stages = endless_stages,
        .nstages = 2,
        .checks = true,
};

/* ---- stubborn: a stage that ignores the cancel ---- */

static int stubborn_body(pipec_stage *self, const pipec_stage_args *a)
{
	(void)self;
	(void)a;
	printf("ready\n");
	fflush(stdout);
	for (int i = 0; i < 3000; i++) /* 30 s, deaf to the cancel */
		rt_sleep_ms(10);
	return 0;
}

static const pipec_stage_desc stubborn_stages[] = {
        {"deaf", stubborn_body, {-1, 1}, NULL, 0, 3, 0, false},
};
static const pipec_pipeline_desc stubborn_desc = {
        .name = "stubborn",
        .stages = stubborn_stages,
        .nstages = 1,
        .checks = true,
};

/* ---- fail: a stage that fails; bad: one that sends a wrong variant */

static int fail_body(pipec_stage *self, const pipec_stage_args *a)
{
	(void)a;
	return pipec_stage_fail(self, 3, "broken %d", 7);
}

static int bad_body(pipec_stage *self, const pipec_stage_args *a)
{
	vmsg m = vmsg_plain(V_SQUARED, 0);

	(void)self;
	pipec_port_send(a->ports[0], &m);
	return 0;
}

static const pipec_stage_desc fail_stages[] = {
        {"bad", fail_body, {-1, 1}, NULL, 0, 3, 0, false},
};
static const pipec_pipeline_desc fail_desc = {
        .name = "fail",
        .stages = fail_stages,
        .nstages = 1,
        .checks = true,
};

static const pipec_stage_desc bad_stages[] = {
        {"gen", bad_body, {-1, 1}, egen_ports, 1, 5, 0, false},
        {"sink", endless_sink, {-1, 1}, esink_ports, 1, 9, 0, false},
};
static const pipec_pipeline_desc bad_desc = {
        .name = "bad",
        .file = "tests/bad.pipe",
        .params_size = sizeof(eparams),
        .params_init = endless_init,
        .params = endless_params,
        .nparams = 1,
        .chans = endless_chans,
        .nchans = 1,
        .stages = bad_stages,
        .nstages = 2,
        .checks = true,
};

/* Tables a generator got wrong: an in port on two channels. */
static const unsigned c00[] = {0, 0};
static const pipec_port_desc broken_ports[] = {
        {"i", false, &vmsg_plain_type, V_BIT(V_GENERATED), c00, 2, 9},
};
static const pipec_stage_desc broken_stages[] = {
        {"gen", endless_gen, {-1, 1}, egen_ports, 1, 5, 0, false},
        {"sink", endless_sink, {-1, 1}, broken_ports, 1, 9, 0, false},
};
static const pipec_pipeline_desc broken_desc = {
        .name = "broken",
        .params_size = sizeof(eparams),
        .params_init = endless_init,
        .params = endless_params,
        .nparams = 1,
        .chans = endless_chans,
        .nchans = 1,
        .stages = broken_stages,
        .nstages = 2,
        .checks = true,
};

static int child_main(int argc, char **argv)
{
	static const struct {
		const char *name;
		const pipec_pipeline_desc *pl;
	} cases[] = {
	        {"show", &show_desc},         {"endless", &endless_desc},
	        {"stubborn", &stubborn_desc}, {"fail", &fail_desc},
	        {"bad", &bad_desc},           {"broken", &broken_desc},
	};

	if (argc < 2)
		return 99;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (strcmp(argv[0], cases[i].name) == 0)
			/* "-" for PROG: a call without argv */
			return strcmp(argv[1], "-") == 0
			               ? pipec_main(cases[i].pl, 0, NULL)
			               : pipec_main(cases[i].pl, argc - 1,
			                            argv + 1);
	return 99;
}

/* ------------------------------------------------------------------ */
/* The test's side                                                     */
/* ------------------------------------------------------------------ */

/* Runs "child CASE PROG ARGS..." to the end; args ends with NULL. */
static void run_prog(rt_child *c, const char *name, const char *prog,
                     const char *const *args)
{
	const char *argv[32] = {"child", name, prog};
	size_t n = 3;

	while (*args != NULL && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	rt_child_start(c, argv);
	if (!rt_child_wait(c, CHILD_MS))
		fail_msg("child %s did not end", name);
}

/* The same with "drv" for PROG. */
static void run_child(rt_child *c, const char *name, const char *const *args)
{
	run_prog(c, name, "drv", args);
}

#define ARGS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* The child ends with status code and exactly this output. */
static void expect(const char *name, const char *const *args, int code,
                   const char *out, const char *err)
{
	rt_child c;

	run_child(&c, name, args);
	if (rt_child_code(&c) != code || strcmp(c.out, out) != 0 ||
	    strcmp(c.err, err) != 0) {
		printf("child %s %s...: status %d (want %d)\n"
		       "stdout:\n%s\nstderr:\n%s\n"
		       "wanted stdout:\n%s\nwanted stderr:\n%s\n",
		       name, args[0] ? args[0] : "", rt_child_code(&c), code,
		       c.out, c.err, out, err);
		fail();
	}
	rt_child_free(&c);
}

static void expect_usage_error(const char *const *args, const char *line)
{
	char err[512];

	snprintf(err, sizeof err, "drv: %s\nTry 'drv --help'.\n", line);
	expect("show", args, 2, "", err);
}

static void test_driver_flags_in_both_forms(void **state)
{
	(void)state;
	WATCH();
	expect("show", ARGS(NULL), 0,
	       "limit=10 workers=2 capacity=4 ratio=0.5 verbose=0 "
	       "label=none chunk_size=1 ticks=2 sigint=blocked\n",
	       "");
	expect("show",
	       ARGS("--limit", "5", "--workers=3", "--capacity", "0",
	            "--ratio=0.25", "--verbose", "--label", "hi there",
	            "--chunk-size", "7"),
	       0,
	       "limit=5 workers=3 capacity=0 ratio=0.25 verbose=1 "
	       "label=hi there chunk_size=7 ticks=3 sigint=blocked\n",
	       "");
	/* '-' or '_' in a name; bool with a value, or alone; base 0. */
	expect("show",
	       ARGS("--chunk_size=0x10", "--verbose", "--limit", "-3",
	            "--label=", "--workers", "1"),
	       0,
	       "limit=-3 workers=1 capacity=4 ratio=0.5 verbose=1 label= "
	       "chunk_size=16 ticks=1 sigint=blocked\n",
	       "");
	expect("show", ARGS("--verbose", "no", "--verbose=yes", "--verbose=0"),
	       0,
	       "limit=10 workers=2 capacity=4 ratio=0.5 verbose=0 "
	       "label=none chunk_size=1 ticks=2 sigint=blocked\n",
	       "");
	/* Too small for a double: rounded as a C literal is, not refused. */
	expect("show", ARGS("--ratio", "1e-999"), 0,
	       "limit=10 workers=2 capacity=4 ratio=0 verbose=0 "
	       "label=none chunk_size=1 ticks=2 sigint=blocked\n",
	       "");
	expect("show", ARGS("--verbose", "on"), 0,
	       "limit=10 workers=2 capacity=4 ratio=0.5 verbose=1 "
	       "label=none chunk_size=1 ticks=2 sigint=blocked\n",
	       "");
}

static void test_driver_bad_usage_exits_2(void **state)
{
	(void)state;
	WATCH();
	expect_usage_error(ARGS("--workers", "x"),
	                   "bad value 'x' for --workers (expected int)");
	expect_usage_error(ARGS("--workers=99999999999"),
	                   "bad value '99999999999' for --workers "
	                   "(expected int)");
	expect_usage_error(ARGS("--limit", "1x"),
	                   "bad value '1x' for --limit (expected long)");
	expect_usage_error(ARGS("--limit", " 1"),
	                   "bad value ' 1' for --limit (expected long)");
	expect_usage_error(ARGS("--ratio=abc"),
	                   "bad value 'abc' for --ratio (expected double)");
	/* A double is finite: no NaN, no infinity, nothing that overflows. */
	expect_usage_error(ARGS("--ratio", "nan"),
	                   "bad value 'nan' for --ratio (expected double)");
	expect_usage_error(ARGS("--ratio", "-inf"),
	                   "bad value '-inf' for --ratio (expected double)");
	expect_usage_error(ARGS("--ratio", "1e999"),
	                   "bad value '1e999' for --ratio (expected double)");
	expect_usage_error(ARGS("--verbose=maybe"),
	                   "bad value 'maybe' for --verbose (expected bool)");
	expect_usage_error(ARGS("--chunk-size", "-1"),
	                   "bad value '-1' for --chunk_size (expected size)");
	expect_usage_error(ARGS("--limit"), "--limit needs a value");
	expect_usage_error(ARGS("--timeout"), "--timeout needs a value");
	expect_usage_error(ARGS("--timeout=-5"),
	                   "bad value '-5' for --timeout (milliseconds)");
	expect_usage_error(ARGS("--nope"), "unknown option '--nope'");
	expect_usage_error(ARGS("--limits=3"), "unknown option '--limits=3'");
	expect_usage_error(ARGS("-x"), "unknown option '-x'");
	expect_usage_error(ARGS("extra"), "unexpected argument 'extra'");
	expect_usage_error(ARGS("--stats=1"), "unknown option '--stats=1'");
	/* The parameters pass the checks, or the run is not built. */
	expect_usage_error(ARGS("--workers", "0"),
	                   "workers must be at least 1");
	expect_usage_error(ARGS("--workers", "2000000"),
	                   "workers must be at most 1000000");
	expect_usage_error(ARGS("--capacity=-1"),
	                   "capacity must not be negative");
	/* Arguments are read in order: the first error wins over --help. */
	expect_usage_error(ARGS("--workers", "x", "--help"),
	                   "bad value 'x' for --workers (expected int)");
}

static const char show_help[] =
        "usage: drv [options]\n"
        "Runs the pipeline show (generated from show.pipe by pipec).\n"
        "\n"
        "options:\n"
        "  --limit LONG           values to print (default 10)\n"
        "  --workers INT          ticking workers (default 2)\n"
        "  --capacity INT         default 4\n"
        "  --ratio NUMBER         a fraction, 100% unused (default 0.5)\n"
        "  --verbose BOOL         default false\n"
        "  --label TEXT           the label printed in front of every line "
        "of the\n"
        "                         output, which is long enough to need a "
        "second line\n"
        "                         here (default \"none\")\n"
        "  --chunk_size SIZE      default 1\n"
        "  --stats                print the run's statistics to stderr\n"
        "  --timeout MS           cancel the run after MS milliseconds "
        "(exit 124)\n"
        "  --help                 print this help\n"
        "\n"
        "Exit status: 0 done, 1 a stage failed, 2 bad usage, 124 timed "
        "out,\n"
        "130 interrupted (SIGINT).\n";

static void test_driver_help_shows_descriptions(void **state)
{
	(void)state;
	WATCH();
	expect("show", ARGS("--help"), 0, show_help, "");
	expect("show", ARGS("--limit", "3", "-h", "--nope"), 0, show_help, "");
	expect("endless", ARGS("--help"), 0,
	       "usage: drv [options]\n"
	       "Runs the pipeline endless (generated from endless.pipe by "
	       "pipec).\n"
	       "\n"
	       "options:\n"
	       "  --count LONG           messages to take (-1: all) (default "
	       "-1)\n"
	       "  --stats                print the run's statistics to "
	       "stderr\n"
	       "  --timeout MS           cancel the run after MS milliseconds "
	       "(exit 124)\n"
	       "  --help                 print this help\n"
	       "\n"
	       "Exit status: 0 done, 1 a stage failed, 2 bad usage, 124 "
	       "timed out,\n"
	       "130 interrupted (SIGINT).\n",
	       "");
	/* Without a file, and without parameters. */
	expect("fail", ARGS("--help"), 0,
	       "usage: drv [options]\n"
	       "Runs the pipeline fail.\n"
	       "\n"
	       "options:\n"
	       "  --stats                print the run's statistics to "
	       "stderr\n"
	       "  --timeout MS           cancel the run after MS milliseconds "
	       "(exit 124)\n"
	       "  --help                 print this help\n"
	       "\n"
	       "Exit status: 0 done, 1 a stage failed, 2 bad usage, 124 "
	       "timed out,\n"
	       "130 interrupted (SIGINT).\n",
	       "");
}

static void test_driver_stats_and_end_of_stream(void **state)
{
	rt_child c;

	(void)state;
	WATCH();
	run_child(&c, "endless", ARGS("--count", "5", "--stats"));
	assert_int_equal(rt_child_code(&c), 0);
	assert_string_equal(c.out, "ready\n");
	assert_non_null(strstr(c.err, "channel "));
	assert_non_null(strstr(c.err, "\ngen_o "));
	assert_non_null(strstr(c.err, "\ngen[0] "));
	assert_non_null(strstr(c.err, "\nsink[0] "));
	rt_child_free(&c);

	run_child(&c, "endless", ARGS("--count", "5"));
	assert_int_equal(rt_child_code(&c), 0);
	assert_string_equal(c.err, "");
	rt_child_free(&c);
}

static void test_driver_timeout_exits_124(void **state)
{
	rt_child c;

	(void)state;
	WATCH();
	run_child(&c, "endless", ARGS("--timeout", "50"));
	assert_int_equal(rt_child_code(&c), 124);
	assert_string_equal(c.err, "drv: timed out after 50 ms\n");
	/* Cut short: the sink never saw an end of stream (R10). */
	assert_null(strstr(c.out, "total"));
	rt_child_free(&c);

	run_child(&c, "endless", ARGS("--timeout=0", "--count=-1"));
	assert_int_equal(rt_child_code(&c), 124);
	assert_string_equal(c.err, "drv: timed out after 0 ms\n");
	assert_null(strstr(c.out, "total"));
	rt_child_free(&c);
}

static void test_driver_failing_stage_exits_1(void **state)
{
	rt_child c;

	(void)state;
	WATCH();
	expect("fail", ARGS(NULL), 1, "",
	       "drv: stage 'bad[0]' failed (code 3): broken 7\n");
	/* Without argv, the pipeline's name stands for the program. */
	run_prog(&c, "fail", "-", ARGS(NULL));
	assert_int_equal(rt_child_code(&c), 1);
	assert_string_equal(c.err,
	                    "fail: stage 'bad[0]' failed (code 3): broken 7\n");
	rt_child_free(&c);
	expect("broken", ARGS(NULL), 1, "",
	       "drv: cannot build the pipeline: stage sink: in port i has 2 "
	       "channels\n");
}

static void test_driver_variant_check_names_the_program(void **state)
{
	rt_child c;
	static const char line[] =
	        "drv: tests/bad.pipe:5: pipeline 'bad' stage 'gen[0]' port 'o' "
	        "cannot send "
	        "Num.Squared (it accepts Num.Generated)\n";

	(void)state;
	WATCH();
	run_child(&c, "bad", ARGS(NULL));
	assert_int_equal(rt_child_code(&c), 1000 + SIGABRT);
	assert_string_equal(c.err, line);
	rt_child_free(&c);
}

/* Starts a child and waits until its stage says "ready". */
static void start_ready(rt_child *c, const char *name)
{
	const char *argv[] = {"child", name, "drv", NULL};

	rt_child_start(c, argv);
	if (!rt_child_wait_out(c, "ready\n", CHILD_MS))
		fail_msg("child %s never got ready", name);
}

static void test_r10_sigint_exits_130_interrupted(void **state)
{
	rt_child c;

	(void)state;
	WATCH();
	start_ready(&c, "endless");
	kill(c.pid, SIGINT);
	assert_true(rt_child_wait(&c, CHILD_MS));
	assert_int_equal(rt_child_code(&c), 130);
	assert_string_equal(c.err, "drv: interrupted\n");
	/* The sink was told PIPEC_CANCELLED, never PIPEC_CLOSED: it did
	 * not take the interruption for the end of its input. */
	assert_string_equal(c.out, "ready\nstopped: cancelled\n");
	rt_child_free(&c);
}

static void test_r10_second_sigint_ends_a_deaf_run_at_once(void **state)
{
	rt_child c;
	pipec_time t0;

	(void)state;
	WATCH();
	start_ready(&c, "stubborn");
	kill(c.pid, SIGINT);
	/* The run is cancelled, but its stage does not return. */
	assert_false(rt_child_wait(&c, 300));
	t0 = pipec_now();
	kill(c.pid, SIGINT);
	assert_true(rt_child_wait(&c, CHILD_MS));
	assert_true(pipec_now() - t0 < 2000000000LL * rt_slow());
	assert_int_equal(rt_child_code(&c), 130);
	assert_string_equal(c.err, "drv: interrupted\n");
	rt_child_free(&c);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_driver_flags_in_both_forms),
	        cmocka_unit_test(test_driver_bad_usage_exits_2),
	        cmocka_unit_test(test_driver_help_shows_descriptions),
	        cmocka_unit_test(test_driver_stats_and_end_of_stream),
	        cmocka_unit_test(test_driver_timeout_exits_124),
	        cmocka_unit_test(test_driver_failing_stage_exits_1),
	        cmocka_unit_test(test_driver_variant_check_names_the_program),
	        cmocka_unit_test(test_r10_sigint_exits_130_interrupted),
	        cmocka_unit_test(
	                test_r10_second_sigint_ends_a_deaf_run_at_once),
	};
	int failed;

	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return child_main(argc - 2, argv + 2);
	rt_set_self(argv[0]);
	failed = cmocka_run_group_tests(tests, NULL, NULL);
	rt_watchdog(0, "");
	return failed;
}
