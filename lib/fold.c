/*
 * The projection: one pure function folds an incident's events, in total
 * order, into its current state. The write path, rebuild and the merge
 * after a sync all use it, so this file alone says what an event means.
 *
 * The fold is total. A status change applies only when the lifecycle
 * table allows it from the state folded so far (two replicas may resolve
 * and escalate at once; whichever sorts first wins the status, the other
 * still leaves its data); an event it does not know is counted and
 * otherwise ignored. Nothing here reads the clock, the config or the
 * store, so the same events give the same incident on every machine.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const roles[] = {"commander", "comms", "ops", "scribe"};

/* Every member exists from the start, so the key order never varies. */
cJSON *
inc_fold__new(const char *id)
{
	static const char *const milestones[] = {
	        "opened_at",    "started_at",  "detected_at", "acknowledged_at",
	        "mitigated_at", "resolved_at", "reviewed_at", "closed_at",
	        "cancelled_at", "updated_at",
	};
	cJSON *d = cJSON_CreateObject(), *r;

	if (d == NULL)
		return NULL;
	cJSON_AddStringToObject(d, "id", id);
	cJSON_AddStringToObject(d, "title", "");
	cJSON_AddNullToObject(d, "summary");
	cJSON_AddStringToObject(d, "status", "open");
	cJSON_AddNumberToObject(d, "severity", 0);
	cJSON_AddNullToObject(d, "priority");
	cJSON_AddNullToObject(d, "impact");
	cJSON_AddNullToObject(d, "urgency");
	cJSON_AddBoolToObject(d, "drill", false);
	cJSON_AddArrayToObject(d, "services");
	cJSON_AddArrayToObject(d, "tags");
	cJSON_AddObjectToObject(d, "fields");
	r = cJSON_AddObjectToObject(d, "roles");
	for (size_t i = 0; r != NULL && i < sizeof(roles) / sizeof(*roles); i++)
		cJSON_AddNullToObject(r, roles[i]);
	cJSON_AddNumberToObject(d, "escalation_level", 0);
	cJSON_AddNullToObject(d, "escalated_to");
	cJSON_AddArrayToObject(d, "dedup_keys");
	cJSON_AddNumberToObject(d, "alert_count", 0);
	cJSON_AddNullToObject(d, "merged_into");
	cJSON_AddArrayToObject(d, "merged_from");
	cJSON_AddNullToObject(d, "resolution");
	cJSON_AddNullToObject(d, "cause");
	cJSON_AddNullToObject(d, "cancel_reason");
	cJSON_AddNullToObject(d, "opened_by");
	for (size_t i = 0; i < sizeof(milestones) / sizeof(*milestones); i++)
		cJSON_AddNullToObject(d, milestones[i]);
	cJSON_AddNullToObject(d, "last_update");
	cJSON_AddNumberToObject(d, "update_count", 0);
	cJSON_AddNumberToObject(d, "reopen_count", 0);
	cJSON_AddNumberToObject(d, "review_count", 0);
	cJSON_AddNumberToObject(d, "event_count", 0);
	cJSON_AddNumberToObject(d, "note_count", 0);
	cJSON_AddNumberToObject(d, "unknown_event_count", 0);
	cJSON_AddArrayToObject(d, "assignments");
	cJSON_AddArrayToObject(d, "actions");
	return d;
}

static const cJSON *
member(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static cJSON *
member_mut(cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static void
increment(cJSON *d, const char *key, int by)
{
	inc_doc__set_int(d, key, (double)inc_doc__int(d, key) + by);
}

/* Copies a string member of the payload when it is there. */
static void
take_str(cJSON *d, const char *key, const cJSON *p, const char *pkey)
{
	const cJSON *v = member(p, pkey);

	if (cJSON_IsString(v))
		inc_doc__set_str(d, key, v->valuestring);
}

/* Copies a whole number of the payload within [0, INT_MAX]. */
static void
take_number(cJSON *d, const char *key, const cJSON *p)
{
	int64_t v;

	if (inc_json_int(&v, p, key, 0, INT_MAX) == 0)
		inc_doc__set_int(d, key, (double)v);
}

/* Sets a milestone unless it already has a time. */
static void
stamp(cJSON *d, const char *key, int64_t at)
{
	if (cJSON_IsNull(member(d, key)))
		inc_doc__set_time(d, key, at);
}

/*
 * Puts item before at in set. Not cJSON_InsertItemInArray: Debian's
 * cJSON 1.7.15 loses items inserted with it (LeakSanitizer shows it).
 */
static void
insert_before(cJSON *set, cJSON *at, cJSON *item)
{
	cJSON *rest = cJSON_CreateArray(), *x;

	if (rest == NULL) {
		cJSON_Delete(item);
		return;
	}
	while ((x = at) != NULL) {
		at = at->next;
		cJSON_AddItemToArray(rest, cJSON_DetachItemViaPointer(set, x));
	}
	cJSON_AddItemToArray(set, item);
	while (rest->child != NULL)
		cJSON_AddItemToArray(
		        set, cJSON_DetachItemViaPointer(rest, rest->child));
	cJSON_Delete(rest);
}

/* Adds each string of arr to the set d[key], keeping it sorted. */
static void
union_strings(cJSON *d, const char *key, const cJSON *arr)
{
	cJSON *set = member_mut(d, key);
	const cJSON *v;

	cJSON_ArrayForEach (v, arr) {
		cJSON *at, *item;
		int c = 1;

		if (!cJSON_IsString(v))
			continue;
		cJSON_ArrayForEach (at, set) {
			if ((c = strcmp(at->valuestring, v->valuestring)) >= 0)
				break;
		}
		if (c == 0 ||
		    (item = cJSON_CreateString(v->valuestring)) == NULL)
			continue;
		if (at == NULL)
			cJSON_AddItemToArray(set, item);
		else
			insert_before(set, at, item);
	}
}

static void
union_one(cJSON *d, const char *key, const cJSON *p, const char *pkey)
{
	const cJSON *v = member(p, pkey);
	cJSON *arr;

	if (!cJSON_IsString(v) || (arr = cJSON_CreateArray()) == NULL)
		return;
	cJSON_AddItemToArray(arr, cJSON_CreateString(v->valuestring));
	union_strings(d, key, arr);
	cJSON_Delete(arr);
}

static void set_role(cJSON *d, const char *role, const char *who, int64_t at,
                     const char *actor);

/* Payload members that classify, shared by opened and triaged. */
static void
classify(cJSON *d, const inc_event *ev)
{
	const cJSON *p = ev->payload;
	const cJSON *v;

	take_str(d, "summary", p, "summary");
	take_number(d, "severity", p);
	take_str(d, "priority", p, "priority");
	take_str(d, "impact", p, "impact");
	take_str(d, "urgency", p, "urgency");
	union_strings(d, "services", member(p, "services"));
	union_strings(d, "tags", member(p, "tags"));
	v = member(p, "commander");
	if (cJSON_IsString(v) &&
	    (inc_json_str(member(d, "roles"), "commander") == NULL ||
	     strcmp(inc_json_str(member(d, "roles"), "commander"),
	            v->valuestring) != 0))
		set_role(d, "commander", v->valuestring, ev->at, ev->actor);
	v = member(p, "started_at");
	if (cJSON_IsString(v)) {
		int64_t t;
		if (inc_time_from_rfc3339(&t, v->valuestring) == 0)
			inc_doc__set_time(d, "started_at", t);
	}
}

static void
apply_opened(cJSON *d, const inc_event *ev)
{
	const cJSON *p = ev->payload;

	/* a second "opened" (only a forged history has one) changes nothing */
	if (!cJSON_IsNull(member(d, "opened_at")))
		return;
	take_str(d, "title", p, "title");
	classify(d, ev);
	if (cJSON_IsTrue(member(p, "drill")))
		cJSON_ReplaceItemInObjectCaseSensitive(d, "drill",
		                                       cJSON_CreateTrue());
	if (cJSON_IsString(member(p, "dedup_key"))) {
		union_one(d, "dedup_keys", p, "dedup_key");
		increment(d, "alert_count", 1);
	}
	inc_doc__set_str(d, "opened_by", ev->actor);
	inc_doc__set_time(d, "opened_at", ev->at);
	inc_doc__set_time(d, "detected_at", ev->at);
}

/* The status-changing events: only when the table allows it from here. */
static void
apply_transition(cJSON *d, enum inc_action a, const inc_event *ev)
{
	const cJSON *p = ev->payload;
	enum inc_status st = INC_STATUS_OPEN;

	(void)inc_status_parse(&st, inc_json_str(d, "status"));
	if (!inc_action_allowed(a, st))
		return;
	inc_doc__set_str(d, "status", inc_status_name(inc_action__next(a, st)));
	switch (a) {
	case INC_ACTION_TRIAGE:
		classify(d, ev);
		stamp(d, "acknowledged_at", ev->at);
		break;
	case INC_ACTION_INVESTIGATE:
		stamp(d, "acknowledged_at", ev->at);
		break;
	case INC_ACTION_MITIGATE:
		/* a skipped milestone takes the time of the next one */
		stamp(d, "acknowledged_at", ev->at);
		stamp(d, "mitigated_at", ev->at);
		break;
	case INC_ACTION_RESOLVE:
		stamp(d, "acknowledged_at", ev->at);
		stamp(d, "mitigated_at", ev->at);
		inc_doc__set_time(d, "resolved_at", ev->at);
		take_str(d, "resolution", p, "summary");
		take_str(d, "cause", p, "cause");
		break;
	case INC_ACTION_REOPEN:
		inc_doc__set_time(d, "resolved_at", 0);
		inc_doc__set_time(d, "closed_at", 0);
		increment(d, "reopen_count", 1);
		break;
	case INC_ACTION_CLOSE:
		inc_doc__set_time(d, "closed_at", ev->at);
		/* closing is the review done */
		stamp(d, "reviewed_at", ev->at);
		break;
	case INC_ACTION_CANCEL:
		inc_doc__set_time(d, "cancelled_at", ev->at);
		take_str(d, "cancel_reason", p, "reason");
		break;
	case INC_ACTION_MERGE:
		take_str(d, "merged_into", p, "into");
		break;
	default:
		break;
	}
}

static void
apply_escalated(cJSON *d, const cJSON *p)
{
	int64_t level;

	/* a maximum: two people escalating at once mean the same level */
	if (inc_json_int(&level, p, "level", 0, INT_MAX) == 0 &&
	    level > inc_doc__int(d, "escalation_level"))
		inc_doc__set_int(d, "escalation_level", (double)level);
	take_str(d, "escalated_to", p, "to");
}

static void
apply_absorbed(cJSON *d, const cJSON *p)
{
	union_strings(d, "dedup_keys", member(p, "dedup_keys"));
	union_one(d, "merged_from", p, "from");
	increment(d, "alert_count", inc_doc__int(p, "alert_count"));
}

/*
 * Roles keep their history: who held which role from when until when.
 * who NULL removes the role's holder.
 */
static void
set_role(cJSON *d, const char *role, const char *who, int64_t at,
         const char *actor)
{
	cJSON *r = member_mut(d, "roles"), *hist = member_mut(d, "assignments");
	cJSON *h, *entry;
	char when[32];

	if (role == NULL || member(r, role) == NULL)
		return;
	cJSON_ArrayForEach (h, hist) {
		if (strcmp(inc_json_str(h, "role"), role) == 0 &&
		    cJSON_IsNull(member(h, "until")))
			inc_doc__set_time(h, "until", at);
	}
	inc_doc__set_str(r, role, who);
	if (who == NULL || (entry = cJSON_CreateObject()) == NULL)
		return;
	cJSON_AddStringToObject(entry, "role", role);
	cJSON_AddStringToObject(entry, "who", who);
	cJSON_AddStringToObject(entry, "since",
	                        inc_time_rfc3339(when, sizeof(when), at));
	cJSON_AddNullToObject(entry, "until");
	cJSON_AddStringToObject(entry, "by", actor);
	cJSON_AddItemToArray(hist, entry);
}

static void
apply_assigned(cJSON *d, const inc_event *ev)
{
	const cJSON *who = member(ev->payload, "who");

	set_role(d, inc_json_str(ev->payload, "role"),
	         cJSON_IsString(who) ? who->valuestring : NULL, ev->at,
	         ev->actor);
}

static void
apply_edited(cJSON *d, const cJSON *p)
{
	cJSON *fields = member_mut(d, "fields");
	const cJSON *f;

	take_str(d, "title", p, "title");
	/* an empty summary clears it */
	if (cJSON_IsString(member(p, "summary")))
		inc_doc__set_str(d, "summary",
		                 *member(p, "summary")->valuestring
		                         ? member(p, "summary")->valuestring
		                         : NULL);
	cJSON_ArrayForEach (f, member(p, "fields")) {
		cJSON_DeleteItemFromObjectCaseSensitive(fields, f->string);
		if (cJSON_IsString(f))
			cJSON_AddStringToObject(fields, f->string,
			                        f->valuestring);
	}
}

/* A follow-up action: numbered by its place in the fold, so the same on
 * every machine; done ones keep who finished them and when. */
static void
apply_action_added(cJSON *d, const inc_event *ev)
{
	cJSON *arr = member_mut(d, "actions"), *a = cJSON_CreateObject();
	const cJSON *p = ev->payload;
	char at[32];

	if (a == NULL)
		return;
	cJSON_AddStringToObject(a, "id", ev->id);
	cJSON_AddNumberToObject(a, "n", cJSON_GetArraySize(arr) + 1);
	cJSON_AddStringToObject(
	        a, "text",
	        inc_json_str(p, "text") ? inc_json_str(p, "text") : "");
	inc_doc__set_str(a, "owner", inc_json_str(p, "owner"));
	inc_doc__set_str(a, "due", inc_json_str(p, "due"));
	inc_doc__set_str(a, "type", inc_json_str(p, "type"));
	inc_doc__set_str(a, "priority", inc_json_str(p, "priority"));
	cJSON_AddStringToObject(a, "added_at",
	                        inc_time_rfc3339(at, sizeof(at), ev->at));
	cJSON_AddStringToObject(a, "added_by", ev->actor);
	cJSON_AddNullToObject(a, "done_at");
	cJSON_AddNullToObject(a, "done_by");
	cJSON_AddItemToArray(arr, a);
}

static void
apply_action_done(cJSON *d, const inc_event *ev)
{
	const char *which = inc_json_str(ev->payload, "action");
	cJSON *a;

	cJSON_ArrayForEach (a, member_mut(d, "actions")) {
		if (which == NULL ||
		    strcmp(inc_json_str(a, "id"), which) != 0 ||
		    !cJSON_IsNull(member(a, "done_at")))
			continue;
		inc_doc__set_time(a, "done_at", ev->at);
		inc_doc__set_str(a, "done_by", ev->actor);
	}
}

static void
apply_updated(cJSON *d, const inc_event *ev)
{
	cJSON *u;
	char at[32];

	increment(d, "update_count", 1);
	/* the latest by when it was said, so back-dating cannot hide one */
	if (inc_doc__time(member(d, "last_update"), "at") > ev->at)
		return;
	if ((u = cJSON_CreateObject()) == NULL)
		return;
	cJSON_AddStringToObject(u, "text", inc_json_str(ev->payload, "text"));
	cJSON_AddStringToObject(u, "at",
	                        inc_time_rfc3339(at, sizeof(at), ev->at));
	cJSON_AddStringToObject(u, "by", ev->actor);
	cJSON_ReplaceItemInObjectCaseSensitive(d, "last_update", u);
}

void
inc_fold__apply(cJSON *d, const inc_event *ev)
{
	int64_t updated = inc_doc__time(d, "updated_at");
	enum inc_action a;

	if (strcmp(ev->kind, "opened") == 0) {
		apply_opened(d, ev);
	} else if (inc_action__from_kind(&a, ev->kind) < 0) {
		increment(d, "unknown_event_count", 1);
	} else {
		switch (a) {
		case INC_ACTION_NOTE:
			increment(d, "note_count", 1);
			break;
		case INC_ACTION_UPDATE:
			apply_updated(d, ev);
			break;
		case INC_ACTION_ESCALATE:
			apply_escalated(d, ev->payload);
			break;
		case INC_ACTION_ABSORB:
			apply_absorbed(d, ev->payload);
			break;
		case INC_ACTION_ASSIGN:
			apply_assigned(d, ev);
			break;
		case INC_ACTION_EDIT:
			apply_edited(d, ev->payload);
			break;
		case INC_ACTION_REVIEW:
			/* the latest review; the document is in the event */
			if (inc_doc__time(d, "reviewed_at") < ev->at)
				inc_doc__set_time(d, "reviewed_at", ev->at);
			increment(d, "review_count", 1);
			break;
		case INC_ACTION_ACTION_ADD:
			apply_action_added(d, ev);
			break;
		case INC_ACTION_ACTION_DONE:
			apply_action_done(d, ev);
			break;
		case INC_ACTION_ATTACH:
			union_one(d, "dedup_keys", ev->payload, "dedup_key");
			increment(d, "alert_count", 1);
			break;
		default:
			apply_transition(d, a, ev);
			break;
		}
	}
	increment(d, "event_count", 1);
	/* a maximum, so arrival order cannot matter */
	if (ev->recorded_at > updated)
		inc_doc__set_time(d, "updated_at", ev->recorded_at);
}

static int
compare(const void *a, const void *b)
{
	return inc_event__compare(a, b);
}

cJSON *
inc_fold__events(const char *id, inc_event *events, size_t n)
{
	cJSON *d = inc_fold__new(id);

	if (d == NULL)
		return NULL;
	if (n > 1)
		qsort(events, n, sizeof(*events), compare);
	for (size_t i = 0; i < n; i++)
		inc_fold__apply(d, &events[i]);
	return d;
}
