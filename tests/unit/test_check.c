/* SPDX-License-Identifier: MIT */
/*
 * test_check.c - the checks (compiler/check.c): the channel graph they
 * build (chains, fan-in, fan-out, broadcast, named channels, replicas,
 * masks) and some of the errors and warnings.
 */
#include <string.h>

#include "check.h"
#include "helpers.h"

#define NUM "pipeline t;\nmessage Num { A(long); B(long); C; }\n"

static Program *check_ok(Unit *u, const char *text)
{
	unit_init(u, text);
	if (!unit_check(u))
		fail_msg("unexpected errors:\n%s", unit_msgs(u));
	return u->p;
}

static Stage *stage(Program *p, const char *name)
{
	for (Stage *s = p->stages; s; s = s->next)
		if (strcmp(s->name, name) == 0)
			return s;
	fail_msg("no stage %s", name);
	return NULL;
}

static Port *port(Program *p, const char *st, const char *name)
{
	for (Port *pt = stage(p, st)->ports; pt; pt = pt->next)
		if (strcmp(pt->name, name) == 0)
			return pt;
	fail_msg("no port %s.%s", st, name);
	return NULL;
}

static Channel *chan(Program *p, int index)
{
	Channel *c = p->channels;
	for (int i = 0; c && i < index; i++)
		c = c->next;
	assert_non_null(c);
	assert_int_equal(c->index, index);
	return c;
}

static void test_chain(void **state)
{
	(void)state;
	Unit u;
	Program *p = check_ok(&u, NUM
	                      "param workers: int = 2;\nparam cap: int = 16;\n"
	                      "stage gen(out o: Num.A) { }\n"
	                      "stage sq(in i: Num.A, out o: Num.B) { }\n"
	                      "stage print(in i: Num.B) { }\n"
	                      "gen -[cap]-> sq * workers -[*]-> print;\n");
	assert_int_equal(p->nchannels, 2);
	Channel *c = chan(p, 0);
	assert_string_equal(c->name, "gen_o");
	assert_ptr_equal(c->msg, p->messages);
	assert_int_equal(c->cap.kind, COUNT_PARAM);
	assert_ptr_equal(c->cap.resolved, p->params->next);
	assert_int_equal(c->nsenders, 1);
	assert_int_equal(c->nreceivers, 1);
	assert_ptr_equal(c->senders[0], port(p, "gen", "o"));
	assert_ptr_equal(c->receivers[0], port(p, "sq", "i"));
	c = chan(p, 1);
	assert_string_equal(c->name, "sq_o");
	assert_int_equal(c->cap.kind, COUNT_UNBOUNDED);
	assert_null(c->next);

	Stage *sq = stage(p, "sq");
	assert_int_equal(sq->replicas.kind, COUNT_PARAM);
	assert_ptr_equal(sq->replicas.resolved, p->params);
	assert_int_equal(stage(p, "gen")->replicas.kind, COUNT_NONE);

	Port *in = port(p, "sq", "i");
	assert_ptr_equal(in->stage, sq);
	assert_int_equal(in->nchans, 1);
	assert_ptr_equal(in->chans[0], chan(p, 0));
	assert_int_equal(in->mask, 1); /* Num.A */
	assert_int_equal(port(p, "sq", "o")->mask, 2);
	assert_false(port(p, "gen", "o")->broadcast);
	unit_free(&u);
}

static void test_fan_in_and_fan_out(void **state)
{
	(void)state;
	Unit u;
	Program *p = check_ok(&u, NUM "stage a(out o: Num) { }\n"
	                              "stage b(out o: Num) { }\n"
	                              "stage m(in i: Num, out o: Num) { }\n"
	                              "stage x(in i: Num) { }\n"
	                              "stage y(in i: Num) { }\n"
	                              "a -[4]-> m;\nb -> m;\n"
	                              "m -> x;\nm -> y;\n");
	assert_int_equal(p->nchannels, 2);
	Channel *in = chan(p, 0);
	assert_string_equal(in->name, "a_o");
	assert_int_equal(in->nsenders, 2);
	assert_ptr_equal(in->senders[0], port(p, "a", "o"));
	assert_ptr_equal(in->senders[1], port(p, "b", "o"));
	assert_int_equal(in->nreceivers, 1);
	assert_int_equal(in->cap.kind, COUNT_LIT);
	assert_int_equal(in->cap.value, 4);
	Channel *out = chan(p, 1);
	assert_int_equal(out->nsenders, 1);
	assert_int_equal(out->nreceivers, 2);
	assert_ptr_equal(out->receivers[1], port(p, "y", "i"));
	assert_int_equal(out->cap.kind, COUNT_NONE);
	assert_int_equal(port(p, "m", "o")->nchans, 1);
	unit_free(&u);
}

static void test_broadcast(void **state)
{
	(void)state;
	Unit u;
	Program *p = check_ok(&u, NUM "stage src(out o: Num) { }\n"
	                              "stage a(in i: Num) { }\n"
	                              "stage b(in i: Num) { }\n"
	                              "src => a;\nsrc =[8]=> b;\n");
	Port *o = port(p, "src", "o");
	assert_true(o->broadcast);
	assert_int_equal(o->nchans, 2);
	assert_int_equal(p->nchannels, 2);
	assert_ptr_equal(o->chans[0], chan(p, 0));
	assert_ptr_equal(o->chans[1], chan(p, 1));
	assert_string_equal(chan(p, 0)->name, "src_o");
	assert_string_equal(chan(p, 1)->name, "src_o_2");
	assert_int_equal(chan(p, 0)->cap.kind, COUNT_NONE);
	assert_int_equal(chan(p, 1)->cap.value, 8);
	assert_ptr_equal(chan(p, 1)->receivers[0], port(p, "b", "i"));
	assert_int_equal(chan(p, 1)->nsenders, 1);
	unit_free(&u);
}

static void test_named_channel(void **state)
{
	(void)state;
	Unit u;
	Program *p = check_ok(&u, NUM "channel work: Num [64];\n"
	                              "stage g1(out o: Num) { }\n"
	                              "stage g2(out o: Num) { }\n"
	                              "stage w(in i: Num) { }\n"
	                              "stage v(in i: Num) { }\n"
	                              "g1 -> work;\ng2 -> work;\n"
	                              "work -> w * 3;\nwork -> v;\n");
	assert_int_equal(p->nchannels, 1);
	Channel *c = p->channels;
	assert_string_equal(c->name, "work");
	assert_int_equal(c->loc.line, 3);
	assert_int_equal(c->cap.value, 64);
	assert_int_equal(c->nsenders, 2);
	assert_int_equal(c->nreceivers, 2);
	assert_int_equal(stage(p, "w")->replicas.kind, COUNT_LIT);
	assert_int_equal(stage(p, "w")->replicas.value, 3);
	unit_free(&u);
}

static void test_select_stage(void **state)
{
	(void)state;
	Unit u;
	Program *p = check_ok(&u, NUM "stage a(out o: Num.A) { }\n"
	                              "stage b(out o: Num.{B, C}) { }\n"
	                              "stage both(in l: Num.A, in r: Num) { }\n"
	                              "a -> both.l;\nb -> both.r;\n");
	assert_int_equal(p->nchannels, 2);
	assert_int_equal(port(p, "b", "o")->mask, 6);
	assert_int_equal(port(p, "both", "r")->mask, 7);
	assert_ptr_equal(port(p, "both", "r")->chans[0], chan(p, 1));
	unit_free(&u);
}

static void test_cycle_error_or_warning(void **state)
{
	(void)state;
	static const char text[] = NUM "stage a(in i: Num, out o: Num) { }\n"
	                               "stage b(in i: Num, out o: Num) { }\n"
	                               "a -> b -> a;\n";
	Unit u;
	unit_init(&u, text);
	assert_false(unit_check(&u));
	assert_int_equal(u.diag.errors, 1);
	assert_msgs_contain(&u, "t.pipe:5:8: error: the wiring has a cycle: "
	                        "a -> b -> a");
	unit_free(&u);

	unit_init(&u, text);
	unit_parse(&u);
	u.p->allow_cycles = true;
	assert_true(check_program(u.p, &u.arena, &u.diag));
	assert_int_equal(u.diag.warnings, 1);
	assert_msgs_contain(&u, "warning: the wiring has a cycle");
	unit_free(&u);
}

/* stack(SIZE): bytes, KiB or MiB, from 16 KiB to 1 GiB. */
static void test_stack_sizes(void **state)
{
	(void)state;
	static const struct {
		const char *size;
		unsigned long long bytes;
	} ok[] = {
	        {"16384", 16384},      {"16k", 16384},
	        {"16K", 16384},        {"64k", 65536},
	        {"1m", 1048576},       {"1M", 1048576},
	        {"0001M", 1048576},    {"1073741824", 1073741824},
	        {"1048576k", 1 << 30}, {"1024M", 1 << 30},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		Unit u;
		char text[256];
		snprintf(text, sizeof text,
		         NUM "stage g(out o: Num) stack(%s) { }\n"
		             "stage s(in i: Num) thread { }\ng -> s;\n",
		         ok[i].size);
		Program *p = check_ok(&u, text);
		assert_int_equal(stage(p, "g")->stack, ok[i].bytes);
		assert_int_equal(stage(p, "s")->stack, 0);
		unit_free(&u);
	}

	static const struct {
		const char *size, *msg;
	} bad[] = {
	        {"16383", "t.pipe:3:27: error: stack size 16383 is below the "
	                  "minimum, 16k"},
	        {"0", "stack size 0 is below the minimum, 16k"},
	        {"15k", "stack size 15k is below the minimum, 16k"},
	        {"1073741825", "stack size 1073741825 is above the maximum, "
	                       "1024M (1 GiB)"},
	        {"1025M", "stack size 1025M is above the maximum"},
	        {"17592186044415M", "stack size 17592186044415M is above"},
	        {"17592186044416M", "stack size 17592186044416M overflows; "
	                            "the maximum is 1024M (1 GiB)"},
	        {"18446744073709551616", "stack size 18446744073709551616 "
	                                 "overflows"},
	        {"64kb", "malformed stack size '64kb': write a decimal number "
	                 "of bytes, or of KiB or MiB with the suffix k or M "
	                 "(64k, 1M)"},
	        {"1G", "malformed stack size '1G'"},
	        {"0x10000", "malformed stack size '0x10000'"},
	        {"1.5M", "malformed stack size '1.5M'"},
	        {"99999999999999999999x", "malformed stack size"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		Unit u;
		char text[256];
		snprintf(text, sizeof text,
		         NUM "stage g(out o: Num) stack(%s) { }\n"
		             "stage s(in i: Num) { }\ng -> s;\n",
		         bad[i].size);
		unit_init(&u, text);
		assert_false(unit_check(&u));
		assert_msgs_contain(&u, bad[i].msg);
		if (u.diag.errors != 1)
			fail_msg("%s: %d errors:\n%s", bad[i].size,
			         u.diag.errors, unit_msgs(&u));
		assert_int_equal(stage(u.p, "g")->stack, 0);
		unit_free(&u);
	}
}

static void test_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *msg;
	} cases[] = {
	        {NUM "stage g(out a: Num, out b: Num) { }\n"
	             "stage s(in i: Num) { }\ng -> s;\n",
	         "t.pipe:5:1: error: stage 'g' has several out ports; say "
	         "which: g.a or g.b"},
	        {NUM "stage g(out a: Num) { }\nstage s(in i: Num.A) { }\n"
	             "g -> s;\n",
	         "t.pipe:5:3: error: 'g.a' sends Num.B and Num.C, which 's.i' "
	         "does not accept"},
	        {NUM "stage g(out a: Num) { }\nstage s(in i: Num) { }\n"
	             "stage z(in i: Num) { }\ng -> s;\n",
	         "t.pipe:5:7: error: stage 'z' is not connected"},
	        {NUM "param n: double = 2;\nstage g(out a: Num) { }\n"
	             "stage s(in i: Num) { }\ng -> s * n;\n",
	         "error: parameter 'n' is a double; a replica count needs an "
	         "integer parameter"},
	        {"message Msg { Go; }\nstage g(out a: Msg) { }\n"
	         "stage s(in i: Msg) { }\ng -> s;\n",
	         "t.pipe:1:1: error: missing 'pipeline NAME;' declaration"},
	        {NUM "stage g(out a: Num) { }\nstage s(in i: Num) { }\n"
	             "g -[2]-> s;\ng -[3]-> s;\n",
	         "t.pipe:6:5: error: conflicting capacities for channel "
	         "'g_a': 3 here, 2 before"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		Unit u;
		unit_init(&u, cases[i].text);
		assert_false(unit_check(&u));
		assert_msgs_contain(&u, cases[i].msg);
		if (u.diag.errors != 1)
			fail_msg("case %zu: %d errors:\n%s", i, u.diag.errors,
			         unit_msgs(&u));
		unit_free(&u);
	}
}

/* Every name gen_names.h lists is registered, and a clash says what both
 * names are; the names only the old code generator made are free. */
static void test_generated_names(void **state)
{
	(void)state;
#define ONE_STAGE "pipeline t;\nstage s() { }\n"
	static const struct {
		const char *text, *msg;
	} clashes[] = {
	        {ONE_STAGE "message Num { wait_demand_until; }\n",
	         "t.pipe:3:15: error: the constructor of variant "
	         "'Num.wait_demand_until' would be named "
	         "'Num_wait_demand_until' in the generated C, like the "
	         "wait_demand_until function of message 'Num'"},
	        {ONE_STAGE "message Num { type_; }\n",
	         "like the type descriptor of message 'Num'"},
	        {ONE_STAGE
	         "message Num { X(long); }\nmessage Num_X_ptr { A; }\n",
	         "t.pipe:4:9: error: the type of message 'Num_X_ptr' would be "
	         "named 'Num_X_ptr' in the generated C, like the pointer "
	         "function of variant 'Num.X'"},
	        {ONE_STAGE "message T_PIPEC_H { a; }\n",
	         "the type of message 'T_PIPEC_H' would be named 'T_PIPEC_H' "
	         "in the generated C, like the include guard of pipeline 't'"},
	        {ONE_STAGE "message t_desc { A; }\n",
	         "like the pipeline's table of pipeline 't'"},
	        {ONE_STAGE "message t_s_entry { A; }\n",
	         "t.pipe:2:7: error: the entry function of stage 's' would be "
	         "named 't_s_entry' in the generated C, like the type of "
	         "message 't_s_entry'"},
	        {ONE_STAGE "message t_chans_ { A; }\n",
	         "like the channel table of pipeline 't'"},
	        {ONE_STAGE "message t_ports_ { A; }\n",
	         "like the port table of pipeline 't'"},
	        {ONE_STAGE "message Num { X(a: int); }\nmessage Num_X_fields "
	                   "{ A; }\n",
	         "like the fields type of variant 'Num.X'"},
	        {ONE_STAGE "message Num { variants_; }\n",
	         "like the variant name table of message 'Num'"},
	        {ONE_STAGE "message t_stage_s { A; }\n",
	         "the body function of stage 's' would be named"},
	};
	for (size_t i = 0; i < sizeof(clashes) / sizeof(clashes[0]); i++) {
		Unit u;
		unit_init(&u, clashes[i].text);
		assert_false(unit_check(&u));
		assert_msgs_contain(&u, clashes[i].msg);
		if (u.diag.errors != 1)
			fail_msg("case %zu: %d errors:\n%s", i, u.diag.errors,
			         unit_msgs(&u));
		unit_free(&u);
	}

	Unit u;
	check_ok(&u,
	         ONE_STAGE "message Num { send_one_; send_how_; X(a: int); }\n"
	                   "message t_drop_Num { A; }\n"
	                   "message t_s_inst { A; }\n"
	                   "message t_s_thread { A; }\n"
	                   "message t_insts { A; }\n"
	                   "message t_usage { A; }\n"
	                   "message t_parse_int { A; }\n"
	                   "message t_sigint_seen { A; }\n");
	unit_free(&u);
#undef ONE_STAGE
}

static void test_reserved_names(void **state)
{
	(void)state;
	assert_true(check_is_c_reserved("int"));
	assert_true(check_is_c_reserved("_Bool"));
	assert_true(check_is_c_reserved("_Generic"));
	assert_true(check_is_c_reserved("__x"));
	assert_true(check_is_c_reserved("_Anything"));
	assert_true(check_is_c_reserved("static_assert"));
	assert_true(check_is_c_reserved("bool"));
	assert_false(check_is_c_reserved("_x"));
	assert_false(check_is_c_reserved("integer"));
	assert_false(check_is_c_reserved("stage"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_chain),
	        cmocka_unit_test(test_fan_in_and_fan_out),
	        cmocka_unit_test(test_broadcast),
	        cmocka_unit_test(test_named_channel),
	        cmocka_unit_test(test_select_stage),
	        cmocka_unit_test(test_cycle_error_or_warning),
	        cmocka_unit_test(test_stack_sizes),
	        cmocka_unit_test(test_errors),
	        cmocka_unit_test(test_generated_names),
	        cmocka_unit_test(test_reserved_names),
	};
	return cmocka_run_group_tests_name("check", tests, NULL, NULL);
}
