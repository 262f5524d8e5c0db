/* SPDX-License-Identifier: MIT */
/*
 * emit_source.c - the generated source file: stage bodies and the tables
 * that wire them.
 *
 * Where it sits: called by the driver after the checks, with
 * emit_header()'s file next to it. For a pipeline P it writes, in this
 * order: the banner; the includes and the %{ %} blocks; per stage its
 * body (inline stages, with #line to the .pipe file) and its entry, which
 * hands the body its typed ports; a descriptor per message a channel
 * carries (size, tag, hooks); the static const tables of channels, ports
 * and stages and the pipeline's table P_desc; P_params_init,
 * P_params_check, P_new, P_free and P_run; and with --main a main() that
 * is one call to pipec_main(). The runtime builds the run from the tables
 * (pipec_pipeline_build), so the file grows linearly with the .pipe file.
 * Everything but the header's functions and P_desc is static.
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "emit_util.h"
#include "util.h"

/* Whether some channel carries message m: only those get a descriptor
 * (an unused static object would be a warning). */
static bool is_carried(const Program *p, const Message *m)
{
	for (const Channel *c = p->channels; c; c = c->next)
		if (c->msg == m)
			return true;
	return false;
}

static void emit_prologue(Out *o, const Program *p, const EmitOptions *eo)
{
	const char *out_name = eo->out_name ? util_base_name(eo->out_name) : "";
	out_printf(o,
	           "/*\n * %s - generated from %s by pipec - do not edit.\n"
	           " * You may use this generated file under any terms you "
	           "like.\n"
	           " *\n * The stages of pipeline %s and the tables that wire "
	           "them; its API\n * is in %s.\n */\n",
	           out_name, src_base(eo), p->name,
	           eo->header_name ? util_base_name(eo->header_name)
	                           : "its header");
	out_puts(o, "#ifndef _POSIX_C_SOURCE\n"
	            "#define _POSIX_C_SOURCE 200809L\n"
	            "#endif\n\n");
	out_puts(o, "#include ");
	out_cstring(o, eo->header_name ? eo->header_name : "pipeline.h");
	out_puts(o, "\n\n#include <stdlib.h>\n\n");

	bool any = false;
	for (const Verbatim *v = p->verbatims; v; v = v->next) {
		if (v->in_header)
			continue;
		if (!any)
			out_printf(o, "/* ---- C from %s ---- */\n\n",
			           src_base(eo));
		any = true;
		out_verbatim(o, eo, eo->out_name, v->text, v->loc);
		out_puts(o, "\n");
	}
}

/* The cast that gives a body its typed port: (Num_in *)(void *)a->ports[1] */
static void out_port_arg(Out *o, const Port *pt, const char *args)
{
	out_printf(o, "(%s_%s *)(void *)%s->ports[%d]", pt->msg->name,
	           pt->dir == PORT_IN ? "in" : "out", args, pt->index);
}

/*
 * A stage. An inline body is the stage's entry itself, which the runtime
 * calls for each instance: it names what the body sees (self, params,
 * replica, replicas, a typed variable per port) and runs the body's text.
 * An extern stage's entry calls the function the user wrote, whose
 * signature the header declares.
 */
static void emit_stage(Out *o, const Program *p, const Stage *s,
                       const EmitOptions *eo)
{
	const char *P = p->name, *S = s->name;
	out_printf(o, "/* %sstage %s(", s->is_extern ? "extern " : "", S);
	for (const Port *pt = s->ports; pt; pt = pt->next) {
		out_printf(o, "%s%s %s: ", pt == s->ports ? "" : ", ",
		           pt->dir == PORT_IN ? "in" : "out", pt->name);
		out_port_type(o, pt);
	}
	out_printf(o, "), %s:%d */\n", src_base(eo), s->loc.line);
	out_printf(o,
	           "static int %s(pipec_stage *self, const "
	           "pipec_stage_args *pipec_a)\n{\n",
	           gen_name(o, GN_STAGE_ENTRY, p, NULL, NULL, s));

	if (s->is_extern) {
		out_printf(o,
		           "\treturn %s(self, (const %s_params "
		           "*)pipec_a->params,\n\t\t\tpipec_a->replica, "
		           "pipec_a->replicas",
		           gen_name(o, GN_STAGE_BODY, p, NULL, NULL, s), P);
		for (const Port *pt = s->ports; pt; pt = pt->next) {
			out_puts(o, ",\n\t\t\t");
			out_port_arg(o, pt, "pipec_a");
		}
		out_puts(o, ");\n}\n\n");
		return;
	}

	out_printf(o,
	           "\tconst %s_params *params = (const %s_params "
	           "*)pipec_a->params;\n"
	           "\tint replica = pipec_a->replica, replicas = "
	           "pipec_a->replicas;\n",
	           P, P);
	for (const Port *pt = s->ports; pt; pt = pt->next) {
		out_printf(o, "\t%s_%s *%s = ", pt->msg->name,
		           pt->dir == PORT_IN ? "in" : "out", pt->name);
		out_port_arg(o, pt, "pipec_a");
		out_puts(o, ";\n");
	}
	out_puts(o, "\t(void)self, (void)params, (void)replica, "
	            "(void)replicas");
	for (const Port *pt = s->ports; pt; pt = pt->next)
		out_printf(o, ", (void)%s", pt->name);
	out_puts(o, ";\n\t{\n");
	out_verbatim(o, eo, eo->out_name, s->body ? s->body : "", s->body_loc);
	out_puts(o, "\t}\n\treturn 0;\n}\n\n");
}

/* The runtime's view of message m: its size, tag and hooks. */
static void emit_msg_type(Out *o, const Program *p, const Message *m)
{
	const char *M = m->name;
	const char *type = gen_name(o, GN_MSG_TYPE_DESC, p, m, NULL, NULL);
	const char *names = gen_name(o, GN_MSG_VARIANT_NAMES, p, m, NULL, NULL);
	const char *drop = gen_name(o, GN_MSG_DROP_ENTRY, p, m, NULL, NULL);
	const char *copy = gen_name(o, GN_MSG_COPY_ENTRY, p, m, NULL, NULL);
	if (m->drop_fn)
		out_printf(o,
		           "static void %s(void *pipec_m, void *pipec_ctx)\n"
		           "{\n\t(void)pipec_ctx;\n\t%s((%s *)pipec_m);\n}\n\n",
		           drop, m->drop_fn, M);
	if (m->copy_fn)
		out_printf(o,
		           "static void %s(void *pipec_dst, const void "
		           "*pipec_src)\n"
		           "{\n\t%s((%s *)pipec_dst, (const %s *)pipec_src);\n}"
		           "\n\n",
		           copy, m->copy_fn, M, M);
	out_printf(o, "static const char *const %s[] = {", names);
	for (const Variant *v = m->variants; v; v = v->next)
		out_printf(o, "%s\"%s\"", v == m->variants ? "" : ", ",
		           v->name);
	out_printf(o,
	           "};\n"
	           "static const pipec_msg_type %s = {\n"
	           "\t\"%s\", sizeof(%s), offsetof(%s, tag), sizeof(%s_tag),\n"
	           "\t%s, %d, %s, %s,\n};\n\n",
	           type, M, M, M, M, names, m->nvariants,
	           m->drop_fn ? drop : "NULL", m->copy_fn ? copy : "NULL");
}

/* A count as a pipec_count initialiser: {param index, literal}. */
static void out_count_init(Out *o, const Count *c)
{
	switch (c->kind) {
	case COUNT_NONE:
		out_puts(o, "{-1, 1}");
		break;
	case COUNT_LIT:
		out_printf(o, "{-1, %lld}", c->value);
		break;
	case COUNT_PARAM:
		out_printf(o, "{%d, 0} /* %s */", c->resolved->index,
		           c->resolved->name);
		break;
	case COUNT_UNBOUNDED:
		out_puts(o, "{-1, PIPEC_UNBOUNDED}");
		break;
	}
}

/* Channels: one row each, with who is wired to it. */
static void emit_channel_table(Out *o, const Program *p)
{
	out_printf(o, "static const pipec_chan_desc %s[] = {\n",
	           gen_name(o, GN_CHAN_TABLE, p, NULL, NULL, NULL));
	for (const Channel *c = p->channels; c; c = c->next) {
		out_puts(o, "\t/* ");
		for (int i = 0; i < c->nsenders; i++)
			out_printf(o, "%s%s.%s", i ? ", " : "",
			           c->senders[i]->stage->name,
			           c->senders[i]->name);
		out_puts(o, c->nsenders == 1 && c->senders[0]->broadcast
		                    ? " => "
		                    : " -> ");
		for (int i = 0; i < c->nreceivers; i++)
			out_printf(o, "%s%s.%s", i ? ", " : "",
			           c->receivers[i]->stage->name,
			           c->receivers[i]->name);
		out_printf(
		        o, " */\n\t{\"%s\", &%s, ", c->name,
		        gen_name(o, GN_MSG_TYPE_DESC, p, c->msg, NULL, NULL));
		if (c->cap.kind == COUNT_NONE)
			out_puts(o, "{-1, 0}");
		else
			out_count_init(o, &c->cap);
		out_puts(o, "},\n");
	}
	out_puts(o, "};\n\n");
}

/*
 * Ports: every stage's in one table, in stage then port order, each with
 * its channels (indices into the channel table: one for an in port, one
 * per branch for an out port) in a second table.
 */
static void emit_port_tables(Out *o, const Program *p)
{
	const char *chans =
	        gen_name(o, GN_PORT_CHAN_TABLE, p, NULL, NULL, NULL);
	int k = 0, nports = 0;
	for (const Stage *s = p->stages; s; s = s->next)
		for (const Port *pt = s->ports; pt; pt = pt->next)
			k += pt->nchans, nports++;
	if (!nports)
		return;
	if (k)
		out_printf(o, "static const unsigned %s[] = {", chans);
	k = 0;
	for (const Stage *s = p->stages; s; s = s->next)
		for (const Port *pt = s->ports; pt; pt = pt->next)
			for (int i = 0; i < pt->nchans; i++, k++)
				out_printf(o, "%s%s%d", k ? "," : "",
				           k % 16 == 0 ? "\n\t" : " ",
				           pt->chans[i]->index);
	if (k)
		out_puts(o, "\n};\n\n");

	out_printf(o, "static const pipec_port_desc %s[] = {\n",
	           gen_name(o, GN_PORT_TABLE, p, NULL, NULL, NULL));
	k = 0;
	for (const Stage *s = p->stages; s; s = s->next) {
		for (const Port *pt = s->ports; pt; pt = pt->next) {
			out_printf(o, "\t/* %s.%s */\n", s->name, pt->name);
			out_printf(o,
			           "\t{\"%s\", %s, &%s, UINT64_C(0x%llx),\n\t ",
			           pt->name,
			           pt->dir == PORT_OUT ? "true" : "false",
			           gen_name(o, GN_MSG_TYPE_DESC, p, pt->msg,
			                    NULL, NULL),
			           (unsigned long long)pt->mask);
			if (pt->nchans)
				out_printf(o, "%s + %d", chans, k);
			else
				out_puts(o, "NULL");
			out_printf(o, ", %d, %d},\n", pt->nchans, pt->loc.line);
			k += pt->nchans;
		}
	}
	out_puts(o, "};\n\n");
}

static void emit_stage_table(Out *o, const Program *p)
{
	const char *ports = gen_name(o, GN_PORT_TABLE, p, NULL, NULL, NULL);
	out_printf(o, "static const pipec_stage_desc %s[] = {\n",
	           gen_name(o, GN_STAGE_TABLE, p, NULL, NULL, NULL));
	int k = 0;
	for (const Stage *s = p->stages; s; s = s->next) {
		out_printf(o, "\t{\"%s\", %s, ", s->name,
		           gen_name(o, GN_STAGE_ENTRY, p, NULL, NULL, s));
		out_count_init(o, &s->replicas);
		if (s->nports)
			out_printf(o, ",\n\t %s + %d, %d, %d, ", ports, k,
			           s->nports, s->loc.line);
		else
			out_printf(o, ",\n\t NULL, 0, %d, ", s->loc.line);
		/* the attributes, each value with its spelling in the .pipe */
		if (s->stack)
			out_printf(o, "%llu /* stack(%s) */, ", s->stack,
			           s->stack_text);
		else
			out_puts(o, "0, ");
		out_puts(o, s->thread ? "true /* thread */},\n" : "false},\n");
		k += s->nports;
	}
	out_puts(o, "};\n\n");
}

/* Whether a parameter is used as a replica count / as a capacity. */
static unsigned param_use(const Program *p, const Param *pa)
{
	unsigned use = 0;
	for (const Stage *s = p->stages; s; s = s->next)
		if (s->replicas.kind == COUNT_PARAM &&
		    s->replicas.resolved == pa)
			use |= 1;
	for (const Channel *c = p->channels; c; c = c->next)
		if (c->cap.kind == COUNT_PARAM && c->cap.resolved == pa)
			use |= 2;
	return use;
}

static const char *const param_type_enum[] = {
        [PT_INT] = "PIPEC_PARAM_INT",   [PT_LONG] = "PIPEC_PARAM_LONG",
        [PT_SIZE] = "PIPEC_PARAM_SIZE", [PT_DOUBLE] = "PIPEC_PARAM_DOUBLE",
        [PT_BOOL] = "PIPEC_PARAM_BOOL", [PT_STRING] = "PIPEC_PARAM_STRING",
};

static const char *const param_use_text[] = {
        "0", "PIPEC_PARAM_REPLICAS", "PIPEC_PARAM_CAPACITY",
        "PIPEC_PARAM_REPLICAS | PIPEC_PARAM_CAPACITY"};

static void emit_params(Out *o, const Program *p)
{
	const char *P = p->name;
	out_printf(o, "void %s_params_init(%s_params *params)\n{\n", P, P);
	out_printf(o, "\tstatic const %s_params defaults = {", P);
	if (!p->params)
		out_puts(o, "0");
	/* An integer by its value: C would read "0999" as a bad octal
	 * number and "0777" as 511. */
	for (const Param *pa = p->params; pa; pa = pa->next)
		if (pa->def.kind == LIT_INT)
			out_printf(o, "\n\t\t.%s = %lld,", pa->name,
			           pa->def.ival);
		else
			out_printf(o, "\n\t\t.%s = %s,", pa->name,
			           pa->def.text);
	out_puts(o, p->params ? "\n\t};\n" : "};\n");
	out_puts(o, "\t*params = defaults;\n}\n\n");
	out_printf(o,
	           "static void %s(void *params)\n"
	           "{\n\t%s_params_init((%s_params *)params);\n}\n\n",
	           gen_name(o, GN_PARAMS_INIT_ENTRY, p, NULL, NULL, NULL), P,
	           P);
	if (!p->params)
		return;

	out_printf(o, "static const pipec_param_desc %s[] = {\n",
	           gen_name(o, GN_PARAM_TABLE, p, NULL, NULL, NULL));
	for (const Param *pa = p->params; pa; pa = pa->next) {
		out_printf(o, "\t{\"%s\", %s, offsetof(%s_params, %s), ",
		           pa->name, param_type_enum[pa->type], P, pa->name);
		out_cstring(o, pa->def.text);
		out_puts(o, ",\n\t ");
		if (pa->help)
			out_cstring(o, pa->help);
		else
			out_puts(o, "NULL");
		out_printf(o, ", %s},\n", param_use_text[param_use(p, pa)]);
	}
	out_puts(o, "};\n\n");
}

static const char pipeline_api[] =
        "const char *$P_params_check(const $P_params *params)\n"
        "{\n"
        "\treturn pipec_params_check(&$P_desc, params);\n"
        "}\n"
        "\n"
        "pipec_status $P_new(const $P_params *params, $P_pipeline **out)\n"
        "{\n"
        "\t$P_pipeline *pl = ($P_pipeline *)calloc(1, sizeof *pl);\n"
        "\t*out = NULL;\n"
        "\tif (!pl)\n"
        "\t\treturn PIPEC_NOMEM;\n"
        "\tpipec_status st = pipec_pipeline_build(&$P_desc, params, "
        "&pl->run);\n"
        "\tif (st != PIPEC_OK) {\n"
        "\t\tfree(pl);\n"
        "\t\treturn st;\n"
        "\t}\n"
        "\tpl->params = (const $P_params *)pipec_run_params(pl->run);\n"
        "\t*out = pl;\n"
        "\treturn PIPEC_OK;\n"
        "}\n"
        "\n"
        "void $P_free($P_pipeline *pl)\n"
        "{\n"
        "\tif (pl)\n"
        "\t\tpipec_run_free(pl->run);\n"
        "\tfree(pl);\n"
        "}\n"
        "\n"
        "pipec_status $P_run(const $P_params *params)\n"
        "{\n"
        "\t$P_pipeline *pl;\n"
        "\tpipec_status st = $P_new(params, &pl);\n"
        "\tif (st == PIPEC_OK)\n"
        "\t\tst = pipec_run_exec(pl->run);\n"
        "\t$P_free(pl);\n"
        "\treturn st;\n"
        "}\n";

/* A table's name and length in the pipeline's table, or NULL and 0. */
static void out_table_ref(Out *o, const Program *p, GenNameId table, int n)
{
	if (n)
		out_printf(o, "%s, %d", gen_name(o, table, p, NULL, NULL, NULL),
		           n);
	else
		out_puts(o, "NULL, 0");
}

static void emit_pipeline(Out *o, const Program *p, const EmitOptions *eo)
{
	const char *P = p->name;
	Vars vars = {0};
	vars.v['P' - 'A'] = P;
	out_printf(o, "const pipec_pipeline_desc %s = {\n\t",
	           gen_name(o, GN_DESC, p, NULL, NULL, NULL));
	out_cstring(o, P);
	out_puts(o, ", ");
	out_cstring(o, src_base(eo));
	out_printf(o, ", sizeof(%s_params), %s,\n\t", P,
	           gen_name(o, GN_PARAMS_INIT_ENTRY, p, NULL, NULL, NULL));
	out_table_ref(o, p, GN_PARAM_TABLE, p->nparams);
	out_puts(o, ", ");
	out_table_ref(o, p, GN_CHAN_TABLE, p->nchannels);
	out_puts(o, ", ");
	out_table_ref(o, p, GN_STAGE_TABLE, p->nstages);
	out_puts(o, ", PIPEC_CHECKS,\n};\n\n");
	out_tmpl(o, &vars, pipeline_api);
	if (eo->with_main)
		out_tmpl(o, &vars,
		         "\nint main(int argc, char **argv)\n{\n"
		         "\treturn pipec_main(&$P_desc, argc, argv);\n}\n");
}

bool emit_source(const Program *p, const EmitOptions *eo, FILE *f)
{
	Out o;
	out_init(&o, f, eo->arena);
	emit_prologue(&o, p, eo);

	out_puts(&o, "/* ---- stages ---- */\n\n");
	for (const Stage *s = p->stages; s; s = s->next)
		emit_stage(&o, p, s, eo);

	out_puts(&o, "/* ---- tables: messages, parameters, channels, ports, "
	             "stages ---- */\n\n");
	for (const Message *m = p->messages; m; m = m->next)
		if (is_carried(p, m))
			emit_msg_type(&o, p, m);
	emit_params(&o, p);
	if (p->channels)
		emit_channel_table(&o, p);
	if (p->stages) {
		emit_port_tables(&o, p);
		emit_stage_table(&o, p);
	}
	emit_pipeline(&o, p, eo);
	return out_finish(&o);
}
