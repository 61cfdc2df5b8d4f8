/*
 * Response metrics across incidents (incident-stats(1)): counts, and for
 * TTD, TTA, TTM and TTR the mean, median, p90 and max of the incidents
 * that have both milestones. One that lacks a milestone is left out of
 * that metric and counted as missing, never taken as zero: one nobody
 * acknowledged has no TTA. Drills and incidents a maintenance window
 * opened are left out altogether.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

static const char *const metric_keys[4] = {"ttd", "tta", "ttm", "ttr"};

struct values {
	int64_t *v;
	size_t n, cap;
};

struct group {
	char key[128];
	int order; /* severity level, for sorting */
	size_t opened, resolved, open, reopened, cancelled, merged, escalated,
	        reviewed, overdue_actions, missing[4];
	struct values m[4];
};

struct groups {
	struct group *g;
	size_t n, cap;
};

static int
push(struct values *vs, int64_t v)
{
	if (vs->n == vs->cap) {
		size_t cap = vs->cap ? vs->cap * 2 : 16;
		int64_t *p = realloc(vs->v, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		vs->v = p;
		vs->cap = cap;
	}
	vs->v[vs->n++] = v;
	return 0;
}

static struct group *
group(struct groups *gs, const char *key, int order)
{
	for (size_t i = 0; i < gs->n; i++)
		if (strcmp(gs->g[i].key, key) == 0)
			return &gs->g[i];
	if (gs->n == gs->cap) {
		size_t cap = gs->cap ? gs->cap * 2 : 8;
		struct group *p = realloc(gs->g, cap * sizeof(*p));
		if (p == NULL)
			return NULL;
		gs->g = p;
		gs->cap = cap;
	}
	memset(&gs->g[gs->n], 0, sizeof(gs->g[0]));
	snprintf(gs->g[gs->n].key, sizeof(gs->g[0].key), "%s", key);
	gs->g[gs->n].order = order;
	return &gs->g[gs->n++];
}

static int
add(struct group *g, const cJSON *doc, int64_t now)
{
	enum inc_status st = INC_STATUS_OPEN;
	int64_t d[4];
	bool has[4];
	const cJSON *a;

	(void)inc_status_parse(&st, inc_json__str(doc, "status"));
	g->opened++;
	g->resolved += st == INC_STATUS_RESOLVED || st == INC_STATUS_CLOSED;
	g->open += inc_status_active(st);
	g->reopened += inc_doc__int(doc, "reopen_count") > 0;
	g->cancelled += st == INC_STATUS_CANCELLED;
	g->merged += st == INC_STATUS_MERGED;
	/* a policy's first page comes with the opening: escalated is
	 * above it */
	g->escalated += inc_doc__int(doc, "escalation_level") >
	                (inc_json__str(cJSON_GetObjectItemCaseSensitive(
	                                       doc, "escalation"),
	                               "policy") != NULL
	                         ? 1
	                         : 0);
	g->reviewed += st == INC_STATUS_CLOSED;
	cJSON_ArrayForEach (a,
	                    cJSON_GetObjectItemCaseSensitive(doc, "actions")) {
		int64_t due = inc_doc__time(a, "due");
		g->overdue_actions +=
		        due != 0 && due < now &&
		        cJSON_IsNull(
		                cJSON_GetObjectItemCaseSensitive(a, "done_at"));
	}
	inc_incident__durations(doc, d, has);
	for (int i = 0; i < 4; i++) {
		if (!has[i])
			g->missing[i]++;
		else if (push(&g->m[i], d[i]) < 0)
			return -1;
	}
	return 0;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Round half away from zero to whole seconds. */
static double
whole(double v)
{
	return floor(v + 0.5);
}

/*
 * mean and median rounded to whole seconds (a median of an even count
 * is the mean of the middle two); p90 is the nearest rank: the value at
 * rank ceil(0.9 n) counting from 1.
 */
static cJSON *
summary(struct values *vs, size_t missing)
{
	cJSON *o = cJSON_CreateObject();
	double sum = 0;
	size_t n = vs->n;

	if (o == NULL)
		return NULL;
	if (n > 0) /* qsort wants an array, even of nothing */
		qsort(vs->v, n, sizeof(*vs->v), cmp64);
	for (size_t i = 0; i < n; i++)
		sum += (double)vs->v[i];
	cJSON_AddNumberToObject(o, "n", (double)n);
	cJSON_AddNumberToObject(o, "missing", (double)missing);
	if (n == 0) {
		cJSON_AddNullToObject(o, "mean");
		cJSON_AddNullToObject(o, "median");
		cJSON_AddNullToObject(o, "p90");
		cJSON_AddNullToObject(o, "max");
		return o;
	}
	cJSON_AddNumberToObject(o, "mean", whole(sum / (double)n));
	cJSON_AddNumberToObject(o, "median",
	                        n % 2 ? (double)vs->v[n / 2]
	                              : whole(((double)vs->v[n / 2 - 1] +
	                                       (double)vs->v[n / 2]) /
	                                      2));
	cJSON_AddNumberToObject(
	        o, "p90", (double)vs->v[(size_t)ceil(0.9 * (double)n) - 1]);
	cJSON_AddNumberToObject(o, "max", (double)vs->v[n - 1]);
	return o;
}

static cJSON *
rate(size_t num, size_t den)
{
	if (den == 0)
		return cJSON_CreateNull();
	return cJSON_CreateNumber(
	        floor((double)num / (double)den * 1000 + 0.5) / 1000);
}

static cJSON *
group_json(struct group *g)
{
	cJSON *o = cJSON_CreateObject(), *c, *m;

	if (o == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "key", g->key);
	c = cJSON_AddObjectToObject(o, "counts");
	cJSON_AddNumberToObject(c, "opened", (double)g->opened);
	cJSON_AddNumberToObject(c, "resolved", (double)g->resolved);
	cJSON_AddNumberToObject(c, "open", (double)g->open);
	cJSON_AddNumberToObject(c, "reopened", (double)g->reopened);
	cJSON_AddNumberToObject(c, "cancelled", (double)g->cancelled);
	cJSON_AddNumberToObject(c, "merged", (double)g->merged);
	cJSON_AddNumberToObject(c, "escalated", (double)g->escalated);
	cJSON_AddNumberToObject(c, "reviewed", (double)g->reviewed);
	m = cJSON_AddObjectToObject(o, "metrics");
	for (int i = 0; i < 4; i++)
		cJSON_AddItemToObject(m, metric_keys[i],
		                      summary(&g->m[i], g->missing[i]));
	cJSON_AddItemToObject(o, "escalation_rate",
	                      rate(g->escalated, g->opened));
	/* reviews done of the incidents that are over */
	cJSON_AddItemToObject(o, "review_completion",
	                      rate(g->reviewed, g->resolved));
	cJSON_AddNumberToObject(o, "overdue_actions",
	                        (double)g->overdue_actions);
	return o;
}

static int
compare_groups(const void *a, const void *b)
{
	const struct group *x = a, *y = b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	/* "(none)" after the named ones */
	if ((x->key[0] == '(') != (y->key[0] == '('))
		return x->key[0] == '(' ? 1 : -1;
	return strcmp(x->key, y->key);
}

/* The groups one incident belongs to under --by. */
static int
classify(struct groups *gs, inc_store *s, const cJSON *doc, const char *by,
         int64_t now)
{
	const cJSON *v, *arr = NULL;
	struct group *g;
	char key[32];

	if (by == NULL)
		return (g = group(gs, "all", 0)) != NULL ? add(g, doc, now)
		                                         : -1;
	if (strcmp(by, "severity") == 0) {
		int level = inc_doc__int(doc, "severity");
		g = group(gs, inc_severity_name(s, level), level);
		return g != NULL ? add(g, doc, now) : -1;
	}
	if (strcmp(by, "month") == 0) {
		time_t t = (time_t)inc_doc__time(doc, "opened_at");
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(key, sizeof(key), "%Y-%m", &tm);
		return (g = group(gs, key, 0)) != NULL ? add(g, doc, now) : -1;
	}
	arr = cJSON_GetObjectItemCaseSensitive(
	        doc, strcmp(by, "service") == 0 ? "services" : "tags");
	if (cJSON_GetArraySize(arr) == 0)
		return (g = group(gs, "(none)", 0)) != NULL ? add(g, doc, now)
		                                            : -1;
	/* an incident counts in each of its services (or tags) */
	cJSON_ArrayForEach (v, arr) {
		if ((g = group(gs, v->valuestring, 0)) == NULL ||
		    add(g, doc, now) < 0)
			return -1;
	}
	return 0;
}

static void
free_groups(struct groups *gs)
{
	for (size_t i = 0; i < gs->n; i++)
		for (int j = 0; j < 4; j++)
			free(gs->g[i].m[j].v);
	free(gs->g);
}

int
inc_stats__compute(cJSON **out, inc_store *s, const inc_stats_opts *o,
                   inc_error *err)
{
	struct groups gs = {NULL, 0, 0}, total = {NULL, 0, 0};
	cJSON *root = NULL, *arr;
	sqlite3_stmt *st = NULL;
	size_t drills = 0, maintenance = 0;
	char buf[32];
	int rc, ret;

	*out = NULL;
	if (o->by != NULL && strcmp(o->by, "severity") != 0 &&
	    strcmp(o->by, "service") != 0 && strcmp(o->by, "tag") != 0 &&
	    strcmp(o->by, "month") != 0)
		return inc_error_set(
		        err, INC_EINVALID,
		        "cannot group by '%.20s' (severity, service, "
		        "tag, month)",
		        o->by);
	ret = inc_store__prepare(
	        &st, s,
	        "SELECT doc FROM incidents WHERE opened_at >= ? "
	        "AND (? = 0 OR opened_at < ?)",
	        err);
	if (ret < 0)
		return ret;
	sqlite3_bind_int64(st, 1, o->since);
	sqlite3_bind_int64(st, 2, o->until);
	sqlite3_bind_int64(st, 3, o->until);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cJSON *doc =
		        cJSON_Parse((const char *)sqlite3_column_text(st, 0));
		if (doc == NULL) {
			ret = inc_error_set(err, INC_ECORRUPT,
			                    "an incident record is unreadable");
			break;
		}
		if (cJSON_IsTrue(
		            cJSON_GetObjectItemCaseSensitive(doc, "drill")))
			drills++;
		/* opened by a maintenance window: left out like a drill */
		else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
		                 doc, "maintenance")))
			maintenance++;
		else if (classify(&gs, s, doc, o->by, o->now) < 0 ||
		         classify(&total, s, doc, NULL, o->now) < 0)
			ret = inc_error__nomem(err);
		cJSON_Delete(doc);
		if (ret < 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = inc_error__sqlite(err, s->db, rc, "stats");
	sqlite3_finalize(st);
	if (ret < 0 || (root = cJSON_CreateObject()) == NULL) {
		if (ret == 0)
			ret = inc_error__nomem(err);
		goto done;
	}
	if (gs.n > 0)
		qsort(gs.g, gs.n, sizeof(*gs.g), compare_groups);
	cJSON_AddNumberToObject(root, "format", INC_JSON_FORMAT);
	if (o->since != 0)
		cJSON_AddStringToObject(
		        root, "since",
		        inc_time_rfc3339(buf, sizeof(buf), o->since));
	else
		cJSON_AddNullToObject(root, "since");
	if (o->until != 0)
		cJSON_AddStringToObject(
		        root, "until",
		        inc_time_rfc3339(buf, sizeof(buf), o->until));
	else
		cJSON_AddNullToObject(root, "until");
	if (o->by != NULL)
		cJSON_AddStringToObject(root, "by", o->by);
	else
		cJSON_AddNullToObject(root, "by");
	cJSON_AddNumberToObject(root, "drills_left_out", (double)drills);
	cJSON_AddNumberToObject(root, "maintenance_left_out",
	                        (double)maintenance);
	arr = cJSON_AddArrayToObject(root, "groups");
	for (size_t i = 0; i < gs.n; i++)
		cJSON_AddItemToArray(arr, group_json(&gs.g[i]));
	if (total.n > 0)
		cJSON_AddItemToObject(root, "total", group_json(&total.g[0]));
	else {
		struct group empty;
		memset(&empty, 0, sizeof(empty));
		strcpy(empty.key, "all");
		cJSON_AddItemToObject(root, "total", group_json(&empty));
	}
	*out = root;
done:
	free_groups(&gs);
	free_groups(&total);
	return ret;
}
