/*
 * Alerts inside incidents (issue 11): the alerts an incident keeps (the
 * fold's "alerts", from alert_fired and alert_resolved events), how often
 * each repeated (table alert_seen: a repeat is no change, so no event),
 * and the automatic step when the last of them resolves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const cJSON *
inc_alert__find(const cJSON *doc, const char *key)
{
	const cJSON *a;

	cJSON_ArrayForEach (a,
	                    cJSON_GetObjectItemCaseSensitive(doc, "alerts")) {
		const char *k = inc_json__str(a, "key");
		if (k != NULL && key != NULL && strcmp(k, key) == 0)
			return a;
	}
	return NULL;
}

bool
inc_alert__all_resolved(const cJSON *doc)
{
	const cJSON *alerts = cJSON_GetObjectItemCaseSensitive(doc, "alerts");
	const cJSON *a;

	if (cJSON_GetArraySize(alerts) == 0)
		return false;
	cJSON_ArrayForEach (a, alerts) {
		const char *st = inc_json__str(a, "state");
		if (st == NULL || strcmp(st, "resolved") != 0)
			return false;
	}
	return true;
}

int
inc_alert__repeat(inc_store *s, const char *incident, const char *key,
                  int64_t at, inc_error *err)
{
	static const char sql[] =
	        "INSERT INTO alert_seen(incident, key, repeats, last_seen_at) "
	        "VALUES(?1, ?2, 1, ?3) ON CONFLICT(incident, key) DO UPDATE "
	        "SET repeats = repeats + 1, "
	        "last_seen_at = max(last_seen_at, ?3)";
	sqlite3_stmt *st;
	int rc, ret;

	if ((ret = inc_store__cached(&st, s, sql, err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, incident, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, at);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return inc_error__sqlite(err, s->db, rc, "count a repeat");
	return 0;
}

/* config ingest.on-resolve: 0 resolve (default), 1 mitigate, 2 note */
static int
on_resolve(int *out, inc_store *s, inc_error *err)
{
	static const char *const modes[] = {"resolve", "mitigate", "note"};
	const inc_config *cfg = NULL;
	const char *v;
	int ret;

	*out = 0;
	if ((ret = inc_store_config(&cfg, s, err)) < 0)
		return ret;
	if ((v = inc_config_get(cfg, "ingest.on-resolve")) == NULL)
		return 0;
	for (int i = 0; i < 3; i++)
		if (strcmp(v, modes[i]) == 0) {
			*out = i;
			return 0;
		}
	return inc_error_set(err, INC_ERROR,
	                     "config ingest.on-resolve = '%.40s': not resolve, "
	                     "mitigate or note",
	                     v);
}

/* One automatic step: a payload of member key = text, "automatic". */
static int
step(inc_incident **cur, inc_store *s, const char *short_id, enum inc_action a,
     const char *key, const char *text, int64_t at, int64_t now, bool dry_run,
     inc_error *err)
{
	inc_change_opts o = INC_CHANGE_OPTS_INIT;
	cJSON *p = cJSON_CreateObject();
	int ret;

	if (p == NULL)
		return inc_error__nomem(err);
	cJSON_AddStringToObject(p, key, text);
	if (a != INC_ACTION_NOTE)
		cJSON_AddTrueToObject(p, "automatic");
	o.at = at;
	o.now = now;
	o.dry_run = dry_run;
	/* recorded_at is the clock's; at and o.now the world's */
	ret = inc_change__append(cur, s, short_id, a, &o, p, inc_time_now(),
	                         err);
	cJSON_Delete(p);
	return ret;
}

int
inc_alert__settle(inc_incident **cur, const char **did, inc_store *s,
                  const char *short_id, const char *why, int64_t at,
                  int64_t now, bool dry_run, inc_error *err)
{
	static const char *const after[] = {"acknowledged_at", "mitigated_at",
	                                    "opened_at"};
	enum inc_status st = inc_incident_status(*cur);
	char text[INC_TITLE_MAX + 300];
	inc_error refused = {0};
	int mode, ret;

	if (did != NULL)
		*did = "";
	if (!inc_status_active(st))
		return 0;
	if ((ret = on_resolve(&mode, s, err)) < 0)
		return ret;
	/* never before a milestone it has (a late end was clamped) */
	for (size_t i = 0; i < sizeof(after) / sizeof(*after); i++) {
		int64_t t = inc_doc__time((*cur)->doc, after[i]);
		if (t > at)
			at = t;
	}
	if (now != 0 && at > now)
		at = now;
	snprintf(text, sizeof(text), "%s", why != NULL ? why : "");
	if (mode == 0) {
		ret = step(cur, s, short_id, INC_ACTION_RESOLVE, "summary",
		           text, at, now, dry_run, &refused);
		if (ret == 0) {
			if (did != NULL)
				*did = "resolved";
			return 0;
		}
		/* refused (the state is still there): mitigate, saying why */
		if ((*cur)->doc == NULL ||
		    (ret != INC_EREFUSED && ret != INC_EINVALID)) {
			*err = refused;
			return ret;
		}
		snprintf(text, sizeof(text), "%s; not resolved: %s",
		         why != NULL ? why : "", refused.message);
		mode = 1;
	}
	if (mode == 1 && st != INC_STATUS_MITIGATED) {
		if ((ret = step(cur, s, short_id, INC_ACTION_MITIGATE, "note",
		                text, at, now, dry_run, err)) < 0)
			return ret;
		if (did != NULL)
			*did = "mitigated";
		return 0;
	}
	if ((ret = step(cur, s, short_id, INC_ACTION_NOTE, "text", text, at,
	                now, dry_run, err)) < 0)
		return ret;
	if (did != NULL)
		*did = "noted";
	return 0;
}

/* ---- reading: the incident a dedup key names, the alerts ---- */

int
inc_id_from_dedup(char out[INC_ID_LEN + 1], inc_store *s, const char *key,
                  inc_error *err)
{
	char hashed[INC_DEDUP_KEY_MAX + 1];
	int ret;

	out[0] = '\0';
	if (key == NULL || *key == '\0')
		return inc_error_set(err, INC_EINVALID,
		                     "the dedup key is empty");
	/* a long key is kept as its hash, as ingest keeps it; the active
	 * incident first, else the latest opened with it */
	inc_ingest__key(hashed, key);
	if ((ret = inc_change__find_dedup(out, s, hashed, false, err)) < 0 ||
	    (out[0] == '\0' &&
	     (ret = inc_change__find_dedup(out, s, hashed, true, err)) < 0))
		return ret;
	if (out[0] == '\0')
		return inc_error_set(err, INC_ENOTFOUND,
		                     "no incident has the dedup key '%.60s%s'",
		                     hashed, strlen(hashed) > 60 ? "..." : "");
	return 0;
}

/* Whether the store has the repeat counters (schema 3; a read-only open
 * reads a schema-2 store too). */
static bool
has_counters(inc_store *s)
{
	int64_t n = 0;

	return inc_store__query_int64(&n, s,
	                              "SELECT count(*) FROM sqlite_master "
	                              "WHERE type = 'table' AND "
	                              "name = 'alert_seen'",
	                              NULL) == 0 &&
	       n > 0;
}

static int
counters(int64_t *repeats, int64_t *last, inc_store *s, const char *id,
         const char *key, inc_error *err)
{
	static const char sql[] =
	        "SELECT repeats, last_seen_at FROM alert_seen "
	        "WHERE incident = ? AND key = ?";
	sqlite3_stmt *st;
	int rc, ret;

	*repeats = 0;
	*last = 0;
	if ((ret = inc_store__cached(&st, s, sql, err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*repeats = sqlite3_column_int64(st, 0);
		*last = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return inc_error__sqlite(err, s->db, rc, "alert counters");
	return 0;
}

static const char *const alert_keys[] = {
        "key",     "state",       "title",       "source",
        "labels",  "annotations", "links",       "starts_at",
        "ends_at", "fired_at",    "resolved_at", "note",
};

int
inc_alerts_json(char **out, inc_store *s, const char *prefix, inc_error *err)
{
	char id[INC_ID_LEN + 1], short_id[INC_ID_LEN + 1], buf[32];
	inc_incident *inc = NULL;
	cJSON *root = NULL, *arr;
	const cJSON *a;
	bool counted;
	int ret;

	*out = NULL;
	if ((ret = inc_id_resolve(id, s, prefix, err)) < 0 ||
	    (ret = inc_id_short(short_id, s, id, err)) < 0 ||
	    (ret = inc_incident__fold(&inc, s, id, err)) < 0)
		return ret;
	counted = has_counters(s);
	if ((root = cJSON_CreateObject()) == NULL)
		goto nomem;
	cJSON_AddNumberToObject(root, "format", INC_JSON_FORMAT);
	cJSON_AddStringToObject(root, "incident", id);
	cJSON_AddStringToObject(root, "short_id", short_id);
	cJSON_AddStringToObject(root, "title", inc_incident_title(inc));
	cJSON_AddStringToObject(root, "status",
	                        inc_status_name(inc_incident_status(inc)));
	if ((arr = cJSON_AddArrayToObject(root, "alerts")) == NULL)
		goto nomem;
	cJSON_ArrayForEach (
	        a, cJSON_GetObjectItemCaseSensitive(inc->doc, "alerts")) {
		cJSON *o = cJSON_CreateObject();
		int64_t repeats = 0, last = 0;

		if (o == NULL)
			goto nomem;
		cJSON_AddItemToArray(arr, o);
		for (size_t i = 0; i < sizeof(alert_keys) / sizeof(*alert_keys);
		     i++) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(
			        a, alert_keys[i]);
			cJSON_AddItemToObject(o, alert_keys[i],
			                      v != NULL
			                              ? cJSON_Duplicate(v, true)
			                              : cJSON_CreateNull());
		}
		if (counted &&
		    (ret = counters(&repeats, &last, s, id,
		                    inc_json__str(a, "key"), err)) < 0)
			goto done;
		cJSON_AddNumberToObject(o, "repeats", (double)repeats);
		if (last == 0)
			last = inc_doc__time(a, "fired_at");
		if (last != 0)
			cJSON_AddStringToObject(
			        o, "last_seen_at",
			        inc_time_rfc3339(buf, sizeof(buf), last));
		else
			cJSON_AddNullToObject(o, "last_seen_at");
	}
	if ((*out = cJSON_PrintUnformatted(root)) == NULL)
		goto nomem;
	ret = 0;
	goto done;
nomem:
	ret = inc_error__nomem(err);
done:
	cJSON_Delete(root);
	inc_incident_free(inc);
	return ret;
}
