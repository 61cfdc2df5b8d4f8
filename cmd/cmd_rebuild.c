#include <stdlib.h>

#include "cmd.h"

static int cmd_rebuild(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_rebuild_entry = {
        .name = "rebuild",
        .run = cmd_rebuild,
        .flags = CMD_NO_STORE,
        .summary = SUMMARY_REBUILD,
        CMD_OPTS(json_opts, json_defaults),
};

static int
cmd_rebuild(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct json_args *a = ctx->opts;
	inc_error err;
	size_t events;
	char *dir, *backup = NULL;
	int ret;

	(void)argc; /* none: main() refused any (no operands in the usage) */
	(void)argv;
	if (inc_store_discover(&dir, ctx->dir_opt, &err) < 0)
		return fail(&err);
	ret = inc_audit_rebuild(&events, &backup, dir, &err);
	if (ret < 0) {
		inc_str_free(dir);
		return fail(&err);
	}
	if (a->json) {
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
	inc_str_free(backup);
	inc_str_free(dir);
	return ret;
}
