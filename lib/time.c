#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "internal.h"

int64_t
inc_time_now(void)
{
	return (int64_t)time(NULL);
}

char *
inc_time_rfc3339(char *buf, size_t len, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "%s", "?");
	return buf;
}

static bool
days_valid(int y, int mon, int d)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30,
	                            31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1970 || y > 9999 || mon < 1 || mon > 12 || d < 1)
		return false;
	return d <= mdays[mon - 1] + (mon == 2 ? leap : 0);
}

static bool
clock_valid(int h, int mi, int s)
{
	return h >= 0 && h < 24 && mi >= 0 && mi < 60 && s >= 0 && s <= 60;
}

/* Reads exactly n digits at *p into *out. */
static bool
digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

/* HH:MM[:SS] at *p; advances it. */
static bool
clock_part(const char **p, int *h, int *mi, int *s)
{
	*s = 0;
	if (!digits(p, 2, h) || **p != ':')
		return false;
	(*p)++;
	if (!digits(p, 2, mi))
		return false;
	if (**p == ':') {
		(*p)++;
		if (!digits(p, 2, s))
			return false;
	}
	return clock_valid(*h, *mi, *s);
}

static int64_t
local_time(int y, int mon, int d, int h, int mi, int s, bool *ok)
{
	struct tm tm = {0};
	time_t t;

	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	*ok = t != (time_t)-1;
	return (int64_t)t;
}

static int64_t
utc_time(int y, int mon, int d, int h, int mi, int s)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	return (int64_t)timegm(&tm);
}

/*
 * YYYY-MM-DD, then optionally [T ]HH:MM[:SS][.frac][Z|±HH:MM]. Without a
 * zone the time is local; with one it is exact (RFC 3339).
 */
static bool
parse_date(int64_t *out, const char *p, bool need_zone)
{
	int y, mon, d, h = 0, mi = 0, s = 0, oh, om, sign;
	bool ok = true, has_clock = false;

	if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mon) ||
	    *p++ != '-' || !digits(&p, 2, &d) || !days_valid(y, mon, d))
		return false;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (!clock_part(&p, &h, &mi, &s))
			return false;
		has_clock = true;
		if (*p == '.') {
			p++;
			if (!isdigit((unsigned char)*p))
				return false;
			while (isdigit((unsigned char)*p))
				p++;
		}
	}
	if (*p == 'Z' || *p == 'z') {
		if (!has_clock || p[1] != '\0')
			return false;
		*out = utc_time(y, mon, d, h, mi, s);
		return true;
	}
	if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (!has_clock || !digits(&p, 2, &oh) || *p++ != ':' ||
		    !digits(&p, 2, &om) || *p != '\0' || oh > 23 || om > 59)
			return false;
		*out = utc_time(y, mon, d, h, mi, s) -
		       sign * (int64_t)(oh * 3600 + om * 60);
		return true;
	}
	if (*p != '\0' || need_zone)
		return false;
	*out = local_time(y, mon, d, h, mi, s, &ok);
	return ok;
}

int
inc_time_from_rfc3339(int64_t *out, const char *text)
{
	if (text == NULL || !parse_date(out, text, true))
		return -1;
	return 0;
}

/* Epoch seconds, or milliseconds above 10^11 (that many seconds is
 * the year 5138; that many milliseconds, 1973). */
static int
epoch(int64_t *out, int64_t n)
{
	if (n > 100000000000LL)
		n /= 1000;
	if (n < 0 || n > INC_TIME_MAX)
		return INC_EINVALID;
	*out = n;
	return 0;
}

int
inc_time__payload(int64_t *out, bool *none, const cJSON *v)
{
	const char *text;
	int64_t n;

	*out = 0;
	*none = false;
	if (v == NULL || cJSON_IsNull(v)) {
		*none = true;
		return 0;
	}
	/* a number through the one checked reader: whole, in range */
	if (cJSON_IsNumber(v)) {
		if (inc_json__number(&n, v, 0, INC_JSON_INT_MAX) < 0)
			return INC_EINVALID;
		return epoch(out, n);
	}
	if (!cJSON_IsString(v))
		return INC_EINVALID;
	text = v->valuestring;
	/* Go's zero time: Alertmanager's "no end" */
	if (*text == '\0' || strncmp(text, "0001-01-01T00:00:00", 19) == 0) {
		*none = true;
		return 0;
	}
	if (strspn(text, "0123456789") == strlen(text)) {
		if (strlen(text) > 15)
			return INC_EINVALID;
		n = strtoll(text, NULL, 10);
		return epoch(out, n);
	}
	if (!parse_date(out, text, true) || *out < 0 || *out > INC_TIME_MAX)
		return INC_EINVALID;
	return 0;
}

/* "N unit ago" with units s/m/h/d/w and their spelled-out forms. */
static bool
parse_ago(int64_t *out, const char *text, int64_t now)
{
	static const struct {
		const char *name;
		int64_t secs;
	} units[] = {
	        {"s", 1},        {"sec", 1},       {"secs", 1},
	        {"second", 1},   {"seconds", 1},   {"m", 60},
	        {"min", 60},     {"mins", 60},     {"minute", 60},
	        {"minutes", 60}, {"h", 3600},      {"hr", 3600},
	        {"hrs", 3600},   {"hour", 3600},   {"hours", 3600},
	        {"d", 86400},    {"day", 86400},   {"days", 86400},
	        {"w", 604800},   {"week", 604800}, {"weeks", 604800},
	};
	const char *p = text;
	int64_t n = 0;
	char unit[16];
	size_t len = 0;

	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p)) {
		n = n * 10 + (*p++ - '0');
		if (n > 100000000)
			return false;
	}
	while (*p == ' ')
		p++;
	while (isalpha((unsigned char)*p) && len < sizeof(unit) - 1)
		unit[len++] = (char)tolower((unsigned char)*p++);
	unit[len] = '\0';
	if (strcasecmp(p, " ago") != 0)
		return false;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(unit, units[i].name) == 0) {
			*out = now - n * units[i].secs;
			return true;
		}
	}
	return false;
}

/* [today |yesterday ]HH:MM[:SS], local. */
static bool
parse_clock_day(int64_t *out, const char *text, int64_t now)
{
	const char *p = text;
	int back = 0, h, mi, s;
	time_t tt = (time_t)now;
	struct tm tm;
	bool ok;

	if (strncasecmp(p, "yesterday ", 10) == 0) {
		back = 1;
		p += 10;
	} else if (strncasecmp(p, "today ", 6) == 0) {
		p += 6;
	}
	if (!clock_part(&p, &h, &mi, &s) || *p != '\0')
		return false;
	if (localtime_r(&tt, &tm) == NULL)
		return false;
	*out = local_time(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday - back,
	                  h, mi, s, &ok);
	return ok;
}

int
inc_time_parse(int64_t *out, const char *text, int64_t now, inc_error *err)
{
	int64_t t;

	if (text != NULL) {
		if (strcasecmp(text, "now") == 0) {
			*out = now;
			return 0;
		}
		if (!parse_ago(&t, text, now) &&
		    !parse_clock_day(&t, text, now) &&
		    !parse_date(&t, text, false))
			goto bad;
		/* what an event file can say: RFC 3339, years 1970 to 9999 */
		if (t < 0 || t > INC_TIME_MAX)
			return inc_error_set(err, INC_EINVALID,
			                     "time '%s' is out of range (1970 "
			                     "to 9999)",
			                     text);
		*out = t;
		return 0;
	}
bad:
	return inc_error_set(
	        err, INC_EINVALID,
	        "cannot parse time '%s' (try 2026-11-24T14:02:00Z, "
	        "'2026-11-24 14:02', 14:02, '10m ago', now)",
	        text != NULL ? text : "");
}

char *
inc_duration_format(char *buf, size_t len, int64_t secs)
{
	const char *sign = secs < 0 ? "-" : "";

	if (secs < 0)
		secs = -secs;
	if (secs < 60)
		snprintf(buf, len, "%s%llds", sign, (long long)secs);
	else if (secs < 3600)
		snprintf(buf, len, "%s%lldm", sign, (long long)(secs / 60));
	else if (secs < 86400)
		snprintf(buf, len, "%s%lldh %02lldm", sign,
		         (long long)(secs / 3600),
		         (long long)(secs % 3600 / 60));
	else
		snprintf(buf, len, "%s%lldd %lldh", sign,
		         (long long)(secs / 86400),
		         (long long)(secs % 86400 / 3600));
	return buf;
}

char *
inc_time_relative(char *buf, size_t len, int64_t t, int64_t now)
{
	int64_t d = now - t;
	time_t tt = (time_t)t;
	struct tm tm;

	if (d < 0 && d > -60)
		d = 0; /* clock skew between machines: not "in 3s" */
	if (d < 0) {
		snprintf(buf, len, "in the future");
	} else if (d < 10) {
		snprintf(buf, len, "just now");
	} else if (d < 60) {
		snprintf(buf, len, "%llds ago", (long long)d);
	} else if (d < 3600) {
		snprintf(buf, len, "%lldm ago", (long long)(d / 60));
	} else if (d < 2 * 86400) {
		snprintf(buf, len, "%lldh ago", (long long)(d / 3600));
	} else if (d < 30 * 86400) {
		snprintf(buf, len, "%lldd ago", (long long)(d / 86400));
	} else if (localtime_r(&tt, &tm) == NULL ||
	           strftime(buf, len, "%Y-%m-%d", &tm) == 0) {
		snprintf(buf, len, "?");
	}
	return buf;
}

int
inc_duration_parse(int64_t *out, const char *text)
{
	const char *p = text;
	int64_t total = 0;

	if (text == NULL || *p == '\0')
		return -1;
	while (*p != '\0') {
		int64_t n = 0, unit;
		if (!isdigit((unsigned char)*p))
			return -1;
		while (isdigit((unsigned char)*p)) {
			n = n * 10 + (*p++ - '0');
			if (n > 100000000)
				return -1;
		}
		switch (tolower((unsigned char)*p++)) {
		case 's':
			unit = 1;
			break;
		case 'm':
			unit = 60;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'd':
			unit = 86400;
			break;
		case 'w':
			unit = 604800;
			break;
		default:
			return -1;
		}
		total += n * unit;
	}
	*out = total;
	return 0;
}
