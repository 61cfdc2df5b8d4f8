/*
 * The table of event kinds: what the write path writes fits it, what a
 * forged history might carry does not, and a fold that runs out of
 * memory gives no projection rather than a wrong one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

#define NOTE_ID                                                                \
	"00000000000000000000000000000000000000000000000000000000000000aa"

static void
check_payload(const char *kind, const char *payload, int want)
{
	cJSON *p = cJSON_Parse(payload);
	inc_error err;

	assert_non_null(p);
	if (inc_kind__check(kind, p, &err) != want)
		fail_msg("%s %s: expected %d (%s)", kind, payload, want,
		         want == 0 ? err.message : "accepted");
	cJSON_Delete(p);
}

static void
test_forged_payloads(void **state)
{
	(void)state;
	check_payload("noted", "{\"text\": \"fine\"}", 0);
	check_payload(
	        "opened",
	        "{\"title\": \"t\", \"severity\": 2, \"services\": [\"api\"],"
	        " \"drill\": true, \"started_at\": \"2026-11-24T09:00:00Z\"}",
	        0);
	check_payload("assigned", "{\"role\": \"ops\", \"who\": null}", 0);
	check_payload("edited",
	              "{\"fields\": {\"region\": \"eu\", \"x\": null}}", 0);
	check_payload("opened", "{\"title\": \"two\\nlines\"}", INC_EINVALID);
	check_payload("opened", "{\"severity\": 1e300}", INC_EINVALID);
	check_payload("opened", "{\"severity\": 2.5}", INC_EINVALID);
	check_payload("opened", "{\"services\": [\"a b\"]}", INC_EINVALID);
	check_payload("opened", "{\"services\": \"api\"}", INC_EINVALID);
	check_payload("opened", "{\"started_at\": \"yesterday\"}",
	              INC_EINVALID);
	check_payload("noted", "{\"text\": 5}", INC_EINVALID);
	/* a newer version's member or kind: not invalid, not understood */
	check_payload("noted", "{\"text\": \"x\", \"extra\": 1}", INC_ENEWER);
	check_payload("noted", "{\"text\": 5, \"extra\": 1}", INC_EINVALID);
	check_payload("opened", "{\"title\": \"t\", \"severity\": 9}", 0);
	check_payload("opened", "{\"severity\": 0}", INC_EINVALID);
	check_payload("opened", "{\"severity\": 10}", INC_EINVALID);
	check_payload("triaged", "{\"severity\": 99999999}", INC_EINVALID);
	check_payload("triaged", "{\"severity\": -3}", INC_EINVALID);
	check_payload("noted", "{\"text\": \"\xff\"}", INC_EINVALID);
	check_payload("merged", "{\"into\": \"not an id\"}", INC_EINVALID);
	check_payload("action_done", "{\"action\": \"abc\"}", INC_EINVALID);
	check_payload("edited", "{\"fields\": {\"k\": 1}}", INC_EINVALID);
	check_payload("from_the_future", "{}", INC_ENEWER);
	check_payload("from_the_future", "[]", INC_EINVALID);
	/* kept and exported, so its text must be UTF-8 all the same */
	check_payload("noted", "{\"text\": \"x\", \"new\": [\"\xff\"]}",
	              INC_EINVALID);
	check_payload("from_the_future", "{\"a\": {\"\xff\": 1}}",
	              INC_EINVALID);
}

/* the error check_payload's refusal gave, for the message checks */
static void
check_refusal(const char *kind, const char *payload, const char *want)
{
	cJSON *p = cJSON_Parse(payload);
	inc_error err;

	assert_non_null(p);
	if (inc_kind__check(kind, p, &err) != INC_EINVALID)
		fail_msg("%s %s: accepted, want \"%s\"", kind, payload, want);
	if (strcmp(err.message, want) != 0)
		fail_msg("%s %s: \"%s\", want \"%s\"", kind, payload,
		         err.message, want);
	cJSON_Delete(p);
}

/*
 * What a kind cannot do without: each member every version of the
 * writers has always written, taken out in turn, makes the payload
 * invalid, naming it; what some version left out stays optional.
 */
static void
test_required_members(void **state)
{
	static const struct {
		const char *kind, *payload, *required[3];
	} whole[] = {
	        {"opened",
	         "{\"title\": \"t\", \"severity\": 2, \"services\": [],"
	         " \"tags\": []}",
	         {"title", "severity"}},
	        {"reopened", "{\"reason\": \"back\"}", {"reason"}},
	        {"cancelled", "{\"reason\": \"false alarm\"}", {"reason"}},
	        {"escalated", "{\"level\": 1}", {"level"}},
	        {"merged", "{\"into\": \"7fk2qabcdefghjkp\"}", {"into"}},
	        {"absorbed",
	         "{\"from\": \"7fk2qabcdefghjkp\", \"dedup_keys\": [],"
	         " \"alert_count\": 0}",
	         {"from", "dedup_keys", "alert_count"}},
	        {"noted", "{\"text\": \"n\"}", {"text"}},
	        {"updated", "{\"text\": \"u\"}", {"text"}},
	        {"assigned",
	         "{\"role\": \"ops\", \"who\": \"bob\"}",
	         {"role", "who"}},
	        {"alert_attached", "{\"dedup_key\": \"k\"}", {"dedup_key"}},
	        {"reviewed", "{\"document\": \"# Review\"}", {"document"}},
	        {"action_added", "{\"text\": \"fix it\"}", {"text"}},
	        {"action_done", "{\"action\": \"" NOTE_ID "\"}", {"action"}},
	};
	char want[128];

	(void)state;
	for (size_t i = 0; i < sizeof(whole) / sizeof(*whole); i++) {
		check_payload(whole[i].kind, whole[i].payload, 0);
		for (size_t r = 0; r < 3 && whole[i].required[r] != NULL; r++) {
			cJSON *p = cJSON_Parse(whole[i].payload);
			char *text;

			assert_non_null(p);
			cJSON_DeleteItemFromObjectCaseSensitive(
			        p, whole[i].required[r]);
			assert_non_null(text = cJSON_PrintUnformatted(p));
			snprintf(want, sizeof(want),
			         "%s: the member '%s' is missing",
			         whole[i].kind, whole[i].required[r]);
			check_refusal(whole[i].kind, text, want);
			free(text);
			cJSON_Delete(p);
		}
	}
	/* the reviewer's forgeries */
	check_refusal("opened", "{}", "opened: the member 'title' is missing");
	check_refusal("merged", "{}", "merged: the member 'into' is missing");
	check_refusal("noted", "{}", "noted: the member 'text' is missing");
	check_refusal("assigned", "{\"role\": \"ops\"}",
	              "assigned: the member 'who' is missing");
	/* a newer version's member beside it does not excuse it */
	check_refusal("noted", "{\"mood\": \"calm\"}",
	              "noted: the member 'text' is missing");
	/* a wrong value is named before a missing member */
	check_refusal("opened", "{\"severity\": 0}",
	              "severity: not a whole number from 1 to 9");

	/* empty, or only blanks, where the command line refuses it */
	check_refusal("noted", "{\"text\": \"\"}", "noted: 'text' is empty");
	check_refusal("noted", "{\"text\": \" \\t\\r\\n\"}",
	              "noted: 'text' is empty");
	check_refusal("updated", "{\"text\": \"  \"}",
	              "updated: 'text' is empty");
	check_refusal("assigned", "{\"who\": \"\"}",
	              "assigned: 'who' is empty");
	check_refusal("assigned", "{\"role\": \"ops\", \"who\": \" \"}",
	              "assigned: 'who' is empty");
	check_refusal("opened", "{\"title\": \" \", \"severity\": 2}",
	              "opened: 'title' is empty");
	check_refusal(
	        "opened",
	        "{\"title\": \"t\", \"severity\": 2, \"dedup_key\": \"\"}",
	        "opened: 'dedup_key' is empty");
	check_refusal("edited", "{\"title\": \"\"}",
	              "edited: 'title' is empty");
	check_refusal("reopened", "{\"reason\": \"\"}",
	              "reopened: 'reason' is empty");
	check_refusal("cancelled", "{\"reason\": \"\\n\"}",
	              "cancelled: 'reason' is empty");
	check_refusal("alert_attached", "{\"dedup_key\": \" \"}",
	              "alert_attached: 'dedup_key' is empty");
	check_refusal("reviewed", "{\"document\": \"\"}",
	              "reviewed: 'document' is empty");
	check_refusal("action_added", "{\"text\": \"\"}",
	              "action_added: 'text' is empty");

	/* optional: what some version (or some call) leaves out, or lets
	 * be blank */
	check_payload("opened", "{\"title\": \"t\", \"severity\": 2}", 0);
	check_payload(
	        "opened",
	        "{\"title\": \"t\", \"severity\": 2, \"commander\": \" \","
	        " \"summary\": \"\"}",
	        0);
	check_payload("triaged", "{}", 0);
	check_payload("investigating", "{}", 0);
	check_payload("mitigated", "{\"note\": \"\"}", 0);
	check_payload("resolved", "{}", 0);
	check_payload("closed", "{}", 0);
	check_payload("escalated", "{\"level\": 2, \"reason\": \"\"}", 0);
	check_payload("assigned", "{\"role\": \"ops\", \"who\": null}", 0);
	check_payload("edited", "{\"summary\": \"\"}", 0);
	check_payload("edited", "{}", 0);
	check_payload("alert_attached",
	              "{\"dedup_key\": \"k\", \"source\": \"am\"}", 0);
	check_payload("action_added", "{\"text\": \"t\", \"owner\": \" \"}", 0);
}

static int
check_event(const char *kind, const char *payload, const char *actor,
            int64_t lamport)
{
	inc_event ev;
	inc_error err;
	int ret;

	memset(&ev, 0, sizeof(ev));
	memset(ev.id, 'a', INC_EVENT_ID_LEN);
	snprintf(ev.incident, sizeof(ev.incident), "7fk2qabcdefghjkm");
	snprintf(ev.replica, sizeof(ev.replica), "7fk2qabcdefghjkn");
	snprintf(ev.kind, sizeof(ev.kind), "%s", kind);
	ev.lamport = lamport;
	ev.actor = (char *)actor;
	ev.payload = cJSON_Parse(payload);
	assert_non_null(ev.payload);
	ret = inc_kind__check_event(&ev, &err);
	cJSON_Delete(ev.payload);
	return ret;
}

#define NOTE "{\"text\": \"x\"}"

/* The envelope, and the rules that need no state: no self-merge. */
static void
test_forged_events(void **state)
{
	(void)state;
	assert_int_equal(check_event("noted", "{\"text\": \"x\"}", "a", 1), 0);
	assert_int_equal(check_event("merged",
	                             "{\"into\": \"7fk2qabcdefghjkm\"}", "a",
	                             2),
	                 INC_EINVALID);
	assert_int_equal(check_event("absorbed",
	                             "{\"from\": \"7fk2qabcdefghjkm\"}", "a",
	                             2),
	                 INC_EINVALID);
	assert_int_equal(check_event("merged",
	                             "{\"into\": \"7fk2qabcdefghjkp\"}", "a",
	                             2),
	                 0);
	assert_int_equal(check_event("noted", NOTE, "two\nlines", 1),
	                 INC_EINVALID);
	assert_int_equal(check_event("noted", NOTE, "\xff", 1), INC_EINVALID);
	assert_int_equal(check_event("noted", NOTE, "a", 0), INC_EINVALID);
	assert_int_equal(check_event("noted", NOTE, "a", INC_JSON_INT_MAX), 0);
	assert_int_equal(check_event("noted", NOTE, "a", INC_JSON_INT_MAX + 1),
	                 INC_EINVALID);
	assert_int_equal(check_event("Noted", NOTE, "a", 1), INC_EINVALID);
	/* the payload's own rules hold for a whole event too */
	assert_int_equal(check_event("noted", "{}", "a", 1), INC_EINVALID);
	assert_int_equal(check_event("merged", "{}", "a", 1), INC_EINVALID);
	assert_int_equal(check_event("new_kind", "{}", "a", 1), INC_ENEWER);
}

/* Every payload the write path builds fits the table of its kind. */
static void
test_written_payloads_fit(void **state)
{
	char dir[] = "/tmp/incident-kind.XXXXXX";
	inc_change_opts o = INC_CHANGE_OPTS_INIT;
	inc_open_opts oo = INC_OPEN_OPTS_INIT;
	const char *services[] = {"api", "db"}, *tags[] = {"eu"};
	const char *fields[] = {"region=eu", "gone="};
	inc_incident *inc = NULL, *other = NULL;
	inc_event_list *events;
	inc_store *s;
	inc_error err;
	char id[INC_ID_LEN + 1];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(inc_store_open(&s, dir, INC_OPEN_CREATE, &err), 0);
	oo.title = "API 5xx";
	oo.summary = "errors";
	oo.severity = 2;
	oo.services = services;
	oo.nservices = 2;
	oo.tags = tags;
	oo.ntags = 1;
	oo.commander = "alice";
	oo.dedup_key = "k1";
	oo.source = "alertmanager";
	assert_int_equal(inc_incident_open(&inc, NULL, s, &oo, &err), 0);
	snprintf(id, sizeof(id), "%s", inc_incident_id(inc));
	inc_incident_free(inc);
	assert_int_equal(inc_incident_open(NULL, NULL, s, &oo, &err),
	                 0); /* attach */
	o.impact = "high";
	o.urgency = "low";
	o.services = services;
	o.nservices = 1;
	assert_int_equal(
	        inc_incident_change(NULL, s, id, INC_ACTION_TRIAGE, &o, &err),
	        0);
	memset(&o, 0, sizeof(o));
	o.text = "a note";
	assert_int_equal(
	        inc_incident_change(NULL, s, id, INC_ACTION_NOTE, &o, &err), 0);
	assert_int_equal(
	        inc_incident_change(NULL, s, id, INC_ACTION_UPDATE, &o, &err),
	        0);
	assert_int_equal(inc_incident_change(NULL, s, id,
	                                     INC_ACTION_INVESTIGATE, &o, &err),
	                 0);
	memset(&o, 0, sizeof(o));
	o.to = "db-oncall";
	o.reason = "lag";
	assert_int_equal(
	        inc_incident_change(NULL, s, id, INC_ACTION_ESCALATE, &o, &err),
	        0);
	memset(&o, 0, sizeof(o));
	o.role = "ops";
	o.who = "bob";
	assert_int_equal(
	        inc_incident_change(NULL, s, id, INC_ACTION_ASSIGN, &o, &err),
	        0);
	memset(&o, 0, sizeof(o));
	o.title = "API 5xx in EU";
	o.fields = fields;
	o.nfields = 2;
	assert_int_equal(
	        inc_incident_change(NULL, s, id, INC_ACTION_EDIT, &o, &err), 0);
	memset(&o, 0, sizeof(o));
	o.summary = "rolled back";
	o.cause = "bad push";
	assert_int_equal(
	        inc_incident_change(NULL, s, id, INC_ACTION_RESOLVE, &o, &err),
	        0);
	memset(&o, 0, sizeof(o));
	o.text = "fix the push";
	o.owner = "carol";
	o.due = 1800000000;
	o.action_type = "preventive";
	o.action_priority = "high";
	assert_int_equal(inc_incident_change(NULL, s, id, INC_ACTION_ACTION_ADD,
	                                     &o, &err),
	                 0);
	memset(&o, 0, sizeof(o));
	o.action_n = 1;
	assert_int_equal(inc_incident_change(NULL, s, id,
	                                     INC_ACTION_ACTION_DONE, &o, &err),
	                 0);
	memset(&o, 0, sizeof(o));
	o.reason = "it came back";
	assert_int_equal(
	        inc_incident_change(NULL, s, id, INC_ACTION_REOPEN, &o, &err),
	        0);
	oo.dedup_key = NULL;
	assert_int_equal(inc_incident_open(&other, NULL, s, &oo, &err), 0);
	memset(&o, 0, sizeof(o));
	assert_int_equal(inc_incident_merge(NULL, s, inc_incident_id(other), id,
	                                    &o, &err),
	                 0);
	inc_incident_free(other);
	/* the members some calls leave out, or leave blank */
	memset(&o, 0, sizeof(o));
	o.role = "ops";
	assert_int_equal(
	        inc_incident_change(NULL, s, id, INC_ACTION_ASSIGN, &o, &err),
	        0); /* who: null */
	memset(&o, 0, sizeof(o));
	assert_int_equal(
	        inc_incident_change(NULL, s, id, INC_ACTION_ESCALATE, &o, &err),
	        0);
	o.summary = "";
	assert_int_equal(
	        inc_incident_change(NULL, s, id, INC_ACTION_EDIT, &o, &err), 0);
	memset(&o, 0, sizeof(o));
	assert_int_equal(
	        inc_incident_change(NULL, s, id, INC_ACTION_MITIGATE, &o, &err),
	        0);
	assert_int_equal(
	        inc_incident_change(NULL, s, id, INC_ACTION_RESOLVE, &o, &err),
	        0);
	assert_int_equal(inc_review_save(NULL, NULL, s, id, "# Review\n", true,
	                                 &o, &err),
	                 0); /* reviewed, closed */
	oo = (inc_open_opts)INC_OPEN_OPTS_INIT;
	oo.title = "only a title";
	assert_int_equal(inc_incident_open(&other, NULL, s, &oo, &err), 0);
	o.reason = "false alarm";
	assert_int_equal(inc_incident_change(NULL, s, inc_incident_id(other),
	                                     INC_ACTION_CANCEL, &o, &err),
	                 0);
	inc_incident_free(other);

	assert_int_equal(inc_event__load_all(&events, s, true, &err), 0);
	assert_true(events->n >= 24);
	for (size_t i = 0; i < events->n; i++) {
		const inc_event *ev = &events->events[i];
		/* the import's validator takes every event a write makes */
		if (inc_kind__check_event(ev, &err) != 0)
			fail_msg("%s: %s", ev->kind, err.message);
		assert_true(inc_kind__known(ev));
	}
	inc_event_list_free(events);
	inc_store_close(s);
	{
		char cmd[64];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

/* ---- out of memory in the fold ---- */

struct budget {
	long left; /* allocations that still succeed; < 0: all */
};

static struct budget budget = {-1};

static void *
limited_malloc(size_t n)
{
	if (budget.left == 0)
		return NULL;
	if (budget.left > 0)
		budget.left--;
	return malloc(n);
}

static inc_event *
events_of_every_kind(size_t *n)
{
	static const char *const kinds[] = {
	        "opened",   "triaged", "escalated",      "noted",
	        "assigned", "edited",  "alert_attached", "updated",
	        "resolved", "reopened"};
	static const char *const payloads[] = {
	        "{\"title\":\"t\",\"severity\":2,\"services\":[\"b\",\"a\"],"
	        "\"tags\":[\"x\"],\"commander\":\"alice\",\"dedup_key\":\"k\"}",
	        "{\"severity\":1,\"services\":[\"c\",\"a0\"],\"priority\":"
	        "\"P1\"}",
	        "{\"level\":2,\"to\":\"db\"}",
	        "{\"text\":\"n\"}",
	        "{\"role\":\"ops\",\"who\":\"bob\"}",
	        "{\"title\":\"t2\",\"fields\":{\"r\":\"eu\"}}",
	        "{\"dedup_key\":\"k2\"}",
	        "{\"text\":\"u\"}",
	        "{\"summary\":\"s\",\"cause\":\"c\"}",
	        "{\"reason\":\"r\"}"};
	size_t k = sizeof(kinds) / sizeof(*kinds);
	inc_event *ev = calloc(k, sizeof(*ev));

	assert_non_null(ev);
	for (size_t i = 0; i < k; i++) {
		snprintf(ev[i].id, sizeof(ev[i].id), "%064zu", i);
		snprintf(ev[i].incident, sizeof(ev[i].incident),
		         "0123456789abcdef");
		snprintf(ev[i].kind, sizeof(ev[i].kind), "%s", kinds[i]);
		snprintf(ev[i].replica, sizeof(ev[i].replica),
		         "aaaaaaaaaaaaaaaa");
		ev[i].at = ev[i].recorded_at = 1800000000 + (int64_t)i * 60;
		ev[i].lamport = (int64_t)i + 1;
		ev[i].actor = "alice";
		ev[i].payload = cJSON_Parse(payloads[i]);
		assert_non_null(ev[i].payload);
	}
	*n = k;
	return ev;
}

static void
test_fold_out_of_memory(void **state)
{
	cJSON_Hooks hooks = {limited_malloc, free};
	size_t n;
	inc_event *ev = events_of_every_kind(&n);
	cJSON *whole = inc_fold__events("0123456789abcdef", ev, n);
	char *want = cJSON_PrintUnformatted(whole);
	long failures = 0;

	(void)state;
	assert_non_null(want);
	/* fail the first, second, third... allocation in turn: either no
	 * projection at all, or exactly the right one */
	cJSON_InitHooks(&hooks);
	for (long k = 0;; k++) {
		cJSON *d;
		char *got;

		budget.left = k;
		d = inc_fold__events("0123456789abcdef", ev, n);
		budget.left = -1;
		if (d == NULL) {
			failures++;
			continue;
		}
		got = cJSON_PrintUnformatted(d);
		assert_non_null(got);
		assert_string_equal(got, want);
		free(got);
		cJSON_Delete(d);
		break;
	}
	cJSON_InitHooks(NULL);
	assert_true(failures > 100);
	free(want);
	cJSON_Delete(whole);
	for (size_t i = 0; i < n; i++)
		cJSON_Delete(ev[i].payload);
	free(ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_forged_payloads),
	        cmocka_unit_test(test_required_members),
	        cmocka_unit_test(test_forged_events),
	        cmocka_unit_test(test_written_payloads_fit),
	        cmocka_unit_test(test_fold_out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
