/* incident changes [add]: what changed on a service (deploys, pushes). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct changes_args {
	const char *service;
	int64_t since;
	bool json;
};

struct add_args {
	const char *service;
	const char *source;
	int64_t at;
	bool json;
	bool quiet;
};

static int changes_run(struct inc_ctx *ctx, int argc, char **argv);
static int add_run(struct inc_ctx *ctx, int argc, char **argv);

/* no --since, no --at: INT64_MIN, which no time parses to */
static const struct changes_args changes_defaults = {.since = INT64_MIN};
static const struct add_args add_defaults = {.at = INT64_MIN};

static const struct opt changes_options[] = {
        OPT_BOOL("json", 0, &changes_defaults.json,
                 "print the changes as JSON"),
        OPT_STRING("service", 0, &changes_defaults.service, "name",
                   "only the changes of this service"),
        OPT_TIME("since", 0, &changes_defaults.since, "time",
                 "only the changes at or after this time"),
        OPT_END,
};

static const struct opt add_options[] = {
        OPT_BOOL("json", 0, &add_defaults.json,
                 "print the change's id as JSON"),
        OPT_BOOL("quiet", 'q', &add_defaults.quiet, "print nothing"),
        OPT_REQUIRED_STRING("service", 0, &add_defaults.service, "name",
                            "the service that changed"),
        OPT_TIME("at", 0, &add_defaults.at, "time",
                 "when it changed (default: now)"),
        OPT_STRING("source", 0, &add_defaults.source, "text",
                   "what made the change (ci, a person's name)"),
        OPT_END,
};

extern const struct cmd cmd_changes_entry;

static const struct cmd add_entry = {
        .name = "add",
        .parent = &cmd_changes_entry,
        .run = add_run,
        .flags = CMD_CREATE | CMD_MIRROR,
        .summary = "Record a change to a service by hand.",
        .usage = "summary...",
        CMD_OPTS(add_options, add_defaults),
};

static const struct cmd *const subcommands[] = {
        &add_entry,
        NULL,
};

const struct cmd cmd_changes_entry = {
        .name = "changes",
        .run = changes_run,
        .flags = CMD_READ,
        .summary = "List the changes to services; record one (add).",
        CMD_OPTS(changes_options, changes_defaults),
        .subcommands = subcommands,
};

/* "2026-11-03 08:40  api  Deploy v2 (from ci)" */
static void
change_line(const cJSON *c, const char *indent)
{
	char when[32];
	int64_t at = 0;

	inc_time_from_rfc3339(&at, json_str(c, "at"));
	printf("%s%s  %s  ", indent, json_str(c, "short_id"),
	       local_time(when, sizeof(when), at));
	print_safe(stdout, json_str(c, "service"), false);
	fputs("  ", stdout);
	print_safe(stdout, json_str(c, "summary"), false);
	if (json_str(c, "source") != NULL) {
		fputs(" (from ", stdout);
		print_safe(stdout, json_str(c, "source"), false);
		putchar(')');
	}
	putchar('\n');
}

static int
changes_run(struct inc_ctx *ctx, int argc, char **argv)
{
	struct changes_args *a = ctx->opts;
	inc_error err;
	char *text = NULL;
	cJSON *arr = NULL, *it;

	(void)argv;
	if (argc > 0)
		return usage_error(ctx->cmd, "changes takes no operand (did "
		                             "you mean 'changes add'?)");
	if (ctx->store != NULL) {
		int ret = inc_changes_list_json(
		        &text, ctx->store, a->service,
		        a->since != INT64_MIN ? a->since : INT64_MIN, INT64_MAX,
		        &err);
		if (json_from_text(&arr, ret, text, &err) < 0)
			return fail(&err);
	}
	if (arr == NULL && (arr = cJSON_CreateArray()) == NULL)
		return EXIT_FAIL;
	if (a->json) {
		cJSON *root = json_doc();
		cJSON_AddItemToObject(root, "changes", arr);
		return print_json(root);
	}
	cJSON_ArrayForEach (it, arr)
		change_line(it, "");
	cJSON_Delete(arr);
	return EXIT_OK;
}

static int
add_run(struct inc_ctx *ctx, int argc, char **argv)
{
	struct add_args *a = ctx->opts;
	char id[65];
	inc_error err;
	char *summary;
	int ret;

	if (argc < 1)
		return usage_error(ctx->cmd, "add needs a summary");
	if ((summary = join_words(argc, argv)) == NULL)
		return EXIT_FAIL;
	ret = inc_changes_add(id, ctx->store, a->service, summary, a->source,
	                      a->at != INT64_MIN ? a->at : 0, ctx->now, &err);
	free(summary);
	if (ret < 0)
		return fail(&err);
	if (a->json) {
		cJSON *root = json_doc();
		char short_id[16];
		snprintf(short_id, sizeof(short_id), "%.8s", id);
		cJSON_AddStringToObject(root, "id", id);
		cJSON_AddStringToObject(root, "short_id", short_id);
		cJSON_AddStringToObject(root, "service", a->service);
		return print_json(root);
	}
	if (!a->quiet)
		printf("%.8s\n", id);
	return EXIT_OK;
}

/* show: the changes of the incident's services around it, or NULL. */
cJSON *
changes_of_incident(struct inc_ctx *ctx, const char *id)
{
	inc_error err;
	char *text = NULL;
	cJSON *arr = NULL;
	int ret;

	ret = inc_changes_of_incident_json(&text, ctx->store, id, ctx->now,
	                                   &err);
	if (json_from_text(&arr, ret, text, &err) < 0) {
		fprintf(stderr, "incident: changes: %s\n", err.message);
		return NULL;
	}
	return arr;
}

/* show: "changes" and a line each, what changed before and during it. */
void
changes_show_section(struct inc_ctx *ctx, const char *id)
{
	cJSON *arr = changes_of_incident(ctx, id), *it;

	if (cJSON_GetArraySize(arr) > 0) {
		printf("\n%schanges%s (what changed before this)\n",
		       color(ctx, "\033[1m"), color(ctx, "\033[m"));
		cJSON_ArrayForEach (it, arr)
			change_line(it, "  [change] ");
	}
	cJSON_Delete(arr);
}
