/* SPDX-License-Identifier: MIT */
/*
 * primes_stages.c - the extern stages of primes.pipe. Each is the
 * function the generated header declares, primes_stage_NAME, with the
 * stage's ports as typed arguments; it returns 0 or an error code, like
 * an inline body.
 */
#include <stdbool.h>

#include "primes.h"

int primes_stage_count(pipec_stage *self, const primes_params *params,
                       int replica, int replicas, Num_out *nums)
{
	(void)self, (void)replica, (void)replicas;
	for (long i = 2; i <= params->limit; i++)
		if (Num_send(nums, Num_Candidate(i)) != PIPEC_OK)
			break; /* nobody listens any more: stop */
	return 0;
}

static bool is_prime(long n)
{
	for (long d = 2; d * d <= n; d++)
		if (n % d == 0)
			return false;
	return n >= 2;
}

int primes_stage_sieve(pipec_stage *self, const primes_params *params,
                       int replica, int replicas, Num_in *nums, Num_out *primes)
{
	(void)self, (void)params, (void)replica, (void)replicas;
	Num m;
	while (Num_recv(nums, &m) == PIPEC_OK) {
		long n = Num_Candidate_val(&m);
		if (is_prime(n) && Num_send(primes, Num_Prime(n)) != PIPEC_OK)
			break;
	}
	return 0;
}
