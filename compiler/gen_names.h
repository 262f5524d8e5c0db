/* SPDX-License-Identifier: MIT */
/*
 * gen_names.h - every C name the generated code derives from the names in
 * a .pipe file, listed once.
 *
 * The checker expands the list to register each name and to report two
 * things that would get the same one (check_names.c); the emitters expand
 * it to spell the names they write. A name the generated code defines and
 * this list lacks is a clash pipec cannot see: add its row here first.
 *
 * Each row is X(ID, SCOPE, TEMPLATE, ROLE):
 *   ID        the row's constant (GenNameId)
 *   SCOPE     what the name is made from, one name for each:
 *               GEN_PIPELINE  the pipeline (a file with 'pipeline P;')
 *               GEN_MODULE    a message file (no 'pipeline' line)
 *               GEN_MESSAGE   message
 *               GEN_VARIANT   variant
 *               GEN_PAYLOAD   variant with a payload (one C type or
 *                             fields)
 *               GEN_STAGE     stage
 *               GEN_BODY      (none: a name a stage body uses itself)
 *               GEN_LOCAL     (none: a parameter name of generated
 *                             functions, before a parameter of the
 *                             message's type, which it would hide: no
 *                             message may be named so)
 *   TEMPLATE  the name, in the $-syntax of util_subst() and the emitters'
 *             out_tmpl():
 *               $P the pipeline's name    $Q it in upper case
 *               $M the message's name     $U it in upper case
 *               $V the variant's name     $W it in upper case
 *               $S the stage's name
 *               $F the message file's stem (gen_file_stem())
 *   ROLE      what the name is, completed by its owner in messages: "the
 *             send function" (of message 'Num')
 *
 * ORDER: within a scope, rows are registered in this order, so a clash is
 * reported at the later one.
 */
#ifndef PIPEC_GEN_NAMES_H
#define PIPEC_GEN_NAMES_H

#include "arena.h"

#define GEN_NAMES(X)                                                           \
	/* the pipeline P */                                                   \
	X(GN_GUARD, GEN_PIPELINE, "$Q_PIPEC_H", "the include guard")           \
	X(GN_PARAMS, GEN_PIPELINE, "$P_params", "the parameters type")         \
	X(GN_PARAMS_INIT, GEN_PIPELINE, "$P_params_init",                      \
	  "the parameters' init function")                                     \
	X(GN_PARAMS_CHECK, GEN_PIPELINE, "$P_params_check",                    \
	  "the parameters' check function")                                    \
	X(GN_PIPELINE, GEN_PIPELINE, "$P_pipeline", "the pipeline type")       \
	X(GN_NEW, GEN_PIPELINE, "$P_new", "the new function")                  \
	X(GN_FREE, GEN_PIPELINE, "$P_free", "the free function")               \
	X(GN_RUN, GEN_PIPELINE, "$P_run", "the run function")                  \
	X(GN_DESC, GEN_PIPELINE, "$P_desc", "the pipeline's table")            \
	X(GN_PARAMS_INIT_ENTRY, GEN_PIPELINE, "$P_params_init_",               \
	  "the table's parameter init function")                               \
	X(GN_PARAM_TABLE, GEN_PIPELINE, "$P_params_", "the parameter table")   \
	X(GN_CHAN_TABLE, GEN_PIPELINE, "$P_chans_", "the channel table")       \
	X(GN_PORT_TABLE, GEN_PIPELINE, "$P_ports_", "the port table")          \
	X(GN_PORT_CHAN_TABLE, GEN_PIPELINE, "$P_port_chans_",                  \
	  "the ports' channel table")                                          \
	X(GN_STAGE_TABLE, GEN_PIPELINE, "$P_stages_", "the stage table")       \
	/* a message file F */                                                 \
	X(GN_MODULE_GUARD, GEN_MODULE, "$F_PIPEC_H", "the include guard")      \
	/* each message M */                                                   \
	X(GN_MSG, GEN_MESSAGE, "$M", "the type")                               \
	X(GN_MSG_TAG, GEN_MESSAGE, "$M_tag", "the tag type")                   \
	X(GN_MSG_IN, GEN_MESSAGE, "$M_in", "the in port type")                 \
	X(GN_MSG_OUT, GEN_MESSAGE, "$M_out", "the out port type")              \
	X(GN_MSG_TAG_NAME, GEN_MESSAGE, "$M_tag_name",                         \
	  "the tag name function")                                             \
	X(GN_MSG_DESTROY, GEN_MESSAGE, "$M_destroy", "the destroy function")   \
	X(GN_MSG_CLONE, GEN_MESSAGE, "$M_clone", "the clone function")         \
	X(GN_MSG_SEND, GEN_MESSAGE, "$M_send", "the send function")            \
	X(GN_MSG_TRY_SEND, GEN_MESSAGE, "$M_try_send",                         \
	  "the try_send function")                                             \
	X(GN_MSG_SEND_UNTIL, GEN_MESSAGE, "$M_send_until",                     \
	  "the send_until function")                                           \
	X(GN_MSG_RECV, GEN_MESSAGE, "$M_recv", "the recv function")            \
	X(GN_MSG_TRY_RECV, GEN_MESSAGE, "$M_try_recv",                         \
	  "the try_recv function")                                             \
	X(GN_MSG_RECV_UNTIL, GEN_MESSAGE, "$M_recv_until",                     \
	  "the recv_until function")                                           \
	X(GN_MSG_SELECT, GEN_MESSAGE, "$M_select", "the select macro")         \
	X(GN_MSG_SELECT_UNTIL, GEN_MESSAGE, "$M_select_until",                 \
	  "the select_until function")                                         \
	X(GN_MSG_WAIT_DEMAND, GEN_MESSAGE, "$M_wait_demand",                   \
	  "the wait_demand function")                                          \
	X(GN_MSG_WAIT_DEMAND_UNTIL, GEN_MESSAGE, "$M_wait_demand_until",       \
	  "the wait_demand_until function")                                    \
	X(GN_MSG_OUT_CLOSED, GEN_MESSAGE, "$M_out_closed",                     \
	  "the out_closed function")                                           \
	X(GN_MSG_IN_DROP, GEN_MESSAGE, "$M_in_drop", "the in_drop function")   \
	X(GN_MSG_OUT_DROP, GEN_MESSAGE, "$M_out_drop",                         \
	  "the out_drop function")                                             \
	X(GN_MSG_TYPE_DESC, GEN_MESSAGE, "$M_type_", "the type descriptor")    \
	X(GN_MSG_VARIANT_NAMES, GEN_MESSAGE, "$M_variants_",                   \
	  "the variant name table")                                            \
	X(GN_MSG_DROP_ENTRY, GEN_MESSAGE, "$M_drop_", "the drop hook's entry") \
	X(GN_MSG_COPY_ENTRY, GEN_MESSAGE, "$M_copy_", "the copy hook's entry") \
	/* each variant V of M */                                              \
	X(GN_VARIANT_NEW, GEN_VARIANT, "$M_$V", "the constructor")             \
	X(GN_VARIANT_TAG, GEN_VARIANT, "$U_$W", "the tag constant")            \
	X(GN_VARIANT_VAL, GEN_PAYLOAD, "$M_$V_val", "the value function")      \
	X(GN_VARIANT_PTR, GEN_PAYLOAD, "$M_$V_ptr", "the pointer function")    \
	X(GN_VARIANT_FIELDS, GEN_PAYLOAD, "$M_$V_fields", "the fields type")   \
	/* each stage S of P */                                                \
	X(GN_STAGE_BODY, GEN_STAGE, "$P_stage_$S", "the body function")        \
	X(GN_STAGE_ENTRY, GEN_STAGE, "$P_$S_entry", "the entry function")      \
	/* inside a stage body */                                              \
	X(GN_BODY_SELF, GEN_BODY, "self", "the stage instance")                \
	X(GN_BODY_PARAMS, GEN_BODY, "params", "the parameters")                \
	X(GN_BODY_REPLICA, GEN_BODY, "replica", "the instance's index")        \
	X(GN_BODY_REPLICAS, GEN_BODY, "replicas", "the number of instances")   \
	/* parameters of the generated functions */                            \
	X(GN_LOCAL_PORT, GEN_LOCAL, "port", "the port functions' port")        \
	X(GN_LOCAL_PORTS, GEN_LOCAL, "ports", "the select function's ports")   \
	X(GN_LOCAL_N, GEN_LOCAL, "n", "the select function's count")           \
	X(GN_LOCAL_V, GEN_LOCAL, "v", "a constructor's payload")

typedef enum GenScope {
	GEN_PIPELINE,
	GEN_MODULE,
	GEN_MESSAGE,
	GEN_VARIANT,
	GEN_PAYLOAD,
	GEN_STAGE,
	GEN_BODY,
	GEN_LOCAL,
} GenScope;

/* clang-format off */
typedef enum GenNameId {
#define GEN_NAME_ID(id, scope, tmpl, role) id,
	GEN_NAMES(GEN_NAME_ID)
#undef GEN_NAME_ID
	GN_COUNT
} GenNameId;
/* clang-format on */

typedef struct GenNameRow {
	GenScope scope;
	const char *tmpl; /* TEMPLATE */
	const char *role; /* ROLE */
} GenNameRow;

/* The rows, by GenNameId. */
extern const GenNameRow gen_name_rows[GN_COUNT];

/*
 * $F for the message file at path: its base name without the extension,
 * in upper case, each byte that is not an ASCII letter or digit made '_',
 * and a '_' before a leading digit ("msg-v2.pipe" -> "MSG_V2").
 */
char *gen_file_stem(Arena *a, const char *path);

#endif
