/* rebuild: a database made again from the audit history alone. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "internal.h"

/*
 * dir/name moved to dir/name<suffix>, never over a file there (a link,
 * which fails on one, then the old name removed; rename where the file
 * system has no links, after a look); absent: nothing to move.
 */
static int
rename_aside(const char *dir, const char *name, const char *suffix,
             inc_error *err)
{
	char *from = inc_util__asprintf("%s/%s", dir, name);
	char *to = inc_util__asprintf("%s/%s%s", dir, name, suffix);
	int ret = 0;

	if (from == NULL || to == NULL)
		ret = inc_error__nomem(err);
	else if (link(from, to) == 0)
		unlink(from);
	else if (errno == ENOENT)
		ret = 0;
	else if (errno == EEXIST ||
	         ((errno == EPERM || errno == ENOTSUP || errno == EMLINK) &&
	          access(to, F_OK) == 0))
		ret = inc_error_set(err, INC_EBUSY, "%s: exists already", to);
	else if (rename(from, to) < 0 && errno != ENOENT)
		ret = inc_error_set(err, INC_ERROR, "%s: %s", from,
		                    strerror(errno));
	free(from);
	free(to);
	return ret;
}

/*
 * A suffix that no backup of an earlier rebuild has: ".before-rebuild-"
 * and the time, then "-2", "-3", ... when one of that second is there.
 */
static int
backup_suffix(char *suffix, size_t len, const char *dir, inc_error *err)
{
	long long now = (long long)inc_time_now();

	for (unsigned n = 1; n < 1000; n++) {
		bool taken = false;

		if (n == 1)
			snprintf(suffix, len, ".before-rebuild-%lld", now);
		else
			snprintf(suffix, len, ".before-rebuild-%lld-%u", now,
			         n);
		for (const char *f = "incident.db\0incident.db-wal\0"
		                     "incident.db-shm\0\0";
		     !taken && *f; f += strlen(f) + 1) {
			char *p = inc_util__asprintf("%s/%s%s", dir, f, suffix);
			if (p == NULL)
				return inc_error__nomem(err);
			taken = access(p, F_OK) == 0 || errno != ENOENT;
			free(p);
		}
		if (!taken)
			return 0;
	}
	return inc_error_set(err, INC_ERROR,
	                     "%s: too many backups of this second "
	                     "(incident.db.before-rebuild-%lld-*)",
	                     dir, now);
}

int
inc_audit_rebuild(size_t *events_out, inc_import_counts *counts, char **backup,
                  const char *dir, bool quarantine, inc_error *err)
{
	inc_import_opts opts = {quarantine, "rebuild"};
	inc_import_counts ignored;
	inc_store *old = NULL, *fresh = NULL;
	char replica[INC_ID_LEN + 1] = "";
	char *tmp = inc_util__asprintf("%s/rebuild.tmp", dir);
	char *tmp_db = inc_util__asprintf("%s/rebuild.tmp/incident.db", dir);
	char *db = inc_util__asprintf("%s/incident.db", dir);
	git_oid tip;
	bool has_tip, had_db = false;
	size_t added = 0;
	struct stat st;
	char suffix[48];
	int ret;

	*events_out = 0;
	if (counts == NULL)
		counts = &ignored;
	memset(counts, 0, sizeof(*counts));
	if (backup != NULL)
		*backup = NULL;
	if (tmp == NULL || tmp_db == NULL || db == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		ret = inc_error_set(err, INC_ENOTFOUND, "%s: no such store",
		                    dir);
		goto done;
	}
	/*
	 * Keep the replica id when the old database still says it, and
	 * send what it has not mirrored yet to git first: rebuild reads
	 * the history alone.
	 */
	if (inc_store_open(&old, dir, INC_OPEN_READWRITE, NULL) == 0) {
		snprintf(replica, sizeof(replica), "%s", old->replica);
		had_db = true;
		if ((ret = inc_audit_flush(NULL, old, err)) < 0)
			goto done;
	} else if (inc_store_open(&old, dir, INC_OPEN_READONLY, NULL) == 0) {
		snprintf(replica, sizeof(replica), "%s", old->replica);
	}
	if (old == NULL)
		had_db = access(db, F_OK) == 0;
	unlink(tmp_db);
	if ((ret = inc_store_open(&fresh, tmp, INC_OPEN_CREATE, err)) < 0)
		goto done;
	/* the history and its config are those of the real store */
	free(fresh->dir);
	if ((fresh->dir = inc_util__strdup(dir)) == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	if (!inc_audit__enabled(fresh)) {
		ret = inc_error_set(err, INC_EINVALID,
		                    "%s: the audit mirror is off; there is no "
		                    "history to rebuild from",
		                    dir);
		goto done;
	}
	if ((ret = inc_audit__open(fresh, false, err)) < 0 ||
	    (ret = inc_audit__tip(&tip, &has_tip, fresh, err)) < 0)
		goto done;
	if ((ret = inc_store__begin(fresh, err)) < 0)
		goto done;
	if (replica[0] != '\0' &&
	    (ret = inc_store__meta_set(fresh, "replica", replica, err)) < 0)
		goto done;
	/*
	 * What was set aside stays aside, and what sync last saw of each
	 * remote stays known: a rewrite there is still found.
	 */
	if (old != NULL &&
	    ((ret = inc_audit__quarantine_copy(fresh, old, err)) < 0 ||
	     (ret = inc_audit__meta_copy(fresh, old, INC_AUDIT_REMOTE_TIP,
	                                 err)) < 0))
		goto done;
	inc_store_close(old);
	old = NULL;
	if (has_tip && (ret = inc_audit__import(&added, counts, fresh, &tip,
	                                        &opts, err)) < 0)
		goto done;
	/* the tip it was made from: a rewrite since is found (verify) */
	if (has_tip && (ret = inc_audit__remember_tip(fresh, &tip, err)) < 0)
		goto done;
	if ((ret = inc_store__commit(fresh, err)) < 0)
		goto done;
	/* everything into the main file, then swap it in */
	sqlite3_exec(fresh->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
	             NULL);
	inc_store_close(fresh);
	fresh = NULL;
	/* never over an earlier backup: each rebuild keeps its own */
	if ((ret = backup_suffix(suffix, sizeof(suffix), dir, err)) < 0 ||
	    (ret = rename_aside(dir, "incident.db", suffix, err)) < 0 ||
	    (ret = rename_aside(dir, "incident.db-wal", suffix, err)) < 0 ||
	    (ret = rename_aside(dir, "incident.db-shm", suffix, err)) < 0)
		goto done;
	if (backup != NULL)
		*backup = had_db ? inc_util__asprintf("incident.db%s", suffix)
		                 : NULL;
	if (rename(tmp_db, db) < 0) {
		ret = inc_error_set(err, INC_ERROR, "%s: %s", db,
		                    strerror(errno));
		goto done;
	}
	*events_out = added;
done:
	inc_store_close(old);
	if (fresh != NULL) {
		inc_store__rollback(fresh);
		inc_store_close(fresh);
	}
	if (tmp != NULL) {
		char *p;
		for (const char *sfx = "-wal\0-shm\0\0"; *sfx;
		     sfx += strlen(sfx) + 1) {
			if ((p = inc_util__asprintf("%s%s", tmp_db, sfx)) !=
			    NULL)
				unlink(p);
			free(p);
		}
		unlink(tmp_db);
		rmdir(tmp);
	}
	free(tmp);
	free(tmp_db);
	free(db);
	return ret;
}
