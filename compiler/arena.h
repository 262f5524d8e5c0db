/* SPDX-License-Identifier: MIT */
/*
 * arena.h - memory for one compile, freed all at once.
 *
 * The lexer, parser and checks allocate every node and string here; the
 * driver frees the arena when the compile ends. Allocation never returns
 * NULL: running out of memory ends the compile (diag_out_of_memory()).
 */
#ifndef PIPEC_ARENA_H
#define PIPEC_ARENA_H

#include <stddef.h>

typedef struct ArenaBlock ArenaBlock;

typedef struct Arena {
	ArenaBlock *blocks; /* newest first */
} Arena;

/* size bytes, zeroed, aligned for any type. */
void *arena_alloc(Arena *a, size_t size);
/* A NUL-terminated copy of the n bytes at s. */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
/* printf into the arena. */
char *arena_printf(Arena *a, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
/* Frees every block; the arena can be used again. */
void arena_free(Arena *a);

#define ARENA_NEW(a, T) ((T *)arena_alloc((a), sizeof(T)))

#endif
