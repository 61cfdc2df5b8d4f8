#!/bin/bash
# Events of no incident (an override of rota db, scope rota:db): their own
# place in the audit tree, the same hash, order and sync rules as the
# incidents' events, and never an incident of their own.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-forge.sh"

OVR='--from 2026-11-03T07:00:00Z --until 2026-11-03T10:00:00Z'

test_expect_success 'setup: two stores, one remote, rota db in the user config' '
	mkdir -p "$XDG_CONFIG_HOME/incident" &&
	cat >"$XDG_CONFIG_HOME/incident/config" <<-\EOC &&
	[rota "db"]
		member = alice
		member = bob
		start = 2026-11-02
		handoff = 09:00
		every = 1d
		timezone = Europe/Berlin
	EOC
	git init -q --bare remote.git &&
	incident --dir A init --git --remote "$PWD/remote.git" >/dev/null &&
	incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	incident --dir A open -q "API 5xx" >inc
'

test_expect_success 'an override is mirrored under scopes/rota/db/events, not incidents/' '
	incident --dir A oncall override db carol $OVR --reason swap >id &&
	git -C A/audit.git ls-tree -r --name-only incidents >tree &&
	grep "^scopes/rota/db/events/0000000002-[0-9a-z]\{16\}-$(cat id)[0-9a-f]\{56\}\.json$" tree &&
	test "$(grep -c "^incidents/" tree)" = 1 &&
	! grep "^incidents/.*/rota" tree &&
	git -C A/audit.git log -1 --format=%B incidents >msg &&
	head -1 msg | grep "^override_added rota:db: carol, from 2026-11-03T07:00:00Z" &&
	grep "^Scope: rota:db$" msg && grep "^Event: $(cat id)" msg &&
	! grep "^Incident:" msg
'

test_expect_success 'it is no incident: list, export and verify say so' '
	test "$(incident --dir A list -q --all | wc -l)" = 1 &&
	incident --dir A export >x.json &&
	test "$(jq ".incidents | length" x.json)" = 1 &&
	test "$(jq -r "[.events[].incident | select(startswith(\"rota:\"))] | length" x.json)" = 1 &&
	incident --dir A verify >out &&
	grep "^verified 2 events: the database and the audit history agree$" out
'

test_expect_success 'it syncs to a second store and shows there in oncall' '
	incident --dir A sync -q && incident --dir B sync -q &&
	incident --dir B oncall db --at 2026-11-03T08:30:00Z --json >oc.json &&
	test "$(jq -r ".oncall[0].who" oc.json)" = carol &&
	test "$(jq ".oncall[0].overridden" oc.json)" = true &&
	incident --dir B oncall overrides db >out &&
	grep "^$(cat id)  .*  carol: swap$" out &&
	incident --dir B verify >/dev/null
'

test_expect_success 'a removal written on B reaches A' '
	incident --dir B oncall remove db "$(cat id)" >/dev/null &&
	incident --dir B sync -q && incident --dir A sync -q &&
	incident --dir A oncall db --at 2026-11-03T08:30:00Z --json >oc.json &&
	test "$(jq -r ".oncall[0].who" oc.json)" = bob &&
	test "$(jq ".oncall[0].overridden" oc.json)" = false &&
	incident --dir A verify >/dev/null
'

test_expect_success 'the Lamport clock is shared: a scope event orders with the rest' '
	incident --dir A note -q "$(cat inc)" after the override >/dev/null &&
	test "$(sqlite3 A/incident.db "SELECT group_concat(kind || \":\" || lamport, \" \") FROM (SELECT kind, lamport FROM events ORDER BY lamport)")" = \
		"opened:1 override_added:2 override_removed:3 noted:4"
'

test_expect_success 'rebuild keeps the overrides; verify agrees' '
	incident --dir B oncall override -q db dave $OVR &&
	incident --dir B rebuild >/dev/null 2>&1 &&
	incident --dir B oncall db --at 2026-11-03T08:30:00Z --json >oc.json &&
	test "$(jq -r ".oncall[0].who" oc.json)" = dave &&
	test "$(incident --dir B list -q --all | wc -l)" = 1 &&
	incident --dir B verify >out &&
	grep "^verified 4 events" out
'

test_expect_success 'verify sees a scope event changed in the database' '
	cp B/incident.db saved.db &&
	test_when_finished "cp saved.db B/incident.db" &&
	sqlite3 B/incident.db "DROP TRIGGER events_no_update; UPDATE events SET payload = json_set(payload, \"$.who\", \"mallory\") WHERE kind = \"override_added\" AND payload LIKE \"%dave%\"" &&
	test_expect_code 1 incident --dir B verify >out &&
	grep "(incident rota:db): its content in the database does not hash to its id" out
'

test_expect_success 'sync refuses a forged scope event with a bad name' '
	incident --dir A sync -q &&
	path=$(printf "{\"incident\": \"rota:bad name\", \"kind\": \"override_added\", \"lamport\": 9, \"payload\": {\"who\": \"eve\", \"from\": \"2026-11-03T07:00:00Z\", \"until\": \"2026-11-03T10:00:00Z\"}}" |
		forge_event remote.git) &&
	test "$path" != "${path#scopes/rota/bad name/events/}" &&
	test_expect_code 1 incident --dir B sync 2>err &&
	grep -F "$path" err && grep "incident: missing, or not a valid value" err &&
	test "$(sqlite3 B/incident.db "SELECT count(*) FROM events WHERE incident LIKE \"%bad%\"")" = 0
'

test_expect_success 'sync refuses an incident kind on a scope, and a scope kind on an incident' '
	rm -rf remote.git && git init -q --bare remote.git &&
	rm -rf B && incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	full=$(incident --dir A show --json "$(cat inc)" | jq -r .incident.id) &&
	printf "{\"incident\": \"rota:db\", \"kind\": \"noted\", \"lamport\": 9, \"payload\": {\"text\": \"x\"}}" |
		forge_event remote.git >/dev/null &&
	test_expect_code 1 incident --dir B sync 2>err &&
	grep "noted: an event of an incident, not of a scope" err &&
	rm -rf remote.git && git init -q --bare remote.git &&
	printf "{\"incident\": \"%s\", \"kind\": \"override_added\", \"lamport\": 9, \"payload\": {\"who\": \"eve\", \"from\": \"2026-11-03T07:00:00Z\", \"until\": \"2026-11-03T10:00:00Z\"}}" "$full" |
		forge_event remote.git >/dev/null &&
	test_expect_code 1 incident --dir B sync 2>err &&
	grep "override_added: an event of a rota, not of an incident" err
'

test_expect_success 'a scope kind of a newer version is kept, counted as newer, and checked' '
	rm -rf remote.git B && git init -q --bare remote.git &&
	incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	path=$(printf "{\"incident\": \"beacon:backup\", \"kind\": \"beacon\", \"lamport\": 9, \"payload\": {\"every\": \"1h\"}}" |
		forge_event remote.git) &&
	test "$path" != "${path#scopes/beacon/backup/events/}" &&
	incident --dir B sync --json >out 2>/dev/null &&
	test "$(jq .newer out)" = 1 && test "$(jq .imported out)" = 1 &&
	test "$(sqlite3 B/incident.db "SELECT count(*) FROM events WHERE incident = \"beacon:backup\"")" = 1 &&
	test "$(incident --dir B list -q --all | wc -l)" = 0 &&
	# its file and its event agree; the forged commit is no replica commit
	test_expect_code 1 incident --dir B verify >out &&
	! grep "not in the database" out && ! grep "hash" out &&
	grep "^2 problems in 1 events$" out
'

test_expect_success 'a known kind on a scope kind of a newer version: kept as newer, sync goes on' '
	rm -rf remote.git B && git init -q --bare remote.git &&
	incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	path=$(printf "{\"incident\": \"silence:w1\", \"kind\": \"noted\", \"lamport\": 9, \"payload\": {\"text\": \"window opens\"}}" |
		forge_event remote.git) &&
	test "$path" != "${path#scopes/silence/w1/events/}" &&
	incident --dir B sync --json >out 2>err &&
	test "$(jq .newer out)" = 1 && test "$(jq .imported out)" = 1 &&
	! grep "not of a scope" err &&
	test "$(sqlite3 B/incident.db "SELECT count(*) FROM events WHERE incident = \"silence:w1\"")" = 1 &&
	test "$(incident --dir B list -q --all | wc -l)" = 0
'

test_expect_success 'the longest scope id (a kind of 16, a name of 64) syncs as any other' '
	rm -rf remote.git B && git init -q --bare remote.git &&
	incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	long=abcdefghijklmnop:$(printf "%064d" 0 | tr 0 n) &&
	printf "{\"incident\": \"%s\", \"kind\": \"beat\", \"lamport\": 9, \"payload\": {}}" "$long" |
		forge_event remote.git >/dev/null &&
	incident --dir B sync --json >out 2>err &&
	test "$(jq .newer out)" = 1 &&
	test "$(sqlite3 B/incident.db "SELECT incident FROM events")" = "$long"
'

test_expect_success 'verify names the Scope trailer of a scope commit that lost it' '
	incident --dir A oncall override -q db erin $OVR &&
	tip=$(git -C A/audit.git rev-parse incidents) &&
	git -C A/audit.git log -1 --format=%B incidents | sed "s/^Scope: rota:db$/Scope: rota:web/" >msg &&
	new=$(git -C A/audit.git -c user.name=x -c user.email=x@example.com commit-tree -p "$tip^" -F "$PWD/msg" "$tip^{tree}") &&
	git -C A/audit.git update-ref refs/heads/incidents "$new" &&
	test_expect_code 1 incident --dir A verify >out &&
	grep "its Scope and Event trailers do not name the event it adds" out
'

test_done
