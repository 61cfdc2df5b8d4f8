/*
 * lib/stats.c against DESIGN §3, on incidents whose milestones are known
 * to the second: TTD = detected - started, TTA = acknowledged - detected,
 * TTM = mitigated - started, TTR = resolved - started (started unknown:
 * detected), and their mean, median and p90. The mean and the median
 * are rounded to whole seconds, half away from zero; the median of an
 * even count is the mean of the two middle values; p90 is the nearest
 * rank, the value at rank ceil(0.9 n). An incident missing a milestone
 * is left out of that metric and counted as missing; drills are left
 * out altogether.
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

#define NONE (-1) /* a milestone that never happened */

/* Seconds from a base time; NONE where the milestone is missing. */
struct milestones {
	int64_t started, detected, acknowledged, mitigated, resolved;
	int severity;
	bool drill;
};

static int64_t base;

/* Opens an incident and takes it through its milestones. */
static char *
make(struct fixture *fx, const struct milestones *m)
{
	inc_open_opts oo = INC_OPEN_OPTS_INIT;
	inc_change_opts o = INC_CHANGE_OPTS_INIT;
	inc_incident *inc;
	inc_error err;
	char *id;

	/* each incident a day after the last, so none overlap */
	base += 86400;
	oo.title = "metrics";
	oo.severity = m->severity;
	oo.drill = m->drill;
	oo.at = base + m->detected;
	oo.started = m->started != NONE ? base + m->started : 0;
	assert_int_equal(inc_incident_open(&inc, NULL, fx->store, &oo, &err),
	                 0);
	assert_non_null(id = strdup(inc_incident_id(inc)));
	inc_incident_free(inc);
	if (m->acknowledged != NONE) {
		o.at = base + m->acknowledged;
		assert_int_equal(inc_incident_change(NULL, fx->store, id,
		                                     INC_ACTION_TRIAGE, &o,
		                                     &err),
		                 0);
	}
	if (m->mitigated != NONE) {
		o.at = base + m->mitigated;
		assert_int_equal(inc_incident_change(NULL, fx->store, id,
		                                     INC_ACTION_MITIGATE, &o,
		                                     &err),
		                 0);
	}
	if (m->resolved != NONE) {
		o.at = base + m->resolved;
		assert_int_equal(inc_incident_change(NULL, fx->store, id,
		                                     INC_ACTION_RESOLVE, &o,
		                                     &err),
		                 0);
	}
	return id;
}

static int
setup(void **state)
{
	if (fixture_setup(state) < 0)
		return -1;
	/* a whole day, 60 days ago: every time is in the past */
	base = (inc_time_now() / 86400 - 60) * 86400;
	return 0;
}

static cJSON *
stats(struct fixture *fx, const char *by, int64_t since, int64_t until)
{
	inc_stats_opts o = {since, until, by, inc_time_now()};
	inc_error err;
	cJSON *root;

	assert_int_equal(inc_stats__compute(&root, fx->store, &o, &err), 0);
	return root;
}

/*
 * Checks one metric of a group: n, missing, mean, median, p90, max;
 * NONE for a null.
 */
static void
check_metric(const cJSON *group, const char *key, int n, int missing,
             double mean, double median, double p90, double max)
{
	const cJSON *m =
	        cJSON_GetObjectItem(cJSON_GetObjectItem(group, "metrics"), key);
	const char *names[] = {"mean", "median", "p90", "max"};
	double want[] = {mean, median, p90, max};

	assert_non_null(m);
	assert_int_equal(inc_doc__int(m, "n"), n);
	assert_int_equal(inc_doc__int(m, "missing"), missing);
	for (int i = 0; i < 4; i++) {
		const cJSON *v = cJSON_GetObjectItem(m, names[i]);
		if (want[i] == NONE
		            ? !cJSON_IsNull(v)
		            : !cJSON_IsNumber(v) || v->valuedouble != want[i])
			fail_msg("%s %s: %s, wanted %g", key, names[i],
			         cJSON_PrintUnformatted(v), want[i]);
	}
}

static int
count(const cJSON *group, const char *key)
{
	return inc_doc__int(cJSON_GetObjectItem(group, "counts"), key);
}

/*
 * Five incidents and a drill. By hand:
 *
 *          TTD   TTA   TTM    TTR
 *   one     60    60   600   1200
 *   two    120   180   900   2400
 *   three  301     1  1801   3600
 *   four     -   101   500   5000   (impact start unknown)
 *   five    30     -     -      -   (still open)
 *
 *   TTD  n 4: 30 60 120 301    mean 127.75 -> 128  median (60+120)/2 = 90
 *   TTA  n 4: 1 60 101 180     mean 85.5 -> 86     median 80.5 -> 81
 *   TTM  n 4: 500 600 900 1801 mean 950.25 -> 950  median 750
 *   TTR  n 4: 1200 ... 5000    mean 3050           median 3000
 *   p90: rank ceil(3.6) = 4, the largest, of each
 */
static const struct milestones five[] = {
        {0, 60, 120, 600, 1200, 1, false},
        {0, 120, 300, 900, 2400, 1, false},
        {0, 301, 302, 1801, 3600, 2, false},
        {NONE, 0, 101, 500, 5000, 2, false},
        {0, 30, NONE, NONE, NONE, 3, false},
};
static const struct milestones drill = {0, 9000, 9500, 20000, 90000, 1, true};

static void
make_five(struct fixture *fx, char *ids[5])
{
	for (int i = 0; i < 5; i++)
		ids[i] = make(fx, &five[i]);
	free(make(fx, &drill));
}

static void
test_mean_median_p90(void **state)
{
	char *ids[5];
	cJSON *root, *total;

	make_five(*state, ids);
	root = stats(*state, NULL, 0, 0);
	total = cJSON_GetObjectItem(root, "total");
	check_metric(total, "ttd", 4, 1, 128, 90, 301, 301);
	check_metric(total, "tta", 4, 1, 86, 81, 180, 180);
	check_metric(total, "ttm", 4, 1, 950, 750, 1801, 1801);
	check_metric(total, "ttr", 4, 1, 3050, 3000, 5000, 5000);
	assert_int_equal(count(total, "opened"), 5);
	assert_int_equal(count(total, "resolved"), 4);
	assert_int_equal(count(total, "open"), 1);
	assert_int_equal(inc_doc__int(root, "drills_left_out"), 1);
	/* without --by the one group is the total */
	assert_int_equal(
	        cJSON_GetArraySize(cJSON_GetObjectItem(root, "groups")), 1);
	assert_string_equal(
	        inc_json__str(cJSON_GetArrayItem(
	                              cJSON_GetObjectItem(root, "groups"), 0),
	                      "key"),
	        "all");
	cJSON_Delete(root);
	for (int i = 0; i < 5; i++)
		free(ids[i]);
}

static void
test_by_severity(void **state)
{
	char *ids[5];
	cJSON *root, *groups, *g;

	make_five(*state, ids);
	root = stats(*state, "severity", 0, 0);
	groups = cJSON_GetObjectItem(root, "groups");
	assert_int_equal(cJSON_GetArraySize(groups), 3);
	/* SEV1: one and two (the SEV1 drill is left out) */
	g = cJSON_GetArrayItem(groups, 0);
	assert_string_equal(inc_json__str(g, "key"), "SEV1");
	check_metric(g, "ttr", 2, 0, 1800, 1800, 2400, 2400);
	check_metric(g, "tta", 2, 0, 120, 120, 180, 180);
	/* SEV2: three and four; four has no TTD */
	g = cJSON_GetArrayItem(groups, 1);
	assert_string_equal(inc_json__str(g, "key"), "SEV2");
	check_metric(g, "ttd", 1, 1, 301, 301, 301, 301);
	check_metric(g, "ttr", 2, 0, 4300, 4300, 5000, 5000);
	/* SEV3: five, with nothing but TTD: the rest is null, not zero */
	g = cJSON_GetArrayItem(groups, 2);
	assert_string_equal(inc_json__str(g, "key"), "SEV3");
	check_metric(g, "ttd", 1, 0, 30, 30, 30, 30);
	check_metric(g, "tta", 0, 1, NONE, NONE, NONE, NONE);
	check_metric(g, "ttr", 0, 1, NONE, NONE, NONE, NONE);
	/* the total does not change with the grouping */
	check_metric(cJSON_GetObjectItem(root, "total"), "ttr", 4, 1, 3050,
	             3000, 5000, 5000);
	cJSON_Delete(root);
	for (int i = 0; i < 5; i++)
		free(ids[i]);
}

/*
 * TTR of k minutes for k = 1..n: the median and the nearest-rank p90
 * for odd and even counts, and counts where 0.9 n is a whole number.
 */
static void
test_ranks(void **state)
{
	static const struct {
		int n;
		double mean, median, p90;
	} cases[] = {
	        /* n   mean    median        p90: rank ceil(0.9 n) */
	        {1, 60, 60, 60},      /* rank 1 */
	        {2, 90, 90, 120},     /* (60+120)/2; rank 2 */
	        {3, 120, 120, 180},   /* rank ceil(2.7) = 3 */
	        {9, 300, 300, 540},   /* rank ceil(8.1) = 9 */
	        {10, 330, 330, 540},  /* (300+360)/2; rank 9 exactly */
	        {11, 360, 360, 600},  /* the 6th; rank ceil(9.9) = 10 */
	        {20, 630, 630, 1080}, /* rank 18 exactly */
	};
	struct fixture *fx = *state;
	int made = 0;

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		cJSON *root;

		/* add incidents until there are n, in no particular order */
		while (made < cases[c].n) {
			int k = made + 1;
			struct milestones m = {NONE, 0, NONE, NONE,
			                       0,    3, false};
			m.resolved = k * 60;
			free(make(fx, &m));
			made++;
		}
		root = stats(fx, NULL, 0, 0);
		check_metric(cJSON_GetObjectItem(root, "total"), "ttr",
		             cases[c].n, 0, cases[c].mean, cases[c].median,
		             cases[c].p90, cases[c].n * 60);
		/*
		 * No start: no TTD. Nobody acknowledged them, and a resolve
		 * never invents the acknowledgement: no TTA either (it used
		 * to equal TTR).
		 */
		check_metric(cJSON_GetObjectItem(root, "total"), "ttd", 0,
		             cases[c].n, NONE, NONE, NONE, NONE);
		check_metric(cJSON_GetObjectItem(root, "total"), "tta", 0,
		             cases[c].n, NONE, NONE, NONE, NONE);
		cJSON_Delete(root);
	}
}

static void
test_window_counts_and_rates(void **state)
{
	struct fixture *fx = *state;
	inc_change_opts o = INC_CHANGE_OPTS_INIT;
	inc_error err;
	char *ids[5];
	cJSON *root, *total;

	make_five(fx, ids);
	/* escalate five and cancel it, close (review done) one */
	assert_int_equal(inc_incident_change(NULL, fx->store, ids[4],
	                                     INC_ACTION_ESCALATE, &o, &err),
	                 0);
	o.reason = "false alarm";
	assert_int_equal(inc_incident_change(NULL, fx->store, ids[4],
	                                     INC_ACTION_CANCEL, &o, &err),
	                 0);
	o.reason = NULL;
	assert_int_equal(inc_incident_change(NULL, fx->store, ids[0],
	                                     INC_ACTION_CLOSE, &o, &err),
	                 0);
	root = stats(fx, NULL, 0, 0);
	total = cJSON_GetObjectItem(root, "total");
	assert_int_equal(count(total, "opened"), 5);
	assert_int_equal(count(total, "resolved"), 4); /* closed is resolved */
	assert_int_equal(count(total, "open"), 0);
	assert_int_equal(count(total, "cancelled"), 1);
	assert_int_equal(count(total, "escalated"), 1);
	assert_int_equal(count(total, "reviewed"), 1);
	assert_true(
	        cJSON_GetObjectItem(total, "escalation_rate")->valuedouble ==
	        0.2);
	assert_true(
	        cJSON_GetObjectItem(total, "review_completion")->valuedouble ==
	        0.25);
	/* a cancelled incident keeps the milestones it reached */
	check_metric(total, "ttd", 4, 1, 128, 90, 301, 301);
	cJSON_Delete(root);

	/*
	 * Opened at or after since and before until: three (opened 301 s
	 * into its day) and four (at the start of the next), not the drill.
	 */
	root = stats(fx, NULL, base - 3 * 86400, base - 2 * 86400 + 1);
	assert_int_equal(inc_doc__int(root, "drills_left_out"), 0);
	total = cJSON_GetObjectItem(root, "total");
	assert_int_equal(count(total, "opened"), 2);
	check_metric(total, "ttr", 2, 0, 4300, 4300, 5000, 5000);
	cJSON_Delete(root);
	for (int i = 0; i < 5; i++)
		free(ids[i]);
}

static void
test_empty_and_bad_grouping(void **state)
{
	struct fixture *fx = *state;
	inc_stats_opts o = {0, 0, "weekday", 0};
	inc_error err;
	cJSON sentinel, *root;

	root = stats(fx, "service", 0, 0);
	assert_int_equal(
	        cJSON_GetArraySize(cJSON_GetObjectItem(root, "groups")), 0);
	check_metric(cJSON_GetObjectItem(root, "total"), "ttr", 0, 0, NONE,
	             NONE, NONE, NONE);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(
	        cJSON_GetObjectItem(root, "total"), "escalation_rate")));
	cJSON_Delete(root);
	root = &sentinel;
	assert_int_equal(inc_stats__compute(&root, fx->store, &o, &err),
	                 INC_EINVALID);
	assert_null(root);
	assert_non_null(strstr(err.message, "cannot group by 'weekday'"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_mean_median_p90, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_by_severity, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_ranks, setup,
	                                        fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_window_counts_and_rates,
	                                        setup, fixture_teardown),
	        cmocka_unit_test_setup_teardown(test_empty_and_bad_grouping,
	                                        setup, fixture_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
