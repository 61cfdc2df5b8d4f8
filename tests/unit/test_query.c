/*
 * lib/query.c: the list and its filters, ids typed as prefixes, the
 * shortest unique prefix shown for each id, and follow-up actions across
 * incidents. The incidents have chosen ids, so prefixes are known.
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

#define OLDEST "aaaaa00000000001"  /* open, SEV1, api, customer, region=eu */
#define MIDDLE "aaaaa00000000002"  /* resolved, SEV2, db */
#define NEWEST "abcde00000000001"  /* triaged, SEV3, P2, api and web */
#define JANUARY "zzzzz00000000001" /* open, SEV4, a drill */

static int64_t now;

static int
setup(void **state)
{
	struct fixture *fx;
	inc_change_opts o = INC_CHANGE_OPTS_INIT;
	const char *fields[] = {"region=eu"};
	inc_error err;

	if (fixture_setup(state) < 0)
		return -1;
	fx = *state;
	now = inc_time_now();
	fixture_put(
	        fx->store, OLDEST,
	        "{\"title\":\"oldest\",\"severity\":1,\"services\":[\"api\"],"
	        "\"tags\":[\"customer\"]}",
	        now - 3 * 3600);
	fixture_put(
	        fx->store, MIDDLE,
	        "{\"title\":\"middle\",\"severity\":2,\"services\":[\"db\"]}",
	        now - 2 * 3600);
	fixture_put(fx->store, NEWEST,
	            "{\"title\":\"newest\",\"severity\":3,"
	            "\"services\":[\"web\",\"api\"]}",
	            now - 3600);
	fixture_put(fx->store, JANUARY,
	            "{\"title\":\"january\",\"severity\":4,\"drill\":true}",
	            1767225600 /* 2026-01-01T00:00:00Z */);
	o.fields = fields;
	o.nfields = 1;
	if (inc_incident_change(NULL, fx->store, OLDEST, INC_ACTION_EDIT, &o,
	                        &err) < 0)
		return -1;
	o.nfields = 0;
	if (inc_incident_change(NULL, fx->store, MIDDLE, INC_ACTION_RESOLVE, &o,
	                        &err) < 0)
		return -1;
	o.priority = "p2";
	return inc_incident_change(NULL, fx->store, NEWEST, INC_ACTION_TRIAGE,
	                           &o, &err);
}

/* The ids the query finds, in its order, as "id id id". */
static char *
ids(struct fixture *fx, const inc_list_opts *o)
{
	static char buf[20 * (INC_ID_LEN + 1)];
	inc_list *list;
	inc_error err;
	size_t len = 0;

	buf[0] = '\0';
	assert_int_equal(inc_list_query(&list, fx->store, o, &err), 0);
	for (size_t i = 0; i < inc_list_count(list); i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s",
		                        i > 0 ? " " : "",
		                        inc_list_get(list, i)->id);
	assert_null(inc_list_get(list, inc_list_count(list)));
	inc_list_free(list);
	return buf;
}

static void
test_active_newest_first(void **state)
{
	inc_list_opts o = INC_LIST_OPTS_INIT;

	/* without a status: the active ones; resolved MIDDLE is not */
	assert_string_equal(ids(*state, &o), NEWEST " " OLDEST " " JANUARY);
	o.all = true;
	assert_string_equal(ids(*state, &o),
	                    NEWEST " " MIDDLE " " OLDEST " " JANUARY);
}

static void
test_statuses(void **state)
{
	const enum inc_status resolved[] = {INC_STATUS_RESOLVED};
	const enum inc_status open[] = {INC_STATUS_OPEN};
	const enum inc_status two[] = {INC_STATUS_TRIAGED, INC_STATUS_CLOSED};
	inc_list_opts o = INC_LIST_OPTS_INIT;

	o.statuses = resolved;
	o.nstatuses = 1;
	assert_string_equal(ids(*state, &o), MIDDLE);
	o.statuses = open;
	assert_string_equal(ids(*state, &o), OLDEST " " JANUARY);
	o.statuses = two;
	o.nstatuses = 2;
	assert_string_equal(ids(*state, &o), NEWEST);
	/* with all, the statuses still filter (all reaches past active) */
	o.all = true;
	assert_string_equal(ids(*state, &o), NEWEST);
	o.nstatuses = 0;
	o.statuses = NULL;
	assert_string_equal(ids(*state, &o),
	                    NEWEST " " MIDDLE " " OLDEST " " JANUARY);
}

static void
test_filters(void **state)
{
	inc_list_opts o = INC_LIST_OPTS_INIT;

	o.severity = 1;
	assert_string_equal(ids(*state, &o), OLDEST);
	o.severity = 2; /* MIDDLE, but it is resolved */
	assert_string_equal(ids(*state, &o), "");
	o.all = true;
	assert_string_equal(ids(*state, &o), MIDDLE);
	o = (inc_list_opts)INC_LIST_OPTS_INIT;
	o.service = "api";
	assert_string_equal(ids(*state, &o), NEWEST " " OLDEST);
	o.service = "web";
	assert_string_equal(ids(*state, &o), NEWEST);
	o.service = "API"; /* labels are exact */
	assert_string_equal(ids(*state, &o), "");
	o.service = "api";
	o.severity = 1;
	assert_string_equal(ids(*state, &o), OLDEST);
	o = (inc_list_opts)INC_LIST_OPTS_INIT;
	o.tag = "customer";
	assert_string_equal(ids(*state, &o), OLDEST);
	o.tag = "api"; /* a service is not a tag */
	assert_string_equal(ids(*state, &o), "");
	o = (inc_list_opts)INC_LIST_OPTS_INIT;
	o.since = now - 150 * 60;
	assert_string_equal(ids(*state, &o), NEWEST);
	o.all = true;
	assert_string_equal(ids(*state, &o), NEWEST " " MIDDLE);
	o.since = now - 3600; /* at or after */
	assert_string_equal(ids(*state, &o), NEWEST);
	o = (inc_list_opts)INC_LIST_OPTS_INIT;
	o.priority = "P2";
	assert_string_equal(ids(*state, &o), NEWEST);
	o.priority = "P1";
	assert_string_equal(ids(*state, &o), "");
	o = (inc_list_opts)INC_LIST_OPTS_INIT;
	o.field = "region=eu";
	assert_string_equal(ids(*state, &o), OLDEST);
	o.field = "region=us";
	assert_string_equal(ids(*state, &o), "");
	o.field = "region";
	assert_string_equal(ids(*state, &o), "");
}

static void
test_limit(void **state)
{
	inc_list_opts o = INC_LIST_OPTS_INIT;

	o.limit = 2;
	assert_string_equal(ids(*state, &o), NEWEST " " OLDEST);
	o.limit = 1;
	o.all = true;
	assert_string_equal(ids(*state, &o), NEWEST);
	/* the limit counts what passes the filters */
	o.service = "db";
	assert_string_equal(ids(*state, &o), MIDDLE);
}

static void
test_items(void **state)
{
	struct fixture *fx = *state;
	inc_list_opts o = INC_LIST_OPTS_INIT;
	const inc_list_item *it;
	inc_list *list;
	inc_error err;

	o.all = true;
	assert_int_equal(inc_list_query(&list, fx->store, &o, &err), 0);
	assert_int_equal(inc_list_count(list), 4);
	it = inc_list_get(list, 0);
	assert_string_equal(it->id, NEWEST);
	assert_string_equal(it->short_id, "abcde");
	assert_string_equal(it->title, "newest");
	assert_int_equal(it->status, INC_STATUS_TRIAGED);
	assert_int_equal(it->severity, 3);
	assert_string_equal(it->priority, "P2");
	assert_false(it->drill);
	assert_int_equal(it->opened_at, now - 3600);
	assert_int_equal(it->last_update_at, 0);
	assert_null(inc_list__doc(list, 0)); /* docs cost a parse: when asked */
	it = inc_list_get(list, 1);
	assert_string_equal(it->short_id, MIDDLE); /* 15 in common */
	assert_int_equal(it->status, INC_STATUS_RESOLVED);
	assert_null(it->priority);
	it = inc_list_get(list, 3);
	assert_string_equal(it->short_id, "zzzzz");
	assert_true(it->drill);
	assert_int_equal(it->opened_at, 1767225600);
	inc_list_free(list);
	o.docs = true;
	assert_int_equal(inc_list_query(&list, fx->store, &o, &err), 0);
	assert_string_equal(inc_json__str(inc_list__doc(list, 2), "title"),
	                    "oldest");
	assert_int_equal(inc_list_get(list, 1)->resolved_at != 0, true);
	inc_list_free(list);
}

static void
test_prefixes(void **state)
{
	struct fixture *fx = *state;
	char out[INC_ID_LEN + 1];
	inc_error err;

	assert_int_equal(inc_id_resolve(out, fx->store, NEWEST, &err), 0);
	assert_string_equal(out, NEWEST);
	assert_int_equal(inc_id_resolve(out, fx->store, "ab", &err), 0);
	assert_string_equal(out, NEWEST);
	assert_int_equal(inc_id_resolve(out, fx->store, "z", &err), 0);
	assert_string_equal(out, JANUARY);
	/* upper case, and the letters that read as digits */
	assert_int_equal(inc_id_resolve(out, fx->store, "ABCDE", &err), 0);
	assert_string_equal(out, NEWEST);
	assert_int_equal(
	        inc_id_resolve(out, fx->store, "zzzzzOOOOOOOOOOi", &err), 0);
	assert_string_equal(out, JANUARY);
	assert_int_equal(
	        inc_id_resolve(out, fx->store, "aaaaa0000000000L", &err), 0);
	assert_string_equal(out, OLDEST);
	/* nothing, or not an id at all */
	assert_int_equal(inc_id_resolve(out, fx->store, "b", &err),
	                 INC_ENOTFOUND);
	assert_string_equal(err.message, "b: no such incident");
	assert_int_equal(inc_id_resolve(out, fx->store, "abcdf", &err),
	                 INC_ENOTFOUND);
	assert_int_equal(inc_id_resolve(out, fx->store, "abc-d", &err),
	                 INC_ENOTFOUND);
	assert_int_equal(inc_id_resolve(out, fx->store, "abcdu", &err),
	                 INC_ENOTFOUND);
	assert_int_equal(inc_id_resolve(out, fx->store, NEWEST "0", &err),
	                 INC_ENOTFOUND);
	assert_int_equal(inc_id_resolve(out, fx->store, "", &err),
	                 INC_EINVALID);
}

static void
test_ambiguous_prefixes(void **state)
{
	struct fixture *fx = *state;
	char out[INC_ID_LEN + 1], id[INC_ID_LEN + 1];
	inc_error err;

	assert_int_equal(inc_id_resolve(out, fx->store, "a", &err),
	                 INC_EAMBIGUOUS);
	assert_int_equal(err.code, INC_EAMBIGUOUS);
	assert_string_equal(err.message, "a: ambiguous id, could be " OLDEST
	                                 ", " MIDDLE ", " NEWEST);
	assert_int_equal(inc_id_resolve(out, fx->store, "aaaaa", &err),
	                 INC_EAMBIGUOUS);
	assert_string_equal(err.message, "aaaaa: ambiguous id, could be " OLDEST
	                                 ", " MIDDLE);
	/* one character more and it is one */
	assert_int_equal(
	        inc_id_resolve(out, fx->store, "aaaaa00000000002", &err), 0);
	/* five candidates are named, and then "..." */
	for (int i = 1; i <= 7; i++) {
		snprintf(id, sizeof(id), "ccccc000000000%02d", i);
		fixture_put(fx->store, id, NULL, now);
	}
	assert_int_equal(inc_id_resolve(out, fx->store, "CCCCC", &err),
	                 INC_EAMBIGUOUS);
	assert_string_equal(err.message,
	                    "ccccc: ambiguous id, could be ccccc00000000001, "
	                    "ccccc00000000002, ccccc00000000003, "
	                    "ccccc00000000004, ccccc00000000005, ...");
}

/* The shortest prefix that tells an id from its neighbours, at least 5. */
static void
test_short_ids(void **state)
{
	static const struct {
		const char *id, *short_id;
	} cases[] = {
	        {OLDEST, OLDEST}, /* MIDDLE shares 15 characters */
	        {MIDDLE, MIDDLE},
	        {NEWEST, "abcde0"}, /* "abcde" is also the next one's */
	        {"abcdefg000000001", "abcdef"},
	        {JANUARY, "zzzzz"},            /* the last: none after it */
	        {"00000000000000k0", "00000"}, /* the first: none before */
	};
	struct fixture *fx = *state;
	char out[INC_ID_LEN + 1], back[INC_ID_LEN + 1];
	inc_error err;

	/* "a" in common with MIDDLE: the minimum is enough */
	assert_int_equal(inc_id_short(out, fx->store, NEWEST, &err), 0);
	assert_string_equal(out, "abcde");
	fixture_put(fx->store, "abcdefg000000001", NULL, now);
	fixture_put(fx->store, "00000000000000k0", NULL, now);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(
		        inc_id_short(out, fx->store, cases[i].id, &err), 0);
		assert_string_equal(out, cases[i].short_id);
		/* and it resolves back */
		assert_int_equal(inc_id_resolve(back, fx->store, out, &err), 0);
		assert_string_equal(back, cases[i].id);
	}
}

/* Follow-up actions across incidents, by due date, none last. */
static void
test_action_list(void **state)
{
	struct fixture *fx = *state;
	inc_change_opts o = INC_CHANGE_OPTS_INIT;
	inc_followup_query q = {0};
	inc_error err;
	cJSON *arr;
	char *text;

	o.text = "no date";
	assert_int_equal(inc_incident_change(NULL, fx->store, OLDEST,
	                                     INC_ACTION_ACTION_ADD, &o, &err),
	                 0);
	o.text = "late";
	o.owner = "alice";
	o.due = now - 60;
	assert_int_equal(inc_incident_change(NULL, fx->store, MIDDLE,
	                                     INC_ACTION_ACTION_ADD, &o, &err),
	                 0);
	o.text = "soon";
	o.owner = "bob";
	o.due = now + 86400;
	assert_int_equal(inc_incident_change(NULL, fx->store, OLDEST,
	                                     INC_ACTION_ACTION_ADD, &o, &err),
	                 0);
	o.text = "done early";
	o.due = now - 7200;
	assert_int_equal(inc_incident_change(NULL, fx->store, NEWEST,
	                                     INC_ACTION_ACTION_ADD, &o, &err),
	                 0);
	o = (inc_change_opts)INC_CHANGE_OPTS_INIT;
	o.action_n = 1;
	assert_int_equal(inc_incident_change(NULL, fx->store, NEWEST,
	                                     INC_ACTION_ACTION_DONE, &o, &err),
	                 0);

	q.now = now;
	assert_int_equal(inc_followup__list(&arr, fx->store, &q, &err), 0);
	assert_int_equal(cJSON_GetArraySize(arr), 4);
	text = NULL;
	for (int i = 0; i < 4; i++) {
		const cJSON *a = cJSON_GetArrayItem(arr, i);
		char *was = text;
		text = inc_util__asprintf("%s%s%s", was != NULL ? was : "",
		                          was != NULL ? "," : "",
		                          inc_json__str(a, "text"));
		free(was);
	}
	assert_string_equal(text, "done early,late,soon,no date");
	free(text);
	assert_string_equal(
	        inc_json__str(cJSON_GetArrayItem(arr, 1), "short_id"), MIDDLE);
	assert_string_equal(inc_json__str(cJSON_GetArrayItem(arr, 1), "title"),
	                    "middle");
	assert_true(cJSON_IsTrue(
	        cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 1), "overdue")));
	/* done, so not overdue, though its date has passed */
	assert_true(cJSON_IsFalse(
	        cJSON_GetObjectItem(cJSON_GetArrayItem(arr, 0), "overdue")));
	cJSON_Delete(arr);

	q.open = true;
	assert_int_equal(inc_followup__list(&arr, fx->store, &q, &err), 0);
	assert_int_equal(cJSON_GetArraySize(arr), 3);
	cJSON_Delete(arr);
	q.overdue = true;
	assert_int_equal(inc_followup__list(&arr, fx->store, &q, &err), 0);
	assert_int_equal(cJSON_GetArraySize(arr), 1);
	assert_string_equal(inc_json__str(cJSON_GetArrayItem(arr, 0), "text"),
	                    "late");
	cJSON_Delete(arr);
	/* bob's open ones: his done one is left out */
	q.overdue = false;
	q.owner = "bob";
	assert_int_equal(inc_followup__list(&arr, fx->store, &q, &err), 0);
	assert_int_equal(cJSON_GetArraySize(arr), 1);
	assert_string_equal(inc_json__str(cJSON_GetArrayItem(arr, 0), "text"),
	                    "soon");
	cJSON_Delete(arr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_active_newest_first, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_statuses, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_filters, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_limit, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_items, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_prefixes, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_ambiguous_prefixes, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_short_ids, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_action_list, setup,
	                                        fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
