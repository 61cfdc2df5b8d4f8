/* The projection tables: an incident's record and its labels. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int
put_labels(inc_store *s, const char *id, const char *kind, const cJSON *arr,
           inc_error *err)
{
	const cJSON *v;
	sqlite3_stmt *st;
	int ret;

	cJSON_ArrayForEach (v, arr) {
		if (!cJSON_IsString(v))
			continue;
		ret = inc_store__prepare(&st, s,
		                         "INSERT OR IGNORE INTO labels(kind, "
		                         "value, incident) VALUES(?, ?, ?)",
		                         err);
		if (ret < 0)
			return ret;
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, v->valuestring, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
		if ((ret = inc_store__step_done(s, st, err)) < 0)
			return ret;
	}
	return 0;
}

/* Fields are filtered on as "key=value" labels. */
static int
put_fields(inc_store *s, const char *id, const cJSON *fields, inc_error *err)
{
	const cJSON *f;
	int ret = 0;

	cJSON_ArrayForEach (f, fields) {
		cJSON *one = cJSON_CreateArray();
		char *kv = cJSON_IsString(f)
		                   ? inc_util__asprintf("%s=%s", f->string,
		                                        f->valuestring)
		                   : NULL;

		if (one != NULL && kv != NULL) {
			cJSON_AddItemToArray(one, cJSON_CreateString(kv));
			ret = put_labels(s, id, "field", one, err);
		}
		cJSON_Delete(one);
		free(kv);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static const char project_sql[] =
        "INSERT INTO incidents(id, title, status, severity, priority, drill, "
        "opened_at, updated_at, last_update_at, doc) "
        "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
        "ON CONFLICT(id) DO UPDATE SET title = ?2, status = ?3, severity = ?4, "
        "priority = ?5, drill = ?6, opened_at = ?7, updated_at = ?8, "
        "last_update_at = ?9, doc = ?10";

/* Writes the projection of one incident (inside a write transaction). */
int
inc_store__project(inc_store *s, const cJSON *doc, inc_error *err)
{
	const char *id = inc_json__str(doc, "id");
	char *text = cJSON_PrintUnformatted(doc);
	int64_t last = inc_doc__time(
	        cJSON_GetObjectItemCaseSensitive(doc, "last_update"), "at");
	sqlite3_stmt *st;
	int ret;

	if (text == NULL)
		return inc_error__nomem(err);
	if ((ret = inc_store__prepare(&st, s, project_sql, err)) < 0)
		goto done;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, inc_json__str(doc, "title"), -1,
	                  SQLITE_STATIC);
	sqlite3_bind_text(st, 3, inc_json__str(doc, "status"), -1,
	                  SQLITE_STATIC);
	sqlite3_bind_int(st, 4, inc_doc__int(doc, "severity"));
	sqlite3_bind_text(st, 5, inc_json__str(doc, "priority"), -1,
	                  SQLITE_STATIC);
	sqlite3_bind_int(
	        st, 6,
	        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "drill")));
	sqlite3_bind_int64(st, 7, inc_doc__time(doc, "opened_at"));
	sqlite3_bind_int64(st, 8, inc_doc__time(doc, "updated_at"));
	if (last != 0)
		sqlite3_bind_int64(st, 9, last);
	sqlite3_bind_text(st, 10, text, -1, SQLITE_STATIC);
	if ((ret = inc_store__step_done(s, st, err)) < 0)
		goto done;
	ret = inc_store__prepare(&st, s,
	                         "DELETE FROM labels WHERE incident = ?", err);
	if (ret < 0)
		goto done;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((ret = inc_store__step_done(s, st, err)) < 0)
		goto done;
	if ((ret = put_labels(s, id, "service",
	                      cJSON_GetObjectItemCaseSensitive(doc, "services"),
	                      err)) < 0 ||
	    (ret = put_labels(s, id, "tag",
	                      cJSON_GetObjectItemCaseSensitive(doc, "tags"),
	                      err)) < 0 ||
	    (ret = put_labels(
	             s, id, "dedup",
	             cJSON_GetObjectItemCaseSensitive(doc, "dedup_keys"),
	             err)) < 0)
		goto done;
	if ((ret = put_fields(s, id,
	                      cJSON_GetObjectItemCaseSensitive(doc, "fields"),
	                      err)) < 0)
		goto done;
	/* action list reads only the incidents that have actions */
	if (cJSON_GetArraySize(
	            cJSON_GetObjectItemCaseSensitive(doc, "actions")) > 0) {
		cJSON *yes = cJSON_CreateArray();
		cJSON_AddItemToArray(yes, cJSON_CreateString("yes"));
		ret = put_labels(s, id, "has_actions", yes, err);
		cJSON_Delete(yes);
	}
done:
	free(text);
	return ret;
}
