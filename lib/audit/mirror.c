/*
 * The audit mirror: every event becomes one commit on the audit branch of
 * a git repository, written in-process with libgit2 (no work tree, no git
 * binary). One immutable file per event,
 *   incidents/<shard>/<incident id>/events/<lamport>-<replica>-<event id>.json
 * (an event of a scope: scopes/<kind>/<name>/events/...), so merges are
 * unions. SQLite stays the write-ahead: events it holds past
 * meta.mirrored_seq are pending and go out with the next write.
 *
 * Only commands that write to or sync the mirror reach this file, and only
 * then is libgit2 initialised (it costs milliseconds).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "internal.h"

/* tries at the compare-and-swap; a held lock is waited 100 ms a try */
#define CAS_TRIES 20
#define LOCK_WAITS 30
#define SUBJECT_MAX 120

/*
 * Writes the tree of parent (may be NULL) with blob at path: only the
 * trees along the path are rewritten, never an index of the whole tree.
 */
static int
tree_with(git_oid *out, git_repository *repo, git_tree *parent,
          const char *path, const git_oid *blob, git_filemode_t mode)
{
	const char *slash = strchr(path, '/');
	git_treebuilder *bld = NULL;
	git_tree_entry *entry = NULL;
	git_tree *sub = NULL;
	git_oid child;
	char name[256];
	int rc;

	if ((rc = git_treebuilder_new(&bld, repo, parent)) < 0)
		return rc;
	if (slash == NULL) {
		rc = git_treebuilder_insert(NULL, bld, path, blob, mode);
		goto write;
	}
	snprintf(name, sizeof(name), "%.*s", (int)(slash - path), path);
	if (parent != NULL &&
	    git_tree_entry_bypath(&entry, parent, name) == 0 &&
	    git_tree_entry_type(entry) == GIT_OBJECT_TREE &&
	    (rc = git_tree_lookup(&sub, repo, git_tree_entry_id(entry))) < 0)
		goto done;
	if ((rc = tree_with(&child, repo, sub, slash + 1, blob, mode)) < 0)
		goto done;
	rc = git_treebuilder_insert(NULL, bld, name, &child, GIT_FILEMODE_TREE);
write:
	if (rc == 0)
		rc = git_treebuilder_write(out, bld);
done:
	git_tree_free(sub);
	git_tree_entry_free(entry);
	git_treebuilder_free(bld);
	return rc;
}

/*
 * A part of a signature as git keeps it: the one sanitiser (git log
 * prints it on a terminal), no angle brackets (git refuses them inside
 * the parts) and no blanks around it (git trims them). NULL: no memory.
 */
static char *
clean_part(const char *text)
{
	char *c = inc_text_sanitize(text, false), *p, *end;
	size_t lead;

	if (c == NULL)
		return NULL;
	for (p = c; *p; p++)
		if (*p == '<' || *p == '>')
			*p = ' ';
	lead = strspn(c, " \t\n\v\f\r");
	memmove(c, c + lead, strlen(c + lead) + 1);
	end = c + strlen(c);
	while (end > c && strchr(" \t\n\v\f\r", end[-1]) != NULL)
		*--end = '\0';
	return c;
}

/* An address for an actor known by name only (.invalid never resolves). */
static void
invalid_email(char *email, size_t len, const char *name)
{
	size_t o = 0;

	for (const char *p = name; *p && o < len - 20; p++)
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_')
			email[o++] = *p;
	snprintf(email + o, len - o, "%s@incident.invalid",
	         o == 0 ? "unknown" : "");
}

/*
 * "Name <email>" into a signature at time t. Any valid actor makes one
 * git takes, the same every time (verify.c recomputes it to check each
 * commit's author): a name that cleans to nothing is the whole actor
 * cleaned, else "unknown"; an address that does is made from the name.
 */
int
inc_audit__actor_signature(git_signature **out, const char *actor, int64_t t)
{
	char name[256], email[256] = "";
	const char *lt = strstr(actor, " <");
	char *n = NULL, *e = NULL;
	int rc = -1;

	if (lt != NULL && lt[strlen(lt) - 1] == '>') {
		snprintf(name, sizeof(name), "%.*s", (int)(lt - actor), actor);
		snprintf(email, sizeof(email), "%.*s", (int)strlen(lt) - 3,
		         lt + 2);
	} else {
		snprintf(name, sizeof(name), "%s", *actor ? actor : "unknown");
	}
	if ((n = clean_part(name)) == NULL)
		goto done;
	if (*n == '\0') {
		free(n);
		if ((n = clean_part(actor)) == NULL)
			goto done;
	}
	if ((e = clean_part(email)) == NULL)
		goto done;
	if (*e == '\0') {
		/* from the name as given, as it always was */
		invalid_email(email, sizeof(email), name);
		free(e);
		if ((e = clean_part(email)) == NULL)
			goto done;
	}
	rc = git_signature_new(out, *n ? n : "unknown", e, (git_time_t)t, 0);
done:
	free(n);
	free(e);
	return rc;
}

/* A name and an address (from config) into a signature at time t. */
int
inc_audit__signature(git_signature **out, const char *name, const char *email,
                     int64_t t)
{
	char *n = clean_part(name);
	char *e = clean_part(email);
	char made[256];
	int rc = -1;

	if (n != NULL && e != NULL) {
		if (*e == '\0')
			invalid_email(made, sizeof(made), *n ? n : "unknown");
		rc = git_signature_new(out, *n ? n : "unknown", *e ? e : made,
		                       (git_time_t)t, 0);
	}
	free(n);
	free(e);
	return rc;
}

/* The subject cut to SUBJECT_MAX bytes, whole characters only. */
static void
cut_subject(char *what)
{
	if (what != NULL && strlen(what) > SUBJECT_MAX) {
		size_t n = SUBJECT_MAX;
		while (n > 0 && ((unsigned char)what[n] & 0xc0) == 0x80)
			n--;
		what[n] = '\0';
	}
}

/*
 * An event of a scope: "override_added rota:db: alice from ... until
 * ..." with the trailers Scope: and Event: (no incident, no state).
 */
static char *
scope_message(inc_store *s, const inc_event *ev)
{
	char *raw = inc_event_describe(s, ev), *what, *msg, *safe = NULL;

	for (char *p = raw; p != NULL && *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	what = raw != NULL ? inc_text_sanitize(raw, false) : NULL;
	cut_subject(what);
	msg = inc_util__asprintf(
	        "%s %s%s%s\n\nScope: %s\nEvent: %s\n", ev->kind, ev->incident,
	        what != NULL && *what ? ": " : "", what != NULL ? what : "",
	        ev->incident, ev->id);
	if (msg != NULL)
		safe = inc_text_sanitize(msg, true);
	free(raw);
	free(what);
	free(msg);
	return safe;
}

/*
 * "escalated 7fk2q: level 2 to db-oncall — API 5xx spike" and the
 * trailers that make git log --grep work.
 */
static char *
message(inc_store *s, const inc_event *ev, const cJSON *doc)
{
	char short_id[INC_ID_LEN + 1];
	char *raw, *what, *title, *msg;
	const char *t = inc_json__str(doc, "title");
	inc_error ignored;

	if (inc_scope__is(ev->incident))
		return scope_message(s, ev);
	raw = inc_event_describe(s, ev);
	if (inc_id_short(short_id, s, ev->incident, &ignored) < 0)
		snprintf(short_id, sizeof(short_id), "%.5s", ev->incident);
	/* the subject is one line, cut whole characters only */
	for (char *p = raw; p != NULL && *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	/* git log shows it on a terminal: the one sanitiser, as for ours */
	what = raw != NULL ? inc_text_sanitize(raw, false) : NULL;
	title = inc_text_sanitize(t != NULL ? t : "", false);
	if (what != NULL && strlen(what) > SUBJECT_MAX) {
		size_t n = SUBJECT_MAX;
		while (n > 0 && ((unsigned char)what[n] & 0xc0) == 0x80)
			n--;
		what[n] = '\0';
	}
	msg = inc_util__asprintf(
	        "%s %s%s%.*s%s%s\n\nIncident: %s\nEvent: %s\nSeverity: %s\n"
	        "Status: %s\n",
	        ev->kind, short_id, what != NULL && *what ? ": " : "",
	        SUBJECT_MAX, what != NULL ? what : "",
	        strcmp(ev->kind, "opened") == 0 ? "" : " \xe2\x80\x94 ",
	        strcmp(ev->kind, "opened") == 0 ? "" : (title ? title : "?"),
	        ev->incident, ev->id,
	        inc_severity_name(s, inc_doc__int(doc, "severity")),
	        inc_json__str(doc, "status"));
	free(raw);
	free(what);
	free(title);
	/* the trailers too: an id or a severity name from elsewhere */
	if (msg != NULL) {
		char *safe = inc_text_sanitize(msg, true);
		free(msg);
		msg = safe;
	}
	return msg;
}

/*
 * The branch is locked: INC_EBUSY while the lock is young enough to be a
 * live writer's (we hold the store's write lock, so it is not one of
 * ours), else the stale lock named with its age. No lock found any more:
 * it went meanwhile, try again.
 */
static int
locked(bool *held, inc_store *s, inc_error *err)
{
	char lock[4096];
	int64_t age;

	*held = true;
	if (!inc_audit__find_lock(lock, sizeof(lock), &age, s))
		return inc_error_set(err, INC_EBUSY,
		                     "%s: the audit branch was locked",
		                     s->audit_repo);
	if (age < INC_AUDIT_LOCK_GRACE)
		return inc_error_set(err, INC_EBUSY,
		                     "%s: locked by another git writer", lock);
	return inc_audit__lock_error(err, lock, age);
}

/* One commit for ev on top of *tip (updated); skipped if already there. */
static int
commit_event(git_oid *tip, bool *has_tip, inc_store *s, const inc_event *ev,
             const cJSON *doc, bool *held, inc_error *err)
{
	git_commit *parent = NULL;
	git_tree *parent_tree = NULL, *tree = NULL;
	git_tree_entry *existing = NULL;
	git_signature *author = NULL, *committer = NULL;
	git_reference *ref = NULL;
	git_oid blob, tree_id, commit_id;
	char path[256], *file = inc_audit__file(ev), *msg = NULL;
	int rc = 0, ret = 0;

	inc_audit__path(path, sizeof(path), ev);
	if (file == NULL)
		return inc_error__nomem(err);
	if (*has_tip && ((rc = git_commit_lookup(&parent, s->repo, tip)) < 0 ||
	                 (rc = git_commit_tree(&parent_tree, parent)) < 0))
		goto done;
	/* already mirrored by a run that died before it could say so */
	if (parent_tree != NULL &&
	    git_tree_entry_bypath(&existing, parent_tree, path) == 0)
		goto done;
	if ((rc = git_blob_create_from_buffer(&blob, s->repo, file,
	                                      strlen(file))) < 0 ||
	    (rc = tree_with(&tree_id, s->repo, parent_tree, path, &blob,
	                    GIT_FILEMODE_BLOB)) < 0 ||
	    (rc = git_tree_lookup(&tree, s->repo, &tree_id)) < 0 ||
	    (rc = inc_audit__actor_signature(&author, ev->actor, ev->at)) < 0 ||
	    (rc = inc_audit__actor_signature(&committer, ev->actor,
	                                     ev->recorded_at)) < 0)
		goto done;
	if ((msg = message(s, ev, doc)) == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	rc = git_commit_create(&commit_id, s->repo, NULL, author, committer,
	                       "UTF-8", msg, tree, parent != NULL ? 1 : 0,
	                       (const git_commit **)&parent);
	if (rc < 0)
		goto done;
	/* compare-and-swap: only if the branch is still where we built on */
	rc = git_reference_create_matching(&ref, s->repo, s->audit_ref,
	                                   &commit_id, *has_tip ? 1 : 0,
	                                   *has_tip ? tip : NULL, ev->kind);
	if (rc == 0) {
		git_oid_cpy(tip, &commit_id);
		*has_tip = true;
		s->audit_written += 7;
		ret = inc_audit__remember_tip(s, tip, err);
	}
done:
	if (rc == GIT_ELOCKED && ret == 0)
		ret = locked(held, s, err);
	else if (rc < 0 && ret == 0)
		ret = rc == GIT_EMODIFIED || rc == GIT_EEXISTS
		              ? INC_EBUSY
		              : inc_audit__git_error(err, rc, s->audit_repo);
	git_reference_free(ref);
	git_signature_free(author);
	git_signature_free(committer);
	git_tree_entry_free(existing);
	git_tree_free(tree);
	git_tree_free(parent_tree);
	git_commit_free(parent);
	free(msg);
	free(file);
	return ret;
}

/* The incident as it stood right after ev, in total order. */
static int
state_after(cJSON **out, inc_store *s, const inc_event *ev, inc_error *err)
{
	inc_event_list *list;
	size_t n = 0;
	int ret;

	*out = NULL;
	if (inc_scope__is(ev->incident))
		return 0; /* a scope has no state: its commit says none */
	if ((ret = inc_event__load(&list, s, ev->incident, err)) < 0)
		return ret;
	while (n < list->n && inc_event__compare(&list->events[n], ev) <= 0)
		n++;
	*out = inc_fold__events(ev->incident, list->events, n);
	inc_event_list_free(list);
	return *out != NULL ? 0 : inc_error__nomem(err);
}

/* The events past mirrored_seq, in arrival order. */
static int
pending(inc_event_list **out, inc_store *s, int64_t after, inc_error *err)
{
	return inc_event__load_after(out, s, after, err);
}

int
inc_audit_flush(size_t *behind, inc_store *s, inc_error *err)
{
	inc_event_list *events = NULL;
	int64_t mirrored = 0, last = 0;
	const struct timespec lock_wait = {0, 100 * 1000 * 1000};
	bool has_tip = false, held;
	git_oid tip;
	size_t done_n = 0;
	int ret;

	if (behind != NULL)
		*behind = 0;
	if ((ret = inc_audit__behind(&last, s, err)) < 0 || last == 0)
		return ret;
	if (behind != NULL)
		*behind = (size_t)last;
	if ((ret = inc_audit__open(s, false, err)) < 0)
		return ret;
	/* one mirroring process at a time: the store's write lock */
	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	if ((ret = inc_store__meta_int(&mirrored, s, "mirrored_seq", err)) <
	            0 ||
	    (ret = pending(&events, s, mirrored, err)) < 0)
		goto done;
	for (size_t i = 0; i < events->n; i++) {
		const inc_event *ev = &events->events[i];
		cJSON *doc = NULL;

		/* the state right after this event, for the trailers */
		if ((ret = state_after(&doc, s, ev, err)) < 0)
			break;
		for (int tries = 0, waits = 0; tries < CAS_TRIES; tries++) {
			if ((ret = inc_audit__tip(&tip, &has_tip, s, err)) < 0)
				break;
			held = false;
			ret = commit_event(&tip, &has_tip, s, ev, doc, &held,
			                   err);
			if (ret != INC_EBUSY)
				break;
			if (held && waits++ < LOCK_WAITS) {
				/* a live writer holds it for milliseconds */
				nanosleep(&lock_wait, NULL);
				tries--;
				continue;
			}
			if (held)
				break; /* still held by a live writer: said */
			ret = inc_error_set(err, INC_EBUSY,
			                    "%s: the audit branch keeps moving",
			                    s->audit_repo);
		}
		cJSON_Delete(doc);
		if (ret < 0)
			break;
		if ((ret = inc_store__meta_set_int(s, "mirrored_seq", ev->seq,
		                                   err)) < 0)
			break;
		done_n++;
	}
	/* whatever was mirrored is recorded, even when a later one failed */
	if (done_n > 0) {
		inc_error keep = err != NULL ? *err : (inc_error){0};
		int cret = inc_store__commit(s, err);
		if (ret == 0)
			ret = cret;
		else if (err != NULL)
			*err = keep;
	}
	if (behind != NULL)
		*behind = events->n - done_n;
	if (ret == 0)
		ret = inc_audit__maybe_gc(s, err);
done:
	inc_store__rollback(s);
	inc_event_list_free(events);
	return ret;
}

int
inc_audit_init(inc_store *s, inc_error *err)
{
	bool fresh;
	int ret;

	if (!inc_audit__enabled(s))
		return inc_error_set(err, INC_ERROR,
		                     "the audit mirror is off (incident init "
		                     "--git switches it on)");
	fresh = access(s->audit_repo, F_OK) < 0;
	if ((ret = inc_audit__open(s, true, err)) < 0)
		return ret;
	/* a new history gets every event, imported ones too */
	if (fresh &&
	    ((ret = inc_store__meta_set_int(s, "mirrored_seq", 0, err)) < 0 ||
	     (ret = inc_store__meta_set(s, "imported_tip", "", err)) < 0 ||
	     (ret = inc_store__meta_set(s, "audit_tip", "", err)) < 0 ||
	     (ret = inc_store__meta_set_int(s, "mirror_imported", 1, err)) < 0))
		return ret;
	if ((ret = inc_audit_flush(NULL, s, err)) < 0)
		return ret;
	return fresh ? inc_store__meta_set_int(s, "mirror_imported", 0, err)
	             : 0;
}
