/* incident action add|done|list: follow-up actions, tracked to done. */
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const struct opt action_opts[] = {
        CHANGE_OPTS,
        {"owner", OPT_OWNER, required_argument, "who",
         "add: who owns it; list: only theirs"},
        {"due", OPT_DUE, required_argument, "date", "add: when it is due"},
        {"type", OPT_TYPE, required_argument, "type",
         "add: detective, preventive or corrective"},
        {"priority", OPT_PRIORITY, required_argument, "level",
         "add: high, medium or low"},
        {"open", OPT_OPEN, no_argument, NULL, "list: only actions not done"},
        {"overdue", OPT_OVERDUE, no_argument, NULL,
         "list: only open actions past their due date"},
        {NULL, 0, 0, NULL, NULL},
};

static int cmd_action(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_action_entry = {
        .name = "action",
        .run = cmd_action,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Track follow-up actions: add, done, list.",
        .opts = action_opts,
        .usage = "incident action add [-q] [--json] [--dry-run] [--owner who] "
                 "[--due date] [--type type] [--priority level] id text\n      "
                 " incident action done [-q] [--json] [--dry-run] id n\n       "
                 "incident action list [--json] [--open] [--overdue] [--owner "
                 "who]",
};

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
	struct change_args a = {0};
	bool open = false, overdue = false;
	const char *owner = NULL, *sub;
	struct opt_state st;
	int c, r, first, ret = 0;
	char *end, *text;

	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		if ((r = change_opt(ctx, &a, c, st.arg, &ret)) < 0)
			return ret;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_OWNER:
			owner = st.arg;
			break;
		case OPT_DUE:
			if ((ret = parse_time(&a.o.due, ctx, st.arg)))
				return ret;
			/* due on a day means by its end, where you are */
			if (strlen(st.arg) == 10 && st.arg[4] == '-')
				a.o.due += 86399;
			break;
		case OPT_TYPE:
			a.o.action_type = st.arg;
			break;
		case OPT_PRIORITY:
			a.o.action_priority = st.arg;
			break;
		case OPT_OPEN:
			open = true;
			break;
		case OPT_OVERDUE:
			overdue = true;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	first = opt_end(&st);
	if (first >= argc)
		return usage_error(ctx->cmd, "add, done or list?");
	sub = argv[first++];
	if (strcmp(sub, "list") == 0) {
		if (first != argc)
			return usage_error(ctx->cmd, "list takes no operands");
		return list_actions(ctx, &a, open, overdue, owner);
	}
	if (strcmp(sub, "add") == 0) {
		if (argc - first < 2)
			return usage_error(ctx->cmd,
			                   "add needs an id and a text");
		if ((ret = need_store(ctx, argv[first])) != 0)
			return ret;
		if ((text = join_words(argc - first - 1, argv + first + 1)) ==
		    NULL)
			return EXIT_FAIL;
		a.o.text = text;
		a.o.owner = owner;
		ret = change_run(ctx, argv[first], INC_ACTION_ACTION_ADD, &a);
		free(text);
		return ret;
	}
	if (strcmp(sub, "done") == 0) {
		if (argc - first != 2)
			return usage_error(ctx->cmd,
			                   "done needs an id and a number");
		a.o.action_n = (int)strtol(argv[first + 1], &end, 10);
		if (*argv[first + 1] == '#')
			a.o.action_n =
			        (int)strtol(argv[first + 1] + 1, &end, 10);
		if (*end != '\0' || a.o.action_n < 1)
			return usage_error(ctx->cmd,
			                   "an action number is 1, 2, ... (not "
			                   "'%s')",
			                   argv[first + 1]);
		if ((ret = need_store(ctx, argv[first])) != 0)
			return ret;
		return change_run(ctx, argv[first], INC_ACTION_ACTION_DONE, &a);
	}
	return usage_error(
	        ctx->cmd, "unknown action command '%s' (add, done, list)", sub);
}
