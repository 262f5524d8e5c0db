/* SPDX-License-Identifier: MIT */
/*
 * test_util.c - the shared helpers (compiler/util.c): upper case, counts
 * as C and as text, C string literals, base names, extensions and
 * $-templates.
 */
#include <string.h>

#include "helpers.h"
#include "util.h"

static void test_upper(void **state)
{
	(void)state;
	Arena a = {0};
	assert_string_equal(util_upper(&a, "Num_a9"), "NUM_A9");
	assert_string_equal(util_upper(&a, ""), "");
	/* Only ASCII letters change: a locale never enters a C name. */
	assert_string_equal(util_upper(&a, "\xc3\xa9x"), "\xc3\xa9X");
	arena_free(&a);
}

static void test_counts(void **state)
{
	(void)state;
	Arena a = {0};
	Param workers = {.name = "workers"};
	Count none = {.kind = COUNT_NONE};
	Count lit = {.kind = COUNT_LIT, .value = -16};
	Count par = {.kind = COUNT_PARAM, .param = "wrkers"};
	Count resolved = {
	        .kind = COUNT_PARAM, .param = "wrkers", .resolved = &workers};
	Count star = {.kind = COUNT_UNBOUNDED};

	assert_string_equal(util_count_c(&a, &none, "params", "1"), "1");
	assert_string_equal(util_count_c(&a, &none, "params", "0"), "0");
	assert_string_equal(util_count_c(&a, &lit, "params", "1"), "-16");
	assert_string_equal(util_count_c(&a, &par, "pv", "1"), "pv->wrkers");
	assert_string_equal(util_count_c(&a, &resolved, "params", "1"),
	                    "params->workers");
	assert_string_equal(util_count_c(&a, &star, "params", "1"),
	                    "PIPEC_UNBOUNDED");

	assert_string_equal(util_count_text(&a, &none, "0"), "0");
	assert_string_equal(util_count_text(&a, &lit, "0"), "-16");
	assert_string_equal(util_count_text(&a, &par, "0"), "wrkers");
	assert_string_equal(util_count_text(&a, &star, "0"), "*");
	arena_free(&a);
}

static void test_c_string(void **state)
{
	(void)state;
	Arena a = {0};
	assert_string_equal(util_c_string(&a, ""), "\"\"");
	assert_string_equal(util_c_string(&a, "say \"hi\" \\ there"),
	                    "\"say \\\"hi\\\" \\\\ there\"");
	assert_string_equal(util_c_string(&a, "a\nb\tc\x7f"),
	                    "\"a\\nb\\011c\\177\"");
	/* An octal escape is always three digits: a digit after it stays a
	 * digit. */
	assert_string_equal(util_c_string(&a, "\x01"
	                                      "2"),
	                    "\"\\0012\"");
	/* No trigraph: ??/ would be a backslash under -std=c11 (so this
	 * test writes it as two literals). */
	assert_string_equal(util_c_string(&a, "what?"
	                                      "?/ ?"),
	                    "\"what?\\?/ ?\"");
	assert_string_equal(util_c_string(&a, "caf\xc3\xa9"),
	                    "\"caf\xc3\xa9\"");
	arena_free(&a);
}

static void test_paths(void **state)
{
	(void)state;
	Arena a = {0};
	assert_string_equal(util_base_name("src/a.pipe"), "a.pipe");
	assert_string_equal(util_base_name("a.pipe"), "a.pipe");
	assert_string_equal(util_base_name("dir/"), "");
	assert_string_equal(util_with_ext(&a, "src/a.pipe", ".h"), "src/a.h");
	assert_string_equal(util_with_ext(&a, "a.b.pipe", ".c"), "a.b.c");
	assert_string_equal(util_with_ext(&a, "v1.0/a", ".h"), "v1.0/a.h");
	assert_string_equal(util_with_ext(&a, "dir/.hidden", ".h"),
	                    "dir/.hidden.h");
	assert_string_equal(util_with_ext(&a, "a.c", ".c.d"), "a.c.d");
	arena_free(&a);
}

static void test_subst(void **state)
{
	(void)state;
	Arena a = {0};
	const char *vars[26] = {0};
	vars['M' - 'A'] = "Num";
	vars['U' - 'A'] = "NUM";
	assert_string_equal(util_subst(&a, "$M_send", vars), "Num_send");
	assert_string_equal(util_subst(&a, "$U_$U $$M", vars), "NUM_NUM $M");
	arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_upper),    cmocka_unit_test(test_counts),
	        cmocka_unit_test(test_c_string), cmocka_unit_test(test_paths),
	        cmocka_unit_test(test_subst),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
