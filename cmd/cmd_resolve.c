#include "cmd.h"

const struct opt resolve_opts[] = {
        CHANGE_OPTS,
        {"summary", OPT_SUMMARY, required_argument, "text",
         "how it was resolved"},
        {"cause", OPT_CAUSE, required_argument, "text",
         "the cause, as far as it is known"},
        {NULL, 0, 0, NULL, NULL},
};

static const struct change_field fields[] = {
        {"summary", OPT_SUMMARY, offsetof(inc_change_opts, summary), false},
        {"cause", OPT_CAUSE, offsetof(inc_change_opts, cause), false},
        {NULL, 0, 0, false},
};

int
cmd_resolve(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_simple(ctx, argc, argv, INC_ACTION_RESOLVE, fields);
}
