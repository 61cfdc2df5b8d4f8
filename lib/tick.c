/*
 * incident tick: what is due is done once, however many ticks run at
 * once. Each active incident is decided and written in its own IMMEDIATE
 * transaction that folds its events again, so a second tick that waited
 * for the first sees the level the first one wrote and does nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char active_sql[] =
        "SELECT id, doc FROM incidents INDEXED BY incidents_active "
        "WHERE status IN ('open', 'triaged', 'investigating', 'mitigated') "
        "ORDER BY opened_at, id";

/*
 * Whether the stored projection says something may be due. It is written
 * in the transaction of every event, so it is the fold's; a record of an
 * older version, without the members of paging, only errs towards "may
 * be" (then the transaction decides). A bad policy is said later, in the
 * transaction.
 */
static bool
maybe_due(inc_store *s, const char *text, int64_t now)
{
	cJSON *doc = cJSON_Parse(text);
	struct inc_policy pol;
	enum inc_status st = INC_STATUS_OPEN;
	bool found = false, due = true;
	int64_t next, updated, reminded;

	if (doc == NULL)
		return true;
	(void)inc_status_parse(&st, inc_json__str(doc, "status"));
	if (inc_escalation__policy_of(&pol, &found, s, doc, NULL) < 0) {
		cJSON_Delete(doc);
		return true;
	}
	next = found ? inc_escalation__next_at(s, doc, &pol) : 0;
	updated = inc_doc__time(
	        cJSON_GetObjectItemCaseSensitive(doc, "last_update"), "at");
	reminded = inc_doc__time(doc, "update_reminded_at");
	due = (next != 0 && now >= next) ||
	      inc_severity_update_due(s, inc_doc__int(doc, "severity"), st,
	                              inc_doc__time(doc, "opened_at"),
	                              reminded > updated ? reminded : updated,
	                              now);
	cJSON_Delete(doc);
	return due;
}

/* The ids of the active incidents that may be due, oldest first. */
static int
active_ids(char (**out)[INC_ID_LEN + 1], size_t *n, inc_store *s, int64_t now,
           inc_error *err)
{
	char(*ids)[INC_ID_LEN + 1] = NULL, (*more)[INC_ID_LEN + 1];
	size_t cap = 0;
	sqlite3_stmt *st;
	int rc, ret;

	*out = NULL;
	*n = 0;
	if ((ret = inc_store__prepare(&st, s, active_sql, err)) < 0)
		return ret;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!maybe_due(s, (const char *)sqlite3_column_text(st, 1),
		               now))
			continue;
		if (*n == cap) {
			cap = cap != 0 ? cap * 2 : 64;
			if ((more = realloc(ids, cap * sizeof(*ids))) == NULL) {
				free(ids);
				sqlite3_finalize(st);
				return inc_error__nomem(err);
			}
			ids = more;
		}
		snprintf(ids[(*n)++], INC_ID_LEN + 1, "%s",
		         (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(ids);
		return inc_error__sqlite(err, s->db, rc, "list incidents");
	}
	*out = ids;
	return 0;
}

static cJSON *
action(cJSON *actions, const char *what, const cJSON *doc, const char *short_id)
{
	cJSON *a = cJSON_CreateObject();

	if (a == NULL)
		return NULL;
	cJSON_AddStringToObject(a, "action", what);
	cJSON_AddStringToObject(a, "incident", inc_json__str(doc, "id"));
	cJSON_AddStringToObject(a, "short_id", short_id);
	cJSON_AddItemToArray(actions, a);
	return a;
}

static int
maybe_escalate(cJSON *actions, inc_incident **cur, inc_store *s,
               const char *short_id, int64_t now, bool dry_run, inc_error *err)
{
	inc_change_opts o = INC_CHANGE_OPTS_INIT;
	const cJSON *doc = (*cur)->doc, *e;
	struct inc_policy pol;
	bool found = false;
	int64_t next;
	cJSON *a;
	int ret;

	if (inc_incident_status(*cur) != INC_STATUS_OPEN)
		return 0;
	if ((ret = inc_escalation__policy_of(&pol, &found, s, doc, err)) < 0 ||
	    !found)
		return ret;
	next = inc_escalation__next_at(s, doc, &pol);
	if (next == 0 || now < next)
		return 0;
	o.now = now;
	o.dry_run = dry_run;
	if ((ret = inc_change__apply(cur, s, short_id, INC_ACTION_ESCALATE, &o,
	                             inc_time_now(), err)) < 0)
		return ret;
	doc = (*cur)->doc;
	e = cJSON_GetObjectItemCaseSensitive(doc, "escalation");
	if ((a = action(actions, "escalated", doc, short_id)) == NULL)
		return inc_error__nomem(err);
	cJSON_AddNumberToObject(a, "level",
	                        inc_doc__int(doc, "escalation_level"));
	cJSON_AddNumberToObject(a, "top", inc_escalation__top(&pol));
	cJSON_AddStringToObject(a, "policy", pol.name);
	cJSON_AddNumberToObject(a, "step", inc_doc__int(e, "step"));
	cJSON_AddItemToObject(
	        a, "paged",
	        cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(e, "paged"),
	                        true));
	return 0;
}

static int
maybe_remind(cJSON *actions, inc_incident **cur, inc_store *s,
             const char *short_id, int64_t now, bool dry_run, inc_error *err)
{
	const cJSON *doc = (*cur)->doc;
	int sev = inc_doc__int(doc, "severity");
	int64_t updated = inc_doc__time(
	        cJSON_GetObjectItemCaseSensitive(doc, "last_update"), "at");
	int64_t reminded = inc_doc__time(doc, "update_reminded_at");
	int64_t cadence = inc_severity_update_cadence(s, sev);
	char buf[32];
	cJSON *p, *a;
	int ret;

	/* once a period: not again until a cadence after the last update
	 * or reminder */
	if (!inc_severity_update_due(s, sev, inc_incident_status(*cur),
	                             inc_doc__time(doc, "opened_at"),
	                             reminded > updated ? reminded : updated,
	                             now))
		return 0;
	if ((p = cJSON_CreateObject()) == NULL)
		return inc_error__nomem(err);
	cJSON_AddNumberToObject(p, "cadence", (double)cadence);
	if (updated != 0)
		cJSON_AddStringToObject(
		        p, "last_update_at",
		        inc_time_rfc3339(buf, sizeof(buf), updated));
	ret = inc_change__append_kind(cur, s, "update_due", p, now,
	                              inc_time_now(), dry_run, err);
	cJSON_Delete(p);
	if (ret < 0)
		return ret;
	doc = (*cur)->doc;
	if ((a = action(actions, "update_due", doc, short_id)) == NULL)
		return inc_error__nomem(err);
	cJSON_AddNumberToObject(a, "severity", sev);
	cJSON_AddStringToObject(a, "severity_name", inc_severity_name(s, sev));
	cJSON_AddNumberToObject(a, "cadence", (double)cadence);
	if (updated != 0)
		cJSON_AddStringToObject(
		        a, "last_update_at",
		        inc_time_rfc3339(buf, sizeof(buf), updated));
	else
		cJSON_AddNullToObject(a, "last_update_at");
	cJSON_AddStringToObject(a, "opened_at",
	                        inc_json__str(doc, "opened_at"));
	return 0;
}

/*
 * One incident, decided and written in one transaction. *began says
 * whether the transaction began: an error before it is the store's, one
 * after it is this incident's.
 */
static int
tick_one(cJSON *actions, bool *began, char short_id[INC_ID_LEN + 1],
         inc_store *s, const char *id, int64_t now, bool dry_run,
         inc_error *err)
{
	char full[INC_ID_LEN + 1];
	inc_incident *cur = NULL;
	int ret;

	*began = false;
	snprintf(short_id, INC_ID_LEN + 1, "%.*s", INC_SHORT_ID_MIN, id);
	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	*began = true;
	if ((ret = inc_change__load(&cur, full, short_id, s, id, err)) < 0)
		goto done;
	/* it may have ended since the list was read */
	if (!inc_status_active(inc_incident_status(cur)))
		goto done;
	if ((ret = maybe_escalate(actions, &cur, s, short_id, now, dry_run,
	                          err)) < 0 ||
	    (ret = maybe_remind(actions, &cur, s, short_id, now, dry_run,
	                        err)) < 0)
		goto done;
	if (!dry_run)
		ret = inc_store__commit(s, err);
done:
	inc_store__rollback(s);
	inc_incident_free(cur);
	return ret;
}

/* An incident that could not be ticked: said, and the walk goes on. */
static int
add_error(cJSON *errors, const char *id, const char *short_id,
          const inc_error *e)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		return -1;
	cJSON_AddStringToObject(o, "incident", id);
	cJSON_AddStringToObject(o, "short_id", short_id);
	cJSON_AddStringToObject(o, "error", e->message);
	cJSON_AddItemToArray(errors, o);
	return 0;
}

int
inc_tick(char **out, inc_store *s, const inc_tick_opts *o, inc_error *err)
{
	int64_t now = o->now != 0 ? o->now : inc_time_now();
	char(*ids)[INC_ID_LEN + 1] = NULL;
	cJSON *root = cJSON_CreateObject();
	cJSON *actions = cJSON_AddArrayToObject(root, "actions");
	cJSON *errors = cJSON_AddArrayToObject(root, "errors");
	size_t n = 0, failed = 0;
	inc_error first = {0};
	int ret;

	*out = NULL;
	if (root == NULL || actions == NULL || errors == NULL) {
		cJSON_Delete(root);
		return inc_error__nomem(err);
	}
	ret = active_ids(&ids, &n, s, now, err);
	/*
	 * One incident's error (a policy with a rota that is gone, a bad
	 * timeout) is that incident's: the newer ones are still ticked.
	 * Only the store's own (locked, read-only, damaged) ends the walk.
	 */
	for (size_t i = 0; ret == 0 && i < n; i++) {
		char short_id[INC_ID_LEN + 1];
		inc_error e = {0};
		bool began;

		if (tick_one(actions, &began, short_id, s, ids[i], now,
		             o->dry_run, &e) == 0)
			continue;
		if (!began || e.code == INC_ENOMEM || e.code == INC_EBUSY ||
		    e.code == INC_EREADONLY || e.code == INC_ECORRUPT) {
			*err = e;
			ret = e.code;
			break;
		}
		if (failed++ == 0)
			first = e;
		if (add_error(errors, ids[i], short_id, &e) < 0)
			ret = inc_error__nomem(err);
	}
	free(ids);
	/* then the heartbeats: an overdue one gets its incident */
	if (ret == 0)
		ret = inc_heartbeat__tick(actions, errors, &failed, &first, s,
		                          now, o->dry_run, err);
	if (ret == 0 && failed > 0)
		ret = inc_error_set(
		        err, INC_ERROR, "%zu incident%s not ticked%s%s", failed,
		        failed == 1 ? "" : "s", failed == 1 ? ": " : "",
		        failed == 1 ? first.message : "");
	*out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (*out == NULL && ret == 0)
		ret = inc_error__nomem(err);
	return ret;
}
