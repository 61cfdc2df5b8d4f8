/* Shared by the commands in cmd/: the context, the tables, the helpers. */
#ifndef INC_CMD_H
#define INC_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "incident.h"

/* Exit statuses, documented in incident(1); never renumber them. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_USAGE = 2,
	EXIT_NOTFOUND = 3,
	EXIT_REFUSED = 4,
	EXIT_BUSY = 5,
};

/* What main() prepares before a command runs. */
enum cmd_flags {
	CMD_NO_STORE = 0, /* needs no store */
	CMD_READ = 1,     /* opens the store read-only if it exists */
	CMD_WRITE = 2,    /* opens an existing store read-write */
	CMD_CREATE = 3,   /* opens the store, creating it on first use */
	CMD_STORE_MASK = 3,
	CMD_MIRROR = 4,     /* brings the audit mirror up to date afterwards */
	CMD_GIT = 8,        /* handed to the helper incident-git (helper.c) */
	CMD_INTERNAL = 16,  /* incident-git's own, run by incident: not typed */
	CMD_PICKS_DIR = 32, /* its --dir (OPT_DIR) picks the store: options
	                     * are parsed before the store is opened */
	CMD_CRON = 64,      /* run by cron: writes as config tick.actor
	                     * (default "cron") unless --actor or
	                     * INCIDENT_ACTOR says who */
};

/* The summaries of the commands incident-git runs, for both tables. */
#define SUMMARY_GC "Pack the audit repository (it also happens by itself)."
#define SUMMARY_REBUILD "Recreate the database from the audit history alone."
#define SUMMARY_SYNC "Share incidents through a git remote: fetch, merge, push."
#define SUMMARY_VERIFY "Check the database and the audit history agree."

/*
 * An option: its type, names, target, and help (libgit2's cli_opt_spec,
 * notmuch's notmuch_opt_desc). A command's options are one struct; the
 * table points each target to its member in the command's defaults, as
 * &defaults.json, and main() gives the command a copy of the defaults in
 * ctx->opts with what the command line said written to the same members.
 * So a command declares its options and finds them parsed.
 */
enum opt_type {
	OPT_TYPE_END = 0,
	OPT_TYPE_BOOL,     /* bool: true when given */
	OPT_TYPE_STRING,   /* const char *: the value; the last one wins */
	OPT_TYPE_LIST,     /* const char *const *, size_t: every value */
	OPT_TYPE_INT,      /* long, within [min, max] */
	OPT_TYPE_TIME,     /* int64_t, by inc_time_parse() at ctx->now */
	OPT_TYPE_SEVERITY, /* int, on the store's scale */
	OPT_TYPE_KEYWORD,  /* const char *: one of words */
	OPT_TYPE_CALLBACK, /* parse(ctx, target, value) says */
	OPT_TYPE_DIR,      /* the store's folder: ctx->dir_opt */
	OPT_TYPE_HELP,     /* -h, --help, which every table has */
	OPT_TYPE_INHERIT,  /* the rows of another table, at target */
};

enum opt_flags {
	OPT_REQUIRED = 1, /* a usage error when missing */
	OPT_REPEAT = 2,   /* "..." in the usage line */
};

struct inc_ctx;

struct opt {
	enum opt_type type;
	const char *name; /* the long name, without "--" */
	char alias;       /* the short name, or 0 */
	const void *target;
	const char *argname; /* the value's name; NULL: takes no value */
	const char *help;
	unsigned flags;
	const void *count;        /* OPT_TYPE_LIST: its size_t */
	long min, max;            /* OPT_TYPE_INT */
	const char *const *words; /* OPT_TYPE_KEYWORD: NULL-ended */
	int (*parse)(struct inc_ctx *ctx, void *target, const char *value);
	const struct opt *inherit;    /* OPT_TYPE_INHERIT: its table */
	const void *inherit_defaults; /* and the defaults it points into */
};

/* The types of targets, named so that OPT_TARGET can qualify them. */
typedef const char *opt_string;
typedef const char *const *opt_list;

/* The target p, a compile error unless it points to a const type. */
#define OPT_TARGET(p, type)                                                    \
	((const void *)((p) + 0 * sizeof((const type *)NULL == (p))))

/* A row; after help, the members of its type (at least one, for C11). */
#define OPT_ROW(t, l, s, target_, arg, h, ...)                                 \
	{                                                                      \
		.type = (t), .name = (l), .alias = (s), .target = (target_),   \
		.argname = (arg), .help = (h), __VA_ARGS__                     \
	}
#define OPT_BOOL(l, s, m, h)                                                   \
	OPT_ROW(OPT_TYPE_BOOL, l, s, OPT_TARGET(m, bool), NULL, h, .flags = 0)
#define OPT_STRING(l, s, m, arg, h)                                            \
	OPT_ROW(OPT_TYPE_STRING, l, s, OPT_TARGET(m, opt_string), arg, h,      \
	        .flags = 0)
#define OPT_REQUIRED_STRING(l, s, m, arg, h)                                   \
	OPT_ROW(OPT_TYPE_STRING, l, s, OPT_TARGET(m, opt_string), arg, h,      \
	        .flags = OPT_REQUIRED)
/* m points to the list, n to its count */
#define OPT_LIST(l, s, m, n, arg, h)                                           \
	OPT_ROW(OPT_TYPE_LIST, l, s, OPT_TARGET(m, opt_list), arg, h,          \
	        .count = OPT_TARGET(n, size_t), .flags = OPT_REPEAT)
#define OPT_INT(l, s, m, arg, h, lo, hi)                                       \
	OPT_ROW(OPT_TYPE_INT, l, s, OPT_TARGET(m, long), arg, h, .min = (lo),  \
	        .max = (hi))
#define OPT_TIME(l, s, m, arg, h)                                              \
	OPT_ROW(OPT_TYPE_TIME, l, s, OPT_TARGET(m, int64_t), arg, h, .flags = 0)
#define OPT_SEVERITY(l, s, m, arg, h)                                          \
	OPT_ROW(OPT_TYPE_SEVERITY, l, s, OPT_TARGET(m, int), arg, h, .flags = 0)
/* words: the values allowed, NULL-ended */
#define OPT_KEYWORD(l, s, m, arg, h, words_)                                   \
	OPT_ROW(OPT_TYPE_KEYWORD, l, s, OPT_TARGET(m, opt_string), arg, h,     \
	        .words = (words_))
/* fn(ctx, m in the command's copy, value): 0, or an exit status */
#define OPT_CALLBACK(l, s, m, arg, h, fn, f)                                   \
	OPT_ROW(OPT_TYPE_CALLBACK, l, s, (m), arg, h, .parse = (fn),           \
	        .flags = (f))
#define OPT_DIR(l, arg, h) OPT_ROW(OPT_TYPE_DIR, l, 0, NULL, arg, h, .flags = 0)
/* table's rows, whose targets are in defaults, for the struct m */
#define OPT_INHERIT(m, table, defaults)                                        \
	OPT_ROW(OPT_TYPE_INHERIT, NULL, 0, (m), NULL, NULL,                    \
	        .inherit = (table), .inherit_defaults = (defaults))
#define OPT_END OPT_ROW(OPT_TYPE_END, NULL, 0, NULL, NULL, NULL, .flags = 0)

/*
 * A command, defined in its own file (tmux's cmd_entry). main() parses
 * its options into a copy of defaults, prepares the store, and calls run
 * with the operands; run returns the exit status.
 */
struct cmd {
	const char *name; /* NULL: bare "incident" */
	int (*run)(struct inc_ctx *ctx, int argc, char **argv);
	unsigned flags;
	const char *summary;
	const char *usage; /* its operands, after the options; NULL: none */
	const struct opt *opts;
	const void *defaults; /* the options struct as the command starts */
	size_t size;          /* its size */
	/* a command of subcommands, each an entry (git's OPT_SUBCOMMAND) */
	const struct cmd *const *subcommands;
	const struct cmd *parent; /* of a subcommand */
};

/* In an entry: its option table, and the defaults its rows point into. */
#define CMD_OPTS(table, defaults_)                                             \
	.opts = (table), .defaults = &(defaults_), .size = sizeof(defaults_)

struct inc_ctx {
	const struct cmd *cmd;
	inc_store *store;    /* NULL when none exists (CMD_READ, CMD_WRITE) */
	char *dir;           /* where the store is or would be */
	const char *dir_opt; /* --dir: the global one, or init's (OPT_DIR) */
	void *opts;          /* the command's options, parsed */
	bool color;          /* stdout is a terminal and NO_COLOR is unset */
	bool tty_in;
	bool tty_out;
	int64_t now;
	const char *actor; /* --actor, else $INCIDENT_ACTOR; NULL: neither */
	bool dry_run;      /* a --dry-run option was given: no hooks run */
};

/* ctx.c: around a command, in both programs */
void ctx_init(struct inc_ctx *ctx, const struct cmd *cmd, const char *dir_opt);
/* Parses the options, prepares the store, runs the command: a status. */
int ctx_run(struct inc_ctx *ctx, int argc, char **argv);
int ctx_open_store(struct inc_ctx *ctx, unsigned want);
void ctx_release(struct inc_ctx *ctx);
bool ctx_wants_help(int argc, char **argv);
/* Flushes and checks stdout: a full disk fails the command. */
int finish(int status);
void mirror_warning(size_t behind, const char *why);

/* helper.c: running incident-git (in incident only) */
/* Replaces the process with the helper: [--dir dir_opt] argv...; returns
 * only on failure, with the exit status. */
int helper_exec(const char *dir_opt, int argc, char **argv);
/* The same with another helper program (incident-listen); what says what
 * it brings, for the message when it is missing. */
int helper_exec_program(const char *program, const char *what,
                        const char *dir_opt, int argc, char **argv);
/* Runs the helper on the store in dir with args (NULL-ended) and waits:
 * its exit status, or -1 (err set) when it could not run. */
int helper_run(const char *dir, const char *const *args, inc_error *err);
/* After a write: mirrors what is pending, warning when it cannot. */
void helper_mirror(struct inc_ctx *ctx);
const struct cmd *cmd_find(const char *name);
void main_help(FILE *f);

/* cmd_hooks.c: after a write, runs the hook deliveries due (main.c) */
void hooks_after(struct inc_ctx *ctx);

/* opt.c: the options of a command */
/*
 * Parses argv (argv[0] is the command) into opts as cmd's table says,
 * stopping at the first operand when stop: 0 with *first the first
 * operand's index, an exit status after saying what was wrong, or -1
 * when the help was asked for and shown.
 */
int opt_parse(struct inc_ctx *ctx, const struct cmd *cmd, void *opts, int argc,
              char **argv, bool stop, int *first);
/* A copy of cmd's defaults for opt_parse; NULL when out of memory. */
void *opt_new(const struct cmd *cmd);
/* Frees opts and the lists opt_parse made in it. */
void opt_free(const struct cmd *cmd, void *opts);
/* 0 when the one operand is there (an incident id); else says so. */
int opt_one_id(struct inc_ctx *ctx, int argc);
/*
 * The subcommand of cmd named by the first operand, which is taken out
 * of argv; NULL when there is none (*name is then the operand or NULL).
 */
const struct cmd *opt_subcommand(const struct cmd *cmd, int *argc, char **argv,
                                 const char **name);
/* "add, done or list?", or "unknown action command 'x' (...)": 2. */
int opt_no_subcommand(const struct cmd *cmd, const char *name);
void opt_usage(const struct cmd *cmd, FILE *f);
void opt_help(const struct cmd *cmd, FILE *f);
void opt_complete(const struct cmd *cmd, FILE *f);
/* For commands that act on an incident: no store means no incident. */
int need_store(struct inc_ctx *ctx, const char *id);
int parse_severity(int *out, struct inc_ctx *ctx, const char *text);
int parse_time(int64_t *out, struct inc_ctx *ctx, const char *text);

/* suggest.c: "did you mean ...?" for commands, options and help */
struct suggest {
	const char *typed;
	size_t best; /* the score to beat: the threshold, then the best */
	const char *names[8];
	size_t n;
};
/* Edit distance counting a swap of neighbours as one (Damerau). */
size_t suggest_distance(const char *a, const char *b);
void suggest_begin(struct suggest *s, const char *typed);
/* Offers name as a candidate; name must outlive s. */
void suggest_add(struct suggest *s, const char *name);
/*
 * "; did you mean 'x'?" ('x' or 'y', 'x', 'y' or 'z'), each name after
 * prefix, or "" when nothing is close. Returns buf.
 */
char *suggest_text(char *buf, size_t len, const struct suggest *s,
                   const char *prefix);
/* The same for a command name, from the command table (main.c). */
char *suggest_command(char *buf, size_t len, const char *typed);

/* The options every command that changes an incident takes (opt.c). */
struct change_args {
	inc_change_opts o;
	bool json;
	bool quiet;
	const char *dedup_key; /* --dedup-key, where a command takes it */
};
/* -q, --json, --dry-run, --at: inherited with CHANGE_OPTS(&member). */
extern const struct opt change_opts[];
extern const struct change_args change_defaults;
#define CHANGE_OPTS(member) OPT_INHERIT(member, change_opts, &change_defaults)

/* For a command whose one option is --json, "print the result as JSON". */
struct json_args {
	bool json;
};
extern const struct opt json_opts[];
extern const struct json_args json_defaults;

/* render.c: applies the change and prints the result; an exit status */
int change_run(struct inc_ctx *ctx, const char *id, enum inc_action action,
               const struct change_args *a);
/* render.c: the same for a command whose one operand is the id */
int change_one(struct inc_ctx *ctx, int argc, char **argv,
               enum inc_action action);
/* render.c: prints a changed incident as the change commands do */
int change_print(struct inc_ctx *ctx, const inc_incident *inc,
                 enum inc_action action, const struct change_args *a);
/* input.c: note and update, an id then the text (words, "-", editor) */
int change_text(struct inc_ctx *ctx, int argc, char **argv,
                enum inc_action action, const char *what);

/* input.c */
char *read_text(struct inc_ctx *ctx, int argc, char **argv, int first,
                const char *id, const char *what, int *status);
char *edit_text(const char *text);
/* argv joined by single spaces; malloc'd, NULL on ENOMEM. */
char *join_words(int argc, char **argv);

/* exit.c: the status a command ends with */
int exit_code(int status);
/* One line on stderr, made safe for a terminal; the exit status. */
int fail(const inc_error *err);
int usage_error(const struct cmd *cmd, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* render.c: text for people */
void print_safe(FILE *f, const char *text, bool keep_newlines);
void print_actor(FILE *f, const char *actor);
void print_indented(FILE *f, const char *text, const char *indent);
const char *color(const struct inc_ctx *ctx, const char *sgr);
const char *severity_color(const struct inc_ctx *ctx, int level);
char *local_time(char *buf, size_t len, int64_t t);
int terminal_width(void);

/* cmd_runbook.c: the runbook's steps with their state (triage, show) */
void runbook_print_steps(struct inc_ctx *ctx, const cJSON *rb,
                         const char *indent);
/* A heading (label, then the title) and the steps of id's runbook, if
 * one applies; problems are warnings on stderr. Always 0. */
int runbook_show_section(struct inc_ctx *ctx, const char *id, const char *label,
                         const char *indent);

/* cmd_maintenance.c: incident list --maintenance */
int maintenance_suppressed_run(struct inc_ctx *ctx, bool json);
/* cmd_changes.c: show's changes of an incident's services */
cJSON *changes_of_incident(struct inc_ctx *ctx, const char *id);
void changes_show_section(struct inc_ctx *ctx, const char *id);

/* output.c: JSON for scripts */
cJSON *json_doc(void);
int print_json(cJSON *root);
int json_count(const cJSON *obj, const char *key);
int json_from_text(cJSON **out, int ret, char *text, inc_error *err);
int doc_incident(cJSON **out, inc_store *s, const inc_incident *inc,
                 int64_t now, inc_error *err);
int doc_list_item(cJSON **out, inc_store *s, const inc_list *list, size_t i,
                  int64_t now, inc_error *err);
int doc_export(cJSON **out, inc_store *s, inc_error *err);
int doc_followups(cJSON **out, inc_store *s, const inc_followup_query *q,
                  inc_error *err);
int doc_stats(cJSON **out, inc_store *s, const inc_stats_opts *o,
              inc_error *err);
int doc_event(cJSON **out, const inc_event *ev, inc_error *err);
const char *json_str(const cJSON *obj, const char *key);
int json_int(int64_t *out, const cJSON *obj, const char *key, int64_t min,
             int64_t max);

/* dedup.c: with --dedup-key key (not NULL), the incident it names is
 * put before the operands: *argv becomes a copy in *mem (the caller
 * frees it). 0, or an exit status after saying why. */
int dedup_operand(struct inc_ctx *ctx, const char *key, int *argc, char ***argv,
                  char **mem);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
