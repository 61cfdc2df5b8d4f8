/*
 * The lifecycle in one table: which action is allowed from which status,
 * and where it leads. Validation (before an event is written) and the
 * fold (when events from several replicas meet) both read it, so they
 * cannot disagree.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define S(x) (1u << INC_STATUS_##x)
#define ACTIVE (S(OPEN) | S(TRIAGED) | S(INVESTIGATING) | S(MITIGATED))
#define ANY ((1u << INC_STATUS__COUNT) - 1)
#define SAME (-1)

static const struct transition {
	const char *action; /* as the command line names it */
	const char *kind;   /* the event it writes */
	unsigned from;      /* statuses it is allowed from */
	int to;             /* the status it leads to, or SAME */
	const char *step;   /* the command a refusal names as a next step */
	const char *past;   /* what a command did: "noted on" */
	const char *text;   /* the payload member with its free text */
} table[INC_ACTION__COUNT] = {
        [INC_ACTION_TRIAGE] = {"triage", "triaged", ACTIVE, SAME, "triage",
                               "triaged", NULL},
        [INC_ACTION_INVESTIGATE] = {"investigate", "investigating",
                                    S(OPEN) | S(TRIAGED) | S(MITIGATED),
                                    INC_STATUS_INVESTIGATING, "investigate",
                                    "investigating", "note"},
        [INC_ACTION_MITIGATE] = {"mitigate", "mitigated",
                                 S(OPEN) | S(TRIAGED) | S(INVESTIGATING),
                                 INC_STATUS_MITIGATED, "mitigate", "mitigated",
                                 "note"},
        [INC_ACTION_RESOLVE] = {"resolve", "resolved", ACTIVE,
                                INC_STATUS_RESOLVED, "resolve", "resolved",
                                NULL},
        [INC_ACTION_REOPEN] = {"reopen", "reopened", S(RESOLVED) | S(CLOSED),
                               INC_STATUS_INVESTIGATING, "reopen", "reopened",
                               NULL},
        /* there is no close command: the finished review closes */
        [INC_ACTION_CLOSE] = {"close", "closed", S(RESOLVED), INC_STATUS_CLOSED,
                              "review --done to close", "closed", NULL},
        [INC_ACTION_ESCALATE] = {"escalate", "escalated", ACTIVE, SAME,
                                 "escalate", "escalated", NULL},
        [INC_ACTION_CANCEL] = {"cancel", "cancelled", ACTIVE,
                               INC_STATUS_CANCELLED, "cancel", "cancelled",
                               NULL},
        [INC_ACTION_MERGE] = {"merge", "merged", ACTIVE, INC_STATUS_MERGED,
                              "merge", "merged into", NULL},
        /* the rest are no steps of the lifecycle, or not the user's */
        [INC_ACTION_ABSORB] = {"merge into", "absorbed", ACTIVE, SAME, NULL,
                               "absorbed into", NULL},
        [INC_ACTION_NOTE] = {"note", "noted", ANY, SAME, NULL, "noted on",
                             "text"},
        [INC_ACTION_UPDATE] = {"update", "updated", ANY, SAME, NULL,
                               "posted an update on", "text"},
        [INC_ACTION_ASSIGN] = {"assign", "assigned", ANY, SAME, NULL,
                               "assigned", NULL},
        [INC_ACTION_EDIT] = {"edit", "edited", ANY, SAME, NULL, "edited", NULL},
        [INC_ACTION_ATTACH] = {"attach an alert to", "alert_attached", ACTIVE,
                               SAME, NULL, "attached an alert to", NULL},
        [INC_ACTION_REVIEW] = {"review", "reviewed", S(RESOLVED) | S(CLOSED),
                               SAME, NULL, "reviewed", "document"},
        [INC_ACTION_ACTION_ADD] = {"add an action to", "action_added", ANY,
                                   SAME, NULL, "added an action to", "text"},
        [INC_ACTION_ACTION_DONE] = {"finish an action of", "action_done", ANY,
                                    SAME, NULL, "finished an action of", NULL},
        /* a runbook's steps are the response's: not once it is over */
        [INC_ACTION_RUNBOOK] = {"attach a runbook to", "runbook_attached",
                                ACTIVE | S(RESOLVED), SAME, NULL,
                                "attached a runbook to", NULL},
        [INC_ACTION_CHECK] = {"check a step of", "step_checked",
                              ACTIVE | S(RESOLVED), SAME, NULL,
                              "checked a step of", "note"},
};

const char *
inc_action_name(enum inc_action a)
{
	return (unsigned)a < INC_ACTION__COUNT ? table[a].action : "?";
}

const char *
inc_action_past(enum inc_action a)
{
	return (unsigned)a < INC_ACTION__COUNT ? table[a].past : "changed";
}

/* The payload member with the event's free text, or NULL. */
const char *
inc_action__text_key(enum inc_action a)
{
	return table[a].text;
}

const char *
inc_action__kind(enum inc_action a)
{
	return table[a].kind;
}

int
inc_action__from_kind(enum inc_action *out, const char *kind)
{
	for (int a = 0; a < INC_ACTION__COUNT; a++) {
		if (strcmp(table[a].kind, kind) == 0) {
			*out = (enum inc_action)a;
			return 0;
		}
	}
	return -1;
}

bool
inc_action_allowed(enum inc_action a, enum inc_status from)
{
	return (table[a].from & (1u << from)) != 0;
}

/* The status after a, or from itself when a keeps it. */
enum inc_status
inc_action__next(enum inc_action a, enum inc_status from)
{
	if (a == INC_ACTION_TRIAGE && from == INC_STATUS_OPEN)
		return INC_STATUS_TRIAGED;
	return table[a].to == SAME ? from : (enum inc_status)table[a].to;
}

/*
 * "next: reopen, or review --done to close": the commands of the
 * lifecycle steps allowed from st, in the table's order; "it is final"
 * when there is none.
 */
static void
next_steps(char *buf, size_t len, enum inc_status st)
{
	const char *steps[INC_ACTION__COUNT];
	size_t n = 0, o;

	for (int a = 0; a < INC_ACTION__COUNT; a++)
		if (table[a].step != NULL &&
		    inc_action_allowed((enum inc_action)a, st))
			steps[n++] = table[a].step;
	if (n == 0) {
		snprintf(buf, len, "it is final");
		return;
	}
	o = (size_t)snprintf(buf, len, "next: ");
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s",
		                      i == 0      ? ""
		                      : i + 1 < n ? ", "
		                                  : ", or ",
		                      steps[i]);
}

int
inc_action__check(enum inc_action a, const char *short_id, enum inc_status st,
                  inc_error *err)
{
	char next[200];

	if (inc_action_allowed(a, st))
		return 0;
	next_steps(next, sizeof(next), st);
	return inc_error_set(
	        err, INC_EREFUSED, "%s: cannot %s %s %s incident (%s)",
	        short_id, table[a].action,
	        strchr("aeiou", inc_status_name(st)[0]) ? "an" : "a",
	        inc_status_name(st), next);
}
