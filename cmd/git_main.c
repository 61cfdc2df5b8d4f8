/*
 * incident-git: the helper that alone links libgit2 (DESIGN §1). incident
 * hands it sync, rebuild, verify and gc with the user's argv, and runs
 * "mirror" after a write. Its messages are incident's: people never type
 * its name.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

/* The options before the command: incident's --dir, and what the
 * completions of incident's git commands ask. */
struct globals {
	const char *dir;
	const char *complete;
	bool help;
};

static const struct globals defaults;

static const struct opt global_opts[] = {
        OPT_STRING("dir", 0, &defaults.dir, "dir", "use the store in dir"),
        OPT_STRING("complete-options", 0, &defaults.complete, "command",
                   "list the options of command"),
        OPT_BOOL("help", 'h', &defaults.help, "show this help"),
        OPT_END,
};

static const struct cmd globals = {
        CMD_OPTS(global_opts, defaults),
};

int
main(int argc, char **argv)
{
	struct globals g = defaults;
	struct inc_ctx ctx = {0};
	const struct cmd *cmd;
	int first, status;

	signal(SIGPIPE, SIG_DFL);
	/* private whatever the umask: the store, its database and its
	 * audit repository (a group store's widens it: ctx.c) */
	umask(077);
	ctx.cmd = &globals;
	if (opt_parse(&ctx, &globals, &g, argc, argv, true, &first) != 0 ||
	    g.help)
		return usage();
	if (g.complete != NULL) {
		if ((cmd = find(g.complete)) == NULL)
			return usage();
		opt_complete(cmd, stdout);
		return finish(EXIT_OK);
	}
	argc -= first;
	argv += first;
	if (argc == 0 || (cmd = find(argv[0])) == NULL)
		return usage();
	if (ctx_wants_help(argc, argv)) {
		opt_help(cmd, stdout);
		return finish(EXIT_OK);
	}
	ctx_init(&ctx, cmd, g.dir);
	status = finish(ctx_run(&ctx, argc, argv));
	ctx_release(&ctx);
	return status;
}
