#include "cmd.h"

static const struct opt mitigate_opts[] = {
        CHANGE_OPTS,
        {"note", OPT_NOTE, required_argument, "text",
         "what stopped the impact"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_mitigate(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_mitigate_entry = {
        .name = "mitigate",
        .run = cmd_mitigate,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Record that the impact has stopped.",
        .opts = mitigate_opts,
        .usage = "incident mitigate [-q] [--json] [--dry-run] [--at time] "
                 "[--note text] id",
};

static const struct change_field fields[] = {
        {"note", OPT_NOTE, offsetof(inc_change_opts, text), false},
        {NULL, 0, 0, false},
};

static int
cmd_mitigate(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_simple(ctx, argc, argv, INC_ACTION_MITIGATE, fields);
}
