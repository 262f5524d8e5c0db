/* SPDX-License-Identifier: MIT */
/*
 * wordfreq_count.c - the extern stage `count` of wordfreq.pipe.
 *
 * An extern stage is an ordinary C function with the signature the
 * generated header declares; it sees the same variables an inline body
 * does. This one counts words in a hash table until its input ends, then
 * sends the `top` most frequent (ties in alphabetical order), handing the
 * strings it owns to the messages it sends.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdlib.h>
#include <string.h>

#include "wordfreq.h"

typedef struct Entry {
	char *word;
	long count;
} Entry;

typedef struct Table {
	Entry *slots; /* open addressing; word NULL: empty */
	size_t cap, len;
} Table;

static size_t hash(const char *s)
{
	size_t h = 5381;
	for (; *s; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static bool table_grow(Table *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	Entry *slots = calloc(cap, sizeof *slots);
	if (!slots)
		return false;
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slots[i].word)
			continue;
		size_t j = hash(t->slots[i].word) & (cap - 1);
		while (slots[j].word)
			j = (j + 1) & (cap - 1);
		slots[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
	return true;
}

/* Counts word, taking it (it is freed if the table had it already). */
static bool table_add(Table *t, char *word)
{
	if ((t->len + 1) * 2 > t->cap && !table_grow(t)) {
		free(word);
		return false;
	}
	size_t j = hash(word) & (t->cap - 1);
	while (t->slots[j].word && strcmp(t->slots[j].word, word) != 0)
		j = (j + 1) & (t->cap - 1);
	if (t->slots[j].word) {
		free(word);
	} else {
		t->slots[j].word = word;
		t->len++;
	}
	t->slots[j].count++;
	return true;
}

static void table_free(Table *t)
{
	for (size_t i = 0; i < t->cap; i++)
		free(t->slots[i].word);
	free(t->slots);
}

/* Most frequent first, then alphabetical; empty slots last. */
static int by_count(const void *a, const void *b)
{
	const Entry *x = a, *y = b;
	if (!x->word || !y->word)
		return !x->word - !y->word;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->word, y->word);
}

int wordfreq_stage_count(pipec_stage *self, const wordfreq_params *params,
                         int replica, int replicas, Word_in *words,
                         Report_out *top)
{
	(void)replica;
	(void)replicas;
	Table t = {0};
	Word w;
	pipec_status st;
	while ((st = Word_recv(words, &w)) == PIPEC_OK) {
		if (!table_add(&t, w.as.Text)) {
			table_free(&t);
			return pipec_stage_fail(self, 2, "out of memory");
		}
	}
	if (st != PIPEC_CLOSED) {
		/* Cancelled: nobody wants the result. */
		table_free(&t);
		return 0;
	}
	if (t.cap)
		qsort(t.slots, t.cap, sizeof *t.slots, by_count);
	for (size_t i = 0; i < t.len && i < (size_t)params->top; i++) {
		/* The message takes the word: the table forgets it. */
		char *word = t.slots[i].word;
		t.slots[i].word = NULL;
		if (Report_send(top, Report_Top(word, t.slots[i].count)) !=
		    PIPEC_OK)
			break;
	}
	table_free(&t);
	return 0;
}
