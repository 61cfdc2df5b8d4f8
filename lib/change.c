/*
 * Every write goes through here: inside one IMMEDIATE transaction it
 * loads the incident's current state, validates the change against it
 * and the lifecycle table, appends the event, folds it in and stores the
 * projection. Nothing is written when validation fails.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

/* How far ahead of "now" a time may be (clock skew). */
#define FUTURE_SLACK 300
#define LABEL_MAX 100
#define NAME_MAX_BYTES 200

/*
 * at defaults to the world's now (the caller's, e.g. a drill's
 * INCIDENT_NOW; else the clock) and may not run ahead of it. Only
 * recorded_at is always the clock: it says when the event was logged.
 */
static int
check_at(int64_t *at, int64_t now, int64_t clock, inc_error *err)
{
	if (now == 0)
		now = clock;
	if (*at == 0)
		*at = now;
	if (*at > now + FUTURE_SLACK)
		return inc_error_set(err, INC_EINVALID,
		                     "that time is in the future");
	return 0;
}

static int
check_text(const char *text, size_t max, const char *what, bool required,
           inc_error *err)
{
	if (text == NULL || text[strspn(text, " \t\r\n")] == '\0')
		return required ? inc_error_set(err, INC_EINVALID,
		                                "%s is empty", what)
		                : 0;
	return inc_text_check(text, max, what, err);
}

static int
check_label(const char *label, const char *what, inc_error *err)
{
	int ret = inc_text_check(label, LABEL_MAX, what, err);

	if (ret < 0)
		return ret;
	if (*label == '\0' || strpbrk(label, " \t\r\n,") != NULL)
		return inc_error_set(err, INC_EINVALID,
		                     "%s '%s' is empty or has spaces or commas",
		                     what, label);
	return 0;
}

static int
check_labels(const char *const *v, size_t n, const char *what, inc_error *err)
{
	int ret;

	for (size_t i = 0; i < n; i++)
		if ((ret = check_label(v[i], what, err)) < 0)
			return ret;
	return 0;
}

static cJSON *
string_array(const char *const *v, size_t n)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr != NULL && i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(v[i]));
	return arr;
}

static void
add_opt_str(cJSON *p, const char *key, const char *value)
{
	if (value != NULL && *value != '\0')
		cJSON_AddStringToObject(p, key, value);
}

static void
add_time(cJSON *p, const char *key, int64_t t)
{
	char buf[32];

	cJSON_AddStringToObject(p, key, inc_time_rfc3339(buf, sizeof(buf), t));
}

/*
 * Appends an event of kind to incident id (doc: its current state, NULL
 * for a new incident), folds it in and stores the projection. Called in
 * a write transaction. doc is consumed; *out (when not NULL) gets the
 * new state.
 */
static int
append(inc_incident **out, inc_store *s, const char *id, cJSON *doc,
       const char *kind, cJSON *payload, int64_t at, int64_t recorded,
       bool dry_run, inc_error *err)
{
	inc_event ev = {0};
	int ret = 0;

	snprintf(ev.incident, sizeof(ev.incident), "%s", id);
	snprintf(ev.kind, sizeof(ev.kind), "%s", kind);
	snprintf(ev.replica, sizeof(ev.replica), "%s", s->replica);
	ev.at = at;
	ev.recorded_at = recorded;
	ev.actor = s->actor != NULL ? s->actor : "unknown";
	ev.payload = payload;
	if (doc == NULL && (doc = inc_fold__new(id)) == NULL)
		return inc_error__nomem(err);
	if (!dry_run && (ret = inc_store__append(s, &ev, err)) < 0)
		goto done;
	/* the pages and reminders it asks for, in its transaction */
	if (!dry_run && (ret = inc_escalation__after(s, &ev, err)) < 0)
		goto done;
	if (inc_fold__apply(doc, &ev) < 0) {
		ret = inc_error__nomem(err);
		goto done;
	}
	if (!dry_run && !s->project_deferred &&
	    (ret = inc_store__project(s, doc, err)) < 0)
		goto done;
	if (out != NULL) {
		if ((*out = calloc(1, sizeof(**out))) == NULL) {
			ret = inc_error__nomem(err);
			goto done;
		}
		(*out)->doc = doc;
		doc = NULL;
	}
done:
	cJSON_Delete(doc);
	return ret;
}

/* ---- priority: impact x urgency (ITIL), overridable in config ---- */

static const char *const levels3[] = {"high", "medium", "low"};

static int
level3(const char *text)
{
	for (int i = 0; i < 3; i++)
		if (text != NULL && strcasecmp(text, levels3[i]) == 0)
			return i;
	return -1;
}

static int
check_priority(char out[4], const char *text, inc_error *err)
{
	if (text != NULL && (text[0] == 'p' || text[0] == 'P') &&
	    text[1] >= '1' && text[1] <= '4' && text[2] == '\0') {
		snprintf(out, 4, "P%c", text[1]);
		return 0;
	}
	return inc_error_set(err, INC_EINVALID,
	                     "unknown priority '%.20s' (P1, P2, P3 or P4)",
	                     text != NULL ? text : "");
}

/* config priority.<impact>.<urgency> = P1..P4 overrides the matrix */
static int
priority_of(char out[4], inc_store *s, int impact, int urgency, inc_error *err)
{
	static const char *const matrix[3][3] = {
	        {"P1", "P2", "P3"},
	        {"P2", "P3", "P4"},
	        {"P3", "P4", "P4"},
	};
	const inc_config *cfg = NULL;
	const char *v;
	char key[64];
	int ret;

	if ((ret = inc_store_config(&cfg, s, err)) < 0)
		return ret;
	snprintf(key, sizeof(key), "priority.%s.%s", levels3[impact],
	         levels3[urgency]);
	if ((v = inc_config_get(cfg, key)) != NULL &&
	    check_priority(out, v, err) < 0)
		return inc_error_set(err, INC_ERROR,
		                     "config %s = '%.20s': not P1..P4", key, v);
	if (v != NULL)
		return 0;
	snprintf(out, 4, "%s", matrix[impact][urgency]);
	return 0;
}

/* ---- the actions on an existing incident ---- */

struct ctx {
	inc_store *s;
	const cJSON *doc; /* the current state */
	const char *short_id;
	const inc_change_opts *o;
	cJSON *p; /* the payload being built */
	inc_error *err;
};

static int
build_triage(struct ctx *c)
{
	const inc_change_opts *o = c->o;
	int impact = level3(o->impact), urgency = level3(o->urgency), ret;
	char prio[4] = "";

	if (o->severity != 0) {
		if (o->severity < 0 || o->severity > inc_severity_count(c->s))
			return inc_error_set(c->err, INC_EINVALID,
			                     "severity %d is outside the scale "
			                     "1..%d",
			                     o->severity,
			                     inc_severity_count(c->s));
		cJSON_AddNumberToObject(c->p, "severity", o->severity);
	}
	if ((o->impact != NULL && impact < 0) ||
	    (o->urgency != NULL && urgency < 0))
		return inc_error_set(c->err, INC_EINVALID,
		                     "impact and urgency are high, medium or "
		                     "low");
	if (o->priority != NULL) {
		if ((ret = check_priority(prio, o->priority, c->err)) < 0)
			return ret;
	} else if (o->impact != NULL || o->urgency != NULL) {
		/* the other half comes from the current classification */
		if (impact < 0)
			impact = level3(inc_json__str(c->doc, "impact"));
		if (urgency < 0)
			urgency = level3(inc_json__str(c->doc, "urgency"));
		if (impact >= 0 && urgency >= 0 &&
		    (ret = priority_of(prio, c->s, impact, urgency, c->err)) <
		            0)
			return ret;
	}
	if (impact >= 0 && o->impact != NULL)
		cJSON_AddStringToObject(c->p, "impact", levels3[impact]);
	if (urgency >= 0 && o->urgency != NULL)
		cJSON_AddStringToObject(c->p, "urgency", levels3[urgency]);
	add_opt_str(c->p, "priority", prio);
	if ((ret = check_text(o->commander, NAME_MAX_BYTES, "the commander",
	                      false, c->err)) < 0 ||
	    (ret = check_text(o->summary, INC_TEXT_MAX, "the summary", false,
	                      c->err)) < 0 ||
	    (ret = check_labels(o->services, o->nservices, "service", c->err)) <
	            0 ||
	    (ret = check_labels(o->tags, o->ntags, "tag", c->err)) < 0)
		return ret;
	add_opt_str(c->p, "commander", o->commander);
	add_opt_str(c->p, "summary", o->summary);
	if (o->nservices > 0)
		cJSON_AddItemToObject(c->p, "services",
		                      string_array(o->services, o->nservices));
	if (o->ntags > 0)
		cJSON_AddItemToObject(c->p, "tags",
		                      string_array(o->tags, o->ntags));
	if (o->started != 0) {
		if (o->started > inc_doc__time(c->doc, "detected_at"))
			return inc_error_set(c->err, INC_EINVALID,
			                     "impact cannot start after it was "
			                     "detected");
		add_time(c->p, "started_at", o->started);
	}
	return 0;
}

static int
build_escalate(struct ctx *c)
{
	int ret;

	if ((ret = check_text(c->o->to, NAME_MAX_BYTES, "the target", false,
	                      c->err)) < 0 ||
	    (ret = check_text(c->o->reason, INC_TEXT_MAX, "the reason", false,
	                      c->err)) < 0)
		return ret;
	/* the level, and whom it pages (escalation.c): a rota's person on
	 * call now, when the page goes out, even for a back-dated event */
	if ((ret = inc_escalation__build(
	             c->p, c->s, c->doc, c->short_id, c->o->to,
	             c->o->now != 0 ? c->o->now : inc_time_now(), c->err)) < 0)
		return ret;
	add_opt_str(c->p, "reason", c->o->reason);
	return 0;
}

static bool
is_role(const char *role)
{
	static const char *const roles[] = {"commander", "comms", "ops",
	                                    "scribe"};

	for (size_t i = 0; i < sizeof(roles) / sizeof(*roles); i++)
		if (role != NULL && strcmp(role, roles[i]) == 0)
			return true;
	return false;
}

static int
build_assign(struct ctx *c)
{
	const cJSON *roles = cJSON_GetObjectItemCaseSensitive(c->doc, "roles");
	int ret;

	if (!is_role(c->o->role))
		return inc_error_set(c->err, INC_EINVALID,
		                     "unknown role '%.30s' (commander, comms, "
		                     "ops, scribe)",
		                     c->o->role != NULL ? c->o->role : "");
	if (c->o->who == NULL) {
		if (inc_json__str(roles, c->o->role) == NULL)
			return inc_error_set(c->err, INC_EINVALID,
			                     "%s: has no %s to remove",
			                     c->short_id, c->o->role);
	} else if ((ret = check_text(c->o->who, NAME_MAX_BYTES, "the name",
	                             true, c->err)) < 0) {
		return ret;
	}
	cJSON_AddStringToObject(c->p, "role", c->o->role);
	if (c->o->who != NULL)
		cJSON_AddStringToObject(c->p, "who", c->o->who);
	else
		cJSON_AddNullToObject(c->p, "who");
	return 0;
}

/* key=value sets a field, key= removes it */
static int
build_edit(struct ctx *c)
{
	const inc_change_opts *o = c->o;
	cJSON *fields;
	int ret;

	if (o->title == NULL && o->summary == NULL && o->nfields == 0)
		return inc_error_set(c->err, INC_EINVALID,
		                     "nothing to change (--title, --summary or "
		                     "--field)");
	if ((o->title != NULL &&
	     (ret = check_text(o->title, INC_TITLE_MAX, "the title", true,
	                       c->err)) < 0) ||
	    (ret = check_text(o->summary, INC_TEXT_MAX, "the summary", false,
	                      c->err)) < 0)
		return ret;
	add_opt_str(c->p, "title", o->title);
	if (o->summary != NULL)
		cJSON_AddStringToObject(c->p, "summary", o->summary);
	if (o->nfields == 0)
		return 0;
	fields = cJSON_AddObjectToObject(c->p, "fields");
	for (size_t i = 0; i < o->nfields; i++) {
		const char *eq = strchr(o->fields[i], '=');
		size_t klen = eq != NULL ? (size_t)(eq - o->fields[i]) : 0;
		char key[65];

		if (eq == NULL || klen == 0 || klen >= sizeof(key) ||
		    strspn(o->fields[i], "abcdefghijklmnopqrstuvwxyz0123456789"
		                         "_.-") != klen)
			return inc_error_set(
			        c->err, INC_EINVALID,
			        "a field is key=value with a key of "
			        "a-z, 0-9, _ . - (not '%.40s')",
			        o->fields[i]);
		if ((ret = inc_text_check(eq + 1, LABEL_MAX * 10,
		                          "a field value", c->err)) < 0)
			return ret;
		memcpy(key, o->fields[i], klen);
		key[klen] = '\0';
		cJSON_DeleteItemFromObjectCaseSensitive(fields, key);
		if (eq[1] == '\0')
			cJSON_AddNullToObject(fields, key);
		else
			cJSON_AddStringToObject(fields, key, eq + 1);
	}
	return 0;
}

/* Milestones keep their order: no resolving before the mitigation. */
static int
check_order(struct ctx *c, enum inc_action a, int64_t at)
{
	/* the latest milestone first: it names the tighter bound */
	static const char *const before[] = {"mitigated_at", "acknowledged_at"};
	int64_t opened = inc_doc__time(c->doc, "opened_at");
	char when[32];
	size_t first = a == INC_ACTION_RESOLVE    ? 0
	               : a == INC_ACTION_MITIGATE ? 1
	                                          : 2;

	/* a note or an update may tell of what came before the opening */
	if (a == INC_ACTION_NOTE || a == INC_ACTION_UPDATE ||
	    a == INC_ACTION_ASSIGN || a == INC_ACTION_EDIT ||
	    a == INC_ACTION_ACTION_ADD || a == INC_ACTION_ACTION_DONE ||
	    a == INC_ACTION_REVIEW)
		return 0;
	if (at < opened)
		return inc_error_set(
		        c->err, INC_EINVALID,
		        "%s: opened at %s, after that time", c->short_id,
		        inc_time_rfc3339(when, sizeof(when), opened));
	if ((a == INC_ACTION_REOPEN || a == INC_ACTION_CLOSE) &&
	    at < inc_doc__time(c->doc, "resolved_at"))
		return inc_error_set(c->err, INC_EINVALID,
		                     "%s: that time is before it was "
		                     "resolved",
		                     c->short_id);
	for (size_t i = first; i < 2; i++) {
		int64_t t = inc_doc__time(c->doc, before[i]);
		if (t != 0 && at < t)
			return inc_error_set(
			        c->err, INC_EINVALID,
			        "%s: that time is before it was %.*s "
			        "(%s)",
			        c->short_id, (int)strlen(before[i]) - 3,
			        before[i],
			        inc_time_rfc3339(when, sizeof(when), t));
	}
	return 0;
}

static int
one_of(const char *v, const char *const *allowed, const char *what,
       inc_error *err)
{
	for (const char *const *a = allowed; *a != NULL; a++)
		if (v == NULL || strcmp(v, *a) == 0)
			return 0;
	return inc_error_set(err, INC_EINVALID, "unknown %s '%.30s'", what, v);
}

static int
build_action_add(struct ctx *c)
{
	static const char *const types[] = {"detective", "preventive",
	                                    "corrective", NULL};
	static const char *const prios[] = {"high", "medium", "low", NULL};
	const inc_change_opts *o = c->o;
	char due[32];
	int ret;

	if ((ret = check_text(o->text, INC_TITLE_MAX, "the action", true,
	                      c->err)) < 0 ||
	    (ret = check_text(o->owner, NAME_MAX_BYTES, "the owner", false,
	                      c->err)) < 0 ||
	    (ret = one_of(o->action_type, types,
	                  "type (detective, preventive, corrective)", c->err)) <
	            0 ||
	    (ret = one_of(o->action_priority, prios,
	                  "priority (high, medium, low)", c->err)) < 0)
		return ret;
	cJSON_AddStringToObject(c->p, "text", o->text);
	add_opt_str(c->p, "owner", o->owner);
	if (o->due != 0)
		cJSON_AddStringToObject(
		        c->p, "due",
		        inc_time_rfc3339(due, sizeof(due), o->due));
	add_opt_str(c->p, "type", o->action_type);
	add_opt_str(c->p, "priority", o->action_priority);
	return 0;
}

static int
build_action_done(struct ctx *c)
{
	const cJSON *a = cJSON_GetArrayItem(
	        cJSON_GetObjectItemCaseSensitive(c->doc, "actions"),
	        c->o->action_n - 1);

	if (c->o->action_n < 1 || a == NULL)
		return inc_error_set(c->err, INC_ENOTFOUND,
		                     "%s: has no action #%d", c->short_id,
		                     c->o->action_n);
	if (!cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(a, "done_at")))
		return inc_error_set(
		        c->err, INC_EINVALID,
		        "action #%d of incident %s is done already",
		        c->o->action_n, c->short_id);
	cJSON_AddStringToObject(c->p, "action", inc_json__str(a, "id"));
	return 0;
}

static int
build(struct ctx *c, enum inc_action a)
{
	const inc_change_opts *o = c->o;
	int ret;

	switch (a) {
	case INC_ACTION_TRIAGE:
		return build_triage(c);
	case INC_ACTION_INVESTIGATE:
	case INC_ACTION_MITIGATE:
		if ((ret = check_text(o->text, INC_TEXT_MAX, "the note", false,
		                      c->err)) < 0)
			return ret;
		add_opt_str(c->p, "note", o->text);
		return 0;
	case INC_ACTION_RESOLVE:
		if ((ret = check_text(o->summary, INC_TEXT_MAX, "the summary",
		                      false, c->err)) < 0 ||
		    (ret = check_text(o->cause, INC_TEXT_MAX, "the cause",
		                      false, c->err)) < 0)
			return ret;
		add_opt_str(c->p, "summary", o->summary);
		add_opt_str(c->p, "cause", o->cause);
		return 0;
	case INC_ACTION_REOPEN:
	case INC_ACTION_CANCEL:
		if ((ret = check_text(o->reason, INC_TEXT_MAX, "the reason",
		                      true, c->err)) < 0)
			return ret;
		cJSON_AddStringToObject(c->p, "reason", o->reason);
		return 0;
	case INC_ACTION_CLOSE:
		return 0;
	case INC_ACTION_ESCALATE:
		return build_escalate(c);
	case INC_ACTION_NOTE:
	case INC_ACTION_UPDATE:
		if ((ret = check_text(o->text, INC_TEXT_MAX,
		                      a == INC_ACTION_NOTE ? "the note"
		                                           : "the update",
		                      true, c->err)) < 0)
			return ret;
		cJSON_AddStringToObject(c->p, "text", o->text);
		return 0;
	case INC_ACTION_ASSIGN:
		return build_assign(c);
	case INC_ACTION_ACTION_ADD:
		return build_action_add(c);
	case INC_ACTION_ACTION_DONE:
		return build_action_done(c);
	case INC_ACTION_REVIEW:
		if ((ret = check_text(o->text, INC_REVIEW_MAX, "the review",
		                      true, c->err)) < 0)
			return ret;
		cJSON_AddStringToObject(c->p, "document", o->text);
		return 0;
	case INC_ACTION_EDIT:
		return build_edit(c);
	default:
		return inc_error_set(c->err, INC_EINVALID, "cannot %s directly",
		                     inc_action_name(a));
	}
}

int
inc_change__load(inc_incident **cur, char id[INC_ID_LEN + 1],
                 char short_id[INC_ID_LEN + 1], inc_store *s,
                 const char *prefix, inc_error *err)
{
	int ret;

	if ((ret = inc_id_resolve(id, s, prefix, err)) < 0 ||
	    (ret = inc_id_short(short_id, s, id, err)) < 0)
		return ret;
	return inc_incident__fold(cur, s, id, err);
}

int
inc_change__apply(inc_incident **cur, inc_store *s, const char *short_id,
                  enum inc_action a, const inc_change_opts *o, int64_t now,
                  inc_error *err)
{
	char id[INC_ID_LEN + 1];
	struct ctx c = {s, (*cur)->doc, short_id, o, NULL, err};
	inc_incident *next = NULL;
	int64_t at = o->at;
	cJSON *doc;
	int ret;

	if ((unsigned)a >= INC_ACTION__COUNT)
		return inc_error_set(err, INC_EINVALID, "unknown action");
	if ((ret = check_at(&at, o->now, now, err)) < 0 ||
	    (ret = inc_action__check(a, short_id, inc_incident_status(*cur),
	                             err)) < 0 ||
	    (ret = check_order(&c, a, at)) < 0)
		return ret;
	if ((c.p = cJSON_CreateObject()) == NULL)
		return inc_error__nomem(err);
	if ((ret = build(&c, a)) < 0)
		goto done;
	snprintf(id, sizeof(id), "%s", inc_incident_id(*cur));
	doc = (*cur)->doc;
	(*cur)->doc = NULL;
	if ((ret = append(&next, s, id, doc, inc_action__kind(a), c.p, at, now,
	                  o->dry_run, err)) < 0)
		goto done;
	inc_incident_free(*cur);
	*cur = next;
done:
	cJSON_Delete(c.p);
	return ret;
}

int
inc_change__append(inc_incident **cur, inc_store *s, const char *short_id,
                   enum inc_action a, const inc_change_opts *o, cJSON *payload,
                   int64_t now, inc_error *err)
{
	struct ctx c = {s, (*cur)->doc, short_id, o, NULL, err};
	char id[INC_ID_LEN + 1];
	inc_incident *next = NULL;
	int64_t at = o->at;
	cJSON *doc;
	int ret;

	if ((ret = check_at(&at, o->now, now, err)) < 0 ||
	    (ret = inc_action__check(a, short_id, inc_incident_status(*cur),
	                             err)) < 0 ||
	    (ret = check_order(&c, a, at)) < 0)
		return ret;
	snprintf(id, sizeof(id), "%s", inc_incident_id(*cur));
	doc = (*cur)->doc;
	(*cur)->doc = NULL;
	if ((ret = append(&next, s, id, doc, inc_action__kind(a), payload, at,
	                  now, o->dry_run, err)) < 0)
		return ret;
	inc_incident_free(*cur);
	*cur = next;
	return 0;
}

int
inc_incident_change(inc_incident **out, inc_store *s, const char *prefix,
                    enum inc_action a, const inc_change_opts *o, inc_error *err)
{
	char id[INC_ID_LEN + 1], short_id[INC_ID_LEN + 1];
	inc_incident *cur = NULL;
	int ret;

	if (out != NULL)
		*out = NULL;
	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	if ((ret = inc_change__load(&cur, id, short_id, s, prefix, err)) < 0 ||
	    (ret = inc_change__apply(&cur, s, short_id, a, o, inc_time_now(),
	                             err)) < 0)
		goto done;
	/* the runbook's version is recorded with the triage */
	if (a == INC_ACTION_TRIAGE &&
	    (ret = inc_runbook__triaged(&cur, s, short_id, o, inc_time_now(),
	                                err)) < 0)
		goto done;
	if (!o->dry_run && (ret = inc_store__commit(s, err)) < 0)
		goto done;
	if (out != NULL) {
		*out = cur;
		cur = NULL;
	}
done:
	inc_store__rollback(s);
	inc_incident_free(cur);
	return ret;
}

/* ---- merge: two events, one transaction ---- */

int
inc_incident_merge(inc_incident **out, inc_store *s, const char *prefix,
                   const char *into_prefix, const inc_change_opts *o,
                   inc_error *err)
{
	int64_t recorded = inc_time_now(), at = o->at;
	char id[INC_ID_LEN + 1], sid[INC_ID_LEN + 1];
	char into[INC_ID_LEN + 1], into_sid[INC_ID_LEN + 1];
	inc_incident *src = NULL, *dst = NULL;
	cJSON *p1 = NULL, *p2 = NULL, *doc;
	int ret;

	if (out != NULL)
		*out = NULL;
	if ((ret = check_at(&at, o->now, recorded, err)) < 0)
		return ret;
	if ((ret = inc_store__begin(s, err)) < 0)
		goto done;
	if ((ret = inc_change__load(&src, id, sid, s, prefix, err)) < 0 ||
	    (ret = inc_change__load(&dst, into, into_sid, s, into_prefix,
	                            err)) < 0)
		goto done;
	if (strcmp(id, into) == 0) {
		ret = inc_error_set(err, INC_EINVALID,
		                    "%s: cannot be merged into itself", sid);
		goto done;
	}
	if ((ret = inc_action__check(INC_ACTION_MERGE, sid,
	                             inc_incident_status(src), err)) < 0 ||
	    (ret = inc_action__check(INC_ACTION_ABSORB, into_sid,
	                             inc_incident_status(dst), err)) < 0)
		goto done;
	/* neither side may be merged before it was opened */
	{
		struct ctx from = {s, src->doc, sid, o, NULL, err};
		struct ctx to = {s, dst->doc, into_sid, o, NULL, err};
		if ((ret = check_order(&from, INC_ACTION_MERGE, at)) < 0 ||
		    (ret = check_order(&to, INC_ACTION_ABSORB, at)) < 0)
			goto done;
	}
	p1 = cJSON_CreateObject();
	p2 = cJSON_CreateObject();
	if (p1 == NULL || p2 == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	cJSON_AddStringToObject(p1, "into", into);
	cJSON_AddStringToObject(p2, "from", id);
	cJSON_AddItemToObject(p2, "dedup_keys",
	                      cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(
	                                              src->doc, "dedup_keys"),
	                                      true));
	cJSON_AddNumberToObject(p2, "alert_count",
	                        inc_doc__int(src->doc, "alert_count"));
	doc = src->doc;
	src->doc = NULL;
	ret = append(NULL, s, id, doc, "merged", p1, at, recorded, o->dry_run,
	             err);
	if (ret < 0)
		goto done;
	doc = dst->doc;
	dst->doc = NULL;
	ret = append(out, s, into, doc, "absorbed", p2, at, recorded,
	             o->dry_run, err);
	if (ret == 0 && !o->dry_run)
		ret = inc_store__commit(s, err);
done:
	inc_store__rollback(s);
	inc_incident_free(src);
	inc_incident_free(dst);
	cJSON_Delete(p1);
	cJSON_Delete(p2);
	return ret;
}

/* ---- open, with deduplication ---- */

static int
check_open(inc_store *s, const inc_open_opts *o, inc_error *err)
{
	int ret;

	if ((ret = check_text(o->title, INC_TITLE_MAX, "the title", true,
	                      err)) < 0 ||
	    (ret = check_text(o->summary, INC_TEXT_MAX, "the summary", false,
	                      err)) < 0 ||
	    (ret = check_text(o->commander, NAME_MAX_BYTES, "the commander",
	                      false, err)) < 0 ||
	    (ret = check_labels(o->services, o->nservices, "service", err)) <
	            0 ||
	    (ret = check_labels(o->tags, o->ntags, "tag", err)) < 0)
		return ret;
	if ((o->dedup_key != NULL &&
	     (ret = check_text(o->dedup_key, INC_DEDUP_KEY_MAX, "the dedup key",
	                       true, err)) < 0) ||
	    (ret = check_text(o->source, LABEL_MAX, "the source", false, err)) <
	            0)
		return ret;
	if (o->severity < 0 || o->severity > inc_severity_count(s))
		return inc_error_set(err, INC_EINVALID,
		                     "severity %d is outside the scale 1..%d",
		                     o->severity, inc_severity_count(s));
	return 0;
}

int
inc_change__find_dedup(char out[INC_ID_LEN + 1], inc_store *s, const char *key,
                       bool latest, inc_error *err)
{
	static const char active_sql[] =
	        "SELECT l.incident FROM labels l JOIN incidents i "
	        "ON i.id = l.incident WHERE l.kind = 'dedup' AND l.value = ? "
	        "AND i.status IN ('open', 'triaged', 'investigating', "
	        "'mitigated') ORDER BY i.opened_at LIMIT 1";
	static const char latest_sql[] =
	        "SELECT l.incident FROM labels l JOIN incidents i "
	        "ON i.id = l.incident WHERE l.kind = 'dedup' AND l.value = ? "
	        "ORDER BY i.opened_at DESC LIMIT 1";
	sqlite3_stmt *st;
	int rc, ret;

	out[0] = '\0';
	if ((ret = inc_store__cached(&st, s, latest ? latest_sql : active_sql,
	                             err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, INC_ID_LEN + 1, "%s",
		         (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return inc_error__sqlite(err, s->db, rc, "find dedup key");
	return 0;
}

static int
attach(inc_incident **out, inc_store *s, const char *id, const inc_open_opts *o,
       int64_t at, int64_t recorded, inc_error *err)
{
	inc_incident *cur = NULL;
	cJSON *p = cJSON_CreateObject(), *doc;
	int ret;

	if (p == NULL)
		return inc_error__nomem(err);
	cJSON_AddStringToObject(p, "dedup_key", o->dedup_key);
	add_opt_str(p, "source", o->source);
	cJSON_AddStringToObject(p, "title", o->title);
	if ((ret = inc_incident__fold(&cur, s, id, err)) == 0) {
		doc = cur->doc;
		cur->doc = NULL;
		ret = append(out, s, id, doc, "alert_attached", p, at, recorded,
		             o->dry_run, err);
	}
	inc_incident_free(cur);
	cJSON_Delete(p);
	return ret;
}

/*
 * A new incident with a policy pages its level 1 in its transaction. The
 * page goes out now, whenever the incident was detected: the escalated
 * event is at now (never before the opened event), so a back-dated
 * incident's responder still gets the level's whole timeout.
 */
static int
page_first(inc_incident **cur, bool *config, inc_store *s, int64_t at,
           int64_t now, int64_t recorded, bool dry_run, inc_error *err)
{
	char id[INC_ID_LEN + 1], short_id[INC_ID_LEN + 1];
	struct inc_policy pol;
	bool found = false;
	inc_incident *next = NULL;
	cJSON *p, *doc;
	int ret;

	/* what fails before the append is the config's */
	*config = true;
	if ((ret = inc_escalation__policy_of(&pol, &found, s, (*cur)->doc,
	                                     err)) < 0 ||
	    !found)
		return ret;
	snprintf(id, sizeof(id), "%s", inc_incident_id(*cur));
	if (dry_run) {
		snprintf(short_id, sizeof(short_id), "%.*s", INC_SHORT_ID_MIN,
		         id);
	} else if ((ret = inc_id_short(short_id, s, id, err)) < 0) {
		*config = false;
		return ret;
	}
	if ((p = cJSON_CreateObject()) == NULL)
		return inc_error__nomem(err);
	/* whoever is on call now, when the page goes out */
	if ((ret = inc_escalation__build(p, s, (*cur)->doc, short_id, NULL, now,
	                                 err)) == 0) {
		*config = false;
		doc = (*cur)->doc;
		(*cur)->doc = NULL;
		ret = append(&next, s, id, doc, "escalated", p,
		             now > at ? now : at, recorded, dry_run, err);
		if (ret == 0) {
			inc_incident_free(*cur);
			*cur = next;
		}
	}
	cJSON_Delete(p);
	return ret;
}

/* Whether a failure to page is the config's (the incident stands). */
static bool
paging_config_error(bool config, int code)
{
	return config && code != INC_ENOMEM && code != INC_EBUSY &&
	       code != INC_EREADONLY && code != INC_ECORRUPT;
}

int
inc_change__append_kind(inc_incident **cur, inc_store *s, const char *kind,
                        const cJSON *payload, int64_t at, int64_t now,
                        bool dry_run, inc_error *err)
{
	char id[INC_ID_LEN + 1];
	inc_incident *next = NULL;
	cJSON *doc, *p;
	int ret;

	if ((p = cJSON_Duplicate(payload, true)) == NULL)
		return inc_error__nomem(err);
	snprintf(id, sizeof(id), "%s", inc_incident_id(*cur));
	doc = (*cur)->doc;
	(*cur)->doc = NULL;
	ret = append(&next, s, id, doc, kind, p, at, now, dry_run, err);
	cJSON_Delete(p);
	if (ret < 0)
		return ret;
	inc_incident_free(*cur);
	*cur = next;
	return 0;
}

/* What an open is checked for before anything is read: *at its time. */
static int
open_checks(int64_t *at, inc_store *s, const inc_open_opts *o, int64_t recorded,
            inc_error *err)
{
	int ret;

	*at = o->at;
	if ((ret = check_open(s, o, err)) < 0 ||
	    (ret = check_at(at, o->now, recorded, err)) < 0)
		return ret;
	if (o->started != 0 && o->started > *at)
		return inc_error_set(
		        err, INC_EINVALID,
		        "impact cannot start after it was detected");
	return 0;
}

int
inc_change__open(inc_incident **out, bool *deduplicated, inc_store *s,
                 const inc_open_opts *o, const cJSON *extra, int64_t recorded,
                 inc_error *err)
{
	inc_incident *opened = NULL;
	int64_t at = o->at;
	char id[INC_ID_LEN + 1];
	const cJSON *x;
	cJSON *p;
	int ret;

	if (out != NULL)
		*out = NULL;
	if (deduplicated != NULL)
		*deduplicated = false;
	if (o->unpaged != NULL)
		o->unpaged->code = 0;
	if ((ret = open_checks(&at, s, o, recorded, err)) < 0)
		return ret;
	if (o->dedup_key != NULL &&
	    (ret = inc_change__find_dedup(id, s, o->dedup_key, false, err)) < 0)
		return ret;
	if (o->dedup_key != NULL && id[0] != '\0') {
		if (deduplicated != NULL)
			*deduplicated = true;
		return attach(out, s, id, o, at, recorded, err);
	}
	if (inc_id__new(id) < 0)
		return inc_error_set(err, INC_ERROR,
		                     "cannot read random bytes");
	if ((p = cJSON_CreateObject()) == NULL)
		return inc_error__nomem(err);
	cJSON_AddStringToObject(p, "title", o->title);
	add_opt_str(p, "summary", o->summary);
	cJSON_AddNumberToObject(p, "severity",
	                        o->severity != 0 ? o->severity
	                                         : inc_severity_default(s));
	cJSON_AddItemToObject(p, "services",
	                      string_array(o->services, o->nservices));
	cJSON_AddItemToObject(p, "tags", string_array(o->tags, o->ntags));
	add_opt_str(p, "commander", o->commander);
	if (o->drill)
		cJSON_AddTrueToObject(p, "drill");
	if (o->started != 0)
		add_time(p, "started_at", o->started);
	add_opt_str(p, "dedup_key", o->dedup_key);
	add_opt_str(p, "source", o->source);
	cJSON_ArrayForEach (x, extra)
		cJSON_AddItemToObject(p, x->string, cJSON_Duplicate(x, true));
	ret = append(&opened, s, id, NULL, "opened", p, at, recorded,
	             o->dry_run, err);
	cJSON_Delete(p);
	/* with an escalation policy, level 1 is paged at once; a typo in
	 * the paging config never stops the incident being recorded: it
	 * is recorded unpaged (tick pages it once the config is fixed). A
	 * maintenance window's incident is never paged. */
	if (ret == 0 && !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
	                        extra, "maintenance"))) {
		inc_error pe = {0};
		bool config = false;
		ret = page_first(&opened, &config, s, at,
		                 o->now != 0 ? o->now : recorded, recorded,
		                 o->dry_run, &pe);
		if (ret < 0 && paging_config_error(config, ret)) {
			if (o->unpaged != NULL)
				*o->unpaged = pe;
			ret = 0;
		} else if (ret < 0) {
			*err = pe;
		}
	}
	if (ret == 0 && out != NULL) {
		*out = opened;
		opened = NULL;
	}
	inc_incident_free(opened);
	return ret;
}

int
inc_incident_open(inc_incident **out, bool *deduplicated, inc_store *s,
                  const inc_open_opts *o, inc_error *err)
{
	int64_t recorded = inc_time_now(), at;
	inc_incident *opened = NULL;
	int ret;

	if (out != NULL)
		*out = NULL;
	if (deduplicated != NULL)
		*deduplicated = false;
	if (o->unpaged != NULL)
		o->unpaged->code = 0;
	/* bad input is said at once, without waiting for a lock */
	if ((ret = open_checks(&at, s, o, recorded, err)) < 0 ||
	    (ret = inc_store__begin(s, err)) < 0)
		return ret;
	ret = inc_change__open(&opened, deduplicated, s, o, NULL, recorded,
	                       err);
	if (ret == 0 && !o->dry_run)
		ret = inc_store__commit(s, err);
	inc_store__rollback(s);
	if (ret == 0 && out != NULL) {
		*out = opened;
		opened = NULL;
	}
	inc_incident_free(opened);
	return ret;
}
