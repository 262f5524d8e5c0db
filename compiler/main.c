/* SPDX-License-Identifier: MIT */
/*
 * main.c - the pipec driver: the command line, then the passes
 *
 *     read the file -> parse -> load its imports -> check -> emit
 *
 * (--check stops before emit) and the outputs (for a message file, only
 * its header; for --dot alone, only the graph), written to temporary
 * files next to their targets and renamed into place only when every
 * pass succeeded (otherwise removed), so a failed run never leaves a
 * partial output; a device, a FIFO or a symbolic link is never replaced
 * (see "outputs" below). The header is not replaced when its contents
 * did not change, so make does not rebuild what includes it. The command
 * line and the exit codes are in docs/compiler.md.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "ast.h"
#include "check.h"
#include "diag.h"
#include "emit.h"
#include "import.h"
#include "parse.h"
#include "source.h"
#include "util.h"

#define PIPEC_VERSION "0.1.0"

/* Exit codes. */
enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

/* Errors shown before pipec stops printing them (all are counted). */
#define MAX_SHOWN_ERRORS 50

enum Color { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

typedef struct Options {
	const char *input;
	const char *out_c; /* -o */
	const char *out_h; /* -H, --header */
	const char *out_d; /* -MF, or -MD's default */
	const char *dot;   /* --dot; "-" is stdout */
	bool deps;         /* -MD or -MF */
	bool with_main;    /* --main */
	bool no_line;      /* --no-line */
	bool allow_cycles; /* --allow-cycles */
	bool check_only;   /* --check, -fsyntax-only: no output at all */
	bool graph_only;   /* --dot without -o, -H or --main */
	enum Color color;  /* --color=WHEN */
	/* -W options, as Diag holds them */
	unsigned warn_off, warn_error;
	bool no_warnings, all_errors;
} Options;

static const char usage_line[] =
        "usage: pipec [options] FILE.pipe   ('pipec --help' lists the "
        "options)\n";

static void print_help(void)
{
	fputs("usage: pipec [options] FILE.pipe\n"
	      "\n"
	      "Compiles a pipeline description into a C header and source "
	      "file that\n"
	      "link against the pipec runtime (libpipec.a).\n"
	      "\n"
	      "options:\n"
	      "  -o FILE.c          the C source to write (default: the "
	      "input's base\n"
	      "                     name with .c, in the current directory); "
	      "a message\n"
	      "                     file has none: it compiles to a header "
	      "only\n"
	      "  -H, --header FILE.h\n"
	      "                     the header to write (default: the .c "
	      "file with .h;\n"
	      "                     for a message file, the input's base "
	      "name with .h)\n"
	      "  -MD                also write a make dependency file (the .c "
	      "file's name\n"
	      "                     with .d added: FILE.c.d; for a message "
	      "file, FILE.h.d)\n"
	      "  -MF FILE           write the dependency file to FILE "
	      "(implies -MD)\n"
	      "  --main             generate a main() that runs the pipeline, "
	      "with a\n"
	      "                     command-line flag for each parameter\n"
	      "  --no-line          no #line directives back to the .pipe "
	      "file\n"
	      "  --dot FILE         write the pipeline as a Graphviz graph "
	      "('-': "
	      "standard\n"
	      "                     output); without -o, -H or --main, only "
	      "the graph\n"
	      "  --allow-cycles     report cycles in the wiring as warnings, "
	      "not errors\n"
	      "  --check, -fsyntax-only\n"
	      "                     check the file and its imports, write "
	      "nothing (the\n"
	      "                     options naming outputs are ignored)\n"
	      "  --color=WHEN       color the diagnostics: auto (on a "
	      "terminal), always\n"
	      "                     or never\n"
	      "  -Wno-NAME          turn the warning NAME off (-WNAME turns "
	      "it back on)\n"
	      "  -Werror            make every warning an error\n"
	      "  -Werror=NAME       make the warning NAME an error\n"
	      "  -w                 print no warnings\n"
	      "  --version          print the version and exit\n"
	      "  --help             print this help and exit\n"
	      "\n"
	      "exit status: 0 success, 1 errors in the input (or an output "
	      "could not be\n"
	      "written), 2 a usage error.\n",
	      stdout);
	fputs("\nwarnings (the NAME of -Wno-NAME, -Werror=NAME):\n", stdout);
	for (int w = 0; w < W_COUNT; w++)
		printf("  %-21s%s\n", diag_warning_name((Warning)w),
		       diag_warning_about((Warning)w));
}

/* The names of the warnings, "a, b, c", for a usage error. */
static const char *warning_list(void)
{
	static char buf[512];
	size_t n = 0;
	for (int w = 0; w < W_COUNT; w++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s",
		                      w ? ", " : "",
		                      diag_warning_name((Warning)w));
	return buf;
}

/* A -W option or -w; returns -1 if it is one (and sets it), 0 if a is
 * not one, or EXIT_USAGE after saying why. */
static int parse_warning_option(const char *a, Options *o)
{
	if (strcmp(a, "-w") == 0) {
		o->no_warnings = true;
		return -1;
	}
	if (strncmp(a, "-W", 2) != 0)
		return 0;
	if (strcmp(a, "-Werror") == 0) {
		o->all_errors = true;
		return -1;
	}
	const char *name = a + 2;
	bool off = false, error = false;
	if (strncmp(name, "error=", 6) == 0)
		name += 6, error = true;
	else if (strncmp(name, "no-", 3) == 0)
		name += 3, off = true;
	Warning w = diag_warning_find(name);
	if (w == W_COUNT) {
		fprintf(stderr,
		        "pipec: error: unknown warning '%s' (the warnings: "
		        "%s)\n%s",
		        a, warning_list(), usage_line);
		return EXIT_USAGE;
	}
	unsigned bit = 1u << w;
	if (error)
		o->warn_error |= bit;
	if (off)
		o->warn_off |= bit;
	else
		o->warn_off &= ~bit;
	return -1;
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("pipec: error: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fputs(usage_line, stderr);
	return EXIT_USAGE;
}

/* Parses the command line; returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, Options *o)
{
	bool options_done = false;
	int rc;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = NULL;
		/* Options taking a value: "-o FILE", "-oFILE", "--dot=FILE". */
		static const char *const with_value[] = {"-o", "-H", "--header",
		                                         "-MF", "--dot"};
		const char *which = NULL;
		for (size_t k = 0; !options_done && !which &&
		                   k < sizeof(with_value) / sizeof(*with_value);
		     k++) {
			const char *w = with_value[k];
			size_t n = strlen(w);
			if (strcmp(a, w) == 0) {
				if (i + 1 >= argc)
					return usage_error(
					        "option '%s' needs a file name",
					        a);
				which = w;
				val = argv[++i];
			} else if (strncmp(a, w, n) == 0 &&
			           ((w[1] == '-' && a[n] == '=') ||
			            (w[1] != '-' && strcmp(w, "-MF") != 0 &&
			             a[n] != '\0'))) {
				which = w;
				val = a + n + (w[1] == '-');
			}
		}
		if (which && val[0] == '\0')
			return usage_error("option '%s' needs a file name",
			                   which);
		if (which && strcmp(which, "-o") == 0)
			o->out_c = val;
		else if (which && (strcmp(which, "-H") == 0 ||
		                   strcmp(which, "--header") == 0))
			o->out_h = val;
		else if (which && strcmp(which, "-MF") == 0)
			o->out_d = val, o->deps = true;
		else if (which)
			o->dot = val;
		else if (!options_done && strcmp(a, "-MD") == 0)
			o->deps = true;
		else if (!options_done && strcmp(a, "--main") == 0)
			o->with_main = true;
		else if (!options_done && strcmp(a, "--no-line") == 0)
			o->no_line = true;
		else if (!options_done && strcmp(a, "--allow-cycles") == 0)
			o->allow_cycles = true;
		else if (!options_done && (strcmp(a, "--check") == 0 ||
		                           strcmp(a, "-fsyntax-only") == 0))
			o->check_only = true;
		else if (!options_done && strncmp(a, "--color", 7) == 0 &&
		         (a[7] == '\0' || a[7] == '=')) {
			const char *when = a[7] ? a + 8 : "";
			if (strcmp(when, "auto") == 0)
				o->color = COLOR_AUTO;
			else if (strcmp(when, "always") == 0)
				o->color = COLOR_ALWAYS;
			else if (strcmp(when, "never") == 0)
				o->color = COLOR_NEVER;
			else
				return usage_error("'%s': write --color=auto, "
				                   "--color=always or "
				                   "--color=never",
				                   a);
		} else if (!options_done &&
		           (rc = parse_warning_option(a, o)) != 0) {
			if (rc > 0)
				return rc;
		} else if (!options_done && strcmp(a, "--version") == 0) {
			printf("pipec " PIPEC_VERSION "\n");
			return EXIT_OK;
		} else if (!options_done &&
		           (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
			print_help();
			return EXIT_OK;
		} else if (!options_done && strcmp(a, "--") == 0)
			options_done = true;
		else if (!options_done && a[0] == '-' && a[1] != '\0')
			return usage_error("unknown option '%s'", a);
		else if (o->input)
			return usage_error("more than one input file ('%s')",
			                   a);
		else
			o->input = a;
	}
	if (!o->input)
		return usage_error("%s", "no input file");
	o->graph_only = o->dot && !o->out_c && !o->out_h && !o->with_main;
	return -1;
}

/*
 * ---- outputs ----
 *
 * A regular file (or a new one) is written to a temporary file beside it
 * and renamed into place. What pipec does not own is never replaced: a
 * symbolic link stays a link (its final target is written, the same way),
 * a device or a FIFO is written into directly, and a directory or a
 * socket is refused. Standard output ("-"), a device and a FIFO are kept
 * in memory until every pass has succeeded.
 */

enum How { TO_FILE, TO_DEVICE, TO_STDOUT };

typedef struct Output {
	const char *target; /* as given; NULL: not written */
	const char *path;   /* a link's final target, or target */
	enum How how;
	char *tmp; /* TO_FILE: the temporary file beside path */
	FILE *f;
	char *mem; /* TO_DEVICE, TO_STDOUT: the contents */
	size_t memlen;
	bool keep_if_same; /* do not replace an identical file */
} Output;

/* The temporary files that exist right now, for on_signal(). */
#define MAX_TMP 4
static char *volatile live_tmp[MAX_TMP];

static void track_tmp(char *tmp, bool live)
{
	for (int i = 0; i < MAX_TMP; i++)
		if (live ? !live_tmp[i] : live_tmp[i] == tmp) {
			live_tmp[i] = live ? tmp : NULL;
			return;
		}
	UNREACHABLE();
}

/* Removes the temporary files that exist: on a signal, and at an exit
 * in the middle of the writing (out of memory, an internal error).
 * unlink() is async-signal-safe. */
static void remove_live_tmp(void)
{
	for (int i = 0; i < MAX_TMP; i++)
		if (live_tmp[i])
			unlink(live_tmp[i]);
}

/* Interrupted while writing: remove the temporary files, then die of the
 * same signal. raise() is async-signal-safe too. */
static void on_signal(int sig)
{
	remove_live_tmp();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* From here on, no temporary file outlives pipec: a signal or an exit
 * removes them. */
static void guard_tmp(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	atexit(remove_live_tmp);
}

/* The file a chain of symbolic links ends at (path itself if it is not a
 * link); a relative link is relative to the link's directory. NULL (errno
 * set) for a loop or a link that cannot be read. */
static const char *final_target(const char *path, Arena *a)
{
	for (int hops = 0; hops < 40; hops++) {
		struct stat st;
		if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
			return path;
		char link[4096];
		ssize_t n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			return NULL;
		if (n == sizeof(link) - 1) {
			errno = ENAMETOOLONG;
			return NULL;
		}
		link[n] = '\0';
		const char *slash = strrchr(path, '/');
		if (link[0] == '/' || !slash)
			path = arena_printf(a, "%s", link);
		else
			path = arena_printf(a, "%.*s/%s",
			                    (int)(slash - path + 1), path,
			                    link);
	}
	errno = ELOOP;
	return NULL;
}

/* Decides how the output is written; false (after saying why) if it
 * cannot be. */
static bool output_prepare(Output *o, Arena *a, Diag *d)
{
	if (strcmp(o->target, "-") == 0) {
		o->how = TO_STDOUT;
		return true;
	}
	o->path = final_target(o->target, a);
	if (!o->path) {
		diag_error_noloc(d, "cannot write '%s': %s", o->target,
		                 strerror(errno));
		return false;
	}
	struct stat st;
	/* No such file (or it cannot be looked at): creating the temporary
	 * file says what is wrong. */
	if (stat(o->path, &st) != 0 || S_ISREG(st.st_mode)) {
		o->how = TO_FILE;
		return true;
	}
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ||
	    S_ISFIFO(st.st_mode)) {
		o->how = TO_DEVICE;
		o->keep_if_same = false;
		return true;
	}
	diag_error_noloc(d, "cannot write '%s': %s", o->target,
	                 S_ISDIR(st.st_mode) ? "it is a directory"
	                                     : "it is not a regular file, a "
	                                       "device or a FIFO");
	return false;
}

static bool output_open(Output *o, Diag *d)
{
	if (o->how != TO_FILE) {
		o->f = open_memstream(&o->mem, &o->memlen);
		if (!o->f)
			diag_out_of_memory();
		return true;
	}
	size_t n = strlen(o->path);
	o->tmp = malloc(n + sizeof(".tmpXXXXXX"));
	if (!o->tmp)
		diag_out_of_memory();
	memcpy(o->tmp, o->path, n);
	strcpy(o->tmp + n, ".tmpXXXXXX");
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		diag_error_noloc(d, "cannot create '%s': %s", o->target,
		                 strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return false;
	}
	track_tmp(o->tmp, true);
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	o->f = fdopen(fd, "w");
	if (!o->f) {
		close(fd);
		diag_error_noloc(d, "cannot write '%s': %s", o->target,
		                 strerror(errno));
		return false;
	}
	return true;
}

/* Says that the output could not be written, and why (errno err). */
static void output_error(const Output *o, int err, Diag *d)
{
	if (o->how == TO_STDOUT)
		diag_error_noloc(
		        d, "cannot write the graph to standard output: %s",
		        strerror(err));
	else
		diag_error_noloc(d, "cannot write '%s': %s", o->target,
		                 strerror(err));
}

static bool output_close(Output *o, Diag *d)
{
	if (!o->f)
		return true;
	bool ok = !ferror(o->f);
	int err = errno;
	if (fclose(o->f) != 0 && ok) {
		ok = false;
		err = errno;
	}
	o->f = NULL;
	if (!ok)
		output_error(o, err, d);
	return ok;
}

/* Does the file at path hold exactly the bytes of the file at tmp? */
static bool same_contents(const char *path, const char *tmp)
{
	FILE *a = fopen(path, "rb"), *b = fopen(tmp, "rb");
	bool same = a && b;
	while (same) {
		char x[4096], y[4096];
		size_t nx = fread(x, 1, sizeof(x), a);
		size_t ny = fread(y, 1, sizeof(y), b);
		if (nx != ny || memcmp(x, y, nx) != 0)
			same = false;
		if (nx == 0 || nx < sizeof(x))
			break;
	}
	if (same && (ferror(a) || ferror(b)))
		same = false;
	if (a)
		fclose(a);
	if (b)
		fclose(b);
	return same;
}

/* Writes all of buf to fd; false (errno set) if it could not. */
static bool write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return false;
		}
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

/* Writes a kept output: into its device or FIFO, or to standard output. */
static bool output_write_kept(Output *o, Diag *d)
{
	bool ok;
	if (o->how == TO_STDOUT) {
		ok = fwrite(o->mem, 1, o->memlen, stdout) == o->memlen &&
		     fflush(stdout) == 0;
	} else {
		int fd = open(o->path, O_WRONLY | O_CLOEXEC);
		ok = fd >= 0 && write_all(fd, o->mem, o->memlen);
		int err = errno;
		if (fd >= 0 && close(fd) != 0 && ok)
			ok = false;
		else
			errno = err;
	}
	if (!ok)
		output_error(o, errno, d);
	return ok;
}

/* Puts a file in place (commit) or removes its temporary file. */
static bool output_finish_file(Output *o, bool commit, Diag *d)
{
	if (!o->tmp)
		return true;
	bool ok = true;
	if (commit && o->keep_if_same && same_contents(o->path, o->tmp)) {
		remove(o->tmp);
	} else if (commit) {
		if (rename(o->tmp, o->path) != 0) {
			diag_error_noloc(d, "cannot write '%s': %s", o->target,
			                 strerror(errno));
			remove(o->tmp);
			ok = false;
		}
	} else {
		remove(o->tmp);
	}
	track_tmp(o->tmp, false);
	free(o->tmp);
	o->tmp = NULL;
	return ok;
}

/* Writes a path for a make rule, with spaces and '#' escaped. */
static void put_make_path(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ' || *s == '#')
			fputc('\\', f);
		if (*s == '$')
			fputc('$', f);
		fputc(*s, f);
	}
}

enum { OUT_C, OUT_H, OUT_D, OUT_DOT, NOUT };
_Static_assert(NOUT <= MAX_TMP, "live_tmp holds every output");

/* The dependency rule: the outputs depend on the input and on every
 * file it imports, each of which also gets an empty rule of its own, so
 * that make does not stop when one is deleted (as cc -MP). With --dot
 * alone the graph is the one output. */
static void write_deps(FILE *f, const Program *p, const Options *opt, Arena *a)
{
	if (opt->graph_only) {
		put_make_path(f, opt->dot);
	} else {
		if (opt->out_c) {
			put_make_path(f, opt->out_c);
			fputc(' ', f);
		}
		put_make_path(f, opt->out_h);
	}
	fputs(": ", f);
	put_make_path(f, opt->input);
	int n;
	const Import **imps = import_list(p, a, &n);
	for (int i = 0; i < n; i++) {
		fputc(' ', f);
		put_make_path(f, imps[i]->prog->src->path);
	}
	fputc('\n', f);
	for (int i = 0; i < n; i++) {
		fputc('\n', f);
		put_make_path(f, imps[i]->prog->src->path);
		fputs(":\n", f);
	}
}

/* The emit pass: every output, all or nothing as far as files go. A
 * message file has only its header (and the dependency file), --dot
 * alone only the graph (and the dependency file). The outputs are
 * opened in the order of the enum, so an error names the .c file before
 * the header that defaults to its name. */
static bool write_outputs(const Program *p, const Options *opt, Arena *a,
                          Diag *d)
{
	Output out[NOUT];
	memset(out, 0, sizeof(out));
	out[OUT_H].target = opt->out_h;
	out[OUT_H].keep_if_same = true;
	out[OUT_C].target = opt->out_c;
	out[OUT_D].target = opt->deps ? opt->out_d : NULL;
	out[OUT_DOT].target = opt->dot;

	EmitOptions eo = {
	        .line_directives = !opt->no_line,
	        .with_main = opt->with_main,
	        .src_name = opt->input,
	        .header_name = opt->out_h ? util_base_name(opt->out_h) : NULL,
	        .out_name = opt->out_c,
	        .arena = a,
	};
	bool ok = true;
	for (int i = 0; i < NOUT && ok; i++)
		if (out[i].target)
			ok = output_prepare(&out[i], a, d);
	for (int i = 0; i < NOUT && ok; i++)
		if (out[i].target)
			ok = output_open(&out[i], d);
	if (ok && out[OUT_H].f && !emit_header(p, &eo, out[OUT_H].f)) {
		diag_error_noloc(d, "cannot write '%s': %s", opt->out_h,
		                 strerror(errno));
		ok = false;
	}
	if (ok && out[OUT_C].f && !emit_source(p, &eo, out[OUT_C].f)) {
		diag_error_noloc(d, "cannot write '%s': %s", opt->out_c,
		                 strerror(errno));
		ok = false;
	}
	if (ok && out[OUT_D].f)
		write_deps(out[OUT_D].f, p, opt, a);
	if (ok && out[OUT_DOT].f && !emit_dot(p, out[OUT_DOT].f, a)) {
		diag_error_noloc(d, "cannot write '%s': %s", opt->dot,
		                 strerror(errno));
		ok = false;
	}
	for (int i = 0; i < NOUT; i++)
		if (!output_close(&out[i], d))
			ok = false;
	/* Devices and FIFOs first: one that fails leaves the files as they
	 * were. Standard output last, once the files are in place. */
	for (int i = 0; i < NOUT && ok; i++)
		if (out[i].how == TO_DEVICE && out[i].mem)
			ok = output_write_kept(&out[i], d);
	for (int i = 0; i < NOUT; i++)
		if (!output_finish_file(&out[i], ok, d))
			ok = false;
	for (int i = 0; i < NOUT && ok; i++)
		if (out[i].how == TO_STDOUT && out[i].mem)
			ok = output_write_kept(&out[i], d);
	for (int i = 0; i < NOUT; i++)
		free(out[i].mem);
	return ok;
}

/* Refuses to write an output over the input or over another output (but
 * two outputs may go to one character device, as /dev/null). */
static bool outputs_distinct(const Options *o)
{
	const char *paths[] = {
	        o->input, o->out_c, o->out_h, o->deps ? o->out_d : NULL,
	        o->dot && strcmp(o->dot, "-") != 0 ? o->dot : NULL};
	const int n = sizeof(paths) / sizeof(paths[0]);
	struct stat st[5];
	bool exists[5];
	for (int i = 0; i < n; i++)
		exists[i] = paths[i] && stat(paths[i], &st[i]) == 0;
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++) {
			if (!paths[i] || !paths[j])
				continue;
			bool same = strcmp(paths[i], paths[j]) == 0 ||
			            (exists[i] && exists[j] &&
			             st[i].st_dev == st[j].st_dev &&
			             st[i].st_ino == st[j].st_ino);
			if (same && i > 0 && exists[j] &&
			    S_ISCHR(st[j].st_mode))
				continue;
			if (same) {
				fprintf(stderr,
				        "pipec: error: '%s' would be written "
				        "%s\n%s",
				        paths[j],
				        i == 0 ? "over the input" : "twice",
				        usage_line);
				return false;
			}
		}
	return true;
}

/*
 * The outputs' names, once the kind of file is known: a pipeline writes
 * FILE.c and FILE.h (with --dot alone, only the graph), a message file
 * only FILE.h; -MD's file is the .c file's name (a message file's: the
 * header's; the graph's alone: the graph's) with .d added, so that it is
 * not the FILE.d that cc -MMD writes for FILE.o. Returns -1 to go on, or
 * EXIT_USAGE after saying why: an option that names what a message file
 * does not have, or two outputs with one name.
 */
static int choose_outputs(const Program *p, Options *o, Arena *a)
{
	const char *base = util_base_name(o->input);
	if (p->is_module) {
		const char *bad = o->out_c       ? "-o"
		                  : o->with_main ? "--main"
		                  : o->dot       ? "--dot"
		                                 : NULL;
		if (bad) {
			fprintf(stderr,
			        "pipec: error: '%s' is a message file (it has "
			        "no "
			        "'pipeline NAME;'): it compiles to a header "
			        "only, "
			        "so '%s' cannot be used (-H names the "
			        "header)\n%s",
			        o->input, bad, usage_line);
			return EXIT_USAGE;
		}
		if (!o->out_h)
			o->out_h = util_with_ext(a, base, ".h");
		if (!o->out_d)
			o->out_d = arena_printf(a, "%s.d", o->out_h);
	} else if (o->graph_only) {
		if (o->deps && strcmp(o->dot, "-") == 0) {
			fprintf(stderr,
			        "pipec: error: the graph goes to standard "
			        "output, so a dependency file (-MD, -MF) "
			        "would have no target\n%s",
			        usage_line);
			return EXIT_USAGE;
		}
		if (!o->out_d)
			o->out_d = arena_printf(a, "%s.d", o->dot);
	} else {
		if (!o->out_c)
			o->out_c = util_with_ext(a, base, ".c");
		if (!o->out_h)
			o->out_h = util_with_ext(a, o->out_c, ".h");
		if (!o->out_d)
			o->out_d = arena_printf(a, "%s.d", o->out_c);
	}
	return outputs_distinct(o) ? -1 : EXIT_USAGE;
}

int main(int argc, char **argv)
{
	Options opt = {0};
	int rc = parse_args(argc, argv, &opt);
	if (rc >= 0)
		return rc;
	/* The names given: two the same is an error whatever the input. */
	if (!opt.check_only && !outputs_distinct(&opt))
		return EXIT_USAGE;

	Arena arena = {0};
	Src src = {0};
	const char *term = getenv("TERM");
	Diag diag = {
	        .src = &src,
	        .out = stderr,
	        .max_errors = MAX_SHOWN_ERRORS,
	        .color = opt.color == COLOR_ALWAYS ||
	                 (opt.color == COLOR_AUTO && isatty(STDERR_FILENO) &&
	                  !getenv("NO_COLOR") && term &&
	                  strcmp(term, "dumb") != 0),
	        .warn_off = opt.warn_off,
	        .warn_error = opt.warn_error,
	        .no_warnings = opt.no_warnings,
	        .all_errors = opt.all_errors,
	};

	Program *p = NULL;
	if (source_read(&src, opt.input, &arena, &diag, NULL))
		p = parse_program(&src, &arena, &diag);
	if (p && diag.errors == 0)
		import_load(p, &arena, &diag);
	if (p && diag.errors == 0) {
		p->allow_cycles = p->allow_cycles || opt.allow_cycles;
		check_program(p, &arena, &diag);
	}
	if (p && diag.errors == 0 && !opt.check_only)
		rc = choose_outputs(p, &opt, &arena);
	if (p && diag.errors == 0 && !opt.check_only && rc < 0) {
		guard_tmp();
		write_outputs(p, &opt, &arena, &diag);
	}

	arena_free(&arena);
	if (rc >= 0)
		return rc;
	return diag.errors ? EXIT_INPUT : EXIT_OK;
}
