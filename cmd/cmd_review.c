/* incident review: the post-incident review; --done closes the incident. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct review_args {
	struct change_args c;
	bool done;
	bool no_edit;
	const char *output;
};

static const struct review_args defaults;

static const struct opt options[] = {
        CHANGE_OPTS(&defaults.c),
        OPT_BOOL("done", 0, &defaults.done,
                 "the review is finished: close the incident"),
        OPT_BOOL("no-edit", 0, &defaults.no_edit,
                 "do not open $EDITOR; save the draft as it is"),
        OPT_STRING("output", 0, &defaults.output, "file",
                   "also write the document to file"),
        OPT_END,
};

static int cmd_review(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_review_entry = {
        .name = "review",
        .run = cmd_review,
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary =
                "Write the post-incident review; --done closes the incident.",
        .usage = "[id]",
        CMD_OPTS(options, defaults),
};

static int
compare_resolved(const void *a, const void *b)
{
	const inc_list_item *x = *(const inc_list_item *const *)a;
	const inc_list_item *y = *(const inc_list_item *const *)b;
	return (x->resolved_at > y->resolved_at) -
	       (x->resolved_at < y->resolved_at);
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
			int64_t t = items[i]->resolved_at;
			char age[32];
			printf("%-*s  %-5s  resolved %s ago  ",
			       (int)strlen(items[i]->short_id),
			       items[i]->short_id,
			       inc_severity_name(ctx->store,
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
		/* the sorted pointers point into the list */
		size_t at = (size_t)(items[i] - inc_list_get(list, 0));
		cJSON *doc;
		if (doc_list_item(&doc, ctx->store, list, at, ctx->now, &err) <
		    0) {
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

/* Equal but for the newlines at the end, which editors add and drop. */
static bool
same_document(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	while (la > 0 && (a[la - 1] == '\n' || a[la - 1] == '\r'))
		la--;
	while (lb > 0 && (b[lb - 1] == '\n' || b[lb - 1] == '\r'))
		lb--;
	return la == lb && memcmp(a, b, la) == 0;
}

/* The short id of an incident known to exist, for messages. */
static void
short_of(char out[INC_ID_LEN + 1], struct inc_ctx *ctx, const char *prefix)
{
	char id[INC_ID_LEN + 1];
	inc_error err;

	if (inc_id_resolve(id, ctx->store, prefix, &err) < 0 ||
	    inc_id_short(out, ctx->store, id, &err) < 0)
		snprintf(out, INC_ID_LEN + 1, "%.*s", INC_ID_LEN, prefix);
}

/*
 * A draft nobody changed is not a review, as git commit saves no message
 * nobody wrote: nothing is saved. Without a terminal there was no editor,
 * and showing the draft is all that was asked; a run that meant to save
 * (an editor quit without a change, --done, -q) fails.
 */
static int
untouched(struct inc_ctx *ctx, const char *id, const char *text, bool tty,
          bool done, bool quiet, const char *output)
{
	char sid[INC_ID_LEN + 1];
	int ret;

	short_of(sid, ctx, id);
	if (tty || done || quiet) {
		fprintf(stderr, "incident: %s: nothing saved%s: %s\n", sid,
		        done ? " or closed" : "",
		        tty ? "the review draft was not changed"
		            : "no terminal for the editor (--no-edit saves "
		              "the draft as it is)");
		return EXIT_FAIL;
	}
	if (output != NULL && (ret = write_file(output, text)) != EXIT_OK)
		return ret;
	/* a saved review may have come from a remote: safe on a terminal */
	if (output == NULL && ctx->tty_out)
		print_safe(stdout, text, true);
	else if (output == NULL)
		fputs(text, stdout);
	fprintf(stderr,
	        "not saved: the draft review of %s (no terminal for the "
	        "editor; --no-edit saves it as it is)\n",
	        sid);
	return EXIT_OK;
}

static int
cmd_review(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct review_args *r = ctx->opts;
	const struct change_args *a = &r->c;
	const char *output = r->output, *id, *start;
	bool done = r->done, saved = false, closed = false;
	char *before = NULL, *draft = NULL, *text = NULL;
	inc_incident *inc = NULL;
	inc_error err;
	inc_change_opts o;
	bool edit, tty;
	int ret = 0;

	if (argc == 0)
		return awaiting(ctx, a->json);
	if (argc != 1)
		return usage_error(ctx->cmd, "one incident id at most");
	id = argv[0];
	if ((ret = need_store(ctx, id)) != 0)
		return ret;
	o = a->o;
	o.now = ctx->now;
	/*
	 * Refused before anyone writes a word of it in the editor: a dry
	 * run asks the lifecycle exactly as the save (and close) will.
	 */
	{
		inc_change_opts probe = o;
		probe.dry_run = true;
		if (inc_review_save(NULL, NULL, ctx->store, id, "draft", done,
		                    &probe, &err) < 0)
			return fail(&err);
	}
	/* the saved review goes on being edited; else a fresh draft */
	if (inc_review_saved(&before, ctx->store, id, &err) < 0 ||
	    (before == NULL &&
	     inc_review_draft(&draft, ctx->store, id, ctx->now, &err) < 0)) {
		ret = fail(&err);
		goto out;
	}
	start = before != NULL ? before : draft;
	edit = !r->no_edit && !a->json;
	tty = ctx->tty_in && ctx->tty_out;
	text = edit && tty ? edit_text(start) : strdup(start);
	/* editors add and drop the last newline: that is no change */
	if (text != NULL && edit && tty && same_document(text, start)) {
		free(text);
		text = strdup(start);
	}
	if (text == NULL) {
		/* too long or a NUL byte, said by edit_text: the input's fault
		 */
		ret = errno == E2BIG || errno == EILSEQ ? EXIT_USAGE
		                                        : EXIT_FAIL;
		goto out;
	}
	if (edit && before == NULL && strcmp(text, draft) == 0) {
		ret = untouched(ctx, id, text, tty, done, a->quiet, output);
		goto out;
	}
	/* the file first: a failed write must not leave a half-done run */
	if (output != NULL && (ret = write_file(output, text)) != EXIT_OK)
		goto out;
	/* saved when new or changed, and closed, in one transaction */
	if (inc_review_save(&inc, &saved, ctx->store, id, text, done, &o,
	                    &err) < 0) {
		ret = fail(&err);
		goto out;
	}
	closed = done;
	if (a->json) {
		cJSON *root = json_doc(), *doc, *rv;
		if (doc_incident(&doc, ctx->store, inc, ctx->now, &err) < 0) {
			cJSON_Delete(root);
			ret = fail(&err);
			goto out;
		}
		cJSON_AddBoolToObject(root, "dry_run", a->o.dry_run);
		rv = cJSON_AddObjectToObject(root, "review");
		cJSON_AddStringToObject(rv, "document", text);
		cJSON_AddBoolToObject(rv, "saved", saved);
		cJSON_AddBoolToObject(rv, "closed", closed);
		cJSON_AddItemToObject(root, "incident", doc);
		ret = print_json(root);
	} else if (a->quiet) {
		printf("%s\n", inc_incident_id(inc));
	} else {
		/* without a file to go to, the document goes to stdout */
		FILE *say = output == NULL && !ctx->tty_out ? stderr : stdout;
		char short_id[INC_ID_LEN + 1];
		short_of(short_id, ctx, inc_incident_id(inc));
		if (say == stderr)
			fputs(text, stdout);
		fprintf(say, "%s%s the review of %s%s\n",
		        a->o.dry_run ? "(dry run, nothing written) " : "",
		        saved ? "saved" : "unchanged:", short_id,
		        closed ? "; the incident is closed" : "");
	}
out:
	inc_str_free(before);
	inc_str_free(draft);
	free(text);
	inc_incident_free(inc);
	return ret;
}
