/*
 * incident-git: the helper that alone links libgit2 (DESIGN §1). incident
 * hands it sync, rebuild, verify and gc with the user's argv, and runs
 * "mirror" after a write. Its messages are incident's: people never type
 * its name.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const struct cmd helper_commands[] = {
        {NULL, NULL, CMD_NO_STORE, NULL, NULL,
         "incident-git [--dir dir] command [args]"},
        {"gc", cmd_gc, CMD_WRITE, SUMMARY_GC, gc_opts, "incident gc [--json]"},
        {"mirror", cmd_mirror, CMD_WRITE,
         "Mirror the events not yet in git (incident runs it).", mirror_opts,
         "incident-git mirror [--init]"},
        {"rebuild", cmd_rebuild, CMD_NO_STORE, SUMMARY_REBUILD, rebuild_opts,
         "incident rebuild [--json]"},
        {"sync", cmd_sync, CMD_WRITE, SUMMARY_SYNC, sync_opts,
         "incident sync [-q] [--json] [--timeout seconds] [remote]"},
        {"verify", cmd_verify, CMD_READ, SUMMARY_VERIFY, verify_opts,
         "incident verify [--json]"},
        {NULL, NULL, 0, NULL, NULL, NULL},
};

static const struct cmd *
find(const char *name)
{
	for (const struct cmd *c = helper_commands + 1; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int
usage(void)
{
	fprintf(stderr, "usage: %s\n(run by incident; see incident(1))\n",
	        helper_commands[0].usage);
	return EXIT_USAGE;
}

enum { GOPT_COMPLETE = 1000, GOPT_DIR };

int
main(int argc, char **argv)
{
	static const struct option globals[] = {
	        {"dir", required_argument, NULL, GOPT_DIR},
	        {"complete-options", required_argument, NULL, GOPT_COMPLETE},
	        {NULL, 0, NULL, 0},
	};
	struct inc_ctx ctx = {0};
	const char *dir_opt = NULL;
	const struct cmd *cmd;
	int c, status;

	signal(SIGPIPE, SIG_DFL);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", globals, NULL)) != -1) {
		switch (c) {
		case GOPT_DIR:
			dir_opt = optarg;
			break;
		case GOPT_COMPLETE:
			if ((cmd = find(optarg)) == NULL)
				return usage();
			opt_complete(cmd, stdout);
			return finish(EXIT_OK);
		default:
			return usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0 || (cmd = find(argv[0])) == NULL)
		return usage();
	if (ctx_wants_help(argc, argv)) {
		opt_help(cmd, stdout);
		return finish(EXIT_OK);
	}
	ctx_init(&ctx, cmd, dir_opt);
	status = ctx_prepare(&ctx, dir_opt, cmd->flags & CMD_STORE_MASK);
	if (status == EXIT_OK)
		status = cmd->run(&ctx, argc, argv);
	status = finish(status);
	ctx_release(&ctx);
	return status;
}
