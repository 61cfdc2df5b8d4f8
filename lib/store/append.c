/*
 * Appending events: ids, Lamport clocks and the hash chain, in the
 * caller's write transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The chain value of the last event appended here ("" before the first). */
static int
last_chain(char out[INC_EVENT_ID_LEN + 1], inc_store *s, inc_error *err)
{
	sqlite3_stmt *st;
	int rc, ret;

	ret = inc_store__prepare(
	        &st, s, "SELECT chain FROM events ORDER BY seq DESC LIMIT 1",
	        err);
	if (ret < 0)
		return ret;
	out[0] = '\0';
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, INC_EVENT_ID_LEN + 1, "%s",
		         (const char *)sqlite3_column_text(st, 0));
	else if (rc != SQLITE_DONE)
		ret = inc_error__sqlite(err, s->db, rc, s->db_path);
	sqlite3_finalize(st);
	return ret;
}

/*
 * Appends ev inside the caller's write transaction: gives it the next
 * Lamport time when it has none, its id (the hash of its canonical JSON)
 * and its link in the hash chain. An imported event (from the audit
 * history, checked by its reader) keeps its Lamport time and id; one
 * already here is skipped (*added false), so receiving it twice is a
 * no-op.
 */
int
inc_store__insert(bool *added, inc_store *s, inc_event *ev, bool imported,
                  inc_error *err)
{
	char prev[INC_EVENT_ID_LEN + 1], chain[INC_EVENT_ID_LEN + 1];
	char *link = NULL, *payload = NULL;
	sqlite3_stmt *st = NULL;
	int ret;

	if (added != NULL)
		*added = false;
	if (ev->lamport == 0) {
		ret = inc_store__query_int64(
		        &ev->lamport, s,
		        "SELECT coalesce(max(lamport), 0) + 1 "
		        "FROM events",
		        err);
		if (ret < 0)
			return ret;
		if (ev->lamport > INC_JSON_INT_MAX)
			return inc_error_set(
			        err, INC_ERROR,
			        "the Lamport clock is used up: an event "
			        "at its top (2^53-1), forged or damaged, "
			        "came in by sync (see SECURITY.md)");
	}
	/*
	 * A command's event gets its id here and meets the rules an import
	 * is held to; an imported one was checked by its reader (the
	 * validator, its path and its hash: lib/audit/read.c).
	 */
	if (!imported) {
		if ((ret = inc_event__hash(ev, err)) < 0)
			return ret;
		if ((ret = inc_kind__check_event(ev, err)) < 0)
			return ret == INC_ENEWER ? INC_EINVALID : ret;
	}
	if ((ret = last_chain(prev, s, err)) < 0)
		return ret;
	link = inc_util__asprintf("%s%s", prev, ev->id);
	payload = cJSON_PrintUnformatted(ev->payload);
	if (link == NULL || payload == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	inc_util__sha256_hex(chain, link, strlen(link));
	ret = inc_store__prepare(
	        &st, s,
	        "INSERT OR IGNORE INTO events(id, incident, kind, at, "
	        "recorded_at, lamport, replica, actor, payload, chain, "
	        "imported) "
	        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	        err);
	if (ret < 0)
		goto done;
	sqlite3_bind_text(st, 1, ev->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ev->incident, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ev->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ev->at);
	sqlite3_bind_int64(st, 5, ev->recorded_at);
	sqlite3_bind_int64(st, 6, ev->lamport);
	sqlite3_bind_text(st, 7, ev->replica, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, ev->actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, payload, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, chain, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 11, imported);
	ret = inc_store__step_done(s, st, err);
	if (ret == 0 && sqlite3_changes(s->db) > 0) {
		ev->seq = sqlite3_last_insert_rowid(s->db);
		if (added != NULL)
			*added = true;
		/* a command's event runs its post-<command> hook, once stored:
		 * queued in this transaction, so it is never lost */
		if (!imported && inc_hooks__hook_of(ev->kind) != NULL)
			ret = inc_hooks__enqueue(
			        s, ev, inc_hooks__hook_of(ev->kind), NULL, err);
	}
done:
	free(link);
	free(payload);
	return ret;
}

int
inc_store__append(inc_store *s, inc_event *ev, inc_error *err)
{
	return inc_store__insert(NULL, s, ev, false, err);
}
