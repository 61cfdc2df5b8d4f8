/*
 * A stand-in for helper A's ingest (lib/ingest.c), so that incident
 * listen can be built and tested before the merge; deleted then. It has
 * the contract's signatures and is honest about what it does: it parses
 * the payload with cJSON (refusing what does not parse, the wrong types
 * and what is too big, with nothing written), and opens one incident per
 * groupKey (Alertmanager) or dedup_key (a PagerDuty trigger) through
 * inc_incident_open with that dedup key, so a second notification
 * attaches. Everything else (resolving, acknowledging, change events,
 * alerts kept inside the incident) it reports as "ignored".
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static const char *const format_names[] = {
        [INC_INGEST_AUTO] = "auto",
        [INC_INGEST_ALERTMANAGER] = "alertmanager",
        [INC_INGEST_PAGERDUTY] = "pagerduty",
        [INC_INGEST_PAGERDUTY_CHANGE] = "pagerduty-change",
};

const char *
inc_ingest_format_name(enum inc_ingest_format f)
{
	if ((size_t)f >= sizeof(format_names) / sizeof(format_names[0]))
		return "auto";
	return format_names[f];
}

int
inc_ingest_format_parse(enum inc_ingest_format *out, const char *text)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]);
	     i++) {
		if (strcmp(format_names[i], text) == 0) {
			*out = (enum inc_ingest_format)i;
			return 0;
		}
	}
	return INC_EINVALID;
}

/* The member key of obj when it is a string; NULL when absent. */
static int
string_member(const char **out, const cJSON *obj, const char *key,
              bool required, inc_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v)) {
		if (!required)
			return 0;
		inc_error_set(err, INC_EINVALID, "payload: '%s' is missing",
		              key);
		return INC_EINVALID;
	}
	if (!cJSON_IsString(v)) {
		inc_error_set(err, INC_EINVALID,
		              "payload: '%s' is not a string", key);
		return INC_EINVALID;
	}
	*out = v->valuestring;
	return 0;
}

static int
check_type(const cJSON *obj, const char *key, cJSON_bool (*is)(const cJSON *),
           const char *what, inc_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (v == NULL || is(v))
		return 0;
	inc_error_set(err, INC_EINVALID, "payload: '%s' is not %s", key, what);
	return INC_EINVALID;
}

static enum inc_ingest_format
detect(const cJSON *root)
{
	const cJSON *payload =
	        cJSON_GetObjectItemCaseSensitive(root, "payload");

	if (cJSON_GetObjectItemCaseSensitive(root, "groupKey") != NULL ||
	    cJSON_GetObjectItemCaseSensitive(root, "alerts") != NULL)
		return INC_INGEST_ALERTMANAGER;
	if (cJSON_GetObjectItemCaseSensitive(root, "event_action") == NULL &&
	    cJSON_IsObject(payload) &&
	    cJSON_GetObjectItemCaseSensitive(payload, "summary") != NULL)
		return INC_INGEST_PAGERDUTY_CHANGE;
	return INC_INGEST_PAGERDUTY;
}

/* Appends {key, incident?, short_id?, action, reason?} to results. */
static int
add_result(cJSON *results, const char *key, const char *id,
           const char *short_id, const char *action, const char *reason,
           inc_error *err)
{
	cJSON *r = cJSON_CreateObject();

	if (r == NULL || !cJSON_AddItemToArray(results, r) ||
	    cJSON_AddStringToObject(r, "key", key) == NULL ||
	    (id != NULL &&
	     cJSON_AddStringToObject(r, "incident", id) == NULL) ||
	    (short_id != NULL &&
	     cJSON_AddStringToObject(r, "short_id", short_id) == NULL) ||
	    cJSON_AddStringToObject(r, "action", action) == NULL ||
	    (reason != NULL &&
	     cJSON_AddStringToObject(r, "reason", reason) == NULL)) {
		inc_error_set(err, INC_ENOMEM, "out of memory");
		return INC_ENOMEM;
	}
	return 0;
}

/* Opens, or attaches to the active incident with the key. */
static int
open_keyed(cJSON *results, size_t *written, inc_store *store, const char *key,
           const char *title, const char *source, int64_t now, bool dry_run,
           inc_error *err)
{
	inc_open_opts o = INC_OPEN_OPTS_INIT;
	char clipped[INC_TITLE_MAX + 1], short_id[INC_ID_LEN + 1];
	inc_incident *inc = NULL;
	bool dedup = false;
	int ret;

	snprintf(clipped, sizeof(clipped), "%s", title);
	o.title = clipped;
	o.dedup_key = key;
	o.source = source;
	o.now = now;
	o.dry_run = dry_run;
	if ((ret = inc_incident_open(&inc, &dedup, store, &o, err)) < 0)
		return ret;
	if (inc_id_short(short_id, store, inc_incident_id(inc), err) < 0)
		snprintf(short_id, sizeof(short_id), "%s",
		         inc_incident_id(inc));
	ret = add_result(results, key, inc_incident_id(inc), short_id,
	                 dedup ? "attached" : "opened", NULL, err);
	*written += dry_run ? 0 : 1;
	inc_incident_free(inc);
	return ret;
}

static int
alertmanager(cJSON *results, inc_ingest_result *res, inc_store *store,
             const cJSON *root, const inc_ingest_opts *opts, inc_error *err)
{
	const char *key, *status, *version, *title = NULL;
	const cJSON *alerts, *a, *common;
	int ret;

	if ((ret = string_member(&version, root, "version", false, err)) < 0 ||
	    (ret = string_member(&key, root, "groupKey", true, err)) < 0 ||
	    (ret = string_member(&status, root, "status", true, err)) < 0 ||
	    (ret = check_type(root, "commonLabels", cJSON_IsObject, "an object",
	                      err)) < 0 ||
	    (ret = check_type(root, "commonAnnotations", cJSON_IsObject,
	                      "an object", err)) < 0)
		return ret;
	if (version != NULL && strcmp(version, "4") != 0) {
		inc_error_set(err, INC_EINVALID,
		              "payload: webhook version '%s' is not 4",
		              version);
		return INC_EINVALID;
	}
	alerts = cJSON_GetObjectItemCaseSensitive(root, "alerts");
	if (!cJSON_IsArray(alerts)) {
		inc_error_set(err, INC_EINVALID, "payload: 'alerts' is %s",
		              alerts == NULL ? "missing" : "not an array");
		return INC_EINVALID;
	}
	cJSON_ArrayForEach (a, alerts) {
		const char *s;
		if (!cJSON_IsObject(a) ||
		    string_member(&s, a, "status", true, err) < 0 ||
		    check_type(a, "labels", cJSON_IsObject, "an object", err) <
		            0) {
			inc_error_set(err, INC_EINVALID,
			              "payload: an alert is not an object with "
			              "a status and labels");
			return INC_EINVALID;
		}
		res->alerts++;
	}
	if (strlen(key) > INC_DEDUP_KEY_MAX) {
		inc_error_set(err, INC_EINVALID,
		              "payload: the groupKey is longer than %d bytes "
		              "(the stand-in does not hash it)",
		              INC_DEDUP_KEY_MAX);
		return INC_EINVALID;
	}
	snprintf(res->dedup_key, sizeof(res->dedup_key), "%s", key);
	if (strcmp(status, "firing") != 0)
		return add_result(results, key, NULL, NULL, "ignored",
		                  "the stand-in ingest does not resolve", err);
	common = cJSON_GetObjectItemCaseSensitive(root, "commonAnnotations");
	string_member(&title, common, "summary", false, err);
	if (title == NULL) {
		common = cJSON_GetObjectItemCaseSensitive(root, "commonLabels");
		string_member(&title, common, "alertname", false, err);
	}
	return open_keyed(results, &res->written, store, key,
	                  title != NULL && *title != '\0' ? title : key,
	                  "alertmanager", opts->now, opts->dry_run, err);
}

/* A key for an event that came without one: 32 hex digits. */
static int
make_key(char *out, size_t len, inc_error *err)
{
	unsigned char raw[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	bool ok = fd >= 0 && read(fd, raw, sizeof(raw)) == sizeof(raw);

	if (fd >= 0)
		close(fd);
	if (!ok || len < 2 * sizeof(raw) + 1) {
		inc_error_set(err, INC_ERROR, "cannot make a dedup key");
		return INC_ERROR;
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	return 0;
}

static int
pagerduty(cJSON *results, inc_ingest_result *res, inc_store *store,
          const cJSON *root, const inc_ingest_opts *opts, inc_error *err)
{
	const char *action, *key, *summary, *source, *severity;
	const cJSON *payload =
	        cJSON_GetObjectItemCaseSensitive(root, "payload");
	int ret;

	if ((ret = string_member(&action, root, "event_action", true, err)) <
	            0 ||
	    (ret = string_member(&key, root, "dedup_key", false, err)) < 0 ||
	    (ret = string_member(&summary, root, "routing_key", false, err)) <
	            0)
		return ret;
	if (strcmp(action, "trigger") != 0 &&
	    strcmp(action, "acknowledge") != 0 &&
	    strcmp(action, "resolve") != 0) {
		inc_error_set(err, INC_EINVALID,
		              "payload: event_action '%s' is not trigger, "
		              "acknowledge or resolve",
		              action);
		return INC_EINVALID;
	}
	res->alerts = 1;
	if (strcmp(action, "trigger") != 0) {
		if (key == NULL) {
			inc_error_set(err, INC_EINVALID,
			              "payload: '%s' needs a dedup_key",
			              action);
			return INC_EINVALID;
		}
		snprintf(res->dedup_key, sizeof(res->dedup_key), "%s", key);
		return add_result(results, key, NULL, NULL, "ignored",
		                  "the stand-in ingest only triggers", err);
	}
	if (!cJSON_IsObject(payload)) {
		inc_error_set(err, INC_EINVALID, "payload: 'payload' is %s",
		              payload == NULL ? "missing" : "not an object");
		return INC_EINVALID;
	}
	if ((ret = string_member(&summary, payload, "summary", true, err)) <
	            0 ||
	    (ret = string_member(&source, payload, "source", true, err)) < 0 ||
	    (ret = string_member(&severity, payload, "severity", true, err)) <
	            0)
		return ret;
	if (key != NULL && strlen(key) > INC_DEDUP_KEY_MAX) {
		inc_error_set(err, INC_EINVALID,
		              "payload: the dedup_key is longer than %d bytes",
		              INC_DEDUP_KEY_MAX);
		return INC_EINVALID;
	}
	if (key != NULL)
		snprintf(res->dedup_key, sizeof(res->dedup_key), "%s", key);
	else if ((ret = make_key(res->dedup_key, sizeof(res->dedup_key), err)) <
	         0)
		return ret;
	return open_keyed(results, &res->written, store, res->dedup_key,
	                  *summary != '\0' ? summary : res->dedup_key, source,
	                  opts->now, opts->dry_run, err);
}

static int
change(cJSON *results, inc_ingest_result *res, const cJSON *root,
       inc_error *err)
{
	const cJSON *payload =
	        cJSON_GetObjectItemCaseSensitive(root, "payload");
	const char *summary;
	int ret;

	if (!cJSON_IsObject(payload)) {
		inc_error_set(err, INC_EINVALID, "payload: 'payload' is %s",
		              payload == NULL ? "missing" : "not an object");
		return INC_EINVALID;
	}
	if ((ret = string_member(&summary, payload, "summary", true, err)) < 0)
		return ret;
	res->alerts = 1;
	return add_result(results, "", NULL, NULL, "ignored",
	                  "the stand-in ingest does not record changes", err);
}

int
inc_ingest(char **out, inc_ingest_result *res, inc_store *store,
           const char *body, size_t len, const inc_ingest_opts *opts,
           inc_error *err)
{
	inc_ingest_result local;
	cJSON *root = NULL, *doc = NULL, *results;
	const char *source, *actor;
	int ret = 0;

	if (out != NULL)
		*out = NULL;
	if (res == NULL)
		res = &local;
	memset(res, 0, sizeof(*res));
	if (len > INC_INGEST_MAX) {
		inc_error_set(err, INC_EINVALID,
		              "payload: larger than %d bytes", INC_INGEST_MAX);
		return INC_EINVALID;
	}
	if ((root = cJSON_ParseWithLength(body, len)) == NULL ||
	    !cJSON_IsObject(root)) {
		inc_error_set(err, INC_EINVALID,
		              "payload: not a JSON object (malformed, "
		              "truncated or nested too deep)");
		ret = INC_EINVALID;
		goto done;
	}
	res->format =
	        opts->format != INC_INGEST_AUTO ? opts->format : detect(root);
	source = res->format == INC_INGEST_ALERTMANAGER ? "alertmanager"
	                                                : "pagerduty";
	actor = opts->actor != NULL ? opts->actor : source;
	if ((doc = cJSON_CreateObject()) == NULL ||
	    cJSON_AddNumberToObject(doc, "format", 1) == NULL ||
	    cJSON_AddStringToObject(doc, "source", source) == NULL ||
	    cJSON_AddBoolToObject(doc, "dry_run", opts->dry_run) == NULL ||
	    (results = cJSON_AddArrayToObject(doc, "results")) == NULL ||
	    inc_store_set_actor(store, actor) < 0) {
		inc_error_set(err, INC_ENOMEM, "out of memory");
		ret = INC_ENOMEM;
		goto done;
	}
	switch (res->format) {
	case INC_INGEST_ALERTMANAGER:
		ret = alertmanager(results, res, store, root, opts, err);
		break;
	case INC_INGEST_PAGERDUTY_CHANGE:
		ret = change(results, res, root, err);
		break;
	default:
		ret = pagerduty(results, res, store, root, opts, err);
		break;
	}
	if (ret < 0)
		goto done;
	if (res->dedup_key[0] != '\0' &&
	    cJSON_AddStringToObject(doc, "dedup_key", res->dedup_key) == NULL) {
		inc_error_set(err, INC_ENOMEM, "out of memory");
		ret = INC_ENOMEM;
		goto done;
	}
	if (out != NULL && (*out = cJSON_PrintUnformatted(doc)) == NULL) {
		inc_error_set(err, INC_ENOMEM, "out of memory");
		ret = INC_ENOMEM;
	}
done:
	cJSON_Delete(root);
	cJSON_Delete(doc);
	return ret;
}
