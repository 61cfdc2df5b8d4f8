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
	if (what != NULL && strcmp(what, "heartbeat_overdue") == 0) {
		fputs("heartbeat ", stdout);
		print_safe(stdout, json_str(a, "heartbeat"), false);
		printf(" is overdue: %s %s",
		       cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
		               a, "deduplicated"))
		               ? "attached to"
		               : "opened",
		       json_str(a, "short_id"));
		if (inc_time_from_rfc3339(&t, json_str(a, "last_ping_at")) == 0)
			printf(" (last ping %s)",
			       inc_time_relative(rel, sizeof(rel), t,
			                         ctx->now));
		fputs(", ", stdout);
		print_paged(cJSON_GetObjectItemCaseSensitive(a, "paged"));
		putchar('\n');
		/* as incident open says it: "paged no one" is not the why */
		if (json_str(a, "unpaged") != NULL) {
			fflush(stdout);
			fprintf(stderr, "incident: warning: %s not paged: ",
			        json_str(a, "short_id"));
			print_safe(stderr, json_str(a, "unpaged"), false);
			fputs(dry_run ? "\n"
			              : "; incident tick pages it once the "
			                "config is fixed\n",
			      stderr);
		}
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

/* One line on stderr for each incident that could not be ticked. */
static void
print_errors(const cJSON *errors)
{
	const cJSON *v;

	cJSON_ArrayForEach (v, errors) {
		fputs("incident: tick: ", stderr);
		print_safe(stderr, json_str(v, "short_id"), false);
		fputs(": ", stderr);
		print_safe(stderr, json_str(v, "error"), false);
		fputc('\n', stderr);
	}
}

static int
cmd_tick(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct tick_args *a = ctx->opts;
	inc_tick_opts o = {ctx->now, a->dry_run};
	cJSON *result = NULL, *actions, *errors, *v;
	char *text = NULL;
	inc_error err;
	int ret, nerrors;

	(void)argc;
	(void)argv;
	/* no store yet: nothing is due */
	if (ctx->store == NULL)
		ret = 0;
	else
		ret = inc_tick(&text, ctx->store, &o, &err);
	if (text != NULL)
		result = cJSON_Parse(text);
	inc_str_free(text);
	if (result == NULL)
		result = cJSON_CreateObject();
	actions = cJSON_DetachItemFromObjectCaseSensitive(result, "actions");
	errors = cJSON_DetachItemFromObjectCaseSensitive(result, "errors");
	cJSON_Delete(result);
	if (actions == NULL)
		actions = cJSON_CreateArray();
	if (errors == NULL)
		errors = cJSON_CreateArray();
	/* an incident that could not be ticked is said on its own line; the
	 * actions done for the others are printed all the same */
	nerrors = cJSON_GetArraySize(errors);
	print_errors(errors);
	if (a->json) {
		cJSON *root = json_doc();
		int status;
		cJSON_AddBoolToObject(root, "dry_run", a->dry_run);
		cJSON_AddItemToObject(root, "actions", actions);
		cJSON_AddItemToObject(root, "errors", errors);
		status = print_json(root);
		if (ret < 0 && nerrors == 0)
			return fail(&err);
		return ret < 0 ? EXIT_FAIL : status;
	}
	cJSON_ArrayForEach (v, actions)
		print_action(ctx, v, a->dry_run);
	cJSON_Delete(actions);
	cJSON_Delete(errors);
	if (ret < 0 && nerrors == 0)
		return fail(&err);
	return ret < 0 ? EXIT_FAIL : EXIT_OK;
}
