/* SPDX-License-Identifier: MIT */
/*
 * port.c - ports: the typed endpoints a stage body is given, under the
 * one-line wrappers of generated headers.
 *
 * A port wraps what pipec_pipeline_build() made for one port of one stage
 * instance: an in port's receiver, or an out port's senders (one per
 * branch of a broadcast). The common case - one channel, no variant check
 * (NDEBUG) - is one test and a tail call to pipec_send/pipec_recv; the
 * rest (broadcast copies, variant checks, select, demand) is here, once.
 * No operation allocates: a broadcast port has its own scratch.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The slow paths stay out of line, so that the hot path of each public
 * call is a test and a tail call, with no frame to set up. */
#if defined(__GNUC__)
#define SLOW_PATH __attribute__((noinline))
#else
#define SLOW_PATH
#endif

/* ------------------------------------------------------------------ */
/* Variant checks (R1)                                                 */
/* ------------------------------------------------------------------ */

/* The tag of the message at msg, read as the type says. */
static uint64_t read_tag(const pipec_msg_type *type, const void *msg)
{
	const unsigned char *p = (const unsigned char *)msg + type->tag_offset;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	switch (type->tag_size) {
	case 1:
		memcpy(&u8, p, 1);
		return u8;
	case 2:
		memcpy(&u16, p, 2);
		return u16;
	case 4:
		memcpy(&u32, p, 4);
		return u32;
	default: /* 8: the builder accepts no other size */
		memcpy(&u64, p, 8);
		return u64;
	}
}

static void print_variant(FILE *f, const pipec_msg_type *type, uint64_t tag)
{
	if (tag < type->nvariants && type->variants && type->variants[tag])
		fprintf(f, "%s.%s", type->name, type->variants[tag]);
	else
		fprintf(f, "a %s with tag %llu", type->name,
		        (unsigned long long)tag);
}

/*
 * A message the port does not accept: a bug in the stage body that the
 * compiler could not see (it chose the variant at run time). Says where,
 * in one line, and aborts, like a failed assert.
 */
static void variant_refused(const pipec_port *port, uint64_t tag)
{
	const pipec_run *run = port->stage->run;
	const pipec_pipeline_desc *pl = run->desc;
	const pipec_msg_type *type = port->type;
	FILE *f = stderr;

	flockfile(f);
	fprintf(f, "%s: ", run->prog ? run->prog : pl->name);
	if (pl->file)
		fprintf(f, "%s:%u: ", pl->file, port->desc->line);
	fprintf(f, "pipeline '%s' stage '%s' port '%s' cannot %s ", pl->name,
	        port->stage->name, port->desc->name,
	        port->out ? "send" : "receive");
	print_variant(f, type, tag);
	fputs(" (it accepts ", f);
	const char *sep = "";
	for (unsigned v = 0; v < type->nvariants; v++) {
		if (port->mask >> v & 1) {
			fputs(sep, f);
			print_variant(f, type, v);
			sep = ", ";
		}
	}
	fputs(*sep ? ")\n" : "nothing)\n", f);
	funlockfile(f);
	abort();
}

static void check_variant(const pipec_port *port, const void *msg)
{
	uint64_t tag = read_tag(port->type, msg);
	if (tag >= 64 || !(port->mask >> tag & 1))
		variant_refused(port, tag);
}

/* ------------------------------------------------------------------ */
/* Send                                                                */
/* ------------------------------------------------------------------ */

enum how { WAIT, TRY, UNTIL };

static pipec_status send_one(pipec_tx *tx, const void *msg, enum how how,
                             pipec_time deadline)
{
	switch (how) {
	case TRY:
		return pipec_try_send(tx, msg);
	case UNTIL:
		return pipec_send_until(tx, msg, deadline);
	default:
		return pipec_send(tx, msg);
	}
}

/*
 * Every open branch gets the message: a copy each (the type's copy hook),
 * the last branch msg itself. A branch already closed is skipped, except
 * the last, whose send always happens so that msg is consumed (R7); a copy
 * whose send fails is destroyed by its channel like any message. PIPEC_OK
 * if any branch took it; else the failure, PIPEC_CANCELLED first.
 */
static pipec_status broadcast(pipec_port *port, void *msg, enum how how,
                              pipec_time deadline)
{
	const pipec_msg_type *type = port->type;
	bool delivered = false;
	pipec_status failed = PIPEC_CLOSED;
	for (unsigned i = 0; i < port->ntxs; i++) {
		bool last = i == port->ntxs - 1;
		void *m = msg;
		if (!last) {
			if (pipec_tx_closed(port->txs[i]))
				continue;
			m = port->copy;
			if (type->copy)
				type->copy(m, msg);
			else
				memcpy(m, msg, type->size);
		}
		pipec_status st = send_one(port->txs[i], m, how, deadline);
		if (st == PIPEC_OK)
			delivered = true;
		else if (failed != PIPEC_CANCELLED)
			failed = st;
	}
	return delivered ? PIPEC_OK : failed;
}

SLOW_PATH static pipec_status port_send(pipec_port *port, void *msg,
                                        enum how how, pipec_time deadline)
{
	if (!port || !port->out || !msg)
		return PIPEC_EINVAL;
	if (port->checks)
		check_variant(port, msg);
	if (port->ntxs == 1)
		return send_one(port->txs[0], msg, how, deadline);
	return broadcast(port, msg, how, deadline);
}

pipec_status pipec_port_send(pipec_port *port, void *msg)
{
	if (port && port->fast_tx)
		return pipec_send(port->fast_tx, msg);
	return port_send(port, msg, WAIT, PIPEC_FOREVER);
}

pipec_status pipec_port_try_send(pipec_port *port, void *msg)
{
	if (port && port->fast_tx)
		return pipec_try_send(port->fast_tx, msg);
	return port_send(port, msg, TRY, PIPEC_FOREVER);
}

pipec_status pipec_port_send_until(pipec_port *port, void *msg,
                                   pipec_time deadline)
{
	if (port && port->fast_tx)
		return pipec_send_until(port->fast_tx, msg, deadline);
	return port_send(port, msg, UNTIL, deadline);
}

/* ------------------------------------------------------------------ */
/* Receive and select                                                  */
/* ------------------------------------------------------------------ */

SLOW_PATH static pipec_status port_recv(pipec_port *port, void *msg,
                                        enum how how, pipec_time deadline)
{
	if (!port || port->out)
		return PIPEC_EINVAL;
	pipec_status st;
	switch (how) {
	case TRY:
		st = pipec_try_recv(port->rx, msg);
		break;
	case UNTIL:
		st = pipec_recv_until(port->rx, msg, deadline);
		break;
	default:
		st = pipec_recv(port->rx, msg);
		break;
	}
	if (st == PIPEC_OK && port->checks)
		check_variant(port, msg);
	return st;
}

pipec_status pipec_port_recv(pipec_port *port, void *msg)
{
	if (port && port->fast_rx)
		return pipec_recv(port->fast_rx, msg);
	return port_recv(port, msg, WAIT, PIPEC_FOREVER);
}

pipec_status pipec_port_try_recv(pipec_port *port, void *msg)
{
	if (port && port->fast_rx)
		return pipec_try_recv(port->fast_rx, msg);
	return port_recv(port, msg, TRY, PIPEC_FOREVER);
}

pipec_status pipec_port_recv_until(pipec_port *port, void *msg,
                                   pipec_time deadline)
{
	if (port && port->fast_rx)
		return pipec_recv_until(port->fast_rx, msg, deadline);
	return port_recv(port, msg, UNTIL, deadline);
}

pipec_status pipec_port_select_until(const void *ports, size_t n, void *msg,
                                     void *from, pipec_time deadline)
{
	if (!ports || !msg || n < 1 || n > PIPEC_SELECT_MAX)
		return PIPEC_EINVAL;
	/* The caller's pointers are typed (Num_in *): read each as the
	 * bytes of a pipec_port *, which every object pointer shares. */
	const unsigned char *bytes = ports;
	pipec_port *port[PIPEC_SELECT_MAX];
	pipec_rx *rxs[PIPEC_SELECT_MAX];
	const pipec_stage *stage = NULL;
	for (size_t i = 0; i < n; i++) {
		memcpy(&port[i], bytes + i * sizeof(pipec_port *),
		       sizeof(pipec_port *));
		rxs[i] = NULL;
		if (!port[i])
			continue; /* skipped, like a closed port */
		if (port[i]->out || (stage && port[i]->stage != stage))
			return PIPEC_EINVAL;
		stage = port[i]->stage;
		rxs[i] = port[i]->rx;
	}
	size_t which = 0;
	pipec_status st = pipec_select_until(rxs, n, msg, &which, deadline);
	if (st != PIPEC_OK)
		return st;
	if (port[which]->checks)
		check_variant(port[which], msg);
	if (from)
		memcpy(from, bytes + which * sizeof(pipec_port *),
		       sizeof(pipec_port *));
	return st;
}

/* ------------------------------------------------------------------ */
/* Demand, closed, drop                                                */
/* ------------------------------------------------------------------ */

pipec_status pipec_port_wait_demand_until(pipec_port *port, pipec_time deadline)
{
	if (!port || !port->out)
		return PIPEC_EINVAL;
	if (port->ntxs == 1)
		return pipec_wait_demand_until(port->txs[0], deadline);
	return pipec_wait_demand_any(port->txs, port->ntxs, port->demand,
	                             deadline);
}

pipec_status pipec_port_wait_demand(pipec_port *port)
{
	return pipec_port_wait_demand_until(port, PIPEC_FOREVER);
}

bool pipec_port_closed(const pipec_port *port)
{
	if (!port)
		return true;
	if (!port->out)
		return atomic_load(&port->rx->dropped);
	for (unsigned i = 0; i < port->ntxs; i++)
		if (!pipec_tx_closed(port->txs[i]))
			return false;
	return true;
}

void pipec_port_drop(pipec_port *port)
{
	if (!port)
		return;
	if (!port->out) {
		pipec_rx_drop(port->rx);
		return;
	}
	for (unsigned i = 0; i < port->ntxs; i++)
		pipec_tx_drop(port->txs[i]);
}
