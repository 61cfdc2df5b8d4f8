#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct show_args {
	bool json;
	const char *dedup_key;
};

static const struct show_args defaults;

static const struct opt options[] = {
        OPT_BOOL("json", 0, &defaults.json, "print the incident as JSON"),
        OPT_STRING("dedup-key", 0, &defaults.dedup_key, "key",
                   "the incident this dedup key names, instead of an id"),
        OPT_END,
};

static int cmd_show(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_show_entry = {
        .name = "show",
        .run = cmd_show,
        .flags = CMD_READ,
        .summary = "Show everything known about an incident.",
        .usage = "id",
        CMD_OPTS(options, defaults),
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
		print_safe(stdout, cJSON_GetStringValue(v), false);
		first = false;
	}
	putchar('\n');
}

/* "2026-11-24 14:02 (5m ago)" for a time that is set. */
static void
time_since(const char *name, const cJSON *o, const char *key, const char *by,
           int64_t now)
{
	char when[32], rel[32];
	int64_t t;

	if (inc_time_from_rfc3339(&t, json_str(o, key)) < 0)
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

	(void)inc_status_parse(&st, json_str(o, "status"));
	if (inc_time_from_rfc3339(&detected, json_str(o, "detected_at")) < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		int64_t secs;
		bool so_far = false;

		/* a duration not known yet runs on while it is active */
		if (json_int(&secs, d, keys[i], INT64_MIN, INT64_MAX) < 0) {
			if (ends[i] == NULL || !inc_status_active(st))
				continue;
			if (i == 1 ||
			    inc_time_from_rfc3339(
			            &start, json_str(o, "started_at")) < 0)
				start = detected;
			secs = ctx->now - start;
			so_far = true;
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
	if (json_str(o, key) != NULL)
		field(name, json_str(o, key));
}

static void
classification(const cJSON *o)
{
	char buf[160];
	int n;

	n = snprintf(buf, sizeof(buf), "%s, %s", json_str(o, "status"),
	             json_str(o, "severity_name"));
	if (json_str(o, "priority") != NULL && n > 0 && (size_t)n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, ", %s",
		              json_str(o, "priority"));
	if (json_str(o, "impact") != NULL && n > 0 && (size_t)n < sizeof(buf))
		n += snprintf(buf + n, sizeof(buf) - (size_t)n,
		              " (impact %s, urgency %s)", json_str(o, "impact"),
		              json_str(o, "urgency") != NULL
		                      ? json_str(o, "urgency")
		                      : "unset");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "drill")) &&
	    n > 0 && (size_t)n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - (size_t)n, ", drill");
	field("status", buf);
}

static void
escalation_and_alerts(const cJSON *o)
{
	int level = json_count(o, "escalation_level");
	int alerts = json_count(o, "alert_count");
	char buf[64];

	if (level > 0) {
		printf("  %-12s level %d", "escalated", level);
		if (json_str(o, "escalated_to") != NULL) {
			fputs(" to ", stdout);
			print_safe(stdout, json_str(o, "escalated_to"), false);
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

/*
 * Who is paged now under the incident's escalation policy, and when
 * tick escalates next: "level 2 of 6 (policy default): db-lead".
 */
static void
paging(struct inc_ctx *ctx, const cJSON *o)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "escalation");
	const cJSON *paged = cJSON_GetObjectItemCaseSensitive(e, "paged"), *v;
	enum inc_status st = INC_STATUS_OPEN;
	char when[32], in[32];
	int64_t next;

	(void)inc_status_parse(&st, json_str(o, "status"));
	if (json_str(e, "policy") == NULL ||
	    !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(e, "top"))) {
		char brief[256];
		/* under a policy but never paged (opened before it, or with
		 * its config broken): tick pages it */
		if (st == INC_STATUS_OPEN &&
		    json_count(o, "escalation_level") == 0 &&
		    inc_escalation_brief(brief, sizeof(brief), ctx->store,
		                         json_str(o, "id"), ctx->now,
		                         NULL) == 0 &&
		    brief[0] != '\0')
			printf("  %-12s not paged yet: tick pages it\n",
			       "paged");
		return;
	}
	/* an ended incident's paging is history */
	printf("  %-12s level %d of %d (policy ",
	       inc_status_active(st) ? "paged" : "was paged",
	       json_count(o, "escalation_level"), json_count(e, "top"));
	print_safe(stdout, json_str(e, "policy"), false);
	putchar(')');
	cJSON_ArrayForEach (v, paged) {
		fputs(v == paged->child ? ": " : ", ", stdout);
		print_safe(stdout, cJSON_GetStringValue(v), false);
	}
	putchar('\n');
	if (!inc_status_active(st))
		return;
	if (st != INC_STATUS_OPEN) {
		printf("  %-12s none: acknowledged\n", "next");
	} else if (inc_time_from_rfc3339(&next, json_str(e, "next_at")) < 0) {
		printf("  %-12s none: at the top\n", "next");
	} else {
		printf("  %-12s level %d %s %s (%s%s)\n", "next",
		       json_count(o, "escalation_level") + 1,
		       next <= ctx->now ? "was due" : "due",
		       local_time(when, sizeof(when), next),
		       next <= ctx->now ? "" : "in ",
		       next <= ctx->now ? inc_time_relative(in, sizeof(in),
		                                            next, ctx->now)
		                        : inc_duration_format(in, sizeof(in),
		                                              next - ctx->now));
	}
}

static void
fields(const cJSON *o)
{
	const cJSON *f;

	cJSON_ArrayForEach (f, cJSON_GetObjectItemCaseSensitive(o, "fields")) {
		printf("  %-12s ", f->string);
		print_safe(stdout,
		           cJSON_IsString(f) ? cJSON_GetStringValue(f) : "",
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

	if (!cJSON_IsObject(u) ||
	    inc_time_from_rfc3339(&t, json_str(u, "at")) < 0) {
		if (cJSON_IsTrue(
		            cJSON_GetObjectItemCaseSensitive(o, "update_due")))
			printf("\n%supdate due%s: no status update yet\n",
			       color(ctx, "\033[1;33m"), color(ctx, "\033[m"));
		return;
	}
	printf("\n%slast update%s %s (%s) by ", color(ctx, "\033[1m"),
	       color(ctx, "\033[m"), local_time(when, sizeof(when), t),
	       inc_time_relative(rel, sizeof(rel), t, ctx->now));
	print_actor(stdout, json_str(u, "by"));
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "update_due")))
		printf(" %s(update due)%s", color(ctx, "\033[1;33m"),
		       color(ctx, "\033[m"));
	fputs("\n  ", stdout);
	print_indented(stdout, json_str(u, "text"), "  ");
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

	printf("%s%s%s  ", color(ctx, "\033[1m"), json_str(o, "short_id"),
	       color(ctx, "\033[m"));
	print_safe(stdout, json_str(o, "title"), false);
	putchar('\n');
	classification(o);
	list_field("services", cJSON_GetObjectItemCaseSensitive(o, "services"));
	list_field("tags", cJSON_GetObjectItemCaseSensitive(o, "tags"));
	cJSON_ArrayForEach (r, roles) {
		if (cJSON_IsString(r))
			field(r->string, cJSON_GetStringValue(r));
	}
	escalation_and_alerts(o);
	paging(ctx, o);
	fields(o);
	time_field(ctx, "opened", o, "opened_at", json_str(o, "opened_by"));
	time_field(ctx, "started", o, "started_at", NULL);
	time_field(ctx, "acknowledged", o, "acknowledged_at", NULL);
	time_field(ctx, "mitigated", o, "mitigated_at", NULL);
	time_field(ctx, "resolved", o, "resolved_at", NULL);
	time_field(ctx, "closed", o, "closed_at", NULL);
	time_field(ctx, "cancelled", o, "cancelled_at", NULL);
	/* when it was last logged: the clock's time, whatever INCIDENT_NOW */
	time_since("updated", o, "updated_at", NULL, inc_time_now());
	durations(ctx, o);
	notes_n = json_count(o, "note_count");
	snprintf(buf, sizeof(buf), "%d (%d note%s)",
	         json_count(o, "event_count"), notes_n,
	         notes_n == 1 ? "" : "s");
	field("events", buf);
	field("id", json_str(o, "id"));
	audit_line(ctx, json_str(o, "id"));
	text_field("resolution", o, "resolution");
	text_field("cause", o, "cause");
	text_field("cancelled as", o, "cancel_reason");
	if (json_str(o, "summary") != NULL) {
		printf("\n%ssummary%s\n  ", color(ctx, "\033[1m"),
		       color(ctx, "\033[m"));
		print_indented(stdout, json_str(o, "summary"), "  ");
		putchar('\n');
	}
	last_update(ctx, o);
	runbook_show_section(ctx, json_str(o, "id"), "\nRunbook: ", "  ");
	changes_show_section(ctx, json_str(o, "id"));
	notes(ctx, json_str(o, "id"));
}

static int
show_one(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct show_args *a = ctx->opts;
	inc_incident *inc = NULL;
	inc_error err;
	cJSON *o;
	int ret;

	if ((ret = opt_one_id(ctx, argc)) != 0)
		return ret;
	if ((ret = need_store(ctx, argv[0])) != 0)
		return ret;
	if (inc_incident_load(&inc, ctx->store, argv[0], &err) < 0 ||
	    doc_incident(&o, ctx->store, inc, ctx->now, &err) < 0) {
		inc_incident_free(inc);
		return fail(&err);
	}
	inc_incident_free(inc);
	if (a->json) {
		cJSON *root = json_doc();
		cJSON_AddItemToObject(root, "incident", o);
		cJSON_AddItemToObject(root, "audit",
		                      audit_json(ctx, json_str(o, "id")));
		cJSON_AddItemToObject(
		        root, "changes",
		        changes_of_incident(ctx, json_str(o, "id")));
		return print_json(root);
	}
	print_text(ctx, o);
	cJSON_Delete(o);
	return EXIT_OK;
}

static int
cmd_show(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct show_args *a = ctx->opts;
	char *mem;
	int ret;

	if ((ret = dedup_operand(ctx, a->dedup_key, &argc, &argv, &mem)) != 0)
		return ret;
	ret = show_one(ctx, argc, argv);
	free(mem);
	return ret;
}
