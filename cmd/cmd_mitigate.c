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
        .opts = options,
        .defaults = &defaults,
        .size = sizeof(defaults),
};

static int
cmd_mitigate(struct inc_ctx *ctx, int argc, char **argv)
{
	if (argc != 1)
		return usage_error(ctx->cmd, "one incident id is needed");
	return change_run(ctx, argv[0], INC_ACTION_MITIGATE, ctx->opts);
}
