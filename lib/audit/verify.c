/*
 * verify: the database agrees with itself (ids, chain, projections) and
 * with the audit history, event for event and commit for commit. What is
 * pending is mirrored first, so any lag left is a problem with a cause.
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
	/* one line once: a merge checked from both sides finds it twice */
	for (size_t i = p->n > 4 ? p->n - 4 : 0; i < p->n; i++)
		if (strcmp(p->v[i], buf) == 0)
			return;
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
			        "events say (%s)",
			        id,
			        inc_audit__enabled(s)
			                ? "incident rebuild remakes it from "
			                  "the history"
			                : "edited outside incident?");
		cJSON_Delete(stored);
		inc_incident_free(inc);
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = inc_error__sqlite(err, s->db, rc, "verify");
	sqlite3_finalize(st);
	return ret;
}

/* The head of the hash chain (the last event's link) into head. */
static int
chain_head(char head[INC_EVENT_ID_LEN + 1], inc_store *s, inc_error *err)
{
	sqlite3_stmt *st;
	int rc, ret;

	head[0] = '\0';
	if ((ret = inc_store__prepare(&st, s,
	                              "SELECT chain FROM events ORDER BY seq "
	                              "DESC LIMIT 1",
	                              err)) < 0)
		return ret;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL)
		snprintf(head, INC_EVENT_ID_LEN + 1, "%s",
		         (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return inc_error__sqlite(err, s->db, rc, "verify");
	return 0;
}

/*
 * A head printed by an earlier verify must still be a link of the chain
 * (checked link by link above): events removed from the end, with their
 * records, break nothing else when there is no mirror to compare with.
 */
static int
expect_head(struct problems *p, inc_store *s, const char *want,
            const char *head, inc_error *err)
{
	size_t n = strlen(want);
	sqlite3_stmt *st;
	int rc, ret;

	if (n < 12 || n > INC_EVENT_ID_LEN ||
	    strspn(want, "0123456789abcdef") != n)
		return inc_error_set(err, INC_EINVALID,
		                     "%s: not a head of the hash chain (12 to "
		                     "64 lowercase hexadecimal digits)",
		                     want);
	if ((ret = inc_store__prepare(&st, s,
	                              "SELECT seq FROM events WHERE "
	                              "substr(chain, 1, ?1) = ?2 LIMIT 1",
	                              err)) < 0)
		return ret;
	sqlite3_bind_int(st, 1, (int)n);
	sqlite3_bind_text(st, 2, want, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE)
		problem(p,
		        "chain: the head %.12s given is no longer in the hash "
		        "chain (it ends at %.12s now): events were removed "
		        "from its end",
		        want, *head ? head : "nothing");
	else if (rc != SQLITE_ROW)
		return inc_error__sqlite(err, s->db, rc, "verify");
	return 0;
}

/* ---- files set aside by --quarantine: by path, with their blob ---- */

struct aside {
	char *path;
	char blob[GIT_OID_HEXSZ + 1];
};

struct asides {
	struct aside *v;
	size_t n, cap;
};

static int
aside_add(void *arg, const char *path, const char *blob)
{
	struct asides *a = arg;

	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct aside *v = realloc(a->v, cap * sizeof(*v));
		if (v == NULL)
			return inc_error__nomem(NULL);
		a->v = v;
		a->cap = cap;
	}
	if ((a->v[a->n].path = inc_util__strdup(path)) == NULL)
		return inc_error__nomem(NULL);
	snprintf(a->v[a->n++].blob, GIT_OID_HEXSZ + 1, "%s", blob);
	return 0;
}

static int
aside_cmp(const void *a, const void *b)
{
	return strcmp(((const struct aside *)a)->path,
	              ((const struct aside *)b)->path);
}

static int
asides_load(struct asides *a, inc_store *s, inc_error *err)
{
	int ret = inc_audit__quarantine_each(s, aside_add, a, err);

	if (ret == INC_ENOMEM)
		return inc_error__nomem(err);
	if (ret == 0 && a->n > 1)
		qsort(a->v, a->n, sizeof(*a->v), aside_cmp);
	return ret;
}

static void
asides_free(struct asides *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i].path);
	free(a->v);
}

/* The blob recorded for a file set aside at path, or NULL. */
static const char *
aside_blob(const struct asides *a, const char *path)
{
	struct aside key = {(char *)path, ""}, *e;

	if (a->n == 0)
		return NULL;
	e = bsearch(&key, a->v, a->n, sizeof(*a->v), aside_cmp);
	return e != NULL ? e->blob : NULL;
}

/* Whether the file at path with blob oid is one set aside. */
static bool
is_aside(const struct asides *a, const char *path, const git_oid *oid)
{
	const char *blob = aside_blob(a, path);
	char hex[GIT_OID_HEXSZ + 1];

	if (blob == NULL)
		return false;
	git_oid_tostr(hex, sizeof(hex), oid);
	return strcmp(blob, hex) == 0;
}

/*
 * An event file of another version's tree: outside incidents/ and
 * scopes/ (scopes/<kind>/<name>/events/ are ours, checked as the
 * incidents' are), but an event file by its place and name, as the
 * history's walk takes them (read.c). Anything else outside them is no
 * event at all.
 */
static bool
theirs(const char *path)
{
	size_t n = strlen(path);

	return strncmp(path, "incidents/", 10) != 0 &&
	       strncmp(path, "scopes/", 7) != 0 && n >= 6 &&
	       strcmp(path + n - 5, ".json") == 0 &&
	       strstr(path, "/events/") != NULL;
}

struct git_side {
	inc_store *s;
	struct problems *p;
	sqlite3_stmt *find;
	const struct asides *asides;
	size_t quarantined, newer;
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
	const char *aside;
	char *canonical;
	int rc;

	if (theirs(path)) {
		g->newer++;
		return 0;
	}
	if ((aside = aside_blob(g->asides, path)) != NULL) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), oid);
		if (strcmp(aside, hex) == 0)
			g->quarantined++;
		else
			problem(g->p,
			        "history: %s was set aside by --quarantine as "
			        "blob %.12s, but the file is blob %.12s now: "
			        "rewritten in git",
			        path, aside, hex);
		return 0;
	}
	if ((rc = git_blob_lookup(&blob, g->s->repo, oid)) < 0)
		return inc_audit__git_error(g->err, rc, path);
	rc = inc_event__from_json(&ev, git_blob_rawcontent(blob),
	                          (size_t)git_blob_rawsize(blob), NULL);
	if (rc == INC_ENEWER)
		g->newer++; /* a format this version cannot read */
	else if (rc < 0)
		problem(g->p, "history: %s is not an event", path);
	if (rc < 0) {
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

/* ---- the commits: each says who did what when, as its event does ---- */

static bool
same_signature(const git_signature *a, const git_signature *b)
{
	return strcmp(a->name, b->name) == 0 &&
	       strcmp(a->email, b->email) == 0 &&
	       a->when.time == b->when.time && a->when.offset == b->when.offset;
}

/* The one trailer key of msg, or NULL (none, or several). */
static const char *
trailer(const git_message_trailer_array *arr, const char *key)
{
	const char *v = NULL;

	for (size_t i = 0; i < arr->count; i++)
		if (strcmp(arr->trailers[i].key, key) == 0) {
			if (v != NULL)
				return NULL;
			v = arr->trailers[i].value;
		}
	return v;
}

/*
 * What changed from tree a (NULL: none) to tree b, told to fn a path at
 * a time; an added tree is looked into unless fn returns 1 for it. Equal
 * subtrees are skipped and names found by binary search, so a commit
 * that adds one file costs a few lookups along its path (git_diff costs
 * four times as much, at every level the width of the tree).
 */
typedef int (*delta_fn)(void *arg, git_delta_t st, const char *path,
                        const git_tree_entry *e);

static int
tree_delta(git_repository *repo, git_tree *a, git_tree *b, const char *prefix,
           delta_fn fn, void *arg)
{
	size_t nb = git_tree_entrycount(b);
	size_t na = a != NULL ? git_tree_entrycount(a) : 0, common = 0;
	char path[1024];
	int rc = 0;

	for (size_t i = 0; rc >= 0 && i < nb; i++) {
		const git_tree_entry *eb = git_tree_entry_byindex(b, i);
		const char *name = git_tree_entry_name(eb);
		const git_tree_entry *ea =
		        a != NULL ? git_tree_entry_byname(a, name) : NULL;
		bool tb = git_tree_entry_type(eb) == GIT_OBJECT_TREE;
		git_tree *sa = NULL, *sb = NULL;

		snprintf(path, sizeof(path), "%s%s", prefix, name);
		if (ea != NULL)
			common++;
		if (ea != NULL &&
		    git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)))
			continue;
		if (ea != NULL &&
		    (!tb || git_tree_entry_type(ea) != GIT_OBJECT_TREE)) {
			rc = fn(arg, GIT_DELTA_MODIFIED, path, eb);
			continue;
		}
		if (ea == NULL &&
		    ((rc = fn(arg, GIT_DELTA_ADDED, path, eb)) != 0 || !tb))
			continue;
		snprintf(path, sizeof(path), "%s%s/", prefix, name);
		if ((ea == NULL ||
		     (rc = git_tree_lookup(&sa, repo, git_tree_entry_id(ea))) ==
		             0) &&
		    (rc = git_tree_lookup(&sb, repo, git_tree_entry_id(eb))) ==
		            0)
			rc = tree_delta(repo, sa, sb, path, fn, arg);
		git_tree_free(sa);
		git_tree_free(sb);
	}
	for (size_t i = 0; rc >= 0 && na > common && i < na; i++) {
		const git_tree_entry *ea = git_tree_entry_byindex(a, i);

		if (git_tree_entry_byname(b, git_tree_entry_name(ea)) != NULL)
			continue;
		snprintf(path, sizeof(path), "%s%s", prefix,
		         git_tree_entry_name(ea));
		rc = fn(arg, GIT_DELTA_DELETED, path, ea);
	}
	return rc < 0 ? rc : 0;
}

struct added_one {
	size_t files;  /* changed, added or removed */
	bool only_add; /* all of them added */
	char path[1024];
	git_oid blob;
};

static int
count_change(void *arg, git_delta_t st, const char *path,
             const git_tree_entry *e)
{
	struct added_one *o = arg;

	if (st == GIT_DELTA_ADDED && git_tree_entry_type(e) == GIT_OBJECT_TREE)
		return 0; /* look inside */
	if (st != GIT_DELTA_ADDED)
		o->only_add = false;
	if (o->files++ == 0) {
		snprintf(o->path, sizeof(o->path), "%s", path);
		git_oid_cpy(&o->blob, git_tree_entry_id(e));
	}
	return 0;
}

/*
 * An event commit adds one event file on top of its parent; its author is
 * the event's actor at the event's time, its committer the same actor at
 * when it was recorded, and its Incident and Event trailers name it. The
 * subject is for people (it may be worded differently by another
 * version), and Severity and Status say the state as its writer saw it:
 * neither is checked. A file set aside by --quarantine (by path and
 * blob), one of a newer format, or one outside incidents/ is in no event
 * of the store: its commit is held to the shape alone, since whoever
 * wrote a refused file wrote its commit too, and it vouches for nothing.
 */
static int
check_event_commit(struct problems *p, inc_store *s,
                   const struct asides *asides, git_commit *c, git_tree *tree,
                   git_tree *parent_tree)
{
	struct added_one one = {0, true, "", {{0}}};
	char hex[GIT_OID_HEXSZ + 1];
	git_blob *blob = NULL;
	git_signature *author = NULL, *committer = NULL;
	git_message_trailer_array tr = {0};
	const char *inc_t, *ev_t;
	inc_event ev;
	int rc, parsed;

	git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
	if ((rc = tree_delta(s->repo, parent_tree, tree, "", count_change,
	                     &one)) < 0)
		return rc;
	if (one.files != 1 || !one.only_add) {
		problem(p,
		        "history: commit %.12s changes %zu files: an event "
		        "commit adds one event file and changes nothing",
		        hex, one.files);
		return 0;
	}
	if (theirs(one.path) || is_aside(asides, one.path, &one.blob))
		return 0;
	parsed = git_blob_lookup(&blob, s->repo, &one.blob) < 0
	                 ? INC_ECORRUPT
	                 : inc_event__from_json(&ev, git_blob_rawcontent(blob),
	                                        (size_t)git_blob_rawsize(blob),
	                                        NULL);
	if (parsed < 0) {
		/* a newer format: this version cannot read it */
		if (parsed != INC_ENEWER)
			problem(p,
			        "history: commit %.12s adds %s, not an event",
			        hex, one.path);
		git_blob_free(blob);
		return 0;
	}
	if (inc_audit__actor_signature(&author, ev.actor, ev.at) < 0 ||
	    inc_audit__actor_signature(&committer, ev.actor, ev.recorded_at) <
	            0) {
		rc = -1;
		goto done;
	}
	if (!same_signature(git_commit_author(c), author))
		problem(p,
		        "history: commit %.12s (event %.12s): its author is "
		        "not the event's actor at its time: the commit was "
		        "re-created",
		        hex, ev.id);
	else if (!same_signature(git_commit_committer(c), committer))
		problem(p,
		        "history: commit %.12s (event %.12s): its committer is "
		        "not the event's actor when it was recorded: the "
		        "commit was re-created",
		        hex, ev.id);
	/* an event of a scope names it Scope:, and no incident */
	if (git_message_trailers(&tr, git_commit_message(c)) < 0 ||
	    (inc_t = trailer(&tr, inc_scope__is(ev.incident) ? "Scope"
	                                                     : "Incident")) ==
	            NULL ||
	    (inc_scope__is(ev.incident) && trailer(&tr, "Incident") != NULL) ||
	    (ev_t = trailer(&tr, "Event")) == NULL ||
	    strcmp(inc_t, ev.incident) != 0 || strcmp(ev_t, ev.id) != 0)
		problem(p,
		        "history: commit %.12s (event %.12s): its %s and "
		        "Event trailers do not name the event it adds: the "
		        "commit was re-created",
		        hex, ev.id,
		        inc_scope__is(ev.incident) ? "Scope" : "Incident");
done:
	inc_event__release(&ev);
	git_message_trailer_array_free(&tr);
	git_signature_free(author);
	git_signature_free(committer);
	git_blob_free(blob);
	return rc < 0 ? rc : 0;
}

struct merge_side {
	struct problems *p;
	git_tree *other;
	const char *hex;
	size_t bad;
};

/* What a merge has that one side lacks must be the other side's. */
static int
from_other_side(void *arg, git_delta_t st, const char *path,
                const git_tree_entry *e)
{
	struct merge_side *m = arg;
	git_tree_entry *oe = NULL;
	bool same;

	if (m->bad > 10)
		return 1; /* enough said about this one */
	if (st != GIT_DELTA_ADDED) {
		m->bad++;
		problem(m->p,
		        "history: merge %.12s removes or changes %s: a merge "
		        "only unites",
		        m->hex, path);
		return 1;
	}
	same = git_tree_entry_bypath(&oe, m->other, path) == 0 &&
	       git_oid_equal(git_tree_entry_id(oe), git_tree_entry_id(e));
	git_tree_entry_free(oe);
	if (same)
		return 1; /* the whole of it from the other side */
	if (git_tree_entry_type(e) == GIT_OBJECT_TREE)
		return 0; /* look inside */
	m->bad++;
	problem(m->p, "history: merge %.12s adds %s, which neither side has",
	        m->hex, path);
	return 1;
}

/*
 * A merge (sync's) is the union of its two sides: it removes and changes
 * nothing of either, and adds only what the other side has. Who made it
 * and its message are not checked; it carries no event of its own.
 */
static int
check_merge(struct problems *p, inc_store *s, git_commit *c, git_tree *tree)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_tree *side[2] = {NULL, NULL};
	int rc = 0;

	git_oid_tostr(hex, sizeof(hex), git_commit_id(c));
	for (unsigned i = 0; rc == 0 && i < 2; i++) {
		git_commit *pc = NULL;
		if ((rc = git_commit_parent(&pc, c, i)) == 0)
			rc = git_commit_tree(&side[i], pc);
		git_commit_free(pc);
	}
	for (unsigned i = 0; rc == 0 && i < 2; i++) {
		struct merge_side m = {p, side[1 - i], hex, 0};
		rc = tree_delta(s->repo, side[i], tree, "", from_other_side,
		                &m);
	}
	git_tree_free(side[0]);
	git_tree_free(side[1]);
	return rc;
}

/* Every commit the branch (and the tip this store wrote) reaches. */
static int
verify_commits(struct problems *p, inc_store *s, const struct asides *asides,
               const git_oid *tip, const git_oid *remembered, inc_error *err)
{
	git_revwalk *walk = NULL;
	git_oid oid;
	int rc;

	if ((rc = git_revwalk_new(&walk, s->repo)) < 0 ||
	    (rc = git_revwalk_push(walk, tip)) < 0)
		goto done;
	/* gone with a rewrite: said by the caller */
	if (remembered != NULL)
		git_revwalk_push(walk, remembered);
	while ((rc = git_revwalk_next(&oid, walk)) == 0) {
		git_commit *c = NULL, *parent = NULL;
		git_tree *tree = NULL, *ptree = NULL;
		unsigned n;

		if ((rc = git_commit_lookup(&c, s->repo, &oid)) < 0 ||
		    (rc = git_commit_tree(&tree, c)) < 0)
			goto next;
		n = git_commit_parentcount(c);
		if (n == 1 && ((rc = git_commit_parent(&parent, c, 0)) < 0 ||
		               (rc = git_commit_tree(&ptree, parent)) < 0))
			goto next;
		if (n <= 1)
			rc = check_event_commit(p, s, asides, c, tree, ptree);
		else if (n == 2)
			rc = check_merge(p, s, c, tree);
		else
			problem(p,
			        "history: commit %.12s has %u parents: "
			        "incident writes none such",
			        git_oid_tostr_s(&oid), n);
	next:
		git_tree_free(ptree);
		git_tree_free(tree);
		git_commit_free(parent);
		git_commit_free(c);
		if (rc < 0)
			break;
	}
	if (rc == GIT_ITEROVER)
		rc = 0;
done:
	git_revwalk_free(walk);
	return rc < 0 ? inc_audit__git_error(err, rc, s->audit_repo) : 0;
}

/* Whether the branch at tip (has_tip: there is one) contains commit. */
static bool
contains(inc_store *s, const git_oid *tip, bool has_tip, const git_oid *commit)
{
	return has_tip && (git_oid_equal(commit, tip) ||
	                   git_graph_descendant_of(s->repo, tip, commit) == 1);
}

/* The database against the history, both ways. */
static int
verify_git(struct problems *p, inc_verify_result *out, inc_store *s,
           inc_error *err)
{
	struct asides asides = {NULL, 0, 0};
	struct git_side g = {s, p, NULL, &asides, 0, 0, err};
	inc_event_list *events = NULL;
	int64_t mirrored = 0;
	git_oid tip, imported, written;
	bool has_tip, has_written;
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
	    !contains(s, &tip, has_tip, &imported))
		problem(p,
		        "history: the branch no longer contains commit %.12s, "
		        "imported earlier: it was rewritten",
		        hex);
	if ((ret = inc_store__meta_text(hex, sizeof(hex), s, "audit_tip",
	                                err)) < 0)
		return ret;
	has_written = hex[0] != '\0' && git_oid_fromstr(&written, hex) == 0;
	if (has_written && !contains(s, &tip, has_tip, &written))
		problem(p,
		        "history: the branch no longer contains commit %.12s, "
		        "the last this store wrote: it was rewritten",
		        hex);
	if ((ret = asides_load(&asides, s, err)) < 0 ||
	    (has_tip &&
	     (ret = verify_commits(p, s, &asides, &tip,
	                           has_written ? &written : NULL, err)) < 0) ||
	    (ret = inc_store__prepare(
	             &g.find, s, "SELECT 1 FROM events WHERE id = ?", err)) < 0)
		goto done;
	if (has_tip)
		ret = inc_audit__each_file(s, &tip, check_file, &g, err);
	sqlite3_finalize(g.find);
	out->quarantined = g.quarantined;
	out->newer = g.newer;
done:
	asides_free(&asides);
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

/*
 * What is pending goes to git first (a read-only store cannot send it);
 * whatever lag is left is a problem, with its cause.
 */
static int
catch_up(struct problems *p, size_t *mirrored, inc_store *s, inc_error *err)
{
	inc_error why = {0};
	size_t behind = 0, left;
	int ret = 0;

	*mirrored = 0;
	if (!s->readonly && inc_audit__behind_count(&behind, s, err) == 0 &&
	    behind > 0) {
		ret = inc_audit_flush(&left, s, &why);
		*mirrored = behind > left ? behind - left : 0;
	}
	if (inc_audit__behind_count(&left, s, err) < 0)
		return 0;
	if (left == 0) {
		/* nothing waits, but the next write would stop at it */
		char lock[4096];
		int64_t age;
		if (inc_audit__find_lock(lock, sizeof(lock), &age, s) &&
		    age >= INC_AUDIT_LOCK_GRACE) {
			inc_audit__lock_error(&why, lock, age);
			problem(p, "%s", why.message);
		}
		return 0;
	}
	problem(p, "the audit mirror is behind by %zu event%s: %s", left,
	        left == 1 ? "" : "s",
	        ret < 0       ? why.message
	        : s->readonly ? "the store is read-only here (a command "
	                        "that writes sends them)"
	                      : "they arrived while verify ran (verify "
	                        "again)");
	return 0;
}

int
inc_audit_verify(inc_verify_result *out, inc_store *s,
                 const inc_verify_opts *opts, inc_error *err)
{
	struct problems p = {NULL, 0, 0};
	int ret;

	memset(out, 0, sizeof(*out));
	if (inc_audit__enabled(s) &&
	    (ret = catch_up(&p, &out->mirrored, s, err)) < 0)
		goto done;
	if ((ret = verify_db(&p, s, &out->events, err)) < 0 ||
	    (ret = chain_head(out->head, s, err)) < 0)
		goto done;
	if (opts != NULL && opts->expect_head != NULL &&
	    (ret = expect_head(&p, s, opts->expect_head, out->head, err)) < 0)
		goto done;
	if (inc_audit__enabled(s))
		ret = verify_git(&p, out, s, err);
done:
	out->problems.strings = p.v;
	out->problems.count = p.n;
	if (ret < 0)
		inc_strarray_dispose(&out->problems);
	return ret;
}
