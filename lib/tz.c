/*
 * Local time in a named time zone (Europe/Berlin), from the system's
 * tzdata through libc: no ICU, no copy of the rules of our own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"

bool
inc_tz__exists(const char *zone)
{
	const char *dir = getenv("TZDIR");
	char path[4096], magic[4];
	struct stat st;
	FILE *f;
	bool ok;

	/* a name under the zone folder, never a path out of it */
	if (zone == NULL || *zone == '\0' || *zone == '/' || *zone == ':' ||
	    strstr(zone, "..") != NULL || strlen(zone) > 200 ||
	    strpbrk(zone, " \t\r\n,") != NULL)
		return false;
	if (strcmp(zone, "UTC") == 0)
		return true; /* libc's own, even without tzdata */
	/*
	 * right/ counts leap seconds, which time_t does not: its hand-offs
	 * would be 27 s off. posix/ is the same zones again under a second
	 * name. Neither is a zone name.
	 */
	if (strncmp(zone, "right/", 6) == 0 || strncmp(zone, "posix/", 6) == 0)
		return false;
	snprintf(path, sizeof(path), "%s/%s",
	         dir != NULL && *dir != '\0' ? dir : "/usr/share/zoneinfo",
	         zone);
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (f = fopen(path, "rb")) == NULL)
		return false;
	/* a zone file, not zone.tab, tzdata.zi or leap-seconds.list */
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

/*
 * The UTC time of the local time tm, TZ set. Not mktime(): with
 * tm_isdst = -1, glibc settles a time the clock shows twice by what the
 * process converted last, so a schedule would depend on which rotas were
 * asked first. Instead: the offsets in force a day before, at and a day
 * after the time each give a candidate; of those that show tm again, the
 * earlier (Python's fold=0). A time the clock skips (spring forward) has
 * none: it is read with the offset before the change, so it moves
 * forward by the gap (fold=0 again).
 */
static int
to_utc(int64_t *out, const struct tm *tm)
{
	struct tm want = *tm, got;
	time_t wall, probe, cand;
	int64_t best = 0, before = 0;
	bool found = false;

	want.tm_isdst = 0;
	if ((wall = timegm(&want)) == (time_t)-1)
		return INC_EINVALID;
	for (int i = -1; i <= 1; i++) {
		probe = wall + i * 86400;
		if (localtime_r(&probe, &got) == NULL)
			return INC_EINVALID;
		cand = wall - got.tm_gmtoff;
		if (i == -1)
			before = (int64_t)cand;
		if (localtime_r(&cand, &got) == NULL)
			return INC_EINVALID;
		got.tm_isdst = 0;
		if (timegm(&got) == wall && (!found || cand < best)) {
			best = (int64_t)cand;
			found = true;
		}
	}
	*out = found ? best : before;
	return 0;
}

/*
 * Runs the conversion with TZ set to zone, then puts TZ back exactly as
 * it was (unset if it was). glibc has no per-zone API (no localtime_rz):
 * localtime_r() and mktime() read the zone from the environment alone,
 * so this is the one place lib/ touches the environment. A command is
 * one thread, and nothing else in it reads TZ meanwhile.
 */
static int
in_zone(const char *zone, struct tm *tm, int64_t *t, bool to_local,
        char *abbrev, size_t len)
{
	const char *old = getenv("TZ");
	char *saved = old != NULL ? inc_util__strdup(old) : NULL;
	time_t tt;
	int ret = 0;

	if (old != NULL && saved == NULL)
		return INC_ENOMEM;
	if (setenv("TZ", zone, 1) < 0) {
		free(saved);
		return INC_ENOMEM;
	}
	tzset();
	if (to_local) {
		tt = (time_t)*t;
		if (localtime_r(&tt, tm) == NULL)
			ret = INC_EINVALID;
		/* tm_zone points into libc's copy of the zone: read it now */
		if (ret == 0 && abbrev != NULL &&
		    strftime(abbrev, len, "%Z", tm) == 0)
			ret = INC_EINVALID;
	} else {
		ret = to_utc(t, tm);
	}
	if (saved != NULL)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	free(saved);
	return ret;
}

int
inc_tz__local(struct tm *out, int64_t t, const char *zone)
{
	memset(out, 0, sizeof(*out));
	return in_zone(zone, out, &t, true, NULL, 0);
}

int
inc_tz__utc(int64_t *out, int y, int mon, int d, int h, int mi,
            const char *zone)
{
	struct tm tm = {0};

	tm.tm_year = y - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = d; /* mktime normalises a day past the month's end */
	tm.tm_hour = h;
	tm.tm_min = mi;
	return in_zone(zone, &tm, out, false, NULL, 0);
}

/* The local time at t and the zone's abbreviation then ("CET"). */
int
inc_tz__abbrev(struct tm *tm, char *out, size_t len, int64_t t,
               const char *zone)
{
	memset(tm, 0, sizeof(*tm));
	return in_zone(zone, tm, &t, true, out, len);
}
