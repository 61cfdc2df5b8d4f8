/*
 * The projection: one pure function folds an incident's events, in total
 * order, into its current state. The write path, rebuild and the merge
 * after a sync all use it, so this file alone says what an event means.
 *
 * The fold is total. A status change applies only when the lifecycle
 * table allows it from the state folded so far (two replicas may resolve
 * and escalate at once; whichever sorts first wins the status, the other
 * still leaves its data); an event it does not know (an unknown kind,
 * or a member unknown to its kind) is counted and otherwise ignored. Nothing
 * here reads the clock, the config or the store, so the same events give the
 * same incident on every machine.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const roles[] = {"commander", "comms", "ops", "scribe"};

/* An allocation that failed marks the fold, and the caller fails. */
static void
need(struct inc_fold *f, const void *made)
{
	if (made == NULL)
		f->oom = true;
}

static void
check(struct inc_fold *f, int ret)
{
	if (ret < 0)
		f->oom = true;
}

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
	bool ok = true;

	if (d == NULL)
		return NULL;
	ok = cJSON_AddStringToObject(d, "id", id) != NULL && ok;
	ok = cJSON_AddStringToObject(d, "title", "") != NULL && ok;
	ok = cJSON_AddNullToObject(d, "summary") != NULL && ok;
	ok = cJSON_AddStringToObject(d, "status", "open") != NULL && ok;
	ok = cJSON_AddNumberToObject(d, "severity", 0) != NULL && ok;
	ok = cJSON_AddNullToObject(d, "priority") != NULL && ok;
	ok = cJSON_AddNullToObject(d, "impact") != NULL && ok;
	ok = cJSON_AddNullToObject(d, "urgency") != NULL && ok;
	ok = cJSON_AddBoolToObject(d, "drill", false) != NULL && ok;
	ok = cJSON_AddArrayToObject(d, "services") != NULL && ok;
	ok = cJSON_AddArrayToObject(d, "tags") != NULL && ok;
	ok = cJSON_AddObjectToObject(d, "fields") != NULL && ok;
	ok = (r = cJSON_AddObjectToObject(d, "roles")) != NULL && ok;
	for (size_t i = 0; r != NULL && i < sizeof(roles) / sizeof(*roles); i++)
		ok = cJSON_AddNullToObject(r, roles[i]) != NULL && ok;
	ok = cJSON_AddNumberToObject(d, "escalation_level", 0) != NULL && ok;
	ok = cJSON_AddNullToObject(d, "escalated_to") != NULL && ok;
	ok = cJSON_AddArrayToObject(d, "dedup_keys") != NULL && ok;
	ok = cJSON_AddNumberToObject(d, "alert_count", 0) != NULL && ok;
	ok = cJSON_AddNullToObject(d, "merged_into") != NULL && ok;
	ok = cJSON_AddArrayToObject(d, "merged_from") != NULL && ok;
	ok = cJSON_AddNullToObject(d, "resolution") != NULL && ok;
	ok = cJSON_AddNullToObject(d, "cause") != NULL && ok;
	ok = cJSON_AddNullToObject(d, "cancel_reason") != NULL && ok;
	ok = cJSON_AddNullToObject(d, "opened_by") != NULL && ok;
	for (size_t i = 0; i < sizeof(milestones) / sizeof(*milestones); i++)
		ok = cJSON_AddNullToObject(d, milestones[i]) != NULL && ok;
	ok = cJSON_AddNullToObject(d, "last_update") != NULL && ok;
	ok = cJSON_AddNumberToObject(d, "update_count", 0) != NULL && ok;
	ok = cJSON_AddNumberToObject(d, "reopen_count", 0) != NULL && ok;
	ok = cJSON_AddNumberToObject(d, "review_count", 0) != NULL && ok;
	ok = cJSON_AddNumberToObject(d, "event_count", 0) != NULL && ok;
	ok = cJSON_AddNumberToObject(d, "note_count", 0) != NULL && ok;
	ok = cJSON_AddNumberToObject(d, "unknown_event_count", 0) != NULL && ok;
	ok = cJSON_AddArrayToObject(d, "assignments") != NULL && ok;
	ok = cJSON_AddArrayToObject(d, "actions") != NULL && ok;
	/* paging: the level's policy, step and who was paged, and when */
	ok = (r = cJSON_AddObjectToObject(d, "escalation")) != NULL && ok;
	ok = r != NULL && cJSON_AddNumberToObject(r, "level", 0) != NULL && ok;
	ok = r != NULL && cJSON_AddNullToObject(r, "policy") != NULL && ok;
	ok = r != NULL && cJSON_AddNullToObject(r, "step") != NULL && ok;
	ok = r != NULL && cJSON_AddArrayToObject(r, "paged") != NULL && ok;
	ok = r != NULL && cJSON_AddNullToObject(r, "escalated_at") != NULL &&
	     ok;
	ok = cJSON_AddNullToObject(d, "update_reminded_at") != NULL && ok;
	if (!ok) {
		cJSON_Delete(d);
		return NULL;
	}
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
increment(struct inc_fold *f, cJSON *d, const char *key, int by)
{
	check(f, inc_doc__set_int(d, key, (double)inc_doc__int(d, key) + by));
}

/* Copies a string member of the payload when it is there. */
static void
take_str(struct inc_fold *f, const char *key, const cJSON *p, const char *pkey)
{
	const cJSON *v = member(p, pkey);

	if (cJSON_IsString(v))
		check(f, inc_doc__set_str(f->d, key, v->valuestring));
}

/* Copies a whole number of the payload within [0, INT_MAX]. */
static void
take_number(struct inc_fold *f, const char *key, const cJSON *p)
{
	int64_t v;

	if (inc_json__int(&v, p, key, 0, INT_MAX) == 0)
		check(f, inc_doc__set_int(f->d, key, (double)v));
}

/* Sets a milestone unless it already has a time. */
static void
stamp(struct inc_fold *f, const char *key, int64_t at)
{
	if (cJSON_IsNull(member(f->d, key)))
		check(f, inc_doc__set_time(f->d, key, at));
}

/*
 * Puts item before at in set. Not cJSON_InsertItemInArray: Debian's
 * cJSON 1.7.15 loses items inserted with it (LeakSanitizer shows it).
 */
static void
insert_before(struct inc_fold *f, cJSON *set, cJSON *at, cJSON *item)
{
	cJSON *rest = cJSON_CreateArray(), *x;

	if (rest == NULL) {
		cJSON_Delete(item);
		f->oom = true;
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
union_strings(struct inc_fold *f, const char *key, const cJSON *arr)
{
	cJSON *set = member_mut(f->d, key);
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
		if (c == 0)
			continue;
		if ((item = cJSON_CreateString(v->valuestring)) == NULL) {
			f->oom = true;
			continue;
		}
		if (at == NULL)
			cJSON_AddItemToArray(set, item);
		else
			insert_before(f, set, at, item);
	}
}

static void
union_one(struct inc_fold *f, const char *key, const cJSON *p, const char *pkey)
{
	const cJSON *v = member(p, pkey);
	cJSON *arr, *item;

	if (!cJSON_IsString(v))
		return;
	arr = cJSON_CreateArray();
	item = cJSON_CreateString(v->valuestring);
	if (arr == NULL || item == NULL) {
		cJSON_Delete(arr);
		cJSON_Delete(item);
		f->oom = true;
		return;
	}
	cJSON_AddItemToArray(arr, item);
	union_strings(f, key, arr);
	cJSON_Delete(arr);
}

static void set_role(struct inc_fold *f, const char *role, const char *who,
                     int64_t at, const char *actor);

/* Payload members that classify, shared by opened and triaged. */
static void
classify(struct inc_fold *f, const inc_event *ev)
{
	const cJSON *p = ev->payload, *v;
	cJSON *d = f->d;

	take_str(f, "summary", p, "summary");
	take_number(f, "severity", p);
	take_str(f, "priority", p, "priority");
	take_str(f, "impact", p, "impact");
	take_str(f, "urgency", p, "urgency");
	union_strings(f, "services", member(p, "services"));
	union_strings(f, "tags", member(p, "tags"));
	v = member(p, "commander");
	if (cJSON_IsString(v) &&
	    (inc_json__str(member(d, "roles"), "commander") == NULL ||
	     strcmp(inc_json__str(member(d, "roles"), "commander"),
	            v->valuestring) != 0))
		set_role(f, "commander", v->valuestring, ev->at, ev->actor);
	v = member(p, "started_at");
	if (cJSON_IsString(v)) {
		int64_t t;
		if (inc_time_from_rfc3339(&t, v->valuestring) == 0)
			check(f, inc_doc__set_time(d, "started_at", t));
	}
}

void
inc_fold__opened(struct inc_fold *f, const inc_event *ev)
{
	const cJSON *p = ev->payload;
	cJSON *d = f->d;

	/* a second "opened" (only a forged history has one) changes nothing */
	if (!cJSON_IsNull(member(d, "opened_at")))
		return;
	take_str(f, "title", p, "title");
	classify(f, ev);
	if (cJSON_IsTrue(member(p, "drill"))) {
		check(f, inc_doc__replace(d, "drill", cJSON_CreateTrue()));
	}
	if (cJSON_IsString(member(p, "dedup_key"))) {
		union_one(f, "dedup_keys", p, "dedup_key");
		increment(f, d, "alert_count", 1);
	}
	/* ingest's labels that fit no service or tag rule */
	if (cJSON_IsObject(member(p, "fields"))) {
		const cJSON *fl;
		cJSON *fields = member_mut(d, "fields");
		cJSON_ArrayForEach (fl, member(p, "fields")) {
			if (cJSON_IsString(fl) && fields != NULL &&
			    member(fields, fl->string) == NULL)
				need(f,
				     cJSON_AddStringToObject(fields, fl->string,
				                             fl->valuestring));
		}
	}
	/* opened by a maintenance window: the member exists only then, so
	 * older stores fold as they did */
	if (cJSON_IsTrue(member(p, "maintenance")) &&
	    member(d, "maintenance") == NULL)
		need(f, cJSON_AddTrueToObject(d, "maintenance"));
	check(f, inc_doc__set_str(d, "opened_by", ev->actor));
	check(f, inc_doc__set_time(d, "opened_at", ev->at));
	check(f, inc_doc__set_time(d, "detected_at", ev->at));
}

/* The status-changing events: only when the table allows it from here. */
void
inc_fold__transition(struct inc_fold *f, const inc_event *ev)
{
	const cJSON *p = ev->payload;
	cJSON *d = f->d;
	enum inc_status st = INC_STATUS_OPEN;
	enum inc_action a;

	if (inc_action__from_kind(&a, ev->kind) < 0)
		return;
	(void)inc_status_parse(&st, inc_json__str(d, "status"));
	if (!inc_action_allowed(a, st))
		return;
	check(f, inc_doc__set_str(d, "status",
	                          inc_status_name(inc_action__next(a, st))));
	switch (a) {
	case INC_ACTION_TRIAGE:
		classify(f, ev);
		stamp(f, "acknowledged_at", ev->at);
		break;
	case INC_ACTION_INVESTIGATE:
		stamp(f, "acknowledged_at", ev->at);
		break;
	case INC_ACTION_MITIGATE:
		/* someone mitigating acknowledged it; the automatic step when
		 * the alerts resolved did not: TTA stays unknown */
		if (!cJSON_IsTrue(member(p, "automatic")))
			stamp(f, "acknowledged_at", ev->at);
		stamp(f, "mitigated_at", ev->at);
		break;
	case INC_ACTION_RESOLVE:
		/* a resolve never invents an acknowledgement (an alert that
		 * resolved by itself was never acknowledged); a skipped
		 * mitigation takes the time of the resolve */
		stamp(f, "mitigated_at", ev->at);
		check(f, inc_doc__set_time(d, "resolved_at", ev->at));
		take_str(f, "resolution", p, "summary");
		take_str(f, "cause", p, "cause");
		break;
	case INC_ACTION_REOPEN:
		check(f, inc_doc__set_time(d, "resolved_at", 0));
		check(f, inc_doc__set_time(d, "closed_at", 0));
		increment(f, d, "reopen_count", 1);
		break;
	case INC_ACTION_CLOSE:
		check(f, inc_doc__set_time(d, "closed_at", ev->at));
		/* closing is the review done */
		stamp(f, "reviewed_at", ev->at);
		break;
	case INC_ACTION_CANCEL:
		check(f, inc_doc__set_time(d, "cancelled_at", ev->at));
		take_str(f, "cancel_reason", p, "reason");
		break;
	case INC_ACTION_MERGE:
		take_str(f, "merged_into", p, "into");
		break;
	default:
		break;
	}
}

/* Adds who to the set of those paged, once. */
static void
add_paged(struct inc_fold *f, cJSON *paged, const char *who)
{
	const cJSON *x;
	cJSON *item;

	if (paged == NULL)
		return;
	cJSON_ArrayForEach (x, paged)
		if (cJSON_IsString(x) && strcmp(x->valuestring, who) == 0)
			return;
	need(f, item = cJSON_CreateString(who));
	if (item != NULL)
		cJSON_AddItemToArray(paged, item);
}

void
inc_fold__escalated(struct inc_fold *f, const inc_event *ev)
{
	const cJSON *p = ev->payload, *v;
	cJSON *e = member_mut(f->d, "escalation"), *paged;
	int64_t level, step;
	bool rose = false;

	/* a maximum: two people escalating at once mean the same level */
	if (inc_json__int(&level, p, "level", 0, INT_MAX) == 0 &&
	    level > inc_doc__int(f->d, "escalation_level")) {
		check(f, inc_doc__set_int(f->d, "escalation_level",
		                          (double)level));
		rose = true;
	}
	take_str(f, "escalated_to", p, "to");
	if (e == NULL)
		return;
	/* the level's page: who it paged, and since when; a page by hand
	 * at the same level adds to who is paged */
	if (rose) {
		check(f, inc_doc__set_int(e, "level", (double)level));
		check(f, inc_doc__set_str(e, "policy",
		                          inc_json__str(p, "policy")));
		if (inc_json__int(&step, p, "step", 1, INT_MAX) == 0)
			check(f, inc_doc__set_int(e, "step", (double)step));
		else
			check(f,
			      inc_doc__replace(e, "step", cJSON_CreateNull()));
		check(f, inc_doc__replace(e, "paged", cJSON_CreateArray()));
		check(f, inc_doc__set_time(e, "escalated_at", ev->at));
	} else if (inc_json__str(e, "policy") == NULL &&
	           inc_json__str(p, "policy") != NULL) {
		check(f, inc_doc__set_str(e, "policy",
		                          inc_json__str(p, "policy")));
	}
	paged = member_mut(e, "paged");
	/* by hand without a policy: the one it went to is paged */
	if (member(p, "paged") == NULL && inc_json__str(p, "to") != NULL)
		add_paged(f, paged, inc_json__str(p, "to"));
	cJSON_ArrayForEach (v, member(p, "paged")) {
		if (cJSON_IsString(v))
			add_paged(f, paged, v->valuestring);
	}
}

/* A reminder that a stakeholder update is overdue: the latest counts. */
void
inc_fold__update_due(struct inc_fold *f, const inc_event *ev)
{
	if (inc_doc__time(f->d, "update_reminded_at") < ev->at)
		check(f, inc_doc__set_time(f->d, "update_reminded_at", ev->at));
}

void
inc_fold__absorbed(struct inc_fold *f, const inc_event *ev)
{
	const cJSON *p = ev->payload;

	union_strings(f, "dedup_keys", member(p, "dedup_keys"));
	union_one(f, "merged_from", p, "from");
	increment(f, f->d, "alert_count", inc_doc__int(p, "alert_count"));
}

/*
 * Roles keep their history: who held which role from when until when.
 * who NULL removes the role's holder.
 */
static void
set_role(struct inc_fold *f, const char *role, const char *who, int64_t at,
         const char *actor)
{
	cJSON *d = f->d;
	cJSON *r = member_mut(d, "roles"), *hist = member_mut(d, "assignments");
	cJSON *h, *entry;
	char when[32];

	if (role == NULL || member(r, role) == NULL)
		return;
	cJSON_ArrayForEach (h, hist) {
		if (strcmp(inc_json__str(h, "role"), role) == 0 &&
		    cJSON_IsNull(member(h, "until")))
			check(f, inc_doc__set_time(h, "until", at));
	}
	check(f, inc_doc__set_str(r, role, who));
	if (who == NULL)
		return;
	need(f, entry = cJSON_CreateObject());
	if (entry == NULL)
		return;
	need(f, cJSON_AddStringToObject(entry, "role", role));
	need(f, cJSON_AddStringToObject(entry, "who", who));
	need(f,
	     cJSON_AddStringToObject(entry, "since",
	                             inc_time_rfc3339(when, sizeof(when), at)));
	need(f, cJSON_AddNullToObject(entry, "until"));
	need(f, cJSON_AddStringToObject(entry, "by", actor));
	cJSON_AddItemToArray(hist, entry);
}

void
inc_fold__assigned(struct inc_fold *f, const inc_event *ev)
{
	const cJSON *who = member(ev->payload, "who");

	set_role(f, inc_json__str(ev->payload, "role"),
	         cJSON_IsString(who) ? who->valuestring : NULL, ev->at,
	         ev->actor);
}

void
inc_fold__edited(struct inc_fold *f, const inc_event *ev)
{
	const cJSON *p = ev->payload, *fl;
	cJSON *fields = member_mut(f->d, "fields");

	take_str(f, "title", p, "title");
	/* an empty summary clears it */
	if (cJSON_IsString(member(p, "summary")))
		check(f, inc_doc__set_str(
		                 f->d, "summary",
		                 *member(p, "summary")->valuestring
		                         ? member(p, "summary")->valuestring
		                         : NULL));
	cJSON_ArrayForEach (fl, member(p, "fields")) {
		cJSON_DeleteItemFromObjectCaseSensitive(fields, fl->string);
		if (cJSON_IsString(fl))
			need(f, cJSON_AddStringToObject(fields, fl->string,
			                                fl->valuestring));
	}
}

/* A follow-up action: numbered by its place in the fold, so the same on
 * every machine; done ones keep who finished them and when. */
void
inc_fold__action_added(struct inc_fold *f, const inc_event *ev)
{
	cJSON *arr = member_mut(f->d, "actions"), *a = cJSON_CreateObject();
	const cJSON *p = ev->payload;
	const char *text = inc_json__str(p, "text");
	char at[32];

	need(f, a);
	if (a == NULL)
		return;
	need(f, cJSON_AddStringToObject(a, "id", ev->id));
	need(f, cJSON_AddNumberToObject(a, "n", cJSON_GetArraySize(arr) + 1));
	need(f, cJSON_AddStringToObject(a, "text", text != NULL ? text : ""));
	check(f, inc_doc__set_str(a, "owner", inc_json__str(p, "owner")));
	check(f, inc_doc__set_str(a, "due", inc_json__str(p, "due")));
	check(f, inc_doc__set_str(a, "type", inc_json__str(p, "type")));
	check(f, inc_doc__set_str(a, "priority", inc_json__str(p, "priority")));
	need(f,
	     cJSON_AddStringToObject(a, "added_at",
	                             inc_time_rfc3339(at, sizeof(at), ev->at)));
	need(f, cJSON_AddStringToObject(a, "added_by", ev->actor));
	need(f, cJSON_AddNullToObject(a, "done_at"));
	need(f, cJSON_AddNullToObject(a, "done_by"));
	cJSON_AddItemToArray(arr, a);
}

void
inc_fold__action_done(struct inc_fold *f, const inc_event *ev)
{
	const char *which = inc_json__str(ev->payload, "action");
	cJSON *a;

	cJSON_ArrayForEach (a, member_mut(f->d, "actions")) {
		if (which == NULL ||
		    strcmp(inc_json__str(a, "id"), which) != 0 ||
		    !cJSON_IsNull(member(a, "done_at")))
			continue;
		check(f, inc_doc__set_time(a, "done_at", ev->at));
		check(f, inc_doc__set_str(a, "done_by", ev->actor));
	}
}

void
inc_fold__updated(struct inc_fold *f, const inc_event *ev)
{
	const char *text = inc_json__str(ev->payload, "text");
	cJSON *u, *d = f->d;
	char at[32];

	increment(f, d, "update_count", 1);
	/* the latest by when it was said, so back-dating cannot hide one */
	if (inc_doc__time(member(d, "last_update"), "at") > ev->at)
		return;
	need(f, u = cJSON_CreateObject());
	if (u == NULL)
		return;
	need(f, text != NULL ? cJSON_AddStringToObject(u, "text", text)
	                     : cJSON_AddNullToObject(u, "text"));
	need(f, cJSON_AddStringToObject(
	                u, "at", inc_time_rfc3339(at, sizeof(at), ev->at)));
	need(f, cJSON_AddStringToObject(u, "by", ev->actor));
	check(f, inc_doc__replace(d, "last_update", u));
}

void
inc_fold__noted(struct inc_fold *f, const inc_event *ev)
{
	(void)ev;
	increment(f, f->d, "note_count", 1);
}

void
inc_fold__reviewed(struct inc_fold *f, const inc_event *ev)
{
	/* the latest review; the document is in the event */
	if (inc_doc__time(f->d, "reviewed_at") < ev->at)
		check(f, inc_doc__set_time(f->d, "reviewed_at", ev->at));
	increment(f, f->d, "review_count", 1);
}

void
inc_fold__alert_attached(struct inc_fold *f, const inc_event *ev)
{
	union_one(f, "dedup_keys", ev->payload, "dedup_key");
	increment(f, f->d, "alert_count", 1);
}

/*
 * The runbook the responders follow, as it was when attached: the first
 * attached wins (two replicas attaching at once keep the one that sorts
 * first), so the steps checked against it keep their meaning. Another
 * attachment is kept beside it, in "also_attached" (its version, who
 * attached it, its steps), so that the checks made against it are not
 * lost (see inc_fold__step_checked). The projection has no "runbook"
 * member until one is attached, so stores older than runbooks fold as
 * they did.
 */
void
inc_fold__runbook_attached(struct inc_fold *f, const inc_event *ev)
{
	const cJSON *p = ev->payload, *v;
	cJSON *rb, *steps, *kept = member_mut(f->d, "runbook"), *also;
	char at[32];
	int n = 0;

	if (cJSON_IsObject(kept)) {
		if ((also = member_mut(kept, "also_attached")) == NULL)
			need(f, also = cJSON_AddArrayToObject(kept,
			                                      "also_attached"));
		need(f, rb = cJSON_CreateObject());
		if (rb == NULL || also == NULL) {
			cJSON_Delete(rb);
			return;
		}
		need(f, cJSON_AddStringToObject(rb, "path",
		                                inc_json__str(p, "path")));
		need(f, cJSON_AddStringToObject(rb, "hash",
		                                inc_json__str(p, "hash")));
		need(f, cJSON_AddStringToObject(rb, "title",
		                                inc_json__str(p, "title")));
		need(f, cJSON_AddStringToObject(
		                rb, "attached_at",
		                inc_time_rfc3339(at, sizeof(at), ev->at)));
		need(f, cJSON_AddStringToObject(rb, "attached_by", ev->actor));
		need(f, steps = cJSON_Duplicate(member(p, "steps"), true));
		if (steps != NULL)
			cJSON_AddItemToObject(rb, "steps", steps);
		cJSON_AddItemToArray(also, rb);
		return;
	}
	need(f, rb = cJSON_CreateObject());
	if (rb == NULL)
		return;
	need(f, cJSON_AddStringToObject(rb, "path", inc_json__str(p, "path")));
	need(f, cJSON_AddStringToObject(rb, "hash", inc_json__str(p, "hash")));
	need(f,
	     cJSON_AddStringToObject(rb, "title", inc_json__str(p, "title")));
	need(f,
	     cJSON_AddStringToObject(rb, "attached_at",
	                             inc_time_rfc3339(at, sizeof(at), ev->at)));
	need(f, cJSON_AddStringToObject(rb, "attached_by", ev->actor));
	need(f, steps = cJSON_AddArrayToObject(rb, "steps"));
	cJSON_ArrayForEach (v, member(p, "steps")) {
		cJSON *st = cJSON_CreateObject();

		need(f, st);
		if (st == NULL || steps == NULL) {
			cJSON_Delete(st);
			continue;
		}
		need(f, cJSON_AddNumberToObject(st, "n", ++n));
		need(f, cJSON_AddStringToObject(st, "text", v->valuestring));
		need(f, cJSON_AddFalseToObject(st, "checked"));
		need(f, cJSON_AddNullToObject(st, "checked_at"));
		need(f, cJSON_AddNullToObject(st, "checked_by"));
		need(f, cJSON_AddNullToObject(st, "note"));
		cJSON_AddItemToArray(steps, st);
	}
	cJSON_AddItemToObject(f->d, "runbook", rb);
}

/* The first step of steps whose text is text, or NULL. */
static cJSON *
step_by_text(cJSON *steps, const char *text)
{
	cJSON *st;

	cJSON_ArrayForEach (st, steps)
		if (text != NULL && inc_json__str(st, "text") != NULL &&
		    strcmp(inc_json__str(st, "text"), text) == 0)
			return st;
	return NULL;
}

/*
 * A check no step of the kept version takes: kept in the runbook's
 * "other_checks", with the version it was made against, so that show and
 * the review say it.
 */
static void
other_check(struct inc_fold *f, cJSON *rb, const inc_event *ev, int64_t n)
{
	cJSON *arr = member_mut(rb, "other_checks"), *c;
	const char *note = inc_json__str(ev->payload, "note");
	char at[32];

	if (arr == NULL)
		need(f, arr = cJSON_AddArrayToObject(rb, "other_checks"));
	need(f, c = cJSON_CreateObject());
	if (arr == NULL || c == NULL) {
		cJSON_Delete(c);
		return;
	}
	need(f, cJSON_AddStringToObject(c, "hash",
	                                inc_json__str(ev->payload, "hash")));
	need(f, cJSON_AddNumberToObject(c, "step", (double)n));
	need(f, cJSON_AddStringToObject(c, "text",
	                                inc_json__str(ev->payload, "text")));
	need(f,
	     cJSON_AddStringToObject(c, "checked_at",
	                             inc_time_rfc3339(at, sizeof(at), ev->at)));
	need(f, cJSON_AddStringToObject(c, "checked_by", ev->actor));
	need(f, note != NULL ? cJSON_AddStringToObject(c, "note", note)
	                     : cJSON_AddNullToObject(c, "note"));
	cJSON_AddItemToArray(arr, c);
}

/*
 * A step of the attached version, once: the first check stands. A check
 * of another version (two replicas attached different versions) is
 * never dropped: it checks the kept version's step of the same text,
 * and when there is none it is kept in "other_checks".
 */
void
inc_fold__step_checked(struct inc_fold *f, const inc_event *ev)
{
	cJSON *rb = member_mut(f->d, "runbook"), *st;
	const char *hash = inc_json__str(ev->payload, "hash");
	int64_t n;

	if (!cJSON_IsObject(rb) || hash == NULL ||
	    inc_json__int(&n, ev->payload, "step", 1, INT_MAX) < 0)
		return;
	if (strcmp(hash, inc_json__str(rb, "hash")) == 0)
		st = cJSON_GetArrayItem(member_mut(rb, "steps"), (int)n - 1);
	else
		st = step_by_text(member_mut(rb, "steps"),
		                  inc_json__str(ev->payload, "text"));
	if (st == NULL) {
		other_check(f, rb, ev, n);
		return;
	}
	if (cJSON_IsTrue(member(st, "checked")))
		return;
	check(f, inc_doc__replace(st, "checked", cJSON_CreateTrue()));
	check(f, inc_doc__set_time(st, "checked_at", ev->at));
	check(f, inc_doc__set_str(st, "checked_by", ev->actor));
	check(f,
	      inc_doc__set_str(st, "note", inc_json__str(ev->payload, "note")));
}

/* ---- alerts inside an incident (ingest) ---- */

static cJSON *
alert_of(cJSON *alerts, const char *key)
{
	cJSON *a;

	cJSON_ArrayForEach (a, alerts) {
		const char *k = inc_json__str(a, "key");
		if (k != NULL && key != NULL && strcmp(k, key) == 0)
			return a;
	}
	return NULL;
}

/* Sets a of the payload's member pkey (a copy), or null. */
static void
copy_member(struct inc_fold *f, cJSON *a, const char *key, const cJSON *p,
            const char *pkey, bool object)
{
	const cJSON *v = member(p, pkey);
	cJSON *c = v != NULL ? cJSON_Duplicate(v, true)
	                     : (object ? cJSON_CreateObject()
	                               : cJSON_CreateArray());

	need(f, c);
	/* a copy of a member keeps its name; Debian's cJSON 1.7.15 loses
	 * it when the copy replaces another (LeakSanitizer shows it) */
	if (c != NULL && c->string != NULL) {
		cJSON_free(c->string);
		c->string = NULL;
	}
	if (c != NULL)
		check(f, inc_doc__replace(a, key, c));
}

/*
 * An alert fired: a new one is kept (its key, what the sender said,
 * when it began); one that resolved and fires again is firing again.
 * alert_count is at least the number of alerts kept.
 */
void
inc_fold__alert_fired(struct inc_fold *f, const inc_event *ev)
{
	const cJSON *p = ev->payload;
	const char *key = inc_json__str(p, "key");
	cJSON *alerts = member_mut(f->d, "alerts"), *a;
	int64_t t;

	if (key == NULL)
		return;
	if (alerts == NULL)
		need(f, alerts = cJSON_AddArrayToObject(f->d, "alerts"));
	if (alerts == NULL)
		return;
	if ((a = alert_of(alerts, key)) == NULL) {
		need(f, a = cJSON_CreateObject());
		if (a == NULL)
			return;
		need(f, cJSON_AddStringToObject(a, "key", key));
		need(f, cJSON_AddStringToObject(a, "state", "firing"));
		need(f, cJSON_AddNullToObject(a, "title"));
		need(f, cJSON_AddNullToObject(a, "source"));
		need(f, cJSON_AddObjectToObject(a, "labels"));
		need(f, cJSON_AddObjectToObject(a, "annotations"));
		need(f, cJSON_AddArrayToObject(a, "links"));
		need(f, cJSON_AddNullToObject(a, "starts_at"));
		need(f, cJSON_AddNullToObject(a, "ends_at"));
		need(f, cJSON_AddNullToObject(a, "fired_at"));
		need(f, cJSON_AddNullToObject(a, "resolved_at"));
		need(f, cJSON_AddNullToObject(a, "note"));
		cJSON_AddItemToArray(alerts, a);
	} else if (strcmp(inc_json__str(a, "state") != NULL
	                          ? inc_json__str(a, "state")
	                          : "",
	                  "firing") == 0) {
		/* firing already: the first fire stands */
		return;
	}
	check(f, inc_doc__set_str(a, "state", "firing"));
	check(f, inc_doc__set_str(a, "title", inc_json__str(p, "title")));
	check(f, inc_doc__set_str(a, "source", inc_json__str(p, "source")));
	copy_member(f, a, "labels", p, "labels", true);
	copy_member(f, a, "annotations", p, "annotations", true);
	copy_member(f, a, "links", p, "links", false);
	if (inc_time_from_rfc3339(&t, inc_json__str(p, "starts_at")) == 0)
		check(f, inc_doc__set_time(a, "starts_at", t));
	check(f, inc_doc__set_time(a, "ends_at", 0));
	check(f, inc_doc__set_time(a, "fired_at", ev->at));
	check(f, inc_doc__set_time(a, "resolved_at", 0));
	check(f, inc_doc__set_str(a, "note", inc_json__str(p, "note")));
	if (inc_doc__int(f->d, "alert_count") < cJSON_GetArraySize(alerts))
		check(f, inc_doc__set_int(f->d, "alert_count",
		                          cJSON_GetArraySize(alerts)));
}

/* A firing alert resolved: the first resolve stands. */
void
inc_fold__alert_resolved(struct inc_fold *f, const inc_event *ev)
{
	const cJSON *p = ev->payload;
	cJSON *a =
	        alert_of(member_mut(f->d, "alerts"), inc_json__str(p, "key"));
	int64_t t;

	if (a == NULL ||
	    strcmp(inc_json__str(a, "state") != NULL ? inc_json__str(a, "state")
	                                             : "",
	           "firing") != 0)
		return;
	check(f, inc_doc__set_str(a, "state", "resolved"));
	if (inc_time_from_rfc3339(&t, inc_json__str(p, "ends_at")) == 0)
		check(f, inc_doc__set_time(a, "ends_at", t));
	check(f, inc_doc__set_time(a, "resolved_at", ev->at));
	if (inc_json__str(p, "note") != NULL)
		check(f, inc_doc__set_str(a, "note", inc_json__str(p, "note")));
}

int
inc_fold__apply(cJSON *d, const inc_event *ev)
{
	const struct inc_kind *k = inc_kind__find(ev->kind);
	struct inc_fold f = {d, false};
	int64_t updated = inc_doc__time(d, "updated_at");

	/* a newer version's event (a kind or member unknown here) is kept
	 * and counted, never half understood */
	if (k != NULL && inc_kind__known(ev))
		inc_kind__fold(k, &f, ev);
	else
		increment(&f, d, "unknown_event_count", 1);
	increment(&f, d, "event_count", 1);
	/* a maximum, so arrival order cannot matter */
	if (ev->recorded_at > updated)
		check(&f, inc_doc__set_time(d, "updated_at", ev->recorded_at));
	return f.oom ? INC_ENOMEM : 0;
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
	for (size_t i = 0; i < n; i++) {
		if (inc_fold__apply(d, &events[i]) < 0) {
			/* never a wrong projection: none at all */
			cJSON_Delete(d);
			return NULL;
		}
	}
	return d;
}
