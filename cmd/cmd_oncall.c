/* incident oncall [rota], override, overrides, remove: who is on call. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct oncall_args {
	int64_t at;
	bool json;
	bool names;
};

struct override_args {
	int64_t from, until;
	const char *reason;
	bool json;
	bool quiet;
};

static int oncall_run(struct inc_ctx *ctx, int argc, char **argv);
static int override_run(struct inc_ctx *ctx, int argc, char **argv);
static int overrides_run(struct inc_ctx *ctx, int argc, char **argv);
static int remove_run(struct inc_ctx *ctx, int argc, char **argv);

/* no --at: INT64_MIN, which no time parses to (0 is 1970-01-01T00:00Z) */
static const struct oncall_args oncall_defaults = {.at = INT64_MIN};
static const struct override_args override_defaults;
static const struct json_args list_defaults;

static const struct opt oncall_options[] = {
        OPT_BOOL("json", 0, &oncall_defaults.json, "print the answer as JSON"),
        OPT_BOOL("names", 0, &oncall_defaults.names,
                 "print the names of the rotas, one a line"),
        OPT_TIME("at", 0, &oncall_defaults.at, "time",
                 "who is on call then (default: now)"),
        OPT_END,
};

static const struct opt override_options[] = {
        OPT_BOOL("json", 0, &override_defaults.json,
                 "print the override's id as JSON"),
        OPT_BOOL("quiet", 'q', &override_defaults.quiet, "print nothing"),
        OPT_ROW(OPT_TYPE_TIME, "from", 0,
                OPT_TARGET(&override_defaults.from, int64_t), "time",
                "when the override begins", .flags = OPT_REQUIRED),
        OPT_ROW(OPT_TYPE_TIME, "until", 0,
                OPT_TARGET(&override_defaults.until, int64_t), "time",
                "when it ends", .flags = OPT_REQUIRED),
        OPT_STRING("reason", 0, &override_defaults.reason, "text",
                   "why (a swap, a holiday)"),
        OPT_END,
};

static const struct opt overrides_options[] = {
        OPT_BOOL("json", 0, &list_defaults.json, "print the overrides as JSON"),
        OPT_END,
};

static const struct opt remove_options[] = {
        OPT_END,
};

extern const struct cmd cmd_oncall_entry;

static const struct cmd override_entry = {
        .name = "override",
        .parent = &cmd_oncall_entry,
        .run = override_run,
        .flags = CMD_CREATE | CMD_MIRROR,
        .summary = "Put someone on call on a rota for a while.",
        .usage = "rota who",
        CMD_OPTS(override_options, override_defaults),
};

static const struct cmd overrides_entry = {
        .name = "overrides",
        .parent = &cmd_oncall_entry,
        .run = overrides_run,
        .flags = CMD_READ,
        .summary = "List the overrides of a rota, with their ids.",
        .usage = "rota",
        CMD_OPTS(overrides_options, list_defaults),
};

static const struct cmd remove_entry = {
        .name = "remove",
        .parent = &cmd_oncall_entry,
        .run = remove_run,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Remove an override: the rota decides again.",
        .usage = "rota override-id",
        CMD_OPTS(remove_options, override_defaults),
};

static const struct cmd *const subcommands[] = {
        &override_entry,
        &overrides_entry,
        &remove_entry,
        NULL,
};

const struct cmd cmd_oncall_entry = {
        .name = "oncall",
        .run = oncall_run,
        .flags = CMD_READ,
        .summary = "Say who is on call, now or then; override a rota.",
        .usage = "[rota]",
        CMD_OPTS(oncall_options, oncall_defaults),
        .subcommands = subcommands,
};

/* The config: the store's, or without a store the user's alone. */
static int
load_config(const inc_config **cfg, inc_config **owned, struct inc_ctx *ctx,
            inc_error *err)
{
	*owned = NULL;
	if (ctx->store != NULL)
		return inc_store_config(cfg, ctx->store, err);
	if (inc_config_load(owned, ctx->dir, err) < 0)
		return err->code;
	*cfg = *owned;
	return 0;
}

static void
add_time(cJSON *o, const char *key, int64_t t, bool set)
{
	char buf[32];

	if (set)
		cJSON_AddStringToObject(o, key,
		                        inc_time_rfc3339(buf, sizeof(buf), t));
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *
oncall_json(const inc_oncall *oc, const char *zone)
{
	cJSON *o = cJSON_CreateObject();

	if (o == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "rota", oc->rota);
	if (oc->who[0] != '\0')
		cJSON_AddStringToObject(o, "who", oc->who);
	else
		cJSON_AddNullToObject(o, "who");
	add_time(o, "since", oc->since, oc->since != INT64_MIN);
	add_time(o, "until", oc->until, true);
	cJSON_AddBoolToObject(o, "overridden", oc->overridden);
	if (zone != NULL)
		cJSON_AddStringToObject(o, "timezone", zone);
	return o;
}

/*
 * "db: alice until 2026-11-03 09:00 CET (override)". starts: the rota
 * itself takes over at until (its first hand-off, no override first).
 */
static void
oncall_line(const inc_oncall *oc, const char *zone, bool starts)
{
	char until[64];

	inc_time_in_zone(until, sizeof(until), oc->until, zone);
	print_safe(stdout, oc->rota, false);
	fputs(": ", stdout);
	if (oc->who[0] != '\0')
		print_safe(stdout, oc->who, false);
	else
		fputs("no one", stdout);
	printf(" until %s", until);
	if (oc->overridden)
		fputs(" (override)", stdout);
	else if (starts)
		fputs(" (the rota starts then)", stdout);
	putchar('\n');
}

static int
oncall_run(struct inc_ctx *ctx, int argc, char **argv)
{
	struct oncall_args *a = ctx->opts;
	const inc_config *cfg;
	inc_config *owned;
	inc_strarray names = {0};
	inc_error err;
	cJSON *root = NULL, *arr = NULL;
	inc_oncall *ocs = NULL;
	int64_t at = a->at != INT64_MIN ? a->at : ctx->now;
	int status = EXIT_OK;

	if (argc > 1)
		return usage_error(ctx->cmd, "one rota at most");
	if (load_config(&cfg, &owned, ctx, &err) < 0)
		return fail(&err);
	if (argc == 1) {
		names.strings = &argv[0];
		names.count = 1;
	} else if (inc_rota_names(&names, cfg, &err) < 0) {
		inc_config_free(owned);
		return fail(&err);
	}
	if (a->names) {
		for (size_t i = 0; i < names.count; i++) {
			print_safe(stdout, names.strings[i], false);
			putchar('\n');
		}
		goto done;
	}
	/* every rota answers first: one that cannot, and nothing is printed */
	if (names.count > 0 &&
	    (ocs = calloc(names.count, sizeof(*ocs))) == NULL) {
		fputs("incident: out of memory\n", stderr);
		status = EXIT_FAIL;
		goto done;
	}
	for (size_t i = 0; i < names.count; i++)
		if (inc_oncall_config(&ocs[i], cfg, ctx->store,
		                      names.strings[i], at, &err) < 0) {
			status = fail(&err);
			goto done;
		}
	if (a->json) {
		root = json_doc();
		arr = cJSON_AddArrayToObject(root, "oncall");
	}
	for (size_t i = 0; i < names.count; i++) {
		const char *zone = inc_rota_zone(cfg, names.strings[i]);

		inc_oncall next;
		bool starts = false;

		/* before the first hand-off: does the rota, or an override,
		 * end the wait? */
		if (arr == NULL && ocs[i].since == INT64_MIN &&
		    !ocs[i].overridden) {
			if (inc_oncall_config(&next, cfg, ctx->store,
			                      names.strings[i], ocs[i].until,
			                      &err) < 0) {
				status = fail(&err);
				goto done;
			}
			starts = !next.overridden;
		}
		if (arr != NULL)
			cJSON_AddItemToArray(arr, oncall_json(&ocs[i], zone));
		else
			oncall_line(&ocs[i], zone, starts);
	}
	if (root != NULL)
		status = print_json(root);
done:
	free(ocs);
	if (argc != 1)
		inc_strarray_dispose(&names);
	inc_config_free(owned);
	return status;
}

static int
override_run(struct inc_ctx *ctx, int argc, char **argv)
{
	struct override_args *a = ctx->opts;
	char id[65];
	inc_error err;
	char *who;
	int ret;

	if (argc < 2)
		return usage_error(ctx->cmd,
		                   "override needs a rota and a name");
	if (a->until <= a->from)
		return usage_error(ctx->cmd, "--until must be after --from");
	if ((who = join_words(argc - 1, argv + 1)) == NULL)
		return EXIT_FAIL;
	ret = inc_override_add(id, ctx->store, argv[0], who, a->from, a->until,
	                       a->reason, &err);
	free(who);
	if (ret < 0)
		return fail(&err);
	if (a->json) {
		cJSON *root = json_doc();
		char short_id[16];
		snprintf(short_id, sizeof(short_id), "%.8s", id);
		cJSON_AddStringToObject(root, "id", id);
		cJSON_AddStringToObject(root, "short_id", short_id);
		cJSON_AddStringToObject(root, "rota", argv[0]);
		return print_json(root);
	}
	if (!a->quiet)
		printf("%.8s\n", id);
	return EXIT_OK;
}

static int
overrides_run(struct inc_ctx *ctx, int argc, char **argv)
{
	struct json_args *a = ctx->opts;
	const inc_config *cfg;
	inc_config *owned;
	inc_error err;
	char *text = NULL;
	cJSON *arr, *it;
	const char *zone;
	int ret;

	if (argc != 1)
		return usage_error(ctx->cmd, "overrides needs a rota");
	if (load_config(&cfg, &owned, ctx, &err) < 0)
		return fail(&err);
	zone = inc_rota_zone(cfg, argv[0]);
	if (ctx->store == NULL) {
		/* no store, no overrides; the rota must be there all the same
		 */
		inc_oncall oc;
		ret = inc_oncall_config(&oc, cfg, NULL, argv[0], ctx->now,
		                        &err);
		inc_config_free(owned);
		if (ret < 0)
			return fail(&err);
		text = NULL;
		arr = cJSON_CreateArray();
	} else {
		ret = inc_override_list_json(&text, ctx->store, argv[0], &err);
		if (ret < 0)
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
		cJSON_AddItemToObject(root, "overrides", arr);
		return print_json(root);
	}
	cJSON_ArrayForEach (it, arr) {
		int64_t from = 0, until = 0;
		char f[64], u[64];
		const char *reason = json_str(it, "reason");

		inc_time_from_rfc3339(&from, json_str(it, "from"));
		inc_time_from_rfc3339(&until, json_str(it, "until"));
		printf("%s  %s  %s  ", json_str(it, "short_id"),
		       inc_time_in_zone(f, sizeof(f), from, zone),
		       inc_time_in_zone(u, sizeof(u), until, zone));
		print_safe(stdout, json_str(it, "who"), false);
		if (cJSON_IsTrue(
		            cJSON_GetObjectItemCaseSensitive(it, "removed")))
			fputs(" (removed)", stdout);
		if (reason != NULL) {
			fputs(": ", stdout);
			print_safe(stdout, reason, false);
		}
		putchar('\n');
	}
	cJSON_Delete(arr);
	return EXIT_OK;
}

static int
remove_run(struct inc_ctx *ctx, int argc, char **argv)
{
	char id[65];
	inc_error err;

	if (argc != 2)
		return usage_error(ctx->cmd,
		                   "remove needs a rota and an override id");
	if (ctx->store == NULL) {
		inc_error_set(&err, INC_ENOTFOUND, "%s: no such override",
		              argv[1]);
		return fail(&err);
	}
	if (inc_override_remove(id, ctx->store, argv[0], argv[1], &err) < 0)
		return fail(&err);
	printf("removed %.8s\n", id);
	return EXIT_OK;
}
