#include "cmd.h"

static const struct opt investigate_opts[] = {
        CHANGE_OPTS,
        {"note", OPT_NOTE, required_argument, "text",
         "what the investigation starts from"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_investigate(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_investigate_entry = {
        .name = "investigate",
        .run = cmd_investigate,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Mark an incident as under investigation.",
        .opts = investigate_opts,
        .usage = "incident investigate [-q] [--json] [--dry-run] [--at time] "
                 "[--note text] id",
};

static const struct change_field fields[] = {
        {"note", OPT_NOTE, offsetof(inc_change_opts, text), false},
        {NULL, 0, 0, false},
};

static int
cmd_investigate(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_simple(ctx, argc, argv, INC_ACTION_INVESTIGATE, fields);
}
