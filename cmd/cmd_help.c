#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"

static int cmd_help(struct inc_ctx *ctx, int argc, char **argv);

const struct cmd cmd_help_entry = {
        .name = "help",
        .run = cmd_help,
        .flags = CMD_NO_STORE,
        .summary = "Show the manual of a command.",
        .usage = "[command]",
};

/* man incident-CMD, with no shell; 0 when man showed the page. */
static int
run_man(const char *page)
{
	char *argv[] = {"man", (char *)page, NULL};
	int status;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		execvp("man", argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int
cmd_help(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct cmd *cmd;
	char page[64], hint[256];

	if (argc > 1)
		return usage_error(ctx->cmd, "one command at a time");
	if (argc == 0) {
		main_help(stdout);
		return EXIT_OK;
	}
	if ((cmd = cmd_find(argv[0])) == NULL) {
		fputs("incident help: '", stderr);
		print_safe(stderr, argv[0], false);
		fprintf(stderr,
		        "' is not a command%s (see 'incident --help')\n",
		        suggest_command(hint, sizeof(hint), argv[0]));
		return EXIT_USAGE;
	}
	snprintf(page, sizeof(page), "incident-%s", cmd->name);
	/* the manual only for a person; scripts and pipes get --help */
	if (isatty(STDOUT_FILENO) && getenv("INCIDENT_NO_MAN") == NULL &&
	    run_man(page) == 0)
		return EXIT_OK;
	if (cmd->flags & CMD_GIT) {
		char *ask[] = {argv[0], "--help"};
		return helper_exec(NULL, 2, ask);
	}
	opt_help(cmd, stdout);
	return EXIT_OK;
}
