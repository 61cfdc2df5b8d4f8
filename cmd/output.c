/* JSON for scripts: one document per command, "format" first. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

cJSON *
json_doc(void)
{
	cJSON *root = cJSON_CreateObject();

	if (root != NULL)
		cJSON_AddNumberToObject(root, "format", INC_JSON_FORMAT);
	return root;
}

/*
 * The library hands its documents out as JSON text (its header has no
 * cJSON in it); cmd/ reads them as cJSON trees. *out gets the document
 * parsed from text (consumed) when ret, the library's status, is 0.
 */
int
json_from_text(cJSON **out, int ret, char *text, inc_error *err)
{
	*out = NULL;
	if (ret < 0)
		return ret;
	*out = cJSON_Parse(text);
	inc_str_free(text);
	if (*out == NULL)
		return inc_error_set(err, INC_ENOMEM, "out of memory");
	return 0;
}

/* The library's documents, as trees; each *out is the caller's. */
int
doc_incident(cJSON **out, inc_store *s, const inc_incident *inc, int64_t now,
             inc_error *err)
{
	char *text = NULL;
	int ret = inc_incident_json(&text, s, inc, now, err);

	return json_from_text(out, ret, text, err);
}

int
doc_list_item(cJSON **out, inc_store *s, const inc_list *list, size_t i,
              int64_t now, inc_error *err)
{
	char *text = NULL;
	int ret = inc_list_item_json(&text, s, list, i, now, err);

	return json_from_text(out, ret, text, err);
}

int
doc_export(cJSON **out, inc_store *s, inc_error *err)
{
	char *text = NULL;
	int ret = inc_export_json(&text, s, err);

	return json_from_text(out, ret, text, err);
}

int
doc_followups(cJSON **out, inc_store *s, const inc_followup_query *q,
              inc_error *err)
{
	char *text = NULL;
	int ret = inc_followup_list_json(&text, s, q, err);

	return json_from_text(out, ret, text, err);
}

int
doc_stats(cJSON **out, inc_store *s, const inc_stats_opts *o, inc_error *err)
{
	char *text = NULL;
	int ret = inc_stats_json(&text, s, o, err);

	return json_from_text(out, ret, text, err);
}

int
doc_event(cJSON **out, const inc_event *ev, inc_error *err)
{
	char *text = NULL;
	int ret = inc_event_json(&text, ev, err);

	return json_from_text(out, ret, text, err);
}

/* The string member key of obj, or NULL; borrowed from obj. */
const char *
json_str(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The integer member key of obj, checked by lib's one reader. */
int
json_int(int64_t *out, const cJSON *obj, const char *key, int64_t min,
         int64_t max)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	*out = 0;
	if (!cJSON_IsNumber(v))
		return INC_EINVALID;
	return inc_number_int(out, v->valuedouble, min, max);
}

/* A count in a document for display: 0 when absent or not a count. */
int
json_count(const cJSON *obj, const char *key)
{
	int64_t n;

	json_int(&n, obj, key, 0, INT_MAX);
	return (int)n;
}

/*
 * Whole numbers from 10^15 to 2^53 as their digits: cJSON prints 15
 * significant digits when they read back "close enough", which would
 * show a Lamport clock of 9007199254740991 as 9.00719925474099e+15.
 * False when out of memory.
 */
static bool
exact_numbers(cJSON *item)
{
	cJSON *c;
	char buf[32], *digits;

	if (cJSON_IsNumber(item) && fabs(item->valuedouble) >= 1e15 &&
	    fabs(item->valuedouble) <= 9007199254740992.0 &&
	    item->valuedouble == floor(item->valuedouble)) {
		snprintf(buf, sizeof(buf), "%.0f", item->valuedouble);
		if ((digits = strdup(buf)) == NULL)
			return false;
		item->type = cJSON_Raw;
		item->valuestring = digits;
		return true;
	}
	cJSON_ArrayForEach (c, item)
		if (!exact_numbers(c))
			return false;
	return true;
}

/* Prints and frees root. */
int
print_json(cJSON *root)
{
	char *text =
	        root != NULL && exact_numbers(root) ? cJSON_Print(root) : NULL;

	cJSON_Delete(root);
	if (text == NULL) {
		fputs("incident: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	puts(text);
	free(text);
	return EXIT_OK;
}
