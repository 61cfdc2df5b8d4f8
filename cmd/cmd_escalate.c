#include "cmd.h"

const struct opt escalate_opts[] = {
        CHANGE_OPTS,
        {"to", OPT_TO, required_argument, "target",
         "whom it goes to (a team, a person)"},
        {"reason", OPT_REASON, required_argument, "text", "why"},
        {NULL, 0, 0, NULL, NULL},
};

int
cmd_escalate(struct inc_ctx *ctx, int argc, char **argv)
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
		case OPT_TO:
			a.o.to = st.arg;
			break;
		case OPT_REASON:
			a.o.reason = st.arg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (opt_end(&st) != argc - 1)
		return usage_error(ctx->cmd, "one incident id is needed");
	return change_run(ctx, argv[argc - 1], INC_ACTION_ESCALATE, &a);
}
