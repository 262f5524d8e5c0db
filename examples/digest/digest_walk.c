/* SPDX-License-Identifier: MIT */
/*
 * digest_walk.c - the extern stage `walk` of digest.pipe: sends the path
 * of everything under params->root that is not a folder.
 *
 * Links, FIFOs and the like are sent too, not skipped: a digest must
 * cover the whole tree, so deciding what they are is the hash workers'
 * job (a link to a file is hashed, anything else fails the run). Links
 * are not followed into folders. The order is readdir's: collect sorts.
 * A folder that cannot be listed fails the stage, which cancels the run.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "digest.h"

/* How a walk ends: on to the next entry, nobody listens, or a failure
 * (its code, from pipec_stage_fail). */
enum { GO = 0, STOP = -1 };

static int send_path(pipec_stage *self, Path_out *paths, const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return pipec_stage_fail(self, 2, "out of memory");
	return Path_send(paths, Path_Name(copy)) == PIPEC_OK ? GO : STOP;
}

/* "dir/name", without a second slash when dir ends with one (as find). */
static char *join(const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);
	bool slash = dir[d - 1] != '/';
	char *path = malloc(d + slash + n + 1);
	if (path) {
		memcpy(path, dir, d);
		if (slash)
			path[d] = '/';
		memcpy(path + d + slash, name, n + 1);
	}
	return path;
}

static int walk_folder(pipec_stage *self, Path_out *paths, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return pipec_stage_fail(self, 1, "%s: %s", dir,
		                        strerror(errno));
	int st = GO;
	struct dirent *e;
	errno = 0;
	while (st == GO && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *path = join(dir, e->d_name);
		struct stat sb;
		if (!path)
			st = pipec_stage_fail(self, 2, "out of memory");
		else if (lstat(path, &sb) != 0)
			st = pipec_stage_fail(self, 1, "%s: %s", path,
			                      strerror(errno));
		else if (S_ISDIR(sb.st_mode))
			st = walk_folder(self, paths, path);
		else
			st = send_path(self, paths, path);
		free(path);
		errno = 0;
	}
	if (st == GO && errno != 0)
		st = pipec_stage_fail(self, 1, "%s: %s", dir, strerror(errno));
	closedir(d);
	return st;
}

int digest_stage_walk(pipec_stage *self, const digest_params *params,
                      int replica, int replicas, Path_out *paths)
{
	(void)replica;
	(void)replicas;
	const char *root = params->root;
	struct stat sb;
	if (!*root)
		return pipec_stage_fail(self, 2, "--root is empty");
	if (stat(root, &sb) != 0)
		return pipec_stage_fail(self, 1, "%s: %s", root,
		                        strerror(errno));
	int st = S_ISDIR(sb.st_mode) ? walk_folder(self, paths, root)
	                             : send_path(self, paths, root);
	return st == STOP ? 0 : st;
}
