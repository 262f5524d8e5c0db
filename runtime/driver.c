/* SPDX-License-Identifier: MIT */
/*
 * driver.c - pipec_main(): the whole program of a generated --main.
 *
 * Reads a flag per parameter of the pipeline's table (--name VALUE or
 * --name=VALUE, '-' for '_'), --stats, --timeout MS and --help; builds the
 * run; runs it with SIGINT as a whole-run cancel (R10); reports what went
 * wrong, each message starting with the program's name (argv[0]); and
 * returns the exit status (see pipec.h).
 *
 * SIGINT's handler can only reach the run through static variables, so
 * one pipec_main runs at a time in a process.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* ------------------------------------------------------------------ */
/* SIGINT                                                              */
/* ------------------------------------------------------------------ */

static _Atomic(pipec_run *) sigint_run;
static atomic_int sigint_count;
static const char *volatile sigint_prog;

/*
 * The first SIGINT cancels the run; the run then ends as soon as every
 * stage has returned. A second one, while a stage that ignores the cancel
 * keeps the run from ending, ends the process at once. Only
 * async-signal-safe calls here.
 */
static void on_sigint(int sig)
{
	int saved = errno;
	(void)sig;
	if (atomic_fetch_add(&sigint_count, 1) > 0) {
		static const char tail[] = ": interrupted\n";
		const char *prog = sigint_prog;
		(void)!write(STDERR_FILENO, prog, strlen(prog));
		(void)!write(STDERR_FILENO, tail, sizeof tail - 1);
		_exit(130);
	}
	pipec_run *run = atomic_load(&sigint_run);
	if (run)
		pipec_run_cancel(run);
	errno = saved;
}

/* Starts and waits for run with SIGINT as its cancel; *interrupted says
 * whether SIGINT came. Stage threads start with SIGINT blocked, so that
 * only this thread takes it. */
static pipec_status run_with_sigint(pipec_run *run, const char *prog,
                                    bool *interrupted)
{
	struct sigaction sa, old_sa;
	sigset_t block, old_mask;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigint_prog = prog;
	atomic_store(&sigint_count, 0);
	atomic_store(&sigint_run, run);
	sigaction(SIGINT, &sa, &old_sa);

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old_mask);
	pipec_status st = pipec_run_start(run);
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	if (st == PIPEC_OK)
		st = pipec_run_wait(run);

	sigaction(SIGINT, &old_sa, NULL);
	atomic_store(&sigint_run, NULL);
	*interrupted = atomic_load(&sigint_count) > 0;
	return st;
}

/* ------------------------------------------------------------------ */
/* Values of flags                                                     */
/* ------------------------------------------------------------------ */

static bool parse_long(const char *s, long *v)
{
	char *end;
	errno = 0;
	long x = strtol(s, &end, 0);
	if (end == s || *end || errno || isspace((unsigned char)*s))
		return false;
	*v = x;
	return true;
}

static bool parse_size(const char *s, size_t *v)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (*end || errno || x > SIZE_MAX)
		return false;
	*v = (size_t)x;
	return true;
}

/* A finite number: "nan", "inf" and what overflows are refused; what is
 * too small to represent is taken as strtod rounds it (to a subnormal or
 * zero), as a C literal is. */
static bool parse_double(const char *s, double *v)
{
	char *end;
	double x = strtod(s, &end);
	if (end == s || *end || isspace((unsigned char)*s) || !isfinite(x))
		return false;
	*v = x;
	return true;
}

static bool parse_bool(const char *s, bool *v)
{
	/* ORDER: false, true pairs. */
	static const char *const words[] = {"false", "true", "no", "yes",
	                                    "off",   "on",   "0",  "1"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		if (strcmp(s, words[i]) == 0) {
			*v = i % 2 == 1;
			return true;
		}
	}
	return false;
}

/* Stores the value s of parameter p into params; false if malformed. */
static bool set_param(const pipec_param_desc *p, void *params, const char *s)
{
	unsigned char *field = (unsigned char *)params + p->offset;
	long l;
	int i;
	size_t z;
	double d;
	bool b;
	switch (p->type) {
	case PIPEC_PARAM_INT:
		if (!parse_long(s, &l) || l < INT_MIN || l > INT_MAX)
			return false;
		i = (int)l;
		memcpy(field, &i, sizeof i);
		return true;
	case PIPEC_PARAM_LONG:
		if (!parse_long(s, &l))
			return false;
		memcpy(field, &l, sizeof l);
		return true;
	case PIPEC_PARAM_SIZE:
		if (!parse_size(s, &z))
			return false;
		memcpy(field, &z, sizeof z);
		return true;
	case PIPEC_PARAM_DOUBLE:
		if (!parse_double(s, &d))
			return false;
		memcpy(field, &d, sizeof d);
		return true;
	case PIPEC_PARAM_BOOL:
		if (!parse_bool(s, &b))
			return false;
		memcpy(field, &b, sizeof b);
		return true;
	case PIPEC_PARAM_STRING:
		memcpy(field, &s, sizeof s); /* argv outlives the run */
		return true;
	}
	return false;
}

/* The type in "bad value 'x' for --n (expected TYPE)". */
static const char *type_name(pipec_param_type t)
{
	static const char *const names[] = {
	        /* ORDER: pipec_param_type */
	        "int", "long", "size", "double", "bool", "string",
	};
	return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}

/* The placeholder in --help: --workers INT. */
static const char *type_word(pipec_param_type t)
{
	static const char *const words[] = {
	        /* ORDER: pipec_param_type */
	        "INT", "LONG", "SIZE", "NUMBER", "BOOL", "TEXT",
	};
	return (unsigned)t < sizeof words / sizeof words[0] ? words[t]
	                                                    : "VALUE";
}

/* ------------------------------------------------------------------ */
/* --help                                                              */
/* ------------------------------------------------------------------ */

/* Descriptions start in this column and wrap before HELP_WIDTH. */
#define HELP_COLUMN 25
#define HELP_WIDTH  79

/* Makes room for a unit of n columns of a description: a space, or a
 * new line when the unit would pass HELP_WIDTH. */
static void wrap(FILE *f, size_t n, size_t *col, bool *line_empty)
{
	if (!*line_empty && *col + 1 + n > HELP_WIDTH) {
		fprintf(f, "\n%*s", HELP_COLUMN, "");
		*col = HELP_COLUMN;
		*line_empty = true;
	}
	if (!*line_empty) {
		fputc(' ', f);
		++*col;
	}
	*col += n;
	*line_empty = false;
}

/*
 * One parameter: "  --name WORD", then its description and default from
 * HELP_COLUMN on, wrapped at words ("(default X)" stays whole); or, with
 * no description, "default X" as the only text.
 */
static void print_param(FILE *f, const pipec_param_desc *p)
{
	int n = fprintf(f, "  --%s %s", p->name, type_word(p->type));
	size_t col = n > 0 ? (size_t)n : 0;
	if (col < HELP_COLUMN - 1)
		col += (size_t)fprintf(f, "%*s", (int)(HELP_COLUMN - 1 - col),
		                       "");
	bool line_empty = false;
	for (const char *w = p->help ? p->help : ""; *w;) {
		size_t len = strcspn(w, " ");
		if (len > 0) {
			wrap(f, len, &col, &line_empty);
			fwrite(w, 1, len, f);
		}
		w += len + (w[len] == ' ');
	}
	if (p->def && p->help) {
		wrap(f, strlen(p->def) + 10, &col, &line_empty);
		fprintf(f, "(default %s)", p->def);
	} else if (p->def) {
		fprintf(f, " default %s", p->def);
	}
	fputc('\n', f);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static void print_usage(const pipec_pipeline_desc *pl, const char *prog)
{
	FILE *f = stdout;
	fprintf(f, "usage: %s [options]\n", prog);
	if (pl->file)
		fprintf(f,
		        "Runs the pipeline %s (generated from %s by pipec).\n",
		        pl->name, base_name(pl->file));
	else
		fprintf(f, "Runs the pipeline %s.\n", pl->name);
	fputs("\noptions:\n", f);
	for (unsigned i = 0; i < pl->nparams; i++)
		print_param(f, &pl->params[i]);
	fputs("  --stats                print the run's statistics to "
	      "stderr\n"
	      "  --timeout MS           cancel the run after MS milliseconds "
	      "(exit 124)\n"
	      "  --help                 print this help\n"
	      "\n"
	      "Exit status: 0 done, 1 a stage failed, 2 bad usage, 124 timed "
	      "out,\n"
	      "130 interrupted (SIGINT).\n",
	      f);
}

/* ------------------------------------------------------------------ */
/* The command line                                                    */
/* ------------------------------------------------------------------ */

typedef struct options {
	bool stats;
	long timeout; /* ms, or -1 for none */
} options;

/*
 * Whether arg is --NAME (1) or --NAME=VALUE (2, *val is VALUE); a '-' in
 * arg matches a '_' in name. 0 if it is neither.
 */
static int match_flag(const char *arg, const char *name, const char **val)
{
	if (strncmp(arg, "--", 2) != 0)
		return 0;
	for (arg += 2; *name; name++, arg++)
		if (*arg != *name && !(*name == '_' && *arg == '-'))
			return 0;
	if (*arg == '=') {
		*val = arg + 1;
		return 2;
	}
	return *arg ? 0 : 1;
}

/* Says what is wrong with the command line; returns 2. */
static int usage_error(const char *prog, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;

static int usage_error(const char *prog, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	va_end(ap);
	return 2;
}

/* The value of flag argv[*i]: after its '=' (form 2), or the next
 * argument; NULL if there is none. */
static const char *flag_value(int argc, char **argv, int *i, int form,
                              const char *val)
{
	if (form == 2)
		return val;
	return *i + 1 < argc ? argv[++*i] : NULL;
}

/* Reads the flag of a parameter at argv[*i], if it is one: 1 if it was
 * (read), 0 if argv[*i] names no parameter, or an exit status. */
static int param_flag(const pipec_pipeline_desc *pl, const char *prog, int argc,
                      char **argv, int *i, void *params)
{
	for (unsigned k = 0; k < pl->nparams; k++) {
		const pipec_param_desc *p = &pl->params[k];
		const char *val = NULL;
		int form = match_flag(argv[*i], p->name, &val);
		if (!form)
			continue;
		bool b;
		if (p->type == PIPEC_PARAM_BOOL && form == 1)
			/* --flag alone is true; --flag no, --flag yes too */
			val = *i + 1 < argc && parse_bool(argv[*i + 1], &b)
			              ? argv[++*i]
			              : "true";
		else if (!(val = flag_value(argc, argv, i, form, val)))
			return usage_error(prog, "--%s needs a value", p->name);
		if (!set_param(p, params, val))
			return usage_error(prog,
			                   "bad value '%s' for --%s (expected "
			                   "%s)",
			                   val, p->name, type_name(p->type));
		return 1;
	}
	return 0;
}

/* Reads argv into params and opt: -1 to go on and run, else the exit
 * status (0 after --help, 2 for bad usage). Parameters come first: one
 * named like a built-in flag wins. */
static int parse_args(const pipec_pipeline_desc *pl, const char *prog, int argc,
                      char **argv, void *params, options *opt)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *val = NULL;
		int form, r = param_flag(pl, prog, argc, argv, &i, params);
		if (r == 1)
			continue;
		if (r != 0)
			return r;
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			print_usage(pl, prog);
			return 0;
		}
		if (strcmp(arg, "--stats") == 0) {
			opt->stats = true;
			continue;
		}
		if ((form = match_flag(arg, "timeout", &val))) {
			if (!(val = flag_value(argc, argv, &i, form, val)))
				return usage_error(prog,
				                   "--timeout needs a value");
			if (!parse_long(val, &opt->timeout) || opt->timeout < 0)
				return usage_error(
				        prog,
				        "bad value '%s' for --timeout "
				        "(milliseconds)",
				        val);
			continue;
		}
		return usage_error(prog, "%s '%s'",
		                   arg[0] == '-' ? "unknown option"
		                                 : "unexpected argument",
		                   arg);
	}
	const char *why = pipec_params_check(pl, params);
	if (why)
		return usage_error(prog, "%s", why);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Running                                                             */
/* ------------------------------------------------------------------ */

/* Says how the run ended; returns the exit status. */
static int report(const pipec_run *run, pipec_status st, const char *prog,
                  const options *opt, bool interrupted)
{
	const pipec_error *err;
	switch (st) {
	case PIPEC_OK:
		return 0;
	case PIPEC_ERROR:
		err = pipec_run_error(run);
		fprintf(stderr, "%s: stage '%s' failed (code %d)%s%s\n", prog,
		        err->stage, err->code, err->message[0] ? ": " : "",
		        err->message);
		return 1;
	case PIPEC_TIMEDOUT:
		fprintf(stderr, "%s: timed out after %ld ms\n", prog,
		        opt->timeout);
		return 124;
	case PIPEC_CANCELLED:
		if (interrupted) {
			fprintf(stderr, "%s: interrupted\n", prog);
			return 130;
		}
		fprintf(stderr, "%s: cancelled\n", prog);
		return 1;
	case PIPEC_DEADLOCK:
		/* One line per blocked stage, each after the program's
		 * name, like every other message. */
		fprintf(stderr,
		        "%s: deadlock: every stage waits and none can "
		        "go on\n",
		        prog);
		for (const char *p = pipec_run_blocked(run); p && *p;) {
			size_t n = strcspn(p, "\n");
			fprintf(stderr, "%s:   %.*s\n", prog, (int)n, p);
			p += n + (p[n] == '\n');
		}
		return 1;
	default:
		fprintf(stderr, "%s: %s\n", prog, pipec_status_name(st));
		return 1;
	}
}

static int run_pipeline(const pipec_pipeline_desc *pl, const char *prog,
                        const void *params, const options *opt)
{
	pipec_run *run;
	pipec_status st = pipec_pipeline_build(pl, params, &run);
	if (st != PIPEC_OK) {
		fprintf(stderr, "%s: cannot build the pipeline: %s\n", prog,
		        pipec_status_name(st));
		return 1;
	}
	run->prog = prog;
	if (opt->timeout >= 0)
		pipec_run_set_deadline(run, pipec_after_ms(opt->timeout));
	bool interrupted;
	st = run_with_sigint(run, prog, &interrupted);
	if (opt->stats)
		pipec_run_print_stats(run, stderr);
	int code = report(run, st, prog, opt, interrupted);
	pipec_run_free(run);
	return code;
}

int pipec_main(const pipec_pipeline_desc *pl, int argc, char **argv)
{
	const char *prog = argc > 0 && argv && argv[0] ? argv[0]
	                   : pl && pl->name            ? pl->name
	                                               : "pipec";
	const char *why = pipec_tables_check(pl);
	if (why) {
		fprintf(stderr, "%s: cannot build the pipeline: %s\n", prog,
		        why);
		return 1;
	}
	void *params = calloc(1, pl->params_size ? pl->params_size : 1);
	if (!params) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	if (pl->params_init)
		pl->params_init(params);
	options opt = {.stats = false, .timeout = -1};
	int code = parse_args(pl, prog, argc, argv, params, &opt);
	if (code < 0)
		code = run_pipeline(pl, prog, params, &opt);
	free(params);
	return code;
}
