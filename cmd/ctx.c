/*
 * What both programs, incident and the helper incident-git, do around a
 * command: set up the context, open the store as the command's flags say,
 * and check the output once it has run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"

void
ctx_init(struct inc_ctx *ctx, const struct cmd *cmd, const char *dir_opt)
{
	const char *nocolor = getenv("NO_COLOR"), *term = getenv("TERM");

	ctx->cmd = cmd;
	ctx->now = inc_time_now();
	ctx->tty_in = isatty(STDIN_FILENO);
	ctx->tty_out = isatty(STDOUT_FILENO);
	ctx->color = ctx->tty_out && (nocolor == NULL || *nocolor == '\0') &&
	             (term == NULL || strcmp(term, "dumb") != 0);
	ctx->dir_opt = dir_opt;
}

/* What is made in a group store is its group's too (incident-init(1)). */
static void
share_umask(const char *dir)
{
	umask(inc_store_sharing(dir) == INC_SHARE_GROUP ? 007 : 077);
}

/*
 * Who the events are written as: --actor or INCIDENT_ACTOR (main.c);
 * else for a command cron runs (tick), config tick.actor or "cron",
 * not the person whose config it reads; else the identity in actor.
 */
static int
pick_actor(struct inc_ctx *ctx, char *actor, size_t len, const inc_config *cfg)
{
	const char *v = ctx->actor;
	inc_error err;

	if (v == NULL && (ctx->cmd->flags & CMD_CRON)) {
		v = inc_config_get(cfg, "tick.actor");
		if (v != NULL &&
		    inc_actor_check(v, "config tick.actor", &err) < 0) {
			err.code = INC_ERROR;
			return fail(&err);
		}
		if (v == NULL)
			v = "cron";
	}
	if (v != NULL)
		snprintf(actor, len, "%s", v);
	return 0;
}

/* Opens the store in ctx->dir_opt as want says; an exit status. */
static int
prepare(struct inc_ctx *ctx, unsigned want)
{
	static const enum inc_open_mode modes[] = {
	        INC_OPEN_READONLY, INC_OPEN_READONLY, INC_OPEN_READWRITE,
	        INC_OPEN_CREATE};
	const inc_config *cfg;
	char actor[INC_TITLE_MAX + 1];
	inc_error err;
	int ret;

	if (want == CMD_NO_STORE) {
		/* rebuild finds its store itself, and writes in it too */
		char *dir;
		if (inc_store_discover(&dir, ctx->dir_opt, NULL) == 0)
			share_umask(dir);
		inc_str_free(dir);
		return 0;
	}
	if (inc_store_discover(&ctx->dir, ctx->dir_opt, &err) < 0)
		return fail(&err);
	share_umask(ctx->dir);
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
	inc_config_identity(actor, sizeof(actor), cfg);
	if ((ret = pick_actor(ctx, actor, sizeof(actor), cfg)) != 0)
		return ret;
	if (inc_store_set_actor(ctx->store, actor) < 0) {
		fputs("incident: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	return 0;
}

/* Opens the store as want says once the command has begun (ingest makes
 * one only for a payload it found good); an exit status. */
int
ctx_open_store(struct inc_ctx *ctx, unsigned want)
{
	inc_str_free(ctx->dir);
	ctx->dir = NULL;
	return prepare(ctx, want);
}

int
ctx_run(struct inc_ctx *ctx, int argc, char **argv)
{
	const struct cmd *cmd = ctx->cmd;
	unsigned want = cmd->flags & CMD_STORE_MASK;
	bool dir_first = cmd->flags & CMD_PICKS_DIR;
	int first = argc, ret;

	if ((ctx->opts = opt_new(cmd)) == NULL) {
		fputs("incident: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	/* the store first: a severity is parsed on its scale */
	if (!dir_first && (ret = prepare(ctx, want)) != 0)
		return ret;
	/* bare "incident" has no argv of its own */
	if (argc > 0 &&
	    (ret = opt_parse(ctx, cmd, ctx->opts, argc, argv, false, &first)))
		return ret < 0 ? EXIT_OK : ret;
	/* no operands in the usage line: none may come, before a store is
	 * made for them */
	if (cmd->usage == NULL && first < argc)
		return usage_error(cmd, "unexpected argument '%s'",
		                   argv[first]);
	if (dir_first && (ret = prepare(ctx, want)) != 0)
		return ret;
	return cmd->run(ctx, argc - first, argv + first);
}

void
ctx_release(struct inc_ctx *ctx)
{
	opt_free(ctx->cmd, ctx->opts);
	ctx->opts = NULL;
	inc_store_close(ctx->store);
	ctx->store = NULL;
	inc_str_free(ctx->dir);
	ctx->dir = NULL;
}

int
finish(int status)
{
	/* a full disk is a failure, not a short answer (SIGPIPE stays at
	 * its default, so a closed pipe ends the process quietly first) */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (status == EXIT_OK)
			fprintf(stderr, "incident: cannot write output: %s\n",
			        strerror(errno));
		return status == EXIT_OK ? EXIT_FAIL : status;
	}
	return status;
}

/* A mirror that fell behind is always said, with how far and why. */
void
mirror_warning(size_t behind, const char *why)
{
	fprintf(stderr,
	        "incident: warning: the audit mirror is behind by %zu "
	        "event%s (kept, sent with the next command): ",
	        behind, behind == 1 ? "" : "s");
	print_safe(stderr, why, false);
	fputc('\n', stderr);
}

/* -h/--help anywhere before "--" asks for help, store or no store. */
bool
ctx_wants_help(int argc, char **argv)
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
