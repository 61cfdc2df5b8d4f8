/*
 * Change events: a deploy, a config push, a feature flag, recorded so
 * that an incident's page shows what changed on its services before it
 * ("what changed before this?"). A change is a change_recorded event on
 * the scope change:<service> (scope.c), from PagerDuty's change events
 * (/v2/change/enqueue, through ingest) or by hand (incident changes add).
 * The event's time is when the change happened; the events of one
 * service are one range of the index events_incident.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SUMMARY_MAX 1024 /* PagerDuty's limit */
#define WINDOW_DEFAULT (6 * 3600)
#define NAME_RULE                                                              \
	"letters, digits, '.', '_' and '-', starting with a letter or a "      \
	"digit, at most 64 bytes"

static int
service_check(const char *service, inc_error *err)
{
	if (service == NULL || *service == '\0')
		return inc_error_set(err, INC_EINVALID,
		                     "a change needs a service");
	if (!inc_scope__name_ok(service))
		return inc_error_set(err, INC_EINVALID,
		                     "service '%.60s': not a service name for "
		                     "changes (%s)",
		                     service, NAME_RULE);
	return 0;
}

static void
add_time(cJSON *o, const char *key, int64_t t)
{
	char buf[32];

	cJSON_AddStringToObject(o, key, inc_time_rfc3339(buf, sizeof(buf), t));
}

/* Appends the change in the caller's write transaction (or checks it). */
static int
record(char id[65], inc_store *s, const char *service, cJSON *p, int64_t at,
       int64_t recorded, bool dry_run, inc_error *err)
{
	inc_event ev = {0};
	int ret;

	snprintf(ev.incident, sizeof(ev.incident), "change:%s", service);
	snprintf(ev.kind, sizeof(ev.kind), "change_recorded");
	snprintf(ev.replica, sizeof(ev.replica), "%s", s->replica);
	ev.at = at;
	ev.recorded_at = recorded;
	ev.actor = s->actor != NULL ? s->actor : "unknown";
	ev.payload = p;
	id[0] = '\0';
	/* the one validator, as the append would hold it, dry run or not */
	if ((ret = inc_kind__check("change_recorded", p, err)) < 0)
		return ret == INC_ENEWER ? INC_EINVALID : ret;
	if (dry_run)
		return 0;
	if ((ret = inc_store__append(s, &ev, err)) < 0)
		return ret;
	snprintf(id, 65, "%s", ev.id);
	return 0;
}

int
inc_changes_add(char id[65], inc_store *s, const char *service,
                const char *summary, const char *source, int64_t at,
                int64_t now, inc_error *err)
{
	int64_t recorded = inc_time_now();
	cJSON *p;
	int ret;

	if (now == 0 || now > recorded)
		now = recorded;
	if ((ret = service_check(service, err)) < 0)
		return ret;
	if (summary == NULL || summary[strspn(summary, " \t\r\n")] == '\0')
		return inc_error_set(err, INC_EINVALID,
		                     "a change needs a summary");
	if (strlen(summary) > SUMMARY_MAX)
		return inc_error_set(err, INC_EINVALID,
		                     "summary: longer than %d bytes",
		                     SUMMARY_MAX);
	if (at > now)
		return inc_error_set(err, INC_EINVALID,
		                     "--at: a change cannot happen after now");
	if (at < 0)
		return inc_error_set(err, INC_EINVALID, "a time out of range");
	if ((p = cJSON_CreateObject()) == NULL)
		return inc_error__nomem(err);
	cJSON_AddStringToObject(p, "summary", summary);
	cJSON_AddStringToObject(p, "service", service);
	if (source != NULL && *source != '\0')
		cJSON_AddStringToObject(p, "source", source);
	if (at != 0)
		add_time(p, "at", at);
	if ((ret = inc_store__begin(s, err)) < 0) {
		cJSON_Delete(p);
		return ret;
	}
	if ((ret = record(id, s, service, p, at != 0 ? at : now, recorded,
	                  false, err)) < 0 ||
	    (ret = inc_store__commit(s, err)) < 0)
		inc_store__rollback(s);
	cJSON_Delete(p);
	return ret;
}

/* ---- PagerDuty's change events ---- */

static int
bad(inc_error *err, const char *what)
{
	return inc_error_set(err, INC_EINVALID, "change event: %s", what);
}

/*
 * A time as senders write it: RFC 3339 (fractions too), epoch s or ms.
 * Never the forms of the command line ("14:02", "2026-11-03 08:40",
 * "10m ago"): without a zone, another machine's time would be read in
 * this one's.
 */
static int
sender_time(int64_t *out, const cJSON *v)
{
	int64_t n;

	if (cJSON_IsNumber(v)) {
		if (inc_json__number(&n, v, 0, INC_JSON_INT_MAX) < 0)
			return -1;
		/* after 5138 in seconds is milliseconds */
		*out = n > 99999999999LL ? n / 1000 : n;
		return *out <= INC_TIME_MAX ? 0 : -1;
	}
	if (!cJSON_IsString(v))
		return -1;
	if (inc_time_from_rfc3339(out, v->valuestring) < 0)
		return -1;
	return *out >= 0 && *out <= INC_TIME_MAX ? 0 : -1;
}

static int
links_copy(cJSON *p, const cJSON *links, inc_error *err)
{
	const cJSON *l;
	cJSON *arr;

	if (links == NULL || cJSON_IsNull(links))
		return 0;
	if (!cJSON_IsArray(links))
		return bad(err, "links: not an array");
	if ((arr = cJSON_AddArrayToObject(p, "links")) == NULL)
		return inc_error__nomem(err);
	cJSON_ArrayForEach (l, links) {
		const char *href = inc_json__str(l, "href");
		const char *text = inc_json__str(l, "text");
		cJSON *o;

		if (!cJSON_IsObject(l) || href == NULL || *href == '\0')
			return bad(err, "links: each one is {\"href\": "
			                "\"...\", \"text\": \"...\"}");
		if ((o = cJSON_CreateObject()) == NULL)
			return inc_error__nomem(err);
		cJSON_AddStringToObject(o, "href", href);
		if (text != NULL && *text != '\0')
			cJSON_AddStringToObject(o, "text", text);
		cJSON_AddItemToArray(arr, o);
	}
	return 0;
}

int
inc_changes__ingest(cJSON *results, inc_store *s, const cJSON *root,
                    int64_t now, bool dry_run, inc_error *err)
{
	const cJSON *payload, *details, *v;
	const char *summary, *source, *service = NULL;
	char id[65], buf[INC_SCOPE_MAX + 1], note[128] = "";
	int64_t recorded = inc_time_now(), at;
	cJSON *p, *res;
	int ret;

	if (now == 0 || now > recorded)
		now = recorded;
	at = now;
	if (!cJSON_IsObject(root))
		return bad(err, "not a JSON object");
	v = cJSON_GetObjectItemCaseSensitive(root, "routing_key");
	if (v != NULL && !cJSON_IsString(v))
		return bad(err, "routing_key: not a string");
	payload = cJSON_GetObjectItemCaseSensitive(root, "payload");
	if (!cJSON_IsObject(payload))
		return bad(err, "payload: missing, or not an object");
	if ((summary = inc_json__str(payload, "summary")) == NULL ||
	    summary[strspn(summary, " \t\r\n")] == '\0')
		return bad(err, "payload.summary: missing, or empty");
	if (strlen(summary) > SUMMARY_MAX)
		return bad(err, "payload.summary: longer than 1024 bytes");
	v = cJSON_GetObjectItemCaseSensitive(payload, "source");
	if (v != NULL && !cJSON_IsNull(v) && !cJSON_IsString(v))
		return bad(err, "payload.source: not a string");
	source = inc_json__str(payload, "source");
	details = cJSON_GetObjectItemCaseSensitive(payload, "custom_details");
	/* the service: custom_details.service, else the source */
	if (cJSON_IsObject(details))
		service = inc_json__str(details, "service");
	if (service == NULL)
		service = source;
	if (service == NULL)
		return bad(err, "no service (payload.custom_details.service "
		                "or payload.source)");
	if ((ret = service_check(service, err)) < 0)
		return ret;
	v = cJSON_GetObjectItemCaseSensitive(payload, "timestamp");
	if (v != NULL && !cJSON_IsNull(v)) {
		if (sender_time(&at, v) < 0)
			return bad(err, "payload.timestamp: not a time "
			                "(RFC 3339, or epoch seconds or "
			                "milliseconds)");
		/* a sender's clock ahead of ours: now, and said so */
		if (at > now) {
			char t[32];
			snprintf(note, sizeof(note),
			         "timestamp %s was ahead of now by %llds: "
			         "clamped",
			         inc_time_rfc3339(t, sizeof(t), at),
			         (long long)(at - now));
			at = now;
		}
	}
	if ((p = cJSON_CreateObject()) == NULL)
		return inc_error__nomem(err);
	cJSON_AddStringToObject(p, "summary", summary);
	cJSON_AddStringToObject(p, "service", service);
	if (source != NULL && *source != '\0')
		cJSON_AddStringToObject(p, "source", source);
	add_time(p, "at", at);
	if ((ret = links_copy(p,
	                      cJSON_GetObjectItemCaseSensitive(root, "links"),
	                      err)) < 0) {
		cJSON_Delete(p);
		return ret;
	}
	if (details != NULL && !cJSON_IsNull(details)) {
		char *text = cJSON_PrintUnformatted(details);
		if (text == NULL) {
			cJSON_Delete(p);
			return inc_error__nomem(err);
		}
		if (strlen(text) > INC_TEXT_MAX) {
			free(text);
			cJSON_Delete(p);
			return bad(err, "payload.custom_details: larger than "
			                "64 KiB");
		}
		cJSON_AddStringToObject(p, "details", text);
		free(text);
	}
	if (note[0] != '\0')
		cJSON_AddStringToObject(p, "note", note);
	ret = record(id, s, service, p, at, recorded, dry_run, err);
	cJSON_Delete(p);
	if (ret < 0)
		return ret;
	if (results == NULL)
		return 0;
	if ((res = cJSON_CreateObject()) == NULL)
		return inc_error__nomem(err);
	snprintf(buf, sizeof(buf), "change:%s", service);
	cJSON_AddStringToObject(res, "key", buf);
	cJSON_AddStringToObject(res, "action", "changed");
	cJSON_AddStringToObject(res, "service", service);
	if (id[0] != '\0')
		cJSON_AddStringToObject(res, "change", id);
	if (note[0] != '\0')
		cJSON_AddStringToObject(res, "reason", note);
	cJSON_AddItemToArray(results, res);
	return 0;
}

/* ---- reading ---- */

static cJSON *
change_json(const inc_event *ev)
{
	const char *v;
	const cJSON *links;
	cJSON *o = cJSON_CreateObject();
	char buf[16];

	if (o == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "id", ev->id);
	snprintf(buf, sizeof(buf), "%.8s", ev->id);
	cJSON_AddStringToObject(o, "short_id", buf);
	cJSON_AddStringToObject(o, "service",
	                        inc_json__str(ev->payload, "service"));
	cJSON_AddStringToObject(o, "summary",
	                        inc_json__str(ev->payload, "summary"));
#define OPTIONAL(key)                                                          \
	if ((v = inc_json__str(ev->payload, key)) != NULL)                     \
		cJSON_AddStringToObject(o, key, v);                            \
	else                                                                   \
		cJSON_AddNullToObject(o, key)
	OPTIONAL("source");
	add_time(o, "at", ev->at);
	links = cJSON_GetObjectItemCaseSensitive(ev->payload, "links");
	cJSON_AddItemToObject(o, "links",
	                      links != NULL ? cJSON_Duplicate(links, true)
	                                    : cJSON_CreateArray());
	OPTIONAL("details");
	OPTIONAL("note");
#undef OPTIONAL
	cJSON_AddStringToObject(o, "actor", ev->actor);
	add_time(o, "recorded_at", ev->recorded_at);
	return o;
}

/* The changes of one service (NULL: all) from since to until, by time. */
static int
collect(cJSON *arr, inc_store *s, const char *service, int64_t since,
        int64_t until, inc_error *err)
{
	static const char one[] =
	        "SELECT seq, id, incident, kind, at, recorded_at, lamport, "
	        "replica, actor, payload FROM events WHERE incident = ?1 "
	        "AND kind = 'change_recorded' AND at >= ?2 AND at <= ?3 "
	        "ORDER BY at, lamport, replica, id";
	static const char all[] =
	        "SELECT seq, id, incident, kind, at, recorded_at, lamport, "
	        "replica, actor, payload FROM events WHERE "
	        "incident >= 'change:' AND incident < 'change;' "
	        "AND kind = 'change_recorded' AND at >= ?2 AND at <= ?3 "
	        "ORDER BY at, lamport, replica, id";
	sqlite3_stmt *st;
	int rc, ret;

	if ((ret = inc_store__prepare(&st, s, service != NULL ? one : all,
	                              err)) < 0)
		return ret;
	if (service != NULL) {
		char scope[INC_SCOPE_MAX + 1];
		snprintf(scope, sizeof(scope), "change:%s", service);
		sqlite3_bind_text(st, 1, scope, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, until);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		inc_event ev = {0};
		const char *text = (const char *)sqlite3_column_text(st, 9);

		snprintf(ev.id, sizeof(ev.id), "%s",
		         sqlite3_column_text(st, 1));
		snprintf(ev.incident, sizeof(ev.incident), "%s",
		         sqlite3_column_text(st, 2));
		snprintf(ev.kind, sizeof(ev.kind), "change_recorded");
		ev.at = sqlite3_column_int64(st, 4);
		ev.recorded_at = sqlite3_column_int64(st, 5);
		ev.actor = (char *)sqlite3_column_text(st, 8);
		ev.payload = cJSON_Parse(text);
		/* what this version cannot read whole is left out */
		if (ev.payload != NULL && inc_kind__known(&ev) &&
		    inc_json__str(ev.payload, "summary") != NULL &&
		    inc_json__str(ev.payload, "service") != NULL)
			cJSON_AddItemToArray(arr, change_json(&ev));
		cJSON_Delete(ev.payload);
	}
	ret = rc == SQLITE_DONE ? 0
	                        : inc_error__sqlite(err, s->db, rc, "changes");
	sqlite3_finalize(st);
	return ret;
}

static int
by_at(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a,
	            *y = *(const cJSON *const *)b;
	int c = strcmp(inc_json__str(x, "at"), inc_json__str(y, "at"));

	return c != 0 ? c
	              : strcmp(inc_json__str(x, "id"), inc_json__str(y, "id"));
}

/* Sorts arr by at (RFC 3339 UTC as written sorts as time). */
static cJSON *
sorted(cJSON *arr)
{
	int n = cJSON_GetArraySize(arr);
	cJSON **v, *out;

	if (n < 2)
		return arr;
	if ((v = calloc((size_t)n, sizeof(*v))) == NULL ||
	    (out = cJSON_CreateArray()) == NULL) {
		free(v);
		return arr;
	}
	for (int i = n - 1; i >= 0; i--)
		v[i] = cJSON_DetachItemFromArray(arr, i);
	qsort(v, (size_t)n, sizeof(*v), by_at);
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(out, v[i]);
	free(v);
	cJSON_Delete(arr);
	return out;
}

int
inc_changes_list_json(char **out, inc_store *s, const char *service,
                      int64_t since, int64_t until, inc_error *err)
{
	cJSON *arr;
	int ret;

	*out = NULL;
	if (service != NULL && (ret = service_check(service, err)) < 0)
		return ret;
	if ((arr = cJSON_CreateArray()) == NULL)
		return inc_error__nomem(err);
	if ((ret = collect(arr, s, service, since, until, err)) < 0) {
		cJSON_Delete(arr);
		return ret;
	}
	*out = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	return *out != NULL ? 0 : inc_error__nomem(err);
}

/* When a merged incident was merged (its merged event), or -1. */
static int
merged_at(int64_t *out, inc_store *s, const char *id, inc_error *err)
{
	static const char sql[] = "SELECT min(at) FROM events WHERE "
	                          "incident = ?1 AND kind = 'merged'";
	sqlite3_stmt *st;
	int rc, ret;

	*out = -1;
	if ((ret = inc_store__prepare(&st, s, sql, err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		*out = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_ROW)
		ret = inc_error__sqlite(err, s->db, rc, "changes");
	sqlite3_finalize(st);
	return ret;
}

int
inc_changes_of_incident_json(char **out, inc_store *s, const char *id,
                             int64_t now, inc_error *err)
{
	inc_incident *inc = NULL;
	const inc_config *cfg;
	const cJSON *doc, *v;
	const char *w;
	int64_t window = WINDOW_DEFAULT, opened, until;
	cJSON *arr;
	int ret;

	*out = NULL;
	if (now == 0)
		now = inc_time_now();
	if ((ret = inc_store_config(&cfg, s, err)) < 0)
		return ret;
	if ((w = inc_config_get(cfg, "changes.window")) != NULL &&
	    (inc_duration_parse(&window, w) < 0 || window < 0))
		return inc_error_set(err, INC_ERROR,
		                     "config: changes.window: '%.40s' is not "
		                     "a duration (6h, 90m, 1d)",
		                     w);
	if ((ret = inc_incident_load(&inc, s, id, err)) < 0)
		return ret;
	doc = inc->doc;
	if (inc_time_from_rfc3339(&opened, inc_json__str(doc, "opened_at")) < 0)
		opened = now;
	/* until it resolved (cancelled, merged: it ended), else now */
	if (inc_time_from_rfc3339(&until, inc_json__str(doc, "resolved_at")) <
	            0 &&
	    inc_time_from_rfc3339(&until, inc_json__str(doc, "cancelled_at")) <
	            0)
		until = now;
	if (inc_json__str(doc, "resolved_at") == NULL &&
	    inc_json__str(doc, "cancelled_at") == NULL &&
	    inc_json__str(doc, "merged_into") != NULL) {
		int64_t merged;
		if ((ret = merged_at(&merged, s, inc_json__str(doc, "id"),
		                     err)) < 0) {
			inc_incident_free(inc);
			return ret;
		}
		if (merged >= 0)
			until = merged;
	}
	if ((arr = cJSON_CreateArray()) == NULL) {
		inc_incident_free(inc);
		return inc_error__nomem(err);
	}
	cJSON_ArrayForEach (v,
	                    cJSON_GetObjectItemCaseSensitive(doc, "services")) {
		/* a service no change can name has no changes */
		if (!cJSON_IsString(v) || !inc_scope__name_ok(v->valuestring))
			continue;
		if ((ret = collect(arr, s, v->valuestring, opened - window,
		                   until, err)) < 0)
			break;
	}
	inc_incident_free(inc);
	if (ret < 0) {
		cJSON_Delete(arr);
		return ret;
	}
	arr = sorted(arr);
	*out = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	return *out != NULL ? 0 : inc_error__nomem(err);
}
