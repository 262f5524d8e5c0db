/* SPDX-License-Identifier: MIT */
/*
 * test_import.c - imports and message files (compiler/import.c, the
 * message-file checks): files written to a temporary directory, the
 * root file read, parsed, its imports loaded and checked as pipec does.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "helpers.h"
#include "import.h"
#include "parse.h"
#include "source.h"

/* A temporary directory of .pipe files, and one compile in it. */
typedef struct Dir {
	char path[64];
	char *files[16]; /* to remove, relative */
	int nfiles;
	Arena arena;
	Src src;
	Diag diag;
	FILE *out;
	char *msgs;
	size_t msgs_len;
	Program *p;
} Dir;

static void dir_init(Dir *d)
{
	memset(d, 0, sizeof(*d));
	const char *tmp = getenv("TMPDIR");
	snprintf(d->path, sizeof(d->path), "%s/pipec-import.XXXXXX",
	         tmp && strlen(tmp) < 32 ? tmp : "/tmp");
	assert_non_null(mkdtemp(d->path));
	d->out = open_memstream(&d->msgs, &d->msgs_len);
	assert_non_null(d->out);
	d->diag.src = &d->src;
	d->diag.out = d->out;
}

/* Writes text to the file rel of the directory (its directory made). */
static void dir_write(Dir *d, const char *rel, const char *text)
{
	char path[256];
	const char *slash = strrchr(rel, '/');
	if (slash) {
		snprintf(path, sizeof(path), "%s/%.*s", d->path,
		         (int)(slash - rel), rel);
		mkdir(path, 0700);
	}
	snprintf(path, sizeof(path), "%s/%s", d->path, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_true(d->nfiles < 16);
	d->files[d->nfiles++] = strdup(rel);
}

/* What pipec does with the file rel, up to the checks; true if no error. */
static bool dir_compile(Dir *d, const char *rel)
{
	const char *path = arena_printf(&d->arena, "%s/%s", d->path, rel);
	if (!source_read(&d->src, path, &d->arena, &d->diag, NULL))
		return false;
	d->p = parse_program(&d->src, &d->arena, &d->diag);
	if (d->diag.errors == 0)
		import_load(d->p, &d->arena, &d->diag);
	if (d->diag.errors == 0)
		check_program(d->p, &d->arena, &d->diag);
	return d->diag.errors == 0;
}

static const char *dir_msgs(Dir *d)
{
	fflush(d->out);
	return d->msgs ? d->msgs : "";
}

/* The messages, with the directory's path cut out: "m/a.pipe:1:1: ...". */
static char *dir_msgs_rel(Dir *d)
{
	const char *m = dir_msgs(d);
	size_t n = strlen(d->path);
	char *out = arena_alloc(&d->arena, strlen(m) + 1), *q = out;
	while (*m) {
		if (strncmp(m, d->path, n) == 0 && m[n] == '/')
			m += n + 1;
		else
			*q++ = *m++;
	}
	*q = '\0';
	return out;
}

static void dir_free(Dir *d)
{
	char path[256];
	/* files first, deepest directories last */
	for (int i = 0; i < d->nfiles; i++) {
		snprintf(path, sizeof(path), "%s/%s", d->path, d->files[i]);
		unlink(path);
	}
	for (int i = d->nfiles - 1; i >= 0; i--) {
		char *slash = strrchr(d->files[i], '/');
		if (slash) {
			snprintf(path, sizeof(path), "%s/%.*s", d->path,
			         (int)(slash - d->files[i]), d->files[i]);
			rmdir(path);
		}
		free(d->files[i]);
	}
	rmdir(d->path);
	fclose(d->out);
	free(d->msgs);
	arena_free(&d->arena);
}

#define assert_contains(hay, needle)                                           \
	do {                                                                   \
		const char *h_ = (hay);                                        \
		if (!strstr(h_, (needle)))                                     \
			fail_msg("expected \"%s\" in:\n%s", (needle), h_);     \
	} while (0)

static const char root_text[] = "pipeline r;\n"
                                "import \"m/a.pipe\";\n"
                                "import \"m/b.pipe\";\n"
                                "message Own { O; }\n"
                                "stage g(out o: Bm) { return 0; }\n"
                                "stage s(in i: Bm, out a: Am) { return 0; }\n"
                                "stage t(in a: Am) { return 0; }\n"
                                "g -> s -> t;\n";

/* A file imported twice (here directly and through m/a.pipe) is read
 * once; the imported messages head the list, each once, with the import
 * of this file that brings it. */
static void test_import_tree(void **state)
{
	(void)state;
	Dir d;
	dir_init(&d);
	dir_write(&d, "r.pipe", root_text);
	dir_write(&d, "m/a.pipe",
	          "import \"b.pipe\";\nmessage Am { X(int); }\n");
	dir_write(&d, "m/b.pipe", "message Bm { Y; }\n%header{ int z; %}\n");
	if (!dir_compile(&d, "r.pipe"))
		fail_msg("errors:\n%s", dir_msgs(&d));
	Program *p = d.p;
	assert_false(p->is_module);
	assert_int_equal(p->nimports, 2);
	Import *a = p->imports, *b = a->next;
	assert_string_equal(a->path, "m/a.pipe");
	assert_string_equal(a->header, "m/a.h");
	assert_int_equal(a->loc.line, 2);
	assert_int_equal(a->loc.col, 8);
	assert_ptr_equal(a->loc.file, p->src);
	assert_string_equal(b->path, "m/b.pipe");
	assert_null(b->next);

	/* m/b.pipe once: the same Program through both paths */
	assert_non_null(a->prog);
	assert_true(a->prog->is_module);
	assert_int_equal(a->prog->nimports, 1);
	assert_ptr_equal(a->prog->imports->prog, b->prog);
	assert_true(b->prog->is_module);
	assert_string_equal(b->prog->src->path,
	                    arena_printf(&d.arena, "%s/m/b.pipe", d.path));

	/* Bm (brought by a, first), Am, then Own */
	assert_int_equal(p->nmessages, 3);
	Message *m = p->messages;
	assert_string_equal(m->name, "Bm");
	assert_ptr_equal(m->from, a);
	assert_int_equal(m->index, 0);
	assert_ptr_equal(m->loc.file, b->prog->src);
	m = m->next;
	assert_string_equal(m->name, "Am");
	assert_ptr_equal(m->from, a);
	assert_int_equal(m->index, 1);
	m = m->next;
	assert_string_equal(m->name, "Own");
	assert_null(m->from);
	assert_int_equal(m->index, 2);
	assert_null(m->next);

	/* ports resolve to this file's copies */
	assert_ptr_equal(p->stages->ports->msg, p->messages);
	assert_ptr_equal(p->channels->msg, p->messages);
	/* in m/a.pipe, Bm is a copy too, brought by its import */
	assert_ptr_equal(a->prog->messages->from, a->prog->imports);

	/* every file, once, by the first import met */
	int n;
	const Import **list = import_list(p, &d.arena, &n);
	assert_int_equal(n, 2);
	assert_ptr_equal(list[0], a);
	assert_ptr_equal(list[1], a->prog->imports);
	dir_free(&d);
}

/* Errors at the import, in the imported file, and across files. */
static void test_import_errors(void **state)
{
	(void)state;
	static const struct {
		const char *files[3][2]; /* path, text */
		const char *msg;
	} cases[] = {
	        {{{"m/a.pipe", "import \"b.pipe\";\nmessage Am { X; }\n"},
	          {"m/b.pipe", "import \"../r.pipe\";\nmessage Bm { Y; }\n"}},
	         "m/b.pipe:1:8: error: import cycle: r.pipe -> m/a.pipe -> "
	         "m/b.pipe -> r.pipe"},
	        {{{"m/a.pipe", "import \"a.pipe\";\nmessage Am { X; }\n"},
	          {"m/b.pipe", "message Bm { Y; }\n"}},
	         "m/a.pipe:1:8: error: import cycle: m/a.pipe -> m/a.pipe"},
	        {{{"m/a.pipe", "message Am { X; }\n"}},
	         "r.pipe:3:8: error: cannot import 'm/b.pipe': cannot open "
	         "'m/b.pipe': No such file or directory"},
	        {{{"m/a.pipe", "message Am { X; }\n"}, {"m/b.pipe", ""}},
	         "r.pipe:3:8: error: cannot import 'm/b.pipe': 'm/b.pipe' is "
	         "empty"},
	        {{{"m/a.pipe", "message Am { X; }\n"},
	          {"m/b.pipe", "message Bm { Y;\n"}},
	         "m/b.pipe:2:1: error: expected"},
	        {{{"m/a.pipe", "message Am { X; }\n"},
	          {"m/b.pipe", "message Bm { Y; }\nmessage Am { Z; }\n"}},
	         "m/b.pipe:2:9: error: duplicate message 'Am'\n"
	         "message Am { Z; }\n"
	         "        ^\n"
	         "m/a.pipe:1:9: note: first defined here\n"},
	        {{{"m/a.pipe", "message Am { X; }\nmessage Own { Q; }\n"},
	          {"m/b.pipe", "message Bm { Y; }\n"}},
	         "r.pipe:4:9: error: duplicate message 'Own'"},
	        {{{"m/a.pipe", "message Am { X; }\n"},
	          {"m/b.pipe", "pipeline b;\nmessage Bm { Y; }\n"}},
	         "r.pipe:3:8: error: cannot import 'm/b.pipe': it is a "
	         "pipeline ('pipeline b;'), and only message files can be "
	         "imported"},
	        {{{"m/a.pipe", "message Am { X; }\nstage q() { }\n"},
	          {"m/b.pipe", "message Bm { Y; }\n"}},
	         "m/a.pipe:2:7: error: a stage in a message file"},
	        {{{"m/a.pipe", "message Am { X; }\nmessage Own_tag { A; }\n"},
	          {"m/b.pipe", "message Bm { Y; }\n"}},
	         "r.pipe:4:9: error: the tag type of message 'Own' would be "
	         "named 'Own_tag' in the generated C, like the type of message "
	         "'Own_tag'\nmessage Own { O; }\n        ^\n"
	         "m/a.pipe:2:9: note: message 'Own_tag' is here"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		Dir d;
		dir_init(&d);
		dir_write(&d, "r.pipe", root_text);
		for (int k = 0; k < 3 && cases[i].files[k][0]; k++)
			dir_write(&d, cases[i].files[k][0],
			          cases[i].files[k][1]);
		assert_false(dir_compile(&d, "r.pipe"));
		assert_contains(dir_msgs_rel(&d), cases[i].msg);
		dir_free(&d);
	}
}

/* A file without 'pipeline' or stages is a message file, checked as one. */
static void test_message_file(void **state)
{
	(void)state;
	Dir d;
	dir_init(&d);
	dir_write(&d, "m.pipe", "import \"n.pipe\";\nmessage Am { X; }\n");
	dir_write(&d, "n.pipe", "message Bm { Y; }\n");
	if (!dir_compile(&d, "m.pipe"))
		fail_msg("errors:\n%s", dir_msgs(&d));
	assert_true(d.p->is_module);
	assert_null(d.p->name);
	assert_int_equal(d.p->nmessages, 2);
	assert_ptr_equal(d.p->messages->from, d.p->imports);
	dir_free(&d);

	/* what only a pipeline has: the first of each kind, in order */
	dir_init(&d);
	dir_write(&d, "m.pipe",
	          "message Am { X; }\nchannel c;\nparam n: int = 1;\n"
	          "param k: int = 2;\na -> b;\n%{ x %}\n");
	assert_false(dir_compile(&d, "m.pipe"));
	assert_true(d.p->is_module);
	assert_int_equal(d.diag.errors, 4);
	const char *m = dir_msgs_rel(&d);
	const char *c = strstr(m, "m.pipe:2:9: error: a channel in a message");
	const char *pa = strstr(m, "m.pipe:3:7: error: a parameter in a");
	const char *ar = strstr(m, "m.pipe:5:3: error: an arrow in a");
	const char *v = strstr(m, "m.pipe:6:3: error: a '%{ %}' block in a");
	if (!c || !pa || !ar || !v || !(c < pa && pa < ar && ar < v))
		fail_msg("not the four errors in order:\n%s", m);
	dir_free(&d);

	/* with stages but no 'pipeline': a pipeline without its name */
	dir_init(&d);
	dir_write(&d, "m.pipe", "message Am { X; }\nstage q() { }\n");
	assert_false(dir_compile(&d, "m.pipe"));
	assert_false(d.p->is_module);
	assert_contains(dir_msgs(&d), "error: missing 'pipeline NAME;'");
	dir_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_import_tree),
	        cmocka_unit_test(test_import_errors),
	        cmocka_unit_test(test_message_file),
	};
	return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
