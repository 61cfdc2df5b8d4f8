/*
 * The audit repository itself: libgit2 started on first need, the bare
 * repository opened or made, the branch tip, an event's path and bytes,
 * and libgit2's errors turned into ours.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <git2.h>

#include "internal.h"

/*
 * The lock files that stop the audit branch from moving: its own ref's
 * (NULL here) and packed-refs'. Sync's fetch and other git programs take
 * others (any *.lock below refs/), which gc --clear-locks finds too.
 */
static const char *const ref_locks[] = {NULL, "packed-refs.lock"};

bool
inc_audit__find_lock(char *path, size_t len, int64_t *age, inc_store *s)
{
	const char *gitdir =
	        s->repo != NULL ? git_repository_path(s->repo) : NULL;
	bool found = false;
	struct stat st;

	*age = 0;
	for (size_t i = 0; i < sizeof(ref_locks) / sizeof(*ref_locks); i++) {
		char p[4096];
		int64_t a;

		if (ref_locks[i] == NULL)
			snprintf(p, sizeof(p), "%s/%s.lock",
			         gitdir != NULL ? gitdir : s->audit_repo,
			         s->audit_ref);
		else
			snprintf(p, sizeof(p), "%s/%s",
			         gitdir != NULL ? gitdir : s->audit_repo,
			         ref_locks[i]);
		if (stat(p, &st) < 0)
			continue;
		a = (int64_t)time(NULL) - (int64_t)st.st_mtime;
		if (!found || a > *age) {
			/* the oldest; libgit2's path ends in '/': one slash */
			inc_audit__tidy_path(path, len, p);
			*age = a < 0 ? 0 : a;
			found = true;
		}
	}
	return found;
}

void
inc_audit__tidy_path(char *out, size_t len, const char *path)
{
	size_t o = 0;

	for (const char *p = path; *p != '\0' && o + 1 < len; p++)
		if (!(*p == '/' && o > 0 && out[o - 1] == '/'))
			out[o++] = *p;
	out[o] = '\0';
}

int
inc_audit__lock_error(inc_error *err, const char *lock, int64_t age)
{
	char d[32];

	return inc_error_set(err, INC_ERROR,
	                     "%s: a lock left %s ago by a git writer that is "
	                     "gone stops the audit branch (incident gc "
	                     "--clear-locks clears it)",
	                     lock, inc_duration_format(d, sizeof(d), age));
}

/*
 * What the store remembers of the audit branch: the tip it last wrote or
 * merged, in the same transaction as what it mirrored or imported, so a
 * history rewritten behind its back no longer contains it (verify).
 */
int
inc_audit__remember_tip(inc_store *s, const git_oid *tip, inc_error *err)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), tip);
	return inc_store__meta_set(s, "audit_tip", hex, err);
}

int
inc_audit__git_error(inc_error *err, int rc, const char *what)
{
	/* git_error_last() may be NULL in libgit2 1.5 */
	const git_error *e = git_error_last();

	if (rc == GIT_ELOCKED)
		return inc_error_set(err, INC_EBUSY,
		                     "%s: the git repository is locked (%s); "
		                     "try again, or if no git program works "
		                     "there, incident gc --clear-locks",
		                     what,
		                     e != NULL && e->message != NULL
		                             ? e->message
		                             : "a lock file");
	return inc_error_set(err, INC_ERROR, "%s: %s", what,
	                     e != NULL && e->message != NULL ? e->message
	                                                     : "git error");
}

/* Initialises libgit2 and opens (or with create, makes) the repository. */
int
inc_audit__open(inc_store *s, bool create, inc_error *err)
{
	git_repository_init_options o;
	struct stat st;
	int rc;

	if (s->repo != NULL)
		return 0;
	if (!s->git_ready) {
		if ((rc = git_libgit2_init()) < 0)
			return inc_audit__git_error(err, rc, "libgit2");
		s->git_ready = true;
		s->release_git = inc_audit__close;
		git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	}
	if (stat(s->audit_repo, &st) < 0) {
		if (!create)
			return inc_error_set(err, INC_ERROR,
			                     "%s: the audit repository is "
			                     "missing (incident init --git "
			                     "makes it)",
			                     s->audit_repo);
		git_repository_init_options_init(
		        &o, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
		o.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH;
		o.initial_head = s->audit_ref + strlen("refs/heads/");
		rc = git_repository_init_ext(&s->repo, s->audit_repo, &o);
	} else {
		rc = git_repository_open_ext(&s->repo, s->audit_repo,
		                             GIT_REPOSITORY_OPEN_NO_SEARCH,
		                             NULL);
	}
	if (rc < 0)
		return inc_audit__git_error(err, rc, s->audit_repo);
	return 0;
}

void
inc_audit__close(inc_store *s)
{
	git_repository_free(s->repo);
	s->repo = NULL;
	if (s->git_ready)
		git_libgit2_shutdown();
	s->git_ready = false;
}

/* The file's bytes: the canonical JSON of the event and a newline. */
char *
inc_audit__file(const inc_event *ev)
{
	cJSON *o = inc_event__json(ev, true);
	char *text = o != NULL ? cJSON_PrintUnformatted(o) : NULL, *out;

	cJSON_Delete(o);
	if (text == NULL)
		return NULL;
	out = inc_util__asprintf("%s\n", text);
	free(text);
	return out;
}

int
inc_audit__tip(git_oid *out, bool *has, inc_store *s, inc_error *err)
{
	int rc = git_reference_name_to_id(out, s->repo, s->audit_ref);

	*has = rc == 0;
	if (rc < 0 && rc != GIT_ENOTFOUND)
		return inc_audit__git_error(err, rc, s->audit_repo);
	return 0;
}
