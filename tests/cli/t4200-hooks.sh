#!/bin/bash
# Hooks: what a hook is given (JSON, environment, fds), that nothing of an
# incident's text is evaluated, the time limit, refused files, failures on
# the timeline, and the hooks command (incident-hooks(1), (5)).
. "$(dirname "$0")/test-lib.sh"

. "$TEST_DIRECTORY/lib-hooks.sh"

test_expect_success 'setup: a store, no hooks yet' '
	incident open -q "first" >id &&
	test "$(sqlite3 "$INCIDENT_DIR/incident.db" "SELECT count(*) FROM outbox")" = 0
'

test_expect_success 'no hook installed: no outbox row' '
	incident note "$(cat id)" "no hook here" >/dev/null &&
	test "$(sqlite3 "$INCIDENT_DIR/incident.db" "SELECT count(*) FROM outbox")" = 0
'

test_expect_success 'post-note receives the event and the incident as JSON' '
	write_hook post-note <<-HOOK &&
	cat >"$TRASH/in.json"
	exec env >"$TRASH/env.txt"
	HOOK
	incident note "$(cat id)" "hello hooks" >out 2>err &&
	test_line_count = 0 err &&
	jq -e . in.json >/dev/null &&
	test "$(jq -r .event.kind in.json)" = noted &&
	test "$(jq -r .event.payload.text in.json)" = "hello hooks" &&
	test "$(jq -r .incident.id in.json)" = "$(cat id)" &&
	test "$(jq -r .incident.title in.json)" = first &&
	incident show --json "$(cat id)" | jq -S .incident >show.json &&
	jq -S .incident in.json >hook.json &&
	test_cmp show.json hook.json &&
	incident log --json "$(cat id)" | jq -S ".events[-1]" >log.json &&
	jq -S .event in.json >ev.json &&
	test_cmp log.json ev.json
'

test_expect_success 'the environment names the incident, event and delivery' '
	grep "^INCIDENT_ID=$(cat id)\$" env.txt &&
	grep "^INCIDENT_EVENT=noted\$" env.txt &&
	grep "^INCIDENT_EVENT_ID=$(jq -r .event.id in.json)\$" env.txt &&
	grep "^INCIDENT_DELIVERY_ID=[0-9a-f]\{64\}\$" env.txt &&
	grep "^INCIDENT_SEVERITY=SEV3\$" env.txt &&
	grep "^INCIDENT_STATUS=open\$" env.txt &&
	grep "^INCIDENT_TARGET=\$" env.txt &&
	grep "^INCIDENT_HOOK=post-note\$" env.txt &&
	grep "^INCIDENT_DIR=$INCIDENT_DIR\$" env.txt &&
	grep "^INCIDENT_ATTEMPT=1\$" env.txt &&
	# the delivery id: SHA-256 of "<event id>\n<hook>\n<target>"
	printf "%s\npost-note\n" "$(jq -r .event.id in.json)" |
		sha256sum | cut -c1-64 >expect &&
	sed -n "s/^INCIDENT_DELIVERY_ID=//p" env.txt >actual &&
	test_cmp expect actual
'

test_expect_success 'only allow-listed variables, and hooks.env' '
	cat >>"$INCIDENT_DIR/config" <<-EOF &&
	[hooks]
		env = MY_HOOK_URL
	EOF
	MY_HOOK_URL=http://127.0.0.1:1/x SECRET_TOKEN=hunter2 LC_TIME=C \
		incident note "$(cat id)" "env check" >/dev/null &&
	grep "^MY_HOOK_URL=http://127.0.0.1:1/x\$" env.txt &&
	grep "^LC_TIME=C\$" env.txt &&
	! grep SECRET_TOKEN env.txt &&
	! grep hunter2 env.txt &&
	sed "s/=.*//" env.txt | sort >names &&
	grep -v -x -E "INCIDENT_(ID|EVENT|EVENT_ID|DELIVERY_ID|SEVERITY|STATUS|TARGET|HOOK|DIR|ATTEMPT)|PATH|HOME|USER|LOGNAME|LANG|LC_[A-Z_]+|TZ|TMPDIR|MY_HOOK_URL|PWD|SHLVL|_|OLDPWD" names >extra;
	test_line_count = 0 extra
'

test_expect_success 'only fds 0, 1 and 2 are open in a hook' '
	write_hook post-note <<-HOOK &&
	exec ls /proc/self/fd >"$TRASH/fds"
	HOOK
	# fd 7 is open in incident (not close-on-exec): the hook must not see it
	incident note "$(cat id)" "fds" 7>extra-fd >/dev/null &&
	# ls itself has the folder it lists open: 3
	printf "0\n1\n2\n3\n" >expect &&
	test_cmp expect fds
'

test_expect_success 'a hook reads the document from a file: no pipe to fill' '
	write_hook post-note <<-HOOK &&
	test -f /proc/self/fd/0 || test ! -p /dev/stdin
	HOOK
	incident note "$(cat id)" "$(printf "%065000d" 0)" >/dev/null 2>err &&
	test_line_count = 0 err
'

test_expect_success 'the text of an incident is never evaluated' '
	write_hook post-open <<-HOOK &&
	jq -r .incident.title >"$TRASH/title.out"
	echo "\$INCIDENT_ID" >/dev/null
	HOOK
	write_hook post-note <<-HOOK &&
	jq -r .event.payload.text >"$TRASH/note.out"
	HOOK
	title="x \$(touch pwned1) \`touch pwned2\`; touch pwned3 | touch pwned4 && touch pwned5" &&
	incident open -q "$title" >id2 &&
	echo "$title" >expect &&
	test_cmp expect title.out &&
	text="$(printf "one\n\$(touch pwned6)\n\`touch pwned7\`;touch pwned8\n")" &&
	incident note "$(cat id2)" "$text" >/dev/null &&
	printf "%s\n" "$text" >expect &&
	test_cmp expect note.out &&
	for i in 1 2 3 4 5 6 7 8; do
		test ! -e pwned$i && test ! -e "$INCIDENT_DIR/pwned$i" &&
		test ! -e "$HOOKS/pwned$i" || exit 1
	done
'

test_expect_success 'a failing hook: a warning, a hook_failed event, exit 0' '
	write_hook post-note <<-HOOK &&
	echo "hook says hi"
	exit 3
	HOOK
	short=$(incident show --json "$(cat id)" | jq -r .incident.short_id) &&
	incident note "$(cat id)" "will fail" >out 2>err &&
	grep "noted on" out &&
	grep "hook says hi" err &&
	grep "warning: hook post-note failed for $short: exit status 3" err &&
	incident log --json "$(cat id)" >log &&
	test "$(jq -r ".events[-1].kind" log)" = hook_failed &&
	test "$(jq -r ".events[-1].payload.hook" log)" = post-note &&
	test "$(jq -r ".events[-1].payload.attempt" log)" = 1 &&
	test "$(jq -r ".events[-1].payload.error" log)" = "exit status 3" &&
	test "$(jq -r ".events[-2].payload.text" log)" = "will fail" &&
	incident log "$(cat id)" >log.txt &&
	grep "hook post-note, attempt 1, exit status 3" log.txt
'

test_expect_success 'a hook that sleeps for ever is killed with its children' '
	cat >>"$INCIDENT_DIR/config" <<-EOF &&
		timeout = 1s
	EOF
	write_hook post-note <<-HOOK &&
	sleep 300 &
	echo \$! >"$TRASH/child.pid"
	sleep 300
	HOOK
	start=$(date +%s%N) &&
	incident note "$(cat id)" "sleepy" >out 2>err &&
	end=$(date +%s%N) &&
	grep "warning: hook post-note failed for .*: timed out after 1s" err &&
	ms=$(( (end - start) / 1000000 )) &&
	test "$ms" -lt $((6000 + TEST_SLACK_MS)) &&
	pid=$(cat child.pid) &&
	# gone, or a zombie waiting for its new parent to reap it
	{ ! kill -0 "$pid" 2>/dev/null ||
	  grep -q "^State:.*Z" "/proc/$pid/status"; }
'

test_expect_success 'a hook writable by others is refused, with a warning' '
	write_hook post-note <<-HOOK &&
	touch "$TRASH/ran"
	HOOK
	chmod o+w "$HOOKS/post-note" &&
	incident note "$(cat id)" "refused" >out 2>err &&
	test ! -e ran &&
	grep "warning: hook post-note failed for .*: refused: writable by others" err &&
	incident log --json "$(cat id)" >log &&
	test "$(jq -r ".events[-1].payload.error" log)" = "refused: writable by others" &&
	incident hooks list >list &&
	grep "post-note  *refused: writable by others" list &&
	incident hooks list --json >list.json &&
	test "$(jq -r ".hooks[] | select(.name == \"post-note\") | .status" list.json)" = refused &&
	chmod o-w "$HOOKS/post-note"
'

test_expect_success 'a hook owned by another user is refused' '
	write_hook post-edit <<-HOOK &&
	touch "$TRASH/ran-edit"
	HOOK
	chown 65534 "$HOOKS/post-edit" &&
	incident edit "$(cat id)" --title "renamed" >out 2>err &&
	test ! -e ran-edit &&
	grep "refused: owned by another user" err &&
	rm -f "$HOOKS/post-edit"
'

test_expect_success 'a hook that is not executable fails' '
	write_hook post-assign <<-HOOK &&
	true
	HOOK
	chmod 644 "$HOOKS/post-assign" &&
	incident assign "$(cat id)" ops bob >out 2>err &&
	grep "post-assign failed for .*: not executable" err &&
	incident hooks list >list &&
	grep "post-assign  *not executable" list &&
	rm -f "$HOOKS/post-assign"
'

test_expect_success 'a hook that cannot be run (no interpreter) fails' '
	mkdir -p "$HOOKS" &&
	printf "#!/no/such/interpreter\n" >"$HOOKS/post-assign" &&
	chmod 755 "$HOOKS/post-assign" &&
	incident assign "$(cat id)" comms carol >out 2>err &&
	grep "post-assign failed for " err &&
	# (valgrind cannot survive a failed execve: it exits 101 instead)
	if test -z "${INCIDENT_VALGRIND:-}"; then
		grep "post-assign failed for .*: cannot run it: No such file or directory" err
	fi &&
	rm -f "$HOOKS/post-assign"
'

test_expect_success 'hooks list: the hooks and the deliveries not done' '
	incident hooks list >list &&
	grep "^hooks in $HOOKS:" list &&
	grep "post-note" list &&
	grep "deliveries not done:" list &&
	grep "post-note .*: pending, 1 attempt, next in" list &&
	incident hooks list --json >list.json &&
	test "$(jq -r .format list.json)" = 1 &&
	jq -e ".deliveries | length > 0" list.json &&
	jq -e ".deliveries[0] | has(\"delivery\") and has(\"event\") and has(\"attempts\") and has(\"due\")" list.json
'

test_expect_success 'hooks test runs a hook now, its output shown, writes nothing' '
	write_hook post-triage <<-HOOK &&
	echo "testing \$INCIDENT_EVENT \$INCIDENT_HOOK"
	HOOK
	sqlite3 "$INCIDENT_DIR/incident.db" "SELECT count(*) FROM outbox" >before &&
	sqlite3 "$INCIDENT_DIR/incident.db" "SELECT count(*) FROM events" >ev.before &&
	incident hooks test post-triage "$(cat id)" >out &&
	grep "testing assigned post-triage" out &&
	sqlite3 "$INCIDENT_DIR/incident.db" "SELECT count(*) FROM outbox" >after &&
	sqlite3 "$INCIDENT_DIR/incident.db" "SELECT count(*) FROM events" >ev.after &&
	test_cmp before after &&
	test_cmp ev.before ev.after
'

test_expect_success 'hooks test exits 1 when the hook fails, 3 for no incident' '
	write_hook post-triage <<-HOOK &&
	exit 9
	HOOK
	test_expect_code 1 incident hooks test post-triage "$(cat id)" 2>err &&
	grep "hook post-triage failed: exit status 9" err &&
	test_expect_code 3 incident hooks test post-triage zzzzz &&
	test_expect_code 3 incident hooks test no-such-hook "$(cat id)" &&
	test_expect_code 2 incident hooks test "../x" "$(cat id)" &&
	test_expect_code 2 incident hooks test post-triage
'

test_expect_success 'a scope event: INCIDENT_ID is the scope, incident null' '
	cat >>"$INCIDENT_DIR/config" <<-EOF &&
	[rota "db"]
		member = alice
		member = bob
		start = 2026-10-19
		handoff = 09:00
		every = 1d
		timezone = Europe/Berlin
	EOF
	write_hook post-oncall <<-HOOK &&
	cat >"$TRASH/scope.json"
	echo "\$INCIDENT_ID|\$INCIDENT_EVENT|\$INCIDENT_SEVERITY|\$INCIDENT_STATUS" >"$TRASH/scope.env"
	HOOK
	incident oncall override db carol --from 2026-11-03T07:00:00Z \
		--until 2026-11-03T10:00:00Z >/dev/null 2>err &&
	# (a retry of a failing hook of an earlier test may come due)
	! grep post-oncall err &&
	echo "rota:db|override_added||" >expect &&
	test_cmp expect scope.env &&
	test "$(jq -r .event.incident scope.json)" = rota:db &&
	test "$(jq -r .event.payload.who scope.json)" = carol &&
	test "$(jq -c .incident scope.json)" = null
'

test_expect_success 'a scope event whose hook fails: hook_failed on the scope' '
	write_hook post-oncall <<-HOOK &&
	exit 5
	HOOK
	incident oncall override db dave --from 2026-11-04T07:00:00Z \
		--until 2026-11-04T10:00:00Z >/dev/null 2>err &&
	grep "warning: hook post-oncall failed for rota:db: exit status 5" err &&
	test "$(sqlite3 "$INCIDENT_DIR/incident.db" "SELECT incident FROM events WHERE kind = \"hook_failed\" ORDER BY seq DESC LIMIT 1")" = rota:db
'

test_expect_success 'a store of schema 1 is read as it is, upgraded by a write' '
	cp -R "$INCIDENT_DIR" old &&
	rm -rf old/hooks &&
	sqlite3 old/incident.db "DROP TABLE outbox; DROP TABLE alert_seen; PRAGMA user_version = 1" &&
	chmod -R a-w old &&
	test_when_finished "chmod -R u+w old" &&
	INCIDENT_DIR=$PWD/old incident list -q >listed &&
	grep "$(cat id)" listed &&
	INCIDENT_DIR=$PWD/old incident show "$(cat id)" >/dev/null &&
	INCIDENT_DIR=$PWD/old incident hooks list --json >list.json &&
	test "$(jq ".deliveries | length" list.json)" = 0 &&
	chmod -R u+w old &&
	INCIDENT_DIR=$PWD/old incident note "$(cat id)" "upgraded" >/dev/null &&
	test "$(sqlite3 old/incident.db "PRAGMA user_version")" = 3 &&
	sqlite3 old/incident.db "SELECT count(*) FROM alert_seen" &&
	sqlite3 old/incident.db "SELECT count(*) FROM outbox"
'

test_expect_success 'a hooks setting that cannot be read is said, and the delivery waits' '
	# a store of its own: no retry of an earlier test comes due in it
	INCIDENT_DIR=$TRASH/badcfg && export INCIDENT_DIR &&
	HOOKS=$INCIDENT_DIR/hooks &&
	k=$(incident open -q "bad hooks config") &&
	write_hook post-note <<-HOOK &&
	echo ran >>"$TRASH/bad-config-runs"
	HOOK
	: >>"$INCIDENT_DIR/config" &&
	cp "$INCIDENT_DIR/config" config.saved &&
	for bad in "timeout = soon" "retries = many" "background = maybe"; do
		cp config.saved "$INCIDENT_DIR/config" &&
		printf "[hooks]\n\t%s\n" "$bad" >>"$INCIDENT_DIR/config" &&
		incident note "$k" "with $bad" >/dev/null 2>err &&
		grep "warning: hooks not run.*config hooks\.${bad%% *} = " err &&
		test ! -e bad-config-runs || return 1
	done &&
	cp config.saved "$INCIDENT_DIR/config" &&
	incident hooks retry >/dev/null 2>&1 &&
	test_line_count = 3 bad-config-runs
'

test_done
