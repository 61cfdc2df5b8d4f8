/*
 * Every write goes through commit_change(): inside one IMMEDIATE
 * transaction it loads the incident's current state, validates the
 * change against it, appends the event, folds it in and stores the
 * projection. Nothing is written when validation fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* How far ahead of this machine's clock a time may be (clock skew). */
#define FUTURE_SLACK 300
#define LABEL_MAX 100
#define NAME_MAX_BYTES 200

struct change {
	const char *kind;
	cJSON *payload; /* owned by the change */
	int64_t at;
	bool dry_run;
	/* checks the change against the current state; may be NULL */
	int (*validate)(const cJSON *doc, const struct change *c,
	                inc_error *err);
};

static int
check_at(int64_t *at, int64_t now, inc_error *err)
{
	if (*at == 0)
		*at = now;
	if (*at > now + FUTURE_SLACK)
		return inc_error_set(err, INC_EINVALID,
		                     "that time is in the future");
	return 0;
}

/*
 * Appends the change as an event of incident id (doc: its current
 * state, NULL for a new incident) and stores the new projection.
 * Called inside a write transaction; takes ownership of c->payload.
 */
static int
apply(inc_incident **out, inc_store *s, const char *id, cJSON *doc,
      struct change *c, int64_t now, inc_error *err)
{
	inc_event ev = {0};
	int ret;

	snprintf(ev.incident, sizeof(ev.incident), "%s", id);
	snprintf(ev.kind, sizeof(ev.kind), "%s", c->kind);
	snprintf(ev.replica, sizeof(ev.replica), "%s", s->replica);
	ev.at = c->at;
	ev.recorded_at = now;
	ev.actor = s->actor != NULL ? s->actor : "unknown";
	ev.payload = c->payload;
	if (doc == NULL && (doc = inc_fold__new(id)) == NULL)
		return inc_error__nomem(err);
	if (!c->dry_run && (ret = inc_store__append(s, &ev, err)) < 0)
		goto done;
	inc_fold__apply(doc, &ev);
	if (!c->dry_run && (ret = inc_store__project(s, doc, err)) < 0)
		goto done;
	if (out != NULL) {
		if ((*out = calloc(1, sizeof(**out))) == NULL) {
			ret = inc_error__nomem(err);
			goto done;
		}
		(*out)->doc = doc;
		doc = NULL;
	}
	ret = 0;
done:
	cJSON_Delete(doc);
	return ret;
}

static int
commit_change(inc_incident **out, inc_store *s, const char *prefix,
              struct change *c, inc_error *err)
{
	int64_t now = inc_time_now();
	char id[INC_ID_LEN + 1];
	inc_incident *cur = NULL;
	cJSON *doc = NULL;
	int ret;

	if (out != NULL)
		*out = NULL;
	if ((ret = check_at(&c->at, now, err)) < 0)
		goto done;
	if ((ret = inc_store__begin(s, err)) < 0)
		goto done;
	if ((ret = inc_store_resolve(id, s, prefix, err)) < 0 ||
	    (ret = inc_incident__fold(&cur, s, id, err)) < 0)
		goto done;
	if (c->validate != NULL && (ret = c->validate(cur->doc, c, err)) < 0)
		goto done;
	doc = cur->doc;
	cur->doc = NULL;
	ret = apply(out, s, id, doc, c, now, err);
	if (ret == 0 && !c->dry_run)
		ret = inc_store__commit(s, err);
done:
	inc_store__rollback(s);
	inc_incident_free(cur);
	cJSON_Delete(c->payload);
	return ret;
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

static cJSON *
string_array(const char *const *v, size_t n)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr != NULL && i < n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(v[i]));
	return arr;
}

static int
check_open(inc_store *s, const inc_open_opts *o, inc_error *err)
{
	int ret;

	if (o->title == NULL || o->title[strspn(o->title, " \t")] == '\0')
		return inc_error_set(err, INC_EINVALID, "the title is empty");
	if ((ret = inc_text_check(o->title, INC_TITLE_MAX, "the title", err)) <
	    0)
		return ret;
	if (o->summary != NULL &&
	    (ret = inc_text_check(o->summary, INC_TEXT_MAX, "the summary",
	                          err)) < 0)
		return ret;
	if (o->commander != NULL &&
	    (ret = inc_text_check(o->commander, NAME_MAX_BYTES, "the commander",
	                          err)) < 0)
		return ret;
	if (o->severity < 0 || o->severity > inc_store_severity_count(s))
		return inc_error_set(err, INC_EINVALID,
		                     "severity %d is outside the scale 1..%d",
		                     o->severity, inc_store_severity_count(s));
	for (size_t i = 0; i < o->nservices; i++)
		if ((ret = check_label(o->services[i], "service", err)) < 0)
			return ret;
	for (size_t i = 0; i < o->ntags; i++)
		if ((ret = check_label(o->tags[i], "tag", err)) < 0)
			return ret;
	return 0;
}

int
inc_open(inc_incident **out, inc_store *s, const inc_open_opts *o,
         inc_error *err)
{
	int64_t now = inc_time_now();
	char id[INC_ID_LEN + 1];
	struct change c = {"opened", NULL, o->at, o->dry_run, NULL};
	cJSON *p;
	int ret;

	if (out != NULL)
		*out = NULL;
	if ((ret = check_open(s, o, err)) < 0 ||
	    (ret = check_at(&c.at, now, err)) < 0)
		return ret;
	if (inc_id__new(id) < 0)
		return inc_error_set(err, INC_ERROR,
		                     "cannot read random bytes");
	if ((p = c.payload = cJSON_CreateObject()) == NULL)
		return inc_error__nomem(err);
	cJSON_AddStringToObject(p, "title", o->title);
	if (o->summary != NULL)
		cJSON_AddStringToObject(p, "summary", o->summary);
	cJSON_AddNumberToObject(
	        p, "severity",
	        o->severity != 0 ? o->severity : inc_store_severity_default(s));
	cJSON_AddItemToObject(p, "services",
	                      string_array(o->services, o->nservices));
	cJSON_AddItemToObject(p, "tags", string_array(o->tags, o->ntags));
	if (o->commander != NULL)
		cJSON_AddStringToObject(p, "commander", o->commander);
	if ((ret = inc_store__begin(s, err)) == 0) {
		ret = apply(out, s, id, NULL, &c, now, err);
		if (ret == 0 && !c.dry_run)
			ret = inc_store__commit(s, err);
	}
	inc_store__rollback(s);
	cJSON_Delete(c.payload);
	return ret;
}

int
inc_note(inc_incident **out, inc_store *s, const char *prefix, const char *text,
         int64_t at, bool dry_run, inc_error *err)
{
	struct change c = {"noted", NULL, at, dry_run, NULL};
	int ret;

	if (text == NULL || text[strspn(text, " \t\r\n")] == '\0')
		return inc_error_set(err, INC_EINVALID, "the note is empty");
	if ((ret = inc_text_check(text, INC_TEXT_MAX, "the note", err)) < 0)
		return ret;
	if ((c.payload = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(c.payload, "text", text) == NULL) {
		cJSON_Delete(c.payload);
		return inc_error__nomem(err);
	}
	return commit_change(out, s, prefix, &c, err);
}
