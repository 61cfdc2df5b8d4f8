/* incident update: a status update for stakeholders, from the words, "-" or the
 * editor. */
#include "cmd.h"

static const struct change_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults),
        OPT_END,
};

static int cmd_update(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_update_entry = {
        .name = "update",
        .run = cmd_update,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Post a status update for stakeholders.",
        .usage = "id [text | -]",
        CMD_OPTS(options, defaults),
};

static int
cmd_update(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_text(ctx, argc, argv, INC_ACTION_UPDATE, "Status update");
}
