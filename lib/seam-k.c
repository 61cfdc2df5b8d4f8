/*
 * A stand-in for helper A's inc_alert__settle() (lib/alert.c), with the
 * contract's signature, until the merge deletes this file: it resolves
 * an active incident (or mitigates it when the lifecycle refuses
 * resolve) with why as the summary or note; it writes no "automatic"
 * member, which the kinds of this branch do not know.
 */
#include "internal.h"

int
inc_alert__settle(inc_incident **cur, const char **did, inc_store *s,
                  const char *short_id, const char *why, int64_t at,
                  int64_t now, bool dry_run, inc_error *err)
{
	inc_change_opts o = INC_CHANGE_OPTS_INIT;
	enum inc_status st = inc_incident_status(*cur);
	inc_error refused = {0};
	int ret;

	if (did != NULL)
		*did = "";
	if (!inc_status_active(st))
		return 0;
	o.at = at;
	o.now = now;
	o.dry_run = dry_run;
	o.summary = why;
	o.text = why;
	if (inc_action__check(INC_ACTION_RESOLVE, short_id, st, &refused) ==
	    0) {
		ret = inc_change__apply(cur, s, short_id, INC_ACTION_RESOLVE,
		                        &o, inc_time_now(), err);
		if (ret == 0 && did != NULL)
			*did = "resolved";
		return ret;
	}
	if (st == INC_STATUS_MITIGATED)
		return 0;
	ret = inc_change__apply(cur, s, short_id, INC_ACTION_MITIGATE, &o,
	                        inc_time_now(), err);
	if (ret == 0 && did != NULL)
		*did = "mitigated";
	return ret;
}
