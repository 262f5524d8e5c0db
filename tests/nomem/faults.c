/* SPDX-License-Identifier: MIT */
/*
 * faults.c - the allocation hooks of pipec's out-of-memory test build,
 * $(O)/tests/nomem/pipec-faults (tests/nomem/nomem.mk), linked with
 * -Wl,--wrap for each function below.
 *
 * Every allocation the compiler asks for is counted: malloc, calloc,
 * realloc, and the FILE that fopen, fdopen and open_memstream allocate.
 * Attempt N (from 0), where N is PIPEC_FAIL_AT, fails as it would with
 * no memory left: NULL, errno ENOMEM. At exit, if PIPEC_FAULTS_REPORT
 * names a file, it gets one line "ATTEMPTS FAILED": how many allocations
 * were asked for, and which one failed (-1: none), so that a sweep knows
 * when N has passed the last one (tests/nomem/compiler.sh).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
FILE *__real_fopen(const char *path, const char *mode);
FILE *__real_fdopen(int fd, const char *mode);
FILE *__real_open_memstream(char **buf, size_t *len);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
FILE *__wrap_fopen(const char *path, const char *mode);
FILE *__wrap_fdopen(int fd, const char *mode);
FILE *__wrap_open_memstream(char **buf, size_t *len);

static long attempts;
static long fail_at = -2; /* -2: not read yet; -1: none */
static long failed = -1;

static void report(void)
{
	const char *path = getenv("PIPEC_FAULTS_REPORT");
	if (!path || !*path)
		return;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dprintf(fd, "%ld %ld\n", attempts, failed);
		close(fd);
	}
}

/* Whether this attempt fails (errno set if so). */
static int fails(void)
{
	if (fail_at == -2) {
		const char *n = getenv("PIPEC_FAIL_AT");
		fail_at = n && *n ? strtol(n, NULL, 10) : -1;
		atexit(report);
	}
	if (attempts++ != fail_at)
		return 0;
	failed = fail_at;
	errno = ENOMEM;
	return 1;
}

void *__wrap_malloc(size_t size)
{
	return fails() ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return fails() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return fails() ? NULL : __real_realloc(p, size);
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
	return fails() ? NULL : __real_fopen(path, mode);
}

FILE *__wrap_fdopen(int fd, const char *mode)
{
	return fails() ? NULL : __real_fdopen(fd, mode);
}

FILE *__wrap_open_memstream(char **buf, size_t *len)
{
	return fails() ? NULL : __real_open_memstream(buf, len);
}
