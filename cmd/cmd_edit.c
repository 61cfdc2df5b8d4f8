/* incident edit: a new title, summary or fields. */
#include "cmd.h"

static const struct change_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults),
        OPT_STRING("title", 0, &defaults.o.title, "text", "a new title"),
        OPT_STRING("summary", 0, &defaults.o.summary, "text", "a new summary"),
        OPT_LIST("field", 0, &defaults.o.fields, &defaults.o.nfields,
                 "key=value", "set a field; key= removes it (repeatable)"),
        OPT_END,
};

static int cmd_edit(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_edit_entry = {
        .name = "edit",
        .run = cmd_edit,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Change a title, summary or fields.",
        .usage = "id",
        CMD_OPTS(options, defaults),
};

static int
cmd_edit(struct inc_ctx *ctx, int argc, char **argv)
{
	return change_one(ctx, argc, argv, INC_ACTION_EDIT);
}
