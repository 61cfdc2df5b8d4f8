#include <stdlib.h>

#include "cmd.h"

static const struct opt edit_opts[] = {
        CHANGE_OPTS,
        {"title", OPT_TITLE, required_argument, "text", "a new title"},
        {"summary", OPT_SUMMARY, required_argument, "text", "a new summary"},
        {"field", OPT_FIELD, required_argument, "key=value",
         "set a field; key= removes it (repeatable)"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_edit(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_edit_entry = {
        .name = "edit",
        .run = cmd_edit,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Change a title, summary or fields.",
        .opts = edit_opts,
        .usage = "incident edit [-q] [--json] [--dry-run] [--at time] [--title "
                 "text] [--summary text] [--field key=value]... id",
};

static int
cmd_edit(struct inc_ctx *ctx, int argc, char **argv)
{
	struct change_args a = {0};
	const char **fields = calloc((size_t)argc + 1, sizeof(char *));
	struct opt_state st;
	int c, r, ret = EXIT_FAIL;

	if (fields == NULL)
		return EXIT_FAIL;
	a.o.fields = fields;
	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		if ((r = change_opt(ctx, &a, c, st.arg, &ret)) < 0)
			goto done;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_TITLE:
			a.o.title = st.arg;
			break;
		case OPT_SUMMARY:
			a.o.summary = st.arg;
			break;
		case OPT_FIELD:
			fields[a.o.nfields++] = st.arg;
			break;
		default:
			ret = EXIT_USAGE;
			goto done;
		}
	}
	if (opt_end(&st) != argc - 1)
		ret = usage_error(ctx->cmd, "one incident id is needed");
	else
		ret = change_run(ctx, argv[argc - 1], INC_ACTION_EDIT, &a);
done:
	free(fields);
	return ret;
}
