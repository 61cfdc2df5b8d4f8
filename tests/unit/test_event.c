/*
 * The event id is the SHA-256 of the event's canonical JSON (DESIGN §2),
 * so the canonical JSON is a format: a change to it (member order,
 * escaping, number or time layout, a cJSON upgrade that prints
 * differently) changes every id, and every store and audit history
 * written before would no longer verify. A fixed test vector pins both.
 *
 * The vector was computed once from the code, then checked by two
 * independent means: sha256sum(1) of the JSON gives the id,
 *
 *	printf '%s' "$json" | sha256sum
 *
 * and Python's json module, reading that JSON and writing it again with
 * json.dumps(doc, ensure_ascii=False, separators=(",", ":")), gives the
 * same bytes, so the text is plain compact JSON with nothing of cJSON's
 * own in it.
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

/* 2026-11-24T09:41:00Z and seven seconds later */
#define AT 1795513260
#define RECORDED_AT 1795513267

/*
 * An em dash, curly quotes, a quote, a backslash, a slash, a tab and a
 * control character: everything JSON escaping can differ on.
 */
#define TITLE                                                                  \
	"API 5xx spike \xe2\x80\x94 \xe2\x80\x9c"                              \
	"quoted\xe2\x80\x9d \"x\" \\ back/slash\t\x01"

static const char canonical[] =
        "{\"format\":1,\"incident\":\"7fk2q0c9x4e8hnab\",\"kind\":\"opened\","
        "\"at\":\"2026-11-24T09:41:00Z\","
        "\"recorded_at\":\"2026-11-24T09:41:07Z\",\"lamport\":42,"
        "\"replica\":\"r5t8w1v0a2b3c4d5\","
        "\"actor\":\"Alice Example <alice@example.com>\","
        "\"payload\":{\"title\":\"API 5xx spike \xe2\x80\x94 \xe2\x80\x9c"
        "quoted\xe2\x80\x9d \\\"x\\\" \\\\ back/slash\\t\\u0001\","
        "\"severity\":2,\"services\":[\"api\",\"web\"],\"tags\":[],"
        "\"started_at\":\"2026-11-24T09:30:00Z\",\"drill\":false,"
        "\"dedup_key\":null}}";

static const char canonical_id[] =
        "0ceb134ae235d9ff22f772c09815c45c831ed4e8fb7968e0544a8bb929837c1e";

/* The fixed event; its payload is the caller's (inc_event__release). */
static void
fixed_event(inc_event *ev)
{
	cJSON *p = cJSON_CreateObject(), *services;

	memset(ev, 0, sizeof(*ev));
	snprintf(ev->incident, sizeof(ev->incident), "7fk2q0c9x4e8hnab");
	snprintf(ev->kind, sizeof(ev->kind), "opened");
	ev->at = AT;
	ev->recorded_at = RECORDED_AT;
	ev->lamport = 42;
	snprintf(ev->replica, sizeof(ev->replica), "r5t8w1v0a2b3c4d5");
	ev->actor = strdup("Alice Example <alice@example.com>");
	assert_non_null(p);
	assert_non_null(ev->actor);
	cJSON_AddStringToObject(p, "title", TITLE);
	cJSON_AddNumberToObject(p, "severity", 2);
	services = cJSON_AddArrayToObject(p, "services");
	cJSON_AddItemToArray(services, cJSON_CreateString("api"));
	cJSON_AddItemToArray(services, cJSON_CreateString("web"));
	cJSON_AddArrayToObject(p, "tags");
	cJSON_AddStringToObject(p, "started_at", "2026-11-24T09:30:00Z");
	cJSON_AddFalseToObject(p, "drill");
	cJSON_AddNullToObject(p, "dedup_key");
	ev->payload = p;
}

static char *
print(const cJSON *o)
{
	char *text;

	assert_non_null(o);
	text = cJSON_PrintUnformatted(o);
	assert_non_null(text);
	return text;
}

static void
test_canonical_json_vector(void **state)
{
	inc_event ev;
	cJSON *o;
	char *text;

	(void)state;
	fixed_event(&ev);
	o = inc_event__json(&ev, false);
	text = print(o);
	assert_string_equal(text, canonical);
	free(text);
	cJSON_Delete(o);
	inc_event__release(&ev);
}

static void
test_event_id_vector(void **state)
{
	char hex[INC_EVENT_ID_LEN + 1];
	inc_event ev;
	inc_error err;

	(void)state;
	fixed_event(&ev);
	assert_int_equal(inc_event__hash(&ev, &err), 0);
	assert_string_equal(ev.id, canonical_id);
	/* the id is the hash of exactly the text above, nothing more */
	inc_util__sha256_hex(hex, canonical, strlen(canonical));
	assert_string_equal(hex, canonical_id);
	inc_event__release(&ev);
}

/* The audit mirror's file and export carry the id second. */
static void
test_json_with_id(void **state)
{
	inc_event ev;
	inc_error err;
	cJSON *o;
	char *text, want[sizeof(canonical) + 80];

	(void)state;
	fixed_event(&ev);
	assert_int_equal(inc_event__hash(&ev, &err), 0);
	snprintf(want, sizeof(want), "{\"format\":1,\"id\":\"%s\",%s",
	         canonical_id, canonical + strlen("{\"format\":1,"));
	assert_int_equal(inc_event__to_json(&o, &ev, &err), 0);
	text = print(o);
	assert_string_equal(text, want);
	free(text);
	cJSON_Delete(o);
	inc_event__release(&ev);
}

/* Every member is in the hash: changing any one changes the id. */
static void
test_every_member_is_hashed(void **state)
{
	inc_event ev;
	inc_error err;

	(void)state;
	for (int member = 0; member < 9; member++) {
		fixed_event(&ev);
		switch (member) {
		case 0:
			ev.incident[0] = '8';
			break;
		case 1:
			snprintf(ev.kind, sizeof(ev.kind), "noted");
			break;
		case 2:
			ev.at++;
			break;
		case 3:
			ev.recorded_at++;
			break;
		case 4:
			ev.lamport++;
			break;
		case 5:
			ev.replica[0] = 's';
			break;
		case 6:
			ev.actor[0] = 'a';
			break;
		case 7:
			cJSON_ReplaceItemInObject(ev.payload, "severity",
			                          cJSON_CreateNumber(3));
			break;
		case 8:
			/* the payload's member order is part of it */
			cJSON_AddItemToObject(ev.payload, "title",
			                      cJSON_DetachItemFromObject(
			                              ev.payload, "title"));
			break;
		}
		assert_int_equal(inc_event__hash(&ev, &err), 0);
		if (strcmp(ev.id, canonical_id) == 0)
			fail_msg("changing member %d keeps the id", member);
		inc_event__release(&ev);
	}
}

/* The total order of DESIGN §2: lamport, then replica, then event id. */
static void
test_total_order(void **state)
{
	inc_event a, b;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.lamport = 1;
	b.lamport = 2;
	snprintf(a.replica, sizeof(a.replica), "zzzzzzzzzzzzzzzz");
	snprintf(b.replica, sizeof(b.replica), "0000000000000000");
	snprintf(a.id, sizeof(a.id), "ff");
	snprintf(b.id, sizeof(b.id), "00");
	/* the clock first, whatever the replica and id say */
	assert_true(inc_event__compare(&a, &b) < 0);
	assert_true(inc_event__compare(&b, &a) > 0);
	/* then the replica */
	b.lamport = 1;
	assert_true(inc_event__compare(&b, &a) < 0);
	/* then the event id */
	snprintf(b.replica, sizeof(b.replica), "zzzzzzzzzzzzzzzz");
	assert_true(inc_event__compare(&b, &a) < 0);
	assert_int_equal(inc_event__compare(&a, &a), 0);
}

/* The clock must come back from JSON as it went: never past 2^53-1. */
static void
test_lamport_range(void **state)
{
	inc_event ev;
	inc_error err;

	(void)state;
	fixed_event(&ev);
	ev.lamport = INC_JSON_INT_MAX;
	assert_int_equal(inc_event__hash(&ev, &err), 0);
	ev.lamport = INC_JSON_INT_MAX + 1;
	assert_int_equal(inc_event__hash(&ev, &err), INC_ECORRUPT);
	assert_non_null(strstr(err.message, "Lamport clock is out of range"));
	ev.lamport = 0;
	assert_int_equal(inc_event__hash(&ev, &err), INC_ECORRUPT);
	inc_event__release(&ev);
}

/* Above 10^15 cJSON would print 15 digits: the clock is its own digits. */
static void
test_lamport_printed_exactly(void **state)
{
	inc_event ev, back;
	inc_error err;
	cJSON *o;
	char *text;

	(void)state;
	fixed_event(&ev);
	ev.lamport = INC_JSON_INT_MAX;
	assert_int_equal(inc_event__hash(&ev, &err), 0);
	o = inc_event__json(&ev, true);
	text = cJSON_PrintUnformatted(o);
	assert_non_null(strstr(text, "\"lamport\":9007199254740991,"));
	assert_int_equal(inc_event__from_json(&back, text, strlen(text), &err),
	                 0);
	assert_true(back.lamport == INC_JSON_INT_MAX);
	inc_event__release(&back);
	free(text);
	cJSON_Delete(o);
	inc_event__release(&ev);
}

/* What a reader says about a file: the member that is wrong, or newer. */
static void
test_from_json_says_why(void **state)
{
	static const char *const cases[][2] = {
	        {"[1]", "not a JSON object"},
	        {"{\"format\":2}", "format 2: written by a newer incident"},
	        {"{\"format\":\"x\"}", "format: not a format number"},
	        {"{\"lamport\":1}", "id: missing"},
	        {"{\"lamport\":1e300}", "lamport: not a whole number"},
	};
	inc_event ev;
	inc_error err;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		int ret = inc_event__from_json(&ev, cases[i][0],
		                               strlen(cases[i][0]), &err);
		assert_int_equal(ret, i == 1 ? INC_ENEWER : INC_ECORRUPT);
		if (strstr(err.message, cases[i][1]) == NULL)
			fail_msg("%s: %s", cases[i][0], err.message);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_canonical_json_vector),
	        cmocka_unit_test(test_event_id_vector),
	        cmocka_unit_test(test_json_with_id),
	        cmocka_unit_test(test_every_member_is_hashed),
	        cmocka_unit_test(test_total_order),
	        cmocka_unit_test(test_lamport_range),
	        cmocka_unit_test(test_lamport_printed_exactly),
	        cmocka_unit_test(test_from_json_says_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
