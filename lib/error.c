#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

int
inc_error_set(inc_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = (inc_error_code)code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

int
inc_error__nomem(inc_error *err)
{
	return inc_error_set(err, INC_ENOMEM, "out of memory");
}

/* Maps an SQLite failure to one of our statuses, naming what failed. */
int
inc_error__sqlite(inc_error *err, sqlite3 *db, int rc, const char *what)
{
	const char *msg = db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

	/* a write that found no room is SQLITE_IOERR, not SQLITE_FULL */
	if (db != NULL && (rc & 0xff) == SQLITE_IOERR &&
	    (sqlite3_system_errno(db) == ENOSPC ||
	     sqlite3_system_errno(db) == EDQUOT))
		rc = SQLITE_FULL;
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return inc_error_set(err, INC_EBUSY,
		                     "%s: the store is busy (locked by another "
		                     "process); try again",
		                     what);
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return inc_error_set(err, INC_EREADONLY,
		                     "%s: the store is read-only", what);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return inc_error_set(err, INC_ECORRUPT,
		                     "%s: the store is damaged or not an "
		                     "incident store (%s)",
		                     what, msg);
	case SQLITE_NOMEM:
		return inc_error__nomem(err);
	case SQLITE_FULL:
		return inc_error_set(err, INC_ERROR, "%s: the disk is full",
		                     what);
	default:
		return inc_error_set(err, INC_ERROR, "%s: %s", what, msg);
	}
}

const char *
inc_error_code_str(inc_error_code code)
{
	switch (code) {
	case INC_OK:
		return "ok";
	case INC_ERROR:
		return "failed";
	case INC_EINVALID:
		return "invalid input";
	case INC_ENOTFOUND:
		return "not found";
	case INC_EAMBIGUOUS:
		return "ambiguous";
	case INC_EREFUSED:
		return "refused by the lifecycle";
	case INC_EBUSY:
		return "busy";
	case INC_EREADONLY:
		return "read-only";
	case INC_ECORRUPT:
		return "damaged";
	case INC_ENOMEM:
		return "out of memory";
	case INC_ENOSTORE:
		return "no store";
	case INC_ENEWER:
		return "from a newer version";
	}
	return "unknown error";
}

void
inc_str_free(char *s)
{
	free(s);
}

void
inc_strarray_dispose(inc_strarray *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->count; i++)
		free(a->strings[i]);
	free(a->strings);
	a->strings = NULL;
	a->count = 0;
}
