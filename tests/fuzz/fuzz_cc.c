/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cc.c - libFuzzer target: the C that pipec generates compiles.
 *
 * For an input the checks accept (harness.h), writes the header and the
 * source pipec would write, and the header of every file it imports,
 * then compiles the source with each compiler of PIPEC_FUZZ_CC (default
 * "cc"), as
 *
 *     CC -std=c11 -Wall -Wextra -Wpedantic -Werror -c in.c
 *
 * with the runtime's header, and, with each compiler of PIPEC_FUZZ_CXX
 * (default none; make fuzz sets g++), a C++ file that includes the header
 * (-std=c++11, the same warnings). Any warning or error is a finding: the
 * generator must never write C that does not compile. One compile per
 * accepted input makes this target slow; fuzz_compile covers the rest.
 *
 * The C in an input is the user's, and C that does not compile is the
 * user's mistake, not pipec's. So before emitting, every piece of the
 * program that is C is replaced by C known to be valid
 * (docs/reliability.md says why this way):
 *
 *   - stage bodies and %{ %} / %header{ %} blocks become empty;
 *   - a payload's C type is kept when it is valid whatever the blocks
 *     held (a basic type such as "unsigned long" or "size_t"; "void",
 *     "struct X" whose tag nothing else may take, a const basic type or a
 *     message behind a '*'; a message declared before by value),
 *     otherwise replaced by one of a fixed set of valid types (the same
 *     one for the same text);
 *   - a drop or copy hook named like something the headers the generated
 *     code includes declare ("free", "assert", "size_t", ...) is renamed
 *     "fzh_NAME": defining such a function is the user's mistake.
 *
 * What is left is the .pipe language itself - names, parameters and
 * their defaults, ports, wiring, counts, imports, hook names - which the
 * checks must accept only when pipec can write valid C for it.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#ifndef FUZZ_RUNTIME_INC
#error "FUZZ_RUNTIME_INC must name the runtime's directory (pipec.h)"
#endif

extern char **environ;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the names the generated code's includes declare ---- */

/* A set of strings: open addressing, never shrinks. */
typedef struct NameSet {
	char **slot;
	size_t cap, n;
} NameSet;

static size_t hash(const char *s, size_t n)
{
	size_t h = 1469598103934665603u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	return h;
}

static bool set_has(const NameSet *s, const char *name, size_t n)
{
	if (!s->cap)
		return false;
	for (size_t i = hash(name, n) & (s->cap - 1); s->slot[i];
	     i = (i + 1) & (s->cap - 1))
		if (strlen(s->slot[i]) == n && memcmp(s->slot[i], name, n) == 0)
			return true;
	return false;
}

static void set_add(NameSet *s, const char *name, size_t n)
{
	if (set_has(s, name, n))
		return;
	if (2 * (s->n + 1) > s->cap) {
		NameSet big = {
		        calloc(s->cap ? 2 * s->cap : 4096, sizeof(char *)),
		        s->cap ? 2 * s->cap : 4096, 0};
		if (!big.slot)
			abort();
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i])
				set_add(&big, s->slot[i], strlen(s->slot[i]));
		for (size_t i = 0; i < s->cap; i++)
			free(s->slot[i]);
		free(s->slot);
		*s = big;
	}
	size_t i = hash(name, n) & (s->cap - 1);
	while (s->slot[i])
		i = (i + 1) & (s->cap - 1);
	s->slot[i] = strndup(name, n);
	if (!s->slot[i])
		abort();
	s->n++;
}

static NameSet declared; /* filled once, by load_declared() */

/* Runs argv (stdout and stderr into log); its exit status, or -1. */
static int run(char *const argv[], const char *log)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, log,
	                                 O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	pid_t pid;
	int err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err != 0) {
		errno = err;
		return -1;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	do {
		if (cap - len < 4096) {
			cap = cap * 2 + 8192;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
	} while (got > 0);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static bool is_ident_start(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ident(char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* Every identifier of the preprocessed includes of the generated code,
 * macros included (cc -E -dD): more than it declares, which only means
 * a few more hooks renamed. */
static void load_declared(const char *cc, const char *dir)
{
	char src[PATH_MAX], out[PATH_MAX];
	snprintf(src, sizeof src, "%s/declared.c", dir);
	snprintf(out, sizeof out, "%s/declared.i", dir);
	FILE *f = fopen(src, "w");
	if (!f)
		abort();
	fputs("#define _POSIX_C_SOURCE 200809L\n#include <assert.h>\n"
	      "#include <stdbool.h>\n#include <stddef.h>\n"
	      "#include <stdint.h>\n#include <stdlib.h>\n"
	      "#include \"pipec.h\"\n",
	      f);
	fclose(f);
	char *argv[] = {(char *)cc,       "-std=c11", "-E", "-dD", "-I",
	                FUZZ_RUNTIME_INC, "-o",       out,  src,   NULL};
	char log[PATH_MAX];
	snprintf(log, sizeof log, "%s/declared.log", dir);
	char *text = run(argv, log) == 0 ? read_all(out) : NULL;
	if (!text) {
		fprintf(stderr,
		        "fuzz_cc: cannot preprocess the includes "
		        "with %s\n",
		        cc);
		abort();
	}
	for (const char *p = text; *p;) {
		if (*p == '"' || *p == '\'') {
			char q = *p++;
			while (*p && *p != q && *p != '\n')
				p += p[0] == '\\' && p[1] ? 2 : 1;
			p += *p == q;
		} else if (is_ident_start(*p)) {
			const char *s = p;
			while (is_ident(*p))
				p++;
			set_add(&declared, s, (size_t)(p - s));
		} else {
			p += is_ident(*p) ? strspn(p, "0123456789abcdefxXuUlL.")
			                  : 1;
		}
	}
	free(text);
}

/* ---- valid C in place of the user's ---- */

/* C's keywords, which cannot tag a struct. */
static const char *const keywords[] = {
        "auto",       "break",     "case",           "char",
        "const",      "continue",  "default",        "do",
        "double",     "else",      "enum",           "extern",
        "float",      "for",       "goto",           "if",
        "inline",     "int",       "long",           "register",
        "restrict",   "return",    "short",          "signed",
        "sizeof",     "static",    "struct",         "switch",
        "typedef",    "union",     "unsigned",       "void",
        "volatile",   "while",     "_Alignas",       "_Alignof",
        "_Atomic",    "_Bool",     "_Complex",       "_Generic",
        "_Imaginary", "_Noreturn", "_Static_assert", "_Thread_local",
};

/* Basic types, valid with or without a '*' after them. */
static const char *const basic[] = {
        "char",       "signed char",    "unsigned char", "short",
        "short int",  "unsigned short", "int",           "signed",
        "signed int", "unsigned",       "unsigned int",  "long",
        "long int",   "unsigned long",  "long long",     "unsigned long long",
        "float",      "double",         "long double",   "bool",
        "_Bool",      "size_t",         "ptrdiff_t",     "intptr_t",
        "uintptr_t",  "int8_t",         "uint8_t",       "int16_t",
        "uint16_t",   "int32_t",        "uint32_t",      "int64_t",
        "uint64_t",
};

/* What an invalid type becomes: valid, and of different shapes. */
static const char *const stand_ins[] = {
        "int",      "long",   "unsigned char",
        "double",   "char *", "const char *",
        "size_t",   "void *", "struct fz_opaque *",
        "uint64_t", "bool",   "long double",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool in_list(const char *s, size_t n, const char *const *list,
                    size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
			return true;
	return false;
}

/* The message of p called s (n bytes) and its place, or -1. */
static int message_index(const Program *p, const char *s, size_t n)
{
	int i = 0;
	for (const Message *m = p->messages; m; m = m->next, i++)
		if (strlen(m->name) == n && memcmp(m->name, s, n) == 0)
			return i;
	return -1;
}

/*
 * Whether the tag (k bytes) may be taken by another kind than the user
 * writes ("union Tree *" for the struct of message Tree, "struct Num_tag
 * *" for its enum): a tag of the headers, or one the generated code makes
 * from a message's or the pipeline's name.
 */
static bool tag_taken(const Program *p, const char *tag, size_t k)
{
	if (set_has(&declared, tag, k))
		return true;
	if (p->name && strncmp(tag, p->name, strlen(p->name)) == 0)
		return true;
	for (const Message *m = p->messages; m; m = m->next)
		if (strncmp(tag, m->name, strlen(m->name)) == 0)
			return true;
	return false;
}

/*
 * Whether ctype ("words *", as the parser keeps it) is valid C as the
 * payload of the message at index `at` of p, whatever the C blocks held.
 */
static bool valid_type(const Program *p, int at, const char *ctype)
{
	const char *star = strchr(ctype, '*');
	size_t stars = 0;
	for (const char *s = star; s && *s; s++) {
		if (*s == '*')
			stars++;
		else if (*s != ' ')
			return false; /* "char * const": a const member */
	}
	size_t n = star ? (size_t)(star - ctype) : strlen(ctype);
	while (n > 0 && ctype[n - 1] == ' ')
		n--;
	const char *base = ctype;
	if (stars > 0 && strncmp(base, "const ", 6) == 0)
		base += 6, n -= 6;
	if (in_list(base, n, basic, COUNT(basic)))
		return true;
	if (stars > 0 && n == 4 && memcmp(base, "void", 4) == 0)
		return true;
	size_t kw = strncmp(base, "struct ", 7) == 0  ? 7
	            : strncmp(base, "union ", 6) == 0 ? 6
	                                              : 0;
	if (stars > 0 && kw > 0 && n > kw) {
		const char *tag = base + kw;
		size_t k = n - kw;
		if (!is_ident_start(tag[0]))
			return false;
		for (size_t i = 0; i < k; i++)
			if (!is_ident(tag[i]))
				return false;
		return !in_list(tag, k, keywords, COUNT(keywords)) &&
		       !tag_taken(p, tag, k);
	}
	int m = message_index(p, base, n);
	return m >= 0 && (stars > 0 || m < at);
}

static const char *fix_type(const Program *p, int at, const char *ctype)
{
	if (valid_type(p, at, ctype))
		return ctype;
	return stand_ins[hash(ctype, strlen(ctype)) % COUNT(stand_ins)];
}

static const char *fix_hook(Arena *a, const char *name)
{
	if (!name || !set_has(&declared, name, strlen(name)))
		return name;
	return arena_printf(a, "fzh_%s", name);
}

/* Replaces the C of p, then of the files it imports (each once). */
static void replace_c(Arena *a, Program *p)
{
	for (Verbatim *v = p->verbatims; v; v = v->next)
		v->text = "";
	for (Stage *s = p->stages; s; s = s->next)
		if (!s->is_extern)
			s->body = "";
	int at = 0;
	for (Message *m = p->messages; m; m = m->next, at++) {
		m->drop_fn = fix_hook(a, m->drop_fn);
		m->copy_fn = fix_hook(a, m->copy_fn);
		if (m->from)
			continue; /* its variants are its own file's */
		for (Variant *v = m->variants; v; v = v->next) {
			if (v->ctype)
				v->ctype = fix_type(p, at, v->ctype);
			for (Field *fl = v->fields; fl; fl = fl->next)
				fl->ctype = fix_type(p, at, fl->ctype);
		}
	}
	/* A file imported twice is done twice: the same result. */
	for (Import *im = p->imports; im; im = im->next)
		replace_c(a, im->prog);
}

/* ---- writing and compiling ---- */

static void write_file(Front *f, const char *path, const char *text)
{
	FILE *out = fopen(path, "w");
	if (!out || fputs(text, out) < 0 || fclose(out) != 0)
		harness_fail(f, "cannot write '%s': %s", path, strerror(errno));
}

/* mkdir -p of the directory of path. */
static bool make_parents(const char *path)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *s = buf + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return false;
		*s = '/';
	}
	return true;
}

/* Writes the header of every file p imports, where the #include in the
 * header at `at` finds it; false if an import's path leads outside the
 * directory (then the input is not compiled). */
static bool write_imports(Front *f, const Program *p, const char *at)
{
	const char *slash = strrchr(at, '/');
	for (const Import *im = p->imports; im; im = im->next) {
		if (im->header[0] == '/' || strstr(im->header, ".."))
			return false;
		char path[PATH_MAX];
		snprintf(path, sizeof path, "%.*s/%s", (int)(slash - at), at,
		         im->header);
		if (!make_parents(path))
			return false;
		char *h, *c, *dot;
		harness_emit(f, im->prog, false, &h, &c, &dot);
		write_file(f, path, h);
		free(h);
		if (!write_imports(f, im->prog, path))
			return false;
	}
	return true;
}

/* Compiles src with each compiler of the list (separated by spaces): any
 * warning is a finding, shown with the file. */
static void compile_with(Front *f, const char *list, const char *std,
                         const char *src, const char *obj, const char *log)
{
	char ccs[256];
	snprintf(ccs, sizeof ccs, "%s", list);
	for (char *save, *cc = strtok_r(ccs, " ", &save); cc;
	     cc = strtok_r(NULL, " ", &save)) {
		char *argv[] = {
		        cc,           (char *)std, "-Wall", "-Wextra",
		        "-Wpedantic", "-Werror",   "-I",    FUZZ_RUNTIME_INC,
		        "-c",         (char *)src, "-o",    (char *)obj,
		        NULL};
		int st = run(argv, log);
		if (st != 0) {
			char *why = read_all(log);
			char *gen = read_all(src);
			fprintf(stderr, "--- %s ---\n%s", src, gen ? gen : "");
			free(gen);
			harness_fail(
			        f,
			        "%s exited with %d on the generated code:\n%s",
			        cc, st, why ? why : "");
		}
	}
}

static void compile(Front *f, const char *dir)
{
	char h_path[PATH_MAX], c_path[PATH_MAX], o_path[PATH_MAX],
	        log[PATH_MAX];
	snprintf(h_path, sizeof h_path, "%s/in.h", dir);
	snprintf(c_path, sizeof c_path, "%s/in.c", dir);
	snprintf(o_path, sizeof o_path, "%s/in.o", dir);
	snprintf(log, sizeof log, "%s/cc.log", dir);

	char *h, *c, *dot;
	harness_emit(f, f->p, f->with_main, &h, &c, &dot);
	write_file(f, h_path, h);
	write_file(f, c_path, c);
	free(h);
	free(c);
	free(dot);
	if (!write_imports(f, f->p, h_path))
		return;

	const char *list = getenv("PIPEC_FUZZ_CC");
	compile_with(f, list && *list ? list : "cc", "-std=c11", c_path, o_path,
	             log);
	list = getenv("PIPEC_FUZZ_CXX");
	if (list && *list) {
		char cc_path[PATH_MAX];
		snprintf(cc_path, sizeof cc_path, "%s/in.cc", dir);
		write_file(f, cc_path, "#include \"in.h\"\n");
		compile_with(f, list, "-std=c++11", cc_path, o_path, log);
	}
}

/* How many inputs were compiled: the figure that says how much of the
 * run exercised the generated C, printed at exit. */
static unsigned long compiled;

static void print_compiled(void)
{
	fprintf(stderr, "fuzz_cc: %lu inputs compiled\n", compiled);
}

static bool contains(const uint8_t *data, size_t size, const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i + n <= size; i++)
		if (memcmp(data + i, s, n) == 0)
			return true;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Front f;
	front_run(&f, data, size);
	/* A regression input that the checks refuse would test nothing. */
	if (getenv("PIPEC_FUZZ_MUST_COMPILE") &&
	    !(f.checked && !f.p->is_module))
		harness_fail(&f, "the checks refuse an input that must compile "
		                 "(PIPEC_FUZZ_MUST_COMPILE)");
	if (f.checked && !f.p->is_module && !contains(data, size, "fzh_")) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s/cc", harness_dir());
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			harness_fail(&f, "cannot make '%s'", dir);
		if (!declared.n) {
			/* What the headers declare, for every compiler. */
			atexit(print_compiled);
			const char *list = getenv("PIPEC_FUZZ_CC");
			char ccs[256];
			snprintf(ccs, sizeof ccs, "%s",
			         list && *list ? list : "cc");
			for (char *save, *cc = strtok_r(ccs, " ", &save); cc;
			     cc = strtok_r(NULL, " ", &save))
				load_declared(cc, dir);
		}
		replace_c(&f.arena, f.p);
		compile(&f, dir);
		compiled++;
	}
	front_free(&f);
	return 0;
}
