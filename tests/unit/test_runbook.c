/*
 * Runbook files: what the parser takes from a file and what it refuses,
 * and which runbook the matcher picks for an incident.
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

/* The bytes in a heap block of their size exactly, as read_file() hands
 * them over, so that ASan sees a read one byte before or after. */
static int
parse_bytes(struct inc_runbook__file *rb, const char *text, size_t len,
            inc_error *err)
{
	char *copy = malloc(len > 0 ? len : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, text, len);
	ret = inc_runbook__parse(rb, copy, len, err);
	free(copy);
	return ret;
}

static int
parse(struct inc_runbook__file *rb, const char *text, inc_error *err)
{
	memset(rb, 0, sizeof(*rb));
	return parse_bytes(rb, text, strlen(text), err);
}

static void
test_the_shape_of_the_issue(void **state)
{
	struct inc_runbook__file rb;
	inc_error err;

	(void)state;
	assert_int_equal(parse(&rb,
	                       "---\n"
	                       "services: db, postgres\n"
	                       "severity: 1, 2\n"
	                       "---\n"
	                       "# Primary database down\n"
	                       "- [ ] Check replication lag on the replicas\n"
	                       "- [ ] Fail over with `pgctl promote`\n",
	                       &err),
	                 0);
	assert_string_equal(rb.title, "Primary database down");
	assert_int_equal(rb.nservices, 2);
	assert_string_equal(rb.services[0], "db");
	assert_string_equal(rb.services[1], "postgres");
	assert_int_equal(rb.nseverities, 2);
	assert_string_equal(rb.severities[1], "2");
	assert_int_equal(rb.nsteps, 2);
	assert_string_equal(rb.steps[1], "Fail over with `pgctl promote`");
	inc_runbook__release(&rb);
}

static void
test_checklists_and_headers_people_write(void **state)
{
	struct inc_runbook__file rb;
	inc_error err;

	(void)state;
	/* CRLF, brackets and quotes, singular keys, unknown keys, prose,
	 * other list markers and [x], indented items, a lone \r */
	assert_int_equal(parse(&rb,
	                       "---\r\n"
	                       "Service: [\"api\", 'edge']\r\n"
	                       "tag: deploy rollback\r\n"
	                       "owner: team-a\r\n"
	                       "---\r\n"
	                       "Some words.\r\n"
	                       "# API errors  \r\n"
	                       "## Steps\r\n"
	                       "* [x] Roll back\r\n"
	                       "  + [X]   Tell #ops  \r\n"
	                       "- [] not a step\r\n"
	                       "- [ ]\r\n"
	                       "-[ ] nor this\r"
	                       "- [ ] last",
	                       &err),
	                 0);
	assert_string_equal(rb.title, "API errors");
	assert_int_equal(rb.nservices, 2);
	assert_string_equal(rb.services[1], "edge");
	assert_int_equal(rb.ntags, 2);
	assert_string_equal(rb.tags[1], "rollback");
	assert_int_equal(rb.nsteps, 3);
	assert_string_equal(rb.steps[0], "Roll back");
	assert_string_equal(rb.steps[1], "Tell #ops");
	assert_string_equal(rb.steps[2], "last");
	for (size_t i = 0; i < rb.nsteps; i++)
		assert_null(strpbrk(rb.steps[i], "\r\n"));
	inc_runbook__release(&rb);
}

static void
refused_as(int code, const char *text, size_t len, const char *why)
{
	struct inc_runbook__file rb;
	inc_error err;

	memset(&rb, 0, sizeof(rb));
	assert_int_equal(parse_bytes(&rb, text, len, &err), code);
	if (strstr(err.message, why) == NULL)
		fail_msg("expected '%s', got '%s'", why, err.message);
	inc_runbook__release(&rb);
}

/* a file with a header that cannot be a runbook */
static void
refused(const char *text, size_t len, const char *why)
{
	refused_as(INC_EINVALID, text, len, why);
}

/* a Markdown file that is no runbook at all: no header */
static void
not_a_runbook(const char *text, size_t len)
{
	refused_as(INC_ENOTFOUND, text, len, "no header");
}

static void
test_what_cannot_be_a_runbook(void **state)
{
	static const char nul[] = "---\nservices: db\n---\n# a\0b\n";
	char *big, *many;
	size_t n = 0;

	(void)state;
	not_a_runbook("# Title\n- [ ] step\n", 19);
	/* an empty first line: the line reader never looks before it */
	not_a_runbook("\n---\nservices: db\n---\n# x\n- [ ] a\n", 34);
	not_a_runbook("\r\n---\nservices: db\n---\n", 23);
	not_a_runbook("\n", 1);
	not_a_runbook("", 0);
	not_a_runbook("--", 2);
	not_a_runbook("---x\nservices: db\n---\n", 22);
	not_a_runbook("\xef\xbb\xbf", 3);
	not_a_runbook("\xef\xbb\xbf# README\n", 12);
	/* whatever else is wrong with it: no header is said first */
	not_a_runbook("# R\xff\xfe\n", 6);
	refused("---\nservices: db\n# never closed\n", 32, "no closing");
	refused("---\nowner: me\n---\n# t\n- [ ] x\n", 30,
	        "names no services and no tags");
	refused(nul, sizeof(nul) - 1, "NUL");
	refused("---\nservices: db\n---\n# \xff\xfe\n", 25, "UTF-8");
	refused("---\nservices: db\n---\n# \xed\xa0\x80\n", 25, "UTF-8");
	big = malloc(INC_RUNBOOK_FILE_MAX + 2);
	assert_non_null(big);
	memset(big, 'a', INC_RUNBOOK_FILE_MAX + 1);
	memcpy(big, "---\nservices: db\n---\n", 21);
	refused(big, INC_RUNBOOK_FILE_MAX + 1, "larger than");
	free(big);
	many = malloc(64 + 8 * (INC_RUNBOOK_STEPS_MAX + 1));
	assert_non_null(many);
	n += (size_t)sprintf(many, "---\nservices: db\n---\n");
	for (int i = 0; i <= INC_RUNBOOK_STEPS_MAX; i++)
		n += (size_t)sprintf(many + n, "- [ ] s\n");
	refused(many, n, "more than 200 steps");
	free(many);
}

static void
test_a_byte_order_mark_is_skipped(void **state)
{
	struct inc_runbook__file rb;
	inc_error err;

	(void)state;
	assert_int_equal(parse(&rb,
	                       "\xef\xbb\xbf---\r\nservices: db\r\n---\r\n"
	                       "# T\r\n- [ ] one\r\n",
	                       &err),
	                 0);
	assert_int_equal(rb.nservices, 1);
	assert_string_equal(rb.services[0], "db");
	assert_string_equal(rb.title, "T");
	assert_int_equal(rb.nsteps, 1);
	inc_runbook__release(&rb);
	/* one in the middle is text, as any other */
	refused("---\n\xef\xbb\xbf---\nservices: db\n", 24, "no closing");
}

static void
test_a_long_step_or_label_is_refused(void **state)
{
	char text[1200 + 64], label[200];
	struct inc_runbook__file rb;
	inc_error err;

	(void)state;
	snprintf(text, sizeof(text), "---\nservices: db\n---\n- [ ] %01100d\n",
	         0);
	refused(text, strlen(text), "longer than 1000 bytes");
	memset(label, 'x', 101);
	label[101] = '\0';
	snprintf(text, sizeof(text), "---\nservices: %s\n---\n", label);
	refused(text, strlen(text), "longer than 100 bytes");
	/* no title: the caller names it after the file */
	assert_int_equal(parse(&rb, "---\ntags: t\n---\n- [ ] x\n", &err), 0);
	assert_null(rb.title);
	inc_runbook__release(&rb);
}

/* An incident's projection with these labels and severity. */
static cJSON *
incident(const char *services, const char *tags, int sev)
{
	char buf[300];

	snprintf(buf, sizeof(buf),
	         "{\"services\": %s, \"tags\": %s, \"severity\": %d}", services,
	         tags, sev);
	return cJSON_Parse(buf);
}

static void
runbook(struct inc_runbook__file *rb, const char *header, const int *sev,
        size_t nsev)
{
	char buf[300];
	inc_error err;

	snprintf(buf, sizeof(buf), "---\n%s\n---\n# t\n- [ ] x\n", header);
	assert_int_equal(parse(rb, buf, &err), 0);
	for (size_t i = 0; i < nsev; i++)
		rb->sev[i] = sev[i];
	rb->nsev = nsev;
}

static void
test_matching_and_the_most_specific(void **state)
{
	static const int sev12[] = {1, 2};
	struct inc_runbook__file db, db12, api, api3;
	cJSON *sev1_db = incident("[\"db\"]", "[]", 1);
	cJSON *sev3_db = incident("[\"DB\"]", "[]", 3);
	cJSON *sev3_api = incident("[\"web\"]", "[\"api\"]", 3);
	cJSON *both = incident("[\"db\"]", "[\"api\"]", 3);
	cJSON *none = incident("[\"cache\"]", "[\"x\"]", 1);
	static const int sev3[] = {3};

	(void)state;
	runbook(&db, "services: db", NULL, 0);
	runbook(&db12, "services: db, postgres", sev12, 2);
	runbook(&api, "tags: api", NULL, 0);
	runbook(&api3, "tags: api", sev3, 1);
	/* services, by any case; severity narrows */
	assert_true(inc_runbook__score(&db, sev1_db) >= 0);
	assert_true(inc_runbook__score(&db, sev3_db) >= 0);
	assert_true(inc_runbook__score(&db12, sev1_db) >= 0);
	assert_int_equal(inc_runbook__score(&db12, sev3_db), -1);
	/* services+severity over services alone */
	assert_true(inc_runbook__score(&db12, sev1_db) >
	            inc_runbook__score(&db, sev1_db));
	/* tags, and severity over none among them */
	assert_int_equal(inc_runbook__score(&db, sev3_api), -1);
	assert_true(inc_runbook__score(&api3, sev3_api) >
	            inc_runbook__score(&api, sev3_api));
	/* a service over a tag, even one narrowed by severity */
	assert_true(inc_runbook__score(&db, both) >
	            inc_runbook__score(&api3, both));
	/* nothing in common: never */
	assert_int_equal(inc_runbook__score(&db, none), -1);
	assert_int_equal(inc_runbook__score(&api, none), -1);
	inc_runbook__release(&db);
	inc_runbook__release(&db12);
	inc_runbook__release(&api);
	inc_runbook__release(&api3);
	cJSON_Delete(sev1_db);
	cJSON_Delete(sev3_db);
	cJSON_Delete(sev3_api);
	cJSON_Delete(both);
	cJSON_Delete(none);
}

#define ZERO64                                                                 \
	"0000000000000000000000000000000000000000000000000000000000000000"

static void
test_the_kinds_hold_their_payloads(void **state)
{
	static const char *const bad[][2] = {
	        {"runbook_attached", "{\"path\": \"a.md\", \"hash\": \"xyz\", "
	                             "\"title\": \"t\", \"steps\": []}"},
	        {"runbook_attached",
	         "{\"path\": \"a.md\", \"title\": \"t\", \"steps\": [\"\"], "
	         "\"hash\": "
	         "\"0000000000000000000000000000000000000000000000000000000000"
	         "000000\"}"},
	        {"runbook_attached",
	         "{\"path\": \"a.md\", \"title\": \"t\", \"steps\": "
	         "[\"a\\nb\"], "
	         "\"hash\": "
	         "\"0000000000000000000000000000000000000000000000000000000000"
	         "000000\"}"},
	        {"runbook_attached",
	         "{\"path\": \"../../etc/passwd\", \"title\": \"t\", "
	         "\"steps\": [], \"hash\": \"" ZERO64 "\"}"},
	        {"runbook_attached",
	         "{\"path\": \"/etc/passwd\", \"title\": \"t\", "
	         "\"steps\": [], \"hash\": \"" ZERO64 "\"}"},
	        {"runbook_attached",
	         "{\"path\": \"db//a.md\", \"title\": \"t\", "
	         "\"steps\": [], \"hash\": \"" ZERO64 "\"}"},
	        {"runbook_attached",
	         "{\"path\": \"db/./a.md\", \"title\": \"t\", "
	         "\"steps\": [], \"hash\": \"" ZERO64 "\"}"},
	        {"runbook_attached",
	         "{\"path\": \"db/\", \"title\": \"t\", "
	         "\"steps\": [], \"hash\": \"" ZERO64 "\"}"},
	        {"runbook_attached",
	         "{\"path\": \"db/..\", \"title\": \"t\", "
	         "\"steps\": [], \"hash\": \"" ZERO64 "\"}"},
	        {"step_checked", "{\"step\": 1, \"text\": \"x\"}"},
	        {"step_checked",
	         "{\"step\": -1, \"text\": \"x\", \"hash\": "
	         "\"0000000000000000000000000000000000000000000000000000000000"
	         "000000\"}"},
	};
	inc_error err;
	cJSON *p;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		p = cJSON_Parse(bad[i][1]);
		assert_non_null(p);
		if (inc_kind__check(bad[i][0], p, &err) != INC_EINVALID)
			fail_msg("accepted %s %s", bad[i][0], bad[i][1]);
		cJSON_Delete(p);
	}
	p = cJSON_Parse("{\"path\": \"db/a.md\", \"title\": \"t\", "
	                "\"steps\": [\"a\", \"b\"], \"hash\": "
	                "\"00000000000000000000000000000000000000000000000000"
	                "00000000000000\"}");
	assert_int_equal(inc_kind__check("runbook_attached", p, &err), 0);
	cJSON_Delete(p);
	/* names with dots are names: only "." and ".." parts leave */
	p = cJSON_Parse("{\"path\": \"..db/a..md\", \"title\": \"t\", "
	                "\"steps\": [], \"hash\": \"" ZERO64 "\"}");
	assert_int_equal(inc_kind__check("runbook_attached", p, &err), 0);
	cJSON_Delete(p);
}

#define HASH_A                                                                 \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B                                                                 \
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static void
fold(cJSON *doc, const char *kind, const char *payload, int64_t at,
     const char *actor)
{
	inc_event ev;

	memset(&ev, 0, sizeof(ev));
	snprintf(ev.kind, sizeof(ev.kind), "%s", kind);
	ev.at = at;
	ev.recorded_at = at;
	ev.actor = (char *)actor;
	ev.payload = cJSON_Parse(payload);
	assert_non_null(ev.payload);
	assert_int_equal(inc_fold__apply(doc, &ev), 0);
	cJSON_Delete(ev.payload);
}

static void
test_the_fold_keeps_the_first_version_and_check(void **state)
{
	cJSON *d = inc_fold__new("0000000000000000"), *rb, *st;

	(void)state;
	assert_null(cJSON_GetObjectItemCaseSensitive(d, "runbook"));
	fold(d, "runbook_attached",
	     "{\"path\": \"a.md\", \"hash\": \"" HASH_A
	     "\", \"title\": \"A\", \"steps\": [\"one\", \"two\"]}",
	     100, "alice");
	/* a second attachment (another replica's) changes nothing */
	fold(d, "runbook_attached",
	     "{\"path\": \"b.md\", \"hash\": \"" HASH_B
	     "\", \"title\": \"B\", \"steps\": [\"x\"]}",
	     101, "bob");
	/* a check of the other version, or of no such step: nothing */
	fold(d, "step_checked",
	     "{\"step\": 1, \"text\": \"x\", \"hash\": \"" HASH_B "\"}", 102,
	     "bob");
	fold(d, "step_checked",
	     "{\"step\": 3, \"text\": \"x\", \"hash\": \"" HASH_A "\"}", 102,
	     "bob");
	fold(d, "step_checked",
	     "{\"step\": 2, \"text\": \"two\", \"hash\": \"" HASH_A
	     "\", \"note\": \"done\"}",
	     103, "carol");
	fold(d, "step_checked",
	     "{\"step\": 2, \"text\": \"two\", \"hash\": \"" HASH_A "\"}", 104,
	     "dave");
	rb = cJSON_GetObjectItemCaseSensitive(d, "runbook");
	assert_string_equal(inc_json__str(rb, "path"), "a.md");
	assert_string_equal(inc_json__str(rb, "attached_by"), "alice");
	st = cJSON_GetObjectItemCaseSensitive(rb, "steps");
	assert_int_equal(cJSON_GetArraySize(st), 2);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(
	        cJSON_GetArrayItem(st, 0), "checked")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
	        cJSON_GetArrayItem(st, 1), "checked")));
	assert_string_equal(
	        inc_json__str(cJSON_GetArrayItem(st, 1), "checked_by"),
	        "carol");
	assert_string_equal(inc_json__str(cJSON_GetArrayItem(st, 1), "note"),
	                    "done");
	/* the other version is kept beside, and its check never dropped */
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
	                         rb, "also_attached")),
	                 1);
	st = cJSON_GetArrayItem(
	        cJSON_GetObjectItemCaseSensitive(rb, "also_attached"), 0);
	assert_string_equal(inc_json__str(st, "attached_by"), "bob");
	assert_string_equal(inc_json__str(st, "hash"), HASH_B);
	st = cJSON_GetObjectItemCaseSensitive(rb, "other_checks");
	assert_int_equal(cJSON_GetArraySize(st), 2);
	assert_string_equal(inc_json__str(cJSON_GetArrayItem(st, 0), "hash"),
	                    HASH_B);
	assert_string_equal(
	        inc_json__str(cJSON_GetArrayItem(st, 0), "checked_by"), "bob");
	/* a check of the other version whose text the kept one has: its step */
	fold(d, "step_checked",
	     "{\"step\": 5, \"text\": \"one\", \"hash\": \"" HASH_B "\"}", 105,
	     "erin");
	st = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(rb, "steps"),
	                        0);
	assert_true(
	        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(st, "checked")));
	assert_string_equal(inc_json__str(st, "checked_by"), "erin");
	assert_int_equal(inc_doc__int(d, "unknown_event_count"), 0);
	cJSON_Delete(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_the_shape_of_the_issue),
	        cmocka_unit_test(test_checklists_and_headers_people_write),
	        cmocka_unit_test(test_what_cannot_be_a_runbook),
	        cmocka_unit_test(test_a_byte_order_mark_is_skipped),
	        cmocka_unit_test(test_a_long_step_or_label_is_refused),
	        cmocka_unit_test(test_matching_and_the_most_specific),
	        cmocka_unit_test(test_the_kinds_hold_their_payloads),
	        cmocka_unit_test(
	                test_the_fold_keeps_the_first_version_and_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
