/*
 * Stand-ins for part M's functions (maintenance.c, changes.c) until the
 * merge, with the contract's signatures: no window ever covers a
 * service, and a change event is checked for its shape and answered,
 * never written. The coordinator deletes this file at the merge.
 */
#include <string.h>

#include "internal.h"

int
inc_maintenance__covering(char scope[INC_SCOPE_MAX + 1], bool *found,
                          inc_store *s, const char *service, int64_t at,
                          inc_error *err)
{
	(void)s;
	(void)service;
	(void)at;
	(void)err;
	scope[0] = '\0';
	*found = false;
	return 0;
}

bool
inc_maintenance__opens(inc_store *s)
{
	(void)s;
	return false;
}

int
inc_maintenance__suppress(bool *recorded, inc_store *s, const char *scope,
                          const cJSON *alert, int64_t at, bool dry_run,
                          inc_error *err)
{
	(void)s;
	(void)scope;
	(void)alert;
	(void)at;
	(void)dry_run;
	(void)err;
	*recorded = false;
	return 0;
}

int
inc_changes__ingest(cJSON *results, inc_store *s, const cJSON *root,
                    int64_t now, bool dry_run, inc_error *err)
{
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "payload");
	const char *summary = inc_json__str(p, "summary");
	const char *source = inc_json__str(p, "source");
	cJSON *o;

	(void)s;
	(void)now;
	(void)dry_run;
	if (!cJSON_IsObject(p) || summary == NULL || *summary == '\0')
		return inc_error_set(err, INC_EINVALID,
		                     "pagerduty change: payload.summary is "
		                     "missing or not a string");
	if ((o = cJSON_CreateObject()) == NULL)
		return inc_error__nomem(err);
	cJSON_AddStringToObject(o, "key", summary);
	cJSON_AddStringToObject(o, "action", "changed");
	if (source != NULL)
		cJSON_AddStringToObject(o, "service", source);
	else
		cJSON_AddNullToObject(o, "service");
	cJSON_AddItemToArray(results, o);
	return 0;
}
