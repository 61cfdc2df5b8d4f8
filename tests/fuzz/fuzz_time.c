/*
 * libFuzzer harness: the time and duration parsers (lib/time.c), which
 * read what people type after --at and what config says.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A fixed "now" (2026-11-24T09:41:00Z), so a crash replays. */
#define NOW 1795513260

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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, buf[64];
	inc_error err;
	int64_t t, back, secs;

	if (size > 4096)
		return 0;
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	if (inc_time_parse(&t, text, NOW, &err) == 0) {
		inc_time_rfc3339(buf, sizeof(buf), t);
		/*
		 * what it accepts, an event file can hold: it reads back to
		 * the same second (at-before-1970 was "20263w ago", a time
		 * every replica's import refused)
		 */
		if (t < 0 || t > INC_TIME_MAX ||
		    inc_time_from_rfc3339(&back, buf) != 0 || back != t)
			abort();
		inc_time_relative(buf, sizeof(buf), t, NOW);
	} else if (err.message[0] == '\0') {
		abort(); /* a refusal always says why */
	}
	if (inc_time_from_rfc3339(&t, text) == 0) {
		inc_time_rfc3339(buf, sizeof(buf), t);
		inc_time_relative(buf, sizeof(buf), t, NOW);
	}
	if (inc_duration_parse(&secs, text) == 0) {
		if (secs < 0)
			abort();
		inc_duration_format(buf, sizeof(buf), secs);
	}
	free(text);
	return 0;
}
