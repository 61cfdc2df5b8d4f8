/* gc: the audit repository packed into one pack, by hand or after writes. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "internal.h"

/* Loose objects past which a write packs the audit repository. */
#define GC_LOOSE_OBJECTS 4000

/* Deletes every loose object that was there before the pack was made. */
static size_t
prune_loose(const char *objects, char **snapshot, size_t n)
{
	size_t removed = 0;

	for (size_t i = 0; i < n; i++) {
		char *path = inc_util__asprintf("%s/%s", objects, snapshot[i]);
		if (path != NULL && unlink(path) == 0)
			removed++;
		/* the fan-out folder goes once empty, as git gc does */
		if (path != NULL && strrchr(path, '/') != NULL) {
			*strrchr(path, '/') = '\0';
			rmdir(path);
		}
		free(path);
	}
	return removed;
}

static int
snapshot_loose(char ***out, size_t *n, const char *objects)
{
	size_t cap = 0;
	char **v = NULL;

	*n = 0;
	for (int hi = 0; hi < 256; hi++) {
		char dir[16], *path;
		struct dirent *de;
		DIR *d;

		snprintf(dir, sizeof(dir), "%02x", hi);
		if ((path = inc_util__asprintf("%s/%s", objects, dir)) == NULL)
			return -1;
		d = opendir(path);
		free(path);
		if (d == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			if (strlen(de->d_name) != GIT_OID_HEXSZ - 2)
				continue;
			if (*n == cap) {
				char **nv;
				cap = cap ? cap * 2 : 256;
				if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
					break;
				v = nv;
			}
			v[*n] = inc_util__asprintf("%s/%s", dir, de->d_name);
			if (v[*n] != NULL)
				(*n)++;
		}
		closedir(d);
	}
	*out = v;
	return 0;
}

static void
remove_old_packs(const char *objects, const char *keep)
{
	char *dir = inc_util__asprintf("%s/pack", objects);
	struct dirent *de;
	DIR *d;

	if (dir == NULL || (d = opendir(dir)) == NULL) {
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *path;
		if (strncmp(de->d_name, "pack-", 5) != 0 ||
		    strstr(de->d_name, keep) != NULL)
			continue;
		if ((path = inc_util__asprintf("%s/%s", dir, de->d_name)) !=
		    NULL)
			unlink(path);
		free(path);
	}
	closedir(d);
	free(dir);
}

int
inc_audit_gc(size_t *packed, size_t *pruned, inc_store *s, inc_error *err)
{
	git_packbuilder *pb = NULL;
	git_revwalk *walk = NULL;
	char **snap = NULL, *objects = NULL, *packdir = NULL;
	size_t nsnap = 0;
	git_oid tip;
	bool has_tip;
	int rc = 0, ret;

	*packed = *pruned = 0;
	if (!inc_audit__enabled(s))
		return inc_error_set(
		        err, INC_EINVALID,
		        "the audit mirror is off; nothing to pack");
	if ((ret = inc_audit__open(s, false, err)) < 0)
		return ret;
	/* the store's lock keeps mirroring writers out meanwhile */
	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	objects =
	        inc_util__asprintf("%s/objects", git_repository_path(s->repo));
	packdir = inc_util__asprintf("%s/objects/pack",
	                             git_repository_path(s->repo));
	if (objects == NULL || packdir == NULL ||
	    snapshot_loose(&snap, &nsnap, objects) < 0) {
		ret = inc_error__nomem(err);
		goto done;
	}
	if ((ret = inc_audit__tip(&tip, &has_tip, s, err)) < 0 || !has_tip)
		goto done;
	if ((rc = git_packbuilder_new(&pb, s->repo)) < 0 ||
	    (rc = git_revwalk_new(&walk, s->repo)) < 0 ||
	    (rc = git_revwalk_push(walk, &tip)) < 0 ||
	    /* a shared repository's other branches and tags stay */
	    (rc = git_revwalk_push_glob(walk, "refs/*")) < 0 ||
	    (rc = git_packbuilder_insert_walk(pb, walk)) < 0 ||
	    (rc = git_packbuilder_write(pb, packdir, 0, NULL, NULL)) < 0)
		goto done;
	*packed = git_packbuilder_object_count(pb);
	remove_old_packs(objects, git_packbuilder_name(pb));
	*pruned = prune_loose(objects, snap, nsnap);
	ret = inc_store__meta_set_int(s, "loose_objects", 0, err);
	if (ret == 0)
		ret = inc_store__commit(s, err);
done:
	if (rc < 0)
		ret = inc_audit__git_error(err, rc, s->audit_repo);
	inc_store__rollback(s);
	for (size_t i = 0; i < nsnap; i++)
		free(snap[i]);
	free(snap);
	free(objects);
	free(packdir);
	git_revwalk_free(walk);
	git_packbuilder_free(pb);
	return ret;
}

/* After a write: pack when enough loose objects piled up. */
int
inc_audit__maybe_gc(inc_store *s, inc_error *err)
{
	int64_t loose = 0;
	size_t packed, pruned;
	int ret;

	if (s->audit_written == 0)
		return 0;
	if ((ret = inc_store__meta_int(&loose, s, "loose_objects", err)) < 0)
		return ret;
	loose += (int64_t)s->audit_written;
	s->audit_written = 0;
	if (loose < GC_LOOSE_OBJECTS)
		return inc_store__meta_set_int(s, "loose_objects", loose, err);
	return inc_audit_gc(&packed, &pruned, s, err);
}
