/* SPDX-License-Identifier: MIT */
/*
 * fiber.c - stacks and context switches for the pool scheduler; see
 * fiber.h.
 */
#define _GNU_SOURCE
#include "fiber.h"

#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/* Boost.Context's switch, linked into the library under pipec_ names
 * (runtime/runtime.mk renames the symbols of Debian's objects). */
fiber_transfer pipec_jump_fcontext(fiber_ctx to, void *data);
fiber_ctx pipec_make_fcontext(void *sp, size_t size, fiber_fn fn);

/* ---- which sanitizers watch ---- */

#if defined(__SANITIZE_ADDRESS__)
#define FIBER_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define FIBER_TSAN 1
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define FIBER_TSAN 1
#endif
#endif

#ifdef FIBER_ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom,
                                    size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save,
                                     const void **bottom_old, size_t *size_old);
#endif
#ifdef FIBER_TSAN
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
#endif

/* valgrind must be told that a region is a stack, or it takes every switch
 * for a huge stack-pointer change. The macros cost a few instructions
 * outside valgrind. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define FIBER_VALGRIND 1
#endif
#endif

/* ---- stacks ---- */

static size_t page_size(void)
{
	static size_t page;
	if (!page) {
		long p = sysconf(_SC_PAGESIZE);
		page = p > 0 ? (size_t)p : 4096;
	}
	return page;
}

bool pipec_fiber_stack_new(fiber_stack *st, size_t size)
{
	size_t page = page_size();
	size = (size + page - 1) / page * page;
	/* MAP_NORESERVE: a stack that is never touched costs no commit
	 * charge, so a default generous enough for ordinary C is cheap. */
	void *map = mmap(
	        NULL, size + page, PROT_READ | PROT_WRITE,
	        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (map == MAP_FAILED)
		return false;
	if (mprotect(map, page, PROT_NONE) != 0) {
		munmap(map, size + page);
		return false;
	}
	st->map = map;
	st->map_len = size + page;
	st->vg_id = 0;
#ifdef FIBER_VALGRIND
	st->vg_id = VALGRIND_STACK_REGISTER((char *)map + page,
	                                    (char *)map + size + page);
#endif
	return true;
}

void pipec_fiber_stack_free(fiber_stack *st)
{
	if (!st->map)
		return;
#ifdef FIBER_VALGRIND
	VALGRIND_STACK_DEREGISTER(st->vg_id);
#endif
	munmap(st->map, st->map_len);
	st->map = NULL;
}

void *pipec_fiber_stack_lo(const fiber_stack *st)
{
	return (char *)st->map + page_size();
}

size_t pipec_fiber_stack_size(const fiber_stack *st)
{
	return st->map_len - page_size();
}

fiber_ctx pipec_fiber_make(fiber_stack *st, fiber_fn fn)
{
	size_t size = pipec_fiber_stack_size(st);
	return pipec_make_fcontext((char *)pipec_fiber_stack_lo(st) + size,
	                           size, fn);
}

/* ---- sanitizers ---- */

void pipec_fiber_san_init(fiber_san *san, const fiber_stack *st)
{
	san->stack_lo = pipec_fiber_stack_lo(st);
	san->size = pipec_fiber_stack_size(st);
	san->asan_fake = NULL;
	san->tsan = NULL;
#ifdef FIBER_TSAN
	san->tsan = __tsan_create_fiber(0);
#endif
}

void pipec_fiber_san_thread(fiber_san *san)
{
	/* The bounds of a thread's own stack are learnt at the first switch
	 * away from it (fiber_started). */
	san->stack_lo = NULL;
	san->size = 0;
	san->asan_fake = NULL;
	san->tsan = NULL;
#ifdef FIBER_TSAN
	san->tsan = __tsan_get_current_fiber();
#endif
}

void pipec_fiber_san_fini(fiber_san *san)
{
#ifdef FIBER_TSAN
	if (san->tsan)
		__tsan_destroy_fiber(san->tsan);
#endif
	san->tsan = NULL;
}

void pipec_fiber_started(fiber_san *self, fiber_san *from)
{
	(void)self;
	(void)from;
#ifdef FIBER_ASAN
	const void *lo;
	size_t size;
	__sanitizer_finish_switch_fiber(NULL, &lo, &size);
	from->stack_lo = (void *)lo;
	from->size = size;
#endif
}

void *pipec_fiber_switch(fiber_san *from, fiber_san *to_san, fiber_ctx to,
                         void *data, fiber_ctx *back, bool final)
{
	(void)from;
	(void)to_san;
	(void) final;
#ifdef FIBER_ASAN
	__sanitizer_start_switch_fiber(final ? NULL : &from->asan_fake,
	                               to_san->stack_lo, to_san->size);
#endif
#ifdef FIBER_TSAN
	__tsan_switch_to_fiber(to_san->tsan, 0);
#endif
	fiber_transfer t = pipec_jump_fcontext(to, data);
#ifdef FIBER_ASAN
	__sanitizer_finish_switch_fiber(from->asan_fake, NULL, NULL);
#endif
	if (back)
		*back = t.from;
	return t.data;
}
