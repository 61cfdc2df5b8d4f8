/*
 * Maintenance windows: while one covers a service, ingest records that
 * service's alerts and opens and pages nothing (or, by config, opens a
 * maintenance incident left out of metrics). A window is the scope
 * maintenance:<id> (scope.c), its events maintenance_added (the
 * services, from, until), maintenance_removed (ends it at its time) and
 * alert_suppressed (what it held back), so windows sync and are audited
 * as overrides are.
 *
 * No table of their own: the windows are read from the events table by
 * the range of scope ids "maintenance:" .. "maintenance;" (';' follows
 * ':'), which walks the index events_incident; the question ingest asks
 * per alert group (which window covers this service now?) has SQLite
 * match the service inside the payload, so it costs one pass over the
 * window events, never a fold.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SCOPE_KIND "maintenance"
#define RANGE "incident >= 'maintenance:' AND incident < 'maintenance;' "
#define WHO_DEFAULT "unknown"

/* ---- writing ---- */

/* Appends a scope event in the caller's write transaction. */
static int
append(char id[65], inc_store *s, const char *scope, const char *kind,
       cJSON *payload, int64_t at, inc_error *err)
{
	inc_event ev = {0};
	int64_t recorded = inc_time_now();
	int ret;

	snprintf(ev.incident, sizeof(ev.incident), "%s", scope);
	snprintf(ev.kind, sizeof(ev.kind), "%s", kind);
	snprintf(ev.replica, sizeof(ev.replica), "%s", s->replica);
	/* the world's time (INCIDENT_NOW), never ahead of the clock */
	ev.at = at != 0 && at <= recorded ? at : recorded;
	ev.recorded_at = recorded;
	ev.actor = s->actor != NULL ? s->actor : WHO_DEFAULT;
	ev.payload = payload;
	if ((ret = inc_store__append(s, &ev, err)) < 0)
		return ret;
	if (id != NULL)
		snprintf(id, 65, "%s", ev.id);
	return 0;
}

/* The same in a transaction of its own. */
static int
append_one(inc_store *s, const char *scope, const char *kind, cJSON *payload,
           int64_t at, inc_error *err)
{
	int ret;

	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	if ((ret = append(NULL, s, scope, kind, payload, at, err)) < 0 ||
	    (ret = inc_store__commit(s, err)) < 0) {
		inc_store__rollback(s);
		return ret;
	}
	return 0;
}

static void
add_time(cJSON *o, const char *key, int64_t t)
{
	char buf[32];

	cJSON_AddStringToObject(o, key, inc_time_rfc3339(buf, sizeof(buf), t));
}

int
inc_maintenance_add(char id[INC_ID_LEN + 1], inc_store *s,
                    const char *const *services, size_t nservices, int64_t from,
                    int64_t until, const char *reason, int64_t now,
                    inc_error *err)
{
	char scope[INC_SCOPE_MAX + 1];
	cJSON *p, *arr;
	int ret;

	if (nservices == 0)
		return inc_error_set(err, INC_EINVALID,
		                     "a window needs a service at least "
		                     "(--service)");
	if (until <= from)
		return inc_error_set(err, INC_EINVALID,
		                     "--until must be after --from");
	if (from < 0 || until > INC_TIME_MAX)
		return inc_error_set(err, INC_EINVALID, "a time out of range");
	for (size_t i = 0; i < nservices; i++)
		if (services[i] == NULL || *services[i] == '\0' ||
		    strlen(services[i]) > 100 ||
		    strpbrk(services[i], " \t\r\n,") != NULL ||
		    inc_text_check(services[i], 100, "service", NULL) < 0)
			return inc_error_set(
			        err, INC_EINVALID,
			        "service '%.60s': not a service name (no "
			        "spaces or commas, valid UTF-8, at most 100 "
			        "bytes)",
			        services[i] != NULL ? services[i] : "");
	if ((ret = inc_id__new(id)) < 0)
		return inc_error_set(err, INC_ERROR, "no random id");
	if ((p = cJSON_CreateObject()) == NULL ||
	    (arr = cJSON_AddArrayToObject(p, "services")) == NULL) {
		cJSON_Delete(p);
		return inc_error__nomem(err);
	}
	for (size_t i = 0; i < nservices; i++) {
		bool dup = false;
		for (size_t j = 0; j < i; j++)
			dup |= strcmp(services[i], services[j]) == 0;
		if (!dup)
			cJSON_AddItemToArray(arr,
			                     cJSON_CreateString(services[i]));
	}
	add_time(p, "from", from);
	add_time(p, "until", until);
	if (reason != NULL && reason[strspn(reason, " \t\r\n")] != '\0')
		cJSON_AddStringToObject(p, "reason", reason);
	snprintf(scope, sizeof(scope), SCOPE_KIND ":%s", id);
	ret = append_one(s, scope, "maintenance_added", p, now, err);
	cJSON_Delete(p);
	return ret;
}

/* ---- reading the windows ---- */

struct window {
	const inc_event *ev; /* its maintenance_added */
	const char *id;      /* the name of its scope */
	const cJSON *services;
	int64_t from, until;
	const inc_event *removed; /* its earliest maintenance_removed */
	size_t suppressed;
	bool unread; /* its first maintenance_added is not one to read */
};

struct windows {
	inc_event_list *list;
	struct window *v;
	size_t n;
};

static void
windows_free(struct windows *w)
{
	inc_event_list_free(w->list);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

/* The window of scope, NULL when none or its first event is unread. */
static struct window *
window_of(struct windows *w, const char *scope)
{
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->v[i].ev->incident, scope) == 0)
			return w->v[i].unread ? NULL : &w->v[i];
	return NULL;
}

/* Whether scope has a window already, read or not. */
static bool
window_seen(const struct windows *w, const char *scope)
{
	for (size_t i = 0; i < w->n; i++)
		if (strcmp(w->v[i].ev->incident, scope) == 0)
			return true;
	return false;
}

/* Fills a window from its maintenance_added; false: not one to read. */
static bool
window_read(struct window *x, const inc_event *ev)
{
	const cJSON *v;

	/* what this version cannot read whole is left out, as overrides */
	if (strcmp(ev->kind, "maintenance_added") != 0 ||
	    !inc_kind__known(ev) ||
	    inc_scope__parse(ev->incident, NULL, &x->id) != 0)
		return false;
	x->ev = ev;
	x->services = cJSON_GetObjectItemCaseSensitive(ev->payload, "services");
	if (!cJSON_IsArray(x->services) ||
	    inc_time_from_rfc3339(&x->from,
	                          inc_json__str(ev->payload, "from")) < 0 ||
	    inc_time_from_rfc3339(&x->until,
	                          inc_json__str(ev->payload, "until")) < 0)
		return false;
	cJSON_ArrayForEach (v, x->services)
		if (!cJSON_IsString(v))
			return false;
	return true;
}

static int
windows_load(struct windows *w, inc_store *s, inc_error *err)
{
	int ret;

	memset(w, 0, sizeof(*w));
	if ((ret = inc_event__load_sql(
	             &w->list, s,
	             "SELECT seq, id, incident, kind, at, recorded_at, "
	             "lamport, replica, actor, payload FROM events WHERE " RANGE
	             "ORDER BY lamport, replica, id",
	             err)) < 0)
		return ret;
	if (w->list->n > 0 &&
	    (w->v = calloc(w->list->n, sizeof(*w->v))) == NULL) {
		windows_free(w);
		return inc_error__nomem(err);
	}
	for (size_t i = 0; i < w->list->n; i++) {
		const inc_event *ev = &w->list->events[i];
		/*
		 * one window a scope: its first maintenance_added, as
		 * covering() takes it; a later one (only a forged or
		 * broken history has it) changes nothing
		 */
		if (strcmp(ev->kind, "maintenance_added") != 0 ||
		    window_seen(w, ev->incident))
			continue;
		if (!window_read(&w->v[w->n], ev)) {
			memset(&w->v[w->n], 0, sizeof(w->v[w->n]));
			w->v[w->n].ev = ev;
			w->v[w->n].unread = true;
		}
		w->n++;
	}
	for (size_t i = 0; i < w->list->n; i++) {
		const inc_event *ev = &w->list->events[i];
		struct window *x = window_of(w, ev->incident);

		if (x == NULL || !inc_kind__known(ev))
			continue;
		/* two stores may both end it: the earliest ends it */
		if (strcmp(ev->kind, "maintenance_removed") == 0 &&
		    (x->removed == NULL || ev->at < x->removed->at))
			x->removed = ev;
		else if (strcmp(ev->kind, "alert_suppressed") == 0)
			x->suppressed++;
	}
	/* the unread ones were kept only to stand for their scope */
	for (size_t i = 0, n = w->n; i < n; i++)
		if (w->v[i].unread)
			w->n--;
		else
			w->v[i - (n - w->n)] = w->v[i];
	return 0;
}

/* When the window stops covering: its until, or its removal first. */
static int64_t
window_end(const struct window *x)
{
	if (x->removed != NULL && x->removed->at < x->until)
		return x->removed->at > x->from ? x->removed->at : x->from;
	return x->until;
}

static const char *
window_state(const struct window *x, int64_t now)
{
	if (x->removed != NULL && x->removed->at < x->until)
		return "removed";
	if (now >= x->until)
		return "ended";
	return now >= x->from ? "active" : "future";
}

/* The shortest prefix of v[i]'s id, at least 8, that no other one has. */
static size_t
short_len(const struct windows *w, size_t i)
{
	size_t len = 8;

	for (size_t j = 0; j < w->n; j++) {
		size_t c = 0;
		if (j == i)
			continue;
		while (w->v[i].id[c] != '\0' && w->v[i].id[c] == w->v[j].id[c])
			c++;
		if (c + 1 > len)
			len = c + 1;
	}
	return len;
}

static int
by_from(const void *a, const void *b)
{
	const struct window *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return strcmp(x->id, y->id);
}

int
inc_maintenance_list_json(char **out, inc_store *s, bool all,
                          const char *service, int64_t at, int64_t now,
                          inc_error *err)
{
	char buf[INC_ID_LEN + 1], covering[INC_SCOPE_MAX + 1] = "";
	struct windows w;
	bool found = false;
	cJSON *arr;
	int ret;

	*out = NULL;
	if (now == 0)
		now = inc_time_now();
	if (service != NULL &&
	    (ret = inc_maintenance__covering(covering, &found, s, service, at,
	                                     err)) < 0)
		return ret;
	if ((ret = windows_load(&w, s, err)) < 0)
		return ret;
	if ((arr = cJSON_CreateArray()) == NULL) {
		windows_free(&w);
		return inc_error__nomem(err);
	}
	if (w.n > 1)
		qsort(w.v, w.n, sizeof(*w.v), by_from);
	for (size_t i = 0; i < w.n; i++) {
		const struct window *x = &w.v[i];
		const char *state = window_state(x, now);
		const char *reason = inc_json__str(x->ev->payload, "reason");
		cJSON *o;

		if (service != NULL ? strcmp(x->ev->incident, covering) != 0
		                    : !all && strcmp(state, "active") != 0 &&
		                              strcmp(state, "future") != 0)
			continue;
		if ((o = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddStringToObject(o, "id", x->id);
		snprintf(buf, sizeof(buf), "%.*s", (int)short_len(&w, i),
		         x->id);
		cJSON_AddStringToObject(o, "short_id", buf);
		cJSON_AddItemToObject(o, "services",
		                      cJSON_Duplicate(x->services, true));
		add_time(o, "from", x->from);
		add_time(o, "until", x->until);
		add_time(o, "ends_at", window_end(x));
		if (reason != NULL)
			cJSON_AddStringToObject(o, "reason", reason);
		else
			cJSON_AddNullToObject(o, "reason");
		cJSON_AddStringToObject(o, "state", state);
		if (x->removed != NULL) {
			const char *why =
			        inc_json__str(x->removed->payload, "reason");
			add_time(o, "removed_at", x->removed->at);
			cJSON_AddStringToObject(o, "removed_by",
			                        x->removed->actor);
			if (why != NULL)
				cJSON_AddStringToObject(o, "removed_reason",
				                        why);
		} else {
			cJSON_AddNullToObject(o, "removed_at");
		}
		cJSON_AddStringToObject(o, "actor", x->ev->actor);
		add_time(o, "recorded_at", x->ev->recorded_at);
		cJSON_AddNumberToObject(o, "suppressed", (double)x->suppressed);
		cJSON_AddItemToArray(arr, o);
	}
	*out = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	windows_free(&w);
	return *out != NULL ? 0 : inc_error__nomem(err);
}

int
inc_maintenance_remove(char id[INC_ID_LEN + 1], inc_store *s,
                       const char *prefix, const char *reason, int64_t now,
                       inc_error *err)
{
	char want[INC_ID_LEN + 1], scope[INC_SCOPE_MAX + 1];
	const struct window *found = NULL;
	struct windows w;
	size_t n = strlen(prefix);
	cJSON *p;
	int ret;

	if (now == 0)
		now = inc_time_now();
	if (n < 4 || inc_id_normalize(want, sizeof(want), prefix, NULL) < 0)
		return inc_error_set(err, INC_EINVALID,
		                     "%.40s: not a window id (4 to %d letters "
		                     "and digits, as maintenance list shows "
		                     "them)",
		                     prefix, INC_ID_LEN);
	if ((ret = windows_load(&w, s, err)) < 0)
		return ret;
	for (size_t i = 0; i < w.n; i++) {
		if (strncmp(w.v[i].id, want, n) != 0)
			continue;
		if (found != NULL) {
			windows_free(&w);
			return inc_error_set(err, INC_EAMBIGUOUS,
			                     "%s: several windows start so",
			                     want);
		}
		found = &w.v[i];
	}
	if (found == NULL)
		ret = inc_error_set(err, INC_ENOTFOUND,
		                    "%s: no such maintenance window", want);
	else if (found->removed != NULL)
		ret = inc_error_set(err, INC_EREFUSED,
		                    "%s: that window was removed already",
		                    found->id);
	else if (now >= found->until)
		ret = inc_error_set(err, INC_EREFUSED,
		                    "%s: that window ended already", found->id);
	if (ret < 0) {
		windows_free(&w);
		return ret;
	}
	snprintf(id, INC_ID_LEN + 1, "%s", found->id);
	snprintf(scope, sizeof(scope), "%s", found->ev->incident);
	windows_free(&w);
	if ((p = cJSON_CreateObject()) == NULL)
		return inc_error__nomem(err);
	if (reason != NULL && reason[strspn(reason, " \t\r\n")] != '\0')
		cJSON_AddStringToObject(p, "reason", reason);
	ret = append_one(s, scope, "maintenance_removed", p, now, err);
	cJSON_Delete(p);
	return ret;
}

int
inc_maintenance_suppressed_json(char **out, inc_store *s, inc_error *err)
{
	struct windows w;
	cJSON *arr;
	char buf[INC_ID_LEN + 1];
	int ret;

	*out = NULL;
	if ((ret = windows_load(&w, s, err)) < 0)
		return ret;
	if ((arr = cJSON_CreateArray()) == NULL) {
		windows_free(&w);
		return inc_error__nomem(err);
	}
	/* in total order, as they were written */
	for (size_t i = 0; i < w.list->n; i++) {
		const inc_event *ev = &w.list->events[i];
		const struct window *x = window_of(&w, ev->incident);
		const char *v;
		cJSON *o;

		if (x == NULL || strcmp(ev->kind, "alert_suppressed") != 0 ||
		    !inc_kind__known(ev) || (o = cJSON_CreateObject()) == NULL)
			continue;
		cJSON_AddStringToObject(o, "window", x->id);
		snprintf(buf, sizeof(buf), "%.*s",
		         (int)short_len(&w, (size_t)(x - w.v)), x->id);
		cJSON_AddStringToObject(o, "short_id", buf);
		v = inc_json__str(ev->payload, "service");
		if (v != NULL)
			cJSON_AddStringToObject(o, "service", v);
		else
			cJSON_AddNullToObject(o, "service");
		cJSON_AddStringToObject(o, "key",
		                        inc_json__str(ev->payload, "key"));
		cJSON_AddStringToObject(o, "title",
		                        inc_json__str(ev->payload, "title"));
		v = inc_json__str(ev->payload, "source");
		if (v != NULL)
			cJSON_AddStringToObject(o, "source", v);
		else
			cJSON_AddNullToObject(o, "source");
		v = inc_json__str(ev->payload, "starts_at");
		if (v != NULL)
			cJSON_AddStringToObject(o, "starts_at", v);
		else
			cJSON_AddNullToObject(o, "starts_at");
		add_time(o, "at", ev->at);
		cJSON_AddStringToObject(o, "actor", ev->actor);
		cJSON_AddItemToArray(arr, o);
	}
	*out = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	windows_free(&w);
	return *out != NULL ? 0 : inc_error__nomem(err);
}

/* ---- what ingest asks, inside its transaction ---- */

int
inc_maintenance__covering(char scope[INC_SCOPE_MAX + 1], bool *found,
                          inc_store *s, const char *service, int64_t at,
                          inc_error *err)
{
	/*
	 * The windows naming service, with the time of their first
	 * removal: SQLite walks the scope range of events_incident and
	 * looks inside each maintenance_added for the service. A payload is
	 * stored as cJSON prints it (store/append.c), so the service as
	 * cJSON prints a string is in the text of every payload that names
	 * it: instr() keeps json_each (some microseconds a row) off the
	 * windows of other services. Only the first maintenance_added of a
	 * scope is its window (as windows_load() reads them): a later one
	 * (forged, or a broken history) covers nothing.
	 */
	static const char sql[] =
	        "SELECT a.seq, a.id, a.incident, a.kind, a.payload, "
	        "(SELECT min(r.at) FROM events r WHERE r.incident = "
	        "a.incident AND r.kind = 'maintenance_removed') "
	        "FROM events a WHERE a." RANGE
	        "AND a.kind = 'maintenance_added' AND CASE WHEN "
	        "instr(a.payload, ?2) > 0 THEN EXISTS (SELECT 1 FROM "
	        "json_each(a.payload, '$.services') WHERE value = ?1) "
	        "AND NOT EXISTS (SELECT 1 FROM events b WHERE b.incident = "
	        "a.incident AND b.kind = 'maintenance_added' AND "
	        "(b.lamport, b.replica, b.id) < (a.lamport, a.replica, a.id)) "
	        "ELSE 0 END ORDER BY a.lamport, a.replica, a.id";
	sqlite3_stmt *st;
	char seen[INC_SCOPE_MAX + 1] = "", *quoted;
	cJSON *str;
	int rc, ret;

	*found = false;
	scope[0] = '\0';
	if (service == NULL || *service == '\0')
		return 0;
	str = cJSON_CreateString(service);
	quoted = str != NULL ? cJSON_PrintUnformatted(str) : NULL;
	cJSON_Delete(str);
	if (quoted == NULL)
		return inc_error__nomem(err);
	if ((ret = inc_store__prepare(&st, s, sql, err)) < 0) {
		free(quoted);
		return ret;
	}
	sqlite3_bind_text(st, 1, service, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, quoted, -1, free);
	while (!*found && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		inc_event ev = {0};
		struct window x;
		const char *text = (const char *)sqlite3_column_text(st, 4);
		const char *incident = (const char *)sqlite3_column_text(st, 2);
		int64_t end;

		/* one window a scope: its first maintenance_added */
		if (strcmp(incident, seen) == 0)
			continue;
		snprintf(seen, sizeof(seen), "%s", incident);
		snprintf(ev.incident, sizeof(ev.incident), "%s", incident);
		snprintf(ev.kind, sizeof(ev.kind), "maintenance_added");
		if ((ev.payload = cJSON_Parse(text)) == NULL)
			continue;
		if (window_read(&x, &ev)) {
			end = x.until;
			if (sqlite3_column_type(st, 5) != SQLITE_NULL &&
			    sqlite3_column_int64(st, 5) < end)
				end = sqlite3_column_int64(st, 5);
			if (x.from <= at && at < end) {
				snprintf(scope, INC_SCOPE_MAX + 1, "%s",
				         incident);
				*found = true;
			}
		}
		cJSON_Delete(ev.payload);
	}
	if (!*found && rc != SQLITE_DONE)
		ret = inc_error__sqlite(err, s->db, rc, "maintenance windows");
	sqlite3_finalize(st);
	return ret;
}

bool
inc_maintenance__opens(inc_store *s)
{
	const inc_config *cfg;
	const char *v;

	if (inc_store_config(&cfg, s, NULL) < 0)
		return false;
	v = inc_config_get(cfg, "maintenance.mode");
	return v != NULL && strcmp(v, "open") == 0;
}

/* Copies member key of from into to when it is a string. */
static void
copy_str(cJSON *to, const cJSON *from, const char *key, const char *as)
{
	const char *v = inc_json__str(from, key);

	if (v != NULL)
		cJSON_AddStringToObject(to, as, v);
}

int
inc_maintenance__suppress(bool *recorded, inc_store *s, const char *scope,
                          const cJSON *alert, int64_t at, bool dry_run,
                          inc_error *err)
{
	static const char sql[] =
	        "SELECT 1 FROM events WHERE incident = ?1 AND "
	        "kind = 'alert_suppressed' AND "
	        "json_extract(payload, '$.key') = ?2 LIMIT 1";
	const char *key = inc_json__str(alert, "key");
	const char *title = inc_json__str(alert, "title");
	const cJSON *labels, *v;
	sqlite3_stmt *st;
	int64_t t;
	cJSON *p;
	int rc, ret;

	*recorded = false;
	if (key == NULL || *key == '\0')
		return inc_error_set(err, INC_EINVALID,
		                     "a suppressed alert without a key");
	if ((ret = inc_store__prepare(&st, s, sql, err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, scope, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0; /* held back already: a repeat is no event */
	if (rc != SQLITE_DONE)
		return inc_error__sqlite(err, s->db, rc, "maintenance windows");
	if ((p = cJSON_CreateObject()) == NULL)
		return inc_error__nomem(err);
	cJSON_AddStringToObject(p, "key", key);
	cJSON_AddStringToObject(p, "title", title != NULL ? title : key);
	copy_str(p, alert, "service", "service");
	copy_str(p, alert, "source", "source");
	/* labels: the texts alone (F_MAP) */
	labels = cJSON_GetObjectItemCaseSensitive(alert, "labels");
	if (cJSON_IsObject(labels)) {
		cJSON *m = cJSON_AddObjectToObject(p, "labels");
		cJSON_ArrayForEach (v, labels)
			if (cJSON_IsString(v) && m != NULL)
				cJSON_AddStringToObject(m, v->string,
				                        v->valuestring);
	}
	if (inc_time_from_rfc3339(&t, inc_json__str(alert, "starts_at")) == 0)
		add_time(p, "starts_at", t);
	/* the one validator, as the append would hold it, dry run or not */
	if ((ret = inc_kind__check("alert_suppressed", p, err)) < 0) {
		cJSON_Delete(p);
		return ret == INC_ENEWER ? INC_EINVALID : ret;
	}
	if (!dry_run)
		ret = append(NULL, s, scope, "alert_suppressed", p, at, err);
	cJSON_Delete(p);
	if (ret == 0)
		*recorded = true;
	return ret;
}
