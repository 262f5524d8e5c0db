/* SPDX-License-Identifier: MIT */
/*
 * source.h - reading a .pipe file into memory: the file pipec is given,
 * and each file it imports.
 *
 * Where it sits: first, before parse_program() (parse.h); import_load()
 * (import.h) reads the imported files with it too.
 */
#ifndef PIPEC_SOURCE_H
#define PIPEC_SOURCE_H

#include <stdbool.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"

/* The largest .pipe file pipec reads. */
#define SOURCE_MAX_SIZE (16 * 1024 * 1024)

/*
 * Reads the file at path into src (its text, NUL-terminated, in a; path
 * kept as given). Returns false after reporting why it cannot be used: it
 * cannot be opened or read, is empty, is larger than SOURCE_MAX_SIZE, or
 * holds a NUL byte. For the file pipec was given (at NULL) the error
 * names the file ("FILE: error: ..."); for an imported file it is at the
 * import (at), "cannot import 'PATH': ...". A NUL byte is reported where
 * it is, in the file.
 */
bool source_read(Src *src, const char *path, Arena *a, Diag *d,
                 const Import *at);

#endif
