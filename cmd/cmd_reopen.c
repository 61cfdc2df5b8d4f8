#include "cmd.h"

const struct opt reopen_opts[] = {
        CHANGE_OPTS,
        {"reason", OPT_REASON, required_argument, "text",
         "why it is back (required)"},
        {NULL, 0, 0, NULL, NULL},
};

int
cmd_reopen(struct inc_ctx *ctx, int argc, char **argv)
{
	struct change_args a = {0};
	struct opt_state st;
	int c, r, ret = 0;

	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		if ((r = change_opt(ctx, &a, c, st.arg, &ret)) < 0)
			return ret;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_REASON:
			a.o.reason = st.arg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (opt_end(&st) != argc - 1)
		return usage_error(ctx->cmd, "one incident id is needed");
	if (a.o.reason == NULL)
		return usage_error(ctx->cmd, "--reason is required");
	return change_run(ctx, argv[argc - 1], INC_ACTION_REOPEN, &a);
}
