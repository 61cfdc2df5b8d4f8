#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Any id character sorts below '~', so [prefix, prefix~) is a range scan. */
static int
bind_prefix_range(sqlite3_stmt *st, const char *prefix)
{
	char upper[INC_ID_LEN + 2];

	snprintf(upper, sizeof(upper), "%s~", prefix);
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_TRANSIENT);
	return sqlite3_bind_text(st, 2, upper, -1, SQLITE_TRANSIENT);
}

static const char resolve_sql[] =
        "SELECT id FROM incidents WHERE id >= ? AND id < ? ORDER BY id LIMIT 6";

int
inc_id_resolve(char out[INC_ID_LEN + 1], inc_store *s, const char *text,
               inc_error *err)
{
	char prefix[INC_ID_LEN + 1], list[160] = "";
	sqlite3_stmt *st;
	int rc, ret, n = 0;
	size_t len;

	if ((ret = inc_id_normalize(prefix, sizeof(prefix), text, err)) < 0)
		return ret;
	ret = inc_store__cached(&st, s, resolve_sql, err);
	if (ret < 0)
		return ret;
	bind_prefix_range(st, prefix);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(st, 0);
		if (n++ == 0)
			snprintf(out, INC_ID_LEN + 1, "%s", id);
		len = strlen(list);
		if (n <= 5)
			snprintf(list + len, sizeof(list) - len, "%s%s",
			         n > 1 ? ", " : "", id);
		else
			snprintf(list + len, sizeof(list) - len, ", ...");
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return inc_error__sqlite(err, s->db, rc, "find incident");
	if (n == 0)
		return inc_error_set(err, INC_ENOTFOUND, "%s: no such incident",
		                     prefix);
	if (n > 1)
		return inc_error_set(err, INC_EAMBIGUOUS,
		                     "%s: ambiguous id, could be %s", prefix,
		                     list);
	return 0;
}

static size_t
common_prefix(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] != '\0' && a[i] == b[i])
		i++;
	return i;
}

/* The neighbours of id in sorted order decide how much of it is needed. */
int
inc_id_short(char out[INC_ID_LEN + 1], inc_store *s, const char *id,
             inc_error *err)
{
	static const char *const sql[] = {
	        "SELECT id FROM incidents WHERE id < ? ORDER BY id DESC "
	        "LIMIT 1",
	        "SELECT id FROM incidents WHERE id > ? ORDER BY id LIMIT 1",
	};
	size_t need = INC_SHORT_ID_MIN;

	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *st;
		int rc, ret;

		if ((ret = inc_store__cached(&st, s, sql[i], err)) < 0)
			return ret;
		sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW) {
			size_t c = common_prefix(
			        id, (const char *)sqlite3_column_text(st, 0));
			if (c + 1 > need)
				need = c + 1;
		}
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return inc_error__sqlite(err, s->db, rc, "short id");
	}
	snprintf(out, INC_ID_LEN + 1, "%.*s", (int)need, id);
	return 0;
}

struct inc_list {
	inc_list_item *items;
	cJSON **docs; /* the projections, with inc_list_opts.docs */
	size_t n;
};

/*
 * Two fixed statements, no SQL built from strings: the usual question
 * (what is active now?) walks the partial index of active incidents; any
 * other walks every incident newest first and stops at the limit.
 */
#define LIST_COLUMNS                                                           \
	"SELECT id, title, status, severity, opened_at, updated_at, doc, "     \
	"priority, drill, last_update_at FROM incidents "
#define LIST_FILTERS                                                           \
	"AND (?1 = 0 OR severity = ?1) AND opened_at >= ?2 "                   \
	"AND (?3 IS NULL OR id IN (SELECT incident FROM labels "               \
	"  WHERE kind = 'service' AND value = ?3)) "                           \
	"AND (?4 IS NULL OR id IN (SELECT incident FROM labels "               \
	"  WHERE kind = 'tag' AND value = ?4)) "                               \
	"AND (?7 IS NULL OR priority = ?7) "                                   \
	"AND (?8 IS NULL OR id IN (SELECT incident FROM labels "               \
	"  WHERE kind = 'field' AND value = ?8)) "                             \
	"ORDER BY opened_at DESC, id DESC LIMIT ?5"

static const char list_active_sql[] =
        LIST_COLUMNS "INDEXED BY incidents_active "
                     "WHERE status IN ('open', 'triaged', 'investigating', "
                     "'mitigated') " LIST_FILTERS;

static const char list_any_sql[] =
        LIST_COLUMNS "INDEXED BY incidents_opened "
                     "WHERE (?6 IS NULL OR status IN (SELECT value FROM "
                     "json_each(?6))) " LIST_FILTERS;

static int
grow(inc_list *list, size_t *cap)
{
	if (list->n < *cap)
		return 0;
	size_t ncap = *cap != 0 ? *cap * 2 : 32;
	inc_list_item *items = realloc(list->items, ncap * sizeof(*items));
	cJSON **docs;

	if (items == NULL)
		return -1;
	list->items = items;
	if ((docs = realloc(list->docs, ncap * sizeof(*docs))) == NULL)
		return -1;
	list->docs = docs;
	*cap = ncap;
	return 0;
}

static int
bind_list(sqlite3_stmt *st, const inc_list_opts *o, char **statuses)
{
	sqlite3_bind_int(st, 1, o->severity);
	sqlite3_bind_int64(st, 2, o->since);
	if (o->service != NULL)
		sqlite3_bind_text(st, 3, o->service, -1, SQLITE_STATIC);
	if (o->tag != NULL)
		sqlite3_bind_text(st, 4, o->tag, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, o->limit > 0 ? (int64_t)o->limit : -1);
	if (o->priority != NULL)
		sqlite3_bind_text(st, 7, o->priority, -1, SQLITE_STATIC);
	if (o->field != NULL)
		sqlite3_bind_text(st, 8, o->field, -1, SQLITE_STATIC);
	*statuses = NULL;
	/* with all too: --all --status resolved means the resolved ones */
	if (o->nstatuses > 0) {
		cJSON *arr = cJSON_CreateArray();
		for (size_t i = 0; arr != NULL && i < o->nstatuses; i++)
			cJSON_AddItemToArray(
			        arr, cJSON_CreateString(
			                     inc_status_name(o->statuses[i])));
		*statuses = arr != NULL ? cJSON_PrintUnformatted(arr) : NULL;
		cJSON_Delete(arr);
		if (*statuses == NULL)
			return -1;
	}
	if (*statuses != NULL)
		sqlite3_bind_text(st, 6, *statuses, -1, SQLITE_STATIC);
	return 0;
}

int
inc_list_query(inc_list **out, inc_store *s, const inc_list_opts *o,
               inc_error *err)
{
	bool active = !o->all && o->nstatuses == 0;
	inc_list *list = calloc(1, sizeof(*list));
	char *statuses = NULL;
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc, ret;

	*out = NULL;
	if (list == NULL)
		return inc_error__nomem(err);
	ret = inc_store__prepare(&st, s,
	                         active ? list_active_sql : list_any_sql, err);
	if (ret < 0)
		goto done;
	if (bind_list(st, o, &statuses) < 0) {
		ret = inc_error__nomem(err);
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		inc_list_item *it;
		if (grow(list, &cap) < 0) {
			ret = inc_error__nomem(err);
			goto done;
		}
		it = &list->items[list->n];
		memset(it, 0, sizeof(*it));
		list->docs[list->n] = NULL;
		snprintf(it->id, sizeof(it->id), "%s",
		         (const char *)sqlite3_column_text(st, 0));
		(void)inc_status_parse(
		        &it->status, (const char *)sqlite3_column_text(st, 2));
		it->severity = sqlite3_column_int(st, 3);
		it->opened_at = sqlite3_column_int64(st, 4);
		it->updated_at = sqlite3_column_int64(st, 5);
		if (sqlite3_column_type(st, 7) == SQLITE_TEXT)
			it->priority = inc_util__strdup(
			        (const char *)sqlite3_column_text(st, 7));
		it->drill = sqlite3_column_int(st, 8) != 0;
		it->last_update_at = sqlite3_column_int64(st, 9);
		it->title = inc_util__strdup(
		        (const char *)sqlite3_column_text(st, 1));
		if (o->docs) {
			list->docs[list->n] = cJSON_Parse(
			        (const char *)sqlite3_column_text(st, 6));
			it->resolved_at = inc_doc__time(list->docs[list->n],
			                                "resolved_at");
		}
		list->n++;
		if (it->title == NULL ||
		    (o->docs && list->docs[list->n - 1] == NULL)) {
			ret = inc_error_set(err, INC_ECORRUPT,
			                    "%s: unreadable record", it->id);
			goto done;
		}
		if ((ret = inc_id_short(it->short_id, s, it->id, err)) < 0)
			goto done;
	}
	if (rc != SQLITE_DONE)
		ret = inc_error__sqlite(err, s->db, rc, "list incidents");
done:
	sqlite3_finalize(st);
	free(statuses);
	if (ret < 0)
		inc_list_free(list);
	else
		*out = list;
	return ret;
}

size_t
inc_list_count(const inc_list *list)
{
	return list->n;
}

const inc_list_item *
inc_list_get(const inc_list *list, size_t i)
{
	return i < list->n ? &list->items[i] : NULL;
}

const cJSON *
inc_list__doc(const inc_list *list, size_t i)
{
	return i < list->n && list->docs != NULL ? list->docs[i] : NULL;
}

void
inc_list_free(inc_list *list)
{
	if (list == NULL)
		return;
	for (size_t i = 0; i < list->n; i++) {
		cJSON_Delete(list->docs[i]);
		free((char *)list->items[i].title);
		free((char *)list->items[i].priority);
	}
	free(list->items);
	free(list->docs);
	free(list);
}

static int
compare_due(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a,
	            *y = *(const cJSON *const *)b;
	const char *dx = inc_json__str(x, "due"), *dy = inc_json__str(y, "due");
	int c;

	if ((dx == NULL) != (dy == NULL))
		return dx == NULL ? 1 : -1; /* no due date last */
	if (dx != NULL && (c = strcmp(dx, dy)) != 0)
		return c;
	if ((c = strcmp(inc_json__str(x, "added_at"),
	                inc_json__str(y, "added_at"))) != 0)
		return c;
	return inc_doc__int(x, "n") - inc_doc__int(y, "n");
}

/* One incident's actions that pass the query, into arr. */
static int
collect_actions(cJSON *arr, inc_store *s, const cJSON *doc,
                const inc_followup_query *q, inc_error *err)
{
	char short_id[INC_ID_LEN + 1];
	const cJSON *a;
	int ret;

	if ((ret = inc_id_short(short_id, s, inc_json__str(doc, "id"), err)) <
	    0)
		return ret;
	cJSON_ArrayForEach (a,
	                    cJSON_GetObjectItemCaseSensitive(doc, "actions")) {
		bool done = !cJSON_IsNull(
		        cJSON_GetObjectItemCaseSensitive(a, "done_at"));
		int64_t due = inc_doc__time(a, "due");
		bool overdue = !done && due != 0 && due < q->now;
		const char *owner = inc_json__str(a, "owner");
		cJSON *item;

		if ((q->open && done) || (q->overdue && !overdue) ||
		    (q->owner != NULL &&
		     (owner == NULL || strcmp(owner, q->owner) != 0)))
			continue;
		if ((item = cJSON_Duplicate(a, true)) == NULL)
			return inc_error__nomem(err);
		cJSON_AddStringToObject(item, "incident",
		                        inc_json__str(doc, "id"));
		cJSON_AddStringToObject(item, "short_id", short_id);
		cJSON_AddStringToObject(item, "title",
		                        inc_json__str(doc, "title"));
		cJSON_AddBoolToObject(item, "overdue", overdue);
		cJSON_AddItemToArray(arr, item);
	}
	return 0;
}

int
inc_followup__list(cJSON **out, inc_store *s, const inc_followup_query *q,
                   inc_error *err)
{
	cJSON *arr = cJSON_CreateArray(), **v = NULL, *sorted = NULL;
	sqlite3_stmt *st = NULL;
	size_t n;
	int rc, ret;

	*out = NULL;
	if (arr == NULL)
		return inc_error__nomem(err);
	ret = inc_store__prepare(
	        &st, s,
	        "SELECT doc FROM incidents WHERE id IN (SELECT incident FROM "
	        "labels WHERE kind = 'has_actions')",
	        err);
	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON *doc =
		        cJSON_Parse((const char *)sqlite3_column_text(st, 0));
		if (doc == NULL)
			ret = inc_error_set(err, INC_ECORRUPT,
			                    "an incident record is unreadable");
		else
			ret = collect_actions(arr, s, doc, q, err);
		cJSON_Delete(doc);
	}
	sqlite3_finalize(st);
	if (ret < 0)
		goto done;
	/* by due date: detach, sort, put back */
	n = (size_t)cJSON_GetArraySize(arr);
	if ((v = malloc((n + 1) * sizeof(*v))) == NULL ||
	    (sorted = cJSON_CreateArray()) == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = cJSON_DetachItemFromArray(arr, 0);
	qsort(v, n, sizeof(*v), compare_due);
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(sorted, v[i]);
	*out = sorted;
	sorted = NULL;
done:
	free(v);
	cJSON_Delete(sorted);
	cJSON_Delete(arr);
	return ret;
}
