/* What the commands that change an incident share: options and output. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* "(mitigated, SEV2, TTM 42m)": the state after the change. */
static void
print_state(const cJSON *o, enum inc_action action)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(o, "durations");
	int64_t secs;
	char buf[32];

	printf(" (%s, %s", inc_json_str(o, "status"),
	       inc_json_str(o, "severity_name"));
	if (inc_json_str(o, "priority") != NULL)
		printf(", %s", inc_json_str(o, "priority"));
	if (action == INC_ACTION_ESCALATE) {
		printf(", level %d", json_count(o, "escalation_level"));
		if (inc_json_str(o, "escalated_to") != NULL) {
			fputs(" to ", stdout);
			print_safe(stdout, inc_json_str(o, "escalated_to"),
			           false);
		}
	}
	if (action == INC_ACTION_MITIGATE &&
	    inc_json_int(&secs, d, "ttm", INT64_MIN, INT64_MAX) == 0)
		printf(", TTM %s", inc_duration_format(buf, sizeof(buf), secs));
	if (action == INC_ACTION_RESOLVE &&
	    inc_json_int(&secs, d, "ttr", INT64_MIN, INT64_MAX) == 0)
		printf(", TTR %s", inc_duration_format(buf, sizeof(buf), secs));
	putchar(')');
}

int
change_print(struct inc_ctx *ctx, const inc_incident *inc,
             enum inc_action action, const struct change_args *a)
{
	inc_error err;
	cJSON *o;

	if (a->quiet && !a->json) {
		printf("%s\n", inc_incident_id(inc));
		return EXIT_OK;
	}
	if (inc_incident_to_json(&o, ctx->store, inc, ctx->now, &err) < 0)
		return fail(&err);
	if (a->json) {
		cJSON *root = json_doc();
		cJSON_AddBoolToObject(root, "dry_run", a->o.dry_run);
		cJSON_AddItemToObject(root, "incident", o);
		return print_json(root);
	}
	printf("%s%s %s%s%s: ",
	       a->o.dry_run ? "(dry run, nothing written) " : "",
	       inc_action_past(action), color(ctx, "\033[1m"),
	       inc_json_str(o, "short_id"), color(ctx, "\033[m"));
	print_safe(stdout, inc_json_str(o, "title"), false);
	print_state(o, action);
	putchar('\n');
	cJSON_Delete(o);
	return EXIT_OK;
}

int
change_run(struct inc_ctx *ctx, const char *id, enum inc_action action,
           const struct change_args *a)
{
	inc_incident *inc = NULL;
	inc_error err;
	int ret;

	if ((ret = need_store(ctx, id)) != 0)
		return ret;
	if (inc_change(&inc, ctx->store, id, action, &a->o, &err) < 0)
		return fail(&err);
	ret = change_print(ctx, inc, action, a);
	inc_incident_free(inc);
	return ret;
}

int
change_text(struct inc_ctx *ctx, int argc, char **argv, enum inc_action action,
            const char *what)
{
	struct change_args *a = ctx->opts;
	char *text;
	int ret;

	if (argc < 1)
		return usage_error(ctx->cmd, "an incident id is needed");
	if ((ret = need_store(ctx, argv[0])) != 0)
		return ret;
	if ((text = read_text(ctx, argc, argv, 1, argv[0], what, &ret)) == NULL)
		return ret;
	a->o.text = text;
	ret = change_run(ctx, argv[0], action, a);
	a->o.text = NULL;
	free(text);
	return ret;
}
