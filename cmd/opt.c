/*
 * One option table per command drives getopt_long, --help, the usage
 * errors and --complete-options, so they cannot disagree. A row says
 * where its value goes and what type it is; opt_parse() converts and
 * stores it, so no command has a switch of its own.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* The most options a command has, inherited ones and --help counted. */
#define MAX_OPTS 40

static const struct opt help_opt = {
        .type = OPT_TYPE_HELP,
        .name = "help",
        .alias = 'h',
        .help = "show this help",
};

const struct change_args change_defaults;

const struct opt change_opts[] = {
        OPT_BOOL("quiet", 'q', &change_defaults.quiet, "print only the id"),
        OPT_BOOL("json", 0, &change_defaults.json,
                 "print the incident as JSON"),
        OPT_BOOL("dry-run", 0, &change_defaults.o.dry_run,
                 "check and show what would happen; change nothing"),
        OPT_TIME("at", 0, &change_defaults.o.at, "time",
                 "when it happened (default: now)"),
        OPT_END,
};

const struct json_args json_defaults;

const struct opt json_opts[] = {
        OPT_BOOL("json", 0, &json_defaults.json, "print the result as JSON"),
        OPT_END,
};

/* A command's rows with inherited tables spliced in, and --help last. */
struct rows {
	const struct opt *opt[MAX_OPTS];
	size_t offset[MAX_OPTS]; /* of the target in the command's struct */
	size_t n;
};

static size_t
offset_in(const void *target, const void *defaults)
{
	return (size_t)((const char *)target - (const char *)defaults);
}

static int
add_rows(struct rows *r, const struct opt *opts, const void *defaults,
         size_t at)
{
	for (const struct opt *op = opts;
	     op != NULL && op->type != OPT_TYPE_END; op++) {
		size_t off = op->target != NULL
		                     ? at + offset_in(op->target, defaults)
		                     : 0;
		if (op->type == OPT_TYPE_INHERIT) {
			if (add_rows(r, op->inherit, op->inherit_defaults,
			             off) < 0)
				return -1;
			continue;
		}
		if (r->n >= MAX_OPTS - 1) /* and room for --help */
			return -1;
		r->opt[r->n] = op;
		r->offset[r->n++] = off;
	}
	return 0;
}

/* The rows of cmd; a table with its own "help" row keeps it. */
static void
rows_of(struct rows *r, const struct cmd *cmd)
{
	r->n = 0;
	/* a table larger than MAX_OPTS is a bug the tests find at once */
	if (add_rows(r, cmd->opts, cmd->defaults, 0) < 0)
		abort();
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->opt[i]->name, "help") == 0)
			return;
	r->opt[r->n] = &help_opt;
	r->offset[r->n++] = 0;
}

void *
opt_new(const struct cmd *cmd)
{
	void *opts = calloc(1, cmd->size > 0 ? cmd->size : 1);

	if (opts != NULL && cmd->defaults != NULL)
		memcpy(opts, cmd->defaults, cmd->size);
	return opts;
}

void
opt_free(const struct cmd *cmd, void *opts)
{
	struct rows r;

	if (opts == NULL)
		return;
	rows_of(&r, cmd);
	for (size_t i = 0; i < r.n; i++) {
		void *list;
		if (r.opt[i]->type != OPT_TYPE_LIST)
			continue;
		memcpy(&list, (char *)opts + r.offset[i], sizeof(list));
		free(list);
	}
	free(opts);
}

/* "; did you mean '--severity'?" for "--sevrity" or "--sevrity=2" */
static char *
near_option(char *buf, size_t len, const struct rows *r, const char *arg)
{
	const char *word = strncmp(arg, "--", 2) == 0 ? arg + 2 : "";
	char name[64];
	struct suggest s;

	snprintf(name, sizeof(name), "%.*s", (int)strcspn(word, "="), word);
	suggest_begin(&s, name);
	for (size_t i = 0; *word != '\0' && i < r->n; i++)
		suggest_add(&s, r->opt[i]->name);
	return suggest_text(buf, len, &s, "--");
}

/* Appends value to the list of row i (a const char *const * and its
 * count); the array is the caller's, freed by opt_free(). */
static int
add_value(void *opts, const struct rows *r, size_t i, const char *value)
{
	char *target = (char *)opts + r->offset[i];
	size_t *n = (size_t *)(target +
	                       offset_in(r->opt[i]->count, r->opt[i]->target));
	const char **list, **grown;

	memcpy(&list, target, sizeof(list));
	if ((grown = realloc(list, (*n + 1) * sizeof(*list))) == NULL) {
		fputs("incident: out of memory\n", stderr);
		return EXIT_FAIL;
	}
	grown[(*n)++] = value;
	memcpy(target, &grown, sizeof(grown));
	return 0;
}

static int
parse_int(long *out, struct inc_ctx *ctx, const struct opt *op,
          const char *value)
{
	char *end;

	errno = 0;
	*out = strtol(value, &end, 10);
	if (*value != '\0' && *end == '\0' && errno == 0 && *out >= op->min &&
	    *out <= op->max)
		return 0;
	if (op->max == LONG_MAX)
		return usage_error(ctx->cmd, "--%s needs a %s number, not '%s'",
		                   op->name, op->min > 0 ? "positive" : "whole",
		                   value);
	return usage_error(ctx->cmd, "--%s takes %ld to %ld %s, not '%s'",
	                   op->name, op->min, op->max, op->argname, value);
}

static int
parse_keyword(const char **out, struct inc_ctx *ctx, const struct opt *op,
              const char *value)
{
	char list[256] = "";
	size_t n = 0, len = 0;

	for (; op->words[n] != NULL; n++)
		if (strcmp(op->words[n], value) == 0) {
			*out = op->words[n];
			return 0;
		}
	/* "--by takes severity, service, tag or month" */
	for (size_t i = 0; i < n && len < sizeof(list); i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s",
		                        i == 0       ? ""
		                        : i == n - 1 ? " or "
		                                     : ", ",
		                        op->words[i]);
	return usage_error(ctx->cmd, "--%s takes %s", op->name, list);
}

/* Stores value in the target of row i: 0, or an exit status. */
static int
store(struct inc_ctx *ctx, void *opts, const struct rows *r, size_t i,
      const char *value)
{
	const struct opt *op = r->opt[i];
	void *target = (char *)opts + r->offset[i];

	switch (op->type) {
	case OPT_TYPE_BOOL:
		*(bool *)target = true;
		if (strcmp(op->name, "dry-run") == 0)
			ctx->dry_run = true;
		return 0;
	case OPT_TYPE_STRING:
		*(const char **)target = value;
		return 0;
	case OPT_TYPE_LIST:
		return add_value(opts, r, i, value);
	case OPT_TYPE_INT:
		return parse_int(target, ctx, op, value);
	case OPT_TYPE_TIME:
		return parse_time(target, ctx, value);
	case OPT_TYPE_SEVERITY:
		/* without a store there is no scale, and no incident either:
		 * the command says that */
		return ctx->store != NULL ? parse_severity(target, ctx, value)
		                          : 0;
	case OPT_TYPE_KEYWORD:
		return parse_keyword(target, ctx, op, value);
	case OPT_TYPE_CALLBACK:
		return op->parse(ctx, target, value);
	case OPT_TYPE_DIR:
		ctx->dir_opt = value;
		return 0;
	case OPT_TYPE_HELP:
		opt_help(ctx->cmd, stdout);
		return -1;
	default:
		return EXIT_FAIL;
	}
}

int
opt_parse(struct inc_ctx *ctx, const struct cmd *cmd, void *opts, int argc,
          char **argv, bool stop, int *first)
{
	struct option longopts[MAX_OPTS + 1];
	char shortopts[2 * MAX_OPTS + 3], hint[256];
	bool seen[MAX_OPTS] = {false};
	size_t s = 0;
	struct rows r;
	int c, ret;

	rows_of(&r, cmd);
	/* "+": the global options end at the command; ":": a missing value
	 * is reported as ':' */
	if (stop)
		shortopts[s++] = '+';
	shortopts[s++] = ':';
	for (size_t i = 0; i < r.n; i++) {
		const struct opt *op = r.opt[i];
		longopts[i] = (struct option){
		        op->name,
		        op->argname != NULL ? required_argument : no_argument,
		        NULL, 256 + (int)i};
		if (op->alias != 0) {
			shortopts[s++] = op->alias;
			if (op->argname != NULL)
				shortopts[s++] = ':';
		}
	}
	longopts[r.n] = (struct option){NULL, 0, NULL, 0};
	shortopts[s] = '\0';
	optind = 0; /* a full reset in glibc: every command parses afresh */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		size_t i = 0;
		if (c == '?' && optopt != 0 && optopt < 256)
			return usage_error(cmd, "unknown option '-%c'", optopt);
		if (c == '?')
			return usage_error(cmd, "unknown option '%s'%s",
			                   argv[optind - 1],
			                   near_option(hint, sizeof(hint), &r,
			                               argv[optind - 1]));
		if (c == ':')
			c = optopt;
		if (c >= 256)
			i = (size_t)c - 256;
		else
			while (i < r.n && r.opt[i]->alias != c)
				i++;
		if (i >= r.n)
			return EXIT_FAIL;
		if (optarg == NULL && r.opt[i]->argname != NULL)
			return usage_error(cmd, "option '--%s' needs a value",
			                   r.opt[i]->name);
		if ((ret = store(ctx, opts, &r, i, optarg)) != 0)
			return ret;
		seen[i] = true;
	}
	for (size_t i = 0; i < r.n; i++)
		if ((r.opt[i]->flags & OPT_REQUIRED) && !seen[i])
			return usage_error(cmd, "--%s is required",
			                   r.opt[i]->name);
	*first = optind;
	return 0;
}

int
opt_one_id(struct inc_ctx *ctx, int argc)
{
	if (argc == 1)
		return 0;
	return usage_error(ctx->cmd, "one incident id is needed");
}

/* Whether the option word w of cmd's table takes the next argument as
 * its value (a long name may be abbreviated, as getopt_long allows). */
static bool
takes_value(const struct cmd *cmd, const char *w)
{
	size_t len = strlen(w);
	struct rows r;

	rows_of(&r, cmd);
	for (size_t i = 0; i < r.n; i++) {
		const struct opt *op = r.opt[i];
		if (op->argname == NULL)
			continue;
		if (w[1] == '-' && strchr(w, '=') == NULL &&
		    strncmp(op->name, w + 2, len - 2) == 0)
			return true;
		if (w[1] != '-' && op->alias != 0 && op->alias == w[len - 1] &&
		    strchr(w, op->alias) == w + len - 1)
			return true;
	}
	return false;
}

/* The same in any subcommand of cmd, or cmd itself when it runs too. */
static bool
takes_next(const struct cmd *cmd, const char *w)
{
	if (cmd->run != NULL && takes_value(cmd, w))
		return true;
	for (const struct cmd *const *sub = cmd->subcommands; *sub; sub++)
		if (takes_value(*sub, w))
			return true;
	return false;
}

const struct cmd *
opt_subcommand(const struct cmd *cmd, int *argc, char **argv, const char **name)
{
	int i = 1;

	/* the first operand, wherever the options before it end */
	while (i < *argc && argv[i][0] == '-' && argv[i][1] != '\0') {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		i += takes_next(cmd, argv[i]) ? 2 : 1;
	}
	*name = i < *argc ? argv[i] : NULL;
	for (const struct cmd *const *sub = cmd->subcommands;
	     *name != NULL && *sub != NULL; sub++) {
		if (strcmp((*sub)->name, *name) != 0)
			continue;
		memmove(&argv[i], &argv[i + 1],
		        (size_t)(*argc - i) * sizeof(*argv));
		(*argc)--;
		return *sub;
	}
	return NULL;
}

int
opt_no_subcommand(const struct cmd *cmd, const char *name)
{
	char or [128] = "", list[128] = "";
	size_t n = 0, lo = 0, ll = 0;

	while (cmd->subcommands[n] != NULL)
		n++;
	for (size_t i = 0; i < n; i++) {
		const char *sub = cmd->subcommands[i]->name;
		lo += (size_t)snprintf(or +lo, sizeof(or) - lo, "%s%s",
		                       i == 0       ? ""
		                       : i == n - 1 ? " or "
		                                    : ", ",
		                       sub);
		ll += (size_t)snprintf(list + ll, sizeof(list) - ll, "%s%s",
		                       i == 0 ? "" : ", ", sub);
		if (lo >= sizeof(or) || ll >= sizeof(list))
			break;
	}
	if (name == NULL)
		return usage_error(cmd, "%s?", or);
	return usage_error(cmd, "unknown %s command '%s' (%s)", cmd->name, name,
	                   list);
}

/* " [-s sev]", " --reason text", " [--by severity|service|tag|month]" */
static void
usage_option(FILE *f, const struct opt *op)
{
	bool required = op->flags & OPT_REQUIRED;

	fputs(required ? " " : " [", f);
	if (op->alias != 0)
		fprintf(f, "-%c", op->alias);
	else
		fprintf(f, "--%s", op->name);
	if (op->type == OPT_TYPE_KEYWORD)
		for (size_t i = 0; op->words[i] != NULL; i++)
			fprintf(f, "%s%s", i == 0 ? " " : "|", op->words[i]);
	else if (op->argname != NULL)
		fprintf(f, " %s", op->argname);
	fputs(required ? "" : "]", f);
	if (op->flags & OPT_REPEAT)
		fputs("...", f);
}

/*
 * "incident open [-q] [--json] [-s sev] [--service name]... title", from
 * the table: the options without a value first, then the others, each
 * group in the table's order (style(9)); then the operands, cmd->usage.
 */
static void
usage_line(const struct cmd *cmd, FILE *f)
{
	struct rows r;

	fputs(cmd->flags & CMD_INTERNAL ? "incident-git" : "incident", f);
	if (cmd->parent != NULL)
		fprintf(f, " %s", cmd->parent->name);
	fprintf(f, " %s", cmd->name);
	rows_of(&r, cmd);
	for (int values = 0; values < 2; values++)
		for (size_t i = 0; i < r.n; i++)
			if (r.opt[i]->type != OPT_TYPE_HELP &&
			    (r.opt[i]->argname != NULL) == values)
				usage_option(f, r.opt[i]);
	if (cmd->usage != NULL)
		fprintf(f, " %s", cmd->usage);
	fputc('\n', f);
}

void
opt_usage(const struct cmd *cmd, FILE *f)
{
	const struct cmd *const *sub = cmd->subcommands;

	fputs("usage: ", f);
	if (sub == NULL || cmd->run != NULL)
		usage_line(cmd, f);
	for (size_t i = 0; sub != NULL && sub[i] != NULL; i++) {
		fputs(i == 0 && cmd->run == NULL ? "" : "       ", f);
		usage_line(sub[i], f);
	}
}

static void
help_row(FILE *f, const struct opt *op)
{
	char left[64];
	int len;

	if (op->alias != 0)
		len = snprintf(left, sizeof(left), "-%c, --%s", op->alias,
		               op->name);
	else
		len = snprintf(left, sizeof(left), "    --%s", op->name);
	if (op->argname != NULL && len > 0 && (size_t)len < sizeof(left))
		snprintf(left + len, sizeof(left) - (size_t)len, " %s",
		         op->argname);
	fprintf(f, "  %-26s %s\n", left, op->help);
}

/* The options of each subcommand under its summary, then --help. */
static void
help_subcommands(const struct cmd *cmd, FILE *f)
{
	struct rows r;

	if (cmd->run != NULL) {
		fputs("\noptions:\n", f);
		rows_of(&r, cmd);
		for (size_t i = 0; i < r.n; i++)
			if (r.opt[i]->type != OPT_TYPE_HELP)
				help_row(f, r.opt[i]);
	}
	for (const struct cmd *const *sub = cmd->subcommands; *sub; sub++) {
		fprintf(f, "\n%s %s: %s\n", cmd->name, (*sub)->name,
		        (*sub)->summary);
		rows_of(&r, *sub);
		for (size_t i = 0; i < r.n; i++)
			if (r.opt[i]->type != OPT_TYPE_HELP)
				help_row(f, r.opt[i]);
	}
	fputc('\n', f);
	help_row(f, &help_opt);
}

void
opt_help(const struct cmd *cmd, FILE *f)
{
	const struct cmd *top = cmd->parent != NULL ? cmd->parent : cmd;
	struct rows r;

	opt_usage(cmd, f);
	fprintf(f, "\n%s\n", cmd->summary);
	if (cmd->subcommands != NULL) {
		help_subcommands(cmd, f);
	} else {
		fputs("\noptions:\n", f);
		rows_of(&r, cmd);
		for (size_t i = 0; i < r.n; i++)
			help_row(f, r.opt[i]);
	}
	if (top->name != NULL)
		fprintf(f, "\nSee 'incident help %s' for the manual.\n",
		        top->name);
}

static void
complete_rows(const struct cmd *cmd, FILE *f, const char **done, size_t *n)
{
	struct rows r;

	rows_of(&r, cmd);
	for (size_t i = 0; i < r.n; i++) {
		const struct opt *op = r.opt[i];
		const char *eq = op->argname != NULL ? "=" : "";
		size_t j = 0;
		while (j < *n && strcmp(done[j], op->name) != 0)
			j++;
		if (op->type == OPT_TYPE_HELP || j < *n || *n >= MAX_OPTS * 4)
			continue; /* --help last; another subcommand's too */
		done[(*n)++] = op->name;
		if (op->alias != 0)
			fprintf(f, "-%c%s\n", op->alias, eq);
		fprintf(f, "--%s%s\n", op->name, eq);
	}
}

/* Every option, of every subcommand, once: "=" when it takes a value. */
void
opt_complete(const struct cmd *cmd, FILE *f)
{
	const char *done[MAX_OPTS * 4];
	size_t n = 0;

	if (cmd->subcommands == NULL || cmd->run != NULL)
		complete_rows(cmd, f, done, &n);
	for (const struct cmd *const *sub = cmd->subcommands; sub && *sub;
	     sub++)
		complete_rows(*sub, f, done, &n);
	fputs("-h\n--help\n", f);
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
