/*
 * Temporary stand-ins for what the other parts of issue 10 own, so this
 * branch builds and runs alone (contracts §1, §2). The coordinator deletes
 * this file at the merge: inc_oncall_at() is S's (lib/rota.c),
 * inc_hooks__enqueue() is H's (lib/hooks.c).
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

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
