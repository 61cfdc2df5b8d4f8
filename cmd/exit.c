/*
 * What a status becomes when the command ends: the exit codes of
 * incident(1), and the one line on stderr that says why.
 */
#include <stdarg.h>

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

int
fail(const inc_error *err)
{
	fputs("incident: ", stderr);
	print_safe(stderr, err->message, false);
	fputc('\n', stderr);
	return exit_code(err->code);
}

/* "incident open: what was wrong (see 'incident open --help')". */
int
usage_error(const struct cmd *cmd, const char *fmt, ...)
{
	/* a subcommand's errors are its command's, as its manual is */
	const struct cmd *top = cmd->parent != NULL ? cmd->parent : cmd;
	const char *name = top->name != NULL ? top->name : "";
	const char *space = top->name != NULL ? " " : "";
	char what[1024];
	va_list ap;

	/* what was typed is quoted in it: made safe for the terminal */
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fprintf(stderr, "incident%s%s: ", space, name);
	print_safe(stderr, what, false);
	fprintf(stderr, " (see 'incident%s%s --help')\n", space, name);
	return EXIT_USAGE;
}
