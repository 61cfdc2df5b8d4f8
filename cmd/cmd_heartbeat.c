/*
 * incident heartbeat NAME --every D: a ping of a dead-man switch; list,
 * remove. tick opens an incident for a heartbeat that stopped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct heartbeat_args {
	const char *every;
	const char *grace;
	const char *service;
	int severity;
	bool json;
	bool quiet;
};

static int ping_run(struct inc_ctx *ctx, int argc, char **argv);
static int list_run(struct inc_ctx *ctx, int argc, char **argv);
static int remove_run(struct inc_ctx *ctx, int argc, char **argv);

static const struct heartbeat_args ping_defaults;
struct list_args {
	bool json;
	bool names;
};

static const struct list_args list_defaults;
static const struct heartbeat_args remove_defaults;

static const struct opt ping_options[] = {
        OPT_STRING("every", 0, &ping_defaults.every, "duration",
                   "how often it pings (10m, 1h, 1d); the first ping "
                   "needs it"),
        OPT_STRING("grace", 0, &ping_defaults.grace, "duration",
                   "how late a ping may be before it is overdue"),
        OPT_STRING("service", 0, &ping_defaults.service, "service",
                   "the service of its incident (and its paging policy)"),
        OPT_SEVERITY("severity", 0, &ping_defaults.severity, "sev",
                     "the severity of its incident"),
        OPT_BOOL("json", 0, &ping_defaults.json, "print the answer as JSON"),
        OPT_BOOL("quiet", 'q', &ping_defaults.quiet, "print nothing"),
        OPT_END,
};

static const struct opt list_options[] = {
        OPT_BOOL("json", 0, &list_defaults.json,
                 "print the heartbeats as JSON"),
        OPT_BOOL("names", 0, &list_defaults.names,
                 "print their names, one a line"),
        OPT_END,
};

static const struct opt remove_options[] = {
        OPT_BOOL("quiet", 'q', &remove_defaults.quiet, "print nothing"),
        OPT_END,
};

extern const struct cmd cmd_heartbeat_entry;

static const struct cmd list_entry = {
        .name = "list",
        .parent = &cmd_heartbeat_entry,
        .run = list_run,
        .flags = CMD_READ,
        .summary = "List the heartbeats: last ping, when due, state.",
        CMD_OPTS(list_options, list_defaults),
};

static const struct cmd remove_entry = {
        .name = "remove",
        .parent = &cmd_heartbeat_entry,
        .run = remove_run,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Stop watching a heartbeat.",
        .usage = "name",
        CMD_OPTS(remove_options, remove_defaults),
};

static const struct cmd *const subcommands[] = {
        &list_entry,
        &remove_entry,
        NULL,
};

const struct cmd cmd_heartbeat_entry = {
        .name = "heartbeat",
        .run = ping_run,
        .flags = CMD_CREATE | CMD_MIRROR,
        .summary = "Ping a heartbeat (a dead-man switch); list, remove.",
        .usage = "name",
        CMD_OPTS(ping_options, ping_defaults),
        .subcommands = subcommands,
};

static int
parse_duration(int64_t *out, struct inc_ctx *ctx, const char *opt,
               const char *text)
{
	if (inc_duration_parse(out, text) < 0)
		return usage_error(ctx->cmd,
		                   "--%s: '%.40s' is not a duration (90s, 10m, "
		                   "1h30m, 2d)",
		                   opt, text);
	return 0;
}

static int
ping_run(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct heartbeat_args *a = ctx->opts;
	inc_heartbeat_opts o = INC_HEARTBEAT_OPTS_INIT;
	char *text = NULL;
	cJSON *doc, *r, *all;
	inc_error err;
	int status;

	if (argc != 1)
		return usage_error(ctx->cmd, "heartbeat needs one name");
	if (a->every != NULL &&
	    (status = parse_duration(&o.every, ctx, "every", a->every)) != 0)
		return status;
	if (a->every != NULL && o.every == 0)
		return usage_error(ctx->cmd, "--every: not a duration above "
		                             "zero");
	if (a->grace != NULL &&
	    (status = parse_duration(&o.grace, ctx, "grace", a->grace)) != 0)
		return status;
	o.service = a->service;
	o.severity = a->severity;
	o.now = ctx->now;
	if (inc_heartbeat_ping(&text, ctx->store, argv[0], &o, &err) < 0)
		return fail(&err);
	if ((doc = cJSON_Parse(text)) == NULL) {
		inc_str_free(text);
		fputs("incident: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	inc_str_free(text);
	if (a->json) {
		cJSON *root = json_doc();
		cJSON_AddItemToObject(root, "heartbeat", doc);
		return print_json(root);
	}
	/* a ping that changes nothing says nothing: cron mails what it
	 * prints */
	all = cJSON_GetObjectItemCaseSensitive(doc, "recoveries");
	cJSON_ArrayForEach (r, all) {
		if (a->quiet)
			break;
		fputs("heartbeat ", stdout);
		print_safe(stdout, argv[0], false);
		printf(" recovered: %s", json_str(r, "short_id"));
		if (json_str(r, "did") != NULL && *json_str(r, "did") != '\0')
			printf(" %s", json_str(r, "did"));
		putchar('\n');
	}
	if (!a->quiet &&
	    cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(doc, "set"))) {
		char every[32], grace[32];
		fputs("heartbeat ", stdout);
		print_safe(stdout, argv[0], false);
		printf(" %s: every %s",
		       cJSON_IsTrue(
		               cJSON_GetObjectItemCaseSensitive(doc, "created"))
		               ? "set"
		               : "changed",
		       inc_duration_format(every, sizeof(every),
		                           o.every != 0 ? o.every : 0));
		if (o.grace >= 0)
			printf(", grace %s",
			       inc_duration_format(grace, sizeof(grace),
			                           o.grace));
		putchar('\n');
	}
	cJSON_Delete(doc);
	return EXIT_OK;
}

static void
print_row(struct inc_ctx *ctx, const cJSON *h)
{
	char every[32], grace[32], rel[32], due[32];
	int64_t n = 0, t = 0;
	const char *state = json_str(h, "state");

	json_int(&n, h, "every", 0, INT64_MAX);
	inc_duration_format(every, sizeof(every), n);
	n = 0;
	json_int(&n, h, "grace", 0, INT64_MAX);
	inc_duration_format(grace, sizeof(grace), n);
	fputs(color(ctx, state != NULL && strcmp(state, "overdue") == 0
	                         ? "\033[31m"
	                         : ""),
	      stdout);
	printf("%-8s", state != NULL ? state : "?");
	fputs(color(ctx, "\033[m"), stdout);
	putchar(' ');
	print_safe(stdout, json_str(h, "name"), false);
	printf("  every %s", every);
	if (n != 0)
		printf(" + %s", grace);
	if (inc_time_from_rfc3339(&t, json_str(h, "last_ping_at")) == 0)
		printf(", last ping %s",
		       inc_time_relative(rel, sizeof(rel), t, ctx->now));
	if (inc_time_from_rfc3339(&t, json_str(h, "due_at")) == 0)
		printf(", due %s", local_time(due, sizeof(due), t));
	if (json_str(h, "short_id") != NULL)
		printf(", incident %s", json_str(h, "short_id"));
	putchar('\n');
}

static int
list_run(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct list_args *a = ctx->opts;
	char *text = NULL;
	inc_error err;
	cJSON *arr, *it;

	(void)argv;
	if (argc != 0)
		return usage_error(ctx->cmd, "list takes no operand");
	if (ctx->store == NULL) {
		arr = cJSON_CreateArray();
	} else {
		if (inc_heartbeat_list_json(&text, ctx->store, ctx->now, &err) <
		    0)
			return fail(&err);
		arr = cJSON_Parse(text);
		inc_str_free(text);
	}
	if (arr == NULL) {
		fputs("incident: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	if (a->json) {
		cJSON *root = json_doc();
		cJSON_AddItemToObject(root, "heartbeats", arr);
		return print_json(root);
	}
	cJSON_ArrayForEach (it, arr) {
		if (!a->names) {
			print_row(ctx, it);
			continue;
		}
		print_safe(stdout, json_str(it, "name"), false);
		putchar('\n');
	}
	cJSON_Delete(arr);
	return EXIT_OK;
}

static int
remove_run(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct heartbeat_args *a = ctx->opts;
	inc_error err;

	if (argc != 1)
		return usage_error(ctx->cmd, "remove needs a heartbeat's name");
	if (ctx->store == NULL) {
		inc_error_set(&err, INC_ENOTFOUND, "%.70s: no such heartbeat",
		              argv[0]);
		return fail(&err);
	}
	if (inc_heartbeat_remove(ctx->store, argv[0], ctx->now, &err) < 0)
		return fail(&err);
	if (!a->quiet) {
		fputs("removed heartbeat ", stdout);
		print_safe(stdout, argv[0], false);
		putchar('\n');
	}
	return EXIT_OK;
}
