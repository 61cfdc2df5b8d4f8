#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

/*
 * The command table: each command's entry is in its own file (the git
 * commands' in helper.c). By name, for the help; first the bare
 * "incident".
 */
extern const struct cmd cmd_status_entry, cmd_action_entry, cmd_assign_entry,
        cmd_cancel_entry, cmd_edit_entry, cmd_escalate_entry, cmd_export_entry,
        helper_gc_entry, cmd_help_entry, cmd_init_entry, cmd_investigate_entry,
        cmd_list_entry, cmd_log_entry, cmd_merge_entry, cmd_mitigate_entry,
        cmd_note_entry, cmd_open_entry, helper_rebuild_entry, cmd_reopen_entry,
        cmd_resolve_entry, cmd_review_entry, cmd_show_entry, cmd_stats_entry,
        helper_sync_entry, cmd_triage_entry, cmd_update_entry,
        helper_verify_entry;

static const struct cmd *const commands[] = {
        &cmd_status_entry, /* bare "incident": what is open now */
        &cmd_action_entry,
        &cmd_assign_entry,
        &cmd_cancel_entry,
        &cmd_edit_entry,
        &cmd_escalate_entry,
        &cmd_export_entry,
        &helper_gc_entry, /* run by incident-git */
        &cmd_help_entry,
        &cmd_init_entry,
        &cmd_investigate_entry,
        &cmd_list_entry,
        &cmd_log_entry,
        &cmd_merge_entry,
        &cmd_mitigate_entry,
        &cmd_note_entry,
        &cmd_open_entry,
        &helper_rebuild_entry, /* run by incident-git */
        &cmd_reopen_entry,
        &cmd_resolve_entry,
        &cmd_review_entry,
        &cmd_show_entry,
        &cmd_stats_entry,
        &helper_sync_entry, /* run by incident-git */
        &cmd_triage_entry,
        &cmd_update_entry,
        &helper_verify_entry, /* run by incident-git */
        NULL,
};

/*
 * Other names people type for a command, run as the command itself.
 * --list-cmds, the help and the completions show the real names only.
 */
static const struct alias {
	const char *name;
	const char *command;
} aliases[] = {
        {"ack", "triage"},
        {"ls", "list"},
};

static const struct cmd *
find_exact(const char *name)
{
	for (const struct cmd *const *c = commands + 1; *c != NULL; c++)
		if (strcmp((*c)->name, name) == 0)
			return *c;
	return NULL;
}

const struct cmd *
cmd_find(const char *name)
{
	const struct cmd *c = find_exact(name);

	for (size_t i = 0; c == NULL && i < ARRAY_SIZE(aliases); i++)
		if (strcmp(aliases[i].name, name) == 0)
			c = find_exact(aliases[i].command);
	return c;
}

/* "; did you mean 'x'?" for a mistyped command, or "". */
char *
suggest_command(char *buf, size_t len, const char *typed)
{
	struct suggest s;

	suggest_begin(&s, typed);
	for (const struct cmd *const *c = commands + 1; *c != NULL; c++)
		suggest_add(&s, (*c)->name);
	return suggest_text(buf, len, &s, "");
}

static int
unknown_command(const char *name)
{
	char hint[256];

	fputs("incident: '", stderr);
	print_safe(stderr, name, false);
	fprintf(stderr, "' is not a command%s (see 'incident --help')\n",
	        suggest_command(hint, sizeof(hint), name));
	return EXIT_USAGE;
}

void
main_help(FILE *f)
{
	fputs("usage: incident [--dir dir] [command] [args]\n"
	      "       incident --version\n\n",
	      f);
	fputs("With no command, shows the open incidents.\n\ncommands:\n", f);
	for (const struct cmd *const *c = commands + 1; *c != NULL; c++)
		fprintf(f, "  %-12s %s\n", (*c)->name, (*c)->summary);
	fputs("\nglobal options:\n"
	      "  --dir dir   use the store in dir (default: $INCIDENT_DIR, a\n"
	      "              .incident folder above, ~/.local/share/incident)\n"
	      "  --version   print the version\n"
	      "  -h, --help  show this help\n",
	      f);
	fputs("\naliases:", f);
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		fprintf(f, "%s %s (%s)", i > 0 ? "," : "", aliases[i].name,
		        aliases[i].command);
	fputs("\n\nSee 'incident help <command>' and incident(1).\n", f);
}

enum { GOPT_VERSION = 1000, GOPT_LIST_CMDS, GOPT_COMPLETE, GOPT_DIR };

static int
unknown_global(const struct option *globals, const char *arg)
{
	const char *word = strncmp(arg, "--", 2) == 0 ? arg + 2 : "";
	char name[64], hint[256];
	struct suggest s;

	/* "--dri=x" is the option "dri"; a short one has no near name */
	snprintf(name, sizeof(name), "%.*s", (int)strcspn(word, "="), word);
	suggest_begin(&s, name);
	for (const struct option *g = globals; *word != '\0' && g->name; g++)
		suggest_add(&s, g->name);
	fprintf(stderr,
	        "incident: unknown option '%s'%s (see 'incident --help')\n",
	        arg, suggest_text(hint, sizeof(hint), &s, "--"));
	return EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	static const struct option globals[] = {
	        {"dir", required_argument, NULL, GOPT_DIR},
	        {"version", no_argument, NULL, GOPT_VERSION},
	        {"help", no_argument, NULL, 'h'},
	        {"list-cmds", no_argument, NULL, GOPT_LIST_CMDS},
	        {"complete-options", required_argument, NULL, GOPT_COMPLETE},
	        {NULL, 0, NULL, 0},
	};
	struct inc_ctx ctx = {0};
	const char *dir_opt = NULL;
	const struct cmd *cmd;
	int c, status;

	signal(SIGPIPE, SIG_DFL);
	opterr = 0;
	/* "+": stop at the command name; its options are its own */
	while ((c = getopt_long(argc, argv, "+:h", globals, NULL)) != -1) {
		switch (c) {
		case GOPT_DIR:
			if (*optarg == '\0') {
				fputs("incident: --dir needs a folder, not an "
				      "empty value\n",
				      stderr);
				return EXIT_USAGE;
			}
			dir_opt = optarg;
			break;
		case GOPT_VERSION:
			printf("incident %s\n", INC_VERSION);
			return finish(EXIT_OK);
		case 'h':
			main_help(stdout);
			return finish(EXIT_OK);
		case GOPT_LIST_CMDS:
			for (const struct cmd *const *e = commands + 1;
			     *e != NULL; e++)
				printf("%s\n", (*e)->name);
			return finish(EXIT_OK);
		case GOPT_COMPLETE:
			if ((cmd = cmd_find(optarg)) == NULL)
				return unknown_command(optarg);
			if (cmd->flags & CMD_GIT) {
				char *ask[] = {"--complete-options", optarg};
				return helper_exec(NULL, 2, ask);
			}
			opt_complete(cmd, stdout);
			return finish(EXIT_OK);
		case ':':
			fprintf(stderr, "incident: option '%s' needs a value\n",
			        argv[optind - 1]);
			return EXIT_USAGE;
		default:
			return unknown_global(globals, argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		cmd = commands[0];
	} else if ((cmd = cmd_find(argv[0])) == NULL) {
		return unknown_command(argv[0]);
	}
	if (cmd->flags & CMD_GIT)
		return helper_exec(dir_opt, argc, argv);
	if (cmd->name != NULL && ctx_wants_help(argc, argv)) {
		opt_help(cmd, stdout);
		return finish(EXIT_OK);
	}
	ctx_init(&ctx, cmd, dir_opt);
	status = ctx_prepare(&ctx, dir_opt, cmd->flags & CMD_STORE_MASK);
	if (status == EXIT_OK)
		status = cmd->run(&ctx, argc, argv);
	if (status == EXIT_OK && (cmd->flags & CMD_MIRROR))
		helper_mirror(&ctx);
	status = finish(status);
	ctx_release(&ctx);
	return status;
}
