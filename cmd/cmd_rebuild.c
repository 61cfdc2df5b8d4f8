#include <stdlib.h>

#include "cmd.h"

static const struct opt rebuild_opts[] = {
        {"json", OPT_JSON, no_argument, NULL, "print the result as JSON"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_rebuild(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_rebuild_entry = {
        .name = "rebuild",
        .run = cmd_rebuild,
        .flags = CMD_NO_STORE,
        .summary = SUMMARY_REBUILD,
        .opts = rebuild_opts,
        .usage = "incident rebuild [--json]",
};

static int
cmd_rebuild(struct inc_ctx *ctx, int argc, char **argv)
{
	bool json = false;
	inc_error err;
	size_t events;
	char *dir, *backup = NULL;
	int ret;

	if ((ret = opt_json_only(ctx, argc, argv, 0, &json)) != 0)
		return ret;
	if (inc_store_discover(&dir, ctx->dir_opt, &err) < 0)
		return fail(&err);
	ret = inc_rebuild(&events, &backup, dir, &err);
	if (ret < 0) {
		free(dir);
		return fail(&err);
	}
	if (json) {
		cJSON *root = json_doc();
		cJSON_AddStringToObject(root, "dir", dir);
		cJSON_AddNumberToObject(root, "events", (double)events);
		if (backup != NULL)
			cJSON_AddStringToObject(root, "backup", backup);
		else
			cJSON_AddNullToObject(root, "backup");
		ret = print_json(root);
	} else {
		printf("rebuilt %s from %zu event%s of the audit history", dir,
		       events, events == 1 ? "" : "s");
		if (backup != NULL)
			printf(" (the old database is kept as %s)", backup);
		putchar('\n');
	}
	free(backup);
	free(dir);
	return ret;
}
