#!/bin/bash
# incident ingest, PagerDuty Events API v2 (issue 11): trigger,
# acknowledge, resolve on one dedup_key give one incident that ends
# resolved with TTA and TTR; a trigger after that opens a second one. A
# key is made when a trigger has none; 255 bytes are kept as they are,
# longer keys hashed. ingest.on-resolve = mitigate mitigates instead.
. "$(dirname "$0")/test-lib.sh"

# pd ACTION KEY [SEVERITY]: an event, on stdout
pd() {
	printf '{"routing_key":"r0ut1ng","event_action":"%s","dedup_key":"%s","payload":{"summary":"Checkout errors","source":"web-1","severity":"%s","component":"checkout","timestamp":"2026-11-24T09:58:00.5+00:00","custom_details":{"service":"shop","errors":42}},"links":[{"href":"https://grafana/d/1","text":"dashboard"}],"client":"Zabbix","client_url":"https://zabbix/"}\n' \
		"$1" "$2" "${3:-error}"
}

test_expect_success 'trigger, acknowledge, resolve: one incident, resolved with TTA and TTR' '
	pd trigger chk-1 | INCIDENT_NOW=2026-11-24T10:00:00Z incident ingest >out &&
	grep "^opened [0-9a-z]* chk-1$" out &&
	grep "^dedup key chk-1$" out &&
	pd acknowledge chk-1 | INCIDENT_NOW=2026-11-24T10:03:00Z incident ingest >out &&
	grep "^acknowledged " out &&
	pd resolve chk-1 | INCIDENT_NOW=2026-11-24T10:20:00Z incident ingest >out &&
	grep "resolved (all its alerts resolved)$" out &&
	incident list -q --all >ids && test_line_count = 1 ids &&
	incident show --json --dedup-key chk-1 >s.json &&
	test "$(jq -r .incident.status s.json)" = resolved &&
	test "$(jq .incident.durations.tta s.json)" = 180 &&
	test "$(jq .incident.durations.ttr s.json)" = 1320 &&
	test "$(jq .incident.durations.ttd s.json)" = 120 &&
	test "$(jq -r .incident.severity_name s.json)" = SEV2 &&
	test "$(jq -r ".incident.services | join(\",\")" s.json)" = shop &&
	test "$(jq -r .incident.opened_by s.json)" = pagerduty &&
	incident alerts --dedup-key chk-1 --json >a.json &&
	test "$(jq -r ".alerts[0].labels.component" a.json)" = checkout &&
	test "$(jq -r ".alerts[0].annotations.errors" a.json)" = 42 &&
	test "$(jq -r "[.alerts[0].links[].href] | join(\" \")" a.json)" = "https://grafana/d/1 https://zabbix/"
'

test_expect_success 'a trigger after the resolve opens a second incident' '
	pd trigger chk-1 | INCIDENT_NOW=2026-11-24T11:00:00Z incident ingest >out &&
	grep "^opened " out &&
	incident list -q --all >ids && test_line_count = 2 ids &&
	incident show --json --dedup-key chk-1 >s.json &&
	test "$(jq -r .incident.status s.json)" = open &&
	pd trigger chk-1 | INCIDENT_NOW=2026-11-24T11:01:00Z incident ingest >out &&
	grep "^repeated " out &&
	incident list -q --all >ids && test_line_count = 2 ids
'

test_expect_success 'without a dedup_key one is made and returned' '
	printf "{\"event_action\":\"trigger\",\"payload\":{\"summary\":\"x\",\"source\":\"s\",\"severity\":\"info\"}}" |
		incident ingest --json >out.json &&
	key=$(jq -r .dedup_key out.json) &&
	test ${#key} = 32 &&
	test "$(jq -r ".results[0].key" out.json)" = "$key" &&
	incident show --dedup-key "$key" --json | jq -r .incident.severity_name >sev &&
	echo SEV4 >want && test_cmp want sev
'

test_expect_success 'a 255-byte key is kept as it is; a longer one is hashed' '
	k255=$(printf "k%.0s" $(seq 255)) && k300=$(printf "l%.0s" $(seq 300)) &&
	pd trigger "$k255" | incident ingest --json >a.json &&
	test "$(jq -r .dedup_key a.json)" = "$k255" &&
	pd trigger "$k300" | incident ingest --json >b.json &&
	hash=$(printf %s "$k300" | sha256sum | cut -c1-64) &&
	test "$(jq -r .dedup_key b.json)" = "sha256:$hash" &&
	incident show --json --dedup-key "$k300" | jq -r ".incident.dedup_keys[0]" >got &&
	echo "sha256:$hash" >want && test_cmp want got &&
	pd resolve "$k300" | incident ingest >out &&
	grep "resolved (all its alerts resolved)" out
'

test_expect_success 'ingest.on-resolve = mitigate mitigates, without acknowledging' '
	mkdir mit && printf "[ingest]\n\ton-resolve = mitigate\n" >mit/config &&
	export INCIDENT_DIR=$PWD/mit &&
	pd trigger m-1 | INCIDENT_NOW=2026-11-24T10:00:00Z incident ingest >/dev/null &&
	pd resolve m-1 | INCIDENT_NOW=2026-11-24T10:10:00Z incident ingest --json >out.json &&
	test "$(jq -r ".results[0].settled" out.json)" = mitigated &&
	incident show --json --dedup-key m-1 >s.json &&
	test "$(jq -r .incident.status s.json)" = mitigated &&
	test "$(jq .incident.acknowledged_at s.json)" = null &&
	incident stats --json >st.json &&
	test "$(jq .total.metrics.tta.n st.json)" = 0 &&
	test "$(jq .total.metrics.tta.missing st.json)" = 1
'

test_expect_success 'an incident opened by hand with the key: the sender resolving it resolves it' '
	mkdir hand && export INCIDENT_DIR=$PWD/hand &&
	incident open -q --dedup-key glue-1 "opened by the old glue" >id &&
	pd acknowledge glue-1 | incident ingest >out &&
	grep "^acknowledged " out &&
	pd resolve glue-1 | incident ingest >out &&
	grep "(it keeps no alerts: its key resolved); .* resolved (its sender resolved its key)$" out &&
	test "$(incident show --json "$(cat id)" | jq -r .incident.status)" = resolved
'

test_expect_success 'acknowledging or resolving an unknown key is ignored, said' '
	pd acknowledge nosuch | incident ingest >out &&
	grep "^ignored - nosuch (no active incident has this key)$" out &&
	pd resolve nosuch | incident ingest >out &&
	grep "^ignored - nosuch (no incident has this key)$" out
'

test_expect_success 'a change event is answered (recorded by the change-events part)' '
	printf "{\"routing_key\":\"r\",\"payload\":{\"summary\":\"deploy v42\",\"source\":\"shop\"}}" |
		incident ingest --json >out.json &&
	test "$(jq -r .source out.json)" = pagerduty-change &&
	test "$(jq -r ".results[0].action" out.json)" = changed
'

test_expect_success 'ingest.on-resolve = note only notes; one mitigated already is only noted' '
	mkdir note && printf "[ingest]\n\ton-resolve = note\n" >note/config &&
	export INCIDENT_DIR=$PWD/note &&
	pd trigger n-1 | incident ingest >/dev/null &&
	pd resolve n-1 | incident ingest --json >out.json &&
	test "$(jq -r ".results[0].settled" out.json)" = noted &&
	incident show --json --dedup-key n-1 >s.json &&
	test "$(jq -r .incident.status s.json)" = open &&
	test "$(jq .incident.note_count s.json)" = 1 &&
	printf "[ingest]\n\ton-resolve = mitigate\n" >note/config &&
	pd trigger n-2 | incident ingest >/dev/null &&
	incident mitigate -q "$(incident show --json --dedup-key n-2 | jq -r .incident.id)" >/dev/null &&
	pd resolve n-2 | incident ingest --json >out.json &&
	test "$(jq -r ".results[0].settled" out.json)" = noted &&
	printf "[ingest]\n\ton-resolve = sometimes\n" >note/config &&
	pd trigger n-3 | incident ingest >/dev/null &&
	pd resolve n-3 | test_expect_code 1 incident ingest 2>err &&
	grep "config ingest.on-resolve = .sometimes.: not resolve, mitigate or note" err &&
	incident alerts --dedup-key n-3 --json | jq -r ".alerts[0].state" >state &&
	echo firing >want && test_cmp want state
'

test_done
