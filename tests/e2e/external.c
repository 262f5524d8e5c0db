/* SPDX-License-Identifier: MIT */
/*
 * external.c - the extern stage `scale` of external.pipe, written against
 * the generated external.h.
 */
#include "external.h"

int external_stage_scale(pipec_stage *self, const external_params *params,
                         int replica, int replicas, Num_in *i, Num_out *o)
{
	if (replica < 0 || replica >= replicas)
		return pipec_stage_fail(self, 5, "replica %d of %d", replica,
		                        replicas);
	if (params->factor < 0)
		return pipec_stage_fail(self, 2, "negative factor %ld",
		                        params->factor);
	Num m;
	while (Num_recv(i, &m) == PIPEC_OK)
		if (Num_send(o, Num_Val(Num_Val_val(&m) * params->factor)) !=
		    PIPEC_OK)
			break;
	return 0;
}
