#include <stdlib.h>

#include "cmd.h"

const struct opt note_opts[] = {
        CHANGE_OPTS,
        {NULL, 0, 0, NULL, NULL},
};

int
cmd_note(struct inc_ctx *ctx, int argc, char **argv)
{
	struct change_args a = {0};
	struct opt_state st;
	const char *id;
	char *text;
	int c, r, first, ret = 0;

	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		if ((r = change_opt(ctx, &a, c, st.arg, &ret)) < 0)
			return ret;
		if (r == 0)
			return EXIT_USAGE;
	}
	first = opt_end(&st);
	if (first >= argc)
		return usage_error(ctx->cmd, "an incident id is needed");
	id = argv[first++];
	if ((ret = need_store(ctx, id)) != 0)
		return ret;
	if ((text = read_text(ctx, argc, argv, first, id, "Note", &ret)) ==
	    NULL)
		return ret;
	a.o.text = text;
	ret = change_run(ctx, id, INC_ACTION_NOTE, &a);
	free(text);
	return ret;
}
