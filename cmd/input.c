/* Text from the command line, standard input or $EDITOR. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"

/*
 * Reads all of f, refusing more than INC_TEXT_MAX bytes and any NUL byte
 * (errno E2BIG or EILSEQ, said on stderr): the text is a C string from
 * here on, and a NUL would cut it short without a word.
 */
static char *slurp_max(FILE *f, const char *what, size_t max);

static char *
slurp(FILE *f, const char *what)
{
	return slurp_max(f, what, INC_TEXT_MAX);
}

static char *
slurp_max(FILE *f, const char *what, size_t max)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap), *nul;

	while (buf != NULL) {
		size_t n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (len > max) {
			fprintf(stderr,
			        "incident: %s is too long (more than %zu "
			        "bytes)\n",
			        what, max);
			free(buf);
			errno = E2BIG;
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
	if ((nul = memchr(buf, '\0', len)) != NULL) {
		fprintf(stderr,
		        "incident: %s holds a NUL byte (at offset %zu); text "
		        "cannot contain one, nothing changed\n",
		        what, (size_t)(nul - buf));
		free(buf);
		errno = EILSEQ;
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
	size_t len;

	while (*in != '\0') {
		char *eol = strchr(in, '\n');
		len = eol != NULL ? (size_t)(eol - in + 1) : strlen(in);
		if (*in != '#') {
			memmove(out, in, len);
			out += len;
		}
		in += len;
	}
	*out = '\0';
	while (out > text && (out[-1] == '\n' || out[-1] == ' '))
		*--out = '\0';
	/* the template starts with an empty line for the cursor */
	len = strspn(text, "\n");
	memmove(text, text + len, strlen(text + len) + 1);
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
from_editor(const char *id, const char *what)
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
	        "\n# %s for incident %s. Lines starting with '#' are "
	        "left out;\n# an empty one adds nothing.\n",
	        what, id);
	fclose(f);
	if (run_editor(path) < 0)
		fprintf(stderr, "incident: the editor failed; nothing added\n");
	else if ((f = fopen(path, "r")) != NULL) {
		text = slurp(f, what);
		fclose(f);
	}
	unlink(path);
	if (text != NULL)
		strip_comments(text);
	return text;
}

char *
join_words(int argc, char **argv)
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

/*
 * The text operands of note and update: words joined by spaces, "-" for
 * standard input, or on a terminal with no text, the editor. NULL (after
 * saying why) when there is none; *status is then the exit status.
 */
char *
read_text(struct inc_ctx *ctx, int argc, char **argv, int first, const char *id,
          const char *what, int *status)
{
	char *text;

	*status = EXIT_FAIL;
	errno = 0;
	if (first == argc - 1 && strcmp(argv[first], "-") == 0)
		text = slurp(stdin, "standard input");
	else if (first < argc)
		text = join_words(argc - first, argv + first);
	else if (ctx->tty_in)
		text = from_editor(id, what);
	else {
		*status = usage_error(ctx->cmd, "no text (give it, or '-' to "
		                                "read standard input)");
		return NULL;
	}
	if (text == NULL && (errno == E2BIG || errno == EILSEQ))
		*status = EXIT_USAGE;
	return text;
}

/*
 * Opens the editor on a copy of text (a Markdown file); the edited text,
 * or NULL when the editor failed or the text was refused (said on stderr;
 * errno E2BIG or EILSEQ for a text too long or holding a NUL byte).
 */
char *
edit_text(const char *text)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	char *out = NULL;
	FILE *f;
	int fd, saved = 0;

	snprintf(path, sizeof(path), "%s/incident-review-XXXXXX.md",
	         tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if ((fd = mkstemps(path, 3)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		fprintf(stderr, "incident: cannot create a temporary file\n");
		return NULL;
	}
	fputs(text, f);
	fclose(f);
	if (run_editor(path) < 0)
		fprintf(stderr, "incident: the editor failed; nothing saved\n");
	else if ((f = fopen(path, "r")) != NULL) {
		out = slurp_max(f, "the review", INC_REVIEW_MAX);
		saved = errno; /* E2BIG, EILSEQ: the text's fault */
		fclose(f);
	}
	unlink(path);
	errno = out == NULL ? saved : 0;
	return out;
}

/*
 * note and update: an id, then the text (words, "-", or the editor), as
 * the action on the incident.
 */
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
