/*
 * incident runbook: the runbook of an incident, whole, or (--list, and
 * no id, and incident runbooks) every runbook in runbooks.dir and what it
 * applies to. Also the steps with their state that triage and show print.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"

struct runbook_args {
	bool json;
	bool list;
};

static const struct runbook_args defaults;

static const struct opt options[] = {
        OPT_BOOL("json", 0, &defaults.json, "print the runbook as JSON"),
        OPT_BOOL("list", 0, &defaults.list,
                 "list the runbooks and what they apply to"),
        OPT_END,
};

static int cmd_runbook(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_runbook_entry = {
        .name = "runbook",
        .run = cmd_runbook,
        .flags = CMD_READ,
        .summary = "Show the runbook of an incident, or list the runbooks.",
        .usage = "[id]",
        CMD_OPTS(options, defaults),
};

static int
doc_runbook(cJSON **out, inc_store *s, const char *id, bool content,
            inc_error *err)
{
	char *text = NULL;
	int ret = inc_runbook_json(&text, s, id, content, err);

	return json_from_text(out, ret, text, err);
}

static void
warn_problems(const cJSON *doc)
{
	const cJSON *v;

	cJSON_ArrayForEach (v,
	                    cJSON_GetObjectItemCaseSensitive(doc, "problems")) {
		fputs("incident: warning: runbook ", stderr);
		print_safe(stderr, cJSON_GetStringValue(v), false);
		fputc('\n', stderr);
	}
}

/* "09:42" today, "2026-11-23 09:42" another day (local time). */
static void
step_time(char *buf, size_t len, int64_t t, int64_t now)
{
	char a[32], b[32];

	local_time(a, sizeof(a), t);
	local_time(b, sizeof(b), now);
	if (strncmp(a, b, 10) == 0)
		snprintf(buf, len, "%s", a + 11);
	else
		snprintf(buf, len, "%s", a);
}

/* "(bob, 09:42)" */
static void
print_by(struct inc_ctx *ctx, const cJSON *o, const char *at, const char *by)
{
	int64_t t;
	char when[32];

	fputs("(", stdout);
	print_actor(stdout, json_str(o, by));
	if (inc_time_from_rfc3339(&t, json_str(o, at)) == 0) {
		step_time(when, sizeof(when), t, ctx->now);
		printf(", %s", when);
	}
	fputs(")", stdout);
}

/*
 * Two replicas attached different versions: the kept one is shown, and
 * these lines say the others and the checks no step of it took.
 */
static void
print_versions(struct inc_ctx *ctx, const cJSON *rb, const char *indent)
{
	const cJSON *v;

	cJSON_ArrayForEach (
	        v, cJSON_GetObjectItemCaseSensitive(rb, "also_attached")) {
		printf("%salso attached: version %.12s of ", indent,
		       json_str(v, "hash") != NULL ? json_str(v, "hash") : "?");
		print_safe(stdout, json_str(v, "path"), false);
		fputs(" ", stdout);
		print_by(ctx, v, "attached_at", "attached_by");
		fputs("; the first attached is the one above\n", stdout);
	}
	cJSON_ArrayForEach (
	        v, cJSON_GetObjectItemCaseSensitive(rb, "other_checks")) {
		printf("%schecked on another version (hash %.12s): %d. ",
		       indent,
		       json_str(v, "hash") != NULL ? json_str(v, "hash") : "?",
		       json_count(v, "step"));
		print_safe(stdout, json_str(v, "text"), false);
		fputs("  ", stdout);
		print_by(ctx, v, "checked_at", "checked_by");
		putchar('\n');
	}
}

/* "[x] 1. Check replication lag  (alice, 09:42)" for each step */
void
runbook_print_steps(struct inc_ctx *ctx, const cJSON *rb, const char *indent)
{
	const cJSON *st;

	cJSON_ArrayForEach (st, cJSON_GetObjectItemCaseSensitive(rb, "steps")) {
		bool done = cJSON_IsTrue(
		        cJSON_GetObjectItemCaseSensitive(st, "checked"));
		int64_t t;

		printf("%s[%c] %d. ", indent, done ? 'x' : ' ',
		       json_count(st, "n"));
		print_safe(stdout, json_str(st, "text"), false);
		if (done && inc_time_from_rfc3339(
		                    &t, json_str(st, "checked_at")) == 0) {
			char when[32];
			step_time(when, sizeof(when), t, ctx->now);
			fputs("  (", stdout);
			print_actor(stdout, json_str(st, "checked_by"));
			printf(", %s)", when);
		}
		putchar('\n');
		if (done && json_str(st, "note") != NULL) {
			printf("%s      ", indent);
			print_safe(stdout, json_str(st, "note"), false);
			putchar('\n');
		}
	}
	print_versions(ctx, rb, indent);
}

/* "Runbook: Primary database down (db/primary.md, 1/2 done)" */
static void
print_heading(struct inc_ctx *ctx, const cJSON *doc, const char *label)
{
	const cJSON *rb = cJSON_GetObjectItemCaseSensitive(doc, "runbook");
	const cJSON *st;
	const char *file = json_str(doc, "file");
	int n = 0, done = 0;

	cJSON_ArrayForEach (st, cJSON_GetObjectItemCaseSensitive(rb, "steps")) {
		n++;
		done += cJSON_IsTrue(
		        cJSON_GetObjectItemCaseSensitive(st, "checked"));
	}
	printf("%s%s%s", color(ctx, "\033[1m"), label, color(ctx, "\033[m"));
	print_safe(stdout, json_str(rb, "title"), false);
	fputs(" (", stdout);
	print_safe(stdout, json_str(rb, "path"), false);
	printf(", %d/%d done", done, n);
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "attached")))
		fputs(", not yet attached", stdout);
	else if (file != NULL && strcmp(file, "changed") == 0)
		fputs(", the file changed since", stdout);
	else if (file != NULL && strcmp(file, "missing") == 0)
		fputs(", the file is gone", stdout);
	puts(")");
}

int
runbook_show_section(struct inc_ctx *ctx, const char *id, const char *label,
                     const char *indent)
{
	inc_error err;
	cJSON *doc;

	if (doc_runbook(&doc, ctx->store, id, false, &err) < 0) {
		/* a runbook is never worth failing the command for */
		fputs("incident: warning: ", stderr);
		print_safe(stderr, err.message, false);
		fputc('\n', stderr);
		return 0;
	}
	warn_problems(doc);
	if (cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "runbook"))) {
		print_heading(ctx, doc, label);
		runbook_print_steps(
		        ctx, cJSON_GetObjectItemCaseSensitive(doc, "runbook"),
		        indent);
	}
	cJSON_Delete(doc);
	return 0;
}

static void
print_labels(const char *name, const cJSON *arr)
{
	const cJSON *v;
	int64_t sev;

	if (cJSON_GetArraySize(arr) == 0)
		return;
	printf("  %s ", name);
	cJSON_ArrayForEach (v, arr) {
		if (v != arr->child)
			fputs(", ", stdout);
		if (cJSON_IsNumber(v) &&
		    inc_number_int(&sev, v->valuedouble, 0, INT32_MAX) == 0)
			printf("%lld", (long long)sev);
		else if (cJSON_IsNumber(v))
			fputs("?", stdout);
		else
			print_safe(stdout, cJSON_GetStringValue(v), false);
	}
	putchar('\n');
}

static int
list(struct inc_ctx *ctx, bool json)
{
	char *text = NULL;
	const cJSON *rb;
	inc_error err;
	cJSON *doc;
	int ret, n;

	if (ctx->store == NULL) {
		inc_error_set(&err, INC_ENOSTORE,
		              "no store yet, so no runbooks.dir");
		return fail(&err);
	}
	ret = inc_runbook_list_json(&text, ctx->store, &err);
	if (json_from_text(&doc, ret, text, &err) < 0)
		return fail(&err);
	if (json) {
		warn_problems(doc);
		return print_json(doc);
	}
	warn_problems(doc);
	cJSON_ArrayForEach (rb,
	                    cJSON_GetObjectItemCaseSensitive(doc, "runbooks")) {
		printf("%s", color(ctx, "\033[1m"));
		print_safe(stdout, json_str(rb, "path"), false);
		printf("%s  ", color(ctx, "\033[m"));
		print_safe(stdout, json_str(rb, "title"), false);
		n = cJSON_GetArraySize(
		        cJSON_GetObjectItemCaseSensitive(rb, "steps"));
		printf(" (%d step%s)\n", n, n == 1 ? "" : "s");
		print_labels("services:",
		             cJSON_GetObjectItemCaseSensitive(rb, "services"));
		print_labels("tags:",
		             cJSON_GetObjectItemCaseSensitive(rb, "tags"));
		print_labels("severity:", cJSON_GetObjectItemCaseSensitive(
		                                  rb, "severities"));
	}
	if (cJSON_GetArraySize(
	            cJSON_GetObjectItemCaseSensitive(doc, "runbooks")) == 0) {
		fputs("no runbooks in ", stdout);
		print_safe(stdout, json_str(doc, "dir"), false);
		putchar('\n');
	}
	cJSON_Delete(doc);
	return EXIT_OK;
}

static int
cmd_runbook(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct runbook_args *a = ctx->opts;
	const cJSON *rb;
	inc_error err;
	cJSON *doc;
	int ret;

	/* no id: the list, as incident runbooks */
	if (a->list || argc == 0) {
		if (argc > 0)
			return usage_error(ctx->cmd,
			                   "--list takes no incident id");
		return list(ctx, a->json);
	}
	if ((ret = opt_one_id(ctx, argc)) != 0)
		return ret;
	if ((ret = need_store(ctx, argv[0])) != 0)
		return ret;
	if (doc_runbook(&doc, ctx->store, argv[0], true, &err) < 0)
		return fail(&err);
	warn_problems(doc);
	if (a->json)
		return print_json(doc);
	rb = cJSON_GetObjectItemCaseSensitive(doc, "runbook");
	if (!cJSON_IsObject(rb)) {
		inc_error_set(&err, INC_ENOTFOUND,
		              "%s: no runbook applies to it (incident runbook "
		              "--list)",
		              json_str(doc, "short_id") != NULL
		                      ? json_str(doc, "short_id")
		                      : argv[0]);
		cJSON_Delete(doc);
		return fail(&err);
	}
	print_heading(ctx, doc, "");
	printf("  version %s\n", json_str(rb, "hash"));
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "attached")))
		puts("  not yet attached: incident check attaches this "
		     "version");
	else if (strcmp(json_str(doc, "file"), "same") == 0)
		puts("  the file on disk matches the attached version");
	else
		printf("  the file on disk %s: the steps below are the "
		       "attached version\n",
		       strcmp(json_str(doc, "file"), "changed") == 0
		               ? "changed since it was attached"
		               : "is gone");
	putchar('\n');
	runbook_print_steps(ctx, rb, "");
	if (json_str(doc, "content") != NULL) {
		putchar('\n');
		if (strcmp(json_str(doc, "file"), "changed") == 0)
			puts("The file on disk now:\n");
		print_safe(stdout, json_str(doc, "content"), true);
		if (*json_str(doc, "content") != '\0' &&
		    json_str(doc,
		             "content")[strlen(json_str(doc, "content")) - 1] !=
		            '\n')
			putchar('\n');
	}
	cJSON_Delete(doc);
	return EXIT_OK;
}
