#!/bin/bash
# Hooks and signals: a killed incident takes its running hook down with
# it; SIGCHLD ignored by the caller; dry runs; stty tostop.
. "$(dirname "$0")/test-lib.sh"

. "$TEST_DIRECTORY/lib-hooks.sh"

# gone PID: the process PID ends within 5 s
gone() {
	for i in $(seq 100); do
		kill -0 "$1" 2>/dev/null || return 0
		grep -q "^State:.*Z" "/proc/$1/status" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

test_expect_success 'setup' '
	incident init >/dev/null &&
	cat >>"$INCIDENT_DIR/config" <<-EOF &&
	[hooks]
		timeout = 20s
	EOF
	incident open -q "signals" >id
'

for sig in TERM INT HUP KILL
do
	test_expect_success "a SIG$sig of incident ends its running hook" '
		rm -f "$HOOKS"/* hook.pid incident.pid &&
		write_hook post-note <<-HOOK &&
		echo \$\$ >"$TRASH/hook.pid"
		echo \$PPID >"$TRASH/incident.pid.tmp"
		mv "$TRASH/incident.pid.tmp" "$TRASH/incident.pid"
		exec sleep 30
		HOOK
		# a background job starts with INT ignored, and one run under
		# nohup with HUP ignored: give them back
		{ perl -e '"'"'$SIG{INT} = $SIG{HUP} = "DEFAULT"; exec @ARGV'"'"' \
			incident note "$(cat id)" "killed" >/dev/null 2>&1 & } &&
		for i in $(seq 600); do test -s incident.pid && break; sleep 0.05; done &&
		test -s hook.pid &&
		sleep 0.1 &&
		kill -'$sig' "$(cat incident.pid)" &&
		gone "$(cat hook.pid)" &&
		gone "$(cat incident.pid)" &&
		wait &&
		sqlite3 "$DB" "UPDATE outbox SET state = \"done\""
	'
done



test_expect_success 'started with SIGCHLD ignored, a failing hook is a failure' '
	rm -f "$HOOKS"/* &&
	write_hook post-note <<-HOOK &&
	exit 3
	HOOK
	perl -e '"'"'$SIG{CHLD} = "IGNORE"; exec @ARGV'"'"' \
		incident note "$(cat id)" "no child status" >/dev/null 2>err &&
	grep "post-note failed .*: exit status 3" err &&
	test "$(sqlite3 "$DB" "SELECT state, attempts FROM outbox WHERE hook = \"post-note\" AND state != \"done\"")" = "pending|1" &&
	sqlite3 "$DB" "UPDATE outbox SET state = \"done\""
'

test_expect_success 'a dry run runs no hook' '
	rm -f "$HOOKS"/* &&
	write_hook post-note <<-HOOK &&
	echo ran >>"$TRASH/dry"
	exit 1
	HOOK
	incident note "$(cat id)" "queued" >/dev/null 2>&1 &&
	test_line_count = 1 dry &&
	sqlite3 "$DB" "UPDATE outbox SET due = 0 WHERE state = \"pending\"" &&
	incident log --json "$(cat id)" >before &&
	incident note --dry-run "$(cat id)" "only a look" >/dev/null 2>err &&
	test_line_count = 1 dry &&
	test_line_count = 0 err &&
	incident log --json "$(cat id)" >after &&
	test_cmp before after &&
	sqlite3 "$DB" "UPDATE outbox SET state = \"done\""
'

test_expect_success TTY 'with stty tostop a hook still writes to the terminal' '
	rm -f "$HOOKS"/* &&
	write_hook post-note <<-HOOK &&
	echo "hook says hello"
	echo done >"$TRASH/tostop"
	HOOK
	id=$(cat id) &&
	script -qec "stty tostop; incident note $id tostop" /dev/null >out &&
	test -e tostop &&
	grep "hook says hello" out &&
	! grep "timed out" out
'

test_done
