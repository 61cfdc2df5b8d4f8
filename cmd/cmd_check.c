/* incident check: tick a step of the incident's runbook. */
#include "cmd.h"

struct check_args {
	struct change_args c;
	const char *note;
};

static const struct check_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults.c),
        OPT_STRING("note", 0, &defaults.note, "text",
                   "what was found or done at this step"),
        OPT_END,
};

static int cmd_check(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_check_entry = {
        .name = "check",
        .run = cmd_check,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Tick a step of the incident's runbook.",
        .usage = "id step",
        CMD_OPTS(options, defaults),
};

static int
cmd_check(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct check_args *a = ctx->opts;
	inc_strarray warnings = {NULL, 0};
	inc_incident *inc = NULL;
	const cJSON *rb, *st;
	inc_change_opts o;
	inc_error err;
	cJSON *doc;
	int ret, n = 0;

	if (argc < 2)
		return usage_error(ctx->cmd, argc == 0
		                                     ? "an incident id and a "
		                                       "step are needed"
		                                     : "which step? (a number "
		                                       "or the start of its "
		                                       "text)");
	if (argc > 2)
		return usage_error(ctx->cmd, "one step at a time (quote a step "
		                             "text with spaces)");
	if ((ret = need_store(ctx, argv[0])) != 0)
		return ret;
	o = a->c.o;
	o.now = ctx->now;
	o.step = argv[1];
	o.text = a->note;
	ret = inc_runbook_check(&inc, &n, &warnings, ctx->store, argv[0], &o,
	                        &err);
	for (size_t i = 0; i < warnings.count; i++) {
		fputs("incident: warning: ", stderr);
		print_safe(stderr, warnings.strings[i], false);
		fputc('\n', stderr);
	}
	inc_strarray_dispose(&warnings);
	if (ret < 0)
		return fail(&err);
	if (a->c.quiet && !a->c.json) {
		printf("%s\n", inc_incident_id(inc));
		inc_incident_free(inc);
		return EXIT_OK;
	}
	ret = doc_incident(&doc, ctx->store, inc, ctx->now, &err);
	inc_incident_free(inc);
	if (ret < 0)
		return fail(&err);
	rb = cJSON_GetObjectItemCaseSensitive(doc, "runbook");
	st = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(rb, "steps"),
	                        n - 1);
	if (a->c.json) {
		cJSON *root = json_doc();
		cJSON_AddBoolToObject(root, "dry_run", a->c.o.dry_run);
		cJSON_AddItemToObject(root, "step",
		                      st != NULL ? cJSON_Duplicate(st, true)
		                                 : cJSON_CreateNull());
		cJSON_AddItemToObject(root, "incident", doc);
		return print_json(root);
	}
	printf("%schecked step %d of %s%s%s: ",
	       a->c.o.dry_run ? "(dry run, nothing written) " : "",
	       st != NULL ? json_count(st, "n") : 0, color(ctx, "\033[1m"),
	       json_str(doc, "short_id"), color(ctx, "\033[m"));
	print_safe(stdout, st != NULL ? json_str(st, "text") : "?", false);
	putchar('\n');
	runbook_print_steps(ctx, rb, "  ");
	cJSON_Delete(doc);
	return EXIT_OK;
}
