#!/bin/bash
# incident ingest refuses a payload whole (issue 11): truncated JSON,
# members of the wrong type, a 100 MB payload (refused once 4 MiB were
# read, never read whole), 10,000 levels of nesting: exit 2, one line on
# standard error, nothing written.
. "$(dirname "$0")/test-lib.sh"

good='{"version":"4","groupKey":"g","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"A"},"annotations":{},"startsAt":"2026-11-24T10:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"f1"}]}'

# refused FILE PATTERN: exit 2, one line matching PATTERN, nothing written
refused() {
	store_snapshot >before &&
	test_expect_code 2 incident ingest <"$1" >out 2>err &&
	test ! -s out &&
	test_line_count = 1 err &&
	grep -- "$2" err &&
	store_snapshot >after &&
	test_cmp before after
}

test_expect_success 'a refused payload, or a dry run, makes no store where there is none' '
	echo "{\"x\":1}" >x.json &&
	test_expect_code 2 incident --dir none ingest <x.json 2>err &&
	test_line_count = 1 err &&
	test ! -e none &&
	echo "$good" | sed "s/\"labels\":{\"alertname\":\"A\"}/\"labels\":{\"alertname\":7}/" >t0.json &&
	test_expect_code 2 incident --dir none ingest <t0.json &&
	test ! -e none &&
	echo "$good" | incident --dir none ingest --dry-run >out &&
	grep "^(dry run) opened [0-9a-z]* f1$" out &&
	test ! -e none &&
	echo "$good" | incident --dir none ingest >out &&
	grep "^opened [0-9a-z]* f1$" out &&
	test "$(incident --dir none list -q | wc -l)" = 1 &&
	test "$(stat -c %a none/incident.db)" = 600
'

test_expect_success 'a config written before the first payload is read for it' '
	mkdir pre && printf "[ingest \"alertmanager\"]\n\tkey = fingerprint\n" >pre/config &&
	echo "$good" | sed "s/\"alerts\":\[\(.*\)\]/\"alerts\":[\1,\1]/; s/\"f1\"}\]/\"f2\"}]/" >two.json &&
	incident --dir pre ingest --dry-run <two.json >out &&
	grep "^(dry run) opened [0-9a-z]* f1$" out &&
	grep "^(dry run) opened [0-9a-z]* f2$" out &&
	test ! -e pre/incident.db &&
	incident --dir pre ingest <two.json >out &&
	test "$(incident --dir pre list -q | wc -l)" = 2
'

test_expect_success 'setup: a store with one incident' '
	echo "$good" >good.json &&
	incident ingest <good.json >/dev/null &&
	incident list -q >ids && test_line_count = 1 ids
'

test_expect_success 'truncated JSON' '
	head -c 60 good.json >cut.json &&
	refused cut.json "^incident: ingest: the payload is not JSON (at byte"
'

test_expect_success 'wrong types, each refused whole' '
	echo "$good" | sed "s/\"labels\":{\"alertname\":\"A\"}/\"labels\":{\"alertname\":7}/" >t1.json &&
	refused t1.json "alertmanager: alerts\[0\].labels: a value that is not a string" &&
	echo "$good" | sed "s/\"status\":\"firing\",\"labels\"/\"status\":\"burning\",\"labels\"/" >t2.json &&
	refused t2.json "status is not firing or resolved" &&
	echo "$good" | sed "s/\"alerts\":\[.*\]/\"alerts\":{}/" >t3.json &&
	refused t3.json "alerts: not an array" &&
	echo "$good" | sed "s/2026-11-24T10:00:00Z/yesterday/" >t4.json &&
	refused t4.json "startsAt or endsAt is not a time" &&
	echo "$good" | sed "s/\"version\":\"4\"/\"version\":\"3\"/" >t5.json &&
	refused t5.json "version: not 4" &&
	echo "{\"event_action\":\"trigger\",\"payload\":{\"summary\":5,\"source\":\"s\",\"severity\":\"info\"}}" >t6.json &&
	refused t6.json "pagerduty: payload.summary: not a string" &&
	echo "{\"event_action\":\"explode\",\"dedup_key\":\"k\"}" >t7.json &&
	refused t7.json "event_action: not trigger, acknowledge or resolve" &&
	echo "{\"event_action\":\"resolve\"}" >t8.json &&
	refused t8.json "dedup_key: needed" &&
	echo "[1,2]" >t9.json &&
	refused t9.json "not a JSON object" &&
	echo "{\"hello\":1}" >t10.json &&
	refused t10.json "neither an Alertmanager webhook nor a PagerDuty event" &&
	{ echo "$good"; echo "{}"; } >t11.json &&
	refused t11.json "more after its JSON value" &&
	printf "{\"event_action\":\"trigger\",\"dedup_key\":\"\\377\"}" >t12.json &&
	refused t12.json "not valid UTF-8" &&
	: >t13.json &&
	refused t13.json "the payload is empty"
'

test_expect_success 'a NUL in a string (\u0000, or a byte) is refused, not cut' '
	echo "$good" | sed "s/\"alertname\":\"A\"/\"alertname\":\"A\\\\u0000B\"/" >n1.json &&
	grep -F "A\\u0000B" n1.json &&
	refused n1.json "the payload has a NUL character" &&
	echo "$good" | sed "s/\"f1\"/\"f\\\\u0000\"/" >n2.json &&
	refused n2.json "the payload has a NUL character" &&
	{ printf "%s" "${good%?}" && printf "\000}"; } >n3.json &&
	refused n3.json "^incident: ingest: " &&
	echo "$good" | sed "s/\"A\"/\"A\\\\\\\\u0000\"/" >n4.json &&
	grep -F "A\\\\u0000" n4.json &&
	incident ingest --dry-run <n4.json >out
'

test_expect_success 'a 100 MB payload is refused fast, without reading it all' '
	store_snapshot >before &&
	start=$(date +%s%N) &&
	{ printf "{\"alerts\":[\""; head -c 100000000 /dev/zero | tr "\\0" a; } |
		test_expect_code 2 incident ingest >out 2>err &&
	end=$(date +%s%N) &&
	test_line_count = 1 err &&
	grep "the payload is too big (more than 4194304 bytes)" err &&
	store_snapshot >after && test_cmp before after &&
	elapsed=$(( (end - start) / 1000000 )) &&
	echo "refused in ${elapsed} ms" &&
	test $elapsed -lt $((5000 + TEST_SLACK_MS))
'

test_expect_success '10,000 levels of nesting are refused' '
	{ printf "{\"a\":%.0s" $(seq 10000); printf 1; printf "}%.0s" $(seq 10000); } >deep.json &&
	refused deep.json "nests deeper than 64 levels" &&
	{ printf "[%.0s" $(seq 10000); } >deep2.json &&
	refused deep2.json "nests deeper than 64 levels"
'

test_expect_success 'more than 1000 alerts in one payload are refused' '
	{ printf "{\"version\":\"4\",\"alerts\":["; printf "{\"status\":\"firing\",\"labels\":{\"a\":\"b\"}},%.0s" $(seq 1000); printf "{\"status\":\"firing\",\"labels\":{\"a\":\"b\"}}]}"; } >many.json &&
	refused many.json "alerts: more than 1000 in one payload"
'

test_expect_success 'a store locked by another writer: exit 5, nothing written' '
	store_snapshot >before &&
	mkfifo hold &&
	{ echo "BEGIN IMMEDIATE;"; echo "INSERT INTO meta VALUES(\"lock\", \"x\");"; cat hold; echo "ROLLBACK;"; } |
		sqlite3 "$INCIDENT_DIR/incident.db" &
	test_when_finished "exec 3<>hold && echo >&3" &&
	sleep 0.5 &&
	INCIDENT_BUSY_TIMEOUT=300 test_expect_code 5 incident ingest <good.json 2>err &&
	test_line_count = 1 err &&
	grep "busy" err &&
	echo >hold && wait &&
	store_snapshot >after && test_cmp before after
'

test_expect_success 'an unknown --format is a usage error' '
	test_expect_code 2 incident ingest --format nagios <good.json 2>err &&
	grep "format" err
'

test_done
