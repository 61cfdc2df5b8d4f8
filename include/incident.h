/*
 * libincident: the model, the store and the event log behind incident(1).
 *
 * Conventions (libgit2's):
 * - Exported names are inc_<module>_<verb>; private cross-file helpers
 *   inc_<module>__<name> (lib/internal.h).
 * - Fallible calls return 0 or a negative inc_error_code and fill a
 *   caller-owned inc_error (may be NULL); the library never prints, never
 *   exits and keeps no global state.
 * - Out-parameters come first and are named out.
 *
 * Ownership, once for the whole header:
 * - What a call returns through **out is the caller's, and is freed with
 *   the free function of its type: inc_<type>_free() for handles,
 *   inc_str_free() for strings, inc_strarray_dispose() for string arrays,
 *   Never mix them with free().
 * - A returned const pointer is borrowed: it stays valid until the object
 *   it came from is freed (the comment names it), and is never freed.
 * - Strings passed in are copied when the library keeps them.
 */
#ifndef INCIDENT_H
#define INCIDENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define INC_EXTERN __attribute__((visibility("default")))
#else
#define INC_EXTERN
#endif

#define INC_VERSION "0.1.0"
/* The version of every JSON document the library writes ("format"). */
#define INC_JSON_FORMAT 1

/* Status codes: 0 is success, everything else is negative. */
typedef enum inc_error_code {
	INC_OK = 0,
	INC_ERROR = -1,      /* generic failure */
	INC_EINVALID = -2,   /* bad input (a usage error for the caller) */
	INC_ENOTFOUND = -3,  /* no such incident */
	INC_EAMBIGUOUS = -4, /* an id prefix matches several incidents */
	INC_EREFUSED = -5,   /* the lifecycle does not allow it */
	INC_EBUSY = -6,      /* the store is locked by another writer */
	INC_EREADONLY = -7,  /* the store cannot be written */
	INC_ECORRUPT = -8,   /* the store is damaged or not a store */
	INC_ENOMEM = -9,
	INC_ENOSTORE = -10, /* no store exists yet (read-only open) */
	INC_ENEWER = -11,   /* the store was written by a newer version */
} inc_error_code;

#define INC_ERROR_MAX 256

typedef struct inc_error {
	inc_error_code code;
	char message[INC_ERROR_MAX];
} inc_error;

/* Full incident ids are INC_ID_LEN characters of Crockford base32. */
#define INC_ID_LEN 16
/* Short ids are never shorter than this. */
#define INC_SHORT_ID_MIN 5
/* Longest title accepted, in bytes. */
#define INC_TITLE_MAX 1000
/* Longest free text (notes, summaries) accepted, in bytes. */
#define INC_TEXT_MAX (64 * 1024)
/* Longest post-incident review document, in bytes. */
#define INC_REVIEW_MAX (1024 * 1024)

typedef struct inc_store inc_store;
typedef struct inc_config inc_config;
typedef struct inc_event inc_event;
typedef struct inc_incident inc_incident;

/* Where an incident is in its lifecycle (DESIGN §3). */
enum inc_status {
	INC_STATUS_OPEN = 0,
	INC_STATUS_TRIAGED,
	INC_STATUS_INVESTIGATING,
	INC_STATUS_MITIGATED,
	INC_STATUS_RESOLVED,
	INC_STATUS_CLOSED,
	INC_STATUS_CANCELLED,
	INC_STATUS_MERGED,
	INC_STATUS__COUNT
};

/* What can be done to an incident; lifecycle.c holds the table. */
enum inc_action {
	INC_ACTION_TRIAGE = 0,
	INC_ACTION_INVESTIGATE,
	INC_ACTION_MITIGATE,
	INC_ACTION_RESOLVE,
	INC_ACTION_REOPEN,
	INC_ACTION_CLOSE,
	INC_ACTION_ESCALATE,
	INC_ACTION_CANCEL,
	INC_ACTION_MERGE,
	INC_ACTION_ABSORB, /* the kept side of a merge */
	INC_ACTION_NOTE,
	INC_ACTION_UPDATE,
	INC_ACTION_ASSIGN,
	INC_ACTION_EDIT,
	INC_ACTION_ATTACH,     /* a deduplicated alert */
	INC_ACTION_REVIEW,     /* the post-incident review document */
	INC_ACTION_ACTION_ADD, /* a follow-up action item */
	INC_ACTION_ACTION_DONE,
	INC_ACTION_RUNBOOK, /* a runbook attached (at triage, or check) */
	INC_ACTION_CHECK,   /* a step of the attached runbook ticked */
	INC_ACTION__COUNT
};

/* ---- errors ---- */

/* The code's name for people: "busy", "not found". */
INC_EXTERN const char *inc_error_code_str(inc_error_code code);
/* Frees a string the library returned. */
INC_EXTERN void inc_str_free(char *s);

/* An array of strings the library returned (problems, ...). */
typedef struct inc_strarray {
	char **strings;
	size_t count;
} inc_strarray;
/* Frees the strings and the array, and zeroes *a. */
INC_EXTERN void inc_strarray_dispose(inc_strarray *a);

/* Sets err (if not NULL) and returns code. */
INC_EXTERN int inc_error_set(inc_error *err, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* ---- time (time.c): seconds since the epoch, UTC ---- */

/*
 * Parses a point in time as a person or script writes it: RFC 3339,
 * YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS], HH:MM (today), now,
 * N{s,m,h,d,w} ago, yesterday HH:MM, today HH:MM. Local forms use the
 * local time zone (TZ). now is the reference for relative forms.
 */
INC_EXTERN int inc_time_parse(int64_t *out, const char *text, int64_t now,
                              inc_error *err);
/* The last second an event file can hold (9999-12-31T23:59:59Z); the
 * first is the epoch: inc_time_parse() refuses what falls outside. */
#define INC_TIME_MAX 253402300799LL
/* Writes t as RFC 3339 UTC ("2026-11-24T09:41:00Z"); buf needs 21 bytes. */
INC_EXTERN char *inc_time_rfc3339(char *buf, size_t len, int64_t t);
/* Parses exactly the RFC 3339 form above (and offsets); 0 on success. */
INC_EXTERN int inc_time_from_rfc3339(int64_t *out, const char *text);
/* Writes "just now", "5m ago", "3h ago", "2d ago", or a date. */
INC_EXTERN char *inc_time_relative(char *buf, size_t len, int64_t t,
                                   int64_t now);
/* Writes a duration: "45s", "12m", "1h 05m", "3d 4h". */
INC_EXTERN char *inc_duration_format(char *buf, size_t len, int64_t secs);
INC_EXTERN int64_t inc_time_now(void);
/* Parses a duration such as 90s, 30m, 1h30m, 2d; 0 on success. */
INC_EXTERN int inc_duration_parse(int64_t *out, const char *text);

/* ---- text (text.c) ---- */

/* Checks text is valid UTF-8 of at most max bytes; what names the field. */
INC_EXTERN int inc_text_check(const char *text, size_t max, const char *what,
                              inc_error *err);
/*
 * Returns a copy of text safe for a terminal: control characters, escape
 * sequences and bidirectional overrides become visible escapes (^[, \u202e).
 * keep_newlines keeps \n and \t. Freed with inc_str_free(); NULL on ENOMEM.
 */
INC_EXTERN char *inc_text_sanitize(const char *text, bool keep_newlines);
/* Display width in terminal columns of UTF-8 text. */
INC_EXTERN size_t inc_text_width(const char *text);

/* ---- reading JSON documents (json.c) ---- */

/* The largest integer a JSON number (a double) holds exactly: 2^53 - 1. */
#define INC_JSON_INT_MAX 9007199254740991LL

/* The same check for a number already read as a double, e.g. by a caller
 * with a JSON parser of its own. */
INC_EXTERN int inc_number_int(int64_t *out, double v, int64_t min, int64_t max);

/* ---- ids (id.c) ---- */

/* Normalises a user-typed id or prefix (case, i/l->1, o->0) into out. */
INC_EXTERN int inc_id_normalize(char *out, size_t len, const char *text,
                                inc_error *err);

/* ---- config (config.c) ---- */

/*
 * Reads ~/.config/incident/config (XDG_CONFIG_HOME), then the store's
 * config file (store_dir may be NULL). *out is the caller's, freed with
 * inc_config_free().
 */
INC_EXTERN int inc_config_load(inc_config **out, const char *store_dir,
                               inc_error *err);
INC_EXTERN void inc_config_free(inc_config *cfg);
/* The last value of "section.key" or "section.sub.key"; borrowed. */
INC_EXTERN const char *inc_config_get(const inc_config *cfg, const char *key);
/*
 * Who is acting: config user.name/user.email, then git's user.name and
 * user.email (~/.gitconfig, XDG git/config), then $USER, then the name
 * of the effective user in the password database, then "unknown".
 * Writes "Name <email>" or "name" into out.
 */
INC_EXTERN void inc_config_identity(char *out, size_t len,
                                    const inc_config *cfg);

/* ---- the store (store/) ---- */

enum inc_open_mode {
	INC_OPEN_READONLY = 0, /* never create; INC_ENOSTORE if absent */
	INC_OPEN_READWRITE,    /* never create */
	INC_OPEN_CREATE,       /* create the folder and database if needed */
};

/*
 * Finds the store folder: explicit (--dir), then $INCIDENT_DIR, then a
 * .incident folder upward from the working directory, then
 * $XDG_DATA_HOME/incident (~/.local/share/incident). *out is the caller's,
 * freed with inc_str_free().
 */
INC_EXTERN int inc_store_discover(char **out, const char *explicit_dir,
                                  inc_error *err);
/* Opens (and migrates) the store in dir. *out freed with inc_store_close. */
INC_EXTERN int inc_store_open(inc_store **out, const char *dir,
                              enum inc_open_mode mode, inc_error *err);
INC_EXTERN void inc_store_close(inc_store *store);
/* Borrowed, valid until inc_store_close(). */
INC_EXTERN const char *inc_store_dir(const inc_store *store);
INC_EXTERN const char *inc_store_replica(const inc_store *store);
/* Whether inc_store_open(CREATE) made a new database. */
INC_EXTERN bool inc_store_created(const inc_store *store);
/*
 * Who may use a store: its owner alone (the default), or the owner's
 * group as well. The store's own config file records it (store.shared =
 * private or group); the user's file does not count.
 */
enum inc_share {
	INC_SHARE_PRIVATE = 0,
	INC_SHARE_GROUP,
};
/* How the store in dir is shared: private when it says nothing, or its
 * config cannot be read. A program sets its umask from it (077, 007). */
INC_EXTERN enum inc_share inc_store_sharing(const char *dir);
/*
 * Records how the store is shared and makes its folder and everything in
 * it so: the owner's alone (folders 0700, files 0600), or the group's too
 * (folders 2770, setgid so new files stay the group's, files 0660).
 */
INC_EXTERN int inc_store_share(inc_store *store, enum inc_share share,
                               inc_error *err);
/* Sets who new events are recorded as (copied). */
INC_EXTERN int inc_store_set_actor(inc_store *store, const char *actor);
/* The store's configuration (loaded on first use); borrowed. */
INC_EXTERN int inc_store_config(const inc_config **out, inc_store *store,
                                inc_error *err);
/* Severity level (1..n) to its name (e.g. "SEV1"); borrowed. */
INC_EXTERN const char *inc_severity_name(inc_store *store, int level);
/* Parses "2", "sev2", "SEV2" against the store's scale. */
INC_EXTERN int inc_severity_parse(int *out, inc_store *store, const char *text,
                                  inc_error *err);
INC_EXTERN int inc_severity_default(inc_store *store);
INC_EXTERN int inc_severity_count(inc_store *store);
/*
 * How often stakeholders expect an update at this severity, in seconds
 * (config severity.<NAME>.update-every; SEV1 30m and SEV2 1h out of the
 * box); 0 when there is no cadence.
 */
INC_EXTERN int64_t inc_severity_update_cadence(inc_store *store, int severity);
/* Whether an active incident's last update (or its opening) is too old. */
INC_EXTERN bool inc_severity_update_due(inc_store *store, int severity,
                                        enum inc_status status,
                                        int64_t opened_at,
                                        int64_t last_update_at, int64_t now);

/*
 * Resolves a full id or unique prefix to the full id. INC_ENOTFOUND when
 * nothing matches; INC_EAMBIGUOUS (the message lists the candidates) when
 * several do.
 */
INC_EXTERN int inc_id_resolve(char out[INC_ID_LEN + 1], inc_store *store,
                              const char *prefix, inc_error *err);
/* The shortest unique prefix of id (at least INC_SHORT_ID_MIN chars). */
INC_EXTERN int inc_id_short(char out[INC_ID_LEN + 1], inc_store *store,
                            const char *id, inc_error *err);

/* ---- incidents (incident.c) ---- */

INC_EXTERN const char *inc_action_name(enum inc_action action);
/* What a command did, for its answer: "triaged", "noted on". */
INC_EXTERN const char *inc_action_past(enum inc_action action);
/* Whether the lifecycle allows action on an incident in status from. */
INC_EXTERN bool inc_action_allowed(enum inc_action action,
                                   enum inc_status from);

INC_EXTERN const char *inc_status_name(enum inc_status status);
INC_EXTERN int inc_status_parse(enum inc_status *out, const char *text);
/* Open, triaged, investigating and mitigated incidents are active. */
INC_EXTERN bool inc_status_active(enum inc_status status);

/*
 * Loads the current state of an incident by full id or unique prefix.
 * *out is the caller's, freed with inc_incident_free().
 */
INC_EXTERN int inc_incident_load(inc_incident **out, inc_store *store,
                                 const char *id_or_prefix, inc_error *err);
INC_EXTERN void inc_incident_free(inc_incident *inc);
/* Accessors; strings are borrowed, valid until inc_incident_free(). */
INC_EXTERN const char *inc_incident_id(const inc_incident *inc);
INC_EXTERN const char *inc_incident_title(const inc_incident *inc);
INC_EXTERN enum inc_status inc_incident_status(const inc_incident *inc);
INC_EXTERN int inc_incident_severity(const inc_incident *inc);
/* How many alerts the incident gathered (its opening's and attached). */
INC_EXTERN int inc_incident_alert_count(const inc_incident *inc);

/* ---- changes (change.c): every write goes through here ---- */

typedef struct inc_open_opts {
	const char *title;
	const char *summary; /* may be NULL */
	int severity;        /* 0: the scale's default */
	const char *const *services;
	size_t nservices;
	const char *const *tags;
	size_t ntags;
	const char *commander; /* may be NULL */
	int64_t at;            /* when it was detected; 0: now */
	int64_t now;           /* what now is (see inc_change_opts) */
	int64_t started;       /* when impact began; 0: unknown */
	bool drill;            /* an exercise: left out of metrics */
	const char *dedup_key; /* while an incident with it is active, attach */
	const char *source;    /* where the alert came from */
	bool dry_run;
	/* when not NULL: its code is set (not 0) when the incident was
	 * recorded but its policy could not page it (a broken config);
	 * incident tick pages it once the config is fixed */
	inc_error *unpaged;
} inc_open_opts;

#define INC_OPEN_OPTS_INIT                                                     \
	{                                                                      \
		0                                                              \
	}

/*
 * Opens an incident, or with a dedup key that an active incident carries,
 * attaches an alert to that one (*deduplicated then true). *out (the
 * incident) is the caller's; out and deduplicated may be NULL.
 */
INC_EXTERN int inc_incident_open(inc_incident **out, bool *deduplicated,
                                 inc_store *store, const inc_open_opts *opts,
                                 inc_error *err);

/* What a change says; each action reads the members it needs. */
typedef struct inc_change_opts {
	int64_t at; /* when it happened; 0: now */
	/*
	 * What now is in the world: at's default and the latest at allowed
	 * (a drill's INCIDENT_NOW); 0: the clock. recorded_at is always the
	 * clock's, whatever now says.
	 */
	int64_t now;
	bool dry_run;
	const char *text;      /* note, update; investigate/mitigate --note */
	const char *summary;   /* triage, edit; resolve: the resolution */
	const char *cause;     /* resolve */
	const char *reason;    /* reopen, cancel (required), escalate */
	const char *to;        /* escalate: to whom */
	const char *title;     /* edit */
	int severity;          /* triage; 0 keeps it */
	const char *impact;    /* triage: high, medium, low */
	const char *urgency;   /* triage: high, medium, low */
	const char *priority;  /* triage: P1..P4, else from impact x urgency */
	const char *commander; /* triage */
	int64_t started;       /* triage: when impact began */
	const char *const *services; /* triage: added */
	size_t nservices;
	const char *const *tags; /* triage: added */
	size_t ntags;
	const char *const *fields; /* edit: key=value, or key= to remove */
	size_t nfields;
	const char *role; /* assign: commander, comms, ops, scribe */
	const char *who;  /* assign: NULL removes the role's holder */
	/* action add (text is the action); review (text is the document) */
	const char *owner;
	int64_t due;                 /* 0: none */
	const char *action_type;     /* detective, preventive, corrective */
	const char *action_priority; /* high, medium, low */
	int action_n;                /* action done: its number, from 1 */
	const char *step; /* check: a step's number or a text prefix */
} inc_change_opts;

#define INC_CHANGE_OPTS_INIT                                                   \
	{                                                                      \
		0                                                              \
	}

/*
 * Applies action to the incident id_or_prefix: INC_EREFUSED when the
 * lifecycle does not allow it (the message names the commands allowed next),
 * INC_EINVALID for bad input; nothing is written then. *out (may be
 * NULL) gets the new state, the caller's.
 */
INC_EXTERN int inc_incident_change(inc_incident **out, inc_store *store,
                                   const char *id_or_prefix,
                                   enum inc_action action,
                                   const inc_change_opts *opts, inc_error *err);

/* ---- runbooks (runbook.c) ---- */

/*
 * The runbooks in runbooks.dir (config runbooks.dir, relative to the
 * store; default runbooks/ in the store), as one JSON text:
 * {"dir", "runbooks": [{path, hash, title, services, tags, severities,
 * steps}], "problems": [text]}. A file that is skipped (no header, too
 * big, not UTF-8) is a problem, not an error; a runbooks.dir that was
 * set and cannot be read is an error. *out is the caller's.
 */
INC_EXTERN int inc_runbook_list_json(char **out, inc_store *store,
                                     inc_error *err);
/*
 * The runbook of an incident, as one JSON text: {"attached", "runbook"
 * (the attached one, else the one on disk that matches, else null),
 * "file": "same", "changed", "missing" or null, "content" (the file on
 * disk when content is true, else null), "problems"}. Reads, never
 * writes. *out is the caller's.
 */
INC_EXTERN int inc_runbook_json(char **out, inc_store *store,
                                const char *id_or_prefix, bool content,
                                inc_error *err);
/*
 * Ticks step opts->step (a number from 1, or a unique text prefix,
 * case-insensitive) of the incident's runbook, attaching the matching
 * runbook first when none is attached, in one transaction: a
 * step_checked event (opts->text: its note). INC_EAMBIGUOUS (naming the
 * candidates), INC_ENOTFOUND (no such step, or no runbook), INC_EREFUSED
 * (checked already, or the lifecycle). *warnings (may be NULL) gets what
 * the caller should say: the file changed since it was attached, and
 * the like; the caller's, freed with inc_strarray_dispose(). *out (may be
 * NULL) gets the new state, the caller's; *step (may be NULL) the number
 * of the step checked.
 */
INC_EXTERN int inc_runbook_check(inc_incident **out, int *step,
                                 inc_strarray *warnings, inc_store *store,
                                 const char *id_or_prefix,
                                 const inc_change_opts *opts, inc_error *err);

/*
 * Merges a duplicate into the kept incident: the duplicate ends as
 * merged, its alerts and dedup keys move to the kept one. *out is the
 * kept incident.
 */
INC_EXTERN int inc_incident_merge(inc_incident **out, inc_store *store,
                                  const char *id_or_prefix, const char *into,
                                  const inc_change_opts *opts, inc_error *err);

/*
 * ---- the audit mirror ----
 *
 * Two programs share this library. incident(1) links the core and never
 * libgit2; the helper incident-git (libexec) links the core and the git
 * side too. Functions marked "git side" exist only in the helper: the
 * binary runs it (an argv, no shell) when a command needs git.
 */

/*
 * Switches the git audit mirror on for the store: config audit.enabled,
 * and sync.remote when remote is not NULL. Needs no git: the repository
 * is made by inc_audit_init().
 */
INC_EXTERN int inc_audit_enable(inc_store *store, const char *remote,
                                inc_error *err);
/*
 * Git side. Creates the bare repository (audit.repo, default audit.git
 * beside the database) if it is missing and mirrors every event the
 * store holds.
 */
INC_EXTERN int inc_audit_init(inc_store *store, inc_error *err);
/*
 * Git side. Mirrors the events not yet in git, one commit each. On failure the
 * events stay pending for the next command; *behind (may be NULL) is how
 * many are still pending.
 */
INC_EXTERN int inc_audit_flush(size_t *behind, inc_store *store,
                               inc_error *err);
/*
 * How many local events wait for the mirror: 0 when it is off or up to
 * date. Needs no git, so a command asks before it runs the helper.
 */
INC_EXTERN int inc_audit_pending(size_t *out, inc_store *store, inc_error *err);
/* The audit repository's path, or NULL when the mirror is off. */
INC_EXTERN const char *inc_audit_repo(inc_store *store);
/* How many events are mirrored and pushed (arrival order numbers). */
INC_EXTERN int inc_audit_marks(int64_t *mirrored, int64_t *pushed,
                               inc_store *store, inc_error *err);
INC_EXTERN int64_t inc_event_seq(const inc_event *ev);

typedef struct inc_audit_counts {
	bool enabled;
	bool has_remote; /* sync.remote is set */
	size_t events;   /* of the incident */
	size_t mirrored; /* committed to the audit history */
	size_t pushed;   /* known to be on the remote */
} inc_audit_counts;

/* Where an incident's events are: mirrored to git, pushed to the remote. */
INC_EXTERN int inc_incident_audit(inc_audit_counts *out, inc_store *store,
                                  const char *id, inc_error *err);
/* Whether one event of an incident is mirrored / pushed. */
INC_EXTERN bool inc_event_mirrored(inc_store *store, const inc_event *ev);
INC_EXTERN bool inc_event_pushed(inc_store *store, const inc_event *ev);

/* What an import (sync, rebuild) met besides the events it took. */
typedef struct inc_import_counts {
	size_t newer;       /* written by a newer incident: kept, not folded */
	size_t quarantined; /* invalid, set aside now (--quarantine) */
	size_t skipped;     /* set aside by an earlier sync or rebuild */
} inc_import_counts;

typedef struct inc_sync_opts {
	const char *remote;  /* NULL: config sync.remote */
	int timeout_ms;      /* bounds the network work; 0: none */
	bool quarantine;     /* set invalid events aside instead of stopping */
	bool accept_rewrite; /* merge a remote whose history was rewritten */
} inc_sync_opts;

#define INC_SYNC_OPTS_INIT                                                     \
	{                                                                      \
		NULL, 30000, false, false                                      \
	}

typedef struct inc_sync_result {
	char remote[1024];
	size_t imported; /* events new to this store */
	bool merged;     /* both sides had news: a merge commit */
	bool pushed;     /* the remote has everything of ours */
	inc_import_counts counts;
} inc_sync_result;

/*
 * Git side. Fetches the remote (opts->remote, else config sync.remote),
 * merges the histories, imports the events this store lacks and pushes,
 * all within opts->timeout_ms. INC_EBUSY: others kept pushing; INC_EREFUSED:
 * the remote no longer contains what this store last saw there (a
 * rewritten history; opts->accept_rewrite goes on); INC_ECORRUPT: an
 * invalid event (opts->quarantine sets it aside).
 */
INC_EXTERN int inc_audit_sync(inc_sync_result *res, inc_store *store,
                              const inc_sync_opts *opts, inc_error *err);

/* ---- the history (audit/rebuild.c, verify.c, gc.c: git side) ---- */

/*
 * Git side. Recreates the database in dir from the audit history alone; the
 * old files are kept as incident.db.before-rebuild. Nothing may write to
 * the store meanwhile. *backup (may be NULL) names the old database kept
 * aside, or is NULL; the caller's (inc_str_free()). quarantine sets invalid
 * events aside (inc_sync_opts); counts (may be NULL) says what else the
 * history held.
 */
INC_EXTERN int inc_audit_rebuild(size_t *events, inc_import_counts *counts,
                                 char **backup, const char *dir,
                                 bool quarantine, inc_error *err);
typedef struct inc_verify_opts {
	/*
	 * A chain head an earlier verify printed (12 to 64 hex digits), or
	 * NULL: the chain must still reach it, or events were removed.
	 */
	const char *expect_head;
} inc_verify_opts;

typedef struct inc_verify_result {
	inc_strarray problems; /* one line a problem; none: they agree */
	size_t events;         /* how many events were checked */
	size_t mirrored;       /* pending events verify mirrored first */
	char head[65];         /* the head of the hash chain; "" if none */
	size_t quarantined;    /* history files set aside (--quarantine) */
	size_t newer;          /* history files of a newer version */
} inc_verify_result;

/*
 * Git side. Mirrors what is pending (a store opened read-write), then
 * checks the database against itself (ids, hash chain, projections) and
 * against the audit history, event for event and commit for commit;
 * opts may be NULL. out->problems is the caller's, freed with
 * inc_strarray_dispose().
 */
INC_EXTERN int inc_audit_verify(inc_verify_result *out, inc_store *store,
                                const inc_verify_opts *opts, inc_error *err);
typedef struct inc_gc_opts {
	/* clear every lock file in the audit repository, whatever its age
	 * (one younger than a few seconds is waited for first) */
	bool clear_locks;
} inc_gc_opts;

typedef struct inc_gc_result {
	size_t packed;       /* objects in the one pack */
	size_t pruned;       /* loose objects removed */
	size_t temp_removed; /* stale temporary and lock files removed */
	inc_strarray locks;  /* with clear_locks: "path (left 5s ago)" */
} inc_gc_result;

/*
 * Git side. Packs the audit repository into one pack; loose objects go,
 * and so do the temporary and lock files of killed runs older than two
 * hours (locks at any age with opts->clear_locks; opts may be NULL).
 * res->locks is the caller's (inc_strarray_dispose()) on success.
 */
INC_EXTERN int inc_audit_gc(inc_gc_result *res, inc_store *store,
                            const inc_gc_opts *opts, inc_error *err);

/* ---- reviews, follow-up actions, metrics (review.c, query.c, stats.c) ---- */

/*
 * A post-incident review draft in Markdown, from the template (built in,
 * or config review.template). *out is the caller's (inc_str_free()).
 */
INC_EXTERN int inc_review_draft(char **out, inc_store *store,
                                const char *id_or_prefix, int64_t now,
                                inc_error *err);
/* The latest saved review document (inc_str_free()), or *out NULL when
 * there is none. */
INC_EXTERN int inc_review_saved(char **out, inc_store *store,
                                const char *id_or_prefix, inc_error *err);

/*
 * Saves text as the review of the incident (a reviewed event), and with
 * close also closes it, in one transaction: when either step is refused
 * (INC_EREFUSED, INC_EINVALID), nothing is written. A text equal to the
 * latest saved review is not saved again; with close, text may be NULL
 * to close without saving. opts gives at and dry_run; its
 * text is not read. *saved (may be NULL) says whether a new version was
 * saved; *out (may be NULL) gets the new state, the caller's, freed with
 * inc_incident_free().
 */
INC_EXTERN int inc_review_save(inc_incident **out, bool *saved,
                               inc_store *store, const char *id_or_prefix,
                               const char *text, bool close,
                               const inc_change_opts *opts, inc_error *err);

typedef struct inc_followup_query {
	bool open;         /* only actions not done */
	bool overdue;      /* only open actions past their due date */
	const char *owner; /* NULL: anyone */
	int64_t now;
} inc_followup_query;

typedef struct inc_stats_opts {
	int64_t since;  /* opened at or after; 0: any */
	int64_t until;  /* opened before; 0: any */
	const char *by; /* NULL, "severity", "service", "tag", "month" */
	int64_t now;
} inc_stats_opts;

/* ---- queries (query.c) ---- */

typedef struct inc_list_opts {
	const enum inc_status *statuses; /* none: every active status */
	size_t nstatuses;
	bool all;             /* every status, unless statuses narrows it */
	int severity;         /* 0: any */
	const char *service;  /* NULL: any */
	const char *tag;      /* NULL: any */
	int64_t since;        /* opened at or after; 0: any */
	const char *priority; /* P1..P4; NULL: any */
	const char *field;    /* key=value; NULL: any */
	size_t limit;         /* 0: no limit */
	bool docs;            /* fill inc_list_item.doc (costs a parse) */
} inc_list_opts;

#define INC_LIST_OPTS_INIT                                                     \
	{                                                                      \
		0                                                              \
	}

typedef struct inc_list_item {
	char id[INC_ID_LEN + 1];
	char short_id[INC_ID_LEN + 1];
	const char *title;
	enum inc_status status;
	int severity;
	const char *priority; /* NULL when unset */
	bool drill;
	int64_t opened_at;
	int64_t updated_at;
	int64_t last_update_at; /* 0: no stakeholder update yet */
	int64_t resolved_at;    /* 0: not resolved; filled with docs */
} inc_list_item;

typedef struct inc_list inc_list;

/* Newest first. *out freed with inc_list_free(). */
INC_EXTERN int inc_list_query(inc_list **out, inc_store *store,
                              const inc_list_opts *opts, inc_error *err);
INC_EXTERN size_t inc_list_count(const inc_list *list);
/* Borrowed, valid until inc_list_free(). */
INC_EXTERN const inc_list_item *inc_list_get(const inc_list *list, size_t i);
INC_EXTERN void inc_list_free(inc_list *list);

/*
 * ---- documents as JSON text (json.c) ----
 *
 * The documents of incident-json(7), each as one JSON text without
 * layout: *out is the caller's, freed with inc_str_free(). A caller
 * parses them with the JSON library it likes; the library's own
 * (cJSON) stays out of this header.
 */

/* An incident: the projection plus short_id, severity_name, durations. */
INC_EXTERN int inc_incident_json(char **out, inc_store *store,
                                 const inc_incident *inc, int64_t now,
                                 inc_error *err);
/* The same for item i of a list queried with inc_list_opts.docs. */
INC_EXTERN int inc_list_item_json(char **out, inc_store *store,
                                  const inc_list *list, size_t i, int64_t now,
                                  inc_error *err);
/* Every event in total order and every incident by id. */
INC_EXTERN int inc_export_json(char **out, inc_store *store, inc_error *err);
/* Follow-up actions across incidents: an array (see inc_followup__list). */
INC_EXTERN int inc_followup_list_json(char **out, inc_store *store,
                                      const inc_followup_query *q,
                                      inc_error *err);
/* The stats document of incident-stats(1). */
INC_EXTERN int inc_stats_json(char **out, inc_store *store,
                              const inc_stats_opts *opts, inc_error *err);
/* An event as its canonical JSON document. */
INC_EXTERN int inc_event_json(char **out, const inc_event *ev, inc_error *err);

/* ---- events (event.c) ---- */

typedef struct inc_event_list inc_event_list;

/* The events of an incident in total order. Freed with _free. */
INC_EXTERN int inc_event_list_load(inc_event_list **out, inc_store *store,
                                   const char *id, inc_error *err);
INC_EXTERN size_t inc_event_list_count(const inc_event_list *list);
/* Borrowed, valid until inc_event_list_free(). */
INC_EXTERN const inc_event *inc_event_list_get(const inc_event_list *list,
                                               size_t i);
INC_EXTERN void inc_event_list_free(inc_event_list *list);

INC_EXTERN const char *inc_event_id(const inc_event *ev);
INC_EXTERN const char *inc_event_incident(const inc_event *ev);
INC_EXTERN const char *inc_event_kind(const inc_event *ev);
INC_EXTERN const char *inc_event_actor(const inc_event *ev);
INC_EXTERN int64_t inc_event_at(const inc_event *ev);
INC_EXTERN int64_t inc_event_recorded_at(const inc_event *ev);
/*
 * Whether ev is the event action writes (a note: INC_ACTION_NOTE), and
 * the free text such an event carries (a note's, an update's, a review's
 * document), or NULL; borrowed, valid until the event list is freed.
 */
INC_EXTERN bool inc_event_is(const inc_event *ev, enum inc_action action);
INC_EXTERN const char *inc_event_text(const inc_event *ev);
/* One line a person can read: "opened: API 5xx spike (SEV2)"; freed with
 * inc_str_free(), NULL when out of memory. */
INC_EXTERN char *inc_event_describe(inc_store *store, const inc_event *ev);

/* ---- hooks (hooks.c): incident-hooks(5) ---- */

/* One attempt at a delivery, as the runner reports it. */
typedef struct inc_hook_attempt {
	const char *hook;     /* "post-open", "notify" */
	const char *incident; /* the incident's full id, or a scope id */
	const char *event_id;
	const char *delivery;
	const char *target; /* NULL: none */
	int attempt;        /* from 1 */
	int retries;        /* hooks.retries: the attempts it gets */
	bool ok;
	bool gave_up;      /* failed, with no attempt left */
	const char *error; /* why it failed; NULL when ok */
	int64_t next_due;  /* when it is tried again; 0: never */
} inc_hook_attempt;

typedef struct inc_hooks_opts {
	int64_t now; /* the world's now: due times and backoff */
	bool all;    /* also failed deliveries and those not yet due */
	/* called after each attempt; borrowed strings */
	void (*report)(void *arg, const inc_hook_attempt *a);
	void *arg;
	/* a bound: at most max attempts (0: no bound), and with timed none
	 * started once hooks.timeout has passed since the first; what this
	 * process queued runs first, then the oldest due */
	size_t max;
	bool timed;
} inc_hooks_opts;

typedef struct inc_hooks_result {
	size_t run;     /* attempts made */
	size_t failed;  /* of them, failed (each a hook_failed event) */
	size_t gave_up; /* of them, the last one allowed */
	size_t events;  /* events written (hook_failed) */
	size_t left;    /* due deliveries a bound left for later */
} inc_hooks_result;

/* Whether a delivery is due now (a cheap query, before inc_hooks_run). */
INC_EXTERN int inc_hooks_due(bool *out, inc_store *store, int64_t now,
                             inc_error *err);
/*
 * Claims each due delivery with a lease, runs its hook and records the
 * outcome: done, a retry with backoff, or failed after hooks.retries
 * attempts; a failure is a hook_failed event on the incident's timeline.
 * Only errors of the store itself are returned; a hook's are reported.
 */
INC_EXTERN int inc_hooks_run(inc_hooks_result *res, inc_store *store,
                             const inc_hooks_opts *opts, inc_error *err);
/* Who the store's events are written by (inc_store_set_actor); borrowed. */
INC_EXTERN const char *inc_store_actor(const inc_store *store);
/* config hooks.background: run them in a detached process. INC_EINVALID
 * (*out false) when a hooks.* setting cannot be read. */
INC_EXTERN int inc_hooks_background(bool *out, inc_store *store,
                                    inc_error *err);
/*
 * Runs hook for the incident's latest event now, its stdout to out_fd,
 * writing nothing: *ok, or why (len bytes) it failed.
 */
INC_EXTERN int inc_hooks_test(bool *ok, char *why, size_t len, inc_store *store,
                              const char *hook, const char *id_or_prefix,
                              int64_t now, int out_fd, inc_error *err);
/* {"dir", "hooks": [{name, status, reason?}], "deliveries": [...]} */
INC_EXTERN int inc_hooks_list_json(char **out, inc_store *store, int64_t now,
                                   inc_error *err);
/* ---- on call: rotas and their overrides (rota.c) ---- */

/* The longest name of a rota, policy or channel, in bytes. */
#define INC_NAME_MAX 64
typedef struct inc_oncall {
	char rota[INC_NAME_MAX + 1];
	char who[201];   /* "" when no one is on call (no members) */
	int64_t since;   /* when this shift or override began */
	int64_t until;   /* when it ends: next hand-off or the override's end */
	bool overridden; /* who comes from an override */
} inc_oncall;
/* Who is on call on rota at time at. INC_ENOTFOUND: no rota of that name
 * in config. Works inside a caller's write transaction too. */
INC_EXTERN int inc_oncall_at(inc_oncall *out, inc_store *store,
                             const char *rota, int64_t at, inc_error *err);
/*
 * The same from cfg alone, with the overrides of store (NULL: none, as
 * when there is no store yet). since is 0 before the rota's start.
 */
INC_EXTERN int inc_oncall_config(inc_oncall *out, const inc_config *cfg,
                                 inc_store *store, const char *rota, int64_t at,
                                 inc_error *err);
/* The rotas of cfg ([rota "name"]), in the order the config names them. */
INC_EXTERN int inc_rota_names(inc_strarray *out, const inc_config *cfg,
                              inc_error *err);
/* The time zone of rota in cfg ("Europe/Berlin"), or NULL; borrowed. */
INC_EXTERN const char *inc_rota_zone(const inc_config *cfg, const char *rota);
/*
 * Writes an override_added event on scope rota:<rota>: who is on call
 * from from until until (after from), reason optional. id gets the
 * override's event id. INC_ENOTFOUND: no such rota in config.
 */
INC_EXTERN int inc_override_add(char id[65], inc_store *store, const char *rota,
                                const char *who, int64_t from, int64_t until,
                                const char *reason, inc_error *err);
/*
 * Writes an override_removed event for the override of rota whose id
 * starts with prefix; id gets its full id. INC_ENOTFOUND: none;
 * INC_EAMBIGUOUS: several; INC_EREFUSED: removed already.
 */
INC_EXTERN int inc_override_remove(char id[65], inc_store *store,
                                   const char *rota, const char *prefix,
                                   inc_error *err);
/*
 * The overrides of rota as a JSON array, by from: {id, short_id, rota,
 * who, from, until, reason?, actor, recorded_at, removed}. Freed with
 * inc_str_free().
 */
INC_EXTERN int inc_override_list_json(char **out, inc_store *store,
                                      const char *rota, inc_error *err);
/* Writes "2026-11-03 09:00 CET" for t in zone (UTC when NULL). */
INC_EXTERN char *inc_time_in_zone(char *buf, size_t len, int64_t t,
                                  const char *zone);

/* ---- who did it (actor.c) ---- */

/*
 * Checks an actor (--actor, INCIDENT_ACTOR, config tick.actor): one line
 * of valid UTF-8 text, not blank, at most INC_TITLE_MAX bytes; what
 * names it in the message. 0 or INC_EINVALID.
 */
INC_EXTERN int inc_actor_check(const char *actor, const char *what,
                               inc_error *err);

/* ---- escalation policies and tick (escalation.c, tick.c) ---- */

/*
 * Whether any escalation policy is configured (a key escalation.*):
 * cheap, so a list can ask once before it asks per incident.
 */
INC_EXTERN bool inc_escalation_configured(inc_store *store);
/*
 * Who is paged on the incident id while it is unacknowledged, with a
 * policy, in a few words for a list: "L2/3 db-lead, next 4m", "L3/3
 * db-lead, top". out is "" when there is nothing to say (no policy,
 * acknowledged, not active).
 */
INC_EXTERN int inc_escalation_brief(char *out, size_t len, inc_store *store,
                                    const char *id, int64_t now,
                                    inc_error *err);

typedef struct inc_tick_opts {
	int64_t now;  /* what now is (INCIDENT_NOW); 0: the clock */
	bool dry_run; /* decide, write nothing */
} inc_tick_opts;

/*
 * Escalates every unacknowledged incident whose level timed out, one
 * level, and reminds of every overdue stakeholder update (an update_due
 * event), each decision and its write in one IMMEDIATE transaction that
 * reads the state again, so concurrent ticks act once. An incident that
 * cannot be ticked (a broken policy) does not stop the others: it is an
 * error of its own and the walk goes on; then INC_ERROR at the end. *out
 * gets {"actions": [...], "errors": [{incident, short_id, error}]}
 * (incident-tick(1)), also when an error stops the walk (what was done
 * before it); the caller's (inc_str_free()).
 */
INC_EXTERN int inc_tick(char **out, inc_store *store, const inc_tick_opts *opts,
                        inc_error *err);

/* ---- maintenance windows (maintenance.c): incident-maintenance(1) ---- */

/*
 * Writes a maintenance_added event on a new scope maintenance:<id>: the
 * services (each a service as incidents name them) are in maintenance
 * from from until until (after from), reason optional. id gets the
 * window's id. now (0: the clock) is the event's time.
 */
INC_EXTERN int inc_maintenance_add(char id[INC_ID_LEN + 1], inc_store *store,
                                   const char *const *services,
                                   size_t nservices, int64_t from,
                                   int64_t until, const char *reason,
                                   int64_t now, inc_error *err);
/*
 * Ends the window whose id starts with prefix at now (0: the clock): a
 * maintenance_removed event. id gets its full id. INC_ENOTFOUND: none;
 * INC_EAMBIGUOUS: several; INC_EREFUSED: ended or removed already.
 */
INC_EXTERN int inc_maintenance_remove(char id[INC_ID_LEN + 1], inc_store *store,
                                      const char *prefix, const char *reason,
                                      int64_t now, inc_error *err);
/*
 * The windows as a JSON array, by from: {id, short_id, services, from,
 * until, ends_at, reason, state (active, future, ended, removed),
 * removed_at, actor, recorded_at, suppressed}. all: the ended and
 * removed ones too (else the active and future ones). service (or NULL):
 * only the window that covers it at at, as ingest would find it. Freed
 * with inc_str_free().
 */
INC_EXTERN int inc_maintenance_list_json(char **out, inc_store *store, bool all,
                                         const char *service, int64_t at,
                                         int64_t now, inc_error *err);
/*
 * What the windows suppressed, as a JSON array by time: {window,
 * short_id, service, key, title, source, starts_at, at}. Freed with
 * inc_str_free().
 */
INC_EXTERN int inc_maintenance_suppressed_json(char **out, inc_store *store,
                                               inc_error *err);

/* ---- change events (changes.c): incident-changes(1) ---- */

/*
 * Records a change to service (a deploy, a config push) by hand: a
 * change_recorded event on scope change:<service>. at (0: now) is when
 * it happened; a time after now is refused. id gets the event's id.
 */
INC_EXTERN int inc_changes_add(char id[65], inc_store *store,
                               const char *service, const char *summary,
                               const char *source, int64_t at, int64_t now,
                               inc_error *err);
/*
 * The changes as a JSON array by time: {id, short_id, service, summary,
 * source, at, links, details, note, actor, recorded_at}; of service
 * alone unless NULL, from since until until (inclusive).
 */
INC_EXTERN int inc_changes_list_json(char **out, inc_store *store,
                                     const char *service, int64_t since,
                                     int64_t until, inc_error *err);
/*
 * The changes of the services of incident id from config changes.window
 * (default 6h) before it opened until it resolved (or now): the array
 * above. Freed with inc_str_free().
 */
INC_EXTERN int inc_changes_of_incident_json(char **out, inc_store *store,
                                            const char *id, int64_t now,
                                            inc_error *err);
/* ---- heartbeats (heartbeat.c): incident-heartbeat(1) ---- */

typedef struct inc_heartbeat_opts {
	int64_t every;       /* seconds between pings; 0: keep the settings */
	int64_t grace;       /* seconds of slack after that; -1: none given */
	const char *service; /* its incident's service; NULL: none */
	int severity;        /* its incident's severity; 0: the default */
	int64_t now;         /* the ping's time (INCIDENT_NOW); 0: the clock */
	bool dry_run;        /* decide, write nothing */
} inc_heartbeat_opts;

#define INC_HEARTBEAT_OPTS_INIT                                                \
	{                                                                      \
		0, -1, NULL, 0, 0, false                                       \
	}

/*
 * A ping of heartbeat name, in one IMMEDIATE transaction. The first ping,
 * or one whose settings differ, writes a heartbeat_set event; one that
 * changes nothing writes no event, only the last-seen time and a count
 * in the store. When tick opened an incident for it, the incident is
 * settled (the automatic step of alerts) and a heartbeat_recovered
 * event written. INC_EINVALID for a bad name or setting, INC_ENOTFOUND
 * for a bare ping (every 0) of a heartbeat never set. *out (may be NULL)
 * gets {"name", "set", "created", "pings", "at", "due_at", "was_overdue",
 * "recovered": {incident, short_id, did} | null}; the caller's
 * (inc_str_free()).
 */
INC_EXTERN int inc_heartbeat_ping(char **out, inc_store *store,
                                  const char *name,
                                  const inc_heartbeat_opts *opts,
                                  inc_error *err);
/* A heartbeat_removed event: no longer watched. INC_ENOTFOUND: none. */
INC_EXTERN int inc_heartbeat_remove(inc_store *store, const char *name,
                                    int64_t now, inc_error *err);
/*
 * The heartbeats as a JSON array, by name: {name, every, grace, service,
 * severity, set_at, last_ping_at, pings, due_at, state ("ok", "overdue",
 * "new"), incident, short_id}; the caller's (inc_str_free()).
 */
INC_EXTERN int inc_heartbeat_list_json(char **out, inc_store *store,
                                       int64_t now, inc_error *err);

/* ---- alerts in (ingest.c): incident-ingest(1) ---- */

#define INC_INGEST_MAX (4 * 1024 * 1024) /* the largest payload, in bytes */
#define INC_DEDUP_KEY_MAX 255 /* PagerDuty's limit; longer keys are hashed */
enum inc_ingest_format {
	INC_INGEST_AUTO = 0,
	INC_INGEST_ALERTMANAGER,     /* webhook version 4, Grafana's superset */
	INC_INGEST_PAGERDUTY,        /* Events API v2 (/v2/enqueue) */
	INC_INGEST_PAGERDUTY_CHANGE, /* change events (/v2/change/enqueue) */
};
typedef struct inc_ingest_opts {
	enum inc_ingest_format format;
	int64_t now;  /* the world's now (INCIDENT_NOW); 0: the clock */
	bool dry_run; /* decide, write nothing */
	/* NULL: the source's name (alertmanager, pagerduty) */
	const char *actor;
} inc_ingest_opts;
typedef struct inc_ingest_result {
	enum inc_ingest_format format; /* the one read (auto resolved) */
	size_t alerts;                 /* alerts (or events) in the payload */
	size_t written;                /* events written */
	/* PagerDuty: the event's key (made when the payload had none) */
	char dedup_key[INC_DEDUP_KEY_MAX + 1];
} inc_ingest_result;
/* "alertmanager", "pagerduty", "pagerduty-change", "auto"; parse: 0 or
 * INC_EINVALID */
INC_EXTERN const char *inc_ingest_format_name(enum inc_ingest_format f);
INC_EXTERN int inc_ingest_format_parse(enum inc_ingest_format *out,
                                       const char *text);
/*
 * Reads one payload (len bytes; need not end in NUL) and applies it whole in
 * one IMMEDIATE transaction. Malformed, wrong types, too big (>
 * INC_INGEST_MAX), too deep: INC_EINVALID with a one-line message, nothing
 * written. INC_EBUSY when the store is locked. *out (may be NULL) gets the
 * answer document (incident-ingest(1)):
 * {"format":1, "source":"alertmanager", "dry_run":false, "dedup_key"?:...,
 *  "results":[{"key", "alert"?, "incident", "short_id", "action", "reason"?}]}
 * action: opened, attached, repeated, resolved, ignored, suppressed, changed
 * (the caller's, inc_str_free). res may be NULL.
 */
INC_EXTERN int inc_ingest(char **out, inc_ingest_result *res, inc_store *store,
                          const char *body, size_t len,
                          const inc_ingest_opts *opts, inc_error *err);
/* The incident a dedup key names: the active one carrying it, else the latest
 * opened with it. INC_ENOTFOUND when none. */
INC_EXTERN int inc_id_from_dedup(char out[INC_ID_LEN + 1], inc_store *store,
                                 const char *key, inc_error *err);
/* The alerts of an incident as one JSON text: {"incident", "short_id",
 * "alerts":
 * [{key, state ("firing"|"resolved"), title, source, labels{}, annotations{},
 *   links[{href,text}], starts_at, ends_at|null, fired_at, resolved_at|null,
 *   repeats, last_seen_at}]}; the caller's (inc_str_free). */
INC_EXTERN int inc_alerts_json(char **out, inc_store *store,
                               const char *id_or_prefix, inc_error *err);

#endif
