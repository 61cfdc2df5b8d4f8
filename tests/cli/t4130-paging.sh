#!/bin/bash
# Paging end to end (issue 10): a policy's pages reach the notify hook,
# one delivery per target with the target named, a rota resolved to whoever
# is on call; tick's escalations and update reminders go out through the
# same hooks, written as cron; acknowledgement stops the pages.
. "$(dirname "$0")/test-lib.sh"

HOOKS="$INCIDENT_DIR/hooks"

at() {
	INCIDENT_NOW=2026-11-24T$1:00Z && export INCIDENT_NOW
}

# one line a delivery: hook, target, event kind (then its delivery id)
pages() {
	cut -d" " -f1-3 "$TRASH/pages"
}

test_expect_success 'setup: a rota, a three-level policy, notify and update-due hooks' '
	incident init >/dev/null &&
	cat >>"$INCIDENT_DIR/config" <<-\EOF &&
	[rota "db"]
		member = alice
		member = bob
		start = 2026-11-02
		handoff = 09:00
		every = 1d
		timezone = Europe/Berlin
	[escalation "default"]
		level = rota:db
		level = db-lead, channel:ops
		level = eng-manager
		timeout = 1m
	[severity "SEV1"]
		update-every = 30m
	EOF
	mkdir -p "$HOOKS" &&
	for h in notify update-due; do
		{
			echo "#!/bin/sh" &&
			echo "jq -e . >/dev/null || exit 9" &&
			echo "echo \"\$INCIDENT_HOOK \${INCIDENT_TARGET:--} \$INCIDENT_EVENT \$INCIDENT_DELIVERY_ID\" >>\"$TRASH/pages\""
		} >"$HOOKS/$h" &&
		chmod 755 "$HOOKS/$h" || return 1
	done &&
	: >pages
'

test_expect_success 'open pages level 1: the rota resolved to who is on call' '
	at 10:00 &&
	incident open -q --service db "primary down" >id &&
	echo "notify alice escalated" >expect &&
	pages >actual &&
	test_cmp expect actual
'

test_expect_success 'tick pages level 2, one delivery a target, written as cron' '
	at 10:01 &&
	incident tick >out &&
	grep "level 2" out &&
	printf "notify alice escalated\nnotify db-lead escalated\nnotify channel:ops escalated\n" >expect &&
	pages >actual &&
	test_cmp expect actual &&
	test "$(cut -d" " -f4 pages | sort -u | wc -l)" = 3 &&
	incident log --json "$(cat id)" >log.json &&
	test "$(jq -r "[.events[] | select(.kind == \"escalated\")][1].actor" log.json)" = cron
'

test_expect_success 'a second tick within the timeout pages no one' '
	at 10:01 &&
	incident tick >out &&
	test_line_count = 0 out &&
	test_line_count = 3 pages
'

test_expect_success 'acknowledgement stops the pages' '
	at 10:02 &&
	incident triage -q "$(cat id)" &&
	at 10:10 &&
	incident tick >out &&
	! grep escalated out &&
	test_line_count = 3 pages
'

test_expect_success 'escalate --to pages that person by hand' '
	at 10:11 &&
	incident escalate -q "$(cat id)" --to dba-on-leave &&
	tail -n 1 pages | cut -d" " -f1-3 >actual &&
	echo "notify dba-on-leave escalated" >expect &&
	test_cmp expect actual
'

test_expect_success 'an overdue update runs update-due once per period' '
	at 10:20 &&
	incident open -q -s 1 --service web "checkout down" >sev1 &&
	at 10:51 &&
	incident tick >out &&
	grep "update due" out &&
	grep -c "^update-due - update_due" pages >n &&
	echo 1 >expect && test_cmp expect n &&
	at 10:55 &&
	incident tick >out &&
	grep -c "^update-due - update_due" pages >n &&
	test_cmp expect n &&
	at 11:22 &&
	incident tick >out &&
	grep -c "^update-due - update_due" pages >n &&
	echo 2 >expect && test_cmp expect n
'

test_expect_success 'a failing notify is retried by tick with the same delivery id' '
	at 12:00 &&
	cat >"$HOOKS/notify" <<-EOF &&
	#!/bin/sh
	n=\$(cat "$TRASH/tries" 2>/dev/null || echo 0)
	echo \$((n + 1)) >"$TRASH/tries"
	echo "\$INCIDENT_DELIVERY_ID" >>"$TRASH/ids"
	[ "\$n" -ge 1 ]
	EOF
	incident open -q --service db "replica lag" >lag 2>err &&
	grep "notify" err &&
	at 12:00 &&
	incident tick >/dev/null 2>err2 &&
	test "$(cat tries)" = 1 &&
	at 12:01 &&
	incident tick >/dev/null 2>err3 &&
	test "$(sort -u ids | wc -l)" -ge 1 &&
	head -n 1 ids >first &&
	grep -c -F -f first ids >n &&
	echo 2 >expect && test_cmp expect n
'

test_done
