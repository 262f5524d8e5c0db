/* SPDX-License-Identifier: MIT */
/*
 * rt_faults.c - the allocation hooks of the examples' out-of-memory
 * builds, $(O)/tests/nomem/NAME (tests/nomem/nomem.mk): each example's
 * generated code and its own files, linked against the runtime's test
 * build (-DPIPEC_FAULTS, runtime/internal.h), whose every allocation
 * comes here.
 *
 * Attempt N (from 0), where N is PIPEC_FAIL_AT, fails. At exit, if
 * PIPEC_FAULTS_REPORT names a file, it gets one line "ATTEMPTS FAILED
 * LIVE": how many allocations the runtime asked for, which one failed
 * (-1: none), and how many blocks were still allocated - every one is a
 * leak, since the run has been freed by then (R12).
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void *pipec_fault_malloc(size_t size);
void *pipec_fault_calloc(size_t n, size_t size);
void pipec_fault_free(void *p);

static atomic_long attempts;
static atomic_long live;
static long fail_at = -1;
static atomic_long failed = -1;

static void report(void)
{
	const char *path = getenv("PIPEC_FAULTS_REPORT");
	if (!path || !*path)
		return;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dprintf(fd, "%ld %ld %ld\n", atomic_load(&attempts),
		        atomic_load(&failed), atomic_load(&live));
		close(fd);
	}
}

/* Before main: the stages' threads do not exist yet. */
__attribute__((constructor)) static void setup(void)
{
	const char *n = getenv("PIPEC_FAIL_AT");
	if (n && *n)
		fail_at = strtol(n, NULL, 10);
	atexit(report);
}

static int fails(void)
{
	long k = atomic_fetch_add(&attempts, 1);
	if (k != fail_at)
		return 0;
	atomic_store(&failed, k);
	return 1;
}

void *pipec_fault_malloc(size_t size)
{
	void *p = fails() ? NULL : malloc(size);
	if (p)
		atomic_fetch_add(&live, 1);
	return p;
}

void *pipec_fault_calloc(size_t n, size_t size)
{
	void *p = fails() ? NULL : calloc(n, size);
	if (p)
		atomic_fetch_add(&live, 1);
	return p;
}

void pipec_fault_free(void *p)
{
	if (p)
		atomic_fetch_sub(&live, 1);
	free(p);
}
