/*
 * Hooks: executables in the hooks folder run after their event is stored,
 * delivered at least once through the outbox table. inc_store__insert
 * queues a row in the event's own transaction (inc_hooks__enqueue); the
 * runner claims due rows with a lease, runs each hook (fork and exec, no
 * shell, a new process group, the JSON document on stdin, an allow-listed
 * environment, fds 0-2 only, a time limit) and records the outcome:
 * done, or a retry with backoff, or failed once hooks.retries attempts
 * are spent. The library never prints: the caller hears of each attempt
 * through a callback.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

extern char **environ;

#define HOOKS_TIMEOUT_DEFAULT 10
#define HOOKS_RETRIES_DEFAULT 5
#define HOOKS_GRACE_MS 1000    /* between TERM and KILL */
#define HOOKS_BACKOFF_FIRST 30 /* seconds before the second attempt */
#define HOOKS_BACKOFF_MAX 3600 /* the longest wait between attempts */
#define HOOKS_ERROR_MAX 200

/* ---- which hook an event kind runs ---- */

static const struct {
	const char *kind;
	const char *hook;
} hook_of_kind[] = {
        {"opened", "post-open"},
        {"alert_attached", "post-open"},
        {"triaged", "post-triage"},
        {"investigating", "post-investigate"},
        {"mitigated", "post-mitigate"},
        {"resolved", "post-resolve"},
        {"reopened", "post-reopen"},
        {"closed", "post-review"},
        {"reviewed", "post-review"},
        {"escalated", "post-escalate"},
        {"cancelled", "post-cancel"},
        {"merged", "post-merge"},
        {"absorbed", "post-merge"},
        {"noted", "post-note"},
        {"updated", "post-update"},
        {"assigned", "post-assign"},
        {"edited", "post-edit"},
        {"action_added", "post-action"},
        {"action_done", "post-action"},
        {"override_added", "post-oncall"},
        {"override_removed", "post-oncall"},
        {"step_checked", "post-check"},
        /* runbook_attached, update_due, hook_failed: none */
};

const char *
inc_hooks__hook_of(const char *kind)
{
	for (size_t i = 0; i < sizeof(hook_of_kind) / sizeof(*hook_of_kind);
	     i++)
		if (strcmp(hook_of_kind[i].kind, kind) == 0)
			return hook_of_kind[i].hook;
	return NULL;
}

/* ---- config ---- */

static const inc_config *
config(inc_store *s)
{
	const inc_config *cfg = NULL;

	if (inc_store_config(&cfg, s, NULL) < 0)
		return NULL;
	return cfg;
}

/* The hooks folder: hooks.dir (relative to the store), default hooks/. */
static char *
hooks_dir(inc_store *s)
{
	const char *d = inc_config_get(config(s), "hooks.dir");

	if (d == NULL || *d == '\0')
		d = "hooks";
	if (*d == '/')
		return inc_util__strdup(d);
	return inc_util__asprintf("%s/%s", s->dir, d);
}

/*
 * The hooks' settings, checked: a value that cannot be read is an error
 * naming its key, never a quiet default (the deliveries stay queued).
 */
struct hooks_cfg {
	int64_t timeout;
	int retries;
	bool background;
};

static int
hooks_cfg(struct hooks_cfg *out, inc_store *s, inc_error *err)
{
	const inc_config *cfg = config(s);
	const char *v;
	char *end;
	long n;

	out->timeout = HOOKS_TIMEOUT_DEFAULT;
	out->retries = HOOKS_RETRIES_DEFAULT;
	out->background = false;
	if ((v = inc_config_get(cfg, "hooks.timeout")) != NULL &&
	    (inc_duration_parse(&out->timeout, v) < 0 || out->timeout < 1 ||
	     out->timeout > 24 * 3600))
		return inc_error_set(err, INC_EINVALID,
		                     "config hooks.timeout = '%.40s': not a "
		                     "duration from 1s to 24h (like 10s)",
		                     v);
	if ((v = inc_config_get(cfg, "hooks.retries")) != NULL) {
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno != 0 || *end != '\0' || end == v || n < 1 || n > 1000)
			return inc_error_set(
			        err, INC_EINVALID,
			        "config hooks.retries = '%.40s': "
			        "not a whole number from 1 to 1000",
			        v);
		out->retries = (int)n;
	}
	if ((v = inc_config_get(cfg, "hooks.background")) != NULL) {
		if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
		    strcmp(v, "on") == 0 || strcmp(v, "1") == 0)
			out->background = true;
		else if (strcmp(v, "false") != 0 && strcmp(v, "no") != 0 &&
		         strcmp(v, "off") != 0 && strcmp(v, "0") != 0)
			return inc_error_set(err, INC_EINVALID,
			                     "config hooks.background = "
			                     "'%.40s': not true or false",
			                     v);
	}
	return 0;
}

int
inc_hooks_background(bool *out, inc_store *s, inc_error *err)
{
	struct hooks_cfg c;
	int ret = hooks_cfg(&c, s, err);

	*out = ret == 0 && c.background;
	return ret;
}

/* A hook name is one file name: letters, digits, '-', '_', '.'. */
static bool
hook_name_ok(const char *hook)
{
	return *hook != '\0' && *hook != '.' && strlen(hook) <= 64 &&
	       strspn(hook, "abcdefghijklmnopqrstuvwxyz"
	                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") ==
	               strlen(hook);
}

/* ---- queueing ---- */

int
inc_hooks__enqueue(inc_store *s, const inc_event *ev, const char *hook,
                   const char *target, inc_error *err)
{
	char delivery[INC_EVENT_ID_LEN + 1];
	char *dir, *path, *key;
	struct stat st;
	sqlite3_stmt *q;
	int ret;

	if (!hook_name_ok(hook))
		return inc_error_set(err, INC_EINVALID, "'%s': not a hook name",
		                     hook);
	if ((dir = hooks_dir(s)) == NULL)
		return inc_error__nomem(err);
	path = inc_util__asprintf("%s/%s", dir, hook);
	free(dir);
	if (path == NULL)
		return inc_error__nomem(err);
	/* the one cost of a write with no hooks installed */
	ret = stat(path, &st);
	free(path);
	if (ret < 0)
		return 0;
	key = inc_util__asprintf("%s\n%s\n%s", ev->id, hook,
	                         target != NULL ? target : "");
	if (key == NULL)
		return inc_error__nomem(err);
	inc_util__sha256_hex(delivery, key, strlen(key));
	free(key);
	ret = inc_store__prepare(
	        &q, s,
	        "INSERT OR IGNORE INTO outbox(delivery, event, incident, hook, "
	        "target, due) VALUES(?, ?, ?, ?, ?, 0)",
	        err);
	if (ret < 0)
		return ret;
	sqlite3_bind_text(q, 1, delivery, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, ev->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, ev->incident, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, hook, -1, SQLITE_STATIC);
	if (target != NULL)
		sqlite3_bind_text(q, 5, target, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(q, 5);
	if ((ret = inc_store__step_done(s, q, err)) < 0)
		return ret;
	/* this command's own deliveries run before an older backlog */
	if (s->outbox_first == 0 && sqlite3_changes(s->db) > 0)
		s->outbox_first = sqlite3_last_insert_rowid(s->db);
	return 0;
}

/* ---- checking a hook file ---- */

/* Whether uid may own a hook or its folder: root, us, the store's owner. */
static bool
owner_ok(inc_store *s, uid_t uid)
{
	struct stat store;

	return uid == 0 || uid == geteuid() ||
	       (stat(s->dir, &store) == 0 && uid == store.st_uid);
}

/*
 * Whether the folder dir may hold hooks: 0, or a reason in why. Whoever
 * may write a folder may put anything in it, or swap a checked file for
 * another between the check and the exec: only its owner may write it.
 */
static int
check_folder(char *why, size_t len, inc_store *s, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		snprintf(why, len, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!owner_ok(s, st.st_uid)) {
		snprintf(why, len,
		         "refused: the hooks folder %s is owned by another "
		         "user (uid %lu)",
		         dir, (unsigned long)st.st_uid);
		return -1;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(why, len,
		         "refused: the hooks folder %s is writable by %s", dir,
		         (st.st_mode & S_IWOTH) ? "others" : "its group");
		return -1;
	}
	return 0;
}

/*
 * Whether the hook file at path may run: 0 and the file to execute in
 * *run (path, or the checked target of a symbolic link), or a reason in
 * why. *missing: there is no such file. The hook's own folder is checked
 * by the caller (check_folder).
 */
static int
check_file(char *why, size_t len, bool *missing, char **run, inc_store *s,
           const char *path)
{
	struct stat st;
	char *target = NULL;

	*missing = false;
	*run = NULL;
	if (lstat(path, &st) < 0) {
		*missing = errno == ENOENT;
		snprintf(why, len, "%s", strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		/* judged by the link and by what it points to, both */
		char *slash;
		if (!owner_ok(s, st.st_uid)) {
			snprintf(why, len,
			         "refused: a symbolic link owned by another "
			         "user (uid %lu)",
			         (unsigned long)st.st_uid);
			return -1;
		}
		if ((target = realpath(path, NULL)) == NULL) {
			*missing = errno == ENOENT;
			snprintf(why, len, "%s", strerror(errno));
			return -1;
		}
		slash = strrchr(target, '/');
		*slash = '\0';
		if (check_folder(why, len, s, *target ? target : "/") < 0) {
			free(target);
			return -1;
		}
		*slash = '/';
		if (lstat(target, &st) < 0) {
			snprintf(why, len, "%s", strerror(errno));
			free(target);
			return -1;
		}
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, len, "not a regular file");
		goto refused;
	}
	if (!owner_ok(s, st.st_uid)) {
		snprintf(why, len, "refused: owned by another user (uid %lu)",
		         (unsigned long)st.st_uid);
		goto refused;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(why, len, "refused: writable by %s",
		         (st.st_mode & S_IWOTH) ? "others" : "its group");
		goto refused;
	}
	if (access(target != NULL ? target : path, X_OK) < 0 ||
	    !(st.st_mode & 0111)) {
		snprintf(why, len, "not executable");
		goto refused;
	}
	*run = target != NULL ? target : inc_util__strdup(path);
	if (*run == NULL) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	return 0;
refused:
	free(target);
	return -1;
}

/* ---- running one hook ---- */

struct env {
	char **v;
	size_t n, cap;
	bool nomem;
};

static void
env_put(struct env *e, char *entry)
{
	char **nv;

	if (entry == NULL || e->nomem) {
		e->nomem = true;
		free(entry);
		return;
	}
	if (e->n + 2 > e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 32;
		if ((nv = realloc(e->v, cap * sizeof(*nv))) == NULL) {
			e->nomem = true;
			free(entry);
			return;
		}
		e->v = nv;
		e->cap = cap;
	}
	e->v[e->n++] = entry;
	e->v[e->n] = NULL;
}

static void
env_set(struct env *e, const char *name, const char *value)
{
	env_put(e,
	        inc_util__asprintf("%s=%s", name, value != NULL ? value : ""));
}

static bool
env_has(const struct env *e, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < e->n; i++)
		if (strncmp(e->v[i], name, n) == 0 && e->v[i][n] == '=')
			return true;
	return false;
}

/* Passes name through from our environment, if set and not yet there. */
static void
env_pass(struct env *e, const char *name)
{
	const char *v = getenv(name);

	if (v != NULL && !env_has(e, name))
		env_set(e, name, v);
}

static void
env_free(struct env *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->v[i]);
	free(e->v);
}

/* What one run of a hook is given. */
struct job {
	const char *hook;
	const char *incident; /* full id or scope id */
	const char *event_id;
	const char *kind;
	const char *delivery;
	const char *target;
	const char *severity; /* "" for a scope event */
	const char *status;
	int attempt;
	const char *doc; /* the stdin document */
	int out_fd;      /* where the hook's stdout goes */
	int64_t timeout;
};

static void
build_env(struct env *e, inc_store *s, const struct job *j)
{
	static const char *const pass[] = {"PATH", "HOME", "USER",  "LOGNAME",
	                                   "LANG", "TZ",   "TMPDIR"};
	const char **names = NULL;
	char num[32];
	size_t n;

	env_set(e, "INCIDENT_ID", j->incident);
	env_set(e, "INCIDENT_EVENT", j->kind);
	env_set(e, "INCIDENT_EVENT_ID", j->event_id);
	env_set(e, "INCIDENT_DELIVERY_ID", j->delivery);
	env_set(e, "INCIDENT_SEVERITY", j->severity);
	env_set(e, "INCIDENT_STATUS", j->status);
	env_set(e, "INCIDENT_TARGET", j->target);
	env_set(e, "INCIDENT_HOOK", j->hook);
	env_set(e, "INCIDENT_DIR", s->dir);
	snprintf(num, sizeof(num), "%d", j->attempt);
	env_set(e, "INCIDENT_ATTEMPT", num);
	for (size_t i = 0; i < sizeof(pass) / sizeof(*pass); i++)
		env_pass(e, pass[i]);
	if (!env_has(e, "PATH"))
		env_set(e, "PATH", "/usr/local/bin:/usr/bin:/bin");
	for (char **v = environ; v != NULL && *v != NULL; v++) {
		const char *eq = strchr(*v, '=');
		if (strncmp(*v, "LC_", 3) == 0 && eq != NULL) {
			char name[128];
			snprintf(name, sizeof(name), "%.*s", (int)(eq - *v),
			         *v);
			if (!env_has(e, name))
				env_put(e, inc_util__strdup(*v));
		}
	}
	/* hooks.env: the names a hook needs besides, e.g. its URL */
	n = inc_config__get_all(config(s), "hooks.env", NULL, 0);
	/* every value, however many: none is dropped quietly */
	if (n > 0 && (names = malloc(n * sizeof(*names))) == NULL) {
		e->nomem = true;
		return;
	}
	if (n > 0)
		n = inc_config__get_all(config(s), "hooks.env", names, n);
	for (size_t i = 0; i < n; i++) {
		char *copy = inc_util__strdup(names[i]), *save = NULL;
		for (char *w = copy != NULL ? strtok_r(copy, " \t,", &save)
		                            : NULL;
		     w != NULL; w = strtok_r(NULL, " \t,", &save))
			if (strspn(w,
			           "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			           "abcdefghijklmnopqrstuvwxyz0123456789_") ==
			    strlen(w))
				env_pass(e, w); /* never over a hook's own */
		free(copy);
	}
	free(names);
}

/* A file holding the document, at offset 0; -1 with errno set. */
static int
doc_file(const char *doc)
{
	size_t len = strlen(doc), done = 0;
	int fd;

#ifdef SYS_memfd_create
	fd = (int)syscall(SYS_memfd_create, "incident-hook", 1U /* CLOEXEC */);
#else
	fd = -1;
#endif
	if (fd < 0) {
		const char *tmp = getenv("TMPDIR");
		char *path = inc_util__asprintf(
		        "%s/incident-hook.XXXXXX",
		        tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
		if (path == NULL)
			return -1;
		fd = mkostemp(path, O_CLOEXEC);
		if (fd >= 0)
			unlink(path);
		free(path);
		if (fd < 0)
			return -1;
	}
	while (done < len) {
		ssize_t w = write(fd, doc + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int64_t
clock_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* How wait_until ended. */
enum wait_end {
	WAIT_ENDED,   /* it ended: *status says how */
	WAIT_TIMEOUT, /* the deadline passed */
	WAIT_LOST,    /* waitpid failed (ECHILD): its status is unknown */
	WAIT_SIGNAL,  /* a signal of sigs arrived: *caught */
};

/*
 * Waits for pid until deadline (monotonic ms). With sigs (blocked by the
 * caller), a signal of that set ends the wait early, into *caught.
 */
static enum wait_end
wait_until(pid_t pid, int *status, int64_t deadline, const sigset_t *sigs,
           int *caught)
{
	int nap = 2;

	for (;;) {
		pid_t r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return WAIT_ENDED;
		if (r < 0 && errno != EINTR)
			return WAIT_LOST;
		if (clock_ms() >= deadline)
			return WAIT_TIMEOUT;
		if (sigs != NULL) {
			struct timespec ts = {0, (long)nap * 1000000L};
			int sig = sigtimedwait(sigs, NULL, &ts);
			if (sig > 0) {
				*caught = sig;
				return WAIT_SIGNAL;
			}
		} else {
			sleep_ms(nap);
		}
		if (nap < 50)
			nap *= 2;
	}
}

/* Ends the hook's process group: TERM, a grace, then KILL. */
static enum wait_end
kill_group(pid_t pid, int *status)
{
	enum wait_end w;

	kill(-pid, SIGTERM);
	w = wait_until(pid, status, clock_ms() + HOOKS_GRACE_MS, NULL, NULL);
	/* what it left behind in its group goes too */
	kill(-pid, SIGKILL);
	if (w == WAIT_TIMEOUT) {
		w = WAIT_ENDED;
		while (waitpid(pid, status, 0) < 0)
			if (errno != EINTR) {
				w = WAIT_LOST;
				break;
			}
	}
	return w;
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void __attribute__((noreturn))
child(const char *path, char *const *envp, int in_fd, int out_fd, int err_fd,
      pid_t parent)
{
	char *argv[] = {(char *)path, NULL};
	sigset_t none;
	int e;

	setpgid(0, 0);
#ifdef PR_SET_PDEATHSIG
	/* a kill -9 of incident takes the hook down with it */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(127);
#else
	(void)parent;
#endif
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	/*
	 * Its own process group is a background one on incident's terminal:
	 * with "stty tostop" a write there would stop it until its time
	 * limit. It may write (and reads fail) instead.
	 */
	signal(SIGTTOU, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	if (out_fd != STDOUT_FILENO && dup2(out_fd, STDOUT_FILENO) < 0)
		goto fail;
	if (dup2(in_fd, STDIN_FILENO) < 0)
		goto fail;
	/* every other fd goes; err_fd closes at exec (O_CLOEXEC) */
	for (int fd = 3; fd < 1024; fd++)
		if (fd != err_fd)
			close(fd);
#ifdef SYS_close_range
	syscall(SYS_close_range, 1024U, ~0U, 0U);
#endif
	execve(path, argv, envp);
fail:
	e = errno;
	if (write(err_fd, &e, sizeof(e)) < 0) {
		/* nothing left to say it with */
	}
	_exit(127);
}

/*
 * Runs the hook file at path for j: 0 when it exited 0, else -1 with why
 * it failed in why.
 */
static int
spawn(char *why, size_t len, inc_store *s, const char *path,
      const struct job *j)
{
	struct env e = {NULL, 0, 0, false};
	static const int fatal[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction dfl = {.sa_handler = SIG_DFL}, saved_chld;
	int in_fd, pipefd[2], status = 0, child_errno = 0, ret = -1, caught = 0;
	sigset_t sigs, saved_mask;
	enum wait_end w;
	int64_t deadline;
	pid_t pid, parent;
	ssize_t r;

	build_env(&e, s, j);
	if (e.nomem) {
		env_free(&e);
		snprintf(why, len, "out of memory");
		return -1;
	}
	if ((in_fd = doc_file(j->doc)) < 0) {
		snprintf(why, len, "cannot write its input: %s",
		         strerror(errno));
		env_free(&e);
		return -1;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		snprintf(why, len, "cannot run it: %s", strerror(errno));
		close(in_fd);
		env_free(&e);
		return -1;
	}
	/*
	 * INT, TERM and HUP wait, blocked, while the hook runs: one ends the
	 * hook's group and then this process, as it would have without us.
	 * A signal the caller ignores stays ignored.
	 */
	sigemptyset(&sigs);
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
		struct sigaction old;
		if (sigaction(fatal[i], NULL, &old) == 0 &&
		    old.sa_handler != SIG_IGN)
			sigaddset(&sigs, fatal[i]);
	}
	sigprocmask(SIG_BLOCK, &sigs, &saved_mask);
	/*
	 * With SIGCHLD ignored (inherited from whoever started us) the
	 * kernel reaps the hook itself and waitpid can only say ECHILD:
	 * its exit status would be lost.
	 */
	sigaction(SIGCHLD, &dfl, &saved_chld);
	fflush(NULL);
	parent = getpid();
	pid = fork();
	if (pid == 0)
		child(path, e.v, in_fd, j->out_fd, pipefd[1], parent);
	close(pipefd[1]);
	close(in_fd);
	env_free(&e);
	if (pid < 0) {
		snprintf(why, len, "cannot run it: %s", strerror(errno));
		close(pipefd[0]);
		sigaction(SIGCHLD, &saved_chld, NULL);
		sigprocmask(SIG_SETMASK, &saved_mask, NULL);
		return -1;
	}
	/* both sides set the group, so a kill never misses it */
	setpgid(pid, pid);
	deadline = clock_ms() + j->timeout * 1000;
	w = wait_until(pid, &status, deadline, &sigs, &caught);
	if (w == WAIT_SIGNAL || w == WAIT_TIMEOUT)
		kill_group(pid, &status);
	sigaction(SIGCHLD, &saved_chld, NULL);
	if (w == WAIT_SIGNAL) {
		close(pipefd[0]);
		/* die of it: blocked, raised, then let through */
		signal(caught, SIG_DFL);
		raise(caught);
		sigprocmask(SIG_SETMASK, &saved_mask, NULL);
		/* only if the caller had it blocked: carry on */
		snprintf(why, len, "interrupted by signal %d (%s)", caught,
		         strsignal(caught));
		return -1;
	}
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	if (w == WAIT_TIMEOUT) {
		snprintf(why, len, "timed out after %llds (killed)",
		         (long long)j->timeout);
		close(pipefd[0]);
		return -1;
	}
	do
		r = read(pipefd[0], &child_errno, sizeof(child_errno));
	while (r < 0 && errno == EINTR);
	close(pipefd[0]);
	if (w == WAIT_LOST)
		/* never a success: we do not know that it was one */
		snprintf(why, len, "its exit status is lost: %s",
		         strerror(ECHILD));
	else if (r == (ssize_t)sizeof(child_errno))
		snprintf(why, len, "cannot run it: %s", strerror(child_errno));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		ret = 0;
	else if (WIFEXITED(status))
		snprintf(why, len, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(why, len, "killed by signal %d (%s)", WTERMSIG(status),
		         strsignal(WTERMSIG(status)));
	else
		snprintf(why, len, "ended abnormally");
	return ret;
}

/* ---- the document a hook reads ---- */

/* Loads the event with id into *ev (released with inc_event__release). */
static int
load_event(inc_event_list **list, const inc_event **ev, inc_store *s,
           const char *incident, const char *event_id, inc_error *err)
{
	int ret;

	*ev = NULL;
	if ((ret = inc_event__load(list, s, incident, err)) < 0)
		return ret;
	for (size_t i = 0; i < (*list)->n; i++)
		if (strcmp((*list)->events[i].id, event_id) == 0)
			*ev = &(*list)->events[i];
	if (*ev == NULL)
		return inc_error_set(err, INC_ENOTFOUND, "%s: no such event",
		                     event_id);
	return 0;
}

static bool
is_scope(const char *id)
{
	return strchr(id, ':') != NULL;
}

/*
 * The stdin document {"event": ..., "incident": ...} and the severity and
 * status of the incident (empty for a scope event). *doc is malloc'd.
 */
static int
compare_events(const void *a, const void *b)
{
	return inc_event__compare(a, b);
}

/* The incident as it was just after ev, of the events in list. */
static int
fold_upto(inc_incident **out, const inc_event_list *list, const inc_event *ev,
          inc_error *err)
{
	inc_event *copy = malloc((list->n ? list->n : 1) * sizeof(*copy));
	size_t k = list->n;

	*out = NULL;
	if (copy == NULL)
		return inc_error__nomem(err);
	/* a shallow copy: the fold sorts it, the caller's ev stays put */
	memcpy(copy, list->events, list->n * sizeof(*copy));
	if (list->n > 1)
		qsort(copy, list->n, sizeof(*copy), compare_events);
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(copy[i].id, ev->id) == 0) {
			k = i + 1;
			break;
		}
	if ((*out = calloc(1, sizeof(**out))) != NULL)
		(*out)->doc = inc_fold__events(ev->incident, copy, k);
	free(copy);
	if (*out == NULL || (*out)->doc == NULL) {
		free(*out);
		*out = NULL;
		return inc_error__nomem(err);
	}
	return 0;
}

/*
 * The JSON a hook reads: the event, and the incident as it was just
 * after it (folded up to the event in total order), not as it is when the
 * delivery runs, which may be long after, or a retry.
 */
static int
build_doc(char **doc, char *severity, size_t slen, char *status, size_t stlen,
          inc_store *s, const inc_event_list *list, const inc_event *ev,
          int64_t now, inc_error *err)
{
	cJSON *root = cJSON_CreateObject(), *evj = NULL, *incj = NULL;
	inc_incident *inc = NULL;
	int ret;

	*doc = NULL;
	severity[0] = status[0] = '\0';
	if (root == NULL)
		return inc_error__nomem(err);
	if ((ret = inc_event__to_json(&evj, ev, err)) < 0)
		goto done;
	cJSON_AddItemToObject(root, "event", evj);
	if (is_scope(ev->incident)) {
		cJSON_AddNullToObject(root, "incident");
	} else {
		if ((ret = fold_upto(&inc, list, ev, err)) < 0 ||
		    (ret = inc_incident__to_json(&incj, s, inc, now, err)) < 0)
			goto done;
		cJSON_AddItemToObject(root, "incident", incj);
		snprintf(severity, slen, "%s",
		         inc_severity_name(s, inc_incident_severity(inc)));
		snprintf(status, stlen, "%s",
		         inc_status_name(inc_incident_status(inc)));
	}
	if ((*doc = cJSON_PrintUnformatted(root)) == NULL)
		ret = inc_error__nomem(err);
done:
	inc_incident_free(inc);
	cJSON_Delete(root);
	return ret;
}

/* ---- the outbox rows ---- */

struct row {
	int64_t seq;
	char delivery[INC_EVENT_ID_LEN + 1];
	char event[INC_EVENT_ID_LEN + 1];
	char incident[128];
	char hook[72];
	char target[256];
	bool has_target;
	int attempts;
};

static void
col(char *dst, size_t len, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(dst, len, "%s", t != NULL ? (const char *)t : "");
}

/*
 * Claims the next row after *after that is due (pending, due by now, its
 * lease expired; with all, failed and not yet due ones too), under a
 * lease until lease_until, counting the attempt. 1 claimed, 0 none.
 */
static int
claim(struct row *r, inc_store *s, int64_t after, int64_t below, bool all,
      int64_t now, int64_t clock, int64_t lease_until, const char *owner,
      inc_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc, ret, found = 0;

	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	ret = inc_store__prepare(
	        &st, s,
	        all ? "SELECT seq, delivery, event, incident, hook, target, "
	              "attempts FROM outbox WHERE seq > ?1 AND seq < ?4 AND "
	              "state <> 'done' AND lease_until <= ?3 ORDER BY seq "
	              "LIMIT 1"
	            : "SELECT seq, delivery, event, incident, hook, target, "
	              "attempts FROM outbox WHERE seq > ?1 AND seq < ?4 AND "
	              "state = 'pending' AND due <= ?2 AND lease_until <= ?3 "
	              "ORDER BY seq LIMIT 1",
	        err);
	if (ret < 0)
		goto done;
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, clock);
	sqlite3_bind_int64(st, 4, below);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		r->seq = sqlite3_column_int64(st, 0);
		col(r->delivery, sizeof(r->delivery), st, 1);
		col(r->event, sizeof(r->event), st, 2);
		col(r->incident, sizeof(r->incident), st, 3);
		col(r->hook, sizeof(r->hook), st, 4);
		r->has_target = sqlite3_column_type(st, 5) != SQLITE_NULL;
		col(r->target, sizeof(r->target), st, 5);
		r->attempts = sqlite3_column_int(st, 6) + 1;
		found = 1;
	} else if (rc != SQLITE_DONE) {
		ret = inc_error__sqlite(err, s->db, rc, s->db_path);
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (found) {
		ret = inc_store__prepare(
		        &st, s,
		        "UPDATE outbox SET lease_owner = ?, lease_until = ?, "
		        "attempts = attempts + 1, state = 'pending' "
		        "WHERE seq = ?",
		        err);
		if (ret < 0)
			goto done;
		sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, lease_until);
		sqlite3_bind_int64(st, 3, r->seq);
		ret = inc_store__step_done(s, st, err);
		st = NULL;
		if (ret < 0)
			goto done;
	}
	ret = inc_store__commit(s, err);
done:
	sqlite3_finalize(st);
	if (ret < 0) {
		inc_store__rollback(s);
		return ret;
	}
	return found;
}

static int64_t
backoff(int attempts)
{
	int64_t wait = HOOKS_BACKOFF_FIRST;

	for (int i = 1; i < attempts && wait < HOOKS_BACKOFF_MAX; i++)
		wait *= 2;
	return wait < HOOKS_BACKOFF_MAX ? wait : HOOKS_BACKOFF_MAX;
}

/* The hook_failed event on the row's incident or scope, in a transaction. */
static int
record_failure(inc_store *s, const struct row *r, const char *why, int64_t now,
               inc_error *err)
{
	inc_event ev = {0};
	inc_incident *inc = NULL;
	cJSON *p = cJSON_CreateObject();
	int ret;

	if (p == NULL)
		return inc_error__nomem(err);
	cJSON_AddStringToObject(p, "hook", r->hook);
	cJSON_AddStringToObject(p, "delivery", r->delivery);
	cJSON_AddNumberToObject(p, "attempt", r->attempts);
	cJSON_AddStringToObject(p, "error", why);
	if (r->has_target)
		cJSON_AddStringToObject(p, "target", r->target);
	if (strlen(r->incident) >= sizeof(ev.incident)) {
		ret = inc_error_set(err, INC_EINVALID, "%.80s: not an id",
		                    r->incident);
		goto done;
	}
	memcpy(ev.incident, r->incident, strlen(r->incident) + 1);
	snprintf(ev.kind, sizeof(ev.kind), "hook_failed");
	snprintf(ev.replica, sizeof(ev.replica), "%s", s->replica);
	ev.at = now;
	ev.recorded_at = inc_time_now();
	ev.actor = s->actor != NULL ? s->actor : "unknown";
	ev.payload = p;
	if (!is_scope(r->incident) &&
	    (ret = inc_incident__fold(&inc, s, r->incident, err)) < 0)
		goto done;
	if ((ret = inc_store__append(s, &ev, err)) < 0)
		goto done;
	if (inc != NULL) {
		if (inc_fold__apply(inc->doc, &ev) < 0) {
			ret = inc_error__nomem(err);
			goto done;
		}
		ret = inc_store__project(s, inc->doc, err);
	}
done:
	inc_incident_free(inc);
	cJSON_Delete(p);
	return ret;
}

/*
 * Records the outcome of an attempt: done, or a retry at now + backoff,
 * or failed for good; a failure also goes on the timeline. *gave_up:
 * no attempt is left.
 */
static int
finish_row(bool *gave_up, int64_t *next, inc_store *s, const struct row *r,
           const char *why, int retries, int64_t now, inc_error *err)
{
	sqlite3_stmt *st = NULL;
	int ret;

	*gave_up = why != NULL && r->attempts >= retries;
	*next = why != NULL && !*gave_up ? now + backoff(r->attempts) : 0;
	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	ret = inc_store__prepare(
	        &st, s,
	        "UPDATE outbox SET state = ?, due = ?, lease_owner = NULL, "
	        "lease_until = 0, last_error = ? WHERE seq = ?",
	        err);
	if (ret < 0)
		goto done;
	sqlite3_bind_text(st, 1,
	                  why == NULL ? "done"
	                  : *gave_up  ? "failed"
	                              : "pending",
	                  -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, *next);
	if (why != NULL)
		sqlite3_bind_text(st, 3, why, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, r->seq);
	ret = inc_store__step_done(s, st, err);
	st = NULL;
	if (ret < 0)
		goto done;
	if (why != NULL && (ret = record_failure(s, r, why, now, err)) < 0)
		goto done;
	ret = inc_store__commit(s, err);
done:
	sqlite3_finalize(st);
	if (ret < 0)
		inc_store__rollback(s);
	return ret;
}

/* Runs hook for ev (the attempt's numbers in j), into why on failure. */
static int
run_one(char *why, size_t len, inc_store *s, struct job *j,
        const inc_event_list *list, const inc_event *ev, int64_t now)
{
	char severity[128], status[64], *dir, *path, *run = NULL, *doc = NULL;
	bool missing;
	inc_error err;
	int ret = -1;

	if ((dir = hooks_dir(s)) == NULL) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	path = inc_util__asprintf("%s/%s", dir, j->hook);
	free(dir);
	if (path == NULL) {
		snprintf(why, len, "out of memory");
		return -1;
	}
	if (!hook_name_ok(j->hook)) {
		snprintf(why, len, "not a hook name");
	} else if (check_file(why, len, &missing, &run, s, path) < 0) {
		/* why says it */
	} else if (build_doc(&doc, severity, sizeof(severity), status,
	                     sizeof(status), s, list, ev, now, &err) < 0) {
		snprintf(why, len, "cannot build its input: %s", err.message);
	} else {
		j->kind = ev->kind;
		j->severity = severity;
		j->status = status;
		j->doc = doc;
		ret = spawn(why, len, s, run, j);
	}
	free(doc);
	free(run);
	free(path);
	return ret;
}

/* The deliveries due at now and free to take (no live lease). */
#define DUE_WHERE                                                              \
	"FROM outbox WHERE state = 'pending' AND due <= ? AND lease_until <= " \
	"?"

/* The one integer of sql (DUE_WHERE's two times bound) into *out. */
static int
query_due(int64_t *out, inc_store *s, const char *sql, int64_t now,
          inc_error *err)
{
	sqlite3_stmt *st;
	int ret, rc;

	*out = 0;
	if ((ret = inc_store__prepare(&st, s, sql, err)) < 0)
		return ret;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, inc_time_now());
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		ret = inc_error__sqlite(err, s->db, rc, s->db_path);
	sqlite3_finalize(st);
	return ret;
}

int
inc_hooks_due(bool *out, inc_store *s, int64_t now, inc_error *err)
{
	int64_t n;
	/* LIMIT 1: the hot path after every write asks only whether */
	int ret = query_due(&n, s, "SELECT 1 " DUE_WHERE " LIMIT 1", now, err);

	*out = ret == 0 && n > 0;
	return ret;
}

/* How many deliveries are due and free to take. */
static int
count_left(size_t *out, inc_store *s, int64_t now, inc_error *err)
{
	int64_t n;
	int ret = query_due(&n, s, "SELECT count(*) " DUE_WHERE, now, err);

	*out = ret == 0 ? (size_t)n : 0;
	return ret;
}

/*
 * A hooks folder that is there but not to be trusted runs nothing: an
 * error naming it, and the deliveries stay queued for when it is fixed.
 */
static int
folder_usable(inc_store *s, inc_error *err)
{
	char why[HOOKS_ERROR_MAX + 64], *dir = hooks_dir(s);
	struct stat st;
	int ret = 0;

	if (dir == NULL)
		return inc_error__nomem(err);
	if (stat(dir, &st) == 0 && check_folder(why, sizeof(why), s, dir) < 0)
		ret = inc_error_set(err, INC_EREFUSED,
		                    "%s (the deliveries stay queued)", why);
	free(dir);
	return ret;
}

int
inc_hooks_run(inc_hooks_result *res, inc_store *s, const inc_hooks_opts *o,
              inc_error *err)
{
	struct hooks_cfg c;
	int64_t timeout;
	int retries;
	char owner[96], rnd[INC_ID_LEN + 1], why[HOOKS_ERROR_MAX];
	int64_t after = 0, below = INT64_MAX, start = clock_ms();
	bool own = s->outbox_first > 0;
	struct row r;
	int ret;

	memset(res, 0, sizeof(*res));
	if ((ret = hooks_cfg(&c, s, err)) < 0)
		return ret;
	timeout = c.timeout;
	retries = c.retries;
	if (inc_id__new(rnd) < 0)
		return inc_error_set(err, INC_ERROR,
		                     "cannot read random bytes");
	snprintf(owner, sizeof(owner), "%ld-%s", (long)getpid(), rnd);
	if ((ret = folder_usable(s, err)) < 0)
		return ret;
	if (own)
		after = s->outbox_first - 1;
	for (;;) {
		int64_t clock = inc_time_now(), next;
		/* the lease outlives the longest a hook may take */
		int64_t lease = clock + timeout + HOOKS_GRACE_MS / 1000 + 2;
		inc_event_list *list = NULL;
		const inc_event *ev = NULL;
		inc_hook_attempt a = {0};
		inc_error lerr;
		bool gave_up;
		struct job j = {0};
		int ok;

		if ((o->max > 0 && res->run >= o->max) ||
		    (o->timed && res->run > 0 &&
		     clock_ms() - start >= timeout * 1000))
			return count_left(&res->left, s, o->now, err);
		ret = claim(&r, s, after, below, o->all, o->now, clock, lease,
		            owner, err);
		if (ret < 0)
			return ret;
		if (ret == 0 && own) {
			/* this command's own are done: now the oldest due */
			own = false;
			after = 0;
			below = s->outbox_first;
			continue;
		}
		if (ret == 0)
			return 0;
		after = r.seq;
		j.hook = r.hook;
		j.incident = r.incident;
		j.event_id = r.event;
		j.delivery = r.delivery;
		j.target = r.has_target ? r.target : "";
		j.attempt = r.attempts;
		j.out_fd = STDERR_FILENO;
		j.timeout = timeout;
		why[0] = '\0';
		if (load_event(&list, &ev, s, r.incident, r.event, &lerr) < 0) {
			snprintf(why, sizeof(why), "%.*s", (int)sizeof(why) - 1,
			         lerr.message);
			ok = -1;
		} else {
			ok = run_one(why, sizeof(why), s, &j, list, ev, o->now);
		}
		inc_event_list_free(list);
		if (ok != 0 && why[0] == '\0')
			snprintf(why, sizeof(why), "failed");
		res->run++;
		ret = finish_row(&gave_up, &next, s, &r, ok == 0 ? NULL : why,
		                 retries, o->now, err);
		if (ret < 0)
			return ret;
		if (ok != 0) {
			res->failed++;
			res->events++;
			res->gave_up += gave_up;
		}
		a.hook = r.hook;
		a.incident = r.incident;
		a.event_id = r.event;
		a.delivery = r.delivery;
		a.target = r.has_target ? r.target : NULL;
		a.attempt = r.attempts;
		a.retries = retries;
		a.ok = ok == 0;
		a.gave_up = gave_up;
		a.error = ok == 0 ? NULL : why;
		a.next_due = next;
		if (o->report != NULL)
			o->report(o->arg, &a);
	}
}

/* ---- hooks test ---- */

/*
 * The hook that hooks test runs for name: a hook's name (post-triage,
 * notify), an event kind (triaged) or a command (triage); NULL when it
 * is none of them.
 */
static const char *
test_hook_name(const char *name)
{
	const char *hook = inc_hooks__hook_of(name);
	char post[80];

	if (hook != NULL)
		return hook;
	snprintf(post, sizeof(post), "post-%s", name);
	for (size_t i = 0; i < sizeof(hook_of_kind) / sizeof(*hook_of_kind);
	     i++) {
		if (strcmp(hook_of_kind[i].hook, name) == 0)
			return name;
		if (strcmp(hook_of_kind[i].hook, post) == 0)
			return hook_of_kind[i].hook;
	}
	return hook_name_ok(name) ? name : NULL;
}

/* INC_ENOTFOUND when no hook of that name is in the hooks folder. */
static int
hook_installed(inc_store *s, const char *hook, inc_error *err)
{
	char *dir = hooks_dir(s), *path;
	struct stat st;
	int ret = 0;

	if (dir == NULL)
		return inc_error__nomem(err);
	if ((path = inc_util__asprintf("%s/%s", dir, hook)) == NULL) {
		free(dir);
		return inc_error__nomem(err);
	}
	if (lstat(path, &st) < 0 && errno == ENOENT)
		ret = inc_error_set(err, INC_ENOTFOUND, "no hook %s in %s",
		                    hook, dir);
	free(path);
	free(dir);
	return ret;
}

int
inc_hooks_test(bool *ok, char *why, size_t len, inc_store *s, const char *hook,
               const char *id_or_prefix, int64_t now, int out_fd,
               inc_error *err)
{
	char id[INC_SCOPE_MAX + 1], delivery[INC_EVENT_ID_LEN + 1], *key;
	inc_event_list *list = NULL;
	const inc_event *ev;
	struct job j = {0};
	struct hooks_cfg c;
	int ret;

	*ok = false;
	why[0] = '\0';
	if (test_hook_name(hook) == NULL)
		return inc_error_set(err, INC_EINVALID, "'%s': not a hook name",
		                     hook);
	hook = test_hook_name(hook);
	if ((ret = hooks_cfg(&c, s, err)) < 0) {
		/* as hooks retry (and every command) says it: a failure */
		err->code = INC_ERROR;
		return ret = INC_ERROR;
	}
	if ((ret = folder_usable(s, err)) < 0 ||
	    (ret = hook_installed(s, hook, err)) < 0)
		return ret;
	if (strchr(id_or_prefix, ':') != NULL) {
		/* a scope's id (rota:db) is whole: no prefix to resolve */
		if (strlen(id_or_prefix) > INC_SCOPE_MAX)
			return inc_error_set(err, INC_ENOTFOUND,
			                     "%s: no such scope", id_or_prefix);
		snprintf(id, sizeof(id), "%s", id_or_prefix);
	} else if ((ret = inc_id_resolve(id, s, id_or_prefix, err)) < 0) {
		return ret;
	}
	if ((ret = inc_event__load(&list, s, id, err)) < 0)
		return ret;
	if (list->n == 0) {
		inc_event_list_free(list);
		return inc_error_set(err, INC_ENOTFOUND, "%s: no such %s", id,
		                     strchr(id, ':') ? "scope" : "incident");
	}
	/* its latest event, in total order, beside the hooks' own */
	ev = &list->events[list->n - 1];
	for (size_t i = list->n; i > 0; i--)
		if (strcmp(list->events[i - 1].kind, "hook_failed") != 0) {
			ev = &list->events[i - 1];
			break;
		}
	key = inc_util__asprintf("%s\n%s\n", ev->id, hook);
	if (key == NULL) {
		inc_event_list_free(list);
		return inc_error__nomem(err);
	}
	inc_util__sha256_hex(delivery, key, strlen(key));
	free(key);
	j.hook = hook;
	j.incident = ev->incident;
	j.event_id = ev->id;
	j.delivery = delivery;
	j.target = "";
	j.attempt = 1;
	j.out_fd = out_fd;
	j.timeout = c.timeout;
	*ok = run_one(why, len, s, &j, list, ev, now) == 0;
	inc_event_list_free(list);
	return 0;
}

/* ---- hooks list ---- */

/* A read-only open reads a store of schema 1 too, which has none. */
static bool
outbox_exists(inc_store *s)
{
	int64_t n = 0;

	return inc_store__query_int64(
	               &n, s,
	               "SELECT count(*) FROM sqlite_master "
	               "WHERE type = 'table' AND name = 'outbox'",
	               NULL) == 0 &&
	       n > 0;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
inc_hooks_list_json(char **out, inc_store *s, int64_t now, inc_error *err)
{
	cJSON *root = cJSON_CreateObject(), *hooks, *deliveries;
	char *dir = hooks_dir(s), why[HOOKS_ERROR_MAX], when[32];
	char **names = NULL, dir_why[HOOKS_ERROR_MAX];
	size_t n = 0, cap = 0;
	sqlite3_stmt *st = NULL;
	struct dirent *de;
	DIR *d;
	int ret = 0, rc, dir_ok = 0;

	*out = NULL;
	if (root == NULL || dir == NULL) {
		ret = inc_error__nomem(err);
		goto done;
	}
	cJSON_AddStringToObject(root, "dir", dir);
	dir_ok = check_folder(dir_why, sizeof(dir_why), s, dir);
	hooks = cJSON_AddArrayToObject(root, "hooks");
	deliveries = cJSON_AddArrayToObject(root, "deliveries");
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			char **nn;
			if (de->d_name[0] == '.' || !hook_name_ok(de->d_name))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				nn = realloc(names, cap * sizeof(*names));
				if (nn == NULL)
					break;
				names = nn;
			}
			if ((names[n] = inc_util__strdup(de->d_name)) != NULL)
				n++;
		}
		closedir(d);
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), compare_names);
	for (size_t i = 0; i < n; i++) {
		char *path = inc_util__asprintf("%s/%s", dir, names[i]);
		cJSON *h = cJSON_CreateObject();
		bool missing;
		char *run = NULL;
		int ok = dir_ok < 0     ? -1
		         : path != NULL ? check_file(why, sizeof(why), &missing,
		                                     &run, s, path)
		                        : -1;
		free(run);
		if (dir_ok < 0)
			snprintf(why, sizeof(why), "%s", dir_why);
		cJSON_AddStringToObject(h, "name", names[i]);
		cJSON_AddStringToObject(
		        h, "status",
		        ok == 0                              ? "ok"
		        : strncmp(why, "refused", 7) == 0    ? "refused"
		        : strcmp(why, "not executable") == 0 ? "not executable"
		                                             : "unusable");
		if (ok != 0)
			cJSON_AddStringToObject(h, "reason", why);
		cJSON_AddItemToArray(hooks, h);
		free(path);
	}
	if (outbox_exists(s)) {
		ret = inc_store__prepare(
		        &st, s,
		        "SELECT delivery, event, incident, hook, target, "
		        "attempts, due, state, last_error FROM outbox "
		        "WHERE state <> 'done' ORDER BY seq",
		        err);
		if (ret < 0)
			goto done;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			cJSON *o = cJSON_CreateObject();
			const char *k[] = {"delivery", "event", "incident",
			                   "hook", "target"};
			for (int i = 0; i < 5; i++) {
				const char *t =
				        (const char *)sqlite3_column_text(st,
				                                          i);
				if (t != NULL)
					cJSON_AddStringToObject(o, k[i], t);
				else
					cJSON_AddNullToObject(o, k[i]);
			}
			cJSON_AddNumberToObject(o, "attempts",
			                        sqlite3_column_int(st, 5));
			cJSON_AddStringToObject(
			        o, "state",
			        (const char *)sqlite3_column_text(st, 7));
			if (strcmp((const char *)sqlite3_column_text(st, 7),
			           "pending") == 0) {
				int64_t due = sqlite3_column_int64(st, 6);
				cJSON_AddStringToObject(
				        o, "due",
				        inc_time_rfc3339(when, sizeof(when),
				                         due > now ? due
				                                   : now));
			} else {
				cJSON_AddNullToObject(o, "due");
			}
			if (sqlite3_column_type(st, 8) != SQLITE_NULL)
				cJSON_AddStringToObject(
				        o, "last_error",
				        (const char *)sqlite3_column_text(st,
				                                          8));
			else
				cJSON_AddNullToObject(o, "last_error");
			cJSON_AddItemToArray(deliveries, o);
		}
		if (rc != SQLITE_DONE) {
			ret = inc_error__sqlite(err, s->db, rc, s->db_path);
			goto done;
		}
	}
	if ((*out = cJSON_PrintUnformatted(root)) == NULL)
		ret = inc_error__nomem(err);
done:
	sqlite3_finalize(st);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(dir);
	cJSON_Delete(root);
	return ret;
}
