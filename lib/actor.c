/* Who did it: the actor of the events a command writes (incident(1)). */
#include "internal.h"

/* The validator's own rule, so what is refused here is refused there. */
int
inc_actor_check(const char *actor, const char *what, inc_error *err)
{
	return inc_kind__check_actor(actor, what, err);
}
