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

/* ---- quarantine: invalid events set aside, by path and blob ---- */

#define QUARANTINE "quarantine:"
/* A format limit: a review (1 MiB) with its envelope fits with room. */
#define INC_EVENT_FILE_MAX (2 * INC_REVIEW_MAX)

static int
quarantined(bool *out, inc_store *s, const char *path, const git_oid *blob,
            inc_error *err)
{
	char key[600], value[1024], hex[GIT_OID_HEXSZ + 1];
	cJSON *o;
	int ret;

	*out = false;
	snprintf(key, sizeof(key), QUARANTINE "%s", path);
	if ((ret = inc_store__meta_text(value, sizeof(value), s, key, err)) <
	            0 ||
	    value[0] == '\0')
		return ret;
	git_oid_tostr(hex, sizeof(hex), blob);
	o = cJSON_Parse(value);
	*out = inc_json__str(o, "blob") != NULL &&
	       strcmp(inc_json__str(o, "blob"), hex) == 0;
	cJSON_Delete(o);
	return 0;
}

int
inc_audit__quarantine_each(inc_store *s,
                           int (*fn)(void *, const char *, const char *),
                           void *arg, inc_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret;

	if ((ret = inc_store__prepare(&st, s,
	                              "SELECT substr(key, ?1), value FROM meta "
	                              "WHERE substr(key, 1, ?1 - 1) = ?2",
	                              err)) < 0)
		return ret;
	sqlite3_bind_int(st, 1, (int)strlen(QUARANTINE) + 1);
	sqlite3_bind_text(st, 2, QUARANTINE, -1, SQLITE_STATIC);
	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON *o =
		        cJSON_Parse((const char *)sqlite3_column_text(st, 1));
		const char *blob = inc_json__str(o, "blob");

		ret = fn(arg, (const char *)sqlite3_column_text(st, 0),
		         blob != NULL ? blob : "");
		cJSON_Delete(o);
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = inc_error__sqlite(err, s->db, rc, s->db_path);
	sqlite3_finalize(st);
	return ret;
}

/* Records the file at path (blob) as refused for reason, with its event id. */
static int
quarantine(inc_store *s, const char *path, const git_oid *blob,
           const char *reason, inc_error *err)
{
	char key[600], hex[GIT_OID_HEXSZ + 1], id[INC_EVENT_ID_LEN + 1] = "";
	const char *dash = strrchr(path, '-');
	cJSON *o = cJSON_CreateObject();
	char *text = NULL;
	int ret;

	snprintf(key, sizeof(key), QUARANTINE "%s", path);
	git_oid_tostr(hex, sizeof(hex), blob);
	if (dash != NULL)
		snprintf(id, sizeof(id), "%.*s", (int)strcspn(dash + 1, "."),
		         dash + 1);
	if (o == NULL || cJSON_AddStringToObject(o, "event", id) == NULL ||
	    cJSON_AddStringToObject(o, "blob", hex) == NULL ||
	    cJSON_AddStringToObject(o, "reason", reason) == NULL ||
	    (text = cJSON_PrintUnformatted(o)) == NULL)
		ret = inc_error__nomem(err);
	else
		ret = inc_store__meta_set(s, key, text, err);
	cJSON_Delete(o);
	free(text);
	return ret;
}

int
inc_audit__quarantine_count(int64_t *out, inc_store *s, inc_error *err)
{
	return inc_store__query_int64(out, s,
	                              "SELECT count(*) FROM meta WHERE key "
	                              "LIKE '" QUARANTINE "%'",
	                              err);
}

int
inc_audit__meta_copy(inc_store *to, inc_store *from, const char *prefix,
                     inc_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret;

	/* not LIKE: "_" in a prefix is a wildcard there */
	if ((ret = inc_store__prepare(&st, from,
	                              "SELECT key, value FROM meta WHERE "
	                              "substr(key, 1, length(?1)) = ?1",
	                              err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW)
		ret = inc_store__meta_set(
		        to, (const char *)sqlite3_column_text(st, 0),
		        (const char *)sqlite3_column_text(st, 1), err);
	if (ret == 0 && rc != SQLITE_DONE)
		ret = inc_error__sqlite(err, from->db, rc, from->db_path);
	sqlite3_finalize(st);
	return ret;
}

int
inc_audit__quarantine_copy(inc_store *to, inc_store *from, inc_error *err)
{
	return inc_audit__meta_copy(to, from, QUARANTINE, err);
}

/* ---- import ---- */

struct import {
	inc_store *s;
	inc_error *err;
	const inc_import_opts *opts;
	inc_import_counts *counts;
	bool any_quarantined;            /* some files were set aside before */
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

/*
 * An event file that is invalid: set aside when asked to, else the
 * import stops with a line naming it. err holds the reason.
 */
static int
refuse(struct import *im, const char *path, const git_oid *oid)
{
	char reason[INC_ERROR_MAX];
	int ret;

	snprintf(reason, sizeof(reason), "%s", im->err->message);
	if (!im->opts->quarantine)
		return inc_error_set(
		        im->err, INC_ECORRUPT,
		        "%s: %s (%s --quarantine sets it aside)", path, reason,
		        im->opts->command != NULL ? im->opts->command : "sync");
	if ((ret = quarantine(im->s, path, oid, reason, im->err)) < 0)
		return ret;
	im->counts->quarantined++;
	return 0;
}

/*
 * One event file: checked by the one validator, then stored (a newer
 * version's event too: kept, the fold leaves it out) or refused.
 */
static int
import_blob(struct import *im, const char *path, const git_oid *oid)
{
	char want[512], id[INC_EVENT_ID_LEN + 1];
	git_blob *blob = NULL;
	inc_event ev;
	bool added = false, newer = false, skip = false;
	int rc, ret;

	/* another version's tree: theirs to read; scopes/ are events of
	 * no incident (rota:db), read as the incidents' are */
	if (strncmp(path, "incidents/", 10) != 0 &&
	    strncmp(path, "scopes/", 7) != 0) {
		im->counts->newer++;
		return 0;
	}
	if (im->any_quarantined &&
	    ((ret = quarantined(&skip, im->s, path, oid, im->err)) < 0 ||
	     skip)) {
		im->counts->skipped += skip;
		return ret;
	}
	if ((rc = git_blob_lookup(&blob, im->s->repo, oid)) < 0)
		return inc_audit__git_error(im->err, rc, im->s->audit_repo);
	if (git_blob_rawsize(blob) > INC_EVENT_FILE_MAX) {
		git_blob_free(blob);
		inc_error_set(im->err, INC_ECORRUPT,
		              "the file is over %d bytes, the format's limit",
		              INC_EVENT_FILE_MAX);
		return refuse(im, path, oid);
	}
	ret = inc_event__from_json(&ev, git_blob_rawcontent(blob),
	                           (size_t)git_blob_rawsize(blob), im->err);
	git_blob_free(blob);
	if (ret == INC_ENEWER) {
		im->counts->newer++; /* a format this version cannot read */
		return 0;
	}
	if (ret == INC_ENOMEM)
		return ret;
	if (ret < 0)
		return refuse(im, path, oid);
	ret = inc_kind__check_event(&ev, im->err);
	if (ret == INC_ENEWER) {
		newer = true;
		ret = 0;
	}
	inc_audit__path(want, sizeof(want), &ev);
	if (ret == 0 && strcmp(want, path) != 0)
		ret = inc_error_set(im->err, INC_EINVALID,
		                    "its path does not match its content");
	/* the hash here, so that only the event's faults are refused */
	memcpy(id, ev.id, sizeof(id));
	if (ret == 0 && (ret = inc_event__hash(&ev, im->err)) == 0 &&
	    strcmp(id, ev.id) != 0)
		ret = inc_error_set(im->err, INC_ECORRUPT,
		                    "its content does not hash to its id "
		                    "(tampered with?)");
	memcpy(ev.id, id, sizeof(id));
	if (ret == INC_ENOMEM) {
		inc_event__release(&ev);
		return ret;
	}
	if (ret < 0) {
		inc_event__release(&ev);
		return refuse(im, path, oid);
	}
	ret = inc_store__insert(&added, im->s, &ev, true, im->err);
	if (ret == 0 && added) {
		im->added++;
		im->counts->newer += newer;
		/* a scope has no projection */
		if (!inc_scope__is(ev.incident) && touch(im, ev.incident) < 0)
			ret = inc_error__nomem(im->err);
	}
	inc_event__release(&ev);
	return ret;
}

static int
import_file(void *arg, const char *path, const git_oid *blob)
{
	return import_blob(arg, path, blob);
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
	return import_blob(im, path, &d->new_file.id) < 0 ? -1 : 0;
}

/*
 * Imports the events of commit tip that the store lacks, comparing with
 * the last imported tip, and projects the incidents they touch again.
 * In a write transaction.
 */
int
inc_audit__import(size_t *added, inc_import_counts *counts, inc_store *s,
                  const git_oid *tip, const inc_import_opts *opts,
                  inc_error *err)
{
	struct import im = {s, err, opts, counts, false, NULL, 0, 0, 0};
	char hex[GIT_OID_HEXSZ + 1] = "";
	git_commit *old_c = NULL, *new_c = NULL;
	git_tree *old_t = NULL, *new_t = NULL;
	git_diff *diff = NULL;
	int64_t nq = 0;
	git_oid old;
	int rc = 0, ret = 0;

	*added = 0;
	if ((ret = inc_store__meta_text(hex, sizeof(hex), s, "imported_tip",
	                                err)) < 0 ||
	    (ret = inc_audit__quarantine_count(&nq, s, err)) < 0)
		return ret;
	im.any_quarantined = nq > 0;
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
