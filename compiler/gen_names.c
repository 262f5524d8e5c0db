/* SPDX-License-Identifier: MIT */
/*
 * gen_names.c - the table of generated names as an array; see
 * gen_names.h.
 */
#include "gen_names.h"

#include <string.h>

#include "util.h"

const GenNameRow gen_name_rows[GN_COUNT] = {
#define GEN_NAME_ROW(id, scope_, tmpl_, role_)                                 \
	[id] = {.scope = scope_, .tmpl = tmpl_, .role = role_},
        GEN_NAMES(GEN_NAME_ROW)
#undef GEN_NAME_ROW
};

char *gen_file_stem(Arena *a, const char *path)
{
	char *base = util_with_ext(a, util_base_name(path), "");
	char *stem = arena_printf(a, "%s%s",
	                          base[0] >= '0' && base[0] <= '9' ? "_" : "",
	                          util_upper(a, base));
	for (char *q = stem; *q; q++)
		if (!((*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9')))
			*q = '_';
	return stem;
}
