/*
 * The post-incident review: a Markdown draft built from the incident's
 * own timeline, milestones, roles and actions, through a template (built
 * in, or review.template in config). Placeholders are {{name}}; an
 * unknown one is left as it is.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static const char default_template[] =
        "# Post-incident review: {{title}}\n"
        "\n"
        "| | |\n"
        "|---|---|\n"
        "| Incident | {{short_id}} ({{id}}) |\n"
        "| Severity | {{severity}} |\n"
        "| Priority | {{priority}} |\n"
        "| Services | {{services}} |\n"
        "| Status | {{status}} |\n"
        "| Detected | {{detected_at}} |\n"
        "| Resolved | {{resolved_at}} |\n"
        "\n"
        "## Summary\n\n{{summary}}\n\n"
        "## Impact\n\n{{impact}}\n\n"
        "## Timeline\n\nAll times UTC.\n\n{{timeline}}\n\n"
        "## Runbook\n\n{{runbook}}\n\n"
        "## Metrics\n\n{{metrics}}\n\n"
        "## People and roles\n\n{{people}}\n\n"
        "## Root cause\n\n{{cause}}\n\n"
        "## Contributing factors\n\n"
        "_What made it possible, worse, or harder to see?_\n\n"
        "## What went well\n\n\n"
        "## What went badly\n\n\n"
        "## Where we got lucky\n\n\n"
        "## Action items\n\n{{actions}}\n\n"
        "_This review is blameless: it is about systems and decisions, not "
        "people._\n";

struct out {
	char *p;
	size_t len, cap;
	bool nomem;
};

static void
put_n(struct out *o, const char *s, size_t n)
{
	if (o->len + n + 1 > o->cap) {
		size_t cap = (o->len + n + 1) * 2;
		char *p = realloc(o->p, cap);
		if (p == NULL) {
			o->nomem = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void
put(struct out *o, const char *s)
{
	put_n(o, s, strlen(s));
}

static void putf(struct out *o, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

static void
putf(struct out *o, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	put(o, buf);
}

/* "2026-11-24 14:02 UTC" */
static char *
utc(char *buf, size_t len, int64_t t)
{
	inc_time_rfc3339(buf, len, t);
	if (strlen(buf) == 20) {
		buf[10] = ' ';
		buf[16] = '\0';
		strcat(buf, " UTC");
	}
	return buf;
}

static void
when(struct out *o, const cJSON *doc, const char *key)
{
	char buf[40];
	int64_t t = inc_doc__time(doc, key);

	put(o, t != 0 ? utc(buf, sizeof(buf), t) : "not yet");
}

static void
timeline(struct out *o, inc_store *s, const inc_event_list *events)
{
	size_t n = events->n, *order = malloc(n * sizeof(*order));

	if (order == NULL) {
		o->nomem = true;
		return;
	}
	/* by when it happened (back-dated ones in their place), stable */
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && events->events[order[j - 1]].at >
		                                    events->events[order[j]].at;
		     j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		const inc_event *ev = &events->events[order[i]];
		char buf[40], *what = inc_event_describe(s, ev);
		const char *lt = strstr(ev->actor, " <");

		putf(o, "- %s, %.*s: %s", utc(buf, sizeof(buf), ev->at),
		     lt != NULL ? (int)(lt - ev->actor)
		                : (int)strlen(ev->actor),
		     ev->actor, ev->kind);
		if (what != NULL && *what != '\0') {
			/* one list item: later lines indented under it */
			put(o, ": ");
			for (const char *p = what; *p; p++) {
				if (*p == '\n')
					put(o, "\n  ");
				else
					put_n(o, p, 1);
			}
		}
		put(o, "\n");
		free(what);
	}
	free(order);
}

static void
metric(struct out *o, const cJSON *d, const char *key, const char *name,
       const char *meaning)
{
	char buf[32];
	int64_t secs;

	putf(o, "| %s | %s | %s |\n", name,
	     inc_json__int(&secs, d, key, 0, INC_JSON_INT_MAX) == 0
	             ? inc_duration_format(buf, sizeof(buf), secs)
	             : "n/a (a milestone is missing)",
	     meaning);
}

static void
metrics(struct out *o, const cJSON *j)
{
	const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "durations");

	put(o, "| Metric | Value | From → to |\n|---|---|---|\n");
	metric(o, d, "ttd", "TTD", "impact began → detected");
	metric(o, d, "tta", "TTA", "detected → acknowledged");
	metric(o, d, "ttm", "TTM", "impact began → mitigated");
	metric(o, d, "ttr", "TTR", "impact began → resolved");
}

static void
impact(struct out *o, const cJSON *doc)
{
	int64_t start = inc_doc__time(doc, "started_at");
	int64_t end = inc_doc__time(doc, "mitigated_at");
	char a[40], b[40], d[32];

	if (start == 0)
		start = inc_doc__time(doc, "detected_at");
	if (end == 0) {
		put(o, "Not mitigated yet.");
		return;
	}
	putf(o, "Customer-facing for %s, from %s to %s (mitigation).",
	     inc_duration_format(d, sizeof(d), end - start),
	     utc(a, sizeof(a), start), utc(b, sizeof(b), end));
	if (inc_doc__time(doc, "started_at") == 0)
		put(o,
		    " When impact began is unknown: counted from detection.");
}

static void
people(struct out *o, const cJSON *doc, const inc_event_list *events)
{
	const cJSON *h, *r;
	bool any = false;

	cJSON_ArrayForEach (r, cJSON_GetObjectItemCaseSensitive(doc, "roles")) {
		if (cJSON_IsString(r)) {
			putf(o, "- %s: %s\n", r->string, r->valuestring);
			any = true;
		}
	}
	cJSON_ArrayForEach (
	        h, cJSON_GetObjectItemCaseSensitive(doc, "assignments")) {
		putf(o, "- %s %s from %s%s%s\n", inc_json__str(h, "who"),
		     inc_json__str(h, "role"), inc_json__str(h, "since"),
		     inc_json__str(h, "until") ? " until " : "",
		     inc_json__str(h, "until") ? inc_json__str(h, "until")
		                               : "");
		any = true;
	}
	put(o, any ? "\nEveryone who acted: " : "Everyone who acted: ");
	for (size_t i = 0; i < events->n; i++) {
		const char *a = events->events[i].actor;
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(events->events[j].actor, a) == 0;
		if (seen)
			continue;
		if (i > 0)
			put(o, ", ");
		put(o, a);
	}
	put(o, ".");
}

/* " (alice, due 2026-12-01, preventive, high priority)" */
static void
action_meta(struct out *o, const cJSON *a)
{
	const char *owner = inc_json__str(a, "owner"),
	           *due = inc_json__str(a, "due");
	const char *type = inc_json__str(a, "type"),
	           *prio = inc_json__str(a, "priority");
	const char *sep = "";

	if (owner == NULL && due == NULL && type == NULL && prio == NULL)
		return;
	put(o, " (");
	if (owner != NULL) {
		put(o, owner);
		sep = ", ";
	}
	if (due != NULL) {
		int64_t t = 0;
		time_t tt;
		struct tm tm;
		char day[16] = "?";
		/* the day it is due where the review is written */
		if (inc_time_from_rfc3339(&t, due) == 0) {
			tt = (time_t)t;
			if (localtime_r(&tt, &tm) != NULL)
				strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		}
		putf(o, "%sdue %s", sep, day);
		sep = ", ";
	}
	if (type != NULL) {
		putf(o, "%s%s", sep, type);
		sep = ", ";
	}
	if (prio != NULL)
		putf(o, "%s%s priority", sep, prio);
	put(o, ")");
}

static void
actions(struct out *o, const cJSON *doc, const char *short_id)
{
	const cJSON *a, *arr = cJSON_GetObjectItemCaseSensitive(doc, "actions");

	if (cJSON_GetArraySize(arr) == 0) {
		putf(o,
		     "_None yet: incident action add %s \"...\" --owner WHO "
		     "--due DATE_",
		     short_id);
		return;
	}
	cJSON_ArrayForEach (a, arr) {
		bool done = !cJSON_IsNull(
		        cJSON_GetObjectItemCaseSensitive(a, "done_at"));
		putf(o, "- [%c] #%d %s", done ? 'x' : ' ', inc_doc__int(a, "n"),
		     inc_json__str(a, "text"));
		action_meta(o, a);
		put(o, "\n");
	}
}

static void
list(struct out *o, const cJSON *arr)
{
	const cJSON *v;

	if (cJSON_GetArraySize(arr) == 0) {
		put(o, "none");
		return;
	}
	cJSON_ArrayForEach (v, arr) {
		put(o, v->valuestring);
		if (v->next != NULL)
			put(o, ", ");
	}
}

/*
 * Which runbook the responders followed, the version (its path and the
 * SHA-256 of the file when attached), and each step: when and by whom
 * it was checked, or that it never was.
 */
static void
runbook(struct out *o, const cJSON *doc)
{
	const cJSON *rb = cJSON_GetObjectItemCaseSensitive(doc, "runbook");
	const cJSON *st;
	char when[32];
	int64_t t;
	int never = 0;

	if (!cJSON_IsObject(rb)) {
		put(o, "_No runbook was attached._");
		return;
	}
	putf(o, "%s: `%s`, version `%s`", inc_json__str(rb, "title"),
	     inc_json__str(rb, "path"), inc_json__str(rb, "hash"));
	if (inc_time_from_rfc3339(&t, inc_json__str(rb, "attached_at")) == 0)
		putf(o, ", attached %s by %s", utc(when, sizeof(when), t),
		     inc_json__str(rb, "attached_by"));
	put(o, ".\n\n");
	cJSON_ArrayForEach (st, cJSON_GetObjectItemCaseSensitive(rb, "steps")) {
		bool done = cJSON_IsTrue(
		        cJSON_GetObjectItemCaseSensitive(st, "checked"));
		putf(o, "- [%c] %d. %s", done ? 'x' : ' ',
		     inc_doc__int(st, "n"), inc_json__str(st, "text"));
		if (done && inc_time_from_rfc3339(
		                    &t, inc_json__str(st, "checked_at")) == 0)
			putf(o, " (checked %s by %s)",
			     utc(when, sizeof(when), t),
			     inc_json__str(st, "checked_by"));
		else
			never++;
		if (done && inc_json__str(st, "note") != NULL)
			putf(o, ": %s", inc_json__str(st, "note"));
		put(o, "\n");
	}
	if (never > 0)
		putf(o, "\n%d step%s never checked.", never,
		     never == 1 ? " was" : "s were");
	else if (cJSON_GetArraySize(
	                 cJSON_GetObjectItemCaseSensitive(rb, "steps")) == 0)
		put(o, "The runbook has no steps to check.");
	else
		put(o, "\nEvery step was checked.");
	/* two replicas attached different versions: say both */
	cJSON_ArrayForEach (
	        st, cJSON_GetObjectItemCaseSensitive(rb, "also_attached")) {
		putf(o,
		     "\n\nAnother version was attached as well: `%s`, "
		     "version `%s`",
		     inc_json__str(st, "path"), inc_json__str(st, "hash"));
		if (inc_time_from_rfc3339(
		            &t, inc_json__str(st, "attached_at")) == 0)
			putf(o, ", attached %s by %s",
			     utc(when, sizeof(when), t),
			     inc_json__str(st, "attached_by"));
		put(o, "; the steps above are the first attached.");
	}
	if (cJSON_GetArraySize(
	            cJSON_GetObjectItemCaseSensitive(rb, "other_checks")) > 0)
		put(o, "\n\nChecked on another version:\n");
	cJSON_ArrayForEach (
	        st, cJSON_GetObjectItemCaseSensitive(rb, "other_checks")) {
		putf(o, "\n- %d. %s (version `%.12s`", inc_doc__int(st, "step"),
		     inc_json__str(st, "text"), inc_json__str(st, "hash"));
		if (inc_time_from_rfc3339(&t,
		                          inc_json__str(st, "checked_at")) == 0)
			putf(o, ", checked %s by %s",
			     utc(when, sizeof(when), t),
			     inc_json__str(st, "checked_by"));
		put(o, ")");
		if (inc_json__str(st, "note") != NULL)
			putf(o, ": %s", inc_json__str(st, "note"));
	}
}

/* Writes the value of one placeholder; false when it is unknown. */
static bool
fill(struct out *o, const char *name, size_t len, inc_store *s, const cJSON *j,
     const inc_event_list *events)
{
#define IS(x) (len == strlen(x) && strncmp(name, x, len) == 0)
	const char *v;

	if (IS("title") || IS("id") || IS("short_id") || IS("status")) {
		char key[16];
		snprintf(key, sizeof(key), "%.*s", (int)len, name);
		put(o, inc_json__str(j, key));
	} else if (IS("severity")) {
		put(o, inc_json__str(j, "severity_name"));
	} else if (IS("priority")) {
		put(o, (v = inc_json__str(j, "priority")) ? v : "not set");
	} else if (IS("services")) {
		list(o, cJSON_GetObjectItemCaseSensitive(j, "services"));
	} else if (IS("detected_at") || IS("resolved_at") ||
	           IS("mitigated_at") || IS("started_at")) {
		char key[16];
		snprintf(key, sizeof(key), "%.*s", (int)len, name);
		when(o, j, key);
	} else if (IS("summary")) {
		put(o, (v = inc_json__str(j, "summary"))
		               ? v
		               : "_What happened, in a few "
		                 "sentences._");
	} else if (IS("cause")) {
		put(o, (v = inc_json__str(j, "cause"))
		               ? v
		               : "_Why did it happen?_");
	} else if (IS("impact")) {
		impact(o, j);
	} else if (IS("timeline")) {
		timeline(o, s, events);
	} else if (IS("metrics")) {
		metrics(o, j);
	} else if (IS("people")) {
		people(o, j, events);
	} else if (IS("runbook")) {
		runbook(o, j);
	} else if (IS("actions")) {
		actions(o, j, inc_json__str(j, "short_id"));
	} else {
		return false;
	}
	return true;
#undef IS
}

static int
load_template(char **out, inc_store *s, inc_error *err)
{
	const inc_config *cfg = NULL;
	const char *path;
	char *full;
	FILE *f;
	long n = 0;
	int ret;

	*out = NULL;
	if ((ret = inc_store_config(&cfg, s, err)) < 0)
		return ret;
	if ((path = inc_config_get(cfg, "review.template")) == NULL)
		return 0;
	full = path[0] == '/' ? inc_util__strdup(path)
	                      : inc_util__asprintf("%s/%s", s->dir, path);
	if (full == NULL)
		return inc_error__nomem(err);
	if ((f = fopen(full, "r")) == NULL || fseek(f, 0, SEEK_END) < 0 ||
	    (n = ftell(f)) < 0 || n > INC_REVIEW_MAX ||
	    fseek(f, 0, SEEK_SET) < 0 ||
	    (*out = malloc((size_t)n + 1)) == NULL ||
	    fread(*out, 1, (size_t)n, f) != (size_t)n) {
		ret = inc_error_set(
		        err, INC_ERROR,
		        "review.template %s: cannot read it: %s", full,
		        n > INC_REVIEW_MAX ? "over 1 MiB" : strerror(errno));
		free(*out);
		*out = NULL;
	} else {
		(*out)[n] = '\0';
	}
	if (f != NULL)
		fclose(f);
	free(full);
	return ret;
}

int
inc_review_draft(char **out, inc_store *s, const char *prefix, int64_t now,
                 inc_error *err)
{
	inc_incident *inc = NULL;
	inc_event_list *events = NULL;
	struct out o = {NULL, 0, 0, false};
	char *custom = NULL;
	cJSON *j = NULL;
	const char *t;
	int ret;

	*out = NULL;
	if ((ret = inc_incident_load(&inc, s, prefix, err)) < 0 ||
	    (ret = inc_incident__to_json(&j, s, inc, now, err)) < 0 ||
	    (ret = inc_event__load(&events, s, inc_incident_id(inc), err)) <
	            0 ||
	    (ret = load_template(&custom, s, err)) < 0)
		goto done;
	put(&o, "");
	for (t = custom != NULL ? custom : default_template; *t != '\0';) {
		const char *open = strstr(t, "{{"), *close;
		if (open == NULL || (close = strstr(open + 2, "}}")) == NULL) {
			put(&o, t);
			break;
		}
		put_n(&o, t, (size_t)(open - t));
		if (!fill(&o, open + 2, (size_t)(close - open - 2), s, j,
		          events))
			put_n(&o, open, (size_t)(close + 2 - open));
		t = close + 2;
	}
	/* the draft is read on a terminal and in an editor: what came from
	 * alerts and people is made safe, by the one sanitiser */
	if (!o.nomem && (*out = inc_text_sanitize(o.p, true)) == NULL)
		o.nomem = true;
	free(o.p);
	if (o.nomem)
		ret = inc_error__nomem(err);
done:
	free(custom);
	cJSON_Delete(j);
	inc_event_list_free(events);
	inc_incident_free(inc);
	return ret;
}

/* The latest saved review document of events, or NULL; borrowed. */
static const char *
latest(const inc_event_list *events)
{
	for (size_t i = events->n; i > 0; i--) {
		const inc_event *ev = &events->events[i - 1];
		if (strcmp(ev->kind, "reviewed") == 0)
			return inc_json__str(ev->payload, "document");
	}
	return NULL;
}

int
inc_review_saved(char **out, inc_store *s, const char *prefix, inc_error *err)
{
	inc_event_list *events = NULL;
	const char *d;
	int ret;

	*out = NULL;
	if ((ret = inc_event_list_load(&events, s, prefix, err)) < 0)
		return ret;
	if ((d = latest(events)) != NULL &&
	    (*out = inc_util__strdup(d)) == NULL)
		ret = inc_error__nomem(err);
	inc_event_list_free(events);
	return ret;
}

/*
 * The document and the closing in one transaction: a refused close
 * must not leave a review saved behind it.
 */
int
inc_review_save(inc_incident **out, bool *saved, inc_store *s,
                const char *prefix, const char *text, bool close,
                const inc_change_opts *opts, inc_error *err)
{
	int64_t now = inc_time_now();
	char id[INC_ID_LEN + 1], short_id[INC_ID_LEN + 1];
	inc_change_opts o = *opts;
	inc_event_list *events = NULL;
	inc_incident *cur = NULL;
	const char *last;
	bool save = false;
	int ret;

	if (out != NULL)
		*out = NULL;
	if (saved != NULL)
		*saved = false;
	if (text == NULL && !close)
		return inc_error_set(err, INC_EINVALID, "no review to save");
	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	if ((ret = inc_change__load(&cur, id, short_id, s, prefix, err)) < 0)
		goto done;
	if (text != NULL) {
		if ((ret = inc_event__load(&events, s, id, err)) < 0)
			goto done;
		/* the same document again is not a new version */
		last = latest(events);
		save = last == NULL || strcmp(last, text) != 0;
		o.text = text;
		ret = save ? inc_change__apply(&cur, s, short_id,
		                               INC_ACTION_REVIEW, &o, now, err)
		           : inc_action__check(INC_ACTION_REVIEW, short_id,
		                               inc_incident_status(cur), err);
		if (ret < 0)
			goto done;
	}
	if (close &&
	    (ret = inc_change__apply(&cur, s, short_id, INC_ACTION_CLOSE, &o,
	                             now, err)) < 0)
		goto done;
	if (!o.dry_run && (ret = inc_store__commit(s, err)) < 0)
		goto done;
	if (saved != NULL)
		*saved = save;
	if (out != NULL) {
		*out = cur;
		cur = NULL;
	}
done:
	inc_store__rollback(s);
	inc_event_list_free(events);
	inc_incident_free(cur);
	return ret;
}
