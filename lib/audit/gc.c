/*
 * gc: the audit repository packed into one pack, by hand or after writes;
 * and what killed libgit2 runs leave behind cleared away: temporary
 * object and pack files, and (old, or with --clear-locks any) lock files.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "internal.h"

/* Loose objects past which a write packs the audit repository. */
#define GC_LOOSE_OBJECTS 4000
/*
 * Seconds past which a temporary or lock file is a dead run's: a sync's
 * fetch may write a pack for its whole timeout (an hour at most).
 */
#define GC_STALE_AGE (2 * 3600)

/* ---- leftovers of killed runs ---- */

/* A temporary file of libgit2 (mktmp's "_git2_XXXXXX") or of git. */
static bool
is_temp(const char *name)
{
	return strstr(name, "_git2_") != NULL ||
	       strncmp(name, "tmp_obj", 7) == 0 ||
	       strncmp(name, "tmp_pack_", 9) == 0 ||
	       strncmp(name, "tmp_idx_", 8) == 0;
}

static bool
is_lock(const char *name)
{
	size_t n = strlen(name);

	return n > 5 && strcmp(name + n - 5, ".lock") == 0;
}

struct sweep {
	bool clear_locks;
	inc_gc_result *res;
	bool nomem;
};

static void add_line(struct sweep *w, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void
add_line(struct sweep *w, const char *fmt, ...)
{
	inc_strarray *a = &w->res->locks;
	char buf[4200], **v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if ((v = realloc(a->strings, (a->count + 1) * sizeof(*v))) == NULL ||
	    (v[a->count] = inc_util__strdup(buf)) == NULL) {
		if (v != NULL)
			a->strings = v;
		w->nomem = true;
		return;
	}
	a->strings = v;
	a->count++;
}

/*
 * A lock younger than the grace may be a live writer's (sync's fetch
 * takes its own, outside the store's lock): waited for, and cleared only
 * if it is still the same file once old enough.
 */
static void
clear_lock(struct sweep *w, const char *path, const struct stat *st0)
{
	struct stat st = *st0;
	char tidy[4096], d[32];
	int64_t age = (int64_t)time(NULL) - (int64_t)st.st_mtime;

	while (age < INC_AUDIT_LOCK_GRACE) {
		const struct timespec wait = {0, 200 * 1000 * 1000};
		nanosleep(&wait, NULL);
		if (lstat(path, &st) < 0 || st.st_ino != st0->st_ino ||
		    st.st_mtime != st0->st_mtime)
			return; /* gone or taken again: a live one */
		age = (int64_t)time(NULL) - (int64_t)st.st_mtime;
	}
	if (unlink(path) < 0)
		return;
	inc_audit__tidy_path(tidy, sizeof(tidy), path);
	add_line(w, "%s (left %s ago)", tidy,
	         inc_duration_format(d, sizeof(d), age < 0 ? 0 : age));
}

/* Every file below dir that a dead run left: temporaries and locks. */
static void
sweep_dir(struct sweep *w, const char *dir, int depth)
{
	struct dirent *de;
	DIR *d;

	if (depth > 8 || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char *path;
		struct stat st;
		int64_t age;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if ((path = inc_util__asprintf("%s/%s", dir, de->d_name)) ==
		    NULL) {
			w->nomem = true;
			break;
		}
		if (lstat(path, &st) < 0) {
			free(path);
			continue;
		}
		age = (int64_t)time(NULL) - (int64_t)st.st_mtime;
		if (S_ISDIR(st.st_mode))
			sweep_dir(w, path, depth + 1);
		else if (is_lock(de->d_name) && w->clear_locks &&
		         S_ISREG(st.st_mode))
			clear_lock(w, path, &st);
		else if ((is_lock(de->d_name) || is_temp(de->d_name)) &&
		         S_ISREG(st.st_mode) && age > GC_STALE_AGE &&
		         unlink(path) == 0)
			w->res->temp_removed++;
		free(path);
	}
	closedir(d);
}

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
inc_audit_gc(inc_gc_result *res, inc_store *s, const inc_gc_opts *opts,
             inc_error *err)
{
	git_packbuilder *pb = NULL;
	git_revwalk *walk = NULL;
	char **snap = NULL, *objects = NULL, *packdir = NULL;
	size_t nsnap = 0;
	struct sweep w = {opts != NULL && opts->clear_locks, res, false};
	git_oid tip;
	bool has_tip;
	int rc = 0, ret;

	memset(res, 0, sizeof(*res));
	if (!inc_audit__enabled(s))
		return inc_error_set(
		        err, INC_EINVALID,
		        "the audit mirror is off; nothing to pack");
	if ((ret = inc_audit__open(s, false, err)) < 0)
		return ret;
	/* the store's lock keeps mirroring writers out meanwhile: none of
	 * incident's own runs holds a lock or writes a temporary file */
	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	sweep_dir(&w, git_repository_path(s->repo), 0);
	if (w.nomem) {
		ret = inc_error__nomem(err);
		goto done;
	}
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
	res->packed = git_packbuilder_object_count(pb);
	remove_old_packs(objects, git_packbuilder_name(pb));
	res->pruned = prune_loose(objects, snap, nsnap);
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
	if (ret < 0)
		inc_strarray_dispose(&res->locks);
	return ret;
}

/* After a write: pack when enough loose objects piled up. */
int
inc_audit__maybe_gc(inc_store *s, inc_error *err)
{
	int64_t loose = 0;
	inc_gc_result res;
	int ret;

	if (s->audit_written == 0)
		return 0;
	if ((ret = inc_store__meta_int(&loose, s, "loose_objects", err)) < 0)
		return ret;
	loose += (int64_t)s->audit_written;
	s->audit_written = 0;
	if (loose < GC_LOOSE_OBJECTS)
		return inc_store__meta_set_int(s, "loose_objects", loose, err);
	if ((ret = inc_audit_gc(&res, s, NULL, err)) == 0)
		inc_strarray_dispose(&res.locks);
	return ret;
}
