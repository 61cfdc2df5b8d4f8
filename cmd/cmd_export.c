/* incident export: every event and incident as one JSON document. */
#include "cmd.h"

static int cmd_export(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_export_entry = {
        .name = "export",
        .run = cmd_export,
        .flags = CMD_READ,
        .summary = "Print every event and incident as one JSON document.",
};

/* The document is incident-json(7)'s; an empty one without a store. */
static int
cmd_export(struct inc_ctx *ctx, int argc, char **argv)
{
	inc_error err;
	cJSON *doc;

	(void)argc; /* none: main() refused any (no operands in the usage) */
	(void)argv;
	if (ctx->store == NULL) {
		doc = json_doc();
		cJSON_AddArrayToObject(doc, "events");
		cJSON_AddArrayToObject(doc, "incidents");
		return print_json(doc);
	}
	if (doc_export(&doc, ctx->store, &err) < 0)
		return fail(&err);
	return print_json(doc);
}
