/* Shared by the commands in cmd/: the context, the tables, the helpers. */
#ifndef INC_CMD_H
#define INC_CMD_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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
	CMD_MIRROR = 4, /* brings the audit mirror up to date afterwards */
	CMD_GIT = 8,    /* handed to the helper incident-git (helper.c) */
};

/* The summaries of the commands incident-git runs, for both tables. */
#define SUMMARY_GC "Pack the audit repository (it also happens by itself)."
#define SUMMARY_REBUILD "Recreate the database from the audit history alone."
#define SUMMARY_SYNC "Share incidents through a git remote: fetch, merge, push."
#define SUMMARY_VERIFY "Check the database and the audit history agree."

struct opt {
	const char *name; /* long name */
	int val;          /* short option character, or an OPT_ code */
	int has_arg;      /* no_argument, required_argument */
	const char *argname;
	const char *help;
};

/* Values for long-only options, above any character. */
enum {
	OPT_JSON = 256,
	OPT_SERVICE,
	OPT_TAG,
	OPT_SUMMARY,
	OPT_AT,
	OPT_COMMANDER,
	OPT_DRY_RUN,
	OPT_STATUS,
	OPT_ALL,
	OPT_SINCE,
	OPT_DIR,
	OPT_IMPACT,
	OPT_URGENCY,
	OPT_PRIORITY,
	OPT_STARTED,
	OPT_NOTE,
	OPT_CAUSE,
	OPT_REASON,
	OPT_TO,
	OPT_REMOVE,
	OPT_TITLE,
	OPT_FIELD,
	OPT_DEDUP_KEY,
	OPT_SOURCE,
	OPT_DRILL,
	OPT_GIT,
	OPT_REMOTE,
	OPT_TIMEOUT,
	OPT_DONE,
	OPT_NO_EDIT,
	OPT_OUTPUT,
	OPT_OWNER,
	OPT_DUE,
	OPT_TYPE,
	OPT_OPEN,
	OPT_OVERDUE,
	OPT_UNTIL,
	OPT_BY,
	OPT_INIT,
};

/* The options every command that changes an incident takes. */
#define CHANGE_OPTS                                                            \
	{"quiet", 'q', no_argument, NULL, "print only the id"},                \
	        {"json", OPT_JSON, no_argument, NULL,                          \
	         "print the incident as JSON"},                                \
	        {"dry-run", OPT_DRY_RUN, no_argument, NULL,                    \
	         "check and show what would happen; change nothing"},          \
	{                                                                      \
		"at", OPT_AT, required_argument, "time",                       \
		        "when it happened (default: now)"                      \
	}

struct inc_ctx;

struct cmd {
	const char *name; /* NULL: bare "incident" */
	int (*run)(struct inc_ctx *ctx, int argc, char **argv);
	unsigned flags;
	const char *summary;
	const struct opt *opts;
	const char *usage;
};

struct inc_ctx {
	const struct cmd *cmd;
	inc_store *store;    /* NULL when none exists (CMD_READ, CMD_WRITE) */
	char *dir;           /* where the store is or would be */
	const char *dir_opt; /* the global --dir */
	bool color;          /* stdout is a terminal and NO_COLOR is unset */
	bool tty_in;
	bool tty_out;
	int64_t now;
};

/* ctx.c: around a command, in both programs */
void ctx_init(struct inc_ctx *ctx, const struct cmd *cmd, const char *dir_opt);
/* Opens the store as flags say; an exit status. */
int ctx_prepare(struct inc_ctx *ctx, const char *dir_opt, unsigned want);
void ctx_release(struct inc_ctx *ctx);
bool ctx_wants_help(int argc, char **argv);
/* Flushes and checks stdout: a full disk fails the command. */
int finish(int status);
void mirror_warning(size_t behind, const char *why);

/* helper.c: running incident-git (in incident only) */
/* Replaces the process with the helper: [--dir dir_opt] argv...; returns
 * only on failure, with the exit status. */
int helper_exec(const char *dir_opt, int argc, char **argv);
/* Runs the helper on the store in dir with args (NULL-ended) and waits:
 * its exit status, or -1 (err set) when it could not run. */
int helper_run(const char *dir, const char *const *args, inc_error *err);
/* After a write: mirrors what is pending, warning when it cannot. */
void helper_mirror(struct inc_ctx *ctx);
const struct cmd *cmd_find(const char *name);
void main_help(FILE *f);

/* opt.c */
struct opt_state {
	const struct cmd *cmd;
	int argc;
	char **argv;
	struct option longopts[40];
	char shortopts[64];
	char *arg; /* the current option's argument */
};
int opt_begin(struct opt_state *o, const struct cmd *cmd, int argc,
              char **argv);
/* The next option's value; -1 at the end; '?' after printing an error. */
int opt_next(struct opt_state *o);
/* The first operand's index once opt_next() returned -1. */
int opt_end(struct opt_state *o);
int opt_json_only(struct inc_ctx *ctx, int argc, char **argv, int operands,
                  bool *json);
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

/* change.c: what the commands that change an incident share */
struct change_args {
	inc_change_opts o;
	bool json;
	bool quiet;
};
/* Takes an option of CHANGE_OPTS: 1 when c was one, -1 on a bad value. */
int change_opt(struct inc_ctx *ctx, struct change_args *a, int c,
               const char *arg, int *status);
/* Applies the change and prints the result; the exit status. */
int change_run(struct inc_ctx *ctx, const char *id, enum inc_action action,
               struct change_args *a);
/* An option of a simple change command: it sets one text member. */
struct change_field {
	const char *name; /* the long option, for messages */
	int val;
	size_t offset; /* offsetof(inc_change_opts, member) */
	bool required;
};
/* A change command whose options are CHANGE_OPTS and text fields. */
int change_simple(struct inc_ctx *ctx, int argc, char **argv,
                  enum inc_action action, const struct change_field *fields);
/* note and update: an id, then the text (words, "-", or the editor). */
int change_text(struct inc_ctx *ctx, int argc, char **argv,
                enum inc_action action, const char *what);
/* Prints a changed incident as the change commands do. */
int change_print(struct inc_ctx *ctx, const inc_incident *inc,
                 enum inc_action action, const struct change_args *a);

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

/* output.c: JSON for scripts */
cJSON *json_doc(void);
int print_json(cJSON *root);
int json_count(const cJSON *obj, const char *key);

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
