/*
 * libFuzzer harness: a runbook file (lib/runbook.c) as runbooks.dir
 * holds it, which may be a checkout of a team's repository: the parser
 * (inc_runbook__parse) and the matcher (inc_runbook__score). A file the
 * parser takes must make a runbook_attached payload that the kind's
 * check (inc_kind__check) takes, as attach() relies on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
attachable(const struct inc_runbook__file *rb)
{
	cJSON *p = cJSON_CreateObject(), *steps;
	char hash[INC_EVENT_ID_LEN + 1];
	inc_error err;

	if (p == NULL)
		abort();
	memset(hash, 'a', INC_EVENT_ID_LEN);
	hash[INC_EVENT_ID_LEN] = '\0';
	cJSON_AddStringToObject(p, "path", "fuzz.md");
	cJSON_AddStringToObject(p, "hash", hash);
	cJSON_AddStringToObject(p, "title",
	                        rb->title != NULL ? rb->title : "fuzz");
	steps = cJSON_AddArrayToObject(p, "steps");
	for (size_t i = 0; steps != NULL && i < rb->nsteps; i++)
		cJSON_AddItemToArray(steps, cJSON_CreateString(rb->steps[i]));
	if (cJSON_GetArraySize(steps) != (int)rb->nsteps)
		abort();
	if (inc_kind__check("runbook_attached", p, &err) != 0)
		abort();
	cJSON_Delete(p);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inc_runbook__file rb;
	inc_error err;
	cJSON *doc;
	int ret;

	if (size > 65536)
		return 0;
	memset(&rb, 0, sizeof(rb));
	/* libFuzzer's buffer is exactly size bytes: ASan sees a read
	 * before or after it */
	ret = inc_runbook__parse(&rb, (const char *)data, size, &err);
	if (ret != 0 && ((ret != INC_EINVALID && ret != INC_ENOTFOUND) ||
	                 err.message[0] == '\0'))
		abort();
	if (ret == 0) {
		if (rb.nservices == 0 && rb.ntags == 0)
			abort();
		for (size_t i = 0; i < rb.nsteps; i++)
			if (rb.steps[i][0] == '\0' ||
			    strpbrk(rb.steps[i], "\r\n") != NULL)
				abort();
		if (rb.title != NULL && strpbrk(rb.title, "\r\n") != NULL)
			abort();
		attachable(&rb);
		doc = cJSON_Parse("{\"services\": [\"db\", \"api\"], "
		                  "\"tags\": [\"edge\"], \"severity\": 1}");
		if (doc == NULL)
			abort();
		(void)inc_runbook__score(&rb, doc);
		cJSON_Delete(doc);
	}
	inc_runbook__release(&rb);
	return 0;
}
