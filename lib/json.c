/*
 * Reading numbers and strings out of JSON documents. cJSON keeps every
 * number as a double: converting one that is out of range, not finite or
 * not whole to an integer is undefined, and above 2^53 two integers read
 * as one. So every integer read from JSON, in lib/ and cmd/, comes
 * through inc_json__number(), which checks before it converts.
 */
#include <math.h>

#include "internal.h"

int
inc_json__number(int64_t *out, const cJSON *v, int64_t min, int64_t max)
{
	*out = 0;
	if (!cJSON_IsNumber(v))
		return INC_EINVALID;
	return inc_number_int(out, v->valuedouble, min, max);
}

int
inc_number_int(int64_t *out, double d, int64_t min, int64_t max)
{
	*out = 0;
	if (min < -INC_JSON_INT_MAX)
		min = -INC_JSON_INT_MAX;
	if (max > INC_JSON_INT_MAX)
		max = INC_JSON_INT_MAX;
	/* both bounds are exact doubles now, so the comparisons are too */
	if (!isfinite(d) || d != floor(d) || d < (double)min || d > (double)max)
		return INC_EINVALID;
	*out = (int64_t)d;
	return 0;
}

int
inc_json__int(int64_t *out, const cJSON *obj, const char *key, int64_t min,
              int64_t max)
{
	return inc_json__number(out, cJSON_GetObjectItemCaseSensitive(obj, key),
	                        min, max);
}

const char *
inc_json__str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- documents as text, for callers outside lib/ ---- */

/* Prints o (consumed) into *out when ret is 0; ret, or INC_ENOMEM. */
static int
as_text(char **out, cJSON *o, int ret, inc_error *err)
{
	*out = NULL;
	if (ret < 0)
		return ret;
	*out = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return *out != NULL ? 0 : inc_error__nomem(err);
}

int
inc_incident_json(char **out, inc_store *s, const inc_incident *inc,
                  int64_t now, inc_error *err)
{
	cJSON *o = NULL;
	int ret = inc_incident__to_json(&o, s, inc, now, err);

	return as_text(out, o, ret, err);
}

int
inc_list_item_json(char **out, inc_store *s, const inc_list *list, size_t i,
                   int64_t now, inc_error *err)
{
	const cJSON *doc = inc_list__doc(list, i);
	cJSON *o = NULL;
	int ret;

	if (doc == NULL) {
		*out = NULL;
		return inc_error_set(err, INC_EINVALID,
		                     "the list was queried without documents");
	}
	ret = inc_incident__doc_to_json(&o, s, doc, now, err);
	return as_text(out, o, ret, err);
}

int
inc_export_json(char **out, inc_store *s, inc_error *err)
{
	cJSON *o = NULL;
	int ret = inc_export__all(&o, s, err);

	return as_text(out, o, ret, err);
}

int
inc_followup_list_json(char **out, inc_store *s, const inc_followup_query *q,
                       inc_error *err)
{
	cJSON *o = NULL;
	int ret = inc_followup__list(&o, s, q, err);

	return as_text(out, o, ret, err);
}

int
inc_stats_json(char **out, inc_store *s, const inc_stats_opts *opts,
               inc_error *err)
{
	cJSON *o = NULL;
	int ret = inc_stats__compute(&o, s, opts, err);

	return as_text(out, o, ret, err);
}

int
inc_event_json(char **out, const inc_event *ev, inc_error *err)
{
	cJSON *o = NULL;
	int ret = inc_event__to_json(&o, ev, err);

	return as_text(out, o, ret, err);
}
