/* SPDX-License-Identifier: MIT */
/*
 * test_parser.c - the parser (compiler/parser.y): each construct gives the
 * expected syntax tree; syntax errors are reported, several per run, and a
 * Program is returned anyway.
 */
#include <string.h>

#include "helpers.h"
#include "parse.h"

static Program *parse_ok(Unit *u, const char *text)
{
	unit_init(u, text);
	Program *p = unit_parse(u);
	if (u->diag.errors)
		fail_msg("unexpected errors:\n%s", unit_msgs(u));
	return p;
}

static void test_pipeline_and_params(void **state)
{
	(void)state;
	Unit u;
	Program *p = parse_ok(&u, "pipeline squares;\n"
	                          "param workers: int = 2;\n"
	                          "param limit: long = -5;\n"
	                          "param cap: size = 0x10;\n"
	                          "param ratio: double = 1.5;\n"
	                          "param verbose: bool = true;\n"
	                          "param name: string = \"x\\ty\";\n");
	assert_string_equal(p->name, "squares");
	assert_int_equal(p->name_loc.line, 1);
	assert_int_equal(p->name_loc.col, 10);
	assert_false(p->allow_cycles);
	assert_int_equal(p->nparams, 6);
	Param *a = p->params;
	assert_string_equal(a->name, "workers");
	assert_int_equal(a->type, PT_INT);
	assert_int_equal(a->def.kind, LIT_INT);
	assert_int_equal(a->def.ival, 2);
	assert_int_equal(a->index, 0);
	a = a->next;
	assert_int_equal(a->type, PT_LONG);
	assert_int_equal(a->def.ival, -5);
	assert_string_equal(a->def.text, "-5");
	a = a->next;
	assert_int_equal(a->type, PT_SIZE);
	assert_int_equal(a->def.ival, 16);
	a = a->next;
	assert_int_equal(a->type, PT_DOUBLE);
	assert_int_equal(a->def.kind, LIT_FLOAT);
	assert_string_equal(a->def.text, "1.5");
	a = a->next;
	assert_int_equal(a->type, PT_BOOL);
	assert_int_equal(a->def.kind, LIT_BOOL);
	assert_int_equal(a->def.ival, 1);
	a = a->next;
	assert_int_equal(a->type, PT_STRING);
	assert_string_equal(a->def.text, "\"x\\ty\"");
	assert_int_equal(a->index, 5);
	assert_null(a->next);
	unit_free(&u);
}

/* A comment right after a parameter's ';' is its description. */
static void test_param_help(void **state)
{
	(void)state;
	Unit u;
	Program *p = parse_ok(
	        &u, "param a: int = 1;   // squaring   workers \n"
	            "param b: int = 2; /* capacity of\n"
	            "\t\t\t   every channel */ param c: int = 3;\n"
	            "param d: int = 4;\n"
	            "// not d's: on the next line\n"
	            "param e: int = 5; //\n"
	            "param f: int = 6; /**/ param g: int = 7; /// doc\n"
	            "param h: string = \"x\"; /** caf\xc3\xa9 \"q\" */\n"
	            "param i: int = 9; // a */ b\r\n"
	            "param j: int = 10;\t/* one */ /* two */\n"
	            "param k: int = 11 /* before */;\n");
	static const char *const want[] = {
	        "squaring workers",
	        "capacity of every channel",
	        NULL,
	        NULL,
	        NULL,
	        NULL,
	        "doc",
	        "caf\xc3\xa9 \"q\"",
	        "a */ b",
	        "one",
	        NULL,
	};
	size_t n = 0;
	for (Param *pa = p->params; pa; pa = pa->next, n++) {
		assert_true(n < sizeof(want) / sizeof(want[0]));
		if (!want[n])
			assert_null(pa->help);
		else if (!pa->help || strcmp(pa->help, want[n]) != 0)
			fail_msg("param %s: help \"%s\", expected \"%s\"",
			         pa->name, pa->help ? pa->help : "(null)",
			         want[n]);
	}
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	unit_free(&u);
}

static void test_allow_cycles(void **state)
{
	(void)state;
	Unit u;
	Program *p = parse_ok(&u, "pipeline loop allow cycles;");
	assert_string_equal(p->name, "loop");
	assert_true(p->allow_cycles);
	unit_free(&u);
}

static void test_messages(void **state)
{
	(void)state;
	Unit u;
	Program *p =
	        parse_ok(&u, "message Line drop(line_drop) copy(line_copy) {\n"
	                     "\tEof;\n"
	                     "\tText(const  char*);\n"
	                     "\tPair(key: unsigned long, value: char * *);\n"
	                     "}\n"
	                     "message Num { A(long); }\n");
	assert_int_equal(p->nmessages, 2);
	Message *m = p->messages;
	assert_string_equal(m->name, "Line");
	assert_string_equal(m->drop_fn, "line_drop");
	assert_string_equal(m->copy_fn, "line_copy");
	assert_int_equal(m->drop_loc.col, 19);
	assert_int_equal(m->nvariants, 3);
	Variant *v = m->variants;
	assert_string_equal(v->name, "Eof");
	assert_int_equal(v->kind, VK_EMPTY);
	assert_int_equal(v->index, 0);
	v = v->next;
	assert_int_equal(v->kind, VK_SINGLE);
	assert_string_equal(v->ctype, "const char *");
	assert_int_equal(v->ctype_loc.line, 3);
	assert_int_equal(v->ctype_loc.col, 7);
	v = v->next;
	assert_int_equal(v->kind, VK_FIELDS);
	assert_int_equal(v->index, 2);
	assert_int_equal(v->nfields, 2);
	assert_string_equal(v->fields->name, "key");
	assert_string_equal(v->fields->ctype, "unsigned long");
	assert_string_equal(v->fields->next->name, "value");
	assert_string_equal(v->fields->next->ctype, "char **");
	assert_null(v->next);
	m = m->next;
	assert_null(m->drop_fn);
	assert_null(m->copy_fn);
	assert_int_equal(m->index, 1);
	unit_free(&u);
}

static void test_stages(void **state)
{
	(void)state;
	Unit u;
	Program *p = parse_ok(
	        &u, "stage gen(out nums: Num.Generated) { return 0; }\n"
	            "stage both(in a: Num.{X, Y}, in b: Num, out o: Num) {\n"
	            "\tif (x) { }\n"
	            "}\n"
	            "extern stage parse(in lines: Line, out recs: Rec);\n"
	            "stage tick() { }\n");
	assert_int_equal(p->nstages, 4);
	Stage *s = p->stages;
	assert_string_equal(s->name, "gen");
	assert_false(s->is_extern);
	assert_string_equal(s->body, " return 0; ");
	assert_int_equal(s->body_loc.line, 1);
	assert_int_equal(s->body_loc.col, 37);
	assert_int_equal(s->nports, 1);
	Port *pt = s->ports;
	assert_int_equal(pt->dir, PORT_OUT);
	assert_string_equal(pt->name, "nums");
	assert_string_equal(pt->msg_name, "Num");
	assert_string_equal(pt->variants->name, "Generated");
	assert_null(pt->variants->next);
	assert_int_equal(s->replicas.kind, COUNT_NONE);

	s = s->next;
	assert_int_equal(s->nports, 3);
	assert_string_equal(s->body, "\n\tif (x) { }\n");
	pt = s->ports;
	assert_int_equal(pt->dir, PORT_IN);
	assert_string_equal(pt->variants->name, "X");
	assert_string_equal(pt->variants->next->name, "Y");
	assert_int_equal(pt->variants->next->loc.col, 26);
	assert_null(pt->next->variants);
	assert_int_equal(pt->next->index, 1);
	assert_int_equal(pt->next->next->dir, PORT_OUT);
	assert_int_equal(pt->next->next->index, 2);

	s = s->next;
	assert_true(s->is_extern);
	assert_null(s->body);
	assert_int_equal(s->nports, 2);
	assert_int_equal(s->index, 2);

	s = s->next;
	assert_int_equal(s->nports, 0);
	assert_null(s->ports);
	assert_string_equal(s->body, " ");
	unit_free(&u);
}

/* Attributes after the port list; 'thread' and 'stack' are names
 * everywhere else. */
static void test_stage_attributes(void **state)
{
	(void)state;
	Unit u;
	Program *p = parse_ok(&u, "message thread { stack; }\n"
	                          "stage stack(out thread: thread) thread { }\n"
	                          "stage a(in stack: thread) stack(1M) { }\n"
	                          "extern stage b() stack(64k) thread;\n"
	                          "extern stage c();\n"
	                          "stack.thread -> a.stack;\n");
	assert_string_equal(p->messages->name, "thread");
	assert_string_equal(p->messages->variants->name, "stack");
	Stage *s = p->stages;
	assert_string_equal(s->name, "stack");
	assert_string_equal(s->ports->name, "thread");
	assert_true(s->thread);
	assert_int_equal(s->thread_loc.col, 33);
	assert_null(s->stack_text);
	assert_string_equal(s->body, " ");
	s = s->next;
	assert_false(s->thread);
	assert_string_equal(s->stack_text, "1M");
	assert_int_equal(s->stack_loc.line, 3);
	assert_int_equal(s->stack_loc.col, 33);
	assert_int_equal(s->stack, 0); /* the checks work it out */
	s = s->next;
	assert_true(s->is_extern);
	assert_true(s->thread);
	assert_string_equal(s->stack_text, "64k");
	s = s->next;
	assert_false(s->thread);
	assert_null(s->stack_text);
	assert_string_equal(p->edges->from.port, "thread");
	unit_free(&u);
}

static void test_stage_attribute_errors(void **state)
{
	(void)state;
	Unit u;
	unit_init(&u, "stage a() threads { }\n"
	              "stage b() thread stack(16k) thread stack(1M) { }\n"
	              "stage c() thread(2) stack;\n"
	              "stage d() stack(x) { }\n"
	              "stage e() thread { }\n");
	Program *p = unit_parse(&u);
	assert_int_equal(u.diag.errors, 6);
	assert_msgs_contain(&u, "t.pipe:1:11: error: unknown stage attribute "
	                        "'threads'; the attributes are 'thread' and "
	                        "'stack(SIZE)'");
	assert_msgs_contain(&u, "t.pipe:2:29: error: a second 'thread' "
	                        "attribute on stage 'b'");
	assert_msgs_contain(&u, "t.pipe:2:11: note: the first is here");
	assert_msgs_contain(&u, "t.pipe:2:36: error: a second 'stack' "
	                        "attribute on stage 'b'");
	assert_msgs_contain(&u, "t.pipe:2:18: note: the first is here");
	assert_msgs_contain(&u, "t.pipe:3:18: error: the attribute 'thread' "
	                        "takes no argument");
	assert_msgs_contain(&u, "t.pipe:3:21: error: the attribute 'stack' "
	                        "needs a size in parentheses");
	assert_msgs_contain(&u, "t.pipe:4:17: error: expected a size (such "
	                        "as 64k or 1M) in stage declaration, found "
	                        "'x'");
	/* The first of each is kept; the parser went on after each error. */
	Stage *s = p->stages->next;
	assert_true(s->thread);
	assert_string_equal(s->stack_text, "16k");
	assert_string_equal(s->next->name, "c");
	s = s->next->next->next;
	assert_string_equal(s->name, "e");
	assert_true(s->thread);
	unit_free(&u);
}

static void test_verbatims_and_channels(void **state)
{
	(void)state;
	Unit u;
	Program *p = parse_ok(&u, "%{ #include <stdio.h> %}\n"
	                          "%header{ typedef int T; %}\n"
	                          "channel work: Num [64];\n"
	                          "channel any;\n"
	                          "channel open [*];\n"
	                          "channel sized [cap];\n");
	assert_int_equal(p->nverbatims, 2);
	assert_string_equal(p->verbatims->text, " #include <stdio.h> ");
	assert_false(p->verbatims->in_header);
	assert_true(p->verbatims->next->in_header);
	assert_int_equal(p->verbatims->next->loc.line, 2);
	assert_int_equal(p->nchandecls, 4);
	ChannelDecl *c = p->chandecls;
	assert_string_equal(c->name, "work");
	assert_string_equal(c->msg_name, "Num");
	assert_int_equal(c->cap.kind, COUNT_LIT);
	assert_int_equal(c->cap.value, 64);
	c = c->next;
	assert_null(c->msg_name);
	assert_int_equal(c->cap.kind, COUNT_NONE);
	c = c->next;
	assert_int_equal(c->cap.kind, COUNT_UNBOUNDED);
	c = c->next;
	assert_int_equal(c->cap.kind, COUNT_PARAM);
	assert_string_equal(c->cap.param, "cap");
	unit_free(&u);
}

static void test_chains(void **state)
{
	(void)state;
	Unit u;
	Program *p = parse_ok(&u, "gen -[capacity]-> square * workers -[*]-> "
	                          "merge.input -> print;\n"
	                          "split.evens => sum.left;\n"
	                          "split.odds =[8]=> work * 3;\n");
	assert_int_equal(p->nedges, 5);
	Edge *e = p->edges;
	assert_string_equal(e->from.name, "gen");
	assert_null(e->from.port);
	assert_string_equal(e->to.name, "square");
	assert_int_equal(e->cap.kind, COUNT_PARAM);
	assert_string_equal(e->cap.param, "capacity");
	assert_int_equal(e->to.replicas.kind, COUNT_PARAM);
	assert_string_equal(e->to.replicas.param, "workers");
	assert_false(e->broadcast);
	assert_int_equal(e->loc.col, 5);
	e = e->next;
	assert_string_equal(e->from.name, "square");
	assert_int_equal(e->from.replicas.kind, COUNT_PARAM);
	assert_int_equal(e->cap.kind, COUNT_UNBOUNDED);
	assert_string_equal(e->to.name, "merge");
	assert_string_equal(e->to.port, "input");
	unit_free(&u);
}

static void test_chain_ports_and_broadcast(void **state)
{
	(void)state;
	Unit u;
	Program *p = parse_ok(&u, "a -> m.x -> b;\n"
	                          "split.evens => sum.left;\n"
	                          "split.odds =[8]=> work * 3;\n");
	assert_int_equal(p->nedges, 4);
	Edge *e = p->edges->next;
	assert_string_equal(e->from.name, "m");
	assert_string_equal(e->from.port, "x");
	assert_int_equal(e->from.port_loc.col, 8);
	assert_int_equal(e->cap.kind, COUNT_NONE);
	e = e->next;
	assert_true(e->broadcast);
	assert_string_equal(e->from.port, "evens");
	assert_string_equal(e->to.port, "left");
	assert_int_equal(e->cap.kind, COUNT_NONE);
	e = e->next;
	assert_true(e->broadcast);
	assert_int_equal(e->cap.kind, COUNT_LIT);
	assert_int_equal(e->cap.value, 8);
	assert_int_equal(e->to.replicas.kind, COUNT_LIT);
	assert_int_equal(e->to.replicas.value, 3);
	assert_null(e->next);
	unit_free(&u);
}

static void test_comments_anywhere(void **state)
{
	(void)state;
	Unit u;
	Program *p = parse_ok(&u, "/* a */ pipeline // b\n p /* c */ ;");
	assert_string_equal(p->name, "p");
	assert_int_equal(p->name_loc.line, 2);
	unit_free(&u);
}

static void test_several_syntax_errors(void **state)
{
	(void)state;
	Unit u;
	unit_init(&u, "pipeline p;\n"
	              "param a: int = 1\n"
	              "message M { A(long; B; }\n"
	              "stage s(x: M) { }\n"
	              "stage ok(in i: M) { }\n"
	              "a -> ;\n");
	Program *p = unit_parse(&u);
	/* After an error, the parser skips to the next ';' or '}', and
	 * reports nothing in the three tokens after that (lemon). */
	assert_int_equal(u.diag.errors, 3);
	assert_msgs_contain(&u, "t.pipe:3:1: error: expected ';' after "
	                        "parameter declaration, found 'message'");
	assert_msgs_contain(&u, "t.pipe:4:9: error: expected a port "
	                        "direction 'in' or 'out', found 'x'");
	assert_msgs_contain(&u, "t.pipe:6:6: error: expected a name in "
	                        "wiring, found ';'");
	/* What parsed well is kept. */
	assert_string_equal(p->name, "p");
	assert_non_null(p->stages);
	assert_string_equal(p->stages->name, "ok");
	unit_free(&u);
}

static void test_errors_name_the_context(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} cases[] = {
	        {"pipeline;", "expected a name in pipeline declaration, "
	                      "found ';'"},
	        {"param x int = 1;", "expected ':' in parameter declaration, "
	                             "found 'int'"},
	        {"param x: int 1;", "expected '=' in parameter declaration"},
	        {"message M A;", "expected 'drop', 'copy' or '{' in message "
	                         "declaration"},
	        {"channel c: ;", "expected a name in channel declaration"},
	        {"stage s(in a: M) -> b;",
	         "expected a stage body, ';' or an attribute ('thread' or "
	         "'stack(SIZE)') in stage declaration, found '->'"},
	        {"stage s(in a: M) thread -> b;",
	         "t.pipe:1:25: error: expected a stage body, ';' or an "
	         "attribute ('thread' or 'stack(SIZE)') in stage "
	         "declaration, found '->'"},
	        {"}", "expected a declaration, found '}'"},
	        {"message M { A(long) }", "expected ';' after the variant, "
	                                  "found '}'"},
	        {"message M {", "found end of file"},
	        {"a -[4 -> b;", "expected ']->' in wiring, found '->'"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		Unit u;
		unit_init(&u, cases[i].text);
		unit_parse(&u);
		assert_int_equal(u.diag.errors, 1);
		assert_msgs_contain(&u, cases[i].msg);
		unit_free(&u);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_pipeline_and_params),
	        cmocka_unit_test(test_param_help),
	        cmocka_unit_test(test_allow_cycles),
	        cmocka_unit_test(test_messages),
	        cmocka_unit_test(test_stages),
	        cmocka_unit_test(test_stage_attributes),
	        cmocka_unit_test(test_stage_attribute_errors),
	        cmocka_unit_test(test_verbatims_and_channels),
	        cmocka_unit_test(test_chains),
	        cmocka_unit_test(test_chain_ports_and_broadcast),
	        cmocka_unit_test(test_comments_anywhere),
	        cmocka_unit_test(test_several_syntax_errors),
	        cmocka_unit_test(test_errors_name_the_context),
	};
	return cmocka_run_group_tests_name("parser", tests, NULL, NULL);
}
