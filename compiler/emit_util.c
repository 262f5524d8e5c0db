/* SPDX-License-Identifier: MIT */
/*
 * emit_util.c - output, templates and names shared by the emitters; see
 * emit_util.h.
 */
#include "emit_util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "util.h"

void out_init(Out *o, FILE *f, Arena *a)
{
	o->f = f;
	o->a = a;
	o->line = 0;
	o->failed = false;
}

static void out_write(Out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\n')
			o->line++;
	if (n && fwrite(s, 1, n, o->f) != n)
		o->failed = true;
}

void out_puts(Out *o, const char *s)
{
	out_write(o, s, strlen(s));
}

void out_printf(Out *o, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0) {
		o->failed = true;
		return;
	}
	if ((size_t)n < sizeof small) {
		out_write(o, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big)
		diag_out_of_memory();
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	out_write(o, big, (size_t)n);
	free(big);
}

void out_cstring(Out *o, const char *s)
{
	out_puts(o, util_c_string(o->a, s));
}

void out_comment_text(Out *o, const char *s)
{
	for (; *s; s++) {
		out_write(o, s, 1);
		if ((s[0] == '*' && s[1] == '/') ||
		    (s[0] == '/' && s[1] == '*'))
			out_write(o, " ", 1);
	}
}

bool out_finish(Out *o)
{
	if (fflush(o->f) != 0 || ferror(o->f))
		o->failed = true;
	return !o->failed;
}

void out_tmpl(Out *o, const Vars *vars, const char *tmpl)
{
	const char *p = tmpl;
	while (*p) {
		const char *d = strchr(p, '$');
		if (!d) {
			out_puts(o, p);
			return;
		}
		out_write(o, p, (size_t)(d - p));
		if (d[1] == '$') {
			out_write(o, "$", 1);
		} else if (d[1] >= 'A' && d[1] <= 'Z' && vars->v[d[1] - 'A']) {
			out_puts(o, vars->v[d[1] - 'A']);
		} else {
			die("template variable $%c undefined", d[1]);
		}
		p = d + 2;
	}
}

/* The #line directive that makes the next line number `line` of `file`. */
static void out_line_directive(Out *o, int line, const char *file)
{
	out_printf(o, "#line %d ", line);
	out_cstring(o, file);
	out_puts(o, "\n");
}

void out_line_to_src(Out *o, const EmitOptions *eo, int line)
{
	if (eo->line_directives && eo->src_name)
		out_line_directive(o, line, eo->src_name);
}

void out_line_back(Out *o, const EmitOptions *eo, const char *back_name)
{
	if (eo->line_directives && eo->src_name && back_name)
		out_line_directive(o, o->line + 2, back_name);
}

void out_verbatim(Out *o, const EmitOptions *eo, const char *back_name,
                  const char *text, Loc loc)
{
	bool lines = eo->line_directives && eo->src_name && back_name;
	if (lines)
		out_line_directive(o, loc.line, eo->src_name);
	/* The first line is the rest of the line the block opened on: keep its
	 * column when it holds code, drop it when it is blank. */
	const char *nl = strchr(text, '\n');
	size_t first = nl ? (size_t)(nl - text) : strlen(text);
	bool blank = true;
	for (size_t i = 0; i < first; i++)
		if (!isspace((unsigned char)text[i]))
			blank = false;
	if (!blank) {
		for (int c = 1; c < loc.col; c++)
			out_puts(o, " ");
		out_puts(o, text);
	} else if (nl) {
		out_puts(o, "\n");
		out_puts(o, nl + 1);
	}
	size_t len = strlen(text);
	if (!blank && (len == 0 || text[len - 1] != '\n'))
		out_puts(o, "\n");
	else if (blank && nl && len > 0 && text[len - 1] != '\n')
		out_puts(o, "\n");
	if (lines)
		out_line_directive(o, o->line + 2, back_name);
}

const char *src_base(const EmitOptions *eo)
{
	return util_base_name(eo->src_name ? eo->src_name : "<stdin>");
}

void out_stage_signature(Out *o, const Program *p, const Stage *s)
{
	out_printf(o,
	           "int %s_stage_%s(pipec_stage *self, const %s_params "
	           "*params,\n\t\tint replica, int replicas",
	           p->name, s->name, p->name);
	for (const Port *pt = s->ports; pt; pt = pt->next)
		out_printf(o, ",\n\t\t%s_%s *%s", pt->msg->name,
		           pt->dir == PORT_IN ? "in" : "out", pt->name);
	out_puts(o, ")");
}

void out_port_type(Out *o, const Port *pt)
{
	out_puts(o, pt->msg ? pt->msg->name : pt->msg_name);
	if (!pt->variants)
		return;
	bool many = pt->variants->next != NULL;
	out_puts(o, many ? ".{" : ".");
	for (const VariantRef *r = pt->variants; r; r = r->next)
		out_printf(o, "%s%s", r == pt->variants ? "" : ", ", r->name);
	if (many)
		out_puts(o, "}");
}

void out_tag(Out *o, const Message *m, const Variant *v)
{
	out_printf(o, "%s_%s", util_upper(o->a, m->name),
	           util_upper(o->a, v->name));
}

const char *gen_name(Out *o, GenNameId id, const Program *p, const Message *m,
                     const Variant *v, const Stage *s)
{
	const char *vars[26] = {0};
	if (p && p->name) {
		vars['P' - 'A'] = p->name;
		vars['Q' - 'A'] = util_upper(o->a, p->name);
	}
	if (m) {
		vars['M' - 'A'] = m->name;
		vars['U' - 'A'] = util_upper(o->a, m->name);
	}
	if (v) {
		vars['V' - 'A'] = v->name;
		vars['W' - 'A'] = util_upper(o->a, v->name);
	}
	if (s)
		vars['S' - 'A'] = s->name;
	if (p && p->is_module)
		vars['F' - 'A'] = gen_file_stem(o->a, p->src->path);
	return util_subst(o->a, gen_name_rows[id].tmpl, vars);
}
