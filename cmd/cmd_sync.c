#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

#define DEFAULT_TIMEOUT 30

struct sync_args {
	bool quiet;
	bool json;
	long timeout;
};

static const struct sync_args defaults = {.timeout = DEFAULT_TIMEOUT};

static const struct opt options[] = {
        OPT_BOOL("quiet", 'q', &defaults.quiet,
                 "print nothing unless it fails"),
        OPT_BOOL("json", 0, &defaults.json, "print the result as JSON"),
        OPT_INT("timeout", 0, &defaults.timeout, "seconds",
                "give up on the remote after this long (default 30)", 1, 3600),
        OPT_END,
};

static int cmd_sync(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_sync_entry = {
        .name = "sync",
        .run = cmd_sync,
        .flags = CMD_WRITE,
        .summary = SUMMARY_SYNC,
        .usage = "[remote]",
        CMD_OPTS(options, defaults),
};

/*
 * libgit2 1.5 has no socket timeouts: an alarm interrupts a connect or a
 * read that hangs (no SA_RESTART), and the library reports the failure.
 */
static void
on_alarm(int sig)
{
	(void)sig;
}

static void
arm(unsigned secs)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm(secs);
}

static int
cmd_sync(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct sync_args *a = ctx->opts;
	const char *remote = argc == 1 ? argv[0] : NULL;
	inc_sync_result res;
	inc_error err;
	int ret;

	if (argc > 1)
		return usage_error(ctx->cmd, "one remote at most");
	if (ctx->store == NULL) {
		inc_error_set(&err, INC_EINVALID,
		              "no store here yet: incident init --git --remote "
		              "URL makes one that syncs");
		return fail(&err);
	}
	arm((unsigned)a->timeout + 2);
	/* a real deadline: the clock's, never INCIDENT_NOW */
	ret = inc_audit_sync(&res, ctx->store, remote,
	                     inc_time_now() + a->timeout, &err);
	alarm(0);
	if (ret < 0)
		return fail(&err);
	if (a->json) {
		cJSON *root = json_doc();
		cJSON_AddStringToObject(root, "remote", res.remote);
		cJSON_AddNumberToObject(root, "imported", (double)res.imported);
		cJSON_AddBoolToObject(root, "merged", res.merged);
		cJSON_AddBoolToObject(root, "pushed", res.pushed);
		return print_json(root);
	}
	if (a->quiet)
		return EXIT_OK;
	fputs("synced with ", stdout);
	print_safe(stdout, res.remote, false);
	printf(": %zu new event%s", res.imported, res.imported == 1 ? "" : "s");
	if (res.merged)
		fputs(", histories merged", stdout);
	fputs(res.pushed ? ", pushed\n" : ", nothing to push\n", stdout);
	return EXIT_OK;
}
