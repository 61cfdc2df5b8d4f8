/*
 * libFuzzer harness: a payload from monitoring (lib/ingest.c and the
 * formats it reads: alertmanager.c, pagerduty.c, changes.c) as ingest
 * and listen take it, against a store that already holds an alert group
 * and a PagerDuty incident, so attaching, repeating and resolving run
 * too. Every input is a dry run: it is decided in full, inside the
 * transaction, and must write nothing. A payload is taken (an answer
 * with its results) or refused with one line; never anything else.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inc_store *store;

/* the fixed now of every run: the seeds' times fall around it */
#define NOW 1795510800 /* 2026-11-24T09:00:00Z */

static const char seed_am[] =
        "{\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"Fuzz\\\"}\","
        "\"status\":\"firing\",\"receiver\":\"incident\","
        "\"groupLabels\":{\"alertname\":\"Fuzz\"},"
        "\"commonLabels\":{\"alertname\":\"Fuzz\",\"service\":\"db\"},"
        "\"commonAnnotations\":{\"summary\":\"fuzz\"},"
        "\"externalURL\":\"http://am\",\"alerts\":[{\"status\":\"firing\","
        "\"labels\":{\"alertname\":\"Fuzz\",\"instance\":\"a\"},"
        "\"annotations\":{},\"startsAt\":\"2026-11-24T08:50:00Z\","
        "\"endsAt\":\"0001-01-01T00:00:00Z\",\"fingerprint\":\"f1\"}]}";
static const char seed_pd[] =
        "{\"routing_key\":\"k\",\"event_action\":\"trigger\","
        "\"dedup_key\":\"fuzz-1\",\"payload\":{\"summary\":\"fuzz\","
        "\"source\":\"db1\",\"severity\":\"critical\"}}";

static void
ingest_seed(const char *body)
{
	inc_ingest_opts o = {.now = NOW};
	inc_error err;

	if (inc_ingest(NULL, NULL, store, body, strlen(body), &o, &err) < 0) {
		fprintf(stderr, "fuzz-ingest: a seed is refused: %s\n",
		        err.message);
		exit(1);
	}
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* under $TMPDIR: run.sh points it into the build tree */
	const char *tmp = getenv("TMPDIR");
	char *dir;
	inc_error err;

	(void)argc;
	(void)argv;
	setenv("TZ", "UTC", 1);
	dir = inc_util__asprintf("%s/incident-fuzz-ingest.XXXXXX",
	                         tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
	if (dir == NULL || mkdtemp(dir) == NULL ||
	    inc_store_open(&store, dir, INC_OPEN_CREATE, &err) < 0) {
		fprintf(stderr, "fuzz-ingest: no store in %s\n",
		        dir != NULL ? dir : "$TMPDIR");
		exit(1);
	}
	free(dir);
	ingest_seed(seed_am);
	ingest_seed(seed_pd);
	return 0;
}

static int64_t
count(const char *sql)
{
	int64_t n = -1;
	inc_error err;

	if (inc_store__query_int64(&n, store, sql, &err) < 0)
		abort();
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum inc_ingest_format formats[] = {
	        INC_INGEST_AUTO, INC_INGEST_ALERTMANAGER, INC_INGEST_PAGERDUTY,
	        INC_INGEST_PAGERDUTY_CHANGE};
	int64_t events = count("SELECT count(*) FROM events");
	int64_t seen =
	        count("SELECT coalesce(sum(repeats), 0) FROM alert_seen");
	inc_ingest_opts o = {.now = NOW, .dry_run = true};
	inc_ingest_result res;
	inc_error err;
	char *out = NULL;
	cJSON *doc;
	int ret;

	if (size > 65536)
		return 0;
	/* the first byte picks the format, as listen's path would */
	o.format = formats[size > 0 ? data[0] % 4 : 0];
	memset(&err, 0, sizeof(err));
	/* libFuzzer's buffer is exactly size bytes, no NUL after it: ASan
	 * sees a read past it */
	ret = inc_ingest(&out, &res, store, (const char *)data, size, &o, &err);
	if (ret == 0) {
		doc = out != NULL ? cJSON_Parse(out) : NULL;
		if (doc == NULL ||
		    !cJSON_IsArray(
		            cJSON_GetObjectItemCaseSensitive(doc, "results")))
			abort();
		cJSON_Delete(doc);
	} else if (ret != INC_EINVALID || err.message[0] == '\0' ||
	           strchr(err.message, '\n') != NULL || out != NULL) {
		fprintf(stderr, "fuzz-ingest: %d: %s\n", ret, err.message);
		abort();
	}
	inc_str_free(out);
	/* a dry run writes nothing: no event, no repeat counted */
	if (count("SELECT count(*) FROM events") != events ||
	    count("SELECT coalesce(sum(repeats), 0) FROM alert_seen") != seen)
		abort();
	return 0;
}
