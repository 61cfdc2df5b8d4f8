/*
 * The projection: one pure function folds an incident's events, in total
 * order, into its current state. The write path, rebuild and the merge
 * after a sync all use it, so this file alone says what an event means.
 * The fold is total: an event it cannot use is counted and otherwise
 * ignored, never an error, so any set of events gives a projection.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Every member exists from the start, so the key order never varies. */
cJSON *
inc_fold__new(const char *id)
{
	cJSON *d = cJSON_CreateObject(), *roles;

	if (d == NULL)
		return NULL;
	cJSON_AddStringToObject(d, "id", id);
	cJSON_AddStringToObject(d, "title", "");
	cJSON_AddNullToObject(d, "summary");
	cJSON_AddStringToObject(d, "status", "open");
	cJSON_AddNumberToObject(d, "severity", 0);
	cJSON_AddBoolToObject(d, "drill", false);
	cJSON_AddArrayToObject(d, "services");
	cJSON_AddArrayToObject(d, "tags");
	roles = cJSON_AddObjectToObject(d, "roles");
	cJSON_AddNullToObject(roles, "commander");
	cJSON_AddNullToObject(d, "opened_by");
	cJSON_AddNullToObject(d, "opened_at");
	cJSON_AddNullToObject(d, "started_at");
	cJSON_AddNullToObject(d, "detected_at");
	cJSON_AddNullToObject(d, "acknowledged_at");
	cJSON_AddNullToObject(d, "mitigated_at");
	cJSON_AddNullToObject(d, "resolved_at");
	cJSON_AddNullToObject(d, "closed_at");
	cJSON_AddNullToObject(d, "updated_at");
	cJSON_AddNumberToObject(d, "event_count", 0);
	cJSON_AddNumberToObject(d, "note_count", 0);
	cJSON_AddNumberToObject(d, "unknown_event_count", 0);
	return d;
}

static const cJSON *
member(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

static void
increment(cJSON *d, const char *key)
{
	inc_doc__set_int(d, key, inc_doc__int(d, key) + 1);
}

/* Copies a string member of the payload; absent or null clears it. */
static void
copy_str(cJSON *d, const char *key, const cJSON *payload, const char *pkey)
{
	const cJSON *v = member(payload, pkey);

	inc_doc__set_str(d, key, cJSON_IsString(v) ? v->valuestring : NULL);
}

/* Adds each string of arr to the set d[key], keeping it sorted. */
static void
union_strings(cJSON *d, const char *key, const cJSON *arr)
{
	cJSON *set = cJSON_GetObjectItemCaseSensitive(d, key);
	const cJSON *v;

	cJSON_ArrayForEach (v, arr) {
		cJSON *at, *item;
		int pos = 0, c = 1;

		if (!cJSON_IsString(v))
			continue;
		cJSON_ArrayForEach (at, set) {
			if ((c = strcmp(at->valuestring, v->valuestring)) >= 0)
				break;
			pos++;
		}
		if (c == 0 ||
		    (item = cJSON_CreateString(v->valuestring)) == NULL)
			continue;
		if (at == NULL)
			cJSON_AddItemToArray(set, item);
		else
			cJSON_InsertItemInArray(set, pos, item);
	}
}

static void
apply_opened(cJSON *d, const inc_event *ev)
{
	const cJSON *p = ev->payload, *v;
	cJSON *roles = cJSON_GetObjectItemCaseSensitive(d, "roles");

	/* a second "opened" (only a forged history has one) changes nothing */
	if (!cJSON_IsNull(member(d, "opened_at")))
		return;
	copy_str(d, "title", p, "title");
	copy_str(d, "summary", p, "summary");
	v = member(p, "severity");
	if (cJSON_IsNumber(v))
		inc_doc__set_int(d, "severity", v->valuedouble);
	union_strings(d, "services", member(p, "services"));
	union_strings(d, "tags", member(p, "tags"));
	copy_str(roles, "commander", p, "commander");
	inc_doc__set_str(d, "opened_by", ev->actor);
	inc_doc__set_time(d, "opened_at", ev->at);
	inc_doc__set_time(d, "detected_at", ev->at);
}

void
inc_fold__apply(cJSON *d, const inc_event *ev)
{
	int64_t updated = inc_doc__time(d, "updated_at");

	if (strcmp(ev->kind, "opened") == 0)
		apply_opened(d, ev);
	else if (strcmp(ev->kind, "noted") == 0)
		increment(d, "note_count");
	else
		increment(d, "unknown_event_count");
	increment(d, "event_count");
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
	qsort(events, n, sizeof(*events), compare);
	for (size_t i = 0; i < n; i++)
		inc_fold__apply(d, &events[i]);
	return d;
}
