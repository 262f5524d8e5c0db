/* SPDX-License-Identifier: MIT */
/*
 * main.c - two pipelines that share message types, in one program: both
 * headers in one file, the shared types declared once (messages.h). The
 * same file is compiled as C and, as main.cc's include, as C++.
 */
#include <stdio.h>
#include <string.h>

#include "first.h"
#include "second.h"

int main(void)
{
	/* The shared type, its constructors and accessors, from here too. */
	Num n = Num_Val(42);
	if (Num_Val_val(&n) != 42 || strcmp(Num_tag_name(n.tag), "Val") != 0)
		return 1;

	first_params p1;
	first_params_init(&p1);
	p1.count = 100;
	second_params p2;
	second_params_init(&p2);
	p2.lines = 7;
	if (first_run(&p1) != PIPEC_OK || second_run(&p2) != PIPEC_OK)
		return 1;

	/* A pipeline built and run by hand, as the docs show. */
	first_pipeline *pl;
	if (first_new(NULL, &pl) != PIPEC_OK)
		return 1;
	pipec_status st = pipec_run_exec(pl->run);
	first_free(pl);
	return st == PIPEC_OK ? 0 : 1;
}
