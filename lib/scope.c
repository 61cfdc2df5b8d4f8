/*
 * Scopes: what an event belongs to when it belongs to no incident. A
 * scope id is "<kind>:<name>" (rota:db) where an incident id would be;
 * an incident id never holds ':'. Scope events share the log, the
 * Lamport clock, the hash chain and sync with incident events, have
 * their own place in the audit tree (scopes/<kind>/<name>/events/) and
 * are never folded into an incident.
 */
#include <string.h>

#include "internal.h"

/*
 * The scope kinds this version knows. The alerts issue adds heartbeat,
 * maintenance and change: a row each. A scope kind not here is a newer
 * version's (its events are kept, never folded).
 */
static const char *const scope_kinds[] = {
        "rota",      "maintenance", /* a maintenance window: maintenance:<id> */
        "change", /* the changes to a service: change:<service> */
        "heartbeat", NULL,
};

/*
 * Where an event kind belongs: to the scope kind named ("rota"), to
 * either an incident or any scope ("*"), or, when it has no row, to
 * incidents alone.
 */
static const struct {
	const char *event_kind;
	const char *scope_kind;
} placement[] = {
        {"override_added", "rota"},
        {"override_removed", "rota"},
        {"maintenance_added", "maintenance"},
        {"maintenance_removed", "maintenance"},
        {"alert_suppressed", "maintenance"},
        {"change_recorded", "change"},
        {"heartbeat_set", "heartbeat"},
        {"heartbeat_removed", "heartbeat"},
        {"heartbeat_overdue", "heartbeat"},
        {"heartbeat_recovered", "heartbeat"},
        /* a hook that failed for the event of an incident or a scope */
        {"hook_failed", "*"},
};

#define ALNUM "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
#define NAME_CHARS ALNUM "._-"

int
inc_scope__parse(const char *id, char kind[INC_SCOPE_MAX + 1],
                 const char **name)
{
	const char *colon = strchr(id, ':');
	size_t klen;

	if (colon == NULL)
		return INC_EINVALID;
	klen = (size_t)(colon - id);
	if (klen == 0 || klen > 16 ||
	    strspn(id, "abcdefghijklmnopqrstuvwxyz") != klen ||
	    !inc_scope__name_ok(colon + 1))
		return INC_EINVALID;
	if (kind != NULL) {
		memcpy(kind, id, klen);
		kind[klen] = '\0';
	}
	if (name != NULL)
		*name = colon + 1;
	for (size_t i = 0; scope_kinds[i] != NULL; i++)
		if (strlen(scope_kinds[i]) == klen &&
		    strncmp(scope_kinds[i], id, klen) == 0)
			return 0;
	return INC_ENEWER;
}

bool
inc_scope__is(const char *id)
{
	return strchr(id, ':') != NULL;
}

/*
 * The one rule for the name of a scope (and of a rota): it is a folder
 * of the audit tree, scopes/<kind>/<name>/, so it must be a tree entry
 * that git takes. Starting with a letter or digit keeps out ".", "..",
 * and ".git" in any case or with trailing dots (".GIT.", which git and
 * libgit2 refuse as a tree entry for NTFS's sake): a name such as that
 * would wedge the mirror for good, the event being there for ever.
 */
bool
inc_scope__name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n <= INC_NAME_MAX && strspn(name, NAME_CHARS) == n &&
	       strchr(ALNUM, name[0]) != NULL;
}

int
inc_scope__check_place(const inc_event *ev, inc_error *err)
{
	char kind[INC_SCOPE_MAX + 1];
	const char *where = NULL;
	int scoped = inc_scope__is(ev->incident);

	/*
	 * A scope kind unknown here is a newer version's, and so is the
	 * placement of its events, whatever their kind (silence:w1 may
	 * well hold notes): the caller keeps it as INC_ENEWER.
	 */
	if (scoped && inc_scope__parse(ev->incident, NULL, NULL) == INC_ENEWER)
		return 0;
	for (size_t i = 0; i < sizeof(placement) / sizeof(*placement); i++)
		if (strcmp(placement[i].event_kind, ev->kind) == 0)
			where = placement[i].scope_kind;
	if (where != NULL && strcmp(where, "*") == 0)
		return 0;
	/* a kind unknown here is a newer version's: where is its own */
	if (where == NULL && inc_kind__find(ev->kind) == NULL)
		return 0;
	if (!scoped && where != NULL)
		return inc_error_set(err, INC_EINVALID,
		                     "%s: an event of a %s, not of an incident",
		                     ev->kind, where);
	if (!scoped)
		return 0;
	if (where == NULL)
		return inc_error_set(err, INC_EINVALID,
		                     "%s: an event of an incident, not of a "
		                     "scope",
		                     ev->kind);
	inc_scope__parse(ev->incident, kind, NULL);
	if (strcmp(kind, where) != 0)
		return inc_error_set(err, INC_EINVALID,
		                     "%s: an event of a %s, not of a %s",
		                     ev->kind, where, kind);
	return 0;
}

void
inc_scope__fold(struct inc_fold *f, const inc_event *ev)
{
	(void)f;
	(void)ev;
}
