#include <getopt.h>
#include <stdlib.h>

#include "cmd.h"

static const struct opt open_opts[] = {
        {"quiet", 'q', no_argument, NULL, "print only the new id"},
        {"json", OPT_JSON, no_argument, NULL, "print the incident as JSON"},
        {"dry-run", OPT_DRY_RUN, no_argument, NULL,
         "check and show what would happen; change nothing"},
        {"severity", 's', required_argument, "sev",
         "severity: 1, sev1 or SEV1 (default from config: SEV3)"},
        {"service", OPT_SERVICE, required_argument, "name",
         "an affected service (repeatable)"},
        {"tag", OPT_TAG, required_argument, "tag", "a tag (repeatable)"},
        {"summary", OPT_SUMMARY, required_argument, "text",
         "what is known so far"},
        {"at", OPT_AT, required_argument, "time",
         "when it was detected (default: now)"},
        {"commander", OPT_COMMANDER, required_argument, "who",
         "the incident commander"},
        {"started", OPT_STARTED, required_argument, "time",
         "when the impact began, if before it was detected"},
        {"drill", OPT_DRILL, no_argument, NULL,
         "an exercise (game day): left out of metrics"},
        {"dedup-key", OPT_DEDUP_KEY, required_argument, "key",
         "while an incident with this key is active, attach to it"},
        {"source", OPT_SOURCE, required_argument, "name",
         "where the alert came from"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_open(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_open_entry = {
        .name = "open",
        .run = cmd_open,
        .flags = CMD_CREATE | CMD_MIRROR,
        .summary = "Open an incident and print its id.",
        .opts = open_opts,
        .usage = "incident open [-q] [--json] [--dry-run] [--drill] [-s sev] "
                 "[--service name]... [--tag tag]... [--summary text] [--at "
                 "time] [--started time] [--commander who] [--dedup-key key] "
                 "[--source name] title",
};

static int
cmd_open(struct inc_ctx *ctx, int argc, char **argv)
{
	inc_open_opts o = INC_OPEN_OPTS_INIT;
	const char **services = calloc((size_t)argc, sizeof(char *));
	const char **tags = calloc((size_t)argc, sizeof(char *));
	bool quiet = false, json = false, dedup = false;
	inc_incident *inc = NULL;
	struct opt_state st;
	inc_error err;
	int c, ret = EXIT_OK;

	if (services == NULL || tags == NULL ||
	    opt_begin(&st, ctx->cmd, argc, argv) < 0) {
		ret = EXIT_FAIL;
		goto done;
	}
	while ((c = opt_next(&st)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_DRY_RUN:
			o.dry_run = true;
			break;
		case 's':
			if ((ret = parse_severity(&o.severity, ctx, st.arg)))
				goto done;
			break;
		case OPT_SERVICE:
			services[o.nservices++] = st.arg;
			break;
		case OPT_TAG:
			tags[o.ntags++] = st.arg;
			break;
		case OPT_SUMMARY:
			o.summary = st.arg;
			break;
		case OPT_AT:
			if ((ret = parse_time(&o.at, ctx, st.arg)))
				goto done;
			break;
		case OPT_COMMANDER:
			o.commander = st.arg;
			break;
		case OPT_STARTED:
			if ((ret = parse_time(&o.started, ctx, st.arg)))
				goto done;
			break;
		case OPT_DRILL:
			o.drill = true;
			break;
		case OPT_DEDUP_KEY:
			o.dedup_key = st.arg;
			break;
		case OPT_SOURCE:
			o.source = st.arg;
			break;
		default:
			ret = EXIT_USAGE;
			goto done;
		}
	}
	if (opt_end(&st) != argc - 1) {
		ret = usage_error(ctx->cmd, opt_end(&st) == argc
		                                    ? "a title is needed"
		                                    : "the title must be one "
		                                      "argument (quote it)");
		goto done;
	}
	o.title = argv[argc - 1];
	o.services = services;
	o.tags = tags;
	if (inc_open(&inc, &dedup, ctx->store, &o, &err) < 0) {
		ret = fail(&err);
		goto done;
	}
	if (json) {
		cJSON *root = json_doc(), *doc;
		if (inc_incident_to_json(&doc, ctx->store, inc, ctx->now,
		                         &err) < 0) {
			cJSON_Delete(root);
			ret = fail(&err);
			goto done;
		}
		cJSON_AddBoolToObject(root, "dry_run", o.dry_run);
		cJSON_AddBoolToObject(root, "deduplicated", dedup);
		cJSON_AddItemToObject(root, "incident", doc);
		ret = print_json(root);
	} else if (quiet) {
		printf("%s\n", inc_incident_id(inc));
	} else {
		char short_id[INC_ID_LEN + 1];
		int sev = inc_incident_severity(inc);
		if (inc_store_short_id(short_id, ctx->store,
		                       inc_incident_id(inc), &err) < 0) {
			ret = fail(&err);
			goto done;
		}
		if (dedup) {
			printf("%s %s%s%s (%d alerts): ",
			       o.dry_run ? "would attach an alert to"
			                 : "attached an alert to",
			       color(ctx, "\033[1m"), short_id,
			       color(ctx, "\033[m"),
			       json_count(inc_incident_doc(inc),
			                  "alert_count"));
			print_safe(stdout, inc_incident_title(inc), false);
			putchar('\n');
			goto done;
		}
		printf("%s %s%s%s (%s%s%s): ",
		       o.dry_run ? "would open" : "opened",
		       color(ctx, "\033[1m"), o.dry_run ? "-----" : short_id,
		       color(ctx, "\033[m"), severity_color(ctx, sev),
		       inc_store_severity_name(ctx->store, sev),
		       color(ctx, "\033[m"));
		print_safe(stdout, inc_incident_title(inc), false);
		putchar('\n');
	}
done:
	inc_incident_free(inc);
	free(services);
	free(tags);
	return ret;
}
