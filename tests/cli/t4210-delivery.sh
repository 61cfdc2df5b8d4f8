#!/bin/bash
# Delivery at least once: retries with backoff (stepped with INCIDENT_NOW)
# and the same ids every time, giving up, a kill -9 while a hook runs,
# leases between concurrent writers, and hooks.background.
. "$(dirname "$0")/test-lib.sh"

. "$TEST_DIRECTORY/lib-hooks.sh"

# at SECONDS: INCIDENT_NOW that many seconds after 2026-11-24T09:00:00Z
at() {
	date -u -d "@$((1795510800 + $1))" +%Y-%m-%dT%H:%M:%SZ
}

test_expect_success 'setup' '
	incident init >/dev/null &&
	cat >>"$INCIDENT_DIR/config" <<-EOF
	[hooks]
		timeout = 2s
	EOF
'

test_expect_success 'fails twice, then delivered on the third try, same ids' '
	write_hook post-open <<-HOOK &&
	n=\$(cat "$TRASH/count" 2>/dev/null || echo 0)
	n=\$((n + 1))
	echo \$n >"$TRASH/count"
	echo "\$INCIDENT_EVENT_ID \$INCIDENT_DELIVERY_ID" >>"$TRASH/seen"
	echo "\$INCIDENT_ATTEMPT" >>"$TRASH/attempts"
	test \$n -ge 3
	HOOK
	INCIDENT_NOW=$(at 0) incident open -q "flaky" >id 2>err0 &&
	grep "post-open failed for .*: exit status 1; attempt 1 of 5, again in 30s" err0 &&
	test "$(cat count)" = 1 &&
	# not due yet: a write 10s later leaves it
	INCIDENT_NOW=$(at 10) incident note "$(cat id)" "later" >/dev/null 2>err1 &&
	test "$(cat count)" = 1 &&
	INCIDENT_NOW=$(at 31) incident note "$(cat id)" "later still" >/dev/null 2>err2 &&
	test "$(cat count)" = 2 &&
	grep "attempt 2 of 5, again in 1m" err2 &&
	INCIDENT_NOW=$(at 60) incident note "$(cat id)" "not yet" >/dev/null &&
	test "$(cat count)" = 2 &&
	INCIDENT_NOW=$(at 92) incident note "$(cat id)" "now" >/dev/null 2>err3 &&
	test "$(cat count)" = 3 &&
	test_line_count = 0 err3 &&
	sort -u seen >ids && test_line_count = 1 ids &&
	test_line_count = 3 seen &&
	printf "1\n2\n3\n" >expect && test_cmp expect attempts &&
	incident log --json "$(cat id)" >log &&
	test "$(jq -r ".events[0].id" log)" = "$(cut -d" " -f1 ids)" &&
	test "$(jq "[.events[] | select(.kind == \"hook_failed\")] | length" log)" = 2 &&
	test "$(sqlite3 "$DB" "SELECT state, attempts FROM outbox WHERE event = \"$(cut -d" " -f1 ids)\"")" = "done|3" &&
	incident hooks list >list &&
	! grep "deliveries not done" list
'

test_expect_success 'after hooks.retries attempts it fails for good, said' '
	rm -f "$HOOKS/post-open" &&
	write_hook post-resolve <<-HOOK &&
	echo x >>"$TRASH/resolve-tries"
	exit 1
	HOOK
	cat >>"$INCIDENT_DIR/config" <<-EOF &&
		retries = 2
	EOF
	INCIDENT_NOW=$(at 100) incident resolve "$(cat id)" >/dev/null 2>err &&
	INCIDENT_NOW=$(at 200) incident note "$(cat id)" "x" >/dev/null 2>err &&
	grep "post-resolve failed for .*given up after 2 attempts" err &&
	test_line_count = 2 resolve-tries &&
	INCIDENT_NOW=$(at 9000) incident note "$(cat id)" "y" >/dev/null &&
	test_line_count = 2 resolve-tries &&
	incident hooks list >list &&
	grep "post-resolve .*: failed, 2 attempts, last: exit status 1" list &&
	incident hooks list --json >list.json &&
	test "$(jq -r ".deliveries[0].state" list.json)" = failed &&
	test "$(jq -r ".deliveries[0].due" list.json)" = null
'

test_expect_success 'hooks retry --all tries a failed one again; exit 1 if it fails' '
	INCIDENT_NOW=$(at 9100) incident hooks retry 2>err;
	test_line_count = 2 resolve-tries &&
	INCIDENT_NOW=$(at 9100) test_expect_code 1 incident hooks retry --all 2>err &&
	test_line_count = 3 resolve-tries &&
	write_hook post-resolve <<-HOOK &&
	echo ok >>"$TRASH/resolve-tries"
	HOOK
	INCIDENT_NOW=$(at 9200) incident hooks retry --all &&
	test_line_count = 4 resolve-tries &&
	test "$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE state <> \"done\"")" = 0
'

test_expect_success 'a kill -9 while a hook runs loses no delivery' '
	rm -f "$HOOKS"/* &&
	write_hook post-note <<-HOOK &&
	if test ! -e "$TRASH/killed-once"; then
		touch "$TRASH/killed-once"
		echo \$PPID >"$TRASH/incident.pid"
		echo \$\$ >"$TRASH/hook.pid"
		sleep 30
	fi
	echo "\$INCIDENT_EVENT_ID \$INCIDENT_DELIVERY_ID \$INCIDENT_ATTEMPT" >>"$TRASH/delivered"
	HOOK
	{ incident note "$(cat id)" "killed mid-hook" >/dev/null 2>&1 & } &&
	for i in $(seq 600); do test -s hook.pid && break; sleep 0.05; done &&
	test -s hook.pid && test -s incident.pid &&
	kill -9 "$(cat incident.pid)" &&
	# the hook dies too: only the outbox remembers the delivery
	kill -9 -- "-$(cat hook.pid)" &&
	wait &&
	test ! -e delivered &&
	test "$(sqlite3 "$DB" "SELECT state FROM outbox WHERE hook = \"post-note\"")" = pending &&
	# under its lease, nobody takes it
	incident hooks retry 2>err &&
	grep "no delivery due" err &&
	test ! -e delivered &&
	# once the lease is over (timeout 2s + grace), the next command does
	for i in $(seq 100); do
		incident hooks retry 2>/dev/null && test -e delivered && break
		sleep 0.2
	done &&
	test_line_count = 1 delivered &&
	incident log --json "$(cat id)" >log &&
	ev=$(jq -r "[.events[] | select(.kind == \"noted\")][-1].id" log) &&
	test "$(cut -d" " -f1 delivered)" = "$ev" &&
	test "$(cut -d" " -f3 delivered)" = 2
'

test_expect_success 'concurrent writers never run one delivery twice at once' '
	rm -f "$HOOKS"/* &&
	mkdir locks &&
	write_hook post-open <<-HOOK &&
	mkdir "$TRASH/locks/\$INCIDENT_DELIVERY_ID" 2>/dev/null ||
		echo "\$INCIDENT_DELIVERY_ID" >>"$TRASH/twice"
	sleep 0.2
	rmdir "$TRASH/locks/\$INCIDENT_DELIVERY_ID"
	echo "\$INCIDENT_DELIVERY_ID" >>"$TRASH/opened"
	HOOK
	n=8 && if test -n "${INCIDENT_VALGRIND:-}"; then n=3; fi &&
	for i in $(seq $n); do
		(incident open -q "storm $i" >/dev/null 2>"err.$i"; echo $? >"rc.$i") &
	done &&
	wait &&
	cat rc.* | sort -u >codes && echo 0 >expect && test_cmp expect codes &&
	test ! -e twice &&
	sort -u opened >once && test_line_count = $n once &&
	test_line_count = $n opened &&
	test "$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE hook = \"post-open\" AND state <> \"done\"")" = 0
'

test_expect_success 'hooks.background: the command returns at once' '
	rm -f "$HOOKS"/* &&
	cat >>"$INCIDENT_DIR/config" <<-EOF &&
		background = true
		timeout = 30s
	EOF
	write_hook post-note <<-HOOK &&
	for i in \$(seq 250); do test -e "$TRASH/release" && break; sleep 0.1; done
	ls /proc/self/fd >"$TRASH/bg-fds"
	echo "\$INCIDENT_EVENT" >"$TRASH/bg-done"
	HOOK
	# the hook waits for the test, which waits for the command: a command
	# that waited for its hook would see it time out, and say so
	incident note "$(cat id)" "in the background" >out 2>err &&
	grep "noted on" out &&
	test_line_count = 0 err &&
	test ! -e bg-done &&
	touch release &&
	for i in $(seq 300); do test -e bg-done && break; sleep 0.1; done &&
	test "$(cat bg-done)" = noted &&
	printf "0\n1\n2\n3\n" >expect && test_cmp expect bg-fds &&
	for i in $(seq 50); do
		test "$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE state <> \"done\"")" = 0 && break
		sleep 0.1
	done &&
	test "$(sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE state <> \"done\"")" = 0
'

test_expect_success 'background: a failure still lands on the timeline' '
	write_hook post-note <<-HOOK &&
	exit 4
	HOOK
	incident note "$(cat id)" "bg fails" >out 2>err &&
	test_line_count = 0 err &&
	for i in $(seq 100); do
		incident log --json "$(cat id)" | jq -e ".events[-1].kind == \"hook_failed\"" >/dev/null && break
		sleep 0.1
	done &&
	incident log --json "$(cat id)" >log &&
	test "$(jq -r ".events[-1].payload.error" log)" = "exit status 4"
'

test_done
