#!/bin/bash
# incident show: one incident, in text and JSON.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	git config --global user.name "Alice Example" &&
	git config --global user.email alice@example.com &&
	incident open -q -s 2 --service api --tag customer --commander bob \
		--summary "5xx on /checkout" --at "2026-11-20T10:00:00Z" "API 5xx spike" >id &&
	incident note "$(cat id)" "looking at the load balancer"
'

test_expect_success 'show prints the fields a responder needs' '
	incident show "$(cat id)" >out &&
	id=$(cat id) &&
	grep -E "^${id:0:5}[0-9a-z]*  API 5xx spike$" out &&
	grep -E "^  status +open, SEV2$" out &&
	grep -E "^  services +api$" out &&
	grep -E "^  tags +customer$" out &&
	grep -E "^  commander +bob$" out &&
	grep -E "^  opened +2026-11-20 10:00 \(.*\) by Alice Example$" out &&
	grep -E "^  events +2 \(1 note\)$" out &&
	grep -E "^  id +$id$" out &&
	grep "^5xx on /checkout" out || grep "^  5xx on /checkout" out &&
	grep "looking at the load balancer" out
'

test_expect_success 'show --json: the whole documented shape' '
	incident show --json "$(cat id)" >out &&
	jq -r ".incident | keys_unsorted | join(\" \")" out >keys &&
	echo "id short_id title summary status severity severity_name priority impact urgency drill services tags fields roles escalation_level escalated_to dedup_keys alert_count merged_into merged_from resolution cause cancel_reason opened_by opened_at started_at detected_at acknowledged_at mitigated_at resolved_at reviewed_at closed_at cancelled_at updated_at last_update update_count reopen_count review_count event_count note_count unknown_event_count assignments actions escalation update_reminded_at runbook alerts maintenance durations update_due" >expect &&
	test_cmp expect keys &&
	test "$(jq -r .incident.opened_by out)" = "Alice Example <alice@example.com>" &&
	test "$(jq .incident.started_at out)" = null &&
	test "$(jq -c .incident.durations out)" = "{\"ttd\":null,\"tta\":null,\"ttm\":null,\"ttr\":null}"
'

test_expect_success 'show measures relative times from INCIDENT_NOW' '
	INCIDENT_NOW=2026-11-20T10:25:00Z incident show "$(cat id)" >out &&
	grep -E "^  opened +2026-11-20 10:00 \(25m ago\) by Alice Example$" out &&
	grep -E "^  durations +TTA 25m so far, TTM 25m so far, TTR 25m so far$" out &&
	INCIDENT_NOW=2026-11-23T10:00:00Z incident show "$(cat id)" >out &&
	grep -E "^  opened +2026-11-20 10:00 \(3d ago\) by Alice Example$" out &&
	INCIDENT_NOW=2026-11-20T10:25:00Z incident >out &&
	grep -E "^[0-9a-z]{5,}  SEV2  open +25m +API 5xx spike$" out
'

test_expect_success 'the last logged time is measured from the clock' '
	INCIDENT_NOW=2026-11-20T10:25:00Z incident show "$(cat id)" >out &&
	grep -E "^  updated +[0-9-]+ [0-9:]+ \((just now|[0-9]+s ago|[0-9]+m ago)\)$" out
'

test_expect_success 'unknown and ambiguous ids' '
	test_expect_code 3 incident show zzzzzz 2>err &&
	test_line_count = 1 err &&
	grep "zzzzzz: no such incident" err &&
	test_expect_code 3 incident show "not-an-id!" 2>err &&
	test_expect_code 3 incident show 0123456789abcdefghjk 2>err &&
	for i in $(seq 40); do incident open -q "n$i" >>ids || exit 1; done &&
	p=$(cut -c1 ids | sort | uniq -d | head -1) &&
	test -n "$p" &&
	test_expect_code 2 incident show "$p" 2>err &&
	grep "ambiguous id, could be" err &&
	test_line_count = 1 err
'

test_expect_success 'upper case and confusable letters are read as the id' '
	id=$(cat id) &&
	incident show --json "$(echo "${id:0:6}" | tr a-z A-Z)" >out &&
	test "$(jq -r .incident.id out)" = "$id"
'

test_expect_success 'show on a machine with no store is not found' '
	rm -rf "$INCIDENT_DIR" &&
	test_expect_code 3 incident show abcde 2>err &&
	! test -e "$INCIDENT_DIR"
'

test_expect_success 'show needs exactly one id' '
	test_expect_code 2 incident show 2>err &&
	test_expect_code 2 incident show a b 2>err
'

test_done
