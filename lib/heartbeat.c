/*
 * Heartbeats: dead-man switches for cron jobs and for the monitoring
 * itself. A heartbeat is the events of scope heartbeat:<name> (scope.c):
 * heartbeat_set (its settings: every, grace, service, severity),
 * heartbeat_overdue (tick opened an incident), heartbeat_recovered (a
 * ping settled it) and heartbeat_removed. Only a change is an event: a
 * ping that changes nothing updates the meta record
 * "heartbeat_seen:<name>" ("<last ping, unix seconds> <pings>"), local
 * to the store, which rebuild and sync do not carry (the events' own
 * times stand in then: a heartbeat_set or heartbeat_recovered is a ping
 * too).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define EVERY_MIN 60               /* a minute: tick runs from cron */
#define EVERY_MAX (3650 * 86400LL) /* ten years, as durations are */
#define GRACE_MAX EVERY_MAX
#define SERVICE_MAX 100 /* a label, as change.c's */
#define SEEN_KEY "heartbeat_seen:"
#define SCOPE_KIND "heartbeat:"
/* the incidents of one silence: more than one when replicas that did
 * not hear of each other both ticked; a bound, whatever a remote sends */
#define PENDING_MAX 8

struct hb {
	char name[INC_NAME_MAX + 1];
	bool exists; /* set, and not removed since */
	int64_t every, grace;
	bool has_grace;
	char service[SERVICE_MAX + 1];
	int severity;
	int64_t set_at;     /* the latest heartbeat_set's time */
	int64_t event_ping; /* the latest ping an event tells of */
	char ping_replica[INC_ID_LEN + 1]; /* and where it was */
	bool ours;     /* this store hears the pings: it judges them overdue */
	int64_t seen;  /* the last ping this store saw (meta) */
	int64_t pings; /* and how many since the heartbeat was set */
	bool seen_known;               /* the meta record is there */
	char incident[INC_ID_LEN + 1]; /* the open overdue incident */
	/* every incident a heartbeat_overdue named and no
	 * heartbeat_recovered settled yet, oldest first (incident: the
	 * last of them) */
	char pending[PENDING_MAX][INC_ID_LEN + 1];
	size_t npending;
	int64_t overdue_at;
};

int64_t
inc_heartbeat__due_at(int64_t last, int64_t every, int64_t grace)
{
	if (every < 0)
		every = 0;
	if (grace < 0)
		grace = 0;
	if (last > INT64_MAX - every || last + every > INT64_MAX - grace)
		return INT64_MAX;
	return last + every + grace;
}

bool
inc_heartbeat__overdue(int64_t now, int64_t last, int64_t every, int64_t grace)
{
	int64_t due = inc_heartbeat__due_at(last, every, grace);

	return due != INT64_MAX && now > due;
}

static int64_t
last_ping(const struct hb *h)
{
	return h->seen > h->event_ping ? h->seen : h->event_ping;
}

static bool
is_overdue(const struct hb *h, int64_t now)
{
	return h->exists &&
	       inc_heartbeat__overdue(now, last_ping(h), h->every, h->grace);
}

/* ---- the state: the scope's events, in total order, then meta ---- */

static void
pending_del(struct hb *h, const char *id)
{
	for (size_t i = 0; i < h->npending; i++) {
		if (strcmp(h->pending[i], id) != 0)
			continue;
		memmove(h->pending[i], h->pending[i + 1],
		        (h->npending - i - 1) * sizeof(h->pending[0]));
		h->npending--;
		break;
	}
}

static void
pending_add(struct hb *h, const char *id)
{
	pending_del(h, id);
	if (h->npending == PENDING_MAX) {
		memmove(h->pending[0], h->pending[1],
		        (PENDING_MAX - 1) * sizeof(h->pending[0]));
		h->npending--;
	}
	snprintf(h->pending[h->npending++], sizeof(h->pending[0]), "%s", id);
}

static void
pending_last(struct hb *h)
{
	snprintf(h->incident, sizeof(h->incident), "%s",
	         h->npending > 0 ? h->pending[h->npending - 1] : "");
}

static void
fold(struct hb *h, const inc_event *ev)
{
	const cJSON *p = ev->payload;
	const char *v;
	int64_t n;

	/* what this version cannot read whole is left out */
	if (!inc_kind__known(ev))
		return;
	if (strcmp(ev->kind, "heartbeat_set") == 0) {
		if (inc_json__int(&n, p, "every", 1, INC_JSON_INT_MAX) < 0)
			return;
		h->exists = true;
		h->every = n;
		h->has_grace =
		        inc_json__int(&n, p, "grace", 0, INC_JSON_INT_MAX) == 0;
		h->grace = h->has_grace ? n : 0;
		v = inc_json__str(p, "service");
		snprintf(h->service, sizeof(h->service), "%s",
		         v != NULL ? v : "");
		h->severity = inc_json__int(&n, p, "severity", 1, 9) == 0
		                      ? (int)n
		                      : 0;
		h->set_at = ev->at;
		if (ev->at >= h->event_ping) {
			h->event_ping = ev->at;
			snprintf(h->ping_replica, sizeof(h->ping_replica), "%s",
			         ev->replica);
		}
	} else if (strcmp(ev->kind, "heartbeat_removed") == 0) {
		h->exists = false;
		h->incident[0] = '\0';
		h->npending = 0;
		h->event_ping = 0;
	} else if (strcmp(ev->kind, "heartbeat_overdue") == 0) {
		if ((v = inc_json__str(p, "incident")) != NULL && *v != '\0')
			pending_add(h, v);
		pending_last(h);
		h->overdue_at = ev->at;
	} else if (strcmp(ev->kind, "heartbeat_recovered") == 0) {
		/* it settled the one it names: another replica's incident
		 * of the same silence waits for a ping of its own */
		if ((v = inc_json__str(p, "incident")) != NULL)
			pending_del(h, v);
		else
			h->npending = 0;
		pending_last(h);
		if (ev->at >= h->event_ping) {
			h->event_ping = ev->at;
			snprintf(h->ping_replica, sizeof(h->ping_replica), "%s",
			         ev->replica);
		}
	}
}

/* "<unix seconds> <pings>"; a record older than the set is another
 * life's (removed and set again elsewhere), and counts for nothing */
static void
read_seen(struct hb *h, const char *text)
{
	long long at = 0, pings = 0;

	if (text == NULL || sscanf(text, "%lld %lld", &at, &pings) != 2 ||
	    at < 0 || pings < 0)
		return;
	h->seen_known = true;
	h->seen = at;
	h->pings = pings;
}

/*
 * Whether the pings come to this store: its own record of them is as
 * new as the latest ping an event tells of, or that event is its own
 * (a store rebuilt since). A replica that only syncs the heartbeat never
 * sees a ping that changes nothing: were it to judge, it would open an
 * incident every every + grace, which the next ping on the other
 * replica resolves, and so on for ever.
 */
static void
judge(struct hb *h, const inc_store *s)
{
	h->ours = (h->seen_known && h->seen >= h->event_ping) ||
	          strcmp(h->ping_replica, s->replica) == 0;
}

static int
load_one(struct hb *h, inc_store *s, const char *name, inc_error *err)
{
	char scope[INC_SCOPE_MAX + 1], key[sizeof(SEEN_KEY) + INC_NAME_MAX];
	char text[64];
	inc_event_list *list = NULL;
	int ret;

	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	snprintf(scope, sizeof(scope), SCOPE_KIND "%s", name);
	if ((ret = inc_event__load(&list, s, scope, err)) < 0)
		return ret;
	for (size_t i = 0; i < list->n; i++)
		fold(h, &list->events[i]);
	inc_event_list_free(list);
	snprintf(key, sizeof(key), SEEN_KEY "%s", name);
	if ((ret = inc_store__meta_text(text, sizeof(text), s, key, err)) < 0)
		return ret;
	if (text[0] != '\0')
		read_seen(h, text);
	judge(h, s);
	return 0;
}

/* Every heartbeat the store has events of, by name. */
static int
load_all(struct hb **out, size_t *n, inc_store *s, inc_error *err)
{
	inc_event_list *list = NULL;
	struct hb *v = NULL, *more;
	size_t cap = 0;
	sqlite3_stmt *st;
	int rc, ret;

	*out = NULL;
	*n = 0;
	/* the range of the index events_incident that scope kind holds */
	if ((ret = inc_event__load_sql(
	             &list, s,
	             "SELECT seq, id, incident, kind, at, recorded_at, "
	             "lamport, replica, actor, payload FROM events WHERE "
	             "incident >= 'heartbeat:' AND incident < 'heartbeat;' "
	             "ORDER BY incident, lamport, replica, id",
	             err)) < 0)
		return ret;
	for (size_t i = 0; i < list->n; i++) {
		const inc_event *ev = &list->events[i];
		const char *name = ev->incident + strlen(SCOPE_KIND);

		if (*n == 0 || strcmp(v[*n - 1].name, name) != 0) {
			if (!inc_scope__name_ok(name))
				continue;
			if (*n == cap) {
				cap = cap != 0 ? cap * 2 : 16;
				if ((more = realloc(v, cap * sizeof(*v))) ==
				    NULL) {
					ret = inc_error__nomem(err);
					goto fail;
				}
				v = more;
			}
			memset(&v[*n], 0, sizeof(*v));
			snprintf(v[*n].name, sizeof(v[*n].name), "%s", name);
			(*n)++;
		}
		fold(&v[*n - 1], ev);
	}
	inc_event_list_free(list);
	list = NULL;
	if ((ret = inc_store__prepare(&st, s,
	                              "SELECT key, value FROM meta WHERE key "
	                              ">= 'heartbeat_seen:' AND key < "
	                              "'heartbeat_seen;' ORDER BY key",
	                              err)) < 0)
		goto fail;
	/* both in name order: one merge */
	for (size_t j = 0; (rc = sqlite3_step(st)) == SQLITE_ROW;) {
		const char *key = (const char *)sqlite3_column_text(st, 0);
		const char *name = key + strlen(SEEN_KEY);
		int c = 1;

		while (j < *n && (c = strcmp(v[j].name, name)) < 0)
			j++;
		if (j < *n && c == 0)
			read_seen(&v[j],
			          (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		ret = inc_error__sqlite(err, s->db, rc, "read heartbeats");
		goto fail;
	}
	for (size_t i = 0; i < *n; i++)
		judge(&v[i], s);
	*out = v;
	return 0;
fail:
	inc_event_list_free(list);
	free(v);
	*n = 0;
	return ret;
}

/* ---- writing ---- */

static int
append(inc_store *s, const char *name, const char *kind, cJSON *payload,
       int64_t at, bool dry_run, inc_error *err)
{
	inc_event ev = {0};

	if (dry_run)
		return 0;
	snprintf(ev.incident, sizeof(ev.incident), SCOPE_KIND "%s", name);
	snprintf(ev.kind, sizeof(ev.kind), "%s", kind);
	snprintf(ev.replica, sizeof(ev.replica), "%s", s->replica);
	ev.at = at;
	ev.recorded_at = inc_time_now();
	ev.actor = s->actor != NULL ? s->actor : "unknown";
	ev.payload = payload;
	return inc_store__append(s, &ev, err);
}

static int
append_incident(inc_store *s, const char *name, const char *kind,
                const char *incident, int64_t due, int64_t at, bool dry_run,
                inc_error *err)
{
	cJSON *p = cJSON_CreateObject();
	char buf[32];
	int ret;

	if (p == NULL)
		return inc_error__nomem(err);
	cJSON_AddStringToObject(p, "incident", incident);
	if (due != 0)
		cJSON_AddStringToObject(
		        p, "due_at", inc_time_rfc3339(buf, sizeof(buf), due));
	ret = append(s, name, kind, p, at, dry_run, err);
	cJSON_Delete(p);
	return ret;
}

static int
write_seen(inc_store *s, const char *name, int64_t at, int64_t pings,
           inc_error *err)
{
	char key[sizeof(SEEN_KEY) + INC_NAME_MAX], value[48];

	snprintf(key, sizeof(key), SEEN_KEY "%s", name);
	snprintf(value, sizeof(value), "%lld %lld", (long long)at,
	         (long long)pings);
	return inc_store__meta_set(s, key, value, err);
}

static int
check_name(const char *name, inc_error *err)
{
	if (name == NULL || !inc_scope__name_ok(name))
		return inc_error_set(
		        err, INC_EINVALID,
		        "'%.70s': not a heartbeat name (letters, "
		        "digits, '.', '_' and '-', starting with a "
		        "letter or a digit, at most %d bytes)",
		        name != NULL ? name : "", INC_NAME_MAX);
	return 0;
}

static int
check_opts(inc_store *s, const inc_heartbeat_opts *o, inc_error *err)
{
	int ret;

	if (o->every == 0) {
		if (o->grace >= 0 || o->service != NULL || o->severity != 0)
			return inc_error_set(
			        err, INC_EINVALID,
			        "--grace, --service and --severity "
			        "come with --every");
		return 0;
	}
	if (o->every < EVERY_MIN || o->every > EVERY_MAX)
		return inc_error_set(err, INC_EINVALID,
		                     "--every: from a minute to ten years");
	if (o->grace > GRACE_MAX)
		return inc_error_set(err, INC_EINVALID,
		                     "--grace: at most ten years");
	if (o->service != NULL) {
		if ((ret = inc_text_check(o->service, SERVICE_MAX, "service",
		                          err)) < 0)
			return ret;
		if (*o->service == '\0' ||
		    strpbrk(o->service, " \t\r\n,") != NULL)
			return inc_error_set(err, INC_EINVALID,
			                     "service '%s' is empty or has "
			                     "spaces or commas",
			                     o->service);
	}
	if (o->severity < 0 || o->severity > inc_severity_count(s))
		return inc_error_set(err, INC_EINVALID,
		                     "severity %d is outside the scale 1..%d",
		                     o->severity, inc_severity_count(s));
	return 0;
}

/* Whether the ping's settings are the heartbeat's. */
static bool
same_settings(const struct hb *h, const inc_heartbeat_opts *o)
{
	return h->exists && o->every == h->every &&
	       (o->grace >= 0) == h->has_grace &&
	       (o->grace < 0 || o->grace == h->grace) &&
	       strcmp(o->service != NULL ? o->service : "", h->service) == 0 &&
	       o->severity == h->severity;
}

static cJSON *
settings_payload(const inc_heartbeat_opts *o)
{
	cJSON *p = cJSON_CreateObject();

	if (p == NULL)
		return NULL;
	cJSON_AddNumberToObject(p, "every", (double)o->every);
	if (o->grace >= 0)
		cJSON_AddNumberToObject(p, "grace", (double)o->grace);
	if (o->service != NULL)
		cJSON_AddStringToObject(p, "service", o->service);
	if (o->severity != 0)
		cJSON_AddNumberToObject(p, "severity", o->severity);
	return p;
}

/* Whether an incident carries the dedup key heartbeat:<name>. */
static bool
has_key(const cJSON *doc, const char *name)
{
	const cJSON *v;
	size_t n = strlen(SCOPE_KIND);

	cJSON_ArrayForEach (
	        v, cJSON_GetObjectItemCaseSensitive(doc, "dedup_keys")) {
		const char *k = cJSON_GetStringValue(v);
		if (k != NULL && strncmp(k, SCOPE_KIND, n) == 0 &&
		    strcmp(k + n, name) == 0)
			return true;
	}
	return false;
}

/*
 * The heartbeat's incident is settled through the automatic step of
 * alerts, in the ping's transaction. did: what it did to the incident.
 */
static int
settle(const char **did, char short_id[INC_ID_LEN + 1], inc_store *s,
       const struct hb *h, const char *incident, int64_t now, bool dry_run,
       inc_error *err)
{
	char id[INC_ID_LEN + 1], why[INC_NAME_MAX + 64];
	inc_incident *cur = NULL;
	int ret;

	*did = "";
	snprintf(short_id, INC_ID_LEN + 1, "%.*s", INC_SHORT_ID_MIN, incident);
	ret = inc_change__load(&cur, id, short_id, s, incident, err);
	/* an incident this store does not have (yet): nothing to settle */
	if (ret == INC_ENOTFOUND)
		return 0;
	/* only an incident a tick of this heartbeat opened or attached to
	 * (its dedup key): a heartbeat_overdue from a remote naming another
	 * one settles nothing */
	if (ret == 0 && !has_key(inc_incident__doc(cur), h->name)) {
		inc_incident_free(cur);
		return 0;
	}
	if (ret == 0) {
		/*
		 * A pinger whose clock is behind the one that ticked pings
		 * "before" the incident opened (or was acknowledged or
		 * mitigated): the ping still ends the silence, settled at
		 * the incident's latest milestone, never refused.
		 */
		static const char *const marks[] = {
		        "opened_at", "acknowledged_at", "mitigated_at"};
		int64_t at = now, t;
		for (size_t i = 0; i < sizeof(marks) / sizeof(*marks); i++)
			if ((t = inc_doc__time(inc_incident__doc(cur),
			                       marks[i])) > at)
				at = t;
		snprintf(why, sizeof(why), "heartbeat %s pinged again",
		         h->name);
		ret = inc_alert__settle(&cur, did, s, short_id, why, at, at,
		                        dry_run, err);
	}
	inc_incident_free(cur);
	return ret;
}

/* the last second RFC 3339 can say (9999-12-31T23:59:59Z) */
#define TIME_LAST 253402300799LL

/* a time, or null: none, or past what RFC 3339 can say (due "never",
 * with an every a remote made a million years long) */
static void
add_time(cJSON *o, const char *key, int64_t t)
{
	char buf[32];

	if (t != 0 && t <= TIME_LAST)
		cJSON_AddStringToObject(o, key,
		                        inc_time_rfc3339(buf, sizeof(buf), t));
	else
		cJSON_AddNullToObject(o, key);
}

int
inc_heartbeat_ping(char **out, inc_store *s, const char *name,
                   const inc_heartbeat_opts *o, inc_error *err)
{
	int64_t now = o->now != 0 ? o->now : inc_time_now();
	inc_heartbeat_opts want = *o;
	bool set, was_overdue;
	cJSON *root = NULL, *recs = NULL, *p;
	struct hb h;
	int ret;

	if (out != NULL)
		*out = NULL;
	if ((ret = check_name(name, err)) < 0 ||
	    (ret = check_opts(s, o, err)) < 0)
		return ret;
	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	if ((ret = load_one(&h, s, name, err)) < 0)
		goto done;
	if (!h.exists && o->every == 0) {
		ret = inc_error_set(err, INC_ENOTFOUND,
		                    "%s: no such heartbeat (its first ping "
		                    "says --every)",
		                    name);
		goto done;
	}
	if (o->every == 0) { /* a bare ping keeps the settings */
		want.every = h.every;
		want.grace = h.has_grace ? h.grace : -1;
		want.service = h.service[0] != '\0' ? h.service : NULL;
		want.severity = h.severity;
	}
	set = !same_settings(&h, &want);
	was_overdue = is_overdue(&h, now);
	if ((recs = cJSON_CreateArray()) == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	/* every incident of the silence, the latest last */
	for (size_t i = 0; i < h.npending; i++) {
		char short_id[INC_ID_LEN + 1] = "";
		const char *did = NULL;
		cJSON *r;

		if ((ret = settle(&did, short_id, s, &h, h.pending[i], now,
		                  o->dry_run, err)) < 0 ||
		    (ret = append_incident(s, name, "heartbeat_recovered",
		                           h.pending[i], 0, now, o->dry_run,
		                           err)) < 0)
			goto done;
		if ((r = cJSON_CreateObject()) == NULL) {
			ret = inc_error__nomem(err);
			goto done;
		}
		cJSON_AddStringToObject(r, "incident", h.pending[i]);
		cJSON_AddStringToObject(r, "short_id", short_id);
		cJSON_AddStringToObject(r, "did", did != NULL ? did : "");
		cJSON_AddItemToArray(recs, r);
	}
	if (set) {
		if ((p = settings_payload(&want)) == NULL) {
			ret = inc_error__nomem(err);
			goto done;
		}
		ret = append(s, name, "heartbeat_set", p, now, o->dry_run, err);
		cJSON_Delete(p);
		if (ret < 0)
			goto done;
	}
	if (!o->dry_run &&
	    ((ret = write_seen(s, name, h.exists && h.seen > now ? h.seen : now,
	                       h.exists ? h.pings + 1 : 1, err)) < 0 ||
	     (ret = inc_store__commit(s, err)) < 0))
		goto done;
	if (out != NULL) {
		root = cJSON_CreateObject();
		if (root == NULL) {
			ret = inc_error__nomem(err);
			goto done;
		}
		cJSON_AddStringToObject(root, "name", name);
		cJSON_AddBoolToObject(root, "set", set);
		cJSON_AddBoolToObject(root, "created", !h.exists);
		cJSON_AddNumberToObject(root, "pings",
		                        (double)(h.exists ? h.pings + 1 : 1));
		add_time(root, "at", now);
		add_time(
		        root, "due_at",
		        inc_heartbeat__due_at(now, want.every,
		                              want.grace > 0 ? want.grace : 0));
		/* overdue, and tick had not opened an incident yet */
		cJSON_AddBoolToObject(root, "was_overdue",
		                      was_overdue || h.incident[0] != '\0');
		if (h.npending > 0)
			cJSON_AddItemToObject(
			        root, "recovered",
			        cJSON_Duplicate(
			                cJSON_GetArrayItem(recs,
			                                   (int)h.npending - 1),
			                true));
		else
			cJSON_AddNullToObject(root, "recovered");
		cJSON_AddItemToObject(root, "recoveries", recs);
		recs = NULL;
		if ((*out = cJSON_PrintUnformatted(root)) == NULL)
			ret = inc_error__nomem(err);
	}
done:
	inc_store__rollback(s);
	cJSON_Delete(recs);
	cJSON_Delete(root);
	return ret;
}

int
inc_heartbeat_remove(inc_store *s, const char *name, int64_t now,
                     inc_error *err)
{
	char key[sizeof(SEEN_KEY) + INC_NAME_MAX];
	sqlite3_stmt *st;
	cJSON *p = NULL;
	struct hb h;
	int ret;

	if (now == 0)
		now = inc_time_now();
	if ((ret = check_name(name, err)) < 0)
		return ret;
	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	if ((ret = load_one(&h, s, name, err)) < 0)
		goto done;
	if (!h.exists) {
		ret = inc_error_set(err, INC_ENOTFOUND, "%s: no such heartbeat",
		                    name);
		goto done;
	}
	if ((p = cJSON_CreateObject()) == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	if ((ret = append(s, name, "heartbeat_removed", p, now, false, err)) <
	    0)
		goto done;
	snprintf(key, sizeof(key), SEEN_KEY "%s", name);
	if ((ret = inc_store__prepare(&st, s, "DELETE FROM meta WHERE key = ?",
	                              err)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if ((ret = inc_store__step_done(s, st, err)) < 0)
		goto done;
	ret = inc_store__commit(s, err);
done:
	inc_store__rollback(s);
	cJSON_Delete(p);
	return ret;
}

static const char *
state_of(const struct hb *h, int64_t now)
{
	if (h->incident[0] != '\0' || (h->ours && is_overdue(h, now)))
		return "overdue";
	/* this store never saw it ping: set elsewhere, or rebuilt */
	if (!h->seen_known || h->seen < h->set_at)
		return "new";
	return "ok";
}

int
inc_heartbeat_list_json(char **out, inc_store *s, int64_t now, inc_error *err)
{
	struct hb *v = NULL;
	size_t n = 0;
	cJSON *arr;
	int ret;

	*out = NULL;
	if (now == 0)
		now = inc_time_now();
	if ((ret = load_all(&v, &n, s, err)) < 0)
		return ret;
	if ((arr = cJSON_CreateArray()) == NULL) {
		free(v);
		return inc_error__nomem(err);
	}
	for (size_t i = 0; i < n; i++) {
		const struct hb *h = &v[i];
		char short_id[INC_ID_LEN + 1];
		cJSON *o;

		if (!h->exists)
			continue;
		if ((o = cJSON_CreateObject()) == NULL)
			break;
		cJSON_AddStringToObject(o, "name", h->name);
		cJSON_AddNumberToObject(o, "every", (double)h->every);
		cJSON_AddNumberToObject(o, "grace", (double)h->grace);
		if (h->service[0] != '\0')
			cJSON_AddStringToObject(o, "service", h->service);
		else
			cJSON_AddNullToObject(o, "service");
		if (h->severity != 0)
			cJSON_AddNumberToObject(o, "severity", h->severity);
		else
			cJSON_AddNullToObject(o, "severity");
		add_time(o, "set_at", h->set_at);
		add_time(o, "last_ping_at", last_ping(h));
		cJSON_AddNumberToObject(o, "pings", (double)h->pings);
		add_time(o, "due_at",
		         inc_heartbeat__due_at(last_ping(h), h->every,
		                               h->grace));
		cJSON_AddStringToObject(o, "state", state_of(h, now));
		if (h->incident[0] != '\0') {
			cJSON_AddStringToObject(o, "incident", h->incident);
			if (inc_id_short(short_id, s, h->incident, NULL) < 0)
				snprintf(short_id, sizeof(short_id), "%.*s",
				         INC_SHORT_ID_MIN, h->incident);
			cJSON_AddStringToObject(o, "short_id", short_id);
		} else {
			cJSON_AddNullToObject(o, "incident");
			cJSON_AddNullToObject(o, "short_id");
		}
		cJSON_AddItemToArray(arr, o);
	}
	free(v);
	*out = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	return *out != NULL ? 0 : inc_error__nomem(err);
}

/* ---- tick ---- */

static bool
wants_incident(const struct hb *h, int64_t now)
{
	return h->incident[0] == '\0' && h->ours && is_overdue(h, now);
}

/*
 * One heartbeat, decided and written in one transaction: its state is
 * read again, so a second tick that waited for the first sees the
 * heartbeat_overdue the first wrote and does nothing. *began as tick_one.
 */
static int
tick_one(cJSON *actions, bool *began, inc_store *s, const char *name,
         int64_t now, bool dry_run, inc_error *err)
{
	char title[INC_NAME_MAX + 64], summary[256], key[INC_SCOPE_MAX + 1];
	char last[32], every[32], grace[32], short_id[INC_ID_LEN + 1];
	const char *services[1];
	inc_open_opts o = INC_OPEN_OPTS_INIT;
	inc_incident *inc = NULL;
	inc_error unpaged = {0};
	bool dedup = false;
	struct hb h;
	int64_t due;
	cJSON *a;
	const cJSON *paged;
	int ret;

	*began = false;
	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	*began = true;
	if ((ret = load_one(&h, s, name, err)) < 0 || !wants_incident(&h, now))
		goto done;
	due = inc_heartbeat__due_at(last_ping(&h), h.every, h.grace);
	snprintf(title, sizeof(title), "heartbeat %s is overdue", name);
	inc_duration_format(every, sizeof(every), h.every);
	inc_duration_format(grace, sizeof(grace), h.grace);
	snprintf(summary, sizeof(summary),
	         "No ping since %s (every %s, grace %s).",
	         inc_time_rfc3339(last, sizeof(last), last_ping(&h)), every,
	         grace);
	snprintf(key, sizeof(key), SCOPE_KIND "%s", name);
	o.title = title;
	o.summary = summary;
	/* set where the scale is longer (a synced event): its last level */
	o.severity = h.severity <= inc_severity_count(s)
	                     ? h.severity
	                     : inc_severity_count(s);
	if (h.service[0] != '\0') {
		services[0] = h.service;
		o.services = services;
		o.nservices = 1;
	}
	o.now = now;
	/* impact began when the ping did not come */
	o.started = due < now ? due : 0;
	o.dedup_key = key;
	o.source = "heartbeat";
	o.dry_run = dry_run;
	o.unpaged = &unpaged;
	if ((ret = inc_change__open(&inc, &dedup, s, &o, NULL, inc_time_now(),
	                            err)) < 0 ||
	    (ret = append_incident(s, name, "heartbeat_overdue",
	                           inc_incident_id(inc), due, now, dry_run,
	                           err)) < 0)
		goto done;
	if (dry_run)
		snprintf(short_id, sizeof(short_id), "%.*s", INC_SHORT_ID_MIN,
		         inc_incident_id(inc));
	else if ((ret = inc_id_short(short_id, s, inc_incident_id(inc), err)) <
	         0)
		goto done;
	if (!dry_run && (ret = inc_store__commit(s, err)) < 0)
		goto done;
	if ((a = cJSON_CreateObject()) == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	cJSON_AddStringToObject(a, "action", "heartbeat_overdue");
	cJSON_AddStringToObject(a, "incident", inc_incident_id(inc));
	cJSON_AddStringToObject(a, "short_id", short_id);
	cJSON_AddStringToObject(a, "heartbeat", name);
	add_time(a, "last_ping_at", last_ping(&h));
	add_time(a, "due_at", due);
	cJSON_AddBoolToObject(a, "deduplicated", dedup);
	/* an attach pages no one: the incident's paged are its open's */
	paged = dedup ? NULL
	              : cJSON_GetObjectItemCaseSensitive(
	                        cJSON_GetObjectItemCaseSensitive(
	                                inc_incident__doc(inc), "escalation"),
	                        "paged");
	cJSON_AddItemToObject(a, "paged",
	                      paged != NULL ? cJSON_Duplicate(paged, true)
	                                    : cJSON_CreateArray());
	if (unpaged.code != 0)
		cJSON_AddStringToObject(a, "unpaged", unpaged.message);
	cJSON_AddItemToArray(actions, a);
done:
	inc_store__rollback(s);
	inc_incident_free(inc);
	return ret;
}

int
inc_heartbeat__tick(cJSON *actions, cJSON *errors, size_t *failed,
                    inc_error *first, inc_store *s, int64_t now, bool dry_run,
                    inc_error *err)
{
	struct hb *v = NULL;
	size_t n = 0;
	int ret;

	/* one read of them all; only those that may be due are re-read */
	if ((ret = load_all(&v, &n, s, err)) < 0)
		return ret;
	for (size_t i = 0; ret == 0 && i < n; i++) {
		char scope[INC_SCOPE_MAX + 1];
		inc_error e = {0};
		bool began;
		cJSON *o;

		if (!wants_incident(&v[i], now))
			continue;
		if (tick_one(actions, &began, s, v[i].name, now, dry_run, &e) ==
		    0)
			continue;
		if (!began || e.code == INC_ENOMEM || e.code == INC_EBUSY ||
		    e.code == INC_EREADONLY || e.code == INC_ECORRUPT) {
			*err = e;
			ret = e.code;
			break;
		}
		if ((*failed)++ == 0)
			*first = e;
		snprintf(scope, sizeof(scope), SCOPE_KIND "%s", v[i].name);
		if ((o = cJSON_CreateObject()) == NULL) {
			ret = inc_error__nomem(err);
			break;
		}
		cJSON_AddStringToObject(o, "incident", scope);
		cJSON_AddStringToObject(o, "short_id", scope);
		cJSON_AddStringToObject(o, "heartbeat", v[i].name);
		cJSON_AddStringToObject(o, "error", e.message);
		cJSON_AddItemToArray(errors, o);
	}
	free(v);
	return ret;
}
