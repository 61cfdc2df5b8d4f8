/*
 * incident ingest: one payload from monitoring on stdin (an Alertmanager
 * webhook, a PagerDuty event), applied whole; what happened to each
 * alert, as text or JSON.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

struct ingest_args {
	const char *format;
	bool dry_run;
	bool json;
};

static const struct ingest_args defaults = {.format = "auto"};

static const char *const formats[] = {"auto", "alertmanager", "pagerduty",
                                      "pagerduty-change", NULL};

static const struct opt options[] = {
        OPT_BOOL("json", 0, &defaults.json, "print what happened as JSON"),
        OPT_BOOL("dry-run", 0, &defaults.dry_run,
                 "say what would happen; write nothing"),
        OPT_KEYWORD("format", 0, &defaults.format, "format",
                    "alertmanager, pagerduty, pagerduty-change or auto "
                    "(default)",
                    formats),
        OPT_END,
};

static int cmd_ingest(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_ingest_entry = {
        .name = "ingest",
        .run = cmd_ingest,
        /* CMD_CREATE only for a good payload: fresh_store() */
        .flags = CMD_WRITE | CMD_MIRROR,
        .summary = "Take alerts from Alertmanager or PagerDuty (stdin).",
        CMD_OPTS(options, defaults),
};

/*
 * stdin, up to one byte more than a payload may have: a bigger one is
 * refused as soon as it is seen to be, never read whole. *len past
 * INC_INGEST_MAX says so.
 */
static char *
read_payload(size_t *len, int *status)
{
	size_t cap = 64 * 1024, n = 0;
	char *buf = malloc(cap), *p;
	ssize_t got;

	*status = EXIT_OK;
	while (buf != NULL) {
		if (n == cap) {
			if (cap > INC_INGEST_MAX)
				break;
			cap = cap * 2 > (size_t)INC_INGEST_MAX + 1
			              ? (size_t)INC_INGEST_MAX + 1
			              : cap * 2;
			if ((p = realloc(buf, cap)) == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = p;
		}
		got = read(STDIN_FILENO, buf + n, cap - n);
		if (got < 0) {
			perror("incident: ingest: stdin");
			free(buf);
			*status = EXIT_FAIL;
			return NULL;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (buf == NULL) {
		fputs("incident: out of memory\n", stderr);
		*status = EXIT_FAIL;
	}
	*len = n;
	return buf;
}

static void
print_result(const cJSON *r, bool dry_run)
{
	const char *alert = json_str(r, "alert");
	const char *sid = json_str(r, "short_id");

	if (dry_run)
		fputs("(dry run) ", stdout);
	print_safe(stdout, json_str(r, "action"), false);
	fputs(" ", stdout);
	print_safe(stdout, sid != NULL ? sid : "-", false);
	fputs(" ", stdout);
	print_safe(stdout, alert != NULL ? alert : json_str(r, "key"), false);
	if (json_str(r, "reason") != NULL) {
		fputs(" (", stdout);
		print_safe(stdout, json_str(r, "reason"), false);
		fputs(")", stdout);
	}
	if (json_str(r, "settled") != NULL) {
		fputs("; ", stdout);
		print_safe(stdout, sid, false);
		fputs(" ", stdout);
		print_safe(stdout, json_str(r, "settled"), false);
		fputs(" (", stdout);
		print_safe(stdout,
		           json_str(r, "settled_why") != NULL
		                   ? json_str(r, "settled_why")
		                   : "all its alerts resolved",
		           false);
		fputs(")", stdout);
	}
	putchar('\n');
	if (json_str(r, "unpaged") != NULL) {
		fflush(stdout);
		fputs("incident: warning: ", stderr);
		print_safe(stderr, sid, false);
		fputs(" not paged: ", stderr);
		print_safe(stderr, json_str(r, "unpaged"), false);
		fputs("; incident tick pages it once the config is fixed\n",
		      stderr);
	}
}

/* Removes the throwaway store in dir, files and folder. */
static void
remove_scratch(const char *dir)
{
	char path[4096];
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d != NULL) {
		while ((e = readdir(d)) != NULL)
			if (strcmp(e->d_name, ".") != 0 &&
			    strcmp(e->d_name, "..") != 0 &&
			    snprintf(path, sizeof(path), "%s/%s", dir,
			             e->d_name) < (int)sizeof(path))
				unlink(path);
		closedir(d);
	}
	rmdir(dir);
}

/* The store's config (written before its first payload, say) into the
 * scratch store, so the payload is tried as it will be read; 0 or -1. */
static int
copy_config(const char *from_dir, const char *to_dir)
{
	char from[4096], to[4096], buf[8192];
	FILE *in, *out;
	size_t n;
	int ret = 0;

	if (snprintf(from, sizeof(from), "%s/config", from_dir) >=
	            (int)sizeof(from) ||
	    snprintf(to, sizeof(to), "%s/config", to_dir) >= (int)sizeof(to)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((in = fopen(from, "r")) == NULL)
		return errno == ENOENT ? 0 : -1;
	if ((out = fopen(to, "w")) == NULL) {
		fclose(in);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			ret = -1;
	if (ferror(in))
		ret = -1;
	fclose(in);
	if (fclose(out) != 0)
		ret = -1;
	return ret;
}

/*
 * No store yet: the payload is tried first, as a dry run, on a throwaway
 * store, so that a refused one (or a dry run) leaves no empty store
 * behind; a good one makes the store (0, ctx->store set). With
 * --dry-run, *text gets the answer and no store is made. A refusal is
 * negative (err says why); an exit status when making the store failed
 * (said already).
 */
static int
fresh_store(char **text, inc_ingest_result *res, struct inc_ctx *ctx,
            const char *body, size_t len, const inc_ingest_opts *opts,
            inc_error *err)
{
	const char *tmp = getenv("TMPDIR");
	char dir[4096];
	inc_ingest_opts o = *opts;
	inc_store *scratch = NULL;
	int ret;

	snprintf(dir, sizeof(dir), "%s/incident-ingest.XXXXXX",
	         tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return inc_error_set(err, INC_ERROR, "a scratch folder: %s",
		                     strerror(errno));
	o.dry_run = true;
	if (copy_config(ctx->dir, dir) < 0)
		ret = inc_error_set(err, INC_ERROR, "%s/config: %s", ctx->dir,
		                    strerror(errno));
	else if ((ret = inc_store_open(&scratch, dir, INC_OPEN_CREATE, err)) ==
	         0)
		ret = inc_ingest(opts->dry_run ? text : NULL, res, scratch,
		                 body, len, &o, err);
	inc_store_close(scratch);
	remove_scratch(dir);
	if (ret < 0 || opts->dry_run)
		return ret;
	return ctx_open_store(ctx, CMD_CREATE);
}

static int
cmd_ingest(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct ingest_args *a = ctx->opts;
	inc_ingest_opts o = {0};
	inc_ingest_result res;
	char *body, *text = NULL;
	cJSON *doc, *v;
	inc_error err;
	int64_t truncated;
	size_t len = 0;
	int status;

	(void)argv;
	if (argc > 0)
		return usage_error(ctx->cmd,
		                   "the payload comes on stdin, not as an "
		                   "argument");
	if (inc_ingest_format_parse(&o.format, a->format) < 0)
		return usage_error(ctx->cmd, "unknown format '%s'", a->format);
	o.now = ctx->now;
	o.dry_run = a->dry_run;
	o.actor = ctx->actor;
	if ((body = read_payload(&len, &status)) == NULL)
		return status;
	if (len > INC_INGEST_MAX) {
		free(body);
		inc_error_set(&err, INC_EINVALID,
		              "ingest: the payload is too big (more than %d "
		              "bytes)",
		              INC_INGEST_MAX);
		return fail(&err);
	}
	status = 0;
	if (ctx->store == NULL &&
	    (status = fresh_store(&text, &res, ctx, body, len, &o, &err)) > 0) {
		free(body);
		return status;
	}
	if (status == 0 && ctx->store != NULL)
		status = inc_ingest(&text, &res, ctx->store, body, len, &o,
		                    &err);
	free(body);
	if (status < 0) {
		/* "incident: ingest: alertmanager: alerts: not an array" */
		char msg[sizeof(err.message)];
		snprintf(msg, sizeof(msg), "%s", err.message);
		inc_error_set(&err, err.code, "ingest: %s", msg);
		return fail(&err);
	}
	if (json_from_text(&doc, 0, text, &err) < 0)
		return fail(&err);
	if (a->json)
		return print_json(doc);
	cJSON_ArrayForEach (v, cJSON_GetObjectItemCaseSensitive(doc, "results"))
		print_result(v, a->dry_run);
	if (json_int(&truncated, doc, "truncated_alerts", 1, INT64_MAX) == 0)
		printf("%lld more alert%s left out by the sender "
		       "(truncatedAlerts)\n",
		       (long long)truncated, truncated == 1 ? "" : "s");
	if (res.format == INC_INGEST_PAGERDUTY && res.dedup_key[0] != '\0') {
		fputs("dedup key ", stdout);
		print_safe(stdout, res.dedup_key, false);
		putchar('\n');
	}
	cJSON_Delete(doc);
	return EXIT_OK;
}
