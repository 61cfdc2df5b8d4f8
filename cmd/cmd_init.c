#include "cmd.h"

static const struct opt init_opts[] = {
        {"json", OPT_JSON, no_argument, NULL, "print the store as JSON"},
        {"git", OPT_GIT, no_argument, NULL,
         "mirror every event as a commit to a git repository"},
        {"remote", OPT_REMOTE, required_argument, "url",
         "the git remote incident sync shares the store through"},
        {"dir", OPT_DIR, required_argument, "dir",
         "create the store in dir (default: where incident looks)"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_init(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_init_entry = {
        .name = "init",
        .run = cmd_init,
        .flags = CMD_NO_STORE | CMD_MIRROR,
        .summary = "Create the store (optional: the first open creates it).",
        .opts = init_opts,
        .usage = "incident init [--git] [--json] [--dir dir] [--remote url]",
};

/* The config here, the repository and its first commits in the helper. */
static int
init_git(struct inc_ctx *ctx, const char *remote)
{
	static const char *const args[] = {"mirror", "--init", NULL};
	inc_error err;
	int ret;

	if (inc_audit_enable(ctx->store, remote, &err) < 0)
		return fail(&err);
	if ((ret = helper_run(ctx->dir, args, &err)) < 0)
		return fail(&err);
	return ret;
}

static int
cmd_init(struct inc_ctx *ctx, int argc, char **argv)
{
	const char *dir = ctx->dir_opt, *remote = NULL;
	bool json = false, git = false;
	struct opt_state st;
	int c, ret;

	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		switch (c) {
		case OPT_JSON:
			json = true;
			break;
		case OPT_DIR:
			dir = st.arg;
			break;
		case OPT_GIT:
			git = true;
			break;
		case OPT_REMOTE:
			remote = st.arg;
			git = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (opt_end(&st) != argc)
		return usage_error(ctx->cmd, "unexpected argument '%s'",
		                   argv[opt_end(&st)]);
	if ((ret = ctx_prepare(ctx, dir, CMD_CREATE)) != 0)
		return ret;
	if (git && (ret = init_git(ctx, remote)) != 0)
		return ret;
	if (json) {
		cJSON *root = json_doc();
		cJSON_AddStringToObject(root, "dir", inc_store_dir(ctx->store));
		cJSON_AddBoolToObject(root, "created",
		                      inc_store_created(ctx->store));
		cJSON_AddStringToObject(root, "replica",
		                        inc_store_replica(ctx->store));
		if (inc_store_audit_repo(ctx->store) != NULL)
			cJSON_AddStringToObject(
			        root, "audit_repo",
			        inc_store_audit_repo(ctx->store));
		else
			cJSON_AddNullToObject(root, "audit_repo");
		return print_json(root);
	}
	printf(inc_store_created(ctx->store) ? "initialised an empty store in "
	                                     : "a store exists in ");
	print_safe(stdout, inc_store_dir(ctx->store), false);
	printf(inc_store_created(ctx->store) ? "\n" : "; left as it is\n");
	if (git) {
		fputs("audit mirror: ", stdout);
		print_safe(stdout, inc_store_audit_repo(ctx->store), false);
		putchar('\n');
	}
	return EXIT_OK;
}
