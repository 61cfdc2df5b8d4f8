/*
 * The git plugin: everything that needs libgit2 lives in incident-git.so,
 * loaded only by the commands that write to or read the audit history.
 * Linking libgit2 into the binary would make every command load it and
 * its 18 libraries (krb5, OpenSSL, mbedTLS...): measured +2.1 ms a
 * command, --version going from 1.2 to 3.3 ms.
 */
#ifndef INC_PLUGIN_H
#define INC_PLUGIN_H

#include "internal.h"

#define INC_GIT_PLUGIN_VERSION 1
#define INC_GIT_PLUGIN_SYMBOL "inc_git_plugin"

struct inc_git_plugin {
	int version;
	size_t store_size; /* both sides must be of one build */
	int (*audit_init)(inc_store *s, const char *remote, inc_error *err);
	int (*audit_flush)(size_t *behind, inc_store *s, inc_error *err);
	int (*sync)(inc_sync_result *res, inc_store *s, const char *remote,
	            int64_t deadline, inc_error *err);
	int (*rebuild)(size_t *events, char **backup, const char *dir,
	               inc_error *err);
	int (*verify)(char ***problems, size_t *n, size_t *events, inc_store *s,
	              inc_error *err);
	int (*gc)(size_t *packed, size_t *pruned, inc_store *s, inc_error *err);
	void (*close)(inc_store *s);
};

#endif
