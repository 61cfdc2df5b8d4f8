/*
 * A PagerDuty Events API v2 event (/v2/enqueue) read into one group of
 * one alert (ingest.c applies it): trigger, acknowledge or resolve on a
 * dedup_key, made when a trigger has none and returned, as PagerDuty
 * does. A trigger while an incident with the key is active is a repeat;
 * after it resolved, a new incident, as PagerDuty does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int
bad(struct inc_ingest__run *r, const char *what, const char *why)
{
	return inc_error_set(r->err, INC_EINVALID, "pagerduty: %s: %s", what,
	                     why);
}

/* The string member key of o: *out NULL when absent (or null). */
static int
string(const char **out, struct inc_ingest__run *r, const cJSON *o,
       const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	char what[64];

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	/* a member of the payload is named as payload.<key> */
	snprintf(what, sizeof(what), "%s%s",
	         o != NULL && o->string != NULL ? "payload." : "", key);
	if (!cJSON_IsString(v))
		return bad(r, what, "not a string");
	*out = v->valuestring;
	return 0;
}

/* links [{href, text}] and images [{src, href, alt}] */
static int
read_links(cJSON *links, struct inc_ingest__run *r, const cJSON *root)
{
	static const char *const lists[] = {"links", "images"};
	const char *client_url, *client;
	int ret;

	for (size_t k = 0; k < 2; k++) {
		const cJSON *arr =
		        cJSON_GetObjectItemCaseSensitive(root, lists[k]);
		const cJSON *v;
		if (arr == NULL || cJSON_IsNull(arr))
			continue;
		if (!cJSON_IsArray(arr))
			return bad(r, lists[k], "not an array");
		if (cJSON_GetArraySize(arr) > 100)
			return bad(r, lists[k], "more than 100");
		cJSON_ArrayForEach (v, arr) {
			const char *href, *text, *src;
			if (!cJSON_IsObject(v))
				return bad(r, lists[k],
				           "not a list of objects");
			if ((ret = string(&href, r, v, "href")) < 0 ||
			    (ret = string(&text, r, v,
			                  k == 0 ? "text" : "alt")) < 0 ||
			    (ret = string(&src, r, v, "src")) < 0)
				return ret;
			if (k == 0 && href == NULL)
				return bad(r, "links", "a link without href");
			inc_ingest__add_link(
			        links, href != NULL ? href : src,
			        text != NULL ? text
			                     : (k == 0 ? NULL : "image"));
		}
	}
	if ((ret = string(&client_url, r, root, "client_url")) < 0 ||
	    (ret = string(&client, r, root, "client")) < 0)
		return ret;
	inc_ingest__add_link(links, client_url,
	                     client != NULL ? client : "client");
	return 0;
}

/* custom_details: its texts as they are, anything else as JSON text */
static int
details(cJSON *ann, struct inc_ingest__run *r, const cJSON *d)
{
	const cJSON *x;
	char *text, *cut;

	if (d == NULL || cJSON_IsNull(d))
		return 0;
	if (!cJSON_IsObject(d)) {
		text = cJSON_IsString(d) ? inc_util__strdup(d->valuestring)
		                         : cJSON_PrintUnformatted(d);
		cut = text != NULL ? inc_ingest__text(text, INC_TEXT_MAX, false)
		                   : NULL;
		if (cut != NULL)
			cJSON_AddStringToObject(ann, "details", cut);
		free(text);
		free(cut);
		return cut != NULL ? 0 : inc_error__nomem(r->err);
	}
	if (cJSON_GetArraySize(d) > 1000)
		return bad(r, "payload.custom_details",
		           "more than 1000 members");
	cJSON_ArrayForEach (x, d) {
		if (*x->string == '\0' || strlen(x->string) > 200)
			return bad(r, "custom_details",
			           "a name empty or too long");
		text = cJSON_IsString(x) ? inc_util__strdup(x->valuestring)
		                         : cJSON_PrintUnformatted(x);
		cut = text != NULL ? inc_ingest__text(text, INC_TEXT_MAX, false)
		                   : NULL;
		if (cut != NULL &&
		    cJSON_GetObjectItemCaseSensitive(ann, x->string) == NULL)
			cJSON_AddStringToObject(ann, x->string, cut);
		free(text);
		free(cut);
		if (cut == NULL)
			return inc_error__nomem(r->err);
	}
	return 0;
}

static int
new_key(char out[INC_DEDUP_KEY_MAX + 1], struct inc_ingest__run *r)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[16];

	if (inc_util__random(b, sizeof(b)) < 0)
		return inc_error_set(r->err, INC_ERROR,
		                     "cannot read random bytes");
	for (size_t i = 0; i < sizeof(b); i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * sizeof(b)] = '\0';
	return 0;
}

int
inc_ingest__pagerduty(struct inc_ingest__run *r, const cJSON *root)
{
	static const char *const severities[] = {"critical", "error", "warning",
	                                         "info"};
	static const char *const label_keys[] = {"source", "component", "group",
	                                         "class"};
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "payload");
	const char *action, *key, *summary = NULL, *sev = NULL, *v;
	const inc_config *cfg = NULL;
	struct inc_ingest__group g;
	struct inc_ingest__alert a;
	const char *svc_label;
	bool none, known = false;
	int ret;

	memset(&g, 0, sizeof(g));
	memset(&a, 0, sizeof(a));
	if ((ret = string(&v, r, root, "routing_key")) < 0 ||
	    (ret = string(&action, r, root, "event_action")) < 0 ||
	    (ret = string(&key, r, root, "dedup_key")) < 0)
		return ret;
	if (action == NULL || (strcmp(action, "trigger") != 0 &&
	                       strcmp(action, "acknowledge") != 0 &&
	                       strcmp(action, "resolve") != 0))
		return bad(r, "event_action",
		           "not trigger, acknowledge or resolve");
	a.firing = strcmp(action, "trigger") == 0;
	g.acknowledge = strcmp(action, "acknowledge") == 0;
	if ((key == NULL || *key == '\0') && !a.firing)
		return bad(r, "dedup_key", "needed to acknowledge or resolve");
	if (key == NULL || *key == '\0') {
		if ((ret = new_key(a.key, r)) < 0)
			return ret;
	} else {
		inc_ingest__key(a.key, key);
	}
	memcpy(g.key, a.key, sizeof(g.key));
	memcpy(r->res->dedup_key, a.key, sizeof(r->res->dedup_key));
	r->res->alerts = 1;
	if (a.firing && !cJSON_IsObject(p))
		return bad(r, "payload", "not an object");
	if (p != NULL && !cJSON_IsNull(p) && !cJSON_IsObject(p))
		return bad(r, "payload", "not an object");
	if ((ret = string(&summary, r, p, "summary")) < 0 ||
	    (ret = string(&sev, r, p, "severity")) < 0)
		return ret;
	if (a.firing && (summary == NULL || *summary == '\0'))
		return bad(r, "payload.summary", "missing or empty");
	for (size_t i = 0; sev != NULL && i < 4; i++)
		known |= strcmp(sev, severities[i]) == 0;
	if (a.firing && !known)
		return bad(r, "payload.severity",
		           "not critical, error, warning or info");
	if (inc_time__payload(
	            &a.starts_at, &none,
	            cJSON_GetObjectItemCaseSensitive(p, "timestamp")) < 0)
		return bad(r, "payload.timestamp", "not a time");
	if ((a.labels = cJSON_CreateObject()) == NULL ||
	    (a.annotations = cJSON_CreateObject()) == NULL ||
	    (a.links = cJSON_CreateArray()) == NULL) {
		ret = inc_error__nomem(r->err);
		goto done;
	}
	if (sev != NULL)
		cJSON_AddStringToObject(a.labels, "severity", sev);
	for (size_t i = 0; i < 4; i++) {
		char *cut;
		if ((ret = string(&v, r, p, label_keys[i])) < 0)
			goto done;
		if (v == NULL)
			continue;
		if ((cut = inc_ingest__text(v, INC_TITLE_MAX, false)) == NULL) {
			ret = inc_error__nomem(r->err);
			goto done;
		}
		cJSON_AddStringToObject(a.labels, label_keys[i], cut);
		free(cut);
	}
	if ((ret = details(a.annotations, r,
	                   cJSON_GetObjectItemCaseSensitive(
	                           p, "custom_details"))) < 0 ||
	    (ret = read_links(a.links, r, root)) < 0)
		goto done;
	if ((ret = inc_store_config(&cfg, r->s, r->err)) < 0)
		goto done;
	svc_label = inc_config_get(cfg, "ingest.service-label");
	if (svc_label == NULL)
		svc_label = "service";
	a.title = summary;
	a.source = inc_json__str(a.labels, "source");
	g.title = summary;
	g.severity = sev;
	g.service = inc_json__str(a.annotations, svc_label);
	if (g.service == NULL)
		g.service = inc_json__str(a.labels, svc_label);
	g.labels = a.labels;
	if ((g.alerts = malloc(sizeof(a))) == NULL) {
		ret = inc_error__nomem(r->err);
		goto done;
	}
	g.alerts[0] = a;
	g.n = 1;
	memset(&a, 0, sizeof(a));
	ret = inc_ingest__group(r, &g);
done:
	inc_ingest__group_release(&g);
	cJSON_Delete(a.labels);
	cJSON_Delete(a.annotations);
	cJSON_Delete(a.links);
	return ret;
}
