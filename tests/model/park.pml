/* SPDX-License-Identifier: MIT */
/*
 * park.pml - the coroutine park and wake protocol of runtime/pool.c,
 * checked by spin: one fiber waits for NW events, each set by a waker
 * (another fiber, a thread, the poller) that then wakes it.
 *
 * The fiber (pipec_fiber_park) reads its parker's token, looks at its
 * condition, and parks only if no wake came since the token: it switches
 * to its worker's scheduler, or straight to the fiber in its worker's
 * runnext, which (parked()) publishes it PARKED and looks at the counter
 * once more, making it RUNNABLE itself if a wake came in between. Either
 * is modelled by the same steps: they run once the parking fiber's stack
 * is no longer in use, on its worker. A waker (pipec_parker_wake, pipec_fiber_wake) bumps the
 * counter and, if it sees PARKED, takes the fiber to RUNNABLE with a
 * compare-and-swap and queues it (make_ready). A worker resumes a queued
 * fiber (run_fiber).
 *
 * Checked: the fiber always gets to its end (a lost wake-up leaves it
 * parked forever: an invalid end state), and it is never queued twice for
 * one park (two workers would run it at once). BUG_NO_RECHECK leaves out
 * the scheduler's second look, and must fail.
 */

#ifndef NW
#define NW 2
#endif

#define RUNNABLE 0
#define RUNNING  1
#define PARKED   2

byte seq = 0;     /* the parker's counter */
byte state = RUNNING;
byte queued = 0;  /* queued and not yet resumed */
byte events = 0;  /* the fiber's condition: events == NW */

active proctype fiber()
{
	byte tok;
	do
	:: tok = seq;
	   if
	   :: events == NW -> break
	   :: else -> skip
	   fi;
	   if
	   :: seq != tok -> skip /* a wake came: look again */
	   :: else ->
		/* switched away; the scheduler's parked(): */
		state = PARKED;
#ifndef BUG_NO_RECHECK
		if
		:: seq != tok ->
			atomic {
				if
				:: state == PARKED ->
					state = RUNNABLE;
					assert(queued == 0);
					queued++
				:: else -> skip
				fi
			}
		:: else -> skip
		fi;
#endif
		/* a worker resumes it */
		atomic {
			queued > 0 ->
			queued--;
			assert(state == RUNNABLE);
			state = RUNNING
		}
	   fi
	od
}

active [NW] proctype waker()
{
	bool won = false;
	events++;
	seq++;
	atomic {
		if
		:: state == PARKED -> state = RUNNABLE; won = true
		:: else -> skip
		fi
	}
	/* make_ready, after the compare-and-swap */
	if
	:: won -> atomic { assert(queued == 0); queued++ }
	:: else -> skip
	fi
}
