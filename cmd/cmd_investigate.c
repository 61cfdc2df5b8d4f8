/* incident investigate: the responders are looking into it. */
#include "cmd.h"

static const struct change_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults),
        OPT_STRING("note", 0, &defaults.o.text, "text",
                   "what the investigation starts from"),
        OPT_END,
};

static int cmd_investigate(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_investigate_entry = {
        .name = "investigate",
        .run = cmd_investigate,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Mark an incident as under investigation.",
        .usage = "id",
        .opts = options,
        .defaults = &defaults,
        .size = sizeof(defaults),
};

static int
cmd_investigate(struct inc_ctx *ctx, int argc, char **argv)
{
	if (argc != 1)
		return usage_error(ctx->cmd, "one incident id is needed");
	return change_run(ctx, argv[0], INC_ACTION_INVESTIGATE, ctx->opts);
}
