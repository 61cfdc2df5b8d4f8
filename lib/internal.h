/* Private to lib/: the structs behind the opaque handles, and helpers. */
#ifndef INC_INTERNAL_H
#define INC_INTERNAL_H

#include <sqlite3.h>

#include <cjson/cJSON.h>

#include "incident.h"

#define INC_EVENT_ID_LEN 64 /* hex SHA-256 */
#define INC_KIND_MAX 32
/* A scope id, "<kind>:<name>" (rota:db), where an incident id would be. */
#define INC_SCOPE_MAX 81 /* a kind of 16, ':', a name of INC_NAME_MAX */

struct inc_event {
	int64_t seq; /* local arrival order; 0 when not stored */
	char id[INC_EVENT_ID_LEN + 1];
	char incident[INC_SCOPE_MAX + 1]; /* an incident id or a scope id */
	char kind[INC_KIND_MAX];
	int64_t at;
	int64_t recorded_at;
	int64_t lamport;
	char replica[INC_ID_LEN + 1];
	char *actor;
	cJSON *payload;
};

struct inc_event_list {
	inc_event *events;
	size_t n;
};

struct inc_incident {
	cJSON *doc;
};

struct git_repository;
struct git_oid;

struct inc_store {
	sqlite3 *db;
	char *dir;
	char *db_path;
	char replica[INC_ID_LEN + 1];
	char *actor;
	bool created;
	bool readonly;
	inc_config *config; /* loaded on first use */
	char **severity_names;
	int severity_count;
	int severity_default;
	/* the audit mirror (audit.c), read from config on first use */
	bool audit_loaded;
	bool audit_enabled;
	char *audit_repo;
	char *audit_ref;
	struct git_repository *repo;
	bool git_ready;
	/* set by the git side (incident-git only) when it holds git state */
	void (*release_git)(inc_store *s);
	size_t audit_written; /* objects written by this process */
	/* prepared statements reused within a command, keyed by their SQL */
	struct {
		const char *sql;
		sqlite3_stmt *stmt;
	} cache[8];
	/* the first outbox row this process queued (hooks.c); 0: none */
	int64_t outbox_first;
	/* ingest.c: the events of a group fold in memory and the projection
	 * is written once, at the group's end (not once per alert) */
	bool project_deferred;
};

/* error.c */
int inc_error__sqlite(inc_error *err, sqlite3 *db, int rc, const char *what);
int inc_error__nomem(inc_error *err);

/* config.c */
/*
 * Every value of a repeatable key, in file order: stores up to max
 * borrowed pointers in out and returns how many values there are.
 */
size_t inc_config__get_all(const inc_config *cfg, const char *key,
                           const char **out, size_t max);
/* The key of entry i ("rota.db.member"), or NULL past the last. */
const char *inc_config__key(const inc_config *cfg, size_t i);
/* The store's own file alone (dir/config), as inc_config_load reads it. */
int inc_config__load_store(inc_config **out, const char *store_dir,
                           inc_error *err);
int inc_config__store_set(const char *store_dir, const char *section,
                          const char *key, const char *value, inc_error *err);

/* util.c */
char *inc_util__strdup(const char *s);
char *inc_util__asprintf(const char *fmt, ...)
        __attribute__((format(printf, 1, 2)));
int inc_util__random(void *buf, size_t len);
void inc_util__sha256_hex(char out[INC_EVENT_ID_LEN + 1], const void *data,
                          size_t len);
int inc_util__mkdir_p(const char *path, inc_error *err);

/* id.c */
int inc_id__new(char out[INC_ID_LEN + 1]);
bool inc_id__valid(const char *id);

/* event.c */
void inc_event__release(inc_event *ev);
/* Builds the canonical JSON of ev; with_id adds the "id" member. */
cJSON *inc_event__json(const inc_event *ev, bool with_id);
/* Fills ev->id from the hash of its canonical JSON. */
int inc_event__hash(inc_event *ev, inc_error *err);
int inc_event__load_sql(inc_event_list **out, inc_store *store, const char *sql,
                        inc_error *err);
bool inc_event__imported(inc_store *store, int64_t seq);
int inc_event__load_all(inc_event_list **out, inc_store *s, bool total_order,
                        inc_error *err);
/* The events that arrived after seq, in arrival order. */
int inc_event__load_after(inc_event_list **out, inc_store *store, int64_t seq,
                          inc_error *err);
int inc_event__compare(const inc_event *a, const inc_event *b);
int inc_event__load(inc_event_list **out, inc_store *store, const char *id,
                    inc_error *err);
/* Parses an event file into ev (released with inc_event__release). */
int inc_event__from_json(inc_event *ev, const char *text, size_t len,
                         inc_error *err);

/* fold.c: the one place that says what an event means */
struct inc_fold {
	cJSON *d; /* the projection being folded */
	bool oom; /* an allocation failed: the projection is not to be used */
};
cJSON *inc_fold__new(const char *id);
/* Folds one more event into doc; INC_ENOMEM leaves doc unusable. */
int inc_fold__apply(cJSON *doc, const inc_event *ev);
/* Folds events (sorted here into total order) into a new projection;
 * NULL when out of memory. */
cJSON *inc_fold__events(const char *id, inc_event *events, size_t n);
/* The handlers kind.c's table names, one a kind (or a family). */
void inc_fold__opened(struct inc_fold *f, const inc_event *ev);
void inc_fold__transition(struct inc_fold *f, const inc_event *ev);
void inc_fold__escalated(struct inc_fold *f, const inc_event *ev);
void inc_fold__absorbed(struct inc_fold *f, const inc_event *ev);
void inc_fold__noted(struct inc_fold *f, const inc_event *ev);
void inc_fold__updated(struct inc_fold *f, const inc_event *ev);
void inc_fold__assigned(struct inc_fold *f, const inc_event *ev);
void inc_fold__edited(struct inc_fold *f, const inc_event *ev);
void inc_fold__alert_attached(struct inc_fold *f, const inc_event *ev);
void inc_fold__reviewed(struct inc_fold *f, const inc_event *ev);
void inc_fold__action_added(struct inc_fold *f, const inc_event *ev);
void inc_fold__action_done(struct inc_fold *f, const inc_event *ev);
void inc_fold__runbook_attached(struct inc_fold *f, const inc_event *ev);
void inc_fold__step_checked(struct inc_fold *f, const inc_event *ev);
void inc_fold__alert_fired(struct inc_fold *f, const inc_event *ev);
void inc_fold__alert_resolved(struct inc_fold *f, const inc_event *ev);

/* kind.c: one description per event kind */
struct inc_kind;
/* NULL for a kind this version does not know (the fold counts it). */
const struct inc_kind *inc_kind__find(const char *name);
void inc_kind__fold(const struct inc_kind *k, struct inc_fold *f,
                    const inc_event *ev);
/* The timeline line of ev; malloc'd, NULL when out of memory. */
char *inc_kind__describe(inc_store *s, const inc_event *ev);
/*
 * Holds a payload to its kind: known members, types, size limits. 0;
 * INC_EINVALID naming what is wrong; INC_ENEWER when every member this
 * version knows is valid but the kind or a member is unknown to it (a
 * newer version's event: kept, left out of the fold).
 */
int inc_kind__check(const char *kind, const cJSON *payload, inc_error *err);
/*
 * The one validator of an event however it arrived (sync, rebuild): the
 * envelope, the state-independent rules (no self-merge) and the payload,
 * as inc_kind__check() returns them. The limits are the format's.
 */
int inc_kind__check_event(const inc_event *ev, inc_error *err);
/* The one rule for an actor (inc_actor_check() is it): 0 or INC_EINVALID. */
int inc_kind__check_actor(const char *actor, const char *what, inc_error *err);
/* Whether the fold understands ev: a known kind, every member known. */
bool inc_kind__known(const inc_event *ev);

/* scope.c: the events of a scope (rota:db), which belong to no incident */
/*
 * Whether id is a scope id "<kind>:<name>" (kind a-z, at most 16; name
 * [A-Za-z0-9._-] opening with a letter or a digit, at most
 * INC_NAME_MAX): 0 for a kind this version
 * knows, INC_ENEWER for another, INC_EINVALID for no scope id. kind (if
 * not NULL) gets the kind, *name (if not NULL) points into id.
 */
int inc_scope__parse(const char *id, char kind[INC_SCOPE_MAX + 1],
                     const char **name);
/* Whether id is meant as a scope id (it holds ':'; an incident id never). */
bool inc_scope__is(const char *id);
/* Whether name may be the name of a scope (rota.<name>). */
bool inc_scope__name_ok(const char *name);
/*
 * An event kind on the right kind of id: a scope's kind on its scope, an
 * incident's on an incident. INC_EINVALID naming both.
 */
int inc_scope__check_place(const inc_event *ev, inc_error *err);
/* The fold handler of a scope's kinds: an incident is never theirs. */
void inc_scope__fold(struct inc_fold *f, const inc_event *ev);

/* tz.c: local time in a named zone, from the system's tzdata */
struct tm;
/* Whether zone names a zone of the tzdata ($TZDIR, /usr/share/zoneinfo). */
bool inc_tz__exists(const char *zone);
/* t as local time in zone; 0 or INC_EINVALID. */
int inc_tz__local(struct tm *out, int64_t t, const char *zone);
/* The local time at t in zone and its abbreviation then ("CET"). */
int inc_tz__abbrev(struct tm *tm, char *out, size_t len, int64_t t,
                   const char *zone);
/* The UTC time of a local date and time in zone (d may pass the month). */
int inc_tz__utc(int64_t *out, int y, int mon, int d, int h, int mi,
                const char *zone);

/* store/: the SQLite store, a file a concept */
/* sql.c: statements and transactions */
int inc_store__exec(inc_store *store, const char *sql, const char *what,
                    inc_error *err);
/* Steps a statement that returns no row. */
int inc_store__step_done(inc_store *store, sqlite3_stmt *st, inc_error *err);
/* The integer of a one-row, one-column query. */
int inc_store__query_int64(int64_t *out, inc_store *store, const char *sql,
                           inc_error *err);
int inc_store__begin(inc_store *store, inc_error *err);
int inc_store__commit(inc_store *store, inc_error *err);
void inc_store__rollback(inc_store *store);
int inc_store__prepare(sqlite3_stmt **out, inc_store *store, const char *sql,
                       inc_error *err);
/*
 * A prepared statement for sql (a string with static storage, the key),
 * kept for the rest of the command; reset and unbound, ready to bind.
 */
int inc_store__cached(sqlite3_stmt **out, inc_store *store, const char *sql,
                      inc_error *err);
/* schema.c */
int inc_store__schema_version(void);
/* Whether a read-only open reads a database of this schema as it is. */
bool inc_store__schema_readable(int version);
/* Whether files made in the folder dir are for its group (a group store). */
bool inc_store__group_dir(const char *dir);
int inc_store__user_version(int *out, inc_store *store, inc_error *err);
/* Brings the schema up to date inside one write transaction. */
int inc_store__migrate(inc_store *store, inc_error *err);
/* meta.c */
int inc_store__meta_set(inc_store *store, const char *key, const char *value,
                        inc_error *err);
int inc_store__meta_int(int64_t *out, inc_store *store, const char *key,
                        inc_error *err);
int inc_store__meta_set_int(inc_store *store, const char *key, int64_t v,
                            inc_error *err);
/* The text value of a meta key into out ("" when absent). */
int inc_store__meta_text(char *out, size_t len, inc_store *store,
                         const char *key, inc_error *err);
/* append.c */
int inc_store__insert(bool *added, inc_store *store, inc_event *ev,
                      bool imported, inc_error *err);
int inc_store__append(inc_store *store, inc_event *ev, inc_error *err);
/* project.c */
int inc_store__project(inc_store *store, const cJSON *doc, inc_error *err);

/*
 * SQL: true while imported events must be mirrored too (a new audit
 * repository for a store that already imported history).
 */
#define INC_MIRROR_IMPORTED                                                    \
	"coalesce((SELECT value FROM meta WHERE key = 'mirror_imported'), 0)"

/* audit/: the git audit mirror. state.c needs no git; the rest is the
 * git side, linked into incident-git only. */
/* audit/state.c */
bool inc_audit__enabled(inc_store *s);
/* How many local events arrived after seq (imported ones are in git). */
int inc_audit__pending(int64_t *out, inc_store *s, int64_t seq, inc_error *err);

/* Local events waiting for the mirror; 0 when it is off. No git. */
int inc_audit__behind(int64_t *out, inc_store *s, inc_error *err);
/* The same in a store opened read-only too (verify reports the lag). */
int inc_audit__behind_count(size_t *out, inc_store *s, inc_error *err);

/* audit/repo.c: the repository, its tip, an event's path and file */
int inc_audit__open(inc_store *s, bool create, inc_error *err);
void inc_audit__close(inc_store *s);
int inc_audit__git_error(inc_error *err, int rc, const char *what);
/* The event's path in the audit tree (state.c: it needs no git). */
void inc_audit__path(char *out, size_t len, const inc_event *ev);
char *inc_audit__file(const inc_event *ev);

int inc_audit__tip(struct git_oid *out, bool *has, inc_store *s,
                   inc_error *err);
/*
 * A lock file on the audit branch (its ref's, packed-refs'): true, the
 * path and age in seconds of the oldest when there is one. A writer
 * holds one for milliseconds; an old one was left by a writer killed
 * mid-write, and blocks the branch until gc --clear-locks.
 */
#define INC_AUDIT_LOCK_GRACE 2 /* seconds a lock may be a live writer's */
bool inc_audit__find_lock(char *path, size_t len, int64_t *age, inc_store *s);
/* INC_ERROR: "<lock>: a lock left 5s ago by a git writer that is gone…" */
int inc_audit__lock_error(inc_error *err, const char *lock, int64_t age);
/* path with any "//" said once, into out */
void inc_audit__tidy_path(char *out, size_t len, const char *path);
/* Remembers tip as the one this store wrote (meta audit_tip), in the
 * caller's transaction; every move of the branch by incident calls it. */
int inc_audit__remember_tip(inc_store *s, const struct git_oid *tip,
                            inc_error *err);
/* audit/mirror.c: the commit of an event is the actor's, at its times */
struct git_signature;
int inc_audit__actor_signature(struct git_signature **out, const char *actor,
                               int64_t t);
/* name and email made safe for git log on a terminal */
int inc_audit__signature(struct git_signature **out, const char *name,
                         const char *email, int64_t t);
/* audit/read.c: the history read back */
typedef struct inc_import_opts {
	bool quarantine;     /* set invalid events aside instead of stopping */
	const char *command; /* "sync" or "rebuild", for the messages */
} inc_import_opts;
/*
 * Imports what tip has that the store lacks, each event through the one
 * validator (inc_kind__check_event): an invalid one stops the import
 * (INC_ECORRUPT naming its path) or, with opts->quarantine, is recorded
 * in meta "quarantine:<path>" = {"event", "blob", "reason"} and skipped,
 * then and later; a newer version's event is kept and counted. In a
 * write transaction; counts are added to.
 */
int inc_audit__import(size_t *added, inc_import_counts *counts, inc_store *s,
                      const struct git_oid *tip, const inc_import_opts *opts,
                      inc_error *err);
/* How many event files are set aside in s. */
int inc_audit__quarantine_count(int64_t *out, inc_store *s, inc_error *err);
/* Copies the records of set-aside files from one store to another. */
int inc_audit__quarantine_copy(inc_store *to, inc_store *from, inc_error *err);
/* Calls fn with the path and recorded blob id (hex, "" if none) of every
 * file set aside in s; a negative return stops and is returned. */
int inc_audit__quarantine_each(inc_store *s,
                               int (*fn)(void *, const char *path,
                                         const char *blob),
                               void *arg, inc_error *err);
/* Copies every meta record whose key starts with prefix. */
int inc_audit__meta_copy(inc_store *to, inc_store *from, const char *prefix,
                         inc_error *err);
/* meta "remote_tip:<url>": the remote's tip sync last saw there */
#define INC_AUDIT_REMOTE_TIP "remote_tip:"
int inc_audit__each_file(inc_store *s, const struct git_oid *commit,
                         int (*fn)(void *, const char *,
                                   const struct git_oid *),
                         void *arg, inc_error *err);

/* audit/gc.c: after a write, pack when loose objects piled up */
int inc_audit__maybe_gc(inc_store *s, inc_error *err);

/* hooks.c: hooks, delivered at least once through the outbox */
/*
 * In the write transaction that stored ev (ev->id and ev->seq are set):
 * queues one delivery of ev to the hook named hook ("notify", "update-due")
 * for target (a person "alice", "channel:ops"; NULL for none), with
 * delivery id = the hex SHA-256 of "<event id>\n<hook>\n<target or empty>".
 * Nothing is queued when no such hook is installed. 0 or an error.
 */
int inc_hooks__enqueue(inc_store *s, const inc_event *ev, const char *hook,
                       const char *target, inc_error *err);
/* The post-<command> hook of an event kind, or NULL for none. */
const char *inc_hooks__hook_of(const char *kind);

/* lifecycle.c */
const char *inc_action__kind(enum inc_action a);
const char *inc_action__text_key(enum inc_action a);
int inc_action__from_kind(enum inc_action *out, const char *kind);
enum inc_status inc_action__next(enum inc_action a, enum inc_status from);
/*
 * INC_EREFUSED: "7fk2q: cannot escalate a resolved incident (next: reopen,
 * or review --done to close)", naming the commands of the allowed steps.
 */
int inc_action__check(enum inc_action a, const char *short_id,
                      enum inc_status st, inc_error *err);

/* change.c: the steps of a change, for writes of several events */
/* Loads id's state for a change; id and short_id filled. In a transaction. */
int inc_change__load(inc_incident **cur, char id[INC_ID_LEN + 1],
                     char short_id[INC_ID_LEN + 1], inc_store *store,
                     const char *prefix, inc_error *err);
/*
 * In the caller's write transaction: checks action a against *cur and
 * appends its event; *cur becomes the new state. On failure *cur has no
 * state left and is only good for inc_incident_free().
 */
int inc_change__apply(inc_incident **cur, inc_store *store,
                      const char *short_id, enum inc_action a,
                      const inc_change_opts *opts, int64_t now, inc_error *err);

/*
 * In the caller's write transaction: checks action a against *cur (the
 * lifecycle, the time) and appends its event with payload (borrowed, built
 * by the caller: runbook.c); *cur becomes the new state, as
 * inc_change__apply().
 */
int inc_change__append(inc_incident **cur, inc_store *store,
                       const char *short_id, enum inc_action a,
                       const inc_change_opts *opts, cJSON *payload, int64_t now,
                       inc_error *err);

/* runbook.c */
#define INC_RUNBOOK_FILE_MAX (1024 * 1024) /* bytes of a runbook file */
#define INC_RUNBOOK_STEPS_MAX 200
#define INC_RUNBOOK_LABELS_MAX 32
#define INC_RUNBOOK_PATH_MAX 1000
struct inc_runbook__file {
	char *path;                      /* relative to runbooks.dir */
	char hash[INC_EVENT_ID_LEN + 1]; /* SHA-256 of the file's bytes */
	char *title;
	char *services[INC_RUNBOOK_LABELS_MAX];
	size_t nservices;
	char *tags[INC_RUNBOOK_LABELS_MAX];
	size_t ntags;
	char *severities[INC_RUNBOOK_LABELS_MAX]; /* as written */
	size_t nseverities;
	int sev[INC_RUNBOOK_LABELS_MAX]; /* on the store's scale */
	size_t nsev;
	char *steps[INC_RUNBOOK_STEPS_MAX];
	size_t nsteps;
};
/*
 * Parses the bytes of a runbook file (a --- header, a # title, - [ ]
 * steps) into rb, which the caller releases either way. INC_ENOTFOUND:
 * no header, so not a runbook at all (a README.md); INC_EINVALID says
 * why a file with a header cannot be one (NUL, not UTF-8, too big, too
 * many steps). A byte order mark before the header is skipped.
 * rb->path and rb->hash are the caller's to set.
 */
int inc_runbook__parse(struct inc_runbook__file *rb, const char *bytes,
                       size_t len, inc_error *err);
void inc_runbook__release(struct inc_runbook__file *rb);
/*
 * How specifically rb applies to an incident (a projection): -1 when it
 * does not; else higher is more specific (see incident-runbook(1)).
 * rb->sev must be filled.
 */
long inc_runbook__score(const struct inc_runbook__file *rb, const cJSON *doc);
/*
 * At triage, in its transaction: attaches the runbook that applies to
 * *cur unless one is attached already; nothing when none applies or the
 * runbooks cannot be read (triage never fails for a runbook).
 */
int inc_runbook__triaged(inc_incident **cur, inc_store *store,
                         const char *short_id, const inc_change_opts *opts,
                         int64_t now, inc_error *err);
/* incident.c */
int inc_incident__fold(inc_incident **out, inc_store *store, const char *id,
                       inc_error *err);

void inc_incident__durations(const cJSON *doc, int64_t out[4], bool has[4]);

/* doc.c: typed reads of a projection */
int64_t inc_doc__time(const cJSON *doc, const char *key);
int inc_doc__int(const cJSON *doc, const char *key);
int inc_doc__replace(cJSON *doc, const char *key, cJSON *item);
int inc_doc__set_str(cJSON *doc, const char *key, const char *value);
int inc_doc__set_time(cJSON *doc, const char *key, int64_t t);
int inc_doc__set_int(cJSON *doc, const char *key, double value);

/* query.c: the projection of item i, when queried with docs; borrowed */
const cJSON *inc_list__doc(const inc_list *list, size_t i);

/*
 * The documents behind the JSON text of the public API (json.c), as
 * cJSON trees: the caller owns what **out gets (cJSON_Delete).
 */
/*
 * The one checked reader of integers from JSON: v must be a number that
 * is whole and within [min, max] (and within +-INC_JSON_INT_MAX), checked
 * before it is converted. 0, or INC_EINVALID with *out 0.
 */
int inc_json__number(int64_t *out, const cJSON *v, int64_t min, int64_t max);

/* The same for the member key of the object obj. */
int inc_json__int(int64_t *out, const cJSON *obj, const char *key, int64_t min,
                  int64_t max);

/* The string member key of obj, or NULL; borrowed from obj. */
const char *inc_json__str(const cJSON *obj, const char *key);

/*
 * The projection as a JSON object (the shape documented in
 * incident-json(7) without the store-dependent fields); borrowed.
 */
const cJSON *inc_incident__doc(const inc_incident *inc);

/*
 * The incident as incident-json(7) documents it: the projection plus
 * short_id, severity_name and durations. *out is the caller's
 * (cJSON_Delete).
 */
int inc_incident__to_json(cJSON **out, inc_store *store,
                          const inc_incident *inc, int64_t now, inc_error *err);

/* The same for a projection document, e.g. inc_list_item.doc. */
int inc_incident__doc_to_json(cJSON **out, inc_store *store, const cJSON *doc,
                              int64_t now, inc_error *err);

/*
 * Everything the store knows, independent of the store: every event in
 * total order and every incident by id. *out is the caller's.
 */
int inc_export__all(cJSON **out, inc_store *store, inc_error *err);

/*
 * Follow-up actions across incidents as a JSON array of objects (the
 * action plus incident, short_id, title, overdue), by due date (none
 * last). *out is the caller's.
 */
int inc_followup__list(cJSON **out, inc_store *store,
                       const inc_followup_query *q, inc_error *err);

/* The stats document of incident-stats(1); *out is the caller's. */
int inc_stats__compute(cJSON **out, inc_store *store,
                       const inc_stats_opts *opts, inc_error *err);

const cJSON *inc_event__payload(const inc_event *ev);

/* The event as its canonical JSON document; *out is the caller's. */
int inc_event__to_json(cJSON **out, const inc_event *ev, inc_error *err);

/* config.c: whether any key starts with prefix ("escalation.") */
bool inc_config__has_prefix(const inc_config *cfg, const char *prefix);

/* escalation.c: policies in config, and paging */
#define INC_POLICY_LEVELS_MAX 32
#define INC_POLICY_REPEAT_MAX 100
struct inc_policy {
	char name[INC_NAME_MAX + 1];
	size_t nlevels;
	const char *levels[INC_POLICY_LEVELS_MAX]; /* borrowed from config */
	int64_t timeouts[INC_POLICY_LEVELS_MAX];   /* one per level */
	int repeat;
};
/* The step a level pages: ((level - 1) mod nlevels) + 1; 0 for level 0. */
int inc_escalation__step(int level, int nlevels);
/* The highest level: nlevels x (1 + repeat). */
int inc_escalation__top(const struct inc_policy *p);
/* The timeout of level (its step's), in seconds. */
int64_t inc_escalation__timeout(const struct inc_policy *p, int level);
/*
 * The timeouts of nlevels levels from the values of the timeout key
 * (each one duration or several, comma- or space-separated): fewer than
 * levels, the last applies to the rest; none, 15 minutes. 0, or
 * INC_EINVALID with *bad the value that is not a duration above zero.
 */
int inc_escalation__timeouts(int64_t *out, size_t nlevels,
                             const char *const *values, size_t nvalues,
                             const char **bad);
/* The policy named name: *found false when it is not configured; a bad
 * one is INC_ERROR naming the key. */
int inc_escalation__policy(struct inc_policy *out, bool *found, inc_store *s,
                           const char *name, inc_error *err);
/*
 * The policy of an incident (doc its projection): the one recorded by
 * its paging while still configured, else the first of its services
 * mapped to one (service.<svc>.escalation), else "default" if
 * configured; *found false for none.
 */
int inc_escalation__policy_of(struct inc_policy *out, bool *found, inc_store *s,
                              const cJSON *doc, inc_error *err);
/*
 * Fills the payload p of an escalated event on doc: the next level and
 * the targets it pages (policy, step, targets, paged; a rota's person as
 * on call at time at), or by hand to (the level rises only without a
 * policy). INC_EREFUSED at the top of the policy.
 */
int inc_escalation__build(cJSON *p, inc_store *s, const cJSON *doc,
                          const char *short_id, const char *to, int64_t at,
                          inc_error *err);
/* In the event's transaction: queues the deliveries a stored event asks
 * for (notify per paged target, update-due). */
int inc_escalation__after(inc_store *s, const inc_event *ev, inc_error *err);
/* When tick escalates doc next (0: never: no policy, acknowledged, top). */
int64_t inc_escalation__next_at(inc_store *s, const cJSON *doc,
                                const struct inc_policy *p);
/* Adds top and next_at (config's) to the "escalation" member of o. */
int inc_escalation__json(cJSON *o, inc_store *s, const cJSON *doc);
void inc_fold__update_due(struct inc_fold *f, const inc_event *ev);

/* change.c: appends an event of kind (not an action's) to *cur */
int inc_change__append_kind(inc_incident **cur, inc_store *s, const char *kind,
                            const cJSON *payload, int64_t at, int64_t now,
                            bool dry_run, inc_error *err);

/* maintenance.c, in the caller's transaction: the window covering
 * service at at: *found, and its scope id ("maintenance:<id>") into
 * scope. */
int inc_maintenance__covering(char scope[INC_SCOPE_MAX + 1], bool *found,
                              inc_store *s, const char *service, int64_t at,
                              inc_error *err);
/* config maintenance.mode: false "suppress" (default: record, open
 * nothing), true "open" (open a maintenance incident, never paged, left
 * out of metrics) */
bool inc_maintenance__opens(inc_store *s);
/* In the caller's write transaction: an alert_suppressed event on the
 * window's scope, unless one for this key is there already (*recorded
 * false then). alert: {key, title, service, labels, starts_at, source}. */
int inc_maintenance__suppress(bool *recorded, inc_store *s, const char *scope,
                              const cJSON *alert, int64_t at, bool dry_run,
                              inc_error *err);

/* changes.c, in the caller's write transaction: records one PagerDuty
 * change event (root: the whole parsed body, validated here) as a
 * change_recorded event on scope change:<service>; appends one result
 * object {key, action:"changed", service} to results. INC_EINVALID for a
 * malformed one. */
int inc_changes__ingest(cJSON *results, inc_store *s, const cJSON *root,
                        int64_t now, bool dry_run, inc_error *err);

/* ---- alerts in (issue 11) ---- */

/* time.c: a time as a payload sends it: RFC 3339 (to the nanosecond;
 * the fraction is dropped), or epoch seconds or milliseconds, as a
 * whole number or a string of digits (above 10^11 it is milliseconds,
 * the fraction dropped). *none
 * is true, and *out 0, for no time: JSON null, an empty string, or
 * Alertmanager's zero time 0001-01-01T00:00:00Z. Years 1970 to 9999.
 * 0 or INC_EINVALID. */
int inc_time__payload(int64_t *out, bool *none, const cJSON *v);

/* change.c: the incident carrying the dedup key key: the active one,
 * or with latest the one opened last with it, whatever its status; out
 * "" for none. */
int inc_change__find_dedup(char out[INC_ID_LEN + 1], inc_store *s,
                           const char *key, bool latest, inc_error *err);

/* change.c: inc_incident_open()'s work (checks, deduplication, the first
 * page) in the caller's write transaction; extra (may be NULL) adds its
 * members to the opened event ("fields", "maintenance": a maintenance
 * incident is never paged). recorded is the clock. */
int inc_change__open(inc_incident **out, bool *deduplicated, inc_store *s,
                     const inc_open_opts *o, const cJSON *extra,
                     int64_t recorded, inc_error *err);

/* alert.c: alerts inside incidents */
/*
 * The automatic step on an incident whose alerts all resolved, in the caller's
 * write transaction: config ingest.on-resolve = resolve (default) | mitigate |
 * note. When the lifecycle (or a rule of the incident) refuses resolve, it
 * mitigates instead and the event says why; when the incident is past mitigated
 * already, only a note. The events carry "automatic": true, and why as their
 * text. *did (may be NULL) gets "resolved", "mitigated", "noted" or ""
 * (nothing: not active).
 */
int inc_alert__settle(inc_incident **cur, const char **did, inc_store *s,
                      const char *short_id, const char *why, int64_t at,
                      int64_t now, bool dry_run, inc_error *err);

/* heartbeat.c: dead-man switches, the events of scope heartbeat:<name> */
/* When a heartbeat last seen at last falls due: last + every + grace
 * (saturating at INT64_MAX). */
int64_t inc_heartbeat__due_at(int64_t last, int64_t every, int64_t grace);
/* Whether it is overdue at now: strictly after its due time. */
bool inc_heartbeat__overdue(int64_t now, int64_t last, int64_t every,
                            int64_t grace);
/*
 * tick's walk of the heartbeats: each overdue one without an incident
 * gets one (opened through the usual open, dedup key heartbeat:<name>)
 * and a heartbeat_overdue event, in one IMMEDIATE transaction that
 * reads its state again. Actions and per-heartbeat errors are added to
 * the arrays; *failed counts the errors, *first gets the first. Only
 * the store's own errors are returned.
 */
int inc_heartbeat__tick(cJSON *actions, cJSON *errors, size_t *failed,
                        inc_error *first, inc_store *s, int64_t now,
                        bool dry_run, inc_error *err);
/* The alert key of incident (its projection doc), or NULL; borrowed. */
const cJSON *inc_alert__find(const cJSON *doc, const char *key);
/* Whether doc has alerts and every one is resolved. */
bool inc_alert__all_resolved(const cJSON *doc);
/* A repeat of alert key of incident: its counter and last-seen time in
 * table alert_seen (no event), in the caller's write transaction. */
int inc_alert__repeat(inc_store *s, const char *incident, const char *key,
                      int64_t at, inc_error *err);

/* ingest.c */
/* key as a dedup key: itself when it has at most INC_DEDUP_KEY_MAX bytes
 * and no line break, else "sha256:" and the hex SHA-256 of its bytes
 * (71 bytes). */
void inc_ingest__key(char out[INC_DEDUP_KEY_MAX + 1], const char *key);
/* Whether body (len bytes) nests arrays and objects deeper than max,
 * outside strings: a cheap look before the parser. */
bool inc_ingest__too_deep(const char *body, size_t len, int max);
/* The state of one ingest, shared by the formats (alertmanager.c,
 * pagerduty.c). */
struct inc_ingest__run {
	inc_store *s;
	const inc_ingest_opts *o;
	int64_t now;      /* the world's now */
	int64_t recorded; /* the clock */
	const char *source;
	cJSON *results;
	inc_ingest_result *res;
	inc_error *err;
	int64_t truncated; /* alerts the sender left out (truncatedAlerts) */
};
/* Appends a result {key, alert?, incident?, short_id?, action, reason?}
 * to run->results; the object added, NULL when out of memory. */
cJSON *inc_ingest__result(struct inc_ingest__run *r, const char *key,
                          const char *alert, const inc_incident *inc,
                          const char *short_id, const char *action,
                          const char *reason);
/* config ingest.severity.<value> (default critical 1, error 2, warning
 * 3, info 4), or a level inc_severity_parse() reads; 0 for none. */
int inc_ingest__severity(inc_store *s, const char *value);
/* text from a payload made fit to keep: at most max bytes (cut at a
 * character), line breaks made spaces when line; malloc'd, NULL when
 * out of memory. */
char *inc_ingest__text(const char *text, size_t max, bool line);
/* Adds {href, text} to links unless href is empty, not one line, too
 * long, or links holds 100 already (text is left out when unfit). */
void inc_ingest__add_link(cJSON *links, const char *href, const char *text);
/* One alert as the formats read it (alertmanager.c, pagerduty.c). */
struct inc_ingest__alert {
	char key[INC_DEDUP_KEY_MAX + 1]; /* fingerprint, or the dedup key */
	bool firing;
	const char *title;  /* borrowed from the payload */
	const char *source; /* e.g. the generator's host; may be NULL */
	cJSON *labels;      /* owned: a map of texts */
	cJSON *annotations; /* owned: a map of texts */
	cJSON *links;       /* owned: [{href, text}] */
	int64_t starts_at;  /* 0: not said */
	int64_t ends_at;    /* 0: not said */
};
/* The alerts of one incident-to-be: one dedup key. */
struct inc_ingest__group {
	char key[INC_DEDUP_KEY_MAX + 1];
	struct inc_ingest__alert *alerts;
	size_t n;
	bool acknowledge; /* PagerDuty's acknowledge: triage */
	/* for an opening: from the group (or its first firing alert) */
	const char *title, *summary, *severity, *service;
	const cJSON *labels; /* the group's common labels (tags, fields) */
};
/* Applies one group in the run's transaction: opens, attaches, repeats,
 * resolves, settles; a result per alert. */
int inc_ingest__group(struct inc_ingest__run *r, struct inc_ingest__group *g);
void inc_ingest__group_release(struct inc_ingest__group *g);
int inc_ingest__alertmanager(struct inc_ingest__run *r, const cJSON *root);
int inc_ingest__pagerduty(struct inc_ingest__run *r, const cJSON *root);

#endif
