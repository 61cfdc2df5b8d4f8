#!/bin/bash
# hooks.env: every value is honoured, however many there are.
. "$(dirname "$0")/test-lib.sh"

HOOKS="$INCIDENT_DIR/hooks"

test_expect_success 'the 70th hooks.env value still passes its variable' '
	incident init >/dev/null &&
	{ echo "[hooks]" &&
	  for i in $(seq 70); do echo "	env = HOOKVAR_$i"; done; } >>"$INCIDENT_DIR/config" &&
	mkdir -p "$HOOKS" &&
	printf "#!/bin/sh\nenv >\"%s/env\"\n" "$TRASH" >"$HOOKS/post-open" &&
	chmod 755 "$HOOKS/post-open" &&
	HOOKVAR_1=first HOOKVAR_70=last incident open -q "many" >/dev/null &&
	grep "^HOOKVAR_1=first$" env &&
	grep "^HOOKVAR_70=last$" env
'

test_done
