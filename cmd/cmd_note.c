#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"

const struct opt note_opts[] = {
        {"quiet", 'q', no_argument, NULL, "print nothing"},
        {"json", OPT_JSON, no_argument, NULL, "print the incident as JSON"},
        {"dry-run", OPT_DRY_RUN, no_argument, NULL,
         "check and show what would happen; change nothing"},
        {"at", OPT_AT, required_argument, "time",
         "when it happened (default: now)"},
        {NULL, 0, 0, NULL, NULL},
};

/* Reads all of f, refusing more than INC_TEXT_MAX bytes. */
static char *
slurp(FILE *f, const char *what)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);

	while (buf != NULL) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (len > INC_TEXT_MAX) {
			fprintf(stderr,
			        "incident: %s is too long (more than %d "
			        "bytes)\n",
			        what, INC_TEXT_MAX);
			free(buf);
			return NULL;
		}
		if (n == 0)
			break;
		if (len + 1 == cap) {
			char *nbuf = realloc(buf, cap * 2);
			if (nbuf == NULL)
				break;
			buf = nbuf;
			cap *= 2;
		}
	}
	if (buf == NULL || ferror(f)) {
		fprintf(stderr, "incident: cannot read %s\n", what);
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return buf;
}

/* Drops the "#" help lines the editor was given. */
static void
strip_comments(char *text)
{
	char *in = text, *out = text;

	while (*in != '\0') {
		char *eol = strchr(in, '\n');
		size_t len = eol != NULL ? (size_t)(eol - in + 1) : strlen(in);
		if (*in != '#') {
			memmove(out, in, len);
			out += len;
		}
		in += len;
	}
	*out = '\0';
	while (out > text && (out[-1] == '\n' || out[-1] == ' '))
		*--out = '\0';
}

/* Runs $VISUAL or $EDITOR (split on spaces, no shell) on path. */
static int
run_editor(const char *path)
{
	const char *ed = getenv("VISUAL");
	char *copy, *argv[16], *save = NULL;
	int n = 0, status;
	pid_t pid;

	if (ed == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	if ((copy = strdup(ed)) == NULL)
		return -1;
	for (char *w = strtok_r(copy, " \t", &save); w != NULL && n < 14;
	     w = strtok_r(NULL, " \t", &save))
		argv[n++] = w;
	argv[n++] = (char *)path;
	argv[n] = NULL;
	fflush(stdout);
	if ((pid = fork()) < 0) {
		free(copy);
		return -1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "incident: cannot run editor '%s': %s\n",
		        argv[0], strerror(errno));
		_exit(127);
	}
	free(copy);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static char *
from_editor(const char *id)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	char *text = NULL;
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/incident-note-XXXXXX.md",
	         tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if ((fd = mkstemps(path, 3)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "incident: cannot create a temporary file\n");
		return NULL;
	}
	fprintf(f,
	        "\n# Note for incident %s. Lines starting with '#' are "
	        "left out;\n# an empty note adds nothing.\n",
	        id);
	fclose(f);
	if (run_editor(path) < 0)
		fprintf(stderr, "incident: the editor failed; nothing added\n");
	else if ((f = fopen(path, "r")) != NULL) {
		text = slurp(f, "the note");
		fclose(f);
	}
	unlink(path);
	if (text != NULL)
		strip_comments(text);
	return text;
}

static char *
join(int argc, char **argv)
{
	size_t len = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	if ((s = malloc(len)) == NULL)
		return NULL;
	*s = '\0';
	for (int i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int
cmd_note(struct inc_ctx *ctx, int argc, char **argv)
{
	bool quiet = false, json = false, dry_run = false;
	int64_t at = 0;
	inc_incident *inc = NULL;
	struct opt_state st;
	char *text = NULL;
	const char *id;
	inc_error err;
	int c, first, ret;

	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		switch (c) {
		case 'q':
			quiet = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_DRY_RUN:
			dry_run = true;
			break;
		case OPT_AT:
			if ((ret = parse_time(&at, ctx, st.arg)))
				return ret;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	first = opt_end(&st);
	if (first >= argc)
		return usage_error(ctx->cmd, "an incident id is needed");
	id = argv[first++];
	if ((ret = need_store(ctx, id)) != 0)
		return ret;
	if (first == argc - 1 && strcmp(argv[first], "-") == 0)
		text = slurp(stdin, "standard input");
	else if (first < argc)
		text = join(argc - first, argv + first);
	else if (ctx->tty_in)
		text = from_editor(id);
	else
		return usage_error(ctx->cmd, "no text (give it, or '-' to "
		                             "read standard input)");
	if (text == NULL)
		return EXIT_FAIL;
	ret = inc_note(&inc, ctx->store, id, text, at, dry_run, &err);
	free(text);
	if (ret < 0)
		return fail(&err);
	if (json) {
		cJSON *root = json_doc(), *doc;
		if (inc_incident_to_json(&doc, ctx->store, inc, ctx->now,
		                         &err) < 0) {
			cJSON_Delete(root);
			inc_incident_free(inc);
			return fail(&err);
		}
		cJSON_AddBoolToObject(root, "dry_run", dry_run);
		cJSON_AddItemToObject(root, "incident", doc);
		ret = print_json(root);
	} else if (!quiet) {
		char short_id[INC_ID_LEN + 1];
		if (inc_store_short_id(short_id, ctx->store,
		                       inc_incident_id(inc), &err) < 0)
			ret = fail(&err);
		else
			printf("%s %s\n",
			       dry_run ? "would note on" : "noted on",
			       short_id);
	}
	inc_incident_free(inc);
	return ret;
}
