#include "cmd.h"

static const struct opt resolve_opts[] = {
        CHANGE_OPTS,
        {"summary", OPT_SUMMARY, required_argument, "text",
         "how it was resolved"},
        {"cause", OPT_CAUSE, required_argument, "text",
         "the cause, as far as it is known"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_resolve(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_resolve_entry = {
        .name = "resolve",
        .run = cmd_resolve,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Record that an incident is over.",
        .opts = resolve_opts,
        .usage = "incident resolve [-q] [--json] [--dry-run] [--at time] "
                 "[--summary text] [--cause text] id",
};

static const struct change_field fields[] = {
        {"summary", OPT_SUMMARY, offsetof(inc_change_opts, summary), false},
        {"cause", OPT_CAUSE, offsetof(inc_change_opts, cause), false},
        {NULL, 0, 0, false},
};

static int
cmd_resolve(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_simple(ctx, argc, argv, INC_ACTION_RESOLVE, fields);
}
