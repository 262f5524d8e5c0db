/* SPDX-License-Identifier: MIT */
/*
 * harness.c - the front end run on one fuzz input, in a private
 * directory; see harness.h.
 */
#define _XOPEN_SOURCE 700

#include "harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "emit.h"
#include "import.h"
#include "parse.h"
#include "source.h"

static char dir[PATH_MAX];     /* the private directory */
static char imports[PATH_MAX]; /* PIPEC_FUZZ_IMPORTS, resolved; or "" */
static bool sandboxed;         /* an input is being compiled */

/* ---- the private directory ---- */

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

static void remove_dir(void)
{
	if (dir[0])
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void die_setup(const char *what, const char *path)
{
	fprintf(stderr, "fuzz harness: %s '%s': %s\n", what, path,
	        strerror(errno));
	abort();
}

/* Links every entry of the imports directory into the private one. */
static void link_imports(void)
{
	const char *from = getenv("PIPEC_FUZZ_IMPORTS");
	if (!from || !*from)
		return;
	if (!realpath(from, imports))
		die_setup("cannot find the imports", from);
	DIR *d = opendir(imports);
	if (!d)
		die_setup("cannot read", imports);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char target[PATH_MAX + 256], link[PATH_MAX + 256];
		snprintf(target, sizeof target, "%s/%s", imports, e->d_name);
		snprintf(link, sizeof link, "%s/%s", dir, e->d_name);
		if (symlink(target, link) != 0)
			die_setup("cannot link", link);
	}
	closedir(d);
}

const char *harness_dir(void)
{
	if (dir[0])
		return dir;
	const char *tmp = getenv("TMPDIR");
	char tmpl[PATH_MAX];
	snprintf(tmpl, sizeof tmpl, "%s/pipec-fuzz.XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(tmpl))
		die_setup("cannot make", tmpl);
	if (!realpath(tmpl, dir))
		die_setup("cannot find", tmpl);
	atexit(remove_dir);
	link_imports();
	return dir;
}

/* ---- what the compiler may open ---- */

FILE *harness_fopen(const char *path, const char *mode);

static bool under(const char *path, const char *root)
{
	size_t n = strlen(root);
	return n && strncmp(path, root, n) == 0 && path[n] == '/';
}

/* The compiler's fopen (its objects are built with -Dfopen=harness_fopen):
 * while an input is compiled, only regular files in the private or the
 * imports directory exist. Not libFuzzer's, which must be able to write
 * what it finds whenever it happens. */
FILE *harness_fopen(const char *path, const char *mode)
{
	if (!sandboxed)
		return fopen(path, mode);
	char real[PATH_MAX];
	struct stat st;
	if (!realpath(path, real))
		return NULL;
	if (!(under(real, dir) || under(real, imports)) ||
	    stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
		errno = ENOENT;
		return NULL;
	}
	return fopen(real, mode);
}

/* ---- one input ---- */

void harness_fail(const Front *f, const char *why, ...)
{
	va_list ap;
	va_start(ap, why);
	fputs("fuzz harness: ", stderr);
	vfprintf(stderr, why, ap);
	va_end(ap);
	if (f && f->src.text) {
		fputs("\n--- input ---\n", stderr);
		fwrite(f->src.text, 1, f->src.len < 8192 ? f->src.len : 8192,
		       stderr);
	}
	if (f && f->msgs) {
		fflush(f->msgs);
		fputs("\n--- diagnostics ---\n", stderr);
		fwrite(f->msgs_buf, 1, f->msgs_len, stderr);
	}
	fputc('\n', stderr);
	abort();
}

/* The options of a first line "// pipec: --main ...". */
static void read_options(Front *f, const uint8_t *data, size_t size)
{
	static const char mark[] = "// pipec:";
	const size_t n = sizeof mark - 1;
	if (size < n || memcmp(data, mark, n) != 0)
		return;
	const uint8_t *nl = memchr(data, '\n', size);
	size_t len = nl ? (size_t)(nl - data) : size;
	char line[256];
	if (len >= sizeof line)
		len = sizeof line - 1;
	memcpy(line, data, len);
	line[len] = '\0';
	f->with_main = strstr(line, " --main") != NULL;
	f->no_line = strstr(line, " --no-line") != NULL;
	f->allow_cycles = strstr(line, " --allow-cycles") != NULL;
}

static void write_input(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		die_setup("cannot write", path);
	while (size > 0) {
		ssize_t w = write(fd, data, size);
		if (w <= 0)
			die_setup("cannot write", path);
		data += w;
		size -= (size_t)w;
	}
	close(fd);
}

void front_run(Front *f, const uint8_t *data, size_t size)
{
	memset(f, 0, sizeof *f);
	read_options(f, data, size);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/in.pipe", harness_dir());
	write_input(path, data, size);

	f->msgs = open_memstream(&f->msgs_buf, &f->msgs_len);
	if (!f->msgs)
		die_setup("cannot open a memory stream for", path);
	f->diag.src = &f->src;
	f->diag.out = f->msgs;
	f->diag.max_errors = 50;

	sandboxed = true;
	bool read = source_read(&f->src, arena_strdup(&f->arena, path),
	                        &f->arena, &f->diag, NULL);
	if (read)
		f->p = parse_program(&f->src, &f->arena, &f->diag);
	bool loaded = f->p && f->diag.errors == 0 &&
	              import_load(f->p, &f->arena, &f->diag);
	bool checked = false;
	if (loaded) {
		f->p->allow_cycles = f->p->allow_cycles || f->allow_cycles;
		checked = check_program(f->p, &f->arena, &f->diag);
	}
	sandboxed = false;
	fflush(f->msgs);

	if (!read && f->diag.errors == 0)
		harness_fail(f, "source_read() failed without an error");
	if (f->p && !loaded && f->diag.errors == 0)
		harness_fail(f, "import_load() failed without an error");
	if (loaded && checked != (f->diag.errors == 0))
		harness_fail(f, "check_program() returned %d with %d errors",
		             checked, f->diag.errors);
	if (f->diag.errors > 0 && f->msgs_len == 0)
		harness_fail(f, "%d errors counted, none printed",
		             f->diag.errors);
	f->checked = checked;
	if (getenv("PIPEC_FUZZ_VERBOSE"))
		fprintf(stderr, "%s%s\n", f->msgs_buf ? f->msgs_buf : "",
		        checked ? "(checked)" : "(refused)");
}

void front_free(Front *f)
{
	if (f->msgs)
		fclose(f->msgs);
	free(f->msgs_buf);
	arena_free(&f->arena);
	memset(f, 0, sizeof *f);
}

/* ---- the emitters ---- */

/* The contents of a memory stream, closed. */
static char *close_mem(FILE *m, char **buf)
{
	if (fclose(m) != 0)
		harness_fail(NULL, "cannot close a memory stream");
	return *buf;
}

void harness_emit(Front *f, const Program *p, bool with_main, char **h,
                  char **c, char **dot)
{
	EmitOptions eo = {
	        .line_directives = !f->no_line,
	        .with_main = with_main,
	        .src_name = "in.pipe",
	        .header_name = "in.h",
	        .out_name = "in.c",
	        .arena = &f->arena,
	};
	char *hb = NULL, *cb = NULL, *db = NULL;
	size_t hn, cn, dn;
	FILE *hf = open_memstream(&hb, &hn);
	if (!hf || !emit_header(p, &eo, hf))
		harness_fail(f, "emit_header() failed on a checked program");
	*h = close_mem(hf, &hb);
	*c = *dot = NULL;
	if (p->is_module)
		return;
	FILE *cf = open_memstream(&cb, &cn);
	if (!cf || !emit_source(p, &eo, cf))
		harness_fail(f, "emit_source() failed on a checked program");
	*c = close_mem(cf, &cb);
	FILE *df = open_memstream(&db, &dn);
	if (!df || !emit_dot(p, df, &f->arena))
		harness_fail(f, "emit_dot() failed on a checked program");
	*dot = close_mem(df, &db);
}
