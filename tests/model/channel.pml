/*
 * channel.pml - a model of one pipec channel (runtime/chan.c) for spin:
 * NS sender stages and NR receiver stages on a channel of capacity CAP
 * (0: rendezvous), each stage with its own parker (runtime/park.c), an
 * endpoint drop possible instead of any operation, and a whole-run cancel
 * (run.c's cancel_all) at any point. docs/reliability.md maps every name
 * here to the code.
 *
 * Macros (spin -DNAME=VALUE):
 *   CAP      capacity, 0, 1 or 2                      (default 1)
 *   NS, NR   senders, receivers                       (2, 2)
 *   NMSG     messages each sender tries to send       (2)
 *   DROPS    1: a stage may drop its endpoint early   (1)
 *   CANCEL   1: a whole-run cancel may come           (1)
 * and the bugs the checks must catch (make test-model runs them and
 * requires an error):
 *   BUG_NO_TOKEN       the parker sleeps without comparing its counter
 *                      with the token (a wake before the sleep is lost)
 *   BUG_NO_CLOSE_WAKE  dropping the last sender does not wake the
 *                      receivers blocked on the channel (R6)
 *   BUG_NO_RECV_RECHECK  recv_impl does not look at rx->dropped again
 *                      under the lock (as chan.c did until the model found
 *                      it): a receive that passed the check just before a
 *                      cancel dropped its endpoint (the last one) still
 *                      takes a pending sender's message, and that send
 *                      returns OK after the last receiver went (R5, R8)
 *
 * What is checked, and how:
 *   - no deadlock, no lost wake-up: pan's invalid end states (every
 *     process must reach its end; one asleep in the futex with nobody
 *     left to wake it is a lost wake-up) - the safety run;
 *   - R5, R6, R8, R9, conservation: assertions (the safety run);
 *   - R10 and termination: the LTL property `ends` (the liveness run,
 *     pan -a): in every run, every stage returns, cancelled or not.
 *
 * Atomicity: a step of Promela is one atomic action of the code. Steps
 * that only touch what the channel mutex guards (ring, counts, queues,
 * the waiters' state, which in one channel is only compared-and-swapped
 * under the lock) are grouped with the lock's acquisition; the accesses
 * made without the lock (the parker's seq and sleeping, done, cancelled,
 * stopping, dropped) are each a step of their own.
 */

#ifndef CAP
#define CAP 1
#endif
#ifndef NS
#define NS 2
#endif
#ifndef NR
#define NR 2
#endif
#ifndef NMSG
#define NMSG 2
#endif
#ifndef DROPS
#define DROPS 1
#endif
#ifndef CANCEL
#define CANCEL 1
#endif

#define NP (NS + NR)          /* stages: senders 0..NS-1, then receivers */
#define NM (NS * NMSG + 1)    /* message ids 1..NS*NMSG; 0 is none */
#if CAP > 0
#define RING CAP
#else
#define RING 1 /* unused */
#endif

/* pipec_status */
#define OK        0
#define CLOSED    1
#define CANCELLED 2
#define WOULDBLOCK 3

/* waiter.state: WAIT_PENDING, WAIT_ABORTED, or claimed (a case >= 0) */
#define W_IDLE    0
#define W_PENDING 1
#define W_ABORTED 2
#define W_CLAIMED 3

/* A message's fate, for conservation (R7, R8). */
#define M_NONE     0 /* never handed to send */
#define M_INFLIGHT 1 /* handed to send: buffered, offered or being copied */
#define M_RECEIVED 2
#define M_DESTROYED 3

/* ---- struct pipec_chan (under mu) ---- */
bit mu;
byte ring[RING];
byte head, count;
byte nsenders = NS, nreceivers = NR;
chan recvq = [NP] of { byte };
chan sendq = [NP] of { byte };

/* ---- per stage: its parker, its one waiter, its endpoint ---- */
byte seq[NP];       /* pipec_parker.seq */
byte sleeping[NP];  /* pipec_parker.sleeping */
bit infutex[NP];    /* asleep in FUTEX_WAIT (the kernel's side) */
byte state[NP];     /* waiter.state */
bit done[NP];       /* waiter.done */
byte wbuf[NP];      /* waiter.buf: the message offered or received */
bit cancelled[NP];  /* pipec_stage.cancelled */
bit dropped[NP];    /* pipec_tx.dropped / pipec_rx.dropped */
bit txopen[NP];     /* pipec_tx.open */
byte outputs_open[NP];

/* ---- pipec_run ---- */
bit stopping;

/* ---- bookkeeping for the properties (not in the code) ---- */
byte fate[NM];
bit rclosed;        /* the last receiver was dropped */
bit mustfail[NP];   /* queued in sendq when the last receiver went */
bit rxquit;         /* a receiver dropped its endpoint of its own accord */
byte finished;      /* stages that returned */
bit cdone;          /* the cancelling thread is through */

#ifdef LIVE
ltl ends { <> (finished == NP && cdone) }
#endif

#define lock()   atomic { mu == 0 -> mu = 1 }
#define unlock() mu = 0
/* The acquisition and the guarded steps after it, as one step (the
 * acquisition moves right, guarded steps commute). */
#define LOCKED   mu == 0 -> mu = 1

inline deliver(m) {
	assert(fate[m] == M_INFLIGHT); /* received once, never after a destroy */
	assert(nreceivers > 0);        /* R8: none delivered after the last drop */
	fate[m] = M_RECEIVED
}

inline destroy(m) {
	assert(fate[m] == M_INFLIGHT);
	fate[m] = M_DESTROYED
}

/* pipec_parker_wake: the add to seq, then the load of sleeping and the
 * FUTEX_WAKE (one step: splitting them only adds spurious wake-ups,
 * which every caller tolerates). */
inline park_wake(p) {
	seq[p]++;
	if
	:: sleeping[p] > 0 -> infutex[p] = 0
	:: else
	fi
}

/* pipec_parker_wait(p, tok, PIPEC_FOREVER) */
inline park_wait(p, tok) {
	sleeping[p]++;
#ifdef BUG_NO_TOKEN
	infutex[p] = 1;
	infutex[p] == 0;
#else
	if
	:: seq[p] == tok ->
		/* the kernel compares seq with the token once more */
		atomic {
			if
			:: seq[p] == tok -> infutex[p] = 1
			:: else
			fi
		}
		infutex[p] == 0 /* asleep until a FUTEX_WAKE */
	:: else
	fi;
#endif
	sleeping[p]--
}

/* q_wake_all: every queued waiter's parker; the queue is walked in
 * place (rotated back to its order). */
inline q_wake_all(q, k, x) {
	k = len(q);
	do
	:: k > 0 ->
		atomic { q?x; q!x };
		park_wake(x);
		k--
	:: else -> break
	od
}

/* q_claim: the first queued waiter still pending, claimed by CAS; n is
 * NP if none. Under the lock. */
inline q_claim(q, n) {
	n = NP;
	do
	:: nempty(q) ->
		q?n;
		if
		:: state[n] == W_PENDING -> state[n] = W_CLAIMED; break
		:: else -> n = NP
		fi
	:: empty(q) -> break
	od
}

/* finish: done (stored by the caller, last in its guarded step), then
 * the wake (w's memory may be gone after done). */
inline finish_wake(n) {
	if
	:: n < NP -> park_wake(n)
	:: else
	fi
}

inline ring_push(m) {
	assert(count < CAP);
	assert(nreceivers > 0); /* R8: nothing buffered once nobody receives */
	ring[(head + count) % RING] = m;
	count++
}

/* pipec_stage_cancel_one: the stage's own drop of its receivers
 * (pipec_cancel_list_run) follows in the caller. */
inline cancel_one(s, was) {
	atomic { was = cancelled[s]; cancelled[s] = 1 };
	if
	:: !was -> park_wake(s)
	:: else
	fi
}

/* pipec_rx_drop_into (R5, R8, R9) */
inline rx_drop(r, k, x, was) {
	atomic { was = dropped[r]; dropped[r] = 1 };
	if
	:: !was ->
		atomic {
			LOCKED;
			nreceivers--;
			if
			:: nreceivers == 0 ->
				rclosed = 1;
				/* take_leftovers + drop_messages (R8); the
				 * code destroys them after unlocking */
				do
				:: count > 0 ->
					destroy(ring[head]);
					head = (head + 1) % RING;
					count--
				:: else -> break
				od;
				head = 0;
				for (k : 0 .. NP - 1) {
					if
					:: sendq ?? [eval(k)] -> mustfail[k] = 1
					:: else
					fi
				}
			:: else
			fi
		};
		if
		:: nreceivers == 0 ->
			q_wake_all(sendq, k, x);
			/* R9: each sender stage loses its one output */
			for (k : 0 .. NS - 1) {
				if
				:: txopen[k] ->
					txopen[k] = 0;
					outputs_open[k]--;
					if
					:: outputs_open[k] == 0 -> cancel_one(k, was)
					:: else
					fi
				:: else
				fi
			}
		:: else
		fi;
		unlock()
	:: else
	fi
}

/* pipec_tx_drop_into (R6) */
inline tx_drop(t, k, x) {
	dropped[t] = 1;
	atomic {
		LOCKED;
		if
		:: txopen[t] -> txopen[t] = 0; outputs_open[t]--
		:: else
		fi;
		nsenders--
	};
	if
	:: nsenders == 0 ->
#ifndef BUG_NO_CLOSE_WAKE
		q_wake_all(recvq, k, x)
#else
		skip
#endif
	:: else
	fi;
	unlock()
}

/* await_done: until the claimer has published its copy. */
inline await_done() {
	do
	:: tok = seq[me];
		if
		:: done[me] -> break
		:: else -> park_wait(me, tok)
		fi
	od
}

/*
 * await_peer: wait for a peer to complete our queued waiter. On OK the
 * lock is free; otherwise the node is unqueued, the waiter aborted and
 * the lock HELD (as in chan.c).
 */
inline await_peer(q, peers) {
	first = 1;
	st = OK;
	do
	:: if
		:: !first -> tok = seq[me]
		:: else
		fi;
		if
		:: done[me] ->
			atomic { LOCKED; unlock() } /* peer_finished */
			break
		:: else
		fi;
		if
		:: cancelled[me] || stopping -> st = CANCELLED
		:: else ->
			if
			:: !first ->
				atomic {
					LOCKED;
					if
					:: peers == 0 || dropped[me] -> st = CLOSED
					:: else
					fi;
					unlock()
				}
			:: else
			fi
		fi;
		if
		:: st == OK -> park_wait(me, tok); first = 0
		:: else ->
			atomic {
				LOCKED;
				if
				:: q ?? [eval(me)] -> q ?? eval(me)
				:: else
				fi;
				if
				:: state[me] == W_PENDING -> /* abort_wait's CAS */
					state[me] = W_ABORTED
				:: else
				fi
			};
			if
			:: state[me] == W_ABORTED -> break /* lock held */
			:: else ->
				await_done();
				unlock();
				st = OK;
				break
			fi
		fi
	od
}

/* closed_or_stopping */
inline report(st) {
	if
	:: st == CLOSED && stopping -> st = CANCELLED
	:: else
	fi
}

/* recv_now, under the lock, up to finish()'s store to done[n]: the
 * caller then wakes n (finish_wake) if n < NP. */
inline recv_now(st, m, n) {
	if
	:: count > 0 ->
		m = ring[head];
		deliver(m);
		head = (head + 1) % RING;
		count--;
		q_claim(sendq, n);
		if
		:: n < NP -> ring_push(wbuf[n]); done[n] = 1
		:: else
		fi;
		st = OK
	:: else ->
		q_claim(sendq, n);
		if
		:: n < NP -> /* rendezvous */
			m = wbuf[n];
			deliver(m);
			done[n] = 1;
			st = OK
		:: else ->
			if
			:: nsenders == 0 ->
				assert(count == 0); /* R6: closed only once drained */
				st = CLOSED
			:: else -> st = WOULDBLOCK
			fi
		fi
	fi
}

proctype Sender(byte me)
{
	byte i, m, st, tok, n, k, x;
	bit first, late;

	for (i : 1 .. NMSG) {
		if
		:: DROPS -> break /* drops its endpoint instead */
		:: true
		fi;
		m = me * NMSG + i;
		atomic { fate[m] = M_INFLIGHT; late = rclosed };
		/* send_impl */
		if
		:: cancelled[me] || stopping -> st = CANCELLED; goto refused
		:: else
		fi;
		atomic {
			LOCKED;
			/* send_now */
			n = NP;
			if
			:: nreceivers == 0 -> st = CLOSED
			:: else ->
				q_claim(recvq, n);
				if
				:: n < NP ->
					wbuf[n] = m;
					deliver(m);
					done[n] = 1;
					st = OK
				:: else ->
					if
					:: count < CAP -> ring_push(m); st = OK
					:: else -> st = WOULDBLOCK
					fi
				fi
			fi
		};
		finish_wake(n);
		atomic {
			if
			:: st != WOULDBLOCK -> unlock()
			:: else ->
				/* offer the message, wait for a receiver */
				state[me] = W_PENDING;
				done[me] = 0;
				wbuf[me] = m;
				tok = seq[me]; /* before the node is visible */
				sendq!me;
				unlock()
			fi
		};
		if
		:: st != WOULDBLOCK -> goto sent
		:: else
		fi;
		await_peer(sendq, nreceivers);
		if
		:: st != OK -> unlock()
		:: else
		fi;
sent:
		if
		:: st == OK -> goto next
		:: else
		fi;
refused:
		destroy(m); /* refuse (R7) */
		report(st);
next:
		assert(!late || st != OK);           /* R5: later sends fail */
		assert(!mustfail[me] || st != OK);   /* R5: pending sends fail */
		/* R9: woken, failed, and its stage cancelled (the status may
		 * be CLOSED: the peer count can be seen before the flag) */
		assert(!mustfail[me] || cancelled[me]);
		if
		:: st != OK -> break /* the stage returns */
		:: else
		fi
	}
	tx_drop(me, k, x); /* return is drop */
	finished++
}

proctype Receiver(byte me)
{
	byte m, st, tok, n, k, x;
	bit first, was;

	do
	:: DROPS -> rxquit = 1; break /* drops its endpoint instead */
	:: true ->
		/* recv_impl */
		if
		:: cancelled[me] || stopping -> st = CANCELLED; goto got
		:: else
		fi;
		if
		:: dropped[me] -> st = CLOSED; goto got
		:: else
		fi;
		atomic {
			LOCKED;
#ifndef BUG_NO_RECV_RECHECK
			/* the endpoint looked at again under the lock */
			if
			:: dropped[me] -> st = CLOSED; n = NP
			:: else -> recv_now(st, m, n)
			fi
#else
			recv_now(st, m, n)
#endif
		};
		finish_wake(n);
		atomic {
			if
			:: st != WOULDBLOCK -> unlock()
			:: else ->
				state[me] = W_PENDING;
				done[me] = 0;
				tok = seq[me]; /* before the node is visible */
				recvq!me;
				unlock()
			fi
		};
		if
		:: st != WOULDBLOCK -> goto got
		:: else
		fi;
		await_peer(recvq, nsenders);
		if
		:: st == OK ->
			/* the sender copied wbuf[me] and counted it delivered */
			m = wbuf[me]
		:: else ->
			if
			:: st == CLOSED && !dropped[me] ->
				atomic { recv_now(st, m, n) };
				finish_wake(n)
			:: else
			fi;
			unlock()
		fi;
got:
		report(st);
		if
		:: st != OK -> break
		:: else
		fi
	od;
	rx_drop(me, k, x, was); /* return is drop */
	finished++
}

/* cancel_all (run.c): stopping, every stage cancelled and woken, then the
 * cancelled stages' receivers dropped. */
proctype Canceller()
{
	byte s, k, x;
	bit was;
	bit mine[NP];

	if
	:: CANCEL ->
		stopping = 1;
		for (s : 0 .. NP - 1) {
			cancel_one(s, was);
			mine[s] = !was
		}
		for (s : NS .. NP - 1) {
			if
			:: mine[s] -> rx_drop(s, k, x, was)
			:: else
			fi
		}
	:: true
	fi;
	cdone = 1
}

/* At the end: conservation and R6. */
proctype Checker()
{
	byte m;

	finished == NP && cdone; /* every thread joined */
	for (m : 1 .. NM - 1) {
		/* every message sent was received or destroyed, once */
		assert(fate[m] != M_INFLIGHT);
		/* R6: with every receiver to the end, nothing is lost */
		assert(stopping || rxquit || fate[m] != M_DESTROYED)
	}
}

init
{
	byte p;

	atomic {
		for (p : 0 .. NS - 1) {
			txopen[p] = 1; /* pipec_chan_count_open_outputs */
			outputs_open[p] = 1
		}
		for (p : 0 .. NS - 1) {
			run Sender(p)
		}
		for (p : NS .. NP - 1) {
			run Receiver(p)
		}
		run Canceller();
		run Checker()
	}
}
