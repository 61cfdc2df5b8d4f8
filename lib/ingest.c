/*
 * Alerts in (incident-ingest(1)): one payload from monitoring, an
 * Alertmanager webhook or a PagerDuty event, applied whole in one
 * IMMEDIATE transaction. The formats (alertmanager.c, pagerduty.c) read
 * the payload into groups of alerts, one group an incident's dedup key;
 * this file applies each group: it opens an incident, attaches its new
 * alerts, counts the repeats (no event: table alert_seen), records the
 * resolutions and, once the last alert resolved, takes the automatic step
 * (inc_alert__settle). Times come as senders send them: a time ahead of
 * ours is clamped to now, an end before the opening to the opening, and
 * the event says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unistr.h>

#include "internal.h"

#define DEPTH_MAX 64 /* nesting of arrays and objects in a payload */
#define LABEL_MAX 100

static const char *const format_names[] = {
        [INC_INGEST_AUTO] = "auto",
        [INC_INGEST_ALERTMANAGER] = "alertmanager",
        [INC_INGEST_PAGERDUTY] = "pagerduty",
        [INC_INGEST_PAGERDUTY_CHANGE] = "pagerduty-change",
};

const char *
inc_ingest_format_name(enum inc_ingest_format f)
{
	if ((unsigned)f >= sizeof(format_names) / sizeof(*format_names))
		return "auto";
	return format_names[f];
}

int
inc_ingest_format_parse(enum inc_ingest_format *out, const char *text)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(*format_names);
	     i++)
		if (text != NULL && strcmp(text, format_names[i]) == 0) {
			*out = (enum inc_ingest_format)i;
			return 0;
		}
	return INC_EINVALID;
}

void
inc_ingest__key(char out[INC_DEDUP_KEY_MAX + 1], const char *key)
{
	char hex[INC_EVENT_ID_LEN + 1];
	size_t len = strlen(key);

	/* a key is one line: one with a line break is hashed too */
	if (len <= INC_DEDUP_KEY_MAX && strpbrk(key, "\r\n") == NULL) {
		memcpy(out, key, len + 1);
		return;
	}
	inc_util__sha256_hex(hex, key, len);
	snprintf(out, INC_DEDUP_KEY_MAX + 1, "sha256:%s", hex);
}

bool
inc_ingest__too_deep(const char *body, size_t len, int max)
{
	bool in_string = false;
	int depth = 0;

	for (size_t i = 0; i < len; i++) {
		char c = body[i];
		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				return true;
		} else if (c == ']' || c == '}') {
			depth--;
		}
	}
	return false;
}

/*
 * A NUL in the payload: a byte, or \u0000 in a string (cJSON would cut
 * the string there, "ab\u0000cd" read as "ab"). Refused, as NUL bytes
 * are everywhere in the store.
 */
static bool
has_nul(const char *body, size_t len)
{
	bool in_string = false;

	if (memchr(body, '\0', len) != NULL)
		return true;
	for (size_t i = 0; i < len; i++) {
		if (!in_string) {
			in_string = body[i] == '"';
			continue;
		}
		if (body[i] == '"')
			in_string = false;
		else if (body[i] == '\\' && i + 1 < len) {
			if (body[i + 1] == 'u' && len - i >= 6 &&
			    memcmp(body + i + 2, "0000", 4) == 0)
				return true;
			i++;
		}
	}
	return false;
}

char *
inc_ingest__text(const char *text, size_t max, bool line)
{
	size_t len = strlen(text);
	char *out;

	/* cut at the start of a character, never inside one */
	if (len > max) {
		len = max;
		while (len > 0 && ((unsigned char)text[len] & 0xc0) == 0x80)
			len--;
	}
	if ((out = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(out, text, len);
	out[len] = '\0';
	if (line)
		for (char *p = out; *p != '\0'; p++)
			if (*p == '\r' || *p == '\n')
				*p = ' ';
	return out;
}

int
inc_ingest__severity(inc_store *s, const char *value)
{
	static const char *const names[] = {"critical", "error", "warning",
	                                    "info"};
	const inc_config *cfg = NULL;
	char key[160];
	const char *v;
	int level = 0, n = inc_severity_count(s);

	if (value == NULL || *value == '\0' || strlen(value) > 100)
		return 0;
	/* config names are read in lower case, as git reads them */
	snprintf(key, sizeof(key), "ingest.severity.%s", value);
	for (char *p = key; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	if (inc_store_config(&cfg, s, NULL) == 0 &&
	    (v = inc_config_get(cfg, key)) != NULL &&
	    inc_severity_parse(&level, s, v, NULL) == 0)
		return level;
	for (int i = 0; i < 4; i++)
		if (strcasecmp(value, names[i]) == 0)
			return i + 1 <= n ? i + 1 : n;
	if (inc_severity_parse(&level, s, value, NULL) == 0)
		return level;
	return 0;
}

cJSON *
inc_ingest__result(struct inc_ingest__run *r, const char *key,
                   const char *alert, const inc_incident *inc,
                   const char *short_id, const char *action, const char *reason)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "key", key);
	if (alert != NULL && strcmp(alert, key) != 0)
		cJSON_AddStringToObject(o, "alert", alert);
	if (inc != NULL) {
		cJSON_AddStringToObject(o, "incident", inc_incident_id(inc));
		cJSON_AddStringToObject(o, "short_id", short_id);
	} else {
		cJSON_AddNullToObject(o, "incident");
		cJSON_AddNullToObject(o, "short_id");
	}
	cJSON_AddStringToObject(o, "action", action);
	if (reason != NULL)
		cJSON_AddStringToObject(o, "reason", reason);
	cJSON_AddItemToArray(r->results, o);
	return o;
}

void
inc_ingest__add_link(cJSON *links, const char *href, const char *text)
{
	cJSON *l;

	/* what a link may be is the alert kind's rule (lib/kind.c):
	 * one line each, at most 100 of them */
	if (href == NULL || *href == '\0' || strlen(href) > INC_TITLE_MAX ||
	    strpbrk(href, "\r\n") != NULL || cJSON_GetArraySize(links) >= 100)
		return;
	if ((l = cJSON_CreateObject()) == NULL)
		return;
	cJSON_AddStringToObject(l, "href", href);
	if (text != NULL && *text != '\0' && strlen(text) <= INC_TITLE_MAX &&
	    strpbrk(text, "\r\n") == NULL)
		cJSON_AddStringToObject(l, "text", text);
	cJSON_AddItemToArray(links, l);
}

/* ---- one group: one incident ---- */

static int
load(inc_incident **cur, char short_id[INC_ID_LEN + 1], inc_store *s,
     const char *id, inc_error *err)
{
	int ret;

	if ((ret = inc_id_short(short_id, s, id, err)) < 0)
		return ret;
	return inc_incident__fold(cur, s, id, err);
}

/* A label fit to be a service or a tag (change.c's rule). */
static bool
label_fits(const char *v)
{
	return v != NULL && *v != '\0' && strlen(v) <= LABEL_MAX &&
	       strpbrk(v, " \t\r\n,") == NULL;
}

/* A label name as a field's key: a-z, 0-9, _ . - (at most 64). */
static void
field_key(char out[65], const char *name)
{
	size_t i;

	for (i = 0; name[i] != '\0' && i < 64; i++) {
		char c = name[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		out[i] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		                         c == '_' || c == '.' || c == '-'
		                 ? c
		                 : '_';
	}
	out[i] = '\0';
}

static int
add_field(cJSON *fields, const char *name, const char *value)
{
	char key[65];
	char *v = inc_ingest__text(value, INC_TITLE_MAX, true);

	if (v == NULL)
		return INC_ENOMEM;
	field_key(key, name);
	if (*key != '\0' &&
	    cJSON_GetObjectItemCaseSensitive(fields, key) == NULL)
		cJSON_AddStringToObject(fields, key, v);
	free(v);
	return 0;
}

/* "2026-11-24T14:02:00Z" into buf */
static const char *
when(char buf[32], int64_t t)
{
	return inc_time_rfc3339(buf, 32, t);
}

struct opening {
	const char *services[1];
	size_t nservices;
	const char *tags[16];
	size_t ntags;
	cJSON *extra; /* fields, maintenance */
};

/*
 * What the incident opens with: the service label a service when it fits
 * the rule, the tag labels (config ingest.tag-label) tags when they do,
 * and what does not fit a field.
 */
static int
opening(struct opening *op, struct inc_ingest__run *r,
        const struct inc_ingest__group *g, bool maintenance)
{
	const inc_config *cfg = NULL;
	const char *names[16];
	size_t n = 0;
	cJSON *fields;

	memset(op, 0, sizeof(*op));
	if ((op->extra = cJSON_CreateObject()) == NULL ||
	    (fields = cJSON_CreateObject()) == NULL)
		return inc_error__nomem(r->err);
	if (g->service != NULL && label_fits(g->service))
		op->services[op->nservices++] = g->service;
	else if (g->service != NULL &&
	         add_field(fields, "service", g->service) < 0)
		goto nomem;
	if (inc_store_config(&cfg, r->s, NULL) == 0)
		n = inc_config__get_all(cfg, "ingest.tag-label", names, 16);
	for (size_t i = 0; i < n && i < 16; i++) {
		const char *v = inc_json__str(g->labels, names[i]);
		if (v == NULL)
			continue;
		if (label_fits(v) && op->ntags < 16)
			op->tags[op->ntags++] = v;
		else if (add_field(fields, names[i], v) < 0)
			goto nomem;
	}
	if (cJSON_GetArraySize(fields) > 0)
		cJSON_AddItemToObject(op->extra, "fields", fields);
	else
		cJSON_Delete(fields);
	if (maintenance)
		cJSON_AddTrueToObject(op->extra, "maintenance");
	return 0;
nomem:
	cJSON_Delete(fields);
	return inc_error__nomem(r->err);
}

/* Opens the group's incident at now (detected when we heard of it). */
static int
open_group(inc_incident **cur, char short_id[INC_ID_LEN + 1],
           struct inc_ingest__run *r, const struct inc_ingest__group *g,
           bool maintenance, inc_error *unpaged)
{
	inc_open_opts o = INC_OPEN_OPTS_INIT;
	struct opening op;
	char *title = NULL, *summary = NULL;
	int64_t started = 0;
	int ret;

	if ((ret = opening(&op, r, g, maintenance)) < 0)
		goto done;
	title = inc_ingest__text(
	        g->title != NULL && *g->title != '\0' ? g->title : "alert",
	        INC_TITLE_MAX, true);
	summary = g->summary != NULL
	                  ? inc_ingest__text(g->summary, INC_TEXT_MAX, false)
	                  : NULL;
	if (title == NULL || (g->summary != NULL && summary == NULL)) {
		ret = inc_error__nomem(r->err);
		goto done;
	}
	/* impact began when the first of its firing alerts did */
	for (size_t i = 0; i < g->n; i++)
		if (g->alerts[i].firing && g->alerts[i].starts_at != 0 &&
		    (started == 0 || g->alerts[i].starts_at < started))
			started = g->alerts[i].starts_at;
	o.title = title;
	o.summary = summary != NULL && *summary != '\0' ? summary : NULL;
	o.severity = inc_ingest__severity(r->s, g->severity);
	o.services = op.services;
	o.nservices = op.nservices;
	o.tags = op.tags;
	o.ntags = op.ntags;
	o.at = r->now;
	o.now = r->now;
	o.started = started != 0 && started <= r->now ? started : 0;
	o.dedup_key = g->key;
	o.source = r->source;
	o.dry_run = r->o->dry_run;
	o.unpaged = unpaged;
	ret = inc_change__open(cur, NULL, r->s, &o, op.extra, r->recorded,
	                       r->err);
	if (ret == 0 && r->o->dry_run)
		snprintf(short_id, INC_ID_LEN + 1, "%.*s", INC_SHORT_ID_MIN,
		         inc_incident_id(*cur));
	else if (ret == 0)
		ret = inc_id_short(short_id, r->s, inc_incident_id(*cur),
		                   r->err);
	if (ret == 0)
		r->res->written += 1;
done:
	cJSON_Delete(op.extra);
	free(title);
	free(summary);
	return ret;
}

/* An alert_fired event: its start clamped to now when the sender's
 * clock runs ahead, and said. */
static int
fire(inc_incident **cur, struct inc_ingest__run *r,
     const struct inc_ingest__alert *a)
{
	char note[200] = "", t1[32], t2[32];
	int64_t start = a->starts_at != 0 ? a->starts_at : r->now;
	char *title = inc_ingest__text(
	        a->title != NULL && *a->title != '\0' ? a->title : a->key,
	        INC_TITLE_MAX, true);
	cJSON *p = cJSON_CreateObject();
	int ret;

	if (p == NULL || title == NULL) {
		ret = inc_error__nomem(r->err);
		goto done;
	}
	if (start > r->now) {
		snprintf(note, sizeof(note),
		         "the sender's clock is %llds ahead: it began at %s, "
		         "clamped to %s",
		         (long long)(start - r->now), when(t1, start),
		         when(t2, r->now));
		start = r->now;
	}
	cJSON_AddStringToObject(p, "key", a->key);
	cJSON_AddStringToObject(p, "title", title);
	if (a->source != NULL && *a->source != '\0' &&
	    strlen(a->source) <= INC_TITLE_MAX &&
	    strpbrk(a->source, "\r\n") == NULL)
		cJSON_AddStringToObject(p, "source", a->source);
	cJSON_AddItemToObject(p, "labels",
	                      a->labels != NULL
	                              ? cJSON_Duplicate(a->labels, true)
	                              : cJSON_CreateObject());
	if (cJSON_GetArraySize(a->annotations) > 0)
		cJSON_AddItemToObject(p, "annotations",
		                      cJSON_Duplicate(a->annotations, true));
	if (cJSON_GetArraySize(a->links) > 0)
		cJSON_AddItemToObject(p, "links",
		                      cJSON_Duplicate(a->links, true));
	cJSON_AddStringToObject(p, "starts_at", when(t1, start));
	if (*note != '\0')
		cJSON_AddStringToObject(p, "note", note);
	ret = inc_change__append_kind(cur, r->s, "alert_fired", p, r->now,
	                              r->recorded, r->o->dry_run, r->err);
	if (ret == 0)
		r->res->written++;
done:
	cJSON_Delete(p);
	free(title);
	return ret;
}

/*
 * An alert_resolved event. Its end as said, unless it is ahead of our
 * clock (clamped to now) or before it began (clamped to its start); the
 * event is at that end, or at the opening when the end came before it (a
 * late webhook), never refused. *at gets the event's time.
 */
static int
resolve(inc_incident **cur, int64_t *at, struct inc_ingest__run *r,
        const struct inc_ingest__alert *a, const cJSON *kept)
{
	int64_t end = a->ends_at != 0 ? a->ends_at : r->now;
	int64_t start = inc_doc__time(kept, "starts_at");
	int64_t opened = inc_doc__time((*cur)->doc, "opened_at");
	char note[300] = "", t1[32], t2[32];
	cJSON *p = cJSON_CreateObject();
	int ret;

	if (p == NULL)
		return inc_error__nomem(r->err);
	if (end > r->now) {
		snprintf(note, sizeof(note),
		         "the sender's clock is %llds ahead: it ended at %s, "
		         "clamped to %s",
		         (long long)(end - r->now), when(t1, end),
		         when(t2, r->now));
		end = r->now;
	} else if (start != 0 && end < start) {
		snprintf(note, sizeof(note),
		         "it ended at %s, before it began: clamped to %s",
		         when(t1, end), when(t2, start));
		end = start;
	}
	*at = end;
	if (end < opened) {
		size_t n = strlen(note);
		snprintf(note + n, sizeof(note) - n,
		         "%sit ended at %s, before the incident was opened: "
		         "recorded at %s",
		         n > 0 ? "; " : "", when(t1, end), when(t2, opened));
		*at = opened;
	}
	cJSON_AddStringToObject(p, "key", a->key);
	cJSON_AddStringToObject(p, "ends_at", when(t1, end));
	if (*note != '\0')
		cJSON_AddStringToObject(p, "note", note);
	ret = inc_change__append_kind(cur, r->s, "alert_resolved", p, *at,
	                              r->recorded, r->o->dry_run, r->err);
	if (ret == 0)
		r->res->written++;
	cJSON_Delete(p);
	return ret;
}

static int
repeat(struct inc_ingest__run *r, const inc_incident *cur, const char *key)
{
	if (r->o->dry_run)
		return 0;
	return inc_alert__repeat(r->s, inc_incident_id(cur), key, r->now,
	                         r->err);
}

/* PagerDuty's acknowledge: the incident is triaged (acknowledged). */
static int
acknowledge(struct inc_ingest__run *r, const struct inc_ingest__group *g)
{
	char id[INC_ID_LEN + 1], short_id[INC_ID_LEN + 1];
	inc_change_opts o = INC_CHANGE_OPTS_INIT;
	inc_incident *cur = NULL;
	int ret;

	if ((ret = inc_change__find_dedup(id, r->s, g->key, false, r->err)) < 0)
		return ret;
	if (*id == '\0')
		return inc_ingest__result(
		               r, g->key, NULL, NULL, NULL, "ignored",
		               "no active incident has this key") != NULL
		               ? 0
		               : inc_error__nomem(r->err);
	if ((ret = load(&cur, short_id, r->s, id, r->err)) < 0)
		return ret;
	if (inc_doc__time(cur->doc, "acknowledged_at") != 0 ||
	    !inc_action_allowed(INC_ACTION_TRIAGE, inc_incident_status(cur))) {
		if (inc_ingest__result(r, g->key, NULL, cur, short_id,
		                       "repeated",
		                       "acknowledged already") == NULL)
			ret = inc_error__nomem(r->err);
		else
			ret = repeat(r, cur, g->key);
		goto done;
	}
	o.at = r->now;
	o.now = r->now;
	o.dry_run = r->o->dry_run;
	if ((ret = inc_change__apply(&cur, r->s, short_id, INC_ACTION_TRIAGE,
	                             &o, r->recorded, r->err)) < 0)
		goto done;
	r->res->written++;
	if (inc_ingest__result(r, g->key, NULL, cur, short_id, "acknowledged",
	                       NULL) == NULL)
		ret = inc_error__nomem(r->err);
done:
	inc_incident_free(cur);
	return ret;
}

/* A firing alert of the group in an incident that was just opened or is
 * active: new (attached, or opened for the first), a repeat, or firing
 * again after it resolved. */
static int
firing(inc_incident **cur, const char *short_id, struct inc_ingest__run *r,
       const struct inc_ingest__group *g, const struct inc_ingest__alert *a,
       const char *first)
{
	const cJSON *kept = inc_alert__find((*cur)->doc, a->key);
	const char *state = inc_json__str(kept, "state");
	const char *action = first != NULL ? first : "attached";
	const char *reason = NULL;
	int ret;

	if (kept != NULL && state != NULL && strcmp(state, "firing") == 0) {
		if ((ret = repeat(r, *cur, a->key)) < 0)
			return ret;
		action = "repeated";
	} else {
		if (kept != NULL)
			reason = "firing again after it resolved";
		if ((ret = fire(cur, r, a)) < 0)
			return ret;
	}
	return inc_ingest__result(r, g->key, a->key, *cur, short_id, action,
	                          reason) != NULL
	               ? 0
	               : inc_error__nomem(r->err);
}

static int
resolved(inc_incident **cur, int64_t *last, bool *changed, const char *short_id,
         struct inc_ingest__run *r, const struct inc_ingest__group *g,
         const struct inc_ingest__alert *a)
{
	const cJSON *kept = inc_alert__find((*cur)->doc, a->key);
	const char *state = inc_json__str(kept, "state");
	int64_t at = 0;
	int ret;

	/* an incident opened by hand with the key (incident open
	 * --dedup-key, as glue did before ingest) keeps no alerts: the
	 * sender resolving its key resolves it */
	if (kept == NULL &&
	    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	            (*cur)->doc, "alerts")) == 0 &&
	    inc_status_active(inc_incident_status(*cur))) {
		*last = r->now;
		*changed = true;
		return inc_ingest__result(r, g->key, a->key, *cur, short_id,
		                          "resolved",
		                          "it keeps no alerts: its key "
		                          "resolved") != NULL
		               ? 0
		               : inc_error__nomem(r->err);
	}
	if (kept == NULL)
		return inc_ingest__result(
		               r, g->key, a->key, *cur, short_id, "ignored",
		               "it never fired in this incident") != NULL
		               ? 0
		               : inc_error__nomem(r->err);
	if (state != NULL && strcmp(state, "resolved") == 0) {
		if ((ret = repeat(r, *cur, a->key)) < 0)
			return ret;
		return inc_ingest__result(r, g->key, a->key, *cur, short_id,
		                          "repeated",
		                          "resolved already") != NULL
		               ? 0
		               : inc_error__nomem(r->err);
	}
	if ((ret = resolve(cur, &at, r, a, kept)) < 0)
		return ret;
	if (at > *last)
		*last = at;
	*changed = true;
	return inc_ingest__result(r, g->key, a->key, *cur, short_id, "resolved",
	                          NULL) != NULL
	               ? 0
	               : inc_error__nomem(r->err);
}

/* A window covers the group's service: its firing alerts are recorded
 * on the window (suppressed), no incident opens; or, in "open" mode,
 * *opens is true and the caller opens a maintenance incident. */
static int
maintenance(bool *suppressed, bool *opens, struct inc_ingest__run *r,
            const struct inc_ingest__group *g)
{
	char scope[INC_SCOPE_MAX + 1], t[32], why[INC_SCOPE_MAX + 160];
	bool found = false, recorded;
	int ret;

	*suppressed = *opens = false;
	if (g->service == NULL)
		return 0;
	if ((ret = inc_maintenance__covering(scope, &found, r->s, g->service,
	                                     r->now, r->err)) < 0 ||
	    !found)
		return ret;
	if (inc_maintenance__opens(r->s)) {
		*opens = true;
		return 0;
	}
	*suppressed = true;
	for (size_t i = 0; i < g->n; i++) {
		const struct inc_ingest__alert *a = &g->alerts[i];
		cJSON *o, *res;
		if (!a->firing)
			continue;
		if ((o = cJSON_CreateObject()) == NULL)
			return inc_error__nomem(r->err);
		cJSON_AddStringToObject(o, "key", a->key);
		cJSON_AddStringToObject(o, "title",
		                        a->title != NULL ? a->title : a->key);
		cJSON_AddStringToObject(o, "service", g->service);
		cJSON_AddItemToObject(o, "labels",
		                      a->labels != NULL
		                              ? cJSON_Duplicate(a->labels, true)
		                              : cJSON_CreateObject());
		cJSON_AddStringToObject(
		        o, "starts_at",
		        when(t, a->starts_at != 0 && a->starts_at <= r->now
		                        ? a->starts_at
		                        : r->now));
		cJSON_AddStringToObject(o, "source", r->source);
		ret = inc_maintenance__suppress(&recorded, r->s, scope, o,
		                                r->now, r->o->dry_run, r->err);
		cJSON_Delete(o);
		if (ret < 0)
			return ret;
		r->res->written += recorded;
		/* the window by the first 8 characters of its id, as
		 * incident maintenance list starts them */
		snprintf(why, sizeof(why), "maintenance window %.8s covers %s",
		         scope + strlen("maintenance:"), g->service);
		if ((res = inc_ingest__result(r, g->key, a->key, NULL, NULL,
		                              "suppressed", why)) == NULL)
			return inc_error__nomem(r->err);
		cJSON_AddStringToObject(res, "window", scope);
	}
	return 0;
}

int
inc_ingest__group(struct inc_ingest__run *r, struct inc_ingest__group *g)
{
	char id[INC_ID_LEN + 1], short_id[INC_ID_LEN + 1];
	inc_incident *cur = NULL;
	inc_error unpaged = {0};
	bool any_firing = false, changed = false, suppressed, opens = false;
	const char *did = "";
	const char *first = NULL;
	int64_t last = 0;
	int ret;

	if (g->acknowledge)
		return acknowledge(r, g);
	for (size_t i = 0; i < g->n; i++)
		any_firing |= g->alerts[i].firing;
	if ((ret = inc_change__find_dedup(id, r->s, g->key, false, r->err)) < 0)
		return ret;
	/* nothing active: firing opens one (unless a window covers it);
	 * resolutions go to the latest incident of the key */
	if (*id == '\0' && any_firing) {
		if ((ret = maintenance(&suppressed, &opens, r, g)) < 0 ||
		    suppressed)
			return ret;
		if ((ret = open_group(&cur, short_id, r, g, opens, &unpaged)) <
		    0)
			return ret;
		first = "opened";
	} else {
		if (*id == '\0' &&
		    (ret = inc_change__find_dedup(id, r->s, g->key, true,
		                                  r->err)) < 0)
			return ret;
		if (*id == '\0') {
			for (size_t i = 0; i < g->n; i++)
				if (inc_ingest__result(
				            r, g->key, g->alerts[i].key, NULL,
				            NULL, "ignored",
				            "no incident has this key") == NULL)
					return inc_error__nomem(r->err);
			return 0;
		}
		if ((ret = load(&cur, short_id, r->s, id, r->err)) < 0)
			return ret;
	}
	/* one projection for the group's alerts, not one per alert (a
	 * group of 1000 was quadratic); written before the settle reads */
	r->s->project_deferred = !r->o->dry_run;
	for (size_t i = 0; i < g->n && ret == 0; i++) {
		const struct inc_ingest__alert *a = &g->alerts[i];
		if (a->firing && inc_status_active(inc_incident_status(cur))) {
			ret = firing(&cur, short_id, r, g, a, first);
			first = NULL;
		} else if (a->firing) {
			/* only reached when a resolved one is the latest */
			ret = inc_ingest__result(r, g->key, a->key, cur,
			                         short_id, "ignored",
			                         "its incident is over") != NULL
			              ? 0
			              : inc_error__nomem(r->err);
		} else {
			ret = resolved(&cur, &last, &changed, short_id, r, g,
			               a);
		}
	}
	if (r->s->project_deferred) {
		r->s->project_deferred = false;
		if (ret == 0)
			ret = inc_store__project(r->s, cur->doc, r->err);
	}
	if (ret < 0)
		goto done;
	if (unpaged.code != 0 && cJSON_GetArraySize(r->results) > 0)
		cJSON_AddStringToObject(
		        cJSON_GetArrayItem(r->results,
		                           cJSON_GetArraySize(r->results) - 1),
		        "unpaged", unpaged.message);
	/* the last alert resolved: the automatic step */
	if (changed && (inc_alert__all_resolved(cur->doc) ||
	                cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	                        cur->doc, "alerts")) == 0)) {
		cJSON *res = cJSON_GetArrayItem(
		        r->results, cJSON_GetArraySize(r->results) - 1);
		size_t before = (size_t)inc_doc__int(cur->doc, "event_count");
		const char *why =
		        cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
		                cur->doc, "alerts")) > 0
		                ? "all its alerts resolved"
		                : "its sender resolved its key";
		if ((ret = inc_alert__settle(&cur, &did, r->s, short_id, why,
		                             last, r->now, r->o->dry_run,
		                             r->err)) < 0)
			goto done;
		r->res->written +=
		        (size_t)inc_doc__int(cur->doc, "event_count") - before;
		if (*did != '\0' && res != NULL) {
			cJSON_AddStringToObject(res, "settled", did);
			cJSON_AddStringToObject(res, "settled_why", why);
		}
	}
done:
	inc_incident_free(cur);
	return ret;
}

void
inc_ingest__group_release(struct inc_ingest__group *g)
{
	for (size_t i = 0; i < g->n; i++) {
		cJSON_Delete(g->alerts[i].labels);
		cJSON_Delete(g->alerts[i].annotations);
		cJSON_Delete(g->alerts[i].links);
	}
	free(g->alerts);
	g->alerts = NULL;
	g->n = 0;
}

/* ---- the payload ---- */

static int
detect(enum inc_ingest_format *out, const cJSON *root, inc_error *err)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "payload");

	if (cJSON_GetObjectItemCaseSensitive(root, "alerts") != NULL &&
	    (cJSON_GetObjectItemCaseSensitive(root, "version") != NULL ||
	     cJSON_GetObjectItemCaseSensitive(root, "groupKey") != NULL ||
	     cJSON_GetObjectItemCaseSensitive(root, "receiver") != NULL))
		*out = INC_INGEST_ALERTMANAGER;
	else if (cJSON_GetObjectItemCaseSensitive(root, "event_action") != NULL)
		*out = INC_INGEST_PAGERDUTY;
	else if (cJSON_IsObject(p) &&
	         cJSON_GetObjectItemCaseSensitive(p, "summary") != NULL)
		*out = INC_INGEST_PAGERDUTY_CHANGE;
	else
		return inc_error_set(err, INC_EINVALID,
		                     "the payload is neither an Alertmanager "
		                     "webhook nor a PagerDuty event");
	return 0;
}

/* The answer document of incident-ingest(1). */
static int
answer(char **out, struct inc_ingest__run *r, cJSON *results, inc_error *err)
{
	cJSON *root = cJSON_CreateObject();

	if (root == NULL)
		return inc_error__nomem(err);
	cJSON_AddNumberToObject(root, "format", INC_JSON_FORMAT);
	cJSON_AddStringToObject(root, "source",
	                        inc_ingest_format_name(r->res->format));
	cJSON_AddBoolToObject(root, "dry_run", r->o->dry_run);
	if (r->res->dedup_key[0] != '\0')
		cJSON_AddStringToObject(root, "dedup_key", r->res->dedup_key);
	cJSON_AddNumberToObject(root, "alerts", (double)r->res->alerts);
	cJSON_AddNumberToObject(root, "written", (double)r->res->written);
	/* Alertmanager's max_alerts left some out: their state is unknown */
	if (r->truncated > 0)
		cJSON_AddNumberToObject(root, "truncated_alerts",
		                        (double)r->truncated);
	cJSON_AddItemReferenceToObject(root, "results", results);
	*out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	return *out != NULL ? 0 : inc_error__nomem(err);
}

int
inc_ingest(char **out, inc_ingest_result *res, inc_store *s, const char *body,
           size_t len, const inc_ingest_opts *opts, inc_error *err)
{
	inc_ingest_opts defaults = {0};
	inc_ingest_result mine;
	struct inc_ingest__run r;
	const char *end = NULL;
	char *saved_actor = NULL;
	bool began = false, actor_set = false;
	cJSON *root = NULL;
	int ret;

	if (out != NULL)
		*out = NULL;
	if (res == NULL)
		res = &mine;
	if (opts == NULL)
		opts = &defaults;
	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	if (s == NULL)
		return inc_error_set(err, INC_EINVALID,
		                     "no store to ingest into");
	if (body == NULL || len == 0)
		return inc_error_set(err, INC_EINVALID, "the payload is empty");
	if (len > INC_INGEST_MAX)
		return inc_error_set(err, INC_EINVALID,
		                     "the payload is too big (more than %d "
		                     "bytes)",
		                     INC_INGEST_MAX);
	if (u8_check((const uint8_t *)body, len) != NULL)
		return inc_error_set(err, INC_EINVALID,
		                     "the payload is not valid UTF-8");
	if (has_nul(body, len))
		return inc_error_set(
		        err, INC_EINVALID,
		        "the payload has a NUL character (\\u0000)");
	if (inc_ingest__too_deep(body, len, DEPTH_MAX))
		return inc_error_set(err, INC_EINVALID,
		                     "the payload nests deeper than %d levels",
		                     DEPTH_MAX);
	root = cJSON_ParseWithLengthOpts(body, len, &end, false);
	if (root == NULL) {
		const char *at = cJSON_GetErrorPtr();
		size_t off = at != NULL && at >= body && at <= body + len
		                     ? (size_t)(at - body)
		                     : len;
		return inc_error_set(err, INC_EINVALID,
		                     "the payload is not JSON (at byte %zu of "
		                     "%zu)",
		                     off, len);
	}
	while (end != NULL && end < body + len &&
	       strchr(" \t\r\n", *end) != NULL && *end != '\0')
		end++;
	if (end != NULL && end < body + len) {
		ret = inc_error_set(err, INC_EINVALID,
		                    "the payload has more after its JSON value "
		                    "(at byte %zu)",
		                    (size_t)(end - body));
		goto done;
	}
	if (!cJSON_IsObject(root)) {
		ret = inc_error_set(err, INC_EINVALID,
		                    "the payload is not a JSON object");
		goto done;
	}
	res->format = opts->format;
	if (res->format == INC_INGEST_AUTO &&
	    (ret = detect(&res->format, root, err)) < 0)
		goto done;
	r.s = s;
	r.o = opts;
	r.recorded = inc_time_now();
	r.now = opts->now != 0 ? opts->now : r.recorded;
	r.source = res->format == INC_INGEST_ALERTMANAGER ? "alertmanager"
	                                                  : "pagerduty";
	r.res = res;
	r.err = err;
	if ((r.results = cJSON_CreateArray()) == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	/* the events are the source's, unless --actor said who */
	saved_actor = s->actor;
	if ((s->actor = inc_util__strdup(
	             opts->actor != NULL ? opts->actor : r.source)) == NULL) {
		s->actor = saved_actor;
		ret = inc_error__nomem(err);
		goto done;
	}
	actor_set = true;
	if ((ret = inc_store__begin(s, err)) < 0)
		goto done;
	began = true;
	switch (res->format) {
	case INC_INGEST_ALERTMANAGER:
		ret = inc_ingest__alertmanager(&r, root);
		break;
	case INC_INGEST_PAGERDUTY:
		ret = inc_ingest__pagerduty(&r, root);
		break;
	case INC_INGEST_PAGERDUTY_CHANGE:
		res->alerts = 1;
		ret = inc_changes__ingest(r.results, s, root, r.now,
		                          opts->dry_run, err);
		if (ret == 0 && !opts->dry_run)
			res->written++;
		break;
	default:
		ret = inc_error_set(err, INC_EINVALID, "unknown format");
	}
	if (ret == 0 && !opts->dry_run)
		ret = inc_store__commit(s, err);
	if (ret == 0 && out != NULL)
		ret = answer(out, &r, r.results, err);
done:
	if (began)
		inc_store__rollback(s);
	if (actor_set) {
		free(s->actor);
		s->actor = saved_actor;
	}
	cJSON_Delete(r.results);
	cJSON_Delete(root);
	return ret;
}
