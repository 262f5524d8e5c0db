/* SPDX-License-Identifier: MIT */
/* hooks.c - the drop hook of the shared message Text (messages.pipe). */
#include <stdlib.h>

#include "messages.h"

void text_drop(Text *m)
{
	free(m->as.Line);
}
