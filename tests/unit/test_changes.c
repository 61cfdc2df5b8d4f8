/*
 * Change events: PagerDuty's /v2/change/enqueue body, validated whole and
 * recorded as change_recorded on change:<service> in the caller's
 * transaction; the changes an incident's page shows, from config
 * changes.window before it opened until it resolved.
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

/* ingests body at now (in a transaction of its own): the status */
static int
ingest(struct fixture *fx, cJSON *results, const char *body, int64_t now,
       bool dry_run, inc_error *err)
{
	cJSON *root = cJSON_Parse(body);
	int ret;

	assert_non_null(root);
	assert_int_equal(inc_store__begin(fx->store, err), 0);
	ret = inc_changes__ingest(results, fx->store, root, now, dry_run, err);
	if (ret == 0)
		assert_int_equal(inc_store__commit(fx->store, err), 0);
	else
		inc_store__rollback(fx->store);
	cJSON_Delete(root);
	return ret;
}

static int64_t
changes(struct fixture *fx)
{
	int64_t n = -1;

	assert_int_equal(inc_store__query_int64(&n, fx->store,
	                                        "SELECT count(*) FROM events "
	                                        "WHERE kind = "
	                                        "'change_recorded'",
	                                        NULL),
	                 0);
	return n;
}

static void
test_ingest(void **state)
{
	struct fixture *fx = *state;
	cJSON *results = cJSON_CreateArray(), *r;
	inc_event_list *list;
	const inc_event *ev;
	inc_error err;

	assert_int_equal(
	        ingest(fx, results,
	               "{\"routing_key\": "
	               "\"R015XXXXXXXXXXXXXXXXXXXXXXXXXXXX\", "
	               "\"payload\": {\"summary\": \"Deploy api v2\", "
	               "\"timestamp\": \"2026-11-03T06:30:00.123456789Z\", "
	               "\"source\": \"ci\", \"custom_details\": {\"service\": "
	               "\"api\", \"build\": 42}}, \"links\": [{\"href\": "
	               "\"https://ci.example.com/42\", \"text\": \"build\"}]}",
	               T0, false, &err),
	        0);
	r = cJSON_GetArrayItem(results, 0);
	assert_string_equal(inc_json__str(r, "action"), "changed");
	assert_string_equal(inc_json__str(r, "service"), "api");
	assert_string_equal(inc_json__str(r, "key"), "change:api");
	assert_int_equal(inc_event__load(&list, fx->store, "change:api", &err),
	                 0);
	assert_int_equal(list->n, 1);
	ev = &list->events[0];
	assert_string_equal(ev->kind, "change_recorded");
	assert_int_equal(ev->at, T0 - 30 * 60);
	assert_string_equal(inc_json__str(ev->payload, "summary"),
	                    "Deploy api v2");
	assert_string_equal(inc_json__str(ev->payload, "source"), "ci");
	assert_string_equal(inc_json__str(ev->payload, "details"),
	                    "{\"service\":\"api\",\"build\":42}");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	                         ev->payload, "links")),
	                 1);
	inc_event_list_free(list);
	/* no custom_details.service: the source is the service; epoch ms */
	assert_int_equal(ingest(fx, results,
	                        "{\"routing_key\": \"k\", \"payload\": "
	                        "{\"summary\": \"flag on\", \"source\": "
	                        "\"web\", \"timestamp\": 1793685600000}}",
	                        T0, false, &err),
	                 0);
	assert_int_equal(inc_event__load(&list, fx->store, "change:web", &err),
	                 0);
	assert_int_equal(list->n, 1);
	assert_int_equal(list->events[0].at, T0 - H);
	inc_event_list_free(list);
	cJSON_Delete(results);
}

/* a service of the longest name: its key is whole in the answer */
static void
test_long_service(void **state)
{
	struct fixture *fx = *state;
	cJSON *results = cJSON_CreateArray();
	char name[INC_NAME_MAX + 1], body[256], key[INC_SCOPE_MAX + 1];
	inc_error err;

	memset(name, 'a', INC_NAME_MAX);
	name[INC_NAME_MAX] = '\0';
	snprintf(body, sizeof(body),
	         "{\"payload\": {\"summary\": \"x\", \"source\": \"%s\"}}",
	         name);
	snprintf(key, sizeof(key), "change:%s", name);
	assert_int_equal(ingest(fx, results, body, T0, false, &err), 0);
	assert_string_equal(
	        inc_json__str(cJSON_GetArrayItem(results, 0), "key"), key);
	cJSON_Delete(results);
}

/* a sender's clock ahead of ours: now, with a note; a dry run writes none */
static void
test_clamped_and_dry(void **state)
{
	struct fixture *fx = *state;
	cJSON *results = cJSON_CreateArray();
	inc_event_list *list;
	inc_error err;
	int64_t now = inc_time_now();
	char body[256];

	snprintf(body, sizeof(body),
	         "{\"payload\": {\"summary\": \"push\", \"source\": \"db\", "
	         "\"timestamp\": %lld}}",
	         (long long)(now + 600));
	assert_int_equal(ingest(fx, results, body, now, true, &err), 0);
	assert_int_equal(changes(fx), 0);
	assert_int_equal(cJSON_GetArraySize(results), 1);
	assert_int_equal(ingest(fx, results, body, now, false, &err), 0);
	assert_int_equal(inc_event__load(&list, fx->store, "change:db", &err),
	                 0);
	assert_int_equal(list->n, 1);
	assert_true(list->events[0].at <= now);
	assert_non_null(strstr(inc_json__str(list->events[0].payload, "note"),
	                       "ahead of now by"));
	inc_event_list_free(list);
	cJSON_Delete(results);
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
	        "[]",
	        "{\"routing_key\": 5, \"payload\": {\"summary\": \"x\", "
	        "\"source\": \"api\"}}",
	        "{\"routing_key\": \"k\"}",
	        "{\"payload\": {\"source\": \"api\"}}",
	        "{\"payload\": {\"summary\": \"  \", \"source\": \"api\"}}",
	        "{\"payload\": {\"summary\": 7, \"source\": \"api\"}}",
	        "{\"payload\": {\"summary\": \"x\"}}",
	        "{\"payload\": {\"summary\": \"x\", \"source\": 3}}",
	        "{\"payload\": {\"summary\": \"x\", \"source\": \"api\", "
	        "\"timestamp\": true}}",
	        "{\"payload\": {\"summary\": \"x\", \"source\": \"api\", "
	        "\"timestamp\": \"soon\"}}",
	        "{\"payload\": {\"summary\": \"x\", \"source\": \"api\", "
	        "\"timestamp\": 1.5}}",
	        /* a sender's time says its zone: never the receiver's */
	        "{\"payload\": {\"summary\": \"x\", \"source\": \"api\", "
	        "\"timestamp\": \"2026-11-03T06:30:00\"}}",
	        "{\"payload\": {\"summary\": \"x\", \"source\": \"api\", "
	        "\"timestamp\": \"06:30\"}}",
	        "{\"payload\": {\"summary\": \"x\", \"source\": \"api\", "
	        "\"timestamp\": \"10m ago\"}}",
	        "{\"payload\": {\"summary\": \"x\", \"source\": \"api\"}, "
	        "\"links\": {}}",
	        "{\"payload\": {\"summary\": \"x\", \"source\": \"api\"}, "
	        "\"links\": [{\"text\": \"no href\"}]}",
	        /* invalid UTF-8, held by the one validator */
	        "{\"payload\": {\"summary\": \"\xff\xfe\", \"source\": "
	        "\"api\"}}",
	};
	struct fixture *fx = *state;
	char big[1200 + 64];
	inc_error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		assert_int_equal(ingest(fx, NULL, bad[i], T0, false, &err),
		                 INC_EINVALID);
	/* a service that cannot name a scope: said so */
	assert_int_equal(ingest(fx, NULL,
	                        "{\"payload\": {\"summary\": \"x\", "
	                        "\"source\": \"my api\"}}",
	                        T0, false, &err),
	                 INC_EINVALID);
	assert_non_null(strstr(err.message, "not a service name"));
	assert_int_equal(ingest(fx, NULL,
	                        "{\"payload\": {\"summary\": \"x\", "
	                        "\"source\": \"ok\", \"custom_details\": "
	                        "{\"service\": \".git\"}}}",
	                        T0, false, &err),
	                 INC_EINVALID);
	/* 1024 bytes is PagerDuty's limit; 1025 is over */
	snprintf(big, sizeof(big),
	         "{\"payload\": {\"summary\": \"%01025d\", \"source\": "
	         "\"api\"}}",
	         0);
	assert_int_equal(ingest(fx, NULL, big, T0, false, &err), INC_EINVALID);
	snprintf(big, sizeof(big),
	         "{\"payload\": {\"summary\": \"%01024d\", \"source\": "
	         "\"api\"}}",
	         0);
	assert_int_equal(ingest(fx, NULL, big, T0, false, &err), 0);
	assert_int_equal(changes(fx), 1);
}

/* show's changes: the incident's services, window before open to resolve */
static void
test_of_incident(void **state)
{
	struct fixture *fx = *state;
	inc_open_opts o = INC_OPEN_OPTS_INIT;
	const char *services[] = {"api"};
	inc_incident *inc;
	char id[65], *text;
	inc_error err;

	assert_int_equal(inc_changes_add(id, fx->store, "api", "deploy 1", NULL,
	                                 T0 - 5 * H, 0, &err),
	                 0);
	assert_int_equal(inc_changes_add(id, fx->store, "api", "deploy 0", NULL,
	                                 T0 - 7 * H, 0, &err),
	                 0);
	assert_int_equal(inc_changes_add(id, fx->store, "web", "deploy w", NULL,
	                                 T0 - H, 0, &err),
	                 0);
	o.title = "API slow";
	o.services = services;
	o.nservices = 1;
	o.now = T0;
	assert_int_equal(inc_incident_open(&inc, NULL, fx->store, &o, &err), 0);
	assert_int_equal(inc_changes_of_incident_json(&text, fx->store,
	                                              inc_incident_id(inc),
	                                              T0 + H, &err),
	                 0);
	assert_non_null(strstr(text, "deploy 1"));
	assert_null(strstr(text, "deploy 0"));
	assert_null(strstr(text, "deploy w"));
	inc_str_free(text);
	fixture_config(fx, "[changes]\n\twindow = 8h\n");
	assert_int_equal(inc_changes_of_incident_json(&text, fx->store,
	                                              inc_incident_id(inc),
	                                              T0 + H, &err),
	                 0);
	assert_non_null(strstr(text, "deploy 0"));
	assert_true(strstr(text, "deploy 0") < strstr(text, "deploy 1"));
	inc_str_free(text);
	fixture_config(fx, "[changes]\n\twindow = soon\n");
	assert_int_equal(inc_changes_of_incident_json(&text, fx->store,
	                                              inc_incident_id(inc),
	                                              T0 + H, &err),
	                 INC_ERROR);
	inc_incident_free(inc);
	/* by hand: not after now, a summary, a service name */
	assert_int_equal(inc_changes_add(id, fx->store, "api", "later", NULL,
	                                 inc_time_now() + 60, 0, &err),
	                 INC_EINVALID);
	assert_int_equal(
	        inc_changes_add(id, fx->store, "api", " ", NULL, 0, 0, &err),
	        INC_EINVALID);
	assert_int_equal(
	        inc_changes_add(id, fx->store, "a,b", "x", NULL, 0, 0, &err),
	        INC_EINVALID);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_ingest, fixture_setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(
	                test_long_service, fixture_setup, fixture_teardown),
	        cmocka_unit_test_setup_teardown(
	                test_clamped_and_dry, fixture_setup, fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_refused, fixture_setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_of_incident, fixture_setup,
	                                        fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
