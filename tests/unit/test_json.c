/* The one checked reader of integers from JSON, and what it protects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

/* inc_json__int on {"v": text}: its status, the value in *out. */
static int
read_int(int64_t *out, const char *text, int64_t min, int64_t max)
{
	char json[256];
	cJSON *o;
	int ret;

	snprintf(json, sizeof(json), "{\"v\": %s}", text);
	o = cJSON_Parse(json);
	assert_non_null(o);
	ret = inc_json__int(out, o, "v", min, max);
	cJSON_Delete(o);
	return ret;
}

static void
test_in_range(void **state)
{
	int64_t v = -1;

	(void)state;
	assert_int_equal(read_int(&v, "42", 0, 100), 0);
	assert_int_equal(v, 42);
	assert_int_equal(read_int(&v, "-7", -10, 10), 0);
	assert_int_equal(v, -7);
	assert_int_equal(read_int(&v, "1e2", 0, 100), 0);
	assert_int_equal(v, 100);
	/* the largest integer a double holds exactly */
	assert_int_equal(read_int(&v, "9007199254740991", 0, INT64_MAX), 0);
	assert_int_equal(v, INC_JSON_INT_MAX);
}

static void
test_refused(void **state)
{
	int64_t v = 5;

	(void)state;
	assert_int_equal(read_int(&v, "101", 0, 100), INC_EINVALID);
	assert_int_equal(v, 0);
	assert_int_equal(read_int(&v, "-1", 0, 100), INC_EINVALID);
	assert_int_equal(read_int(&v, "2.5", 0, 100), INC_EINVALID);
	assert_int_equal(read_int(&v, "\"5\"", 0, 100), INC_EINVALID);
	assert_int_equal(read_int(&v, "null", 0, 100), INC_EINVALID);
	assert_int_equal(read_int(&v, "true", 0, 100), INC_EINVALID);
	/* beyond every int64_t: a cast would be undefined */
	assert_int_equal(read_int(&v, "1e300", INT64_MIN, INT64_MAX),
	                 INC_EINVALID);
	assert_int_equal(read_int(&v, "-1e300", INT64_MIN, INT64_MAX),
	                 INC_EINVALID);
	/* 2^53 and 2^60: no longer exact, so refused whatever max says */
	assert_int_equal(read_int(&v, "9007199254740992", 0, INT64_MAX),
	                 INC_EINVALID);
	assert_int_equal(read_int(&v, "1152921504606846976", 0, INT64_MAX),
	                 INC_EINVALID);
	assert_int_equal(inc_json__int(&v, NULL, "v", 0, 1), INC_EINVALID);
}

static void
test_str(void **state)
{
	cJSON *o = cJSON_Parse("{\"s\": \"text\", \"n\": 1}");

	(void)state;
	assert_string_equal(inc_json__str(o, "s"), "text");
	assert_null(inc_json__str(o, "n"));
	assert_null(inc_json__str(o, "missing"));
	assert_null(inc_json__str(NULL, "s"));
	cJSON_Delete(o);
}

/* An event file from a remote with a lamport past 2^53 is refused. */
static void
test_event_lamport(void **state)
{
	static const char *const lamports[] = {"1152921504606846976", "1e300",
	                                       "0", "1.5", "-3"};
	char text[1024];
	inc_event ev;
	inc_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(lamports) / sizeof(*lamports); i++) {
		snprintf(text, sizeof(text),
		         "{\"id\":\"%064d\",\"incident\":\"0123456789abcdef\","
		         "\"kind\":\"noted\",\"at\":\"2026-11-24T09:41:00Z\","
		         "\"recorded_at\":\"2026-11-24T09:41:00Z\","
		         "\"lamport\":%s,\"replica\":\"0123456789abcdef\","
		         "\"actor\":\"a\",\"payload\":{}}",
		         0, lamports[i]);
		assert_int_equal(
		        inc_event__from_json(&ev, text, strlen(text), &err),
		        INC_ECORRUPT);
	}
	snprintf(
	        text, sizeof(text),
	        "{\"id\":\"%064d\",\"incident\":\"0123456789abcdef\","
	        "\"kind\":\"noted\",\"at\":\"2026-11-24T09:41:00Z\","
	        "\"recorded_at\":\"2026-11-24T09:41:00Z\","
	        "\"lamport\":9007199254740991,\"replica\":\"0123456789abcdef\","
	        "\"actor\":\"a\",\"payload\":{}}",
	        0);
	assert_int_equal(inc_event__from_json(&ev, text, strlen(text), &err),
	                 0);
	assert_int_equal(ev.lamport, INC_JSON_INT_MAX);
	inc_event__release(&ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_in_range),
	        cmocka_unit_test(test_refused),
	        cmocka_unit_test(test_str),
	        cmocka_unit_test(test_event_lamport),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
