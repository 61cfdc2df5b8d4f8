#include "cmd.h"

const struct opt cancel_opts[] = {
        CHANGE_OPTS,
        {"reason", OPT_REASON, required_argument, "text",
         "why it was a false alarm (required)"},
        {NULL, 0, 0, NULL, NULL},
};

static const struct change_field fields[] = {
        {"reason", OPT_REASON, offsetof(inc_change_opts, reason), true},
        {NULL, 0, 0, false},
};

int
cmd_cancel(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_simple(ctx, argc, argv, INC_ACTION_CANCEL, fields);
}
