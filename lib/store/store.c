/*
 * Opening and closing a store: the database file, WAL, the busy timeout,
 * read-only and immutable fallbacks, and the accessors of the handle.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define DB_NAME "incident.db"
#define BUSY_TIMEOUT_MS 30000

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
	if ((ret = inc_store__user_version(&version, s, err)) < 0)
		return ret;
	if (version > inc_store__schema_version())
		return inc_error_set(err, INC_ENEWER,
		                     "%s: written by a newer version of "
		                     "incident (schema %d; this one knows %d); "
		                     "left as it is",
		                     s->db_path, version,
		                     inc_store__schema_version());
	/* incident makes a database whole (create_db): one with no schema
	 * is someone else's, or damaged */
	if (version == 0)
		return inc_error_set(err, INC_ECORRUPT,
		                     "%s: not an incident store (no schema)",
		                     s->db_path);
	if (mode == INC_OPEN_READONLY) {
		if (!inc_store__schema_readable(version))
			return inc_error_set(err, INC_ERROR,
			                     "%s: the store needs an upgrade; "
			                     "run any command that writes",
			                     s->db_path);
		return load_replica(s, err);
	}
	if ((ret = inc_store__exec(s, "PRAGMA synchronous = FULL", s->db_path,
	                           err)) < 0)
		return ret;
	sqlite3_wal_hook(s->db, wal_hook, NULL);
	if (version < inc_store__schema_version() &&
	    (ret = inc_store__migrate(s, err)) < 0)
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

/*
 * Whether files made in dir are for the folder's group: a group store's
 * folder is setgid and open to its group (inc_store_share), and folders
 * made in it are setgid too.
 */
bool
inc_store__group_dir(const char *dir)
{
	struct stat st;

	return stat(dir, &st) == 0 && (st.st_mode & S_ISGID) &&
	       (st.st_mode & S_IRWXG) == S_IRWXG;
}

/* Whether the store in dir has an audit history its database lacks. */
static bool
has_history(inc_store *s)
{
	struct stat st;
	char *path = inc_util__asprintf("%s/audit.git", s->dir);
	bool found = path != NULL && stat(path, &st) == 0;

	free(path);
	if (!found && inc_audit__enabled(s))
		found = stat(s->audit_repo, &st) == 0;
	/* read again when used: rebuild's database is made in a folder of
	 * its own, then given the store's (rebuild.c) */
	inc_config_free(s->config);
	s->config = NULL;
	free(s->audit_repo);
	free(s->audit_ref);
	s->audit_repo = s->audit_ref = NULL;
	s->audit_loaded = s->audit_enabled = false;
	return found;
}

static int
cannot_open(inc_error *err, const char *path, int errnum)
{
	return inc_error_set(err, INC_ERROR, "%s: cannot open the store: %s",
	                     path, strerror(errnum));
}

/*
 * What is in dir: 1 when there is no store (nothing at all, or a folder
 * with no database and no history), 0 when the database is there to
 * open, or an error that says what is wrong. Only a store that does not
 * exist is "no store yet": a folder we may not read, a file in the way,
 * an empty database or a history without its database are each an
 * error, never an empty store.
 */
static int
examine(inc_store *s, inc_error *err)
{
	struct stat st;

	if (stat(s->dir, &st) < 0) {
		if (errno == ENOENT)
			return 1;
		if (errno == ENOTDIR)
			return inc_error_set(err, INC_ECORRUPT,
			                     "%s: not a store (a file is in "
			                     "its path)",
			                     s->dir);
		return cannot_open(err, s->dir, errno);
	}
	if (!S_ISDIR(st.st_mode))
		return inc_error_set(err, INC_ECORRUPT,
		                     "%s: not a store (a file, not a folder)",
		                     s->dir);
	if (stat(s->db_path, &st) < 0) {
		if (errno != ENOENT)
			return cannot_open(err, s->db_path, errno);
		if (has_history(s))
			return inc_error_set(
			        err, INC_ERROR,
			        "%s: the store has an audit history "
			        "but no database; incident rebuild "
			        "recreates it",
			        s->dir);
		return 1;
	}
	if (!S_ISREG(st.st_mode))
		return inc_error_set(err, INC_ECORRUPT,
		                     "%s: not an incident store (not a file)",
		                     s->db_path);
	if (st.st_size == 0)
		return inc_error_set(
		        err, INC_ECORRUPT,
		        "%s: the database is empty (0 bytes)%s", s->db_path,
		        has_history(s) ? "; incident rebuild recreates it from "
		                         "the audit history"
		                       : ", not a store; move it away to start "
		                         "a new one");
	return 0;
}

/*
 * Makes the schema and the replica id in path, a database no one else
 * sees; errors name the database it is to become, name.
 */
static int
make_db(const char *dir, const char *path, const char *name, inc_error *err)
{
	inc_store *s;
	int rc, ret;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return inc_error__nomem(err);
	s->dir = inc_util__strdup(dir);
	s->db_path = inc_util__strdup(name);
	if (s->dir == NULL || s->db_path == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	rc = sqlite3_open_v2(path, &s->db,
	                     SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		ret = inc_error__sqlite(err, s->db, rc, name);
		goto done;
	}
	/* WAL last: a database that ends in WAL mode is complete */
	if ((ret = inc_store__exec(s, "PRAGMA synchronous = FULL", name, err)) <
	            0 ||
	    (ret = inc_store__migrate(s, err)) < 0 ||
	    (ret = inc_store__exec(s, "PRAGMA journal_mode = WAL", name, err)) <
	            0)
		goto done;
done:
	/* the last close checkpoints and removes the -wal and -shm files */
	inc_store_close(s);
	return ret;
}

static void
remove_db(const char *path)
{
	char *p;

	unlink(path);
	for (const char *sfx = "-journal\0-wal\0-shm\0\0"; *sfx != '\0';
	     sfx += strlen(sfx) + 1) {
		if ((p = inc_util__asprintf("%s%s", path, sfx)) != NULL)
			unlink(p);
		free(p);
	}
}

static void
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/*
 * A new store's database is made whole under another name and linked
 * into place, so incident.db never exists half made: an empty or
 * schema-less one is damage, never a store being born. Of several
 * first commands at once, one links its own and the others open it.
 */
static int
create_db(inc_store *s, inc_error *err)
{
	char *tmp;
	int fd, ret;

	if ((ret = inc_util__mkdir_p(s->dir, err)) < 0)
		return ret;
	if ((tmp = inc_util__asprintf("%s.new-XXXXXX", s->db_path)) == NULL)
		return inc_error__nomem(err);
	/* mkstemp makes it 0600; a group store's files are its group's */
	if ((fd = mkstemp(tmp)) < 0) {
		ret = inc_error_set(err,
		                    errno == EACCES || errno == EROFS
		                            ? INC_EREADONLY
		                            : INC_ERROR,
		                    "%s: cannot create the store: %s", s->dir,
		                    strerror(errno));
		free(tmp);
		return ret;
	}
	if (inc_store__group_dir(s->dir))
		(void)fchmod(fd, 0660);
	close(fd);
	if ((ret = make_db(s->dir, tmp, s->db_path, err)) < 0)
		goto done;
	if (link(tmp, s->db_path) == 0) {
		s->created = true;
	} else if (errno == EEXIST) {
		; /* another command made it first: open that one */
	} else if (errno == EPERM || errno == ENOTSUP || errno == EMLINK) {
		/* no hard links here (a FAT or some FUSE file systems) */
		if (access(s->db_path, F_OK) < 0 &&
		    rename(tmp, s->db_path) == 0)
			s->created = true;
	} else {
		ret = inc_error_set(err, INC_ERROR, "%s: %s", s->db_path,
		                    strerror(errno));
		goto done;
	}
	if (s->created)
		sync_dir(s->dir);
done:
	remove_db(tmp);
	free(tmp);
	return ret;
}

/*
 * A reader that is first to a WAL store makes its -shm file, and cannot
 * on a full disk. With no -wal file either (or an empty one), everything
 * is in the main file and nobody is writing (a writer needs a -wal, and
 * there is no room for one), so reading it as an immutable file is safe
 * there too.
 */
static bool
no_room_for_shm(inc_store *s)
{
	struct stat st;
	char *wal;
	bool none;

	if (s->db == NULL || (sqlite3_system_errno(s->db) != ENOSPC &&
	                      sqlite3_system_errno(s->db) != EDQUOT))
		return false;
	if ((wal = inc_util__asprintf("%s-wal", s->db_path)) == NULL)
		return false;
	/* SQLite made an empty one before it gave up on the -shm */
	none = stat(wal, &st) < 0 ? errno == ENOENT : st.st_size == 0;
	free(wal);
	return none;
}

int
inc_store_open(inc_store **out, const char *dir, enum inc_open_mode mode,
               inc_error *err)
{
	inc_store *s;
	int flags, rc, ret;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return inc_error__nomem(err);
	s->dir = inc_util__strdup(dir);
	s->db_path = inc_util__asprintf("%s/" DB_NAME, dir);
	if (s->dir == NULL || s->db_path == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	if ((ret = examine(s, err)) < 0)
		goto done;
	if (ret == 1 && mode != INC_OPEN_CREATE) {
		ret = inc_error_set(err, INC_ENOSTORE, "%s: no store yet", dir);
		goto done;
	}
	if (ret == 1 && (ret = create_db(s, err)) < 0)
		goto done;
	flags = mode == INC_OPEN_READONLY ? SQLITE_OPEN_READONLY
	                                  : SQLITE_OPEN_READWRITE;
	rc = sqlite3_open_v2(s->db_path, &s->db, flags | SQLITE_OPEN_NOMUTEX,
	                     NULL);
	if ((rc & 0xff) == SQLITE_CANTOPEN && sqlite3_system_errno(s->db)) {
		ret = cannot_open(err, s->db_path, sqlite3_system_errno(s->db));
		goto done;
	}
	if (rc != SQLITE_OK) {
		ret = inc_error__sqlite(err, s->db, rc, s->db_path);
		goto done;
	}
	s->readonly = mode == INC_OPEN_READONLY;
	ret = setup(s, mode, err);
	if (ret == INC_EREADONLY && mode == INC_OPEN_READONLY &&
	    access(dir, W_OK) < 0)
		ret = reopen_immutable(s, err);
	else if (ret < 0 && mode == INC_OPEN_READONLY && no_room_for_shm(s))
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
	char *copy = inc_util__strdup(actor);

	if (copy == NULL)
		return INC_ENOMEM;
	free(s->actor);
	s->actor = copy;
	return 0;
}

const char *
inc_store_actor(const inc_store *s)
{
	return s->actor;
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
