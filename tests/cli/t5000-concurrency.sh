#!/bin/bash
# Many writers at once: every write lands, nothing is lost or doubled.
. "$(dirname "$0")/test-lib.sh"

test_expect_success '50 opens at once on a fresh machine all succeed' '
	for i in $(seq 50); do
		(incident open -q "storm $i" >"out.$i" 2>"err.$i"; echo $? >"rc.$i") &
	done &&
	wait &&
	cat rc.* | sort | uniq -c >codes &&
	echo "     50 0" >expect &&
	test_cmp expect codes &&
	cat err.* >errs && test_line_count = 0 errs &&
	cat out.* | sort -u >ids && test_line_count = 50 ids
'

test_expect_success 'exactly 50 incidents and 50 events; integrity ok' '
	db="$INCIDENT_DIR/incident.db" &&
	test "$(sqlite3 "$db" "SELECT count(*) FROM incidents")" = 50 &&
	test "$(sqlite3 "$db" "SELECT count(*) FROM events")" = 50 &&
	test "$(sqlite3 "$db" "SELECT count(DISTINCT lamport) FROM events")" = 50 &&
	test "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok &&
	test "$(sqlite3 "$db" "PRAGMA journal_mode")" = wal &&
	incident list -q | sort >listed &&
	test_cmp ids listed
'

test_expect_success '40 notes at once on one incident all land in order' '
	id=$(head -1 ids) &&
	for i in $(seq 40); do
		(incident note -q "$id" "note $i"; echo $? >"nrc.$i") &
	done &&
	wait &&
	cat nrc.* | sort -u >codes && echo 0 >expect && test_cmp expect codes &&
	incident show --json "$id" >out &&
	test "$(jq .incident.note_count out)" = 40 &&
	test "$(jq .incident.event_count out)" = 41 &&
	incident log --json "$id" >log &&
	jq -r ".events[1:][].payload.text" log | sort -u | wc -l >n &&
	echo 40 >expect && test_cmp expect n
'

test_expect_success 'the hash chain links every event in arrival order' '
	sqlite3 "$INCIDENT_DIR/incident.db" "SELECT id, chain FROM events ORDER BY seq" >rows &&
	prev= &&
	while IFS="|" read -r eid chain; do
		want=$(printf "%s%s" "$prev" "$eid" | sha256sum | cut -d" " -f1) &&
		test "$want" = "$chain" || exit 1
		prev=$chain
	done <rows &&
	test_line_count = 90 rows
'

test_done
