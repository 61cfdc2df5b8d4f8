/*
 * Sharing through any git remote: fetch, union the trees (event files are
 * immutable and uniquely named, so a merge never conflicts), import the
 * events the store has not seen, push. What has been imported is keyed
 * on the last imported tip (meta.imported_tip), never on file times.
 *
 * The network work runs in a child process the deadline can kill:
 * libgit2 1.5 has no socket timeouts, and a connect or a read that hangs
 * never comes back to a progress callback. Pushes are compare-and-swap:
 * a git server does it itself; to a local repository (a path, file://)
 * libgit2 1.5 overwrites the branch, so this file pushes there itself,
 * the ref moved with git_reference_create_matching under the remote's
 * own ref lock. A rejected push is busy: fetch, merge and push again,
 * after a pause with jitter.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "internal.h"

#define PUSH_TRIES 30

/* ---- merging ---- */

/* The union of two trees: every path of either; a conflict keeps a's. */
static int
tree_union(git_oid *out, git_repository *repo, git_tree *a, git_tree *b)
{
	git_treebuilder *bld = NULL;
	size_t n = git_tree_entrycount(b);
	int rc;

	if ((rc = git_treebuilder_new(&bld, repo, a)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const git_tree_entry *eb = git_tree_entry_byindex(b, i);
		const git_tree_entry *ea =
		        git_treebuilder_get(bld, git_tree_entry_name(eb));
		git_tree *ta = NULL, *tb = NULL;
		git_oid merged;

		if (ea == NULL) {
			rc = git_treebuilder_insert(
			        NULL, bld, git_tree_entry_name(eb),
			        git_tree_entry_id(eb),
			        git_tree_entry_filemode(eb));
			continue;
		}
		if (git_oid_equal(git_tree_entry_id(ea),
		                  git_tree_entry_id(eb)) ||
		    git_tree_entry_type(ea) != GIT_OBJECT_TREE ||
		    git_tree_entry_type(eb) != GIT_OBJECT_TREE)
			continue;
		if ((rc = git_tree_lookup(&ta, repo, git_tree_entry_id(ea))) ==
		            0 &&
		    (rc = git_tree_lookup(&tb, repo, git_tree_entry_id(eb))) ==
		            0 &&
		    (rc = tree_union(&merged, repo, ta, tb)) == 0)
			rc = git_treebuilder_insert(NULL, bld,
			                            git_tree_entry_name(eb),
			                            &merged, GIT_FILEMODE_TREE);
		git_tree_free(ta);
		git_tree_free(tb);
	}
	if (rc == 0)
		rc = git_treebuilder_write(out, bld);
	git_treebuilder_free(bld);
	return rc;
}

/*
 * *local becomes a commit holding both local and remote history. The
 * branch itself moves only after the import accepted every event.
 */
static int
merge(git_oid *local, bool *has_local, inc_store *s, const git_oid *remote,
      const char *url, bool *merged, inc_error *err)
{
	git_commit *lc = NULL, *rc_ = NULL;
	git_tree *lt = NULL, *rt = NULL, *t = NULL;
	git_signature *sig = NULL;
	git_oid tree_id, commit_id;
	char *msg = NULL;
	int rc = 0;

	*merged = false;
	if (*has_local &&
	    (git_oid_equal(local, remote) ||
	     git_graph_descendant_of(s->repo, local, remote) == 1))
		return 0;
	if (!*has_local ||
	    git_graph_descendant_of(s->repo, remote, local) == 1) {
		git_oid_cpy(&commit_id, remote); /* fast-forward */
	} else {
		const git_commit *parents[2];
		if ((rc = git_commit_lookup(&lc, s->repo, local)) < 0 ||
		    (rc = git_commit_lookup(&rc_, s->repo, remote)) < 0 ||
		    (rc = git_commit_tree(&lt, lc)) < 0 ||
		    (rc = git_commit_tree(&rt, rc_)) < 0 ||
		    (rc = tree_union(&tree_id, s->repo, lt, rt)) < 0 ||
		    (rc = git_tree_lookup(&t, s->repo, &tree_id)) < 0 ||
		    (rc = git_signature_now(&sig, "incident sync",
		                            "incident-sync@localhost")) < 0)
			goto done;
		msg = inc_util__asprintf("sync: merge the history of %s\n",
		                         url);
		parents[0] = lc;
		parents[1] = rc_;
		if (msg == NULL ||
		    (rc = git_commit_create(&commit_id, s->repo, NULL, sig, sig,
		                            "UTF-8", msg, t, 2, parents)) < 0)
			goto done;
		*merged = true;
	}
	git_oid_cpy(local, &commit_id);
	*has_local = true;
done:
	git_signature_free(sig);
	git_tree_free(t);
	git_tree_free(lt);
	git_tree_free(rt);
	git_commit_free(lc);
	git_commit_free(rc_);
	free(msg);
	if (rc < 0)
		return rc == GIT_EMODIFIED
		               ? inc_error_set(err, INC_EBUSY,
		                               "%s: the audit branch "
		                               "moved; sync again",
		                               s->audit_repo)
		               : inc_audit__git_error(err, rc, url);
	return 0;
}

/* ---- the network: fetch and push in a child, with a deadline ---- */

struct net {
	int64_t deadline; /* monotonic milliseconds; 0: none */
	int timeout_ms;
	int cred_tries;
	char rejected[256];
	const char *url;
	bool contended; /* a push was refused: others are pushing */
};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool
past_deadline(const struct net *n)
{
	return n->deadline > 0 && now_ms() >= n->deadline;
}

static int
deadline_error(inc_error *err, const struct net *n)
{
	if (n->contended)
		return inc_error_set(err, INC_EBUSY,
		                     "%s: others kept pushing (or the branch "
		                     "stayed locked); sync again",
		                     n->url);
	return inc_error_set(err, INC_ERROR,
	                     "%s: no answer within %d s; nothing was lost, "
	                     "sync again later",
	                     n->url, (n->timeout_ms + 999) / 1000);
}

static int
on_transfer(const git_indexer_progress *stats, void *payload)
{
	(void)stats;
	return past_deadline(payload) ? -1 : 0;
}

static int
on_push_transfer(unsigned int current, unsigned int total, size_t bytes,
                 void *payload)
{
	(void)current;
	(void)total;
	(void)bytes;
	return past_deadline(payload) ? -1 : 0;
}

static int
on_credentials(git_credential **out, const char *url, const char *user,
               unsigned int allowed, void *payload)
{
	struct net *n = payload;

	(void)url;
	/* one try with the ssh agent; libgit2 asks again on every failure */
	if (n->cred_tries++ > 0 || !(allowed & GIT_CREDENTIAL_SSH_KEY))
		return GIT_PASSTHROUGH;
	return git_credential_ssh_key_from_agent(out, user ? user : "git");
}

/* The server's word on our ref: a status is a refusal (it moved). */
static int
on_push_ref(const char *refname, const char *status, void *payload)
{
	struct net *n = payload;

	if (status != NULL)
		snprintf(n->rejected, sizeof(n->rejected), "%s: %s", refname,
		         status);
	return 0;
}

static void
callbacks(git_remote_callbacks *cb, struct net *n)
{
	git_remote_init_callbacks(cb, GIT_REMOTE_CALLBACKS_VERSION);
	cb->transfer_progress = on_transfer;
	cb->push_transfer_progress = on_push_transfer;
	cb->credentials = on_credentials;
	cb->push_update_reference = on_push_ref;
	cb->payload = n;
}

/* What the child says back through its pipe. */
struct reply {
	int ret;
	bool has;
	git_oid oid;
	char message[INC_ERROR_MAX];
};

struct job {
	inc_store *s;
	git_remote *remote;
	struct net *n;
};

/*
 * Runs fn in a child process and waits for its reply until the deadline;
 * past it the child is killed, whatever it was blocked in. The child
 * writes only objects (a pack in our repository, or to the remote); the
 * parent moves every ref.
 */
static int
in_child(struct reply *r, int (*fn)(struct reply *, struct job *),
         struct job *j, inc_error *err)
{
	size_t got = 0;
	bool late = false;
	int fds[2], status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (pipe(fds) < 0)
		return inc_error_set(err, INC_ERROR, "pipe: %s",
		                     strerror(errno));
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return inc_error_set(err, INC_ERROR, "fork: %s",
		                     strerror(errno));
	}
	if (pid == 0) {
		ssize_t w;
		close(fds[0]);
		r->ret = fn(r, j);
		w = write(fds[1], r, sizeof(*r));
		_exit(w == (ssize_t)sizeof(*r) ? 0 : 1);
	}
	close(fds[1]);
	while (got < sizeof(*r)) {
		struct pollfd pfd = {fds[0], POLLIN, 0};
		int wait = -1, rc;
		ssize_t k;

		if (j->n->deadline > 0) {
			int64_t left = j->n->deadline - now_ms();
			if (left <= 0) {
				late = true;
				break;
			}
			wait = (int)left;
		}
		if ((rc = poll(&pfd, 1, wait)) < 0 && errno == EINTR)
			continue;
		if (rc < 0) {
			late = true; /* cannot wait: stop it all the same */
			break;
		}
		if (rc == 0)
			continue; /* the deadline, seen at the top */
		if ((k = read(fds[0], (char *)r + got, sizeof(*r) - got)) < 0 &&
		    errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fds[0]);
	if (late)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (late)
		return deadline_error(err, j->n);
	if (got != sizeof(*r))
		return inc_error_set(err, INC_ERROR,
		                     "%s: the network part of sync died",
		                     j->n->url);
	if (r->ret < 0) {
		snprintf(err->message, sizeof(err->message), "%s", r->message);
		err->code = (inc_error_code)r->ret;
	}
	return r->ret;
}

static int
child_error(struct reply *r, int rc, struct net *n)
{
	inc_error e = {0};

	if (past_deadline(n))
		deadline_error(&e, n);
	else if (rc == GIT_ENONFASTFORWARD)
		inc_error_set(&e, INC_EBUSY, "%s: the remote moved", n->url);
	else
		inc_audit__git_error(&e, rc, n->url);
	snprintf(r->message, sizeof(r->message), "%s", e.message);
	return e.code;
}

/* In the child: the remote's objects into ours, and its tip. */
static int
child_fetch(struct reply *r, struct job *j)
{
	git_fetch_options fo;
	const git_remote_head **heads;
	char spec[300];
	char *specs[] = {spec};
	git_strarray refspecs = {specs, 1};
	size_t nheads;
	int rc;

	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	callbacks(&fo.callbacks, j->n);
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fo.prune = GIT_FETCH_NO_PRUNE;
	snprintf(spec, sizeof(spec), "%s", j->s->audit_ref);
	if ((rc = git_remote_download(j->remote, &refspecs, &fo)) < 0 ||
	    (rc = git_remote_ls(&heads, &nheads, j->remote)) < 0)
		return child_error(r, rc, j->n);
	for (size_t i = 0; i < nheads; i++) {
		if (strcmp(heads[i]->name, j->s->audit_ref) == 0) {
			git_oid_cpy(&r->oid, &heads[i]->oid);
			r->has = true;
		}
	}
	git_remote_disconnect(j->remote);
	return 0;
}

/*
 * Whether a server's refusal says the branch moved under us (retry),
 * rather than a hook or a rule saying no (retrying would not help).
 * The words of git receive-pack's compare-and-swap and lock failures.
 */
static bool
moved(const char *status)
{
	static const char *const words[] = {
	        "failed to update ref", "failed to lock", "cannot lock ref",
	        "non-fast-forward",     "fetch first",    "stale info",
	        "incorrect old value",  "is at ",         "expected",
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strstr(status, words[i]) != NULL)
			return true;
	return false;
}

/* In the child: our branch to a git server, which swaps it or refuses. */
static int
child_push(struct reply *r, struct job *j)
{
	git_push_options po;
	char spec[300];
	char *specs[] = {spec};
	git_strarray refspecs = {specs, 1};
	int rc;

	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	callbacks(&po.callbacks, j->n);
	j->n->rejected[0] = '\0';
	snprintf(spec, sizeof(spec), "%s:%s", j->s->audit_ref, j->s->audit_ref);
	if ((rc = git_remote_push(j->remote, &refspecs, &po)) < 0)
		return child_error(r, rc, j->n);
	if (j->n->rejected[0] != '\0') {
		snprintf(r->message, sizeof(r->message),
		         "%.100s: the push was refused (%.120s)", j->n->url,
		         j->n->rejected);
		return moved(j->n->rejected) ? INC_EBUSY : INC_ERROR;
	}
	return 0;
}

/* The remote's tip; *has false when it has no audit branch yet. */
static int
fetch(git_oid *out, bool *has, struct job *j, inc_error *err)
{
	struct reply r;
	git_odb *odb = NULL;
	int ret;

	if ((ret = in_child(&r, child_fetch, j, err)) < 0)
		return ret;
	*has = r.has;
	git_oid_cpy(out, &r.oid);
	/* the child wrote a pack: look again */
	if (git_repository_odb(&odb, j->s->repo) == 0)
		git_odb_refresh(odb);
	git_odb_free(odb);
	return 0;
}

/*
 * *out: the path of a remote libgit2 would reach with its local
 * transport, or NULL for any other remote. -1 when out of memory.
 */
static int
local_path(char **out, const char *url)
{
	struct stat st;
	const char *p = NULL;

	if (strncmp(url, "file://localhost/", 17) == 0)
		p = url + 16;
	else if (strncmp(url, "file://", 7) == 0)
		p = url + 7;
	else if (strstr(url, "://") == NULL && stat(url, &st) == 0 &&
	         S_ISDIR(st.st_mode))
		p = url;
	*out = p != NULL ? inc_util__strdup(p) : NULL;
	return p != NULL && *out == NULL ? -1 : 0;
}

/*
 * A remote that is a path must name a bare repository on this machine:
 * said here in our words, before libgit2 says "unsupported URL protocol"
 * for a path that does not exist or "could not find repository" for a
 * folder that is none.
 */
static int
check_local(const char *path, const char *url, inc_error *err)
{
	git_repository *r = NULL;
	const char *colon = strchr(url, ':'), *slash = strchr(url, '/');
	bool bare;

	if (path == NULL) {
		/* host:path is ssh (scp syntax); anything else is a path */
		if (strstr(url, "://") != NULL ||
		    (colon != NULL && (slash == NULL || colon < slash)))
			return 0;
		return inc_error_set(err, INC_ERROR,
		                     "%s: no such repository (a remote given "
		                     "as a path is a bare repository: git "
		                     "init --bare makes one)",
		                     url);
	}
	if (git_repository_open_ext(&r, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
	                            NULL) < 0)
		return inc_error_set(err, INC_ERROR,
		                     "%s: not a git repository (git init "
		                     "--bare makes one to sync with)",
		                     url);
	bare = git_repository_is_bare(r);
	git_repository_free(r);
	return bare ? 0
	            : inc_error_set(err, INC_EINVALID,
	                            "%s: not a bare repository (git init "
	                            "--bare makes one to sync with)",
	                            url);
}

/*
 * Pushes to a repository on this machine: our objects as one pack into
 * its object store, then its branch moved from theirs (NULL: none) to
 * ours with compare-and-swap under its ref lock, as a git server does.
 * INC_EBUSY when it moved meanwhile.
 */
static int
local_push(inc_store *s, const char *path, const git_oid *ours,
           const git_oid *theirs, const char *url, inc_error *err)
{
	git_repository *r = NULL;
	git_packbuilder *pb = NULL;
	git_revwalk *walk = NULL;
	git_reference *ref = NULL;
	char *pack = NULL;
	int rc;

	if ((rc = git_repository_open_ext(
	             &r, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) < 0)
		goto done;
	if (!git_repository_is_bare(r)) {
		git_repository_free(r);
		return inc_error_set(err, INC_EINVALID,
		                     "%s: not a bare repository (git init "
		                     "--bare makes one to sync with)",
		                     url);
	}
	if ((rc = git_packbuilder_new(&pb, s->repo)) < 0 ||
	    (rc = git_revwalk_new(&walk, s->repo)) < 0 ||
	    (rc = git_revwalk_push(walk, ours)) < 0 ||
	    (theirs != NULL && (rc = git_revwalk_hide(walk, theirs)) < 0) ||
	    (rc = git_packbuilder_insert_walk(pb, walk)) < 0)
		goto done;
	if ((pack = inc_util__asprintf("%sobjects/pack",
	                               git_repository_path(r))) == NULL) {
		git_repository_free(r);
		git_revwalk_free(walk);
		git_packbuilder_free(pb);
		return inc_error__nomem(err);
	}
	if (git_packbuilder_object_count(pb) > 0 &&
	    (rc = git_packbuilder_write(pb, pack, 0, NULL, NULL)) < 0)
		goto done;
	rc = git_reference_create_matching(&ref, r, s->audit_ref, ours,
	                                   theirs != NULL, theirs,
	                                   "incident sync: push");
done:
	git_reference_free(ref);
	git_revwalk_free(walk);
	git_packbuilder_free(pb);
	git_repository_free(r);
	free(pack);
	if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED)
		return inc_error_set(err, INC_EBUSY, "%s: the remote moved",
		                     url);
	return rc < 0 ? inc_audit__git_error(err, rc, url) : 0;
}

static int
remote_url(const char **out, inc_store *s, const char *given, inc_error *err)
{
	const inc_config *cfg = NULL;
	int ret;

	*out = given;
	if (given != NULL && *given != '\0')
		return inc_text_check(given, 1000, "the remote", err);
	if ((ret = inc_store_config(&cfg, s, err)) < 0)
		return ret;
	*out = inc_config_get(cfg, "sync.remote");
	if (*out == NULL || **out == '\0')
		return inc_error_set(err, INC_EINVALID,
		                     "no remote: give one, or set sync.remote "
		                     "(incident init --git --remote URL)");
	return 0;
}

/* ---- the remote's history, as last seen ---- */

static int
remote_tip_set(inc_store *s, const char *url, const git_oid *tip,
               inc_error *err)
{
	char *key = inc_util__asprintf(INC_AUDIT_REMOTE_TIP "%s", url);
	char hex[GIT_OID_HEXSZ + 1];
	int ret;

	if (key == NULL)
		return inc_error__nomem(err);
	git_oid_tostr(hex, sizeof(hex), tip);
	ret = inc_store__meta_set(s, key, hex, err);
	free(key);
	return ret;
}

/*
 * INC_EREFUSED when the remote no longer contains the tip this store
 * last saw there: its history was rewritten (a force push), and what
 * it lost would come back, or what it holds may be forged.
 */
static int
check_rewrite(inc_store *s, const char *url, const git_oid *theirs,
              bool has_theirs, inc_error *err)
{
	char *key = inc_util__asprintf(INC_AUDIT_REMOTE_TIP "%s", url);
	char hex[GIT_OID_HEXSZ + 1] = "";
	git_oid last;
	int ret;

	if (key == NULL)
		return inc_error__nomem(err);
	ret = inc_store__meta_text(hex, sizeof(hex), s, key, err);
	free(key);
	if (ret < 0 || hex[0] == '\0' || git_oid_fromstr(&last, hex) < 0)
		return ret;
	if (has_theirs &&
	    (git_oid_equal(&last, theirs) ||
	     git_graph_descendant_of(s->repo, theirs, &last) == 1))
		return 0;
	return inc_error_set(err, INC_EREFUSED,
	                     "%s: the remote history was rewritten (%.12s is "
	                     "gone from it); sync --accept-rewrite merges it",
	                     url, hex);
}

/*
 * Merges what was fetched and imports it, under the store's lock. The
 * branch moves (compare-and-swap) only once the import accepted every
 * event, so a tampered remote changes nothing here and a later sync, the
 * remote repaired, starts clean.
 */
static int
merge_and_import(inc_sync_result *res, inc_store *s, const git_oid *remote,
                 bool has_remote, const char *url, const inc_import_opts *io,
                 inc_error *err)
{
	git_oid local, target;
	bool has_local, has_target, merged = false;
	git_reference *ref = NULL;
	size_t added = 0;
	int rc, ret;

	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	if ((ret = inc_audit__tip(&local, &has_local, s, err)) < 0)
		goto done;
	git_oid_cpy(&target, &local);
	has_target = has_local;
	if (has_remote && (ret = merge(&target, &has_target, s, remote, url,
	                               &merged, err)) < 0)
		goto done;
	if (has_target && (ret = inc_audit__import(&added, &res->counts, s,
	                                           &target, io, err)) < 0)
		goto done;
	if (has_target && (!has_local || !git_oid_equal(&local, &target))) {
		rc = git_reference_create_matching(
		        &ref, s->repo, s->audit_ref, &target, has_local ? 1 : 0,
		        has_local ? &local : NULL, "sync");
		git_reference_free(ref);
		if (rc < 0) {
			ret = rc == GIT_EMODIFIED
			              ? inc_error_set(
			                        err, INC_EBUSY,
			                        "%s: the audit branch moved; "
			                        "sync again",
			                        s->audit_repo)
			              : inc_audit__git_error(err, rc, url);
			goto done;
		}
		if ((ret = inc_audit__remember_tip(s, &target, err)) < 0)
			goto done;
	}
	if (has_remote && (ret = remote_tip_set(s, url, remote, err)) < 0)
		goto done;
	ret = inc_store__commit(s, err);
	res->imported += added;
	res->merged = res->merged || merged;
done:
	inc_store__rollback(s);
	return ret;
}

/* A pause before trying again: growing, with jitter, within the deadline. */
static void
back_off(struct net *n, int tries)
{
	unsigned int r = 0;
	int64_t ms = 20LL << (tries < 6 ? tries : 6); /* up to 1.28 s */
	struct timespec ts;

	(void)inc_util__random(&r, sizeof(r));
	ms = ms / 2 + (int64_t)(r % (unsigned)(ms / 2 + 1));
	/* never to the deadline itself: leave time for a round */
	if (n->deadline > 0 && now_ms() + ms > n->deadline - 100)
		ms = n->deadline - 100 - now_ms();
	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int
inc_audit_sync(inc_sync_result *res, inc_store *s, const inc_sync_opts *opts,
               inc_error *err)
{
	inc_import_opts io = {opts->quarantine, "sync"};
	struct net n = {0, opts->timeout_ms, 0, "", NULL, false};
	struct job job = {s, NULL, &n};
	git_oid theirs, ours;
	bool has_theirs, has_ours;
	int64_t mirrored = 0;
	const char *url;
	char *path = NULL;
	int rc, ret;

	memset(res, 0, sizeof(*res));
	if (opts->timeout_ms > 0)
		n.deadline = now_ms() + opts->timeout_ms;
	if (!inc_audit__enabled(s))
		return inc_error_set(err, INC_EINVALID,
		                     "the audit mirror is off (incident init "
		                     "--git --remote URL switches it on)");
	if ((ret = remote_url(&url, s, opts->remote, err)) < 0)
		return ret;
	n.url = url;
	snprintf(res->remote, sizeof(res->remote), "%s", url);
	/* what is only in SQLite goes to git first */
	if ((ret = inc_audit_flush(NULL, s, err)) < 0 ||
	    (ret = inc_audit__open(s, false, err)) < 0)
		return ret;
	/* fetches no longer land in a ref; drop the one older versions kept */
	git_reference_remove(s->repo, "refs/incident-sync/remote");
	if ((rc = git_remote_create_anonymous(&job.remote, s->repo, url)) < 0)
		return inc_audit__git_error(err, rc, url);
	if (local_path(&path, url) < 0) {
		git_remote_free(job.remote);
		return inc_error__nomem(err);
	}
	if ((ret = check_local(path, url, err)) < 0) {
		git_remote_free(job.remote);
		free(path);
		return ret;
	}
	for (int tries = 0;; tries++) {
		if ((ret = inc_store__meta_int(&mirrored, s, "mirrored_seq",
		                               err)) < 0 ||
		    (ret = fetch(&theirs, &has_theirs, &job, err)) < 0)
			break;
		if (!opts->accept_rewrite &&
		    (ret = check_rewrite(s, url, &theirs, has_theirs, err)) < 0)
			break;
		if ((ret = merge_and_import(res, s, &theirs, has_theirs, url,
		                            &io, err)) < 0 ||
		    (ret = inc_audit__tip(&ours, &has_ours, s, err)) < 0)
			break;
		if (!has_ours || (has_theirs && git_oid_equal(&ours, &theirs)))
			break; /* nothing of ours is missing there */
		if (path != NULL) {
			ret = local_push(s, path, &ours,
			                 has_theirs ? &theirs : NULL, url, err);
		} else {
			struct reply r;
			ret = in_child(&r, child_push, &job, err);
		}
		if (ret == 0) {
			/* a compare-and-swap: the remote holds ours now */
			res->pushed = true;
			ret = remote_tip_set(s, url, &ours, err);
			break;
		}
		if (ret != INC_EBUSY)
			break;
		n.contended = true;
		if (tries + 1 < PUSH_TRIES)
			back_off(&n, tries);
		/* the deadline spent on waiting for others is busy, not late */
		if (tries + 1 >= PUSH_TRIES || past_deadline(&n)) {
			ret = deadline_error(err, &n);
			break;
		}
	}
	if (ret == 0)
		ret = inc_store__meta_set_int(s, "pushed_seq", mirrored, err);
	free(path);
	git_remote_free(job.remote);
	return ret;
}
