/*
 * incident listen: the HTTP receiver for Alertmanager and PagerDuty
 * Events v2 senders. It lives in the helper incident-listen (cmd/
 * listen_main.c), which alone links libmicrohttpd and the TLS stack
 * under it, as incident-git alone links libgit2: incident parses the
 * options (so --help and the completions need no helper) and execs it.
 */
#include <stdlib.h>

#include "listen.h"

const struct listen_args listen_defaults = {
        .address = LISTEN_ADDRESS,
};

const struct opt listen_options[] = {
        OPT_STRING("address", 0, &listen_defaults.address, "host:port",
                   "listen on host:port (default " LISTEN_ADDRESS ")"),
        OPT_STRING("token-file", 0, &listen_defaults.token_file, "file",
                   "require the token in file (a private file) of every "
                   "request"),
        OPT_END,
};

static int cmd_listen(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_listen_entry = {
        .name = "listen",
        .run = cmd_listen,
        .flags = CMD_NO_STORE,
        .summary = LISTEN_SUMMARY,
        CMD_OPTS(listen_options, listen_defaults),
};

/* Hands the parsed options on; --actor goes as INCIDENT_ACTOR, which
 * it beat here already. */
static int
cmd_listen(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct listen_args *a = ctx->opts;
	char *args[6];
	int n = 0;

	(void)argc;
	(void)argv;
	if (ctx->actor != NULL && setenv("INCIDENT_ACTOR", ctx->actor, 1) < 0) {
		fputs("incident: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	args[n++] = "listen";
	args[n++] = "--address";
	args[n++] = (char *)a->address;
	if (a->token_file != NULL) {
		args[n++] = "--token-file";
		args[n++] = (char *)a->token_file;
	}
	args[n] = NULL;
	return helper_exec_program("incident-listen", "the HTTP receiver",
	                           ctx->dir_opt, n, args);
}
