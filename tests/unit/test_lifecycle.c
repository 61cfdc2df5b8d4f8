/*
 * The lifecycle table of lib/lifecycle.c against DESIGN §3, written out
 * again here cell by cell: every action from every status, allowed or
 * refused, and the status it leads to. The fold reads the same table,
 * so the last test checks that folding an event agrees with it.
 *
 * DESIGN §3: open -> triaged -> investigating -> mitigated -> resolved
 * -> closed (the review done); reopen goes back to investigating;
 * cancel (a false alarm) and merge (a duplicate) are terminal.
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

/*
 * A row per action: for each status (the columns, in enum order: open,
 * triaged, investigating, mitigated, resolved, closed, cancelled,
 * merged), NO where the action is refused, KEEP where it is allowed and
 * the status stays, else the status it leads to.
 */
#define O INC_STATUS_OPEN
#define T INC_STATUS_TRIAGED
#define I INC_STATUS_INVESTIGATING
#define M INC_STATUS_MITIGATED
#define R INC_STATUS_RESOLVED
#define C INC_STATUS_CLOSED
#define X INC_STATUS_CANCELLED
#define G INC_STATUS_MERGED
#define NO (-1)
#define KEEP (-2)

/* clang-format off */
static const struct row {
	enum inc_action action;
	const char *kind; /* the event it writes */
	int to[INC_STATUS__COUNT];
} rows[] = {
	/*   open          investigating resolved      cancelled
	            triaged       mitigated     closed        merged */
	{INC_ACTION_TRIAGE, "triaged",
	    {T,     KEEP,  KEEP,  KEEP,  NO,    NO,    NO,    NO}},
	{INC_ACTION_INVESTIGATE, "investigating",
	    {I,     I,     NO,    I,     NO,    NO,    NO,    NO}},
	{INC_ACTION_MITIGATE, "mitigated",
	    {M,     M,     M,     NO,    NO,    NO,    NO,    NO}},
	{INC_ACTION_RESOLVE, "resolved",
	    {R,     R,     R,     R,     NO,    NO,    NO,    NO}},
	{INC_ACTION_REOPEN, "reopened",
	    {NO,    NO,    NO,    NO,    I,     I,     NO,    NO}},
	{INC_ACTION_CLOSE, "closed",
	    {NO,    NO,    NO,    NO,    C,     NO,    NO,    NO}},
	{INC_ACTION_ESCALATE, "escalated",
	    {KEEP,  KEEP,  KEEP,  KEEP,  NO,    NO,    NO,    NO}},
	{INC_ACTION_CANCEL, "cancelled",
	    {X,     X,     X,     X,     NO,    NO,    NO,    NO}},
	{INC_ACTION_MERGE, "merged",
	    {G,     G,     G,     G,     NO,    NO,    NO,    NO}},
	{INC_ACTION_ABSORB, "absorbed",
	    {KEEP,  KEEP,  KEEP,  KEEP,  NO,    NO,    NO,    NO}},
	{INC_ACTION_NOTE, "noted",
	    {KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP}},
	{INC_ACTION_UPDATE, "updated",
	    {KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP}},
	{INC_ACTION_ASSIGN, "assigned",
	    {KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP}},
	{INC_ACTION_EDIT, "edited",
	    {KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP}},
	{INC_ACTION_ATTACH, "alert_attached",
	    {KEEP,  KEEP,  KEEP,  KEEP,  NO,    NO,    NO,    NO}},
	{INC_ACTION_REVIEW, "reviewed",
	    {NO,    NO,    NO,    NO,    KEEP,  KEEP,  NO,    NO}},
	{INC_ACTION_ACTION_ADD, "action_added",
	    {KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP}},
	{INC_ACTION_ACTION_DONE, "action_done",
	    {KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  KEEP}},
	{INC_ACTION_RUNBOOK, "runbook_attached",
	    {KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  NO,    NO,    NO}},
	{INC_ACTION_CHECK, "step_checked",
	    {KEEP,  KEEP,  KEEP,  KEEP,  KEEP,  NO,    NO,    NO}},
};
/* clang-format on */

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static void
test_every_action_has_a_row(void **state)
{
	(void)state;
	assert_int_equal(NROWS, INC_ACTION__COUNT);
	for (size_t i = 0; i < NROWS; i++)
		assert_int_equal(rows[i].action, (enum inc_action)i);
}

static void
test_allowed_and_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROWS; i++) {
		for (int st = 0; st < INC_STATUS__COUNT; st++) {
			bool want = rows[i].to[st] != NO;
			if (inc_action_allowed(rows[i].action, st) != want)
				fail_msg("%s from %s: %s, wanted %s",
				         inc_action_name(rows[i].action),
				         inc_status_name(st),
				         want ? "refused" : "allowed",
				         want ? "allowed" : "refused");
		}
	}
}

static void
test_where_an_action_leads(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROWS; i++) {
		for (int st = 0; st < INC_STATUS__COUNT; st++) {
			int want = rows[i].to[st];
			enum inc_status got;
			if (want == NO)
				continue;
			if (want == KEEP)
				want = st;
			got = inc_action__next(rows[i].action, st);
			if ((int)got != want)
				fail_msg("%s from %s leads to %s, wanted %s",
				         inc_action_name(rows[i].action),
				         inc_status_name(st),
				         inc_status_name(got),
				         inc_status_name(want));
		}
	}
}

/* The path of DESIGN §3, step by step, and back by reopen. */
static void
test_the_path_through_the_stages(void **state)
{
	static const enum inc_action path[] = {
	        INC_ACTION_TRIAGE,  INC_ACTION_INVESTIGATE, INC_ACTION_MITIGATE,
	        INC_ACTION_RESOLVE, INC_ACTION_CLOSE,
	};
	static const enum inc_status stages[] = {
	        INC_STATUS_TRIAGED,   INC_STATUS_INVESTIGATING,
	        INC_STATUS_MITIGATED, INC_STATUS_RESOLVED,
	        INC_STATUS_CLOSED,
	};
	enum inc_status st = INC_STATUS_OPEN;

	(void)state;
	for (size_t i = 0; i < sizeof(path) / sizeof(path[0]); i++) {
		assert_true(inc_action_allowed(path[i], st));
		st = inc_action__next(path[i], st);
		assert_int_equal(st, stages[i]);
	}
	assert_int_equal(inc_action__next(INC_ACTION_REOPEN, st),
	                 INC_STATUS_INVESTIGATING);
	assert_int_equal(
	        inc_action__next(INC_ACTION_REOPEN, INC_STATUS_RESOLVED),
	        INC_STATUS_INVESTIGATING);
}

/*
 * Nothing changes the status of a cancelled or merged incident, and
 * nothing leads back to open.
 */
static void
test_terminal_statuses(void **state)
{
	static const enum inc_status terminal[] = {INC_STATUS_CANCELLED,
	                                           INC_STATUS_MERGED};

	(void)state;
	for (size_t t = 0; t < 2; t++)
		for (int a = 0; a < INC_ACTION__COUNT; a++)
			if (inc_action_allowed(a, terminal[t]))
				assert_int_equal(
				        inc_action__next(a, terminal[t]),
				        terminal[t]);
	for (int a = 0; a < INC_ACTION__COUNT; a++)
		for (int st = INC_STATUS_TRIAGED; st < INC_STATUS__COUNT; st++)
			if (inc_action_allowed(a, st))
				assert_int_not_equal(inc_action__next(a, st),
				                     INC_STATUS_OPEN);
}

static void
test_kinds_and_names(void **state)
{
	enum inc_action a;

	(void)state;
	for (size_t i = 0; i < NROWS; i++) {
		assert_string_equal(inc_action__kind(rows[i].action),
		                    rows[i].kind);
		assert_int_equal(inc_action__from_kind(&a, rows[i].kind), 0);
		assert_int_equal(a, rows[i].action);
	}
	/* "opened" starts an incident; no action writes it */
	assert_int_equal(inc_action__from_kind(&a, "opened"), -1);
	assert_int_equal(inc_action__from_kind(&a, "from_the_future"), -1);
	assert_string_equal(inc_action_name(INC_ACTION_ESCALATE), "escalate");
	assert_string_equal(inc_action_name(INC_ACTION__COUNT), "?");
	for (int st = 0; st < INC_STATUS__COUNT; st++) {
		enum inc_status back;
		assert_int_equal(inc_status_parse(&back, inc_status_name(st)),
		                 0);
		assert_int_equal(back, st);
		assert_int_equal(inc_status_active(st),
		                 st <= INC_STATUS_MITIGATED);
	}
	assert_int_equal(inc_status_parse(&(enum inc_status){0}, "closing"),
	                 -1);
}

/* A refusal is INC_EREFUSED and names the status and what is allowed. */
static void
test_refusal_names_what_is_allowed(void **state)
{
	inc_error err = {0};

	(void)state;
	assert_int_equal(inc_action__check(INC_ACTION_ESCALATE, "7fk2q",
	                                   INC_STATUS_RESOLVED, &err),
	                 INC_EREFUSED);
	assert_int_equal(err.code, INC_EREFUSED);
	assert_non_null(strstr(err.message,
	                       "7fk2q: cannot escalate a resolved incident "
	                       "(next: reopen, or review --done to close)"));
	assert_int_equal(inc_action__check(INC_ACTION_REOPEN, "7fk2q",
	                                   INC_STATUS_OPEN, &err),
	                 INC_EREFUSED);
	assert_non_null(strstr(err.message,
	                       "cannot reopen an open incident (next: "
	                       "triage, investigate, mitigate, resolve, "
	                       "escalate, cancel, or merge)"));
	assert_int_equal(inc_action__check(INC_ACTION_TRIAGE, "7fk2q",
	                                   INC_STATUS_MERGED, &err),
	                 INC_EREFUSED);
	assert_non_null(strstr(err.message, "cannot triage a merged incident "
	                                    "(it is final)"));
	/* allowed: 0, and err untouched */
	memset(&err, 0, sizeof(err));
	assert_int_equal(inc_action__check(INC_ACTION_NOTE, "7fk2q",
	                                   INC_STATUS_CANCELLED, &err),
	                 0);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.message, "");
}

/* The fold applies a status event only where the table allows it. */
static void
test_the_fold_reads_the_same_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < NROWS; i++) {
		for (int st = 0; st < INC_STATUS__COUNT; st++) {
			cJSON *doc = inc_fold__new("0123456789abcdef");
			inc_event ev = {0};
			enum inc_status got = INC_STATUS_OPEN;
			int want = rows[i].to[st];

			assert_non_null(doc);
			inc_doc__set_str(doc, "status", inc_status_name(st));
			inc_doc__set_time(doc, "opened_at", 1000);
			snprintf(ev.kind, sizeof(ev.kind), "%s", rows[i].kind);
			ev.at = ev.recorded_at = 2000;
			ev.actor = "tester";
			ev.payload = cJSON_CreateObject();
			inc_fold__apply(doc, &ev);
			assert_int_equal(
			        inc_status_parse(&got,
			                         inc_json__str(doc, "status")),
			        0);
			if (want == NO || want == KEEP)
				want = st;
			if ((int)got != want)
				fail_msg("a %s event on a %s incident folds to "
				         "%s, wanted %s",
				         rows[i].kind, inc_status_name(st),
				         inc_status_name(got),
				         inc_status_name(want));
			cJSON_Delete(ev.payload);
			cJSON_Delete(doc);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_every_action_has_a_row),
	        cmocka_unit_test(test_allowed_and_refused),
	        cmocka_unit_test(test_where_an_action_leads),
	        cmocka_unit_test(test_the_path_through_the_stages),
	        cmocka_unit_test(test_terminal_statuses),
	        cmocka_unit_test(test_kinds_and_names),
	        cmocka_unit_test(test_refusal_names_what_is_allowed),
	        cmocka_unit_test(test_the_fold_reads_the_same_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
