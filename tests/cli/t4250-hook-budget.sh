#!/bin/bash
# A write runs a bounded part of the due backlog: its own deliveries
# first, at most five, none started once hooks.timeout has passed; the
# rest wait for the next command, tick or hooks retry.
. "$(dirname "$0")/test-lib.sh"

. "$TEST_DIRECTORY/lib-hooks.sh"

due_now() {
	sqlite3 "$DB" "UPDATE outbox SET due = 0 WHERE state = \"pending\""
}

test_expect_success 'setup' '
	incident init >/dev/null &&
	cat >>"$INCIDENT_DIR/config" <<-EOF &&
	[hooks]
		timeout = 1s
	EOF
	incident open -q "budget" >id &&
	write_hook post-note <<-HOOK
	echo "\$INCIDENT_EVENT_ID" >>"$TRASH/ran"
	exit 1
	HOOK
'

test_expect_success 'a backlog of failures: five run, its own first, the rest wait' '
	for i in 1 2 3 4 5 6 7; do
		incident note "$(cat id)" "old $i" >/dev/null 2>&1 || return 1
	done &&
	due_now && rm -f ran &&
	incident note "$(cat id)" "new" >/dev/null 2>err &&
	test_line_count = 5 ran &&
	incident log --json "$(cat id)" >log &&
	test "$(head -n 1 ran)" = "$(jq -r "[.events[] | select(.kind == \"noted\")][-1].id" log)" &&
	test "$(grep -c "post-note failed" err)" = 5 &&
	grep "^incident: 3 more deliveries wait (incident hooks retry)$" err &&
	rm -f ran &&
	test_expect_code 1 incident hooks retry >/dev/null 2>err &&
	test_line_count = 3 ran &&
	! grep "more deliver" err
'

test_expect_success 'hanging hooks: none started once hooks.timeout has passed' '
	sqlite3 "$DB" "UPDATE outbox SET state = \"done\"" &&
	write_hook post-note <<-HOOK &&
	echo "\$INCIDENT_EVENT_ID" >>"$TRASH/hung"
	exec sleep 30
	HOOK
	sqlite3 "$DB" "UPDATE outbox SET state = \"pending\", due = 0, lease_until = 0 WHERE rowid IN (SELECT rowid FROM outbox ORDER BY seq LIMIT 3)" &&
	incident note "$(cat id)" "hang" >/dev/null 2>err &&
	test_line_count = 1 hung &&
	grep "timed out" err &&
	grep "^incident: 3 more deliveries wait" err &&
	sqlite3 "$DB" "UPDATE outbox SET state = \"done\""
'

test_done
