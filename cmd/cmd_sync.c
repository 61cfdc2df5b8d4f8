#include <stdlib.h>
#include <string.h>

#include "cmd.h"

#define DEFAULT_TIMEOUT 30

struct sync_args {
	bool quiet;
	bool json;
	bool quarantine;
	bool accept_rewrite;
	long timeout;
};

static const struct sync_args defaults = {.timeout = DEFAULT_TIMEOUT};

static const struct opt options[] = {
        OPT_BOOL("quiet", 'q', &defaults.quiet,
                 "print nothing unless it fails"),
        OPT_BOOL("json", 0, &defaults.json, "print the result as JSON"),
        OPT_BOOL("quarantine", 0, &defaults.quarantine,
                 "set invalid events aside instead of stopping"),
        OPT_BOOL("accept-rewrite", 0, &defaults.accept_rewrite,
                 "merge a remote whose history was rewritten"),
        OPT_INT("timeout", 0, &defaults.timeout, "seconds",
                "give up on the remote after this long (default 30)", 1, 3600),
        OPT_END,
};

static int cmd_sync(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_sync_entry = {
        .name = "sync",
        .run = cmd_sync,
        .flags = CMD_WRITE,
        .summary = SUMMARY_SYNC,
        .usage = "[remote]",
        CMD_OPTS(options, defaults),
};

/* What the import met besides the new events: one line each, on stderr. */
static void
report(const inc_import_counts *c)
{
	if (c->newer > 0)
		fprintf(stderr,
		        "incident: %zu event%s written by a newer incident "
		        "%s kept but not understood here (upgrade to read "
		        "%s)\n",
		        c->newer, c->newer == 1 ? "" : "s",
		        c->newer == 1 ? "is" : "are",
		        c->newer == 1 ? "it" : "them");
	if (c->quarantined > 0)
		fprintf(stderr,
		        "incident: %zu invalid event%s set aside "
		        "(quarantined: never imported)\n",
		        c->quarantined, c->quarantined == 1 ? "" : "s");
	if (c->skipped > 0)
		fprintf(stderr,
		        "incident: %zu event%s set aside earlier skipped\n",
		        c->skipped, c->skipped == 1 ? "" : "s");
}

static int
cmd_sync(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct sync_args *a = ctx->opts;
	const char *remote = argc == 1 ? argv[0] : NULL;
	inc_sync_opts opts = INC_SYNC_OPTS_INIT;
	inc_sync_result res;
	inc_error err;
	int ret;

	if (argc > 1)
		return usage_error(ctx->cmd, "one remote at most");
	if (ctx->store == NULL) {
		inc_error_set(&err, INC_EINVALID,
		              "no store here yet: incident init --git --remote "
		              "URL makes one that syncs");
		return fail(&err);
	}
	/* a real deadline: the clock's, never INCIDENT_NOW */
	opts.remote = remote;
	opts.timeout_ms = (int)a->timeout * 1000;
	opts.quarantine = a->quarantine;
	opts.accept_rewrite = a->accept_rewrite;
	ret = inc_audit_sync(&res, ctx->store, &opts, &err);
	if (ret < 0)
		return fail(&err);
	report(&res.counts);
	if (a->json) {
		cJSON *root = json_doc();
		cJSON_AddStringToObject(root, "remote", res.remote);
		cJSON_AddNumberToObject(root, "imported", (double)res.imported);
		cJSON_AddBoolToObject(root, "merged", res.merged);
		cJSON_AddBoolToObject(root, "pushed", res.pushed);
		cJSON_AddNumberToObject(root, "newer",
		                        (double)res.counts.newer);
		cJSON_AddNumberToObject(root, "quarantined",
		                        (double)res.counts.quarantined);
		cJSON_AddNumberToObject(root, "skipped",
		                        (double)res.counts.skipped);
		return print_json(root);
	}
	if (a->quiet)
		return EXIT_OK;
	fputs("synced with ", stdout);
	print_safe(stdout, res.remote, false);
	printf(": %zu new event%s", res.imported, res.imported == 1 ? "" : "s");
	if (res.merged)
		fputs(", histories merged", stdout);
	fputs(res.pushed ? ", pushed\n" : ", nothing to push\n", stdout);
	return EXIT_OK;
}
