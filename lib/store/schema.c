/* The schema and its migrations, versioned with PRAGMA user_version. */
#include <stdio.h>

#include "internal.h"

/*
 * Each entry moves the schema from version i to i + 1. Never edit a
 * released entry: add one. The events table is the source of truth and
 * append-only; everything else is a projection that rebuild can recreate.
 */
static const char *const migrations[] = {
        /* 0 -> 1 */
        "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)"
        "  WITHOUT ROWID;"
        "CREATE TABLE events("
        "  seq INTEGER PRIMARY KEY,"
        "  id TEXT NOT NULL UNIQUE,"
        "  incident TEXT NOT NULL,"
        "  kind TEXT NOT NULL,"
        "  at INTEGER NOT NULL,"
        "  recorded_at INTEGER NOT NULL,"
        "  lamport INTEGER NOT NULL,"
        "  replica TEXT NOT NULL,"
        "  actor TEXT NOT NULL,"
        "  payload TEXT NOT NULL,"
        "  chain TEXT NOT NULL,"
        "  imported INTEGER NOT NULL DEFAULT 0);"
        "CREATE INDEX events_incident ON events(incident, lamport, replica, "
        "id);"
        "CREATE INDEX events_lamport ON events(lamport);"
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
        "  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
        "CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
        "  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
        "CREATE TABLE incidents("
        "  id TEXT NOT NULL UNIQUE,"
        "  title TEXT NOT NULL,"
        "  status TEXT NOT NULL,"
        "  severity INTEGER NOT NULL,"
        "  priority TEXT,"
        "  drill INTEGER NOT NULL,"
        "  opened_at INTEGER NOT NULL,"
        "  updated_at INTEGER NOT NULL,"
        "  last_update_at INTEGER,"
        "  doc TEXT NOT NULL);"
        "CREATE INDEX incidents_opened ON incidents(opened_at, id);"
        "CREATE INDEX incidents_active ON incidents(opened_at, id)"
        "  WHERE status IN ('open', 'triaged', 'investigating', 'mitigated');"
        "CREATE TABLE labels("
        "  kind TEXT NOT NULL,"
        "  value TEXT NOT NULL,"
        "  incident TEXT NOT NULL,"
        "  PRIMARY KEY(kind, value, incident)) WITHOUT ROWID;"
        "CREATE INDEX labels_incident ON labels(incident);",
        /*
         * 1 -> 2: the outbox of hook deliveries (lib/hooks.c), written in
         * the transaction of their event. Local state, never synced nor
         * rebuilt: a reader of schema 1 reads a store of schema 2 alike.
         */
        "CREATE TABLE outbox("
        "  seq INTEGER PRIMARY KEY,"
        "  delivery TEXT NOT NULL UNIQUE,"
        "  event TEXT NOT NULL,"
        "  incident TEXT NOT NULL,"
        "  hook TEXT NOT NULL,"
        "  target TEXT,"
        "  attempts INTEGER NOT NULL DEFAULT 0,"
        "  due INTEGER NOT NULL DEFAULT 0,"
        "  lease_until INTEGER NOT NULL DEFAULT 0,"
        "  lease_owner TEXT,"
        "  state TEXT NOT NULL DEFAULT 'pending'"
        "    CHECK(state IN ('pending', 'done', 'failed')),"
        "  last_error TEXT);"
        "CREATE INDEX outbox_pending ON outbox(due) WHERE state = 'pending';",
        /*
         * 2 -> 3: how often each alert of an incident repeated, and when
         * it was last seen (lib/alert.c). A repeat is no change, so no
         * event: local state, never synced, lost by rebuild. A reader of
         * schema 2 reads a store of schema 3 alike.
         */
        "CREATE TABLE alert_seen("
        "  incident TEXT NOT NULL,"
        "  key TEXT NOT NULL,"
        "  repeats INTEGER NOT NULL DEFAULT 0,"
        "  last_seen_at INTEGER NOT NULL,"
        "  PRIMARY KEY(incident, key)) WITHOUT ROWID;",
};

/*
 * The oldest schema a read-only open reads as it is: the migrations since
 * add only what readers do without (the outbox, the alerts' repeat
 * counters), so an upgraded binary
 * still lists and shows before its first write.
 */
#define SCHEMA_READABLE 1

#define SCHEMA_VERSION (int)(sizeof(migrations) / sizeof(migrations[0]))

int
inc_store__schema_version(void)
{
	return SCHEMA_VERSION;
}

bool
inc_store__schema_readable(int version)
{
	return version >= SCHEMA_READABLE && version <= SCHEMA_VERSION;
}

int
inc_store__user_version(int *out, inc_store *s, inc_error *err)
{
	sqlite3_stmt *st;
	int rc, ret;

	if ((ret = inc_store__prepare(&st, s, "PRAGMA user_version", err)) < 0)
		return ret;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		ret = 0;
	} else {
		ret = inc_error__sqlite(err, s->db, rc, s->db_path);
	}
	sqlite3_finalize(st);
	return ret;
}

static int
set_user_version(inc_store *s, int version, inc_error *err)
{
	/* PRAGMA takes no bound parameters; the value is our own integer. */
	static const char *const set[] = {
	        "PRAGMA user_version = 0", "PRAGMA user_version = 1",
	        "PRAGMA user_version = 2", "PRAGMA user_version = 3",
	        "PRAGMA user_version = 4", "PRAGMA user_version = 5",
	        "PRAGMA user_version = 6", "PRAGMA user_version = 7",
	        "PRAGMA user_version = 8", "PRAGMA user_version = 9",
	};

	_Static_assert(SCHEMA_VERSION < 10, "extend set[] above");
	return inc_store__exec(s, set[version], "set schema version", err);
}

/* Brings the schema to SCHEMA_VERSION inside one write transaction. */
int
inc_store__migrate(inc_store *s, inc_error *err)
{
	int version, ret;
	char replica[INC_ID_LEN + 1];

	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	if ((ret = inc_store__user_version(&version, s, err)) < 0)
		goto done;
	if (version > SCHEMA_VERSION) {
		ret = inc_error_set(
		        err, INC_ENEWER,
		        "%s: written by a newer version of incident "
		        "(schema %d; this one knows %d); left as it is",
		        s->db_path, version, SCHEMA_VERSION);
		goto done;
	}
	if (version == 0) {
		s->created = true;
		if (inc_id__new(replica) < 0) {
			ret = inc_error_set(err, INC_ERROR,
			                    "cannot read random bytes");
			goto done;
		}
	}
	for (int v = version; v < SCHEMA_VERSION; v++)
		if ((ret = inc_store__exec(s, migrations[v],
		                           "migrate the store", err)) < 0)
			goto done;
	if (version == 0 &&
	    (ret = inc_store__meta_set(s, "replica", replica, err)) < 0)
		goto done;
	if (version < SCHEMA_VERSION &&
	    (ret = set_user_version(s, SCHEMA_VERSION, err)) < 0)
		goto done;
	ret = inc_store__commit(s, err);
done:
	if (ret < 0)
		inc_store__rollback(s);
	return ret;
}
