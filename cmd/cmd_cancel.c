#include "cmd.h"

static const struct opt cancel_opts[] = {
        CHANGE_OPTS,
        {"reason", OPT_REASON, required_argument, "text",
         "why it was a false alarm (required)"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_cancel(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_cancel_entry = {
        .name = "cancel",
        .run = cmd_cancel,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "End an incident as a false alarm.",
        .opts = cancel_opts,
        .usage = "incident cancel [-q] [--json] [--dry-run] [--at time] "
                 "--reason text id",
};

static const struct change_field fields[] = {
        {"reason", OPT_REASON, offsetof(inc_change_opts, reason), true},
        {NULL, 0, 0, false},
};

static int
cmd_cancel(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_simple(ctx, argc, argv, INC_ACTION_CANCEL, fields);
}
