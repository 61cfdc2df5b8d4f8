/* incident merge: a duplicate goes into the incident to keep. */
#include "cmd.h"

static const struct change_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults),
        OPT_END,
};

static int cmd_merge(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_merge_entry = {
        .name = "merge",
        .run = cmd_merge,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Merge a duplicate into the incident to keep.",
        .usage = "id into-id",
        CMD_OPTS(options, defaults),
};

static int
cmd_merge(struct inc_ctx *ctx, int argc, char **argv)
{
	struct change_args *a = ctx->opts;
	inc_incident *kept = NULL;
	inc_error err;
	int ret;

	if (argc != 2)
		return usage_error(ctx->cmd, "the duplicate's id and the id of "
		                             "the incident to keep are needed");
	if ((ret = need_store(ctx, argv[0])) != 0)
		return ret;
	a->o.now = ctx->now;
	if (inc_incident_merge(&kept, ctx->store, argv[0], argv[1], &a->o,
	                       &err) < 0)
		return fail(&err);
	ret = change_print(ctx, kept, INC_ACTION_MERGE, a);
	inc_incident_free(kept);
	return ret;
}
