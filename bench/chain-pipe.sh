#!/bin/sh
# SPDX-License-Identifier: MIT
# chain-pipe.sh N - writes to stdout a .pipe file of a chain of N forwarding
# stages between a source and a sink: the shape of the peers' chain.go and
# chain.rs, and a generated .pipe file of any size for measuring pipec and
# the C compiler on it. bench/chain_main.c drives it.
#
#   src -[capacity]-> s0 -[capacity]-> s1 ... s(N-1) -[capacity]-> sink
set -eu
n=${1:?usage: chain-pipe.sh N}
cat <<'HEAD'
pipeline chain;

param count: long = 10000;  // messages the source sends
param capacity: int = 0;    // capacity of every channel

message Num {
	Val(long);
}

stage src(out o: Num) {
	for (long i = 0; i < params->count; i++)
		if (Num_send(o, Num_Val(i)) != PIPEC_OK)
			return 0;
}

// Counts nothing: the run's statistics say what it received.
stage sink(in i: Num) {
	Num m;
	while (Num_recv(i, &m) == PIPEC_OK)
		;
}
HEAD
awk -v n="$n" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "\nstage s%d(in i: Num, out o: Num) {\n\tNum m;\n" \
		       "\twhile (Num_recv(i, &m) == PIPEC_OK)\n" \
		       "\t\tif (Num_send(o, m) != PIPEC_OK)\n\t\t\tbreak;\n}\n", i
	printf "\nsrc"
	for (i = 0; i < n; i++)
		printf " -[capacity]-> s%d", i
	printf " -[capacity]-> sink;\n"
}'
