/* incident note: a responder's note, from the words, "-" or the editor. */
#include <stdlib.h>

#include "cmd.h"

static const struct change_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults),
        OPT_STRING("dedup-key", 0, &defaults.dedup_key, "key",
                   "the incident this dedup key names, instead of an id"),
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
	const struct change_args *a = ctx->opts;
	char *mem;
	int ret;

	if ((ret = dedup_operand(ctx, a->dedup_key, &argc, &argv, &mem)) != 0)
		return ret;
	ret = change_text(ctx, argc, argv, INC_ACTION_NOTE, "Note");
	free(mem);
	return ret;
}
