/* SPDX-License-Identifier: MIT */
/*
 * test_emit.c - every name the generated code derives from a .pipe file's
 * names is one the clash checks know (compiler/gen_names.h).
 *
 * A program whose names are unlike anything in the generated code's fixed
 * text (pipeline Zq, message Km, variants Vx and Wy, stages Sa and Sb,
 * parameter Pn) is emitted into memory; every identifier of the output
 * that contains one of those names must be a row of the table expanded
 * for them, or one of the program's own names, or written by the user.
 * So a generated function added to an emitter without a row fails here,
 * instead of escaping the clash checks.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "gen_names.h"
#include "helpers.h"
#include "util.h"

static const char program[] = "pipeline Zq;\n"
                              "param Pn: int = 2;\n"
                              "message Km drop(km_drop) copy(km_copy) {\n"
                              "\tVx(long);\n"
                              "\tWy(a: int, b: long);\n"
                              "}\n"
                              "stage Sa(out Po: Km.Vx) { }\n"
                              "extern stage Sb(in Pi: Km);\n"
                              "Sa => Sb * Pn;\n";

/* The user's own names: the program's, and the hooks. */
static const char *const own[] = {"Zq", "Km", "Vx", "Wy",      "Sa",     "Sb",
                                  "Pn", "Po", "Pi", "km_drop", "km_copy"};

static bool is_own(const char *id)
{
	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
		if (strcmp(id, own[i]) == 0)
			return true;
	return false;
}

/* Whether id mentions a name of the program (other than as part of a
 * longer word of the fixed text, which these names cannot be). */
static bool mentions(const char *id)
{
	static const char *const marks[] = {"Zq", "ZQ", "Km", "KM", "Vx",
	                                    "VX", "Wy", "WY", "Sa", "Sb"};
	for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
		if (strstr(id, marks[i]))
			return true;
	return false;
}

/* Every name of the table, expanded for the program. */
static bool in_table(Arena *a, const Program *p, const char *id)
{
	const char *vars[26] = {0};
	vars['P' - 'A'] = "Zq";
	vars['Q' - 'A'] = "ZQ";
	for (int i = 0; i < GN_COUNT; i++) {
		const GenNameRow *r = &gen_name_rows[i];
		for (const Message *m = p->messages; m; m = m->next) {
			vars['M' - 'A'] = m->name;
			vars['U' - 'A'] = util_upper(a, m->name);
			for (const Variant *v = m->variants; v; v = v->next) {
				vars['V' - 'A'] = v->name;
				vars['W' - 'A'] = util_upper(a, v->name);
				for (const Stage *s = p->stages; s;
				     s = s->next) {
					vars['S' - 'A'] = s->name;
					if (r->scope == GEN_MODULE)
						continue;
					if (strcmp(util_subst(a, r->tmpl, vars),
					           id) == 0)
						return true;
				}
			}
		}
	}
	return false;
}

static void check_output(Unit *u, const char *text)
{
	for (const char *q = text; *q;) {
		if (!(isalpha((unsigned char)*q) || *q == '_')) {
			/* Skip string literals: they hold names as data. */
			if (*q == '"') {
				for (q++; *q && *q != '"'; q++)
					if (*q == '\\' && q[1])
						q++;
				if (*q)
					q++;
				continue;
			}
			q++;
			continue;
		}
		const char *start = q;
		while (isalnum((unsigned char)*q) || *q == '_')
			q++;
		char *id = arena_printf(&u->arena, "%.*s", (int)(q - start),
		                        start);
		if (!mentions(id) || is_own(id))
			continue;
		if (!in_table(&u->arena, u->p, id))
			fail_msg(
			        "the generated code defines '%s', which "
			        "compiler/gen_names.h does not list: the clash "
			        "checks cannot see it",
			        id);
	}
}

static void test_every_derived_name_is_in_the_table(void **state)
{
	(void)state;
	Unit u;
	unit_init(&u, program);
	assert_true(unit_check(&u));
	for (int with_main = 0; with_main <= 1; with_main++) {
		EmitOptions eo = {
		        .line_directives = true,
		        .with_main = with_main,
		        .src_name = "zq.pipe",
		        .header_name = "zq.h",
		        .out_name = "zq.c",
		        .arena = &u.arena,
		};
		char *buf[2] = {NULL, NULL};
		size_t len[2];
		FILE *h = open_memstream(&buf[0], &len[0]);
		FILE *c = open_memstream(&buf[1], &len[1]);
		assert_non_null(h);
		assert_non_null(c);
		assert_true(emit_header(u.p, &eo, h));
		assert_true(emit_source(u.p, &eo, c));
		fclose(h);
		fclose(c);
		check_output(&u, buf[0]);
		check_output(&u, buf[1]);
		free(buf[0]);
		free(buf[1]);
	}
	unit_free(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_derived_name_is_in_the_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
