/*
 * The fold is total and deterministic: the same set of events gives the
 * same projection whatever order they arrived in.
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

#define SETS 1000
#define ORDERS 5
#define MAX_EVENTS 24

static const char *const replicas[] = {"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb",
                                       "cccccccccccccccc"};

/* xorshift: reproducible without global state */
static uint32_t
next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static const char *const kinds[] = {
        "opened",          "triaged",  "investigating", "mitigated",
        "resolved",        "reopened", "closed",        "escalated",
        "cancelled",       "merged",   "absorbed",      "noted",
        "updated",         "assigned", "edited",        "alert_attached",
        "from_the_future",
};

static const char *const words[] = {"alpha", "beta", "gamma", "delta"};
static const char *const roles[] = {"commander", "comms", "ops", "scribe"};

static void
random_payload(cJSON *p, const char *kind, uint32_t *seed)
{
	const char *w = words[next(seed) % 4];
	cJSON *arr;

	if (strcmp(kind, "opened") == 0 || strcmp(kind, "triaged") == 0) {
		bool opened = strcmp(kind, "opened") == 0;
		if (opened)
			cJSON_AddStringToObject(p, "title", w);
		cJSON_AddNumberToObject(p, "severity", 1 + next(seed) % 4);
		arr = cJSON_AddArrayToObject(p, "services");
		cJSON_AddItemToArray(arr, cJSON_CreateString(w));
		arr = cJSON_AddArrayToObject(p, "tags");
		cJSON_AddItemToArray(arr,
		                     cJSON_CreateString(words[next(seed) % 4]));
		if (next(seed) % 2 && !opened)
			cJSON_AddStringToObject(p, "priority", "P2");
		if (next(seed) % 2)
			cJSON_AddStringToObject(p, "commander", w);
		if (next(seed) % 3 == 0 && opened)
			cJSON_AddStringToObject(p, "dedup_key", w);
		if (next(seed) % 3 == 0)
			cJSON_AddStringToObject(p, "started_at",
			                        "2026-01-01T00:00:00Z");
	} else if (strcmp(kind, "escalated") == 0) {
		cJSON_AddNumberToObject(p, "level", 1 + next(seed) % 3);
		cJSON_AddStringToObject(p, "to", w);
	} else if (strcmp(kind, "assigned") == 0) {
		cJSON_AddStringToObject(p, "role", roles[next(seed) % 4]);
		if (next(seed) % 3)
			cJSON_AddStringToObject(p, "who", w);
		else
			cJSON_AddNullToObject(p, "who");
	} else if (strcmp(kind, "edited") == 0) {
		cJSON *f = cJSON_AddObjectToObject(p, "fields");
		cJSON_AddStringToObject(p, "title", w);
		if (next(seed) % 2)
			cJSON_AddStringToObject(f, words[next(seed) % 4], w);
		else
			cJSON_AddNullToObject(f, words[next(seed) % 4]);
	} else if (strcmp(kind, "absorbed") == 0) {
		cJSON_AddStringToObject(p, "from", "1111111111111111");
		arr = cJSON_AddArrayToObject(p, "dedup_keys");
		cJSON_AddItemToArray(arr, cJSON_CreateString(w));
		cJSON_AddNumberToObject(p, "alert_count", next(seed) % 5);
	} else if (strcmp(kind, "alert_attached") == 0) {
		cJSON_AddStringToObject(p, "dedup_key", w);
	} else if (strcmp(kind, "merged") == 0) {
		cJSON_AddStringToObject(p, "into", "2222222222222222");
	} else if (strcmp(kind, "investigating") == 0 ||
	           strcmp(kind, "mitigated") == 0) {
		cJSON_AddStringToObject(p, "note", w);
	} else if (strcmp(kind, "resolved") == 0) {
		cJSON_AddStringToObject(p, "summary", w);
		cJSON_AddStringToObject(p, "cause", w);
	} else if (strcmp(kind, "reopened") == 0 ||
	           strcmp(kind, "cancelled") == 0) {
		cJSON_AddStringToObject(p, "reason", w);
	} else if (strcmp(kind, "noted") == 0 || strcmp(kind, "updated") == 0) {
		cJSON_AddStringToObject(p, "text", w);
	}
	/* only what the kind has: an unknown member leaves it out of the
	 * fold, and the property would test nothing */
	assert_true(inc_kind__check(kind, p, NULL) ==
	            (strcmp(kind, "from_the_future") == 0 ? INC_ENEWER : 0));
}

static void
random_event(inc_event *ev, uint32_t *seed, int i)
{
	cJSON *p = cJSON_CreateObject();
	size_t nkinds = sizeof(kinds) / sizeof(kinds[0]);

	memset(ev, 0, sizeof(*ev));
	strcpy(ev->incident, "0123456789abcdef");
	strcpy(ev->kind, i == 0 ? "opened" : kinds[next(seed) % nkinds]);
	strcpy(ev->replica, replicas[next(seed) % 3]);
	/* small Lamport values make ties between replicas common */
	ev->lamport = 1 + next(seed) % 8;
	ev->at = 1790000000 + next(seed) % 5000;
	ev->recorded_at = ev->at + next(seed) % 100;
	ev->actor = strdup(next(seed) % 2 ? "alice" : "bob");
	random_payload(p, ev->kind, seed);
	ev->payload = p;
	assert_int_equal(inc_event__hash(ev, NULL), 0);
}

static char *
fold_text(inc_event *events, size_t n)
{
	cJSON *doc = inc_fold__events("0123456789abcdef", events, n);
	char *text = cJSON_PrintUnformatted(doc);

	cJSON_Delete(doc);
	return text;
}

static void
test_arrival_order(void **state)
{
	inc_event events[MAX_EVENTS];
	uint32_t seed = 0x9e3779b9;

	(void)state;
	for (int set = 0; set < SETS; set++) {
		size_t n = 1 + next(&seed) % MAX_EVENTS;
		char *first;

		for (size_t i = 0; i < n; i++)
			random_event(&events[i], &seed, (int)i);
		first = fold_text(events, n);
		assert_non_null(first);
		for (int order = 0; order < ORDERS; order++) {
			char *again;
			/* Fisher-Yates shuffle of the arrival order */
			for (size_t i = n - 1; i > 0; i--) {
				size_t j = next(&seed) % (i + 1);
				inc_event t = events[i];
				events[i] = events[j];
				events[j] = t;
			}
			again = fold_text(events, n);
			assert_string_equal(first, again);
			free(again);
		}
		free(first);
		for (size_t i = 0; i < n; i++)
			inc_event__release(&events[i]);
	}
}

static void
test_total(void **state)
{
	inc_event ev;
	uint32_t seed = 42;
	cJSON *doc;

	(void)state;
	/* no "opened" at all, and an unknown kind: still a projection */
	random_event(&ev, &seed, 1);
	strcpy(ev.kind, "kind_from_a_newer_version");
	doc = inc_fold__events("0123456789abcdef", &ev, 1);
	assert_non_null(doc);
	assert_int_equal(cJSON_GetObjectItem(doc, "event_count")->valueint, 1);
	assert_int_equal(
	        cJSON_GetObjectItem(doc, "unknown_event_count")->valueint, 1);
	cJSON_Delete(doc);
	inc_event__release(&ev);
}

/* A known kind with a member this version does not know is a newer
 * version's event: counted, never half understood. */
static void
test_unknown_member(void **state)
{
	inc_event ev[2];
	uint32_t seed = 3;
	cJSON *doc;

	(void)state;
	random_event(&ev[0], &seed, 0);
	ev[0].lamport = 1;
	cJSON_Delete(ev[0].payload);
	ev[0].payload = cJSON_CreateObject();
	cJSON_AddStringToObject(ev[0].payload, "title", "t");
	random_event(&ev[1], &seed, 1);
	ev[1].lamport = 2;
	strcpy(ev[1].kind, "escalated");
	cJSON_Delete(ev[1].payload);
	ev[1].payload = cJSON_CreateObject();
	cJSON_AddNumberToObject(ev[1].payload, "level", 3);
	cJSON_AddStringToObject(ev[1].payload, "pager", "from a newer version");
	doc = inc_fold__events("0123456789abcdef", ev, 2);
	assert_non_null(doc);
	assert_int_equal(cJSON_GetObjectItem(doc, "event_count")->valueint, 2);
	assert_int_equal(
	        cJSON_GetObjectItem(doc, "unknown_event_count")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(doc, "escalation_level")->valueint,
	                 0);
	cJSON_Delete(doc);
	for (int i = 0; i < 2; i++)
		inc_event__release(&ev[i]);
}

/* A resolve and a concurrent escalate on two replicas, either order. */
static void
test_concurrent_resolve_escalate(void **state)
{
	inc_event ev[3];
	uint32_t seed = 7;
	cJSON *d1, *d2;
	inc_event swapped[3];

	(void)state;
	random_event(&ev[0], &seed, 0);
	ev[0].lamport = 1;
	for (int i = 1; i < 3; i++) {
		random_event(&ev[i], &seed, i);
		ev[i].lamport = 2; /* concurrent: both saw only the opening */
		cJSON_Delete(ev[i].payload);
		ev[i].payload = cJSON_CreateObject();
	}
	strcpy(ev[1].kind, "resolved");
	strcpy(ev[1].replica, "bbbbbbbbbbbbbbbb");
	strcpy(ev[2].kind, "escalated");
	strcpy(ev[2].replica, "aaaaaaaaaaaaaaaa");
	cJSON_AddNumberToObject(ev[2].payload, "level", 1);
	inc_event__hash(&ev[1], NULL);
	inc_event__hash(&ev[2], NULL);
	memcpy(swapped, ev, sizeof(ev));
	swapped[1] = ev[2];
	swapped[2] = ev[1];
	d1 = inc_fold__events("0123456789abcdef", ev, 3);
	d2 = inc_fold__events("0123456789abcdef", swapped, 3);
	assert_true(cJSON_Compare(d1, d2, true));
	/* the escalation landed (level 1) and the incident is resolved */
	assert_string_equal(cJSON_GetObjectItem(d1, "status")->valuestring,
	                    "resolved");
	assert_int_equal(cJSON_GetObjectItem(d1, "escalation_level")->valueint,
	                 1);
	cJSON_Delete(d1);
	cJSON_Delete(d2);
	for (int i = 0; i < 3; i++)
		inc_event__release(&ev[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_arrival_order),
	        cmocka_unit_test(test_total),
	        cmocka_unit_test(test_unknown_member),
	        cmocka_unit_test(test_concurrent_resolve_escalate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
