/*
 * Rotas: local time in a named zone through libc, which leaves TZ exactly
 * as it found it, and hand-offs that keep their local time across a
 * daylight-saving change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

static void
test_tz_restored(void **state)
{
	int64_t t = 0;
	struct tm tm;

	(void)state;
	setenv("TZ", "America/New_York", 1);
	assert_int_equal(inc_tz__utc(&t, 2026, 10, 25, 9, 0, "Europe/Berlin"),
	                 0);
	assert_int_equal(t, 1792915200); /* 2026-10-25T08:00:00Z */
	assert_string_equal(getenv("TZ"), "America/New_York");
	unsetenv("TZ");
	assert_int_equal(inc_tz__local(&tm, t, "Europe/Berlin"), 0);
	assert_int_equal(tm.tm_hour, 9);
	assert_null(getenv("TZ"));
	setenv("TZ", "", 1);
	assert_int_equal(inc_tz__local(&tm, t, "Asia/Tokyo"), 0);
	assert_int_equal(tm.tm_hour, 17);
	assert_string_equal(getenv("TZ"), "");
	setenv("TZ", "UTC", 1);
}

static void
test_tz_names(void **state)
{
	(void)state;
	assert_true(inc_tz__exists("Europe/Berlin"));
	assert_true(inc_tz__exists("UTC"));
	assert_false(inc_tz__exists("Mars/Olympus_Mons"));
	assert_false(inc_tz__exists("Europe"));
	assert_false(inc_tz__exists("../../etc/passwd"));
	assert_false(inc_tz__exists("/etc/localtime"));
	assert_false(inc_tz__exists(""));
}

static void
test_time_in_zone(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(
	        inc_time_in_zone(buf, sizeof(buf), 1792915200, "Europe/Berlin"),
	        "2026-10-25 09:00 CET");
	assert_string_equal(inc_time_in_zone(buf, sizeof(buf),
	                                     1792915200 - 86400,
	                                     "Europe/Berlin"),
	                    "2026-10-24 10:00 CEST");
	assert_string_equal(
	        inc_time_in_zone(buf, sizeof(buf), 1792915200, NULL),
	        "2026-10-25 08:00 UTC");
}

/* A daily rota: the shift across the change lasts 25 hours. */
static void
test_daily_across_dst(void **state)
{
	char dir[] = "/tmp/test_rota.XXXXXX", path[64];
	inc_config *cfg = NULL;
	inc_oncall oc;
	inc_error err;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[rota \"db\"]\n\tmember = alice\n\tmember = bob\n"
	      "\tstart = 2026-10-24\n\thandoff = 09:00\n\tevery = 1d\n"
	      "\ttimezone = Europe/Berlin\n",
	      f);
	fclose(f);
	setenv("XDG_CONFIG_HOME", dir, 1);
	assert_int_equal(inc_config_load(&cfg, dir, &err), 0);
	assert_int_equal(
	        inc_oncall_config(&oc, cfg, NULL, "db", 1792915200 - 60, &err),
	        0);
	assert_string_equal(oc.who, "alice");
	assert_int_equal(oc.since, 1792915200 - 25 * 3600);
	assert_int_equal(oc.until, 1792915200);
	assert_false(oc.overridden);
	assert_int_equal(
	        inc_oncall_config(&oc, cfg, NULL, "db", 1792915200, &err), 0);
	assert_string_equal(oc.who, "bob");
	assert_int_equal(oc.until, 1792915200 + 86400);
	assert_int_equal(inc_oncall_config(&oc, cfg, NULL, "web", 0, &err),
	                 INC_ENOTFOUND);
	inc_config_free(cfg);
	unlink(path);
	rmdir(dir);
}

/*
 * 02:30 on 2026-10-25 happens twice in Berlin (the clock falls back at
 * 03:00 CEST): the earlier, 00:30Z (Python's fold=0), whatever zone was
 * converted before. 02:30 on 2027-03-28 does not happen: moved forward
 * by the gap, 01:30Z (03:30 CEST), as fold=0 does too. Oracle: python3
 * zoneinfo, datetime(2026, 10, 25, 2, 30, tzinfo=ZoneInfo(
 * "Europe/Berlin")).astimezone(timezone.utc).
 */
static void
test_ambiguous_and_gap(void **state)
{
	static const char *const before[] = {NULL, "UTC", "Asia/Kathmandu",
	                                     "America/New_York", "Asia/Tokyo"};
	int64_t t = 0, x;

	(void)state;
	for (size_t i = 0; i < sizeof(before) / sizeof(*before); i++) {
		if (before[i] != NULL)
			assert_int_equal(
			        inc_tz__utc(&x, 2026, 10, 1, 2, 30, before[i]),
			        0);
		assert_int_equal(
		        inc_tz__utc(&t, 2026, 10, 25, 2, 30, "Europe/Berlin"),
		        0);
		assert_int_equal(t, 1792888200); /* 2026-10-25T00:30:00Z */
		if (before[i] != NULL)
			assert_int_equal(
			        inc_tz__utc(&x, 2026, 10, 1, 2, 30, before[i]),
			        0);
		assert_int_equal(
		        inc_tz__utc(&t, 2027, 3, 28, 2, 30, "Europe/Berlin"),
		        0);
		assert_int_equal(t, 1806197400); /* 2027-03-28T01:30:00Z */
		/* either side of the change, one answer each */
		assert_int_equal(
		        inc_tz__utc(&t, 2026, 10, 25, 3, 30, "Europe/Berlin"),
		        0);
		assert_int_equal(t, 1792895400); /* 2026-10-25T02:30:00Z */
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_tz_restored),
	        cmocka_unit_test(test_tz_names),
	        cmocka_unit_test(test_time_in_zone),
	        cmocka_unit_test(test_daily_across_dst),
	        cmocka_unit_test(test_ambiguous_and_gap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
