#!/bin/bash
# incident ingest, Alertmanager (issue 11): a group of three firing
# alerts is one incident with three alerts; a repeat is counted, not an
# event; one resolving is recorded as a partial resolution; all resolving
# resolves the incident (with no TTA: nobody acknowledged it); keyed per
# fingerprint, three incidents. Times as they arrive: a late resolve whose
# end precedes the opening, a sender's clock 10 minutes ahead.
. "$(dirname "$0")/test-lib.sh"

# webhook STATUS1 STATUS2 STATUS3 [ENDS]: a group of three DiskFull alerts
webhook() {
	ends=${4:-0001-01-01T00:00:00Z}
	printf '{"version":"4","groupKey":"{}:{alertname=\\"DiskFull\\"}","truncatedAlerts":0,"status":"firing","receiver":"incident","groupLabels":{"alertname":"DiskFull"},"commonLabels":{"alertname":"DiskFull","severity":"critical","service":"db"},"commonAnnotations":{"summary":"Disk full on db"},"externalURL":"http://am:9093","alerts":['
	for i in 1 2 3; do
		eval st=\$$i
		e=0001-01-01T00:00:00Z
		test "$st" = resolved && e=$ends
		test $i = 1 || printf ,
		printf '{"status":"%s","labels":{"alertname":"DiskFull","instance":"db-%s","severity":"critical","service":"db"},"annotations":{"summary":"Disk full on db-%s","runbook_url":"https://runbooks/disk"},"startsAt":"2026-11-24T10:0%s:00.123456789Z","endsAt":"%s","generatorURL":"http://prom/graph?%s","fingerprint":"f00000000000000%s"}' \
			"$st" $i $i $i "$e" $i $i
	done
	printf ']}\n'
}

export INCIDENT_NOW=2026-11-24T10:05:00Z

test_expect_success 'a group of 3 firing alerts: one incident with 3 alerts' '
	webhook firing firing firing >fire.json &&
	incident ingest <fire.json >out &&
	test_line_count = 3 out &&
	grep "^opened [0-9a-z]* f000000000000001$" out &&
	grep "^attached [0-9a-z]* f000000000000003$" out &&
	incident list -q >ids && test_line_count = 1 ids &&
	id=$(cat ids) && echo "$id" >id &&
	incident alerts --json "$id" >a.json &&
	test "$(jq ".alerts | length" a.json)" = 3 &&
	test "$(jq -r "[.alerts[].state] | unique | join(\",\")" a.json)" = firing &&
	test "$(jq -r ".alerts[0].starts_at" a.json)" = 2026-11-24T10:01:00Z &&
	test "$(jq -r ".alerts[0].links[0].href" a.json)" = https://runbooks/disk &&
	test "$(jq -r ".alerts[0].labels.instance" a.json)" = db-1 &&
	incident show --json "$id" >s.json &&
	test "$(jq -r .incident.title s.json)" = "Disk full on db" &&
	test "$(jq -r .incident.severity_name s.json)" = SEV1 &&
	test "$(jq -r ".incident.services | join(\",\")" s.json)" = db &&
	test "$(jq -r .incident.started_at s.json)" = 2026-11-24T10:01:00Z &&
	test "$(jq -r .incident.opened_by s.json)" = alertmanager &&
	test "$(jq .incident.alert_count s.json)" = 3
'

test_expect_success 'alerts the sender left out (truncatedAlerts) are said' '
	mkdir trunc &&
	sed "s/\"truncatedAlerts\":0/\"truncatedAlerts\":2/" fire.json >trunc.json &&
	INCIDENT_DIR=$PWD/trunc incident ingest <trunc.json >out &&
	grep "^2 more alerts left out by the sender (truncatedAlerts)$" out &&
	INCIDENT_DIR=$PWD/trunc incident ingest --dry-run --json <trunc.json >out.json &&
	test "$(jq .truncated_alerts out.json)" = 2
'

test_expect_success 'a repeat counts, writes no event' '
	id=$(cat id) &&
	incident log --json "$id" | jq ".events | length" >before &&
	INCIDENT_NOW=2026-11-24T10:06:00Z incident ingest <fire.json >out &&
	test "$(grep -c "^repeated " out)" = 3 &&
	incident log --json "$id" | jq ".events | length" >after &&
	test_cmp before after &&
	incident alerts --json "$id" >a.json &&
	test "$(jq ".alerts[1].repeats" a.json)" = 1 &&
	test "$(jq -r ".alerts[1].last_seen_at" a.json)" = 2026-11-24T10:06:00Z
'

test_expect_success 'one resolving: the partial resolution is recorded, the incident stays open' '
	id=$(cat id) &&
	webhook resolved firing firing 2026-11-24T10:07:00Z >partial.json &&
	INCIDENT_NOW=2026-11-24T10:08:00Z incident ingest <partial.json >out &&
	grep "^resolved [0-9a-z]* f000000000000001$" out &&
	incident alerts --json "$id" >a.json &&
	test "$(jq -r ".alerts[0].state" a.json)" = resolved &&
	test "$(jq -r ".alerts[0].ends_at" a.json)" = 2026-11-24T10:07:00Z &&
	test "$(jq -r ".alerts[1].state" a.json)" = firing &&
	test "$(jq -r .status a.json)" = open &&
	incident alerts "$id" >text &&
	grep "(open, 3 alerts, 2 firing)" text
'

test_expect_success 'all resolving resolves it, automatically, with no TTA' '
	id=$(cat id) &&
	webhook resolved resolved resolved 2026-11-24T10:09:00Z >all.json &&
	INCIDENT_NOW=2026-11-24T10:10:00Z incident ingest --json <all.json >out.json &&
	test "$(jq -r ".results[-1].settled" out.json)" = resolved &&
	test "$(jq -r "[.results[].action] | join(\",\")" out.json)" = repeated,resolved,resolved &&
	incident show --json "$id" >s.json &&
	test "$(jq -r .incident.status s.json)" = resolved &&
	test "$(jq -r .incident.resolved_at s.json)" = 2026-11-24T10:09:00Z &&
	test "$(jq .incident.acknowledged_at s.json)" = null &&
	test "$(jq .incident.durations.tta s.json)" = null &&
	test "$(jq .incident.durations.ttr s.json)" = 480 &&
	incident log --json "$id" >log.json &&
	test "$(jq "[.events[] | select(.kind == \"resolved\")][0].payload.automatic" log.json)" = true
'

test_expect_success 'firing again after it resolved opens a new incident' '
	INCIDENT_NOW=2026-11-24T11:00:00Z incident ingest <fire.json >out &&
	grep "^opened " out &&
	incident list -q --all >ids && test_line_count = 2 ids
'

test_expect_success 'keyed per fingerprint: three incidents' '
	mkdir fp && printf "[ingest \"alertmanager\"]\n\tkey = fingerprint\n" >fp/config &&
	INCIDENT_DIR=$PWD/fp incident ingest <fire.json >out &&
	test "$(grep -c "^opened " out)" = 3 &&
	INCIDENT_DIR=$PWD/fp incident list -q >ids && test_line_count = 3 ids &&
	INCIDENT_DIR=$PWD/fp incident alerts --dedup-key f000000000000002 --json >a.json &&
	test "$(jq ".alerts | length" a.json)" = 1 &&
	test "$(jq -r ".alerts[0].key" a.json)" = f000000000000002
'

test_expect_success 'a late resolve (its end before the opening) is accepted, clamped and noted' '
	mkdir late && export INCIDENT_DIR=$PWD/late &&
	incident ingest <fire.json >/dev/null &&
	webhook resolved resolved resolved 2026-11-24T10:02:30Z >late.json &&
	INCIDENT_NOW=2026-11-24T10:06:00Z incident ingest <late.json >out &&
	grep "resolved (all its alerts resolved)" out &&
	id=$(incident list -q --all) &&
	incident show --json "$id" >s.json &&
	test "$(jq -r .incident.status s.json)" = resolved &&
	test "$(jq -r .incident.resolved_at s.json)" = 2026-11-24T10:05:00Z &&
	incident alerts --json "$id" >a.json &&
	test "$(jq -r ".alerts[2].ends_at" a.json)" = 2026-11-24T10:03:00Z &&
	jq -r ".alerts[0].note" a.json | grep "before the incident was opened" &&
	jq -r ".alerts[2].note" a.json | grep "before it began"
'

test_expect_success 'a sender clock 10 minutes ahead is clamped to now, the skew noted' '
	mkdir ahead && export INCIDENT_DIR=$PWD/ahead &&
	INCIDENT_NOW=2026-11-24T09:52:00Z incident ingest <fire.json >out &&
	id=$(incident list -q) &&
	incident alerts --json "$id" >a.json &&
	test "$(jq -r ".alerts[2].starts_at" a.json)" = 2026-11-24T09:52:00Z &&
	jq -r ".alerts[2].note" a.json | grep "clock is 660s ahead" &&
	incident show --json "$id" >s.json &&
	test "$(jq .incident.started_at s.json)" = null
'

test_expect_success '--dry-run says what would happen, writes nothing' '
	mkdir dry && export INCIDENT_DIR=$PWD/dry &&
	incident ingest <fire.json >/dev/null &&
	store_snapshot >before &&
	incident ingest --dry-run <all.json >out &&
	grep "^(dry run) resolved .*resolved (all its alerts resolved)$" out &&
	store_snapshot >after &&
	test_cmp before after
'

test_expect_success '--actor names who ingests; a label unfit for a service becomes a field' '
	mkdir act && export INCIDENT_DIR=$PWD/act &&
	sed "s/\"service\":\"db\"}/\"service\":\"db main\"}/" fire.json >odd.json &&
	incident --actor "monitoring pipeline" ingest <odd.json >/dev/null &&
	id=$(incident list -q) &&
	incident show --json "$id" >s.json &&
	test "$(jq -r .incident.opened_by s.json)" = "monitoring pipeline" &&
	test "$(jq -r .incident.fields.service s.json)" = "db main" &&
	test "$(jq ".incident.services | length" s.json)" = 0
'

test_expect_success 'an incident opened by hand with the group key resolves with the group' '
	mkdir hand && export INCIDENT_DIR=$PWD/hand &&
	incident open -q --dedup-key "{}:{alertname=\"DiskFull\"}" "by the old glue" >id &&
	incident ingest <all.json >out &&
	grep "resolved (its sender resolved its key)$" out &&
	test "$(incident show --json "$(cat id)" | jq -r .incident.status)" = resolved
'

test_expect_success 'resolve, triage, note and show take --dedup-key' '
	mkdir dk && export INCIDENT_DIR=$PWD/dk &&
	incident ingest <fire.json >/dev/null &&
	key="{}:{alertname=\"DiskFull\"}" &&
	id=$(incident list -q) &&
	incident show --dedup-key "$key" --json | jq -r .incident.id >got &&
	echo "$id" >want && test_cmp want got &&
	incident triage -q --dedup-key "$key" >/dev/null &&
	incident note --dedup-key "$key" "looking at it" >/dev/null &&
	incident resolve --dedup-key "$key" >out &&
	grep "^resolved " out &&
	test "$(incident show --json "$id" | jq .incident.note_count)" = 1 &&
	test_expect_code 3 incident show --dedup-key nosuch 2>err &&
	grep "no incident has the dedup key" err
'

test_expect_success 'Grafana'"'"'s webhook (version 1, its superset): dashboard and panel kept as links' '
	mkdir graf && export INCIDENT_DIR=$PWD/graf &&
	cat >grafana.json <<-\EOF &&
	{"receiver":"incident","status":"firing","orgId":1,"alerts":[{"status":"firing","labels":{"alertname":"HighLatency","grafana_folder":"API","service":"api"},"annotations":{"summary":"p99 above 2s"},"startsAt":"2026-11-24T10:00:00+01:00","endsAt":"0001-01-01T00:00:00Z","generatorURL":"https://grafana/alerting/grafana/abc/view","fingerprint":"c0ffee0000000001","silenceURL":"https://grafana/alerting/silence/new","dashboardURL":"https://grafana/d/xyz","panelURL":"https://grafana/d/xyz?viewPanel=2","values":{"B":2.4},"valueString":"[ var=B value=2.4 ]"}],"groupLabels":{"alertname":"HighLatency"},"commonLabels":{"alertname":"HighLatency","service":"api"},"commonAnnotations":{"summary":"p99 above 2s"},"externalURL":"https://grafana/","version":"1","groupKey":"{}:{alertname=\"HighLatency\"}","truncatedAlerts":0,"title":"[FIRING:1] HighLatency","state":"alerting","message":"p99 above 2s"}
	EOF
	incident ingest <grafana.json >out &&
	grep "^opened " out &&
	id=$(incident list -q) &&
	incident alerts --json "$id" >a.json &&
	test "$(jq -r "[.alerts[0].links[].text] | join(\",\")" a.json)" = source,dashboard,panel &&
	test "$(jq -r ".alerts[0].starts_at" a.json)" = 2026-11-24T09:00:00Z &&
	test "$(incident show --json "$id" | jq -r .incident.title)" = "p99 above 2s"
'

test_expect_success 'a group of 1000 alerts: one incident holding them all, one fold' '
	n=1000 && test -z "$INCIDENT_VALGRIND" || n=50 &&
	{
		printf "{\"version\":\"4\",\"groupKey\":\"big\",\"status\":\"firing\",\"alerts\":[" &&
		i=0 && while test $i -lt $n; do
			test $i = 0 || printf , &&
			printf "{\"status\":\"firing\",\"labels\":{\"alertname\":\"Big\",\"i\":\"%s\"},\"annotations\":{},\"startsAt\":\"2026-11-24T10:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\",\"fingerprint\":\"b%s\"}" $i $i &&
			i=$((i + 1)) || return 1
		done &&
		printf "]}\n"
	} >big.json &&
	start=$(date +%s%N) &&
	incident ingest <big.json >out &&
	end=$(date +%s%N) &&
	test_line_count = $n out &&
	incident alerts --json --dedup-key big >a.json &&
	test "$(jq ".alerts | length" a.json)" = $n &&
	test "$(jq -r ".alerts[-1].key" a.json)" = "b$((n - 1))" &&
	incident show --json --dedup-key big | jq -e ".incident.alert_count == $n" &&
	sqlite3 "$INCIDENT_DIR/incident.db" "SELECT count(*) FROM events WHERE kind = \"alert_fired\" AND incident = \"$(jq -r .incident a.json)\"" >count &&
	echo $n >expect && test_cmp expect count &&
	echo "# figure: $n alerts in $(( (end - start) / 1000000 )) ms (bench/run measures it)"
'

test_done
