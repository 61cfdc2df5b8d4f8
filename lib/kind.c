/*
 * One description per event kind: the payload members it may carry, with
 * their type and size limit, how the timeline (log, commit subjects)
 * describes it, and the fold handler that says what it does to the
 * incident. The lifecycle table (lifecycle.c) says which action writes
 * which kind and when it is allowed; this table says what the kind is.
 * The writers in change.c build payloads within these limits, and
 * inc_kind__check() holds any payload, however it arrived, to them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * The limits of the format. They are constants, never config: replicas
 * with different configs must never refuse each other's events, so they
 * are as wide as any version writes (severity 1..9, labels such as
 * priorities, roles and types up to 100 bytes, dedup keys up to 1000)
 * and incident-json(7) documents them.
 */
#define LABEL_MAX 100
#define NAME_MAX_BYTES 200
#define KEY_MAX 200
#define SEVERITY_MAX 9
#define ACTOR_MAX INC_TITLE_MAX
#define STEPS_MAX 1000          /* steps of a runbook */
#define LINKS_MAX 100           /* links of a change or an alert */
#define CHANGE_SUMMARY_MAX 1024 /* PagerDuty's limit */

/* ---- describing an event: one line for the timeline ---- */

struct line {
	char *p;
	size_t len, cap;
	bool nomem;
};

static void
put(struct line *b, const char *text)
{
	size_t n = strlen(text);
	char *np;

	if (b->nomem)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		if ((np = realloc(b->p, cap)) == NULL) {
			b->nomem = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, text, n + 1);
	b->len += n;
}

/* ", label value" for a string member of the payload that is set */
static void
put_member(struct line *b, const cJSON *p, const char *key, const char *label)
{
	const char *v = inc_json__str(p, key);

	if (v == NULL)
		return;
	if (b->len > 0)
		put(b, ", ");
	if (label != NULL) {
		put(b, label);
		put(b, " ");
	}
	put(b, v);
}

static void
put_list(struct line *b, const cJSON *p, const char *key, const char *label)
{
	const cJSON *v, *arr = cJSON_GetObjectItemCaseSensitive(p, key);

	if (cJSON_GetArraySize(arr) == 0)
		return;
	put(b, b->len > 0 ? ", " : "");
	put(b, label);
	cJSON_ArrayForEach (v, arr) {
		put(b, v == arr->child ? " " : ",");
		put(b, cJSON_IsString(v) ? v->valuestring : "?");
	}
}

static void
put_severity(struct line *b, inc_store *s, const cJSON *p)
{
	if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(p, "severity")))
		return;
	put(b, b->len > 0 ? ", " : "");
	put(b, inc_severity_name(s, inc_doc__int(p, "severity")));
}

/* "head (what in holds)", in released */
static void
put_aside(struct line *b, const char *head, struct line *in)
{
	put(b, head != NULL ? head : "");
	put(b, " (");
	put(b, in->p != NULL ? in->p : "");
	put(b, ")");
	b->nomem |= in->nomem;
	free(in->p);
	in->p = NULL;
}

static void
describe_opened(struct line *b, inc_store *s, const cJSON *p)
{
	struct line in = {NULL, 0, 0, false};
	const char *title = inc_json__str(p, "title");

	put(&in, "");
	put_severity(&in, s, p);
	put_list(&in, p, "services", "services");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "drill")))
		put(&in, ", drill");
	put_member(&in, p, "dedup_key", "dedup key");
	put_aside(b, title, &in);
}

static void
describe_triaged(struct line *b, inc_store *s, const cJSON *p)
{
	put_severity(b, s, p);
	put_member(b, p, "priority", NULL);
	put_member(b, p, "impact", "impact");
	put_member(b, p, "urgency", "urgency");
	put_member(b, p, "commander", "commander");
	put_list(b, p, "services", "services");
	put_list(b, p, "tags", "tags");
	put_member(b, p, "started_at", "impact began");
	put_member(b, p, "summary", NULL);
}

static void
describe_escalated(struct line *b, inc_store *s, const cJSON *p)
{
	char num[32];

	(void)s;
	/* by hand under a policy: an extra page, the level stays */
	if (inc_json__str(p, "policy") != NULL &&
	    inc_json__str(p, "to") != NULL &&
	    cJSON_GetObjectItemCaseSensitive(p, "targets") == NULL) {
		put(b, "paged ");
		put(b, inc_json__str(p, "to"));
		put(b, " by hand");
		if (inc_doc__int(p, "level") > 0) {
			snprintf(num, sizeof(num), " at level %d",
			         inc_doc__int(p, "level"));
			put(b, num);
		}
		put_member(b, p, "policy", "policy");
		put_member(b, p, "reason", NULL);
		return;
	}
	snprintf(num, sizeof(num), "level %d", inc_doc__int(p, "level"));
	put(b, num);
	if (inc_json__str(p, "to") != NULL) {
		put(b, " to ");
		put(b, inc_json__str(p, "to"));
	}
	put_member(b, p, "policy", "policy");
	/* a policy's page says whom; one by hand said it with "to" */
	if (cJSON_GetObjectItemCaseSensitive(p, "targets") != NULL)
		put_list(b, p, "paged", "paged");
	put_member(b, p, "reason", NULL);
}

static void
describe_update_due(struct line *b, inc_store *s, const cJSON *p)
{
	char buf[32];
	int64_t secs;

	(void)s;
	put(b, "a stakeholder update is overdue");
	if (inc_json__int(&secs, p, "cadence", 1, INC_JSON_INT_MAX) == 0) {
		put(b, " (every ");
		put(b, inc_duration_format(buf, sizeof(buf), secs));
		put(b, ")");
	}
}

static void
describe_merged(struct line *b, inc_store *s, const cJSON *p)
{
	(void)s;
	put_member(b, p, "into", "into");
}

static void
describe_absorbed(struct line *b, inc_store *s, const cJSON *p)
{
	char num[32];

	(void)s;
	put_member(b, p, "from", "merged in");
	snprintf(num, sizeof(num), "%d", inc_doc__int(p, "alert_count"));
	put(b, ", alerts ");
	put(b, num);
}

static void
describe_assigned(struct line *b, inc_store *s, const cJSON *p)
{
	const char *who = inc_json__str(p, "who");

	(void)s;
	put_member(b, p, "role", NULL);
	put(b, who != NULL ? " \xe2\x86\x92 " : " removed");
	if (who != NULL)
		put(b, who);
}

static void
describe_edited(struct line *b, inc_store *s, const cJSON *p)
{
	const cJSON *v;

	(void)s;
	put_member(b, p, "title", "title");
	put_member(b, p, "summary", "summary");
	cJSON_ArrayForEach (v, cJSON_GetObjectItemCaseSensitive(p, "fields")) {
		put(b, b->len > 0 ? ", " : "");
		put(b, v->string);
		put(b, "=");
		put(b, cJSON_IsString(v) ? v->valuestring : "");
	}
}

static void
describe_attached(struct line *b, inc_store *s, const cJSON *p)
{
	(void)s;
	put_member(b, p, "dedup_key", NULL);
	put_member(b, p, "source", "from");
}

/* "alice from 2026-11-03T08:00:00Z until ..., reason" */
static void
describe_override(struct line *b, inc_store *s, const cJSON *p)
{
	(void)s;
	put_member(b, p, "who", NULL);
	put_member(b, p, "from", "from");
	put_member(b, p, "until", "until");
	put_member(b, p, "reason", NULL);
	if (inc_json__str(p, "override") != NULL) {
		char id[16];
		snprintf(id, sizeof(id), "%.8s", inc_json__str(p, "override"));
		put(b, b->len > 0 ? ", override " : "override ");
		put(b, id);
	}
}

/* "every 10m, grace 2m, service db" or "incident 7fk2qabc" */
static void
describe_heartbeat(struct line *b, inc_store *s, const cJSON *p)
{
	char buf[48];
	int64_t n;

	(void)s;
	if (inc_json__int(&n, p, "every", 1, INC_JSON_INT_MAX) == 0) {
		put(b, "every ");
		put(b, inc_duration_format(buf, sizeof(buf), n));
	}
	if (inc_json__int(&n, p, "grace", 0, INC_JSON_INT_MAX) == 0) {
		put(b, ", grace ");
		put(b, inc_duration_format(buf, sizeof(buf), n));
	}
	put_member(b, p, "service", "service");
	if (inc_json__int(&n, p, "severity", 1, SEVERITY_MAX) == 0) {
		snprintf(buf, sizeof(buf), "%sseverity %d",
		         b->len > 0 ? ", " : "", (int)n);
		put(b, buf);
	}
	if (inc_json__str(p, "incident") != NULL) {
		snprintf(buf, sizeof(buf), "incident %.8s",
		         inc_json__str(p, "incident"));
		put(b, buf);
	}
	put_member(b, p, "reason", NULL);
}

/* note, update, investigate, mitigate, resolve, reopen, cancel, ... */
static void
describe_text(struct line *b, inc_store *s, const cJSON *p)
{
	(void)s;
	put_member(b, p, "summary", NULL);
	put_member(b, p, "cause", "cause:");
	put_member(b, p, "reason", NULL);
	put_member(b, p, "note", NULL);
	put_member(b, p, "text", NULL);
}

/* "Primary database down (db/primary.md, 2 steps, version 3f2a9c81d0e4)" */
static void
describe_runbook(struct line *b, inc_store *s, const cJSON *p)
{
	const char *hash = inc_json__str(p, "hash");
	const char *title = inc_json__str(p, "title");
	const char *path = inc_json__str(p, "path");
	int n = cJSON_GetArraySize(
	        cJSON_GetObjectItemCaseSensitive(p, "steps"));
	char buf[64];

	(void)s;
	put(b, title != NULL ? title : "");
	put(b, " (");
	put(b, path != NULL ? path : "");
	snprintf(buf, sizeof(buf), ", %d step%s, version %.12s)", n,
	         n == 1 ? "" : "s", hash != NULL ? hash : "?");
	put(b, buf);
}

/* "step 2: Fail over with `pgctl promote`, the note" */
static void
describe_step(struct line *b, inc_store *s, const cJSON *p)
{
	char buf[32];

	(void)s;
	snprintf(buf, sizeof(buf), "step %d: ", inc_doc__int(p, "step"));
	put(b, buf);
	put(b,
	    inc_json__str(p, "text") != NULL ? inc_json__str(p, "text") : "");
	put_member(b, p, "note", NULL);
}

static void
describe_hook_failed(struct line *b, inc_store *s, const cJSON *p)
{
	char num[32];

	(void)s;
	put_member(b, p, "hook", "hook");
	put_member(b, p, "target", "for");
	snprintf(num, sizeof(num), ", attempt %d", inc_doc__int(p, "attempt"));
	put(b, num);
	put_member(b, p, "error", NULL);
}

/* "services api,db, from ... until ..., reason" */
static void
describe_maintenance(struct line *b, inc_store *s, const cJSON *p)
{
	(void)s;
	put_list(b, p, "services", "services");
	put_member(b, p, "from", "from");
	put_member(b, p, "until", "until");
	put_member(b, p, "reason", NULL);
}

/* "api: HighLatency (key 3f2a...)" */
static void
describe_suppressed(struct line *b, inc_store *s, const cJSON *p)
{
	(void)s;
	put_member(b, p, "service", NULL);
	put(b, b->len > 0 ? ": " : "");
	put(b,
	    inc_json__str(p, "title") != NULL ? inc_json__str(p, "title") : "");
	put(b, " (key ");
	put(b, inc_json__str(p, "key") != NULL ? inc_json__str(p, "key") : "");
	put(b, ")");
}

/* "Deploy v2 (service api, from ci)" */
static void
describe_change(struct line *b, inc_store *s, const cJSON *p)
{
	struct line in = {NULL, 0, 0, false};

	(void)s;
	put(&in, "");
	put_member(&in, p, "service", "service");
	put_member(&in, p, "source", "from");
	put_aside(b, inc_json__str(p, "summary"), &in);
}

/* "disk full (a1b2c3), from alertmanager, clamped: ..." */
static void
describe_alert(struct line *b, inc_store *s, const cJSON *p)
{
	(void)s;
	if (inc_json__str(p, "title") != NULL) {
		put(b, inc_json__str(p, "title"));
		put(b, " (");
		put(b, inc_json__str(p, "key") != NULL ? inc_json__str(p, "key")
		                                       : "");
		put(b, ")");
	} else {
		put_member(b, p, "key", NULL);
	}
	put_member(b, p, "source", "from");
	put_member(b, p, "ends_at", "ended");
	put_member(b, p, "note", NULL);
}

/* ---- the payload members of each kind ---- */

enum field_type {
	F_LINE,     /* one line of text, at most max bytes */
	F_TEXT,     /* free text, newlines allowed, at most max bytes */
	F_LABEL,    /* a service, tag or level: no spaces or commas */
	F_LABELS,   /* an array of labels */
	F_INT,      /* a whole number from 0 to max */
	F_SEVERITY, /* a whole number from 1 to max */
	F_TIME,     /* RFC 3339 */
	F_BOOL,
	F_ID,       /* an incident id */
	F_EVENT_ID, /* an event id */
	F_NAME,     /* a person, or null where it removes one */
	F_MAP,      /* an object of strings (or null: removed) */
	F_NAMES,    /* an array of names: one line each, not empty */
	F_LINES,    /* an array of lines, each not blank, at most max bytes */
	F_PATH,     /* a line, a path relative to a folder: see path_inside */
	F_LINKS,    /* an array of {href, text?}: one line each, href filled */
};

/*
 * What a kind cannot do without. A member is REQUIRED only when every
 * version of the writers (change.c) has always written it, and FILLED
 * (its text not empty, nor only blanks) only when every version refused
 * an empty one: anything looser would make rebuild refuse an old
 * history. A member some version left out stays optional.
 */
enum field_rule {
	REQUIRED = 1 << 0, /* always in the payload */
	FILLED = 1 << 1,   /* when a string: not empty, not only blanks */
};

struct field {
	const char *key;
	enum field_type type;
	int64_t max;
	unsigned rules;
};

#define END                                                                    \
	{                                                                      \
		NULL, F_LINE, 0, 0                                             \
	}

/*
 * The rules come from the writers' history: opened has always carried
 * its title (never blank), severity, services and tags; assigned its
 * role and its who (a name, never blank, or null); and so on. services
 * and tags stay optional all the same (an absent list is an empty one,
 * and fixtures write opened without them), as does alert_attached's
 * title (the fold does not read it). A member that only some calls
 * write (a commander, a summary, a note on mitigated) is optional, and
 * may be blank where the command line let it be.
 */
static const struct field f_opened[] = {
        {"title", F_LINE, INC_TITLE_MAX, REQUIRED | FILLED},
        {"summary", F_TEXT, INC_TEXT_MAX, 0},
        {"severity", F_SEVERITY, SEVERITY_MAX, REQUIRED},
        {"services", F_LABELS, LABEL_MAX, 0},
        {"tags", F_LABELS, LABEL_MAX, 0},
        {"commander", F_NAME, NAME_MAX_BYTES, 0},
        {"started_at", F_TIME, 0, 0},
        {"drill", F_BOOL, 0, 0},
        {"dedup_key", F_LINE, INC_TITLE_MAX, FILLED},
        {"source", F_LINE, INC_TITLE_MAX, 0},
        /* ingest (issue 11): labels that fit no service or tag rule,
         * and an incident a maintenance window opened (never paged,
         * left out of metrics) */
        {"fields", F_MAP, INC_TITLE_MAX, 0},
        {"maintenance", F_BOOL, 0, 0},
        END,
};
static const struct field f_triaged[] = {
        {"severity", F_SEVERITY, SEVERITY_MAX, 0},
        {"impact", F_LABEL, LABEL_MAX, 0},
        {"urgency", F_LABEL, LABEL_MAX, 0},
        {"priority", F_LABEL, LABEL_MAX, 0},
        {"commander", F_NAME, NAME_MAX_BYTES, 0},
        {"summary", F_TEXT, INC_TEXT_MAX, 0},
        {"services", F_LABELS, LABEL_MAX, 0},
        {"tags", F_LABELS, LABEL_MAX, 0},
        {"started_at", F_TIME, 0, 0},
        END,
};
static const struct field f_note[] = {{"note", F_TEXT, INC_TEXT_MAX, 0}, END};
static const struct field f_resolved[] = {
        {"summary", F_TEXT, INC_TEXT_MAX, 0},
        {"cause", F_TEXT, INC_TEXT_MAX, 0},
        {"automatic", F_BOOL, 0, 0}, /* when its last alert resolved */
        END,
};
static const struct field f_mitigated[] = {
        {"note", F_TEXT, INC_TEXT_MAX, 0},
        {"automatic", F_BOOL, 0, 0}, /* when its last alert resolved */
        END,
};
/* an alert inside an incident (ingest): its key (fingerprint), what
 * the sender said of it, and what was clamped and why (note) */
static const struct field f_alert_fired[] = {
        {"key", F_LINE, INC_TITLE_MAX, REQUIRED | FILLED},
        {"title", F_LINE, INC_TITLE_MAX, REQUIRED | FILLED},
        {"source", F_LINE, INC_TITLE_MAX, 0},
        {"labels", F_MAP, INC_TITLE_MAX, REQUIRED},
        {"annotations", F_MAP, INC_TEXT_MAX, 0},
        {"links", F_LINKS, INC_TITLE_MAX, 0},
        {"starts_at", F_TIME, 0, REQUIRED},
        {"note", F_TEXT, INC_TEXT_MAX, 0},
        END,
};
static const struct field f_alert_resolved[] = {
        {"key", F_LINE, INC_TITLE_MAX, REQUIRED | FILLED},
        {"ends_at", F_TIME, 0, REQUIRED},
        {"note", F_TEXT, INC_TEXT_MAX, 0},
        END,
};
static const struct field f_reason[] = {
        {"reason", F_TEXT, INC_TEXT_MAX, REQUIRED | FILLED},
        END,
};
static const struct field f_none[] = {END};
static const struct field f_escalated[] = {
        {"level", F_INT, 1000000, REQUIRED},
        {"to", F_NAME, NAME_MAX_BYTES, 0},
        {"reason", F_TEXT, INC_TEXT_MAX, 0},
        /* with a policy (issue 10): its name, the step paged, the
         * step's configured targets and who was actually paged */
        {"policy", F_LABEL, LABEL_MAX, 0},
        {"step", F_INT, 1000000, 0},
        {"targets", F_NAMES, NAME_MAX_BYTES, 0},
        {"paged", F_NAMES, NAME_MAX_BYTES, 0},
        END,
};
/* written by tick: the cadence (seconds) and the last update, if any */
static const struct field f_update_due[] = {
        {"cadence", F_INT, INC_JSON_INT_MAX, 0},
        {"last_update_at", F_TIME, 0, 0},
        END,
};
static const struct field f_merged[] = {{"into", F_ID, 0, REQUIRED}, END};
static const struct field f_absorbed[] = {
        {"from", F_ID, 0, REQUIRED},
        {"dedup_keys", F_LABELS, INC_TITLE_MAX, REQUIRED},
        {"alert_count", F_INT, INC_JSON_INT_MAX, REQUIRED},
        END,
};
static const struct field f_text[] = {
        {"text", F_TEXT, INC_TEXT_MAX, REQUIRED | FILLED},
        END,
};
static const struct field f_assigned[] = {
        {"role", F_LABEL, LABEL_MAX, REQUIRED},
        {"who", F_NAME, NAME_MAX_BYTES, REQUIRED | FILLED},
        END,
};
static const struct field f_edited[] = {
        {"title", F_LINE, INC_TITLE_MAX, FILLED},
        {"summary", F_TEXT, INC_TEXT_MAX, 0},
        {"fields", F_MAP, INC_TEXT_MAX, 0},
        END,
};
static const struct field f_attached[] = {
        {"dedup_key", F_LINE, INC_TITLE_MAX, REQUIRED | FILLED},
        {"source", F_LINE, INC_TITLE_MAX, 0},
        {"title", F_LINE, INC_TITLE_MAX, 0},
        END,
};
static const struct field f_reviewed[] = {
        {"document", F_TEXT, INC_REVIEW_MAX, REQUIRED | FILLED},
        END,
};
static const struct field f_action_added[] = {
        {"text", F_TEXT, INC_TEXT_MAX, REQUIRED | FILLED},
        {"owner", F_NAME, NAME_MAX_BYTES, 0},
        {"due", F_TIME, 0, 0},
        {"type", F_LABEL, LABEL_MAX, 0},
        {"priority", F_LABEL, LABEL_MAX, 0},
        END,
};
static const struct field f_action_done[] = {
        {"action", F_EVENT_ID, 0, REQUIRED},
        END,
};
/* the runbook's version: its path in runbooks.dir and the SHA-256 of
 * the file (an F_EVENT_ID is 64 hex digits too) */
static const struct field f_runbook_attached[] = {
        {"path", F_PATH, 4096, REQUIRED | FILLED},
        {"hash", F_EVENT_ID, 0, REQUIRED},
        {"title", F_LINE, INC_TITLE_MAX, REQUIRED | FILLED},
        {"steps", F_LINES, INC_TITLE_MAX, REQUIRED},
        END,
};
static const struct field f_step_checked[] = {
        {"step", F_INT, STEPS_MAX, REQUIRED},
        {"text", F_LINE, INC_TITLE_MAX, REQUIRED | FILLED},
        {"hash", F_EVENT_ID, 0, REQUIRED},
        {"note", F_TEXT, INC_TEXT_MAX, 0},
        END,
};

static const struct field f_hook_failed[] = {
        {"hook", F_LABEL, LABEL_MAX, REQUIRED},
        {"delivery", F_EVENT_ID, 0, REQUIRED},
        {"attempt", F_INT, 1000000, REQUIRED},
        {"error", F_LINE, INC_TITLE_MAX, REQUIRED | FILLED},
        {"target", F_NAME, NAME_MAX_BYTES, 0},
        END,
};

/* A kind that only tells the timeline: the incident stays as it was. */
static void
fold_nothing(struct inc_fold *f, const inc_event *ev)
{
	(void)f;
	(void)ev;
}

/* the events of a rota (scope rota:<name>): never an incident's */
static const struct field f_override_added[] = {
        {"rota", F_LABEL, INC_NAME_MAX, 0},
        {"who", F_LINE, NAME_MAX_BYTES, REQUIRED | FILLED},
        {"from", F_TIME, 0, REQUIRED},
        {"until", F_TIME, 0, REQUIRED},
        {"reason", F_TEXT, INC_TEXT_MAX, 0},
        END,
};
static const struct field f_override_removed[] = {
        {"override", F_EVENT_ID, 0, REQUIRED},
        END,
};

/* a maintenance window (scope maintenance:<id>) and what it held back */
static const struct field f_maintenance_added[] = {
        {"services", F_LABELS, LABEL_MAX, REQUIRED},
        {"from", F_TIME, 0, REQUIRED},
        {"until", F_TIME, 0, REQUIRED},
        {"reason", F_TEXT, INC_TEXT_MAX, 0},
        END,
};
static const struct field f_maintenance_removed[] = {
        {"reason", F_TEXT, INC_TEXT_MAX, 0},
        END,
};
static const struct field f_alert_suppressed[] = {
        {"key", F_LINE, INC_TITLE_MAX, REQUIRED | FILLED},
        {"title", F_LINE, INC_TITLE_MAX, REQUIRED},
        {"service", F_LABEL, LABEL_MAX, 0},
        {"labels", F_MAP, INC_TEXT_MAX, 0},
        {"starts_at", F_TIME, 0, 0},
        {"source", F_LINE, INC_TITLE_MAX, 0},
        END,
};
/* a change to a service (scope change:<service>): a deploy, a config push */
static const struct field f_change_recorded[] = {
        {"summary", F_TEXT, CHANGE_SUMMARY_MAX, REQUIRED | FILLED},
        {"service", F_LABEL, INC_NAME_MAX, REQUIRED},
        {"source", F_LINE, INC_TITLE_MAX, 0},
        {"at", F_TIME, 0, 0},
        {"links", F_LINKS, INC_TITLE_MAX, 0},
        {"details", F_TEXT, INC_TEXT_MAX, 0},
        {"note", F_LINE, INC_TITLE_MAX, 0},
        END,
};
static const struct field f_heartbeat_set[] = {
        {"every", F_INT, INC_JSON_INT_MAX, REQUIRED},
        {"grace", F_INT, INC_JSON_INT_MAX, 0},
        {"service", F_LABEL, LABEL_MAX, 0},
        {"severity", F_SEVERITY, SEVERITY_MAX, 0},
        END,
};
static const struct field f_heartbeat_removed[] = {
        {"reason", F_TEXT, INC_TEXT_MAX, 0},
        END,
};
static const struct field f_heartbeat_incident[] = {
        {"incident", F_ID, 0, REQUIRED},
        {"due_at", F_TIME, 0, 0},
        END,
};

/* ---- the table ---- */

typedef void (*describe_fn)(struct line *b, inc_store *s, const cJSON *p);

static const struct inc_kind {
	const char *name;
	const struct field *fields;
	describe_fn describe;
	void (*fold)(struct inc_fold *f, const inc_event *ev);
} kinds[] = {
        {"opened", f_opened, describe_opened, inc_fold__opened},
        {"triaged", f_triaged, describe_triaged, inc_fold__transition},
        {"investigating", f_note, describe_text, inc_fold__transition},
        {"mitigated", f_mitigated, describe_text, inc_fold__transition},
        {"resolved", f_resolved, describe_text, inc_fold__transition},
        {"reopened", f_reason, describe_text, inc_fold__transition},
        {"closed", f_none, describe_text, inc_fold__transition},
        {"escalated", f_escalated, describe_escalated, inc_fold__escalated},
        {"cancelled", f_reason, describe_text, inc_fold__transition},
        {"merged", f_merged, describe_merged, inc_fold__transition},
        {"absorbed", f_absorbed, describe_absorbed, inc_fold__absorbed},
        {"noted", f_text, describe_text, inc_fold__noted},
        {"updated", f_text, describe_text, inc_fold__updated},
        {"assigned", f_assigned, describe_assigned, inc_fold__assigned},
        {"edited", f_edited, describe_edited, inc_fold__edited},
        {"alert_attached", f_attached, describe_attached,
         inc_fold__alert_attached},
        {"reviewed", f_reviewed, describe_text, inc_fold__reviewed},
        {"action_added", f_action_added, describe_text, inc_fold__action_added},
        {"action_done", f_action_done, describe_text, inc_fold__action_done},
        {"hook_failed", f_hook_failed, describe_hook_failed, fold_nothing},
        {"override_added", f_override_added, describe_override,
         inc_scope__fold},
        {"override_removed", f_override_removed, describe_override,
         inc_scope__fold},
        {"update_due", f_update_due, describe_update_due, inc_fold__update_due},
        {"runbook_attached", f_runbook_attached, describe_runbook,
         inc_fold__runbook_attached},
        {"step_checked", f_step_checked, describe_step, inc_fold__step_checked},
        {"maintenance_added", f_maintenance_added, describe_maintenance,
         inc_scope__fold},
        {"maintenance_removed", f_maintenance_removed, describe_text,
         inc_scope__fold},
        {"alert_suppressed", f_alert_suppressed, describe_suppressed,
         inc_scope__fold},
        {"change_recorded", f_change_recorded, describe_change,
         inc_scope__fold},
        {"heartbeat_set", f_heartbeat_set, describe_heartbeat, inc_scope__fold},
        {"heartbeat_removed", f_heartbeat_removed, describe_heartbeat,
         inc_scope__fold},
        {"heartbeat_overdue", f_heartbeat_incident, describe_heartbeat,
         inc_scope__fold},
        {"heartbeat_recovered", f_heartbeat_incident, describe_heartbeat,
         inc_scope__fold},
        {"alert_fired", f_alert_fired, describe_alert, inc_fold__alert_fired},
        {"alert_resolved", f_alert_resolved, describe_alert,
         inc_fold__alert_resolved},
};

const struct inc_kind *
inc_kind__find(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(*kinds); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

void
inc_kind__fold(const struct inc_kind *k, struct inc_fold *f,
               const inc_event *ev)
{
	k->fold(f, ev);
}

char *
inc_kind__describe(inc_store *s, const inc_event *ev)
{
	const struct inc_kind *k = inc_kind__find(ev->kind);
	struct line b = {NULL, 0, 0, false};

	put(&b, "");
	(k != NULL ? k->describe : describe_text)(&b, s, ev->payload);
	if (b.nomem) {
		free(b.p);
		return NULL;
	}
	return b.p;
}

/* ---- holding a payload to its kind ---- */

static bool
label_ok(const cJSON *v, int64_t max)
{
	return cJSON_IsString(v) && *v->valuestring != '\0' &&
	       strlen(v->valuestring) <= (size_t)max &&
	       strpbrk(v->valuestring, " \t\r\n,") == NULL;
}

/*
 * A path that stays inside the folder it is relative to, whatever joins
 * it to that folder: not absolute, no "." or ".." component, no empty
 * one ("a//b", "a/"). The writers (runbook.c) only ever wrote such paths.
 */
static bool
path_inside(const char *p)
{
	const char *c = p;

	if (*p == '\0' || *p == '/')
		return false;
	for (;;) {
		size_t n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') ||
		    (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (c[n] == '\0')
			return true;
		c += n + 1;
	}
}

/* {"href": "...", "text": "..."}: href filled, both one line of max */
static bool
link_ok(const cJSON *x, int64_t max)
{
	const cJSON *m;

	if (!cJSON_IsObject(x) || inc_json__str(x, "href") == NULL)
		return false;
	cJSON_ArrayForEach (m, x) {
		if ((strcmp(m->string, "href") != 0 &&
		     strcmp(m->string, "text") != 0) ||
		    !cJSON_IsString(m) ||
		    strpbrk(m->valuestring, "\r\n") != NULL ||
		    inc_text_check(m->valuestring, (size_t)max, m->string,
		                   NULL) < 0)
			return false;
	}
	return *inc_json__str(x, "href") != '\0';
}

static int
check_field(const struct field *f, const cJSON *v, inc_error *err)
{
	const cJSON *x;
	int64_t n, t;

	switch (f->type) {
	case F_LINE:
	case F_TEXT:
		if (!cJSON_IsString(v))
			break;
		if (f->type == F_LINE && strpbrk(v->valuestring, "\r\n"))
			return inc_error_set(
			        err, INC_EINVALID,
			        "%s: not one line (it holds a line "
			        "break)",
			        f->key);
		return inc_text_check(v->valuestring, (size_t)f->max, f->key,
		                      err);
	case F_PATH:
		if (!cJSON_IsString(v))
			break;
		if (strpbrk(v->valuestring, "\r\n") != NULL ||
		    !path_inside(v->valuestring))
			return inc_error_set(err, INC_EINVALID,
			                     "%s: not a path inside the folder "
			                     "(absolute, or with an empty, '.' "
			                     "or '..' part)",
			                     f->key);
		return inc_text_check(v->valuestring, (size_t)f->max, f->key,
		                      err);
	case F_NAME:
		if (cJSON_IsNull(v))
			return 0;
		if (!cJSON_IsString(v) || strpbrk(v->valuestring, "\r\n"))
			break;
		return inc_text_check(v->valuestring, (size_t)f->max, f->key,
		                      err);
	case F_LABEL:
		if (label_ok(v, f->max))
			return inc_text_check(v->valuestring, (size_t)f->max,
			                      f->key, err);
		break;
	case F_LABELS:
		if (!cJSON_IsArray(v))
			break;
		cJSON_ArrayForEach (x, v)
			if (!label_ok(x, f->max) ||
			    inc_text_check(x->valuestring, (size_t)f->max,
			                   f->key, err) < 0)
				return inc_error_set(err, INC_EINVALID,
				                     "%s: not a list of labels",
				                     f->key);
		return 0;
	case F_INT:
		if (inc_json__number(&n, v, 0, f->max) == 0)
			return 0;
		return inc_error_set(err, INC_EINVALID,
		                     "%s: not a whole number from 0 to %lld",
		                     f->key, (long long)f->max);
	case F_SEVERITY:
		if (inc_json__number(&n, v, 1, f->max) == 0)
			return 0;
		return inc_error_set(err, INC_EINVALID,
		                     "%s: not a whole number from 1 to %lld",
		                     f->key, (long long)f->max);
	case F_TIME:
		if (cJSON_IsString(v) &&
		    inc_time_from_rfc3339(&t, v->valuestring) == 0)
			return 0;
		break;
	case F_BOOL:
		if (cJSON_IsBool(v))
			return 0;
		break;
	case F_ID:
		if (cJSON_IsString(v) && inc_id__valid(v->valuestring))
			return 0;
		break;
	case F_EVENT_ID:
		if (cJSON_IsString(v) &&
		    strlen(v->valuestring) == INC_EVENT_ID_LEN &&
		    strspn(v->valuestring, "0123456789abcdef") ==
		            INC_EVENT_ID_LEN)
			return 0;
		break;
	case F_NAMES:
		if (!cJSON_IsArray(v))
			break;
		cJSON_ArrayForEach (x, v)
			if (!cJSON_IsString(x) || *x->valuestring == '\0' ||
			    strpbrk(x->valuestring, "\r\n") != NULL ||
			    inc_text_check(x->valuestring, (size_t)f->max,
			                   f->key, err) < 0)
				return inc_error_set(err, INC_EINVALID,
				                     "%s: not a list of names",
				                     f->key);
		return 0;
	case F_LINES:
		if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > STEPS_MAX)
			break;
		cJSON_ArrayForEach (x, v)
			if (!cJSON_IsString(x) ||
			    x->valuestring[strspn(x->valuestring, " \t")] ==
			            '\0' ||
			    strpbrk(x->valuestring, "\r\n") != NULL ||
			    inc_text_check(x->valuestring, (size_t)f->max,
			                   f->key, err) < 0)
				return inc_error_set(err, INC_EINVALID,
				                     "%s: not a list of lines",
				                     f->key);
		return 0;
	case F_LINKS:
		if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > LINKS_MAX)
			break;
		cJSON_ArrayForEach (x, v)
			if (!link_ok(x, f->max))
				return inc_error_set(err, INC_EINVALID,
				                     "%s: not a list of links "
				                     "({href, text}, one line "
				                     "each)",
				                     f->key);
		return 0;
	case F_MAP:
		if (!cJSON_IsObject(v))
			break;
		cJSON_ArrayForEach (x, v) {
			if (strlen(x->string) > KEY_MAX ||
			    (!cJSON_IsNull(x) && !cJSON_IsString(x)) ||
			    inc_text_check(x->string, KEY_MAX, f->key, err) <
			            0 ||
			    (cJSON_IsString(x) &&
			     inc_text_check(x->valuestring, (size_t)f->max,
			                    f->key, err) < 0))
				return inc_error_set(err, INC_EINVALID,
				                     "%s: not a map of texts",
				                     f->key);
		}
		return 0;
	}
	return inc_error_set(err, INC_EINVALID, "%s: not a valid value",
	                     f->key);
}

static const struct field *
field_of(const struct inc_kind *k, const char *key)
{
	const struct field *f = k->fields;

	while (f->key != NULL && strcmp(f->key, key) != 0)
		f++;
	return f->key != NULL ? f : NULL;
}

/* Every string and member name in v, however deep, is valid UTF-8. */
static bool
utf8_deep(const cJSON *v)
{
	const cJSON *x;

	if (v->string != NULL &&
	    inc_text_check(v->string, INC_REVIEW_MAX, "", NULL) < 0)
		return false;
	if (cJSON_IsString(v))
		return inc_text_check(v->valuestring, INC_REVIEW_MAX, "",
		                      NULL) == 0;
	cJSON_ArrayForEach (x, v)
		if (!utf8_deep(x))
			return false;
	return true;
}

/*
 * Every member this version knows must be valid, and those its kind
 * always carries present (and not blank where the writers never let
 * them be); a kind or a member it does not know is a newer version's
 * (INC_ENEWER), checked no further than that its text is UTF-8 (it is
 * kept, and exported).
 */
int
inc_kind__check(const char *kind, const cJSON *payload, inc_error *err)
{
	const struct inc_kind *k = inc_kind__find(kind);
	const cJSON *v;
	const char *unknown = NULL;
	int ret;

	if (!cJSON_IsObject(payload))
		return inc_error_set(err, INC_EINVALID,
		                     "%s: the payload is not an object", kind);
	if (k == NULL && !utf8_deep(payload))
		return inc_error_set(err, INC_EINVALID,
		                     "%.40s: text that is not valid UTF-8",
		                     kind);
	if (k == NULL)
		return inc_error_set(err, INC_ENEWER,
		                     "%.40s: an event kind this version does "
		                     "not know",
		                     kind);
	cJSON_ArrayForEach (v, payload) {
		const struct field *f = field_of(k, v->string);
		if (f == NULL) {
			if (!utf8_deep(v))
				return inc_error_set(
				        err, INC_EINVALID,
				        "%s: text that is not valid "
				        "UTF-8",
				        kind);
			if (unknown == NULL)
				unknown = v->string;
			continue;
		}
		if ((ret = check_field(f, v, err)) < 0)
			return ret;
		/* blank as change.c's check_text() sees it */
		if ((f->rules & FILLED) && cJSON_IsString(v) &&
		    v->valuestring[strspn(v->valuestring, " \t\r\n")] == '\0')
			return inc_error_set(err, INC_EINVALID,
			                     "%s: '%s' is empty", kind, f->key);
	}
	/* a known kind without what it cannot do without is invalid, even
	 * with a newer version's member beside it: format 1 keeps them */
	for (const struct field *f = k->fields; f->key != NULL; f++)
		if ((f->rules & REQUIRED) &&
		    cJSON_GetObjectItemCaseSensitive(payload, f->key) == NULL)
			return inc_error_set(err, INC_EINVALID,
			                     "%s: the member '%s' is missing",
			                     kind, f->key);
	if (unknown != NULL)
		return inc_error_set(err, INC_ENEWER,
		                     "%s: a member this version does not know "
		                     "('%.40s')",
		                     kind, unknown);
	return 0;
}

bool
inc_kind__known(const inc_event *ev)
{
	const struct inc_kind *k = inc_kind__find(ev->kind);
	const cJSON *v;

	if (k == NULL)
		return false;
	cJSON_ArrayForEach (v, ev->payload)
		if (field_of(k, v->string) == NULL)
			return false;
	return true;
}

static bool
hex_id(const char *id)
{
	return strlen(id) == INC_EVENT_ID_LEN &&
	       strspn(id, "0123456789abcdef") == INC_EVENT_ID_LEN;
}

/* An override ends after it begins, on the rota its scope names. */
static int
check_override(const inc_event *ev, inc_error *err)
{
	const char *rota = inc_json__str(ev->payload, "rota"), *name = NULL;
	int64_t from, until;

	if (strcmp(ev->kind, "override_added") != 0)
		return 0;
	if (inc_time_from_rfc3339(&from, inc_json__str(ev->payload, "from")) ==
	            0 &&
	    inc_time_from_rfc3339(&until,
	                          inc_json__str(ev->payload, "until")) == 0 &&
	    until <= from)
		return inc_error_set(err, INC_EINVALID,
		                     "override_added: 'until' is not after "
		                     "'from'");
	inc_scope__parse(ev->incident, NULL, &name);
	if (rota != NULL && name != NULL && strcmp(rota, name) != 0)
		return inc_error_set(
		        err, INC_EINVALID,
		        "override_added: 'rota' is not the rota of "
		        "its scope");
	return 0;
}

/*
 * A maintenance window ends after it begins and covers a service at
 * least; a change is of the service its scope names.
 */
static int
check_maintenance(const inc_event *ev, inc_error *err)
{
	const char *name = NULL, *service;
	int64_t from, until;

	if (strcmp(ev->kind, "maintenance_added") == 0) {
		if (inc_time_from_rfc3339(
		            &from, inc_json__str(ev->payload, "from")) == 0 &&
		    inc_time_from_rfc3339(
		            &until, inc_json__str(ev->payload, "until")) == 0 &&
		    until <= from)
			return inc_error_set(
			        err, INC_EINVALID,
			        "maintenance_added: 'until' is not "
			        "after 'from'");
		if (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(
		            ev->payload, "services")) &&
		    cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
		            ev->payload, "services")) == 0)
			return inc_error_set(err, INC_EINVALID,
			                     "maintenance_added: 'services' is "
			                     "empty");
	}
	if (strcmp(ev->kind, "change_recorded") == 0 &&
	    (service = inc_json__str(ev->payload, "service")) != NULL &&
	    inc_scope__parse(ev->incident, NULL, &name) == 0 &&
	    strcmp(service, name) != 0)
		return inc_error_set(err, INC_EINVALID,
		                     "change_recorded: 'service' is not the "
		                     "service of its scope");
	return 0;
}

/*
 * The one rule for an actor, whoever gives it (--actor, INCIDENT_ACTOR,
 * tick.actor, an event read from elsewhere): one line of text, not
 * blank, at most ACTOR_MAX bytes. what names it in the message.
 */
int
inc_kind__check_actor(const char *actor, const char *what, inc_error *err)
{
	if (actor == NULL || actor[strspn(actor, " \t")] == '\0')
		return inc_error_set(err, INC_EINVALID, "%s is empty", what);
	if (strpbrk(actor, "\r\n") != NULL)
		return inc_error_set(err, INC_EINVALID,
		                     "%s: not one line of text", what);
	return inc_text_check(actor, ACTOR_MAX, what, err) < 0 ? INC_EINVALID
	                                                       : 0;
}

int
inc_kind__check_event(const inc_event *ev, inc_error *err)
{
	const char *other = NULL;
	int scope = 0, ret;

	if (!hex_id(ev->id))
		return inc_error_set(err, INC_EINVALID,
		                     "id: not a SHA-256 in hex");
	if (!inc_id__valid(ev->incident) &&
	    (scope = inc_scope__parse(ev->incident, NULL, NULL)) ==
	            INC_EINVALID)
		return inc_error_set(err, INC_EINVALID,
		                     "incident: not an incident id nor a scope "
		                     "id (<kind>:<name>)");
	if (!inc_id__valid(ev->replica))
		return inc_error_set(err, INC_EINVALID,
		                     "replica: not a replica id");
	if (ev->kind[0] == '\0' ||
	    strspn(ev->kind, "abcdefghijklmnopqrstuvwxyz0123456789_") !=
	            strlen(ev->kind))
		return inc_error_set(err, INC_EINVALID,
		                     "kind: not a lowercase name");
	if (ev->lamport < 1 || ev->lamport > INC_JSON_INT_MAX)
		return inc_error_set(err, INC_EINVALID,
		                     "lamport: not a whole number from 1 to "
		                     "2^53-1");
	if (inc_kind__check_actor(ev->actor, "actor", err) < 0)
		return INC_EINVALID;
	/* state-independent rules of the fold's own */
	if (strcmp(ev->kind, "merged") == 0)
		other = inc_json__str(ev->payload, "into");
	else if (strcmp(ev->kind, "absorbed") == 0)
		other = inc_json__str(ev->payload, "from");
	if (other != NULL && strcmp(other, ev->incident) == 0)
		return inc_error_set(err, INC_EINVALID,
		                     "%s: an incident merged with itself",
		                     ev->kind);
	if ((ret = inc_scope__check_place(ev, err)) < 0 ||
	    (scope != INC_ENEWER && (ret = check_override(ev, err)) < 0) ||
	    (scope != INC_ENEWER && (ret = check_maintenance(ev, err)) < 0))
		return ret;
	ret = inc_kind__check(ev->kind, ev->payload, err);
	/* a newer version's scope: kept, never folded */
	if (ret == 0 && scope == INC_ENEWER)
		return inc_error_set(
		        err, INC_ENEWER,
		        "%.40s: a scope kind this version does not "
		        "know",
		        ev->incident);
	return ret;
}
