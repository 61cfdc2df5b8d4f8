/* Where the store is: --dir, $INCIDENT_DIR, .incident upward, XDG. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static char *
absolute(const char *path)
{
	char cwd[PATH_MAX];

	if (path[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL)
		return inc_util__strdup(path);
	return inc_util__asprintf("%s/%s", cwd, path);
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
		char *cand = inc_util__asprintf(
		        "%s/.incident", strcmp(cwd, "/") == 0 ? "" : cwd);
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
		dir = inc_util__asprintf("%s/incident", xdg);
	else if (home != NULL && *home != '\0')
		dir = inc_util__asprintf("%s/.local/share/incident", home);
	else
		return inc_error_set(err, INC_ERROR,
		                     "cannot find a store: set INCIDENT_DIR, "
		                     "HOME or use --dir");
	if (dir == NULL)
		return inc_error__nomem(err);
	*out = dir;
	return 0;
}
