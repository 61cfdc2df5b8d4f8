/*
 * Reading numbers and strings out of JSON documents. cJSON keeps every
 * number as a double: converting one that is out of range, not finite or
 * not whole to an integer is undefined, and above 2^53 two integers read
 * as one. So every integer read from JSON, in lib/ and cmd/, comes
 * through inc_json_number(), which checks before it converts.
 */
#include <math.h>

#include "internal.h"

int
inc_json_number(int64_t *out, const cJSON *v, int64_t min, int64_t max)
{
	double d;

	*out = 0;
	if (!cJSON_IsNumber(v))
		return INC_EINVALID;
	d = v->valuedouble;
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
inc_json_int(int64_t *out, const cJSON *obj, const char *key, int64_t min,
             int64_t max)
{
	return inc_json_number(out, cJSON_GetObjectItemCaseSensitive(obj, key),
	                       min, max);
}

const char *
inc_json_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}
