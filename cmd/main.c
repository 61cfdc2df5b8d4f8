#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
        helper_verify_entry, cmd_tick_entry, cmd_check_entry, cmd_runbook_entry;
extern const struct cmd cmd_oncall_entry;
extern const struct cmd cmd_hooks_entry;
extern const struct cmd cmd_maintenance_entry;
extern const struct cmd cmd_changes_entry;
extern const struct cmd cmd_heartbeat_entry;
extern const struct cmd cmd_listen_entry;
extern const struct cmd cmd_ingest_entry, cmd_alerts_entry;

static const struct cmd *const commands[] = {
        &cmd_status_entry, /* bare "incident": what is open now */
        &cmd_action_entry,
        &cmd_alerts_entry,
        &cmd_assign_entry,
        &cmd_cancel_entry,
        &cmd_changes_entry,
        &cmd_check_entry,
        &cmd_edit_entry,
        &cmd_escalate_entry,
        &cmd_export_entry,
        &helper_gc_entry, /* run by incident-git */
        &cmd_heartbeat_entry,
        &cmd_help_entry,
        &cmd_hooks_entry,
        &cmd_ingest_entry,
        &cmd_init_entry,
        &cmd_investigate_entry,
        &cmd_list_entry,
        &cmd_listen_entry,
        &cmd_log_entry,
        &cmd_maintenance_entry,
        &cmd_merge_entry,
        &cmd_mitigate_entry,
        &cmd_note_entry,
        &cmd_oncall_entry,
        &cmd_open_entry,
        &helper_rebuild_entry, /* run by incident-git */
        &cmd_reopen_entry,
        &cmd_resolve_entry,
        &cmd_review_entry,
        &cmd_runbook_entry,
        &cmd_show_entry,
        &cmd_stats_entry,
        &helper_sync_entry, /* run by incident-git */
        &cmd_tick_entry,
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
        {"runbooks", "runbook"},
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
	      "  --actor name\n"
	      "              write events as name (default: $INCIDENT_ACTOR,\n"
	      "              then your identity; tick: config tick.actor, "
	      "cron)\n"
	      "  --version   print the version\n"
	      "  -h, --help  show this help\n",
	      f);
	fputs("\naliases:", f);
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		fprintf(f, "%s %s (%s)", i > 0 ? "," : "", aliases[i].name,
		        aliases[i].command);
	fputs("\n\nSee 'incident help <command>' and incident(1).\n", f);
}

/* The options before the command. */
struct globals {
	const char *dir;
	const char *actor;
	bool version, help, list_cmds;
	const char *complete; /* a command name */
};

static int
global_dir(struct inc_ctx *ctx, void *target, const char *value)
{
	(void)ctx;
	if (*value == '\0') {
		fputs("incident: --dir needs a folder, not an empty value\n",
		      stderr);
		return EXIT_USAGE;
	}
	*(const char **)target = value;
	return 0;
}

/* --actor: one line of text, as every event's actor is */
static int
global_actor(struct inc_ctx *ctx, void *target, const char *value)
{
	inc_error err;

	(void)ctx;
	if (inc_actor_check(value, "--actor", &err) < 0) {
		fail(&err);
		return EXIT_USAGE;
	}
	*(const char **)target = value;
	return 0;
}

static const struct globals defaults;

static const struct opt global_opts[] = {
        OPT_CALLBACK("dir", 0, &defaults.dir, "dir", "use the store in dir",
                     global_dir, 0),
        OPT_CALLBACK("actor", 0, &defaults.actor, "name",
                     "write events as name (an automation, a person)",
                     global_actor, 0),
        OPT_BOOL("version", 0, &defaults.version, "print the version"),
        OPT_BOOL("help", 'h', &defaults.help, "show this help"),
        OPT_BOOL("list-cmds", 0, &defaults.list_cmds, "list the commands"),
        OPT_STRING("complete-options", 0, &defaults.complete, "command",
                   "list the options of command"),
        OPT_END,
};

/* What they are parsed as: an entry with no name and no run. */
static const struct cmd globals = {
        CMD_OPTS(global_opts, defaults),
};

/* --version, --help, --list-cmds and --complete-options: an exit status. */
static int
global_answer(const struct globals *g)
{
	const struct cmd *cmd;

	if (g->version) {
		printf("incident %s\n", INC_VERSION);
	} else if (g->help) {
		main_help(stdout);
	} else if (g->list_cmds) {
		for (const struct cmd *const *c = commands + 1; *c != NULL; c++)
			printf("%s\n", (*c)->name);
	} else if ((cmd = cmd_find(g->complete)) == NULL) {
		return unknown_command(g->complete);
	} else if (cmd->flags & CMD_GIT) {
		char *ask[] = {"--complete-options", (char *)g->complete};
		return helper_exec(NULL, 2, ask);
	} else {
		opt_complete(cmd, stdout);
	}
	return finish(EXIT_OK);
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

/*
 * Who writes: --actor, else INCIDENT_ACTOR (checked the same way). Only
 * a command that writes reads INCIDENT_ACTOR: a bad one set for a cron
 * job's writes never stops a reader (list, show) in the same shell.
 */
static int
world_actor(const char **out, const char *opt, const struct cmd *cmd)
{
	const char *env = getenv("INCIDENT_ACTOR");
	inc_error err;

	*out = opt;
	if (opt != NULL || env == NULL || *env == '\0' ||
	    (cmd->flags & CMD_STORE_MASK) < CMD_WRITE)
		return EXIT_OK;
	if (inc_actor_check(env, "INCIDENT_ACTOR", &err) < 0) {
		fail(&err);
		return EXIT_USAGE;
	}
	*out = env;
	return EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct globals g = defaults;
	struct inc_ctx ctx = {0};
	const struct cmd *cmd;
	const char *name;
	int first, status;

	signal(SIGPIPE, SIG_DFL);
	/* private whatever the umask: the store, its database and its
	 * audit repository (a group store's widens it: ctx.c) */
	umask(077);
	ctx.cmd = &globals;
	if ((status = opt_parse(&ctx, &globals, &g, argc, argv, true, &first)))
		return status;
	if (g.version || g.help || g.list_cmds || g.complete != NULL)
		return global_answer(&g);
	argc -= first;
	argv += first;
	if (argc == 0) {
		cmd = commands[0];
	} else if ((cmd = cmd_find(argv[0])) == NULL) {
		return unknown_command(argv[0]);
	}
	if (cmd->flags & CMD_GIT)
		return helper_exec(g.dir, argc, argv);
	if (cmd->subcommands != NULL) {
		const struct cmd *sub = opt_subcommand(cmd, &argc, argv, &name);
		/* a command of its own too (oncall [rota]) runs without one */
		if (sub == NULL && cmd->run == NULL &&
		    !ctx_wants_help(argc, argv))
			return opt_no_subcommand(cmd, name);
		cmd = sub != NULL ? sub : cmd;
	}
	if (cmd->name != NULL && ctx_wants_help(argc, argv)) {
		opt_help(cmd, stdout);
		return finish(EXIT_OK);
	}
	ctx_init(&ctx, cmd, g.dir);
	if ((status = world_now(&ctx.now)) != EXIT_OK ||
	    (status = world_actor(&ctx.actor, g.actor, cmd)) != EXIT_OK)
		return status;
	status = ctx_run(&ctx, argc, argv);
	if (status == EXIT_OK && (cmd->flags & CMD_MIRROR))
		helper_mirror(&ctx);
	status = finish(status);
	/* hooks after the command's own output, like git's; a failing
	 * one is a warning, never the command's failure */
	if (status == EXIT_OK && (cmd->flags & CMD_STORE_MASK) >= CMD_WRITE)
		hooks_after(&ctx);
	ctx_release(&ctx);
	return status;
}
