/*
 * The binary's side of the git plugin: the same entry points, loading
 * incident-git.so on first use. Commands that never touch git never load
 * libgit2. Found, first match wins: $INCIDENT_GIT_PLUGIN, beside the
 * executable (the build tree), the installed path.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugin.h"

#ifndef INC_GIT_PLUGIN_PATH
#define INC_GIT_PLUGIN_PATH "/usr/local/lib/incident/incident-git.so"
#endif
#define PLUGIN_NAME "incident-git.so"

static const struct inc_git_plugin *
try_load(const char *path, char *why, size_t len)
{
	const struct inc_git_plugin *p;
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		const char *e = dlerror();
		snprintf(why, len, "%s", e != NULL ? e : path);
		return NULL;
	}
	p = dlsym(h, INC_GIT_PLUGIN_SYMBOL);
	if (p == NULL || p->version != INC_GIT_PLUGIN_VERSION ||
	    p->store_size != sizeof(inc_store)) {
		snprintf(why, len, "%s is from another build of incident",
		         path);
		dlclose(h);
		return NULL;
	}
	/* never closed: libgit2 keeps state until the process ends */
	return p;
}

static const struct inc_git_plugin *
load(inc_error *err)
{
	const char *env = getenv("INCIDENT_GIT_PLUGIN");
	char self[PATH_MAX], path[PATH_MAX + 32], why[512] = "";
	const struct inc_git_plugin *p = NULL;
	ssize_t n;

	if (env != NULL && *env != '\0') {
		p = try_load(env, why, sizeof(why));
	} else {
		n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n > 0) {
			self[n] = '\0';
			*strrchr(self, '/') = '\0';
			snprintf(path, sizeof(path), "%s/" PLUGIN_NAME, self);
			if (access(path, R_OK) == 0)
				p = try_load(path, why, sizeof(why));
		}
		if (p == NULL && why[0] == '\0')
			p = try_load(INC_GIT_PLUGIN_PATH, why, sizeof(why));
	}
	if (p == NULL)
		inc_error_set(err, INC_ERROR, "cannot load the git support: %s",
		              why);
	return p;
}

static const struct inc_git_plugin *
plugin(inc_store *s, inc_error *err)
{
	if (s->plugin == NULL)
		s->plugin = load(err);
	return s->plugin;
}

int
inc_audit_init(inc_store *s, const char *remote, inc_error *err)
{
	const struct inc_git_plugin *p = plugin(s, err);

	return p != NULL ? p->audit_init(s, remote, err) : INC_ERROR;
}

int
inc_audit_flush(size_t *behind, inc_store *s, inc_error *err)
{
	const struct inc_git_plugin *p;
	int64_t n = 0;
	int ret;

	if (behind != NULL)
		*behind = 0;
	/* the usual answer, "nothing to mirror", needs no git at all */
	if ((ret = inc_audit__behind(&n, s, err)) < 0 || n == 0)
		return ret;
	if (behind != NULL)
		*behind = (size_t)n;
	if ((p = plugin(s, err)) == NULL)
		return INC_ERROR;
	return p->audit_flush(behind, s, err);
}

int
inc_sync(inc_sync_result *res, inc_store *s, const char *remote,
         int64_t deadline, inc_error *err)
{
	const struct inc_git_plugin *p = plugin(s, err);

	memset(res, 0, sizeof(*res));
	return p != NULL ? p->sync(res, s, remote, deadline, err) : INC_ERROR;
}

int
inc_rebuild(size_t *events, char **backup, const char *dir, inc_error *err)
{
	const struct inc_git_plugin *p = load(err);

	*events = 0;
	if (backup != NULL)
		*backup = NULL;
	return p != NULL ? p->rebuild(events, backup, dir, err) : INC_ERROR;
}

int
inc_verify(char ***problems, size_t *n, size_t *events, inc_store *s,
           inc_error *err)
{
	const struct inc_git_plugin *p = plugin(s, err);

	*problems = NULL;
	*n = *events = 0;
	return p != NULL ? p->verify(problems, n, events, s, err) : INC_ERROR;
}

int
inc_audit_gc(size_t *packed, size_t *pruned, inc_store *s, inc_error *err)
{
	const struct inc_git_plugin *p = plugin(s, err);

	*packed = *pruned = 0;
	return p != NULL ? p->gc(packed, pruned, s, err) : INC_ERROR;
}

void
inc_audit__close(inc_store *s)
{
	if (s->plugin != NULL)
		s->plugin->close(s);
}
