#include "cmd.h"

static const struct opt update_opts[] = {
        CHANGE_OPTS,
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_update(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_update_entry = {
        .name = "update",
        .run = cmd_update,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Post a status update for stakeholders.",
        .opts = update_opts,
        .usage = "incident update [-q] [--json] [--dry-run] [--at time] id "
                 "[text | -]",
};

static int
cmd_update(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_text(ctx, argc, argv, INC_ACTION_UPDATE, "Status update");
}
