#include "cmd.h"

static const struct opt reopen_opts[] = {
        CHANGE_OPTS,
        {"reason", OPT_REASON, required_argument, "text",
         "why it is back (required)"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_reopen(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_reopen_entry = {
        .name = "reopen",
        .run = cmd_reopen,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Reopen a resolved or closed incident.",
        .opts = reopen_opts,
        .usage = "incident reopen [-q] [--json] [--dry-run] [--at time] "
                 "--reason text id",
};

static const struct change_field fields[] = {
        {"reason", OPT_REASON, offsetof(inc_change_opts, reason), true},
        {NULL, 0, 0, false},
};

static int
cmd_reopen(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_simple(ctx, argc, argv, INC_ACTION_REOPEN, fields);
}
