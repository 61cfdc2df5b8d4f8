/*
 * What the rest of the program needs to know of the audit mirror without
 * loading git: whether it is on, where, and how far it has got.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool
truthy(const char *v)
{
	return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
	                     strcmp(v, "on") == 0 || strcmp(v, "1") == 0);
}

/* Reads audit.* from config once; false when the mirror is off. */
bool
inc_audit__enabled(inc_store *s)
{
	const inc_config *cfg = NULL;
	inc_error ignored;
	const char *repo, *branch;

	if (s->audit_loaded)
		return s->audit_enabled;
	s->audit_loaded = true;
	if (inc_store_config(&cfg, s, &ignored) < 0)
		return false;
	s->audit_enabled = truthy(inc_config_get(cfg, "audit.enabled"));
	repo = inc_config_get(cfg, "audit.repo");
	branch = inc_config_get(cfg, "audit.branch");
	if (repo == NULL || *repo == '\0')
		s->audit_repo = inc_util__asprintf("%s/audit.git", s->dir);
	else if (repo[0] == '/')
		s->audit_repo = inc_util__strdup(repo);
	else
		s->audit_repo = inc_util__asprintf("%s/%s", s->dir, repo);
	s->audit_ref = inc_util__asprintf(
	        "refs/heads/%s",
	        branch != NULL && *branch != '\0' ? branch : "incidents");
	if (s->audit_repo == NULL || s->audit_ref == NULL)
		s->audit_enabled = false;
	return s->audit_enabled;
}

const char *
inc_audit_repo(inc_store *s)
{
	return inc_audit__enabled(s) ? s->audit_repo : NULL;
}

/* How many local events arrived after seq (imported ones are in git). */
int
inc_audit__pending(int64_t *out, inc_store *s, int64_t seq, inc_error *err)
{
	sqlite3_stmt *st;
	int rc, ret;

	ret = inc_store__prepare(&st, s,
	                         "SELECT count(*) FROM events WHERE seq > ? "
	                         "AND (imported = 0 OR " INC_MIRROR_IMPORTED
	                         ")",
	                         err);
	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, seq);
	rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0
	                        : inc_error__sqlite(err, s->db, rc, "count");
}

int
inc_audit_marks(int64_t *mirrored, int64_t *pushed, inc_store *s,
                inc_error *err)
{
	int ret;

	*mirrored = *pushed = 0;
	if (!inc_audit__enabled(s))
		return 0;
	if ((ret = inc_store__meta_int(mirrored, s, "mirrored_seq", err)) < 0)
		return ret;
	return inc_store__meta_int(pushed, s, "pushed_seq", err);
}

static bool
seq_covered(inc_store *s, const inc_event *ev, const char *key)
{
	int64_t upto = 0;

	if (!inc_audit__enabled(s) ||
	    inc_store__meta_int(&upto, s, key, NULL) < 0)
		return false;
	return ev->seq <= upto || inc_event__imported(s, ev->seq);
}

bool
inc_event_mirrored(inc_store *s, const inc_event *ev)
{
	return seq_covered(s, ev, "mirrored_seq");
}

bool
inc_event_pushed(inc_store *s, const inc_event *ev)
{
	return seq_covered(s, ev, "pushed_seq");
}

int
inc_incident_audit(inc_audit_counts *out, inc_store *s, const char *id,
                   inc_error *err)
{
	const inc_config *cfg = NULL;
	int64_t mirrored, pushed;
	sqlite3_stmt *st;
	int rc, ret;

	memset(out, 0, sizeof(*out));
	if (!inc_audit__enabled(s))
		return 0;
	out->enabled = true;
	if ((ret = inc_store_config(&cfg, s, err)) < 0)
		return ret;
	out->has_remote = inc_config_get(cfg, "sync.remote") != NULL;
	if ((ret = inc_audit_marks(&mirrored, &pushed, s, err)) < 0)
		return ret;
	ret = inc_store__prepare(
	        &st, s,
	        "SELECT count(*), coalesce(sum(imported OR seq <= ?1), 0), "
	        "coalesce(sum(imported OR seq <= ?2), 0) FROM events "
	        "WHERE incident = ?3",
	        err);
	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, mirrored);
	sqlite3_bind_int64(st, 2, pushed);
	sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->events = (size_t)sqlite3_column_int64(st, 0);
		out->mirrored = (size_t)sqlite3_column_int64(st, 1);
		out->pushed = (size_t)sqlite3_column_int64(st, 2);
	} else {
		ret = inc_error__sqlite(err, s->db, rc, "audit status");
	}
	sqlite3_finalize(st);
	return ret;
}

int
inc_audit__behind(int64_t *out, inc_store *s, inc_error *err)
{
	int64_t mirrored = 0;
	int ret;

	*out = 0;
	if (!inc_audit__enabled(s) || s->readonly)
		return 0;
	if ((ret = inc_store__meta_int(&mirrored, s, "mirrored_seq", err)) < 0)
		return ret;
	return inc_audit__pending(out, s, mirrored, err);
}

int
inc_audit__behind_count(size_t *out, inc_store *s, inc_error *err)
{
	int64_t mirrored = 0, n = 0;
	int ret;

	*out = 0;
	if (!inc_audit__enabled(s))
		return 0;
	if ((ret = inc_store__meta_int(&mirrored, s, "mirrored_seq", err)) <
	            0 ||
	    (ret = inc_audit__pending(&n, s, mirrored, err)) < 0)
		return ret;
	*out = n > 0 ? (size_t)n : 0;
	return 0;
}

int
inc_audit_enable(inc_store *s, const char *remote, inc_error *err)
{
	const inc_config *cfg;
	int ret;

	if (!inc_audit__enabled(s)) {
		ret = inc_config__store_set(s->dir, "audit", "enabled", "true",
		                            err);
		if (ret < 0)
			return ret;
	}
	if (remote != NULL) {
		if ((ret = inc_text_check(remote, 1000, "the remote", err)) < 0)
			return ret;
		if ((ret = inc_config__store_set(s->dir, "sync", "remote",
		                                 remote, err)) < 0)
			return ret;
	}
	/* read the config again */
	inc_config_free(s->config);
	s->config = NULL;
	free(s->audit_repo);
	free(s->audit_ref);
	s->audit_repo = s->audit_ref = NULL;
	s->audit_loaded = false;
	if ((ret = inc_store_config(&cfg, s, err)) < 0)
		return ret;
	if (!inc_audit__enabled(s))
		return inc_error_set(
		        err, INC_ERROR,
		        "audit.enabled is set to false in a config "
		        "file that wins over the store's");
	return 0;
}

int
inc_audit_pending(size_t *out, inc_store *s, inc_error *err)
{
	int64_t n = 0;
	int ret = inc_audit__behind(&n, s, err);

	*out = ret == 0 && n > 0 ? (size_t)n : 0;
	return ret;
}

/*
 * "incidents/7f/7fk2q.../events/0000000012-<replica>-<id>.json"; an
 * event of a scope: "scopes/rota/db/events/0000000012-<replica>-<id>.json"
 */
void
inc_audit__path(char *out, size_t len, const inc_event *ev)
{
	char kind[INC_SCOPE_MAX + 1];
	const char *name = NULL;

	if (inc_scope__is(ev->incident) &&
	    inc_scope__parse(ev->incident, kind, &name) != INC_EINVALID) {
		snprintf(out, len, "scopes/%s/%s/events/%010lld-%s-%s.json",
		         kind, name, (long long)ev->lamport, ev->replica,
		         ev->id);
		return;
	}
	snprintf(out, len, "incidents/%.2s/%s/events/%010lld-%s-%s.json",
	         ev->incident, ev->incident, (long long)ev->lamport,
	         ev->replica, ev->id);
}
