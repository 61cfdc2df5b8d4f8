/* incident init: the store, and with --git its audit mirror. */
#include <grp.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"

struct init_args {
	bool json;
	bool git;
	const char *remote;
	const char *shared;
};

static const struct init_args defaults;

static const char *const sharings[] = {"private", "group", NULL};

static const struct opt options[] = {
        OPT_BOOL("git", 0, &defaults.git,
                 "mirror every event as a commit to a git repository"),
        OPT_BOOL("json", 0, &defaults.json, "print the store as JSON"),
        OPT_DIR("dir", "dir",
                "create the store in dir (default: where incident looks)"),
        OPT_STRING("remote", 0, &defaults.remote, "url",
                   "the git remote incident sync shares the store through"),
        OPT_KEYWORD("shared", 0, &defaults.shared, "who",
                    "the store is private (the default) or its group's too",
                    sharings),
        OPT_END,
};

static int cmd_init(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_init_entry = {
        .name = "init",
        .run = cmd_init,
        .flags = CMD_CREATE | CMD_MIRROR | CMD_PICKS_DIR,
        .summary = "Create the store (optional: the first open creates it).",
        CMD_OPTS(options, defaults),
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

/* "shared with the group oncall" or "private to its owner". */
static void
print_sharing(const char *dir, bool group)
{
	struct group gr, *found = NULL;
	struct stat st;
	char buf[4096];

	if (!group) {
		puts("private to its owner (folders 0700, files 0600)");
		return;
	}
	fputs("shared with the group ", stdout);
	if (stat(dir, &st) < 0)
		fputs("of the folder", stdout);
	else if (getgrgid_r(st.st_gid, &gr, buf, sizeof(buf), &found) == 0 &&
	         found != NULL)
		print_safe(stdout, found->gr_name, false);
	else
		printf("%lu", (unsigned long)st.st_gid);
	puts(" (folders 2770, files 0660)");
}

static int
cmd_init(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct init_args *a = ctx->opts;
	bool git = a->git || a->remote != NULL;
	int ret;

	(void)argc; /* none: main() refused any (no operands in the usage) */
	(void)argv;
	if (a->shared != NULL) {
		inc_error err;
		enum inc_share share = strcmp(a->shared, "group") == 0
		                               ? INC_SHARE_GROUP
		                               : INC_SHARE_PRIVATE;
		if (inc_store_share(ctx->store, share, &err) < 0)
			return fail(&err);
		/* what this command makes from here on (the helper reads
		 * the setting itself) */
		umask(share == INC_SHARE_GROUP ? 007 : 077);
	}
	if (git && (ret = init_git(ctx, a->remote)) != 0)
		return ret;
	if (a->json) {
		cJSON *root = json_doc();
		cJSON_AddStringToObject(root, "dir", inc_store_dir(ctx->store));
		cJSON_AddBoolToObject(root, "created",
		                      inc_store_created(ctx->store));
		cJSON_AddStringToObject(root, "replica",
		                        inc_store_replica(ctx->store));
		if (inc_audit_repo(ctx->store) != NULL)
			cJSON_AddStringToObject(root, "audit_repo",
			                        inc_audit_repo(ctx->store));
		else
			cJSON_AddNullToObject(root, "audit_repo");
		return print_json(root);
	}
	printf(inc_store_created(ctx->store) ? "initialised an empty store in "
	                                     : "a store exists in ");
	print_safe(stdout, inc_store_dir(ctx->store), false);
	printf(inc_store_created(ctx->store) || a->shared != NULL
	               ? "\n"
	               : "; left as it is\n");
	if (a->shared != NULL)
		print_sharing(inc_store_dir(ctx->store),
		              strcmp(a->shared, "group") == 0);
	if (git) {
		fputs("audit mirror: ", stdout);
		print_safe(stdout, inc_audit_repo(ctx->store), false);
		putchar('\n');
	}
	return EXIT_OK;
}
