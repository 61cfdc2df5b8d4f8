/* What the commands that change an incident share: options and output. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

int
change_opt(struct inc_ctx *ctx, struct change_args *a, int c, const char *arg,
           int *status)
{
	switch (c) {
	case 'q':
		a->quiet = true;
		return 1;
	case OPT_JSON:
		a->json = true;
		return 1;
	case OPT_DRY_RUN:
		a->o.dry_run = true;
		return 1;
	case OPT_AT:
		if ((*status = parse_time(&a->o.at, ctx, arg)) != 0)
			return -1;
		return 1;
	default:
		return 0;
	}
}

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
           struct change_args *a)
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
change_simple(struct inc_ctx *ctx, int argc, char **argv,
              enum inc_action action, const struct change_field *fields)
{
	struct change_args a = {0};
	struct opt_state st;
	int c, r, ret = 0;

	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		const struct change_field *f = fields;
		if ((r = change_opt(ctx, &a, c, st.arg, &ret)) < 0)
			return ret;
		if (r > 0)
			continue;
		while (f != NULL && f->name != NULL && f->val != c)
			f++;
		if (f == NULL || f->name == NULL)
			return EXIT_USAGE;
		*(const char **)((char *)&a.o + f->offset) = st.arg;
	}
	if (opt_end(&st) != argc - 1)
		return usage_error(ctx->cmd, "one incident id is needed");
	for (const struct change_field *f = fields; f != NULL && f->name; f++)
		if (f->required &&
		    *(const char **)((char *)&a.o + f->offset) == NULL)
			return usage_error(ctx->cmd, "--%s is required",
			                   f->name);
	return change_run(ctx, argv[argc - 1], action, &a);
}

int
change_text(struct inc_ctx *ctx, int argc, char **argv, enum inc_action action,
            const char *what)
{
	struct change_args a = {0};
	struct opt_state st;
	const char *id;
	char *text;
	int c, r, first, ret = 0;

	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		if ((r = change_opt(ctx, &a, c, st.arg, &ret)) < 0)
			return ret;
		if (r == 0)
			return EXIT_USAGE;
	}
	first = opt_end(&st);
	if (first >= argc)
		return usage_error(ctx->cmd, "an incident id is needed");
	id = argv[first++];
	if ((ret = need_store(ctx, id)) != 0)
		return ret;
	if ((text = read_text(ctx, argc, argv, first, id, what, &ret)) == NULL)
		return ret;
	a.o.text = text;
	ret = change_run(ctx, id, action, &a);
	free(text);
	return ret;
}
