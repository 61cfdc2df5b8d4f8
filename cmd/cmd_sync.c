#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

#define DEFAULT_TIMEOUT 30

static const struct opt sync_opts[] = {
        {"quiet", 'q', no_argument, NULL, "print nothing unless it fails"},
        {"json", OPT_JSON, no_argument, NULL, "print the result as JSON"},
        {"timeout", OPT_TIMEOUT, required_argument, "seconds",
         "give up on the remote after this long (default 30)"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_sync(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_sync_entry = {
        .name = "sync",
        .run = cmd_sync,
        .flags = CMD_WRITE,
        .summary = SUMMARY_SYNC,
        .opts = sync_opts,
        .usage = "incident sync [-q] [--json] [--timeout seconds] [remote]",
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
	bool json = false, quiet = false;
	long timeout = DEFAULT_TIMEOUT;
	const char *remote = NULL;
	inc_sync_result res;
	struct opt_state st;
	inc_error err;
	int c, ret;

	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_TIMEOUT: {
			char *end;
			timeout = strtol(st.arg, &end, 10);
			if (*st.arg == '\0' || *end != '\0' || timeout < 1 ||
			    timeout > 3600)
				return usage_error(ctx->cmd,
				                   "--timeout takes 1 to 3600 "
				                   "seconds, not '%s'",
				                   st.arg);
			break;
		}
		default:
			return EXIT_USAGE;
		}
	}
	if (opt_end(&st) < argc - 1)
		return usage_error(ctx->cmd, "one remote at most");
	if (opt_end(&st) == argc - 1)
		remote = argv[argc - 1];
	if (ctx->store == NULL) {
		inc_error_set(&err, INC_EINVALID,
		              "no store here yet: incident init --git --remote "
		              "URL makes one that syncs");
		return fail(&err);
	}
	arm((unsigned)timeout + 2);
	ret = inc_sync(&res, ctx->store, remote, ctx->now + timeout, &err);
	alarm(0);
	if (ret < 0)
		return fail(&err);
	if (json) {
		cJSON *root = json_doc();
		cJSON_AddStringToObject(root, "remote", res.remote);
		cJSON_AddNumberToObject(root, "imported", (double)res.imported);
		cJSON_AddBoolToObject(root, "merged", res.merged);
		cJSON_AddBoolToObject(root, "pushed", res.pushed);
		return print_json(root);
	}
	if (quiet)
		return EXIT_OK;
	fputs("synced with ", stdout);
	print_safe(stdout, res.remote, false);
	printf(": %zu new event%s", res.imported, res.imported == 1 ? "" : "s");
	if (res.merged)
		fputs(", histories merged", stdout);
	fputs(res.pushed ? ", pushed\n" : ", nothing to push\n", stdout);
	return EXIT_OK;
}
