/*
 * lib/ingest.c and the payload times of lib/time.c (issue 11): times as
 * senders send them, dedup keys hashed past 255 bytes, the look at the
 * nesting before the parser, text cut at a character; and an incident a
 * maintenance window opens (never paged, left out of metrics, like a
 * drill), which the stand-in of the maintenance part never opens.
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

/* 2026-11-24T12:00:00Z */
#define NOW 1795521600

static int64_t
payload_time(const char *json, bool want_none)
{
	cJSON *v = cJSON_Parse(json);
	int64_t t = -1;
	bool none = !want_none;

	assert_non_null(v);
	assert_int_equal(inc_time__payload(&t, &none, v), 0);
	assert_true(none == want_none);
	cJSON_Delete(v);
	return t;
}

static int
payload_bad(const char *json)
{
	cJSON *v = cJSON_Parse(json);
	int64_t t;
	bool none;
	int ret;

	assert_non_null(v);
	ret = inc_time__payload(&t, &none, v);
	cJSON_Delete(v);
	return ret;
}

static void
test_payload_times(void **state)
{
	(void)state;
	/* RFC 3339 to the nanosecond, any zone */
	assert_int_equal(payload_time("\"2026-11-24T12:00:00Z\"", false), NOW);
	assert_int_equal(
	        payload_time("\"2026-11-24T12:00:00.123456789Z\"", false), NOW);
	assert_int_equal(
	        payload_time("\"2026-11-24T13:00:00.999999999+01:00\"", false),
	        NOW);
	/* epoch seconds and milliseconds, numbers or digits */
	assert_int_equal(payload_time("1795521600", false), NOW);
	assert_int_equal(payload_time("1795521600123", false), NOW);
	assert_int_equal(payload_time("\"1795521600\"", false), NOW);
	assert_int_equal(payload_time("\"1795521600999\"", false), NOW);
	assert_int_equal(payload_time("0", false), 0);
	/* no time: Alertmanager's zero time, null, "" */
	assert_int_equal(payload_time("\"0001-01-01T00:00:00Z\"", true), 0);
	assert_int_equal(payload_time("null", true), 0);
	assert_int_equal(payload_time("\"\"", true), 0);
	/* not times */
	assert_int_equal(payload_bad("\"yesterday\""), INC_EINVALID);
	assert_int_equal(payload_bad("\"2026-11-24 12:00\""), INC_EINVALID);
	assert_int_equal(payload_bad("\"1969-12-31T23:59:59Z\""), INC_EINVALID);
	assert_int_equal(payload_bad("-5"), INC_EINVALID);
	assert_int_equal(payload_bad("1.5"), INC_EINVALID);
	assert_int_equal(payload_bad("1e300"), INC_EINVALID);
	assert_int_equal(payload_bad("true"), INC_EINVALID);
	assert_int_equal(payload_bad("[]"), INC_EINVALID);
	assert_int_equal(payload_bad("\"99999999999999999999\""), INC_EINVALID);
}

static void
test_keys(void **state)
{
	char out[INC_DEDUP_KEY_MAX + 1], key[400], hex[INC_EVENT_ID_LEN + 1];

	(void)state;
	inc_ingest__key(out, "{}:{alertname=\"x\"}");
	assert_string_equal(out, "{}:{alertname=\"x\"}");
	/* 255 bytes: as it is */
	memset(key, 'k', 255);
	key[255] = '\0';
	inc_ingest__key(out, key);
	assert_string_equal(out, key);
	/* 256 and more: sha256: and the hex of all its bytes */
	memset(key, 'k', 300);
	key[300] = '\0';
	inc_ingest__key(out, key);
	inc_util__sha256_hex(hex, key, 300);
	assert_int_equal(strlen(out), 7 + 64);
	assert_memory_equal(out, "sha256:", 7);
	assert_string_equal(out + 7, hex);
	/* the same key, the same hash; another, another */
	key[299] = 'l';
	inc_ingest__key(key, key);
	assert_string_not_equal(out, key);
}

static void
test_depth_and_text(void **state)
{
	char deep[200];
	char *t;

	(void)state;
	memset(deep, '[', 65);
	assert_true(inc_ingest__too_deep(deep, 65, 64));
	assert_false(inc_ingest__too_deep(deep, 64, 64));
	/* brackets in strings are text */
	snprintf(deep, sizeof(deep), "{\"a\":\"[[[[[[[[\\\"[[[[[\"}");
	assert_false(inc_ingest__too_deep(deep, strlen(deep), 2));
	/* cut at a character, line breaks made spaces */
	assert_non_null(t = inc_ingest__text("ab\xc3\xa9z", 3, true));
	assert_string_equal(t, "ab");
	free(t);
	assert_non_null(t = inc_ingest__text("a\nb\r\nc", 100, true));
	assert_string_equal(t, "a b  c");
	free(t);
	assert_non_null(t = inc_ingest__text("a\nb", 100, false));
	assert_string_equal(t, "a\nb");
	free(t);
}

/* an incident opened by a maintenance window: with a policy that pages
 * everything, it is not paged, tick never pages it, stats leave it out */
static void
test_maintenance_incident(void **state)
{
	struct fixture *fx = *state;
	inc_open_opts o = INC_OPEN_OPTS_INIT;
	inc_stats_opts so = {0};
	inc_incident *inc = NULL;
	struct inc_policy pol;
	inc_error err;
	cJSON *extra = cJSON_CreateObject(), *st = NULL;
	char *text = NULL;
	bool found = false;
	const char *services[] = {"db"};

	fixture_config(fx, "[escalation \"default\"]\n\tlevel = alice\n");
	cJSON_AddTrueToObject(extra, "maintenance");
	o.title = "disk full during the window";
	o.services = services;
	o.nservices = 1;
	o.at = NOW;
	o.now = NOW;
	assert_int_equal(inc_store__begin(fx->store, &err), 0);
	assert_int_equal(
	        inc_change__open(&inc, NULL, fx->store, &o, extra, NOW, &err),
	        0);
	assert_int_equal(inc_store__commit(fx->store, &err), 0);
	assert_true(cJSON_IsTrue(
	        cJSON_GetObjectItemCaseSensitive(inc->doc, "maintenance")));
	assert_int_equal(inc_doc__int(inc->doc, "escalation_level"), 0);
	assert_int_equal(inc_escalation__policy_of(&pol, &found, fx->store,
	                                           inc->doc, &err),
	                 0);
	assert_true(found);
	assert_int_equal(inc_escalation__next_at(fx->store, inc->doc, &pol), 0);
	inc_incident_free(inc);
	/* an ordinary one beside it is paged, and counted */
	o.title = "disk full";
	assert_int_equal(inc_incident_open(&inc, NULL, fx->store, &o, &err), 0);
	assert_int_equal(inc_doc__int(inc->doc, "escalation_level"), 1);
	inc_incident_free(inc);
	so.now = NOW;
	assert_int_equal(inc_stats_json(&text, fx->store, &so, &err), 0);
	assert_non_null(st = cJSON_Parse(text));
	assert_int_equal(inc_doc__int(st, "maintenance_left_out"), 1);
	assert_int_equal(inc_doc__int(cJSON_GetObjectItemCaseSensitive(
	                                      cJSON_GetObjectItemCaseSensitive(
	                                              st, "total"),
	                                      "counts"),
	                              "opened"),
	                 1);
	cJSON_Delete(st);
	inc_str_free(text);
	cJSON_Delete(extra);
}

static void
test_severity_map(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(inc_ingest__severity(fx->store, "critical"), 1);
	assert_int_equal(inc_ingest__severity(fx->store, "Warning"), 3);
	assert_int_equal(inc_ingest__severity(fx->store, "info"), 4);
	assert_int_equal(inc_ingest__severity(fx->store, "sev2"), 2);
	assert_int_equal(inc_ingest__severity(fx->store, "bogus"), 0);
	assert_int_equal(inc_ingest__severity(fx->store, NULL), 0);
	fixture_config(fx, "[ingest \"severity\"]\n\tPage = SEV1\n"
	                   "\tcritical = 2\n");
	assert_int_equal(inc_ingest__severity(fx->store, "page"), 1);
	assert_int_equal(inc_ingest__severity(fx->store, "PAGE"), 1);
	assert_int_equal(inc_ingest__severity(fx->store, "critical"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_payload_times),
	        cmocka_unit_test(test_keys),
	        cmocka_unit_test(test_depth_and_text),
	        cmocka_unit_test_setup_teardown(
	                test_severity_map, fixture_setup, fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_maintenance_incident,
	                                        fixture_setup,
	                                        fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
