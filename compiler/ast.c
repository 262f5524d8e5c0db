/* SPDX-License-Identifier: MIT */
/*
 * ast.c - the small tables that go with the syntax tree; see ast.h.
 */
#include "ast.h"

#include "diag.h"

/* ORDER: ParamType in ast.h. */
static const struct {
	const char *name, *ctype;
} param_types[] = {
        [PT_INT] = {"int", "int"},
        [PT_LONG] = {"long", "long"},
        [PT_SIZE] = {"size", "size_t"},
        [PT_DOUBLE] = {"double", "double"},
        [PT_BOOL] = {"bool", "bool"},
        [PT_STRING] = {"string", "const char *"},
};

bool loc_equal(Loc a, Loc b)
{
	return a.line == b.line && a.col == b.col && a.file == b.file;
}

const char *param_type_name(ParamType t)
{
	if ((unsigned)t >= sizeof(param_types) / sizeof(param_types[0]))
		UNREACHABLE();
	return param_types[t].name;
}

const char *param_type_ctype(ParamType t)
{
	if ((unsigned)t >= sizeof(param_types) / sizeof(param_types[0]))
		UNREACHABLE();
	return param_types[t].ctype;
}
