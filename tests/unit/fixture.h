/*
 * A fresh store in a temporary folder for each test, and helpers the
 * store's unit tests share: incidents with chosen ids, and a snapshot of
 * everything the database holds, to show that refused input changed
 * nothing. Include after <cmocka.h> and "internal.h".
 */
#ifndef INC_TEST_FIXTURE_H
#define INC_TEST_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fixture {
	char dir[256]; /* the store; its parent is the temporary folder */
	inc_store *store;
};

/* A cmocka setup: a new store, HOME and XDG_CONFIG_HOME beside it. */
static inline int
fixture_setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	inc_error err;

	if (fx == NULL)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "%s/inc-unit-XXXXXX",
	         getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(fx->dir) == NULL)
		return -1;
	setenv("HOME", fx->dir, 1);
	setenv("XDG_CONFIG_HOME", fx->dir, 1);
	strcat(fx->dir, "/store");
	if (inc_store_open(&fx->store, fx->dir, INC_OPEN_CREATE, &err) < 0)
		return -1;
	inc_store_set_actor(fx->store, "Tester <t@example.com>");
	*state = fx;
	return 0;
}

static inline int
fixture_teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[300 + sizeof(fx->dir)];

	inc_store_close(fx->store);
	fx->dir[strlen(fx->dir) - strlen("/store")] = '\0';
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	free(fx);
	return system(cmd) == 0 ? 0 : -1;
}

/* Closes the store and opens it again, e.g. after writing its config. */
static inline void
fixture_reopen(struct fixture *fx)
{
	inc_error err;

	inc_store_close(fx->store);
	assert_int_equal(
	        inc_store_open(&fx->store, fx->dir, INC_OPEN_READWRITE, &err),
	        0);
	inc_store_set_actor(fx->store, "Tester <t@example.com>");
}

/* Writes text as the store's config file. */
static inline void
fixture_config(struct fixture *fx, const char *text)
{
	char path[sizeof(fx->dir) + 16];
	FILE *f;

	snprintf(path, sizeof(path), "%s/config", fx->dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	fixture_reopen(fx);
}

/* Opens an incident through the API; the id is the caller's (free). */
static inline char *
fixture_open(inc_store *s, const char *title, int64_t at)
{
	inc_open_opts o = INC_OPEN_OPTS_INIT;
	inc_incident *inc;
	inc_error err;
	char *id;

	o.title = title;
	o.at = at;
	assert_int_equal(inc_incident_open(&inc, NULL, s, &o, &err), 0);
	assert_non_null(id = strdup(inc_incident_id(inc)));
	inc_incident_free(inc);
	return id;
}

/*
 * Writes an "opened" event for an incident with a chosen id, the way
 * inc_incident_open() does (ids are random otherwise). payload is the event's
 * JSON text; NULL gives {"title": id, "severity": 3}.
 */
static inline void
fixture_put(inc_store *s, const char *id, const char *payload, int64_t at)
{
	inc_event ev = {0};
	inc_error err;
	cJSON *doc;

	snprintf(ev.incident, sizeof(ev.incident), "%s", id);
	snprintf(ev.kind, sizeof(ev.kind), "opened");
	snprintf(ev.replica, sizeof(ev.replica), "%s", inc_store_replica(s));
	ev.at = at;
	ev.recorded_at = at;
	ev.actor = "Tester <t@example.com>";
	if (payload != NULL) {
		ev.payload = cJSON_Parse(payload);
	} else {
		ev.payload = cJSON_CreateObject();
		cJSON_AddStringToObject(ev.payload, "title", id);
		cJSON_AddNumberToObject(ev.payload, "severity", 3);
	}
	assert_non_null(ev.payload);
	assert_non_null(doc = inc_fold__new(id));
	assert_int_equal(inc_store__begin(s, &err), 0);
	assert_int_equal(inc_store__append(s, &ev, &err), 0);
	inc_fold__apply(doc, &ev);
	assert_int_equal(inc_store__project(s, doc, &err), 0);
	assert_int_equal(inc_store__commit(s, &err), 0);
	cJSON_Delete(doc);
	cJSON_Delete(ev.payload);
}

static inline int
fixture__row(void *arg, int n, char **values, char **names)
{
	char **text = arg;

	(void)names;
	for (int i = 0; i < n; i++) {
		const char *v = values[i] != NULL ? values[i] : "NULL";
		size_t len = *text != NULL ? strlen(*text) : 0;
		char *grown = realloc(*text, len + strlen(v) + 2);

		if (grown == NULL)
			return 1;
		snprintf(grown + len, strlen(v) + 2, "%s%c", v,
		         i + 1 < n ? '|' : '\n');
		*text = grown;
	}
	return 0;
}

/*
 * Every row of every table, in a fixed order: equal snapshots mean
 * nothing was written. The caller frees the text.
 */
static inline char *
fixture_snapshot(inc_store *s)
{
	static const char sql[] =
	        "SELECT * FROM meta ORDER BY key;"
	        "SELECT * FROM events ORDER BY seq;"
	        "SELECT * FROM incidents ORDER BY id;"
	        "SELECT * FROM labels ORDER BY kind, value, incident;";
	char *text = strdup("");

	assert_non_null(text);
	assert_int_equal(sqlite3_exec(s->db, sql, fixture__row, &text, NULL),
	                 SQLITE_OK);
	return text;
}

#endif
