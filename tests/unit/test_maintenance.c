/*
 * Maintenance windows as ingest asks about them, inside its transaction:
 * which window covers a service at a time (its services, its time, its
 * removal), by an indexed query; the mode from config; a suppressed
 * alert recorded once per key on the window's scope.
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

#define T0 1793689200 /* 2026-11-03T07:00:00Z */
#define H 3600

static void
add(char id[INC_ID_LEN + 1], struct fixture *fx, const char *service,
    int64_t from, int64_t until)
{
	const char *services[] = {service, "db"};
	inc_error err;

	assert_int_equal(inc_maintenance_add(id, fx->store, services, 2, from,
	                                     until, "upgrade", T0 - H, &err),
	                 0);
}

static bool
covers(struct fixture *fx, const char *service, int64_t at, char *scope)
{
	char buf[INC_SCOPE_MAX + 1];
	bool found = true;
	inc_error err;

	assert_int_equal(inc_maintenance__covering(scope != NULL ? scope : buf,
	                                           &found, fx->store, service,
	                                           at, &err),
	                 0);
	return found;
}

static int64_t
count(struct fixture *fx, const char *kind)
{
	char sql[128];
	int64_t n = -1;

	snprintf(sql, sizeof(sql),
	         "SELECT count(*) FROM events WHERE kind = '%s'", kind);
	assert_int_equal(inc_store__query_int64(&n, fx->store, sql, NULL), 0);
	return n;
}

static void
test_covering(void **state)
{
	struct fixture *fx = *state;
	char id[INC_ID_LEN + 1], other[INC_ID_LEN + 1],
	        scope[INC_SCOPE_MAX + 1];
	char want[INC_SCOPE_MAX + 1];
	inc_error err;

	assert_false(covers(fx, "api", T0, NULL));
	add(id, fx, "api", T0, T0 + 3 * H);
	add(other, fx, "web", T0 + 5 * H, T0 + 6 * H);
	snprintf(want, sizeof(want), "maintenance:%s", id);
	/* its service, within its time: from included, until not */
	assert_true(covers(fx, "api", T0, scope));
	assert_string_equal(scope, want);
	assert_true(covers(fx, "db", T0 + H, scope));
	assert_true(covers(fx, "api", T0 + 3 * H - 1, NULL));
	assert_false(covers(fx, "api", T0 + 3 * H, NULL));
	assert_false(covers(fx, "api", T0 - 1, NULL));
	/* another service, a prefix of one, a case: exact, as list does */
	assert_false(covers(fx, "ap", T0 + H, NULL));
	assert_false(covers(fx, "API", T0 + H, NULL));
	assert_false(covers(fx, "web", T0 + H, NULL));
	assert_true(covers(fx, "web", T0 + 5 * H, NULL));
	assert_false(covers(fx, NULL, T0 + H, NULL));
	/* a service that JSON escapes, and one beyond ASCII */
	add(other, fx, "we\"b\\x", T0, T0 + H);
	assert_true(covers(fx, "we\"b\\x", T0, NULL));
	assert_false(covers(fx, "we\"b", T0, NULL));
	add(other, fx, "k\xc3\xb6ln", T0, T0 + H);
	assert_true(covers(fx, "k\xc3\xb6ln", T0, NULL));
	/* removed at T0 + 1h: covers before, not after */
	assert_int_equal(inc_maintenance_remove(id, fx->store, id, "done early",
	                                        T0 + H, &err),
	                 0);
	assert_true(covers(fx, "api", T0 + H - 1, NULL));
	assert_false(covers(fx, "api", T0 + H, NULL));
	assert_int_equal(
	        inc_maintenance_remove(id, fx->store, id, NULL, T0 + H, &err),
	        INC_EREFUSED);
	assert_int_equal(inc_maintenance_remove(id, fx->store, "zzzzzzzz", NULL,
	                                        T0 + H, &err),
	                 INC_ENOTFOUND);
	assert_int_equal(inc_maintenance_remove(id, fx->store, "a b", NULL,
	                                        T0 + H, &err),
	                 INC_EINVALID);
}

/* until not after from, no service, a service no incident could have */
static void
test_add_refused(void **state)
{
	struct fixture *fx = *state;
	const char *bad[] = {"a b"}, *ok[] = {"api"};
	char id[INC_ID_LEN + 1];
	inc_error err;

	assert_int_equal(inc_maintenance_add(id, fx->store, ok, 1, T0, T0, NULL,
	                                     0, &err),
	                 INC_EINVALID);
	assert_int_equal(inc_maintenance_add(id, fx->store, ok, 0, T0, T0 + H,
	                                     NULL, 0, &err),
	                 INC_EINVALID);
	assert_int_equal(inc_maintenance_add(id, fx->store, bad, 1, T0, T0 + H,
	                                     NULL, 0, &err),
	                 INC_EINVALID);
	assert_non_null(strstr(err.message, "not a service name"));
	assert_int_equal(count(fx, "maintenance_added"), 0);
}

/* the question ingest asks per alert group walks the index */
static void
test_covering_is_indexed(void **state)
{
	struct fixture *fx = *state;
	sqlite3_stmt *st;
	bool indexed = false;

	assert_int_equal(sqlite3_prepare_v2(
	                         fx->store->db,
	                         "EXPLAIN QUERY PLAN SELECT a.seq FROM events "
	                         "a WHERE a.incident >= 'maintenance:' AND "
	                         "a.incident < 'maintenance;' AND a.kind = "
	                         "'maintenance_added'",
	                         -1, &st, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW)
		indexed |= strstr((const char *)sqlite3_column_text(st, 3),
		                  "USING INDEX events_incident") != NULL;
	sqlite3_finalize(st);
	assert_true(indexed);
}

static void
test_opens(void **state)
{
	struct fixture *fx = *state;

	assert_false(inc_maintenance__opens(fx->store));
	fixture_config(fx, "[maintenance]\n\tmode = open\n");
	assert_true(inc_maintenance__opens(fx->store));
	fixture_config(fx, "[maintenance]\n\tmode = suppress\n");
	assert_false(inc_maintenance__opens(fx->store));
}

static void
test_suppress(void **state)
{
	struct fixture *fx = *state;
	char id[INC_ID_LEN + 1], scope[INC_SCOPE_MAX + 1];
	cJSON *alert = cJSON_Parse(
	        "{\"key\": \"fp1\", \"title\": \"HighLatency\", \"service\": "
	        "\"api\", \"labels\": {\"alertname\": \"HighLatency\", \"n\": "
	        "1}, \"starts_at\": \"2026-11-03T07:30:00Z\", \"source\": "
	        "\"alertmanager\"}");
	cJSON *bad = cJSON_Parse("{\"title\": \"no key\"}");
	bool recorded = false;
	inc_error err;
	char *text;

	add(id, fx, "api", T0, T0 + 3 * H);
	snprintf(scope, sizeof(scope), "maintenance:%s", id);
	assert_int_equal(inc_store__begin(fx->store, &err), 0);
	assert_int_equal(inc_maintenance__suppress(&recorded, fx->store, scope,
	                                           alert, T0 + H, false, &err),
	                 0);
	assert_true(recorded);
	/* a repeat of the key: no second event */
	assert_int_equal(inc_maintenance__suppress(&recorded, fx->store, scope,
	                                           alert, T0 + H, false, &err),
	                 0);
	assert_false(recorded);
	/* a dry run says it would, and writes nothing */
	cJSON_ReplaceItemInObject(alert, "key", cJSON_CreateString("fp2"));
	assert_int_equal(inc_maintenance__suppress(&recorded, fx->store, scope,
	                                           alert, T0 + H, true, &err),
	                 0);
	assert_true(recorded);
	assert_int_equal(inc_maintenance__suppress(&recorded, fx->store, scope,
	                                           bad, T0 + H, false, &err),
	                 INC_EINVALID);
	assert_int_equal(inc_store__commit(fx->store, &err), 0);
	assert_int_equal(count(fx, "alert_suppressed"), 1);
	assert_int_equal(
	        inc_maintenance_suppressed_json(&text, fx->store, &err), 0);
	assert_non_null(strstr(text, "\"key\":\"fp1\""));
	assert_non_null(strstr(text, "\"service\":\"api\""));
	assert_non_null(strstr(text, "\"at\":\"2026-11-03T08:00:00Z\""));
	inc_str_free(text);
	assert_int_equal(inc_maintenance_list_json(&text, fx->store, false,
	                                           NULL, 0, T0 + H, &err),
	                 0);
	assert_non_null(strstr(text, "\"suppressed\":1"));
	assert_non_null(strstr(text, "\"state\":\"active\""));
	inc_str_free(text);
	cJSON_Delete(alert);
	cJSON_Delete(bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_covering, fixture_setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_add_refused, fixture_setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_covering_is_indexed,
	                                        fixture_setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_opens, fixture_setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_suppress, fixture_setup,
	                                        fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
