/* incident triage (ack): acknowledge and classify in one step. */
#include <stdlib.h>

#include "cmd.h"

static const struct change_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults),
        OPT_SEVERITY("severity", 's', &defaults.o.severity, "sev",
                     "severity: 1, sev1 or SEV1"),
        OPT_STRING("impact", 0, &defaults.o.impact, "level",
                   "impact: high, medium or low"),
        OPT_STRING("urgency", 0, &defaults.o.urgency, "level",
                   "urgency: high, medium or low"),
        OPT_STRING("priority", 0, &defaults.o.priority, "P1..P4",
                   "priority outright (default: from impact x urgency)"),
        OPT_STRING("commander", 0, &defaults.o.commander, "who",
                   "the incident commander"),
        OPT_LIST("service", 0, &defaults.o.services, &defaults.o.nservices,
                 "name", "an affected service (repeatable)"),
        OPT_LIST("tag", 0, &defaults.o.tags, &defaults.o.ntags, "tag",
                 "a tag (repeatable)"),
        OPT_STRING("summary", 0, &defaults.o.summary, "text",
                   "what is known so far"),
        OPT_TIME("started", 0, &defaults.o.started, "time",
                 "when the impact began"),
        OPT_STRING("dedup-key", 0, &defaults.dedup_key, "key",
                   "the incident this dedup key names, instead of an id"),
        OPT_END,
};

static int cmd_triage(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_triage_entry = {
        .name = "triage",
        .run = cmd_triage,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Acknowledge and classify an incident in one step.",
        .usage = "id",
        CMD_OPTS(options, defaults),
};

static int
cmd_triage(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct change_args *a = ctx->opts;
	char *mem;
	int ret;

	if ((ret = dedup_operand(ctx, a->dedup_key, &argc, &argv, &mem)) != 0)
		return ret;
	ret = change_one(ctx, argc, argv, INC_ACTION_TRIAGE);
	/* the runbook that applies, after the usual answer */
	if (ret == EXIT_OK && !a->quiet && !a->json)
		runbook_show_section(ctx, argv[0], "Runbook: ", "  ");
	free(mem);
	return ret;
}
