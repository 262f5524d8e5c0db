/* SPDX-License-Identifier: MIT */
/*
 * ast.h - the syntax tree of a .pipe file, and the graph the checks derive
 * from it.
 *
 * Where it sits: parse_program() (parse.h: parser.y, lexer.re) builds a
 * Program in an arena; check_program() (check.h: check.c and check_*.c)
 * resolves every name, fills the fields marked "resolved" and builds the
 * channel graph; emit_header(), emit_source() and emit_dot() (emit.h)
 * read a checked Program and never fail on one (they only report I/O
 * errors).
 *
 * All memory is in the compile's arena: nothing here is freed one by one.
 * Lists are singly linked in source order, with a count beside the head.
 * Strings are NUL-terminated copies in the arena.
 */
#ifndef PIPEC_AST_H
#define PIPEC_AST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A .pipe file: the one being compiled, or one it imports. */
typedef struct Src {
	const char *path; /* as given on the command line; for an imported
	                     file, its import's path joined to the directory
	                     of the importing file's path */
	const char *text; /* whole contents, NUL-terminated */
	size_t len;
} Src;

/* A place in a source file: 1-based line and column (columns count
 * bytes), and the file. */
typedef struct Loc {
	int line;
	int col;
	const Src *file; /* NULL: the file being compiled (Diag.src) */
} Loc;

/* Do a and b name the same place? */
bool loc_equal(Loc a, Loc b);

/* ---- values ---- */

/* Types a pipeline parameter can have. ORDER: param_type_names in ast.c. */
typedef enum ParamType {
	PT_INT,    /* C int */
	PT_LONG,   /* C long */
	PT_SIZE,   /* C size_t */
	PT_DOUBLE, /* C double */
	PT_BOOL,   /* C bool */
	PT_STRING, /* const char * */
} ParamType;

/* A literal as written. */
typedef enum LitKind {
	LIT_INT,    /* 42, -3, 0x10 */
	LIT_FLOAT,  /* 1.5, 2e3 */
	LIT_BOOL,   /* true, false */
	LIT_STRING, /* "text" (text keeps the quotes and escapes, as C) */
} LitKind;

typedef struct Lit {
	LitKind kind;
	const char *text; /* the literal's source text, usable as C (a
	                     string's as util_c_literal() makes it) */
	long long ival;   /* LIT_INT, LIT_BOOL */
	Loc loc;
} Lit;

typedef struct Param Param;
typedef struct Program Program;

/* A count: a channel capacity or a replica count. */
typedef enum CountKind {
	COUNT_NONE,      /* not written */
	COUNT_LIT,       /* an integer literal */
	COUNT_PARAM,     /* a parameter's name */
	COUNT_UNBOUNDED, /* '*' (capacities only) */
} CountKind;

typedef struct Count {
	CountKind kind;
	long long value;   /* COUNT_LIT */
	const char *param; /* COUNT_PARAM: the name as written */
	Param *resolved;   /* COUNT_PARAM: resolved by check() */
	Loc loc;
} Count;

/* ---- declarations ---- */

/* param NAME: TYPE = DEFAULT;   // HELP */
struct Param {
	const char *name;
	Loc loc;
	ParamType type;
	Loc type_loc;
	Lit def;          /* the default */
	const char *help; /* the comment after the ';' on the same line, as
	                     text: markers removed, blanks trimmed, each run
	                     of white space one space (UTF-8 kept, no
	                     escapes); NULL if none or empty */
	int index;
	Param *next;
};

/* A named field of a variant: NAME: CTYPE */
typedef struct Field {
	const char *name;
	Loc loc;
	const char *ctype; /* C type as written, spaces normalised: "char *" */
	Loc ctype_loc;
	struct Field *next;
} Field;

typedef enum VariantKind {
	VK_EMPTY,  /* Eof */
	VK_SINGLE, /* Generated(long) */
	VK_FIELDS, /* Text(s: char *, len: size_t) */
} VariantKind;

typedef struct Variant {
	const char *name;
	Loc loc;
	VariantKind kind;
	const char *ctype; /* VK_SINGLE: the payload's C type */
	Loc ctype_loc;
	Field *fields; /* VK_FIELDS, in order */
	int nfields;
	int index; /* 0-based, in declaration order; also the tag value */
	struct Variant *next;
} Variant;

/* message NAME [drop(FN)] [copy(FN)] { VARIANT; ... } */
typedef struct Message {
	const char *name;
	Loc loc;
	Variant *variants;
	int nvariants;
	const char *drop_fn; /* NULL if none */
	Loc drop_loc;
	const char *copy_fn; /* NULL if none */
	Loc copy_loc;
	/* resolved by check_program(): for a message another file declares,
	 * a copy of its declaration, with from the import (of this file)
	 * that brings it; NULL when declared in this file */
	struct Import *from;
	int index; /* in the Program's list (imported ones first) */
	struct Message *next;
} Message;

typedef struct Stage Stage;
typedef struct Channel Channel;

/* A variant named in a port's type: Num.Generated or Num.{A, B} */
typedef struct VariantRef {
	const char *name;
	Loc loc;
	Variant *resolved; /* by check() */
	struct VariantRef *next;
} VariantRef;

typedef enum PortDir { PORT_IN, PORT_OUT } PortDir;

/* in NAME: TYPE  |  out NAME: TYPE */
typedef struct Port {
	const char *name;
	Loc loc;
	PortDir dir;
	const char *msg_name;
	Loc msg_loc;
	VariantRef *variants; /* NULL: every variant */
	/* resolved by check() */
	Message *msg;
	uint64_t mask; /* bit v set: variant index v allowed (all if none
	                  listed); messages have at most
	                  CHECK_MAX_VARIANTS (64) variants */
	Stage *stage;
	int index;       /* position among the stage's ports */
	bool broadcast;  /* out port wired with '=>' */
	Channel **chans; /* in: exactly 1; out: 1, or one per branch when
	                    broadcast */
	int nchans;
	struct Port *next;
} Port;

/* stage NAME(PORTS) ATTRIBUTES { BODY }
 * extern stage NAME(PORTS) ATTRIBUTES;
 * where the attributes, each at most once, in any order, are
 *   thread        the stage runs on an OS thread of its own
 *   stack(SIZE)   its stack: bytes, or KiB / MiB with k / M */
struct Stage {
	const char *name;
	Loc loc;
	Port *ports;
	int nports;
	bool is_extern;
	const char *body; /* inline: the C text between the braces, verbatim */
	Loc body_loc;     /* where that text starts (just after '{') */
	bool thread;      /* 'thread' written */
	Loc thread_loc;
	const char *stack_text; /* the SIZE of 'stack(SIZE)' as written
	                           ("64k"); NULL if not written */
	Loc stack_loc;          /* that SIZE */
	/* resolved by check() */
	unsigned long long stack; /* stack_text in bytes; 0: not written */
	Count replicas;           /* kind COUNT_NONE means 1 */
	int index;
	Stage *next;
};

/* %{ C %}  (into the .c file)  |  %header{ C %}  (into the header) */
typedef struct Verbatim {
	const char *text;
	Loc loc; /* where text starts */
	bool in_header;
	struct Verbatim *next;
} Verbatim;

/* channel NAME[: MESSAGE] [CAPACITY]; */
typedef struct ChannelDecl {
	const char *name;
	Loc loc;
	const char *msg_name; /* NULL: taken from the ports */
	Loc msg_loc;
	Count cap;
	struct ChannelDecl *next;
} ChannelDecl;

/* import "PATH";  (PATH relative to the importing file's directory) */
typedef struct Import {
	const char *path;   /* as written */
	const char *header; /* the header to #include: the written path with
	                       .pipe (its extension) replaced by .h */
	Loc loc;            /* the path */
	Program *prog;      /* the parsed, checked file (import_load()) */
	struct Import *next;
} Import;

/* ---- wiring ---- */

/* One side of an arrow: STAGE, STAGE.PORT or CHANNEL; a stage may carry a
 * replica count: square * workers. */
typedef struct EndRef {
	const char *name;
	const char *port; /* NULL if not written */
	Loc loc;
	Loc port_loc;
	Count replicas; /* COUNT_NONE if not written here */
} EndRef;

/* A -> B, A -[cap]-> B, A => B, A =[cap]=> B. A chain a -> b -> c gives
 * two edges. */
typedef struct Edge {
	EndRef from, to;
	Count cap;      /* COUNT_NONE if not written */
	bool broadcast; /* '=>' */
	Loc loc;        /* the arrow */
	struct Edge *next;
} Edge;

/*
 * A channel of the checked graph: every port connected to it (by arrows or
 * through a named channel) is one of its senders or receivers. An out port
 * wired with '=>' gets one channel per arrow, each fed a copy.
 */
struct Channel {
	const char *name; /* the declared name, or "<stage>_<port>" of its
	                     first sender */
	Loc loc;          /* declaration or first arrow */
	Message *msg;
	Count cap; /* COUNT_NONE means 0 (rendezvous) */
	Port **senders;
	int nsenders;
	Port **receivers;
	int nreceivers;
	int index;
	Channel *next;
};

/* The whole file. */
struct Program {
	const Src *src;
	const char *name; /* pipeline NAME; (NULL in a message file) */
	Loc name_loc;
	bool is_module;  /* a message file: no 'pipeline NAME;', no stages;
	                    messages, %header{} blocks and imports only
	                    (set by the parser; by import_load() for every
	                    imported file) */
	Import *imports; /* direct imports, in order */
	int nimports;
	Verbatim *verbatims;
	int nverbatims;
	Param *params;
	int nparams;
	Message *messages; /* after check_program(): the imported messages
	                      (Message.from set; every file this one imports,
	                      directly or not, each message once, in import
	                      order), then this file's own */
	int nmessages;
	Stage *stages;
	int nstages;
	ChannelDecl *chandecls;
	int nchandecls;
	Edge *edges;
	int nedges;
	/* built by check() */
	Channel *channels;
	int nchannels;
	bool allow_cycles; /* set by the source ("pipeline NAME allow cycles;")
	                      or the command line; turns the cycle error into
	                      a warning */
};

/* Names for ParamType values: "int", "long", ... */
const char *param_type_name(ParamType t);
/* The C type of a parameter of that type: "int", "size_t", ... */
const char *param_type_ctype(ParamType t);

#endif
