/*
 * The helper's own command, run by incident after a write (and by init
 * --git): mirror what is pending. Not a command people type.
 */
#include "cmd.h"

struct mirror_args {
	bool init;
};

static const struct mirror_args defaults;

static const struct opt options[] = {
        OPT_BOOL("init", 0, &defaults.init,
                 "make the repository if it is missing and mirror every event"),
        OPT_END,
};

static int cmd_mirror(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_mirror_entry = {
        .name = "mirror",
        .run = cmd_mirror,
        .flags = CMD_WRITE | CMD_INTERNAL,
        .summary = "Mirror the events not yet in git (incident runs it).",
        CMD_OPTS(options, defaults),
};

static int
cmd_mirror(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct mirror_args *a = ctx->opts;
	size_t behind = 0;
	inc_error err;

	(void)argc; /* none: main() refused any (no operands in the usage) */
	(void)argv;
	if (ctx->store == NULL) {
		inc_error_set(&err, INC_ENOSTORE, "no store here yet");
		return fail(&err);
	}
	if (a->init)
		return inc_audit_init(ctx->store, &err) < 0 ? fail(&err)
		                                            : EXIT_OK;
	/* the git failure is said here, once, and fails nothing: the events
	 * stay pending (incident takes any other exit for a failure) */
	if (inc_audit_flush(&behind, ctx->store, &err) < 0)
		mirror_warning(behind, err.message);
	return EXIT_OK;
}
