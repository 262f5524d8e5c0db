/* SPDX-License-Identifier: MIT */
/*
 * import.h - the files a .pipe file imports (import "PATH";).
 *
 * Where it sits: after parse_program() of the file pipec is given, before
 * its check_program(). import_load() finds each imported file (its path
 * relative to the importing file's directory), reads it (source.h),
 * parses it, loads its own imports the same way, and checks it as a
 * message file, so that check_program() of the importing file finds every
 * Import.prog parsed and checked. The rules are in docs/language.md
 * ("Imports").
 */
#ifndef PIPEC_IMPORT_H
#define PIPEC_IMPORT_H

#include <stdbool.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"

/*
 * Loads every file p imports, directly or not, and sets Import.prog. A
 * file is read once however many imports lead to it (files are known by
 * device and inode, not by path). Every problem is reported through d:
 * at the import, a file that cannot be read or is a pipeline, and an
 * import cycle (naming the chain); in the imported file, its own errors.
 * Returns true if none was found. Call it only for a p parsed without
 * errors.
 */
bool import_load(Program *p, Arena *a, Diag *d);

/*
 * Every file p imports, directly or not, each once, in the order a
 * depth-first walk of the imports meets them, as the first import that
 * leads to it (in p or in an imported file; its prog is the file): *n of
 * them, in an array in a. For the prerequisites of a dependency file and
 * the include guards the checks register.
 */
const Import **import_list(const Program *p, Arena *a, int *n);

#endif
