/* incident mitigate: the impact has stopped. */
#include "cmd.h"

static const struct change_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults),
        OPT_STRING("note", 0, &defaults.o.text, "text",
                   "what stopped the impact"),
        OPT_END,
};

static int cmd_mitigate(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_mitigate_entry = {
        .name = "mitigate",
        .run = cmd_mitigate,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Record that the impact has stopped.",
        .usage = "id",
        CMD_OPTS(options, defaults),
};

static int
cmd_mitigate(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_one(ctx, argc, argv, INC_ACTION_MITIGATE);
}
