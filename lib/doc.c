/* Typed reads and writes of projection documents (cJSON objects). */
#include <limits.h>
#include <string.h>

#include "internal.h"

int64_t
inc_doc__time(const cJSON *doc, const char *key)
{
	int64_t t;

	if (inc_time_from_rfc3339(&t, inc_json__str(doc, key)) < 0)
		return 0;
	return t;
}

/* A counter or level of a document: a whole number from 0 to INT_MAX,
 * else 0. */
int
inc_doc__int(const cJSON *doc, const char *key)
{
	int64_t v;

	return inc_json__int(&v, doc, key, 0, INT_MAX) == 0 ? (int)v : 0;
}

/*
 * Sets doc[key] to item (consumed), or fails with INC_ENOMEM when item is
 * NULL or the key cannot be copied: a value that could not be made is
 * never silently left as it was. Not cJSON_ReplaceItemInObject: cJSON
 * 1.7.15 goes on when it cannot copy the key and leaves the member
 * nameless (the out-of-memory test in test_kind shows it).
 */
int
inc_doc__replace(cJSON *doc, const char *key, cJSON *item)
{
	cJSON *old = cJSON_GetObjectItemCaseSensitive(doc, key);
	size_t n = strlen(key) + 1;

	if (item == NULL)
		return INC_ENOMEM;
	if (old == NULL) {
		if (!cJSON_AddItemToObject(doc, key, item)) {
			cJSON_Delete(item);
			return INC_ENOMEM;
		}
		return 0;
	}
	/* the key is freed with the item, through cJSON's own hooks */
	if ((item->string = cJSON_malloc(n)) == NULL) {
		cJSON_Delete(item);
		return INC_ENOMEM;
	}
	memcpy(item->string, key, n);
	cJSON_ReplaceItemViaPointer(doc, old, item);
	return 0;
}

int
inc_doc__set_str(cJSON *doc, const char *key, const char *value)
{
	return inc_doc__replace(doc, key,
	                        value != NULL ? cJSON_CreateString(value)
	                                      : cJSON_CreateNull());
}

int
inc_doc__set_time(cJSON *doc, const char *key, int64_t t)
{
	char buf[32];

	if (t == 0)
		return inc_doc__replace(doc, key, cJSON_CreateNull());
	return inc_doc__replace(
	        doc, key,
	        cJSON_CreateString(inc_time_rfc3339(buf, sizeof(buf), t)));
}

int
inc_doc__set_int(cJSON *doc, const char *key, double value)
{
	return inc_doc__replace(doc, key, cJSON_CreateNumber(value));
}
