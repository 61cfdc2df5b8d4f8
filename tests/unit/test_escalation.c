/*
 * Escalation policies: the step a level pages (repeat passes by the mod
 * formula), the top, the timeouts of the levels, and what the payloads of
 * the new members must look like.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static void
test_step(void **state)
{
	(void)state;
	/* three levels: 1 2 3, then the repeat passes 1 2 3, 1 2 3 */
	static const int want[] = {0, 1, 2, 3, 1, 2, 3, 1, 2, 3};
	for (int level = 0; level < 10; level++)
		assert_int_equal(inc_escalation__step(level, 3), want[level]);
	assert_int_equal(inc_escalation__step(5, 1), 1);
	assert_int_equal(inc_escalation__step(7, 2), 1);
	assert_int_equal(inc_escalation__step(8, 2), 2);
	assert_int_equal(inc_escalation__step(-1, 3), 0);
	assert_int_equal(inc_escalation__step(4, 0), 0);
}

static void
test_top_and_timeout(void **state)
{
	struct inc_policy p = {.nlevels = 3, .repeat = 1};

	(void)state;
	p.timeouts[0] = 60;
	p.timeouts[1] = 120;
	p.timeouts[2] = 300;
	assert_int_equal(inc_escalation__top(&p), 6);
	p.repeat = 0;
	assert_int_equal(inc_escalation__top(&p), 3);
	p.repeat = 100;
	assert_int_equal(inc_escalation__top(&p), 303);
	/* the timeout of a level is its step's */
	assert_int_equal(inc_escalation__timeout(&p, 1), 60);
	assert_int_equal(inc_escalation__timeout(&p, 3), 300);
	assert_int_equal(inc_escalation__timeout(&p, 4), 60);
	assert_int_equal(inc_escalation__timeout(&p, 5), 120);
}

static void
timeouts_ok(const char *const *values, size_t n, size_t nlevels,
            const int64_t *want)
{
	int64_t got[INC_POLICY_LEVELS_MAX];
	const char *bad = "unset";

	assert_int_equal(
	        inc_escalation__timeouts(got, nlevels, values, n, &bad), 0);
	assert_null(bad);
	for (size_t i = 0; i < nlevels; i++)
		assert_int_equal(got[i], want[i]);
}

static void
test_timeouts(void **state)
{
	static const char *const one[] = {"15m"};
	static const char *const list[] = {"1m, 2m 1h30m"};
	static const char *const keys[] = {"90s", "2m"};
	static const char *const none[] = {NULL};
	const int64_t w_one[] = {900, 900, 900};
	const int64_t w_list[] = {60, 120, 5400, 5400};
	const int64_t w_keys[] = {90, 120, 120};
	const int64_t w_default[] = {900, 900};
	const int64_t w_more[] = {60};

	(void)state;
	timeouts_ok(one, 1, 3, w_one);
	timeouts_ok(list, 1, 4, w_list);
	timeouts_ok(keys, 2, 3, w_keys);
	/* none: 15 minutes each */
	timeouts_ok(none, 0, 2, w_default);
	/* more timeouts than levels: the extra ones are not used */
	timeouts_ok(list, 1, 1, w_more);
}

static void
timeout_bad(const char *value)
{
	const char *values[] = {"1m", value};
	int64_t got[4];
	const char *bad = NULL;

	if (inc_escalation__timeouts(got, 4, values, 2, &bad) != INC_EINVALID)
		fail_msg("'%s' was accepted", value);
	assert_string_equal(bad, value);
}

static void
test_bad_timeouts(void **state)
{
	(void)state;
	timeout_bad("soon");
	timeout_bad("0m");
	timeout_bad("0s");
	timeout_bad("");
	timeout_bad(" , ");
	timeout_bad("-5m");
	timeout_bad("5");
	timeout_bad("1m, x");
	timeout_bad("400d");
	timeout_bad("123456789012345678901234567890123456789m");
}

static void
check_payload(const char *kind, const char *payload, int want)
{
	cJSON *p = cJSON_Parse(payload);
	inc_error err;

	assert_non_null(p);
	if (inc_kind__check(kind, p, &err) != want)
		fail_msg("%s %s: expected %d", kind, payload, want);
	cJSON_Delete(p);
}

static void
test_payloads(void **state)
{
	(void)state;
	check_payload("escalated",
	              "{\"level\": 2, \"policy\": \"default\", \"step\": 2, "
	              "\"targets\": [\"rota:db\", \"channel:ops\"], "
	              "\"paged\": [\"Alice Doe\", \"channel:ops\"]}",
	              0);
	check_payload("escalated", "{\"level\": 2, \"paged\": []}", 0);
	check_payload("escalated", "{\"level\": 2, \"paged\": [\"\"]}",
	              INC_EINVALID);
	check_payload("escalated", "{\"level\": 2, \"paged\": [\"a\\nb\"]}",
	              INC_EINVALID);
	check_payload("escalated", "{\"level\": 2, \"paged\": \"alice\"}",
	              INC_EINVALID);
	check_payload("escalated", "{\"level\": 2, \"policy\": \"a b\"}",
	              INC_EINVALID);
	check_payload("escalated", "{\"level\": 2, \"step\": -1}",
	              INC_EINVALID);
	check_payload("update_due",
	              "{\"cadence\": 1800, \"last_update_at\": "
	              "\"2026-11-24T10:00:00Z\"}",
	              0);
	check_payload("update_due", "{}", 0);
	check_payload("update_due", "{\"cadence\": \"30m\"}", INC_EINVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_step),
	        cmocka_unit_test(test_top_and_timeout),
	        cmocka_unit_test(test_timeouts),
	        cmocka_unit_test(test_bad_timeouts),
	        cmocka_unit_test(test_payloads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
