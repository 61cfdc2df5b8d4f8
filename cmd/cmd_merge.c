#include "cmd.h"

static const struct opt merge_opts[] = {
        CHANGE_OPTS,
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_merge(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_merge_entry = {
        .name = "merge",
        .run = cmd_merge,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Merge a duplicate into the incident to keep.",
        .opts = merge_opts,
        .usage = "incident merge [-q] [--json] [--dry-run] [--at time] id "
                 "into-id",
};

static int
cmd_merge(struct inc_ctx *ctx, int argc, char **argv)
{
	struct change_args a = {0};
	inc_incident *kept = NULL;
	struct opt_state st;
	inc_error err;
	int c, r, ret = 0;

	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		if ((r = change_opt(ctx, &a, c, st.arg, &ret)) < 0)
			return ret;
		if (r == 0)
			return EXIT_USAGE;
	}
	if (opt_end(&st) != argc - 2)
		return usage_error(ctx->cmd, "the duplicate's id and the id of "
		                             "the incident to keep are needed");
	if ((ret = need_store(ctx, argv[argc - 2])) != 0)
		return ret;
	if (inc_merge(&kept, ctx->store, argv[argc - 2], argv[argc - 1], &a.o,
	              &err) < 0)
		return fail(&err);
	ret = change_print(ctx, kept, INC_ACTION_MERGE, &a);
	inc_incident_free(kept);
	return ret;
}
