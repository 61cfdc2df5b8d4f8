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
        {"gc", cmd_gc, CMD_WRITE,
         "Pack the audit repository (it also happens by itself).", gc_opts,
         "incident gc [--json]"},
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
        {"rebuild", cmd_rebuild, CMD_NO_STORE,
         "Recreate the database from the audit history alone.", rebuild_opts,
         "incident rebuild [--json]"},
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
        {"sync", cmd_sync, CMD_WRITE,
         "Share incidents through a git remote: fetch, merge, push.", sync_opts,
         "incident sync [-q] [--json] [--timeout seconds] [remote]"},
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
        {"verify", cmd_verify, CMD_READ,
         "Check the database and the audit history agree.", verify_opts,
         "incident verify [--json]"},
        {NULL, NULL, 0, NULL, NULL, NULL},
};

const struct cmd *
cmd_find(const char *name)
{
	for (const struct cmd *c = commands + 1; c->run != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* Edit distance counting a swap of neighbours as one (Damerau). */
static size_t
distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[32][32];

	if (la >= 32 || lb >= 32)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

static int
unknown_command(const char *name)
{
	const struct cmd *best = NULL;
	size_t best_d = 3;

	for (const struct cmd *c = commands + 1; c->run != NULL; c++) {
		size_t d = distance(name, c->name);
		if (d < best_d || (strncmp(name, c->name, strlen(name)) == 0 &&
		                   strlen(name) >= 2 && best == NULL)) {
			best = c;
			best_d = d;
		}
	}
	fputs("incident: '", stderr);
	print_safe(stderr, name, false);
	fputs("' is not a command", stderr);
	if (best != NULL)
		fprintf(stderr, "; did you mean '%s'?", best->name);
	fputs(" (see 'incident --help')\n", stderr);
	return EXIT_USAGE;
}

void
main_help(FILE *f)
{
	fprintf(f, "usage: %s\n       incident --version\n\n",
	        commands[0].usage);
	fputs("With no command, shows the open incidents.\n\ncommands:\n", f);
	for (const struct cmd *c = commands + 1; c->run != NULL; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fputs("\nglobal options:\n"
	      "  --dir dir   use the store in dir (default: $INCIDENT_DIR, a\n"
	      "              .incident folder above, ~/.local/share/incident)\n"
	      "  --version   print the version\n"
	      "  -h, --help  show this help\n"
	      "\nSee 'incident help <command>' and incident(1).\n",
	      f);
}

/* -h/--help anywhere before "--" asks for help, store or no store. */
static bool
wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return true;
	}
	return false;
}

int
ctx_prepare(struct inc_ctx *ctx, const char *dir_opt, unsigned want)
{
	static const enum inc_open_mode modes[] = {
	        INC_OPEN_READONLY, INC_OPEN_READONLY, INC_OPEN_READWRITE,
	        INC_OPEN_CREATE};
	const inc_config *cfg;
	char actor[512];
	inc_error err;
	int ret;

	if (want == CMD_NO_STORE)
		return 0;
	if (inc_store_discover(&ctx->dir, dir_opt, &err) < 0)
		return fail(&err);
	ret = inc_store_open(&ctx->store, ctx->dir, modes[want], &err);
	if (ret == INC_ENOSTORE && want != CMD_CREATE)
		return 0;
	if (ret < 0)
		return fail(&err);
	/* a bad config line is an error for readers too, never ignored */
	if (inc_store_config(&cfg, ctx->store, &err) < 0)
		return fail(&err);
	if (want == CMD_READ)
		return 0;
	inc_identity(actor, sizeof(actor), cfg);
	if (inc_store_set_actor(ctx->store, actor) < 0) {
		fputs("incident: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	return 0;
}

/*
 * After a write, the audit mirror catches up. A git failure never fails
 * the command: the events stay pending in SQLite and go out next time.
 */
static void
mirror(struct inc_ctx *ctx)
{
	size_t behind = 0;
	inc_error err;

	if (ctx->store == NULL || inc_store_audit_repo(ctx->store) == NULL)
		return;
	if (inc_audit_flush(&behind, ctx->store, &err) < 0) {
		fprintf(stderr,
		        "incident: warning: the audit mirror is behind by %zu "
		        "event%s (kept, sent with the next command): ",
		        behind, behind == 1 ? "" : "s");
		print_safe(stderr, err.message, false);
		fputc('\n', stderr);
	}
}

static int
finish(int status)
{
	/* a full disk or a closed pipe is a failure, not a short answer */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (status == EXIT_OK)
			fprintf(stderr, "incident: cannot write output: %s\n",
			        strerror(errno));
		return status == EXIT_OK ? EXIT_FAIL : status;
	}
	return status;
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
	const char *dir_opt = NULL, *nocolor = getenv("NO_COLOR");
	const char *term = getenv("TERM");
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
			for (cmd = commands + 1; cmd->run != NULL; cmd++)
				printf("%s\n", cmd->name);
			return finish(EXIT_OK);
		case GOPT_COMPLETE:
			if ((cmd = cmd_find(optarg)) == NULL)
				return unknown_command(optarg);
			opt_complete(cmd, stdout);
			return finish(EXIT_OK);
		case ':':
			fprintf(stderr, "incident: option '%s' needs a value\n",
			        argv[optind - 1]);
			return EXIT_USAGE;
		default:
			fprintf(stderr,
			        "incident: unknown option '%s' (see 'incident "
			        "--help')\n",
			        argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		cmd = &commands[0];
	} else if ((cmd = cmd_find(argv[0])) == NULL) {
		return unknown_command(argv[0]);
	}
	if (cmd->name != NULL && wants_help(argc, argv)) {
		opt_help(cmd, stdout);
		return finish(EXIT_OK);
	}
	ctx.cmd = cmd;
	if ((status = world_now(&ctx.now)) != EXIT_OK)
		return status;
	ctx.tty_in = isatty(STDIN_FILENO);
	ctx.tty_out = isatty(STDOUT_FILENO);
	ctx.color = ctx.tty_out && (nocolor == NULL || *nocolor == '\0') &&
	            (term == NULL || strcmp(term, "dumb") != 0);
	ctx.dir_opt = dir_opt;
	status = ctx_prepare(&ctx, dir_opt, cmd->flags & CMD_STORE_MASK);
	if (status == EXIT_OK)
		status = cmd->run(&ctx, argc, argv);
	if (status == EXIT_OK && (cmd->flags & CMD_MIRROR))
		mirror(&ctx);
	status = finish(status);
	inc_store_close(ctx.store);
	free(ctx.dir);
	return status;
}
