#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct stats_args {
	inc_stats_opts o;
	bool json;
};

static const char *const groups[] = {"severity", "service", "tag", "month",
                                     NULL};

static const struct stats_args defaults;

static const struct opt options[] = {
        OPT_BOOL("json", 0, &defaults.json, "print the figures as JSON"),
        OPT_TIME("since", 0, &defaults.o.since, "time",
                 "incidents opened at or after this time"),
        OPT_TIME("until", 0, &defaults.o.until, "time",
                 "incidents opened before this time"),
        OPT_KEYWORD("by", 0, &defaults.o.by, "group",
                    "one group per severity, service, tag or month", groups),
        OPT_END,
};

static int cmd_stats(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_stats_entry = {
        .name = "stats",
        .run = cmd_stats,
        .flags = CMD_READ,
        .summary = "Response metrics: TTD, TTA, TTM, TTR and counts.",
        CMD_OPTS(options, defaults),
};

#define BAR 24

static void
figure(const cJSON *m, const char *key)
{
	char buf[32];
	int64_t secs;

	printf("  %s %-7s", key,
	       json_int(&secs, m, key, INT64_MIN, INT64_MAX) == 0
	               ? inc_duration_format(buf, sizeof(buf), secs)
	               : "-");
}

static void
print_group(struct inc_ctx *ctx, const cJSON *g, int widest)
{
	static const char *const keys[] = {"ttd", "tta", "ttm", "ttr"};
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(g, "counts");
	const cJSON *ms = cJSON_GetObjectItemCaseSensitive(g, "metrics");
	const cJSON *rate =
	        cJSON_GetObjectItemCaseSensitive(g, "escalation_rate");
	int opened = json_count(c, "opened");
	int len = widest > 0 ? (opened * BAR + widest - 1) / widest : 0;

	printf("%s", color(ctx, "\033[1m"));
	print_safe(stdout, json_str(g, "key"), false);
	printf("%s  %s", color(ctx, "\033[m"), color(ctx, "\033[36m"));
	for (int i = 0; i < len; i++)
		fputs("\xe2\x96\x88", stdout);
	printf("%s %d opened, %d resolved, %d open, %d reopened, %d "
	       "cancelled\n",
	       color(ctx, "\033[m"), opened, json_count(c, "resolved"),
	       json_count(c, "open"), json_count(c, "reopened"),
	       json_count(c, "cancelled"));
	for (size_t i = 0; i < 4; i++) {
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(ms, keys[i]);
		char name[8];
		for (int j = 0; j < 3; j++)
			name[j] = (char)(keys[i][j] - 32);
		name[3] = '\0';
		printf("  %s  n %-4d", name, json_count(m, "n"));
		figure(m, "mean");
		figure(m, "median");
		figure(m, "p90");
		figure(m, "max");
		if (json_count(m, "missing") > 0)
			printf("  (%d without)", json_count(m, "missing"));
		putchar('\n');
	}
	printf("  escalated ");
	if (cJSON_IsNumber(rate))
		printf("%.0f%%", cJSON_GetNumberValue(rate) * 100);
	else
		fputs("-", stdout);
	printf(", reviews done %d of %d, overdue actions %d\n",
	       json_count(c, "reviewed"), json_count(c, "resolved"),
	       json_count(g, "overdue_actions"));
}

static int
cmd_stats(struct inc_ctx *ctx, int argc, char **argv)
{
	struct stats_args *a = ctx->opts;
	cJSON *doc, *g;
	inc_error err;
	int widest = 0;

	(void)argc; /* none: main() refused any (no operands in the usage) */
	(void)argv;
	a->o.now = ctx->now;
	if (ctx->store == NULL) {
		inc_error_set(&err, INC_ENOTFOUND, "no incidents yet");
		return fail(&err);
	}
	if (doc_stats(&doc, ctx->store, &a->o, &err) < 0)
		return fail(&err);
	if (a->json)
		return print_json(doc);
	cJSON_ArrayForEach (g,
	                    cJSON_GetObjectItemCaseSensitive(doc, "groups")) {
		int n = json_count(
		        cJSON_GetObjectItemCaseSensitive(g, "counts"),
		        "opened");
		if (n > widest)
			widest = n;
	}
	cJSON_ArrayForEach (g, cJSON_GetObjectItemCaseSensitive(doc, "groups"))
		print_group(ctx, g, widest);
	if (json_count(doc, "drills_left_out") > 0)
		printf("(%d drill%s left out)\n",
		       json_count(doc, "drills_left_out"),
		       json_count(doc, "drills_left_out") == 1 ? "" : "s");
	cJSON_Delete(doc);
	return EXIT_OK;
}
