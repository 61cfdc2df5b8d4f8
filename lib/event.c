#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void
inc_event__release(inc_event *ev)
{
	free(ev->actor);
	cJSON_Delete(ev->payload);
	ev->actor = NULL;
	ev->payload = NULL;
}

/*
 * The canonical JSON of an event: members in this fixed order, no
 * whitespace, times in RFC 3339 UTC. The event id is the SHA-256 of this
 * document without its "id"; the audit mirror stores it with the id.
 */
cJSON *
inc_event__json(const inc_event *ev, bool with_id)
{
	cJSON *o = cJSON_CreateObject(), *payload;
	char buf[32], lamport[32];

	if (o == NULL)
		return NULL;
	/*
	 * The clock as its digits: cJSON prints a number with 15 significant
	 * digits when that reads back "close enough", so above 10^15 a
	 * clock would not come back as it went (9007199254740991 printed as
	 * 9.00719925474099e+15). Below that the bytes are cJSON's own.
	 */
	snprintf(lamport, sizeof(lamport), "%lld", (long long)ev->lamport);
	payload = ev->payload != NULL ? cJSON_Duplicate(ev->payload, true)
	                              : cJSON_CreateObject();
	if (cJSON_AddNumberToObject(o, "format", INC_JSON_FORMAT) == NULL ||
	    (with_id && cJSON_AddStringToObject(o, "id", ev->id) == NULL) ||
	    cJSON_AddStringToObject(o, "incident", ev->incident) == NULL ||
	    cJSON_AddStringToObject(o, "kind", ev->kind) == NULL ||
	    cJSON_AddStringToObject(
	            o, "at", inc_time_rfc3339(buf, sizeof(buf), ev->at)) ==
	            NULL ||
	    cJSON_AddStringToObject(
	            o, "recorded_at",
	            inc_time_rfc3339(buf, sizeof(buf), ev->recorded_at)) ==
	            NULL ||
	    cJSON_AddRawToObject(o, "lamport", lamport) == NULL ||
	    cJSON_AddStringToObject(o, "replica", ev->replica) == NULL ||
	    cJSON_AddStringToObject(o, "actor", ev->actor) == NULL ||
	    payload == NULL || !cJSON_AddItemToObject(o, "payload", payload)) {
		cJSON_Delete(payload);
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int
inc_event__hash(inc_event *ev, inc_error *err)
{
	cJSON *o;
	char *text;

	/*
	 * The clock goes through JSON as a double: beyond 2^53 it would
	 * not come back as it went (a forged event near the top can use up
	 * the clock; nothing written after it could be read back).
	 */
	if (ev->lamport < 1 || ev->lamport > INC_JSON_INT_MAX)
		return inc_error_set(err, INC_ECORRUPT,
		                     "%s: the Lamport clock is out of range "
		                     "(%lld)",
		                     ev->incident, (long long)ev->lamport);
	o = inc_event__json(ev, false);
	text = o != NULL ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	if (text == NULL)
		return inc_error__nomem(err);
	inc_util__sha256_hex(ev->id, text, strlen(text));
	free(text);
	return 0;
}

/* The total order: Lamport time, then replica, then event id. */
int
inc_event__compare(const inc_event *a, const inc_event *b)
{
	int c;

	if (a->lamport != b->lamport)
		return a->lamport < b->lamport ? -1 : 1;
	if ((c = strcmp(a->replica, b->replica)) != 0)
		return c;
	return strcmp(a->id, b->id);
}

static void
copy_col(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, len, "%s", t != NULL ? (const char *)t : "");
}

static int load(inc_event_list **out, inc_store *s, const char *sql,
                const char *id, int64_t seq, inc_error *err);

int
inc_event__load_sql(inc_event_list **out, inc_store *s, const char *sql,
                    inc_error *err)
{
	return load(out, s, sql, NULL, -1, err);
}

bool
inc_event__imported(inc_store *s, int64_t seq)
{
	sqlite3_stmt *st;
	bool imported = false;

	if (inc_store__prepare(&st, s,
	                       "SELECT imported FROM events WHERE seq = ?",
	                       NULL) < 0)
		return false;
	sqlite3_bind_int64(st, 1, seq);
	if (sqlite3_step(st) == SQLITE_ROW)
		imported = sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return imported;
}

int
inc_event__load(inc_event_list **out, inc_store *s, const char *id,
                inc_error *err)
{
	return load(out, s,
	            "SELECT seq, id, incident, kind, at, recorded_at, lamport, "
	            "replica, actor, payload FROM events WHERE incident = ? "
	            "ORDER BY lamport, replica, id",
	            id, 0, err);
}

int
inc_event__load_after(inc_event_list **out, inc_store *s, int64_t seq,
                      inc_error *err)
{
	return load(out, s,
	            "SELECT seq, id, incident, kind, at, recorded_at, lamport, "
	            "replica, actor, payload FROM events WHERE seq > ? "
	            "AND (imported = 0 OR " INC_MIRROR_IMPORTED
	            ") ORDER BY seq",
	            NULL, seq, err);
}

static int
load(inc_event_list **out, inc_store *s, const char *sql, const char *id,
     int64_t seq, inc_error *err)
{
	inc_event_list *list = calloc(1, sizeof(*list));
	size_t cap = 0;
	sqlite3_stmt *st = NULL;
	int rc, ret;

	*out = NULL;
	if (list == NULL)
		return inc_error__nomem(err);
	if ((ret = inc_store__prepare(&st, s, sql, err)) < 0)
		goto done;
	if (id != NULL)
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	else if (seq >= 0)
		sqlite3_bind_int64(st, 1, seq);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		inc_event *ev;
		if (list->n == cap) {
			size_t ncap = cap != 0 ? cap * 2 : 16;
			inc_event *e = realloc(list->events, ncap * sizeof(*e));
			if (e == NULL) {
				ret = inc_error__nomem(err);
				goto done;
			}
			list->events = e;
			cap = ncap;
		}
		ev = &list->events[list->n];
		memset(ev, 0, sizeof(*ev));
		ev->seq = sqlite3_column_int64(st, 0);
		copy_col(ev->id, sizeof(ev->id), st, 1);
		copy_col(ev->incident, sizeof(ev->incident), st, 2);
		copy_col(ev->kind, sizeof(ev->kind), st, 3);
		ev->at = sqlite3_column_int64(st, 4);
		ev->recorded_at = sqlite3_column_int64(st, 5);
		ev->lamport = sqlite3_column_int64(st, 6);
		copy_col(ev->replica, sizeof(ev->replica), st, 7);
		ev->actor = inc_util__strdup(
		        (const char *)sqlite3_column_text(st, 8));
		ev->payload =
		        cJSON_Parse((const char *)sqlite3_column_text(st, 9));
		list->n++;
		if (ev->actor == NULL || ev->payload == NULL) {
			ret = inc_error_set(err, INC_ECORRUPT,
			                    "event %s: unreadable payload",
			                    ev->id);
			goto done;
		}
	}
	if (rc != SQLITE_DONE)
		ret = inc_error__sqlite(err, s->db, rc, "read events");
done:
	sqlite3_finalize(st);
	if (ret < 0)
		inc_event_list_free(list);
	else
		*out = list;
	return ret;
}

int
inc_event_list_load(inc_event_list **out, inc_store *s, const char *prefix,
                    inc_error *err)
{
	char id[INC_ID_LEN + 1];
	int ret;

	*out = NULL;
	if ((ret = inc_id_resolve(id, s, prefix, err)) < 0)
		return ret;
	return inc_event__load(out, s, id, err);
}

size_t
inc_event_list_count(const inc_event_list *list)
{
	return list->n;
}

const inc_event *
inc_event_list_get(const inc_event_list *list, size_t i)
{
	return i < list->n ? &list->events[i] : NULL;
}

void
inc_event_list_free(inc_event_list *list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < list->n; i++)
		inc_event__release(&list->events[i]);
	free(list->events);
	free(list);
}

const char *
inc_event_id(const inc_event *ev)
{
	return ev->id;
}

int64_t
inc_event_seq(const inc_event *ev)
{
	return ev->seq;
}

const char *
inc_event_incident(const inc_event *ev)
{
	return ev->incident;
}

const char *
inc_event_kind(const inc_event *ev)
{
	return ev->kind;
}

const char *
inc_event_actor(const inc_event *ev)
{
	return ev->actor;
}

int64_t
inc_event_at(const inc_event *ev)
{
	return ev->at;
}

int64_t
inc_event_recorded_at(const inc_event *ev)
{
	return ev->recorded_at;
}

const cJSON *
inc_event__payload(const inc_event *ev)
{
	return ev->payload;
}

int
inc_event__to_json(cJSON **out, const inc_event *ev, inc_error *err)
{
	*out = inc_event__json(ev, true);
	return *out != NULL ? 0 : inc_error__nomem(err);
}

/* What an event says, for the timeline: a line (notes may have more). */
char *
inc_event_describe(inc_store *s, const inc_event *ev)
{
	return inc_kind__describe(s, ev);
}

/* Every event, in total order or in arrival order. */
int
inc_event__load_all(inc_event_list **out, inc_store *s, bool total_order,
                    inc_error *err)
{
	return inc_event__load_sql(
	        out, s,
	        total_order
	                ? "SELECT seq, id, incident, kind, at, recorded_at, "
	                  "lamport, replica, actor, payload FROM events "
	                  "ORDER BY lamport, replica, id"
	                : "SELECT seq, id, incident, kind, at, recorded_at, "
	                  "lamport, replica, actor, payload FROM events "
	                  "ORDER BY seq",
	        err);
}

static bool
copy_str(char *dst, size_t len, const cJSON *o, const char *key)
{
	const char *v = inc_json__str(o, key);

	if (v == NULL || strlen(v) >= len)
		return false;
	memcpy(dst, v, strlen(v) + 1);
	return true;
}

/* The first member of an event file that is missing or unreadable. */
static const char *
bad_member(inc_event *ev, const cJSON *o)
{
	if (!copy_str(ev->id, sizeof(ev->id), o, "id"))
		return "id";
	if (!copy_str(ev->incident, sizeof(ev->incident), o, "incident") ||
	    (!inc_id__valid(ev->incident) &&
	     inc_scope__parse(ev->incident, NULL, NULL) == INC_EINVALID))
		return "incident";
	if (!copy_str(ev->kind, sizeof(ev->kind), o, "kind"))
		return "kind";
	if (!copy_str(ev->replica, sizeof(ev->replica), o, "replica"))
		return "replica";
	if (inc_time_from_rfc3339(&ev->at, inc_json__str(o, "at")) < 0)
		return "at";
	if (inc_time_from_rfc3339(&ev->recorded_at,
	                          inc_json__str(o, "recorded_at")) < 0)
		return "recorded_at";
	if (inc_json__str(o, "actor") == NULL)
		return "actor";
	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(o, "payload")))
		return "payload";
	return NULL;
}

/*
 * Parses an event file into ev (released with inc_event__release).
 * INC_ECORRUPT names the member that is wrong; INC_ENEWER is a file of a
 * newer format, which this version cannot read (nor hash) at all.
 */
int
inc_event__from_json(inc_event *ev, const char *text, size_t len,
                     inc_error *err)
{
	cJSON *o = cJSON_ParseWithLength(text, len);
	int64_t format;
	const char *bad;
	int ret = 0;

	memset(ev, 0, sizeof(*ev));
	if (o == NULL || !cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return inc_error_set(err, INC_ECORRUPT, "not a JSON object");
	}
	/* absent: this format's (the hash of the canonical form says more) */
	format = INC_JSON_FORMAT;
	if (cJSON_GetObjectItemCaseSensitive(o, "format") != NULL &&
	    inc_json__int(&format, o, "format", 1, INC_JSON_INT_MAX) < 0)
		ret = inc_error_set(err, INC_ECORRUPT,
		                    "format: not a format number");
	else if (format > INC_JSON_FORMAT)
		ret = inc_error_set(err, INC_ENEWER,
		                    "format %lld: written by a newer incident",
		                    (long long)format);
	else if (inc_json__int(&ev->lamport, o, "lamport", 1,
	                       INC_JSON_INT_MAX) < 0)
		/* never through a double: above 2^53 two clocks read as one */
		ret = inc_error_set(err, INC_ECORRUPT,
		                    "lamport: not a whole number from 1 to "
		                    "2^53-1");
	else if ((bad = bad_member(ev, o)) != NULL)
		ret = inc_error_set(err, INC_ECORRUPT,
		                    "%s: missing, or not a valid value", bad);
	if (ret == 0) {
		ev->actor = inc_util__strdup(inc_json__str(o, "actor"));
		ev->payload = cJSON_Duplicate(
		        cJSON_GetObjectItemCaseSensitive(o, "payload"), true);
		if (ev->actor == NULL || ev->payload == NULL) {
			inc_event__release(ev);
			ret = inc_error__nomem(err);
		}
	}
	cJSON_Delete(o);
	return ret;
}

bool
inc_event_is(const inc_event *ev, enum inc_action a)
{
	return strcmp(ev->kind, inc_action__kind(a)) == 0;
}

const char *
inc_event_text(const inc_event *ev)
{
	enum inc_action a;
	const char *key;

	if (inc_action__from_kind(&a, ev->kind) < 0 ||
	    (key = inc_action__text_key(a)) == NULL)
		return NULL;
	return inc_json__str(ev->payload, key);
}
