#include "cmd.h"

const struct opt reopen_opts[] = {
        CHANGE_OPTS,
        {"reason", OPT_REASON, required_argument, "text",
         "why it is back (required)"},
        {NULL, 0, 0, NULL, NULL},
};

static const struct change_field fields[] = {
        {"reason", OPT_REASON, offsetof(inc_change_opts, reason), true},
        {NULL, 0, 0, false},
};

int
cmd_reopen(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_simple(ctx, argc, argv, INC_ACTION_REOPEN, fields);
}
