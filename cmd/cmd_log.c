#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct log_args {
	bool json;
};

static const struct log_args defaults;

static const struct opt options[] = {
        OPT_BOOL("json", 0, &defaults.json, "print the events as JSON"),
        OPT_END,
};

static int cmd_log(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_log_entry = {
        .name = "log",
        .run = cmd_log,
        .flags = CMD_READ,
        .summary = "Show an incident's timeline.",
        .usage = "id",
        CMD_OPTS(options, defaults),
};

/* Back-dated events show when they were logged, so nothing hides. */
#define BACKDATE_SHOWN 60

static void
print_event(struct inc_ctx *ctx, const inc_event *ev, bool audit)
{
	char when[32], logged[32];
	char *what = inc_event_describe(ctx->store, ev);
	int64_t at = inc_event_at(ev), rec = inc_event_recorded_at(ev);

	printf("%s%s%s  ", color(ctx, "\033[2m"),
	       local_time(when, sizeof(when), at), color(ctx, "\033[m"));
	print_actor(stdout, inc_event_actor(ev));
	printf("  %s%s%s", color(ctx, "\033[1m"), inc_event_kind(ev),
	       color(ctx, "\033[m"));
	if (what != NULL && *what != '\0') {
		fputs(": ", stdout);
		print_indented(stdout, what, "    ");
	}
	if (rec - at > BACKDATE_SHOWN || at - rec > BACKDATE_SHOWN)
		printf(" (logged %s)", local_time(logged, sizeof(logged), rec));
	if (audit && !inc_event_mirrored(ctx->store, ev))
		printf(" %s[not mirrored yet]%s", color(ctx, "\033[33m"),
		       color(ctx, "\033[m"));
	putchar('\n');
	inc_str_free(what);
}

static int
cmd_log(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct log_args *a = ctx->opts;
	inc_event_list *events;
	inc_error err;
	int ret;

	if ((ret = opt_one_id(ctx, argc)) != 0)
		return ret;
	if ((ret = need_store(ctx, argv[0])) != 0)
		return ret;
	if (inc_event_list_load(&events, ctx->store, argv[0], &err) < 0)
		return fail(&err);
	if (a->json) {
		cJSON *root = json_doc(), *arr, *mirrored, *pushed;
		const inc_event *first = inc_event_list_get(events, 0);
		cJSON_AddStringToObject(root, "incident",
		                        inc_event_incident(first));
		arr = cJSON_AddArrayToObject(root, "events");
		/* parallel to events, which stay canonical; null when the
		 * mirror is off */
		if (inc_audit_repo(ctx->store) != NULL) {
			mirrored = cJSON_AddArrayToObject(root, "mirrored");
			pushed = cJSON_AddArrayToObject(root, "pushed");
		} else {
			mirrored = pushed = NULL;
			cJSON_AddNullToObject(root, "mirrored");
			cJSON_AddNullToObject(root, "pushed");
		}
		for (size_t i = 0; i < inc_event_list_count(events); i++) {
			cJSON *o;
			if (doc_event(&o, inc_event_list_get(events, i), &err) <
			    0) {
				cJSON_Delete(root);
				inc_event_list_free(events);
				return fail(&err);
			}
			cJSON_AddItemToArray(arr, o);
			if (inc_audit_repo(ctx->store) != NULL) {
				const inc_event *ev =
				        inc_event_list_get(events, i);
				cJSON_AddItemToArray(
				        mirrored,
				        cJSON_CreateBool(inc_event_mirrored(
				                ctx->store, ev)));
				cJSON_AddItemToArray(
				        pushed,
				        cJSON_CreateBool(inc_event_pushed(
				                ctx->store, ev)));
			}
		}
		inc_event_list_free(events);
		return print_json(root);
	}
	for (size_t i = 0; i < inc_event_list_count(events); i++)
		print_event(ctx, inc_event_list_get(events, i),
		            inc_audit_repo(ctx->store) != NULL);
	inc_event_list_free(events);
	return EXIT_OK;
}
