/* incident alerts: the alerts inside an incident, firing or resolved. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct alerts_args {
	bool json;
	const char *dedup_key;
};

static const struct alerts_args defaults;

static const struct opt options[] = {
        OPT_BOOL("json", 0, &defaults.json, "print the alerts as JSON"),
        OPT_STRING("dedup-key", 0, &defaults.dedup_key, "key",
                   "the incident this dedup key names, instead of an id"),
        OPT_END,
};

static int cmd_alerts(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_alerts_entry = {
        .name = "alerts",
        .run = cmd_alerts,
        .flags = CMD_READ,
        .summary = "List the alerts inside an incident.",
        .usage = "id",
        CMD_OPTS(options, defaults),
};

/* "  firing    3f2a9c81  Disk full  since 2026-11-24 14:02, 3 repeats" */
static void
print_alert(struct inc_ctx *ctx, const cJSON *a)
{
	const char *state = json_str(a, "state");
	char when[32], rel[32];
	int64_t t, repeats = 0;
	bool firing = state != NULL && strcmp(state, "firing") == 0;

	printf("  %s%-8s%s  ", firing ? color(ctx, "\033[31m") : "",
	       state != NULL ? state : "?", firing ? color(ctx, "\033[m") : "");
	print_safe(stdout, json_str(a, "key"), false);
	fputs("  ", stdout);
	print_safe(stdout, json_str(a, "title"), false);
	if (inc_time_from_rfc3339(&t, json_str(a, "starts_at")) == 0)
		printf("  began %s (%s)", local_time(when, sizeof(when), t),
		       inc_time_relative(rel, sizeof(rel), t, ctx->now));
	if (inc_time_from_rfc3339(&t, json_str(a, "ends_at")) == 0)
		printf(", ended %s", local_time(when, sizeof(when), t));
	if (json_int(&repeats, a, "repeats", 0, INT64_MAX) == 0 && repeats > 0)
		printf(", %lld repeat%s", (long long)repeats,
		       repeats == 1 ? "" : "s");
	putchar('\n');
	if (json_str(a, "note") != NULL) {
		fputs("            ", stdout);
		print_safe(stdout, json_str(a, "note"), false);
		putchar('\n');
	}
}

static int
list(struct inc_ctx *ctx, const char *id)
{
	const struct alerts_args *a = ctx->opts;
	const cJSON *v, *arr;
	char *text = NULL;
	inc_error err;
	cJSON *doc;
	int n = 0, firing = 0;
	int ret = inc_alerts_json(&text, ctx->store, id, &err);

	if (json_from_text(&doc, ret, text, &err) < 0)
		return fail(&err);
	if (a->json)
		return print_json(doc);
	arr = cJSON_GetObjectItemCaseSensitive(doc, "alerts");
	cJSON_ArrayForEach (v, arr) {
		n++;
		firing += json_str(v, "state") != NULL &&
		          strcmp(json_str(v, "state"), "firing") == 0;
	}
	printf("%s%s%s: ", color(ctx, "\033[1m"), json_str(doc, "short_id"),
	       color(ctx, "\033[m"));
	print_safe(stdout, json_str(doc, "title"), false);
	printf(" (%s, %d alert%s, %d firing)\n", json_str(doc, "status"), n,
	       n == 1 ? "" : "s", firing);
	cJSON_ArrayForEach (v, arr)
		print_alert(ctx, v);
	cJSON_Delete(doc);
	return EXIT_OK;
}

static int
cmd_alerts(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct alerts_args *a = ctx->opts;
	char *mem;
	int ret;

	if ((ret = dedup_operand(ctx, a->dedup_key, &argc, &argv, &mem)) != 0)
		return ret;
	if ((ret = opt_one_id(ctx, argc)) == 0 &&
	    (ret = need_store(ctx, argv[0])) == 0)
		ret = list(ctx, argv[0]);
	free(mem);
	return ret;
}
