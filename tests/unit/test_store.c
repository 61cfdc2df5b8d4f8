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
test_created(void **state)
{
	struct fixture *fx = *state;
	inc_store *again;
	inc_error err;

	assert_true(inc_store_created(fx->store));
	assert_int_equal(strlen(inc_store_replica(fx->store)), INC_ID_LEN);
	/* opening again keeps the replica id and creates nothing */
	assert_int_equal(
	        inc_store_open(&again, fx->dir, INC_OPEN_READWRITE, &err), 0);
	assert_false(inc_store_created(again));
	assert_string_equal(inc_store_replica(again),
	                    inc_store_replica(fx->store));
	inc_store_close(again);
}

static void
test_open_and_note(void **state)
{
	struct fixture *fx = *state;
	const char *services[] = {"web", "api", "web"};
	inc_open_opts o = INC_OPEN_OPTS_INIT;
	inc_change_opts co = INC_CHANGE_OPTS_INIT;
	inc_incident *inc, *loaded;
	inc_event_list *events;
	inc_error err;
	char id[INC_ID_LEN + 1];

	o.title = "API 5xx spike";
	o.severity = 2;
	o.services = services;
	o.nservices = 3;
	o.at = inc_time_now() - 600;
	assert_int_equal(inc_incident_open(&inc, NULL, fx->store, &o, &err), 0);
	snprintf(id, sizeof(id), "%s", inc_incident_id(inc));
	assert_int_equal(inc_incident_status(inc), INC_STATUS_OPEN);
	assert_int_equal(inc_incident_severity(inc), 2);
	inc_incident_free(inc);

	memset(&co, 0, sizeof(co));
	co.text = "first note";
	assert_int_equal(inc_incident_change(NULL, fx->store, id,
	                                     INC_ACTION_NOTE, &co, &err),
	                 0);
	assert_int_equal(inc_incident_load(&loaded, fx->store, id, &err), 0);
	assert_string_equal(inc_incident_title(loaded), "API 5xx spike");
	/* services are a sorted set */
	char *services_json = cJSON_PrintUnformatted(
	        cJSON_GetObjectItem(inc_incident__doc(loaded), "services"));
	assert_string_equal(services_json, "[\"api\",\"web\"]");
	free(services_json);
	assert_int_equal(
	        cJSON_GetObjectItem(inc_incident__doc(loaded), "note_count")
	                ->valueint,
	        1);
	inc_incident_free(loaded);

	assert_int_equal(inc_event_list_load(&events, fx->store, id, &err), 0);
	assert_int_equal(inc_event_list_count(events), 2);
	assert_string_equal(inc_event_kind(inc_event_list_get(events, 0)),
	                    "opened");
	assert_string_equal(inc_event_actor(inc_event_list_get(events, 1)),
	                    "Tester <t@example.com>");
	/* the stored id is the hash of the canonical JSON */
	inc_event copy = *inc_event_list_get(events, 0);
	char stored[INC_EVENT_ID_LEN + 1];
	strcpy(stored, copy.id);
	assert_int_equal(inc_event__hash(&copy, &err), 0);
	assert_string_equal(copy.id, stored);
	inc_event_list_free(events);
}

static void
test_validation_writes_nothing(void **state)
{
	struct fixture *fx = *state;
	inc_open_opts o = INC_OPEN_OPTS_INIT;
	const char *bad_service[] = {"has space"};
	inc_list *list;
	inc_list_opts lo = INC_LIST_OPTS_INIT;
	inc_error err;

	o.title = "   ";
	assert_int_equal(inc_incident_open(NULL, NULL, fx->store, &o, &err),
	                 INC_EINVALID);
	o.title = "bad \xff";
	assert_int_equal(inc_incident_open(NULL, NULL, fx->store, &o, &err),
	                 INC_EINVALID);
	o.title = "fine";
	o.severity = 5;
	assert_int_equal(inc_incident_open(NULL, NULL, fx->store, &o, &err),
	                 INC_EINVALID);
	o.severity = 0;
	o.services = bad_service;
	o.nservices = 1;
	assert_int_equal(inc_incident_open(NULL, NULL, fx->store, &o, &err),
	                 INC_EINVALID);
	o.nservices = 0;
	o.at = inc_time_now() + 3600;
	assert_int_equal(inc_incident_open(NULL, NULL, fx->store, &o, &err),
	                 INC_EINVALID);
	assert_string_equal(err.message, "that time is in the future");
	o.at = 0;
	o.dry_run = true;
	assert_int_equal(inc_incident_open(NULL, NULL, fx->store, &o, &err), 0);
	lo.all = true;
	assert_int_equal(inc_list_query(&list, fx->store, &lo, &err), 0);
	assert_int_equal(inc_list_count(list), 0);
	inc_list_free(list);
}

static void
test_prefixes(void **state)
{
	struct fixture *fx = *state;
	char *ids[40], out[INC_ID_LEN + 1], short_id[INC_ID_LEN + 1];
	inc_error err;
	int ret;

	for (int i = 0; i < 40; i++)
		ids[i] = open_one(fx->store, "prefix test");
	for (int i = 0; i < 40; i++) {
		assert_int_equal(
		        inc_id_short(short_id, fx->store, ids[i], &err), 0);
		assert_true(strlen(short_id) >= INC_SHORT_ID_MIN);
		assert_int_equal(strncmp(short_id, ids[i], strlen(short_id)),
		                 0);
		/* the short id resolves back to the full one */
		assert_int_equal(inc_id_resolve(out, fx->store, short_id, &err),
		                 0);
		assert_string_equal(out, ids[i]);
		/* and so does its upper-case form */
		for (char *p = short_id; *p; p++)
			*p = (char)(*p >= 'a' ? *p - 32 : *p);
		assert_int_equal(inc_id_resolve(out, fx->store, short_id, &err),
		                 0);
	}
	/* one character matches several of 40 ids over 32 symbols */
	ret = -1;
	for (const char *c = "0123456789abcdefghjkmnpqrstvwxyz"; *c; c++) {
		char one[2] = {*c, 0};
		int r = inc_id_resolve(out, fx->store, one, &err);
		if (r == INC_EAMBIGUOUS) {
			ret = r;
			assert_non_null(strstr(err.message, "ambiguous"));
			break;
		}
	}
	assert_int_equal(ret, INC_EAMBIGUOUS);
	assert_int_equal(
	        inc_id_resolve(out, fx->store, "zzzzzzzzzzzzzzzz", &err),
	        INC_ENOTFOUND);
	for (int i = 0; i < 40; i++)
		free(ids[i]);
}

static void
test_append_only(void **state)
{
	struct fixture *fx = *state;
	char *id = open_one(fx->store, "append only");
	int rc;

	rc = sqlite3_exec(fx->store->db, "UPDATE events SET actor = 'mallory'",
	                  NULL, NULL, NULL);
	assert_int_not_equal(rc, SQLITE_OK);
	rc = sqlite3_exec(fx->store->db, "DELETE FROM events", NULL, NULL,
	                  NULL);
	assert_int_not_equal(rc, SQLITE_OK);
	free(id);
}

/*
 * A command's event meets the import's validator too: one written with a
 * severity out of the format's range is refused and nothing is stored.
 */
static void
test_append_validated(void **state)
{
	struct fixture *fx = *state;
	char *id = open_one(fx->store, "validated");
	inc_event ev = {0};
	inc_error err;
	int64_t before, after;

	assert_int_equal(inc_store__query_int64(&before, fx->store,
	                                        "SELECT count(*) FROM events",
	                                        &err),
	                 0);
	snprintf(ev.incident, sizeof(ev.incident), "%s", id);
	snprintf(ev.kind, sizeof(ev.kind), "%s", "triaged");
	snprintf(ev.replica, sizeof(ev.replica), "%s", fx->store->replica);
	ev.at = ev.recorded_at = 1764000000;
	ev.actor = "Tester <t@example.com>";
	ev.payload = cJSON_Parse("{\"severity\": 99999999}");
	assert_non_null(ev.payload);
	assert_int_equal(inc_store__begin(fx->store, &err), 0);
	assert_int_equal(inc_store__append(fx->store, &ev, &err), INC_EINVALID);
	assert_non_null(strstr(err.message, "severity"));
	inc_store__rollback(fx->store);
	assert_int_equal(inc_store__query_int64(&after, fx->store,
	                                        "SELECT count(*) FROM events",
	                                        &err),
	                 0);
	assert_int_equal(before, after);
	cJSON_Delete(ev.payload);
	free(id);
}

static void
test_newer_schema_refused(void **state)
{
	struct fixture *fx = *state;
	inc_store *s;
	inc_error err;

	assert_int_equal(sqlite3_exec(fx->store->db, "PRAGMA user_version = 99",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	assert_int_equal(inc_store_open(&s, fx->dir, INC_OPEN_READWRITE, &err),
	                 INC_ENEWER);
	assert_null(s);
	assert_non_null(strstr(err.message, "newer version"));
	assert_int_equal(inc_store_open(&s, fx->dir, INC_OPEN_READONLY, &err),
	                 INC_ENEWER);
	/* left as it was */
	sqlite3_stmt *st;
	sqlite3_prepare_v2(fx->store->db, "PRAGMA user_version", -1, &st, NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 99);
	sqlite3_finalize(st);
	sqlite3_exec(fx->store->db, "PRAGMA user_version = 1", NULL, NULL,
	             NULL);
}

static void
test_missing_and_corrupt(void **state)
{
	struct fixture *fx = *state;
	char path[sizeof(fx->dir) + 32];
	inc_store *s;
	inc_error err;
	FILE *f;

	snprintf(path, sizeof(path), "%s/nowhere", fx->dir);
	assert_int_equal(inc_store_open(&s, path, INC_OPEN_READONLY, &err),
	                 INC_ENOSTORE);
	assert_int_equal(inc_store_open(&s, path, INC_OPEN_READWRITE, &err),
	                 INC_ENOSTORE);
	snprintf(path, sizeof(path), "%s/junk", fx->dir);
	mkdir(path, 0700);
	strcat(path, "/incident.db");
	f = fopen(path, "w");
	for (int i = 0; i < 200; i++)
		fputs("this is not a database at all. ", f);
	fclose(f);
	path[strlen(path) - strlen("/incident.db")] = '\0';
	assert_int_equal(inc_store_open(&s, path, INC_OPEN_READWRITE, &err),
	                 INC_ECORRUPT);
	assert_int_equal(inc_store_open(&s, path, INC_OPEN_READONLY, &err),
	                 INC_ECORRUPT);
}

/* Only a store that does not exist is INC_ENOSTORE; nothing is made over
 * the others, in any mode. */
static void
test_not_a_new_store(void **state)
{
	struct fixture *fx = *state;
	static const enum inc_open_mode modes[] = {
	        INC_OPEN_READONLY, INC_OPEN_READWRITE, INC_OPEN_CREATE};
	char path[sizeof(fx->dir) + 64], db[sizeof(path) + 16];
	struct stat st;
	inc_store *s;
	inc_error err;

	/* a file where the folder should be, and below one */
	snprintf(path, sizeof(path), "%s/afile", fx->dir);
	fclose(fopen(path, "w"));
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(inc_store_open(&s, path, modes[i], &err),
		                 INC_ECORRUPT);
		assert_non_null(strstr(err.message, "not a store"));
	}
	strcat(path, "/sub");
	assert_int_equal(inc_store_open(&s, path, INC_OPEN_CREATE, &err),
	                 INC_ECORRUPT);
	/* an empty database file */
	snprintf(path, sizeof(path), "%s/empty", fx->dir);
	mkdir(path, 0700);
	snprintf(db, sizeof(db), "%s/incident.db", path);
	fclose(fopen(db, "w"));
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(inc_store_open(&s, path, modes[i], &err),
		                 INC_ECORRUPT);
		assert_non_null(strstr(err.message, "empty (0 bytes)"));
	}
	assert_int_equal(stat(db, &st), 0);
	assert_int_equal(st.st_size, 0);
	/* a history with no database beside it */
	snprintf(path, sizeof(path), "%s/hist", fx->dir);
	mkdir(path, 0700);
	snprintf(db, sizeof(db), "%s/audit.git", path);
	mkdir(db, 0700);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(inc_store_open(&s, path, modes[i], &err),
		                 INC_ERROR);
		assert_non_null(strstr(err.message, "incident rebuild"));
	}
	snprintf(db, sizeof(db), "%s/incident.db", path);
	assert_int_equal(stat(db, &st), -1);
	/* a database with no schema */
	snprintf(path, sizeof(path), "%s/blank", fx->dir);
	mkdir(path, 0700);
	snprintf(db, sizeof(db), "%s/incident.db", path);
	{
		sqlite3 *h;
		assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
		sqlite3_exec(h, "CREATE TABLE t(x)", NULL, NULL, NULL);
		sqlite3_close(h);
	}
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(inc_store_open(&s, path, modes[i], &err),
		                 INC_ECORRUPT);
	/* an empty folder is no store yet, and may become one */
	snprintf(path, sizeof(path), "%s/fresh", fx->dir);
	mkdir(path, 0700);
	assert_int_equal(inc_store_open(&s, path, INC_OPEN_READONLY, &err),
	                 INC_ENOSTORE);
	assert_int_equal(inc_store_open(&s, path, INC_OPEN_CREATE, &err), 0);
	assert_true(inc_store_created(s));
	inc_store_close(s);
}

/* Made private whatever the umask, and a group's when asked. */
static void
test_modes(void **state)
{
	struct fixture *fx = *state;
	char path[sizeof(fx->dir) + 64], file[sizeof(path) + 32];
	mode_t old = umask(0);
	struct stat st;
	inc_store *s;
	inc_error err;

	snprintf(path, sizeof(path), "%s/a/b/priv", fx->dir);
	assert_int_equal(inc_store_open(&s, path, INC_OPEN_CREATE, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(file, sizeof(file), "%s/a", fx->dir);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	snprintf(file, sizeof(file), "%s/incident.db", path);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(inc_store_sharing(path), INC_SHARE_PRIVATE);
	/* to the group: recorded, and applied to what is there */
	assert_int_equal(inc_store_share(s, INC_SHARE_GROUP, &err), 0);
	assert_int_equal(inc_store_sharing(path), INC_SHARE_GROUP);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 02770);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
	snprintf(file, sizeof(file), "%s/config", path);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
	inc_store_close(s);
	/* what is made in a group store later is the group's too */
	snprintf(file, sizeof(file), "%s/sub", path);
	assert_int_equal(inc_store_open(&s, file, INC_OPEN_CREATE, &err), 0);
	inc_store_close(s);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 02770);
	strcat(file, "/incident.db");
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
	/* and back */
	assert_int_equal(inc_store_open(&s, path, INC_OPEN_READWRITE, &err), 0);
	assert_int_equal(inc_store_share(s, INC_SHARE_PRIVATE, &err), 0);
	inc_store_close(s);
	assert_int_equal(inc_store_sharing(path), INC_SHARE_PRIVATE);
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	umask(old);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_created, fixture_setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(
	                test_open_and_note, fixture_setup, fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_validation_writes_nothing,
	                                        fixture_setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_prefixes, fixture_setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_append_only, fixture_setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(
	                test_append_validated, fixture_setup, fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_newer_schema_refused,
	                                        fixture_setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_missing_and_corrupt,
	                                        fixture_setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(
	                test_not_a_new_store, fixture_setup, fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_modes, fixture_setup,
	                                        fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
