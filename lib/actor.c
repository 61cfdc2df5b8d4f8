/* Who did it: the actor of the events a command writes (incident(1)). */
#include <string.h>

#include "internal.h"

int
inc_actor_check(const char *actor, const char *what, inc_error *err)
{
	if (actor == NULL || actor[strspn(actor, " \t")] == '\0')
		return inc_error_set(err, INC_EINVALID, "%s is empty", what);
	if (strpbrk(actor, "\r\n") != NULL)
		return inc_error_set(err, INC_EINVALID,
		                     "%s: not one line of text", what);
	return inc_text_check(actor, INC_TITLE_MAX, what, err);
}
