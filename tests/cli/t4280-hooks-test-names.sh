#!/bin/bash
# hooks test EVENT ID: a hook's name, an event kind or a command; exit 3
# for a hook not installed; scope ids; a bad setting is exit 1 as in retry.
. "$(dirname "$0")/test-lib.sh"

HOOKS="$INCIDENT_DIR/hooks"

test_expect_success 'setup' '
	incident init >/dev/null &&
	incident open -q "names" >id &&
	mkdir -p "$HOOKS" &&
	printf "#!/bin/sh\necho \"ran \$INCIDENT_ID\"\n" >"$HOOKS/post-triage" &&
	chmod 755 "$HOOKS/post-triage"
'

test_expect_success 'a hook, an event kind or a command name' '
	for name in post-triage triaged triage; do
		incident hooks test $name "$(cat id)" >out 2>err &&
		grep "^ran $(cat id)" out || return 1
	done
'

test_expect_success 'a hook not installed: exit 3, naming it and the folder' '
	test_expect_code 3 incident hooks test resolve "$(cat id)" 2>err &&
	grep "no hook post-resolve in $HOOKS" err
'

test_expect_success 'a scope id is taken whole' '
	test_expect_code 3 incident hooks test post-triage rota:db 2>err &&
	grep "rota:db: no such scope" err
'

test_expect_success 'a bad hooks setting: exit 1 in test as in retry' '
	test ! -e "$INCIDENT_DIR/config" &&
	test_when_finished "rm -f \"$INCIDENT_DIR/config\"" &&
	printf "[hooks]\n\ttimeout = soon\n" >>"$INCIDENT_DIR/config" &&
	test_expect_code 1 incident hooks test post-triage "$(cat id)" &&
	test_expect_code 1 incident hooks retry
'

test_done
