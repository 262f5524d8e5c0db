/*
 * emit_source.c - the generated source file: stage bodies and wiring.
 *
 * Where it sits: called by the driver after check(), with emit_header()'s
 * file next to it. For a pipeline P it writes, in this order: the banner;
 * the includes and the %{ %} blocks; a drop trampoline per message with a
 * drop hook; per stage its instance struct, its body (inline stages, with
 * #line to the .pipe file) and its thread function; P_params_init and
 * P_params_check; P_new, which makes the run, a channel per
 * Program.channels and a stage instance per replica with its endpoints;
 * P_free, P_run; and with --main a main() that parses the parameters as
 * flags. Everything but the header's functions is static.
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "emit_util.h"

/* Position of a channel in Program.channels: its slot in P_new's table. */
static int chan_slot(const Program *p, const Channel *c)
{
	int i = 0;
	for (const Channel *x = p->channels; x; x = x->next, i++)
		if (x == c)
			return i;
	return -1;
}

/* Whether a parameter is used as a replica count / as a capacity. */
static bool param_is_replicas(const Program *p, const Param *pa)
{
	for (const Stage *s = p->stages; s; s = s->next)
		if (s->replicas.kind == COUNT_PARAM &&
		    s->replicas.resolved == pa)
			return true;
	return false;
}

static bool param_is_capacity(const Program *p, const Param *pa)
{
	for (const Channel *c = p->channels; c; c = c->next)
		if (c->cap.kind == COUNT_PARAM && c->cap.resolved == pa)
			return true;
	return false;
}

static bool has_param_type(const Program *p, ParamType t)
{
	for (const Param *pa = p->params; pa; pa = pa->next)
		if (pa->type == t)
			return true;
	return false;
}

static void emit_prologue(Out *o, const Program *p, const EmitOptions *eo)
{
	const char *out_name = eo->out_name ? base_name(eo->out_name) : "";
	out_printf(o,
	           "/*\n * %s - generated from %s by pipec - do not edit.\n"
	           " *\n * The stages and wiring of pipeline %s; its API is in "
	           "%s.\n */\n",
	           out_name, src_base(eo), p->name,
	           eo->header_name ? base_name(eo->header_name) : "its header");
	out_puts(o, "#ifndef _POSIX_C_SOURCE\n"
	            "#define _POSIX_C_SOURCE 200809L\n"
	            "#endif\n\n");
	out_puts(o, "#include ");
	out_cstring(o, eo->header_name ? eo->header_name : "pipeline.h");
	out_puts(o, "\n\n#include <limits.h>\n"
	            "#include <stdio.h>\n"
	            "#include <stdlib.h>\n"
	            "#include <string.h>\n");
	if (eo->with_main)
		out_puts(o, "\n#include <ctype.h>\n"
		            "#include <errno.h>\n"
		            "#include <pthread.h>\n"
		            "#include <signal.h>\n"
		            "#include <stdatomic.h>\n");
	out_puts(o, "\n");

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

static void emit_drop_hooks(Out *o, const Program *p)
{
	for (const Message *m = p->messages; m; m = m->next) {
		/* Only for messages some channel carries: an unused static
		 * function would be a warning. */
		bool carried = false;
		for (const Channel *c = p->channels; c; c = c->next)
			if (c->msg == m)
				carried = true;
		if (!m->drop_fn || !carried)
			continue;
		out_printf(
		        o,
		        "/* Channels of %s destroy undelivered messages with "
		        "%s() (R7, R8). */\n"
		        "static void %s_drop_%s(void *msg, void *ctx)\n{\n"
		        "\t(void)ctx;\n\t%s(msg);\n}\n\n",
		        m->name, m->drop_fn, p->name, m->name, m->drop_fn);
	}
}

/* The comment above a stage's code: its declaration and instances. */
static void emit_stage_comment(Out *o, const Program *p, const Stage *s,
                               const EmitOptions *eo)
{
	out_printf(o, "/*\n * %sstage %s(", s->is_extern ? "extern " : "",
	           s->name);
	for (const Port *pt = s->ports; pt; pt = pt->next) {
		out_printf(o, "%s%s %s: ", pt == s->ports ? "" : ", ",
		           pt->dir == PORT_IN ? "in" : "out", pt->name);
		out_port_type(o, pt);
	}
	out_printf(o, ")\n * from %s:%d; ", src_base(eo), s->loc.line);
	switch (s->replicas.kind) {
	case COUNT_NONE:
		out_puts(o, "one instance");
		break;
	case COUNT_LIT:
		out_printf(o, "%lld instances", s->replicas.value);
		break;
	default:
		out_printf(o, "params->%s instances",
		           s->replicas.resolved ? s->replicas.resolved->name
		                                : s->replicas.param);
		break;
	}
	out_puts(o, "\n */\n");
	(void)p;
}

static void emit_stage(Out *o, const Program *p, const Stage *s,
                       const EmitOptions *eo)
{
	const char *P = p->name, *S = s->name;
	emit_stage_comment(o, p, s, eo);

	/* The instance: what the thread function gets as its argument. */
	out_printf(o, "typedef struct %s_%s_inst {\n", P, S);
	out_printf(o,
	           "\tconst %s_params *params;\n\tint replica, "
	           "replicas;\n",
	           P);
	/* Ports and endpoints in structs of their own: a port's name can
	 * never clash with the fixed members. */
	bool outs = false;
	if (s->ports)
		out_puts(o, "\tstruct {\n");
	for (const Port *pt = s->ports; pt; pt = pt->next) {
		out_printf(o, "\t\t%s_%s %s;\n", pt->msg->name,
		           pt->dir == PORT_IN ? "in" : "out", pt->name);
		if (pt->dir == PORT_OUT)
			outs = true;
	}
	if (s->ports)
		out_puts(o, "\t} port;\n");
	if (outs) {
		out_puts(o, "\tstruct {\n");
		for (const Port *pt = s->ports; pt; pt = pt->next)
			if (pt->dir == PORT_OUT)
				out_printf(o, "\t\tpipec_tx *%s[%d];\n",
				           pt->name,
				           pt->nchans > 0 ? pt->nchans : 1);
		out_puts(o, "\t} tx; /* the out ports' endpoints */\n");
	}
	out_printf(o, "} %s_%s_inst;\n\n", P, S);

	if (!s->is_extern) {
		out_puts(o, "static ");
		out_stage_signature(o, p, s);
		out_puts(o, "\n{\n\t(void)self;\n\t(void)params;\n"
		            "\t(void)replica;\n\t(void)replicas;\n");
		for (const Port *pt = s->ports; pt; pt = pt->next)
			out_printf(o, "\t(void)%s;\n", pt->name);
		out_puts(o, "\t{\n");
		out_verbatim(o, eo, eo->out_name, s->body ? s->body : "",
		             s->body_loc);
		out_puts(o, "\t}\n\treturn 0;\n}\n\n");
	}

	out_printf(o,
	           "static int %s_%s_thread(pipec_stage *self, void *arg)\n"
	           "{\n\t%s_%s_inst *in = arg;\n"
	           "\treturn %s_stage_%s(self, in->params, in->replica, "
	           "in->replicas",
	           P, S, P, S, P, S);
	for (const Port *pt = s->ports; pt; pt = pt->next)
		out_printf(o, ",\n\t\t\t&in->port.%s", pt->name);
	out_puts(o, ");\n}\n\n");
}

static void emit_params_fns(Out *o, const Program *p)
{
	const char *P = p->name;
	out_printf(o, "void %s_params_init(%s_params *params)\n{\n", P, P);
	out_printf(o, "\t*params = (%s_params){", P);
	if (!p->params)
		out_puts(o, "0");
	for (const Param *pa = p->params; pa; pa = pa->next)
		out_printf(o, "\n\t\t.%s = %s,", pa->name, pa->def.text);
	out_puts(o, p->params ? "\n\t};\n}\n\n" : "};\n}\n\n");

	out_printf(o,
	           "const char *%s_params_check(const %s_params *params)\n{\n",
	           P, P);
	bool checks = false;
	for (const Param *pa = p->params; pa; pa = pa->next) {
		bool is_size = pa->type == PT_SIZE;
		if (param_is_replicas(p, pa)) {
			checks = true;
			out_printf(o,
			           "\tif (params->%s < 1)\n"
			           "\t\treturn \"%s must be at least 1\";\n",
			           pa->name, pa->name);
			if (pa->type != PT_INT)
				out_printf(o,
				           "\tif (params->%s > INT_MAX)\n"
				           "\t\treturn \"%s is too large\";\n",
				           pa->name, pa->name);
		}
		if (param_is_capacity(p, pa) && !is_size) {
			checks = true;
			out_printf(o,
			           "\tif (params->%s < 0)\n"
			           "\t\treturn \"%s must not be negative\";\n",
			           pa->name, pa->name);
		}
	}
	if (!checks)
		out_puts(o, "\t(void)params;\n");
	out_puts(o, "\treturn NULL;\n}\n\n");
}

/* The capacity of channel c as a size_t expression. */
static void out_capacity(Out *o, const Channel *c)
{
	switch (c->cap.kind) {
	case COUNT_NONE:
		out_puts(o, "0");
		break;
	case COUNT_LIT:
		out_printf(o, "%lld", c->cap.value);
		break;
	case COUNT_PARAM:
		out_puts(o, "(size_t)");
		out_count(o, &c->cap, "params");
		break;
	case COUNT_UNBOUNDED:
		out_puts(o, "PIPEC_UNBOUNDED");
		break;
	}
}

static void out_mask(Out *o, const Port *pt)
{
	uint64_t mask = port_mask(pt);
	if (mask_is_all(pt->msg, mask)) {
		out_puts(o, "UINT64_MAX");
		return;
	}
	bool first = true;
	for (const Variant *v = pt->msg->variants; v; v = v->next) {
		if (v->index >= 64 || !(mask >> v->index & 1))
			continue;
		out_printf(o, "%s(UINT64_C(1) << ", first ? "" : " |\n\t\t\t");
		out_tag(o, pt->msg, v);
		out_puts(o, ")");
		first = false;
	}
	if (first)
		out_puts(o, "0");
}

static void emit_wiring(Out *o, const Program *p)
{
	const char *P = p->name;
	size_t longest = 1;
	for (const Stage *s = p->stages; s; s = s->next)
		if (strlen(s->name) > longest)
			longest = strlen(s->name);

	out_printf(o,
	           "/* The stage instances of a built %s pipeline. */\nstruct "
	           "%s_insts {\n",
	           P, P);
	for (const Stage *s = p->stages; s; s = s->next)
		out_printf(o,
		           "\tstruct {\n\t\t%s_%s_inst *inst;\n\t\tint n;\n"
		           "\t} %s;\n",
		           P, s->name, s->name);
	if (!p->stages)
		out_puts(o, "\tchar none;\n");
	out_puts(o, "};\n\n");

	if (p->channels)
		out_printf(o,
		           "static pipec_chan *%s_add_chan(pipec_run *run, "
		           "const char "
		           "*name, size_t elem_size,\n"
		           "\t\t\t\tsize_t capacity, pipec_drop_fn drop)\n{\n"
		           "\tpipec_chan_spec spec = {\n"
		           "\t\t.name = name,\n"
		           "\t\t.elem_size = elem_size,\n"
		           "\t\t.capacity = capacity,\n"
		           "\t\t.drop = drop,\n"
		           "\t\t.drop_ctx = NULL,\n"
		           "\t};\n"
		           "\treturn pipec_run_chan(run, &spec);\n}\n\n",
		           P);
	if (p->stages)
		out_printf(
		        o,
		        "/* A stage instance named \"stage[replica]\". */\n"
		        "static pipec_stage *%s_add_stage(pipec_run *run, "
		        "const char "
		        "*stage, int replica,\n"
		        "\t\t\t\t pipec_stage_fn fn, void *arg)\n{\n"
		        "\tchar name[%zu];\n"
		        "\tsnprintf(name, sizeof name, \"%%s[%%d]\", stage, "
		        "replica);\n"
		        "\treturn pipec_stage_add(run, name, fn, arg);\n}\n\n",
		        P, longest + 16);

	out_printf(o,
	           "void %s_free(%s_pipeline *pl)\n{\n"
	           "\tif (!pl)\n\t\treturn;\n"
	           "\tpipec_run_free(pl->run); /* joins every thread first */\n"
	           "\tif (pl->insts) {\n",
	           P, P);
	for (const Stage *s = p->stages; s; s = s->next)
		out_printf(o, "\t\tfree(pl->insts->%s.inst);\n", s->name);
	out_puts(o, "\t\tfree(pl->insts);\n\t}\n\tfree(pl);\n}\n\n");

	out_printf(o,
	           "pipec_status %s_new(const %s_params *params, %s_pipeline "
	           "**out)\n"
	           "{\n"
	           "\t%s_params defaults;\n",
	           P, P, P, P);
	int nch = 0;
	for (const Channel *c = p->channels; c; c = c->next)
		nch++;
	if (nch)
		out_printf(o, "\tpipec_chan *ch[%d] = {NULL};\n", nch);
	out_printf(o,
	           "\n"
	           "\t*out = NULL;\n"
	           "\tif (!params) {\n"
	           "\t\t%s_params_init(&defaults);\n"
	           "\t\tparams = &defaults;\n"
	           "\t}\n"
	           "\tif (%s_params_check(params))\n"
	           "\t\treturn PIPEC_EINVAL;\n"
	           "\t%s_pipeline *pl = calloc(1, sizeof *pl);\n"
	           "\tif (!pl)\n"
	           "\t\treturn PIPEC_NOMEM;\n"
	           "\tpl->params = *params;\n"
	           "\tparams = &pl->params;\n"
	           "\tpl->insts = calloc(1, sizeof *pl->insts);\n"
	           "\tpl->run = pipec_run_new(",
	           P, P, P);
	out_cstring(o, P);
	out_puts(o, ");\n"
	            "\tif (!pl->insts || !pl->run)\n"
	            "\t\tgoto nomem;\n\n");

	if (p->channels)
		out_puts(o, "\t/* Channels (R1, R2). */\n");
	for (const Channel *c = p->channels; c; c = c->next) {
		int k = chan_slot(p, c);
		/* Who is wired to it: senders -> receivers. */
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
		out_puts(o, " */\n");
		out_printf(o, "\tch[%d] = %s_add_chan(pl->run, ", k, P);
		out_cstring(o, c->name);
		out_printf(o, ",\n\t\t\t\t sizeof(%s), ", c->msg->name);
		out_capacity(o, c);
		if (c->msg->drop_fn)
			out_printf(o, ", %s_drop_%s);\n", P, c->msg->name);
		else
			out_puts(o, ", NULL);\n");
		out_printf(o, "\tif (!ch[%d])\n\t\tgoto nomem;\n", k);
	}

	for (const Stage *s = p->stages; s; s = s->next) {
		const char *S = s->name;
		out_printf(o, "\n\t/* Stage %s: ", S);
		out_count(o, &s->replicas, "params");
		out_puts(o, s->replicas.kind == COUNT_NONE
		                    ? " instance. */\n"
		                    : " instances. */\n");
		out_printf(o, "\tpl->insts->%s.n = ", S);
		if (s->replicas.kind == COUNT_PARAM)
			out_puts(o, "(int)");
		out_count(o, &s->replicas, "params");
		out_printf(o,
		           ";\n"
		           "\tpl->insts->%s.inst = "
		           "calloc((size_t)pl->insts->%s.n,\n"
		           "\t\t\t\t     sizeof *pl->insts->%s.inst);\n"
		           "\tif (!pl->insts->%s.inst)\n\t\tgoto nomem;\n"
		           "\tfor (int r = 0; r < pl->insts->%s.n; r++) {\n"
		           "\t\t%s_%s_inst *in = &pl->insts->%s.inst[r];\n"
		           "\t\tin->params = params;\n"
		           "\t\tin->replica = r;\n"
		           "\t\tin->replicas = pl->insts->%s.n;\n"
		           "\t\tpipec_stage *st = %s_add_stage(pl->run, ",
		           S, S, S, S, S, P, S, S, S, P);
		out_cstring(o, S);
		out_printf(o, ", r,\n\t\t\t\t\t\t   %s_%s_thread, in);\n", P,
		           S);
		out_puts(o, "\t\tif (!st)\n\t\t\tgoto nomem;\n");
		for (const Port *pt = s->ports; pt; pt = pt->next) {
			out_printf(o, "\t\tin->port.%s.mask = ", pt->name);
			out_mask(o, pt);
			out_puts(o, ";\n");
			if (pt->dir == PORT_IN) {
				if (pt->nchans < 1)
					continue;
				out_printf(o,
				           "\t\tin->port.%s.rx = "
				           "pipec_stage_rx(st, "
				           "ch[%d]);\n"
				           "\t\tif (!in->port.%s.rx)\n"
				           "\t\t\tgoto nomem;\n",
				           pt->name, chan_slot(p, pt->chans[0]),
				           pt->name);
				continue;
			}
			out_printf(o,
			           "\t\tin->port.%s.tx = in->tx.%s;\n"
			           "\t\tin->port.%s.n = %d;\n",
			           pt->name, pt->name, pt->name, pt->nchans);
			for (int j = 0; j < pt->nchans; j++)
				out_printf(o,
				           "\t\tin->tx.%s[%d] = "
				           "pipec_stage_tx(st, ch[%d]);\n"
				           "\t\tif (!in->tx.%s[%d])\n"
				           "\t\t\tgoto nomem;\n",
				           pt->name, j,
				           chan_slot(p, pt->chans[j]), pt->name,
				           j);
		}
		out_puts(o, "\t}\n");
	}
	out_printf(o,
	           "\n\t*out = pl;\n"
	           "\treturn PIPEC_OK;\n"
	           "nomem:\n"
	           "\t%s_free(pl);\n"
	           "\treturn PIPEC_NOMEM;\n}\n\n",
	           P);

	out_printf(o,
	           "pipec_status %s_run(const %s_params *params)\n{\n"
	           "\t%s_pipeline *pl;\n"
	           "\tpipec_status st = %s_new(params, &pl);\n"
	           "\tif (st != PIPEC_OK)\n\t\treturn st;\n"
	           "\tst = pipec_run_exec(pl->run);\n"
	           "\t%s_free(pl);\n"
	           "\treturn st;\n}\n",
	           P, P, P, P, P);
}

/* ---- main ---- */

static const char main_helpers[] =
        "\n"
        "/* ---- main: the parameters as flags ---- */\n"
        "\n"
        "/* Set by SIGINT's handler, which cancels the run (R10). */\n"
        "static _Atomic(pipec_run *) $P_sigint_run;\n"
        "static volatile sig_atomic_t $P_sigint_seen;\n"
        "\n"
        "static void $P_on_sigint(int sig)\n"
        "{\n"
        "\t(void)sig;\n"
        "\t$P_sigint_seen = 1;\n"
        "\tpipec_run *run = atomic_load(&$P_sigint_run);\n"
        "\tif (run)\n"
        "\t\tpipec_run_cancel(run);\n"
        "}\n"
        "\n"
        "/*\n"
        " * Whether arg is --NAME (1) or --NAME=VALUE (2, *val is VALUE); a\n"
        " * '-' in arg matches a '_' in name. 0 if it is neither.\n"
        " */\n"
        "static int $P_flag(const char *arg, const char *name, const char "
        "**val)\n"
        "{\n"
        "\tif (strncmp(arg, \"--\", 2) != 0)\n"
        "\t\treturn 0;\n"
        "\tfor (arg += 2; *name; name++, arg++)\n"
        "\t\tif (*arg != *name && !(*name == '_' && *arg == '-'))\n"
        "\t\t\treturn 0;\n"
        "\tif (*arg == '=') {\n"
        "\t\t*val = arg + 1;\n"
        "\t\treturn 2;\n"
        "\t}\n"
        "\treturn *arg ? 0 : 1;\n"
        "}\n"
        "\n"
        "static int $P_usage_error(const char *fmt, const char *a, const char "
        "*b)\n"
        "{\n"
        "\tfprintf(stderr, \"$P: \");\n"
        "\tfprintf(stderr, fmt, a, b);\n"
        "\tfprintf(stderr, \"\\nTry '$P --help'.\\n\");\n"
        "\treturn 2;\n"
        "}\n"
        "\n"
        "/* The value of flag argv[*i]: after its '=', or the next argument. "
        "*/\n"
        "static const char *$P_value(int argc, char **argv, int *i, int "
        "form,\n"
        "\t\t\t\tconst char *val)\n"
        "{\n"
        "\tif (form == 2)\n"
        "\t\treturn val;\n"
        "\treturn *i + 1 < argc ? argv[++*i] : NULL;\n"
        "}\n"
        "\n"
        "static bool $P_parse_long(const char *s, long *v)\n"
        "{\n"
        "\tchar *end;\n"
        "\terrno = 0;\n"
        "\tlong x = strtol(s, &end, 0);\n"
        "\tif (end == s || *end || errno || isspace((unsigned char)*s))\n"
        "\t\treturn false;\n"
        "\t*v = x;\n"
        "\treturn true;\n"
        "}\n";

static const char parse_int[] =
        "\n"
        "static bool $P_parse_int(const char *s, int *v)\n"
        "{\n"
        "\tlong x;\n"
        "\tif (!$P_parse_long(s, &x) || x < INT_MIN || x > INT_MAX)\n"
        "\t\treturn false;\n"
        "\t*v = (int)x;\n"
        "\treturn true;\n"
        "}\n";

static const char parse_size[] =
        "\n"
        "static bool $P_parse_size(const char *s, size_t *v)\n"
        "{\n"
        "\tchar *end;\n"
        "\tif (!isdigit((unsigned char)*s))\n"
        "\t\treturn false;\n"
        "\terrno = 0;\n"
        "\tunsigned long long x = strtoull(s, &end, 0);\n"
        "\tif (*end || errno || x > SIZE_MAX)\n"
        "\t\treturn false;\n"
        "\t*v = (size_t)x;\n"
        "\treturn true;\n"
        "}\n";

static const char parse_double[] =
        "\n"
        "static bool $P_parse_double(const char *s, double *v)\n"
        "{\n"
        "\tchar *end;\n"
        "\terrno = 0;\n"
        "\tdouble x = strtod(s, &end);\n"
        "\tif (end == s || *end || errno || isspace((unsigned char)*s))\n"
        "\t\treturn false;\n"
        "\t*v = x;\n"
        "\treturn true;\n"
        "}\n";

static const char parse_bool[] =
        "\n"
        "static bool $P_parse_bool(const char *s, bool *v)\n"
        "{\n"
        "\tstatic const char *const words[] = {\"false\", \"true\", \"no\", "
        "\"yes\",\n"
        "\t\t\t\t\t     \"off\", \"on\", \"0\", \"1\"};\n"
        "\tfor (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {\n"
        "\t\tif (strcmp(s, words[i]) == 0) {\n"
        "\t\t\t*v = i % 2 == 1;\n"
        "\t\t\treturn true;\n"
        "\t\t}\n"
        "\t}\n"
        "\treturn false;\n"
        "}\n";

static const char *type_word(ParamType t)
{
	switch (t) {
	case PT_INT:
		return "INT";
	case PT_LONG:
		return "LONG";
	case PT_SIZE:
		return "SIZE";
	case PT_DOUBLE:
		return "NUMBER";
	case PT_BOOL:
		return "BOOL";
	case PT_STRING:
		return "TEXT";
	}
	return "VALUE";
}

/* s inside a string literal that printf() reads as its format. */
static void out_format_text(Out *o, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			out_printf(o, "\\%c", c);
		else if (c == '%')
			out_puts(o, "%%");
		else if (c < 0x20 || c == 0x7f)
			out_printf(o, "\\%03o", c);
		else
			out_printf(o, "%c", c);
	}
}

static void emit_usage(Out *o, const Program *p, const EmitOptions *eo)
{
	const char *P = p->name;
	out_printf(o,
	           "\nstatic void %s_usage(void)\n{\n"
	           "\tprintf(\"usage: %s [options]\\n\"\n"
	           "\t       \"Runs the pipeline %s (generated from ",
	           P, P, P);
	out_format_text(o, src_base(eo));
	out_puts(o, " by pipec).\\n\"\n"
	            "\t       \"\\n\"\n"
	            "\t       \"options:\\n\"");
	for (const Param *pa = p->params; pa; pa = pa->next) {
		const char *word = type_word(pa->type);
		out_printf(o, "\n\t       \"  --%s %s", pa->name, word);
		/* The defaults line up in a column, as far as names allow. */
		size_t used = 3 + strlen(pa->name) + strlen(word);
		for (; used < 22; used++)
			out_puts(o, " ");
		out_puts(o, " default ");
		out_format_text(o, pa->def.text);
		out_puts(o, "\\n\"");
	}
	out_puts(o, "\n\t       \"  --stats                print the run's "
	            "statistics to stderr\\n\"\n"
	            "\t       \"  --timeout MS           cancel the run after "
	            "MS milliseconds (exit 124)\\n\"\n"
	            "\t       \"  --help                 print this help\\n\"\n"
	            "\t       \"\\n\"\n"
	            "\t       \"Exit status: 0 done, 1 a stage failed, 2 bad "
	            "usage, 124 timed out,\\n\"\n"
	            "\t       \"130 interrupted (SIGINT).\\n\");\n}\n");
}

/* The flags of the parameters, in main's loop over the arguments. They
 * come before the built-in flags: a parameter named like one wins. */
static void emit_param_flags(Out *o, const Program *p, Vars *vars)
{
	for (const Param *pa = p->params; pa; pa = pa->next) {
		vars->v['N' - 'A'] = pa->name;
		vars->v['T' - 'A'] = param_type_name(pa->type);
		out_tmpl(o, vars,
		         "\t\tif ((form = $P_flag(arg, \"$N\", &val))) {\n");
		if (pa->type == PT_BOOL)
			out_tmpl(o, vars,
			         "\t\t\tbool b;\n"
			         "\t\t\tif (form == 1 && i + 1 < argc &&\n"
			         "\t\t\t    $P_parse_bool(argv[i + 1], &b))\n"
			         "\t\t\t\tval = argv[++i];\n"
			         "\t\t\telse if (form == 1)\n"
			         "\t\t\t\tval = \"true\";\n");
		else
			out_tmpl(o, vars,
			         "\t\t\tval = $P_value(argc, argv, &i, form, "
			         "val);\n"
			         "\t\t\tif (!val)\n"
			         "\t\t\t\treturn $P_usage_error(\"%s%s needs a "
			         "value\",\n"
			         "\t\t\t\t\t\t       \"--$N\", \"\");\n");
		switch (pa->type) {
		case PT_STRING:
			out_tmpl(o, vars, "\t\t\tparams.$N = val;\n");
			break;
		default:
			out_tmpl(o, vars,
			         "\t\t\tif (!$P_parse_$T(val, &params.$N))\n"
			         "\t\t\t\treturn $P_usage_error(\n"
			         "\t\t\t\t\t\"bad value '%s' for %s\", val,\n"
			         "\t\t\t\t\t\"--$N (expected $T)\");\n");
			break;
		}
		out_puts(o, "\t\t\tcontinue;\n\t\t}\n");
	}
}

static void emit_main(Out *o, const Program *p, const EmitOptions *eo)
{
	const char *P = p->name;
	Vars vars = {0};
	vars.v['P' - 'A'] = P;
	out_tmpl(o, &vars, main_helpers);
	if (has_param_type(p, PT_INT))
		out_tmpl(o, &vars, parse_int);
	if (has_param_type(p, PT_SIZE))
		out_tmpl(o, &vars, parse_size);
	if (has_param_type(p, PT_DOUBLE))
		out_tmpl(o, &vars, parse_double);
	if (has_param_type(p, PT_BOOL))
		out_tmpl(o, &vars, parse_bool);
	emit_usage(o, p, eo);

	out_tmpl(o, &vars,
	         "\nint main(int argc, char **argv)\n"
	         "{\n"
	         "\t$P_params params;\n"
	         "\tbool stats = false;\n"
	         "\tlong timeout = -1;\n\n"
	         "\t$P_params_init(&params);\n"
	         "\tfor (int i = 1; i < argc; i++) {\n"
	         "\t\tconst char *arg = argv[i], *val = NULL;\n"
	         "\t\tint form;\n");
	emit_param_flags(o, p, &vars);
	out_tmpl(o, &vars,
	         "\t\tif (strcmp(arg, \"--help\") == 0 || strcmp(arg, "
	         "\"-h\") == 0) {\n"
	         "\t\t\t$P_usage();\n"
	         "\t\t\treturn 0;\n"
	         "\t\t}\n"
	         "\t\tif (strcmp(arg, \"--stats\") == 0) {\n"
	         "\t\t\tstats = true;\n"
	         "\t\t\tcontinue;\n"
	         "\t\t}\n"
	         "\t\tif ((form = $P_flag(arg, \"timeout\", &val))) {\n"
	         "\t\t\tval = $P_value(argc, argv, &i, form, val);\n"
	         "\t\t\tif (!val)\n"
	         "\t\t\t\treturn $P_usage_error(\"%s%s needs a value\",\n"
	         "\t\t\t\t\t\t       \"--timeout\", \"\");\n"
	         "\t\t\tif (!$P_parse_long(val, &timeout) || timeout < 0)\n"
	         "\t\t\t\treturn $P_usage_error(\n"
	         "\t\t\t\t\t\"bad value '%s' for %s\", val,\n"
	         "\t\t\t\t\t\"--timeout (milliseconds)\");\n"
	         "\t\t\tcontinue;\n"
	         "\t\t}\n");
	out_tmpl(o, &vars,
	         "\t\treturn $P_usage_error(\"%s '%s'\",\n"
	         "\t\t\t\t       arg[0] == '-' ? \"unknown option\"\n"
	         "\t\t\t\t\t\t     : \"unexpected argument\",\n"
	         "\t\t\t\t       arg);\n"
	         "\t}\n"
	         "\tconst char *why = $P_params_check(&params);\n"
	         "\tif (why)\n"
	         "\t\treturn $P_usage_error(\"%s%s\", why, \"\");\n\n"
	         "\t$P_pipeline *pl;\n"
	         "\tpipec_status st = $P_new(&params, &pl);\n"
	         "\tif (st != PIPEC_OK) {\n"
	         "\t\tfprintf(stderr, \"$P: cannot build the pipeline: "
	         "%s\\n\",\n"
	         "\t\t\tpipec_status_name(st));\n"
	         "\t\treturn 1;\n"
	         "\t}\n"
	         "\tif (timeout >= 0)\n"
	         "\t\tpipec_run_set_deadline(pl->run, "
	         "pipec_after_ms(timeout));\n\n"
	         "\t/* SIGINT cancels the run. Only this thread takes it: the\n"
	         "\t * stage threads start with it blocked. */\n"
	         "\tstruct sigaction sa, old_sa;\n"
	         "\tsigset_t block, old_mask;\n"
	         "\tmemset(&sa, 0, sizeof sa);\n"
	         "\tsa.sa_handler = $P_on_sigint;\n"
	         "\tsigemptyset(&sa.sa_mask);\n"
	         "\tatomic_store(&$P_sigint_run, pl->run);\n"
	         "\tsigaction(SIGINT, &sa, &old_sa);\n"
	         "\tsigemptyset(&block);\n"
	         "\tsigaddset(&block, SIGINT);\n"
	         "\tpthread_sigmask(SIG_BLOCK, &block, &old_mask);\n"
	         "\tst = pipec_run_start(pl->run);\n"
	         "\tpthread_sigmask(SIG_SETMASK, &old_mask, NULL);\n"
	         "\tif (st == PIPEC_OK)\n"
	         "\t\tst = pipec_run_wait(pl->run);\n"
	         "\tsigaction(SIGINT, &old_sa, NULL);\n"
	         "\tatomic_store(&$P_sigint_run, NULL);\n\n"
	         "\tif (stats)\n"
	         "\t\tpipec_run_print_stats(pl->run, stderr);\n"
	         "\tint code = 0;\n"
	         "\tconst pipec_error *err;\n"
	         "\tswitch (st) {\n"
	         "\tcase PIPEC_OK:\n"
	         "\t\tbreak;\n"
	         "\tcase PIPEC_ERROR:\n"
	         "\t\terr = pipec_run_error(pl->run);\n"
	         "\t\tfprintf(stderr, \"$P: stage '%s' failed (code "
	         "%d)%s%s\\n\",\n"
	         "\t\t\terr->stage, err->code, err->message[0] ? \": \" : "
	         "\"\",\n"
	         "\t\t\terr->message);\n"
	         "\t\tcode = 1;\n"
	         "\t\tbreak;\n"
	         "\tcase PIPEC_TIMEDOUT:\n"
	         "\t\tfprintf(stderr, \"$P: timed out after %ld ms\\n\", "
	         "timeout);\n"
	         "\t\tcode = 124;\n"
	         "\t\tbreak;\n"
	         "\tcase PIPEC_CANCELLED:\n"
	         "\t\tif ($P_sigint_seen) {\n"
	         "\t\t\tfprintf(stderr, \"$P: interrupted\\n\");\n"
	         "\t\t\tcode = 130;\n"
	         "\t\t\tbreak;\n"
	         "\t\t}\n"
	         "\t\tfprintf(stderr, \"$P: cancelled\\n\");\n"
	         "\t\tcode = 1;\n"
	         "\t\tbreak;\n"
	         "\tdefault:\n"
	         "\t\tfprintf(stderr, \"$P: %s\\n\", pipec_status_name(st));\n"
	         "\t\tcode = 1;\n"
	         "\t\tbreak;\n"
	         "\t}\n"
	         "\t$P_free(pl);\n"
	         "\treturn code;\n"
	         "}\n");
}

bool emit_source(const Program *p, const EmitOptions *eo, FILE *f)
{
	Out o;
	out_init(&o, f);
	emit_prologue(&o, p, eo);
	emit_drop_hooks(&o, p);
	for (const Stage *s = p->stages; s; s = s->next)
		emit_stage(&o, p, s, eo);
	out_puts(&o, "/* ---- the pipeline ---- */\n\n");
	emit_params_fns(&o, p);
	emit_wiring(&o, p);
	if (eo->with_main)
		emit_main(&o, p, eo);
	return out_finish(&o);
}
