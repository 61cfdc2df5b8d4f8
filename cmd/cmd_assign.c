#include "cmd.h"

static const struct opt assign_opts[] = {
        CHANGE_OPTS,
        {"remove", OPT_REMOVE, no_argument, NULL,
         "take the role from whoever holds it"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_assign(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_assign_entry = {
        .name = "assign",
        .run = cmd_assign,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Give a role (commander, comms, ops, scribe) to someone.",
        .opts = assign_opts,
        .usage = "incident assign [-q] [--json] [--dry-run] [--at time] "
                 "[--remove] id role [who]",
};

static int
cmd_assign(struct inc_ctx *ctx, int argc, char **argv)
{
	struct change_args a = {0};
	bool remove = false;
	struct opt_state st;
	int c, r, first, ret = 0;

	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		if ((r = change_opt(ctx, &a, c, st.arg, &ret)) < 0)
			return ret;
		if (r > 0)
			continue;
		if (c != OPT_REMOVE)
			return EXIT_USAGE;
		remove = true;
	}
	first = opt_end(&st);
	if (argc - first != (remove ? 2 : 3))
		return usage_error(ctx->cmd,
		                   remove ? "an id and a role are needed"
		                          : "an id, a role and a name are "
		                            "needed");
	a.o.role = argv[first + 1];
	a.o.who = remove ? NULL : argv[first + 2];
	return change_run(ctx, argv[first], INC_ACTION_ASSIGN, &a);
}
