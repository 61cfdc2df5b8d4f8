/*
 * Text for people: colour on a terminal only, text from outside made
 * safe, local times, the terminal's width, who did it.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"

void
print_safe(FILE *f, const char *text, bool keep_newlines)
{
	char *safe = inc_text_sanitize(text != NULL ? text : "", keep_newlines);

	fputs(safe != NULL ? safe : "?", f);
	free(safe);
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
	free(safe);
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

const char *
color(const struct inc_ctx *ctx, const char *sgr)
{
	return ctx->color ? sgr : "";
}

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
