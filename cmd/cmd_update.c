#include "cmd.h"

const struct opt update_opts[] = {
        CHANGE_OPTS,
        {NULL, 0, 0, NULL, NULL},
};

int
cmd_update(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_text(ctx, argc, argv, INC_ACTION_UPDATE, "Status update");
}
