#include "cmd.h"

static const struct opt export_opts[] = {
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_export(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_export_entry = {
        .name = "export",
        .run = cmd_export,
        .flags = CMD_READ,
        .summary = "Print every event and incident as one JSON document.",
        .opts = export_opts,
        .usage = "incident export",
};

/* Every event and incident as one JSON document (incident-json(7)). */
static int
cmd_export(struct inc_ctx *ctx, int argc, char **argv)
{
	struct opt_state st;
	inc_error err;
	cJSON *doc;

	opt_begin(&st, ctx->cmd, argc, argv);
	if (opt_next(&st) != -1)
		return EXIT_USAGE;
	if (opt_end(&st) != argc)
		return usage_error(ctx->cmd, "unexpected argument '%s'",
		                   argv[opt_end(&st)]);
	if (ctx->store == NULL) {
		doc = json_doc();
		cJSON_AddArrayToObject(doc, "events");
		cJSON_AddArrayToObject(doc, "incidents");
		return print_json(doc);
	}
	if (inc_export(&doc, ctx->store, &err) < 0)
		return fail(&err);
	return print_json(doc);
}
