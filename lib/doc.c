/* Typed reads and writes of projection documents (cJSON objects). */
#include <string.h>

#include "internal.h"

const char *
inc_doc__str(const cJSON *doc, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int64_t
inc_doc__time(const cJSON *doc, const char *key)
{
	int64_t t;

	if (inc_time_from_rfc3339(&t, inc_doc__str(doc, key)) < 0)
		return 0;
	return t;
}

int
inc_doc__int(const cJSON *doc, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(doc, key);

	return cJSON_IsNumber(v) ? (int)v->valuedouble : 0;
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
