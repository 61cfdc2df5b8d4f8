/* incident reopen: a resolved or closed incident is back. */
#include "cmd.h"

static const struct change_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults),
        OPT_REQUIRED_STRING("reason", 0, &defaults.o.reason, "text",
                            "why it is back (required)"),
        OPT_END,
};

static int cmd_reopen(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_reopen_entry = {
        .name = "reopen",
        .run = cmd_reopen,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Reopen a resolved or closed incident.",
        .usage = "id",
        CMD_OPTS(options, defaults),
};

static int
cmd_reopen(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_one(ctx, argc, argv, INC_ACTION_REOPEN);
}
