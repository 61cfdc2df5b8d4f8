/* Statements and transactions: the SQL every part of the store shares. */
#include "internal.h"

int
inc_store__exec(inc_store *s, const char *sql, const char *what, inc_error *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : inc_error__sqlite(err, s->db, rc, what);
}

int
inc_store__prepare(sqlite3_stmt **out, inc_store *s, const char *sql,
                   inc_error *err)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, out, NULL);

	if (rc != SQLITE_OK)
		return inc_error__sqlite(err, s->db, rc, s->db_path);
	return 0;
}

int
inc_store__cached(sqlite3_stmt **out, inc_store *s, const char *sql,
                  inc_error *err)
{
	size_t n = sizeof(s->cache) / sizeof(s->cache[0]), i;
	int rc;

	for (i = 0; i < n && s->cache[i].sql != NULL; i++) {
		if (s->cache[i].sql == sql) {
			sqlite3_reset(s->cache[i].stmt);
			sqlite3_clear_bindings(s->cache[i].stmt);
			*out = s->cache[i].stmt;
			return 0;
		}
	}
	if (i == n) /* full: a plain statement the caller finalizes */
		return inc_store__prepare(out, s, sql, err);
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out,
	                        NULL);
	if (rc != SQLITE_OK)
		return inc_error__sqlite(err, s->db, rc, s->db_path);
	s->cache[i].sql = sql;
	s->cache[i].stmt = *out;
	return 0;
}

int
inc_store__begin(inc_store *s, inc_error *err)
{
	/*
	 * IMMEDIATE: a deferred transaction that reads and then writes
	 * fails with BUSY at once under concurrency, whatever the timeout.
	 */
	return inc_store__exec(s, "BEGIN IMMEDIATE", s->db_path, err);
}

int
inc_store__commit(inc_store *s, inc_error *err)
{
	return inc_store__exec(s, "COMMIT", s->db_path, err);
}

void
inc_store__rollback(inc_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int
inc_store__step_done(inc_store *s, sqlite3_stmt *st, inc_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE
	               ? 0
	               : inc_error__sqlite(err, s->db, rc, s->db_path);
}

int
inc_store__query_int64(int64_t *out, inc_store *s, const char *sql,
                       inc_error *err)
{
	sqlite3_stmt *st;
	int rc, ret;

	if ((ret = inc_store__prepare(&st, s, sql, err)) < 0)
		return ret;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		ret = inc_error__sqlite(err, s->db, rc, s->db_path);
	sqlite3_finalize(st);
	return ret;
}
