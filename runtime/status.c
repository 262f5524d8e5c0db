/* SPDX-License-Identifier: MIT */
/*
 * status.c - status names, time, and small helpers every file uses.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

const char *pipec_status_name(pipec_status st)
{
	/* ORDER: pipec_status in pipec.h. */
	static const char *const names[] = {
	        "ok",
	        "closed",
	        "cancelled",
	        "timed out",
	        "would block",
	        "out of memory",
	        "invalid argument",
	        "stage error",
	        "deadlock",
	};
	if ((unsigned)st < sizeof(names) / sizeof(names[0]))
		return names[st];
	return "unknown status";
}

pipec_time pipec_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (pipec_time)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

pipec_time pipec_after_ms(int64_t ms)
{
	pipec_time now = pipec_now();
	if (ms <= 0)
		return now;
	if (ms > (PIPEC_FOREVER - now) / 1000000)
		return PIPEC_FOREVER;
	return now + ms * 1000000;
}

char *pipec_strdup(const char *s)
{
	if (!s)
		s = "";
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}
