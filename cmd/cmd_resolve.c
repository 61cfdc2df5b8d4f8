#include "cmd.h"

const struct opt resolve_opts[] = {
        CHANGE_OPTS,
        {"summary", OPT_SUMMARY, required_argument, "text",
         "how it was resolved"},
        {"cause", OPT_CAUSE, required_argument, "text",
         "the cause, as far as it is known"},
        {NULL, 0, 0, NULL, NULL},
};

int
cmd_resolve(struct inc_ctx *ctx, int argc, char **argv)
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
		case OPT_SUMMARY:
			a.o.summary = st.arg;
			break;
		case OPT_CAUSE:
			a.o.cause = st.arg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (opt_end(&st) != argc - 1)
		return usage_error(ctx->cmd, "one incident id is needed");
	return change_run(ctx, argv[argc - 1], INC_ACTION_RESOLVE, &a);
}
