/* SPDX-License-Identifier: MIT */
/*
 * pgrep_walk.c - the extern stage `walk` of pgrep.pipe: sends the name of
 * every regular file under the paths to search, as grep -r finds them.
 *
 * A path named on the command line is followed if it is a symbolic link;
 * inside folders, links are not followed (grep -r). Folders are listed in
 * byte order of their entries' names, depth first, so the order is the
 * same on every run. A path that cannot be looked at or listed is sent as
 * trouble and the walk goes on.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pgrep.h"

typedef struct Walk {
	pipec_stage *self;
	Item_out *files;
	long folders, sent; /* for --counters */
	bool nomem;
} Walk;

/* Sends a copy of path; false once nobody listens (or out of memory:
 * w->nomem). */
static bool send_file(Walk *w, const char *path)
{
	char *copy = strdup(path);
	if (!copy) {
		w->nomem = true;
		return false;
	}
	if (Item_send(w->files, Item_File(copy)) != PIPEC_OK)
		return false;
	w->sent++;
	return true;
}

static bool send_trouble(Walk *w, const char *path, int err)
{
	const char *why = strerror(err);
	size_t n = strlen(path) + strlen(why) + 3;
	char *text = malloc(n);
	if (!text) {
		w->nomem = true;
		return false;
	}
	snprintf(text, n, "%s: %s", path, why);
	return Item_send(w->files, Item_Trouble(text)) == PIPEC_OK;
}

/* dir's entry name as a path: "dir/name", "dir/" + "name" without a
 * second slash, or name alone in the working folder (dir ""). */
static char *join(const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);
	bool slash = d > 0 && dir[d - 1] != '/';
	char *path = malloc(d + slash + n + 1);
	if (path) {
		memcpy(path, dir, d);
		if (slash)
			path[d] = '/';
		memcpy(path + d + slash, name, n + 1);
	}
	return path;
}

static int not_dots(const struct dirent *e)
{
	return strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Walks folder dir ("" for the working folder); false to stop. */
static bool walk_folder(Walk *w, const char *dir)
{
	if (pipec_cancelled(w->self))
		return false;
	struct dirent **names;
	int n = scandir(*dir ? dir : ".", &names, not_dots, by_name);
	if (n < 0)
		return send_trouble(w, *dir ? dir : ".", errno);
	w->folders++;
	bool go = true;
	for (int i = 0; i < n && go; i++) {
		char *path = join(dir, names[i]->d_name);
		struct stat st;
		if (!path) {
			w->nomem = true;
			go = false;
		} else if (lstat(path, &st) != 0) {
			go = send_trouble(w, path, errno);
		} else if (S_ISDIR(st.st_mode)) {
			go = walk_folder(w, path);
		} else if (S_ISREG(st.st_mode)) {
			go = send_file(w, path);
		}
		free(path);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return go;
}

/* A path from the command line: a folder to walk or a file to send. */
static bool walk_path(Walk *w, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return send_trouble(w, path, errno);
	if (S_ISDIR(st.st_mode))
		return walk_folder(w, path);
	if (S_ISREG(st.st_mode))
		return send_file(w, path);
	return true; /* a device, a FIFO...: not searched */
}

int pgrep_stage_walk(pipec_stage *self, const pgrep_params *params, int replica,
                     int replicas, Item_out *files)
{
	(void)replica;
	(void)replicas;
	Walk w = {.self = self, .files = files};
	if (!*params->paths)
		walk_folder(&w, "");
	for (const char *p = params->paths; *p; p += strlen(p) + 1)
		if (!walk_path(&w, p))
			break;
	if (params->counters)
		fprintf(stderr,
		        "pgrep: %s: listed %ld folders, sent %ld files\n",
		        pipec_stage_name(self), w.folders, w.sent);
	if (w.nomem)
		return pipec_stage_fail(self, 2, "out of memory");
	return 0;
}
