/* incident assign: a role (commander, comms, ops, scribe) for someone. */
#include "cmd.h"

struct assign_args {
	struct change_args c;
	bool remove;
};

static const struct assign_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults.c),
        OPT_BOOL("remove", 0, &defaults.remove,
                 "take the role from whoever holds it"),
        OPT_END,
};

static int cmd_assign(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_assign_entry = {
        .name = "assign",
        .run = cmd_assign,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Give a role (commander, comms, ops, scribe) to someone.",
        .usage = "id role [who]",
        CMD_OPTS(options, defaults),
};

static int
cmd_assign(struct inc_ctx *ctx, int argc, char **argv)
{
	struct assign_args *a = ctx->opts;

	if (argc != (a->remove ? 2 : 3))
		return usage_error(ctx->cmd,
		                   a->remove ? "an id and a role are needed"
		                             : "an id, a role and a name are "
		                               "needed");
	a->c.o.role = argv[1];
	a->c.o.who = a->remove ? NULL : argv[2];
	return change_run(ctx, argv[0], INC_ACTION_ASSIGN, &a->c);
}
