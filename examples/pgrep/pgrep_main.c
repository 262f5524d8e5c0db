/* SPDX-License-Identifier: MIT */
/*
 * pgrep_main.c - pgrep's command line: grep's shape (options, a pattern,
 * paths) turned into the parameters of the pipeline in pgrep.pipe, which
 * it builds with the generated pgrep_new() and runs with the runtime's
 * run API: a deadline for --timeout, SIGINT as a whole-run cancel (R10),
 * the statistics for --stats and for the exit status.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgrep.h"

/* The run SIGINT cancels; set while it runs. */
static _Atomic(pipec_run *) sigint_run;
static volatile sig_atomic_t sigint_seen;

static void on_sigint(int sig)
{
	(void)sig;
	sigint_seen = 1;
	pipec_run *run = atomic_load(&sigint_run);
	if (run)
		pipec_run_cancel(run);
}

static void usage(void)
{
	pgrep_params defaults;
	pgrep_params_init(&defaults);
	printf("usage: pgrep [options] PATTERN [PATH...]\n"
	       "Prints PATH:LINE:TEXT for each line of the regular files "
	       "under the PATHs\n"
	       "(folders recursively; none: the working folder) that "
	       "matches PATTERN, a\n"
	       "POSIX regular expression.\n"
	       "\n"
	       "  -E, --extended      extended regular expressions\n"
	       "  -i, --ignore-case   ignore case\n"
	       "  -m, --max N         stop after N matches\n"
	       "  -j, --workers N     match workers (default %d)\n"
	       "      --capacity N    capacity of the channels (default %d)\n"
	       "      --counters      each stage tells on stderr what it "
	       "read\n"
	       "      --stats         print the run's statistics to stderr\n"
	       "      --timeout MS    cancel the run after MS milliseconds\n"
	       "  -h, --help          print this help\n"
	       "\n"
	       "Exit status: 0 a line matched, 1 none did, 2 trouble (bad "
	       "usage, a path\n"
	       "that could not be read, a stage that failed), 124 timed out, "
	       "130 interrupted.\n",
	       defaults.workers, defaults.capacity);
}

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "pgrep: %s%s\nTry 'pgrep --help'.\n", what, arg);
	return 2;
}

static bool parse_long(const char *s, long min, long max, long *v)
{
	char *end;
	errno = 0;
	long x = strtol(s, &end, 10);
	if (end == s || *end || errno || x < min || x > max)
		return false;
	*v = x;
	return true;
}

/* The command line, parsed. */
typedef struct Options {
	pgrep_params params;
	const char *pattern; /* NULL until seen */
	char **paths;        /* the PATH arguments */
	int npaths;
	bool stats;
	long timeout; /* -1: none */
} Options;

/* An option that takes a value: which, and where the value goes. */
static int take_value(Options *o, const char *name, const char *val)
{
	long v;
	if (!val)
		return usage_error("a value is needed after ", name);
	if (strcmp(name, "--max") == 0 || strcmp(name, "-m") == 0) {
		if (!parse_long(val, -1, LONG_MAX, &v))
			return usage_error("bad --max ", val);
		o->params.max = v;
	} else if (strcmp(name, "--workers") == 0 || strcmp(name, "-j") == 0) {
		if (!parse_long(val, 1, 4096, &v))
			return usage_error("bad --workers (1 to 4096) ", val);
		o->params.workers = (int)v;
	} else if (strcmp(name, "--capacity") == 0) {
		if (!parse_long(val, 0, 1 << 20, &v))
			return usage_error("bad --capacity ", val);
		o->params.capacity = (int)v;
	} else {
		if (!parse_long(val, 0, LONG_MAX, &v))
			return usage_error("bad --timeout ", val);
		o->timeout = v;
	}
	return 0;
}

/*
 * Parses argv as GNU grep does: options anywhere until "--", "-iE" for
 * "-i -E", "-m5" or "-m 5", "--max=5" or "--max 5". Returns 0, or the
 * exit status to stop with (-1: --help printed, exit 0).
 */
static int parse(Options *o, int argc, char **argv)
{
	static const char *const valued[] = {"--max", "--workers", "--capacity",
	                                     "--timeout"};
	bool options = true;
	for (int i = 1; i < argc; i++) {
		char *arg = argv[i];
		if (options && strcmp(arg, "--") == 0) {
			options = false;
		} else if (options && strncmp(arg, "--", 2) == 0) {
			char *eq = strchr(arg, '=');
			size_t n = eq ? (size_t)(eq - arg) : strlen(arg);
			bool known = false;
			for (size_t k = 0; k < 4 && !known; k++) {
				if (strlen(valued[k]) != n ||
				    strncmp(arg, valued[k], n) != 0)
					continue;
				known = true;
				int st = take_value(o, valued[k],
				                    eq ? eq + 1 : argv[++i]);
				if (st)
					return st;
			}
			if (known)
				continue;
			if (eq)
				return usage_error("unknown option ", arg);
			if (strcmp(arg, "--extended") == 0)
				o->params.extended = true;
			else if (strcmp(arg, "--ignore-case") == 0)
				o->params.ignore_case = true;
			else if (strcmp(arg, "--counters") == 0)
				o->params.counters = true;
			else if (strcmp(arg, "--stats") == 0)
				o->stats = true;
			else if (strcmp(arg, "--help") == 0)
				return -1;
			else
				return usage_error("unknown option ", arg);
		} else if (options && arg[0] == '-' && arg[1]) {
			for (char *c = arg + 1; *c; c++) {
				if (*c == 'E') {
					o->params.extended = true;
				} else if (*c == 'i') {
					o->params.ignore_case = true;
				} else if (*c == 'h') {
					return -1;
				} else if (*c == 'm' || *c == 'j') {
					const char *name =
					        *c == 'm' ? "-m" : "-j";
					int st = take_value(o, name,
					                    c[1] ? c + 1
					                         : argv[++i]);
					if (st)
						return st;
					break;
				} else {
					char bad[3] = {'-', *c, '\0'};
					return usage_error("unknown option ",
					                   bad);
				}
			}
		} else if (!o->pattern) {
			o->pattern = arg;
		} else {
			o->paths[o->npaths++] = arg;
		}
	}
	if (!o->pattern)
		return usage_error("no PATTERN", "");
	return 0;
}

/* The paths as the walk stage takes them: each ended by a NUL byte, the
 * list by an empty path. */
static char *path_list(char **paths, int n)
{
	size_t len = 1;
	for (int i = 0; i < n; i++)
		len += strlen(paths[i]) + 1;
	char *list = malloc(len), *p = list;
	if (!list)
		return NULL;
	for (int i = 0; i < n; i++) {
		size_t k = strlen(paths[i]) + 1;
		memcpy(p, paths[i], k);
		p += k;
	}
	*p = '\0';
	return list;
}

/* How many messages print received: a line, a binary file's notice or a
 * trouble (after which the run fails anyway). */
static uint64_t printed(const pipec_run *run)
{
	pipec_stage_stats s;
	for (size_t i = 0; pipec_run_stage_stats(run, i, &s); i++)
		if (strcmp(s.name, "print[0]") == 0)
			return s.received;
	return 0;
}

/* Runs the pipeline with SIGINT as a cancel; its exit status. */
static int run(const Options *o)
{
	pgrep_pipeline *pl;
	pipec_status st = pgrep_new(&o->params, &pl);
	if (st != PIPEC_OK) {
		fprintf(stderr, "pgrep: cannot build the pipeline: %s\n",
		        pipec_status_name(st));
		return 2;
	}
	if (o->timeout >= 0)
		pipec_run_set_deadline(pl->run, pipec_after_ms(o->timeout));

	/* Only this thread takes SIGINT: the stages start with it blocked. */
	struct sigaction sa = {.sa_handler = on_sigint}, old_sa;
	sigset_t block, old_mask;
	sigemptyset(&sa.sa_mask);
	atomic_store(&sigint_run, pl->run);
	sigaction(SIGINT, &sa, &old_sa);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old_mask);
	st = pipec_run_start(pl->run);
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	if (st == PIPEC_OK)
		st = pipec_run_wait(pl->run);
	sigaction(SIGINT, &old_sa, NULL);
	atomic_store(&sigint_run, NULL);
	fflush(stdout);

	if (o->stats)
		pipec_run_print_stats(pl->run, stderr);
	int code;
	const pipec_error *err;
	switch (st) {
	case PIPEC_OK:
		code = printed(pl->run) > 0 ? 0 : 1;
		break;
	case PIPEC_ERROR:
		err = pipec_run_error(pl->run);
		fprintf(stderr, "pgrep: %s (in stage '%s')\n", err->message,
		        err->stage);
		code = 2;
		break;
	case PIPEC_TIMEDOUT:
		fprintf(stderr, "pgrep: timed out after %ld ms\n", o->timeout);
		code = 124;
		break;
	case PIPEC_CANCELLED:
		fprintf(stderr, "pgrep: %s\n",
		        sigint_seen ? "interrupted" : "cancelled");
		code = sigint_seen ? 130 : 2;
		break;
	default:
		fprintf(stderr, "pgrep: %s\n", pipec_status_name(st));
		code = 2;
		break;
	}
	pgrep_free(pl);
	return code;
}

int main(int argc, char **argv)
{
	Options o = {.timeout = -1};
	pgrep_params_init(&o.params);
	o.paths = calloc((size_t)argc, sizeof *o.paths);
	if (!o.paths)
		return 2;
	int code = parse(&o, argc, argv);
	if (code) {
		if (code < 0)
			usage();
		free(o.paths);
		return code < 0 ? 0 : code;
	}

	/* A bad pattern is a usage error, said once, before any thread. */
	regex_t re;
	int flags = (o.params.extended ? REG_EXTENDED : 0) |
	            (o.params.ignore_case ? REG_ICASE : 0);
	int bad = regcomp(&re, o.pattern, flags);
	if (bad) {
		char why[256];
		regerror(bad, &re, why, sizeof why);
		fprintf(stderr, "pgrep: bad pattern '%s': %s\n", o.pattern,
		        why);
		free(o.paths);
		return 2;
	}
	regfree(&re);

	char *list = path_list(o.paths, o.npaths);
	free(o.paths);
	if (!list) {
		fprintf(stderr, "pgrep: out of memory\n");
		return 2;
	}
	o.params.pattern = o.pattern;
	o.params.paths = list;
	code = run(&o);
	free(list);
	return code;
}
