# Hooks for tests: sourced by a test script after test-lib.sh.
#
#   write_hook NAME <body
#
# installs the hook NAME in the store's hooks folder ($HOOKS), mode 0755,
# its body from stdin under a "#!/bin/sh" line. $DB is the store's
# database, for the outbox queries the hook tests make.

HOOKS="$INCIDENT_DIR/hooks"
DB="$INCIDENT_DIR/incident.db"

write_hook() {
	mkdir -p "$HOOKS" &&
	{ echo "#!/bin/sh"; cat; } >"$HOOKS/$1" &&
	chmod 755 "$HOOKS/$1"
}
