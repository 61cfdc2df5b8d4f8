#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"

struct rebuild_args {
	bool json;
	bool quarantine;
};

static const struct rebuild_args defaults;

static const struct opt options[] = {
        OPT_BOOL("json", 0, &defaults.json, "print the result as JSON"),
        OPT_BOOL("quarantine", 0, &defaults.quarantine,
                 "set invalid events aside instead of stopping"),
        OPT_END,
};

static int cmd_rebuild(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_rebuild_entry = {
        .name = "rebuild",
        .run = cmd_rebuild,
        .flags = CMD_NO_STORE,
        .summary = SUMMARY_REBUILD,
        CMD_OPTS(options, defaults),
};

static int
cmd_rebuild(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct rebuild_args *a = ctx->opts;
	inc_import_counts counts;
	inc_error err;
	size_t events;
	char *dir, *backup = NULL;
	int ret;

	(void)argc; /* none: main() refused any (no operands in the usage) */
	(void)argv;
	if (inc_store_discover(&dir, ctx->dir_opt, &err) < 0)
		return fail(&err);
	ret = inc_audit_rebuild(&events, &counts, &backup, dir, a->quarantine,
	                        &err);
	if (ret < 0) {
		inc_str_free(dir);
		return fail(&err);
	}
	if (counts.newer > 0)
		fprintf(stderr,
		        "incident: %zu event%s written by a newer incident "
		        "kept but not understood here\n",
		        counts.newer, counts.newer == 1 ? "" : "s");
	if (counts.quarantined + counts.skipped > 0)
		fprintf(stderr, "incident: %zu invalid event%s set aside\n",
		        counts.quarantined + counts.skipped,
		        counts.quarantined + counts.skipped == 1 ? "" : "s");
	if (a->json) {
		cJSON *root = json_doc();
		cJSON_AddStringToObject(root, "dir", dir);
		cJSON_AddNumberToObject(root, "events", (double)events);
		cJSON_AddNumberToObject(root, "newer", (double)counts.newer);
		cJSON_AddNumberToObject(
		        root, "quarantined",
		        (double)(counts.quarantined + counts.skipped));
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
