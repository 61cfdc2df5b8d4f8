/*
 * One option table per command drives getopt_long, --help, the usage
 * errors and --complete-options, so they cannot disagree.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

static const struct opt help_opt = {"help", 'h', no_argument, NULL,
                                    "show this help"};

static size_t
count_opts(const struct opt *opts)
{
	size_t n = 0;

	while (opts != NULL && opts[n].name != NULL)
		n++;
	return n;
}

int
opt_begin(struct opt_state *o, const struct cmd *cmd, int argc, char **argv)
{
	size_t n = count_opts(cmd->opts), s = 0;
	struct option *lo = o->longopts;

	memset(o, 0, sizeof(*o));
	o->cmd = cmd;
	o->argc = argc;
	o->argv = argv;
	if (n + 2 > ARRAY_SIZE(o->longopts))
		return -1;
	o->shortopts[s++] = ':'; /* report a missing argument as ':' */
	for (size_t i = 0; i <= n; i++) {
		const struct opt *op = i < n ? &cmd->opts[i] : &help_opt;
		lo[i].name = op->name;
		lo[i].has_arg = op->has_arg;
		lo[i].val = op->val;
		if (op->val < 256 && s + 3 < sizeof(o->shortopts)) {
			o->shortopts[s++] = (char)op->val;
			if (op->has_arg == required_argument)
				o->shortopts[s++] = ':';
		}
	}
	o->shortopts[s] = '\0';
	optind = 0; /* a full reset in glibc: every command parses afresh */
	opterr = 0;
	return 0;
}

static const char *
name_of(const struct cmd *cmd, int val)
{
	for (size_t i = 0; cmd->opts != NULL && cmd->opts[i].name; i++)
		if (cmd->opts[i].val == val)
			return cmd->opts[i].name;
	return "?";
}

/* "; did you mean '--severity'?" for "--sevrity" or "--sevrity=2" */
static char *
near_option(char *buf, size_t len, const struct opt_state *o, const char *arg)
{
	const char *word = strncmp(arg, "--", 2) == 0 ? arg + 2 : "";
	char name[64];
	struct suggest s;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(word, "="), word);
	suggest_begin(&s, name);
	for (size_t i = 0; *word != '\0' && o->longopts[i].name != NULL; i++)
		suggest_add(&s, o->longopts[i].name);
	return suggest_text(buf, len, &s, "--");
}

int
opt_next(struct opt_state *o)
{
	int c = getopt_long(o->argc, o->argv, o->shortopts, o->longopts, NULL);
	char hint[256];

	o->arg = optarg;
	if (c == '?') {
		if (optopt != 0 && optopt < 256)
			usage_error(o->cmd, "unknown option '-%c'", optopt);
		else
			usage_error(o->cmd, "unknown option '%s'%s",
			            o->argv[optind - 1],
			            near_option(hint, sizeof(hint), o,
			                        o->argv[optind - 1]));
	} else if (c == ':') {
		usage_error(o->cmd, "option '--%s' needs a value",
		            name_of(o->cmd, optopt));
		c = '?';
	}
	return c;
}

int
opt_end(struct opt_state *o)
{
	(void)o;
	return optind;
}

void
opt_usage(const struct cmd *cmd, FILE *f)
{
	fprintf(f, "usage: %s\n", cmd->usage);
}

void
opt_help(const struct cmd *cmd, FILE *f)
{
	size_t n = count_opts(cmd->opts);

	opt_usage(cmd, f);
	fprintf(f, "\n%s\n\noptions:\n", cmd->summary);
	for (size_t i = 0; i <= n; i++) {
		const struct opt *op = i < n ? &cmd->opts[i] : &help_opt;
		char left[64];
		int len;

		if (op->val < 256)
			len = snprintf(left, sizeof(left), "-%c, --%s", op->val,
			               op->name);
		else
			len = snprintf(left, sizeof(left), "    --%s",
			               op->name);
		if (op->argname != NULL && len > 0 &&
		    (size_t)len < sizeof(left))
			snprintf(left + len, sizeof(left) - (size_t)len, " %s",
			         op->argname);
		fprintf(f, "  %-26s %s\n", left, op->help);
	}
	if (cmd->name != NULL)
		fprintf(f, "\nSee 'incident help %s' for the manual.\n",
		        cmd->name);
}

void
opt_complete(const struct cmd *cmd, FILE *f)
{
	size_t n = count_opts(cmd->opts);

	for (size_t i = 0; i <= n; i++) {
		const struct opt *op = i < n ? &cmd->opts[i] : &help_opt;
		const char *eq = op->has_arg == required_argument ? "=" : "";
		if (op->val < 256)
			fprintf(f, "-%c%s\n", op->val, eq);
		fprintf(f, "--%s%s\n", op->name, eq);
	}
}

/*
 * For commands whose only option is --json: parses it and checks there
 * are exactly operands operands (0, or 1 incident id). 0, else the exit
 * status.
 */
int
opt_json_only(struct inc_ctx *ctx, int argc, char **argv, int operands,
              bool *json)
{
	struct opt_state st;
	int c;

	*json = false;
	opt_begin(&st, ctx->cmd, argc, argv);
	while ((c = opt_next(&st)) != -1) {
		if (c != OPT_JSON)
			return EXIT_USAGE;
		*json = true;
	}
	if (opt_end(&st) == argc - operands)
		return 0;
	if (operands == 1)
		return usage_error(ctx->cmd, "one incident id is needed");
	return usage_error(ctx->cmd, "unexpected argument '%s'",
	                   argv[opt_end(&st)]);
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

	if (inc_store_severity_parse(out, ctx->store, text, &err) < 0)
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
