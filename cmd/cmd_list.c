/* incident list (ls), and bare incident: the incidents, newest first. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct status_list {
	enum inc_status v[INC_STATUS__COUNT];
	size_t n;
};

struct list_args {
	inc_list_opts o;
	bool quiet;
	bool json;
	bool maintenance;
	long limit;
	struct status_list statuses;
};

static int status_option(struct inc_ctx *ctx, void *target, const char *arg);
static int priority_option(struct inc_ctx *ctx, void *target, const char *arg);
static int field_option(struct inc_ctx *ctx, void *target, const char *arg);

static const struct list_args defaults = {.o = INC_LIST_OPTS_INIT};

static const struct opt options[] = {
        OPT_BOOL("quiet", 'q', &defaults.quiet, "print only the ids"),
        OPT_BOOL("all", 0, &defaults.o.all,
                 "every incident, resolved and closed too"),
        OPT_BOOL("json", 0, &defaults.json, "print the incidents as JSON"),
        OPT_CALLBACK("status", 0, &defaults.statuses, "status",
                     "only this status (repeatable, or comma-separated)",
                     status_option, OPT_REPEAT),
        OPT_SEVERITY("severity", 's', &defaults.o.severity, "sev",
                     "only this severity"),
        OPT_CALLBACK("priority", 0, &defaults.o.priority, "P1..P4",
                     "only this priority", priority_option, 0),
        OPT_STRING("service", 0, &defaults.o.service, "name",
                   "only incidents affecting this service"),
        OPT_STRING("tag", 0, &defaults.o.tag, "tag",
                   "only incidents with this tag"),
        OPT_CALLBACK("field", 0, &defaults.o.field, "key=value",
                     "only incidents with this field", field_option, 0),
        OPT_TIME("since", 0, &defaults.o.since, "time",
                 "only incidents opened at or after this time"),
        OPT_INT("limit", 'n', &defaults.limit, "count",
                "at most count incidents", 1, LONG_MAX),
        OPT_BOOL("maintenance", 0, &defaults.maintenance,
                 "what maintenance windows suppressed, not incidents"),
        OPT_END,
};

static int cmd_list(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_list_entry = {
        .name = "list",
        .run = cmd_list,
        .flags = CMD_READ,
        .summary = "List incidents, newest first.",
        CMD_OPTS(options, defaults),
};

static int cmd_status(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_status_entry = {
        .run = cmd_status,
        .flags = CMD_READ,
        .summary = "Show what is open now.",
};

/* --status open,triaged: each one on the list */
static int
status_option(struct inc_ctx *ctx, void *target, const char *arg)
{
	struct status_list *l = target;
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (char *w = strtok_r(buf, ",", &save); w != NULL;
	     w = strtok_r(NULL, ",", &save)) {
		if (l->n >= INC_STATUS__COUNT)
			break;
		if (inc_status_parse(&l->v[l->n], w) < 0)
			return usage_error(
			        ctx->cmd,
			        "unknown status '%s' (open, triaged, "
			        "investigating, mitigated, resolved, "
			        "closed, cancelled, merged)",
			        w);
		l->n++;
	}
	return 0;
}

static int
priority_option(struct inc_ctx *ctx, void *target, const char *arg)
{
	static const char *const names[] = {"P1", "P2", "P3", "P4"};

	if ((arg[0] != 'p' && arg[0] != 'P') || arg[1] < '1' || arg[1] > '4' ||
	    arg[2] != '\0')
		return usage_error(ctx->cmd, "unknown priority '%s' (P1..P4)",
		                   arg);
	*(const char **)target = names[arg[1] - '1'];
	return 0;
}

static int
field_option(struct inc_ctx *ctx, void *target, const char *arg)
{
	if (strchr(arg, '=') == NULL)
		return usage_error(ctx->cmd, "--field takes key=value");
	*(const char **)target = arg;
	return 0;
}

/* Marks before a title: an exercise; stakeholders owed an update. */
#define DRILL "[drill] "
#define DUE "[update due] "

static int
print_table(struct inc_ctx *ctx, const inc_list *list)
{
	size_t n = inc_list_count(list), wid = 2, wsev = 3, wst = 6, wage = 3;
	int cols = ctx->tty_out ? terminal_width() : 0;
	/* paging is asked per unacknowledged incident only when some
	 * policy is configured: a list without one costs nothing more */
	bool paging = inc_escalation_configured(ctx->store);
	char age[32], paged[256];

	for (size_t i = 0; i < n; i++) {
		const inc_list_item *it = inc_list_get(list, i);
		size_t w;
		if ((w = strlen(it->short_id)) > wid)
			wid = w;
		if ((w = strlen(inc_severity_name(ctx->store, it->severity))) >
		    wsev)
			wsev = w;
		if ((w = strlen(inc_status_name(it->status))) > wst)
			wst = w;
		inc_duration_format(age, sizeof(age), ctx->now - it->opened_at);
		if ((w = strlen(age)) > wage)
			wage = w;
	}
	if (ctx->tty_out)
		printf("%s%-*s  %-*s  %-*s  %-*s  TITLE%s\n",
		       color(ctx, "\033[2m"), (int)wid, "ID", (int)wsev, "SEV",
		       (int)wst, "STATUS", (int)wage, "AGE",
		       color(ctx, "\033[m"));
	for (size_t i = 0; i < n; i++) {
		const inc_list_item *it = inc_list_get(list, i);
		size_t used = wid + wsev + wst + wage + 8;
		char *title = inc_text_sanitize(it->title, false);

		if (title == NULL)
			return EXIT_FAIL;
		inc_duration_format(age, sizeof(age), ctx->now - it->opened_at);
		if (it->drill)
			used += strlen(DRILL);
		if (inc_severity_update_due(ctx->store, it->severity,
		                            it->status, it->opened_at,
		                            it->last_update_at, ctx->now))
			used += strlen(DUE);
		paged[0] = '\0';
		if (paging && it->status == INC_STATUS_OPEN)
			(void)inc_escalation_brief(paged, sizeof(paged),
			                           ctx->store, it->id, ctx->now,
			                           NULL);
		if (paged[0] != '\0')
			used += inc_text_width(paged) + 3;
		printf("%s%-*s%s  %s%-*s%s  %-*s  %-*s  ",
		       color(ctx, "\033[1m"), (int)wid, it->short_id,
		       color(ctx, "\033[m"), severity_color(ctx, it->severity),
		       (int)wsev, inc_severity_name(ctx->store, it->severity),
		       color(ctx, "\033[m"), (int)wst,
		       inc_status_name(it->status), (int)wage, age);
		if (it->drill)
			fputs(DRILL, stdout);
		if (inc_severity_update_due(ctx->store, it->severity,
		                            it->status, it->opened_at,
		                            it->last_update_at, ctx->now))
			printf("%s" DUE "%s", color(ctx, "\033[1;33m"),
			       color(ctx, "\033[m"));
		if (paged[0] != '\0') {
			/* [L2/3 db-lead, next 4m]: who is paged, what next */
			fputs("[", stdout);
			print_safe(stdout, paged, false);
			fputs("] ", stdout);
		}
		/* on a terminal, a title too long for the line is cut */
		if (cols > 0 && used + inc_text_width(title) > (size_t)cols &&
		    (size_t)cols > used + 4) {
			size_t keep = strlen(title);
			while (keep > 0 && used + inc_text_width(title) + 1 >
			                           (size_t)cols) {
				do
					keep--;
				while (keep > 0 && ((unsigned char)title[keep] &
				                    0xc0) == 0x80);
				title[keep] = '\0';
			}
			printf("%s…\n", title);
		} else {
			printf("%s\n", title);
		}
		inc_str_free(title);
	}
	return EXIT_OK;
}

static int
print_list_json(struct inc_ctx *ctx, const inc_list *list)
{
	cJSON *root = json_doc(),
	      *arr = cJSON_AddArrayToObject(root, "incidents");
	inc_error err;

	for (size_t i = 0; i < inc_list_count(list); i++) {
		cJSON *o;
		if (doc_list_item(&o, ctx->store, list, i, ctx->now, &err) <
		    0) {
			cJSON_Delete(root);
			return fail(&err);
		}
		cJSON_AddItemToArray(arr, o);
	}
	return print_json(root);
}

static int
run_list(struct inc_ctx *ctx, const inc_list_opts *o, bool quiet, bool json,
         bool bare)
{
	inc_list_opts query = *o;
	inc_list *list = NULL;
	inc_error err;
	int ret = EXIT_OK;

	query.docs = json;
	if (ctx->store != NULL &&
	    inc_list_query(&list, ctx->store, &query, &err) < 0)
		return fail(&err);
	if (json) {
		if (list == NULL) {
			cJSON *root = json_doc();
			cJSON_AddArrayToObject(root, "incidents");
			return print_json(root);
		}
		ret = print_list_json(ctx, list);
	} else if (quiet) {
		for (size_t i = 0; list != NULL && i < inc_list_count(list);
		     i++)
			printf("%s\n", inc_list_get(list, i)->id);
	} else if (list == NULL || inc_list_count(list) == 0) {
		if (bare)
			printf("no open incidents\n");
	} else {
		ret = print_table(ctx, list);
	}
	inc_list_free(list);
	return ret;
}

static int
cmd_list(struct inc_ctx *ctx, int argc, char **argv)
{
	struct list_args *a = ctx->opts;

	(void)argc; /* none: main() refused any (no operands in the usage) */
	(void)argv;

	/* the filters select incidents: with --maintenance, a filter would
	 * be taken and do nothing (--service api listing db's alerts) */
	if (a->maintenance &&
	    (a->quiet || a->o.all || a->statuses.n > 0 || a->o.severity != 0 ||
	     a->o.priority != NULL || a->o.service != NULL ||
	     a->o.tag != NULL || a->o.field != NULL || a->o.since != 0 ||
	     a->limit != 0))
		return usage_error(ctx->cmd, "--maintenance takes no filter "
		                             "(only --json)");
	if (a->maintenance)
		return maintenance_suppressed_run(ctx, a->json);
	a->o.statuses = a->statuses.v;
	a->o.nstatuses = a->statuses.n;
	a->o.limit = (size_t)a->limit;
	return run_list(ctx, &a->o, a->quiet, a->json, false);
}

/* Bare "incident": what is open now, for a person. */
static int
cmd_status(struct inc_ctx *ctx, int argc, char **argv)
{
	inc_list_opts o = INC_LIST_OPTS_INIT;

	(void)argc;
	(void)argv;
	return run_list(ctx, &o, false, false, true);
}
