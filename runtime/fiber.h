/* SPDX-License-Identifier: MIT */
/*
 * fiber.h - a coroutine: a stack of its own and a saved context, switched
 * in user space. The pool scheduler (pool.c) runs stage instances as
 * fibers; this file knows nothing of stages or channels.
 *
 * The switch is Boost.Context's fcontext (make_fcontext/jump_fcontext,
 * shipped for x86-64, aarch64 and others in Debian's libboost-context-dev;
 * the build links its objects into libpipec under pipec_ names). Measured
 * on the reference machine: a round trip of two jumps costs 14 ns, against
 * 20-34 ns for a switch of our own in assembly and 2.9 us for ucontext's
 * swapcontext, which makes a system call to save the signal mask
 * (docs/runtime.md).
 *
 * Every switch goes through pipec_fiber_switch(), which tells the sanitizers
 * (ASan's and TSan's fiber interfaces) which stack runs; every stack is
 * registered with valgrind. Stacks are mmap'd with a guard page below
 * them: memory is touched only as deep as the stage goes, and an overflow
 * faults on the guard, where the SIGSEGV handler names the stage.
 */
#ifndef PIPEC_FIBER_H
#define PIPEC_FIBER_H

#include <stdbool.h>
#include <stddef.h>

#pragma GCC visibility push(hidden)

/* A suspended context: where a jump resumes it. */
typedef void *fiber_ctx;

typedef struct fiber_stack {
	void *map;      /* the mapping: guard page, then the stack */
	size_t map_len; /* including the guard page */
	unsigned vg_id; /* valgrind's id of the stack, 0 outside valgrind */
} fiber_stack;

/* A fiber's side of the sanitizers' bookkeeping; also one per thread
 * that runs fibers (its own stack). */
typedef struct fiber_san {
	void *stack_lo; /* the usable stack: [lo, lo + size) */
	size_t size;
	void *asan_fake; /* ASan's fake stack while switched away */
	void *tsan;      /* TSan's fiber */
} fiber_san;

/* Maps a stack of size usable bytes (rounded up to pages) with a guard
 * page below it. False if out of memory. */
bool pipec_fiber_stack_new(fiber_stack *st, size_t size);
void pipec_fiber_stack_free(fiber_stack *st);
/* The usable part of a stack. */
void *pipec_fiber_stack_lo(const fiber_stack *st);
size_t pipec_fiber_stack_size(const fiber_stack *st);

/* What a jump hands over: the context that jumped, and its data. The
 * layout is fcontext's transfer_t (two pointers, returned in registers). */
typedef struct fiber_transfer {
	fiber_ctx from;
	void *data;
} fiber_transfer;

/* A context that, when first jumped to, calls fn with the jump's
 * transfer. fn must never return: its last act is a final
 * pipec_fiber_switch(). */
typedef void (*fiber_fn)(fiber_transfer t);
fiber_ctx pipec_fiber_make(fiber_stack *st, fiber_fn fn);

/* The sanitizer records: of a fiber's stack, and of the calling thread
 * (call on the thread, before its first switch). Free a fiber's with
 * fiber_san_fini once it will never run again. */
void pipec_fiber_san_init(fiber_san *san, const fiber_stack *st);
void pipec_fiber_san_thread(fiber_san *san);
void pipec_fiber_san_fini(fiber_san *san);

/*
 * Switches from the running context (whose record is from) to to (record
 * to_san), passing data; returns when something jumps back, with the
 * context that did in *back and its data as the result. final: from will
 * never run again (its fake stack can go).
 */
void *pipec_fiber_switch(fiber_san *from, fiber_san *to_san, fiber_ctx to,
                         void *data, fiber_ctx *back, bool final);

/* Called once on a fiber's stack, first thing, with the record of the
 * context that jumped to it. */
void pipec_fiber_started(fiber_san *self, fiber_san *from);

#pragma GCC visibility pop

#endif
