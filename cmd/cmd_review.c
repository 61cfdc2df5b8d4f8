#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

const struct opt review_opts[] = {
        CHANGE_OPTS,
        {"done", OPT_DONE, no_argument, NULL,
         "the review is finished: close the incident"},
        {"no-edit", OPT_NO_EDIT, no_argument, NULL,
         "do not open $EDITOR; save the draft as it is"},
        {"output", OPT_OUTPUT, required_argument, "file",
         "also write the document to file"},
        {NULL, 0, 0, NULL, NULL},
};

static int
compare_resolved(const void *a, const void *b)
{
	const inc_list_item *x = *(const inc_list_item *const *)a;
	const inc_list_item *y = *(const inc_list_item *const *)b;
	const char *rx = cJSON_GetObjectItemCaseSensitive(x->doc, "resolved_at")
	                         ->valuestring;
	const char *ry = cJSON_GetObjectItemCaseSensitive(y->doc, "resolved_at")
	                         ->valuestring;

	return strcmp(rx != NULL ? rx : "", ry != NULL ? ry : "");
}

/* Resolved incidents awaiting their review, oldest first. */
static int
awaiting(struct inc_ctx *ctx, bool json)
{
	enum inc_status st = INC_STATUS_RESOLVED;
	inc_list_opts o = INC_LIST_OPTS_INIT;
	inc_list *list = NULL;
	const inc_list_item **items = NULL;
	cJSON *root, *arr;
	inc_error err;
	size_t n;

	o.statuses = &st;
	o.nstatuses = 1;
	o.docs = true;
	if (ctx->store != NULL &&
	    inc_list_query(&list, ctx->store, &o, &err) < 0)
		return fail(&err);
	n = list != NULL ? inc_list_count(list) : 0;
	if (n > 0 && (items = malloc(n * sizeof(*items))) == NULL) {
		inc_list_free(list);
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++)
		items[i] = inc_list_get(list, i);
	if (n > 1)
		qsort(items, n, sizeof(*items), compare_resolved);
	if (!json) {
		for (size_t i = 0; i < n; i++) {
			int64_t t = 0;
			char age[32];
			inc_time_from_rfc3339(
			        &t, cJSON_GetObjectItemCaseSensitive(
			                    items[i]->doc, "resolved_at")
			                    ->valuestring);
			printf("%-*s  %-5s  resolved %s ago  ",
			       (int)strlen(items[i]->short_id),
			       items[i]->short_id,
			       inc_store_severity_name(ctx->store,
			                               items[i]->severity),
			       inc_duration_format(age, sizeof(age),
			                           ctx->now - t));
			print_safe(stdout, items[i]->title, false);
			putchar('\n');
		}
		free(items);
		inc_list_free(list);
		return EXIT_OK;
	}
	root = json_doc();
	arr = cJSON_AddArrayToObject(root, "awaiting");
	for (size_t i = 0; i < n; i++) {
		cJSON *doc;
		if (inc_incident_doc_to_json(&doc, ctx->store, items[i]->doc,
		                             ctx->now, &err) < 0) {
			free(items);
			inc_list_free(list);
			cJSON_Delete(root);
			return fail(&err);
		}
		cJSON_AddItemToArray(arr, doc);
	}
	free(items);
	inc_list_free(list);
	return print_json(root);
}

static int
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
		fputs("incident: ", stderr);
		print_safe(stderr, path, false);
		fprintf(stderr, ": cannot write the review: %s\n",
		        strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

int
cmd_review(struct inc_ctx *ctx, int argc, char **argv)
{
	struct change_args a = {0};
	bool done = false, no_edit = false, saved = false, closed = false;
	const char *output = NULL, *id;
	char *before = NULL, *draft = NULL, *text = NULL;
	inc_incident *inc = NULL;
	struct opt_state st;
	inc_error err;
	int c, r, ret = 0;

	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		if ((r = change_opt(ctx, &a, c, st.arg, &ret)) < 0)
			return ret;
		if (r > 0)
			continue;
		switch (c) {
		case OPT_DONE:
			done = true;
			break;
		case OPT_NO_EDIT:
			no_edit = true;
			break;
		case OPT_OUTPUT:
			output = st.arg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (opt_end(&st) == argc)
		return awaiting(ctx, a.json);
	if (opt_end(&st) != argc - 1)
		return usage_error(ctx->cmd, "one incident id at most");
	id = argv[argc - 1];
	if ((ret = need_store(ctx, id)) != 0)
		return ret;
	a.o.now = ctx->now;
	/*
	 * Refused before anyone writes a word of it in the editor: a dry
	 * run asks the lifecycle exactly as the save will.
	 */
	{
		inc_change_opts probe = a.o;
		probe.dry_run = true;
		probe.text = "draft";
		if (inc_change(NULL, ctx->store, id, INC_ACTION_REVIEW, &probe,
		               &err) < 0)
			return fail(&err);
	}
	/* the saved review goes on being edited; else a fresh draft */
	if (inc_review_saved(&before, ctx->store, id, &err) < 0 ||
	    (before == NULL &&
	     inc_review_draft(&draft, ctx->store, id, ctx->now, &err) < 0)) {
		ret = fail(&err);
		goto out;
	}
	if (ctx->tty_in && ctx->tty_out && !no_edit && !a.json)
		text = edit_text(before != NULL ? before : draft);
	else
		text = strdup(before != NULL ? before : draft);
	if (text == NULL) {
		ret = EXIT_FAIL;
		goto out;
	}
	a.o.text = text;
	/* the file first: a failed write must not leave a half-done run */
	if (output != NULL && (ret = write_file(output, text)) != EXIT_OK)
		goto out;
	/* a review is saved when it is new or changed */
	if (before == NULL || strcmp(before, text) != 0) {
		if (inc_change(&inc, ctx->store, id, INC_ACTION_REVIEW, &a.o,
		               &err) < 0) {
			ret = fail(&err);
			goto out;
		}
		saved = true;
	}
	if (done) {
		inc_incident_free(inc);
		inc = NULL;
		if (inc_change(&inc, ctx->store, id, INC_ACTION_CLOSE, &a.o,
		               &err) < 0) {
			ret = fail(&err);
			goto out;
		}
		closed = true;
	}
	if (inc == NULL && inc_incident_load(&inc, ctx->store, id, &err) < 0) {
		ret = fail(&err);
		goto out;
	}
	if (a.json) {
		cJSON *root = json_doc(), *doc, *rv;
		if (inc_incident_to_json(&doc, ctx->store, inc, ctx->now,
		                         &err) < 0) {
			cJSON_Delete(root);
			ret = fail(&err);
			goto out;
		}
		cJSON_AddBoolToObject(root, "dry_run", a.o.dry_run);
		rv = cJSON_AddObjectToObject(root, "review");
		cJSON_AddStringToObject(rv, "document", text);
		cJSON_AddBoolToObject(rv, "saved", saved);
		cJSON_AddBoolToObject(rv, "closed", closed);
		cJSON_AddItemToObject(root, "incident", doc);
		ret = print_json(root);
	} else if (a.quiet) {
		printf("%s\n", inc_incident_id(inc));
	} else {
		/* without a file to go to, the document goes to stdout */
		FILE *say = output == NULL && !ctx->tty_out ? stderr : stdout;
		char short_id[INC_ID_LEN + 1];
		if (inc_store_short_id(short_id, ctx->store,
		                       inc_incident_id(inc), &err) < 0)
			snprintf(short_id, sizeof(short_id), "%s",
			         inc_incident_id(inc));
		if (say == stderr)
			fputs(text, stdout);
		fprintf(say, "%s%s the review of %s%s\n",
		        a.o.dry_run ? "(dry run, nothing written) " : "",
		        saved ? "saved" : "unchanged:", short_id,
		        closed ? "; the incident is closed" : "");
	}
out:
	free(before);
	free(draft);
	free(text);
	inc_incident_free(inc);
	return ret;
}
