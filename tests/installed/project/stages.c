/* SPDX-License-Identifier: MIT */
/* stages.c - the extern stage of app.pipe: sums what arrives. */
#include <stdio.h>

#include "app.h"

int app_stage_total(pipec_stage *self, const app_params *params, int replica,
                    int replicas, Num_in *nums)
{
	(void)self, (void)params, (void)replica, (void)replicas;
	Num m;
	long sum = 0;
	while (Num_recv(nums, &m) == PIPEC_OK && m.tag == NUM_VAL)
		sum += Num_Val_val(&m);
	printf("sum %ld\n", sum);
	return 0;
}
