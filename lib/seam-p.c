/*
 * Temporary stand-ins for what the other parts of issue 10 own, so this
 * branch builds and runs alone (contracts §1, §2). The coordinator deletes
 * this file at the merge: inc_oncall_at() is S's (lib/rota.c),
 * inc_hooks__enqueue() is H's (lib/hooks.c).
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* The first member of rota.<name>.member, on call for ever. */
int
inc_oncall_at(inc_oncall *out, inc_store *s, const char *rota, int64_t at,
              inc_error *err)
{
	const inc_config *cfg = NULL;
	const char *who;
	char key[INC_NAME_MAX + 32];
	int ret;

	(void)at;
	memset(out, 0, sizeof(*out));
	if ((ret = inc_store_config(&cfg, s, err)) < 0)
		return ret;
	snprintf(out->rota, sizeof(out->rota), "%s", rota);
	snprintf(key, sizeof(key), "rota.%s.member", rota);
	if (inc_config__get_all(cfg, key, &who, 1) == 0)
		return inc_error_set(err, INC_ENOTFOUND, "no rota '%s'", rota);
	snprintf(out->who, sizeof(out->who), "%s", who);
	out->until = INC_TIME_MAX;
	return 0;
}

/* No hooks yet: nothing is queued. */
int
inc_hooks__enqueue(inc_store *s, const inc_event *ev, const char *hook,
                   const char *target, inc_error *err)
{
	(void)s;
	(void)ev;
	(void)hook;
	(void)target;
	(void)err;
	return 0;
}
