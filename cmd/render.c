/*
 * Text for people: colour on a terminal only, text from outside made
 * safe, local times, the terminal's width, who did it; and what the
 * commands that change an incident show once it has changed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

void
print_safe(FILE *f, const char *text, bool keep_newlines)
{
	char *safe = inc_text_sanitize(text != NULL ? text : "", keep_newlines);

	fputs(safe != NULL ? safe : "?", f);
	inc_str_free(safe);
}

/* Prints text made safe, indenting every line after the first. */
void
print_indented(FILE *f, const char *text, const char *indent)
{
	char *safe = inc_text_sanitize(text, true);

	for (const char *p = safe != NULL ? safe : "?"; *p != '\0'; p++) {
		fputc(*p, f);
		if (*p == '\n')
			fputs(indent, f);
	}
	inc_str_free(safe);
}

/* "Alice Doe <alice@example.com>" is shown as "Alice Doe". */
void
print_actor(FILE *f, const char *actor)
{
	const char *lt = actor != NULL ? strstr(actor, " <") : NULL;
	char *name;

	if (lt == NULL) {
		print_safe(f, actor, false);
		return;
	}
	if ((name = strndup(actor, (size_t)(lt - actor))) != NULL)
		print_safe(f, name, false);
	free(name);
}

const char *
color(const struct inc_ctx *ctx, const char *sgr)
{
	return ctx->color ? sgr : "";
}

const char *
severity_color(const struct inc_ctx *ctx, int level)
{
	switch (level) {
	case 1:
		return color(ctx, "\033[1;31m");
	case 2:
		return color(ctx, "\033[31m");
	case 3:
		return color(ctx, "\033[33m");
	default:
		return "";
	}
}

/* "2026-11-24 14:02" in the local time zone. */
char *
local_time(char *buf, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "?");
	return buf;
}

int
terminal_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (cols != NULL && atoi(cols) > 20)
		return atoi(cols);
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 0;
}

/* ---- the commands that change an incident: apply, then show ---- */

/* ", policy default: paged db-lead, channel:ops" under a policy */
static void
print_paged(const cJSON *o)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "escalation");
	const cJSON *paged = cJSON_GetObjectItemCaseSensitive(e, "paged"), *v;

	if (json_str(e, "policy") == NULL)
		return;
	fputs(", policy ", stdout);
	print_safe(stdout, json_str(e, "policy"), false);
	if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(e, "top")))
		printf(" (top %d)", json_count(e, "top"));
	cJSON_ArrayForEach (v, paged) {
		fputs(v == paged->child ? ": paged " : ", ", stdout);
		print_safe(stdout, cJSON_GetStringValue(v), false);
	}
}

/* "(mitigated, SEV2, TTM 42m)": the state after the change. */
static void
print_state(const cJSON *o, enum inc_action action)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "durations");
	int64_t secs;
	char buf[32];

	printf(" (%s, %s", json_str(o, "status"), json_str(o, "severity_name"));
	if (json_str(o, "priority") != NULL)
		printf(", %s", json_str(o, "priority"));
	if (action == INC_ACTION_ESCALATE) {
		printf(", level %d", json_count(o, "escalation_level"));
		if (json_str(o, "escalated_to") != NULL) {
			fputs(" to ", stdout);
			print_safe(stdout, json_str(o, "escalated_to"), false);
		}
		print_paged(o);
	}
	if (action == INC_ACTION_MITIGATE &&
	    json_int(&secs, d, "ttm", INT64_MIN, INT64_MAX) == 0)
		printf(", TTM %s", inc_duration_format(buf, sizeof(buf), secs));
	if (action == INC_ACTION_RESOLVE &&
	    json_int(&secs, d, "ttr", INT64_MIN, INT64_MAX) == 0)
		printf(", TTR %s", inc_duration_format(buf, sizeof(buf), secs));
	putchar(')');
}

int
change_print(struct inc_ctx *ctx, const inc_incident *inc,
             enum inc_action action, const struct change_args *a)
{
	inc_error err;
	cJSON *o;

	if (a->quiet && !a->json) {
		printf("%s\n", inc_incident_id(inc));
		return EXIT_OK;
	}
	if (doc_incident(&o, ctx->store, inc, ctx->now, &err) < 0)
		return fail(&err);
	if (a->json) {
		cJSON *root = json_doc();
		cJSON_AddBoolToObject(root, "dry_run", a->o.dry_run);
		cJSON_AddItemToObject(root, "incident", o);
		return print_json(root);
	}
	printf("%s%s %s%s%s: ",
	       a->o.dry_run ? "(dry run, nothing written) " : "",
	       inc_action_past(action), color(ctx, "\033[1m"),
	       json_str(o, "short_id"), color(ctx, "\033[m"));
	print_safe(stdout, json_str(o, "title"), false);
	print_state(o, action);
	putchar('\n');
	cJSON_Delete(o);
	return EXIT_OK;
}

int
change_one(struct inc_ctx *ctx, int argc, char **argv, enum inc_action action)
{
	int ret;

	if ((ret = opt_one_id(ctx, argc)) != 0)
		return ret;
	return change_run(ctx, argv[0], action, ctx->opts);
}

int
change_run(struct inc_ctx *ctx, const char *id, enum inc_action action,
           const struct change_args *a)
{
	inc_incident *inc = NULL;
	inc_change_opts o;
	inc_error err;
	int ret;

	if ((ret = need_store(ctx, id)) != 0)
		return ret;
	o = a->o;
	o.now = ctx->now;
	if (inc_incident_change(&inc, ctx->store, id, action, &o, &err) < 0)
		return fail(&err);
	ret = change_print(ctx, inc, action, a);
	inc_incident_free(inc);
	return ret;
}
