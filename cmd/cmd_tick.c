/*
 * incident tick: for cron or a systemd timer. Escalates every
 * unacknowledged incident whose level timed out and reminds of overdue
 * stakeholder updates; idempotent, and safe from many processes at once.
 */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct tick_args {
	bool json;
	bool dry_run;
};

static const struct tick_args defaults;

static const struct opt options[] = {
        OPT_BOOL("json", 0, &defaults.json, "print the actions as JSON"),
        OPT_BOOL("dry-run", 0, &defaults.dry_run,
                 "say what is due, write nothing"),
        OPT_END,
};

static int cmd_tick(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_tick_entry = {
        .name = "tick",
        .run = cmd_tick,
        .flags = CMD_WRITE | CMD_MIRROR | CMD_CRON,
        .summary = "Escalate what timed out, remind of overdue updates.",
        CMD_OPTS(options, defaults),
};

static void
print_paged(const cJSON *paged)
{
	const cJSON *v;

	if (cJSON_GetArraySize(paged) == 0) {
		fputs("paged no one", stdout);
		return;
	}
	fputs("paged ", stdout);
	cJSON_ArrayForEach (v, paged) {
		if (v != paged->child)
			fputs(", ", stdout);
		print_safe(stdout, cJSON_GetStringValue(v), false);
	}
}

static void
print_action(struct inc_ctx *ctx, const cJSON *a, bool dry_run)
{
	const char *what = json_str(a, "action");
	char rel[32];
	int64_t t;

	if (dry_run)
		fputs("(dry run) ", stdout);
	if (what != NULL && strcmp(what, "escalated") == 0) {
		printf("escalated %s to level %d: ", json_str(a, "short_id"),
		       json_count(a, "level"));
		print_paged(cJSON_GetObjectItemCaseSensitive(a, "paged"));
		putchar('\n');
		return;
	}
	printf("update due on %s (%s, ", json_str(a, "short_id"),
	       json_str(a, "severity_name"));
	if (inc_time_from_rfc3339(&t, json_str(a, "last_update_at")) == 0)
		printf("last update %s)\n",
		       inc_time_relative(rel, sizeof(rel), t, ctx->now));
	else if (inc_time_from_rfc3339(&t, json_str(a, "opened_at")) == 0)
		printf("no update since it was opened %s)\n",
		       inc_time_relative(rel, sizeof(rel), t, ctx->now));
	else
		printf("no update yet)\n");
}

static int
cmd_tick(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct tick_args *a = ctx->opts;
	inc_tick_opts o = {ctx->now, a->dry_run};
	cJSON *actions = NULL, *v;
	char *text = NULL;
	inc_error err;
	int ret;

	(void)argc;
	(void)argv;
	/* no store yet: nothing is due */
	if (ctx->store == NULL)
		ret = 0;
	else
		ret = inc_tick(&text, ctx->store, &o, &err);
	if (text != NULL)
		actions = cJSON_Parse(text);
	inc_str_free(text);
	if (actions == NULL)
		actions = cJSON_CreateArray();
	if (a->json) {
		cJSON *root = json_doc();
		cJSON_AddBoolToObject(root, "dry_run", a->dry_run);
		cJSON_AddItemToObject(root, "actions", actions);
		if (ret < 0) {
			cJSON_Delete(root);
			return fail(&err);
		}
		return print_json(root);
	}
	cJSON_ArrayForEach (v, actions)
		print_action(ctx, v, a->dry_run);
	cJSON_Delete(actions);
	return ret < 0 ? fail(&err) : EXIT_OK;
}
