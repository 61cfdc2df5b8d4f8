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

/* The helper's commands, by name; each entry is in its own file. */
extern const struct cmd cmd_gc_entry, cmd_mirror_entry, cmd_rebuild_entry,
        cmd_sync_entry, cmd_verify_entry;

static const struct cmd *const helper_commands[] = {
        &cmd_gc_entry,
        &cmd_mirror_entry, /* not incident's: it runs this after a write */
        &cmd_rebuild_entry,
        &cmd_sync_entry,
        &cmd_verify_entry,
        NULL, /* the others are incident's, handed on */
};

static const struct cmd *
find(const char *name)
{
	for (const struct cmd *const *c = helper_commands; *c != NULL; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

static int
usage(void)
{
	fputs("usage: incident-git [--dir dir] command [args]\n"
	      "(run by incident; see incident(1))\n",
	      stderr);
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
