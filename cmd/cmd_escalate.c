#include "cmd.h"

static const struct opt escalate_opts[] = {
        CHANGE_OPTS,
        {"to", OPT_TO, required_argument, "target",
         "whom it goes to (a team, a person)"},
        {"reason", OPT_REASON, required_argument, "text", "why"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_escalate(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_escalate_entry = {
        .name = "escalate",
        .run = cmd_escalate,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Raise the escalation level by one.",
        .opts = escalate_opts,
        .usage = "incident escalate [-q] [--json] [--dry-run] [--at time] "
                 "[--to target] [--reason text] id",
};

static const struct change_field fields[] = {
        {"to", OPT_TO, offsetof(inc_change_opts, to), false},
        {"reason", OPT_REASON, offsetof(inc_change_opts, reason), false},
        {NULL, 0, 0, false},
};

static int
cmd_escalate(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_simple(ctx, argc, argv, INC_ACTION_ESCALATE, fields);
}
