/* SPDX-License-Identifier: MIT */
/*
 * import.c - loading the files a .pipe file imports; see import.h.
 *
 * The loader walks the imports depth first. Each file it meets is an
 * entry, known by device and inode; the entries of the files whose
 * imports are being loaded form the chain from the file pipec was given,
 * so an import of a file on the chain is a cycle, and the chain is what
 * its message shows.
 */
#define _POSIX_C_SOURCE 200809L

#include "import.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "parse.h"
#include "source.h"

typedef struct Loaded {
	bool known; /* dev and ino are known (stat() worked) */
	dev_t dev;
	ino_t ino;
	const char *path;   /* as the diagnostics name it */
	Program *prog;      /* parsed and checked; NULL if that failed */
	bool loading;       /* its imports are being loaded: on the chain */
	struct Loaded *via; /* on the chain, the file before it */
	struct Loaded *next;
} Loaded;

typedef struct Loader {
	Arena *a;
	Diag *d;
	Loaded *files;
} Loader;

static Loaded *new_entry(Loader *L, const char *path, const struct stat *st)
{
	Loaded *f = ARENA_NEW(L->a, Loaded);
	f->known = st != NULL;
	if (st) {
		f->dev = st->st_dev;
		f->ino = st->st_ino;
	}
	f->path = path;
	f->next = L->files;
	L->files = f;
	return f;
}

static Loaded *find_entry(Loader *L, const struct stat *st)
{
	for (Loaded *f = L->files; f; f = f->next)
		if (f->known && f->dev == st->st_dev && f->ino == st->st_ino)
			return f;
	return NULL;
}

/* Where an import's path leads: relative to the directory of the
 * importing file (as its path was given), unless it is absolute. */
static const char *resolve(Arena *a, const Src *from, const char *path)
{
	const char *slash = strrchr(from->path, '/');
	if (path[0] == '/' || !slash)
		return path;
	return arena_printf(a, "%.*s/%s", (int)(slash - from->path), from->path,
	                    path);
}

/* "a.pipe -> b.pipe -> a.pipe": the chain from `to` (on the chain) down
 * to `last`, which imports `to` again. */
static const char *cycle_text(Loader *L, const Loaded *to, const Loaded *last)
{
	const char *text = to->path;
	for (const Loaded *f = last; f != to; f = f->via)
		text = arena_printf(L->a, "%s -> %s", f->path, text);
	return arena_printf(L->a, "%s -> %s", to->path, text);
}

static void load_imports(Loader *L, Program *p, Loaded *self);

/* The file imp names, imported by p (whose entry is `from`): loaded, or
 * found loaded. NULL if it cannot be used (and that was reported). */
static Program *load(Loader *L, Import *imp, const Program *p, Loaded *from)
{
	const char *path = resolve(L->a, p->src, imp->path);
	struct stat st;
	bool known = stat(path, &st) == 0;
	Loaded *f = known ? find_entry(L, &st) : NULL;
	if (f && f->loading) {
		diag_error(L->d, imp->loc,
		           "import cycle: %s (a file cannot import itself, "
		           "directly or through others)",
		           cycle_text(L, f, from));
		return NULL;
	}
	if (f)
		return f->prog;

	f = new_entry(L, path, known ? &st : NULL);
	Src *src = ARENA_NEW(L->a, Src);
	if (!source_read(src, path, L->a, L->d, imp))
		return NULL;
	int errors = L->d->errors;
	Program *q = parse_program(src, L->a, L->d);
	if (L->d->errors == errors && q->name) {
		diag_error(L->d, imp->loc,
		           "cannot import '%s': it is a pipeline ('pipeline "
		           "%s;'), and only message files can be imported",
		           imp->path, q->name);
		diag_note(L->d, q->name_loc, "the pipeline is named here");
	}
	if (L->d->errors == errors) {
		f->loading = true;
		f->via = from;
		load_imports(L, q, f);
		f->loading = false;
	}
	if (L->d->errors == errors) {
		q->is_module = true;
		check_program(q, L->a, L->d);
	}
	f->prog = L->d->errors == errors ? q : NULL;
	return f->prog;
}

static void load_imports(Loader *L, Program *p, Loaded *self)
{
	for (Import *imp = p->imports; imp; imp = imp->next)
		imp->prog = load(L, imp, p, self);
}

bool import_load(Program *p, Arena *a, Diag *d)
{
	Loader L = {.a = a, .d = d};
	struct stat st;
	bool known = stat(p->src->path, &st) == 0;
	Loaded *root = new_entry(&L, p->src->path, known ? &st : NULL);
	root->prog = p;
	root->loading = true;
	int errors = d->errors;
	load_imports(&L, p, root);
	return d->errors == errors;
}

/* The files found so far (by the first import of each), growing in the
 * arena. */
typedef struct FileList {
	const Import **imps;
	int n, cap;
} FileList;

/* Adds the files p imports that are not listed yet, and theirs. */
static void collect(const Program *p, FileList *l, Arena *a)
{
	for (const Import *imp = p->imports; imp; imp = imp->next) {
		if (!imp->prog)
			continue;
		bool listed = false;
		for (int i = 0; i < l->n && !listed; i++)
			listed = l->imps[i]->prog == imp->prog;
		if (listed)
			continue;
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 8;
			const Import **big =
			        arena_alloc(a, (size_t)l->cap * sizeof(*big));
			if (l->n)
				memcpy(big, l->imps,
				       (size_t)l->n * sizeof(*big));
			l->imps = big;
		}
		l->imps[l->n++] = imp;
		collect(imp->prog, l, a);
	}
}

const Import **import_list(const Program *p, Arena *a, int *n)
{
	FileList l = {0};
	collect(p, &l, a);
	*n = l.n;
	return l.imps;
}
