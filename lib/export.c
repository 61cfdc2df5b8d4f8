/* A full dump of the store, independent of the store (incident export). */
#include <stdlib.h>

#include "internal.h"

/* ---- export ---- */

int
inc_export__all(cJSON **out, inc_store *s, inc_error *err)
{
	inc_event_list *events = NULL;
	cJSON *root = cJSON_CreateObject(), *evs, *incs;
	sqlite3_stmt *st = NULL;
	int rc, ret;

	*out = NULL;
	if (root == NULL)
		return inc_error__nomem(err);
	cJSON_AddNumberToObject(root, "format", INC_JSON_FORMAT);
	evs = cJSON_AddArrayToObject(root, "events");
	incs = cJSON_AddArrayToObject(root, "incidents");
	if ((ret = inc_event__load_all(&events, s, true, err)) < 0)
		goto done;
	for (size_t i = 0; i < events->n; i++) {
		cJSON *o = inc_event__json(&events->events[i], true);
		if (o == NULL) {
			ret = inc_error__nomem(err);
			goto done;
		}
		cJSON_AddItemToArray(evs, o);
	}
	ret = inc_store__prepare(&st, s,
	                         "SELECT doc FROM incidents ORDER BY id", err);
	if (ret < 0)
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON *d =
		        cJSON_Parse((const char *)sqlite3_column_text(st, 0));
		if (d == NULL) {
			ret = inc_error_set(err, INC_ECORRUPT,
			                    "an incident record is unreadable");
			goto done;
		}
		cJSON_AddItemToArray(incs, d);
	}
	if (rc != SQLITE_DONE)
		ret = inc_error__sqlite(err, s->db, rc, "export");
done:
	sqlite3_finalize(st);
	inc_event_list_free(events);
	if (ret < 0)
		cJSON_Delete(root);
	else
		*out = root;
	return ret;
}
