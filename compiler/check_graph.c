/* SPDX-License-Identifier: MIT */
/*
 * check_graph.c - the checks of the wiring, and the channel graph they
 * build (Program.channels, Port.chans).
 *
 *   1. each arrow's two ends are resolved to an out port, an in port or a
 *      declared channel, and replica counts merged into their stages;
 *   2. the ports and declared channels joined by arrows are unified
 *      (union-find over Nodes) into channels; a '=>' arrow gets a channel
 *      of its own; each channel's message type, variant sets, declared
 *      ends, name and capacity are settled and checked;
 *   3. every port is connected, and the stages make no cycle (unless
 *      allowed).
 */
#include <stdint.h>
#include <string.h>

#include "check_internal.h"
#include "util.h"

/* ---- 1. wiring ---- */

/* The node of a port. */
static int port_node(Checker *ck, const Port *pt)
{
	return ck->stage_info[pt->stage->index].port_base + pt->index;
}

static int find(Checker *ck, int n)
{
	while (ck->nodes[n].parent != n) {
		ck->nodes[n].parent = ck->nodes[ck->nodes[n].parent].parent;
		n = ck->nodes[n].parent;
	}
	return n;
}

static void unite(Checker *ck, int a, int b)
{
	a = find(ck, a);
	b = find(ck, b);
	if (a != b)
		ck->nodes[b].parent = a;
}

/* Marks node n wired by the arrow at `arrow`; a member node also joins
 * the channel being built (a broadcasting port is not one: its branches
 * are). */
static void attach(Checker *ck, int n, Loc arrow, bool member)
{
	Node *nd = &ck->nodes[n];
	if (!nd->wired) {
		nd->wired = true;
		nd->attach = arrow;
	}
	if (member && !nd->member) {
		nd->member = true;
		ck->attach_order[ck->nattached++] = n;
	}
}

static int new_node(Checker *ck, NodeKind kind)
{
	if (ck->nnodes == ck->maxnodes)
		UNREACHABLE();
	int n = ck->nnodes++;
	ck->nodes[n].kind = kind;
	ck->nodes[n].parent = n;
	ck->nodes[n].chan = -1;
	return n;
}

/* "a.x or a.y", "a.x, a.y or a.z": the ports of s in direction dir. */
static const char *port_choices(Checker *ck, const Stage *s, PortDir dir)
{
	const char *text = "";
	int n = 0, total = 0;
	for (Port *pt = s->ports; pt; pt = pt->next)
		total += pt->dir == dir;
	for (Port *pt = s->ports; pt; pt = pt->next) {
		if (pt->dir != dir)
			continue;
		n++;
		text = arena_printf(ck->a, "%s%s%s.%s", text,
		                    n == 1       ? ""
		                    : n == total ? " or "
		                                 : ", ",
		                    s->name, pt->name);
	}
	return text;
}

/*
 * Resolves one end of an arrow to a node: an out port (from) or an in port
 * (to) of a stage, or a declared channel. Returns -1 after reporting an
 * error. *stage_out is the stage (for replicas), *decl_out the channel.
 */
static int resolve_end(Checker *ck, EndRef *e, PortDir dir, Stage **stage_out,
                       ChannelDecl **decl_out)
{
	const char *side = dir == PORT_OUT ? "start" : "end";
	*stage_out = NULL;
	*decl_out = NULL;
	ChannelDecl *cd = check_table_get(&ck->chandecls, e->name);
	if (cd) {
		if (e->port)
			diag_error(ck->d, e->port_loc,
			           "'%s' is a channel; it has no ports",
			           e->name);
		if (e->replicas.kind != COUNT_NONE)
			diag_error(ck->d, e->replicas.loc,
			           "channel '%s' cannot be replicated; only "
			           "stages can",
			           e->name);
		*decl_out = cd;
		return (int)(intptr_t)check_table_get(&ck->decl_nodes,
		                                      cd->name) -
		       1;
	}
	Stage *s = check_table_get(&ck->stages, e->name);
	if (!s) {
		/* The middle of a chain is the end of two arrows: once. */
		if (!loc_equal(ck->last_undefined, e->loc)) {
			Guess g;
			check_guess_init(&g, e->name);
			for (Stage *gs = ck->p->stages;
			     gs && ck->d->errors <= 50; gs = gs->next)
				check_guess_try(&g, gs->name);
			for (ChannelDecl *gc = ck->p->chandecls;
			     gc && ck->d->errors <= 50; gc = gc->next)
				check_guess_try(&g, gc->name);
			diag_error(ck->d, e->loc,
			           "undefined stage or channel '%s'%s", e->name,
			           check_guess_text(ck, &g));
		}
		ck->last_undefined = e->loc;
		return -1;
	}
	*stage_out = s;
	if (e->port) {
		Port *pt = s->ports;
		while (pt && strcmp(pt->name, e->port) != 0)
			pt = pt->next;
		if (!pt) {
			ck->stage_info[s->index].miswired = true;
			Guess g;
			check_guess_init(&g, e->port);
			for (Port *gp = s->ports; gp; gp = gp->next)
				if (gp->dir == dir)
					check_guess_try(&g, gp->name);
			diag_error(ck->d, e->port_loc,
			           "stage '%s' has no port '%s'%s", s->name,
			           e->port, check_guess_text(ck, &g));
			diag_note(ck->d, s->loc, "'%s' is defined here",
			          s->name);
			return -1;
		}
		if (pt->dir != dir) {
			ck->stage_info[s->index].miswired = true;
			diag_error(ck->d, e->port_loc,
			           "'%s.%s' is an %s port; an arrow cannot %s "
			           "at it",
			           s->name, pt->name,
			           pt->dir == PORT_IN ? "in" : "out", side);
			diag_note(ck->d, pt->loc, "'%s.%s' is declared here",
			          s->name, pt->name);
			return -1;
		}
		return port_node(ck, pt);
	}
	Port *found = NULL;
	int n = 0;
	for (Port *pt = s->ports; pt; pt = pt->next)
		if (pt->dir == dir) {
			found = found ? found : pt;
			n++;
		}
	if (n == 0 || n > 1)
		ck->stage_info[s->index].miswired = true;
	if (n == 0) {
		diag_error(ck->d, e->loc,
		           "stage '%s' has no %s port, so an arrow cannot %s "
		           "at it",
		           s->name, dir == PORT_IN ? "in" : "out", side);
		diag_note(ck->d, s->loc, "'%s' is defined here", s->name);
		return -1;
	}
	if (n > 1) {
		diag_error(ck->d, e->loc,
		           "stage '%s' has several %s ports; say which: %s",
		           s->name, dir == PORT_IN ? "in" : "out",
		           port_choices(ck, s, dir));
		return -1;
	}
	return port_node(ck, found);
}

/* Merges the replica count written at an arrow's end into its stage. */
static void merge_replicas(Checker *ck, Stage *s, EndRef *e)
{
	if (e->replicas.kind == COUNT_NONE)
		return;
	if (!s) { /* an unknown stage: its count can still be checked */
		check_count(ck, &e->replicas, true);
		return;
	}
	if (s->replicas.kind == COUNT_NONE) {
		check_count(ck, &e->replicas, true);
		s->replicas = e->replicas;
		return;
	}
	if (loc_equal(s->replicas.loc, e->replicas.loc))
		return; /* the same text, seen from both arrows of a chain */
	if (!check_same_count(&s->replicas, &e->replicas)) {
		diag_error(ck->d, e->replicas.loc,
		           "stage '%s' is given %s replicas here but %s "
		           "elsewhere",
		           s->name, util_count_text(ck->a, &e->replicas, "0"),
		           util_count_text(ck->a, &s->replicas, "0"));
		diag_note(ck->d, s->replicas.loc, "first given here");
	}
}

/*
 * The arrow e starts at the out port of node from: records whether it is
 * wired with '->' or '=>' (not both), and that a broadcast port's message
 * can be copied. Returns the node the arrow joins a channel with: the
 * port's, or for '=>' a new branch node of its own.
 */
static int wire_out_port(Checker *ck, int from, const Edge *e)
{
	Node *nd = &ck->nodes[from];
	Port *pt = nd->port;
	if (e->broadcast) {
		pt->broadcast = true;
		if (!nd->has_bcast)
			nd->bcast_loc = e->loc;
		nd->has_bcast = true;
	} else {
		if (!nd->has_plain)
			nd->plain_loc = e->loc;
		nd->has_plain = true;
	}
	if (nd->has_plain && nd->has_bcast) {
		bool b_first = nd->bcast_loc.line < nd->plain_loc.line ||
		               (nd->bcast_loc.line == nd->plain_loc.line &&
		                nd->bcast_loc.col < nd->plain_loc.col);
		if (e->broadcast != b_first) {
			diag_error(ck->d, e->loc,
			           "out port '%s.%s' is wired with "
			           "both '->' and '=>'; a port either "
			           "shares one channel or broadcasts",
			           pt->stage->name, pt->name);
			diag_note(ck->d,
			          b_first ? nd->bcast_loc : nd->plain_loc,
			          "first wired with '%s' here",
			          b_first ? "=>" : "->");
		}
	}
	if (e->broadcast && pt->msg && pt->msg->drop_fn && !pt->msg->copy_fn &&
	    !nd->bcast_reported) {
		nd->bcast_reported = true;
		diag_error(ck->d, e->loc,
		           "cannot broadcast '%s.%s': message '%s' has "
		           "a drop hook but no copy hook, so its "
		           "payload cannot be given to two receivers",
		           pt->stage->name, pt->name, pt->msg->name);
		diag_note(ck->d, pt->msg->loc,
		          "add copy(FUNCTION) to '%s' here", pt->msg->name);
	}
	if (!e->broadcast)
		return from;
	int b = new_node(ck, N_BRANCH);
	ck->nodes[b].port = pt;
	attach(ck, from, e->loc, false);
	return b;
}

static void wire_edge(Checker *ck, Edge *e)
{
	Stage *fs, *ts;
	ChannelDecl *fd, *td;
	int from = resolve_end(ck, &e->from, PORT_OUT, &fs, &fd);
	int to = resolve_end(ck, &e->to, PORT_IN, &ts, &td);
	merge_replicas(ck, fs, &e->from);
	merge_replicas(ck, ts, &e->to);
	check_count(ck, &e->cap, false);
	bool bad = from < 0 || to < 0;
	if (!bad && fd && td) {
		diag_error(ck->d, e->loc,
		           "an arrow cannot join two channels ('%s' and '%s'); "
		           "wire stages to them",
		           fd->name, td->name);
		bad = true;
	} else if (!bad && e->broadcast && fd) {
		diag_error(ck->d, e->loc,
		           "a broadcast '=>' must start at a stage's out "
		           "port, not at channel '%s'",
		           fd->name);
		bad = true;
	}
	if (bad) {
		/* The ends of a wrong arrow count as connected, so that no
		 * second error follows from the first. */
		if (from >= 0) {
			attach(ck, from, e->loc, false);
			ck->nodes[from].miswired = true;
		}
		if (to >= 0) {
			attach(ck, to, e->loc, false);
			ck->nodes[to].miswired = true;
		}
		if (fs)
			ck->stage_info[fs->index].miswired = true;
		if (ts)
			ck->stage_info[ts->index].miswired = true;
		return;
	}
	if (!fd)
		from = wire_out_port(ck, from, e);
	attach(ck, from, e->loc, true);
	attach(ck, to, e->loc, true);
	unite(ck, from, to);
	if (e->cap.kind != COUNT_NONE)
		ck->claims[ck->nclaims++] = (CapClaim){from, e->cap};
}

/* ---- the nodes ---- */

/* The nodes of the ports (stage by stage) and of the declared channels;
 * broadcast branches get theirs as their arrows are wired. */
static void setup_nodes(Checker *ck)
{
	Program *p = ck->p;
	int nports = 0;
	for (Stage *s = p->stages; s; s = s->next) {
		ck->stage_info[s->index].port_base = nports;
		nports += s->nports;
	}
	ck->decl_base = nports;
	int nbranches = 0;
	for (Edge *e = p->edges; e; e = e->next)
		nbranches += e->broadcast;
	ck->maxnodes = nports + p->nchandecls + nbranches;
	size_t m = (size_t)ck->maxnodes + 1;
	ck->nodes = arena_alloc(ck->a, m * sizeof(Node));
	ck->attach_order = arena_alloc(ck->a, m * sizeof(int));
	ck->claims =
	        arena_alloc(ck->a, (size_t)(p->nedges + 1) * sizeof(CapClaim));
	for (Stage *s = p->stages; s; s = s->next)
		for (Port *pt = s->ports; pt; pt = pt->next) {
			int n = new_node(ck, N_PORT);
			ck->nodes[n].port = pt;
			ck->nodes[n].dup =
			        ck->dup_ports.n &&
			        check_table_get(&ck->dup_ports,
			                        arena_printf(ck->a, "%d.%d",
			                                     s->index,
			                                     pt->index));
		}
	for (ChannelDecl *c = p->chandecls; c; c = c->next) {
		int n = new_node(ck, N_DECL);
		ck->nodes[n].decl = c;
		ck->nodes[n].msg = c->msg_name ? check_table_get(&ck->messages,
		                                                 c->msg_name)
		                               : NULL;
		if (check_table_get(&ck->chandecls, c->name) == c)
			check_table_put(ck->a, &ck->decl_nodes, c->name,
			                (void *)(intptr_t)(n + 1));
	}
}

void check_wiring(Checker *ck)
{
	setup_nodes(ck);
	for (Edge *e = ck->p->edges; e; e = e->next)
		wire_edge(ck, e);
}

/* ---- 2. channels ---- */

static const char *port_text(Checker *ck, const Port *pt)
{
	return arena_printf(ck->a, "'%s.%s'", pt->stage->name, pt->name);
}

/* "'s.p' sends M" / "'s.p' receives M" / "channel 'w' carries M" */
static const char *node_says(Checker *ck, const Node *nd)
{
	if (nd->kind == N_DECL)
		return arena_printf(ck->a, "channel '%s' carries %s",
		                    nd->decl->name, nd->msg->name);
	return arena_printf(ck->a, "%s %s %s", port_text(ck, nd->port),
	                    nd->port->dir == PORT_OUT ? "sends" : "receives",
	                    nd->port->msg->name);
}

static Message *node_msg(const Node *nd)
{
	return nd->kind == N_DECL ? nd->msg : nd->port->msg;
}

/* "Num.A", "Num.A and Num.B", "Num.A, Num.B and Num.C" */
static const char *variant_list(Checker *ck, const Message *m, uint64_t bits)
{
	const char *text = "";
	int total = 0, n = 0;
	for (const Variant *v = m->variants; v; v = v->next)
		total +=
		        v->index < CHECK_MAX_VARIANTS && (bits >> v->index & 1);
	for (const Variant *v = m->variants; v; v = v->next) {
		if (v->index >= CHECK_MAX_VARIANTS || !(bits >> v->index & 1))
			continue;
		n++;
		text = arena_printf(ck->a, "%s%s%s.%s", text,
		                    n == 1       ? ""
		                    : n == total ? " and "
		                                 : ", ",
		                    m->name, v->name);
	}
	return text;
}

/* A channel being built from the nodes the arrows joined. */
typedef struct ChanBuild {
	Channel *c;
	int *members; /* nodes, in the order they were wired */
	int nmembers;
	ChannelDecl *decl;     /* the declared channel it is, if any */
	const Node *decl_node; /* its node */
	const Count *cap;      /* the capacity agreed on */
	Loc cap_loc;
} ChanBuild;

/* Numbers the channels in the order of their first arrow: each attached
 * node gets the channel of its union-find root. Returns how many. */
static int number_channels(Checker *ck)
{
	int nb = 0;
	for (int i = 0; i < ck->nattached; i++) {
		int n = ck->attach_order[i];
		int r = find(ck, n);
		if (ck->nodes[r].chan < 0)
			ck->nodes[r].chan = nb++;
		ck->nodes[n].chan = ck->nodes[r].chan;
	}
	return nb;
}

/* The members of each of the nb channels, in the order they were wired;
 * and in each port's node, how many channels the port will hold. */
static ChanBuild *collect_members(Checker *ck, int nb)
{
	ChanBuild *cb =
	        arena_alloc(ck->a, (size_t)(nb + 1) * sizeof(ChanBuild));
	for (int i = 0; i < ck->nattached; i++) {
		Node *nd = &ck->nodes[ck->attach_order[i]];
		cb[nd->chan].nmembers++;
		if (nd->kind != N_DECL)
			ck->nodes[port_node(ck, nd->port)].nchans++;
	}
	for (int i = 0; i < nb; i++) {
		cb[i].members = arena_alloc(
		        ck->a, (size_t)(cb[i].nmembers + 1) * sizeof(int));
		cb[i].nmembers = 0;
	}
	for (int i = 0; i < ck->nattached; i++) {
		int n = ck->attach_order[i];
		ChanBuild *b = &cb[ck->nodes[n].chan];
		b->members[b->nmembers++] = n;
	}
	return cb;
}

/* Adds c to the channels of pt; false if pt already has it (two '=>'
 * branches of one port into one channel). */
static bool add_port_chan(Checker *ck, Port *pt, Channel *c)
{
	if (!pt->chans)
		pt->chans = arena_alloc(
		        ck->a,
		        (size_t)(ck->nodes[port_node(ck, pt)].nchans + 1) *
		                sizeof(Channel *));
	for (int i = 0; i < pt->nchans; i++)
		if (pt->chans[i] == c)
			return false;
	pt->chans[pt->nchans++] = c;
	return true;
}

/* Makes the channel of b: its declaration, senders and receivers. */
static void make_channel(Checker *ck, ChanBuild *b, int index)
{
	Channel *c = ARENA_NEW(ck->a, Channel);
	b->c = c;
	c->index = index;
	c->loc = ck->nodes[b->members[0]].attach;
	c->senders = arena_alloc(ck->a, (size_t)b->nmembers * sizeof(Port *));
	c->receivers = arena_alloc(ck->a, (size_t)b->nmembers * sizeof(Port *));
	for (int k = 0; k < b->nmembers; k++) {
		Node *nd = &ck->nodes[b->members[k]];
		if (nd->kind == N_DECL) {
			if (b->decl) {
				diag_error(ck->d, nd->attach,
				           "channels '%s' and '%s' are joined "
				           "into one by the wiring (a port is "
				           "wired to both); use one of them",
				           b->decl->name, nd->decl->name);
				continue;
			}
			b->decl = nd->decl;
			b->decl_node = nd;
			c->loc = nd->decl->loc;
			continue;
		}
		Port *pt = nd->port;
		if (!add_port_chan(ck, pt, c)) {
			diag_error(ck->d, nd->attach,
			           "%s broadcasts into this channel twice",
			           port_text(ck, pt));
			continue;
		}
		if (pt->dir == PORT_OUT)
			c->senders[c->nsenders++] = pt;
		else
			c->receivers[c->nreceivers++] = pt;
	}
}

/* The channel's message type: the declared one, else the first sender's
 * (else the first receiver's); every port of another type is reported. */
static void settle_type(Checker *ck, ChanBuild *b)
{
	const Node *ref =
	        b->decl_node && b->decl_node->msg ? b->decl_node : NULL;
	for (int k = 0; !ref && k < b->nmembers; k++) {
		Node *nd = &ck->nodes[b->members[k]];
		if (nd->kind != N_DECL && nd->port->msg &&
		    nd->port->dir == PORT_OUT)
			ref = nd;
	}
	for (int k = 0; !ref && k < b->nmembers; k++) {
		Node *nd = &ck->nodes[b->members[k]];
		if (nd->kind != N_DECL && nd->port->msg)
			ref = nd;
	}
	Channel *c = b->c;
	c->msg = ref ? node_msg(ref) : NULL;
	for (int k = 0; ref && k < b->nmembers; k++) {
		Node *nd = &ck->nodes[b->members[k]];
		if (nd == ref || nd->kind == N_DECL || !nd->port->msg ||
		    nd->port->msg == c->msg)
			continue;
		diag_error(ck->d, nd->attach,
		           "message type mismatch: %s but %s",
		           node_says(ck, ref), node_says(ck, nd));
	}
}

/* Every variant a sender of c may send, each of its receivers accepts. */
static void check_variants(Checker *ck, const Channel *c)
{
	for (int s = 0; c->msg && s < c->nsenders; s++) {
		Port *sp = c->senders[s];
		if (sp->msg != c->msg)
			continue;
		for (int r = 0; r < c->nreceivers; r++) {
			Port *rp = c->receivers[r];
			if (rp->msg != c->msg)
				continue;
			uint64_t bad = sp->mask & ~rp->mask;
			if (!bad)
				continue;
			Loc at = ck->nodes[port_node(ck, rp)].attach;
			diag_error(ck->d, at,
			           "%s sends %s, which %s does not accept",
			           port_text(ck, sp),
			           variant_list(ck, c->msg, bad),
			           port_text(ck, rp));
			diag_note(ck->d, rp->msg_loc, "%s accepts only %s",
			          port_text(ck, rp),
			          variant_list(ck, c->msg, rp->mask));
		}
	}
}

/* A declared channel needs a sender and a receiver (unless a wrong arrow
 * to it was reported already). */
static void check_declared_ends(Checker *ck, const ChanBuild *b)
{
	if (!b->decl)
		return;
	for (int k = 0; k < b->nmembers; k++)
		if (ck->nodes[b->members[k]].miswired)
			return;
	if (b->c->nsenders == 0)
		diag_error(ck->d, b->decl->loc,
		           "channel '%s' has no sender: no arrow goes into it",
		           b->decl->name);
	if (b->c->nreceivers == 0)
		diag_error(ck->d, b->decl->loc,
		           "channel '%s' has no receiver: no arrow leaves it",
		           b->decl->name);
}

/* The channel's name: the declared one, else "<stage>_<port>" of its first
 * sender, made unique among names (every name taken so far) with a
 * number. */
static void name_channel(Checker *ck, ChanBuild *b, Table *names)
{
	Channel *c = b->c;
	if (b->decl) {
		c->name = b->decl->name;
		return;
	}
	const Port *first = c->nsenders ? c->senders[0] : c->receivers[0];
	const char *base =
	        arena_printf(ck->a, "%s_%s", first->stage->name, first->name);
	c->name = base;
	for (int k = 2; check_table_get(names, c->name); k++)
		c->name = arena_printf(ck->a, "%s_%d", base, k);
	check_table_put(ck->a, names, c->name, c);
}

/* Every capacity written for a channel, at its declaration or on its
 * arrows, must agree; the first one is the channel's. */
static void agree_capacities(Checker *ck, ChanBuild *cb, int nb)
{
	int n = ck->decl_base;
	for (ChannelDecl *d = ck->p->chandecls; d; d = d->next, n++) {
		if (ck->nodes[n].decl != d)
			UNREACHABLE();
		if (ck->nodes[n].chan >= 0 && d->cap.kind != COUNT_NONE) {
			ChanBuild *b = &cb[ck->nodes[n].chan];
			b->cap = &d->cap;
			b->cap_loc = d->cap.loc;
		}
	}
	for (int i = 0; i < ck->nclaims; i++) {
		CapClaim *cl = &ck->claims[i];
		ChanBuild *b = &cb[ck->nodes[cl->node].chan];
		if (!b->cap) {
			b->cap = &cl->cap;
			b->cap_loc = cl->cap.loc;
		} else if (!check_same_count(b->cap, &cl->cap)) {
			diag_error(ck->d, cl->cap.loc,
			           "conflicting capacities for channel '%s': "
			           "%s here, %s before",
			           b->c->name,
			           util_count_text(ck->a, &cl->cap, "0"),
			           util_count_text(ck->a, b->cap, "0"));
			diag_note(ck->d, b->cap_loc,
			          "the capacity is first given here");
		}
	}
	for (int i = 0; i < nb; i++) {
		if (cb[i].cap)
			cb[i].c->cap = *cb[i].cap;
		else
			cb[i].c->cap.kind = COUNT_NONE;
	}
}

void check_build_channels(Checker *ck)
{
	Program *p = ck->p;
	int nb = number_channels(ck);
	ChanBuild *cb = collect_members(ck, nb);
	/* Names taken: the declared channels', then the ones made here. */
	Table names = {0};
	for (ChannelDecl *d = p->chandecls; d; d = d->next)
		if (!check_table_get(&names, d->name))
			check_table_put(ck->a, &names, d->name, d);
	Channel **tail = &p->channels;
	for (int i = 0; i < nb; i++) {
		make_channel(ck, &cb[i], i);
		settle_type(ck, &cb[i]);
		check_variants(ck, cb[i].c);
		check_declared_ends(ck, &cb[i]);
		name_channel(ck, &cb[i], &names);
		*tail = cb[i].c;
		tail = &cb[i].c->next;
		p->nchannels++;
	}
	agree_capacities(ck, cb, nb);
}

/* ---- 3. connections and cycles ---- */

void check_connected(Checker *ck)
{
	for (Stage *s = ck->p->stages; s; s = s->next) {
		if (ck->stage_info[s->index].miswired ||
		    check_table_get(&ck->stages, s->name) != s)
			continue; /* its wrong arrow, or it, was reported */
		int wired = 0;
		for (Port *pt = s->ports; pt; pt = pt->next)
			wired += ck->nodes[port_node(ck, pt)].wired;
		if (wired == 0 && s->nports > 0) {
			diag_error(ck->d, s->loc,
			           "stage '%s' is not connected: no arrow "
			           "goes into it or leaves it",
			           s->name);
			continue;
		}
		for (Port *pt = s->ports; pt; pt = pt->next)
			if (!ck->nodes[port_node(ck, pt)].wired &&
			    !ck->nodes[port_node(ck, pt)].dup)
				diag_error(ck->d, pt->loc,
				           "port '%s.%s' is not connected; "
				           "every port must be wired",
				           s->name, pt->name);
	}
	for (int n = 0; n < ck->nnodes; n++)
		if (ck->nodes[n].kind == N_DECL && !ck->nodes[n].wired &&
		    check_table_get(&ck->chandecls, ck->nodes[n].decl->name) ==
		            ck->nodes[n].decl)
			diag_warning(ck->d, ck->nodes[n].decl->loc,
			             W_UNUSED_CHANNEL,
			             "channel '%s' is declared but never used",
			             ck->nodes[n].decl->name);
}

typedef struct Arc {
	int to;
	const Channel *via;
} Arc;

void check_cycles(Checker *ck)
{
	Program *p = ck->p;
	int ns = p->nstages;
	if (ns == 0)
		return;
	int *narcs = arena_alloc(ck->a, (size_t)ns * sizeof(int));
	for (Channel *c = p->channels; c; c = c->next)
		for (int s = 0; s < c->nsenders; s++)
			narcs[c->senders[s]->stage->index] += c->nreceivers;
	Arc **arcs = arena_alloc(ck->a, (size_t)ns * sizeof(Arc *));
	int *fill = arena_alloc(ck->a, (size_t)ns * sizeof(int));
	for (int i = 0; i < ns; i++)
		arcs[i] = arena_alloc(ck->a,
		                      (size_t)(narcs[i] + 1) * sizeof(Arc));
	for (Channel *c = p->channels; c; c = c->next)
		for (int s = 0; s < c->nsenders; s++)
			for (int r = 0; r < c->nreceivers; r++) {
				int from = c->senders[s]->stage->index;
				arcs[from][fill[from]++] =
				        (Arc){c->receivers[r]->stage->index, c};
			}

	/* Iterative depth-first search; color 0 new, 1 on the path, 2 done. */
	int *color = arena_alloc(ck->a, (size_t)ns * sizeof(int));
	int *path = arena_alloc(ck->a, (size_t)ns * sizeof(int));
	int *next = arena_alloc(ck->a, (size_t)ns * sizeof(int));
	int reported = 0;
	for (int root = 0; root < ns; root++) {
		if (color[root])
			continue;
		int depth = 0;
		path[0] = root;
		color[root] = 1;
		next[root] = 0;
		while (depth >= 0) {
			int u = path[depth];
			if (next[u] == fill[u]) {
				color[u] = 2;
				depth--;
				continue;
			}
			Arc a = arcs[u][next[u]++];
			if (color[a.to] == 0) {
				color[a.to] = 1;
				next[a.to] = 0;
				path[++depth] = a.to;
			} else if (color[a.to] == 1 && reported < 10) {
				reported++;
				int k = depth;
				while (path[k] != a.to)
					k--;
				const char *text = "";
				for (int j = k; j <= depth; j++)
					text = arena_printf(
					        ck->a, "%s%s -> ", text,
					        ck->stage_info[path[j]]
					                .stage->name);
				text = arena_printf(
				        ck->a, "%s%s", text,
				        ck->stage_info[a.to].stage->name);
				if (p->allow_cycles)
					diag_warning(ck->d, a.via->loc, W_CYCLE,
					             "the wiring has a cycle: "
					             "%s",
					             text);
				else
					diag_error(
					        ck->d, a.via->loc,
					        "the wiring has a cycle: %s "
					        "(its stages keep each other "
					        "alive, so drop-to-cancel "
					        "cannot stop them; "
					        "--allow-cycles accepts it)",
					        text);
			}
		}
	}
}
