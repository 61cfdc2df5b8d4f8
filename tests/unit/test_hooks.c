/* hooks.c: which hook an event runs, and what the outbox queues. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "internal.h"

#include "fixture.h"

static void
install(struct fixture *fx, const char *hook)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/hooks", fx->dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/hooks/%s", fx->dir, hook);
	assert_non_null(f = fopen(path, "w"));
	fputs("#!/bin/sh\n", f);
	fclose(f);
	chmod(path, 0755);
}

static int64_t
rows(struct fixture *fx)
{
	int64_t n = -1;

	assert_int_equal(inc_store__query_int64(&n, fx->store,
	                                        "SELECT count(*) FROM outbox",
	                                        NULL),
	                 0);
	return n;
}

static char *
open_one(inc_store *s, const char *title)
{
	inc_open_opts o = INC_OPEN_OPTS_INIT;
	inc_incident *inc;
	inc_error err;
	char *id;

	o.title = title;
	assert_int_equal(inc_incident_open(&inc, NULL, s, &o, &err), 0);
	id = strdup(inc_incident_id(inc));
	inc_incident_free(inc);
	return id;
}

static void
test_hook_of(void **state)
{
	(void)state;
	assert_string_equal(inc_hooks__hook_of("opened"), "post-open");
	assert_string_equal(inc_hooks__hook_of("triaged"), "post-triage");
	assert_string_equal(inc_hooks__hook_of("escalated"), "post-escalate");
	assert_string_equal(inc_hooks__hook_of("noted"), "post-note");
	assert_string_equal(inc_hooks__hook_of("override_added"),
	                    "post-oncall");
	assert_string_equal(inc_hooks__hook_of("step_checked"), "post-check");
	assert_null(inc_hooks__hook_of("hook_failed"));
	assert_null(inc_hooks__hook_of("update_due"));
	assert_null(inc_hooks__hook_of("runbook_attached"));
}

static void
test_nothing_without_a_hook(void **state)
{
	struct fixture *fx = *state;
	char *id = open_one(fx->store, "no hooks");

	assert_int_equal(rows(fx), 0);
	free(id);
}

static void
test_queued_with_its_event(void **state)
{
	struct fixture *fx = *state;
	char key[256], want[INC_EVENT_ID_LEN + 1];
	inc_event_list *events;
	const inc_event *ev;
	inc_error err;
	char *id;

	install(fx, "post-open");
	id = open_one(fx->store, "hooked");
	assert_int_equal(rows(fx), 1);
	assert_int_equal(inc_event_list_load(&events, fx->store, id, &err), 0);
	ev = inc_event_list_get(events, 0);
	snprintf(key, sizeof(key), "%s\npost-open\n", inc_event_id(ev));
	inc_util__sha256_hex(want, key, strlen(key));
	{
		sqlite3_stmt *st;
		assert_int_equal(
		        inc_store__prepare(&st, fx->store,
		                           "SELECT delivery, event, incident, "
		                           "hook, target, state FROM outbox",
		                           &err),
		        0);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		assert_string_equal(sqlite3_column_text(st, 0), want);
		assert_string_equal(sqlite3_column_text(st, 1),
		                    inc_event_id(ev));
		assert_string_equal(sqlite3_column_text(st, 2), id);
		assert_string_equal(sqlite3_column_text(st, 3), "post-open");
		assert_int_equal(sqlite3_column_type(st, 4), SQLITE_NULL);
		assert_string_equal(sqlite3_column_text(st, 5), "pending");
		sqlite3_finalize(st);
	}
	/* a notify per target: each its own delivery, once */
	install(fx, "notify");
	assert_int_equal(inc_store__begin(fx->store, &err), 0);
	assert_int_equal(
	        inc_hooks__enqueue(fx->store, ev, "notify", "alice", &err), 0);
	assert_int_equal(inc_hooks__enqueue(fx->store, ev, "notify",
	                                    "channel:ops", &err),
	                 0);
	assert_int_equal(
	        inc_hooks__enqueue(fx->store, ev, "notify", "alice", &err), 0);
	assert_int_equal(inc_store__commit(fx->store, &err), 0);
	assert_int_equal(rows(fx), 3);
	/* a name that is not one file name is refused */
	assert_int_equal(inc_hooks__enqueue(fx->store, ev, "../x", NULL, &err),
	                 INC_EINVALID);
	inc_event_list_free(events);
	free(id);
}

static void
test_imported_runs_no_hook(void **state)
{
	struct fixture *fx = *state;
	inc_event_list *events;
	inc_event ev = {0};
	inc_error err;
	bool added;
	char *id;

	id = open_one(fx->store, "before the hook");
	install(fx, "post-note");
	assert_int_equal(inc_event_list_load(&events, fx->store, id, &err), 0);
	/* an event as an import brings it: its own id and clock */
	ev = *inc_event_list_get(events, 0);
	snprintf(ev.kind, sizeof(ev.kind), "noted");
	ev.payload = cJSON_Parse("{\"text\":\"from elsewhere\"}");
	ev.lamport = 99;
	assert_int_equal(inc_event__hash(&ev, &err), 0);
	assert_int_equal(inc_store__begin(fx->store, &err), 0);
	assert_int_equal(inc_store__insert(&added, fx->store, &ev, true, &err),
	                 0);
	assert_int_equal(inc_store__commit(fx->store, &err), 0);
	assert_true(added);
	assert_int_equal(rows(fx), 0);
	cJSON_Delete(ev.payload);
	inc_event_list_free(events);
	free(id);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_hook_of),
	        cmocka_unit_test_setup_teardown(test_nothing_without_a_hook,
	                                        fixture_setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_queued_with_its_event,
	                                        fixture_setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_imported_runs_no_hook,
	                                        fixture_setup,
	                                        fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
