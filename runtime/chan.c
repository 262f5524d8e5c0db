/* SPDX-License-Identifier: MIT */
/*
 * chan.c - channels, endpoints, send, receive, select, wait for demand.
 *
 * A channel is a ring buffer of fixed-size messages under its own mutex,
 * plus three queues of waiting threads. Operations that can complete at
 * once (room in the buffer, a message buffered, a peer already waiting)
 * take the lock, copy, and return: no system call. A peer that is waiting
 * is served directly: a sender copies its message straight into a waiting
 * receiver's buffer; a receiver takes a waiting sender's message (a
 * rendezvous) or moves it into the room it just made (a full channel), so
 * each blocked thread is woken once, already done.
 *
 * Who completes a wait is settled by one compare-and-swap on the waiter's
 * state (internal.h), which is what lets one select wait on several
 * channels, each under its own lock.
 */
#define _GNU_SOURCE /* CLOCK_MONOTONIC_COARSE */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/* ------------------------------------------------------------------ */
/* Wait queues (under the channel lock)                                */
/* ------------------------------------------------------------------ */

static void q_push(waitq *q, waitnode *n)
{
	n->next = NULL;
	n->prev = q->tail;
	if (q->tail)
		q->tail->next = n;
	else
		q->head = n;
	q->tail = n;
	n->queued = true;
}

static void q_remove(waitq *q, waitnode *n)
{
	if (!n->queued)
		return;
	if (n->prev)
		n->prev->next = n->next;
	else
		q->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		q->tail = n->prev;
	n->next = n->prev = NULL;
	n->queued = false;
}

/* Wakes every waiter of q to recheck (closure); they unqueue themselves. */
static void q_wake_all(waitq *q)
{
	for (waitnode *n = q->head; n; n = n->next)
		pipec_parker_wake(n->w->parker);
}

/*
 * Takes the first waiter of q that is still pending and claims it for its
 * case; waiters already completed elsewhere (a select) or giving up are
 * unqueued on the way. The caller then copies, and calls finish().
 */
static waitnode *q_claim(waitq *q)
{
	waitnode *n;
	while ((n = q->head)) {
		q_remove(q, n);
		int expected = WAIT_PENDING;
		if (atomic_compare_exchange_strong(&n->w->state, &expected,
		                                   n->index))
			return n;
	}
	return NULL;
}

/* Publishes a claimed waiter's completion (after the copy) and wakes it. */
static void finish(waitnode *n)
{
	waiter *w = n->w;
	pipec_parker *p = w->parker;
	atomic_store_explicit(&w->done, true, memory_order_release);
	/* w may be gone once done is seen: use only p from here. */
	pipec_parker_wake(p);
}

/* True if some receiver is blocked on ch and would take a message now. */
static bool has_waiting_receiver(const pipec_chan *ch)
{
	for (const waitnode *n = ch->recvq.head; n; n = n->next)
		if (atomic_load(&n->w->state) == WAIT_PENDING)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* The ring buffer (under the channel lock)                            */
/* ------------------------------------------------------------------ */

static unsigned char *slot(const pipec_chan *ch, size_t i)
{
	return ch->ring + ((ch->head + i) % ch->ring_cap) * ch->elem;
}

/* Moves the buffered messages into a ring of new_cap slots. */
static bool ring_resize(pipec_chan *ch, size_t new_cap)
{
	if (new_cap > SIZE_MAX / ch->elem)
		return false;
	unsigned char *ring = malloc(new_cap * ch->elem);
	if (!ring)
		return false;
	for (size_t i = 0; i < ch->count; i++)
		memcpy(ring + i * ch->elem, slot(ch, i), ch->elem);
	free(ch->ring);
	ch->ring = ring;
	ch->ring_cap = new_cap;
	ch->head = 0;
	return true;
}

/* Appends a message; the caller has checked count < cap. Grows the ring
 * as needed (never beyond cap). False if out of memory. */
static bool ring_push(pipec_chan *ch, const void *msg)
{
	if (ch->count == ch->ring_cap) {
		size_t n = ch->ring_cap ? ch->ring_cap * 2 : 8;
		if (n < ch->ring_cap || n > ch->cap)
			n = ch->cap;
		if (!ring_resize(ch, n))
			return false;
	}
	memcpy(slot(ch, ch->count), msg, ch->elem);
	ch->count++;
	ch->sent++;
	if (ch->count > ch->peak)
		ch->peak = ch->count;
	return true;
}

static void ring_pop(pipec_chan *ch, void *out)
{
	memcpy(out, slot(ch, 0), ch->elem);
	ch->head = (ch->head + 1) % ch->ring_cap;
	ch->count--;
	ch->received++;
}

/* An unbounded channel returns memory as it drains (R2): the ring halves
 * when a quarter full. A bounded one keeps what it grew to (at most its
 * capacity, which the user chose). A failed shrink is harmless. */
static void ring_maybe_shrink(pipec_chan *ch)
{
	if (ch->cap == PIPEC_UNBOUNDED && ch->ring_cap > 64 &&
	    ch->count < ch->ring_cap / 4)
		ring_resize(ch, ch->ring_cap / 2);
}

/* ------------------------------------------------------------------ */
/* Channels                                                            */
/* ------------------------------------------------------------------ */

pipec_chan *pipec_chan_new(const pipec_chan_spec *spec)
{
	if (!spec || spec->elem_size == 0)
		return NULL;
	pipec_chan *ch = calloc(1, sizeof(*ch));
	if (!ch)
		return NULL;
	ch->name = pipec_strdup(spec->name ? spec->name : "channel");
	if (!ch->name) {
		free(ch->name);
		free(ch);
		return NULL;
	}
	ch->elem = spec->elem_size;
	ch->cap = spec->capacity;
	ch->drop = spec->drop;
	ch->drop_ctx = spec->drop_ctx;
	atomic_init(&ch->refs, 1);
	return ch;
}

/* Destroys n messages stored contiguously at msgs (R7, R8). */
static void drop_messages(const pipec_chan *ch, unsigned char *msgs, size_t n)
{
	if (ch->drop)
		for (size_t i = 0; i < n; i++)
			ch->drop(msgs + i * ch->elem, ch->drop_ctx);
}

/* Destroys a message handed to a send that failed (R7). */
static void refuse(const pipec_chan *ch, const void *msg)
{
	/* The message belongs to the runtime now; its bytes are the
	 * caller's, handed over for this one call. */
	if (ch->drop)
		ch->drop((void *)msg, ch->drop_ctx);
}

/*
 * Takes every buffered message out of ch (under its lock) as one
 * contiguous array for drop_messages() after the lock is released.
 * Sets *n; NULL when there is nothing (or no hook to call).
 */
static unsigned char *take_leftovers(pipec_chan *ch, size_t *n)
{
	unsigned char *msgs = NULL;
	*n = ch->count;
	ch->dropped += ch->count;
	if (ch->count && ch->drop) {
		if (ch->head + ch->count > ch->ring_cap) /* wrapped */
			ring_resize(ch, ch->ring_cap);
		if (ch->head + ch->count <= ch->ring_cap) {
			memmove(ch->ring, slot(ch, 0), ch->count * ch->elem);
			msgs = ch->ring;
		} else {
			/* Could not unwrap (out of memory): drop in place,
			 * under the lock. */
			for (size_t i = 0; i < ch->count; i++)
				ch->drop(slot(ch, i), ch->drop_ctx);
			free(ch->ring);
			*n = 0;
		}
	} else {
		free(ch->ring);
	}
	ch->ring = NULL;
	ch->ring_cap = ch->head = ch->count = 0;
	return msgs;
}

void pipec_chan_unref(pipec_chan *ch)
{
	if (!ch || atomic_fetch_sub(&ch->refs, 1) != 1)
		return;
	size_t n;
	unsigned char *msgs = take_leftovers(ch, &n);
	drop_messages(ch, msgs, n);
	free(msgs);
	free(ch->name);
	free(ch);
}

void pipec_chan_count_open_outputs(pipec_chan *ch)
{
	chan_lock(ch);
	for (pipec_tx *tx = ch->txs; tx; tx = tx->ch_next) {
		tx->open = tx->owner && ch->nreceivers > 0;
		if (tx->open)
			atomic_fetch_add(&tx->owner->outputs_open, 1);
	}
	chan_unlock(ch);
}

/* ------------------------------------------------------------------ */
/* Endpoints                                                           */
/* ------------------------------------------------------------------ */

pipec_tx *pipec_tx_new(pipec_chan *ch, pipec_stage *owner)
{
	pipec_tx *tx = calloc(1, sizeof(*tx));
	if (!tx)
		return NULL;
	tx->ch = ch;
	tx->owner = owner;
	atomic_fetch_add(&ch->refs, 1);
	chan_lock(ch);
	ch->nsenders++;
	tx->ch_next = ch->txs;
	if (ch->txs)
		ch->txs->ch_prev = tx;
	ch->txs = tx;
	tx->open = owner && ch->nreceivers > 0;
	if (tx->open)
		atomic_fetch_add(&owner->outputs_open, 1);
	chan_unlock(ch);
	if (owner) {
		tx->stage_next = atomic_load(&owner->txs);
		while (!atomic_compare_exchange_weak(&owner->txs,
		                                     &tx->stage_next, tx))
			;
	}
	return tx;
}

pipec_rx *pipec_rx_new(pipec_chan *ch, pipec_stage *owner)
{
	pipec_rx *rx = calloc(1, sizeof(*rx));
	if (!rx)
		return NULL;
	rx->ch = ch;
	rx->owner = owner;
	atomic_fetch_add(&ch->refs, 1);
	chan_lock(ch);
	ch->nreceivers++;
	chan_unlock(ch);
	if (owner) {
		rx->stage_next = atomic_load(&owner->rxs);
		while (!atomic_compare_exchange_weak(&owner->rxs,
		                                     &rx->stage_next, rx))
			;
		/* A stage cancelled meanwhile has had its receivers dropped;
		 * this one must go too (cancellation drops inputs, R9). */
		if (atomic_load(&owner->cancelled)) {
			cancel_list todo = {NULL};
			pipec_rx_drop_into(rx, &todo);
			pipec_cancel_list_run(&todo);
		}
	}
	return rx;
}

void pipec_tx_free(pipec_tx *tx)
{
	pipec_chan_unref(tx->ch);
	free(tx);
}

void pipec_rx_free(pipec_rx *rx)
{
	pipec_chan_unref(rx->ch);
	free(rx);
}

void pipec_tx_drop_into(pipec_tx *tx, cancel_list *todo)
{
	(void)todo; /* dropping one's own output never cancels (docs) */
	if (atomic_exchange(&tx->dropped, true))
		return;
	pipec_chan *ch = tx->ch;
	chan_lock(ch);
	if (tx->ch_prev)
		tx->ch_prev->ch_next = tx->ch_next;
	else
		ch->txs = tx->ch_next;
	if (tx->ch_next)
		tx->ch_next->ch_prev = tx->ch_prev;
	tx->ch_next = tx->ch_prev = NULL;
	if (tx->open) {
		tx->open = false;
		atomic_fetch_sub(&tx->owner->outputs_open, 1);
	}
	if (--ch->nsenders == 0)
		q_wake_all(&ch->recvq); /* end of stream (R6) */
	chan_unlock(ch);
}

void pipec_rx_drop_into(pipec_rx *rx, cancel_list *todo)
{
	if (atomic_exchange(&rx->dropped, true))
		return;
	pipec_chan *ch = rx->ch;
	unsigned char *leftovers = NULL;
	size_t nleft = 0;
	chan_lock(ch);
	if (--ch->nreceivers == 0) {
		/* Nobody will ever receive: destroy what is buffered now
		 * (R8), fail every waiting sender (R5), and tell every
		 * sending stage that one more output is closed (R9). */
		leftovers = take_leftovers(ch, &nleft);
		q_wake_all(&ch->sendq);
		q_wake_all(&ch->demandq);
		for (pipec_tx *tx = ch->txs; tx; tx = tx->ch_next) {
			if (!tx->open)
				continue;
			tx->open = false;
			if (atomic_fetch_sub(&tx->owner->outputs_open, 1) == 1)
				pipec_stage_cancel_one(tx->owner, todo);
		}
	}
	chan_unlock(ch);
	drop_messages(ch, leftovers, nleft);
	free(leftovers);
}

pipec_status pipec_channel(const pipec_chan_spec *spec, pipec_tx **tx,
                           pipec_rx **rx)
{
	if (!tx || !rx || !spec || spec->elem_size == 0)
		return PIPEC_EINVAL;
	*tx = NULL;
	*rx = NULL;
	pipec_chan *ch = pipec_chan_new(spec);
	if (!ch)
		return PIPEC_NOMEM;
	*tx = pipec_tx_new(ch, NULL);
	*rx = *tx ? pipec_rx_new(ch, NULL) : NULL;
	if (!*rx) {
		if (*tx) {
			pipec_tx_drop_into(*tx, NULL);
			pipec_tx_free(*tx);
			*tx = NULL;
		}
		pipec_chan_unref(ch);
		return PIPEC_NOMEM;
	}
	pipec_chan_unref(ch); /* the endpoints hold it now */
	return PIPEC_OK;
}

pipec_tx *pipec_tx_clone(pipec_tx *tx)
{
	if (!tx || atomic_load(&tx->dropped))
		return NULL;
	return pipec_tx_new(tx->ch, tx->owner);
}

pipec_rx *pipec_rx_clone(pipec_rx *rx)
{
	if (!rx || atomic_load(&rx->dropped))
		return NULL;
	return pipec_rx_new(rx->ch, rx->owner);
}

void pipec_tx_drop(pipec_tx *tx)
{
	if (!tx)
		return;
	pipec_tx_drop_into(tx, NULL);
	if (!tx->owner)
		pipec_tx_free(tx);
}

void pipec_rx_drop(pipec_rx *rx)
{
	if (!rx)
		return;
	cancel_list todo = {NULL};
	pipec_rx_drop_into(rx, &todo);
	pipec_cancel_list_run(&todo);
	if (!rx->owner)
		pipec_rx_free(rx);
}

bool pipec_tx_closed(const pipec_tx *tx)
{
	if (!tx || atomic_load(&tx->dropped))
		return true;
	chan_lock(tx->ch);
	bool closed = tx->ch->nreceivers == 0;
	chan_unlock(tx->ch);
	return closed;
}

/* ------------------------------------------------------------------ */
/* Blocking                                                            */
/* ------------------------------------------------------------------ */

static pipec_parker *parker_of(pipec_stage *s)
{
	return s ? &s->parker : pipec_parker_self();
}

/*
 * The clock of the statistics' wait times: the coarse monotonic clock, a
 * memory read (the precise one costs 50-100 ns here, and a blocking
 * operation read it twice: a fifth of a coroutine hand-off). Each wait is
 * measured to a tick (a few ms), but the ticks fall at random points of
 * the waits, so the sum over many waits stays right.
 */
static pipec_time wait_clock(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (pipec_time)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void account_wait(pipec_stage *s, pipec_time since)
{
	if (s)
		s->wait_ns += (uint64_t)(wait_clock() - since);
}

/* Says what the stage waits for (the deadlock report), or that it no
 * longer waits (ch NULL). */
static void waiting_on(pipec_stage *s, const pipec_chan *ch, const char *what)
{
	atomic_store_explicit(&s->wait_what, what, memory_order_relaxed);
	atomic_store_explicit(&s->wait_chan, ch, memory_order_relaxed);
}

/* Waits for a claimed waiter's completion to be published (the claimer
 * is copying under a channel lock and will wake us). */
static void await_done(waiter *w)
{
	for (;;) {
		uint32_t tok = pipec_parker_token(w->parker);
		if (atomic_load_explicit(&w->done, memory_order_acquire))
			return;
		pipec_parker_wait(w->parker, tok, PIPEC_FOREVER);
	}
}

/*
 * Returns once the peer that completed our wait on ch has let go of it: it
 * did so under ch's lock, and may still be waking our parker (which, for a
 * thread outside any run, dies with the thread).
 *
 * A stage needs no such wait: its parker lives as long as its run, and
 * its peers are the run's stages (only pipec_stage_tx and pipec_stage_rx
 * make endpoints on a run's channel), so the run cannot end while one is
 * still waking it. That saves a lock and an unlock of a channel at every
 * hand-off to a waiting stage.
 */
static void peer_finished(pipec_chan *ch, const pipec_stage *self)
{
	if (self)
		return;
	chan_lock(ch);
	chan_unlock(ch);
}

/*
 * Gives up a wait: returns true if nobody completed it (it is now
 * aborted), false if a peer did (its result must be used).
 */
static bool abort_wait(waiter *w)
{
	int expected = WAIT_PENDING;
	if (atomic_compare_exchange_strong(&w->state, &expected, WAIT_ABORTED))
		return true;
	await_done(w);
	return false;
}

/*
 * Waits for a peer to complete w, which the caller queued as node on q of
 * ch (under ch->mu, with tok read before the node became visible). The
 * wait ends when a peer completes it (PIPEC_OK), the stage is cancelled,
 * the channel has no peer left (*peers == 0) or the caller's endpoint was
 * dropped (PIPEC_CLOSED), or the deadline passes (PIPEC_TIMEDOUT).
 *
 * On PIPEC_OK, ch->mu is not held. Otherwise the node is unqueued, the
 * wait aborted, and ch->mu is HELD, so that the caller can settle the
 * channel's books before it unlocks. Time spent here is the stage's wait.
 */
static pipec_status await_peer(pipec_chan *ch, waitq *q, waitnode *node,
                               uint32_t tok, pipec_stage *self,
                               const size_t *peers, const _Atomic bool *dropped,
                               pipec_time deadline)
{
	waiter *w = node->w;
	pipec_time t0 = wait_clock();
	pipec_status st = PIPEC_OK;
	if (self)
		waiting_on(self, ch,
		           q == &ch->recvq ? "to receive on" : "to send on");
	for (bool first = true;; first = false) {
		if (!first)
			tok = pipec_parker_token(w->parker);
		if (atomic_load_explicit(&w->done, memory_order_acquire)) {
			peer_finished(ch, self);
			break;
		}
		/* Cancellation first: a cancelled stage also finds its
		 * endpoints dropped, but must be told why (R9, R10). */
		if (stage_is_cancelled(self)) {
			st = PIPEC_CANCELLED;
		} else if (!first) {
			chan_lock(ch);
			if (*peers == 0 || atomic_load(dropped))
				st = PIPEC_CLOSED;
			chan_unlock(ch);
		}
		if (st == PIPEC_OK &&
		    !pipec_parker_wait(w->parker, tok, deadline))
			st = PIPEC_TIMEDOUT;
		if (st == PIPEC_OK)
			continue;
		chan_lock(ch);
		q_remove(q, node);
		if (abort_wait(w))
			break; /* given up: return with the lock held */
		chan_unlock(ch);
		st = PIPEC_OK; /* completed just in time */
		break;
	}
	if (self)
		waiting_on(self, NULL, NULL);
	account_wait(self, t0);
	return st;
}

/* ------------------------------------------------------------------ */
/* Send                                                                */
/* ------------------------------------------------------------------ */

/*
 * Completes a send at once if it can (under the lock): PIPEC_OK,
 * PIPEC_CLOSED, PIPEC_NOMEM, or PIPEC_WOULDBLOCK when it must wait.
 */
static pipec_status send_now(pipec_chan *ch, const void *msg)
{
	if (ch->nreceivers == 0)
		return PIPEC_CLOSED;
	waitnode *n = q_claim(&ch->recvq);
	if (n) {
		memcpy(n->w->buf, msg, ch->elem);
		ch->sent++;
		ch->received++;
		finish(n);
		return PIPEC_OK;
	}
	if (ch->count < ch->cap)
		return ring_push(ch, msg) ? PIPEC_OK : PIPEC_NOMEM;
	return PIPEC_WOULDBLOCK;
}

static pipec_status send_impl(pipec_tx *tx, const void *msg,
                              pipec_time deadline, bool try)
{
	if (!tx || !msg)
		return PIPEC_EINVAL;
	pipec_chan *ch = tx->ch;
	pipec_stage *self = tx->owner;
	pipec_status st;

	stage_tick(self);
	if (stage_is_cancelled(self) || atomic_load(&tx->dropped)) {
		st = stage_is_cancelled(self) ? PIPEC_CANCELLED : PIPEC_CLOSED;
		chan_lock(ch);
		ch->refused++; /* every failed send is counted (R7, R13) */
		chan_unlock(ch);
		goto refused;
	}

	chan_lock(ch);
	st = send_now(ch, msg);
	if (st != PIPEC_WOULDBLOCK || try) {
		if (st != PIPEC_OK)
			ch->refused++;
		chan_unlock(ch);
		goto done;
	}

	/* Full (or rendezvous with no receiver): offer the message and
	 * wait for a receiver to take it. */
	waiter w = {.parker = parker_of(self), .buf = (void *)msg};
	atomic_init(&w.state, WAIT_PENDING);
	atomic_init(&w.done, false);
	waitnode node = {.w = &w};
	/* Read before the node is visible: a wake after this is seen. */
	uint32_t tok = pipec_parker_token(w.parker);
	q_push(&ch->sendq, &node);
	chan_unlock(ch);

	st = await_peer(ch, &ch->sendq, &node, tok, self, &ch->nreceivers,
	                &tx->dropped, deadline);
	if (st != PIPEC_OK) {
		ch->refused++;
		chan_unlock(ch);
	}

done:
	if (st == PIPEC_OK) {
		if (self)
			self->sent++;
		return st;
	}
refused:
	refuse(ch, msg);
	if (self)
		self->discarded++;
	if (st == PIPEC_NOMEM)
		pipec_run_out_of_memory(self);
	return closed_or_stopping(self, st);
}

pipec_status pipec_send(pipec_tx *tx, const void *msg)
{
	return send_impl(tx, msg, PIPEC_FOREVER, false);
}

pipec_status pipec_try_send(pipec_tx *tx, const void *msg)
{
	return send_impl(tx, msg, PIPEC_FOREVER, true);
}

pipec_status pipec_send_until(pipec_tx *tx, const void *msg,
                              pipec_time deadline)
{
	return send_impl(tx, msg, deadline, false);
}

/* ------------------------------------------------------------------ */
/* Receive                                                             */
/* ------------------------------------------------------------------ */

/*
 * Completes a receive at once if it can (under the lock): PIPEC_OK,
 * PIPEC_CLOSED, or PIPEC_WOULDBLOCK when it must wait.
 */
static pipec_status recv_now(pipec_chan *ch, void *out)
{
	waitnode *n;
	if (ch->count > 0) {
		ring_pop(ch, out);
		/* A sender blocked on the full channel: its message takes
		 * the slot just freed. */
		if ((n = q_claim(&ch->sendq))) {
			ring_push(ch, n->w->buf); /* room: cannot fail */
			finish(n);
		}
		ring_maybe_shrink(ch);
		return PIPEC_OK;
	}
	if ((n = q_claim(&ch->sendq))) { /* rendezvous */
		memcpy(out, n->w->buf, ch->elem);
		ch->sent++;
		ch->received++;
		finish(n);
		return PIPEC_OK;
	}
	return ch->nsenders == 0 ? PIPEC_CLOSED : PIPEC_WOULDBLOCK;
}

static pipec_status recv_impl(pipec_rx *rx, void *out, pipec_time deadline,
                              bool try)
{
	if (!rx || !out)
		return PIPEC_EINVAL;
	pipec_chan *ch = rx->ch;
	pipec_stage *self = rx->owner;
	stage_tick(self);
	if (stage_is_cancelled(self))
		return PIPEC_CANCELLED;
	if (atomic_load(&rx->dropped)) /* perhaps by a cancel just now */
		return closed_or_stopping(self, PIPEC_CLOSED);

	chan_lock(ch);
	/*
	 * Again under the lock: a cancel may have dropped this receiver (the
	 * channel's last) since the look above. recv_now would then still
	 * take a sender that is woken but not yet out of the queue, and its
	 * send would succeed after the last receiver went (R5). The dropper
	 * sets `dropped` before it takes this lock, so a drop whose critical
	 * section came first is seen here. Found by the channel model
	 * (tests/model, configuration recv-race).
	 */
	if (atomic_load(&rx->dropped)) {
		chan_unlock(ch);
		return stage_is_cancelled(self)
		               ? PIPEC_CANCELLED
		               : closed_or_stopping(self, PIPEC_CLOSED);
	}
	pipec_status st = recv_now(ch, out);
	if (st != PIPEC_WOULDBLOCK || try) {
		chan_unlock(ch);
		goto done;
	}

	waiter w = {.parker = parker_of(self), .buf = out};
	atomic_init(&w.state, WAIT_PENDING);
	atomic_init(&w.done, false);
	waitnode node = {.w = &w};
	/* Read before the node is visible: a wake after this is seen. */
	uint32_t tok = pipec_parker_token(w.parker);
	q_push(&ch->recvq, &node);
	q_wake_all(&ch->demandq); /* a receiver is waiting (R13) */
	chan_unlock(ch);

	st = await_peer(ch, &ch->recvq, &node, tok, self, &ch->nsenders,
	                &rx->dropped, deadline);
	if (st != PIPEC_OK) {
		/* End of stream: a message buffered meanwhile still counts
		 * (R6). Cancellation and time-outs return at once. */
		if (st == PIPEC_CLOSED && !atomic_load(&rx->dropped))
			st = recv_now(ch, out);
		chan_unlock(ch);
	}
done:
	if (st == PIPEC_OK && self)
		self->received++;
	return closed_or_stopping(self, st);
}

pipec_status pipec_recv(pipec_rx *rx, void *out)
{
	return recv_impl(rx, out, PIPEC_FOREVER, false);
}

pipec_status pipec_try_recv(pipec_rx *rx, void *out)
{
	return recv_impl(rx, out, PIPEC_FOREVER, true);
}

pipec_status pipec_recv_until(pipec_rx *rx, void *out, pipec_time deadline)
{
	return recv_impl(rx, out, deadline, false);
}

/* ------------------------------------------------------------------ */
/* Select                                                              */
/* ------------------------------------------------------------------ */

/* Cases a select waits on without allocating: all that a port select
 * can have. */
#define SELECT_STACK_CASES PIPEC_SELECT_MAX

/* Where a select starts looking: a stage's own round robin, or a shared
 * one outside stages. */
static size_t select_start(pipec_stage *self)
{
	static _Atomic unsigned shared;
	if (self)
		return self->select_next++;
	return atomic_fetch_add_explicit(&shared, 1, memory_order_relaxed);
}

static bool usable(pipec_rx *rx)
{
	return rx && !atomic_load(&rx->dropped);
}

pipec_status pipec_select_until(pipec_rx *const *rxs, size_t n, void *out,
                                size_t *which, pipec_time deadline)
{
	if ((!rxs && n) || !out || !which || n > INT32_MAX)
		return PIPEC_EINVAL;
	pipec_stage *self = NULL;
	for (size_t i = 0; i < n && !self; i++)
		if (rxs[i])
			self = rxs[i]->owner;

	waitnode stack_nodes[SELECT_STACK_CASES];
	waitnode *nodes = stack_nodes;
	if (n > SELECT_STACK_CASES && !(nodes = calloc(n, sizeof(*nodes)))) {
		pipec_run_out_of_memory(self);
		return PIPEC_NOMEM;
	}

	waiter w = {.parker = parker_of(self), .buf = out};
	pipec_time t0 = 0;
	pipec_status st;
	for (;;) {
		if (stage_is_cancelled(self)) {
			st = PIPEC_CANCELLED;
			break;
		}
		/* Take a message if one is ready, looking from a different
		 * case each time: always looking from the first, a channel
		 * that is never empty would starve the others (the stress
		 * test found a run that never ended so). */
		size_t open = 0;
		size_t first = n ? select_start(self) % n : 0;
		st = PIPEC_WOULDBLOCK;
		for (size_t k = 0; k < n && st == PIPEC_WOULDBLOCK; k++) {
			size_t i = (first + k) % n;
			if (!usable(rxs[i]))
				continue;
			pipec_chan *ch = rxs[i]->ch;
			chan_lock(ch);
			st = recv_now(ch, out);
			chan_unlock(ch);
			if (st == PIPEC_OK)
				*which = i;
			else if (st == PIPEC_CLOSED)
				st = PIPEC_WOULDBLOCK;
			else
				open++;
		}
		if (st == PIPEC_OK)
			break;
		if (open == 0) {
			st = PIPEC_CLOSED;
			break;
		}
		if (deadline != PIPEC_FOREVER && pipec_now() >= deadline) {
			st = PIPEC_TIMEDOUT;
			break;
		}

		/* Wait on every open channel at once. Each registration
		 * checks readiness under that channel's lock, so a message
		 * arriving after the check finds the node. */
		atomic_init(&w.state, WAIT_PENDING);
		atomic_init(&w.done, false);
		uint32_t tok = pipec_parker_token(w.parker);
		bool ready = false;
		size_t queued = 0, nqueued = 0;
		for (size_t i = 0; i < n; i++) {
			nodes[i] = (waitnode){.w = &w, .index = (int)i};
			if (ready || !usable(rxs[i]))
				continue;
			pipec_chan *ch = rxs[i]->ch;
			chan_lock(ch);
			if (ch->count > 0 || ch->sendq.head) {
				ready = true;
			} else if (ch->nsenders > 0) {
				q_push(&ch->recvq, &nodes[i]);
				q_wake_all(&ch->demandq);
				queued = i + 1;
				nqueued++;
			}
			/* else closed: nothing will come, nothing to wait
			 * for (counting it as ready would spin) */
			chan_unlock(ch);
		}
		if (!t0)
			t0 = wait_clock();
		/* With nothing queued (all closed meanwhile), look again. */
		if (!ready && nqueued > 0 && !stage_is_cancelled(self)) {
			if (self)
				waiting_on(self, rxs[queued - 1]->ch,
				           "to receive (select) on");
			pipec_parker_wait(w.parker, tok, deadline);
			if (self)
				waiting_on(self, NULL, NULL);
		}
		bool aborted = abort_wait(&w);
		/* Unqueue every node; taking each lock also waits out a peer
		 * still finishing with us (peer_finished). */
		for (size_t i = 0; i < queued; i++) {
			if (!rxs[i])
				continue;
			pipec_chan *ch = rxs[i]->ch;
			chan_lock(ch);
			q_remove(&ch->recvq, &nodes[i]);
			chan_unlock(ch);
		}
		if (!aborted) {
			*which = (size_t)atomic_load(&w.state);
			st = PIPEC_OK;
			break;
		}
		/* Woken without a message: something changed (a close, a
		 * cancel, a time-out, a message elsewhere); look again. */
	}
	if (t0)
		account_wait(self, t0);
	if (nodes != stack_nodes)
		free(nodes);
	if (st == PIPEC_OK && self)
		self->received++;
	return closed_or_stopping(self, st);
}

pipec_status pipec_select(pipec_rx *const *rxs, size_t n, void *out,
                          size_t *which)
{
	return pipec_select_until(rxs, n, out, which, PIPEC_FOREVER);
}

/* ------------------------------------------------------------------ */
/* Demand (R13)                                                        */
/* ------------------------------------------------------------------ */

pipec_status pipec_wait_demand_any(pipec_tx *const *txs, size_t n,
                                   waitnode *nodes, pipec_time deadline)
{
	pipec_stage *self = n > 0 ? txs[0]->owner : NULL;
	waiter w = {.parker = parker_of(self)};
	pipec_time t0 = 0;
	pipec_status st;
	for (;;) {
		if (stage_is_cancelled(self)) {
			st = PIPEC_CANCELLED;
			break;
		}
		/* Queue on every channel that still has receivers, unless one
		 * of them has a receiver waiting already. A receiver that
		 * starts waiting after its channel was looked at finds the
		 * node and wakes us. */
		uint32_t tok = pipec_parker_token(w.parker);
		size_t queued = 0;
		bool open = false;
		st = PIPEC_WOULDBLOCK;
		for (size_t i = 0; i < n && st == PIPEC_WOULDBLOCK; i++) {
			pipec_chan *ch = txs[i]->ch;
			nodes[i] = (waitnode){.w = &w};
			chan_lock(ch);
			if (ch->nreceivers > 0 &&
			    !atomic_load(&txs[i]->dropped)) {
				open = true;
				if (has_waiting_receiver(ch))
					st = PIPEC_OK;
				else
					q_push(&ch->demandq, &nodes[i]);
			}
			chan_unlock(ch);
			queued = i + 1;
		}
		if (st == PIPEC_WOULDBLOCK && !open)
			st = PIPEC_CLOSED;
		bool in_time = true;
		if (st == PIPEC_WOULDBLOCK) {
			if (!t0)
				t0 = wait_clock();
			if (self)
				waiting_on(self, txs[0]->ch,
				           "for a receiver on");
			in_time = pipec_parker_wait(w.parker, tok, deadline);
			if (self)
				waiting_on(self, NULL, NULL);
		}
		for (size_t i = 0; i < queued; i++) {
			pipec_chan *ch = txs[i]->ch;
			chan_lock(ch);
			q_remove(&ch->demandq, &nodes[i]);
			chan_unlock(ch);
		}
		if (st != PIPEC_WOULDBLOCK)
			break;
		if (!in_time) {
			st = PIPEC_TIMEDOUT;
			break;
		}
	}
	if (t0)
		account_wait(self, t0);
	return closed_or_stopping(self, st);
}

pipec_status pipec_wait_demand_until(pipec_tx *tx, pipec_time deadline)
{
	if (!tx)
		return PIPEC_EINVAL;
	waitnode node;
	return pipec_wait_demand_any(&tx, 1, &node, deadline);
}

pipec_status pipec_wait_demand(pipec_tx *tx)
{
	return pipec_wait_demand_until(tx, PIPEC_FOREVER);
}
