/* incident resolve: the incident is over. */
#include <stdlib.h>

#include "cmd.h"

static const struct change_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults),
        OPT_STRING("summary", 0, &defaults.o.summary, "text",
                   "how it was resolved"),
        OPT_STRING("cause", 0, &defaults.o.cause, "text",
                   "the cause, as far as it is known"),
        OPT_STRING("dedup-key", 0, &defaults.dedup_key, "key",
                   "the incident this dedup key names, instead of an id"),
        OPT_END,
};

static int cmd_resolve(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_resolve_entry = {
        .name = "resolve",
        .run = cmd_resolve,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Record that an incident is over.",
        .usage = "id",
        CMD_OPTS(options, defaults),
};

static int
cmd_resolve(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct change_args *a = ctx->opts;
	char *mem;
	int ret;

	if ((ret = dedup_operand(ctx, a->dedup_key, &argc, &argv, &mem)) != 0)
		return ret;
	ret = change_one(ctx, argc, argv, INC_ACTION_RESOLVE);
	free(mem);
	return ret;
}
