/*
 * verify: the database agrees with itself (ids, chain, projections) and
 * with the audit history, event for event.
 */
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

struct problems {
	char **v;
	size_t n, cap;
};

static void problem(struct problems *p, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void
problem(struct problems *p, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		char **v = realloc(p->v, cap * sizeof(*v));
		if (v == NULL)
			return;
		p->v = v;
		p->cap = cap;
	}
	if ((p->v[p->n] = inc_util__strdup(buf)) != NULL)
		p->n++;
}

/*
 * PRAGMA quick_check: 1 (with a problem per line it reports) when the
 * database file itself is damaged, 0 when it is sound.
 */
static int
quick_check(struct problems *p, inc_store *s, inc_error *err)
{
	sqlite3_stmt *st;
	int rc, ret, bad = 0;

	if ((ret = inc_store__prepare(&st, s, "PRAGMA quick_check", err)) < 0)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);

		if (line == NULL || strcmp(line, "ok") == 0)
			continue;
		/* one problem a line of what SQLite found */
		for (const char *l = line; *l != '\0';) {
			size_t n = strcspn(l, "\n");
			if (n > 0 && strncmp(l, "***", 3) != 0)
				problem(p, "database: %.*s", (int)n, l);
			l += n + (l[n] == '\n');
		}
		bad = 1;
	}
	if (rc != SQLITE_DONE) {
		problem(p, "database: %s", sqlite3_errmsg(s->db));
		bad = 1;
	}
	if (bad)
		problem(p, "database: the file is damaged; incident rebuild "
		           "recreates it from the audit history");
	sqlite3_finalize(st);
	return bad;
}

/* The database against itself: ids, the hash chain, the projections. */
static int
verify_db(struct problems *p, inc_store *s, size_t *n, inc_error *err)
{
	inc_event_list *events = NULL;
	char prev[INC_EVENT_ID_LEN + 1] = "", want[INC_EVENT_ID_LEN + 1];
	sqlite3_stmt *st = NULL;
	int rc, ret;

	/* SQLite's own check first: past a damaged page nothing is trusted */
	if ((ret = quick_check(p, s, err)) != 0)
		return ret < 0 ? ret : 0;
	if ((ret = inc_event__load_all(&events, s, false, err)) < 0)
		return ret;
	ret = inc_store__prepare(&st, s,
	                         "SELECT chain FROM events ORDER BY seq", err);
	for (size_t i = 0; ret == 0 && i < events->n; i++) {
		inc_event ev = events->events[i];
		char *link;

		memcpy(want, ev.id, sizeof(want));
		if ((ret = inc_event__hash(&ev, err)) < 0)
			break;
		if (strcmp(ev.id, want) != 0)
			problem(p,
			        "event %.12s (incident %s): its content in the "
			        "database does not hash to its id: changed "
			        "there",
			        want, ev.incident);
		if ((rc = sqlite3_step(st)) != SQLITE_ROW &&
		    rc != SQLITE_DONE) {
			ret = inc_error__sqlite(err, s->db, rc, "verify");
			break;
		}
		link = inc_util__asprintf("%s%s", prev, want);
		if (link != NULL && rc == SQLITE_ROW) {
			inc_util__sha256_hex(prev, link, strlen(link));
			if (strcmp(prev, (const char *)sqlite3_column_text(
			                         st, 0)) != 0) {
				problem(p,
				        "event %.12s: the hash chain breaks "
				        "there: an event before it was removed "
				        "or altered",
				        want);
				snprintf(prev, sizeof(prev), "%s",
				         (const char *)sqlite3_column_text(st,
				                                           0));
			}
		}
		free(link);
	}
	*n = events->n;
	sqlite3_finalize(st);
	inc_event_list_free(events);
	if (ret < 0)
		return ret;
	/* each stored projection is what its events fold into */
	ret = inc_store__prepare(&st, s, "SELECT id, doc FROM incidents", err);
	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		cJSON *stored =
		        cJSON_Parse((const char *)sqlite3_column_text(st, 1));
		inc_incident *inc = NULL;

		if (inc_incident__fold(&inc, s, id, err) < 0 ||
		    stored == NULL || !cJSON_Compare(stored, inc->doc, true))
			problem(p,
			        "%s: its record differs from what its "
			        "events say (run incident rebuild)",
			        id);
		cJSON_Delete(stored);
		inc_incident_free(inc);
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = inc_error__sqlite(err, s->db, rc, "verify");
	sqlite3_finalize(st);
	return ret;
}

struct git_side {
	inc_store *s;
	struct problems *p;
	sqlite3_stmt *find;
	size_t files;
	inc_error *err;
};

static int
check_file(void *arg, const char *path, const git_oid *oid)
{
	struct git_side *g = arg;
	git_blob *blob = NULL;
	inc_event ev;
	char name_id[INC_EVENT_ID_LEN + 1], want[INC_EVENT_ID_LEN + 1];
	const char *dash = strrchr(path, '-');
	char *canonical;
	int rc;

	g->files++;
	if ((rc = git_blob_lookup(&blob, g->s->repo, oid)) < 0)
		return inc_audit__git_error(g->err, rc, path);
	if (inc_event__from_json(&ev, git_blob_rawcontent(blob),
	                         (size_t)git_blob_rawsize(blob), NULL) < 0) {
		problem(g->p, "history: %s is not an event", path);
		git_blob_free(blob);
		return 0;
	}
	snprintf(name_id, sizeof(name_id), "%.64s", dash ? dash + 1 : "");
	memcpy(want, ev.id, sizeof(want));
	inc_event__hash(&ev, NULL);
	if (strcmp(want, ev.id) != 0 || strcmp(name_id, want) != 0) {
		problem(g->p,
		        "history: %s does not hash to its id: rewritten in git",
		        path);
		goto done;
	}
	sqlite3_reset(g->find);
	sqlite3_bind_text(g->find, 1, want, -1, SQLITE_STATIC);
	if (sqlite3_step(g->find) != SQLITE_ROW) {
		problem(g->p,
		        "event %.12s is in the history but not in the database "
		        "(incident sync or rebuild imports it)",
		        want);
		goto done;
	}
	/* the same bytes as the database's event gives */
	canonical = inc_audit__file(&ev);
	if (canonical == NULL ||
	    (size_t)git_blob_rawsize(blob) != strlen(canonical) ||
	    memcmp(canonical, git_blob_rawcontent(blob), strlen(canonical)) !=
	            0)
		problem(g->p, "history: %s is not in canonical form", path);
	free(canonical);
done:
	inc_event__release(&ev);
	git_blob_free(blob);
	return 0;
}

/* The database against the history, both ways. */
static int
verify_git(struct problems *p, inc_store *s, inc_error *err)
{
	struct git_side g = {s, p, NULL, 0, err};
	inc_event_list *events = NULL;
	int64_t mirrored = 0;
	git_oid tip, imported;
	bool has_tip;
	char hex[GIT_OID_HEXSZ + 1] = "";
	int ret;

	if ((ret = inc_audit__open(s, false, err)) < 0 ||
	    (ret = inc_audit__tip(&tip, &has_tip, s, err)) < 0 ||
	    (ret = inc_store__meta_int(&mirrored, s, "mirrored_seq", err)) < 0)
		return ret;
	if ((ret = inc_store__meta_text(hex, sizeof(hex), s, "imported_tip",
	                                err)) < 0)
		return ret;
	if (hex[0] != '\0' && git_oid_fromstr(&imported, hex) == 0 &&
	    (!has_tip ||
	     (!git_oid_equal(&imported, &tip) &&
	      git_graph_descendant_of(s->repo, &tip, &imported) != 1)))
		problem(p,
		        "history: the branch no longer contains commit %.12s, "
		        "imported earlier: it was rewritten",
		        hex);
	if ((ret = inc_store__prepare(
	             &g.find, s, "SELECT 1 FROM events WHERE id = ?", err)) < 0)
		return ret;
	if (has_tip)
		ret = inc_audit__each_file(s, &tip, check_file, &g, err);
	sqlite3_finalize(g.find);
	if (ret < 0)
		return ret;
	/* every mirrored or imported event must be in the history */
	if ((ret = inc_event__load_all(&events, s, false, err)) < 0)
		return ret;
	for (size_t i = 0; i < events->n; i++) {
		const inc_event *ev = &events->events[i];
		git_commit *c = NULL;
		git_tree *t = NULL;
		git_tree_entry *e = NULL;
		char path[256];

		if (ev->seq > mirrored && !inc_event__imported(s, ev->seq))
			continue; /* pending: not in git yet, by design */
		inc_audit__path(path, sizeof(path), ev);
		if (!has_tip || git_commit_lookup(&c, s->repo, &tip) < 0 ||
		    git_commit_tree(&t, c) < 0 ||
		    git_tree_entry_bypath(&e, t, path) < 0)
			problem(p,
			        "event %.12s (incident %s) is in the database "
			        "but missing from the history",
			        ev->id, ev->incident);
		git_tree_entry_free(e);
		git_tree_free(t);
		git_commit_free(c);
	}
	inc_event_list_free(events);
	return 0;
}

int
inc_audit_verify(inc_strarray *out, size_t *nevents, inc_store *s,
                 inc_error *err)
{
	struct problems p = {NULL, 0, 0};
	int ret;

	out->strings = NULL;
	out->count = 0;
	*nevents = 0;
	if ((ret = verify_db(&p, s, nevents, err)) == 0 &&
	    inc_audit__enabled(s))
		ret = verify_git(&p, s, err);
	out->strings = p.v;
	out->count = p.n;
	if (ret < 0)
		inc_strarray_dispose(out);
	return ret;
}
