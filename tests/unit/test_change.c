/*
 * lib/change.c validates every write before anything is written (DESIGN
 * §2): each kind of bad input gets its INC_E* code and a message that
 * says what is wrong, and the store is exactly as it was, every row of
 * every table. The cases run against a store with one incident in each
 * stage, made with chosen ids.
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

#include "fixture.h"

/* The incidents every case can aim at. */
#define OPEN "aaaaa00000000001"
#define OPEN2 "aaaaa00000000002" /* so that "aaaaa" is ambiguous */
#define TRIAGED "bbbbb00000000001"
#define MITIGATED "ccccc00000000001"
#define RESOLVED "ddddd00000000001" /* its action #1 is done */
#define CANCELLED "eeeee00000000001"

/*
 * Times relative to the test's start, resolved when a case runs: the
 * incidents were opened an hour ago, triaged 50 minutes ago, mitigated
 * 33 and resolved 16 minutes ago.
 */
#define FUTURE (-1001)      /* an hour from now */
#define EARLY (-1002)       /* 55 minutes ago: after the opening only */
#define BEFORE_OPEN (-1003) /* two hours ago */

static int64_t now;

static int64_t
when(int64_t t)
{
	switch (t) {
	case FUTURE:
		return now + 3600;
	case EARLY:
		return now - 3300;
	case BEFORE_OPEN:
		return now - 7200;
	default:
		return t;
	}
}

/* Texts one byte longer than their field allows; filled in main(). */
static char long_label[100 + 2], long_name[200 + 2], long_title[1000 + 2];
static char long_key[65 + 3], long_value[1000 + 4];
static char long_text[64 * 1024 + 2];
static char *long_review; /* INC_REVIEW_MAX + 1 */

struct change_case {
	const char *what;
	const char *target; /* an id or prefix */
	enum inc_action action;
	inc_change_opts o;
	int want;
	const char *message; /* a part of the message */
};

static int
setup(void **state)
{
	struct fixture *fx;
	inc_change_opts o = INC_CHANGE_OPTS_INIT;
	inc_error err;

	if (fixture_setup(state) < 0)
		return -1;
	fx = *state;
	now = inc_time_now();
	fixture_put(fx->store, OPEN, NULL, now - 3600);
	fixture_put(fx->store, OPEN2, NULL, now - 3600);
	fixture_put(fx->store, TRIAGED, NULL, now - 3600);
	fixture_put(fx->store, MITIGATED, NULL, now - 3600);
	fixture_put(fx->store, RESOLVED, NULL, now - 3600);
	fixture_put(fx->store, CANCELLED, NULL, now - 3600);
	o.at = now - 3000;
	if (inc_incident_change(NULL, fx->store, TRIAGED, INC_ACTION_TRIAGE, &o,
	                        &err) < 0)
		return -1;
	o.at = now - 2000;
	if (inc_incident_change(NULL, fx->store, MITIGATED, INC_ACTION_MITIGATE,
	                        &o, &err) < 0)
		return -1;
	o.at = now - 1000;
	if (inc_incident_change(NULL, fx->store, RESOLVED, INC_ACTION_RESOLVE,
	                        &o, &err) < 0)
		return -1;
	o.text = "write the runbook";
	if (inc_incident_change(NULL, fx->store, RESOLVED,
	                        INC_ACTION_ACTION_ADD, &o, &err) < 0)
		return -1;
	o.text = NULL;
	o.action_n = 1;
	if (inc_incident_change(NULL, fx->store, RESOLVED,
	                        INC_ACTION_ACTION_DONE, &o, &err) < 0)
		return -1;
	o.action_n = 0;
	o.reason = "false alarm";
	if (inc_incident_change(NULL, fx->store, CANCELLED, INC_ACTION_CANCEL,
	                        &o, &err) < 0)
		return -1;
	return 0;
}

/* Checks that err is code with message in it, on one line. */
static void
check_error(const char *what, int ret, const inc_error *err, int want,
            const char *message)
{
	if (ret != want)
		fail_msg("%s: returned %d, wanted %d (%s)", what, ret, want,
		         err->message);
	if (err->code != want)
		fail_msg("%s: err.code %d, wanted %d", what, err->code, want);
	if (message != NULL && strstr(err->message, message) == NULL)
		fail_msg("%s: message '%s' does not say '%s'", what,
		         err->message, message);
	if (strchr(err->message, '\n') != NULL)
		fail_msg("%s: message '%s' is not one line", what,
		         err->message);
}

static void
run_cases(struct fixture *fx, const struct change_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct change_case *c = &cases[i];
		inc_change_opts o = c->o;
		inc_incident sentinel, *out = &sentinel;
		inc_error err = {0};
		char *before, *after;
		int ret;

		o.at = when(o.at);
		o.started = when(o.started);
		before = fixture_snapshot(fx->store);
		ret = inc_incident_change(&out, fx->store, c->target, c->action,
		                          &o, &err);
		after = fixture_snapshot(fx->store);
		check_error(c->what, ret, &err, c->want, c->message);
		if (out != NULL)
			fail_msg("%s: *out is set on failure", c->what);
		if (strcmp(before, after) != 0)
			fail_msg("%s: the store changed", c->what);
		free(before);
		free(after);
	}
}

#define RUN(cases) run_cases(*state, cases, sizeof(cases) / sizeof(cases[0]))

static void
test_ids_times_and_actions(void **state)
{
	/* clang-format off */
	const struct change_case cases[] = {
	        {"an action that does not exist", OPEN, INC_ACTION__COUNT,
	         {.text = "x"}, INC_EINVALID, "unknown action"},
	        {"a time in the future", OPEN, INC_ACTION_NOTE,
	         {.text = "x", .at = FUTURE}, INC_EINVALID,
	         "that time is in the future"},
	        {"no such incident", "zzzzz", INC_ACTION_NOTE, {.text = "x"},
	         INC_ENOTFOUND, "zzzzz: no such incident"},
	        {"not an id", "not-an-id!", INC_ACTION_NOTE, {.text = "x"},
	         INC_ENOTFOUND, "not an incident id"},
	        {"longer than an id", "0123456789abcdefg", INC_ACTION_NOTE,
	         {.text = "x"}, INC_ENOTFOUND, "at most 16 characters"},
	        {"an empty id", "", INC_ACTION_NOTE, {.text = "x"},
	         INC_EINVALID, "empty incident id"},
	        {"an ambiguous prefix", "aaaaa", INC_ACTION_NOTE, {.text = "x"},
	         INC_EAMBIGUOUS,
	         "aaaaa: ambiguous id, could be " OPEN ", " OPEN2},
	        {"merge is inc_incident_merge's", OPEN, INC_ACTION_MERGE, {0},
	         INC_EINVALID, "cannot merge directly"},
	        {"absorb is inc_incident_merge's", OPEN, INC_ACTION_ABSORB, {0},
	         INC_EINVALID, "directly"},
	        {"attach is inc_incident_open's", OPEN, INC_ACTION_ATTACH, {0},
	         INC_EINVALID, "directly"},
	};
	/* clang-format on */

	RUN(cases);
}

static void
test_refused_by_the_lifecycle(void **state)
{
	/* clang-format off */
	const struct change_case cases[] = {
	        {"reopen an open incident", OPEN, INC_ACTION_REOPEN,
	         {.reason = "x"}, INC_EREFUSED,
	         "cannot reopen an open incident (next: triage"},
	        {"escalate a resolved incident", RESOLVED, INC_ACTION_ESCALATE,
	         {0}, INC_EREFUSED, "cannot escalate a resolved incident"},
	        {"triage a cancelled incident", CANCELLED, INC_ACTION_TRIAGE,
	         {0}, INC_EREFUSED, "cannot triage a cancelled incident (it is final)"},
	        {"mitigate twice", MITIGATED, INC_ACTION_MITIGATE, {0},
	         INC_EREFUSED, "cannot mitigate a mitigated incident"},
	        {"review before the resolution", TRIAGED, INC_ACTION_REVIEW,
	         {.text = "# review"}, INC_EREFUSED,
	         "cannot review a triaged incident"},
	        {"close an open incident", OPEN, INC_ACTION_CLOSE, {0},
	         INC_EREFUSED, "cannot close an open incident"},
	        /* refused before the input is looked at */
	        {"cancel a cancelled incident, with no reason", CANCELLED,
	         INC_ACTION_CANCEL, {0}, INC_EREFUSED, "cannot cancel"},
	};
	/* clang-format on */

	RUN(cases);
}

static void
test_milestones_keep_their_order(void **state)
{
	/* clang-format off */
	const struct change_case cases[] = {
	        {"cancel before the opening", OPEN, INC_ACTION_CANCEL,
	         {.reason = "x", .at = BEFORE_OPEN}, INC_EINVALID,
	         ": opened at "},
	        {"triage before the opening", OPEN, INC_ACTION_TRIAGE,
	         {.at = BEFORE_OPEN}, INC_EINVALID, ": opened at "},
	        {"escalate before the opening", OPEN, INC_ACTION_ESCALATE,
	         {.at = BEFORE_OPEN}, INC_EINVALID, ": opened at "},
	        {"mitigate before the triage", TRIAGED, INC_ACTION_MITIGATE,
	         {.at = EARLY}, INC_EINVALID, "before it was acknowledged"},
	        {"resolve before the mitigation", MITIGATED, INC_ACTION_RESOLVE,
	         {.at = EARLY}, INC_EINVALID, "before it was mitigated"},
	        {"reopen before the resolution", RESOLVED, INC_ACTION_REOPEN,
	         {.reason = "x", .at = EARLY}, INC_EINVALID,
	         "before it was resolved"},
	        {"close before the resolution", RESOLVED, INC_ACTION_CLOSE,
	         {.at = EARLY}, INC_EINVALID, "before it was resolved"},
	};
	/* clang-format on */

	RUN(cases);
}

static void
test_triage_input(void **state)
{
	/* clang-format off */
	const struct change_case cases[] = {
	        {"a severity above the scale", OPEN, INC_ACTION_TRIAGE,
	         {.severity = 5}, INC_EINVALID, "outside the scale 1..4"},
	        {"a negative severity", OPEN, INC_ACTION_TRIAGE,
	         {.severity = -1}, INC_EINVALID, "outside the scale"},
	        {"an unknown impact", OPEN, INC_ACTION_TRIAGE,
	         {.impact = "huge"}, INC_EINVALID, "high, medium or low"},
	        {"an unknown urgency", OPEN, INC_ACTION_TRIAGE,
	         {.impact = "high", .urgency = "soon"}, INC_EINVALID,
	         "high, medium or low"},
	        {"priority P5", OPEN, INC_ACTION_TRIAGE, {.priority = "P5"},
	         INC_EINVALID, "unknown priority 'P5'"},
	        {"priority 1", OPEN, INC_ACTION_TRIAGE, {.priority = "1"},
	         INC_EINVALID, "unknown priority"},
	        {"a commander that is not UTF-8", OPEN, INC_ACTION_TRIAGE,
	         {.commander = "caf\xc3"}, INC_EINVALID,
	         "the commander is not valid UTF-8"},
	        {"a commander too long", OPEN, INC_ACTION_TRIAGE,
	         {.commander = long_name}, INC_EINVALID,
	         "the commander is too long (201 bytes; at most 200)"},
	        {"a summary too long", OPEN, INC_ACTION_TRIAGE,
	         {.summary = long_text}, INC_EINVALID,
	         "the summary is too long"},
	        {"a service with a space", OPEN, INC_ACTION_TRIAGE,
	         {.services = (const char *const[]){"api", "check out"},
	          .nservices = 2}, INC_EINVALID,
	         "service 'check out' is empty or has spaces"},
	        {"a service with a comma", OPEN, INC_ACTION_TRIAGE,
	         {.services = (const char *const[]){"api,db"}, .nservices = 1},
	         INC_EINVALID, "has spaces or commas"},
	        {"an empty service", OPEN, INC_ACTION_TRIAGE,
	         {.services = (const char *const[]){""}, .nservices = 1},
	         INC_EINVALID, "service '' is empty"},
	        {"a service too long", OPEN, INC_ACTION_TRIAGE,
	         {.services = (const char *const[]){long_label},
	          .nservices = 1},
	         INC_EINVALID, "service is too long"},
	        {"a tag with a tab", OPEN, INC_ACTION_TRIAGE,
	         {.tags = (const char *const[]){"a\tb"}, .ntags = 1},
	         INC_EINVALID, "tag 'a\tb' is empty or has spaces"},
	        {"impact that began after the detection", OPEN,
	         INC_ACTION_TRIAGE, {.started = EARLY}, INC_EINVALID,
	         "impact cannot start after it was detected"},
	};
	/* clang-format on */

	RUN(cases);
}

static void
test_text_input(void **state)
{
	/* clang-format off */
	const struct change_case cases[] = {
	        {"a note that is not UTF-8 on investigate", OPEN,
	         INC_ACTION_INVESTIGATE, {.text = "caf\xc3"}, INC_EINVALID,
	         "the note is not valid UTF-8"},
	        {"a note too long on mitigate", OPEN, INC_ACTION_MITIGATE,
	         {.text = long_text}, INC_EINVALID, "the note is too long"},
	        {"a resolution that is not UTF-8", OPEN, INC_ACTION_RESOLVE,
	         {.summary = "caf\xc3"}, INC_EINVALID,
	         "the summary is not valid UTF-8"},
	        {"a cause too long", OPEN, INC_ACTION_RESOLVE,
	         {.cause = long_text}, INC_EINVALID, "the cause is too long"},
	        {"reopen without a reason", RESOLVED, INC_ACTION_REOPEN, {0},
	         INC_EINVALID, "the reason is empty"},
	        {"cancel with a blank reason", OPEN, INC_ACTION_CANCEL,
	         {.reason = " \t\n"}, INC_EINVALID, "the reason is empty"},
	        {"an escalation target too long", OPEN, INC_ACTION_ESCALATE,
	         {.to = long_name}, INC_EINVALID, "the target is too long"},
	        {"an escalation reason that is not UTF-8", OPEN,
	         INC_ACTION_ESCALATE, {.reason = "caf\xc3"}, INC_EINVALID,
	         "the reason is not valid UTF-8"},
	        {"a note without text", OPEN, INC_ACTION_NOTE, {0},
	         INC_EINVALID, "the note is empty"},
	        {"a blank note", OPEN, INC_ACTION_NOTE, {.text = "   "},
	         INC_EINVALID, "the note is empty"},
	        {"a note too long", OPEN, INC_ACTION_NOTE, {.text = long_text},
	         INC_EINVALID,
	         "the note is too long (65537 bytes; at most 65536)"},
	        {"a note that is not UTF-8", CANCELLED, INC_ACTION_NOTE,
	         {.text = "caf\xc3"}, INC_EINVALID, "not valid UTF-8"},
	        {"an update without text", OPEN, INC_ACTION_UPDATE, {0},
	         INC_EINVALID, "the update is empty"},
	        {"a review without text", RESOLVED, INC_ACTION_REVIEW, {0},
	         INC_EINVALID, "the review is empty"},
	};
	/* clang-format on */

	RUN(cases);
}

static void
test_assign_and_edit_input(void **state)
{
	/* clang-format off */
	const struct change_case cases[] = {
	        {"an unknown role", OPEN, INC_ACTION_ASSIGN,
	         {.role = "boss", .who = "bob"}, INC_EINVALID,
	         "unknown role 'boss' (commander, comms, ops, scribe)"},
	        {"no role", OPEN, INC_ACTION_ASSIGN, {.who = "bob"},
	         INC_EINVALID, "unknown role ''"},
	        {"removing a role nobody holds", OPEN, INC_ACTION_ASSIGN,
	         {.role = "scribe"}, INC_EINVALID, "has no scribe to remove"},
	        {"a blank name", OPEN, INC_ACTION_ASSIGN,
	         {.role = "ops", .who = " "}, INC_EINVALID,
	         "the name is empty"},
	        {"a name too long", OPEN, INC_ACTION_ASSIGN,
	         {.role = "ops", .who = long_name}, INC_EINVALID,
	         "the name is too long"},
	        {"an edit of nothing", OPEN, INC_ACTION_EDIT, {0}, INC_EINVALID,
	         "nothing to change"},
	        {"a blank title", OPEN, INC_ACTION_EDIT, {.title = " "},
	         INC_EINVALID, "the title is empty"},
	        {"a title too long", OPEN, INC_ACTION_EDIT,
	         {.title = long_title}, INC_EINVALID,
	         "the title is too long (1001 bytes; at most 1000)"},
	        {"a summary that is not UTF-8", OPEN, INC_ACTION_EDIT,
	         {.summary = "caf\xc3"}, INC_EINVALID, "not valid UTF-8"},
	        {"a field without =", OPEN, INC_ACTION_EDIT,
	         {.fields = (const char *const[]){"region"}, .nfields = 1},
	         INC_EINVALID,
	         "a field is key=value with a key of a-z, 0-9, "
	         "_ . - (not 'region')"},
	        {"a field without a key", OPEN, INC_ACTION_EDIT,
	         {.fields = (const char *const[]){"=eu"}, .nfields = 1},
	         INC_EINVALID, "(not '=eu')"},
	        {"a key in upper case", OPEN, INC_ACTION_EDIT,
	         {.fields = (const char *const[]){"Region=eu"}, .nfields = 1},
	         INC_EINVALID, "a field is key=value"},
	        {"a key with a space", OPEN, INC_ACTION_EDIT,
	         {.fields = (const char *const[]){"ok=1", "my key=eu"},
	          .nfields = 2}, INC_EINVALID, "(not 'my key=eu')"},
	        {"a key too long", OPEN, INC_ACTION_EDIT,
	         {.fields = (const char *const[]){long_key}, .nfields = 1},
	         INC_EINVALID, "a field is key=value"},
	        {"a value that is not UTF-8", OPEN, INC_ACTION_EDIT,
	         {.fields = (const char *const[]){"region=caf\xc3"},
	          .nfields = 1}, INC_EINVALID,
	         "a field value is not valid UTF-8"},
	        {"a value too long", OPEN, INC_ACTION_EDIT,
	         {.fields = (const char *const[]){long_value}, .nfields = 1},
	         INC_EINVALID, "a field value is too long"},
	};
	/* clang-format on */

	RUN(cases);
}

static void
test_actions_and_reviews_input(void **state)
{
	/* clang-format off */
	const struct change_case cases[] = {
	        {"an action without text", OPEN, INC_ACTION_ACTION_ADD, {0},
	         INC_EINVALID, "the action is empty"},
	        {"an action too long", OPEN, INC_ACTION_ACTION_ADD,
	         {.text = long_title}, INC_EINVALID, "the action is too long"},
	        {"an owner too long", OPEN, INC_ACTION_ACTION_ADD,
	         {.text = "x", .owner = long_name}, INC_EINVALID,
	         "the owner is too long"},
	        {"an unknown type", OPEN, INC_ACTION_ACTION_ADD,
	         {.text = "x", .action_type = "reactive"}, INC_EINVALID,
	         "unknown type (detective, preventive, corrective) 'reactive'"},
	        {"an unknown action priority", OPEN, INC_ACTION_ACTION_ADD,
	         {.text = "x", .action_priority = "P1"}, INC_EINVALID,
	         "unknown priority (high, medium, low) 'P1'"},
	        {"action #0", RESOLVED, INC_ACTION_ACTION_DONE, {.action_n = 0},
	         INC_ENOTFOUND, "has no action #0"},
	        {"an action beyond the last", RESOLVED, INC_ACTION_ACTION_DONE,
	         {.action_n = 2}, INC_ENOTFOUND,
	         "ddddd: has no action #2"},
	        {"an action done twice", RESOLVED, INC_ACTION_ACTION_DONE,
	         {.action_n = 1}, INC_EINVALID,
	         "action #1 of incident ddddd is done already"},
	        {"a review too long", RESOLVED, INC_ACTION_REVIEW,
	         {.text = long_review}, INC_EINVALID, "the review is too long"},
	};
	/* clang-format on */

	RUN(cases);
}

/* A broken cell of the priority matrix in config is the config's fault. */
static void
test_bad_priority_config(void **state)
{
	/* clang-format off */
	const struct change_case cases[] = {
	        {"a config cell that is not P1..P4", OPEN, INC_ACTION_TRIAGE,
	         {.impact = "high", .urgency = "high"}, INC_ERROR,
	         "config priority.high.high = 'P9': not P1..P4"},
	};
	/* clang-format on */

	fixture_config(*state, "[priority \"high\"]\n\thigh = P9\n");
	RUN(cases);
}

static void
test_merge_input(void **state)
{
	/* clang-format off */
	const struct {
		const char *what, *dup, *into;
		int64_t at;
		int want;
		const char *message;
	} cases[] = {
	        {"a merge into itself", OPEN, OPEN, 0, INC_EINVALID,
	         "cannot be merged into itself"},
	        {"a merge into itself, in capitals", OPEN, "AAAAA00000000001",
	         0, INC_EINVALID, "into itself"},
	        {"a merge into nothing", OPEN, "zzzzz", 0, INC_ENOTFOUND,
	         "zzzzz: no such incident"},
	        {"a merge of nothing", "zzzzz", OPEN, 0, INC_ENOTFOUND,
	         "no such incident"},
	        {"an ambiguous duplicate", "aaaaa", TRIAGED, 0, INC_EAMBIGUOUS,
	         "ambiguous id"},
	        {"a merge of a resolved incident", RESOLVED, OPEN, 0,
	         INC_EREFUSED, "cannot merge a resolved incident"},
	        {"a merge into a cancelled incident", OPEN, CANCELLED, 0,
	         INC_EREFUSED, "cannot merge into a cancelled incident"},
	        {"a merge in the future", OPEN, TRIAGED, FUTURE, INC_EINVALID,
	         "that time is in the future"},
	};
	/* clang-format on */
	struct fixture *fx = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		inc_change_opts o = INC_CHANGE_OPTS_INIT;
		inc_incident sentinel, *out = &sentinel;
		inc_error err = {0};
		char *before = fixture_snapshot(fx->store), *after;
		int ret;

		o.at = when(cases[i].at);
		ret = inc_incident_merge(&out, fx->store, cases[i].dup,
		                         cases[i].into, &o, &err);
		after = fixture_snapshot(fx->store);
		check_error(cases[i].what, ret, &err, cases[i].want,
		            cases[i].message);
		if (out != NULL)
			fail_msg("%s: *out is set on failure", cases[i].what);
		if (strcmp(before, after) != 0)
			fail_msg("%s: the store changed", cases[i].what);
		free(before);
		free(after);
	}
}

/*
 * Every lifecycle change refuses a time before the incident was opened
 * (test_milestones_keep_their_order); a merge too, on either side, and
 * writes nothing.
 */
static void
test_merge_before_the_opening(void **state)
{
	struct fixture *fx = *state;
	inc_change_opts o = INC_CHANGE_OPTS_INIT;
	inc_error err = {0};

	o.at = now - 7200;
	assert_int_equal(
	        inc_incident_merge(NULL, fx->store, OPEN, TRIAGED, &o, &err),
	        INC_EINVALID);
	assert_non_null(strstr(err.message, ": opened at "));
}

static void
test_open_input(void **state)
{
	/* clang-format off */
	const struct {
		const char *what;
		inc_open_opts o;
		int want;
		const char *message;
	} cases[] = {
	        {"no title", {0}, INC_EINVALID, "the title is empty"},
	        {"a blank title", {.title = " \t"}, INC_EINVALID,
	         "the title is empty"},
	        {"a title too long", {.title = long_title}, INC_EINVALID,
	         "the title is too long"},
	        {"a title that is not UTF-8", {.title = "caf\xc3"},
	         INC_EINVALID, "the title is not valid UTF-8"},
	        {"a summary too long", {.title = "x", .summary = long_text},
	         INC_EINVALID, "the summary is too long"},
	        {"a commander too long", {.title = "x", .commander = long_name},
	         INC_EINVALID, "the commander is too long"},
	        {"a service with a space",
	         {.title = "x", .services = (const char *const[]){"a b"},
	          .nservices = 1}, INC_EINVALID, "service 'a b'"},
	        {"an empty tag",
	         {.title = "x", .tags = (const char *const[]){""}, .ntags = 1},
	         INC_EINVALID, "tag '' is empty"},
	        {"a blank dedup key", {.title = "x", .dedup_key = "  "},
	         INC_EINVALID, "the dedup key is empty"},
	        {"a dedup key too long",
	         {.title = "x", .dedup_key = long_title}, INC_EINVALID,
	         "the dedup key is too long"},
	        {"a source too long", {.title = "x", .source = long_label},
	         INC_EINVALID, "the source is too long"},
	        {"a severity above the scale", {.title = "x", .severity = 5},
	         INC_EINVALID, "severity 5 is outside the scale 1..4"},
	        {"a negative severity", {.title = "x", .severity = -2},
	         INC_EINVALID, "outside the scale"},
	        {"a time in the future", {.title = "x", .at = FUTURE},
	         INC_EINVALID, "that time is in the future"},
	        {"impact that began after the detection",
	         {.title = "x", .at = BEFORE_OPEN, .started = EARLY},
	         INC_EINVALID, "impact cannot start after it was detected"},
	};
	/* clang-format on */
	struct fixture *fx = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		inc_open_opts o = cases[i].o;
		inc_incident sentinel, *out = &sentinel;
		bool dedup = true;
		inc_error err = {0};
		char *before = fixture_snapshot(fx->store), *after;
		int ret;

		o.at = when(o.at);
		o.started = when(o.started);
		ret = inc_incident_open(&out, &dedup, fx->store, &o, &err);
		after = fixture_snapshot(fx->store);
		check_error(cases[i].what, ret, &err, cases[i].want,
		            cases[i].message);
		if (out != NULL || dedup)
			fail_msg("%s: *out or *deduplicated set on failure",
			         cases[i].what);
		if (strcmp(before, after) != 0)
			fail_msg("%s: the store changed", cases[i].what);
		free(before);
		free(after);
	}
}

/* A dry run passes validation, returns the new state, writes nothing. */
static void
test_dry_runs_write_nothing(void **state)
{
	struct fixture *fx = *state;
	inc_change_opts o = INC_CHANGE_OPTS_INIT;
	inc_open_opts oo = INC_OPEN_OPTS_INIT;
	char *before = fixture_snapshot(fx->store), *after;
	inc_incident *out;
	inc_error err;

	o.dry_run = true;
	o.text = "maybe";
	assert_int_equal(inc_incident_change(&out, fx->store, OPEN,
	                                     INC_ACTION_NOTE, &o, &err),
	                 0);
	assert_int_equal(inc_doc__int(inc_incident__doc(out), "note_count"), 1);
	inc_incident_free(out);
	o.text = NULL;
	assert_int_equal(inc_incident_change(&out, fx->store, TRIAGED,
	                                     INC_ACTION_RESOLVE, &o, &err),
	                 0);
	assert_int_equal(inc_incident_status(out), INC_STATUS_RESOLVED);
	inc_incident_free(out);
	assert_int_equal(
	        inc_incident_merge(&out, fx->store, OPEN, TRIAGED, &o, &err),
	        0);
	assert_string_equal(inc_incident_id(out), TRIAGED);
	inc_incident_free(out);
	oo.title = "only a rehearsal";
	oo.dry_run = true;
	assert_int_equal(inc_incident_open(&out, NULL, fx->store, &oo, &err),
	                 0);
	assert_string_equal(inc_incident_title(out), "only a rehearsal");
	inc_incident_free(out);
	memset(&o, 0, sizeof(o));
	o.text = "x";
	o.dry_run = true;
	assert_int_equal(inc_incident_change(NULL, fx->store, OPEN,
	                                     INC_ACTION_NOTE, &o, &err),
	                 0);
	after = fixture_snapshot(fx->store);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_ids_times_and_actions,
	                                        setup, fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_refused_by_the_lifecycle,
	                                        setup, fixture_teardown),
	        cmocka_unit_test_setup_teardown(
	                test_milestones_keep_their_order, setup,
	                fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_triage_input, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_text_input, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_assign_and_edit_input,
	                                        setup, fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_actions_and_reviews_input,
	                                        setup, fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_bad_priority_config, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_merge_input, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_merge_before_the_opening,
	                                        setup, fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_open_input, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_dry_runs_write_nothing,
	                                        setup, fixture_teardown),
	};

	memset(long_label, 'a', sizeof(long_label) - 1);
	memset(long_name, 'n', sizeof(long_name) - 1);
	memset(long_title, 't', sizeof(long_title) - 1);
	memset(long_text, 'x', sizeof(long_text) - 1);
	/* key=value pairs: a key of 65 characters; a value of 1001 */
	memset(long_key, 'k', sizeof(long_key) - 1);
	long_key[65] = '=';
	memcpy(long_value, "v=", 2);
	memset(long_value + 2, 'v', sizeof(long_value) - 3);
	if ((long_review = malloc(INC_REVIEW_MAX + 2)) == NULL)
		return 1;
	memset(long_review, 'r', INC_REVIEW_MAX + 1);
	long_review[INC_REVIEW_MAX + 1] = '\0';
	int ret = cmocka_run_group_tests(tests, NULL, NULL);
	free(long_review);
	return ret;
}
