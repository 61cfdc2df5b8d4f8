#include "cmd.h"

const struct opt mitigate_opts[] = {
        CHANGE_OPTS,
        {"note", OPT_NOTE, required_argument, "text",
         "what stopped the impact"},
        {NULL, 0, 0, NULL, NULL},
};

static const struct change_field fields[] = {
        {"note", OPT_NOTE, offsetof(inc_change_opts, text), false},
        {NULL, 0, 0, false},
};

int
cmd_mitigate(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_simple(ctx, argc, argv, INC_ACTION_MITIGATE, fields);
}
