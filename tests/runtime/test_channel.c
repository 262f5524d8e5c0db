/* SPDX-License-Identifier: MIT */
/*
 * test_channel.c - standalone channels and endpoints: rules R1, R2, R3,
 * R5, R6, R7 and R8, select, wait for demand, per-call deadlines, every
 * status and pipec_status_name.
 *
 * Each test arms a watchdog: a broken rule that leaves an operation blocked
 * ends the program with a message naming the test instead of hanging.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "rt_test.h"

/* Sanitizers: an allocation too large to make returns NULL, as malloc
 * does, rather than ending the program (the NOMEM test). */
const char *__asan_default_options(void);
const char *__tsan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}
const char *__tsan_default_options(void)
{
	return "allocator_may_return_null=1";
}

#define WATCH() rt_watchdog(30, __func__)

/* Long enough for any thread to be scheduled, on any loaded machine. */
#define PROMPT_MS 5000
/* How long to let a thread settle into a blocking call. */
#define SETTLE_MS 50

static pipec_tx *new_tmsg_chan(size_t cap, drop_log *log, pipec_rx **rx)
{
	pipec_chan_spec spec = tmsg_spec("t", cap, log);
	pipec_tx *tx = NULL;

	assert_int_equal(pipec_channel(&spec, &tx, rx), PIPEC_OK);
	assert_non_null(tx);
	assert_non_null(*rx);
	return tx;
}

/* Receives one tmsg, checks it is intact and has seq, frees it. */
static void expect_tmsg(pipec_rx *rx, uint32_t seq)
{
	tmsg m;

	assert_int_equal(pipec_try_recv(rx, &m), PIPEC_OK);
	assert_true(tmsg_ok(&m));
	assert_int_equal(m.seq, seq);
	tmsg_free(&m);
}

/* ---- a thread doing one blocking operation ---- */

typedef struct op {
	pipec_tx *tx;
	pipec_rx *rx;
	tmsg msg;              /* what a sender sends */
	pipec_status st;       /* what the call returned */
	tmsg got;              /* what a receiver got */
	atomic_int started;    /* set just before the call */
	long delay_ms;         /* waited before the call */
	atomic_int *set_first; /* set before the call, after the delay */
} op;

static void *op_send(void *p)
{
	op *o = p;

	atomic_store(&o->started, 1);
	o->st = pipec_send(o->tx, &o->msg);
	return NULL;
}

static void *op_recv(void *p)
{
	op *o = p;

	if (o->delay_ms > 0)
		rt_sleep_ms(o->delay_ms);
	if (o->set_first != NULL)
		atomic_store(o->set_first, 1);
	atomic_store(&o->started, 1);
	o->st = pipec_recv(o->rx, &o->got);
	return NULL;
}

/* ---- R1 typed channels ---- */

static void test_r1_messages_arrive_intact(void **state)
{
	drop_log log;
	pipec_rx *rx;
	pipec_tx *tx;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	tx = new_tmsg_chan(8, &log, &rx);
	for (uint32_t round = 0; round < 50; round++) {
		for (uint32_t i = 0; i < 8; i++) {
			tmsg m = tmsg_make(round * 8 + i, 1);
			assert_int_equal(pipec_send(tx, &m), PIPEC_OK);
		}
		for (uint32_t i = 0; i < 8; i++)
			expect_tmsg(rx, round * 8 + i);
	}
	pipec_tx_drop(tx);
	pipec_rx_drop(rx);
	assert_int_equal(drop_log_count(&log), 0);
	drop_log_fini(&log);
}

/* Odd and large sizes: every byte of the element is copied, no more. */
static void test_r1_every_elem_size_copied_exactly(void **state)
{
	static const size_t sizes[] = {1, 3, 7, 17, 4096};

	(void)state;
	WATCH();
	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		size_t n = sizes[k];
		pipec_chan_spec spec = {
		        .name = "bytes", .elem_size = n, .capacity = 4};
		unsigned char *in = malloc(n), *out = malloc(n + 16);
		pipec_tx *tx;
		pipec_rx *rx;

		assert_non_null(in);
		assert_non_null(out);
		assert_int_equal(pipec_channel(&spec, &tx, &rx), PIPEC_OK);
		for (int i = 0; i < 3; i++) {
			for (size_t j = 0; j < n; j++)
				in[j] = (unsigned char)(j * 7 + i + n);
			assert_int_equal(pipec_send(tx, in), PIPEC_OK);
		}
		for (int i = 0; i < 3; i++) {
			memset(out, 0xee, n + 16);
			assert_int_equal(pipec_recv(rx, out), PIPEC_OK);
			for (size_t j = 0; j < n; j++)
				assert_int_equal(
				        out[j], (unsigned char)(j * 7 + i + n));
			for (size_t j = n; j < n + 16; j++)
				assert_int_equal(out[j], 0xee);
		}
		pipec_tx_drop(tx);
		pipec_rx_drop(rx);
		free(in);
		free(out);
	}
}

static void test_r1_bad_spec_rejected_with_einval(void **state)
{
	pipec_chan_spec spec = {.name = "zero", .elem_size = 0, .capacity = 1};
	pipec_tx *tx = NULL;
	pipec_rx *rx = NULL;
	pipec_run *run;

	(void)state;
	WATCH();
	assert_int_equal(pipec_channel(NULL, &tx, &rx), PIPEC_EINVAL);
	assert_int_equal(pipec_channel(&spec, &tx, &rx), PIPEC_EINVAL);
	spec.capacity = 0;
	assert_int_equal(pipec_channel(&spec, &tx, &rx), PIPEC_EINVAL);
	spec.capacity = PIPEC_UNBOUNDED;
	assert_int_equal(pipec_channel(&spec, &tx, &rx), PIPEC_EINVAL);

	run = pipec_run_new("bad-spec");
	assert_non_null(run);
	assert_null(pipec_run_chan(run, &spec));
	assert_null(pipec_run_chan(run, NULL));
	spec.elem_size = 4;
	assert_non_null(pipec_run_chan(run, &spec));
	pipec_run_free(run);
}

/* ---- R2 capacities ---- */

/* A rendezvous send returns only once a receiver took the message. */
static void test_r2_rendezvous_send_waits_for_receiver(void **state)
{
	drop_log log;
	atomic_int receiving;
	pipec_rx *rx;
	pipec_tx *tx;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	tx = new_tmsg_chan(0, &log, &rx);
	for (uint32_t i = 0; i < 20; i++) {
		op o = {.rx = rx, .delay_ms = i < 3 ? 100 : 1};
		rt_thread t;
		tmsg m = tmsg_make(i, 0);

		atomic_init(&receiving, 0);
		o.set_first = &receiving;
		rt_thread_start(&t, op_recv, &o);
		assert_int_equal(pipec_send(tx, &m), PIPEC_OK);
		/* The receiver flags before it calls recv: a send that
		 * returned before the flag did not wait for it. */
		assert_int_equal(atomic_load(&receiving), 1);
		assert_true(rt_thread_join_within(&t, PROMPT_MS));
		assert_int_equal(o.st, PIPEC_OK);
		assert_true(tmsg_ok(&o.got));
		assert_int_equal(o.got.seq, i);
		tmsg_free(&o.got);
	}
	/* Nothing was left in the channel. */
	{
		tmsg m;
		assert_int_equal(pipec_try_recv(rx, &m), PIPEC_WOULDBLOCK);
	}
	pipec_tx_drop(tx);
	pipec_rx_drop(rx);
	assert_int_equal(drop_log_count(&log), 0);
	drop_log_fini(&log);
}

static void
test_r2_rendezvous_try_send_wouldblock_without_receiver(void **state)
{
	drop_log log;
	pipec_rx *rx;
	pipec_tx *tx;
	tmsg m;

	(void)state;
	WATCH();
	drop_log_init(&log, 4);
	tx = new_tmsg_chan(0, &log, &rx);
	m = tmsg_make(1, 0);
	assert_int_equal(pipec_try_send(tx, &m), PIPEC_WOULDBLOCK);
	assert_int_equal(drop_log_seen(&log, 1), 1);
	assert_int_equal(pipec_try_recv(rx, &m), PIPEC_WOULDBLOCK);
	m = tmsg_make(2, 0);
	assert_int_equal(pipec_send_until(tx, &m, pipec_after_ms(20)),
	                 PIPEC_TIMEDOUT);
	assert_int_equal(drop_log_seen(&log, 2), 1);
	/* The message that timed out is not delivered later either. */
	assert_int_equal(pipec_try_recv(rx, &m), PIPEC_WOULDBLOCK);
	pipec_tx_drop(tx);
	pipec_rx_drop(rx);
	assert_int_equal(drop_log_count(&log), 2);
	drop_log_fini(&log);
}

/* With a receiver blocked in recv, try_send hands the message over. */
static void test_r2_rendezvous_try_send_reaches_waiting_receiver(void **state)
{
	drop_log log;
	op o = {0};
	rt_thread t;
	pipec_status st = PIPEC_WOULDBLOCK;
	unsigned long refused = 0;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	o.tx = new_tmsg_chan(0, &log, &o.rx);
	rt_thread_start(&t, op_recv, &o);
	for (int i = 0; i < PROMPT_MS && st == PIPEC_WOULDBLOCK; i++) {
		tmsg m = tmsg_make(7, 0);

		st = pipec_try_send(o.tx, &m);
		if (st == PIPEC_WOULDBLOCK) {
			refused++;
			rt_sleep_ms(1);
		}
	}
	assert_int_equal(st, PIPEC_OK);
	assert_true(rt_thread_join_within(&t, PROMPT_MS));
	assert_int_equal(o.st, PIPEC_OK);
	assert_true(tmsg_ok(&o.got));
	tmsg_free(&o.got);
	/* Each refused try destroyed its message, the delivered one not. */
	assert_int_equal(drop_log_count(&log), refused);
	pipec_tx_drop(o.tx);
	pipec_rx_drop(o.rx);
	drop_log_fini(&log);
}

static void bounded_exactly(size_t n)
{
	drop_log log;
	op o = {0};
	rt_thread t;
	tmsg m;

	drop_log_init(&log, n + 4);
	o.tx = new_tmsg_chan(n, &log, &o.rx);
	for (size_t i = 0; i < n; i++) {
		m = tmsg_make((uint32_t)i, 0);
		assert_int_equal(pipec_try_send(o.tx, &m), PIPEC_OK);
	}
	m = tmsg_make((uint32_t)n, 0);
	assert_int_equal(pipec_try_send(o.tx, &m), PIPEC_WOULDBLOCK);
	assert_int_equal(drop_log_seen(&log, n), 1);
	/* A blocking send waits while full, and completes after one recv. */
	o.msg = tmsg_make((uint32_t)n + 1, 0);
	rt_thread_start(&t, op_send, &o);
	assert_true(rt_wait_flag(&o.started, PROMPT_MS));
	rt_sleep_ms(SETTLE_MS);
	assert_int_equal(atomic_load(&t.done), 0);
	expect_tmsg(o.rx, 0);
	assert_true(rt_thread_join_within(&t, PROMPT_MS));
	assert_int_equal(o.st, PIPEC_OK);
	/* FIFO: the rest, then the one that waited. */
	for (size_t i = 1; i < n; i++)
		expect_tmsg(o.rx, (uint32_t)i);
	expect_tmsg(o.rx, (uint32_t)n + 1);
	assert_int_equal(pipec_try_recv(o.rx, &m), PIPEC_WOULDBLOCK);
	pipec_tx_drop(o.tx);
	pipec_rx_drop(o.rx);
	assert_int_equal(drop_log_count(&log), 1);
	drop_log_fini(&log);
}

static void test_r2_bounded_accepts_exactly_capacity(void **state)
{
	(void)state;
	WATCH();
	bounded_exactly(1);
	bounded_exactly(3);
	bounded_exactly(16);
	bounded_exactly(1000);
}

static void test_r2_unbounded_never_blocks_and_keeps_order(void **state)
{
	enum { N = 100000 };
	pipec_chan_spec spec = {.name = "unbounded",
	                        .elem_size = sizeof(uint64_t),
	                        .capacity = PIPEC_UNBOUNDED};
	pipec_tx *tx;
	pipec_rx *rx;
	uint64_t v;

	(void)state;
	WATCH();
	assert_int_equal(pipec_channel(&spec, &tx, &rx), PIPEC_OK);
	for (int round = 0; round < 2; round++) {
		for (uint64_t i = 0; i < N; i++) {
			v = i * 3 + 1;
			if (i % 2 == 0)
				assert_int_equal(pipec_send(tx, &v), PIPEC_OK);
			else
				assert_int_equal(pipec_try_send(tx, &v),
				                 PIPEC_OK);
		}
		for (uint64_t i = 0; i < N; i++) {
			assert_int_equal(pipec_try_recv(rx, &v), PIPEC_OK);
			assert_int_equal(v, i * 3 + 1);
		}
		assert_int_equal(pipec_try_recv(rx, &v), PIPEC_WOULDBLOCK);
	}
	pipec_tx_drop(tx);
	assert_int_equal(pipec_recv(rx, &v), PIPEC_CLOSED);
	pipec_rx_drop(rx);
}

/* ---- R3 counted endpoints ---- */

static void test_r3_channel_open_until_last_receiver_clone_drops(void **state)
{
	drop_log log;
	pipec_rx *rx, *rx2, *rx3;
	pipec_tx *tx;
	tmsg m;

	(void)state;
	WATCH();
	drop_log_init(&log, 8);
	tx = new_tmsg_chan(4, &log, &rx);
	rx2 = pipec_rx_clone(rx);
	assert_non_null(rx2);
	rx3 = pipec_rx_clone(rx2);
	assert_non_null(rx3);
	pipec_rx_drop(rx);
	m = tmsg_make(0, 0);
	assert_int_equal(pipec_send(tx, &m), PIPEC_OK);
	assert_false(pipec_tx_closed(tx));
	pipec_rx_drop(rx3);
	m = tmsg_make(1, 0);
	assert_int_equal(pipec_send(tx, &m), PIPEC_OK);
	/* Clones share one queue. */
	expect_tmsg(rx2, 0);
	expect_tmsg(rx2, 1);
	assert_int_equal(drop_log_count(&log), 0);
	pipec_rx_drop(rx2);
	assert_true(pipec_tx_closed(tx));
	m = tmsg_make(2, 0);
	assert_int_equal(pipec_send(tx, &m), PIPEC_CLOSED);
	assert_int_equal(drop_log_seen(&log, 2), 1);
	pipec_tx_drop(tx);
	drop_log_fini(&log);
}

static void test_r3_stream_open_until_last_sender_clone_drops(void **state)
{
	drop_log log;
	pipec_rx *rx;
	pipec_tx *tx, *tx2;
	tmsg m;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	tx = new_tmsg_chan(4, &log, &rx);
	tx2 = pipec_tx_clone(tx);
	assert_non_null(tx2);
	pipec_tx_drop(tx);
	assert_int_equal(pipec_try_recv(rx, &m), PIPEC_WOULDBLOCK);
	m = tmsg_make(5, 0);
	assert_int_equal(pipec_send(tx2, &m), PIPEC_OK);
	expect_tmsg(rx, 5);
	assert_int_equal(pipec_recv_until(rx, &m, pipec_after_ms(10)),
	                 PIPEC_TIMEDOUT);
	pipec_tx_drop(tx2);
	assert_int_equal(pipec_recv(rx, &m), PIPEC_CLOSED);
	pipec_rx_drop(rx);
	assert_int_equal(drop_log_count(&log), 0);
	drop_log_fini(&log);
}

enum { FAN = 4, FAN_MSGS = 5000 };

typedef struct fan_sender {
	pipec_tx *tx;
	int index;
	pipec_status last;
	atomic_long sent;    /* sends returned, for the watchdog */
	atomic_long sending; /* 1 while in pipec_send */
} fan_sender;

static void *fan_send(void *p)
{
	fan_sender *s = p;

	for (uint32_t i = 0; i < FAN_MSGS; i++) {
		tmsg m = tmsg_make(i, (uint64_t)s->index);

		atomic_store(&s->sending, 1);
		s->last = pipec_send(s->tx, &m);
		atomic_store(&s->sending, 0);
		if (s->last != PIPEC_OK)
			break;
		atomic_fetch_add(&s->sent, 1);
	}
	pipec_tx_drop(s->tx);
	return NULL;
}

/* Labels for the watchdog, one per sender of the fan-in test. */
static const char *const fan_sent_label[FAN] = {
        "sender 0: sent", "sender 1: sent", "sender 2: sent", "sender 3: sent"};
static const char *const fan_sending_label[FAN] = {
        "sender 0: in send", "sender 1: in send", "sender 2: in send",
        "sender 3: in send"};

/* Fan-in: several senders, each message arrives exactly once, in each
 * sender's order. */
static void test_r3_fan_in_every_message_once(void **state)
{
	drop_log log;
	fan_sender s[FAN];
	rt_thread t[FAN];
	uint32_t next[FAN] = {0};
	pipec_rx *rx;
	pipec_tx *tx;
	tmsg m;
	pipec_status st;
	size_t total = 0;
	atomic_long got, receiving;

	(void)state;
	WATCH();
	/* It hung once under a loaded TSan run: if it does again, the
	 * watchdog says whether anything still moved. */
	atomic_init(&got, 0);
	atomic_init(&receiving, 0);
	rt_watch_value("receiver: received", &got);
	rt_watch_value("receiver: in recv", &receiving);
	drop_log_init(&log, 0);
	tx = new_tmsg_chan(8, &log, &rx);
	for (int i = 0; i < FAN; i++) {
		s[i].tx = pipec_tx_clone(tx);
		assert_non_null(s[i].tx);
		s[i].index = i;
		atomic_init(&s[i].sent, 0);
		atomic_init(&s[i].sending, 0);
		rt_watch_value(fan_sent_label[i], &s[i].sent);
		rt_watch_value(fan_sending_label[i], &s[i].sending);
	}
	pipec_tx_drop(tx);
	for (int i = 0; i < FAN; i++)
		rt_thread_start(&t[i], fan_send, &s[i]);
	for (;;) {
		atomic_store(&receiving, 1);
		st = pipec_recv(rx, &m);
		atomic_store(&receiving, 0);
		if (st != PIPEC_OK)
			break;
		atomic_fetch_add(&got, 1);
		assert_true(tmsg_ok(&m));
		assert_true(m.from < FAN);
		assert_int_equal(m.seq, next[m.from]);
		next[m.from]++;
		total++;
		tmsg_free(&m);
	}
	assert_int_equal(st, PIPEC_CLOSED);
	assert_int_equal(total, (size_t)FAN * FAN_MSGS);
	for (int i = 0; i < FAN; i++) {
		assert_true(rt_thread_join_within(&t[i], PROMPT_MS));
		assert_int_equal(s[i].last, PIPEC_OK);
	}
	pipec_rx_drop(rx);
	assert_int_equal(drop_log_count(&log), 0);
	drop_log_fini(&log);
}

typedef struct fan_receiver {
	pipec_rx *rx;
	atomic_uchar *seen;
	size_t got;
	bool ordered; /* each receiver sees increasing seqs */
	pipec_status last;
} fan_receiver;

static void *fan_recv(void *p)
{
	fan_receiver *r = p;
	tmsg m;
	int64_t prev = -1;

	r->ordered = true;
	while ((r->last = pipec_recv(r->rx, &m)) == PIPEC_OK) {
		if (!tmsg_ok(&m) || (int64_t)m.seq <= prev)
			r->ordered = false;
		prev = m.seq;
		if (m.seq < FAN * FAN_MSGS)
			atomic_fetch_add(&r->seen[m.seq], 1);
		r->got++;
		tmsg_free(&m);
	}
	pipec_rx_drop(r->rx);
	return NULL;
}

/* Fan-out: several receivers, each message goes to exactly one. */
static void test_r3_fan_out_each_message_to_one_receiver(void **state)
{
	enum { N = FAN * FAN_MSGS };
	drop_log log;
	fan_receiver r[FAN];
	rt_thread t[FAN];
	atomic_uchar *seen = calloc(N, sizeof *seen);
	pipec_rx *rx;
	pipec_tx *tx;
	size_t total = 0;

	(void)state;
	WATCH();
	assert_non_null(seen);
	drop_log_init(&log, 0);
	tx = new_tmsg_chan(3, &log, &rx);
	for (int i = 0; i < FAN; i++) {
		memset(&r[i], 0, sizeof r[i]);
		r[i].rx = pipec_rx_clone(rx);
		assert_non_null(r[i].rx);
		r[i].seen = seen;
	}
	pipec_rx_drop(rx);
	for (int i = 0; i < FAN; i++)
		rt_thread_start(&t[i], fan_recv, &r[i]);
	for (uint32_t i = 0; i < N; i++) {
		tmsg m = tmsg_make(i, 0);
		assert_int_equal(pipec_send(tx, &m), PIPEC_OK);
	}
	pipec_tx_drop(tx);
	for (int i = 0; i < FAN; i++) {
		assert_true(rt_thread_join_within(&t[i], PROMPT_MS));
		assert_int_equal(r[i].last, PIPEC_CLOSED);
		assert_true(r[i].ordered);
		total += r[i].got;
	}
	assert_int_equal(total, N);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(atomic_load(&seen[i]), 1);
	assert_int_equal(drop_log_count(&log), 0);
	drop_log_fini(&log);
	free(seen);
}

/* ---- R5 send to nobody fails ---- */

static void r5_blocked_sender(size_t cap)
{
	drop_log log;
	op o = {0};
	rt_thread t;
	pipec_rx *rx2;
	tmsg m;

	drop_log_init(&log, 16);
	o.tx = new_tmsg_chan(cap, &log, &o.rx);
	rx2 = pipec_rx_clone(o.rx);
	assert_non_null(rx2);
	for (size_t i = 0; i < cap; i++) {
		m = tmsg_make((uint32_t)i, 0);
		assert_int_equal(pipec_send(o.tx, &m), PIPEC_OK);
	}
	o.msg = tmsg_make(10, 0);
	rt_thread_start(&t, op_send, &o);
	assert_true(rt_wait_flag(&o.started, PROMPT_MS));
	rt_sleep_ms(SETTLE_MS);
	/* A receiver is left: the sender stays blocked. */
	pipec_rx_drop(o.rx);
	rt_sleep_ms(SETTLE_MS);
	assert_int_equal(atomic_load(&t.done), 0);
	assert_false(pipec_tx_closed(o.tx));
	/* The last receiver goes: the sender wakes with CLOSED. */
	pipec_rx_drop(rx2);
	assert_true(rt_thread_join_within(&t, 2000 * (long)rt_slow()));
	assert_int_equal(o.st, PIPEC_CLOSED);
	assert_int_equal(drop_log_seen(&log, 10), 1);
	assert_true(pipec_tx_closed(o.tx));
	/* Later sends fail at once, whatever the variant. */
	m = tmsg_make(11, 0);
	assert_int_equal(pipec_send(o.tx, &m), PIPEC_CLOSED);
	m = tmsg_make(12, 0);
	assert_int_equal(pipec_try_send(o.tx, &m), PIPEC_CLOSED);
	m = tmsg_make(13, 0);
	assert_int_equal(pipec_send_until(o.tx, &m, PIPEC_FOREVER),
	                 PIPEC_CLOSED);
	assert_int_equal(pipec_wait_demand(o.tx), PIPEC_CLOSED);
	for (uint32_t i = 10; i <= 13; i++)
		assert_int_equal(drop_log_seen(&log, i), 1);
	assert_int_equal(drop_log_count(&log), cap + 4);
	pipec_tx_drop(o.tx);
	drop_log_fini(&log);
}

static void test_r5_blocked_sender_on_full_channel_wakes_closed(void **state)
{
	(void)state;
	WATCH();
	r5_blocked_sender(1);
	r5_blocked_sender(4);
}

static void test_r5_blocked_rendezvous_sender_wakes_closed(void **state)
{
	(void)state;
	WATCH();
	r5_blocked_sender(0);
}

/* Several senders blocked at once all wake. */
static void test_r5_every_blocked_sender_wakes_closed(void **state)
{
	enum { N = 4 };
	drop_log log;
	op o[N];
	rt_thread t[N];
	pipec_rx *rx;
	pipec_tx *tx;
	tmsg m;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	tx = new_tmsg_chan(1, &log, &rx);
	m = tmsg_make(0, 0);
	assert_int_equal(pipec_send(tx, &m), PIPEC_OK);
	for (int i = 0; i < N; i++) {
		memset(&o[i], 0, sizeof o[i]);
		o[i].tx = pipec_tx_clone(tx);
		assert_non_null(o[i].tx);
		o[i].msg = tmsg_make((uint32_t)i + 1, 0);
		rt_thread_start(&t[i], op_send, &o[i]);
	}
	for (int i = 0; i < N; i++)
		assert_true(rt_wait_flag(&o[i].started, PROMPT_MS));
	rt_sleep_ms(SETTLE_MS);
	pipec_rx_drop(rx);
	for (int i = 0; i < N; i++) {
		assert_true(rt_thread_join_within(&t[i], PROMPT_MS));
		assert_int_equal(o[i].st, PIPEC_CLOSED);
		pipec_tx_drop(o[i].tx);
	}
	assert_int_equal(drop_log_count(&log), N + 1);
	pipec_tx_drop(tx);
	drop_log_fini(&log);
}

/* ---- R6 end of stream ---- */

static void r6_drain(size_t cap, size_t n)
{
	drop_log log;
	pipec_rx *rx;
	pipec_tx *tx, *tx2;
	tmsg m;

	drop_log_init(&log, 0);
	tx = new_tmsg_chan(cap, &log, &rx);
	tx2 = pipec_tx_clone(tx);
	for (size_t i = 0; i < n; i++) {
		m = tmsg_make((uint32_t)i, 0);
		assert_int_equal(pipec_send(i % 2 ? tx : tx2, &m), PIPEC_OK);
	}
	pipec_tx_drop(tx);
	pipec_tx_drop(tx2);
	for (size_t i = 0; i < n; i++) {
		if (i % 3 == 0) {
			assert_int_equal(pipec_recv(rx, &m), PIPEC_OK);
		} else if (i % 3 == 1) {
			assert_int_equal(pipec_try_recv(rx, &m), PIPEC_OK);
		} else {
			assert_int_equal(
			        pipec_recv_until(rx, &m, pipec_after_ms(0)),
			        PIPEC_OK);
		}
		assert_true(tmsg_ok(&m));
		assert_int_equal(m.seq, i);
		tmsg_free(&m);
	}
	assert_int_equal(pipec_recv(rx, &m), PIPEC_CLOSED);
	assert_int_equal(pipec_try_recv(rx, &m), PIPEC_CLOSED);
	assert_int_equal(pipec_recv_until(rx, &m, PIPEC_FOREVER), PIPEC_CLOSED);
	pipec_rx_drop(rx);
	assert_int_equal(drop_log_count(&log), 0);
	drop_log_fini(&log);
}

static void test_r6_buffered_messages_received_then_closed(void **state)
{
	(void)state;
	WATCH();
	r6_drain(8, 8);
	r6_drain(8, 5);
	r6_drain(PIPEC_UNBOUNDED, 3000);
	r6_drain(1, 0);
	r6_drain(0, 0);
}

static void
test_r6_blocked_receiver_wakes_closed_when_last_sender_drops(void **state)
{
	static const size_t caps[] = {0, 1, 5, PIPEC_UNBOUNDED};

	(void)state;
	WATCH();
	for (size_t k = 0; k < 4; k++) {
		drop_log log;
		op o = {0};
		rt_thread t;
		pipec_tx *tx2;

		drop_log_init(&log, 0);
		o.tx = new_tmsg_chan(caps[k], &log, &o.rx);
		tx2 = pipec_tx_clone(o.tx);
		rt_thread_start(&t, op_recv, &o);
		assert_true(rt_wait_flag(&o.started, PROMPT_MS));
		rt_sleep_ms(SETTLE_MS);
		pipec_tx_drop(o.tx);
		rt_sleep_ms(SETTLE_MS);
		assert_int_equal(atomic_load(&t.done), 0);
		pipec_tx_drop(tx2);
		assert_true(rt_thread_join_within(&t, PROMPT_MS));
		assert_int_equal(o.st, PIPEC_CLOSED);
		pipec_rx_drop(o.rx);
		drop_log_fini(&log);
	}
}

/* ---- R7 send consumes ---- */

static void test_r7_failed_send_destroys_message_exactly_once(void **state)
{
	drop_log log;
	pipec_rx *rx;
	pipec_tx *tx;
	tmsg m;
	unsigned long before = atomic_load(&tmsg_freed);

	(void)state;
	WATCH();
	drop_log_init(&log, 16);
	tx = new_tmsg_chan(1, &log, &rx);
	m = tmsg_make(0, 0);
	assert_int_equal(pipec_send(tx, &m), PIPEC_OK);
	/* Full: try_send refuses, send_until times out. */
	m = tmsg_make(1, 0);
	assert_int_equal(pipec_try_send(tx, &m), PIPEC_WOULDBLOCK);
	m = tmsg_make(2, 0);
	assert_int_equal(pipec_send_until(tx, &m, pipec_after_ms(20)),
	                 PIPEC_TIMEDOUT);
	m = tmsg_make(3, 0);
	assert_int_equal(pipec_send_until(tx, &m, pipec_after_ms(-1)),
	                 PIPEC_TIMEDOUT);
	assert_int_equal(drop_log_seen(&log, 1), 1);
	assert_int_equal(drop_log_seen(&log, 2), 1);
	assert_int_equal(drop_log_seen(&log, 3), 1);
	/* The delivered one is the receiver's: never destroyed. */
	expect_tmsg(rx, 0);
	assert_int_equal(drop_log_seen(&log, 0), 0);
	/* Closed: send refuses. */
	pipec_rx_drop(rx);
	m = tmsg_make(4, 0);
	assert_int_equal(pipec_send(tx, &m), PIPEC_CLOSED);
	assert_int_equal(drop_log_seen(&log, 4), 1);
	assert_int_equal(drop_log_count(&log), 4);
	assert_int_equal(atomic_load(&tmsg_freed) - before, 5);
	pipec_tx_drop(tx);
	drop_log_fini(&log);
}

/* A hookless channel drops messages without calling anything. */
static void test_r7_channel_without_hook_discards_silently(void **state)
{
	pipec_chan_spec spec = {
	        .name = "plain", .elem_size = sizeof(int), .capacity = 1};
	pipec_tx *tx;
	pipec_rx *rx;
	int v = 1;

	(void)state;
	WATCH();
	assert_int_equal(pipec_channel(&spec, &tx, &rx), PIPEC_OK);
	assert_int_equal(pipec_send(tx, &v), PIPEC_OK);
	assert_int_equal(pipec_try_send(tx, &v), PIPEC_WOULDBLOCK);
	pipec_rx_drop(rx);
	assert_int_equal(pipec_send(tx, &v), PIPEC_CLOSED);
	pipec_tx_drop(tx);
}

/* ---- R8 leftovers are dropped ---- */

static void r8_leftovers(size_t cap, size_t n)
{
	drop_log log;
	pipec_rx *rx, *rx2;
	pipec_tx *tx;
	tmsg m;

	drop_log_init(&log, n);
	tx = new_tmsg_chan(cap, &log, &rx);
	rx2 = pipec_rx_clone(rx);
	for (size_t i = 0; i < n; i++) {
		m = tmsg_make((uint32_t)i, 0);
		assert_int_equal(pipec_send(tx, &m), PIPEC_OK);
	}
	pipec_rx_drop(rx);
	assert_int_equal(drop_log_count(&log), 0);
	pipec_rx_drop(rx2);
	/* At once, while the sender still holds the channel. */
	assert_int_equal(drop_log_count(&log), n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(drop_log_seen(&log, i), 1);
	pipec_tx_drop(tx);
	assert_int_equal(drop_log_count(&log), n);
	drop_log_fini(&log);
}

static void test_r8_leftovers_dropped_when_last_receiver_goes(void **state)
{
	(void)state;
	WATCH();
	r8_leftovers(16, 10);
	r8_leftovers(16, 16);
	r8_leftovers(PIPEC_UNBOUNDED, 5000);
}

/* Leftovers of a stream whose senders are gone are dropped too. */
static void test_r8_leftovers_dropped_after_senders_gone(void **state)
{
	drop_log log;
	pipec_rx *rx;
	pipec_tx *tx;
	tmsg m;

	(void)state;
	WATCH();
	drop_log_init(&log, 8);
	tx = new_tmsg_chan(8, &log, &rx);
	for (uint32_t i = 0; i < 5; i++) {
		m = tmsg_make(i, 0);
		assert_int_equal(pipec_send(tx, &m), PIPEC_OK);
	}
	pipec_tx_drop(tx);
	expect_tmsg(rx, 0);
	assert_int_equal(drop_log_count(&log), 0);
	pipec_rx_drop(rx);
	assert_int_equal(drop_log_count(&log), 4);
	assert_int_equal(drop_log_seen(&log, 0), 0);
	for (uint32_t i = 1; i < 5; i++)
		assert_int_equal(drop_log_seen(&log, i), 1);
	drop_log_fini(&log);
}

/* ---- select ---- */

enum { SEL = 3, SEL_MSGS = 2000 };

static void *sel_feed(void *p)
{
	fan_sender *s = p;

	for (uint32_t i = 0; i < SEL_MSGS; i++) {
		tmsg m = tmsg_make(i, (uint64_t)s->index);

		s->last = pipec_send(s->tx, &m);
		if (s->last != PIPEC_OK)
			break;
		if (i % 97 == 0)
			rt_sleep_ms(1);
	}
	pipec_tx_drop(s->tx);
	return NULL;
}

static void test_select_every_message_once_with_right_which(void **state)
{
	static const size_t caps[SEL] = {0, 2, PIPEC_UNBOUNDED};
	drop_log log;
	fan_sender s[SEL];
	rt_thread t[SEL];
	pipec_rx *rxs[SEL];
	uint32_t next[SEL] = {0};
	size_t which, total = 0;
	pipec_status st;
	tmsg m;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	for (int i = 0; i < SEL; i++) {
		s[i].tx = new_tmsg_chan(caps[i], &log, &rxs[i]);
		s[i].index = i;
		rt_thread_start(&t[i], sel_feed, &s[i]);
	}
	while ((st = pipec_select(rxs, SEL, &m, &which)) == PIPEC_OK) {
		assert_true(which < SEL);
		assert_true(tmsg_ok(&m));
		assert_int_equal(m.from, which);
		assert_int_equal(m.seq, next[which]);
		next[which]++;
		total++;
		tmsg_free(&m);
	}
	assert_int_equal(st, PIPEC_CLOSED);
	assert_int_equal(total, SEL * SEL_MSGS);
	for (int i = 0; i < SEL; i++) {
		assert_true(rt_thread_join_within(&t[i], PROMPT_MS));
		assert_int_equal(s[i].last, PIPEC_OK);
		pipec_rx_drop(rxs[i]);
	}
	assert_int_equal(drop_log_count(&log), 0);
	drop_log_fini(&log);
}

static void test_select_skips_closed_and_null_receivers(void **state)
{
	drop_log log;
	pipec_tx *tx[3];
	pipec_rx *rx[3];
	pipec_rx *rxs[4];
	size_t which = 99;
	tmsg m;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	for (int i = 0; i < 3; i++)
		tx[i] = new_tmsg_chan(4, &log, &rx[i]);
	rxs[0] = rx[0];
	rxs[1] = NULL;
	rxs[2] = rx[1];
	rxs[3] = rx[2];
	/* rx[0]'s stream ended; rx[2] has a message. */
	pipec_tx_drop(tx[0]);
	m = tmsg_make(42, 2);
	assert_int_equal(pipec_send(tx[2], &m), PIPEC_OK);
	assert_int_equal(pipec_select(rxs, 4, &m, &which), PIPEC_OK);
	assert_int_equal(which, 3);
	assert_true(tmsg_ok(&m));
	assert_int_equal(m.seq, 42);
	tmsg_free(&m);
	/* Open but empty: a deadline applies. */
	assert_int_equal(
	        pipec_select_until(rxs, 4, &m, &which, pipec_after_ms(20)),
	        PIPEC_TIMEDOUT);
	/* All closed (or NULL): closed. */
	pipec_tx_drop(tx[1]);
	pipec_tx_drop(tx[2]);
	assert_int_equal(pipec_select(rxs, 4, &m, &which), PIPEC_CLOSED);
	assert_int_equal(pipec_select_until(rxs, 4, &m, &which, PIPEC_FOREVER),
	                 PIPEC_CLOSED);
	for (int i = 0; i < 3; i++)
		pipec_rx_drop(rx[i]);
	drop_log_fini(&log);
}

/* CPU time the calling thread has used, in milliseconds. */
static double thread_cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/*
 * A select over one closed and one open, idle receiver must sleep, not
 * spin: a closed receiver is skipped, not taken for a ready one. Spinning
 * would burn about the whole wait in CPU time; sleeping burns next to none.
 */
static void test_select_sleeps_beside_a_closed_receiver(void **state)
{
	pipec_tx *tx[2];
	pipec_rx *rx[2];
	tmsg m;
	size_t which;

	(void)state;
	WATCH();
	for (int i = 0; i < 2; i++)
		tx[i] = new_tmsg_chan(0, NULL, &rx[i]);
	pipec_tx_drop(tx[0]); /* closed; tx[1] stays open and idle */
	double cpu = thread_cpu_ms();
	pipec_time t = pipec_now();
	assert_int_equal(
	        pipec_select_until(rx, 2, &m, &which, pipec_after_ms(300)),
	        PIPEC_TIMEDOUT);
	double waited = (double)(pipec_now() - t) / 1e6;
	cpu = thread_cpu_ms() - cpu;
	assert_true(waited >= 290);
	assert_true(cpu < waited / 3);
	pipec_tx_drop(tx[1]);
	for (int i = 0; i < 2; i++)
		pipec_rx_drop(rx[i]);
}

typedef struct sel_op {
	pipec_rx **rxs;
	size_t n, which;
	tmsg got;
	pipec_status st;
	atomic_int started;
} sel_op;

static void *sel_block(void *p)
{
	sel_op *o = p;

	atomic_store(&o->started, 1);
	o->st = pipec_select(o->rxs, o->n, &o->got, &o->which);
	return NULL;
}

/* A select blocked on empty receivers wakes for a message on any. */
static void test_select_blocked_wakes_for_any_receiver(void **state)
{
	drop_log log;
	pipec_tx *tx[3];
	pipec_rx *rx[3];

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	for (int i = 0; i < 3; i++)
		tx[i] = new_tmsg_chan(i == 1 ? 0 : 2, &log, &rx[i]);
	for (int k = 0; k < 3; k++) {
		sel_op o = {.rxs = rx, .n = 3};
		rt_thread t;
		tmsg m = tmsg_make((uint32_t)k, (uint64_t)k);

		rt_thread_start(&t, sel_block, &o);
		assert_true(rt_wait_flag(&o.started, PROMPT_MS));
		rt_sleep_ms(SETTLE_MS / 5);
		assert_int_equal(pipec_send(tx[k], &m), PIPEC_OK);
		assert_true(rt_thread_join_within(&t, PROMPT_MS));
		assert_int_equal(o.st, PIPEC_OK);
		assert_int_equal(o.which, k);
		assert_true(tmsg_ok(&o.got));
		assert_int_equal(o.got.from, k);
		tmsg_free(&o.got);
	}
	/* ... and with CLOSED when the last stream ends. */
	{
		sel_op o = {.rxs = rx, .n = 3};
		rt_thread t;

		pipec_tx_drop(tx[0]);
		pipec_tx_drop(tx[1]);
		rt_thread_start(&t, sel_block, &o);
		assert_true(rt_wait_flag(&o.started, PROMPT_MS));
		rt_sleep_ms(SETTLE_MS);
		assert_int_equal(atomic_load(&t.done), 0);
		pipec_tx_drop(tx[2]);
		assert_true(rt_thread_join_within(&t, PROMPT_MS));
		assert_int_equal(o.st, PIPEC_CLOSED);
	}
	for (int i = 0; i < 3; i++)
		pipec_rx_drop(rx[i]);
	assert_int_equal(drop_log_count(&log), 0);
	drop_log_fini(&log);
}

/* ---- waiting for demand (R13) ---- */

static void test_r13_wait_demand_waits_for_a_blocked_receiver(void **state)
{
	static const size_t caps[] = {0, 3, PIPEC_UNBOUNDED};

	(void)state;
	WATCH();
	for (size_t k = 0; k < 3; k++) {
		drop_log log;
		op o = {0};
		rt_thread t;
		tmsg m;

		drop_log_init(&log, 0);
		o.tx = new_tmsg_chan(caps[k], &log, &o.rx);
		/* Nobody waits: no demand, whatever the free room. */
		assert_int_equal(
		        pipec_wait_demand_until(o.tx, pipec_after_ms(30)),
		        PIPEC_TIMEDOUT);
		rt_thread_start(&t, op_recv, &o);
		assert_int_equal(pipec_wait_demand(o.tx), PIPEC_OK);
		/* The receiver is blocked in recv now. */
		assert_int_equal(atomic_load(&o.started), 1);
		m = tmsg_make(3, 0);
		assert_int_equal(pipec_send(o.tx, &m), PIPEC_OK);
		assert_true(rt_thread_join_within(&t, PROMPT_MS));
		assert_int_equal(o.st, PIPEC_OK);
		tmsg_free(&o.got);
		/* Taken: no demand again. */
		assert_int_equal(
		        pipec_wait_demand_until(o.tx, pipec_after_ms(20)),
		        PIPEC_TIMEDOUT);
		pipec_rx_drop(o.rx);
		assert_int_equal(pipec_wait_demand(o.tx), PIPEC_CLOSED);
		pipec_tx_drop(o.tx);
		assert_int_equal(drop_log_count(&log), 0);
		drop_log_fini(&log);
	}
}

typedef struct demand_op {
	pipec_tx *tx;
	pipec_status st;
	atomic_int started;
} demand_op;

static void *demand_block(void *p)
{
	demand_op *o = p;

	atomic_store(&o->started, 1);
	o->st = pipec_wait_demand(o->tx);
	return NULL;
}

static void test_r13_wait_demand_wakes_closed_when_receivers_go(void **state)
{
	drop_log log;
	demand_op o = {0};
	rt_thread t;
	pipec_rx *rx;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	o.tx = new_tmsg_chan(0, &log, &rx);
	rt_thread_start(&t, demand_block, &o);
	assert_true(rt_wait_flag(&o.started, PROMPT_MS));
	rt_sleep_ms(SETTLE_MS);
	assert_int_equal(atomic_load(&t.done), 0);
	pipec_rx_drop(rx);
	assert_true(rt_thread_join_within(&t, PROMPT_MS));
	assert_int_equal(o.st, PIPEC_CLOSED);
	pipec_tx_drop(o.tx);
	drop_log_fini(&log);
}

/* A receiver blocked in select is demand too. */
static void test_r13_select_is_demand(void **state)
{
	drop_log log;
	pipec_tx *tx[2];
	pipec_rx *rx[2];
	sel_op o = {.rxs = rx, .n = 2};
	rt_thread t;
	tmsg m;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	for (int i = 0; i < 2; i++)
		tx[i] = new_tmsg_chan(0, &log, &rx[i]);
	rt_thread_start(&t, sel_block, &o);
	assert_int_equal(pipec_wait_demand(tx[1]), PIPEC_OK);
	m = tmsg_make(1, 1);
	assert_int_equal(pipec_send(tx[1], &m), PIPEC_OK);
	assert_true(rt_thread_join_within(&t, PROMPT_MS));
	assert_int_equal(o.st, PIPEC_OK);
	assert_int_equal(o.which, 1);
	tmsg_free(&o.got);
	for (int i = 0; i < 2; i++) {
		pipec_tx_drop(tx[i]);
		pipec_rx_drop(rx[i]);
	}
	drop_log_fini(&log);
}

/* ---- deadlines ---- */

static void test_timedout_recv_until_waits_for_the_deadline(void **state)
{
	drop_log log;
	pipec_rx *rx;
	pipec_tx *tx;
	pipec_time deadline;
	size_t which;
	tmsg m;

	(void)state;
	WATCH();
	drop_log_init(&log, 0);
	tx = new_tmsg_chan(2, &log, &rx);
	deadline = pipec_after_ms(30);
	assert_int_equal(pipec_recv_until(rx, &m, deadline), PIPEC_TIMEDOUT);
	assert_true(pipec_now() >= deadline);
	deadline = pipec_after_ms(30);
	assert_int_equal(pipec_select_until(&rx, 1, &m, &which, deadline),
	                 PIPEC_TIMEDOUT);
	assert_true(pipec_now() >= deadline);
	/* A past deadline still takes what is there at once. */
	m = tmsg_make(1, 0);
	assert_int_equal(pipec_send(tx, &m), PIPEC_OK);
	assert_int_equal(pipec_recv_until(rx, &m, pipec_now() - 1000000),
	                 PIPEC_OK);
	assert_true(tmsg_ok(&m));
	tmsg_free(&m);
	m = tmsg_make(2, 0);
	assert_int_equal(pipec_send_until(tx, &m, pipec_now() - 1000000),
	                 PIPEC_OK);
	expect_tmsg(rx, 2);
	/* send_until on a full channel waits until the deadline. */
	for (uint32_t i = 0; i < 2; i++) {
		m = tmsg_make(i, 0);
		assert_int_equal(pipec_send(tx, &m), PIPEC_OK);
	}
	deadline = pipec_after_ms(30);
	m = tmsg_make(9, 0);
	assert_int_equal(pipec_send_until(tx, &m, deadline), PIPEC_TIMEDOUT);
	assert_true(pipec_now() >= deadline);
	assert_int_equal(drop_log_count(&log), 1);
	pipec_tx_drop(tx);
	pipec_rx_drop(rx);
	assert_int_equal(drop_log_count(&log), 3);
	drop_log_fini(&log);
}

static void test_time_functions(void **state)
{
	pipec_time a, b, c;

	(void)state;
	WATCH();
	a = pipec_now();
	b = pipec_after_ms(100);
	c = pipec_now();
	assert_true(a > 0);
	assert_true(b >= a + 100 * 1000000LL);
	assert_true(b <= c + 100 * 1000000LL);
	assert_true(pipec_after_ms(-5) <= pipec_now());
	assert_true(pipec_after_ms(0) <= pipec_now());
	assert_true(pipec_after_ms(INT64_MAX) == PIPEC_FOREVER);
	rt_sleep_ms(5);
	assert_true(pipec_now() >= c + 5 * 1000000LL);
}

/* ---- statuses and arguments ---- */

static void test_status_names_are_distinct(void **state)
{
	static const pipec_status all[] = {
	        PIPEC_OK,         PIPEC_CLOSED, PIPEC_CANCELLED, PIPEC_TIMEDOUT,
	        PIPEC_WOULDBLOCK, PIPEC_NOMEM,  PIPEC_EINVAL,    PIPEC_ERROR,
	};
	enum { N = sizeof all / sizeof all[0] };

	(void)state;
	WATCH();
	assert_int_equal(PIPEC_OK, 0);
	assert_string_equal(pipec_status_name(PIPEC_OK), "ok");
	assert_string_equal(pipec_status_name(PIPEC_CLOSED), "closed");
	for (size_t i = 0; i < N; i++) {
		const char *s = pipec_status_name(all[i]);

		assert_non_null(s);
		assert_true(strlen(s) > 0);
		for (const char *p = s; *p; p++)
			assert_false(*p >= 'A' && *p <= 'Z');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(s, pipec_status_name(all[j]));
	}
	/* Each status is its own value. */
	for (size_t i = 0; i < N; i++)
		assert_int_equal(all[i], (pipec_status)i);
}

/*
 * Out of memory: a channel whose element is a quarter of the address space
 * cannot buffer even a handful of messages, so a send that must buffer
 * fails with NOMEM and, like every failed send, destroys its message
 * (R7). No such buffer is ever read: nothing takes the message.
 */
static void count_only(void *msg, void *ctx)
{
	(void)msg;
	atomic_fetch_add((atomic_ulong *)ctx, 1);
}

static void test_nomem_when_a_channel_cannot_grow(void **state)
{
	static const size_t caps[] = {PIPEC_UNBOUNDED, 16};
	unsigned char small[64] = {0};

	(void)state;
	WATCH();
	for (size_t i = 0; i < 2; i++) {
		atomic_ulong drops;
		pipec_chan_spec spec = {.name = "huge",
		                        .elem_size = SIZE_MAX / 4,
		                        .capacity = caps[i],
		                        .drop = count_only,
		                        .drop_ctx = &drops};
		pipec_tx *tx;
		pipec_rx *rx;
		pipec_status st;

		atomic_init(&drops, 0);
		st = pipec_channel(&spec, &tx, &rx);
		if (st == PIPEC_NOMEM)
			continue; /* refusing at creation is right too */
		assert_int_equal(st, PIPEC_OK);
		assert_int_equal(pipec_send(tx, small), PIPEC_NOMEM);
		assert_int_equal(atomic_load(&drops), 1);
		assert_int_equal(pipec_try_send(tx, small), PIPEC_NOMEM);
		assert_int_equal(atomic_load(&drops), 2);
		assert_int_equal(pipec_try_recv(rx, small), PIPEC_WOULDBLOCK);
		pipec_tx_drop(tx);
		pipec_rx_drop(rx);
		assert_int_equal(atomic_load(&drops), 2);
	}
}

static void test_einval_on_bad_arguments(void **state)
{
	pipec_chan_spec spec = {
	        .name = "a", .elem_size = sizeof(int), .capacity = 2};
	pipec_tx *tx;
	pipec_rx *rx;
	int v = 0;
	size_t which;

	(void)state;
	WATCH();
	assert_int_equal(pipec_send(NULL, &v), PIPEC_EINVAL);
	assert_int_equal(pipec_try_send(NULL, &v), PIPEC_EINVAL);
	assert_int_equal(pipec_send_until(NULL, &v, PIPEC_FOREVER),
	                 PIPEC_EINVAL);
	assert_int_equal(pipec_recv(NULL, &v), PIPEC_EINVAL);
	assert_int_equal(pipec_try_recv(NULL, &v), PIPEC_EINVAL);
	assert_int_equal(pipec_recv_until(NULL, &v, PIPEC_FOREVER),
	                 PIPEC_EINVAL);
	assert_int_equal(pipec_channel(&spec, &tx, &rx), PIPEC_OK);
	assert_int_equal(pipec_send(tx, NULL), PIPEC_EINVAL);
	assert_int_equal(pipec_recv(rx, NULL), PIPEC_EINVAL);
	assert_int_equal(pipec_select(&rx, 1, NULL, &which), PIPEC_EINVAL);
	assert_int_equal(pipec_select(NULL, 1, &v, &which), PIPEC_EINVAL);
	/* The channel is still usable. */
	v = 5;
	assert_int_equal(pipec_send(tx, &v), PIPEC_OK);
	v = 0;
	assert_int_equal(pipec_recv(rx, &v), PIPEC_OK);
	assert_int_equal(v, 5);
	pipec_tx_drop(NULL);
	pipec_rx_drop(NULL);
	pipec_tx_drop(tx);
	pipec_rx_drop(rx);
}

/*
 * The watchdog itself: a test that hangs while its values move is
 * "too slow", one whose values stand still is "stuck" (how a lost
 * wake-up would show). Two children, run side by side.
 */
static void watchdog_child(int fd, bool moving)
{
	static atomic_long count;

	dup2(fd, 2);
	rt_watchdog(2, "the child");
	rt_watch_value("count", &count);
	for (;;) {
		if (moving)
			atomic_fetch_add(&count, 1);
		else
			pause();
	}
}

static void read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1 < size && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
}

static void test_watchdog_tells_stuck_from_slow(void **state)
{
	int fds[2][2];
	pid_t pid[2];
	char text[2][1024];
	int status;

	(void)state;
	if (rt_slow() > 1)
		skip(); /* valgrind: the test's code is not the runtime's */
	rt_watchdog(0, "");
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pipe(fds[i]), 0);
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			close(fds[i][0]);
			watchdog_child(fds[i][1], i == 0);
		}
		close(fds[i][1]);
	}
	for (int i = 0; i < 2; i++) {
		read_all(fds[i][0], text[i], sizeof text[i]);
		close(fds[i][0]);
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 3);
		assert_non_null(
		        strstr(text[i], "the child did not end in time"));
	}
	assert_non_null(strstr(text[0], "a second later"));
	assert_non_null(strstr(text[0], "still moving"));
	assert_null(strstr(text[1], "a second later"));
	assert_non_null(strstr(text[1], "nothing moved"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_r1_messages_arrive_intact),
	        cmocka_unit_test(test_watchdog_tells_stuck_from_slow),
	        cmocka_unit_test(test_r1_every_elem_size_copied_exactly),
	        cmocka_unit_test(test_r1_bad_spec_rejected_with_einval),
	        cmocka_unit_test(test_r2_rendezvous_send_waits_for_receiver),
	        cmocka_unit_test(
	                test_r2_rendezvous_try_send_wouldblock_without_receiver),
	        cmocka_unit_test(
	                test_r2_rendezvous_try_send_reaches_waiting_receiver),
	        cmocka_unit_test(test_r2_bounded_accepts_exactly_capacity),
	        cmocka_unit_test(
	                test_r2_unbounded_never_blocks_and_keeps_order),
	        cmocka_unit_test(
	                test_r3_channel_open_until_last_receiver_clone_drops),
	        cmocka_unit_test(
	                test_r3_stream_open_until_last_sender_clone_drops),
	        cmocka_unit_test(test_r3_fan_in_every_message_once),
	        cmocka_unit_test(test_r3_fan_out_each_message_to_one_receiver),
	        cmocka_unit_test(
	                test_r5_blocked_sender_on_full_channel_wakes_closed),
	        cmocka_unit_test(
	                test_r5_blocked_rendezvous_sender_wakes_closed),
	        cmocka_unit_test(test_r5_every_blocked_sender_wakes_closed),
	        cmocka_unit_test(
	                test_r6_buffered_messages_received_then_closed),
	        cmocka_unit_test(
	                test_r6_blocked_receiver_wakes_closed_when_last_sender_drops),
	        cmocka_unit_test(
	                test_r7_failed_send_destroys_message_exactly_once),
	        cmocka_unit_test(
	                test_r7_channel_without_hook_discards_silently),
	        cmocka_unit_test(
	                test_r8_leftovers_dropped_when_last_receiver_goes),
	        cmocka_unit_test(test_r8_leftovers_dropped_after_senders_gone),
	        cmocka_unit_test(
	                test_select_every_message_once_with_right_which),
	        cmocka_unit_test(test_select_skips_closed_and_null_receivers),
	        cmocka_unit_test(test_select_sleeps_beside_a_closed_receiver),
	        cmocka_unit_test(test_select_blocked_wakes_for_any_receiver),
	        cmocka_unit_test(
	                test_r13_wait_demand_waits_for_a_blocked_receiver),
	        cmocka_unit_test(
	                test_r13_wait_demand_wakes_closed_when_receivers_go),
	        cmocka_unit_test(test_r13_select_is_demand),
	        cmocka_unit_test(
	                test_timedout_recv_until_waits_for_the_deadline),
	        cmocka_unit_test(test_time_functions),
	        cmocka_unit_test(test_status_names_are_distinct),
	        cmocka_unit_test(test_einval_on_bad_arguments),
	        cmocka_unit_test(test_nomem_when_a_channel_cannot_grow),
	};
	int failed = cmocka_run_group_tests_name("runtime: channels", tests,
	                                         NULL, NULL);

	rt_watchdog(0, "");
	return failed == 0 ? 0 : 1;
}
