/*
 * Reading the audit history back: walking the event files of a commit
 * and importing the events the store lacks (sync and rebuild share it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "internal.h"

/* ---- walking the event files of a tree ---- */

struct walk {
	git_repository *repo;
	int (*fn)(void *arg, const char *path, const git_oid *blob);
	void *arg;
	int ret;
};

static int
walk_cb(const char *root, const git_tree_entry *e, void *payload)
{
	struct walk *w = payload;
	const char *name = git_tree_entry_name(e);
	size_t n = strlen(name);
	char path[512];

	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB || n < 6 ||
	    strcmp(name + n - 5, ".json") != 0 ||
	    strstr(root, "/events/") == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s%s", root, name);
	if ((w->ret = w->fn(w->arg, path, git_tree_entry_id(e))) < 0)
		return -1;
	return 0;
}

/* Calls fn for every event file of the commit's tree. */
int
inc_audit__each_file(inc_store *s, const git_oid *commit,
                     int (*fn)(void *, const char *, const git_oid *),
                     void *arg, inc_error *err)
{
	struct walk w = {s->repo, fn, arg, 0};
	git_commit *c = NULL;
	git_tree *t = NULL;
	int rc;

	if ((rc = git_commit_lookup(&c, s->repo, commit)) < 0 ||
	    (rc = git_commit_tree(&t, c)) < 0) {
		git_commit_free(c);
		return inc_audit__git_error(err, rc, s->audit_repo);
	}
	rc = git_tree_walk(t, GIT_TREEWALK_PRE, walk_cb, &w);
	git_tree_free(t);
	git_commit_free(c);
	if (w.ret < 0)
		return w.ret;
	return rc < 0 ? inc_audit__git_error(err, rc, s->audit_repo) : 0;
}

/* ---- import ---- */

struct import {
	inc_store *s;
	inc_error *err;
	char (*touched)[INC_ID_LEN + 1]; /* incidents to project again */
	size_t ntouched, cap;
	size_t added;
};

static int
touch(struct import *im, const char *id)
{
	for (size_t i = 0; i < im->ntouched; i++)
		if (strcmp(im->touched[i], id) == 0)
			return 0;
	if (im->ntouched == im->cap) {
		size_t cap = im->cap ? im->cap * 2 : 64;
		void *t = realloc(im->touched, cap * sizeof(*im->touched));
		if (t == NULL)
			return -1;
		im->touched = t;
		im->cap = cap;
	}
	memcpy(im->touched[im->ntouched++], id, INC_ID_LEN + 1);
	return 0;
}

static int
import_blob(struct import *im, const git_oid *oid)
{
	git_blob *blob = NULL;
	inc_event ev;
	bool added = false;
	int rc, ret;

	if ((rc = git_blob_lookup(&blob, im->s->repo, oid)) < 0)
		return inc_audit__git_error(im->err, rc, im->s->audit_repo);
	ret = inc_event__from_json(&ev, git_blob_rawcontent(blob),
	                           (size_t)git_blob_rawsize(blob), im->err);
	git_blob_free(blob);
	if (ret < 0)
		return ret;
	ret = inc_store__insert(&added, im->s, &ev, true, im->err);
	if (ret == 0 && added) {
		im->added++;
		if (touch(im, ev.incident) < 0)
			ret = inc_error__nomem(im->err);
	}
	inc_event__release(&ev);
	return ret;
}

static int
import_file(void *arg, const char *path, const git_oid *blob)
{
	(void)path;
	return import_blob(arg, blob);
}

static int
import_delta(const git_diff_delta *d, float progress, void *arg)
{
	struct import *im = arg;
	const char *path = d->new_file.path;
	size_t n = strlen(path);

	(void)progress;
	if (d->status != GIT_DELTA_ADDED || n < 6 ||
	    strcmp(path + n - 5, ".json") != 0 ||
	    strstr(path, "/events/") == NULL)
		return 0;
	return import_blob(im, &d->new_file.id) < 0 ? -1 : 0;
}

/*
 * Imports the events of commit tip that the store lacks, comparing with
 * the last imported tip, and projects the incidents they touch again.
 * In a write transaction.
 */
int
inc_audit__import(size_t *added, inc_store *s, const git_oid *tip,
                  inc_error *err)
{
	struct import im = {s, err, NULL, 0, 0, 0};
	char hex[GIT_OID_HEXSZ + 1] = "";
	git_commit *old_c = NULL, *new_c = NULL;
	git_tree *old_t = NULL, *new_t = NULL;
	git_diff *diff = NULL;
	git_oid old;
	int rc = 0, ret = 0;

	*added = 0;
	if ((ret = inc_store__meta_text(hex, sizeof(hex), s, "imported_tip",
	                                err)) < 0)
		return ret;
	if (hex[0] != '\0' && git_oid_fromstr(&old, hex) == 0 &&
	    git_oid_equal(&old, tip))
		return 0;
	/* from the last imported tip when it is still there; else all */
	if (hex[0] != '\0' && git_oid_fromstr(&old, hex) == 0 &&
	    git_commit_lookup(&old_c, s->repo, &old) == 0 &&
	    git_commit_tree(&old_t, old_c) == 0 &&
	    (rc = git_commit_lookup(&new_c, s->repo, tip)) == 0 &&
	    (rc = git_commit_tree(&new_t, new_c)) == 0 &&
	    (rc = git_diff_tree_to_tree(&diff, s->repo, old_t, new_t, NULL)) ==
	            0) {
		rc = git_diff_foreach(diff, import_delta, NULL, NULL, NULL,
		                      &im);
		ret = rc < 0 ? (im.err->code < 0 ? im.err->code : INC_ERROR)
		             : 0;
		if (rc < 0 && im.err->code >= 0)
			ret = inc_audit__git_error(err, rc, s->audit_repo);
	} else if (rc < 0) {
		ret = inc_audit__git_error(err, rc, s->audit_repo);
	} else {
		ret = inc_audit__each_file(s, tip, import_file, &im, err);
	}
	for (size_t i = 0; ret == 0 && i < im.ntouched; i++) {
		inc_incident *inc = NULL;
		if ((ret = inc_incident__fold(&inc, s, im.touched[i], err)) ==
		    0)
			ret = inc_store__project(s, inc->doc, err);
		inc_incident_free(inc);
	}
	if (ret == 0) {
		git_oid_tostr(hex, sizeof(hex), tip);
		ret = inc_store__meta_set(s, "imported_tip", hex, err);
	}
	*added = im.added;
	git_diff_free(diff);
	git_tree_free(old_t);
	git_tree_free(new_t);
	git_commit_free(old_c);
	git_commit_free(new_c);
	free(im.touched);
	return ret;
}
