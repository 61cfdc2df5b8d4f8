#include "cmd.h"

struct gc_args {
	bool json;
	bool clear_locks;
};

static const struct gc_args defaults;

static const struct opt options[] = {
        OPT_BOOL("json", 0, &defaults.json, "print the result as JSON"),
        OPT_BOOL("clear-locks", 0, &defaults.clear_locks,
                 "remove the lock files killed git writers left, any age"),
        OPT_END,
};

static int cmd_gc(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_gc_entry = {
        .name = "gc",
        .run = cmd_gc,
        .flags = CMD_WRITE,
        .summary = SUMMARY_GC,
        CMD_OPTS(options, defaults),
};

static int
cmd_gc(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct gc_args *a = ctx->opts;
	inc_gc_opts opts = {.clear_locks = a->clear_locks};
	inc_gc_result res;
	inc_error err;
	int ret;

	(void)argc; /* none: main() refused any (no operands in the usage) */
	(void)argv;
	if (ctx->store == NULL) {
		inc_error_set(&err, INC_EINVALID, "no store here yet");
		return fail(&err);
	}
	if (inc_audit_gc(&res, ctx->store, &opts, &err) < 0)
		return fail(&err);
	if (a->json) {
		cJSON *root = json_doc(), *arr;
		cJSON_AddNumberToObject(root, "packed", (double)res.packed);
		cJSON_AddNumberToObject(root, "pruned", (double)res.pruned);
		cJSON_AddNumberToObject(root, "temp_removed",
		                        (double)res.temp_removed);
		arr = cJSON_AddArrayToObject(root, "locks_cleared");
		for (size_t i = 0; i < res.locks.count; i++)
			cJSON_AddItemToArray(
			        arr, cJSON_CreateString(res.locks.strings[i]));
		ret = print_json(root);
	} else {
		for (size_t i = 0; i < res.locks.count; i++) {
			fputs("cleared the lock ", stdout);
			print_safe(stdout, res.locks.strings[i], false);
			putchar('\n');
		}
		if (a->clear_locks && res.locks.count == 0)
			puts("no lock files to clear");
		if (res.temp_removed > 0)
			printf("removed %zu temporary or lock file%s left by "
			       "killed runs\n",
			       res.temp_removed,
			       res.temp_removed == 1 ? "" : "s");
		printf("packed %zu objects into one pack; removed %zu loose "
		       "ones\n",
		       res.packed, res.pruned);
		ret = EXIT_OK;
	}
	inc_strarray_dispose(&res.locks);
	return ret;
}
