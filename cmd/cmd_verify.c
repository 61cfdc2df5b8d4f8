#include <stdlib.h>

#include "cmd.h"

static int cmd_verify(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_verify_entry = {
        .name = "verify",
        .run = cmd_verify,
        .flags = CMD_READ,
        .summary = SUMMARY_VERIFY,
        CMD_OPTS(json_opts, json_defaults),
};

/* Exit 0 when the database and the history agree, 1 naming each gap. */
static int
cmd_verify(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct json_args *a = ctx->opts;
	inc_strarray problems = {NULL, 0};
	size_t n = 0, events = 0;
	inc_error err;
	int ret;

	(void)argc; /* none: main() refused any (no operands in the usage) */
	(void)argv;
	if (ctx->store != NULL &&
	    inc_audit_verify(&problems, &events, ctx->store, &err) < 0)
		return fail(&err);
	n = problems.count;
	if (a->json) {
		cJSON *root = json_doc(), *arr;
		cJSON_AddNumberToObject(root, "events", (double)events);
		cJSON_AddBoolToObject(root, "ok", n == 0);
		arr = cJSON_AddArrayToObject(root, "problems");
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(
			        arr, cJSON_CreateString(problems.strings[i]));
		ret = print_json(root);
	} else {
		for (size_t i = 0; i < n; i++) {
			print_safe(stdout, problems.strings[i], false);
			putchar('\n');
		}
		if (n == 0)
			printf("verified %zu event%s: the database%s agree\n",
			       events, events == 1 ? "" : "s",
			       ctx->store != NULL && inc_audit_repo(ctx->store)
			               ? " and the audit history"
			               : "'s events, chain and records");
		else
			printf("%zu problem%s in %zu events\n", n,
			       n == 1 ? "" : "s", events);
		ret = EXIT_OK;
	}
	inc_strarray_dispose(&problems);
	return ret == EXIT_OK && n > 0 ? EXIT_FAIL : ret;
}
