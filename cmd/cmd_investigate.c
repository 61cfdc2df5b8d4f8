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
        CMD_OPTS(options, defaults),
};

static int
cmd_investigate(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_one(ctx, argc, argv, INC_ACTION_INVESTIGATE);
}
