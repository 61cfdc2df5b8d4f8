#include "cmd.h"

static const struct opt note_opts[] = {
        CHANGE_OPTS,
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_note(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_note_entry = {
        .name = "note",
        .run = cmd_note,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Add a responder's note to an incident.",
        .opts = note_opts,
        .usage = "incident note [-q] [--json] [--dry-run] [--at time] id [text "
                 "| -]",
};

static int
cmd_note(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_text(ctx, argc, argv, INC_ACTION_NOTE, "Note");
}
