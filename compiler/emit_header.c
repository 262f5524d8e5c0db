/*
 * emit_header.c - the generated header: the C API of one pipeline.
 *
 * Where it sits: called by the driver after check(). For a pipeline P it
 * writes, in this order: the banner and include guard; pipec.h and the
 * runtime version check; the %header{} blocks; for each message M its
 * tagged union, constructors, accessors, hooks and typed port API (M_in,
 * M_out, M_send, M_recv, M_select...); the parameters (P_params); the
 * prototypes of extern stages (P_stage_NAME); and the functions that build
 * and run the pipeline (P_new, P_run, P_free). docs/generated-code.md
 * shows the result for examples/squares.
 */
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "emit.h"
#include "emit_util.h"

/* The tag enum, the fields structs and the tagged union of m. */
static void emit_message_types(Out *o, const Message *m)
{
	Vars vars = {0};
	char *U = upper_dup(m->name);
	vars.v['M' - 'A'] = m->name;
	vars.v['U' - 'A'] = U;

	out_tmpl(o, &vars,
	         "/* The tags of message $M: which variant a value holds. */\n"
	         "typedef enum $M_tag {\n");
	for (const Variant *v = m->variants; v; v = v->next) {
		out_puts(o, "\t");
		out_tag(o, m, v);
		out_printf(o, " = %d, /* %s", v->index, v->name);
		if (v->kind == VK_SINGLE)
			out_printf(o, "(%s)", v->ctype);
		for (const Field *f = v->fields; f; f = f->next)
			out_printf(o, "%s%s: %s%s", f == v->fields ? "(" : ", ",
			           f->name, f->ctype, f->next ? "" : ")");
		out_puts(o, " */\n");
	}
	out_tmpl(o, &vars, "} $M_tag;\n\n");

	for (const Variant *v = m->variants; v; v = v->next) {
		if (v->kind != VK_FIELDS)
			continue;
		out_printf(o, "/* The fields of %s.%s. */\n", m->name, v->name);
		out_printf(o, "typedef struct %s_%s_fields {\n", m->name,
		           v->name);
		for (const Field *f = v->fields; f; f = f->next)
			out_printf(o, "\t%s %s;\n", f->ctype, f->name);
		out_printf(o, "} %s_%s_fields;\n\n", m->name, v->name);
	}

	bool payload = false;
	for (const Variant *v = m->variants; v; v = v->next)
		if (v->kind != VK_EMPTY)
			payload = true;
	out_tmpl(o, &vars,
	         "/* Message $M: the tag says which member of `as` is valid. "
	         "*/\n"
	         "typedef struct $M {\n"
	         "\t$M_tag tag;\n");
	if (payload) {
		out_puts(o, "\tunion {\n");
		for (const Variant *v = m->variants; v; v = v->next) {
			if (v->kind == VK_SINGLE)
				out_printf(o, "\t\t%s %s;\n", v->ctype,
				           v->name);
			else if (v->kind == VK_FIELDS)
				out_printf(o, "\t\t%s_%s_fields %s;\n", m->name,
				           v->name, v->name);
		}
		out_puts(o, "\t} as;\n");
	}
	out_tmpl(o, &vars, "} $M;\n\n");
	free(U);
}

static void emit_constructors(Out *o, const Message *m)
{
	for (const Variant *v = m->variants; v; v = v->next) {
		out_printf(o, "/* Constructor of %s.%s. */\n", m->name,
		           v->name);
		out_printf(o, "static inline %s %s_%s(", m->name, m->name,
		           v->name);
		switch (v->kind) {
		case VK_EMPTY:
			out_puts(o, "void");
			break;
		case VK_SINGLE:
			out_printf(o, "%s v", v->ctype);
			break;
		case VK_FIELDS:
			for (const Field *f = v->fields; f; f = f->next)
				out_printf(o, "%s%s %s",
				           f == v->fields ? "" : ", ", f->ctype,
				           f->name);
			break;
		}
		out_printf(o, ")\n{\n\treturn (%s){.tag = ", m->name);
		out_tag(o, m, v);
		if (v->kind == VK_SINGLE) {
			out_printf(o, ", .as.%s = v", v->name);
		} else if (v->kind == VK_FIELDS) {
			out_printf(o, ", .as.%s = {", v->name);
			for (const Field *f = v->fields; f; f = f->next)
				out_printf(o, "%s%s",
				           f == v->fields ? "" : ", ", f->name);
			out_puts(o, "}");
		}
		out_puts(o, "};\n}\n\n");
	}
}

static void emit_accessors(Out *o, const Message *m)
{
	for (const Variant *v = m->variants; v; v = v->next) {
		if (v->kind == VK_EMPTY)
			continue;
		char *type = NULL;
		size_t n = strlen(m->name) + strlen(v->name) + 16;
		type = malloc(n + (v->ctype ? strlen(v->ctype) : 0));
		if (!type)
			die("out of memory");
		if (v->kind == VK_SINGLE)
			strcpy(type, v->ctype);
		else
			snprintf(type, n, "%s_%s_fields", m->name, v->name);
		const char *sep = type[strlen(type) - 1] == '*' ? "" : " ";

		out_printf(o,
		           "/* The payload of %s.%s; asserts that m holds "
		           "that variant. */\n",
		           m->name, v->name);
		out_printf(o,
		           "static inline %s%s%s_%s_val(const %s *m)\n{\n"
		           "\tassert(m->tag == ",
		           type, sep, m->name, v->name, m->name);
		out_tag(o, m, v);
		out_printf(o, ");\n\treturn m->as.%s;\n}\n\n", v->name);

		out_printf(o,
		           "/* The payload of %s.%s by pointer, to change or "
		           "take it. */\n",
		           m->name, v->name);
		out_printf(o,
		           "static inline %s%s*%s_%s_ptr(%s *m)\n{\n"
		           "\tassert(m->tag == ",
		           type, sep, m->name, v->name, m->name);
		out_tag(o, m, v);
		out_printf(o, ");\n\treturn &m->as.%s;\n}\n\n", v->name);
		free(type);
	}

	Vars vars = {0};
	vars.v['M' - 'A'] = m->name;
	out_tmpl(o, &vars,
	         "/* The name of a variant of $M, as written in the .pipe "
	         "file. */\n"
	         "static inline const char *$M_tag_name($M_tag tag)\n{\n"
	         "\tswitch (tag) {\n");
	for (const Variant *v = m->variants; v; v = v->next) {
		out_puts(o, "\tcase ");
		out_tag(o, m, v);
		out_printf(o, ":\n\t\treturn \"%s\";\n", v->name);
	}
	out_puts(o, "\t}\n\treturn \"?\";\n}\n\n");
}

static void emit_hooks(Out *o, const Message *m)
{
	Vars vars = {0};
	vars.v['M' - 'A'] = m->name;
	vars.v['D' - 'A'] = m->drop_fn;
	vars.v['C' - 'A'] = m->copy_fn;
	if (m->drop_fn || m->copy_fn)
		out_tmpl(o, &vars, "/* $M's hooks: you write them. */\n");
	if (m->drop_fn)
		out_tmpl(o, &vars, "void $D($M *m);\n");
	if (m->copy_fn)
		out_tmpl(o, &vars, "void $C($M *dst, const $M *src);\n");
	if (m->drop_fn || m->copy_fn)
		out_puts(o, "\n");

	out_tmpl(o, &vars,
	         "/* Frees what m owns (with the drop hook, if $M has one): "
	         "for a message you\n"
	         " * received and will not send on. */\n"
	         "static inline void $M_destroy($M *m)\n{\n");
	if (m->drop_fn)
		out_tmpl(o, &vars, "\t$D(m);\n");
	else
		out_puts(o, "\t(void)m;\n");
	out_puts(o, "}\n\n");

	out_tmpl(o, &vars,
	         "/* A copy of m that owns its own payload (with the copy "
	         "hook, if $M has\n * one): what each branch of a broadcast "
	         "gets. */\n"
	         "static inline $M $M_clone(const $M *m)\n{\n");
	if (m->copy_fn)
		out_tmpl(o, &vars, "\t$M c;\n\t$C(&c, m);\n\treturn c;\n");
	else
		out_puts(o, "\treturn *m;\n");
	out_puts(o, "}\n\n");
}

/* The typed port API of message $M: the same for every message. */
static const char *const port_api[] = {
        "/*\n"
        " * Ports of type $M, as a stage body sees them (a $M_in * or a\n"
        " * $M_out * named after the port). The mask holds bit $U_X for each\n"
        " * variant X the port accepts; debug builds assert it.\n"
        " */\n"
        "typedef struct $M_in {\n"
        "\tpipec_rx *rx;\n"
        "\tuint64_t mask;\n"
        "} $M_in;\n"
        "\n",
        "typedef struct $M_out {\n"
        "\tpipec_tx **tx; /* one per channel: several when broadcast (=>) */\n"
        "\tint n;\n"
        "\tuint64_t mask;\n"
        "} $M_out;\n"
        "\n",
        "/* how: 0 waits as long as it takes, 1 does not wait, 2 waits until\n"
        " * the deadline. */\n"
        "static inline pipec_status $M_send_one_(pipec_tx *tx, const $M *m, "
        "int how,\n"
        "\t\t\t\t\t pipec_time deadline)\n"
        "{\n"
        "\tif (how == 1)\n"
        "\t\treturn pipec_try_send(tx, m);\n"
        "\tif (how == 2)\n"
        "\t\treturn pipec_send_until(tx, m, deadline);\n"
        "\treturn pipec_send(tx, m);\n"
        "}\n"
        "\n",
        "/* Sends m on every channel of port: a copy to each branch but the\n"
        " * last, which gets m. Branches already closed get nothing; the last\n"
        " * always gets its send, which consumes m (R7). */\n"
        "static inline pipec_status $M_send_how_($M_out *port, $M m, int "
        "how,\n"
        "\t\t\t\t\t pipec_time deadline)\n"
        "{\n"
        "\tassert(port->mask >> m.tag & 1 &&\n"
        "\t       \"variant not accepted by this port\");\n"
        "\tif (port->n == 1)\n"
        "\t\treturn $M_send_one_(port->tx[0], &m, how, deadline);\n"
        "\tif (port->n == 0) {\n"
        "\t\t$M_destroy(&m);\n"
        "\t\treturn PIPEC_CLOSED;\n"
        "\t}\n"
        "\tbool delivered = false;\n"
        "\tpipec_status failed = PIPEC_CLOSED;\n"
        "\tfor (int i = 0; i < port->n; i++) {\n"
        "\t\tbool last = i == port->n - 1;\n"
        "\t\tif (!last && pipec_tx_closed(port->tx[i]))\n"
        "\t\t\tcontinue;\n"
        "\t\t$M c = last ? m : $M_clone(&m);\n"
        "\t\tpipec_status st = $M_send_one_(port->tx[i], &c, how, "
        "deadline);\n"
        "\t\tif (st == PIPEC_OK)\n"
        "\t\t\tdelivered = true;\n"
        "\t\telse if (failed != PIPEC_CANCELLED)\n"
        "\t\t\tfailed = st;\n"
        "\t}\n"
        "\treturn delivered ? PIPEC_OK : failed;\n"
        "}\n"
        "\n",
        "/*\n"
        " * Sends m on port; m belongs to the runtime from here on, delivered\n"
        " * or not (R7). On a broadcast port every open branch gets a copy "
        "and\n"
        " * the result is PIPEC_OK if any branch took it. Statuses as for\n"
        " * pipec_send(), pipec_try_send() and pipec_send_until().\n"
        " */\n"
        "static inline pipec_status $M_send($M_out *port, $M m)\n"
        "{\n"
        "\treturn $M_send_how_(port, m, 0, PIPEC_FOREVER);\n"
        "}\n"
        "\n",
        "static inline pipec_status $M_try_send($M_out *port, $M m)\n"
        "{\n"
        "\treturn $M_send_how_(port, m, 1, PIPEC_FOREVER);\n"
        "}\n"
        "\n",
        "static inline pipec_status $M_send_until($M_out *port, $M m,\n"
        "\t\t\t\t\t  pipec_time deadline)\n"
        "{\n"
        "\treturn $M_send_how_(port, m, 2, deadline);\n"
        "}\n"
        "\n",
        "/*\n"
        " * Receives into *m, which then belongs to the caller. Statuses as\n"
        " * for pipec_recv(), pipec_try_recv() and pipec_recv_until().\n"
        " */\n"
        "static inline pipec_status $M_recv($M_in *port, $M *m)\n"
        "{\n"
        "\tpipec_status st = pipec_recv(port->rx, m);\n"
        "\tassert(st != PIPEC_OK || port->mask >> m->tag & 1);\n"
        "\treturn st;\n"
        "}\n"
        "\n",
        "static inline pipec_status $M_try_recv($M_in *port, $M *m)\n"
        "{\n"
        "\tpipec_status st = pipec_try_recv(port->rx, m);\n"
        "\tassert(st != PIPEC_OK || port->mask >> m->tag & 1);\n"
        "\treturn st;\n"
        "}\n"
        "\n",
        "static inline pipec_status $M_recv_until($M_in *port, $M *m,\n"
        "\t\t\t\t\t  pipec_time deadline)\n"
        "{\n"
        "\tpipec_status st = pipec_recv_until(port->rx, m, deadline);\n"
        "\tassert(st != PIPEC_OK || port->mask >> m->tag & 1);\n"
        "\treturn st;\n"
        "}\n"
        "\n",
        "/*\n"
        " * Receives from whichever of the n ports (at most 64) has a message\n"
        " * first; *from is set to that port. Closed ports are skipped;\n"
        " * PIPEC_CLOSED once all are closed. Statuses as for\n"
        " * pipec_select_until(); PIPEC_EINVAL for more than 64 ports.\n"
        " */\n"
        "static inline pipec_status $M_select_until($M_in *const *ports, "
        "int n, $M *m,\n"
        "\t\t\t\t\t    $M_in **from, pipec_time deadline)\n"
        "{\n"
        "\tpipec_rx *rxs[64];\n"
        "\tsize_t which = 0;\n"
        "\tif (n < 1 || n > 64)\n"
        "\t\treturn PIPEC_EINVAL;\n"
        "\tfor (int i = 0; i < n; i++)\n"
        "\t\trxs[i] = ports[i]->rx;\n"
        "\tpipec_status st = pipec_select_until(rxs, (size_t)n, m, &which,\n"
        "\t\t\t\t\t      deadline);\n"
        "\tif (st == PIPEC_OK) {\n"
        "\t\tassert(ports[which]->mask >> m->tag & 1);\n"
        "\t\t*from = ports[which];\n"
        "\t}\n"
        "\treturn st;\n"
        "}\n"
        "\n",
        "/* $M_select(&m, &from, port1, port2, ...): a select over the ports\n"
        " * listed, waiting as long as it takes. */\n"
        "#define $M_select(m, from, ...) \\\n"
        "\t$M_select_until(($M_in *const[]){__VA_ARGS__}, \\\n"
        "\t\t(int)(sizeof(($M_in *const[]){__VA_ARGS__}) / sizeof($M_in *)), "
        "\\\n"
        "\t\t(m), (from), PIPEC_FOREVER)\n"
        "\n",
        "/* Waits until a receiver wants a message from port (R13): every "
        "open\n"
        " * branch of a broadcast port. Statuses as for pipec_wait_demand(). "
        "*/\n"
        "static inline pipec_status $M_wait_demand($M_out *port)\n"
        "{\n"
        "\tbool ready = false;\n"
        "\tpipec_status failed = PIPEC_CLOSED;\n"
        "\tfor (int i = 0; i < port->n; i++) {\n"
        "\t\tpipec_status st = pipec_wait_demand(port->tx[i]);\n"
        "\t\tif (st == PIPEC_OK)\n"
        "\t\t\tready = true;\n"
        "\t\telse if (st == PIPEC_CANCELLED)\n"
        "\t\t\treturn st;\n"
        "\t\telse\n"
        "\t\t\tfailed = st;\n"
        "\t}\n"
        "\treturn ready ? PIPEC_OK : failed;\n"
        "}\n"
        "\n",
        "/* True once no branch of port has a receiver left. */\n"
        "static inline bool $M_out_closed(const $M_out *port)\n"
        "{\n"
        "\tfor (int i = 0; i < port->n; i++)\n"
        "\t\tif (!pipec_tx_closed(port->tx[i]))\n"
        "\t\t\treturn false;\n"
        "\treturn true;\n"
        "}\n"
        "\n",
        "/* Drop a port early (R4): upstream sees the input go, downstream "
        "the\n"
        " * end of the stream. Every later use returns PIPEC_CLOSED. */\n"
        "static inline void $M_in_drop($M_in *port)\n"
        "{\n"
        "\tpipec_rx_drop(port->rx);\n"
        "}\n"
        "\n",
        "static inline void $M_out_drop($M_out *port)\n"
        "{\n"
        "\tfor (int i = 0; i < port->n; i++)\n"
        "\t\tpipec_tx_drop(port->tx[i]);\n"
        "}\n"
        "\n",
        NULL,
};

static void emit_message(Out *o, const EmitOptions *eo, const Message *m)
{
	out_printf(o, "/* ---- message %s (%s:%d) ---- */\n\n", m->name,
	           src_base(eo), m->loc.line);
	emit_message_types(o, m);
	emit_constructors(o, m);
	emit_accessors(o, m);
	emit_hooks(o, m);
	Vars vars = {0};
	char *U = upper_dup(m->name);
	vars.v['M' - 'A'] = m->name;
	vars.v['U' - 'A'] = U;
	for (int i = 0; port_api[i]; i++)
		out_tmpl(o, &vars, port_api[i]);
	free(U);
}

static void emit_params(Out *o, const Program *p)
{
	Vars vars = {0};
	vars.v['P' - 'A'] = p->name;
	out_tmpl(o, &vars,
	         "/* The parameters of $P: flags of a generated main, read "
	         "by stage bodies\n * as params->NAME. */\n"
	         "typedef struct $P_params {\n");
	for (const Param *pa = p->params; pa; pa = pa->next) {
		const char *ct = param_type_ctype(pa->type);
		out_printf(o, "\t%s%s%s; /* default ", ct,
		           ct[strlen(ct) - 1] == '*' ? "" : " ", pa->name);
		out_comment_text(o, pa->def.text);
		out_puts(o, " */\n");
	}
	if (!p->params)
		out_puts(o, "\tchar none; /* no parameters */\n");
	out_tmpl(o, &vars,
	         "} $P_params;\n\n"
	         "/* Fills *params with the defaults of the .pipe file. */\n"
	         "void $P_params_init($P_params *params);\n\n"
	         "/* NULL if params can build the pipeline, else why not "
	         "(\"workers must be\n * at least 1\"): a parameter used as a "
	         "replica count is < 1 or too large,\n * or one used as a "
	         "capacity is negative. */\n"
	         "const char *$P_params_check(const $P_params *params);\n\n");
}

static void emit_externs(Out *o, const Program *p, const EmitOptions *eo)
{
	bool any = false;
	for (const Stage *s = p->stages; s; s = s->next) {
		if (!s->is_extern)
			continue;
		if (!any)
			out_puts(o, "/*\n * Extern stages: write these "
			            "functions in your own .c file. Each runs "
			            "once per\n * instance on its own thread, "
			            "like an inline body, and returns 0 or an\n"
			            " * error code (R11).\n */\n");
		any = true;
		out_printf(o, "/* extern stage %s (%s:%d) */\n", s->name,
		           src_base(eo), s->loc.line);
		out_stage_signature(o, p, s);
		out_puts(o, ";\n\n");
	}
}

static const char run_api[] =
        "/* A built $P pipeline. */\n"
        "typedef struct $P_pipeline {\n"
        "\t/* The run: start, wait, cancel, deadline, error and "
        "statistics\n"
        "\t * through the pipec_run_* functions of pipec.h. */\n"
        "\tpipec_run *run;\n"
        "\t/* What the stages see as params (a copy). */\n"
        "\t$P_params params;\n"
        "\t/* The stage instances (private). */\n"
        "\tstruct $P_insts *insts;\n"
        "} $P_pipeline;\n"
        "\n"
        "/*\n"
        " * Builds the pipeline with params (NULL: the defaults): its run, "
        "every\n"
        " * channel and every stage instance, ready for pipec_run_exec() or\n"
        " * pipec_run_start() and pipec_run_wait(). Free it with $P_free().\n"
        " *   PIPEC_OK      *out is the pipeline\n"
        " *   PIPEC_EINVAL  $P_params_check() refused params\n"
        " *   PIPEC_NOMEM   out of memory\n"
        " */\n"
        "pipec_status $P_new(const $P_params *params, $P_pipeline **out);\n"
        "\n"
        "/* Frees the pipeline: cancels and waits for its run if it is "
        "running,\n"
        " * then frees everything. NULL is ignored. */\n"
        "void $P_free($P_pipeline *pl);\n"
        "\n"
        "/* $P_new(), pipec_run_exec(), $P_free() in one call; the statuses "
        "of\n"
        " * pipec_run_exec(), or of $P_new(). */\n"
        "pipec_status $P_run(const $P_params *params);\n"
        "\n";

bool emit_header(const Program *p, const EmitOptions *eo, FILE *f)
{
	Out o;
	out_init(&o, f);
	const char *hname = eo->header_name ? base_name(eo->header_name) : "";
	char *P = upper_dup(p->name);
	Vars vars = {0};
	vars.v['P' - 'A'] = p->name;
	vars.v['G' - 'A'] = P;
	vars.v['H' - 'A'] = hname;

	out_printf(
	        &o,
	        "/*\n * %s - generated from %s by pipec - do not edit.\n"
	        " *\n * The C API of pipeline %s: its messages, the typed "
	        "ports its stages\n * use, its parameters, and the functions "
	        "that build and run it.\n */\n",
	        hname, src_base(eo), p->name);
	out_tmpl(&o, &vars,
	         "#ifndef $G_PIPEC_H\n"
	         "#define $G_PIPEC_H\n\n"
	         "#include <assert.h>\n"
	         "#include <stdbool.h>\n"
	         "#include <stddef.h>\n"
	         "#include <stdint.h>\n\n"
	         "#include \"pipec.h\"\n\n"
	         "#if PIPEC_VERSION_MAJOR != 0 || PIPEC_VERSION_MINOR < 1\n"
	         "#error \"$H needs the pipec runtime 0.1 or a later 0.x\"\n"
	         "#endif\n\n");

	for (const Verbatim *v = p->verbatims; v; v = v->next) {
		if (!v->in_header)
			continue;
		out_verbatim(&o, eo, eo->header_name, v->text, v->loc);
		out_puts(&o, "\n");
	}

	for (const Message *m = p->messages; m; m = m->next)
		emit_message(&o, eo, m);

	out_puts(&o, "/* -------------------------------------------------"
	             "----------------- */\n"
	             "/* The pipeline                                     "
	             "                  */\n"
	             "/* -------------------------------------------------"
	             "----------------- */\n\n");
	emit_params(&o, p);
	emit_externs(&o, p, eo);
	out_tmpl(&o, &vars, run_api);
	out_tmpl(&o, &vars, "#endif /* $G_PIPEC_H */\n");
	free(P);
	return out_finish(&o);
}
