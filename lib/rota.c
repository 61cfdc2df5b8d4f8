/*
 * On-call rotas: who is on call when, from config ([rota "db"]) and the
 * overrides, which are events of the scope rota:<name> (scope.c), so
 * they sync and are audited as the rest are.
 *
 * A rota hands off every N calendar days (every = 1d, 2w) at the same
 * local time in its zone, whatever daylight saving does to the UTC
 * time; any other length (12h, 90m) is elapsed time from the first
 * hand-off.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define MEMBERS_MAX 256
#define WHO_MAX 200
/*
 * inih keeps 49 bytes of a section header, so [rota "<name>"] is whole
 * up to a name of 42; one of 43 has lost its closing quote at least, and
 * a longer one is cut to 43 (two rotas would merge). Nor does it read
 * more than 199 bytes of a line: "\tmember = " and a member of 160 fit,
 * and a longer member is refused here if inih did not cut the line.
 */
#define ROTA_NAME_MAX 42
#define MEMBER_MAX 160
#define NAME_RULE                                                              \
	"letters, digits, '.', '_' and '-', starting with a letter or a "      \
	"digit, at most 42 bytes"

struct rota {
	char name[INC_NAME_MAX + 1];
	const char *members[MEMBERS_MAX];
	size_t nmembers;
	int y, mon, d; /* the first hand-off's local date */
	int hh, mm;    /* the hand-off's local time */
	int64_t days;  /* a shift in calendar days, or 0 */
	int64_t secs;  /* else in elapsed seconds */
	const char *zone;
};

/* ---- calendar days (Howard Hinnant's days_from_civil) ---- */

static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/* ---- config ---- */

static int
config_error(inc_error *err, const char *rota, const char *key,
             const char *what, const char *value)
{
	if (value == NULL)
		return inc_error_set(err, INC_ERROR,
		                     "config: rota.%s.%s is missing (%s)", rota,
		                     key, what);
	return inc_error_set(err, INC_ERROR,
	                     "config: rota.%s.%s: '%.60s' is not %s", rota, key,
	                     value, what);
}

static const char *
get(const inc_config *cfg, const char *rota, const char *key)
{
	char k[INC_NAME_MAX + 32];

	snprintf(k, sizeof(k), "rota.%s.%s", rota, key);
	return inc_config_get(cfg, k);
}

/* Whether cfg has a [rota "name"] section: any key rota.<name>.x. */
static bool
rota_exists(const inc_config *cfg, const char *name)
{
	size_t n = strlen(name);
	const char *k;

	for (size_t i = 0; (k = inc_config__key(cfg, i)) != NULL; i++)
		if (strncmp(k, "rota.", 5) == 0 &&
		    strncmp(k + 5, name, n) == 0 && k[5 + n] == '.' &&
		    strchr(k + 6 + n, '.') == NULL)
			return true;
	return false;
}

static bool
digits(const char *s, size_t n)
{
	return strspn(s, "0123456789") == n;
}

static int
parse_every(struct rota *r, const char *v)
{
	size_t n = strlen(v);
	int64_t secs;

	/* days or weeks, in either case (1D is a calendar day as 1d is),
	 * at most ten years as a duration is */
	if (n >= 2 && n <= 5 && digits(v, n - 1) &&
	    strchr("dDwW", v[n - 1]) != NULL) {
		r->days = strtoll(v, NULL, 10) *
		          (v[n - 1] == 'w' || v[n - 1] == 'W' ? 7 : 1);
		return r->days > 0 && r->days <= 3650 ? 0 : -1;
	}
	if (inc_duration_parse(&secs, v) < 0 || secs < 60 ||
	    secs > 3650 * 86400LL)
		return -1;
	r->secs = secs;
	return 0;
}

static int
rota_load(struct rota *r, const inc_config *cfg, const char *name,
          inc_error *err)
{
	const char *v;
	int y, mon, d;

	memset(r, 0, sizeof(*r));
	if ((!inc_scope__name_ok(name) || strlen(name) > ROTA_NAME_MAX) &&
	    rota_exists(cfg, name))
		return inc_error_set(err, INC_ERROR,
		                     "config: [rota \"%.64s\"]: not a rota "
		                     "name (%s)",
		                     name, NAME_RULE);
	if (!inc_scope__name_ok(name) || strlen(name) > ROTA_NAME_MAX ||
	    !rota_exists(cfg, name))
		return inc_error_set(err, INC_ENOTFOUND,
		                     "%.64s: no such rota in config ([rota "
		                     "\"%.64s\"])",
		                     name, name);
	snprintf(r->name, sizeof(r->name), "%s", name);
	{
		char k[INC_NAME_MAX + 32];
		snprintf(k, sizeof(k), "rota.%s.member", name);
		r->nmembers =
		        inc_config__get_all(cfg, k, r->members, MEMBERS_MAX);
		if (r->nmembers > MEMBERS_MAX)
			return inc_error_set(
			        err, INC_ERROR,
			        "config: rota.%s.member: more than "
			        "%d members",
			        name, MEMBERS_MAX);
		for (size_t i = 0; i < r->nmembers; i++)
			if (*r->members[i] == '\0' ||
			    strlen(r->members[i]) > MEMBER_MAX ||
			    strpbrk(r->members[i], "\r\n") != NULL ||
			    inc_text_check(r->members[i], WHO_MAX, "member",
			                   NULL) < 0)
				return config_error(
				        err, name, "member",
				        "a name of one line, at most "
				        "160 bytes",
				        r->members[i]);
	}
	v = get(cfg, name, "start");
	if (v == NULL || strlen(v) != 10 || !digits(v, 4) || v[4] != '-' ||
	    !digits(v + 5, 2) || v[7] != '-' || !digits(v + 8, 2) ||
	    sscanf(v, "%d-%d-%d", &r->y, &r->mon, &r->d) != 3 || r->y < 1970 ||
	    r->y > 9999 ||
	    (civil_from_days(days_from_civil(r->y, r->mon, r->d), &y, &mon, &d),
	     y != r->y || mon != r->mon || d != r->d))
		return config_error(
		        err, name, "start",
		        "the date of the first hand-off, YYYY-MM-DD", v);
	v = get(cfg, name, "handoff");
	if (v == NULL || strlen(v) != 5 || !digits(v, 2) || v[2] != ':' ||
	    !digits(v + 3, 2) || sscanf(v, "%d:%d", &r->hh, &r->mm) != 2 ||
	    r->hh > 23 || r->mm > 59)
		return config_error(err, name, "handoff",
		                    "the local time of the hand-off, HH:MM", v);
	v = get(cfg, name, "every");
	if (v == NULL || parse_every(r, v) < 0)
		return config_error(err, name, "every",
		                    "a shift's length: 1d, 1w, or a duration "
		                    "such as 12h",
		                    v);
	v = get(cfg, name, "timezone");
	if (v == NULL)
		return config_error(err, name, "timezone",
		                    "a zone of the tzdata, such as "
		                    "Europe/Berlin",
		                    v);
	if (!inc_tz__exists(v))
		return inc_error_set(
		        err, INC_ERROR,
		        "config: rota.%s.timezone: '%.60s' is not a "
		        "time zone of the system's tzdata",
		        name, v);
	r->zone = v;
	return 0;
}

/* The UTC time of the hand-off day days after the first. */
static int
handoff_at(int64_t *out, const struct rota *r, int64_t days, inc_error *err)
{
	int y, m, d;

	civil_from_days(days_from_civil(r->y, r->mon, r->d) + days, &y, &m, &d);
	if (inc_tz__utc(out, y, m, d, r->hh, r->mm, r->zone) < 0)
		return inc_error_set(
		        err, INC_EINVALID,
		        "rota %s: no hand-off time on %04d-%02d-%02d", r->name,
		        y, m, d);
	return 0;
}

/* The shift that holds at: its number (negative: before the first). */
static int
shift_at(int64_t *k, int64_t *since, int64_t *until, const struct rota *r,
         int64_t at, inc_error *err)
{
	int64_t first, start;
	struct tm tm;
	int ret;

	if ((ret = handoff_at(&first, r, 0, err)) < 0)
		return ret;
	if (r->days == 0) {
		*k = floor_div(at - first, r->secs);
		*since = first + *k * r->secs;
		*until = *since + r->secs;
		return 0;
	}
	if (inc_tz__local(&tm, at, r->zone) < 0)
		return inc_error_set(err, INC_EINVALID,
		                     "rota %s: a time out of "
		                     "range",
		                     r->name);
	start = days_from_civil(r->y, r->mon, r->d);
	*k = floor_div(
	        days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) -
	                start,
	        r->days);
	/* the local day holds the hand-off: before it, the shift before */
	for (int i = 0; i < 3; i++) {
		if ((ret = handoff_at(since, r, *k * r->days, err)) < 0 ||
		    (ret = handoff_at(until, r, (*k + 1) * r->days, err)) < 0)
			return ret;
		if (*since > at)
			(*k)--;
		else if (*until <= at)
			(*k)++;
		else
			break;
	}
	return 0;
}

/* ---- overrides: the events of scope rota:<name> ---- */

struct override {
	const inc_event *ev;
	const char *who;
	int64_t from, until;
	size_t order; /* in total order: a later one wins */
	bool removed;
};

struct overrides {
	inc_event_list *list;
	struct override *v;
	size_t n;
};

static void
overrides_free(struct overrides *o)
{
	inc_event_list_free(o->list);
	free(o->v);
	memset(o, 0, sizeof(*o));
}

static int
overrides_load(struct overrides *o, inc_store *s, const char *rota,
               inc_error *err)
{
	char scope[INC_SCOPE_MAX + 1];
	int ret;

	memset(o, 0, sizeof(*o));
	if (s == NULL)
		return 0;
	snprintf(scope, sizeof(scope), "rota:%s", rota);
	if ((ret = inc_event__load(&o->list, s, scope, err)) < 0)
		return ret;
	if (o->list->n > 0 &&
	    (o->v = calloc(o->list->n, sizeof(*o->v))) == NULL) {
		overrides_free(o);
		return inc_error__nomem(err);
	}
	for (size_t i = 0; i < o->list->n; i++) {
		const inc_event *ev = &o->list->events[i];
		struct override *x = &o->v[o->n];

		/* what this version cannot read whole is left out */
		if (strcmp(ev->kind, "override_added") != 0 ||
		    !inc_kind__known(ev))
			continue;
		x->ev = ev;
		x->who = inc_json__str(ev->payload, "who");
		x->order = i;
		if (x->who == NULL ||
		    inc_time_from_rfc3339(
		            &x->from, inc_json__str(ev->payload, "from")) < 0 ||
		    inc_time_from_rfc3339(
		            &x->until, inc_json__str(ev->payload, "until")) < 0)
			continue;
		o->n++;
	}
	for (size_t i = 0; i < o->list->n; i++) {
		const inc_event *ev = &o->list->events[i];
		const char *id = inc_json__str(ev->payload, "override");

		if (strcmp(ev->kind, "override_removed") != 0 || id == NULL ||
		    !inc_kind__known(ev))
			continue;
		for (size_t j = 0; j < o->n; j++)
			if (strcmp(o->v[j].ev->id, id) == 0)
				o->v[j].removed = true;
	}
	return 0;
}

int
inc_oncall_config(inc_oncall *out, const inc_config *cfg, inc_store *s,
                  const char *name, int64_t at, inc_error *err)
{
	struct overrides ov;
	struct rota r;
	const struct override *best = NULL;
	int64_t k = -1, since = 0, until = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	if ((ret = rota_load(&r, cfg, name, err)) < 0 ||
	    (ret = shift_at(&k, &since, &until, &r, at, err)) < 0)
		return ret;
	snprintf(out->rota, sizeof(out->rota), "%s", name);
	if (k >= 0 && r.nmembers > 0)
		snprintf(out->who, sizeof(out->who), "%s",
		         r.members[k % (int64_t)r.nmembers]);
	if (k < 0) {
		/* before the first hand-off: no one yet, since no time (0 is
		 * a time, 1970-01-01T00:00Z, when a rota may start) */
		ret = handoff_at(&until, &r, 0, err);
		since = INT64_MIN;
		if (ret < 0)
			return ret;
	}
	if ((ret = overrides_load(&ov, s, name, err)) < 0)
		return ret;
	for (size_t i = 0; i < ov.n; i++)
		if (!ov.v[i].removed && ov.v[i].from <= at &&
		    at < ov.v[i].until)
			best = &ov.v[i]; /* in total order: the latest wins */
	if (best != NULL) {
		snprintf(out->who, sizeof(out->who), "%s", best->who);
		since = best->from;
		until = best->until;
		out->overridden = true;
	}
	/* a later override that starts first ends this one's time */
	for (size_t i = 0; i < ov.n; i++) {
		const struct override *x = &ov.v[i];
		if (!x->removed && x->from > at && x->from < until &&
		    (best == NULL || x->order > best->order))
			until = x->from;
	}
	out->since = since;
	out->until = until;
	overrides_free(&ov);
	if (until > INC_TIME_MAX)
		return inc_error_set(err, INC_ERROR,
		                     "rota %s: its next hand-off is after the "
		                     "year 9999",
		                     name);
	return 0;
}

int
inc_oncall_at(inc_oncall *out, inc_store *s, const char *rota, int64_t at,
              inc_error *err)
{
	const inc_config *cfg;
	int ret;

	if ((ret = inc_store_config(&cfg, s, err)) < 0)
		return ret;
	return inc_oncall_config(out, cfg, s, rota, at, err);
}

int
inc_rota_names(inc_strarray *out, const inc_config *cfg, inc_error *err)
{
	const char *k;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; (k = inc_config__key(cfg, i)) != NULL; i++) {
		const char *dot = strrchr(k, '.');
		size_t n, j;

		if (strncmp(k, "rota.", 5) != 0 || dot == k + 4 ||
		    (n = (size_t)(dot - k - 5)) == 0)
			continue;
		for (j = 0; j < out->count; j++)
			if (strlen(out->strings[j]) == n &&
			    strncmp(out->strings[j], k + 5, n) == 0)
				break;
		if (j < out->count)
			continue;
		if (out->count == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			char **v = realloc(out->strings, ncap * sizeof(*v));
			if (v == NULL)
				goto nomem;
			out->strings = v;
			cap = ncap;
		}
		if ((out->strings[out->count] = malloc(n + 1)) == NULL)
			goto nomem;
		memcpy(out->strings[out->count], k + 5, n);
		out->strings[out->count++][n] = '\0';
	}
	return 0;
nomem:
	inc_strarray_dispose(out);
	return inc_error__nomem(err);
}

const char *
inc_rota_zone(const inc_config *cfg, const char *rota)
{
	return get(cfg, rota, "timezone");
}

/* ---- writing overrides ---- */

static int
append_scope_event(char id[65], inc_store *s, const char *rota,
                   const char *kind, cJSON *payload, inc_error *err)
{
	inc_event ev = {0};
	int64_t now = inc_time_now();
	int ret;

	snprintf(ev.incident, sizeof(ev.incident), "rota:%s", rota);
	snprintf(ev.kind, sizeof(ev.kind), "%s", kind);
	snprintf(ev.replica, sizeof(ev.replica), "%s", s->replica);
	ev.at = now;
	ev.recorded_at = now;
	ev.actor = s->actor != NULL ? s->actor : "unknown";
	ev.payload = payload;
	if ((ret = inc_store__begin(s, err)) < 0)
		return ret;
	if ((ret = inc_store__append(s, &ev, err)) < 0 ||
	    (ret = inc_store__commit(s, err)) < 0) {
		inc_store__rollback(s);
		return ret;
	}
	snprintf(id, 65, "%s", ev.id);
	return 0;
}

static int
rota_check(inc_store *s, const char *rota, inc_error *err)
{
	const inc_config *cfg;
	struct rota r;
	int ret;

	if ((ret = inc_store_config(&cfg, s, err)) < 0)
		return ret;
	return rota_load(&r, cfg, rota, err);
}

static void
add_time(cJSON *p, const char *key, int64_t t)
{
	char buf[32];

	cJSON_AddStringToObject(p, key, inc_time_rfc3339(buf, sizeof(buf), t));
}

int
inc_override_add(char id[65], inc_store *s, const char *rota, const char *who,
                 int64_t from, int64_t until, const char *reason,
                 inc_error *err)
{
	cJSON *p;
	int ret;

	if ((ret = rota_check(s, rota, err)) < 0)
		return ret;
	if (who == NULL || who[strspn(who, " \t")] == '\0' ||
	    strpbrk(who, "\r\n") != NULL || strlen(who) > WHO_MAX)
		return inc_error_set(err, INC_EINVALID,
		                     "who: not a name (one line, at most %d "
		                     "bytes)",
		                     WHO_MAX);
	if (until <= from)
		return inc_error_set(err, INC_EINVALID,
		                     "--until must be after --from");
	if (from < 0 || until > INC_TIME_MAX)
		return inc_error_set(err, INC_EINVALID, "a time out of range");
	if ((p = cJSON_CreateObject()) == NULL)
		return inc_error__nomem(err);
	cJSON_AddStringToObject(p, "rota", rota);
	cJSON_AddStringToObject(p, "who", who);
	add_time(p, "from", from);
	add_time(p, "until", until);
	if (reason != NULL && *reason != '\0')
		cJSON_AddStringToObject(p, "reason", reason);
	ret = append_scope_event(id, s, rota, "override_added", p, err);
	cJSON_Delete(p);
	return ret;
}

int
inc_override_remove(char id[65], inc_store *s, const char *rota,
                    const char *prefix, inc_error *err)
{
	struct overrides ov;
	const struct override *found = NULL;
	char want[65];
	size_t n = strlen(prefix);
	cJSON *p;
	int ret;

	if ((ret = rota_check(s, rota, err)) < 0)
		return ret;
	if (n < 4 || n > 64)
		return inc_error_set(err, INC_EINVALID,
		                     "%.70s: not an override id (4 to 64 "
		                     "hexadecimal digits)",
		                     prefix);
	for (size_t i = 0; i <= n; i++)
		want[i] = (char)(prefix[i] >= 'A' && prefix[i] <= 'F'
		                         ? prefix[i] - 'A' + 'a'
		                         : prefix[i]);
	if (strspn(want, "0123456789abcdef") != n)
		return inc_error_set(err, INC_EINVALID,
		                     "%.70s: not an override id (hexadecimal "
		                     "digits)",
		                     prefix);
	if ((ret = overrides_load(&ov, s, rota, err)) < 0)
		return ret;
	for (size_t i = 0; i < ov.n; i++) {
		if (strncmp(ov.v[i].ev->id, want, n) != 0)
			continue;
		if (found != NULL) {
			overrides_free(&ov);
			return inc_error_set(err, INC_EAMBIGUOUS,
			                     "%s: several overrides of rota %s "
			                     "start so",
			                     want, rota);
		}
		found = &ov.v[i];
	}
	if (found == NULL)
		ret = inc_error_set(err, INC_ENOTFOUND,
		                    "%s: no such override of rota %s", want,
		                    rota);
	else if (found->removed)
		ret = inc_error_set(
		        err, INC_EREFUSED,
		        "%.8s: that override of rota %s was removed "
		        "already",
		        found->ev->id, rota);
	if (ret < 0) {
		overrides_free(&ov);
		return ret;
	}
	snprintf(id, 65, "%s", found->ev->id);
	overrides_free(&ov);
	if ((p = cJSON_CreateObject()) == NULL)
		return inc_error__nomem(err);
	cJSON_AddStringToObject(p, "override", id);
	ret = append_scope_event(want, s, rota, "override_removed", p, err);
	cJSON_Delete(p);
	return ret;
}

/* The shortest prefix of v[i]'s id, at least 8, that no other one has. */
static size_t
short_len(const struct overrides *o, size_t i)
{
	size_t len = 8;

	for (size_t j = 0; j < o->n; j++) {
		size_t c = 0;
		if (j == i)
			continue;
		while (c < INC_EVENT_ID_LEN &&
		       o->v[i].ev->id[c] == o->v[j].ev->id[c])
			c++;
		if (c + 1 > len)
			len = c + 1;
	}
	return len > INC_EVENT_ID_LEN ? INC_EVENT_ID_LEN : len;
}

static int
by_from(const void *a, const void *b)
{
	const struct override *x = a, *y = b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

int
inc_override_list_json(char **out, inc_store *s, const char *rota,
                       inc_error *err)
{
	struct overrides ov;
	cJSON *arr;
	char buf[32];
	int ret;

	*out = NULL;
	if ((ret = rota_check(s, rota, err)) < 0 ||
	    (ret = overrides_load(&ov, s, rota, err)) < 0)
		return ret;
	if ((arr = cJSON_CreateArray()) == NULL) {
		overrides_free(&ov);
		return inc_error__nomem(err);
	}
	if (ov.n > 1)
		qsort(ov.v, ov.n, sizeof(*ov.v), by_from);
	for (size_t i = 0; i < ov.n; i++) {
		const struct override *x = &ov.v[i];
		const char *reason = inc_json__str(x->ev->payload, "reason");
		cJSON *o = cJSON_CreateObject();
		size_t n = short_len(&ov, i);

		if (o == NULL)
			break;
		cJSON_AddStringToObject(o, "id", x->ev->id);
		snprintf(buf, sizeof(buf), "%.*s", (int)n, x->ev->id);
		cJSON_AddStringToObject(o, "short_id",
		                        n < sizeof(buf) ? buf : x->ev->id);
		cJSON_AddStringToObject(o, "rota", rota);
		cJSON_AddStringToObject(o, "who", x->who);
		add_time(o, "from", x->from);
		add_time(o, "until", x->until);
		if (reason != NULL)
			cJSON_AddStringToObject(o, "reason", reason);
		else
			cJSON_AddNullToObject(o, "reason");
		cJSON_AddStringToObject(o, "actor", x->ev->actor);
		add_time(o, "recorded_at", x->ev->recorded_at);
		cJSON_AddBoolToObject(o, "removed", x->removed);
		cJSON_AddItemToArray(arr, o);
	}
	*out = cJSON_PrintUnformatted(arr);
	cJSON_Delete(arr);
	overrides_free(&ov);
	return *out != NULL ? 0 : inc_error__nomem(err);
}

char *
inc_time_in_zone(char *buf, size_t len, int64_t t, const char *zone)
{
	char abbr[16], day[32];
	struct tm tm;

	if (zone == NULL ||
	    inc_tz__abbrev(&tm, abbr, sizeof(abbr), t, zone) < 0) {
		time_t tt = (time_t)t;
		gmtime_r(&tt, &tm);
		snprintf(abbr, sizeof(abbr), "UTC");
	}
	strftime(day, sizeof(day), "%Y-%m-%d %H:%M", &tm);
	snprintf(buf, len, "%s %s", day, abbr);
	return buf;
}
