/* SPDX-License-Identifier: MIT */
/*
 * errno.c - errno for stage bodies that may move between threads.
 *
 * pipec.h defines errno as (*pipec_errno()). This file alone sees the C
 * library's errno, so it does not include pipec.h.
 */
#include <errno.h>

int *pipec_errno(void);

int *pipec_errno(void)
{
	/* A C library declares its errno function const (glibc's
	 * __errno_location()), which lets the compiler call it once per
	 * function. The empty asm makes this one impure in the optimiser's
	 * eyes, even with link-time optimisation: each use of errno calls it
	 * afresh, on the thread the stage runs on now. A call costs about
	 * 2 ns. */
	__asm__ volatile("" ::: "memory");
	return &errno;
}
