/* incident action add|done|list: follow-up actions, tracked to done. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct action_args {
	struct change_args c;
	bool open;
	bool overdue;
};

static int due_option(struct inc_ctx *ctx, void *target, const char *arg);

static const struct action_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults.c),
        OPT_STRING("owner", 0, &defaults.c.o.owner, "who",
                   "add: who owns it; list: only theirs"),
        OPT_CALLBACK("due", 0, &defaults.c.o.due, "date", "add: when it is due",
                     due_option, 0),
        OPT_STRING("type", 0, &defaults.c.o.action_type, "type",
                   "add: detective, preventive or corrective"),
        OPT_STRING("priority", 0, &defaults.c.o.action_priority, "level",
                   "add: high, medium or low"),
        OPT_BOOL("open", 0, &defaults.open, "list: only actions not done"),
        OPT_BOOL("overdue", 0, &defaults.overdue,
                 "list: only open actions past their due date"),
        OPT_END,
};

static int cmd_action(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_action_entry = {
        .name = "action",
        .run = cmd_action,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Track follow-up actions: add, done, list.",
        .opts = options,
        .defaults = &defaults,
        .size = sizeof(defaults),
        .usage = "incident action add [-q] [--json] [--dry-run] [--owner who] "
                 "[--due date] [--type type] [--priority level] id text\n      "
                 " incident action done [-q] [--json] [--dry-run] id n\n       "
                 "incident action list [--json] [--open] [--overdue] [--owner "
                 "who]",
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
list_actions(struct inc_ctx *ctx, const struct change_args *a, bool open,
             bool overdue, const char *owner)
{
	inc_action_query q = {open, overdue, owner, ctx->now};
	cJSON *arr = NULL, *it;
	inc_error err;

	if (ctx->store != NULL &&
	    inc_action_list(&arr, ctx->store, &q, &err) < 0)
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
		bool done = inc_json_str(it, "done_at") != NULL;
		bool late = cJSON_IsTrue(
		        cJSON_GetObjectItemCaseSensitive(it, "overdue"));

		if (inc_time_from_rfc3339(&due_t, inc_json_str(it, "due")) == 0)
			snprintf(due, sizeof(due), "%.10s",
			         local_time(when, sizeof(when), due_t));
		printf("%s #%-3d %s%-10.10s%s  %-8s  ",
		       inc_json_str(it, "short_id"), json_count(it, "n"),
		       late ? color(ctx, "\033[1;31m") : "", due,
		       late ? color(ctx, "\033[m") : "",
		       done   ? "done"
		       : late ? "overdue"
		              : "open");
		if (inc_json_str(it, "owner") != NULL) {
			print_safe(stdout, inc_json_str(it, "owner"), false);
			fputs(": ", stdout);
		}
		print_safe(stdout, inc_json_str(it, "text"), false);
		putchar('\n');
	}
	cJSON_Delete(arr);
	return EXIT_OK;
}

static int
cmd_action(struct inc_ctx *ctx, int argc, char **argv)
{
	struct action_args *a = ctx->opts;
	const char *sub;
	char *end, *text;
	int ret;

	if (argc == 0)
		return usage_error(ctx->cmd, "add, done or list?");
	sub = argv[0];
	if (strcmp(sub, "list") == 0) {
		if (argc != 1)
			return usage_error(ctx->cmd, "list takes no operands");
		return list_actions(ctx, &a->c, a->open, a->overdue,
		                    a->c.o.owner);
	}
	if (strcmp(sub, "add") == 0) {
		if (argc < 3)
			return usage_error(ctx->cmd,
			                   "add needs an id and a text");
		if ((ret = need_store(ctx, argv[1])) != 0)
			return ret;
		if ((text = join_words(argc - 2, argv + 2)) == NULL)
			return EXIT_FAIL;
		a->c.o.text = text;
		ret = change_run(ctx, argv[1], INC_ACTION_ACTION_ADD, &a->c);
		free(text);
		return ret;
	}
	if (strcmp(sub, "done") == 0) {
		if (argc != 3)
			return usage_error(ctx->cmd,
			                   "done needs an id and a number");
		a->c.o.action_n = (int)strtol(argv[2], &end, 10);
		if (*argv[2] == '#')
			a->c.o.action_n = (int)strtol(argv[2] + 1, &end, 10);
		if (*end != '\0' || a->c.o.action_n < 1)
			return usage_error(ctx->cmd,
			                   "an action number is 1, 2, ... (not "
			                   "'%s')",
			                   argv[2]);
		if ((ret = need_store(ctx, argv[1])) != 0)
			return ret;
		return change_run(ctx, argv[1], INC_ACTION_ACTION_DONE, &a->c);
	}
	return usage_error(
	        ctx->cmd, "unknown action command '%s' (add, done, list)", sub);
}
