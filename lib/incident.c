#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *const status_names[INC_STATUS__COUNT] = {
        "open",     "triaged", "investigating", "mitigated",
        "resolved", "closed",  "cancelled",     "merged",
};

const char *
inc_status_name(enum inc_status status)
{
	if ((unsigned)status >= INC_STATUS__COUNT)
		return "unknown";
	return status_names[status];
}

int
inc_status_parse(enum inc_status *out, const char *text)
{
	for (int i = 0; i < INC_STATUS__COUNT; i++) {
		if (text != NULL && strcmp(text, status_names[i]) == 0) {
			*out = (enum inc_status)i;
			return 0;
		}
	}
	return -1;
}

bool
inc_status_active(enum inc_status status)
{
	return status <= INC_STATUS_MITIGATED;
}

int
inc_incident__fold(inc_incident **out, inc_store *s, const char *id,
                   inc_error *err)
{
	inc_event_list *events;
	inc_incident *inc;
	int ret;

	*out = NULL;
	if ((ret = inc_event__load(&events, s, id, err)) < 0)
		return ret;
	if (events->n == 0) {
		inc_event_list_free(events);
		return inc_error_set(err, INC_ENOTFOUND, "%s: no such incident",
		                     id);
	}
	inc = calloc(1, sizeof(*inc));
	if (inc != NULL)
		inc->doc = inc_fold__events(id, events->events, events->n);
	inc_event_list_free(events);
	if (inc == NULL || inc->doc == NULL) {
		free(inc);
		return inc_error__nomem(err);
	}
	*out = inc;
	return 0;
}

int
inc_incident_load(inc_incident **out, inc_store *s, const char *prefix,
                  inc_error *err)
{
	char id[INC_ID_LEN + 1];
	int ret;

	*out = NULL;
	if ((ret = inc_id_resolve(id, s, prefix, err)) < 0)
		return ret;
	return inc_incident__fold(out, s, id, err);
}

void
inc_incident_free(inc_incident *inc)
{
	if (inc == NULL)
		return;
	cJSON_Delete(inc->doc);
	free(inc);
}

const char *
inc_incident_id(const inc_incident *inc)
{
	return inc_json__str(inc->doc, "id");
}

const char *
inc_incident_title(const inc_incident *inc)
{
	return inc_json__str(inc->doc, "title");
}

enum inc_status
inc_incident_status(const inc_incident *inc)
{
	enum inc_status st = INC_STATUS_OPEN;

	(void)inc_status_parse(&st, inc_json__str(inc->doc, "status"));
	return st;
}

int
inc_incident_severity(const inc_incident *inc)
{
	return inc_doc__int(inc->doc, "severity");
}

int
inc_incident_alert_count(const inc_incident *inc)
{
	return inc_doc__int(inc->doc, "alert_count");
}

const cJSON *
inc_incident__doc(const inc_incident *inc)
{
	return inc->doc;
}

/*
 * The durations of DESIGN §3: TTD, TTA, TTM, TTR in seconds; has[i]
 * false when a milestone is missing. Impact that began at an unknown
 * time is taken to begin when it was detected for TTM and TTR; TTD then
 * has no value rather than a made-up zero.
 */
void
inc_incident__durations(const cJSON *doc, int64_t out[4], bool has[4])
{
	int64_t started = inc_doc__time(doc, "started_at");
	int64_t detected = inc_doc__time(doc, "detected_at");
	int64_t start = started != 0 ? started : detected;
	int64_t ends[4] = {detected, inc_doc__time(doc, "acknowledged_at"),
	                   inc_doc__time(doc, "mitigated_at"),
	                   inc_doc__time(doc, "resolved_at")};
	int64_t begins[4] = {started, detected, start, start};

	for (int i = 0; i < 4; i++) {
		has[i] = begins[i] != 0 && ends[i] != 0;
		out[i] = has[i] ? ends[i] - begins[i] : 0;
	}
}

static cJSON *
durations(const cJSON *doc)
{
	static const char *const keys[] = {"ttd", "tta", "ttm", "ttr"};
	cJSON *o = cJSON_CreateObject();
	int64_t v[4];
	bool has[4];

	if (o == NULL)
		return NULL;
	inc_incident__durations(doc, v, has);
	for (int i = 0; i < 4; i++)
		cJSON_AddItemToObject(o, keys[i],
		                      has[i] ? cJSON_CreateNumber((double)v[i])
		                             : cJSON_CreateNull());
	return o;
}

int
inc_incident__to_json(cJSON **out, inc_store *s, const inc_incident *inc,
                      int64_t now, inc_error *err)
{
	return inc_incident__doc_to_json(out, s, inc->doc, now, err);
}

int
inc_incident__doc_to_json(cJSON **out, inc_store *s, const cJSON *doc,
                          int64_t now, inc_error *err)
{
	char short_id[INC_ID_LEN + 1];
	cJSON *o = cJSON_CreateObject(), *d;
	const cJSON *m;
	enum inc_status st = INC_STATUS_OPEN;
	int ret, sev;

	*out = NULL;
	if (o == NULL)
		return inc_error__nomem(err);
	ret = inc_id_short(short_id, s, inc_json__str(doc, "id"), err);
	if (ret < 0) {
		cJSON_Delete(o);
		return ret;
	}
	cJSON_ArrayForEach (m, doc) {
		if ((d = cJSON_Duplicate(m, true)) == NULL)
			goto nomem;
		cJSON_AddItemToObject(o, m->string, d);
		if (strcmp(m->string, "id") == 0)
			cJSON_AddStringToObject(o, "short_id", short_id);
		else if (strcmp(m->string, "severity") == 0)
			cJSON_AddStringToObject(
			        o, "severity_name",
			        inc_severity_name(
			                s, inc_doc__int(doc, "severity")));
	}
	/* the projection has it once a runbook is attached; documents always */
	if (cJSON_GetObjectItemCaseSensitive(doc, "runbook") == NULL &&
	    cJSON_AddNullToObject(o, "runbook") == NULL)
		goto nomem;
	/* alerts (ingest) and maintenance likewise: documents always */
	if (cJSON_GetObjectItemCaseSensitive(doc, "alerts") == NULL &&
	    cJSON_AddArrayToObject(o, "alerts") == NULL)
		goto nomem;
	if (cJSON_GetObjectItemCaseSensitive(doc, "maintenance") == NULL &&
	    cJSON_AddFalseToObject(o, "maintenance") == NULL)
		goto nomem;
	if ((d = durations(doc)) == NULL)
		goto nomem;
	cJSON_AddItemToObject(o, "durations", d);
	(void)inc_status_parse(&st, inc_json__str(doc, "status"));
	sev = inc_doc__int(doc, "severity");
	if (inc_severity_update_cadence(s, sev) > 0 && inc_status_active(st))
		cJSON_AddBoolToObject(
		        o, "update_due",
		        inc_severity_update_due(
		                s, sev, st, inc_doc__time(doc, "opened_at"),
		                inc_doc__time(cJSON_GetObjectItemCaseSensitive(
		                                      doc, "last_update"),
		                              "at"),
		                now));
	else
		cJSON_AddNullToObject(o, "update_due");
	/* escalation.top and .next_at come from the policy in config */
	if (inc_escalation__json(o, s, doc) < 0)
		goto nomem;
	*out = o;
	return 0;
nomem:
	cJSON_Delete(o);
	return inc_error__nomem(err);
}
