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
} table[INC_ACTION__COUNT] = {
        [INC_ACTION_TRIAGE] = {"triage", "triaged", ACTIVE, SAME},
        [INC_ACTION_INVESTIGATE] = {"investigate", "investigating",
                                    S(OPEN) | S(TRIAGED) | S(MITIGATED),
                                    INC_STATUS_INVESTIGATING},
        [INC_ACTION_MITIGATE] = {"mitigate", "mitigated",
                                 S(OPEN) | S(TRIAGED) | S(INVESTIGATING),
                                 INC_STATUS_MITIGATED},
        [INC_ACTION_RESOLVE] = {"resolve", "resolved", ACTIVE,
                                INC_STATUS_RESOLVED},
        [INC_ACTION_REOPEN] = {"reopen", "reopened", S(RESOLVED) | S(CLOSED),
                               INC_STATUS_INVESTIGATING},
        [INC_ACTION_CLOSE] = {"close", "closed", S(RESOLVED),
                              INC_STATUS_CLOSED},
        [INC_ACTION_ESCALATE] = {"escalate", "escalated", ACTIVE, SAME},
        [INC_ACTION_CANCEL] = {"cancel", "cancelled", ACTIVE,
                               INC_STATUS_CANCELLED},
        [INC_ACTION_MERGE] = {"merge", "merged", ACTIVE, INC_STATUS_MERGED},
        [INC_ACTION_ABSORB] = {"merge into", "absorbed", ACTIVE, SAME},
        [INC_ACTION_NOTE] = {"note", "noted", ANY, SAME},
        [INC_ACTION_UPDATE] = {"update", "updated", ANY, SAME},
        [INC_ACTION_ASSIGN] = {"assign", "assigned", ANY, SAME},
        [INC_ACTION_EDIT] = {"edit", "edited", ANY, SAME},
        [INC_ACTION_ATTACH] = {"attach an alert to", "alert_attached", ACTIVE,
                               SAME},
        [INC_ACTION_REVIEW] = {"review", "reviewed", S(RESOLVED) | S(CLOSED),
                               SAME},
        [INC_ACTION_ACTION_ADD] = {"add an action to", "action_added", ANY,
                                   SAME},
        [INC_ACTION_ACTION_DONE] = {"finish an action of", "action_done", ANY,
                                    SAME},
};

const char *
inc_action_name(enum inc_action a)
{
	return (unsigned)a < INC_ACTION__COUNT ? table[a].action : "?";
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

/* "triage, investigate, mitigate, ..." : the lifecycle steps from st. */
static void
allowed_next(char *buf, size_t len, enum inc_status st)
{
	static const enum inc_action steps[] = {
	        INC_ACTION_TRIAGE,   INC_ACTION_INVESTIGATE,
	        INC_ACTION_MITIGATE, INC_ACTION_RESOLVE,
	        INC_ACTION_REOPEN,   INC_ACTION_CLOSE,
	        INC_ACTION_ESCALATE, INC_ACTION_CANCEL,
	        INC_ACTION_MERGE,
	};
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (!inc_action_allowed(steps[i], st))
			continue;
		o += (size_t)snprintf(buf + o, len - o, "%s%s",
		                      o > 0 ? ", " : "",
		                      table[steps[i]].action);
		if (o >= len)
			break;
	}
	if (o == 0)
		snprintf(buf, len, "nothing: it is final");
}

int
inc_action__check(enum inc_action a, const char *short_id, enum inc_status st,
                  inc_error *err)
{
	char next[160];

	if (inc_action_allowed(a, st))
		return 0;
	allowed_next(next, sizeof(next), st);
	return inc_error_set(err, INC_EREFUSED,
	                     "incident %s: cannot %s %s %s incident "
	                     "(allowed next: %s)",
	                     short_id, table[a].action,
	                     strchr("aeiou", inc_status_name(st)[0]) ? "an"
	                                                             : "a",
	                     inc_status_name(st), next);
}
