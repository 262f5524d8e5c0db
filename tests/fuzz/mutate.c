/* SPDX-License-Identifier: MIT */
/*
 * mutate.c - makes broken .pipe files for the robustness test (fuzz.sh):
 * deterministic mutations of valid ones.
 *
 * usage: mutate OUTDIR SEED COUNT FILE...
 *
 * Writes OUTDIR/0000.pipe, 0001.pipe, ...: for each input file, first its
 * truncations at every len/16 bytes, then COUNT random mutations (byte
 * flips, deleted words, inserted punctuation, NUL bytes, very long lines,
 * deep nesting, repeated and swapped pieces), drawn from a generator seeded
 * with SEED, so that a failure can be replayed. Prints how many files it
 * wrote.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct Buf {
	char *p;
	size_t len, cap;
} Buf;

static uint64_t rng_state;

/* xorshift64* */
static uint64_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static void reserve(Buf *b, size_t extra)
{
	if (b->p && b->len + extra <= b->cap)
		return;
	b->cap = (b->len + extra) * 2 + 16;
	b->p = realloc(b->p, b->cap);
	if (!b->p) {
		perror("mutate");
		exit(2);
	}
}

static void insert(Buf *b, size_t at, const char *s, size_t n)
{
	reserve(b, n);
	memmove(b->p + at + n, b->p + at, b->len - at);
	memcpy(b->p + at, s, n);
	b->len += n;
}

static void erase(Buf *b, size_t at, size_t n)
{
	if (at + n > b->len)
		n = b->len - at;
	memmove(b->p + at, b->p + at + n, b->len - at - n);
	b->len -= n;
}

static void insert_repeated(Buf *b, size_t at, const char *s, size_t times)
{
	size_t n = strlen(s);
	char *r = malloc(n * times + 1);
	if (!r) {
		perror("mutate");
		exit(2);
	}
	for (size_t i = 0; i < times; i++)
		memcpy(r + i * n, s, n);
	insert(b, at, r, n * times);
	free(r);
}

static void mutate_once(Buf *b)
{
	static const char punct[] = "{}()[];:,.*-=>%\"'/\\#@";
	static const char *const nests[] = {
	        "{",  "(",        "[",           "-[",    "=[",    "%{",   "/*",
	        "\"", "stage s(", "message M {", "a -> ", "Num.{", "x * ",
	};
	size_t at = below(b->len + 1);
	switch (below(10)) {
	case 0: /* flip bytes */
		for (size_t i = below(4) + 1; i > 0 && b->len; i--)
			b->p[below(b->len)] = (char)below(256);
		break;
	case 1: { /* delete a word */
		size_t s = at, e;
		while (s > 0 && b->p[s - 1] != ' ' && b->p[s - 1] != '\n')
			s--;
		for (e = s; e < b->len && b->p[e] != ' ' && b->p[e] != '\n';)
			e++;
		erase(b, s, e - s + (e < b->len));
		break;
	}
	case 2: /* insert punctuation */
		for (size_t i = below(5) + 1; i > 0; i--)
			insert(b, below(b->len + 1),
			       &punct[below(sizeof(punct) - 1)], 1);
		break;
	case 3: /* NUL bytes */
		insert(b, at, "\0\0", below(2) + 1);
		break;
	case 4: /* a very long line */
		insert_repeated(b, at, below(2) ? "x" : "a -> ",
		                20000 + below(80000));
		break;
	case 5: /* deep nesting */
		insert_repeated(b, at,
		                nests[below(sizeof(nests) / sizeof(*nests))],
		                1000 + below(20000));
		break;
	case 6: { /* repeat a piece */
		size_t from = below(b->len + 1), n = below(200);
		if (from + n > b->len)
			n = b->len - from;
		char *copy = malloc(n + 1);
		memcpy(copy, b->p + from, n);
		insert(b, at, copy, n);
		free(copy);
		break;
	}
	case 7: /* delete a piece */
		erase(b, at, below(64));
		break;
	case 8: { /* swap two bytes far apart */
		if (b->len > 1) {
			size_t i = below(b->len), j = below(b->len);
			char c = b->p[i];
			b->p[i] = b->p[j];
			b->p[j] = c;
		}
		break;
	}
	default: { /* a keyword or name where it does not belong */
		static const char *const words[] = {
		        " stage ",
		        " pipeline ",
		        " extern ",
		        " in ",
		        " out ",
		        " message ",
		        " param ",
		        " channel ",
		        " drop(",
		        " copy(",
		        " int ",
		        " -1 ",
		        " 99999999999999999999 ",
		        " _Bool ",
		        " * ",
		        " => ",
		        " -> ",
		        " ; ",
		        " } ",
		        " %} ",
		};
		const char *w = words[below(sizeof(words) / sizeof(*words))];
		insert(b, at, w, strlen(w));
		break;
	}
	}
}

static int write_file(const char *dir, int n, const Buf *b)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%04d.pipe", dir, n);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(b->p, 1, b->len, f) != b->len || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
	return n + 1;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: mutate OUTDIR SEED COUNT FILE...\n");
		return 2;
	}
	const char *dir = argv[1];
	rng_state = strtoull(argv[2], NULL, 10) * 2654435761u + 1;
	int count = atoi(argv[3]);
	int n = 0;
	for (int i = 4; i < argc; i++) {
		Buf orig = {0};
		FILE *f = fopen(argv[i], "rb");
		if (!f) {
			perror(argv[i]);
			return 2;
		}
		char chunk[4096];
		size_t got;
		while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
			insert(&orig, orig.len, chunk, got);
		fclose(f);

		size_t step = orig.len / 16 + 1;
		for (size_t cut = 0; cut < orig.len; cut += step) {
			Buf b = {0};
			insert(&b, 0, orig.p, cut);
			n = write_file(dir, n, &b);
			free(b.p);
		}
		for (int k = 0; k < count; k++) {
			Buf b = {0};
			insert(&b, 0, orig.p, orig.len);
			for (size_t m = below(3) + 1; m > 0; m--)
				mutate_once(&b);
			n = write_file(dir, n, &b);
			free(b.p);
		}
		free(orig.p);
	}
	printf("%d\n", n);
	return 0;
}
