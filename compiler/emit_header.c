/* SPDX-License-Identifier: MIT */
/*
 * emit_header.c - the generated header: the C API of one pipeline.
 *
 * Where it sits: called by the driver after the checks. For a pipeline P
 * it writes, in this order: the banner and include guard; pipec.h and the
 * runtime version check; the %header{} blocks; for each message M its
 * tagged union, constructors, accessors, hooks and typed ports (M_in,
 * M_out and one-line wrappers over pipec.h's pipec_port_* functions); the
 * parameters (P_params); the prototypes of extern stages (P_stage_NAME);
 * and the functions that build and run the pipeline (P_new, P_run,
 * P_free). The header compiles as C11 and as C++11 and later.
 * docs/generated-code.md shows the result for examples/squares.
 */
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "emit_util.h"
#include "util.h"

/* The C type of a variant's payload: its single C type, or the struct
 * of its fields. Writes into buf (of size n). */
static const char *payload_type(const Message *m, const Variant *v, char *buf,
                                size_t n)
{
	if (v->kind == VK_SINGLE)
		return v->ctype;
	snprintf(buf, n, "%s_%s_fields", m->name, v->name);
	return buf;
}

/* "T name" with the space C style leaves out after a '*'. */
static void out_decl(Out *o, const char *type, const char *name)
{
	size_t n = strlen(type);
	out_printf(o, "%s%s%s", type, n && type[n - 1] == '*' ? "" : " ", name);
}

/* The tag enum, the fields structs and the tagged union of m. */
static void emit_message_types(Out *o, const Message *m)
{
	Vars vars = {0};
	vars.v['M' - 'A'] = m->name;

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

	bool payload = false;
	for (const Variant *v = m->variants; v; v = v->next) {
		if (v->kind != VK_EMPTY)
			payload = true;
		if (v->kind != VK_FIELDS)
			continue;
		out_printf(o, "typedef struct %s_%s_fields {\n", m->name,
		           v->name);
		for (const Field *f = v->fields; f; f = f->next) {
			out_puts(o, "\t");
			out_decl(o, f->ctype, f->name);
			out_puts(o, ";\n");
		}
		out_printf(o, "} %s_%s_fields;\n\n", m->name, v->name);
	}

	out_tmpl(o, &vars,
	         "/* Message $M: the tag says which member of `as` is valid. "
	         "*/\n"
	         "struct $M {\n"
	         "\t$M_tag tag;\n");
	if (payload) {
		out_puts(o, "\tunion {\n");
		for (const Variant *v = m->variants; v; v = v->next) {
			char buf[512];
			if (v->kind == VK_EMPTY)
				continue;
			out_puts(o, "\t\t");
			out_decl(o, payload_type(m, v, buf, sizeof buf),
			         v->name);
			out_puts(o, ";\n");
		}
		out_puts(o, "\t} as;\n");
	}
	out_tmpl(o, &vars, "};\n\n");
}

/*
 * Per variant: the constructor and the two accessors, one line each after
 * a #line to the variant in the .pipe file, so that the C compiler, an
 * assert and gdb all point at the variant (and a payload type C cannot
 * pass by value is reported where it was written). The constructor fills
 * a local named with the reserved pipec_ prefix, so that no field can
 * shadow it, instead of a compound literal, which C++ lacks.
 */
static void emit_variant_functions(Out *o, const EmitOptions *eo,
                                   const Message *m, const Variant *v)
{
	char buf[512];
	const char *M = m->name, *V = v->name;
	out_line_to_src(o, eo, v->loc.line);
	out_printf(o, "static inline %s %s_%s(", M, M, V);
	if (v->kind == VK_EMPTY)
		out_puts(o, "void");
	else if (v->kind == VK_SINGLE)
		out_decl(o, v->ctype, "v");
	for (const Field *f = v->fields; f; f = f->next) {
		out_puts(o, f == v->fields ? "" : ", ");
		out_decl(o, f->ctype, f->name);
	}
	out_printf(o, ") { %s pipec_m; pipec_m.tag = ", M);
	out_tag(o, m, v);
	out_puts(o, ";");
	if (v->kind == VK_SINGLE)
		out_printf(o, " pipec_m.as.%s = v;", V);
	for (const Field *f = v->fields; f; f = f->next)
		out_printf(o, " pipec_m.as.%s.%s = %s;", V, f->name, f->name);
	out_puts(o, " return pipec_m; }\n");
	if (v->kind == VK_EMPTY)
		return;

	const char *T = payload_type(m, v, buf, sizeof buf);
	out_line_to_src(o, eo, v->loc.line);
	out_puts(o, "static inline ");
	out_decl(o, T, "");
	out_printf(o, "%s_%s_val(const %s *m) { assert(m->tag == ", M, V, M);
	out_tag(o, m, v);
	out_printf(o, "); return m->as.%s; }\n", V);
	out_line_to_src(o, eo, v->loc.line);
	out_puts(o, "static inline ");
	out_decl(o, T, "*");
	out_printf(o, "%s_%s_ptr(%s *m) { assert(m->tag == ", M, V, M);
	out_tag(o, m, v);
	out_printf(o, "); return &m->as.%s; }\n", V);
}

static void emit_functions(Out *o, const EmitOptions *eo, const Message *m)
{
	Vars vars = {0};
	vars.v['M' - 'A'] = m->name;
	vars.v['D' - 'A'] = m->drop_fn;
	vars.v['C' - 'A'] = m->copy_fn;

	out_tmpl(o, &vars,
	         "/* A constructor per variant of $M and, for a variant with a "
	         "payload, its\n * _val and _ptr accessors, which assert that "
	         "m holds that variant. */\n");
	for (const Variant *v = m->variants; v; v = v->next)
		emit_variant_functions(o, eo, m, v);
	out_line_back(o, eo, eo->header_name);
	out_puts(o, "\n");

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

	if (m->drop_fn || m->copy_fn)
		out_tmpl(o, &vars, "/* $M's hooks: you write them. */\n");
	if (m->drop_fn)
		out_tmpl(o, &vars, "void $D($M *m);\n");
	if (m->copy_fn)
		out_tmpl(o, &vars, "void $C($M *dst, const $M *src);\n");
	/* Their parameters and locals have the reserved prefix, so that no
	 * hook named like them is hidden ("drop(m)"). */
	out_tmpl(
	        o, &vars,
	        "\n/* Frees what the message owns (the drop hook, if any): for "
	        "a message\n * received and not sent on. */\n"
	        "static inline void $M_destroy($M *pipec_m)\n{\n");
	out_tmpl(o, &vars,
	         m->drop_fn ? "\t$D(pipec_m);\n}\n\n"
	                    : "\t(void)pipec_m;\n}\n\n");
	out_tmpl(o, &vars,
	         "/* A copy of the message owning its own payload (the copy "
	         "hook, if any). */\n"
	         "static inline $M $M_clone(const $M *pipec_m)\n{\n");
	out_tmpl(o, &vars,
	         m->copy_fn ? "\t$M pipec_c;\n\t$C(&pipec_c, pipec_m);\n"
	                      "\treturn pipec_c;\n}\n\n"
	                    : "\treturn *pipec_m;\n}\n\n");
}

/* The typed ports of message $M: one line each over pipec_port_*. */
static const char port_api[] =
        "/*\n"
        " * Ports of type $M: a stage body gets a $M_in * or a $M_out * "
        "per port.\n"
        " * Each call is the pipec_port_* function of pipec.h of the same "
        "name,\n"
        " * typed for $M (statuses there; a message sent belongs to the "
        "runtime,\n"
        " * delivered or not: R7). $M_select(&m, &from, port, ...) waits "
        "on\n"
        " * several in ports at once.\n"
        " */\n"
        "typedef struct $M_in $M_in;\n"
        "typedef struct $M_out $M_out;\n"
        "\n"
        "static inline pipec_status $M_send($M_out *port, $M m) "
        "{ return pipec_port_send(PIPEC_PORT(port), &m); }\n"
        "static inline pipec_status $M_try_send($M_out *port, $M m) "
        "{ return pipec_port_try_send(PIPEC_PORT(port), &m); }\n"
        "static inline pipec_status $M_send_until($M_out *port, $M m, "
        "pipec_time deadline) "
        "{ return pipec_port_send_until(PIPEC_PORT(port), &m, deadline); }\n"
        "static inline pipec_status $M_recv($M_in *port, $M *m) "
        "{ return pipec_port_recv(PIPEC_PORT(port), m); }\n"
        "static inline pipec_status $M_try_recv($M_in *port, $M *m) "
        "{ return pipec_port_try_recv(PIPEC_PORT(port), m); }\n"
        "static inline pipec_status $M_recv_until($M_in *port, $M *m, "
        "pipec_time deadline) "
        "{ return pipec_port_recv_until(PIPEC_PORT(port), m, deadline); }\n"
        "static inline pipec_status $M_select_until($M_in *const *ports, "
        "int n, $M *m, $M_in **from, pipec_time deadline) "
        "{ return pipec_port_select_until(ports, (size_t)n, m, from, "
        "deadline); }\n"
        "#define $M_select(m, from, ...) $M_select_until("
        "PIPEC_ARRAY($M_in *, __VA_ARGS__), "
        "(int)PIPEC_COUNT($M_in *, __VA_ARGS__), (m), (from), "
        "PIPEC_FOREVER)\n"
        "static inline pipec_status $M_wait_demand($M_out *port) "
        "{ return pipec_port_wait_demand(PIPEC_PORT(port)); }\n"
        "static inline pipec_status $M_wait_demand_until($M_out *port, "
        "pipec_time deadline) "
        "{ return pipec_port_wait_demand_until(PIPEC_PORT(port), "
        "deadline); }\n"
        "static inline bool $M_out_closed($M_out *port) "
        "{ return pipec_port_closed(PIPEC_PORT(port)); }\n"
        "static inline void $M_in_drop($M_in *port) "
        "{ pipec_port_drop(PIPEC_PORT(port)); }\n"
        "static inline void $M_out_drop($M_out *port) "
        "{ pipec_port_drop(PIPEC_PORT(port)); }\n"
        "\n";

void emit_message(Out *o, const EmitOptions *eo, const Message *m)
{
	Vars vars = {0};
	vars.v['M' - 'A'] = m->name;
	out_printf(o, "/* ---- message %s (%s:%d) ---- */\n\n", m->name,
	           src_base(eo), m->loc.line);
	emit_message_types(o, m);
	emit_functions(o, eo, m);
	out_tmpl(o, &vars, port_api);
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
		out_puts(o, "\t");
		out_decl(o, param_type_ctype(pa->type), pa->name);
		out_puts(o, "; /* default ");
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
	         "(\"workers must be\n * at least 1\"). */\n"
	         "const char *$P_params_check(const $P_params *params);\n\n");
}

static void emit_externs(Out *o, const Program *p, const EmitOptions *eo)
{
	bool any = false;
	for (const Stage *s = p->stages; s; s = s->next) {
		if (!s->is_extern)
			continue;
		if (!any)
			out_puts(o,
			         "/*\n * Extern stages: write these "
			         "functions in your own .c file. Each runs "
			         "once per\n * instance, like an inline body, "
			         "and returns 0 or an error code (R11).\n"
			         " */\n");
		any = true;
		out_printf(o, "/* extern stage %s (%s:%d) */\n", s->name,
		           src_base(eo), s->loc.line);
		out_stage_signature(o, p, s);
		out_puts(o, ";\n\n");
	}
}

static const char run_api[] =
        "/* The tables of $P, for pipec_pipeline_build() and pipec_main(). "
        "*/\n"
        "extern const pipec_pipeline_desc $P_desc;\n"
        "\n"
        "/* A built $P pipeline: start, wait, cancel and read statistics "
        "of its run\n"
        " * with the pipec_run_* functions of pipec.h. */\n"
        "typedef struct $P_pipeline {\n"
        "\tpipec_run *run;\n"
        "\tconst $P_params *params; /* the run's copy */\n"
        "} $P_pipeline;\n"
        "\n"
        "/*\n"
        " * Builds the pipeline with params (NULL: the defaults), ready for\n"
        " * pipec_run_exec(). Free it with $P_free().\n"
        " *   PIPEC_OK      *out is the pipeline\n"
        " *   PIPEC_EINVAL  $P_params_check() refused params\n"
        " *   PIPEC_NOMEM   out of memory\n"
        " */\n"
        "pipec_status $P_new(const $P_params *params, $P_pipeline **out);\n"
        "\n"
        "/* Cancels and waits for the run if it is running, then frees "
        "everything.\n"
        " * NULL is ignored. */\n"
        "void $P_free($P_pipeline *pl);\n"
        "\n"
        "/* $P_new(), pipec_run_exec(), $P_free() in one call. */\n"
        "pipec_status $P_run(const $P_params *params);\n"
        "\n";

static void emit_prologue(Out *o, const Program *p, const EmitOptions *eo,
                          const char *guard)
{
	const char *hname =
	        eo->header_name ? util_base_name(eo->header_name) : "";
	out_printf(o,
	           "/*\n * %s - generated from %s by pipec - do not edit.\n"
	           " * You may use this generated file under any terms you "
	           "like.\n *\n",
	           hname, src_base(eo));
	if (p->is_module)
		out_puts(o, " * Message types shared by the pipelines that "
		            "import them.\n */\n");
	else
		out_printf(o,
		           " * The C API of pipeline %s: its messages, their "
		           "typed ports, its\n * parameters, and the functions "
		           "that build and run it.\n */\n",
		           p->name);
	out_printf(o,
	           "#ifndef %s\n"
	           "#define %s\n\n"
	           "#include <assert.h>\n"
	           "#include <stdbool.h>\n"
	           "#include <stddef.h>\n"
	           "#include <stdint.h>\n\n"
	           "#include \"pipec.h\"\n\n"
	           "#if PIPEC_VERSION_MAJOR != 0 || PIPEC_VERSION_MINOR < 2\n"
	           "#error \"%s needs the pipec runtime 0.2 or a later 0.x\"\n"
	           "#endif\n\n",
	           guard, guard, hname);
	/* The messages of imported files, with their own %header blocks. */
	for (const Import *im = p->imports; im; im = im->next) {
		out_puts(o, "#include ");
		out_cstring(o, im->header);
		out_puts(o, "\n");
	}
	if (p->imports)
		out_puts(o, "\n");
	for (const Verbatim *v = p->verbatims; v; v = v->next) {
		if (!v->in_header)
			continue;
		out_verbatim(o, eo, eo->header_name, v->text, v->loc);
		out_puts(o, "\n");
	}
	out_puts(o, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
}

static void emit_epilogue(Out *o, const char *guard)
{
	out_printf(o,
	           "#ifdef __cplusplus\n}\n#endif\n\n"
	           "#endif /* %s */\n",
	           guard);
}

bool emit_header(const Program *p, const EmitOptions *eo, FILE *f)
{
	Out o;
	out_init(&o, f, eo->arena);
	const char *guard =
	        gen_name(&o, p->is_module ? GN_MODULE_GUARD : GN_GUARD, p, NULL,
	                 NULL, NULL);
	emit_prologue(&o, p, eo, guard);

	/* Imported messages are declared by their own file's header. The
	 * others' type names come first, so that a payload can point to any
	 * message of the file, declared before it or after. */
	bool own = false;
	for (const Message *m = p->messages; m; m = m->next) {
		if (m->from)
			continue;
		if (!own)
			out_puts(&o, "/* The messages of this file, defined "
			             "below. */\n");
		out_printf(&o, "typedef struct %s %s;\n", m->name, m->name);
		own = true;
	}
	if (own)
		out_puts(&o, "\n");
	for (const Message *m = p->messages; m; m = m->next)
		if (!m->from)
			emit_message(&o, eo, m);

	if (!p->is_module) {
		Vars vars = {0};
		vars.v['P' - 'A'] = p->name;
		out_puts(&o, "/* ---- the pipeline ---- */\n\n");
		emit_params(&o, p);
		emit_externs(&o, p, eo);
		out_tmpl(&o, &vars, run_api);
	}
	emit_epilogue(&o, guard);
	return out_finish(&o);
}
