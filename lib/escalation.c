/*
 * Escalation policies (config) and paging: which level an incident is
 * at, which targets the next one pages, and when it is due.
 *
 *	[escalation "default"]
 *		level = rota:db            ; level 1, 2, 3 in file order
 *		level = db-lead, channel:ops
 *		level = eng-manager
 *		timeout = 15m              ; one for all, or one per level
 *		repeat = 1                 ; more passes over the levels
 *	[service "db"]
 *		escalation = default
 *
 * The level only rises. On a repeat pass level L pages the targets of
 * step ((L - 1) mod nlevels) + 1; the top is nlevels x (1 + repeat). A
 * rota target is resolved with inc_oncall_at() when the page is sent;
 * what was paged is recorded in the escalated event, so the fold (which
 * never reads config) knows who was paged. Without a policy levels are
 * unbounded, as before policies existed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"

#define DEFAULT_TIMEOUT (15 * 60)
#define PERSON_MAX 200

int
inc_escalation__step(int level, int nlevels)
{
	if (level < 1 || nlevels < 1)
		return 0;
	return ((level - 1) % nlevels) + 1;
}

int
inc_escalation__top(const struct inc_policy *p)
{
	return (int)p->nlevels * (1 + p->repeat);
}

int64_t
inc_escalation__timeout(const struct inc_policy *p, int level)
{
	int step = inc_escalation__step(level, (int)p->nlevels);

	return step > 0 ? p->timeouts[step - 1] : DEFAULT_TIMEOUT;
}

/* The next word of a list separated by commas and blanks; NULL at the end. */
static const char *
next_word(const char **p, size_t *len)
{
	const char *w = *p + strspn(*p, ", \t");

	if (*w == '\0')
		return NULL;
	*len = strcspn(w, ", \t");
	*p = w + *len;
	return w;
}

int
inc_escalation__timeouts(int64_t *out, size_t nlevels,
                         const char *const *values, size_t nvalues,
                         const char **bad)
{
	int64_t last = DEFAULT_TIMEOUT;
	size_t n = 0;

	*bad = NULL;
	for (size_t i = 0; i < nvalues; i++) {
		const char *p = values[i], *w;
		size_t len;
		bool any = false;

		while ((w = next_word(&p, &len)) != NULL) {
			char buf[32];
			int64_t secs;

			any = true;
			if (len >= sizeof(buf)) {
				*bad = values[i];
				return INC_EINVALID;
			}
			memcpy(buf, w, len);
			buf[len] = '\0';
			if (inc_duration_parse(&secs, buf) < 0 || secs <= 0 ||
			    secs > 366LL * 86400) {
				*bad = values[i];
				return INC_EINVALID;
			}
			last = secs;
			if (n < nlevels)
				out[n++] = secs;
		}
		if (!any) {
			*bad = values[i];
			return INC_EINVALID;
		}
	}
	while (n < nlevels)
		out[n++] = last;
	return 0;
}

static bool
name_ok(const char *name, size_t len)
{
	static const char allowed[] = "abcdefghijklmnopqrstuvwxyz"
	                              "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                              "0123456789._-";
	size_t i;

	if (len == 0 || len > INC_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (name[i] == '\0' || strchr(allowed, name[i]) == NULL)
			return false;
	return true;
}

/* A person, rota:NAME or channel:NAME; 0 or INC_ERROR naming the key. */
static int
check_target(const char *w, size_t len, const char *policy, inc_error *err)
{
	const char *colon = memchr(w, ':', len);
	char buf[PERSON_MAX + 1];

	if (colon == NULL) {
		if (len > PERSON_MAX)
			return inc_error_set(err, INC_ERROR,
			                     "config escalation.%s.level: a "
			                     "target longer than %d bytes",
			                     policy, PERSON_MAX);
		memcpy(buf, w, len);
		buf[len] = '\0';
		if (inc_text_check(buf, PERSON_MAX, "a target", NULL) < 0)
			return inc_error_set(err, INC_ERROR,
			                     "config escalation.%s.level: a "
			                     "target that is not UTF-8",
			                     policy);
		return 0;
	}
	if (((colon - w == 4 && strncmp(w, "rota", 4) == 0) ||
	     (colon - w == 7 && strncmp(w, "channel", 7) == 0)) &&
	    name_ok(colon + 1, len - (size_t)(colon - w) - 1))
		return 0;
	return inc_error_set(err, INC_ERROR,
	                     "config escalation.%s.level: '%.*s' is not a "
	                     "person, rota:NAME or channel:NAME",
	                     policy, (int)(len > 80 ? 80 : len), w);
}

int
inc_escalation__policy(struct inc_policy *out, bool *found, inc_store *s,
                       const char *name, inc_error *err)
{
	const inc_config *cfg = NULL;
	const char *values[INC_POLICY_LEVELS_MAX], *v, *bad;
	char key[INC_NAME_MAX + 32];
	size_t n;
	int ret;

	memset(out, 0, sizeof(*out));
	*found = false;
	if (!name_ok(name, strlen(name)))
		return 0;
	if ((ret = inc_store_config(&cfg, s, err)) < 0)
		return ret;
	snprintf(out->name, sizeof(out->name), "%s", name);
	snprintf(key, sizeof(key), "escalation.%s.level", name);
	n = inc_config__get_all(cfg, key, out->levels, INC_POLICY_LEVELS_MAX);
	if (n == 0) {
		snprintf(key, sizeof(key), "escalation.%s.", name);
		if (inc_config__has_prefix(cfg, key))
			return inc_error_set(err, INC_ERROR,
			                     "config escalation.%s.level: the "
			                     "policy has no levels",
			                     name);
		return 0;
	}
	if (n > INC_POLICY_LEVELS_MAX)
		return inc_error_set(err, INC_ERROR,
		                     "config escalation.%s.level: more than %d "
		                     "levels",
		                     name, INC_POLICY_LEVELS_MAX);
	out->nlevels = n;
	for (size_t i = 0; i < n; i++) {
		const char *p = out->levels[i], *w;
		size_t len, count = 0;

		while ((w = next_word(&p, &len)) != NULL) {
			if ((ret = check_target(w, len, name, err)) < 0)
				return ret;
			count++;
		}
		if (count == 0)
			return inc_error_set(
			        err, INC_ERROR,
			        "config escalation.%s.level: level "
			        "%zu has no targets",
			        name, i + 1);
	}
	snprintf(key, sizeof(key), "escalation.%s.timeout", name);
	n = inc_config__get_all(cfg, key, values, INC_POLICY_LEVELS_MAX);
	if (inc_escalation__timeouts(
	            out->timeouts, out->nlevels, values,
	            n < INC_POLICY_LEVELS_MAX ? n : INC_POLICY_LEVELS_MAX,
	            &bad) < 0)
		return inc_error_set(err, INC_ERROR,
		                     "config escalation.%s.timeout = '%.40s': "
		                     "not a duration above zero (like 15m, 1h)",
		                     name, bad);
	snprintf(key, sizeof(key), "escalation.%s.repeat", name);
	if ((v = inc_config_get(cfg, key)) != NULL) {
		char *end = NULL;
		long r;

		errno = 0;
		r = (*v >= '0' && *v <= '9') ? strtol(v, &end, 10) : -1;
		if (end == NULL || *end != '\0' || errno != 0 || r < 0 ||
		    r > INC_POLICY_REPEAT_MAX)
			return inc_error_set(
			        err, INC_ERROR,
			        "config escalation.%s.repeat = "
			        "'%.40s': not a whole number from 0 "
			        "to %d",
			        name, v, INC_POLICY_REPEAT_MAX);
		out->repeat = (int)r;
	}
	*found = true;
	return 0;
}

static const cJSON *
member(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/*
 * Every [escalation "NAME"] section is a policy that can be named: one
 * whose name is not a policy name ("a/b") is an error naming it, never
 * silently ignored.
 */
static int
check_sections(const inc_config *cfg, inc_error *err)
{
	static const char prefix[] = "escalation.";
	const char *k, *name, *dot;

	for (size_t i = 0; (k = inc_config__key(cfg, i)) != NULL; i++) {
		if (strncmp(k, prefix, sizeof(prefix) - 1) != 0)
			continue;
		name = k + sizeof(prefix) - 1;
		if ((dot = strrchr(name, '.')) == NULL)
			continue;
		if (!name_ok(name, (size_t)(dot - name)))
			return inc_error_set(
			        err, INC_ERROR,
			        "config [escalation \"%.*s\"]: not a policy "
			        "name "
			        "(letters, digits, '.', '_' and '-', at most "
			        "%d "
			        "bytes)",
			        (int)(dot - name > 80 ? 80 : dot - name), name,
			        INC_NAME_MAX);
	}
	return 0;
}

/*
 * A section that differs from name only in case ([escalation "Default"]
 * when "default" is looked up): said, not silently ignored. Names of
 * policies are case-sensitive, like those of rotas.
 */
static int
check_case(const inc_config *cfg, const char *name, inc_error *err)
{
	static const char prefix[] = "escalation.";
	size_t len = strlen(name);
	const char *k, *sub;

	for (size_t i = 0; (k = inc_config__key(cfg, i)) != NULL; i++) {
		if (strncmp(k, prefix, sizeof(prefix) - 1) != 0)
			continue;
		sub = k + sizeof(prefix) - 1;
		if (strncasecmp(sub, name, len) == 0 && sub[len] == '.' &&
		    strncmp(sub, name, len) != 0)
			return inc_error_set(
			        err, INC_ERROR,
			        "config [escalation \"%.*s\"]: policy names "
			        "are "
			        "case-sensitive: the policy looked up is '%s'",
			        (int)len, sub, name);
	}
	return 0;
}

/*
 * The policy service svc names: service.SVC.escalation, the service's
 * name matched in any case (as runbooks match services); the exact
 * spelling wins when both are there.
 */
static const char *
service_policy(const inc_config *cfg, const char *svc, char *key, size_t len)
{
	static const char prefix[] = "service.", suffix[] = ".escalation";
	size_t n = strlen(svc);
	const char *k, *v;

	snprintf(key, len, "service.%s.escalation", svc);
	if ((v = inc_config_get(cfg, key)) != NULL)
		return v;
	for (size_t i = 0; (k = inc_config__key(cfg, i)) != NULL; i++) {
		if (strncmp(k, prefix, sizeof(prefix) - 1) != 0 ||
		    strlen(k) != sizeof(prefix) - 1 + n + sizeof(suffix) - 1 ||
		    strncasecmp(k + sizeof(prefix) - 1, svc, n) != 0 ||
		    strcmp(k + sizeof(prefix) - 1 + n, suffix) != 0)
			continue;
		snprintf(key, len, "%s", k);
		return inc_config_get(cfg, k);
	}
	return NULL;
}

int
inc_escalation__policy_of(struct inc_policy *out, bool *found, inc_store *s,
                          const cJSON *doc, inc_error *err)
{
	const char *recorded =
	        inc_json__str(member(doc, "escalation"), "policy");
	const inc_config *cfg = NULL;
	const cJSON *svc;
	int ret;

	*found = false;
	if ((ret = inc_store_config(&cfg, s, err)) < 0 ||
	    (ret = check_sections(cfg, err)) < 0)
		return ret;
	if (recorded != NULL &&
	    ((ret = inc_escalation__policy(out, found, s, recorded, err)) < 0 ||
	     *found))
		return ret;
	cJSON_ArrayForEach (svc, member(doc, "services")) {
		char key[256];
		const char *name;

		if (!cJSON_IsString(svc) ||
		    strlen(svc->valuestring) > sizeof(key) - 32)
			continue;
		if ((name = service_policy(cfg, svc->valuestring, key,
		                           sizeof(key))) == NULL)
			continue;
		if ((ret = inc_escalation__policy(out, found, s, name, err)) <
		    0)
			return ret;
		if (!*found && (ret = check_case(cfg, name, err)) < 0)
			return ret;
		if (!*found)
			return inc_error_set(err, INC_ERROR,
			                     "config %s: no escalation policy "
			                     "'%.64s'",
			                     key, name);
		return 0;
	}
	if ((ret = inc_escalation__policy(out, found, s, "default", err)) < 0 ||
	    *found)
		return ret;
	return check_case(cfg, "default", err);
}

static bool
has_string(const cJSON *arr, const char *v)
{
	const cJSON *x;

	cJSON_ArrayForEach (x, arr)
		if (cJSON_IsString(x) && strcmp(x->valuestring, v) == 0)
			return true;
	return false;
}

static int
add_unique(cJSON *arr, const char *v, inc_error *err)
{
	cJSON *item;

	if (has_string(arr, v))
		return 0;
	if ((item = cJSON_CreateString(v)) == NULL)
		return inc_error__nomem(err);
	cJSON_AddItemToArray(arr, item);
	return 0;
}

/* The targets of step, and whom they page at time at. */
static int
page_step(cJSON *targets, cJSON *paged, inc_store *s,
          const struct inc_policy *pol, int step, int64_t at, inc_error *err)
{
	const char *p = pol->levels[step - 1], *w;
	size_t len;
	int ret;

	while ((w = next_word(&p, &len)) != NULL) {
		char target[PERSON_MAX + 1];
		inc_oncall oc;

		snprintf(target, sizeof(target), "%.*s", (int)len, w);
		if ((ret = add_unique(targets, target, err)) < 0)
			return ret;
		if (strncmp(target, "rota:", 5) != 0) {
			if ((ret = add_unique(paged, target, err)) < 0)
				return ret;
			continue;
		}
		ret = inc_oncall_at(&oc, s, target + 5, at, err);
		if (ret == INC_ENOTFOUND)
			return inc_error_set(err, INC_ERROR,
			                     "config escalation.%s.level: no "
			                     "rota '%s'",
			                     pol->name, target + 5);
		if (ret < 0)
			return ret;
		/* an empty rota pages no one */
		if (oc.who[0] != '\0' &&
		    (ret = add_unique(paged, oc.who, err)) < 0)
			return ret;
	}
	return 0;
}

int
inc_escalation__build(cJSON *p, inc_store *s, const cJSON *doc,
                      const char *short_id, const char *to, int64_t at,
                      inc_error *err)
{
	int cur = inc_doc__int(doc, "escalation_level"), level, top, step;
	struct inc_policy pol;
	cJSON *targets, *paged;
	bool found = false;
	int ret;

	if ((ret = inc_escalation__policy_of(&pol, &found, s, doc, err)) < 0)
		return ret;
	if (!found || (to != NULL && *to != '\0')) {
		/* by hand: without a policy one level up, as always; with
		 * one the page is extra and the policy's level stays */
		level = found ? cur : cur + 1;
		cJSON_AddNumberToObject(p, "level", level);
		if (to != NULL && *to != '\0')
			cJSON_AddStringToObject(p, "to", to);
		/* without a policy the payload is what it always was: the
		 * page goes to "to" (inc_escalation__after) */
		if (!found)
			return 0;
		cJSON_AddStringToObject(p, "policy", pol.name);
		if (to != NULL && *to != '\0') {
			if ((paged = cJSON_AddArrayToObject(p, "paged")) ==
			            NULL ||
			    add_unique(paged, to, err) < 0)
				return inc_error__nomem(err);
		}
		return 0;
	}
	top = inc_escalation__top(&pol);
	if (cur >= top)
		return inc_error_set(err, INC_EREFUSED,
		                     "%s: at the top of escalation policy '%s' "
		                     "(level %d of %d); page someone by hand "
		                     "with --to",
		                     short_id, pol.name, cur, top);
	level = cur + 1;
	step = inc_escalation__step(level, (int)pol.nlevels);
	cJSON_AddNumberToObject(p, "level", level);
	cJSON_AddStringToObject(p, "policy", pol.name);
	cJSON_AddNumberToObject(p, "step", step);
	if ((targets = cJSON_AddArrayToObject(p, "targets")) == NULL ||
	    (paged = cJSON_AddArrayToObject(p, "paged")) == NULL)
		return inc_error__nomem(err);
	return page_step(targets, paged, s, &pol, step, at, err);
}

int
inc_escalation__after(inc_store *s, const inc_event *ev, inc_error *err)
{
	const cJSON *v;
	int ret;

	if (strcmp(ev->kind, "update_due") == 0)
		return inc_hooks__enqueue(s, ev, "update-due", NULL, err);
	if (strcmp(ev->kind, "escalated") != 0)
		return 0;
	/* by hand without a policy: the one it went to */
	if (member(ev->payload, "paged") == NULL &&
	    inc_json__str(ev->payload, "to") != NULL)
		return inc_hooks__enqueue(
		        s, ev, "notify", inc_json__str(ev->payload, "to"), err);
	cJSON_ArrayForEach (v, member(ev->payload, "paged")) {
		if (cJSON_IsString(v) &&
		    (ret = inc_hooks__enqueue(s, ev, "notify", v->valuestring,
		                              err)) < 0)
			return ret;
	}
	return 0;
}

int64_t
inc_escalation__next_at(inc_store *s, const cJSON *doc,
                        const struct inc_policy *p)
{
	const cJSON *e = member(doc, "escalation");
	int level = inc_doc__int(doc, "escalation_level");
	int64_t since;

	(void)s;
	/* a maintenance window's incident is never paged */
	if (cJSON_IsTrue(member(doc, "maintenance")))
		return 0;
	if (p == NULL || p->nlevels == 0 ||
	    strcmp(inc_json__str(doc, "status") != NULL
	                   ? inc_json__str(doc, "status")
	                   : "",
	           "open") != 0 ||
	    level >= inc_escalation__top(p))
		return 0;
	/* never paged (opened before the policy): level 1 is due now */
	if (level == 0)
		return inc_doc__time(doc, "opened_at");
	since = inc_doc__time(e, "escalated_at");
	if (since == 0)
		since = inc_doc__time(doc, "opened_at");
	return since + inc_escalation__timeout(p, level);
}

/* The members of "escalation" that depend on config: top and next_at. */
int
inc_escalation__json(cJSON *o, inc_store *s, const cJSON *doc)
{
	cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "escalation");
	struct inc_policy pol;
	bool found = false;
	int64_t next = 0;
	char buf[32];

	if (!cJSON_IsObject(e))
		return 0;
	/* a bad config is said by the commands that page; a reader shows
	 * what it can */
	if (inc_escalation__policy_of(&pol, &found, s, doc, NULL) < 0)
		found = false;
	if (found) {
		cJSON_AddNumberToObject(e, "top", inc_escalation__top(&pol));
		next = inc_escalation__next_at(s, doc, &pol);
	} else {
		cJSON_AddNullToObject(e, "top");
	}
	if (next != 0)
		cJSON_AddStringToObject(
		        e, "next_at", inc_time_rfc3339(buf, sizeof(buf), next));
	else
		cJSON_AddNullToObject(e, "next_at");
	return 0;
}

bool
inc_escalation_configured(inc_store *s)
{
	const inc_config *cfg = NULL;

	if (inc_store_config(&cfg, s, NULL) < 0)
		return false;
	return inc_config__has_prefix(cfg, "escalation.");
}

int
inc_escalation_brief(char *out, size_t len, inc_store *s, const char *id,
                     int64_t now, inc_error *err)
{
	static const char sql[] = "SELECT doc FROM incidents WHERE id = ?";
	struct inc_policy pol;
	const cJSON *v, *e;
	sqlite3_stmt *st;
	cJSON *doc = NULL;
	bool found = false;
	int64_t next;
	size_t n;
	int rc, ret, top;

	out[0] = '\0';
	if ((ret = inc_store__cached(&st, s, sql, err)) < 0)
		return ret;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		doc = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return inc_error__sqlite(err, s->db, rc, "read incident");
	if (doc == NULL)
		return 0;
	if (inc_escalation__policy_of(&pol, &found, s, doc, NULL) < 0 ||
	    !found ||
	    strcmp(inc_json__str(doc, "status") != NULL
	                   ? inc_json__str(doc, "status")
	                   : "",
	           "open") != 0)
		goto done;
	top = inc_escalation__top(&pol);
	n = (size_t)snprintf(out, len, "L%d/%d",
	                     inc_doc__int(doc, "escalation_level"), top);
	e = member(doc, "escalation");
	cJSON_ArrayForEach (v, member(e, "paged")) {
		if (n < len && cJSON_IsString(v))
			n += (size_t)snprintf(
			        out + n, len - n, "%s%s",
			        v == member(e, "paged")->child ? " " : ",",
			        v->valuestring);
	}
	next = inc_escalation__next_at(s, doc, &pol);
	if (n < len && next == 0)
		snprintf(out + n, len - n, ", top");
	else if (n < len && next <= now)
		snprintf(out + n, len - n, ", due now");
	else if (n < len) {
		char buf[32];
		snprintf(out + n, len - n, ", next %s",
		         inc_duration_format(buf, sizeof(buf), next - now));
	}
done:
	cJSON_Delete(doc);
	return 0;
}
