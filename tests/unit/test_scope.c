/*
 * Events of a scope (rota:db): the one validator takes a scope id where
 * an incident id would be, holds each kind to its place, keeps a newer
 * version's scope, and the audit tree has a place of their own for them.
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

#define OVERRIDE                                                               \
	"{\"rota\": \"db\", \"who\": \"carol\", \"from\": "                    \
	"\"2026-11-03T06:00:00Z\", \"until\": \"2026-11-03T12:00:00Z\"}"

static void
make(inc_event *ev, const char *scope, const char *kind, const char *payload)
{
	memset(ev, 0, sizeof(*ev));
	memset(ev->id, 'a', INC_EVENT_ID_LEN);
	snprintf(ev->incident, sizeof(ev->incident), "%s", scope);
	snprintf(ev->replica, sizeof(ev->replica), "7fk2qabcdefghjkn");
	snprintf(ev->kind, sizeof(ev->kind), "%s", kind);
	ev->lamport = 12;
	ev->actor = "alice";
	ev->payload = cJSON_Parse(payload);
	assert_non_null(ev->payload);
}

static int
check(const char *scope, const char *kind, const char *payload)
{
	inc_event ev;
	inc_error err;
	int ret;

	make(&ev, scope, kind, payload);
	ret = inc_kind__check_event(&ev, &err);
	cJSON_Delete(ev.payload);
	return ret;
}

static void
test_scope_ids(void **state)
{
	char kind[INC_SCOPE_MAX + 1];
	const char *name = NULL;

	(void)state;
	assert_int_equal(inc_scope__parse("rota:db", kind, &name), 0);
	assert_string_equal(kind, "rota");
	assert_string_equal(name, "db");
	assert_int_equal(inc_scope__parse("rota:db-2.eu_W", NULL, NULL), 0);
	assert_int_equal(inc_scope__parse("beacon:cron", kind, &name),
	                 INC_ENEWER);
	assert_string_equal(kind, "beacon");
	assert_int_equal(inc_scope__parse("rota:", NULL, NULL), INC_EINVALID);
	assert_int_equal(inc_scope__parse(":db", NULL, NULL), INC_EINVALID);
	assert_int_equal(inc_scope__parse("Rota:db", NULL, NULL), INC_EINVALID);
	assert_int_equal(inc_scope__parse("rota:d b", NULL, NULL),
	                 INC_EINVALID);
	assert_int_equal(inc_scope__parse("rota:a/b", NULL, NULL),
	                 INC_EINVALID);
	assert_int_equal(inc_scope__parse("rota:..", NULL, NULL), INC_EINVALID);
	/* names git refuses as a tree entry, and any name opening with '.' */
	assert_int_equal(inc_scope__parse("rota:.git", NULL, NULL),
	                 INC_EINVALID);
	assert_int_equal(inc_scope__parse("rota:.GIT", NULL, NULL),
	                 INC_EINVALID);
	assert_int_equal(inc_scope__parse("rota:.git.", NULL, NULL),
	                 INC_EINVALID);
	assert_int_equal(inc_scope__parse("rota:.db", NULL, NULL),
	                 INC_EINVALID);
	assert_int_equal(inc_scope__parse("rota:-db", NULL, NULL),
	                 INC_EINVALID);
	assert_int_equal(inc_scope__parse("rota:_db", NULL, NULL),
	                 INC_EINVALID);
	assert_int_equal(inc_scope__parse("rota:9.git.", NULL, NULL), 0);
	assert_false(inc_scope__name_ok(".git"));
	assert_true(inc_scope__name_ok("git"));
	assert_int_equal(inc_scope__parse("rota:db:x", NULL, NULL),
	                 INC_EINVALID);
	assert_int_equal(inc_scope__parse("7fk2qabcdefghjkm", NULL, NULL),
	                 INC_EINVALID);
	/* a name of 64 bytes, not 65 */
	assert_int_equal(inc_scope__parse("rota:"
	                                  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	                                  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	                                  NULL, NULL),
	                 0);
	assert_int_equal(inc_scope__parse("rota:"
	                                  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	                                  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	                                  NULL, NULL),
	                 INC_EINVALID);
}

static void
test_validator(void **state)
{
	(void)state;
	assert_int_equal(check("rota:db", "override_added", OVERRIDE), 0);
	assert_int_equal(check("rota:db", "override_removed",
	                       "{\"override\": \"" /* 64 hex */
	                       "0123456789abcdef0123456789abcdef"
	                       "0123456789abcdef0123456789abcdef\"}"),
	                 0);
	/* a malformed scope, a scope's kind on an incident, and back */
	assert_int_equal(check("rota:d b", "override_added", OVERRIDE),
	                 INC_EINVALID);
	assert_int_equal(check("rota:.git", "override_added",
	                       "{\"who\": \"carol\", \"from\": "
	                       "\"2026-11-03T06:00:00Z\", \"until\": "
	                       "\"2026-11-03T12:00:00Z\"}"),
	                 INC_EINVALID);
	assert_int_equal(check("7fk2qabcdefghjkm", "override_added", OVERRIDE),
	                 INC_EINVALID);
	assert_int_equal(check("rota:db", "noted", "{\"text\": \"x\"}"),
	                 INC_EINVALID);
	/* an unknown scope kind is a newer version's: kept, not folded */
	assert_int_equal(check("beacon:cron", "beat", "{}"), INC_ENEWER);
	assert_int_equal(check("beacon:cron", "noted", "{\"text\": \"x\"}"),
	                 INC_ENEWER);
	assert_int_equal(check("silence:w1", "override_added", OVERRIDE),
	                 INC_ENEWER);
	/* a newer kind on a known scope: kept too */
	assert_int_equal(check("rota:db", "rota_paused", "{}"), INC_ENEWER);
	/* the override's own rules */
	assert_int_equal(check("rota:db", "override_added",
	                       "{\"who\": \"carol\", \"from\": "
	                       "\"2026-11-03T12:00:00Z\", \"until\": "
	                       "\"2026-11-03T12:00:00Z\"}"),
	                 INC_EINVALID);
	assert_int_equal(check("rota:web", "override_added", OVERRIDE),
	                 INC_EINVALID);
	assert_int_equal(check("rota:db", "override_added",
	                       "{\"who\": \" \", \"from\": "
	                       "\"2026-11-03T06:00:00Z\", \"until\": "
	                       "\"2026-11-03T12:00:00Z\"}"),
	                 INC_EINVALID);
	assert_int_equal(check("rota:db", "override_added", "{\"who\": \"c\"}"),
	                 INC_EINVALID);
}

static void
test_path(void **state)
{
	char path[512];
	inc_event ev;

	(void)state;
	make(&ev, "rota:db", "override_added", OVERRIDE);
	inc_audit__path(path, sizeof(path), &ev);
	assert_string_equal(path,
	                    "scopes/rota/db/events/0000000012-7fk2qabcdefghjkn-"
	                    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	                    "aaaaaaaaaaaaaaaa.json");
	cJSON_Delete(ev.payload);
	make(&ev, "7fk2qabcdefghjkm", "noted", "{\"text\": \"x\"}");
	inc_audit__path(path, sizeof(path), &ev);
	assert_string_equal(path,
	                    "incidents/7f/7fk2qabcdefghjkm/events/0000000012-"
	                    "7fk2qabcdefghjkn-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	                    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json");
	cJSON_Delete(ev.payload);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_scope_ids),
	        cmocka_unit_test(test_validator),
	        cmocka_unit_test(test_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
