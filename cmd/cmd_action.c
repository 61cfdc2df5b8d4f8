/* incident action add|done|list: follow-up actions, tracked to done. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct list_args {
	inc_followup_query q;
	bool json;
};

static int due_option(struct inc_ctx *ctx, void *target, const char *arg);
static int action_add(struct inc_ctx *ctx, int argc, char **argv);
static int action_done(struct inc_ctx *ctx, int argc, char **argv);
static int action_list(struct inc_ctx *ctx, int argc, char **argv);

static const struct change_args change;
static const struct list_args list;

static const struct opt add_options[] = {
        CHANGE_OPTS(&change),
        OPT_STRING("owner", 0, &change.o.owner, "who", "who owns it"),
        OPT_CALLBACK("due", 0, &change.o.due, "date", "when it is due",
                     due_option, 0),
        OPT_STRING("type", 0, &change.o.action_type, "type",
                   "detective, preventive or corrective"),
        OPT_STRING("priority", 0, &change.o.action_priority, "level",
                   "high, medium or low"),
        OPT_END,
};

static const struct opt done_options[] = {
        CHANGE_OPTS(&change),
        OPT_END,
};

static const struct opt list_options[] = {
        OPT_BOOL("json", 0, &list.json, "print the actions as JSON"),
        OPT_BOOL("open", 0, &list.q.open, "only actions not done"),
        OPT_BOOL("overdue", 0, &list.q.overdue,
                 "only open actions past their due date"),
        OPT_STRING("owner", 0, &list.q.owner, "who",
                   "only the actions of this owner"),
        OPT_END,
};

extern const struct cmd cmd_action_entry;

/* Each subcommand is a command of its own: flags, options, usage. */
static const struct cmd add_entry = {
        .name = "add",
        .parent = &cmd_action_entry,
        .run = action_add,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Add a follow-up action to an incident.",
        .usage = "id text",
        CMD_OPTS(add_options, change),
};

static const struct cmd done_entry = {
        .name = "done",
        .parent = &cmd_action_entry,
        .run = action_done,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Mark an action done.",
        .usage = "id n",
        CMD_OPTS(done_options, change),
};

static const struct cmd list_entry = {
        .name = "list",
        .parent = &cmd_action_entry,
        .run = action_list,
        .flags = CMD_READ,
        .summary = "List the actions of every incident, by due date.",
        CMD_OPTS(list_options, list),
};

static const struct cmd *const subcommands[] = {
        &add_entry,
        &done_entry,
        &list_entry,
        NULL,
};

const struct cmd cmd_action_entry = {
        .name = "action",
        .summary = "Track follow-up actions: add, done, list.",
        .subcommands = subcommands,
};

/* Due on a day means by its end, where you are. */
static int
due_option(struct inc_ctx *ctx, void *target, const char *arg)
{
	int ret;

	if ((ret = parse_time(target, ctx, arg)) != 0)
		return ret;
	if (strlen(arg) == 10 && arg[4] == '-')
		*(int64_t *)target += 86399;
	return 0;
}

static int
action_list(struct inc_ctx *ctx, int argc, char **argv)
{
	struct list_args *a = ctx->opts;
	cJSON *arr = NULL, *it;
	inc_error err;

	(void)argc; /* none: main() refused any (no operands in the usage) */
	(void)argv;
	a->q.now = ctx->now;
	if (ctx->store != NULL &&
	    doc_followups(&arr, ctx->store, &a->q, &err) < 0)
		return fail(&err);
	if (a->json) {
		cJSON *root = json_doc();
		cJSON_AddItemToObject(root, "actions",
		                      arr != NULL ? arr : cJSON_CreateArray());
		return print_json(root);
	}
	cJSON_ArrayForEach (it, arr) {
		int64_t due_t = 0;
		char due[16] = "-", when[32];
		bool done = json_str(it, "done_at") != NULL;
		bool late = cJSON_IsTrue(
		        cJSON_GetObjectItemCaseSensitive(it, "overdue"));

		if (inc_time_from_rfc3339(&due_t, json_str(it, "due")) == 0)
			snprintf(due, sizeof(due), "%.10s",
			         local_time(when, sizeof(when), due_t));
		printf("%s #%-3d %s%-10.10s%s  %-8s  ",
		       json_str(it, "short_id"), json_count(it, "n"),
		       late ? color(ctx, "\033[1;31m") : "", due,
		       late ? color(ctx, "\033[m") : "",
		       done   ? "done"
		       : late ? "overdue"
		              : "open");
		if (json_str(it, "owner") != NULL) {
			print_safe(stdout, json_str(it, "owner"), false);
			fputs(": ", stdout);
		}
		print_safe(stdout, json_str(it, "text"), false);
		putchar('\n');
	}
	cJSON_Delete(arr);
	return EXIT_OK;
}

static int
action_add(struct inc_ctx *ctx, int argc, char **argv)
{
	struct change_args *a = ctx->opts;
	char *text;
	int ret;

	if (argc < 2)
		return usage_error(ctx->cmd, "add needs an id and a text");
	if ((ret = need_store(ctx, argv[0])) != 0)
		return ret;
	if ((text = join_words(argc - 1, argv + 1)) == NULL)
		return EXIT_FAIL;
	a->o.text = text;
	ret = change_run(ctx, argv[0], INC_ACTION_ACTION_ADD, a);
	a->o.text = NULL;
	free(text);
	return ret;
}

static int
action_done(struct inc_ctx *ctx, int argc, char **argv)
{
	struct change_args *a = ctx->opts;
	const char *n;
	char *end;
	long v;
	int ret;

	if (argc != 2)
		return usage_error(ctx->cmd, "done needs an id and a number");
	n = *argv[1] == '#' ? argv[1] + 1 : argv[1];
	v = strtol(n, &end, 10);
	if (*n == '\0' || *end != '\0' || v < 1 || v > INT_MAX)
		return usage_error(ctx->cmd,
		                   "an action number is 1, 2, ... (not '%s')",
		                   argv[1]);
	a->o.action_n = (int)v;
	if ((ret = need_store(ctx, argv[0])) != 0)
		return ret;
	return change_run(ctx, argv[0], INC_ACTION_ACTION_DONE, a);
}
