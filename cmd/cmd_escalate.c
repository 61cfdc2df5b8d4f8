/* incident escalate: one more level of escalation. */
#include "cmd.h"

static const struct change_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults),
        OPT_STRING("to", 0, &defaults.o.to, "target",
                   "whom it goes to (a team, a person)"),
        OPT_STRING("reason", 0, &defaults.o.reason, "text", "why"),
        OPT_END,
};

static int cmd_escalate(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_escalate_entry = {
        .name = "escalate",
        .run = cmd_escalate,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Raise the escalation level by one.",
        .usage = "id",
        .opts = options,
        .defaults = &defaults,
        .size = sizeof(defaults),
};

static int
cmd_escalate(struct inc_ctx *ctx, int argc, char **argv)
{
	if (argc != 1)
		return usage_error(ctx->cmd, "one incident id is needed");
	return change_run(ctx, argv[0], INC_ACTION_ESCALATE, ctx->opts);
}
