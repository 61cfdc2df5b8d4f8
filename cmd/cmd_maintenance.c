/* incident maintenance add|list|remove: windows when alerts open nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct add_args {
	const char *const *services;
	size_t nservices;
	int64_t from, until;
	const char *reason;
	bool json;
	bool quiet;
};

struct list_args {
	const char *service;
	int64_t at;
	bool all;
	bool json;
};

struct remove_args {
	const char *reason;
	bool json;
	bool quiet;
};

static int add_run(struct inc_ctx *ctx, int argc, char **argv);
static int list_run(struct inc_ctx *ctx, int argc, char **argv);
static int remove_run(struct inc_ctx *ctx, int argc, char **argv);

static const struct add_args add_defaults;
/* no --at: INT64_MIN, which no time parses to */
static const struct list_args list_defaults = {.at = INT64_MIN};
static const struct remove_args remove_defaults;

static const struct opt add_options[] = {
        OPT_BOOL("json", 0, &add_defaults.json,
                 "print the window's id as JSON"),
        OPT_BOOL("quiet", 'q', &add_defaults.quiet, "print nothing"),
        OPT_ROW(OPT_TYPE_LIST, "service", 0,
                OPT_TARGET(&add_defaults.services, opt_list), "name",
                "a service the window covers (repeatable)",
                .count = OPT_TARGET(&add_defaults.nservices, size_t),
                .flags = OPT_REPEAT | OPT_REQUIRED),
        OPT_ROW(OPT_TYPE_TIME, "from", 0,
                OPT_TARGET(&add_defaults.from, int64_t), "time",
                "when the window begins", .flags = OPT_REQUIRED),
        OPT_ROW(OPT_TYPE_TIME, "until", 0,
                OPT_TARGET(&add_defaults.until, int64_t), "time",
                "when it ends", .flags = OPT_REQUIRED),
        OPT_STRING("reason", 0, &add_defaults.reason, "text",
                   "why (a migration, an upgrade)"),
        OPT_END,
};

static const struct opt list_options[] = {
        OPT_BOOL("all", 0, &list_defaults.all,
                 "the ended and removed windows too"),
        OPT_BOOL("json", 0, &list_defaults.json, "print the windows as JSON"),
        OPT_STRING("service", 0, &list_defaults.service, "name",
                   "only the window covering this service (as ingest "
                   "finds it)"),
        OPT_TIME("at", 0, &list_defaults.at, "time",
                 "with --service: then, not now"),
        OPT_END,
};

static const struct opt remove_options[] = {
        OPT_BOOL("json", 0, &remove_defaults.json,
                 "print the window's id as JSON"),
        OPT_BOOL("quiet", 'q', &remove_defaults.quiet, "print nothing"),
        OPT_STRING("reason", 0, &remove_defaults.reason, "text",
                   "why it ends early"),
        OPT_END,
};

extern const struct cmd cmd_maintenance_entry;

static const struct cmd add_entry = {
        .name = "add",
        .parent = &cmd_maintenance_entry,
        .run = add_run,
        .flags = CMD_CREATE | CMD_MIRROR,
        .summary = "Put services in maintenance for a while.",
        CMD_OPTS(add_options, add_defaults),
};

static const struct cmd list_entry = {
        .name = "list",
        .parent = &cmd_maintenance_entry,
        .run = list_run,
        .flags = CMD_READ,
        .summary = "List the active and coming windows, with their ids.",
        CMD_OPTS(list_options, list_defaults),
};

static const struct cmd remove_entry = {
        .name = "remove",
        .parent = &cmd_maintenance_entry,
        .run = remove_run,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "End a window now.",
        .usage = "window-id",
        CMD_OPTS(remove_options, remove_defaults),
};

static const struct cmd *const subcommands[] = {
        &add_entry,
        &list_entry,
        &remove_entry,
        NULL,
};

const struct cmd cmd_maintenance_entry = {
        .name = "maintenance",
        .summary = "Maintenance windows, when alerts open nothing: add, "
                   "list, remove.",
        .subcommands = subcommands,
};

static int
id_answer(const char *id, const char *what, bool json, bool quiet)
{
	if (json) {
		cJSON *root = json_doc();
		char short_id[16];
		snprintf(short_id, sizeof(short_id), "%.8s", id);
		cJSON_AddStringToObject(root, "id", id);
		cJSON_AddStringToObject(root, "short_id", short_id);
		return print_json(root);
	}
	if (!quiet)
		printf("%s%.8s\n", what, id);
	return EXIT_OK;
}

static int
add_run(struct inc_ctx *ctx, int argc, char **argv)
{
	struct add_args *a = ctx->opts;
	char id[INC_ID_LEN + 1];
	inc_error err;

	(void)argc; /* none: main() refused any (no operands in the usage) */
	(void)argv;
	if (a->until <= a->from)
		return usage_error(ctx->cmd, "--until must be after --from");
	if (inc_maintenance_add(id, ctx->store, a->services, a->nservices,
	                        a->from, a->until, a->reason, ctx->now,
	                        &err) < 0)
		return fail(&err);
	return id_answer(id, "", a->json, a->quiet);
}

static void
print_services(const cJSON *arr)
{
	const cJSON *v;

	cJSON_ArrayForEach (v, arr) {
		if (v != arr->child)
			putchar(',');
		print_safe(stdout, cJSON_GetStringValue(v), false);
	}
}

static int
list_run(struct inc_ctx *ctx, int argc, char **argv)
{
	struct list_args *a = ctx->opts;
	inc_error err;
	char *text = NULL;
	cJSON *arr = NULL, *it;

	(void)argc;
	(void)argv;
	if (a->at != INT64_MIN && a->service == NULL)
		return usage_error(ctx->cmd, "--at needs --service (the "
		                             "window covering it then)");
	if (ctx->store != NULL) {
		int ret = inc_maintenance_list_json(
		        &text, ctx->store, a->all, a->service,
		        a->at != INT64_MIN ? a->at : ctx->now, ctx->now, &err);
		if (json_from_text(&arr, ret, text, &err) < 0)
			return fail(&err);
	}
	if (arr == NULL && (arr = cJSON_CreateArray()) == NULL)
		return EXIT_FAIL;
	if (a->json) {
		cJSON *root = json_doc();
		cJSON_AddItemToObject(root, "windows", arr);
		return print_json(root);
	}
	cJSON_ArrayForEach (it, arr) {
		int64_t from = 0, until = 0;
		char f[32], u[32];
		const char *reason = json_str(it, "reason");

		inc_time_from_rfc3339(&from, json_str(it, "from"));
		inc_time_from_rfc3339(&until, json_str(it, "ends_at"));
		printf("%s  %-7s  %s  %s  ", json_str(it, "short_id"),
		       json_str(it, "state"), local_time(f, sizeof(f), from),
		       local_time(u, sizeof(u), until));
		print_services(
		        cJSON_GetObjectItemCaseSensitive(it, "services"));
		if (json_count(it, "suppressed") > 0)
			printf(" (%d suppressed)",
			       json_count(it, "suppressed"));
		if (reason != NULL) {
			fputs(": ", stdout);
			print_safe(stdout, reason, false);
		}
		putchar('\n');
	}
	cJSON_Delete(arr);
	return EXIT_OK;
}

static int
remove_run(struct inc_ctx *ctx, int argc, char **argv)
{
	struct remove_args *a = ctx->opts;
	char id[INC_ID_LEN + 1];
	inc_error err;

	if (argc != 1)
		return usage_error(ctx->cmd, "remove needs a window id");
	if (ctx->store == NULL) {
		inc_error_set(&err, INC_ENOTFOUND,
		              "%.40s: no such maintenance window", argv[0]);
		return fail(&err);
	}
	if (inc_maintenance_remove(id, ctx->store, argv[0], a->reason, ctx->now,
	                           &err) < 0)
		return fail(&err);
	return id_answer(id, "removed ", a->json, a->quiet);
}

/* incident list --maintenance: what the windows held back. */
int
maintenance_suppressed_run(struct inc_ctx *ctx, bool json)
{
	inc_error err;
	char *text = NULL;
	cJSON *arr = NULL, *it;

	if (ctx->store != NULL) {
		int ret = inc_maintenance_suppressed_json(&text, ctx->store,
		                                          &err);
		if (json_from_text(&arr, ret, text, &err) < 0)
			return fail(&err);
	}
	if (arr == NULL && (arr = cJSON_CreateArray()) == NULL)
		return EXIT_FAIL;
	if (json) {
		cJSON *root = json_doc();
		cJSON_AddItemToObject(root, "suppressed", arr);
		return print_json(root);
	}
	cJSON_ArrayForEach (it, arr) {
		int64_t at = 0;
		char when[32];

		inc_time_from_rfc3339(&at, json_str(it, "at"));
		printf("%s  %s  ", json_str(it, "short_id"),
		       local_time(when, sizeof(when), at));
		print_safe(stdout,
		           json_str(it, "service") != NULL
		                   ? json_str(it, "service")
		                   : "-",
		           false);
		fputs("  ", stdout);
		print_safe(stdout, json_str(it, "key"), false);
		fputs("  ", stdout);
		print_safe(stdout, json_str(it, "title"), false);
		putchar('\n');
	}
	cJSON_Delete(arr);
	return EXIT_OK;
}
