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

/* "2026-11-24 14:02 (5m ago)" for a time that is set. */
static void
time_since(const char *name, const cJSON *o, const char *key, const char *by,
           int64_t now)
{
	char when[32], rel[32];
	int64_t t;

	if (inc_time_from_rfc3339(&t, str(o, key)) < 0)
		return;
	printf("  %-12s %s (%s)", name, local_time(when, sizeof(when), t),
	       inc_time_relative(rel, sizeof(rel), t, now));
	if (by != NULL) {
		fputs(" by ", stdout);
		print_actor(stdout, by);
	}
	putchar('\n');
}

/* A milestone: a time in the world, against now (or INCIDENT_NOW). */
static void
time_field(struct inc_ctx *ctx, const char *name, const cJSON *o,
           const char *key, const char *by)
{
	time_since(name, o, key, by, ctx->now);
}

/*
 * TTD, TTA, TTM, TTR once their milestones exist; while the incident is
 * active, the ones still running are shown "so far".
 */
static void
durations(struct inc_ctx *ctx, const cJSON *o)
{
	static const char *const keys[] = {"ttd", "tta", "ttm", "ttr"};
	static const char *const names[] = {"TTD", "TTA", "TTM", "TTR"};
	static const char *const ends[] = {NULL, "acknowledged_at",
	                                   "mitigated_at", "resolved_at"};
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "durations");
	enum inc_status st = INC_STATUS_OPEN;
	int64_t start, detected;
	bool any = false;
	char buf[32];

	(void)inc_status_parse(&st, str(o, "status"));
	if (inc_time_from_rfc3339(&detected, str(o, "detected_at")) < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(d, keys[i]);
		int64_t secs;
		bool so_far = false;

		if (cJSON_IsNumber(v)) {
			secs = (int64_t)v->valuedouble;
		} else if (ends[i] != NULL && inc_status_active(st)) {
			if (i == 1 || inc_time_from_rfc3339(
			                      &start, str(o, "started_at")) < 0)
				start = detected;
			secs = ctx->now - start;
			so_far = true;
		} else {
			continue;
		}
		printf("%s%s %s%s", any ? ", " : "  durations    ", names[i],
		       inc_duration_format(buf, sizeof(buf), secs),
		       so_far ? " so far" : "");
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
		const char *text = inc_event_text(ev);
		if (!inc_event_is(ev, INC_ACTION_NOTE))
			continue;
		if (!header)
			printf("\n%snotes%s\n", color(ctx, "\033[1m"),
			       color(ctx, "\033[m"));
		header = true;
		printf("  %s  ",
		       local_time(when, sizeof(when), inc_event_at(ev)));
		print_actor(stdout, inc_event_actor(ev));
		fputs("\n    ", stdout);
		print_indented(stdout, text != NULL ? text : "", "    ");
		putchar('\n');
	}
	inc_event_list_free(events);
}

static void
text_field(const char *name, const cJSON *o, const char *key)
{
	if (str(o, key) != NULL)
		field(name, str(o, key));
}

static void
classification(const cJSON *o)
{
	char buf[160];
	int n;

	n = snprintf(buf, sizeof(buf), "%s, %s", str(o, "status"),
	             str(o, "severity_name"));
	if (str(o, "priority") != NULL && n > 0 && (size_t)n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, ", %s",
		              str(o, "priority"));
	if (str(o, "impact") != NULL && n > 0 && (size_t)n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - (size_t)n,
		              " (impact %s, urgency %s)", str(o, "impact"),
		              str(o, "urgency") != NULL ? str(o, "urgency")
		                                        : "unset");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "drill")) &&
	    n > 0 && (size_t)n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - (size_t)n, ", drill");
	field("status", buf);
}

static void
escalation_and_alerts(const cJSON *o)
{
	int level = cJSON_GetObjectItemCaseSensitive(o, "escalation_level")
	                    ->valueint;
	int alerts =
	        cJSON_GetObjectItemCaseSensitive(o, "alert_count")->valueint;
	char buf[64];

	if (level > 0) {
		printf("  %-12s level %d", "escalated", level);
		if (str(o, "escalated_to") != NULL) {
			fputs(" to ", stdout);
			print_safe(stdout, str(o, "escalated_to"), false);
		}
		putchar('\n');
	}
	if (alerts > 0) {
		snprintf(buf, sizeof(buf), "%d", alerts);
		field("alerts", buf);
		list_field("dedup keys",
		           cJSON_GetObjectItemCaseSensitive(o, "dedup_keys"));
	}
	text_field("merged into", o, "merged_into");
	list_field("merged from",
	           cJSON_GetObjectItemCaseSensitive(o, "merged_from"));
}

static void
fields(const cJSON *o)
{
	const cJSON *f;

	cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(o, "fields")) {
		printf("  %-12s ", f->string);
		print_safe(stdout, cJSON_IsString(f) ? f->valuestring : "",
		           false);
		putchar('\n');
	}
}

static void
last_update(struct inc_ctx *ctx, const cJSON *o)
{
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "last_update");
	char when[32], rel[32];
	int64_t t;

	if (!cJSON_IsObject(u) || inc_time_from_rfc3339(&t, str(u, "at")) < 0) {
		if (cJSON_IsTrue(
		            cJSON_GetObjectItemCaseSensitive(o, "update_due")))
			printf("\n%supdate due%s: no status update yet\n",
			       color(ctx, "\033[1;33m"), color(ctx, "\033[m"));
		return;
	}
	printf("\n%slast update%s %s (%s) by ", color(ctx, "\033[1m"),
	       color(ctx, "\033[m"), local_time(when, sizeof(when), t),
	       inc_time_relative(rel, sizeof(rel), t, ctx->now));
	print_actor(stdout, str(u, "by"));
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "update_due")))
		printf(" %s(update due)%s", color(ctx, "\033[1;33m"),
		       color(ctx, "\033[m"));
	fputs("\n  ", stdout);
	print_indented(stdout, str(u, "text"), "  ");
	putchar('\n');
}

/* Whether its events are in the audit history and on the remote. */
static void
audit_line(struct inc_ctx *ctx, const char *id)
{
	inc_audit_counts a;
	inc_error err;

	if (inc_incident_audit(&a, ctx->store, id, &err) < 0 || !a.enabled)
		return;
	printf("  %-12s %zu of %zu events mirrored", "audit", a.mirrored,
	       a.events);
	if (a.has_remote)
		printf(", %zu pushed", a.pushed);
	putchar('\n');
}

static cJSON *
audit_json(struct inc_ctx *ctx, const char *id)
{
	cJSON *o = cJSON_CreateObject();
	inc_audit_counts a;
	inc_error err;

	if (o == NULL || inc_incident_audit(&a, ctx->store, id, &err) < 0)
		return o;
	cJSON_AddBoolToObject(o, "enabled", a.enabled);
	cJSON_AddNumberToObject(o, "events", (double)a.events);
	cJSON_AddNumberToObject(o, "mirrored", (double)a.mirrored);
	cJSON_AddNumberToObject(o, "pushed", (double)a.pushed);
	return o;
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
	classification(o);
	list_field("services", cJSON_GetObjectItemCaseSensitive(o, "services"));
	list_field("tags", cJSON_GetObjectItemCaseSensitive(o, "tags"));
	cJSON_ArrayForEach (r, roles) {
		if (cJSON_IsString(r))
			field(r->string, r->valuestring);
	}
	escalation_and_alerts(o);
	fields(o);
	time_field(ctx, "opened", o, "opened_at", str(o, "opened_by"));
	time_field(ctx, "started", o, "started_at", NULL);
	time_field(ctx, "acknowledged", o, "acknowledged_at", NULL);
	time_field(ctx, "mitigated", o, "mitigated_at", NULL);
	time_field(ctx, "resolved", o, "resolved_at", NULL);
	time_field(ctx, "closed", o, "closed_at", NULL);
	time_field(ctx, "cancelled", o, "cancelled_at", NULL);
	/* when it was last logged: the clock's time, whatever INCIDENT_NOW */
	time_since("updated", o, "updated_at", NULL, inc_time_now());
	durations(ctx, o);
	notes_n = cJSON_GetObjectItemCaseSensitive(o, "note_count")->valueint;
	snprintf(buf, sizeof(buf), "%d (%d note%s)",
	         cJSON_GetObjectItemCaseSensitive(o, "event_count")->valueint,
	         notes_n, notes_n == 1 ? "" : "s");
	field("events", buf);
	field("id", str(o, "id"));
	audit_line(ctx, str(o, "id"));
	text_field("resolution", o, "resolution");
	text_field("cause", o, "cause");
	text_field("cancelled as", o, "cancel_reason");
	if (str(o, "summary") != NULL) {
		printf("\n%ssummary%s\n  ", color(ctx, "\033[1m"),
		       color(ctx, "\033[m"));
		print_indented(stdout, str(o, "summary"), "  ");
		putchar('\n');
	}
	last_update(ctx, o);
	notes(ctx, str(o, "id"));
}

int
cmd_show(struct inc_ctx *ctx, int argc, char **argv)
{
	inc_incident *inc = NULL;
	bool json = false;
	inc_error err;
	cJSON *o;
	int ret;

	if ((ret = opt_json_only(ctx, argc, argv, 1, &json)) != 0)
		return ret;
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
		cJSON_AddItemToObject(root, "audit",
		                      audit_json(ctx, str(o, "id")));
		return print_json(root);
	}
	print_text(ctx, o);
	cJSON_Delete(o);
	return EXIT_OK;
}
