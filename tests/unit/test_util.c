/* SPDX-License-Identifier: MIT */
/*
 * test_util.c - the shared helpers (compiler/util.c): upper case, counts
 * as C and as text, C string literals, the escapes of a .pipe string and
 * its text as C, base names, extensions and $-templates.
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
	/* Valid UTF-8 of every length is kept; other bytes above ASCII are
	 * escaped: clang refuses them in a string. */
	assert_string_equal(util_c_string(&a, "\xe2\x82\xac\xf0\x9f\x98\x80"),
	                    "\"\xe2\x82\xac\xf0\x9f\x98\x80\"");
	assert_string_equal(util_c_string(&a, "\xff\xc3(\x80\xc0\xaf"),
	                    "\"\\377\\303(\\200\\300\\257\"");
	/* Overlong, a surrogate, past U+10FFFF, cut short. */
	assert_string_equal(util_c_string(&a, "\xe0\x80\x80\xed\xa0\x80"),
	                    "\"\\340\\200\\200\\355\\240\\200\"");
	assert_string_equal(util_c_string(&a, "\xf4\x90\x80\x80\xe2\x82"),
	                    "\"\\364\\220\\200\\200\\342\\202\"");
	arena_free(&a);
}

/* The first escape C refuses, from its backslash, and why. */
static const char *bad_escape(Arena *a, const char *lit, const char **why)
{
	*why = NULL;
	return util_string_bad_escape(a, lit, why);
}

static void test_string_escapes(void **state)
{
	(void)state;
	Arena a = {0};
	const char *why;
	const char *ok = "\"\\' \\\" \\? \\\\ \\a\\b\\f\\n\\r\\t\\v \\0 \\7 "
	                 "\\377 \\1234 \\x0 \\x00ff \\xFFz \\u00a0 \\u0024 "
	                 "\\u0040 \\u0060 \\U0010FFFF \\ud7ff\"";
	assert_null(bad_escape(&a, ok, &why));
	assert_null(why);

	const char *lit = "\"a\\q\"";
	assert_ptr_equal(bad_escape(&a, lit, &why), lit + 2);
	assert_string_equal(why, "unknown escape sequence '\\q' in a string");
	lit = "\"\\400\"";
	assert_ptr_equal(bad_escape(&a, lit, &why), lit + 1);
	assert_string_equal(why, "escape sequence '\\400' is out of range "
	                         "(at most \\377)");
	lit = "\"\\x0100\"";
	assert_ptr_equal(bad_escape(&a, lit, &why), lit + 1);
	assert_string_equal(why, "escape sequence '\\x0100' is out of range "
	                         "(at most \\xff)");
	/* So many digits that the value would wrap: still out of range. */
	assert_non_null(
	        bad_escape(&a, "\"\\x10000000000000000000000000000ff\"", &why));
	assert_non_null(bad_escape(&a, "\"\\xg\"", &why));
	assert_string_equal(why, "'\\x' with no hexadecimal digit after it");
	assert_non_null(bad_escape(&a, "\"\\u123\"", &why));
	assert_string_equal(why, "'\\u' needs 4 hexadecimal digits");
	assert_null(bad_escape(&a, "\"\\U0000ffff\"", &why));
	/* Below U+00A0 but $ @ `, surrogates, past U+10FFFF. */
	assert_non_null(bad_escape(&a, "\"\\u0041\"", &why));
	assert_non_null(bad_escape(&a, "\"\\uDFFF\"", &why));
	assert_non_null(bad_escape(&a, "\"\\U00110000\"", &why));
	assert_non_null(bad_escape(&a, "\"\\\x01\"", &why));
	/* The lexer keeps a '\\' from the closing quote: the end, at most. */
	assert_non_null(bad_escape(&a, "\"\\", &why));
	arena_free(&a);
}

static void test_c_literal(void **state)
{
	(void)state;
	Arena a = {0};
	assert_string_equal(util_c_literal(&a, "\"plain \\n\""),
	                    "\"plain \\n\"");
	/* No trigraph: "?" "?(" would be '[' in C11 (and here too, were the
	 * strings not cut between the two '?'). */
	assert_string_equal(util_c_literal(&a, "\"?"
	                                       "?(x) ?"
	                                       "?"
	                                       "?\""),
	                    "\"?\\?(x) ?\\?\\?\"");
	assert_string_equal(util_c_literal(&a, "\"\\?"
	                                       "?=\""),
	                    "\"\\?\\?=\"");
	/* A control byte as an octal escape of three digits: a digit after
	 * it stays a digit. */
	assert_string_equal(util_c_literal(&a, "\"a\rb\x01"
	                                       "2\x7f\t\""),
	                    "\"a\\015b\\0012\\177\\011\"");
	assert_string_equal(util_c_literal(&a, "\"\xc3\xa9\xff\""),
	                    "\"\xc3\xa9\\377\"");
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
	        cmocka_unit_test(test_upper),
	        cmocka_unit_test(test_counts),
	        cmocka_unit_test(test_c_string),
	        cmocka_unit_test(test_string_escapes),
	        cmocka_unit_test(test_c_literal),
	        cmocka_unit_test(test_paths),
	        cmocka_unit_test(test_subst),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
