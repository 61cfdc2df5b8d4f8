#include "cmd.h"

const struct opt investigate_opts[] = {
        CHANGE_OPTS,
        {"note", OPT_NOTE, required_argument, "text",
         "what the investigation starts from"},
        {NULL, 0, 0, NULL, NULL},
};

int
cmd_investigate(struct inc_ctx *ctx, int argc, char **argv)
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
		case OPT_NOTE:
			a.o.text = st.arg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (opt_end(&st) != argc - 1)
		return usage_error(ctx->cmd, "one incident id is needed");
	return change_run(ctx, argv[argc - 1], INC_ACTION_INVESTIGATE, &a);
}
