/*
 * Sharing through any git remote: fetch, union the trees (event files are
 * immutable and uniquely named, so a merge never conflicts), import the
 * events the store has not seen, push. What has been imported is keyed
 * on the last imported tip (meta.imported_tip), never on file times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "internal.h"

#define REMOTE_REF "refs/incident-sync/remote"
#define PUSH_TRIES 8

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

/* ---- the network: fetch and push, with a deadline ---- */

struct net {
	int64_t deadline;
	int cred_tries;
	char rejected[256];
};

static int
past_deadline(struct net *n)
{
	return n->deadline > 0 && inc_time_now() > n->deadline;
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

static int
net_error(inc_error *err, int rc, struct net *n, const char *url)
{
	if (past_deadline(n))
		return inc_error_set(err, INC_ERROR,
		                     "%s: no answer before the deadline; "
		                     "nothing was lost, sync again later",
		                     url);
	return inc_audit__git_error(err, rc, url);
}

/* Fetches the remote's audit branch; *has false when it has none yet. */
static int
fetch(git_oid *out, bool *has, inc_store *s, git_remote *remote, struct net *n,
      const char *url, inc_error *err)
{
	git_fetch_options fo;
	char spec[300];
	char *specs[] = {spec};
	git_strarray refspecs = {specs, 1};
	int rc;

	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	callbacks(&fo.callbacks, n);
	fo.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
	fo.prune = GIT_FETCH_NO_PRUNE;
	snprintf(spec, sizeof(spec), "+%s:" REMOTE_REF, s->audit_ref);
	/* forget the last fetch: a remote without the branch leaves none */
	git_reference_remove(s->repo, REMOTE_REF);
	if ((rc = git_remote_fetch(remote, &refspecs, &fo, "sync")) < 0)
		return net_error(err, rc, n, url);
	rc = git_reference_name_to_id(out, s->repo, REMOTE_REF);
	*has = rc == 0;
	if (rc < 0 && rc != GIT_ENOTFOUND)
		return inc_audit__git_error(err, rc, url);
	return 0;
}

static int
push(inc_store *s, git_remote *remote, struct net *n, const char *url,
     inc_error *err)
{
	git_push_options po;
	char spec[300];
	char *specs[] = {spec};
	git_strarray refspecs = {specs, 1};
	int rc;

	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	callbacks(&po.callbacks, n);
	n->rejected[0] = '\0';
	snprintf(spec, sizeof(spec), "%s:%s", s->audit_ref, s->audit_ref);
	if ((rc = git_remote_push(remote, &refspecs, &po)) < 0)
		return net_error(err, rc, n, url);
	if (n->rejected[0] != '\0')
		return inc_error_set(err, INC_EBUSY, "%s: push refused (%s)",
		                     url, n->rejected);
	return 0;
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

/*
 * Merges what was fetched and imports it, under the store's lock. The
 * branch moves (compare-and-swap) only once the import accepted every
 * event, so a tampered remote changes nothing here and a later sync, the
 * remote repaired, starts clean.
 */
static int
merge_and_import(inc_sync_result *res, inc_store *s, const git_oid *remote,
                 bool has_remote, const char *url, inc_error *err)
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
	if (has_target &&
	    (ret = inc_audit__import(&added, s, &target, err)) < 0)
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
	ret = inc_store__commit(s, err);
	res->imported += added;
	res->merged = res->merged || merged;
done:
	inc_store__rollback(s);
	return ret;
}

int
inc_audit_sync(inc_sync_result *res, inc_store *s, const char *given,
               int64_t deadline, inc_error *err)
{
	struct net n = {deadline, 0, ""};
	git_remote *remote = NULL;
	git_oid theirs, ours;
	bool has_theirs, has_ours;
	int64_t mirrored = 0;
	const char *url;
	int rc, ret;

	memset(res, 0, sizeof(*res));
	if (!inc_audit__enabled(s))
		return inc_error_set(err, INC_EINVALID,
		                     "the audit mirror is off (incident init "
		                     "--git --remote URL switches it on)");
	if ((ret = remote_url(&url, s, given, err)) < 0)
		return ret;
	snprintf(res->remote, sizeof(res->remote), "%s", url);
	/* what is only in SQLite goes to git first */
	if ((ret = inc_audit_flush(NULL, s, err)) < 0 ||
	    (ret = inc_audit__open(s, false, err)) < 0)
		return ret;
	if ((rc = git_remote_create_anonymous(&remote, s->repo, url)) < 0)
		return inc_audit__git_error(err, rc, url);
	for (int tries = 0;; tries++) {
		if ((ret = inc_store__meta_int(&mirrored, s, "mirrored_seq",
		                               err)) < 0 ||
		    (ret = fetch(&theirs, &has_theirs, s, remote, &n, url,
		                 err)) < 0 ||
		    (ret = merge_and_import(res, s, &theirs, has_theirs, url,
		                            err)) < 0 ||
		    (ret = inc_audit__tip(&ours, &has_ours, s, err)) < 0)
			break;
		if (!has_ours || (has_theirs && git_oid_equal(&ours, &theirs)))
			break; /* nothing of ours is missing there */
		if ((ret = push(s, remote, &n, url, err)) < 0 &&
		    ret != INC_EBUSY)
			break;
		/*
		 * libgit2 1.5 overwrites a local remote's branch without
		 * compare-and-swap: look again, and go round while ours is
		 * not (or no longer) contained in theirs.
		 */
		if ((ret = fetch(&theirs, &has_theirs, s, remote, &n, url,
		                 err)) < 0)
			break;
		if (has_theirs &&
		    (git_oid_equal(&theirs, &ours) ||
		     git_graph_descendant_of(s->repo, &theirs, &ours) == 1)) {
			res->pushed = true;
			ret = 0;
			break;
		}
		if (tries + 1 >= PUSH_TRIES || past_deadline(&n)) {
			ret = inc_error_set(
			        err, INC_EBUSY,
			        "%s: others keep pushing; sync again", url);
			break;
		}
	}
	if (ret == 0)
		ret = inc_store__meta_set_int(s, "pushed_seq", mirrored, err);
	git_remote_free(remote);
	return ret;
}
