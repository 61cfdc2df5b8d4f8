/*
 * Prometheus Alertmanager's webhook (version 4, and Grafana's superset of
 * it) read into groups of alerts (ingest.c applies them). One incident a
 * group: by its groupKey, as Alertmanager's own PagerDuty integration
 * keys them (config ingest.alertmanager.key: group, fingerprint, or
 * labels:a,b). Every member is held to its type; one that is not what
 * the format says refuses the whole payload.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define NAME_MAX_BYTES 200 /* kind.c's KEY_MAX: a label's name */
/*
 * The most alerts a payload may hold, and labels or annotations an alert:
 * each alert is an event that rewrites its incident's projection, so a
 * payload of thousands takes seconds (1000: about one and a half). A
 * bigger one is refused whole; Alertmanager's max_alerts bounds it.
 */
#define ALERTS_MAX 1000
#define MAP_MAX 1000
#define GROUPS_MAX ALERTS_MAX

struct am {
	struct inc_ingest__run *r;
	struct inc_ingest__group *groups;
	size_t ngroups;
	char mode[8]; /* group, fingerprint, labels */
	const char *by_labels;
	const char *sev_label, *svc_label;
};

static int
bad(struct inc_ingest__run *r, const char *what, const char *why)
{
	return inc_error_set(r->err, INC_EINVALID, "alertmanager: %s: %s", what,
	                     why);
}

/* A map of texts (labels, annotations), copied with its values cut to
 * max bytes; NULL v: an empty map. */
static int
text_map(cJSON **out, struct inc_ingest__run *r, const cJSON *v, size_t max,
         const char *what)
{
	const cJSON *x, *obj = cJSON_IsObject(v) ? v : NULL;

	*out = NULL;
	if (v != NULL && !cJSON_IsObject(v) && !cJSON_IsNull(v))
		return bad(r, what, "not an object");
	if ((*out = cJSON_CreateObject()) == NULL)
		return inc_error__nomem(r->err);
	if (cJSON_GetArraySize(obj) > MAP_MAX)
		return bad(r, what, "more than 1000 members");
	cJSON_ArrayForEach (x, obj) {
		char *t;
		if (!cJSON_IsString(x))
			return bad(r, what, "a value that is not a string");
		if (strlen(x->string) > NAME_MAX_BYTES || *x->string == '\0')
			return bad(r, what, "a name empty or too long");
		if ((t = inc_ingest__text(x->valuestring, max, false)) == NULL)
			return inc_error__nomem(r->err);
		cJSON_DeleteItemFromObjectCaseSensitive(*out, x->string);
		cJSON_AddStringToObject(*out, x->string, t);
		free(t);
	}
	return 0;
}

static int
opt_string(const char **out, struct inc_ingest__run *r, const cJSON *o,
           const char *key, const char *what)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v))
		return bad(r, what, "not a string");
	*out = v->valuestring;
	return 0;
}

/* Alertmanager always sends a fingerprint; without one, the hash of the
 * labels, in name order, names the alert (16 hex digits, as its own). */
static void
fingerprint(char out[INC_DEDUP_KEY_MAX + 1], const cJSON *labels)
{
	char hex[INC_EVENT_ID_LEN + 1];
	const cJSON *x, *min;
	const char *after = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	/* name=value lines in name order, whatever order they came in */
	for (;;) {
		min = NULL;
		cJSON_ArrayForEach (x, labels)
			if ((after == NULL || strcmp(x->string, after) > 0) &&
			    (min == NULL || strcmp(x->string, min->string) < 0))
				min = x;
		if (min == NULL || f == NULL)
			break;
		fprintf(f, "%s=%s\n", min->string, min->valuestring);
		after = min->string;
	}
	if (f != NULL)
		fclose(f);
	inc_util__sha256_hex(hex, text != NULL ? text : "",
	                     text != NULL ? len : 0);
	free(text);
	snprintf(out, INC_DEDUP_KEY_MAX + 1, "%.16s", hex);
}

static struct inc_ingest__group *
group_of(struct am *am, const char *key)
{
	struct inc_ingest__group *g;

	for (size_t i = 0; i < am->ngroups; i++)
		if (strcmp(am->groups[i].key, key) == 0)
			return &am->groups[i];
	if (am->ngroups >= GROUPS_MAX)
		return NULL;
	g = realloc(am->groups, (am->ngroups + 1) * sizeof(*g));
	if (g == NULL)
		return NULL;
	am->groups = g;
	g = &am->groups[am->ngroups++];
	memset(g, 0, sizeof(*g));
	inc_ingest__key(g->key, key);
	return g;
}

static int
push(struct inc_ingest__group *g, const struct inc_ingest__alert *a)
{
	struct inc_ingest__alert *p =
	        realloc(g->alerts, (g->n + 1) * sizeof(*p));

	if (p == NULL)
		return INC_ENOMEM;
	g->alerts = p;
	g->alerts[g->n++] = *a;
	return 0;
}

/* The key of the alert's group in the configured mode. */
static int
group_key(char **out, struct am *am, const cJSON *root,
          const struct inc_ingest__alert *a)
{
	const char *gk = inc_json__str(root, "groupKey");

	*out = NULL;
	if (strcmp(am->mode, "finger") == 0) {
		*out = inc_util__strdup(a->key);
	} else if (strcmp(am->mode, "labels") == 0) {
		char *acc = inc_util__strdup(""), *next;
		const char *p = am->by_labels;
		while (acc != NULL && *p != '\0') {
			size_t n = strcspn(p, ",");
			char name[NAME_MAX_BYTES + 1];
			const char *v;
			snprintf(name, sizeof(name), "%.*s", (int)n, p);
			v = inc_json__str(a->labels, name);
			next = inc_util__asprintf("%s%s%s=%s", acc,
			                          *acc != '\0' ? "," : "", name,
			                          v != NULL ? v : "");
			free(acc);
			acc = next;
			p += n + (p[n] == ',');
		}
		*out = acc;
	} else if (gk != NULL && *gk != '\0') {
		*out = inc_util__strdup(gk);
	} else {
		/* no groupKey (a hand-made payload): the group's labels */
		char fp[INC_DEDUP_KEY_MAX + 1];
		fingerprint(fp, cJSON_GetObjectItemCaseSensitive(
		                        root, "groupLabels"));
		*out = inc_util__asprintf("group:%s", fp);
	}
	return *out != NULL ? 0 : inc_error__nomem(am->r->err);
}

static int
read_alert(struct am *am, const cJSON *root, const cJSON *v, size_t i)
{
	struct inc_ingest__run *r = am->r;
	struct inc_ingest__alert a;
	struct inc_ingest__group *g;
	const char *status, *fp, *gen, *dash, *panel, *title;
	char what[64], *key = NULL;
	bool none;
	int ret;

	memset(&a, 0, sizeof(a));
	snprintf(what, sizeof(what), "alerts[%zu]", i);
	if (!cJSON_IsObject(v))
		return bad(r, what, "not an object");
	if ((ret = opt_string(&status, r, v, "status", what)) < 0)
		return ret;
	if (status == NULL ||
	    (strcmp(status, "firing") != 0 && strcmp(status, "resolved") != 0))
		return bad(r, what, "status is not firing or resolved");
	a.firing = strcmp(status, "firing") == 0;
	if ((ret = opt_string(&fp, r, v, "fingerprint", what)) < 0 ||
	    (ret = opt_string(&gen, r, v, "generatorURL", what)) < 0 ||
	    (ret = opt_string(&dash, r, v, "dashboardURL", what)) < 0 ||
	    (ret = opt_string(&panel, r, v, "panelURL", what)) < 0)
		return ret;
	if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(v, "labels")))
		return bad(r, what, "labels is not an object");
	snprintf(what, sizeof(what), "alerts[%zu].labels", i);
	if ((ret = text_map(&a.labels, r,
	                    cJSON_GetObjectItemCaseSensitive(v, "labels"),
	                    INC_TITLE_MAX, what)) < 0)
		goto fail;
	snprintf(what, sizeof(what), "alerts[%zu].annotations", i);
	if ((ret = text_map(&a.annotations, r,
	                    cJSON_GetObjectItemCaseSensitive(v, "annotations"),
	                    INC_TEXT_MAX, what)) < 0)
		goto fail;
	snprintf(what, sizeof(what), "alerts[%zu]", i);
	if (inc_time__payload(&a.starts_at, &none,
	                      cJSON_GetObjectItemCaseSensitive(v, "startsAt")) <
	            0 ||
	    inc_time__payload(&a.ends_at, &none,
	                      cJSON_GetObjectItemCaseSensitive(v, "endsAt")) <
	            0) {
		ret = bad(r, what, "startsAt or endsAt is not a time");
		goto fail;
	}
	if (fp != NULL && *fp != '\0')
		inc_ingest__key(a.key, fp);
	else
		fingerprint(a.key, a.labels);
	title = inc_json__str(a.annotations, "title");
	if (title == NULL)
		title = inc_json__str(a.annotations, "summary");
	if (title == NULL)
		title = inc_json__str(a.labels, "alertname");
	a.title = title;
	a.source = inc_json__str(a.labels, "instance");
	if ((a.links = cJSON_CreateArray()) == NULL) {
		ret = inc_error__nomem(r->err);
		goto fail;
	}
	inc_ingest__add_link(a.links,
	                     inc_json__str(a.annotations, "runbook_url"),
	                     "runbook");
	inc_ingest__add_link(a.links, gen, "source");
	inc_ingest__add_link(a.links, dash, "dashboard");
	inc_ingest__add_link(a.links, panel, "panel");
	if ((ret = group_key(&key, am, root, &a)) < 0)
		goto fail;
	g = group_of(am, key);
	if (g == NULL || push(g, &a) < 0) {
		ret = inc_error__nomem(r->err);
		goto fail;
	}
	free(key);
	return 0;
fail:
	free(key);
	cJSON_Delete(a.labels);
	cJSON_Delete(a.annotations);
	cJSON_Delete(a.links);
	return ret;
}

/* What the group's incident opens with: the group's common labels and
 * annotations (group keying), else its first firing alert's. */
static void
describe(struct am *am, struct inc_ingest__group *g, const cJSON *root)
{
	const cJSON *cl =
	        cJSON_GetObjectItemCaseSensitive(root, "commonLabels");
	const cJSON *ca =
	        cJSON_GetObjectItemCaseSensitive(root, "commonAnnotations");
	const struct inc_ingest__alert *a = NULL;
	bool common = strcmp(am->mode, "group") == 0;

	for (size_t i = 0; i < g->n && a == NULL; i++)
		if (g->alerts[i].firing)
			a = &g->alerts[i];
	if (a == NULL)
		a = &g->alerts[0];
	g->title = common ? inc_json__str(ca, "title") : NULL;
	if (g->title == NULL && common)
		g->title = inc_json__str(ca, "summary");
	if (g->title == NULL)
		g->title = a->title;
	g->summary = common ? inc_json__str(ca, "description") : NULL;
	if (g->summary == NULL)
		g->summary = inc_json__str(a->annotations, "description");
	g->severity = common ? inc_json__str(cl, am->sev_label) : NULL;
	if (g->severity == NULL)
		g->severity = inc_json__str(a->labels, am->sev_label);
	g->service = common ? inc_json__str(cl, am->svc_label) : NULL;
	if (g->service == NULL)
		g->service = inc_json__str(a->labels, am->svc_label);
	g->labels = common && cJSON_GetArraySize(cl) > 0 ? cl : a->labels;
}

/* config ingest.alertmanager.key, ingest.severity-label, .service-label */
static int
settings(struct am *am)
{
	const inc_config *cfg = NULL;
	const char *v;
	int ret;

	if ((ret = inc_store_config(&cfg, am->r->s, am->r->err)) < 0)
		return ret;
	snprintf(am->mode, sizeof(am->mode), "group");
	v = inc_config_get(cfg, "ingest.alertmanager.key");
	if (v != NULL && strcmp(v, "fingerprint") == 0) {
		snprintf(am->mode, sizeof(am->mode), "finger");
	} else if (v != NULL && strncmp(v, "labels:", 7) == 0 && v[7] != '\0') {
		snprintf(am->mode, sizeof(am->mode), "labels");
		am->by_labels = v + 7;
	} else if (v != NULL && strcmp(v, "group") != 0) {
		return inc_error_set(
		        am->r->err, INC_ERROR,
		        "config ingest.alertmanager.key = '%.40s': "
		        "not group, fingerprint or labels:a,b",
		        v);
	}
	am->sev_label = inc_config_get(cfg, "ingest.severity-label");
	if (am->sev_label == NULL)
		am->sev_label = "severity";
	am->svc_label = inc_config_get(cfg, "ingest.service-label");
	if (am->svc_label == NULL)
		am->svc_label = "service";
	return 0;
}

int
inc_ingest__alertmanager(struct inc_ingest__run *r, const cJSON *root)
{
	static const char *const strings[] = {"groupKey", "status", "receiver",
	                                      "externalURL", "version"};
	const cJSON *alerts = cJSON_GetObjectItemCaseSensitive(root, "alerts");
	const cJSON *v;
	struct am am;
	const char *s;
	int64_t n;
	size_t i = 0;
	int ret = 0;

	memset(&am, 0, sizeof(am));
	am.r = r;
	for (size_t k = 0; k < sizeof(strings) / sizeof(*strings); k++)
		if ((ret = opt_string(&s, r, root, strings[k], strings[k])) < 0)
			return ret;
	/* Grafana's webhook says version 1 of its own, with an orgId */
	if ((s = inc_json__str(root, "version")) != NULL &&
	    strcmp(s, "4") != 0 &&
	    !(strcmp(s, "1") == 0 &&
	      cJSON_GetObjectItemCaseSensitive(root, "orgId") != NULL))
		return bad(r, "version",
		           "not 4 (this reads webhook version 4, and "
		           "Grafana's version 1)");
	if (!cJSON_IsArray(alerts))
		return bad(r, "alerts", "not an array");
	if (cJSON_GetArraySize(alerts) > ALERTS_MAX)
		return bad(r, "alerts",
		           "more than 1000 in one payload (Alertmanager's "
		           "max_alerts keeps a webhook below it)");
	v = cJSON_GetObjectItemCaseSensitive(root, "truncatedAlerts");
	if (v != NULL && inc_json__number(&n, v, 0, INC_JSON_INT_MAX) < 0)
		return bad(r, "truncatedAlerts", "not a whole number");
	r->truncated = v != NULL ? n : 0;
	for (size_t k = 0; k < 3; k++) {
		static const char *const maps[] = {
		        "groupLabels", "commonLabels", "commonAnnotations"};
		const cJSON *m =
		        cJSON_GetObjectItemCaseSensitive(root, maps[k]);
		if (m != NULL && !cJSON_IsNull(m) && !cJSON_IsObject(m))
			return bad(r, maps[k], "not an object");
		if (!cJSON_IsObject(m))
			continue;
		cJSON_ArrayForEach (v, m)
			if (!cJSON_IsString(v))
				return bad(r, maps[k],
				           "a value that is not a string");
	}
	if ((ret = settings(&am)) < 0)
		return ret;
	cJSON_ArrayForEach (v, alerts) {
		if ((ret = read_alert(&am, root, v, i++)) < 0)
			goto done;
	}
	r->res->alerts = i;
	for (size_t k = 0; k < am.ngroups && ret == 0; k++) {
		describe(&am, &am.groups[k], root);
		ret = inc_ingest__group(r, &am.groups[k]);
	}
done:
	for (size_t k = 0; k < am.ngroups; k++)
		inc_ingest__group_release(&am.groups[k]);
	free(am.groups);
	return ret;
}
