/* SPDX-License-Identifier: MIT */
/*
 * fuzz_compile.c - libFuzzer target: the whole compile of one input.
 *
 * Reads, parses, loads the imports of and checks the input (harness.h);
 * for an input the checks accept, emits the header, the source with and
 * without --main, and the graph, twice each, and lists its imports as
 * the dependency file does (import_list()). Besides the sanitizers'
 * findings (a crash, a leak, undefined behaviour) and libFuzzer's (a
 * hang past -timeout, memory past -rss_limit_mb), it aborts when:
 *
 *   - the passes and the diagnostics disagree (harness.c);
 *   - an emitter fails on a checked program;
 *   - the second emission differs from the first (the emitters must not
 *     change the program, and their output depends only on it).
 *
 * Built by `make fuzz` and `make test-libfuzzer` (tests/fuzz/fuzz.mk).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(Front *f, const char *what, const char *a, const char *b)
{
	if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
		harness_fail(f, "the %s differs from one emission to the next",
		             what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	Front f;
	front_run(&f, data, size);
	if (f.checked) {
		int n;
		const Import **imps = import_list(f.p, &f.arena, &n);
		for (int i = 0; i < n; i++)
			if (!imps[i]->prog)
				harness_fail(&f, "import '%s' listed unloaded",
				             imps[i]->path);
		for (int main_too = 0; main_too < 2; main_too++) {
			bool with_main = main_too ? !f.with_main : f.with_main;
			char *h[2], *c[2], *dot[2];
			for (int i = 0; i < 2; i++)
				harness_emit(&f, f.p, with_main, &h[i], &c[i],
				             &dot[i]);
			same(&f, "header", h[0], h[1]);
			same(&f, "source", c[0], c[1]);
			same(&f, "graph", dot[0], dot[1]);
			for (int i = 0; i < 2; i++) {
				free(h[i]);
				free(c[i]);
				free(dot[i]);
			}
		}
	}
	front_free(&f);
	return 0;
}
