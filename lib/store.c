#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define DB_NAME "incident.db"
#define BUSY_TIMEOUT_MS 30000

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
};

#define SCHEMA_VERSION (int)(sizeof(migrations) / sizeof(migrations[0]))

/* $INCIDENT_BUSY_TIMEOUT (milliseconds) shortens the wait, e.g. in tests. */
static int
busy_timeout(void)
{
	const char *env = getenv("INCIDENT_BUSY_TIMEOUT");
	char *end;
	long ms;

	if (env == NULL || *env == '\0')
		return BUSY_TIMEOUT_MS;
	ms = strtol(env, &end, 10);
	return *end == '\0' && ms >= 0 && ms <= 3600000 ? (int)ms
	                                                : BUSY_TIMEOUT_MS;
}

static char *
absolute(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return inc__strdup(path);
	return inc__asprintf("%s/%s", cwd, path);
}

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A .incident folder in the working directory or any parent. */
static char *
find_upward(void)
{
	char cwd[PATH_MAX];
	size_t len;

	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return NULL;
	for (;;) {
		char *cand = inc__asprintf("%s/.incident",
		                           strcmp(cwd, "/") == 0 ? "" : cwd);
		if (cand == NULL || is_dir(cand))
			return cand;
		free(cand);
		if (strcmp(cwd, "/") == 0)
			return NULL;
		len = strlen(cwd);
		while (len > 1 && cwd[len - 1] != '/')
			len--;
		cwd[len > 1 ? len - 1 : 1] = '\0';
	}
}

int
inc_store_discover(char **out, const char *explicit_dir, inc_error *err)
{
	const char *env = getenv("INCIDENT_DIR");
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char *dir = NULL;

	*out = NULL;
	if (explicit_dir != NULL && *explicit_dir != '\0')
		dir = absolute(explicit_dir);
	else if (env != NULL && *env != '\0')
		dir = absolute(env);
	else if ((dir = find_upward()) != NULL)
		;
	else if (xdg != NULL && xdg[0] == '/')
		dir = inc__asprintf("%s/incident", xdg);
	else if (home != NULL && *home != '\0')
		dir = inc__asprintf("%s/.local/share/incident", home);
	else
		return inc_error_set(err, INC_ERROR,
		                     "cannot find a store: set INCIDENT_DIR, "
		                     "HOME or use --dir");
	if (dir == NULL)
		return inc_error__nomem(err);
	*out = dir;
	return 0;
}

static int
exec(inc_store *s, const char *sql, const char *what, inc_error *err)
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

static int
user_version(int *out, inc_store *s, inc_error *err)
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
	return exec(s, set[version], "set schema version", err);
}

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

static int
load_replica(inc_store *s, inc_error *err)
{
	sqlite3_stmt *st;
	int rc, ret;

	ret = inc_store__prepare(
	        &st, s, "SELECT value FROM meta WHERE key = 'replica'", err);
	if (ret < 0)
		return ret;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == INC_ID_LEN) {
		memcpy(s->replica, sqlite3_column_text(st, 0), INC_ID_LEN);
		s->replica[INC_ID_LEN] = '\0';
		ret = 0;
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		ret = inc_error_set(err, INC_ECORRUPT,
		                    "%s: the store has no replica id",
		                    s->db_path);
	} else {
		ret = inc_error__sqlite(err, s->db, rc, s->db_path);
	}
	sqlite3_finalize(st);
	return ret;
}

/*
 * Switching to WAL needs a moment alone with the file; when many first
 * commands start at once some find it busy before the busy handler is
 * consulted, so try again for a while.
 */
static int
enable_wal(inc_store *s, inc_error *err)
{
	for (int tries = 0;; tries++) {
		int rc = sqlite3_exec(s->db, "PRAGMA journal_mode = WAL", NULL,
		                      NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY || tries >= 3000)
			return inc_error__sqlite(err, s->db, rc, s->db_path);
		sqlite3_sleep(10);
	}
}

/* Brings the schema to SCHEMA_VERSION inside one write transaction. */
static int
migrate(inc_store *s, inc_error *err)
{
	int version, ret;
	char replica[INC_ID_LEN + 1];

	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	if ((ret = user_version(&version, s, err)) < 0)
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
		if ((ret = exec(s, migrations[v], "migrate the store", err)) <
		    0)
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

/*
 * Each command is a fresh process, so each one opens the WAL as its
 * first connection and rebuilds the WAL index, which forgets what was
 * already checkpointed: with the auto-checkpoint alone the WAL is never
 * restarted, grows without bound (11.6 MB after 300 opens) and every
 * command reads all of it. So after a commit leaves the WAL past a few
 * hundred KiB, checkpoint and truncate it. It never waits: under a write
 * storm the next committer tries again.
 */
#define WAL_TRUNCATE_FRAMES 128

static int
wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	if (frames >= WAL_TRUNCATE_FRAMES) {
		sqlite3_busy_timeout(db, 0);
		(void)sqlite3_wal_checkpoint_v2(
		        db, name, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
		sqlite3_busy_timeout(db, busy_timeout());
	}
	(void)arg;
	return SQLITE_OK;
}

static int
setup(inc_store *s, enum inc_open_mode mode, inc_error *err)
{
	int version, ret;

	sqlite3_busy_timeout(s->db, busy_timeout());
	/* one process per command: let the auto-checkpoint do the work */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	if ((ret = user_version(&version, s, err)) < 0)
		return ret;
	if (version > SCHEMA_VERSION)
		return inc_error_set(err, INC_ENEWER,
		                     "%s: written by a newer version of "
		                     "incident (schema %d; this one knows %d); "
		                     "left as it is",
		                     s->db_path, version, SCHEMA_VERSION);
	if (mode == INC_OPEN_READONLY) {
		if (version == 0)
			return inc_error_set(err, INC_ENOSTORE,
			                     "%s: no store yet", s->dir);
		if (version < SCHEMA_VERSION)
			return inc_error_set(err, INC_ERROR,
			                     "%s: the store needs an upgrade; "
			                     "run any command that writes",
			                     s->db_path);
		return load_replica(s, err);
	}
	if ((ret = exec(s, "PRAGMA synchronous = FULL", s->db_path, err)) < 0)
		return ret;
	sqlite3_wal_hook(s->db, wal_hook, NULL);
	if (version == 0 && (ret = enable_wal(s, err)) < 0)
		return ret;
	if (version < SCHEMA_VERSION && (ret = migrate(s, err)) < 0)
		return ret;
	return load_replica(s, err);
}

/* "file:/path?immutable=1", escaping what a URI path cannot hold. */
static char *
immutable_uri(const char *path)
{
	size_t len = strlen(path);
	char *uri = malloc(len * 3 + 32), *u = uri;

	if (uri == NULL)
		return NULL;
	u += sprintf(u, "file:");
	for (const char *p = path; *p != '\0'; p++) {
		if (*p == '%' || *p == '?' || *p == '#')
			u += sprintf(u, "%%%02X", (unsigned char)*p);
		else
			*u++ = *p;
	}
	strcpy(u, "?immutable=1");
	return uri;
}

/*
 * A WAL store in a folder we cannot write, with no -shm file left, cannot
 * be read the usual way. Nobody can write it either, so reading it as an
 * immutable file is safe.
 */
static int
reopen_immutable(inc_store *s, inc_error *err)
{
	char *uri = immutable_uri(s->db_path);
	int rc;

	if (uri == NULL)
		return inc_error__nomem(err);
	for (size_t i = 0; i < sizeof(s->cache) / sizeof(s->cache[0]); i++) {
		sqlite3_finalize(s->cache[i].stmt);
		s->cache[i].sql = NULL;
		s->cache[i].stmt = NULL;
	}
	sqlite3_close(s->db);
	s->db = NULL;
	rc = sqlite3_open_v2(uri, &s->db,
	                     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
	                             SQLITE_OPEN_NOMUTEX,
	                     NULL);
	free(uri);
	if (rc != SQLITE_OK)
		return inc_error__sqlite(err, s->db, rc, s->db_path);
	return setup(s, INC_OPEN_READONLY, err);
}

int
inc_store_open(inc_store **out, const char *dir, enum inc_open_mode mode,
               inc_error *err)
{
	inc_store *s;
	struct stat st;
	int flags, rc, ret;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return inc_error__nomem(err);
	s->dir = inc__strdup(dir);
	s->db_path = inc__asprintf("%s/" DB_NAME, dir);
	if (s->dir == NULL || s->db_path == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	if (stat(s->db_path, &st) < 0) {
		if (mode != INC_OPEN_CREATE) {
			ret = inc_error_set(err, INC_ENOSTORE,
			                    "%s: no store yet", dir);
			goto done;
		}
		if ((ret = inc__mkdir_p(dir, err)) < 0)
			goto done;
	}
	if (mode == INC_OPEN_READONLY)
		flags = SQLITE_OPEN_READONLY;
	else if (mode == INC_OPEN_READWRITE)
		flags = SQLITE_OPEN_READWRITE;
	else
		flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(s->db_path, &s->db, flags | SQLITE_OPEN_NOMUTEX,
	                     NULL);
	if (rc != SQLITE_OK) {
		ret = inc_error__sqlite(err, s->db, rc, s->db_path);
		goto done;
	}
	s->readonly = mode == INC_OPEN_READONLY;
	ret = setup(s, mode, err);
	if (ret == INC_EREADONLY && mode == INC_OPEN_READONLY &&
	    access(dir, W_OK) < 0)
		ret = reopen_immutable(s, err);
done:
	if (ret < 0)
		inc_store_close(s);
	else
		*out = s;
	return ret;
}

void
inc_store_close(inc_store *s)
{
	if (s == NULL)
		return;
	if (s->release_git != NULL)
		s->release_git(s);
	free(s->audit_repo);
	free(s->audit_ref);
	for (size_t i = 0; i < sizeof(s->cache) / sizeof(s->cache[0]); i++)
		sqlite3_finalize(s->cache[i].stmt);
	sqlite3_close(s->db);
	inc_config_free(s->config);
	for (int i = 0; i < s->severity_count; i++)
		free(s->severity_names[i]);
	free(s->severity_names);
	free(s->actor);
	free(s->dir);
	free(s->db_path);
	free(s);
}

const char *
inc_store_dir(const inc_store *s)
{
	return s->dir;
}

const char *
inc_store_replica(const inc_store *s)
{
	return s->replica;
}

bool
inc_store_created(const inc_store *s)
{
	return s->created;
}

int
inc_store_set_actor(inc_store *s, const char *actor)
{
	char *copy = inc__strdup(actor);

	if (copy == NULL)
		return INC_ENOMEM;
	free(s->actor);
	s->actor = copy;
	return 0;
}

int
inc_store_config(const inc_config **out, inc_store *s, inc_error *err)
{
	int ret;

	if (s->config == NULL &&
	    (ret = inc_config_load(&s->config, s->dir, err)) < 0)
		return ret;
	*out = s->config;
	return 0;
}

int
inc_store__begin(inc_store *s, inc_error *err)
{
	/*
	 * IMMEDIATE: a deferred transaction that reads and then writes
	 * fails with BUSY at once under concurrency, whatever the timeout.
	 */
	return exec(s, "BEGIN IMMEDIATE", s->db_path, err);
}

int
inc_store__commit(inc_store *s, inc_error *err)
{
	return exec(s, "COMMIT", s->db_path, err);
}

void
inc_store__rollback(inc_store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
step_done(inc_store *s, sqlite3_stmt *st, inc_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE
	               ? 0
	               : inc_error__sqlite(err, s->db, rc, s->db_path);
}

static int
query_int64(int64_t *out, inc_store *s, const char *sql, inc_error *err)
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
 * history) keeps its Lamport time and must hash to its id; one already
 * here is skipped (*added false), so receiving it twice is a no-op.
 */
int
inc_store__insert(bool *added, inc_store *s, inc_event *ev, bool imported,
                  inc_error *err)
{
	char prev[INC_EVENT_ID_LEN + 1], chain[INC_EVENT_ID_LEN + 1];
	char want[INC_EVENT_ID_LEN + 1];
	char *link = NULL, *payload = NULL;
	sqlite3_stmt *st = NULL;
	int ret;

	if (added != NULL)
		*added = false;
	if (ev->lamport == 0) {
		ret = query_int64(&ev->lamport, s,
		                  "SELECT coalesce(max(lamport), 0) + 1 "
		                  "FROM events",
		                  err);
		if (ret < 0)
			return ret;
	}
	memcpy(want, ev->id, sizeof(want));
	if ((ret = inc_event__hash(ev, err)) < 0)
		return ret;
	if (imported && strcmp(want, ev->id) != 0)
		return inc_error_set(
		        err, INC_ECORRUPT,
		        "event %.12s: its content does not hash to "
		        "its id (tampered with?)",
		        want);
	if ((ret = last_chain(prev, s, err)) < 0)
		return ret;
	link = inc__asprintf("%s%s", prev, ev->id);
	payload = cJSON_PrintUnformatted(ev->payload);
	if (link == NULL || payload == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	inc__sha256_hex(chain, link, strlen(link));
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
	ret = step_done(s, st, err);
	if (ret == 0 && sqlite3_changes(s->db) > 0) {
		ev->seq = sqlite3_last_insert_rowid(s->db);
		if (added != NULL)
			*added = true;
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
		if ((ret = step_done(s, st, err)) < 0)
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
		char *kv = cJSON_IsString(f) ? inc__asprintf("%s=%s", f->string,
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
	const char *id = inc_doc__str(doc, "id");
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
	sqlite3_bind_text(st, 2, inc_doc__str(doc, "title"), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, inc_doc__str(doc, "status"), -1,
	                  SQLITE_STATIC);
	sqlite3_bind_int(st, 4, inc_doc__int(doc, "severity"));
	sqlite3_bind_text(st, 5, inc_doc__str(doc, "priority"), -1,
	                  SQLITE_STATIC);
	sqlite3_bind_int(
	        st, 6,
	        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "drill")));
	sqlite3_bind_int64(st, 7, inc_doc__time(doc, "opened_at"));
	sqlite3_bind_int64(st, 8, inc_doc__time(doc, "updated_at"));
	if (last != 0)
		sqlite3_bind_int64(st, 9, last);
	sqlite3_bind_text(st, 10, text, -1, SQLITE_STATIC);
	if ((ret = step_done(s, st, err)) < 0)
		goto done;
	ret = inc_store__prepare(&st, s,
	                         "DELETE FROM labels WHERE incident = ?", err);
	if (ret < 0)
		goto done;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((ret = step_done(s, st, err)) < 0)
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
