/* The meta table: small named values the store keeps about itself. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

int
inc_store__meta_set(inc_store *s, const char *key, const char *value,
                    inc_error *err)
{
	sqlite3_stmt *st;
	int rc, ret;

	ret = inc_store__prepare(
	        &st, s, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)",
	        err);
	if (ret < 0)
		return ret;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE
	               ? 0
	               : inc_error__sqlite(err, s->db, rc, s->db_path);
}

int
inc_store__meta_int(int64_t *out, inc_store *s, const char *key, inc_error *err)
{
	sqlite3_stmt *st;
	int rc, ret;

	*out = 0;
	ret = inc_store__prepare(&st, s, "SELECT value FROM meta WHERE key = ?",
	                         err);
	if (ret < 0)
		return ret;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		ret = inc_error__sqlite(err, s->db, rc, s->db_path);
	sqlite3_finalize(st);
	return ret;
}

int
inc_store__meta_set_int(inc_store *s, const char *key, int64_t v,
                        inc_error *err)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return inc_store__meta_set(s, key, buf, err);
}

int
inc_store__meta_text(char *out, size_t len, inc_store *s, const char *key,
                     inc_error *err)
{
	sqlite3_stmt *st;
	int rc, ret;

	out[0] = '\0';
	ret = inc_store__prepare(&st, s, "SELECT value FROM meta WHERE key = ?",
	                         err);
	if (ret < 0)
		return ret;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(out, len, "%s",
		         (const char *)sqlite3_column_text(st, 0));
	else if (rc != SQLITE_DONE)
		ret = inc_error__sqlite(err, s->db, rc, s->db_path);
	sqlite3_finalize(st);
	return ret;
}
