/* SPDX-License-Identifier: MIT */
/*
 * rt_test.h - helpers shared by the runtime's test programs: a message type
 * that owns heap memory, drop hooks that count what the runtime destroys,
 * a watchdog that turns a hang into a failure, polling waits and counts of
 * the process's threads and file descriptors.
 *
 * Stage bodies and helper threads never call cmocka's assertions (they
 * unwind with longjmp, which only works on the test's own thread): they
 * record what they saw, and the test asserts after joining them.
 */
#ifndef RT_TEST_H
#define RT_TEST_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "pipec.h"

/* ---- a message that owns memory (R1, R7) ---- */

#define TMSG_TAG   0x7e57u
#define TMSG_BYTES 24

/* A tagged message with a payload of its own and a heap block it owns. */
typedef struct tmsg {
	uint32_t tag;                    /* TMSG_TAG */
	uint32_t seq;                    /* a number chosen by the sender */
	uint64_t from;                   /* who sent it (a sender index) */
	unsigned char bytes[TMSG_BYTES]; /* derived from seq and from */
	uint64_t *heap; /* malloc'd; holds seq ^ salt; freed by the owner */
} tmsg;

/* Counts and records what a drop hook destroyed. One per channel. */
typedef struct drop_log {
	atomic_ulong count;      /* hook calls */
	atomic_ulong seq_sum;    /* sum of the seqs dropped */
	pthread_mutex_t mu;      /* guards seen */
	unsigned char *seen;     /* seen[seq] counts drops of seq, or NULL */
	size_t nseen;            /* entries in seen */
	atomic_ulong *freed_ctr; /* also bumped when set (shared totals) */
} drop_log;

/* Makes a message owning a fresh heap block. */
tmsg tmsg_make(uint32_t seq, uint64_t from);
/* True if m is intact: tag, bytes and heap block match seq and from. */
bool tmsg_ok(const tmsg *m);
/* Frees what m owns (the receiver's job). */
void tmsg_free(tmsg *m);

/* Heap blocks made by tmsg_make and freed by tmsg_free or a drop hook. */
extern atomic_ulong tmsg_allocated;
extern atomic_ulong tmsg_freed;

/* A drop hook for tmsg: frees the heap block and counts in ctx (a
 * drop_log). */
void tmsg_drop(void *msg, void *ctx);

/* nseen > 0 makes the log record each seq below nseen. */
void drop_log_init(drop_log *log, size_t nseen);
void drop_log_fini(drop_log *log);
unsigned long drop_log_count(drop_log *log);
/* How many times seq was dropped (needs nseen > seq). */
unsigned drop_log_seen(drop_log *log, size_t seq);

/* A spec for tmsg channels with tmsg_drop and log. */
pipec_chan_spec tmsg_spec(const char *name, size_t cap, drop_log *log);

/* ---- a tagged message type for ports and tables (R1, R7) ---- */

/* The variants of vmsg, as a pipeline's message "Num". */
enum { V_GENERATED, V_SQUARED, V_MERGED, V_COUNT };
#define V_BIT(v) (UINT64_C(1) << (v))

typedef struct vmsg {
	uint32_t tag;   /* V_GENERATED, V_SQUARED or V_MERGED */
	uint32_t seq;   /* a number chosen by the sender */
	uint64_t *heap; /* malloc'd, holds seq; NULL for vmsg_plain_type */
} vmsg;

/* "Num" with a drop hook and a copy hook that count what they do. */
extern const pipec_msg_type vmsg_type;
/* The same without hooks: its messages own nothing (heap is NULL). */
extern const pipec_msg_type vmsg_plain_type;

/* Heap blocks made (by vmsg_make or the copy hook), copies made, and
 * blocks freed by a receiver (vmsg_free) or by the drop hook. */
extern atomic_ulong vmsg_made, vmsg_copied, vmsg_freed, vmsg_dropped;

/* A message owning a fresh heap block (vmsg_type). */
vmsg vmsg_make(uint32_t tag, uint32_t seq);
/* A message owning nothing (vmsg_plain_type). */
vmsg vmsg_plain(uint32_t tag, uint32_t seq);
/* True if m's heap block holds its seq. */
bool vmsg_ok(const vmsg *m);
/* The receiver's part: frees what m owns. */
void vmsg_free(vmsg *m);
/* vmsg_made - vmsg_freed - vmsg_dropped: blocks still owned somewhere. */
long vmsg_live(void);

/* ---- time, waiting, the watchdog ---- */

void rt_sleep_ms(long ms);
/* Whether runs default to the pool scheduler here (PIPEC_SCHED). */
bool rt_pool_mode(void);
/* Polls (every millisecond) until *flag is non-zero or ms pass; returns
 * whether it became non-zero. */
bool rt_wait_flag(atomic_int *flag, long ms);
/* Polls until *ctr >= want or ms pass. */
bool rt_wait_count(atomic_int *ctr, int want, long ms);

/*
 * Arms (seconds > 0) or disarms (0) an alarm that ends the process with
 * a message naming what hung, so a broken rule fails instead of hanging.
 * PIPEC_TEST_SLOW=N multiplies every limit (for valgrind).
 */
void rt_watchdog(unsigned seconds, const char *what);
/* Shows value (under label) when the watchdog fires, read twice a second
 * apart: stuck or slow. Up to 16 per test, after its rt_watchdog(). */
void rt_watch_value(const char *label, const atomic_long *value);
/* The PIPEC_TEST_SLOW factor (>= 1). */
unsigned rt_slow(void);
/* An unsigned environment variable, or def when unset or malformed. */
unsigned long rt_env_ulong(const char *name, unsigned long def);

/* ---- a thread that reports when it is done ---- */

typedef struct rt_thread {
	pthread_t tid;
	void *(*fn)(void *);
	void *arg;
	atomic_int done;
} rt_thread;

void rt_thread_start(rt_thread *t, void *(*fn)(void *), void *arg);
/* Waits up to ms for the thread to finish; joins it and returns true if
 * it did, else leaves it running and returns false. */
bool rt_thread_join_within(rt_thread *t, long ms);

/* ---- the process's resources (R12) ---- */

/* Entries of /proc/self/task and /proc/self/fd (not counting the one
 * used to list them). */
int rt_thread_count(void);
int rt_fd_count(void);
/* Polls until the thread count is at most want (joined threads may stay
 * listed for a moment); returns the last count seen. */
int rt_wait_threads(int want, long ms);

/* ---- a test program run again as a child (exit statuses, output) ---- */

/* The test program's path, from its main's argv[0]; call first. */
void rt_set_self(const char *argv0);

typedef struct rt_child {
	pid_t pid;
	FILE *out_file;     /* unlinked files holding its stdout, */
	FILE *err_file;     /* and its stderr */
	int out_fd, err_fd; /* their descriptors */
	bool ended;         /* reaped: status is set */
	int status;         /* from waitpid, once it ended */
	char *out, *err;    /* their text, read by rt_child_wait */
} rt_child;

/* Runs "SELF args..." (args ends with NULL) with empty stdin and its
 * stdout and stderr captured. */
void rt_child_start(rt_child *c, const char *const args[]);
/* Polls until the child's stdout holds text, or ms pass. */
bool rt_child_wait_out(rt_child *c, const char *text, long ms);
/* Waits up to ms for the child to end; true if it did. Reads what it
 * has written so far either way. */
bool rt_child_wait(rt_child *c, long ms);
/* Its exit status, or 1000 + the signal that ended it. */
int rt_child_code(const rt_child *c);
/* Kills the child if it still runs, and frees what c holds. */
void rt_child_free(rt_child *c);

/* ---- run statistics ---- */

/* Checks what holds for every channel of a finished run: sent ==
 * received + dropped (every message that entered and was not received
 * was dropped as a leftover), peak <= capacity when bounded. Returns NULL
 * or what failed (a static buffer). */
const char *rt_check_chan_stats(const pipec_run *run);

#endif
