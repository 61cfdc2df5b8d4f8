/*
 * libFuzzer harness: the import path. Each line of the input is an event
 * file as sync and rebuild read it from git (inc_event__from_json); the
 * ones that parse, hash to their id and pass the kind's check
 * (inc_kind__check) are folded, in order and then in total order
 * (inc_fold__apply, inc_fold__events), into one incident, as an import
 * does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_EVENTS 64

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1);
	return 0;
}

/* Whether ev's id is the hash of its canonical JSON (a forged id is not). */
static bool
hash_ok(const inc_event *ev)
{
	inc_event copy = *ev;

	if (inc_event__hash(&copy, NULL) < 0)
		return false;
	return strcmp(copy.id, ev->id) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	inc_event evs[MAX_EVENTS];
	size_t n = 0, off = 0;
	bool all_hashed = true;
	cJSON *doc = NULL, *again;
	inc_error err;
	char *text;

	if (size > 65536)
		return 0;
	while (off < size && n < MAX_EVENTS) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t len =
		        nl != NULL ? (size_t)(nl - (data + off)) : size - off;
		inc_event ev;

		if (inc_event__from_json(&ev, (const char *)data + off, len,
		                         &err) == 0) {
			/* a line that starts with an even byte (a space) skips
			 * the hash check: the fuzzer reaches the kind checks
			 * and the fold without computing SHA-256 */
			bool unchecked = (data[off] & 1) == 0, hashed;
			hashed = unchecked || hash_ok(&ev);
			if (hashed &&
			    inc_kind__check(ev.kind, ev.payload, &err) == 0 &&
			    strcmp(ev.incident, n > 0 ? evs[0].incident
			                              : ev.incident) == 0) {
				all_hashed = all_hashed && !unchecked;
				evs[n++] = ev;
			} else
				inc_event__release(&ev);
		}
		off += len + 1;
	}
	if (n > 0 && (doc = inc_fold__new(evs[0].incident)) != NULL) {
		for (size_t i = 0; i < n; i++)
			if (inc_fold__apply(doc, &evs[i]) < 0)
				break;
		text = cJSON_PrintUnformatted(doc);
		free(text);
		cJSON_Delete(doc);
	}
	/*
	 * The total order: the same events in any arrival order fold alike
	 * (when every id is the hash of its event, so one id is one event).
	 */
	if (n > 0 && all_hashed) {
		char *a, *b;
		doc = inc_fold__events(evs[0].incident, evs, n);
		for (size_t i = 0; i < n / 2; i++) {
			inc_event t = evs[i];
			evs[i] = evs[n - 1 - i];
			evs[n - 1 - i] = t;
		}
		again = inc_fold__events(evs[0].incident, evs, n);
		a = doc != NULL ? cJSON_PrintUnformatted(doc) : NULL;
		b = again != NULL ? cJSON_PrintUnformatted(again) : NULL;
		if (a != NULL && b != NULL && strcmp(a, b) != 0)
			abort();
		free(a);
		free(b);
		cJSON_Delete(doc);
		cJSON_Delete(again);
	}
	for (size_t i = 0; i < n; i++)
		inc_event__release(&evs[i]);
	return 0;
}
