#!/bin/bash
# incident action: follow-ups tracked to done, across incidents.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: two incidents with the mirror on' '
	incident init --git >/dev/null &&
	incident open -q "Checkout 5xx" >a &&
	incident open -q "DB failover slow" >b &&
	incident resolve -q "$(cat a)" >/dev/null
'

test_expect_success 'add numbers actions per incident' '
	incident action add "$(cat a)" "Alert on 5xx rate" --owner bob --due 2026-01-10 \
		--type detective --priority high >out &&
	grep "^added an action to " out &&
	incident action add -q "$(cat a)" Canary deploys for payments --owner carol --due 2099-01-01 >/dev/null &&
	incident action add -q "$(cat b)" "Runbook for failover" --owner bob --due 2026-01-05 >/dev/null &&
	incident action add -q "$(cat b)" "Load test the replica" >/dev/null &&
	incident show --json "$(cat a)" >s.json &&
	test "$(jq -c "[.incident.actions[] | .n]" s.json)" = "[1,2]" &&
	test "$(jq -r ".incident.actions[1].text" s.json)" = "Canary deploys for payments" &&
	test "$(jq -r ".incident.actions[0].due" s.json)" = 2026-01-10T23:59:59Z &&
	test "$(jq -r ".incident.actions[0].type" s.json)" = detective
'

test_expect_success 'list: every action by due date, no date last' '
	incident action list --json >l.json &&
	test "$(jq -r "[.actions[].text] | join(\"|\")" l.json)" = "Runbook for failover|Alert on 5xx rate|Canary deploys for payments|Load test the replica" &&
	incident action list >out &&
	test_line_count = 4 out &&
	grep -E "^[0-9a-z]{5,} #1 +2026-01-05  overdue   bob: Runbook for failover$" out
'

test_expect_success 'overdue by date, open, owner' '
	incident action list --overdue --json >l.json &&
	test "$(jq -r "[.actions[].text] | join(\"|\")" l.json)" = "Runbook for failover|Alert on 5xx rate" &&
	test "$(jq -c "[.actions[].overdue]" l.json)" = "[true,true]" &&
	incident action list --owner carol --json >l.json &&
	test "$(jq ".actions | length" l.json)" = 1
'

test_expect_success 'overdue is measured from INCIDENT_NOW' '
	INCIDENT_NOW=2026-01-07T12:00:00Z incident action list --overdue --json >l.json &&
	test "$(jq -r "[.actions[].text] | join(\"|\")" l.json)" = "Runbook for failover" &&
	INCIDENT_NOW=2099-06-01T00:00:00Z incident action list --overdue --json >l.json &&
	test "$(jq ".actions | length" l.json)" = 3
'

test_expect_success 'done marks it, once' '
	incident action done "$(cat b)" 1 >out &&
	grep "^finished an action of " out &&
	incident action list --overdue --json >l.json &&
	test "$(jq -r "[.actions[].text] | join(\"|\")" l.json)" = "Alert on 5xx rate" &&
	incident action list --open --json >l.json &&
	test "$(jq ".actions | length" l.json)" = 3 &&
	test_expect_code 2 incident action done "$(cat b)" 1 2>err &&
	grep "done already" err &&
	test_expect_code 3 incident action done "$(cat b)" 9 2>err &&
	grep "has no action #9" err &&
	incident action done -q "$(cat a)" "#2" >/dev/null
'

test_expect_success 'bad input is refused, nothing written' '
	store_snapshot >before &&
	test_expect_code 2 incident action add "$(cat a)" "x" --type weird 2>err &&
	test_expect_code 2 incident action add "$(cat a)" "x" --priority P1 2>err &&
	test_expect_code 2 incident action add "$(cat a)" 2>err &&
	test_expect_code 2 incident action add "$(cat a)" "x" --due someday 2>err &&
	test_expect_code 2 incident action done "$(cat a)" two 2>err &&
	test_expect_code 2 incident action frobnicate 2>err &&
	test_expect_code 2 incident action 2>err &&
	test_expect_code 3 incident action add zzzzz "x" 2>err &&
	store_snapshot >after && test_cmp before after
'

test_expect_success 'each subcommand takes its own options only' '
	store_snapshot >before &&
	test_expect_code 2 incident action list --due 2026-01-01 2>err &&
	grep "^incident action: unknown option .--due. (see .incident action --help.)$" err &&
	test_expect_code 2 incident action list --at now 2>err &&
	test_expect_code 2 incident action done --owner bob "$(cat a)" 1 2>err &&
	grep "unknown option .--owner." err &&
	test_expect_code 2 incident action add --open "$(cat a)" "x" 2>err &&
	store_snapshot >after && test_cmp before after &&
	incident action --owner bob list --json >l.json &&
	test "$(jq ".actions | length" l.json)" = 2 &&
	incident action add --help >out &&
	grep "^usage: incident action add .*\[--at time\]" out &&
	! grep -e "--open" out
'

test_expect_success 'actions survive rebuild from git, overdue still by date' '
	incident action list --json >before.json &&
	incident rebuild >/dev/null &&
	incident action list --json >after.json &&
	test_cmp before.json after.json &&
	incident action list --overdue --json >l.json &&
	test "$(jq -r "[.actions[].text] | join(\"|\")" l.json)" = "Alert on 5xx rate" &&
	incident verify >/dev/null
'

test_expect_success 'the review lists the actions as a checklist' '
	incident review --no-edit "$(cat a)" >r.md 2>/dev/null &&
	grep -F -- "- [ ] #1 Alert on 5xx rate (bob, due 2026-01-10, detective, high priority)" r.md &&
	grep -F -- "- [x] #2 Canary deploys for payments (carol, due 2099-01-01)" r.md
'

test_expect_success 'stats counts the overdue actions' '
	incident stats --json >s.json &&
	test "$(jq .total.overdue_actions s.json)" = 1
'

test_done
