/* incident note: a responder's note, from the words, "-" or the editor. */
#include "cmd.h"

static const struct change_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults),
        OPT_END,
};

static int cmd_note(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_note_entry = {
        .name = "note",
        .run = cmd_note,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Add a responder's note to an incident.",
        .usage = "id [text | -]",
        CMD_OPTS(options, defaults),
};

static int
cmd_note(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_text(ctx, argc, argv, INC_ACTION_NOTE, "Note");
}
