#include <stdlib.h>

#include "cmd.h"

struct verify_args {
	bool json;
	const char *expect_head;
};

static const struct verify_args defaults;

static const struct opt options[] = {
        OPT_BOOL("json", 0, &defaults.json, "print the result as JSON"),
        OPT_STRING("expect-head", 0, &defaults.expect_head, "hash",
                   "fail unless the hash chain still reaches this head"),
        OPT_END,
};

static int cmd_verify(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_verify_entry = {
        .name = "verify",
        .run = cmd_verify,
        .flags = CMD_READ,
        .summary = SUMMARY_VERIFY,
        CMD_OPTS(options, defaults),
};

/*
 * What is pending is mirrored before the check, which needs the store
 * read-write; a store this user cannot write is checked as it is, and
 * its lag reported.
 */
static void
reopen_to_mirror(struct inc_ctx *ctx)
{
	inc_store *rw = NULL;
	inc_error ignored;

	if (ctx->store == NULL || inc_audit_repo(ctx->store) == NULL ||
	    inc_store_open(&rw, ctx->dir, INC_OPEN_READWRITE, &ignored) < 0)
		return;
	inc_store_close(ctx->store);
	ctx->store = rw;
}

/* Exit 0 when the database and the history agree, 1 naming each gap. */
static int
cmd_verify(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct verify_args *a = ctx->opts;
	inc_verify_opts opts = {.expect_head = a->expect_head};
	inc_verify_result res = {{NULL, 0}, 0, 0, "", 0, 0};
	size_t n = 0;
	inc_error err;
	int ret;

	(void)argc; /* none: main() refused any (no operands in the usage) */
	(void)argv;
	reopen_to_mirror(ctx);
	if (ctx->store != NULL &&
	    inc_audit_verify(&res, ctx->store, &opts, &err) < 0)
		return fail(&err);
	if (ctx->store == NULL && a->expect_head != NULL) {
		inc_error_set(&err, INC_ENOSTORE,
		              "no store here: no chain reaches %s",
		              a->expect_head);
		return fail(&err);
	}
	n = res.problems.count;
	if (a->json) {
		cJSON *root = json_doc(), *arr;
		cJSON_AddNumberToObject(root, "events", (double)res.events);
		cJSON_AddBoolToObject(root, "ok", n == 0);
		arr = cJSON_AddArrayToObject(root, "problems");
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(
			        arr,
			        cJSON_CreateString(res.problems.strings[i]));
		if (res.head[0] != '\0')
			cJSON_AddStringToObject(root, "head", res.head);
		else
			cJSON_AddNullToObject(root, "head");
		cJSON_AddNumberToObject(root, "mirrored", (double)res.mirrored);
		cJSON_AddNumberToObject(root, "quarantined",
		                        (double)res.quarantined);
		cJSON_AddNumberToObject(root, "newer", (double)res.newer);
		ret = print_json(root);
	} else {
		for (size_t i = 0; i < n; i++) {
			print_safe(stdout, res.problems.strings[i], false);
			putchar('\n');
		}
		if (n == 0)
			printf("verified %zu event%s: the database%s agree\n",
			       res.events, res.events == 1 ? "" : "s",
			       ctx->store != NULL && inc_audit_repo(ctx->store)
			               ? " and the audit history"
			               : "'s events, chain and records");
		else
			printf("%zu problem%s in %zu events\n", n,
			       n == 1 ? "" : "s", res.events);
		/* in the history, not in the store: said, not checked */
		if (res.quarantined > 0)
			printf("%zu event%s set aside by --quarantine (not "
			       "checked)\n",
			       res.quarantined,
			       res.quarantined == 1 ? "" : "s");
		if (res.newer > 0)
			printf("%zu event%s written by a newer incident (not "
			       "checked)\n",
			       res.newer, res.newer == 1 ? "" : "s");
		if (res.head[0] != '\0')
			printf("chain head: %s\n", res.head);
		ret = EXIT_OK;
	}
	inc_strarray_dispose(&res.problems);
	return ret == EXIT_OK && n > 0 ? EXIT_FAIL : ret;
}
