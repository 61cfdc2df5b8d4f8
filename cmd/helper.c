/*
 * incident keeps libgit2 out of its own process, the way git keeps libcurl
 * in git-remote-http: the helper incident-git alone links it. A command
 * that needs git is handed to the helper (exec, same argv), and after a
 * write the helper mirrors what is pending (spawned, waited for). Only an
 * argv crosses, never a shell string.
 *
 * The helper is found, first match wins: $INCIDENT_LIBEXEC (tests),
 * beside the running binary (the build tree), libexecdir/incident.
 */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"

#ifndef INC_LIBEXEC_DIR
#define INC_LIBEXEC_DIR "/usr/local/libexec/incident"
#endif
#define HELPER "incident-git"

extern char **environ;

/*
 * The helper's commands as incident knows them: a name to list and a
 * summary to show (cmd.h, shared with the helper's own entries); main()
 * hands them to helper_exec() with the user's argv.
 */
const struct cmd helper_gc_entry = {
        .name = "gc",
        .flags = CMD_GIT,
        .summary = SUMMARY_GC,
};
const struct cmd helper_rebuild_entry = {
        .name = "rebuild",
        .flags = CMD_GIT,
        .summary = SUMMARY_REBUILD,
};
const struct cmd helper_sync_entry = {
        .name = "sync",
        .flags = CMD_GIT,
        .summary = SUMMARY_SYNC,
};
const struct cmd helper_verify_entry = {
        .name = "verify",
        .flags = CMD_GIT,
        .summary = SUMMARY_VERIFY,
};

static bool
try_dir(char *out, size_t len, const char *dir, const char *program)
{
	int n = snprintf(out, len, "%s/%s", dir, program);

	return n > 0 && (size_t)n < len && access(out, X_OK) == 0;
}

/* A helper's path into out; false (with a message) when there is none.
 * what says what it brings, for the message. */
static bool
program_path(char *out, size_t len, const char *program, const char *what,
             inc_error *err)
{
	const char *env = getenv("INCIDENT_LIBEXEC");
	char self[PATH_MAX];
	ssize_t n;

	if (env != NULL && *env != '\0' && try_dir(out, len, env, program))
		return true;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		*strrchr(self, '/') = '\0';
		if (try_dir(out, len, self, program))
			return true;
	}
	if (try_dir(out, len, INC_LIBEXEC_DIR, program))
		return true;
	inc_error_set(
	        err, INC_ERROR,
	        "cannot find %s (%s) beside %s or in " INC_LIBEXEC_DIR "%s",
	        program, what, n > 0 ? self : "the binary",
	        env != NULL && *env != '\0' ? " or $INCIDENT_LIBEXEC" : "");
	return false;
}

static bool
helper_path(char *out, size_t len, inc_error *err)
{
	return program_path(out, len, HELPER, "the git support", err);
}

int
helper_exec(const char *dir_opt, int argc, char **argv)
{
	return helper_exec_program(HELPER, "the git support", dir_opt, argc,
	                           argv);
}

int
helper_exec_program(const char *program, const char *what, const char *dir_opt,
                    int argc, char **argv)
{
	char path[PATH_MAX + 32];
	char **args = calloc((size_t)argc + 4, sizeof(char *));
	inc_error err;
	int n = 0;

	if (args == NULL) {
		fputs("incident: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	if (!program_path(path, sizeof(path), program, what, &err)) {
		free(args);
		return fail(&err);
	}
	args[n++] = path;
	if (dir_opt != NULL) {
		args[n++] = "--dir";
		args[n++] = (char *)dir_opt;
	}
	for (int i = 0; i < argc; i++)
		args[n++] = argv[i];
	fflush(stdout);
	execv(path, args);
	inc_error_set(&err, INC_ERROR, "cannot run %s: %s", path,
	              strerror(errno));
	free(args);
	return fail(&err);
}

int
helper_run(const char *dir, const char *const *args, inc_error *err)
{
	char path[PATH_MAX + 32];
	const char *argv[16];
	size_t n = 0;
	int status, rc;
	pid_t pid;

	if (!helper_path(path, sizeof(path), err))
		return -1;
	argv[n++] = path;
	argv[n++] = "--dir";
	argv[n++] = dir;
	while (*args != NULL && n + 1 < ARRAY_SIZE(argv))
		argv[n++] = *args++;
	if (*args != NULL) {
		inc_error_set(err, INC_EINVALID,
		              "too many arguments for " HELPER);
		return -1;
	}
	argv[n] = NULL;
	fflush(stdout);
	fflush(stderr);
	rc = posix_spawn(&pid, path, NULL, NULL, (char *const *)argv, environ);
	if (rc != 0) {
		inc_error_set(err, INC_ERROR, "cannot run %s: %s", path,
		              strerror(rc));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			inc_error_set(err, INC_ERROR, "%s: %s", path,
			              strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	inc_error_set(err, INC_ERROR, "%s was killed by signal %d", path,
	              WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return -1;
}

/*
 * After a write, the audit mirror catches up. A git failure never fails
 * the command: the events stay pending in SQLite and go out next time.
 * The usual answer, "nothing to mirror", needs no helper at all.
 */
void
helper_mirror(struct inc_ctx *ctx)
{
	static const char *const args[] = {"mirror", NULL};
	size_t behind = 0;
	inc_error err;
	int rc;

	if (ctx->store == NULL ||
	    inc_audit_pending(&behind, ctx->store, &err) < 0 || behind == 0)
		return;
	/* the helper says itself why the mirror fell behind, and exits 0:
	 * any other end is a failure before it got that far */
	if ((rc = helper_run(ctx->dir, args, &err)) == 0)
		return;
	if (rc > 0)
		snprintf(err.message, sizeof(err.message),
		         "incident-git failed (exit status %d)", rc);
	mirror_warning(behind, err.message);
}
