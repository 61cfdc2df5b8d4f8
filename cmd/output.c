#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

int
exit_code(int status)
{
	switch (status) {
	case INC_OK:
		return EXIT_OK;
	case INC_EINVALID:
	case INC_EAMBIGUOUS:
		return EXIT_USAGE;
	case INC_ENOTFOUND:
	case INC_ENOSTORE:
		return EXIT_NOTFOUND;
	case INC_EREFUSED:
		return EXIT_REFUSED;
	case INC_EBUSY:
		return EXIT_BUSY;
	default:
		return EXIT_FAIL;
	}
}

/* One line on stderr, made safe for a terminal; the exit status. */
int
fail(const inc_error *err)
{
	fputs("incident: ", stderr);
	print_safe(stderr, err->message, false);
	fputc('\n', stderr);
	return exit_code(err->code);
}

void
print_safe(FILE *f, const char *text, bool keep_newlines)
{
	char *safe = inc_text_sanitize(text != NULL ? text : "", keep_newlines);

	fputs(safe != NULL ? safe : "?", f);
	inc_str_free(safe);
}

/* Prints text made safe, indenting every line after the first. */
void
print_indented(FILE *f, const char *text, const char *indent)
{
	char *safe = inc_text_sanitize(text, true);

	for (const char *p = safe != NULL ? safe : "?"; *p != '\0'; p++) {
		fputc(*p, f);
		if (*p == '\n')
			fputs(indent, f);
	}
	inc_str_free(safe);
}

cJSON *
json_doc(void)
{
	cJSON *root = cJSON_CreateObject();

	if (root != NULL)
		cJSON_AddNumberToObject(root, "format", INC_JSON_FORMAT);
	return root;
}

/* Prints and frees root. */
int
print_json(cJSON *root)
{
	char *text = root != NULL ? cJSON_Print(root) : NULL;

	cJSON_Delete(root);
	if (text == NULL) {
		fputs("incident: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	puts(text);
	free(text);
	return EXIT_OK;
}

const char *
color(const struct inc_ctx *ctx, const char *sgr)
{
	return ctx->color ? sgr : "";
}

#define RESET "\033[m"

const char *
severity_color(const struct inc_ctx *ctx, int level)
{
	switch (level) {
	case 1:
		return color(ctx, "\033[1;31m");
	case 2:
		return color(ctx, "\033[31m");
	case 3:
		return color(ctx, "\033[33m");
	default:
		return "";
	}
}

/* For commands that act on an incident: no store means no incident. */
int
need_store(struct inc_ctx *ctx, const char *id)
{
	inc_error err;

	if (ctx->store != NULL)
		return 0;
	inc_error_set(&err, INC_ENOTFOUND, "%s: no such incident", id);
	return fail(&err);
}

int
parse_severity(int *out, struct inc_ctx *ctx, const char *text)
{
	inc_error err;

	if (inc_severity_parse(out, ctx->store, text, &err) < 0)
		return usage_error(ctx->cmd, "%s", err.message);
	return 0;
}

int
parse_time(int64_t *out, struct inc_ctx *ctx, const char *text)
{
	inc_error err;

	if (inc_time_parse(out, text, ctx->now, &err) < 0)
		return usage_error(ctx->cmd, "%s", err.message);
	return 0;
}

/* "2026-11-24 14:02" in the local time zone. */
char *
local_time(char *buf, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (localtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "?");
	return buf;
}

int
terminal_width(void)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	if (cols != NULL && atoi(cols) > 20)
		return atoi(cols);
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 0;
}

/* "Alice Doe <alice@example.com>" is shown as "Alice Doe". */
void
print_actor(FILE *f, const char *actor)
{
	const char *lt = actor != NULL ? strstr(actor, " <") : NULL;
	char *name;

	if (lt == NULL) {
		print_safe(f, actor, false);
		return;
	}
	if ((name = strndup(actor, (size_t)(lt - actor))) != NULL)
		print_safe(f, name, false);
	free(name);
}
