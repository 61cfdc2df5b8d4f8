#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

/* The command table: a command is data. Sorted by name for the help. */
const struct cmd commands[] = {
        {NULL, cmd_status, CMD_READ, "Show what is open now.", NULL,
         "incident [--dir dir] [command] [args]"},
        {"action", cmd_action, CMD_WRITE | CMD_MIRROR,
         "Track follow-up actions: add, done, list.", action_opts,
         "incident action add [-q] [--json] [--dry-run] [--owner who] "
         "[--due date] [--type type] [--priority level] id text\n"
         "       incident action done [-q] [--json] [--dry-run] id n\n"
         "       incident action list [--json] [--open] [--overdue] "
         "[--owner who]"},
        {"assign", cmd_assign, CMD_WRITE | CMD_MIRROR,
         "Give a role (commander, comms, ops, scribe) to someone.", assign_opts,
         "incident assign [-q] [--json] [--dry-run] [--at time] [--remove] id "
         "role [who]"},
        {"cancel", cmd_cancel, CMD_WRITE | CMD_MIRROR,
         "End an incident as a false alarm.", cancel_opts,
         "incident cancel [-q] [--json] [--dry-run] [--at time] --reason text "
         "id"},
        {"edit", cmd_edit, CMD_WRITE | CMD_MIRROR,
         "Change a title, summary or fields.", edit_opts,
         "incident edit [-q] [--json] [--dry-run] [--at time] [--title text] "
         "[--summary text] "
         "[--field key=value]... id"},
        {"escalate", cmd_escalate, CMD_WRITE | CMD_MIRROR,
         "Raise the escalation level by one.", escalate_opts,
         "incident escalate [-q] [--json] [--dry-run] [--at time] [--to "
         "target] [--reason text] id"},
        {"export", cmd_export, CMD_READ,
         "Print every event and incident as one JSON document.", export_opts,
         "incident export"},
        {"gc", NULL, CMD_GIT, SUMMARY_GC, NULL, NULL},
        {"help", cmd_help, CMD_NO_STORE, "Show the manual of a command.",
         help_opts, "incident help [command]"},
        {"init", cmd_init, CMD_NO_STORE | CMD_MIRROR,
         "Create the store (optional: the first open creates it).", init_opts,
         "incident init [--git] [--json] [--dir dir] [--remote url]"},
        {"investigate", cmd_investigate, CMD_WRITE | CMD_MIRROR,
         "Mark an incident as under investigation.", investigate_opts,
         "incident investigate [-q] [--json] [--dry-run] [--at time] [--note "
         "text] id"},
        {"list", cmd_list, CMD_READ, "List incidents, newest first.", list_opts,
         "incident list [-q] [--all] [--json] [--status status]... "
         "[-s sev] [--priority P1..P4] [--service name] [--tag tag] "
         "[--field key=value] [--since time] [-n count]"},
        {"log", cmd_log, CMD_READ, "Show an incident's timeline.", log_opts,
         "incident log [--json] id"},
        {"merge", cmd_merge, CMD_WRITE | CMD_MIRROR,
         "Merge a duplicate into the incident to keep.", merge_opts,
         "incident merge [-q] [--json] [--dry-run] [--at time] id into-id"},
        {"mitigate", cmd_mitigate, CMD_WRITE | CMD_MIRROR,
         "Record that the impact has stopped.", mitigate_opts,
         "incident mitigate [-q] [--json] [--dry-run] [--at time] [--note "
         "text] id"},
        {"note", cmd_note, CMD_WRITE | CMD_MIRROR,
         "Add a responder's note to an incident.", note_opts,
         "incident note [-q] [--json] [--dry-run] [--at time] id [text | -]"},
        {"open", cmd_open, CMD_CREATE | CMD_MIRROR,
         "Open an incident and print its id.", open_opts,
         "incident open [-q] [--json] [--dry-run] [--drill] [-s sev] "
         "[--service name]... [--tag tag]... [--summary text] [--at time] "
         "[--started time] [--commander who] [--dedup-key key] "
         "[--source name] title"},
        {"rebuild", NULL, CMD_GIT, SUMMARY_REBUILD, NULL, NULL},
        {"reopen", cmd_reopen, CMD_WRITE | CMD_MIRROR,
         "Reopen a resolved or closed incident.", reopen_opts,
         "incident reopen [-q] [--json] [--dry-run] [--at time] --reason text "
         "id"},
        {"resolve", cmd_resolve, CMD_WRITE | CMD_MIRROR,
         "Record that an incident is over.", resolve_opts,
         "incident resolve [-q] [--json] [--dry-run] [--at time] [--summary "
         "text] [--cause text] id"},
        {"review", cmd_review, CMD_WRITE | CMD_MIRROR,
         "Write the post-incident review; --done closes the incident.",
         review_opts,
         "incident review [-q] [--json] [--dry-run] [--done] [--no-edit] "
         "[--output file] [--at time] [id]"},
        {"show", cmd_show, CMD_READ, "Show everything known about an incident.",
         show_opts, "incident show [--json] id"},
        {"stats", cmd_stats, CMD_READ,
         "Response metrics: TTD, TTA, TTM, TTR and counts.", stats_opts,
         "incident stats [--json] [--since time] [--until time] "
         "[--by severity|service|tag|month]"},
        {"sync", NULL, CMD_GIT, SUMMARY_SYNC, NULL, NULL},
        {"triage", cmd_triage, CMD_WRITE | CMD_MIRROR,
         "Acknowledge and classify an incident in one step.", triage_opts,
         "incident triage [-q] [--json] [--dry-run] [--at time] [-s sev] "
         "[--impact level] "
         "[--urgency level] [--priority P1..P4] [--commander who] "
         "[--service name]... [--tag tag]... [--summary text] "
         "[--started time] id"},
        {"update", cmd_update, CMD_WRITE | CMD_MIRROR,
         "Post a status update for stakeholders.", update_opts,
         "incident update [-q] [--json] [--dry-run] [--at time] id [text | -]"},
        {"verify", NULL, CMD_GIT, SUMMARY_VERIFY, NULL, NULL},
        {NULL, NULL, 0, NULL, NULL, NULL},
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
	for (const struct cmd *c = commands + 1; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
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
	for (const struct cmd *c = commands + 1; c->name != NULL; c++)
		suggest_add(&s, c->name);
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
	fprintf(f, "usage: %s\n       incident --version\n\n",
	        commands[0].usage);
	fputs("With no command, shows the open incidents.\n\ncommands:\n", f);
	for (const struct cmd *c = commands + 1; c->name != NULL; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
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

/*
 * Now, as the world's time of events and the reference of relative
 * times: the clock, or INCIDENT_NOW for drills and tests. Read here
 * once; recorded_at and real deadlines keep to the clock.
 */
static int
world_now(int64_t *out)
{
	const char *env = getenv("INCIDENT_NOW");

	*out = inc_time_now();
	if (env == NULL || *env == '\0')
		return EXIT_OK;
	if (inc_time_from_rfc3339(out, env) < 0) {
		fputs("incident: INCIDENT_NOW: '", stderr);
		print_safe(stderr, env, false);
		fputs("' is not an RFC 3339 time (like "
		      "2026-11-24T09:41:00Z)\n",
		      stderr);
		return EXIT_USAGE;
	}
	return EXIT_OK;
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
			for (cmd = commands + 1; cmd->name != NULL; cmd++)
				printf("%s\n", cmd->name);
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
		cmd = &commands[0];
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
	if ((status = world_now(&ctx.now)) != EXIT_OK)
		return status;
	status = ctx_prepare(&ctx, dir_opt, cmd->flags & CMD_STORE_MASK);
	if (status == EXIT_OK)
		status = cmd->run(&ctx, argc, argv);
	if (status == EXIT_OK && (cmd->flags & CMD_MIRROR))
		helper_mirror(&ctx);
	status = finish(status);
	ctx_release(&ctx);
	return status;
}
