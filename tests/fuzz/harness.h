/* SPDX-License-Identifier: MIT */
/*
 * harness.h - what the two libFuzzer targets share (fuzz_compile.c,
 * fuzz_cc.c): a private directory for the input and what it may import,
 * and the compiler's front end run on one input.
 *
 * Each process makes its own directory under $TMPDIR at start and removes
 * it at exit. The input is written there as in.pipe and read back by the
 * compiler's own source_read(), so the same code reads it as in pipec. If
 * PIPEC_FUZZ_IMPORTS names a directory (the build collects the .pipe files
 * the tests import), each of its entries is linked into the private
 * directory, so that `import "messages.pipe";` finds something. The
 * compiler may open files only inside these two directories while an
 * input runs: `import "/dev/stdin";` or a path to a large file outside is
 * refused as if it did not exist (the compiler's objects call
 * harness_fopen(), see harness.c), so an input cannot hang the target or
 * make it read the machine's files.
 *
 * Options come from the input's first line, as the end-to-end tests write
 * them: "// pipec: --main --no-line --allow-cycles". With
 * PIPEC_FUZZ_VERBOSE set, the diagnostics of each input are printed.
 */
#ifndef PIPEC_FUZZ_HARNESS_H
#define PIPEC_FUZZ_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"

typedef struct Front {
	Arena arena;
	Src src;
	Diag diag;
	FILE *msgs; /* the diagnostics (into msgs_buf) */
	char *msgs_buf;
	size_t msgs_len;
	Program *p;   /* parsed; NULL if the file could not be read */
	bool checked; /* parsed, imports loaded and checked without error */
	bool with_main, no_line, allow_cycles; /* from the first line */
} Front;

/* The private directory (absolute), made on first use. */
const char *harness_dir(void);

/*
 * Writes the input to the private directory, then reads, parses, loads
 * the imports and checks it, as pipec does. Aborts (a finding) when the
 * passes disagree with the diagnostics: an error counted but nothing
 * printed, or a check that fails without an error. Free with
 * front_free().
 */
void front_run(Front *f, const uint8_t *data, size_t size);
void front_free(Front *f);

/* Prints why, the input and the diagnostics to stderr, then aborts: a
 * finding libFuzzer saves. */
_Noreturn void harness_fail(const Front *f, const char *why, ...)
        __attribute__((format(printf, 2, 3)));

/*
 * Emits the header (and, for a pipeline, the source and the graph) of a
 * checked program into memory: *h, *c, *dot (malloc'ed, NUL-terminated;
 * c and dot are NULL for a message file). An emitter that fails on a
 * checked program is a finding.
 */
void harness_emit(Front *f, const Program *p, bool with_main, char **h,
                  char **c, char **dot);

#endif
