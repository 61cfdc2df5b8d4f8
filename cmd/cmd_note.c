#include "cmd.h"

const struct opt note_opts[] = {
        CHANGE_OPTS,
        {NULL, 0, 0, NULL, NULL},
};

int
cmd_note(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_text(ctx, argc, argv, INC_ACTION_NOTE, "Note");
}
