#!/bin/bash
# ingest through the real maintenance windows and change events (issue
# 11): a window suppresses its service only (alerts recorded on the
# window, nothing opened, nobody paged; another service still opens and
# pages); list --maintenance shows the suppressed alert; maintenance.mode
# = open opens a maintenance incident that is not paged and that stats
# leave out. A PagerDuty change event through ingest shows on its
# service's incident.
. "$(dirname "$0")/test-lib.sh"

HOOKS="$INCIDENT_DIR/hooks"

# am SERVICE NAME: a firing Alertmanager group of one alert
am() {
	printf '{"version":"4","groupKey":"{}:{alertname=\\"%s\\"}","status":"firing","receiver":"incident","groupLabels":{"alertname":"%s"},"commonLabels":{"alertname":"%s","severity":"critical","service":"%s"},"commonAnnotations":{"summary":"%s on %s"},"alerts":[{"status":"firing","labels":{"alertname":"%s","severity":"critical","service":"%s"},"annotations":{"summary":"%s on %s"},"startsAt":"2026-11-24T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"%s"}]}\n' \
		"$2" "$2" "$2" "$1" "$2" "$1" "$2" "$1" "$2" "$1" "$2$1"
}

export INCIDENT_NOW=2026-11-24T10:05:00Z

test_expect_success 'setup: a policy, a notify hook, a window over db' '
	incident init >/dev/null &&
	cat >>"$INCIDENT_DIR/config" <<-\EOF &&
	[escalation "default"]
		level = alice
		timeout = 5m
	EOF
	mkdir -p "$HOOKS" &&
	{
		echo "#!/bin/sh" &&
		echo "echo \"\$INCIDENT_HOOK \${INCIDENT_TARGET:--} \$INCIDENT_EVENT\" >>\"$TRASH/pages\""
	} >"$HOOKS/notify" &&
	chmod 755 "$HOOKS/notify" &&
	: >pages &&
	incident maintenance add --json --service db --from 2026-11-24T09:00:00Z --until 2026-11-24T12:00:00Z --reason "pg upgrade" >win.json &&
	jq -r .id win.json >win && test -s win
'

test_expect_success 'the window suppresses its service: recorded, nothing opened or paged' '
	am db DiskFull | incident ingest --json >out.json &&
	test "$(jq -r ".results[0].action" out.json)" = suppressed &&
	test "$(jq -r ".results[0].incident" out.json)" = null &&
	test "$(jq -r ".results[0].window" out.json)" = "maintenance:$(cat win)" &&
	incident list -q --all >ids && test_line_count = 0 ids &&
	test_line_count = 0 pages &&
	incident list --maintenance --json >m.json &&
	test "$(jq -r "[.. | objects | select(has(\"key\")) | .key] | join(\",\")" m.json)" = DiskFulldb &&
	incident list --maintenance >m.txt &&
	grep DiskFull m.txt &&
	am db DiskFull | incident ingest >out &&
	incident list --maintenance --json >m2.json &&
	test_cmp m.json m2.json
'

test_expect_success 'another service still opens and pages' '
	am web Http5xx | incident ingest >out &&
	grep "^opened [0-9a-z]* Http5xxweb$" out &&
	incident list -q >ids && test_line_count = 1 ids &&
	echo "notify alice escalated" >expect &&
	test_cmp expect pages
'

test_expect_success 'a dry run in a window writes nothing' '
	am db DiskFull2 | incident ingest --dry-run --json >out.json &&
	test "$(jq -r ".results[0].action" out.json)" = suppressed &&
	incident list --maintenance --json >m3.json &&
	test_cmp m.json m3.json
'

test_expect_success 'maintenance.mode = open: a maintenance incident, unpaged, left out of stats' '
	printf "[maintenance]\n\tmode = open\n" >>"$INCIDENT_DIR/config" &&
	am db CpuHigh | incident ingest >out &&
	grep "^opened [0-9a-z]* CpuHighdb$" out &&
	id=$(awk "/^opened/ { print \$2 }" out) &&
	test "$(incident show --json "$id" | jq -r .incident.maintenance)" = true &&
	echo "notify alice escalated" >expect &&
	test_cmp expect pages &&
	incident stats --json >st.json &&
	test "$(jq .maintenance_left_out st.json)" = 1
'

test_expect_success 'a PagerDuty change event through ingest shows on its service'"'"'s incident' '
	printf "{\"routing_key\":\"r\",\"payload\":{\"summary\":\"Deploy web v7\",\"timestamp\":\"2026-11-24T09:50:00Z\",\"source\":\"ci\",\"custom_details\":{\"service\":\"web\"}},\"links\":[{\"href\":\"https://ci/7\",\"text\":\"build\"}]}" >chg.json &&
	incident ingest <chg.json >out &&
	grep changed out &&
	incident changes --json >c.json &&
	test "$(jq -r ".changes[0].summary" c.json)" = "Deploy web v7" &&
	web=$(incident list -q --service web) &&
	incident show --json "$web" >s.json &&
	test "$(jq -r "[.changes[].summary] | join(\",\")" s.json)" = "Deploy web v7" &&
	incident show "$web" >s.txt &&
	grep "Deploy web v7" s.txt
'

test_expect_success 'a merged incident hands its key on, its alerts stay (as documented)' '
	printf "{\"event_action\":\"trigger\",\"dedup_key\":\"m1\",\"payload\":{\"summary\":\"dup\",\"source\":\"s\",\"severity\":\"error\",\"custom_details\":{\"service\":\"web\"}}}" >m1.json &&
	incident ingest <m1.json >out &&
	dup=$(awk "/^opened/ { print \$2 }" out) &&
	keep=$(incident open -q --service web keeper) &&
	incident merge -q "$dup" "$keep" &&
	incident ingest <m1.json >out &&
	grep "^attached [0-9a-z]* m1$" out &&
	incident ingest --json <m1.json | jq -r ".results[0].incident" >got && echo "$keep" >expect && test_cmp expect got &&
	test "$(incident alerts --json "$dup" | jq ".alerts | length")" = 1 &&
	test "$(incident alerts --json --dedup-key m1 | jq -r .incident)" = "$keep"
'

test_done
