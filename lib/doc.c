/* Typed reads and writes of projection documents (cJSON objects). */
#include <limits.h>
#include <string.h>

#include "internal.h"

int64_t
inc_doc__time(const cJSON *doc, const char *key)
{
	int64_t t;

	if (inc_time_from_rfc3339(&t, inc_json_str(doc, key)) < 0)
		return 0;
	return t;
}

/* A counter or level of a document: a whole number from 0 to INT_MAX,
 * else 0. */
int
inc_doc__int(const cJSON *doc, const char *key)
{
	int64_t v;

	return inc_json_int(&v, doc, key, 0, INT_MAX) == 0 ? (int)v : 0;
}

static void
replace(cJSON *doc, const char *key, cJSON *item)
{
	if (item == NULL)
		return;
	if (cJSON_GetObjectItemCaseSensitive(doc, key) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(doc, key, item);
	else
		cJSON_AddItemToObject(doc, key, item);
}

void
inc_doc__set_str(cJSON *doc, const char *key, const char *value)
{
	replace(doc, key,
	        value != NULL ? cJSON_CreateString(value) : cJSON_CreateNull());
}

void
inc_doc__set_time(cJSON *doc, const char *key, int64_t t)
{
	char buf[32];

	if (t == 0)
		replace(doc, key, cJSON_CreateNull());
	else
		replace(doc, key,
		        cJSON_CreateString(
		                inc_time_rfc3339(buf, sizeof(buf), t)));
}

void
inc_doc__set_int(cJSON *doc, const char *key, double value)
{
	replace(doc, key, cJSON_CreateNumber(value));
}
