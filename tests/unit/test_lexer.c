/* SPDX-License-Identifier: MIT */
/*
 * test_lexer.c - the lexer (compiler/lexer.re): tokens, values, locations,
 * C bodies and verbatim blocks, and every unterminated case.
 */
#include <string.h>

#include "helpers.h"
#include "parse.h"
#include "parser.h"

/* Lexes all of u's text into toks (at most max); returns the count,
 * without the final end token. */
static int lex_all(Unit *u, Token *toks, int max)
{
	Lexer lx;
	lexer_init(&lx, &u->src, &u->diag);
	int n = 0;
	for (;;) {
		Token t = lexer_next(&lx);
		if (t.kind == 0)
			return n;
		assert_true(n < max);
		toks[n++] = t;
	}
}

/* Checks the kinds of the tokens of text. */
static void expect_kinds(const char *text, const int *kinds, int n)
{
	Unit u;
	Token toks[64];
	unit_init(&u, text);
	int got = lex_all(&u, toks, 64);
	for (int i = 0; i < n && i < got; i++)
		if (toks[i].kind != kinds[i])
			fail_msg("token %d of \"%s\": got %s, expected %s", i,
			         text, token_kind_name(toks[i].kind),
			         token_kind_name(kinds[i]));
	assert_int_equal(got, n);
	assert_int_equal(u.diag.errors, 0);
	unit_free(&u);
}

static void test_keywords_and_names(void **state)
{
	(void)state;
	static const int k[] = {
	        TK_PIPELINE, TK_PARAM, TK_MESSAGE, TK_STAGE, TK_EXTERN,
	        TK_IN,       TK_OUT,   TK_CHANNEL, TK_DROP,  TK_COPY,
	        TK_TRUE,     TK_FALSE, TK_IMPORT,  TK_IDENT, TK_IDENT,
	        TK_IDENT,    TK_IDENT, TK_IDENT,   TK_IDENT,
	};
	expect_kinds("pipeline param message stage extern in out channel drop "
	             "copy true false import stages input _x int size imports",
	             k, sizeof(k) / sizeof(k[0]));
}

static void test_punctuation(void **state)
{
	(void)state;
	static const int k[] = {
	        TK_ARROW,      TK_CAP_OPEN,    TK_CAP_CLOSE, TK_BCAST,
	        TK_BCAST_OPEN, TK_BCAST_CLOSE, TK_STAR,      TK_DOT,
	        TK_LBRACE,     TK_RBRACE,      TK_LPAREN,    TK_RPAREN,
	        TK_LBRACKET,   TK_RBRACKET,    TK_COLON,     TK_SEMI,
	        TK_COMMA,      TK_EQ,          TK_MINUS,
	};
	expect_kinds("-> -[ ]-> => =[ ]=> * . { } ( ) [ ] : ; , = -", k,
	             sizeof(k) / sizeof(k[0]));
}

static void test_arrow_with_capacity(void **state)
{
	(void)state;
	static const int k[] = {TK_IDENT,       TK_CAP_OPEN,   TK_IDENT,
	                        TK_CAP_CLOSE,   TK_IDENT,      TK_STAR,
	                        TK_INT,         TK_BCAST_OPEN, TK_STAR,
	                        TK_BCAST_CLOSE, TK_IDENT,      TK_DOT,
	                        TK_IDENT,       TK_SEMI};
	expect_kinds("gen-[capacity]->sq*4=[*]=>out_.x;", k,
	             sizeof(k) / sizeof(k[0]));
}

static void test_literals(void **state)
{
	(void)state;
	Unit u;
	Token t[8];
	unit_init(&u, "42 0x1F 1.5 2e3 \"a\\\"b\" 9223372036854775807");
	assert_int_equal(lex_all(&u, t, 8), 6);
	assert_int_equal(t[0].kind, TK_INT);
	assert_int_equal(t[0].ival, 42);
	assert_int_equal(t[1].kind, TK_INT);
	assert_int_equal(t[1].ival, 31);
	assert_int_equal(t[2].kind, TK_FLOAT);
	assert_int_equal(t[3].kind, TK_FLOAT);
	assert_int_equal(t[4].kind, TK_STRING);
	assert_int_equal(t[4].len, 6); /* quotes and escape kept */
	assert_true(t[5].ival == 9223372036854775807LL);
	assert_int_equal(u.diag.errors, 0);
	unit_free(&u);
}

static void test_integer_too_large(void **state)
{
	(void)state;
	Unit u;
	Token t[4];
	unit_init(&u, "9223372036854775808");
	assert_int_equal(lex_all(&u, t, 4), 1);
	assert_int_equal(u.diag.errors, 1);
	assert_msgs_contain(&u, "t.pipe:1:1: error: integer "
	                        "'9223372036854775808' is too large");
	unit_free(&u);
}

static void test_locations(void **state)
{
	(void)state;
	Unit u;
	Token t[8];
	unit_init(&u, "pipeline p;\n\t// a comment\n  /* two\nlines */ stage");
	assert_int_equal(lex_all(&u, t, 8), 4);
	assert_int_equal(t[0].loc.line, 1);
	assert_int_equal(t[0].loc.col, 1);
	assert_int_equal(t[1].loc.col, 10);
	assert_int_equal(t[2].loc.col, 11);
	assert_int_equal(t[3].kind, TK_STAGE);
	assert_int_equal(t[3].loc.line, 4);
	assert_int_equal(t[3].loc.col, 10);
	unit_free(&u);
}

/* A body with braces in strings, characters and comments. */
static const char tricky[] =
        "stage s(in a: M.{X, Y}) {\n"
        "\tchar *s = \"}\\\"}\"; char c = '}'; char d = '\\'';\n"
        "\t/* } */ // }\n"
        "\tif (c) { return '{'; }\n"
        "}\n"
        "s -> t;";

static void test_body_tricky_braces(void **state)
{
	(void)state;
	Unit u;
	Token t[32];
	unit_init(&u, tricky);
	int n = lex_all(&u, t, 32);
	/* stage s ( in a : M . { X , Y } ) BODY s -> t ; */
	assert_int_equal(n, 19);
	assert_int_equal(t[7].kind, TK_DOT);
	assert_int_equal(t[8].kind, TK_LBRACE); /* a variant set */
	assert_int_equal(t[12].kind, TK_RBRACE);
	assert_int_equal(t[14].kind, TK_BODY);
	const char *open = strchr(tricky, ')') + 2;
	assert_int_equal(t[14].text - u.buf, open + 1 - tricky);
	assert_int_equal(t[14].len, strrchr(tricky, '}') - (open + 1));
	assert_int_equal(t[14].loc.line, 1);
	assert_int_equal(t[14].loc.col, 26); /* just after the '{' */
	assert_int_equal(t[14].open_loc.col, 25);
	assert_int_equal(t[15].kind, TK_IDENT);
	assert_int_equal(t[15].loc.line, 6);
	assert_int_equal(u.diag.errors, 0);
	unit_free(&u);
}

static void test_body_only_after_stage_ports(void **state)
{
	(void)state;
	/* A message's braces are tokens; a stage's body is one token; an
	 * extern stage has none. */
	static const int k[] = {
	        TK_MESSAGE, TK_IDENT,  TK_LBRACE, TK_IDENT,  TK_SEMI,
	        TK_RBRACE,  TK_EXTERN, TK_STAGE,  TK_IDENT,  TK_LPAREN,
	        TK_RPAREN,  TK_SEMI,   TK_STAGE,  TK_IDENT,  TK_LPAREN,
	        TK_RPAREN,  TK_BODY,   TK_LBRACE, TK_RBRACE,
	};
	expect_kinds("message M { A; }\nextern stage e();\n"
	             "stage s() { { } }\n{ }",
	             k, sizeof(k) / sizeof(k[0]));
}

static void test_verbatim_blocks(void **state)
{
	(void)state;
	Unit u;
	Token t[4];
	unit_init(&u, "%{\n#include <stdio.h>\n%}\n%header{ typedef int T; %}");
	assert_int_equal(lex_all(&u, t, 4), 2);
	assert_int_equal(t[0].kind, TK_VERBATIM);
	assert_int_equal(t[0].len, strlen("\n#include <stdio.h>\n"));
	assert_memory_equal(t[0].text, "\n#include <stdio.h>\n", t[0].len);
	assert_int_equal(t[0].loc.col, 3);
	assert_int_equal(t[1].kind, TK_HVERBATIM);
	assert_int_equal(t[1].loc.line, 4);
	assert_int_equal(t[1].loc.col, 9);
	assert_memory_equal(t[1].text, " typedef int T; ", t[1].len);
	unit_free(&u);
}

/* Each unterminated construct: one error, where it starts; the lexer
 * then ends without reading past the text. */
static void expect_one_error(const char *text, const char *msg)
{
	Unit u;
	Token t[16];
	unit_init(&u, text);
	lex_all(&u, t, 16);
	assert_int_equal(u.diag.errors, 1);
	assert_msgs_contain(&u, msg);
	unit_free(&u);
}

static void test_unterminated(void **state)
{
	(void)state;
	expect_one_error("pipeline p; /* no end", "t.pipe:1:13: error: "
	                                          "unterminated comment");
	expect_one_error("/*", "t.pipe:1:1: error: unterminated comment");
	expect_one_error("param s: string = \"abc\nx", "t.pipe:1:19: error: "
	                                               "unterminated string");
	expect_one_error("\"", "unterminated string");
	expect_one_error("stage s() {\n\tif (x) {\n}",
	                 "t.pipe:1:11: error: unterminated stage body");
	expect_one_error("stage s() { \"}", "unterminated stage body");
	expect_one_error("stage s() { /* }", "unterminated stage body");
	expect_one_error("stage s() {", "unterminated stage body");
	expect_one_error("%{ int x;",
	                 "t.pipe:1:1: error: unterminated C block");
	expect_one_error("%header{ %", "unterminated C block");
	expect_one_error("%", "unexpected character '%'");
}

static void test_stage_attributes(void **state)
{
	(void)state;
	/* After the port list, names and a parenthesised size may come
	 * before the body, which is still one token; in the parentheses a
	 * word that starts with a digit is a size, even a malformed one. */
	static const int k[] = {
	        TK_STAGE,  TK_IDENT,  TK_LPAREN, TK_RPAREN, TK_IDENT,
	        TK_IDENT,  TK_LPAREN, TK_SIZE,   TK_RPAREN, TK_BODY,
	        TK_EXTERN, TK_STAGE,  TK_IDENT,  TK_LPAREN, TK_RPAREN,
	        TK_IDENT,  TK_LPAREN, TK_SIZE,   TK_RPAREN, TK_SEMI,
	        TK_STAGE,  TK_IDENT,  TK_LPAREN, TK_RPAREN, TK_IDENT,
	        TK_LPAREN, TK_SIZE,   TK_RPAREN, TK_IDENT,  TK_BODY,
	};
	expect_kinds("stage s() thread stack(64k) { { } }\n"
	             "extern stage e() stack(12x.5);\n"
	             "stage t() stack(0x10) odd { }\n",
	             k, sizeof(k) / sizeof(k[0]));

	/* Elsewhere, '64k' is an invalid number as before, and '{' after
	 * the attributes of an unclosed '(' still opens the body. */
	static const int k2[] = {
	        TK_IDENT, TK_CAP_OPEN, TK_INT,   TK_CAP_CLOSE, TK_IDENT,
	        TK_SEMI,  TK_STAGE,    TK_IDENT, TK_LPAREN,    TK_RPAREN,
	        TK_IDENT, TK_LPAREN,   TK_SIZE,  TK_BODY,
	};
	Unit u;
	Token t[16];
	unit_init(&u, "a -[64]-> b;\nstage s() stack(1M { }\n");
	assert_int_equal(lex_all(&u, t, 16), 14);
	for (int i = 0; i < 14; i++)
		assert_int_equal(t[i].kind, k2[i]);
	assert_int_equal(t[12].loc.line, 2);
	assert_int_equal(t[12].loc.col, 17);
	assert_memory_equal(t[12].text, "1M", t[12].len);
	unit_free(&u);
	expect_one_error("a -[64k]-> b;", "invalid number '64k'");
}

static void test_stray_characters(void **state)
{
	(void)state;
	Unit u;
	Token t[8];
	unit_init_n(&u, "a @ b\x01 \0c $", 11);
	/* a b c, each a name; @, \x01, NUL and $ reported and skipped */
	assert_int_equal(lex_all(&u, t, 8), 3);
	assert_int_equal(u.diag.errors, 4);
	assert_msgs_contain(&u, "t.pipe:1:3: error: unexpected character '@'");
	assert_msgs_contain(&u, "unexpected control character 0x01");
	assert_msgs_contain(&u, "t.pipe:1:8: error: unexpected NUL byte");
	assert_int_equal(t[2].loc.col, 9);
	unit_free(&u);
}

static void test_bad_names_and_numbers(void **state)
{
	(void)state;
	Unit u;
	Token t[8];
	unit_init(&u, "caf\xc3\xa9 12ab 1.2.3");
	assert_int_equal(lex_all(&u, t, 8), 3);
	assert_int_equal(t[0].kind, TK_IDENT);
	assert_int_equal(t[1].kind, TK_INT);
	assert_int_equal(t[2].kind, TK_INT);
	assert_int_equal(u.diag.errors, 3);
	assert_msgs_contain(&u, "'caf\xc3\xa9' is not a valid name");
	assert_msgs_contain(&u, "invalid number '12ab'");
	assert_msgs_contain(&u, "invalid number '1.2.3'");
	unit_free(&u);
}

static void test_empty_input(void **state)
{
	(void)state;
	Unit u;
	Token t[2];
	unit_init(&u, "");
	assert_int_equal(lex_all(&u, t, 2), 0);
	assert_int_equal(u.diag.errors, 0);
	unit_free(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_keywords_and_names),
	        cmocka_unit_test(test_punctuation),
	        cmocka_unit_test(test_arrow_with_capacity),
	        cmocka_unit_test(test_literals),
	        cmocka_unit_test(test_integer_too_large),
	        cmocka_unit_test(test_locations),
	        cmocka_unit_test(test_body_tricky_braces),
	        cmocka_unit_test(test_body_only_after_stage_ports),
	        cmocka_unit_test(test_verbatim_blocks),
	        cmocka_unit_test(test_unterminated),
	        cmocka_unit_test(test_stage_attributes),
	        cmocka_unit_test(test_stray_characters),
	        cmocka_unit_test(test_bad_names_and_numbers),
	        cmocka_unit_test(test_empty_input),
	};
	return cmocka_run_group_tests_name("lexer", tests, NULL, NULL);
}
