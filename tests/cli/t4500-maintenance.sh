#!/bin/bash
# incident maintenance: windows as events of the scope maintenance:<id>;
# the window covering a service (list --service, what ingest asks) holds
# only its services and its time; removal ends it; windows and what they
# suppressed sync, and list --maintenance shows the latter, made safe.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-forge.sh"

export INCIDENT_NOW=2026-11-03T08:00:00Z
WIN='--from 2026-11-03T07:00:00Z --until 2026-11-03T10:00:00Z'

# the short id of the window covering service $1 at $2, or "none"
covering() {
	incident maintenance list --service "$1" --at "$2" --json >cov.json &&
	jq -r '.windows[0].short_id // "none"' cov.json
}

test_expect_success 'setup: a store with a remote' '
	git init -q --bare remote.git &&
	incident init --git --remote "$PWD/remote.git" >/dev/null
'

test_expect_success 'add prints the short id of a window that list shows active' '
	incident maintenance add --service api --service db $WIN --reason "pg upgrade" >id &&
	grep -x "[0-9a-z]\{8\}" id &&
	incident maintenance list >out &&
	grep "^$(cat id)  active   2026-11-03 07:00  2026-11-03 10:00  api,db: pg upgrade$" out &&
	incident maintenance list --json >l.json &&
	test "$(jq -r ".windows[0].services | join(\",\")" l.json)" = api,db &&
	test "$(jq -r ".windows[0].state" l.json)" = active &&
	test "$(jq -r ".windows[0].id" l.json | cut -c1-8)" = "$(cat id)" &&
	test "$(jq ".windows[0].suppressed" l.json)" = 0
'

test_expect_success 'a window covers its services, in its time only, compared exactly' '
	id=$(cat id) &&
	test "$(covering api 2026-11-03T07:00:00Z)" = "$id" &&
	test "$(covering db 2026-11-03T09:59:59Z)" = "$id" &&
	test "$(covering api 2026-11-03T10:00:00Z)" = none &&
	test "$(covering api 2026-11-03T06:59:59Z)" = none &&
	test "$(covering web 2026-11-03T08:00:00Z)" = none &&
	test "$(covering API 2026-11-03T08:00:00Z)" = none &&
	test "$(covering ap 2026-11-03T08:00:00Z)" = none
'

test_expect_success 'a future window is listed; an ended one only with --all' '
	incident maintenance add -q --service web --from 2026-11-04T07:00:00Z --until 2026-11-04T08:00:00Z &&
	incident maintenance add --json --service old --from 2026-11-01T07:00:00Z --until 2026-11-01T08:00:00Z >old.json &&
	incident maintenance list --json >l.json &&
	test "$(jq -r "[.windows[].state] | join(\" \")" l.json)" = "active future" &&
	incident maintenance list --all --json >l.json &&
	test "$(jq -r "[.windows[].state] | join(\" \")" l.json)" = "ended active future" &&
	test_expect_code 4 incident maintenance remove "$(jq -r .short_id old.json)" 2>err &&
	grep "ended already" err
'

test_expect_success 'remove ends the window now; a second remove is refused' '
	INCIDENT_NOW=2026-11-03T08:30:00Z incident maintenance remove "$(cut -c1-5 id)" --reason "done early" >out &&
	test "$(cat out)" = "removed $(cat id)" &&
	test "$(covering api 2026-11-03T08:29:59Z)" = "$(cat id)" &&
	test "$(covering api 2026-11-03T08:30:00Z)" = none &&
	incident maintenance list --all --json >l.json &&
	test "$(jq -r ".windows[1].state" l.json)" = removed &&
	test "$(jq -r ".windows[1].ends_at" l.json)" = 2026-11-03T08:30:00Z &&
	test "$(jq -r ".windows[1].removed_reason" l.json)" = "done early" &&
	test_expect_code 4 incident maintenance remove "$(cat id)" 2>err &&
	grep "removed already" err
'

test_expect_success 'bad input is refused and writes nothing' '
	store_snapshot >before &&
	test_expect_code 2 incident maintenance add --service api --from 2026-11-03T10:00:00Z --until 2026-11-03T09:00:00Z 2>err &&
	grep "until must be after --from" err &&
	test_expect_code 2 incident maintenance add --service api --from 2026-11-03T10:00:00Z --until 2026-11-03T10:00:00Z &&
	test_expect_code 2 incident maintenance add $WIN 2>err &&
	grep -- "--service" err &&
	test_expect_code 2 incident maintenance add --service "a b" $WIN 2>err &&
	grep "service .a b.: not a service name" err &&
	test_expect_code 2 incident maintenance add --service a,b $WIN &&
	test_expect_code 2 incident maintenance add --service "$(printf "x\377")" $WIN &&
	test_expect_code 2 incident maintenance add --service api $WIN --reason "$(printf "bad \377 utf8")" &&
	test_expect_code 3 incident maintenance remove zzzzzzzz 2>err &&
	grep "no such maintenance window" err &&
	test_expect_code 2 incident maintenance remove ab 2>err &&
	grep "not a window id" err &&
	test_expect_code 2 incident maintenance remove &&
	test_expect_code 2 incident maintenance list --at 2026-11-03T07:00:00Z 2>err &&
	grep -- "--at needs --service" err &&
	store_snapshot >after &&
	test_cmp before after
'

test_expect_success 'windows are mirrored under scopes/maintenance and sync to another store' '
	git -C "$INCIDENT_DIR/audit.git" ls-tree -r --name-only incidents >tree &&
	test "$(grep -c "^scopes/maintenance/[0-9a-z]\{16\}/events/" tree)" = 4 &&
	! grep "^incidents/" tree &&
	incident sync -q &&
	incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	incident --dir B sync -q &&
	incident --dir B maintenance list --all --json >b.json &&
	incident maintenance list --all --json >a.json &&
	jq "[.windows[] | del(.recorded_at)]" a.json >a.w &&
	jq "[.windows[] | del(.recorded_at)]" b.json >b.w &&
	test_cmp a.w b.w &&
	test "$(incident --dir B list -q --all | wc -l)" = 0
'

test_expect_success 'a removal written on B reaches A' '
	web=$(incident --dir B maintenance list --json | jq -r ".windows[0].short_id") &&
	test "$(covering web 2026-11-04T07:30:00Z)" = "$web" &&
	incident --dir B maintenance remove -q "$web" &&
	incident --dir B sync -q && incident sync -q &&
	test "$(covering web 2026-11-04T07:30:00Z)" = none &&
	incident verify >/dev/null
'

test_expect_success 'list --maintenance shows what a window suppressed, made safe' '
	incident list --maintenance >out &&
	! test -s out &&
	full=$(jq -r --arg s "$(cat id)" ".windows[] | select(.short_id == \$s) | .id" l.json) &&
	printf "{\"incident\": \"maintenance:%s\", \"kind\": \"alert_suppressed\", \"lamport\": 40, \"at\": \"2026-11-03T07:58:00Z\", \"actor\": \"alertmanager\", \"payload\": {\"key\": \"fp1\", \"title\": \"High\\u001b[31mLatency\", \"service\": \"api\", \"labels\": {\"alertname\": \"HighLatency\"}, \"source\": \"alertmanager\"}}" "$full" |
		forge_event remote.git >path &&
	grep "^scopes/maintenance/$full/events/" path &&
	incident sync -q &&
	incident list --maintenance >out &&
	test "$(cat out)" = "$(cut -c1-8 id)  2026-11-03 07:58  api  fp1  High^[[31mLatency" &&
	incident list --maintenance --json >s.json &&
	test "$(jq -r ".suppressed[0].title" s.json)" = "$(printf "High\033[31mLatency")" &&
	test "$(jq -r ".suppressed[0].window" s.json)" = "$full" &&
	incident maintenance list --all --json >l.json &&
	test "$(jq ".windows[1].suppressed" l.json)" = 1
'

test_expect_success 'two removals of one window (from two stores): the earliest ends it, in list as in covering' '
	w=qqqqqqqqqqqqqqq1 &&
	printf "{\"incident\": \"maintenance:%s\", \"kind\": \"maintenance_added\", \"lamport\": 60, \"at\": \"2026-11-05T06:00:00Z\", \"payload\": {\"services\": [\"twice\"], \"from\": \"2026-11-05T07:00:00Z\", \"until\": \"2026-11-05T10:00:00Z\"}}" "$w" |
		forge_event remote.git >/dev/null &&
	printf "{\"incident\": \"maintenance:%s\", \"kind\": \"maintenance_removed\", \"lamport\": 61, \"replica\": \"aaaaaaaaaaaaaaaa\", \"at\": \"2026-11-05T09:00:00Z\", \"payload\": {\"reason\": \"A\"}}" "$w" |
		forge_event remote.git >/dev/null &&
	printf "{\"incident\": \"maintenance:%s\", \"kind\": \"maintenance_removed\", \"lamport\": 61, \"replica\": \"bbbbbbbbbbbbbbbb\", \"at\": \"2026-11-05T08:00:00Z\", \"payload\": {\"reason\": \"B\"}}" "$w" |
		forge_event remote.git >/dev/null &&
	incident sync -q &&
	test "$(covering twice 2026-11-05T07:59:59Z)" = qqqqqqqq &&
	test "$(covering twice 2026-11-05T08:00:00Z)" = none &&
	incident maintenance list --all --json >l.json &&
	jq -c ".windows[] | select(.id == \"$w\") | [.ends_at, .removed_at, .removed_reason, .state]" l.json >actual &&
	echo "[\"2026-11-05T08:00:00Z\",\"2026-11-05T08:00:00Z\",\"B\",\"removed\"]" >expect &&
	test_cmp expect actual
'

test_expect_success 'a second maintenance_added on a window (forged) changes nothing it covers' '
	w=pppppppppppppppp &&
	printf "{\"incident\": \"maintenance:%s\", \"kind\": \"maintenance_added\", \"lamport\": 70, \"at\": \"2026-11-05T06:00:00Z\", \"payload\": {\"services\": [\"first\"], \"from\": \"2026-11-06T07:00:00Z\", \"until\": \"2026-11-06T10:00:00Z\"}}" "$w" |
		forge_event remote.git >/dev/null &&
	printf "{\"incident\": \"maintenance:zzzzzzzzzzzzzzz3\", \"kind\": \"maintenance_added\", \"lamport\": 71, \"at\": \"2026-11-05T06:00:00Z\", \"payload\": {\"services\": [\"other\"], \"from\": \"2026-11-06T07:00:00Z\", \"until\": \"2026-11-06T10:00:00Z\"}}" |
		forge_event remote.git >/dev/null &&
	printf "{\"incident\": \"maintenance:%s\", \"kind\": \"maintenance_added\", \"lamport\": 72, \"at\": \"2026-11-05T06:00:00Z\", \"payload\": {\"services\": [\"second\", \"first\"], \"from\": \"2026-11-06T07:00:00Z\", \"until\": \"2026-11-06T12:00:00Z\"}}" "$w" |
		forge_event remote.git >/dev/null &&
	incident sync -q &&
	test "$(covering first 2026-11-06T08:00:00Z)" = pppppppp &&
	test "$(covering first 2026-11-06T11:00:00Z)" = none &&
	test "$(covering second 2026-11-06T08:00:00Z)" = none
'

test_expect_success 'sync refuses a window that ends before it begins, or covers nothing' '
	printf "{\"incident\": \"maintenance:zzzzzzzzzzzzzzzz\", \"kind\": \"maintenance_added\", \"lamport\": 50, \"payload\": {\"services\": [\"api\"], \"from\": \"2026-11-03T10:00:00Z\", \"until\": \"2026-11-03T09:00:00Z\"}}" |
		forge_event remote.git >/dev/null &&
	test_expect_code 1 incident --dir B sync 2>err &&
	grep "until. is not after .from" err &&
	git -C remote.git update-ref refs/heads/incidents refs/heads/incidents^ &&
	printf "{\"incident\": \"maintenance:zzzzzzzzzzzzzzzz\", \"kind\": \"maintenance_added\", \"lamport\": 50, \"payload\": {\"services\": [], \"from\": \"2026-11-03T08:00:00Z\", \"until\": \"2026-11-03T09:00:00Z\"}}" |
		forge_event remote.git >/dev/null &&
	test_expect_code 1 incident --dir B sync 2>err &&
	grep "services. is empty" err
'

test_expect_success 'list --maintenance refuses the incident filters it cannot apply' '
	incident list --maintenance --json >s.json &&
	test "$(jq ".suppressed | length" s.json)" = 1 &&
	test_expect_code 2 incident list --maintenance --service db 2>err &&
	grep -- "--maintenance takes no filter" err &&
	test_expect_code 2 incident list --maintenance -q &&
	test_expect_code 2 incident list --maintenance --status open &&
	test_expect_code 2 incident list --maintenance --all &&
	test_expect_code 2 incident list --maintenance -n 1
'

test_expect_success 'rebuild keeps the windows' '
	incident maintenance list --all --json >before.json &&
	incident rebuild >/dev/null 2>&1 &&
	incident maintenance list --all --json >after.json &&
	test_cmp before.json after.json
'

test_done
