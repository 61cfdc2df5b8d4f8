/* The one symbol incident-git.so exports: its table of entry points. */
#include "plugin.h"

INC_EXTERN const struct inc_git_plugin inc_git_plugin = {
        INC_GIT_PLUGIN_VERSION,
        sizeof(inc_store),
        inc_audit_init,
        inc_audit_flush,
        inc_sync,
        inc_rebuild,
        inc_verify,
        inc_audit_gc,
        inc_audit__close,
};
