#!/bin/bash
# Idempotent automation: an alert storm with one dedup key opens one
# incident and attaches the rest; merge moves alerts and keys.
. "$(dirname "$0")/test-lib.sh"

# the storm: 100 opens at once; under valgrind, where each process is
# ~30x slower and what is checked is memory, not scale, 20
N=100
test -z "${INCIDENT_VALGRIND:-}" || N=20

test_expect_success "$N opens with one dedup key at once: one incident, $N alerts" '
	for i in $(seq $N); do
		(incident open -q --dedup-key db-3-disk --source alertmanager \
			"Disk full on db-3" >"out.$i" 2>"err.$i"; echo $? >"rc.$i") &
	done &&
	wait &&
	cat rc.* | sort | uniq -c >codes &&
	printf "%7d 0\n" $N >expect && test_cmp expect codes &&
	cat err.* >errs && test_line_count = 0 errs &&
	cat out.* | sort -u >ids && test_line_count = 1 ids &&
	incident list --json >list.json &&
	test "$(jq ".incidents | length" list.json)" = 1 &&
	test "$(jq ".incidents[0].alert_count" list.json)" = $N &&
	test "$(jq -c ".incidents[0].dedup_keys" list.json)" = "[\"db-3-disk\"]" &&
	test "$(sqlite3 "$INCIDENT_DIR/incident.db" "SELECT count(*) FROM events")" = $N
'

test_expect_success 'a deduplicated open says so' '
	incident open --json --dedup-key db-3-disk "Disk full again" >out &&
	test "$(jq .deduplicated out)" = true &&
	test "$(jq -r .incident.id out)" = "$(cat ids)" &&
	test "$(jq .incident.alert_count out)" = $((N + 1)) &&
	test "$(jq -r .incident.title out)" = "Disk full on db-3" &&
	incident open --dedup-key db-3-disk "Disk full again" >out &&
	grep -E "^attached an alert to [0-9a-z]{5,} \($((N + 2)) alerts\): Disk full on db-3$" out &&
	incident open -q --dedup-key db-3-disk x >out && test_cmp ids out
'

test_expect_success 'the attached alerts are on the timeline' '
	incident log --json "$(cat ids)" >log &&
	test "$(jq "[.events[] | select(.kind == \"alert_attached\")] | length" log)" = $((N + 2)) &&
	test "$(jq -r "[.events[] | select(.kind == \"alert_attached\")][0].payload.source" log)" = alertmanager
'

test_expect_success 'a new key opens a new incident' '
	incident open --json --dedup-key other-key "Other" >out &&
	test "$(jq .deduplicated out)" = false &&
	test "$(jq .incident.alert_count out)" = 1
'

test_expect_success 'while mitigated the key still attaches; after resolve it opens anew' '
	incident mitigate -q "$(cat ids)" >/dev/null &&
	incident open -q --dedup-key db-3-disk "again" >out && test_cmp ids out &&
	incident resolve -q "$(cat ids)" >/dev/null &&
	incident open -q --dedup-key db-3-disk "Disk full on db-3, later" >new &&
	! test_cmp ids new &&
	incident show --json "$(cat new)" >out &&
	test "$(jq .incident.alert_count out)" = 1
'

test_expect_success 'merge moves alerts and dedup keys to the kept incident' '
	incident open -q --dedup-key dup-a "duplicate" >dup &&
	incident open -q --dedup-key dup-a "duplicate" >/dev/null &&
	incident open -q --dedup-key keep-b "kept" >keep &&
	incident merge "$(cat dup)" "$(cat keep)" >out &&
	grep "^merged into " out &&
	incident show --json "$(cat dup)" >d.json &&
	test "$(jq -r .incident.status d.json)" = merged &&
	test "$(jq -r .incident.merged_into d.json)" = "$(cat keep)" &&
	incident show --json "$(cat keep)" >k.json &&
	test "$(jq .incident.alert_count k.json)" = 3 &&
	test "$(jq -c .incident.dedup_keys k.json)" = "[\"dup-a\",\"keep-b\"]" &&
	test "$(jq -c .incident.merged_from k.json)" = "[\"$(cat dup)\"]" &&
	incident open -q --dedup-key dup-a "after the merge" >out &&
	test_cmp keep out
'

# Like every other change, a merge refuses a time before the incidents
# were opened (exit 2, nothing written).
test_expect_success 'merge refuses a time before the incidents were opened' '
	incident open -q "a later duplicate" >late &&
	incident open -q "kept, later" >kept &&
	store_snapshot >before &&
	test_expect_code 2 incident merge --at 2020-01-01T00:00:00Z \
		"$(cat late)" "$(cat kept)" 2>err &&
	grep ": opened at .*, after that time" err &&
	store_snapshot >after && test_cmp before after
'

test_expect_success 'dedup keys are validated; --dry-run writes nothing' '
	test_expect_code 2 incident open --dedup-key "" x 2>err &&
	store_snapshot >before &&
	incident open --dry-run --json --dedup-key dup-a x >out &&
	test "$(jq .deduplicated out)" = true &&
	store_snapshot >after && test_cmp before after
'

test_done
