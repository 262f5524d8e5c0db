/* SPDX-License-Identifier: MIT */
/*
 * owned.c - runs owned.pipe through its API (no generated main) with
 * several limits and capacities, and checks the drop hook's accounting:
 * every string allocated (by gen or by the copy hook) is freed exactly once.
 */
#include <stdio.h>

#include "owned.h"

int main(void)
{
	static const long limits[] = {0, 1, 10, 1000};
	static const int capacities[] = {0, 1, 8};
	int failed = 0;
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		for (size_t j = 0; j < 3; j++) {
			owned_params params;
			owned_params_init(&params);
			params.limit = limits[i];
			params.capacity = capacities[j];
			atomic_store(&owned_allocs, 0);
			atomic_store(&owned_frees, 0);
			atomic_store(&owned_mirrored, 0);
			owned_pipeline *pl;
			pipec_status st = owned_new(&params, &pl);
			if (st == PIPEC_OK)
				st = pipec_run_exec(pl->run);
			owned_free(pl);
			long a = atomic_load(&owned_allocs);
			long f = atomic_load(&owned_frees);
			long m = atomic_load(&owned_mirrored);
			bool ok = st == PIPEC_OK && a == f && a >= limits[i] &&
			          m == 2 * limits[i];
			printf("limit %ld capacity %d: %s\n", limits[i],
			       capacities[j], ok ? "ok" : "WRONG");
			if (!ok)
				fprintf(stderr,
				        "status %s, %ld allocated, %ld "
				        "freed, %ld mirrored\n",
				        pipec_status_name(st), a, f, m);
			failed += !ok;
		}
	}
	return failed != 0;
}
