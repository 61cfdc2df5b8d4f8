/*
 * The helper's own command, run by incident after a write (and by init
 * --git): mirror what is pending. Not a command people type.
 */
#include "cmd.h"

static const struct opt mirror_opts[] = {
        {"init", OPT_INIT, no_argument, NULL,
         "make the repository if it is missing and mirror every event"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_mirror(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_mirror_entry = {
        .name = "mirror",
        .run = cmd_mirror,
        .flags = CMD_WRITE,
        .summary = "Mirror the events not yet in git (incident runs it).",
        .opts = mirror_opts,
        .usage = "incident-git mirror [--init]",
};

static int
cmd_mirror(struct inc_ctx *ctx, int argc, char **argv)
{
	struct opt_state st;
	bool init = false;
	size_t behind = 0;
	inc_error err;
	int c;

	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		if (c != OPT_INIT)
			return EXIT_USAGE;
		init = true;
	}
	if (opt_end(&st) != argc)
		return usage_error(ctx->cmd, "unexpected argument '%s'",
		                   argv[opt_end(&st)]);
	if (ctx->store == NULL) {
		inc_error_set(&err, INC_ENOSTORE, "no store here yet");
		return fail(&err);
	}
	if (init)
		return inc_audit_init(ctx->store, &err) < 0 ? fail(&err)
		                                            : EXIT_OK;
	if (inc_audit_flush(&behind, ctx->store, &err) == 0)
		return EXIT_OK;
	mirror_warning(behind, err.message);
	return EXIT_FAIL;
}
