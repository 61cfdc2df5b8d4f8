/* incident cancel: an incident that was a false alarm ends. */
#include "cmd.h"

static const struct change_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults),
        OPT_REQUIRED_STRING("reason", 0, &defaults.o.reason, "text",
                            "why it was a false alarm (required)"),
        OPT_END,
};

static int cmd_cancel(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_cancel_entry = {
        .name = "cancel",
        .run = cmd_cancel,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "End an incident as a false alarm.",
        .usage = "id",
        CMD_OPTS(options, defaults),
};

static int
cmd_cancel(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_one(ctx, argc, argv, INC_ACTION_CANCEL);
}
