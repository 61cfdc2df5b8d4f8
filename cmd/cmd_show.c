#include <stdlib.h>
#include <string.h>

#include "cmd.h"

const struct opt show_opts[] = {
        {"json", OPT_JSON, no_argument, NULL, "print the incident as JSON"},
        {NULL, 0, 0, NULL, NULL},
};

static void
field(const char *name, const char *value)
{
	printf("  %-12s ", name);
	print_safe(stdout, value, false);
	putchar('\n');
}

static void
list_field(const char *name, const cJSON *arr)
{
	const cJSON *v;
	bool first = true;

	if (cJSON_GetArraySize(arr) == 0)
		return;
	printf("  %-12s ", name);
	cJSON_ArrayForEach (v, arr) {
		printf("%s", first ? "" : ", ");
		print_safe(stdout, v->valuestring, false);
		first = false;
	}
	putchar('\n');
}

static const char *
str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* "2026-11-24 14:02 (5m ago)" for a milestone that is set. */
static void
time_field(struct inc_ctx *ctx, const char *name, const cJSON *o,
           const char *key, const char *by)
{
	char when[32], rel[32];
	int64_t t;

	if (inc_time_from_rfc3339(&t, str(o, key)) < 0)
		return;
	printf("  %-12s %s (%s)", name, local_time(when, sizeof(when), t),
	       inc_time_relative(rel, sizeof(rel), t, ctx->now));
	if (by != NULL) {
		fputs(" by ", stdout);
		print_actor(stdout, by);
	}
	putchar('\n');
}

static void
durations(const cJSON *o)
{
	static const char *const keys[] = {"ttd", "tta", "ttm", "ttr"};
	static const char *const names[] = {"TTD", "TTA", "TTM", "TTR"};
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "durations");
	bool any = false;
	char buf[32];

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(d, keys[i]);
		if (!cJSON_IsNumber(v))
			continue;
		printf("%s%s %s", any ? ", " : "  durations    ", names[i],
		       inc_duration_format(buf, sizeof(buf),
		                           (int64_t)v->valuedouble));
		any = true;
	}
	if (any)
		putchar('\n');
}

static void
notes(struct inc_ctx *ctx, const char *id)
{
	inc_event_list *events;
	inc_error err;
	bool header = false;
	char when[32];

	if (inc_event_list_load(&events, ctx->store, id, &err) < 0)
		return;
	for (size_t i = 0; i < inc_event_list_count(events); i++) {
		const inc_event *ev = inc_event_list_get(events, i);
		const cJSON *text;
		if (strcmp(inc_event_kind(ev), "noted") != 0)
			continue;
		text = cJSON_GetObjectItemCaseSensitive(inc_event_payload(ev),
		                                        "text");
		if (!header)
			printf("\n%snotes%s\n", color(ctx, "\033[1m"),
			       color(ctx, "\033[m"));
		header = true;
		printf("  %s  ",
		       local_time(when, sizeof(when), inc_event_at(ev)));
		print_actor(stdout, inc_event_actor(ev));
		fputs("\n    ", stdout);
		print_indented(stdout,
		               cJSON_IsString(text) ? text->valuestring : "",
		               "    ");
		putchar('\n');
	}
	inc_event_list_free(events);
}

static void
print_text(struct inc_ctx *ctx, const cJSON *o)
{
	const cJSON *roles = cJSON_GetObjectItemCaseSensitive(o, "roles");
	const cJSON *r;
	char buf[64];
	int notes_n;

	printf("%s%s%s  ", color(ctx, "\033[1m"), str(o, "short_id"),
	       color(ctx, "\033[m"));
	print_safe(stdout, str(o, "title"), false);
	putchar('\n');
	snprintf(buf, sizeof(buf), "%s, %s", str(o, "status"),
	         str(o, "severity_name"));
	field("status", buf);
	list_field("services", cJSON_GetObjectItemCaseSensitive(o, "services"));
	list_field("tags", cJSON_GetObjectItemCaseSensitive(o, "tags"));
	cJSON_ArrayForEach (r, roles) {
		if (cJSON_IsString(r))
			field(r->string, r->valuestring);
	}
	time_field(ctx, "opened", o, "opened_at", str(o, "opened_by"));
	time_field(ctx, "started", o, "started_at", NULL);
	time_field(ctx, "acknowledged", o, "acknowledged_at", NULL);
	time_field(ctx, "mitigated", o, "mitigated_at", NULL);
	time_field(ctx, "resolved", o, "resolved_at", NULL);
	time_field(ctx, "closed", o, "closed_at", NULL);
	time_field(ctx, "updated", o, "updated_at", NULL);
	durations(o);
	notes_n = cJSON_GetObjectItemCaseSensitive(o, "note_count")->valueint;
	snprintf(buf, sizeof(buf), "%d (%d note%s)",
	         cJSON_GetObjectItemCaseSensitive(o, "event_count")->valueint,
	         notes_n, notes_n == 1 ? "" : "s");
	field("events", buf);
	field("id", str(o, "id"));
	if (str(o, "summary") != NULL) {
		printf("\n%ssummary%s\n  ", color(ctx, "\033[1m"),
		       color(ctx, "\033[m"));
		print_safe(stdout, str(o, "summary"), true);
		putchar('\n');
	}
	notes(ctx, str(o, "id"));
}

int
cmd_show(struct inc_ctx *ctx, int argc, char **argv)
{
	inc_incident *inc = NULL;
	bool json = false;
	struct opt_state st;
	inc_error err;
	cJSON *o;
	int c, ret;

	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		if (c != OPT_JSON)
			return EXIT_USAGE;
		json = true;
	}
	if (opt_end(&st) != argc - 1)
		return usage_error(ctx->cmd, "one incident id is needed");
	if ((ret = need_store(ctx, argv[argc - 1])) != 0)
		return ret;
	if (inc_incident_load(&inc, ctx->store, argv[argc - 1], &err) < 0 ||
	    inc_incident_to_json(&o, ctx->store, inc, ctx->now, &err) < 0) {
		inc_incident_free(inc);
		return fail(&err);
	}
	inc_incident_free(inc);
	if (json) {
		cJSON *root = json_doc();
		cJSON_AddItemToObject(root, "incident", o);
		return print_json(root);
	}
	print_text(ctx, o);
	cJSON_Delete(o);
	return EXIT_OK;
}
