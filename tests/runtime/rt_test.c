/* SPDX-License-Identifier: MIT */
/*
 * rt_test.c - helpers shared by the runtime's test programs (see
 * rt_test.h).
 */
#define _POSIX_C_SOURCE 200809L

#include "rt_test.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

atomic_ulong tmsg_allocated;
atomic_ulong tmsg_freed;

static const uint64_t salt = 0x9e3779b97f4a7c15u;

static unsigned char tmsg_byte(uint32_t seq, uint64_t from, size_t i)
{
	return (unsigned char)((seq * 31u + (uint32_t)from * 7u + i * 13u) ^
	                       0xa5u);
}

tmsg tmsg_make(uint32_t seq, uint64_t from)
{
	tmsg m;

	memset(&m, 0, sizeof m);
	m.tag = TMSG_TAG;
	m.seq = seq;
	m.from = from;
	for (size_t i = 0; i < TMSG_BYTES; i++)
		m.bytes[i] = tmsg_byte(seq, from, i);
	m.heap = malloc(sizeof *m.heap);
	if (m.heap == NULL) {
		fprintf(stderr, "out of memory\n");
		abort();
	}
	*m.heap = seq ^ salt;
	atomic_fetch_add(&tmsg_allocated, 1);
	return m;
}

bool tmsg_ok(const tmsg *m)
{
	if (m->tag != TMSG_TAG || m->heap == NULL ||
	    *m->heap != (m->seq ^ salt))
		return false;
	for (size_t i = 0; i < TMSG_BYTES; i++)
		if (m->bytes[i] != tmsg_byte(m->seq, m->from, i))
			return false;
	return true;
}

void tmsg_free(tmsg *m)
{
	free(m->heap);
	m->heap = NULL;
	atomic_fetch_add(&tmsg_freed, 1);
}

void tmsg_drop(void *msg, void *ctx)
{
	tmsg *m = msg;
	drop_log *log = ctx;

	if (log != NULL) {
		atomic_fetch_add(&log->count, 1);
		atomic_fetch_add(&log->seq_sum, m->seq);
		if (log->freed_ctr != NULL)
			atomic_fetch_add(log->freed_ctr, 1);
		if (log->nseen > 0) {
			pthread_mutex_lock(&log->mu);
			if (m->seq < log->nseen && log->seen[m->seq] < 255)
				log->seen[m->seq]++;
			pthread_mutex_unlock(&log->mu);
		}
	}
	tmsg_free(m);
}

void drop_log_init(drop_log *log, size_t nseen)
{
	atomic_init(&log->count, 0);
	atomic_init(&log->seq_sum, 0);
	pthread_mutex_init(&log->mu, NULL);
	log->seen = NULL;
	log->nseen = 0;
	log->freed_ctr = NULL;
	if (nseen > 0) {
		log->seen = calloc(nseen, 1);
		if (log->seen == NULL)
			abort();
		log->nseen = nseen;
	}
}

void drop_log_fini(drop_log *log)
{
	free(log->seen);
	log->seen = NULL;
	log->nseen = 0;
	pthread_mutex_destroy(&log->mu);
}

unsigned long drop_log_count(drop_log *log)
{
	return atomic_load(&log->count);
}

unsigned drop_log_seen(drop_log *log, size_t seq)
{
	unsigned n;

	pthread_mutex_lock(&log->mu);
	n = seq < log->nseen ? log->seen[seq] : 0;
	pthread_mutex_unlock(&log->mu);
	return n;
}

pipec_chan_spec tmsg_spec(const char *name, size_t cap, drop_log *log)
{
	pipec_chan_spec spec = {
	        .name = name,
	        .elem_size = sizeof(tmsg),
	        .capacity = cap,
	        .drop = tmsg_drop,
	        .drop_ctx = log,
	};
	return spec;
}

/* ---- a tagged message type ---- */

atomic_ulong vmsg_made, vmsg_copied, vmsg_freed, vmsg_dropped;

static const char *const vmsg_variants[] = {"Generated", "Squared", "Merged"};

static uint64_t *vmsg_block(uint32_t seq)
{
	uint64_t *b = malloc(sizeof *b);

	if (b == NULL) {
		fprintf(stderr, "out of memory\n");
		abort();
	}
	*b = seq;
	atomic_fetch_add(&vmsg_made, 1);
	return b;
}

static void vmsg_drop_hook(void *msg, void *ctx)
{
	vmsg *m = msg;

	(void)ctx;
	free(m->heap);
	m->heap = NULL;
	atomic_fetch_add(&vmsg_dropped, 1);
}

static void vmsg_copy_hook(void *dst, const void *src)
{
	const vmsg *s = src;
	vmsg *d = dst;

	*d = *s;
	d->heap = vmsg_block(s->seq);
	atomic_fetch_add(&vmsg_copied, 1);
}

const pipec_msg_type vmsg_type = {
        .name = "Num",
        .size = sizeof(vmsg),
        .tag_offset = offsetof(vmsg, tag),
        .tag_size = sizeof(uint32_t),
        .variants = vmsg_variants,
        .nvariants = V_COUNT,
        .drop = vmsg_drop_hook,
        .copy = vmsg_copy_hook,
};

const pipec_msg_type vmsg_plain_type = {
        .name = "Num",
        .size = sizeof(vmsg),
        .tag_offset = offsetof(vmsg, tag),
        .tag_size = sizeof(uint32_t),
        .variants = vmsg_variants,
        .nvariants = V_COUNT,
};

vmsg vmsg_make(uint32_t tag, uint32_t seq)
{
	vmsg m = {.tag = tag, .seq = seq, .heap = vmsg_block(seq)};
	return m;
}

vmsg vmsg_plain(uint32_t tag, uint32_t seq)
{
	vmsg m = {.tag = tag, .seq = seq, .heap = NULL};
	return m;
}

bool vmsg_ok(const vmsg *m)
{
	return m->heap != NULL && *m->heap == m->seq;
}

void vmsg_free(vmsg *m)
{
	if (m->heap == NULL)
		return;
	free(m->heap);
	m->heap = NULL;
	atomic_fetch_add(&vmsg_freed, 1);
}

long vmsg_live(void)
{
	return (long)atomic_load(&vmsg_made) - (long)atomic_load(&vmsg_freed) -
	       (long)atomic_load(&vmsg_dropped);
}

/* ---- time, waiting, the watchdog ---- */

bool rt_pool_mode(void)
{
	const char *e = getenv("PIPEC_SCHED");

	return e == NULL || strcmp(e, "threads") != 0;
}

void rt_sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	pipec_stage *self = pipec_current_stage();

	/* In a stage, sleep as a stage: a coroutine's nanosleep would stop
	 * its whole worker (a cancelled stage sleeps the plain way). */
	if (self != NULL &&
	    pipec_sleep_until(self, pipec_after_ms(ms)) == PIPEC_OK)
		return;
	while (nanosleep(&ts, &ts) != 0)
		;
}

bool rt_wait_flag(atomic_int *flag, long ms)
{
	for (long i = 0; i <= ms; i++) {
		if (atomic_load(flag) != 0)
			return true;
		rt_sleep_ms(1);
	}
	return atomic_load(flag) != 0;
}

bool rt_wait_count(atomic_int *ctr, int want, long ms)
{
	for (long i = 0; i <= ms; i++) {
		if (atomic_load(ctr) >= want)
			return true;
		rt_sleep_ms(1);
	}
	return atomic_load(ctr) >= want;
}

static const char *volatile watchdog_what = "a test";

/* The values a test asked the watchdog to show (rt_watch_value). */
#define WATCH_MAX 16
static struct {
	const char *label;
	const atomic_long *value;
} watched[WATCH_MAX];
static atomic_int nwatched;

void rt_watch_value(const char *label, const atomic_long *value)
{
	int i = atomic_load(&nwatched);

	if (i < WATCH_MAX) {
		watched[i].label = label;
		watched[i].value = value;
		atomic_store(&nwatched, i + 1);
	}
}

/* Signal-safe output: a string, a number. */
static void say(const char *s)
{
	(void)!write(2, s, strlen(s));
}

static void say_num(long v)
{
	char d[24], *p = d + sizeof d;
	unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;

	*--p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	say(p);
}

/*
 * A test that hangs is either stuck (a lost wake-up, a broken rule) or
 * slow (a machine overloaded by other jobs). The watched values tell
 * which: the alarm fires a second early to note them (and returns, so no
 * thread of the test is held up), then at the limit compares. If none
 * moved in that second, nothing was running.
 */
static long watch_first[WATCH_MAX];
static volatile sig_atomic_t watch_noted;

static void watchdog_fire(int sig)
{
	int n = atomic_load(&nwatched);
	bool moved = false;

	(void)sig;
	if (!watch_noted) {
		for (int i = 0; i < n; i++)
			watch_first[i] = atomic_load(watched[i].value);
		watch_noted = 1;
		alarm(1);
		return;
	}
	say("\nwatchdog: ");
	say(watchdog_what);
	say(" did not end in time\n");
	for (int i = 0; i < n; i++) {
		long now = atomic_load(watched[i].value);

		say("watchdog:   ");
		say(watched[i].label);
		say(": ");
		say_num(watch_first[i]);
		if (now != watch_first[i]) {
			say(", a second later ");
			say_num(now);
			moved = true;
		}
		say("\n");
	}
	if (n == 0)
		say("watchdog: a rule is broken (an operation that must "
		    "return did not), or the machine is overloaded\n");
	else if (moved)
		say("watchdog: still moving: too slow (an overloaded "
		    "machine?), not stuck\n");
	else
		say("watchdog: nothing moved in the last second: stuck (a "
		    "lost wake-up, or an operation that must return did "
		    "not)\n");
	_exit(3);
}

unsigned long rt_env_ulong(const char *name, unsigned long def)
{
	const char *s = getenv(name);
	char *end;
	unsigned long v;

	if (s == NULL || *s == '\0')
		return def;
	v = strtoul(s, &end, 10);
	return *end == '\0' ? v : def;
}

unsigned rt_slow(void)
{
	unsigned long f = rt_env_ulong("PIPEC_TEST_SLOW", 1);

	return f < 1 ? 1 : f > 100 ? 100 : (unsigned)f;
}

void rt_watchdog(unsigned seconds, const char *what)
{
	static bool installed;

	if (!installed) {
		struct sigaction sa;

		memset(&sa, 0, sizeof sa);
		sa.sa_handler = watchdog_fire;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
		installed = true;
	}
	watchdog_what = what;
	atomic_store(&nwatched, 0); /* a new test watches its own */
	/* A second early, to note the watched values (watchdog_fire). */
	unsigned total = seconds * rt_slow();
	watch_noted = total < 2;
	alarm(total < 2 ? total : total - 1);
}

/* ---- threads ---- */

static void *rt_thread_main(void *p)
{
	rt_thread *t = p;
	void *r = t->fn(t->arg);

	atomic_store(&t->done, 1);
	return r;
}

void rt_thread_start(rt_thread *t, void *(*fn)(void *), void *arg)
{
	t->fn = fn;
	t->arg = arg;
	atomic_init(&t->done, 0);
	if (pthread_create(&t->tid, NULL, rt_thread_main, t) != 0) {
		fprintf(stderr, "pthread_create failed\n");
		abort();
	}
}

bool rt_thread_join_within(rt_thread *t, long ms)
{
	if (!rt_wait_flag(&t->done, ms))
		return false;
	pthread_join(t->tid, NULL);
	return true;
}

/* ---- the process's resources ---- */

static int count_dir(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void *nothing(void *p)
{
	return p;
}

int rt_thread_count(void)
{
	static bool warm;

	/* A sanitizer may start a helper thread of its own at the first
	 * pthread_create: start one first, so counts compare like with
	 * like. */
	if (!warm) {
		pthread_t t;

		if (pthread_create(&t, NULL, nothing, NULL) == 0)
			pthread_join(t, NULL);
		warm = true;
	}
	return count_dir("/proc/self/task");
}

int rt_fd_count(void)
{
	/* The directory being listed holds one descriptor itself. */
	return count_dir("/proc/self/fd") - 1;
}

int rt_wait_threads(int want, long ms)
{
	int n = rt_thread_count();

	for (long i = 0; i < ms && n > want; i++) {
		rt_sleep_ms(1);
		n = rt_thread_count();
	}
	return n;
}

/* ---- a test program run again as a child ---- */

static const char *self_path;

void rt_set_self(const char *argv0)
{
	self_path = argv0;
}

/* An unlinked temporary file, open for reading and writing. */
static FILE *temp_file(void)
{
	FILE *f = tmpfile();

	if (f == NULL) {
		perror("tmpfile");
		abort();
	}
	return f;
}

void rt_child_start(rt_child *c, const char *const args[])
{
	size_t n = 0;
	const char **argv;

	while (args[n] != NULL)
		n++;
	argv = calloc(n + 2, sizeof *argv);
	if (argv == NULL || self_path == NULL)
		abort();
	argv[0] = self_path;
	memcpy(argv + 1, args, n * sizeof *argv);
	memset(c, 0, sizeof *c);
	c->out_file = temp_file();
	c->err_file = temp_file();
	c->out_fd = fileno(c->out_file);
	c->err_fd = fileno(c->err_file);
	fflush(stdout);
	fflush(stderr);
	c->pid = fork();
	if (c->pid < 0) {
		perror("fork");
		abort();
	}
	if (c->pid == 0) {
		int in = open("/dev/null", O_RDONLY);

		if (in < 0 || dup2(in, 0) < 0 || dup2(c->out_fd, 1) < 0 ||
		    dup2(c->err_fd, 2) < 0)
			_exit(126);
		execv(self_path, (char *const *)argv);
		_exit(127);
	}
	free(argv);
}

/* The whole text of fd (NUL-terminated, malloc'd). */
static char *read_fd(int fd)
{
	struct stat st;
	char *text;
	ssize_t n;

	if (fstat(fd, &st) != 0)
		abort();
	text = malloc((size_t)st.st_size + 1);
	if (text == NULL)
		abort();
	n = pread(fd, text, (size_t)st.st_size, 0);
	text[n > 0 ? n : 0] = '\0';
	return text;
}

bool rt_child_wait_out(rt_child *c, const char *text, long ms)
{
	for (long i = 0; i <= ms; i++) {
		char *out = read_fd(c->out_fd);
		bool found = strstr(out, text) != NULL;

		free(out);
		if (found)
			return true;
		rt_sleep_ms(1);
	}
	return false;
}

bool rt_child_wait(rt_child *c, long ms)
{
	for (long i = 0; i <= ms && !c->ended; i++) {
		pid_t r = waitpid(c->pid, &c->status, WNOHANG);

		if (r == c->pid)
			c->ended = true;
		else if (r < 0 && errno != EINTR)
			abort();
		else if (i < ms)
			rt_sleep_ms(1);
	}
	free(c->out);
	free(c->err);
	c->out = read_fd(c->out_fd);
	c->err = read_fd(c->err_fd);
	return c->ended;
}

int rt_child_code(const rt_child *c)
{
	if (WIFEXITED(c->status))
		return WEXITSTATUS(c->status);
	if (WIFSIGNALED(c->status))
		return 1000 + WTERMSIG(c->status);
	return -1;
}

void rt_child_free(rt_child *c)
{
	if (!c->ended) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, &c->status, 0);
		c->ended = true;
	}
	fclose(c->out_file);
	fclose(c->err_file);
	free(c->out);
	free(c->err);
	c->out = c->err = NULL;
}

/* ---- run statistics ---- */

const char *rt_check_chan_stats(const pipec_run *run)
{
	static char why[256];
	size_t n = pipec_run_chan_count(run);

	for (size_t i = 0; i < n; i++) {
		pipec_chan_stats cs;

		if (!pipec_run_chan_stats(run, i, &cs)) {
			snprintf(why, sizeof why, "no stats for channel %zu",
			         i);
			return why;
		}
		if (cs.received + cs.dropped != cs.sent) {
			snprintf(why, sizeof why,
			         "channel %s: sent %llu != received %llu + "
			         "dropped %llu",
			         cs.name, (unsigned long long)cs.sent,
			         (unsigned long long)cs.received,
			         (unsigned long long)cs.dropped);
			return why;
		}
		if (cs.capacity != PIPEC_UNBOUNDED && cs.capacity > 0 &&
		    cs.peak > cs.capacity) {
			snprintf(why, sizeof why,
			         "channel %s: peak %zu > capacity %zu", cs.name,
			         cs.peak, cs.capacity);
			return why;
		}
	}
	return NULL;
}
