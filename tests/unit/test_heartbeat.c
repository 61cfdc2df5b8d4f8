/*
 * Heartbeats: the overdue arithmetic (strictly after last + every +
 * grace, saturating instead of overflowing), the kinds in their scope,
 * and the store: a ping that changes nothing writes no event, tick opens
 * one incident for an overdue heartbeat, and the next ping settles it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

#include "fixture.h"

#define T0 1796119200 /* 2026-12-01T10:00:00Z */

static void
test_due_at(void **state)
{
	(void)state;
	assert_int_equal(inc_heartbeat__due_at(T0, 600, 0), T0 + 600);
	assert_int_equal(inc_heartbeat__due_at(T0, 600, 120), T0 + 720);
	/* a negative grace or every counts as none */
	assert_int_equal(inc_heartbeat__due_at(T0, 600, -1), T0 + 600);
	assert_int_equal(inc_heartbeat__due_at(T0, -5, 0), T0);
	/* saturates at the end of time instead of wrapping around */
	assert_int_equal(inc_heartbeat__due_at(INT64_MAX - 10, 600, 0),
	                 INT64_MAX);
	assert_int_equal(inc_heartbeat__due_at(INT64_MAX - 700, 600, 600),
	                 INT64_MAX);
	assert_int_equal(inc_heartbeat__due_at(0, INT64_MAX, INT64_MAX),
	                 INT64_MAX);
}

static void
test_overdue(void **state)
{
	(void)state;
	/* at the due time itself it is not late yet; a second after it is */
	assert_false(inc_heartbeat__overdue(T0 + 720, T0, 600, 120));
	assert_true(inc_heartbeat__overdue(T0 + 721, T0, 600, 120));
	assert_false(inc_heartbeat__overdue(T0 + 600, T0, 600, 0));
	assert_true(inc_heartbeat__overdue(T0 + 601, T0, 600, 0));
	/* a ping from the future (another clock) is not overdue now */
	assert_false(inc_heartbeat__overdue(T0, T0 + 3600, 600, 0));
	/* a saturated due time is never reached */
	assert_false(inc_heartbeat__overdue(INT64_MAX, INT64_MAX - 1, 600, 0));
}

static int
check(const char *scope, const char *kind, const char *payload)
{
	inc_event ev;
	inc_error err;
	int ret;

	memset(&ev, 0, sizeof(ev));
	memset(ev.id, 'a', INC_EVENT_ID_LEN);
	snprintf(ev.incident, sizeof(ev.incident), "%s", scope);
	snprintf(ev.replica, sizeof(ev.replica), "7fk2qabcdefghjkn");
	snprintf(ev.kind, sizeof(ev.kind), "%s", kind);
	ev.lamport = 3;
	ev.actor = "cron";
	ev.payload = cJSON_Parse(payload);
	assert_non_null(ev.payload);
	ret = inc_kind__check_event(&ev, &err);
	cJSON_Delete(ev.payload);
	return ret;
}

static void
test_kinds(void **state)
{
	(void)state;
	assert_int_equal(check("heartbeat:backup", "heartbeat_set",
	                       "{\"every\": 600, \"grace\": 60, \"service\": "
	                       "\"db\", \"severity\": 2}"),
	                 0);
	assert_int_equal(check("heartbeat:backup", "heartbeat_set", "{}"),
	                 INC_EINVALID);
	assert_int_equal(check("heartbeat:backup", "heartbeat_set",
	                       "{\"every\": \"10m\"}"),
	                 INC_EINVALID);
	assert_int_equal(check("heartbeat:backup", "heartbeat_overdue",
	                       "{\"incident\": \"7fk2qabcdefghjkm\"}"),
	                 0);
	assert_int_equal(check("heartbeat:backup", "heartbeat_recovered",
	                       "{\"incident\": \"not an id\"}"),
	                 INC_EINVALID);
	assert_int_equal(check("heartbeat:backup", "heartbeat_removed", "{}"),
	                 0);
	/* a heartbeat's kind on an incident or a rota, and back */
	assert_int_equal(
	        check("7fk2qabcdefghjkm", "heartbeat_set", "{\"every\": 600}"),
	        INC_EINVALID);
	assert_int_equal(check("rota:db", "heartbeat_set", "{\"every\": 600}"),
	                 INC_EINVALID);
	assert_int_equal(
	        check("heartbeat:backup", "noted", "{\"text\": \"x\"}"),
	        INC_EINVALID);
}

static int64_t
count_events(inc_store *s, const char *kind)
{
	char sql[200];
	int64_t n = -1;
	inc_error err;

	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM events WHERE kind = '%s'", kind);
	assert_int_equal(inc_store__query_int64(&n, s, sql, &err), 0);
	return n;
}

static void
test_ping_tick_settle(void **state)
{
	struct fixture *fx = *state;
	inc_heartbeat_opts o = INC_HEARTBEAT_OPTS_INIT;
	inc_tick_opts t = {0};
	inc_list *list = NULL;
	inc_list_opts q = INC_LIST_OPTS_INIT;
	inc_error err;
	char *out = NULL;
	cJSON *doc;

	o.every = 600;
	o.now = T0;
	assert_int_equal(
	        inc_heartbeat_ping(NULL, fx->store, "backup", &o, &err), 0);
	o.now = T0 + 60;
	assert_int_equal(
	        inc_heartbeat_ping(&out, fx->store, "backup", &o, &err), 0);
	assert_non_null(doc = cJSON_Parse(out));
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(doc, "set")));
	assert_int_equal(cJSON_GetObjectItem(doc, "pings")->valueint, 2);
	cJSON_Delete(doc);
	inc_str_free(out);
	assert_int_equal(count_events(fx->store, "heartbeat_set"), 1);

	/* due at T0 + 660: not yet, then overdue, once whatever the ticks */
	t.now = T0 + 660;
	assert_int_equal(inc_tick(&out, fx->store, &t, &err), 0);
	inc_str_free(out);
	assert_int_equal(count_events(fx->store, "opened"), 0);
	for (int i = 0; i < 3; i++) {
		t.now = T0 + 661 + i * 60;
		assert_int_equal(inc_tick(&out, fx->store, &t, &err), 0);
		inc_str_free(out);
	}
	assert_int_equal(count_events(fx->store, "opened"), 1);
	assert_int_equal(count_events(fx->store, "heartbeat_overdue"), 1);

	/* the next ping settles it */
	o.every = 0;
	o.now = T0 + 900;
	assert_int_equal(
	        inc_heartbeat_ping(NULL, fx->store, "backup", &o, &err), 0);
	assert_int_equal(count_events(fx->store, "heartbeat_recovered"), 1);
	assert_int_equal(count_events(fx->store, "resolved"), 1);
	q.all = true;
	assert_int_equal(inc_list_query(&list, fx->store, &q, &err), 0);
	assert_int_equal(inc_list_count(list), 1);
	inc_list_free(list);
	/* no incident, so another ping writes nothing */
	o.now = T0 + 960;
	assert_int_equal(
	        inc_heartbeat_ping(NULL, fx->store, "backup", &o, &err), 0);
	assert_int_equal(count_events(fx->store, "heartbeat_recovered"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_due_at),
	        cmocka_unit_test(test_overdue),
	        cmocka_unit_test(test_kinds),
	        cmocka_unit_test_setup_teardown(
	                test_ping_tick_settle, fixture_setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
