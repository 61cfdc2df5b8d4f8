/* incident open: a new incident, or an alert attached to an active one. */

#include "cmd.h"

struct open_args {
	inc_open_opts o;
	bool quiet;
	bool json;
};

static const struct open_args defaults = {.o = INC_OPEN_OPTS_INIT};

static const struct opt options[] = {
        OPT_BOOL("quiet", 'q', &defaults.quiet, "print only the new id"),
        OPT_BOOL("json", 0, &defaults.json, "print the incident as JSON"),
        OPT_BOOL("dry-run", 0, &defaults.o.dry_run,
                 "check and show what would happen; change nothing"),
        OPT_SEVERITY("severity", 's', &defaults.o.severity, "sev",
                     "severity: 1, sev1 or SEV1 (default from config: SEV3)"),
        OPT_LIST("service", 0, &defaults.o.services, &defaults.o.nservices,
                 "name", "an affected service (repeatable)"),
        OPT_LIST("tag", 0, &defaults.o.tags, &defaults.o.ntags, "tag",
                 "a tag (repeatable)"),
        OPT_STRING("summary", 0, &defaults.o.summary, "text",
                   "what is known so far"),
        OPT_TIME("at", 0, &defaults.o.at, "time",
                 "when it was detected (default: now)"),
        OPT_TIME("started", 0, &defaults.o.started, "time",
                 "when the impact began, if before it was detected"),
        OPT_STRING("commander", 0, &defaults.o.commander, "who",
                   "the incident commander"),
        OPT_BOOL("drill", 0, &defaults.o.drill,
                 "an exercise (game day): left out of metrics"),
        OPT_STRING("dedup-key", 0, &defaults.o.dedup_key, "key",
                   "while an incident with this key is active, attach to it"),
        OPT_STRING("source", 0, &defaults.o.source, "name",
                   "where the alert came from"),
        OPT_END,
};

static int cmd_open(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_open_entry = {
        .name = "open",
        .run = cmd_open,
        .flags = CMD_CREATE | CMD_MIRROR,
        .summary = "Open an incident and print its id.",
        .usage = "title",
        CMD_OPTS(options, defaults),
};

/* "incident: warning: 7fk2q not paged: config ...; incident tick ..." */
static void
warn_unpaged(struct inc_ctx *ctx, const inc_incident *inc, const inc_error *e)
{
	char short_id[INC_ID_LEN + 1];
	const struct open_args *a = ctx->opts;

	if (a->o.dry_run ||
	    inc_id_short(short_id, ctx->store, inc_incident_id(inc), NULL) < 0)
		snprintf(short_id, sizeof(short_id), "%.*s", INC_SHORT_ID_MIN,
		         inc_incident_id(inc));
	fflush(stdout);
	fprintf(stderr, "incident: warning: %s not paged: ", short_id);
	print_safe(stderr, e->message, false);
	fputs(a->o.dry_run ? "\n"
	                   : "; incident tick pages it once the config is "
	                     "fixed\n",
	      stderr);
}

static int
cmd_open(struct inc_ctx *ctx, int argc, char **argv)
{
	struct open_args *a = ctx->opts;
	inc_incident *inc = NULL;
	bool dedup = false;
	inc_error err, unpaged = {0};
	int ret = EXIT_OK;

	if (argc != 1)
		return usage_error(ctx->cmd, argc == 0
		                                     ? "a title is needed"
		                                     : "the title must be one "
		                                       "argument (quote it)");
	a->o.title = argv[0];
	a->o.now = ctx->now;
	a->o.unpaged = &unpaged;
	if (inc_incident_open(&inc, &dedup, ctx->store, &a->o, &err) < 0) {
		ret = fail(&err);
		goto done;
	}
	if (a->json) {
		cJSON *root = json_doc(), *doc;
		if (doc_incident(&doc, ctx->store, inc, ctx->now, &err) < 0) {
			cJSON_Delete(root);
			ret = fail(&err);
			goto done;
		}
		cJSON_AddBoolToObject(root, "dry_run", a->o.dry_run);
		cJSON_AddBoolToObject(root, "deduplicated", dedup);
		cJSON_AddItemToObject(root, "incident", doc);
		ret = print_json(root);
	} else if (a->quiet) {
		printf("%s\n", inc_incident_id(inc));
	} else {
		char short_id[INC_ID_LEN + 1];
		int sev = inc_incident_severity(inc);
		if (inc_id_short(short_id, ctx->store, inc_incident_id(inc),
		                 &err) < 0) {
			ret = fail(&err);
			goto done;
		}
		if (dedup) {
			printf("%s %s%s%s (%d alerts): ",
			       a->o.dry_run ? "would attach an alert to"
			                    : "attached an alert to",
			       color(ctx, "\033[1m"), short_id,
			       color(ctx, "\033[m"),
			       inc_incident_alert_count(inc));
			print_safe(stdout, inc_incident_title(inc), false);
			putchar('\n');
			goto done;
		}
		printf("%s %s%s%s (%s%s%s): ",
		       a->o.dry_run ? "would open" : "opened",
		       color(ctx, "\033[1m"), a->o.dry_run ? "-----" : short_id,
		       color(ctx, "\033[m"), severity_color(ctx, sev),
		       inc_severity_name(ctx->store, sev),
		       color(ctx, "\033[m"));
		print_safe(stdout, inc_incident_title(inc), false);
		putchar('\n');
	}
done:
	/* a typo in the paging config never stops an incident being
	 * recorded: it is said, after what was recorded */
	if (inc != NULL && unpaged.code != 0)
		warn_unpaged(ctx, inc, &unpaged);
	inc_incident_free(inc);
	return ret;
}
