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

static void
random_event(inc_event *ev, uint32_t *seed, int i)
{
	static const char *const kinds[] = {"opened", "noted", "noted",
	                                    "from_the_future"};
	cJSON *p = cJSON_CreateObject();
	char text[32];

	memset(ev, 0, sizeof(*ev));
	strcpy(ev->incident, "0123456789abcdef");
	strcpy(ev->kind, i == 0 ? "opened" : kinds[next(seed) % 4]);
	strcpy(ev->replica, replicas[next(seed) % 3]);
	/* small Lamport values make ties between replicas common */
	ev->lamport = 1 + next(seed) % 6;
	ev->at = 1790000000 + next(seed) % 5000;
	ev->recorded_at = ev->at + next(seed) % 100;
	ev->actor = strdup(next(seed) % 2 ? "alice" : "bob");
	snprintf(text, sizeof(text), "title %u", next(seed) % 1000);
	cJSON_AddStringToObject(p, "title", text);
	cJSON_AddNumberToObject(p, "severity", 1 + next(seed) % 4);
	cJSON_AddStringToObject(p, "text", text);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_arrival_order),
	        cmocka_unit_test(test_total),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
