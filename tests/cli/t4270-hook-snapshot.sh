#!/bin/bash
# A delivery describes the incident as it was just after its event, even
# when it runs later (a retry after the incident moved on).
. "$(dirname "$0")/test-lib.sh"

HOOKS="$INCIDENT_DIR/hooks"

test_expect_success 'setup' '
	incident init >/dev/null &&
	incident open -q "snapshot" >id &&
	mkdir -p "$HOOKS" &&
	cat >"$HOOKS/post-note" <<-HOOK &&
	#!/bin/sh
	jq -r ".incident.status" >>"$TRASH/json-status"
	echo "\$INCIDENT_STATUS" >>"$TRASH/env-status"
	test -e "$TRASH/ok"
	HOOK
	chmod 755 "$HOOKS/post-note"
'

test_expect_success 'a retry after resolve still sees the incident of its event' '
	incident note "$(cat id)" "before the fix" >/dev/null 2>err &&
	grep "post-note failed" err &&
	incident resolve "$(cat id)" >/dev/null 2>&1 &&
	incident show --json "$(cat id)" >show &&
	test "$(jq -r .incident.status show)" = resolved &&
	touch ok &&
	incident hooks retry --all >/dev/null 2>&1 &&
	test_line_count = 2 json-status &&
	test_line_count = 2 env-status &&
	test "$(sed -n 2p json-status)" = "$(sed -n 1p json-status)" &&
	test "$(sed -n 2p env-status)" = "$(sed -n 1p env-status)" &&
	test "$(sed -n 2p json-status)" != resolved
'

test_done
