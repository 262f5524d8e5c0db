/* SPDX-License-Identifier: MIT */
/*
 * check_internal.h - what the files of the checker share: its state, its
 * name tables, and the functions one file offers the others. The rest of
 * pipec sees only check.h.
 *
 * The checker's files, in the order check_program() runs them:
 *   check_decls.c  the declarations: pipeline, parameters, messages (the
 *                  imported ones too), stages and ports, declared
 *                  channels; what a message file cannot declare; unused
 *                  parameters
 *   check_graph.c  the graph: arrows resolved to ports and channels,
 *                  channels built, every port connected, no cycles
 *   check_names.c  what both use: names C reserves, names the generated
 *                  code would clash on, "did you mean", counts
 *   check.c        check_program() and the name table
 */
#ifndef PIPEC_CHECK_INTERNAL_H
#define PIPEC_CHECK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "check.h"

/* ---- a name table: open addressing, in the arena (check.c) ---- */

typedef struct Entry {
	const char *key;
	void *val;
} Entry;

typedef struct Table {
	Entry *e;
	size_t cap, n;
} Table;

/* The value of key, or NULL. */
void *check_table_get(const Table *t, const char *key);
/* Adds key, which must not be there yet. */
void check_table_put(Arena *a, Table *t, const char *key, void *val);

/* ---- the checker's state ---- */

/* A node of the union-find that builds channels: a port, a declared
 * channel, or one '=>' arrow (a branch of a broadcast out port). */
typedef enum NodeKind { N_PORT, N_DECL, N_BRANCH } NodeKind;

typedef struct Node {
	NodeKind kind;
	Port *port;        /* N_PORT; N_BRANCH: the out port broadcasting */
	ChannelDecl *decl; /* N_DECL */
	Message *msg;      /* N_DECL: the declared type, if any */
	int parent;
	bool wired;    /* some arrow wires it */
	bool member;   /* it is in attach_order: part of a channel */
	bool miswired; /* an arrow to it was wrong (and reported) */
	bool dup;      /* N_PORT: a duplicate port (reported) */
	Loc attach;    /* the first arrow that wires it */
	int chan;      /* once channels are built: the node's channel */
	/* N_PORT of an out port: how its arrows wire it */
	bool has_plain, has_bcast; /* a '->' arrow, a '=>' arrow */
	Loc plain_loc, bcast_loc;  /* the first of each */
	bool bcast_reported;       /* its missing copy hook was reported */
	int nchans;                /* N_PORT: the channels it will hold */
} Node;

/* What the checker keeps about each stage, by Stage.index. */
typedef struct StageInfo {
	Stage *stage;
	int port_base; /* the node of its first port */
	bool miswired; /* an arrow to it was wrong (and reported) */
} StageInfo;

/* A capacity written for a channel on an arrow. */
typedef struct CapClaim {
	int node;
	Count cap;
} CapClaim;

typedef struct Checker {
	Program *p;
	Arena *a;
	Diag *d;
	/* the declarations by name (the first of duplicates) */
	Table params, messages, stages, chandecls;
	Table gen_names;       /* C name -> what the generated code defines
	                          under it (check_names.c) */
	Table decl_nodes;      /* channel name -> its node + 1 */
	Table dup_ports;       /* "STAGE.PORT" (indexes) of duplicate ports */
	StageInfo *stage_info; /* by stage index */
	Node *nodes;           /* ports (by stage), then declared channels, then
	                          broadcast branches */
	int nnodes, maxnodes;
	int decl_base;     /* the node of the first declared channel */
	int *attach_order; /* attached nodes, in the order they were wired */
	int nattached;
	CapClaim *claims;
	int nclaims;
	bool *param_used;   /* by parameter index: a count uses it */
	Loc last_undefined; /* the last undefined name reported */
} Checker;

/* ---- names and counts (check_names.c) ---- */

/* Reports a name the generated C cannot use (a C keyword, a reserved
 * name, the runtime's prefix); what names the thing: "a stage". */
void check_name(Checker *ck, const char *name, Loc loc, const char *what);

/* The names the generated code derives, registered as each declaration
 * is checked; a name already taken is reported. */
void check_gen_pipeline(Checker *ck);
void check_gen_message(Checker *ck, const Message *m);
void check_gen_variant(Checker *ck, const Message *m, const Variant *v);
void check_gen_stage(Checker *ck, const Stage *s);
/* The include guard of the message file src (this one, or an imported
 * one), for the diagnostics at loc. */
void check_gen_file(Checker *ck, const Src *src, Loc loc);
/* A port named like something a stage body uses (self, params, ...). */
void check_body_name(Checker *ck, const Port *pt);

/* "Did you mean": a misspelt name and the nearest candidate so far. */
typedef struct Guess {
	const char *name; /* the misspelt name */
	const char *best; /* the nearest candidate so far */
	int dist;         /* its distance; only closer ones are taken */
} Guess;

void check_guess_init(Guess *g, const char *name);
void check_guess_try(Guess *g, const char *candidate);
/* "; did you mean 'x'?", or "" without a guess. */
const char *check_guess_text(Checker *ck, const Guess *g);
/* The same, over the parameters or the messages. */
const char *check_guess_param(Checker *ck, const char *name);
const char *check_guess_message(Checker *ck, const char *name);

/* Do a and b say the same count? */
bool check_same_count(const Count *a, const Count *b);
/* Resolves and checks a count: a capacity (replicas false) or a replica
 * count (replicas true). */
void check_count(Checker *ck, Count *c, bool replicas);

/* ---- declarations (check_decls.c) ---- */

/* The include guards of the message files: this one, the imported ones. */
void check_files(Checker *ck);
/* In a message file, the declarations only a pipeline can have. */
void check_module(Checker *ck);
void check_pipeline(Checker *ck);
void check_params(Checker *ck);
/* The imported messages (Message.from), then this file's own. */
void check_messages(Checker *ck);
void check_stages(Checker *ck);
void check_chandecls(Checker *ck);
/* Warns about parameters nothing uses (after the graph: counts use them). */
void check_unused_params(Checker *ck);

/* ---- the graph (check_graph.c) ---- */

/* Resolves each arrow's ends to ports and declared channels, and joins
 * them (union-find) into what will be channels. */
void check_wiring(Checker *ck);
/* Makes Program.channels and Port.chans from the joined nodes. */
void check_build_channels(Checker *ck);
void check_connected(Checker *ck);
void check_cycles(Checker *ck);

#endif
