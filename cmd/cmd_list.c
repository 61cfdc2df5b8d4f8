#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static int cmd_status(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_status_entry = {
        .run = cmd_status,
        .flags = CMD_READ,
        .summary = "Show what is open now.",
};

static const struct opt list_opts[] = {
        {"quiet", 'q', no_argument, NULL, "print only the ids"},
        {"all", OPT_ALL, no_argument, NULL,
         "every incident, resolved and closed too"},
        {"json", OPT_JSON, no_argument, NULL, "print the incidents as JSON"},
        {"status", OPT_STATUS, required_argument, "status",
         "only this status (repeatable, or comma-separated)"},
        {"severity", 's', required_argument, "sev", "only this severity"},
        {"service", OPT_SERVICE, required_argument, "name",
         "only incidents affecting this service"},
        {"tag", OPT_TAG, required_argument, "tag",
         "only incidents with this tag"},
        {"since", OPT_SINCE, required_argument, "time",
         "only incidents opened at or after this time"},
        {"priority", OPT_PRIORITY, required_argument, "P1..P4",
         "only this priority"},
        {"field", OPT_FIELD, required_argument, "key=value",
         "only incidents with this field"},
        {"limit", 'n', required_argument, "count", "at most count incidents"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_list(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_list_entry = {
        .name = "list",
        .run = cmd_list,
        .flags = CMD_READ,
        .summary = "List incidents, newest first.",
        .opts = list_opts,
        .usage = "incident list [-q] [--all] [--json] [--status status]... [-s "
                 "sev] [--priority P1..P4] [--service name] [--tag tag] "
                 "[--field key=value] [--since time] [-n count]",
};

static int
parse_statuses(struct inc_ctx *ctx, enum inc_status *out, size_t *n,
               const char *arg)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", arg);
	for (char *w = strtok_r(buf, ",", &save); w != NULL;
	     w = strtok_r(NULL, ",", &save)) {
		if (*n >= INC_STATUS__COUNT)
			break;
		if (inc_status_parse(&out[*n], w) < 0)
			return usage_error(
			        ctx->cmd,
			        "unknown status '%s' (open, triaged, "
			        "investigating, mitigated, resolved, "
			        "closed, cancelled, merged)",
			        w);
		(*n)++;
	}
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
	char age[32];

	for (size_t i = 0; i < n; i++) {
		const inc_list_item *it = inc_list_get(list, i);
		size_t w;
		if ((w = strlen(it->short_id)) > wid)
			wid = w;
		if ((w = strlen(inc_store_severity_name(ctx->store,
		                                        it->severity))) > wsev)
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
		if (inc_store_update_due(ctx->store, it->severity, it->status,
		                         it->opened_at, it->last_update_at,
		                         ctx->now))
			used += strlen(DUE);
		printf("%s%-*s%s  %s%-*s%s  %-*s  %-*s  ",
		       color(ctx, "\033[1m"), (int)wid, it->short_id,
		       color(ctx, "\033[m"), severity_color(ctx, it->severity),
		       (int)wsev,
		       inc_store_severity_name(ctx->store, it->severity),
		       color(ctx, "\033[m"), (int)wst,
		       inc_status_name(it->status), (int)wage, age);
		if (it->drill)
			fputs(DRILL, stdout);
		if (inc_store_update_due(ctx->store, it->severity, it->status,
		                         it->opened_at, it->last_update_at,
		                         ctx->now))
			printf("%s" DUE "%s", color(ctx, "\033[1;33m"),
			       color(ctx, "\033[m"));
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
		free(title);
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
		if (inc_incident_doc_to_json(&o, ctx->store,
		                             inc_list_get(list, i)->doc,
		                             ctx->now, &err) < 0) {
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
	inc_list_opts o = INC_LIST_OPTS_INIT;
	enum inc_status statuses[INC_STATUS__COUNT];
	bool quiet = false, json = false;
	char prio[3] = "P?";
	struct opt_state st;
	int c, ret;

	o.statuses = statuses;
	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case OPT_ALL:
			o.all = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_STATUS:
			if ((ret = parse_statuses(ctx, statuses, &o.nstatuses,
			                          st.arg)))
				return ret;
			break;
		case 's':
			if (ctx->store != NULL &&
			    (ret = parse_severity(&o.severity, ctx, st.arg)))
				return ret;
			break;
		case OPT_SERVICE:
			o.service = st.arg;
			break;
		case OPT_TAG:
			o.tag = st.arg;
			break;
		case OPT_PRIORITY:
			if ((st.arg[0] != 'p' && st.arg[0] != 'P') ||
			    st.arg[1] < '1' || st.arg[1] > '4' || st.arg[2])
				return usage_error(
				        ctx->cmd,
				        "unknown priority '%s' (P1..P4)",
				        st.arg);
			prio[1] = st.arg[1];
			o.priority = prio;
			break;
		case OPT_FIELD:
			if (strchr(st.arg, '=') == NULL)
				return usage_error(ctx->cmd,
				                   "--field takes key=value");
			o.field = st.arg;
			break;
		case OPT_SINCE:
			if ((ret = parse_time(&o.since, ctx, st.arg)))
				return ret;
			break;
		case 'n': {
			char *end;
			long v = strtol(st.arg, &end, 10);
			if (*st.arg == '\0' || *end != '\0' || v < 1)
				return usage_error(ctx->cmd,
				                   "--limit needs a positive "
				                   "number, not '%s'",
				                   st.arg);
			o.limit = (size_t)v;
			break;
		}
		default:
			return EXIT_USAGE;
		}
	}
	if (opt_end(&st) != argc)
		return usage_error(ctx->cmd, "unexpected argument '%s'",
		                   argv[opt_end(&st)]);
	return run_list(ctx, &o, quiet, json, false);
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
