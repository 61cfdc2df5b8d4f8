#include "cmd.h"

static int cmd_gc(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_gc_entry = {
        .name = "gc",
        .run = cmd_gc,
        .flags = CMD_WRITE,
        .summary = SUMMARY_GC,
        CMD_OPTS(json_opts, json_defaults),
};

static int
cmd_gc(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct json_args *a = ctx->opts;
	size_t packed, pruned;
	inc_error err;

	(void)argc; /* none: main() refused any (no operands in the usage) */
	(void)argv;
	if (ctx->store == NULL) {
		inc_error_set(&err, INC_EINVALID, "no store here yet");
		return fail(&err);
	}
	if (inc_audit_gc(&packed, &pruned, ctx->store, &err) < 0)
		return fail(&err);
	if (a->json) {
		cJSON *root = json_doc();
		cJSON_AddNumberToObject(root, "packed", (double)packed);
		cJSON_AddNumberToObject(root, "pruned", (double)pruned);
		return print_json(root);
	}
	printf("packed %zu objects into one pack; removed %zu loose ones\n",
	       packed, pruned);
	return EXIT_OK;
}
