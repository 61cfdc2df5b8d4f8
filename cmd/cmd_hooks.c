/*
 * incident hooks list|test|retry, and the runner every write command
 * ends with (hooks_after, from main.c): the messages around lib/hooks.c.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cmd.h"

struct retry_args {
	bool all;
};

static int hooks_list(struct inc_ctx *ctx, int argc, char **argv);
static int hooks_test(struct inc_ctx *ctx, int argc, char **argv);
static int hooks_retry(struct inc_ctx *ctx, int argc, char **argv);

static const struct retry_args retry;
static const struct json_args list;
static const struct json_args test;

static const struct opt list_options[] = {
        OPT_BOOL("json", 0, &list.json, "print the hooks as JSON"),
        OPT_END,
};

static const struct opt test_options[] = {
        OPT_END,
};

static const struct opt retry_options[] = {
        OPT_BOOL("all", 0, &retry.all,
                 "also the failed deliveries and those not yet due"),
        OPT_END,
};

extern const struct cmd cmd_hooks_entry;

static const struct cmd list_entry = {
        .name = "list",
        .parent = &cmd_hooks_entry,
        .run = hooks_list,
        .flags = CMD_READ,
        .summary = "List the installed hooks and the deliveries not done.",
        CMD_OPTS(list_options, list),
};

static const struct cmd test_entry = {
        .name = "test",
        .parent = &cmd_hooks_entry,
        .run = hooks_test,
        .flags = CMD_READ,
        .summary = "Run a hook now for an incident's latest event.",
        .usage = "hook id",
        CMD_OPTS(test_options, test),
};

static const struct cmd retry_entry = {
        .name = "retry",
        .parent = &cmd_hooks_entry,
        .run = hooks_retry,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Run the due deliveries now.",
        CMD_OPTS(retry_options, retry),
};

static const struct cmd *const subcommands[] = {
        &list_entry,
        &test_entry,
        &retry_entry,
        NULL,
};

const struct cmd cmd_hooks_entry = {
        .name = "hooks",
        .summary = "Hooks run after events: list, test, retry.",
        .subcommands = subcommands,
};

/* "7fk2q" for an incident, the scope id itself for a scope's event. */
static void
print_who(FILE *f, inc_store *s, const char *id)
{
	char short_id[INC_ID_LEN + 1];

	if (strchr(id, ':') == NULL && inc_id_short(short_id, s, id, NULL) == 0)
		id = short_id;
	print_safe(f, id, false);
}

struct report {
	inc_store *store;
	int64_t now;
};

/* One line on stderr for each failed attempt (git's hook warnings). */
static void
report(void *arg, const inc_hook_attempt *a)
{
	struct report *r = arg;
	char when[64];

	if (a->ok)
		return;
	fputs("incident: warning: hook ", stderr);
	print_safe(stderr, a->hook, false);
	fputs(" failed for ", stderr);
	print_who(stderr, r->store, a->incident);
	if (a->target != NULL) {
		fputs(" (", stderr);
		print_safe(stderr, a->target, false);
		fputc(')', stderr);
	}
	fputs(": ", stderr);
	print_safe(stderr, a->error, false);
	if (a->gave_up)
		fprintf(stderr,
		        "; given up after %d attempt%s (see 'incident hooks "
		        "list')\n",
		        a->attempt, a->attempt == 1 ? "" : "s");
	else
		fprintf(stderr, "; attempt %d of %d, again in %s\n", a->attempt,
		        a->retries,
		        inc_duration_format(when, sizeof(when),
		                            a->next_due - r->now));
}

/*
 * The bound of one run after a command: a few deliveries (its own
 * first), and none started once hooks.timeout has passed, so a backlog
 * of hanging hooks never holds a command up for long. tick takes more;
 * hooks retry and the background runner take them all.
 */
#define HOOKS_AFTER_MAX 5
#define HOOKS_TICK_MAX 100

static int
run_due(inc_hooks_result *res, struct inc_ctx *ctx, inc_store *s, bool all,
        size_t max)
{
	struct report r = {s, ctx->now};
	inc_hooks_opts o = {ctx->now, all, report, &r, max, max > 0};
	inc_error err;

	if (inc_hooks_run(res, s, &o, &err) < 0) {
		fputs("incident: warning: hooks not run: ", stderr);
		print_safe(stderr, err.message, false);
		fputc('\n', stderr);
		return -1;
	}
	if (res->left > 0)
		fprintf(stderr,
		        "incident: %zu more deliver%s (incident hooks retry)\n",
		        res->left, res->left == 1 ? "y waits" : "ies wait");
	return 0;
}

/*
 * hooks.background: a detached process of its own runs them, on a
 * connection of its own; the command returns at once. The parent's
 * connection is closed before the fork: SQLite keeps per-process lock
 * state, and a child that inherited a connection to the file would
 * trust locks it does not hold (a WAL removed under its writes).
 */
static void
run_detached(struct inc_ctx *ctx)
{
	inc_hooks_result res;
	char *actor = NULL;
	inc_store *s;
	pid_t pid;
	int fd;

	if (inc_store_actor(ctx->store) != NULL &&
	    (actor = strdup(inc_store_actor(ctx->store))) == NULL)
		return;
	inc_store_close(ctx->store);
	ctx->store = NULL;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		fputs("incident: warning: hooks not run: cannot fork\n",
		      stderr);
		free(actor);
		return;
	}
	if (pid > 0) {
		free(actor);
		return;
	}
	setsid();
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	/*
	 * Detached, it holds nothing of the caller's: no other fd (a pipe
	 * a caller waits to see closed), not its working folder (one to be
	 * unmounted). The store's path goes absolute first.
	 */
	for (fd = STDERR_FILENO + 1; fd < 1024; fd++)
		close(fd);
#ifdef SYS_close_range
	syscall(SYS_close_range, 1024U, ~0U, 0U);
#endif
	if (ctx->dir != NULL && ctx->dir[0] != '/') {
		char *abs = realpath(ctx->dir, NULL);
		if (abs == NULL)
			_exit(1);
		inc_str_free(ctx->dir);
		ctx->dir = abs;
	}
	if (chdir("/") < 0)
		_exit(1);
	if (inc_store_open(&s, ctx->dir, INC_OPEN_READWRITE, NULL) < 0)
		_exit(1);
	if (actor != NULL)
		inc_store_set_actor(s, actor);
	free(actor);
	ctx->store = s;
	if (run_due(&res, ctx, s, false, 0) == 0 && res.events > 0 &&
	    (ctx->cmd->flags & CMD_MIRROR))
		helper_mirror(ctx);
	ctx_release(ctx);
	_exit(0);
}

void
hooks_after(struct inc_ctx *ctx)
{
	inc_hooks_result res;
	inc_error err;
	bool due, background;

	/* a dry run writes nothing, and runs no hook either */
	if (ctx->store == NULL || ctx->dry_run)
		return;
	if (inc_hooks_due(&due, ctx->store, ctx->now, &err) < 0) {
		fputs("incident: warning: hooks not run: ", stderr);
		print_safe(stderr, err.message, false);
		fputc('\n', stderr);
		return;
	}
	if (!due)
		return;
	if (inc_hooks_background(&background, ctx->store, &err) < 0) {
		fputs("incident: warning: hooks not run (they stay queued): ",
		      stderr);
		print_safe(stderr, err.message, false);
		fputc('\n', stderr);
		return;
	}
	if (background) {
		run_detached(ctx);
		return;
	}
	if (run_due(&res, ctx, ctx->store, false,
	            strcmp(ctx->cmd->name, "tick") == 0
	                    ? HOOKS_TICK_MAX
	                    : HOOKS_AFTER_MAX) == 0 &&
	    res.events > 0 && (ctx->cmd->flags & CMD_MIRROR))
		helper_mirror(ctx);
}

static int
hooks_list(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct json_args *a = ctx->opts;
	char *text = NULL, when[64];
	const cJSON *it, *hooks, *del;
	cJSON *doc = NULL;
	inc_error err;
	int ret;

	(void)argc;
	(void)argv;
	if (ctx->store == NULL) {
		if (a->json) {
			cJSON *root = json_doc();
			cJSON_AddArrayToObject(root, "hooks");
			cJSON_AddArrayToObject(root, "deliveries");
			return print_json(root);
		}
		puts("no hooks installed (no store yet)");
		return EXIT_OK;
	}
	ret = inc_hooks_list_json(&text, ctx->store, ctx->now, &err);
	if ((ret = json_from_text(&doc, ret, text, &err)) < 0)
		return fail(&err);
	if (a->json) {
		cJSON *root = json_doc();
		cJSON *v;
		while ((v = doc->child) != NULL)
			cJSON_AddItemToObject(
			        root, v->string,
			        cJSON_DetachItemViaPointer(doc, v));
		cJSON_Delete(doc);
		return print_json(root);
	}
	hooks = cJSON_GetObjectItemCaseSensitive(doc, "hooks");
	del = cJSON_GetObjectItemCaseSensitive(doc, "deliveries");
	if (cJSON_GetArraySize(hooks) == 0) {
		fputs("no hooks installed in ", stdout);
		print_safe(stdout, json_str(doc, "dir"), false);
		putchar('\n');
	} else {
		fputs("hooks in ", stdout);
		print_safe(stdout, json_str(doc, "dir"), false);
		puts(":");
	}
	cJSON_ArrayForEach (it, hooks) {
		printf("  %-20s ", json_str(it, "name"));
		print_safe(stdout,
		           json_str(it, "reason") != NULL
		                   ? json_str(it, "reason")
		                   : json_str(it, "status"),
		           false);
		putchar('\n');
	}
	if (cJSON_GetArraySize(del) > 0)
		puts("deliveries not done:");
	cJSON_ArrayForEach (it, del) {
		int64_t due = 0;
		fputs("  ", stdout);
		print_safe(stdout, json_str(it, "hook"), false);
		fputc(' ', stdout);
		print_who(stdout, ctx->store, json_str(it, "incident"));
		if (json_str(it, "target") != NULL) {
			fputs(" (", stdout);
			print_safe(stdout, json_str(it, "target"), false);
			fputc(')', stdout);
		}
		printf(": %s, %d attempt%s", json_str(it, "state"),
		       json_count(it, "attempts"),
		       json_count(it, "attempts") == 1 ? "" : "s");
		if (json_str(it, "due") != NULL &&
		    inc_time_from_rfc3339(&due, json_str(it, "due")) == 0)
			printf(", next %s%s", due > ctx->now ? "in " : "now",
			       due > ctx->now
			               ? inc_duration_format(when, sizeof(when),
			                                     due - ctx->now)
			               : "");
		if (json_str(it, "last_error") != NULL) {
			fputs(", last: ", stdout);
			print_safe(stdout, json_str(it, "last_error"), false);
		}
		putchar('\n');
	}
	cJSON_Delete(doc);
	return EXIT_OK;
}

static int
hooks_test(struct inc_ctx *ctx, int argc, char **argv)
{
	char why[256];
	inc_error err;
	bool ok;
	int ret;

	if (argc != 2)
		return usage_error(ctx->cmd,
		                   argc < 2 ? "a hook and an id, please"
		                            : "unexpected argument '%s'",
		                   argc < 2 ? "" : argv[2]);
	if ((ret = need_store(ctx, argv[1])) != 0)
		return ret;
	fflush(stdout);
	if (inc_hooks_test(&ok, why, sizeof(why), ctx->store, argv[0], argv[1],
	                   ctx->now, STDOUT_FILENO, &err) < 0)
		return fail(&err);
	if (ok)
		return EXIT_OK;
	fputs("incident: hook ", stderr);
	print_safe(stderr, argv[0], false);
	fputs(" failed: ", stderr);
	print_safe(stderr, why, false);
	fputc('\n', stderr);
	return EXIT_FAIL;
}

static int
hooks_retry(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct retry_args *a = ctx->opts;
	inc_hooks_result res;

	(void)argc;
	(void)argv;
	if (ctx->store == NULL)
		return EXIT_OK;
	if (run_due(&res, ctx, ctx->store, a->all, 0) < 0)
		return EXIT_FAIL;
	if (res.run == 0)
		fputs("incident: no delivery due\n", stderr);
	return res.failed > 0 ? EXIT_FAIL : EXIT_OK;
}
