/* incident escalate: one more level of escalation. */
#include "cmd.h"

static const struct change_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults),
        OPT_STRING("to", 0, &defaults.o.to, "target",
                   "page target by hand (a team, a person)"),
        OPT_STRING("reason", 0, &defaults.o.reason, "text", "why"),
        OPT_END,
};

static int cmd_escalate(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_escalate_entry = {
        .name = "escalate",
        .run = cmd_escalate,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Raise the escalation level by one and page its targets.",
        .usage = "id",
        CMD_OPTS(options, defaults),
};

static int
cmd_escalate(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_one(ctx, argc, argv, INC_ACTION_ESCALATE);
}
