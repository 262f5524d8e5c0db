/* SPDX-License-Identifier: MIT */
/*
 * arena.c - bump allocation in large blocks; see arena.h.
 */
#include "arena.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* Tests of running out of memory build this file with a smaller block,
 * so that more of the compile's allocations can be made to fail. */
#ifndef ARENA_BLOCK_SIZE
#define ARENA_BLOCK_SIZE (64 * 1024)
#endif

struct ArenaBlock {
	ArenaBlock *next;
	size_t used, size;
	alignas(max_align_t) unsigned char data[];
};

void *arena_alloc(Arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	size = (size + align - 1) & ~(align - 1);
	ArenaBlock *b = a->blocks;
	if (!b || b->size - b->used < size) {
		size_t cap = size > ARENA_BLOCK_SIZE ? size : ARENA_BLOCK_SIZE;
		b = malloc(sizeof(*b) + cap);
		if (!b)
			diag_out_of_memory();
		b->used = 0;
		b->size = cap;
		b->next = a->blocks;
		a->blocks = b;
	}
	void *p = b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(Arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(Arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(Arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("bad format string '%s'", fmt);
	char *p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_free(Arena *a)
{
	ArenaBlock *b = a->blocks;
	while (b) {
		ArenaBlock *next = b->next;
		free(b);
		b = next;
	}
	a->blocks = NULL;
}
