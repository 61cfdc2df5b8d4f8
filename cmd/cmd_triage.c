#include <stdlib.h>

#include "cmd.h"

static const struct opt triage_opts[] = {
        CHANGE_OPTS,
        {"severity", 's', required_argument, "sev",
         "severity: 1, sev1 or SEV1"},
        {"impact", OPT_IMPACT, required_argument, "level",
         "impact: high, medium or low"},
        {"urgency", OPT_URGENCY, required_argument, "level",
         "urgency: high, medium or low"},
        {"priority", OPT_PRIORITY, required_argument, "P1..P4",
         "priority outright (default: from impact x urgency)"},
        {"commander", OPT_COMMANDER, required_argument, "who",
         "the incident commander"},
        {"service", OPT_SERVICE, required_argument, "name",
         "an affected service (repeatable)"},
        {"tag", OPT_TAG, required_argument, "tag", "a tag (repeatable)"},
        {"summary", OPT_SUMMARY, required_argument, "text",
         "what is known so far"},
        {"started", OPT_STARTED, required_argument, "time",
         "when the impact began"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_triage(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_triage_entry = {
        .name = "triage",
        .run = cmd_triage,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Acknowledge and classify an incident in one step.",
        .opts = triage_opts,
        .usage = "incident triage [-q] [--json] [--dry-run] [--at time] [-s "
                 "sev] [--impact level] [--urgency level] [--priority P1..P4] "
                 "[--commander who] [--service name]... [--tag tag]... "
                 "[--summary text] [--started time] id",
};

static int
cmd_triage(struct inc_ctx *ctx, int argc, char **argv)
{
	struct change_args a = {0};
	const char **services = calloc((size_t)argc + 1, sizeof(char *));
	const char **tags = calloc((size_t)argc + 1, sizeof(char *));
	struct opt_state st;
	int c, r, ret = EXIT_FAIL;

	if (services == NULL || tags == NULL)
		goto done;
	a.o.services = services;
	a.o.tags = tags;
	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		if ((r = change_opt(ctx, &a, c, st.arg, &ret)) < 0)
			goto done;
		if (r > 0)
			continue;
		switch (c) {
		case 's':
			if ((ret = parse_severity(&a.o.severity, ctx, st.arg)))
				goto done;
			break;
		case OPT_IMPACT:
			a.o.impact = st.arg;
			break;
		case OPT_URGENCY:
			a.o.urgency = st.arg;
			break;
		case OPT_PRIORITY:
			a.o.priority = st.arg;
			break;
		case OPT_COMMANDER:
			a.o.commander = st.arg;
			break;
		case OPT_SERVICE:
			services[a.o.nservices++] = st.arg;
			break;
		case OPT_TAG:
			tags[a.o.ntags++] = st.arg;
			break;
		case OPT_SUMMARY:
			a.o.summary = st.arg;
			break;
		case OPT_STARTED:
			if ((ret = parse_time(&a.o.started, ctx, st.arg)))
				goto done;
			break;
		default:
			ret = EXIT_USAGE;
			goto done;
		}
	}
	if (opt_end(&st) != argc - 1) {
		ret = usage_error(ctx->cmd, "one incident id is needed");
		goto done;
	}
	ret = change_run(ctx, argv[argc - 1], INC_ACTION_TRIAGE, &a);
done:
	free(services);
	free(tags);
	return ret;
}
