#!/bin/bash
# rebuild recreates the database from the history alone; verify catches
# tampering on either side.
. "$(dirname "$0")/test-lib.sh"

db="$INCIDENT_DIR/incident.db"
repo="$INCIDENT_DIR/audit.git"
g() { git --git-dir="$repo" "$@"; }

test_expect_success 'setup: a store with history' '
	git config --global user.name "Tester" &&
	git config --global user.email tester@example.com &&
	incident init --git >/dev/null &&
	incident open -q -s 2 --service api --tag customer --at "2h ago" "API 5xx spike" >id &&
	id=$(cat id) &&
	incident triage -q "$id" --impact high --urgency low --commander alice >/dev/null &&
	incident assign -q "$id" scribe bob >/dev/null &&
	incident edit -q "$id" --field region=eu >/dev/null &&
	incident update -q "$id" "customers see errors" >/dev/null &&
	incident mitigate -q "$id" >/dev/null &&
	incident open -q --dedup-key k1 "storm" >id2 &&
	incident open -q --dedup-key k1 "storm" >/dev/null &&
	incident open -q "dup" >id3 &&
	incident merge -q "$(cat id3)" "$(cat id2)" >/dev/null &&
	incident verify >out &&
	grep "^verified 11 events: the database and the audit history agree$" out
'

test_expect_success 'rebuild gives a byte-identical export' '
	incident export >before.json &&
	test "$(jq ".events | length" before.json)" = 11 &&
	test "$(jq ".incidents | length" before.json)" = 3 &&
	incident rebuild >out &&
	grep "^rebuilt $INCIDENT_DIR from 11 events" out &&
	ls "$INCIDENT_DIR"/incident.db.before-rebuild-* >backups &&
	test_line_count = 1 backups &&
	incident export >after.json &&
	cmp before.json after.json &&
	incident verify >out && grep "^verified 11 events" out
'

test_expect_success 'rebuild from a lost database' '
	rm -f "$db" "$db-wal" "$db-shm" &&
	incident rebuild --json >out &&
	test "$(jq .events out)" = 11 &&
	incident export >again.json &&
	cmp before.json again.json &&
	incident note -q "$(cat id)" "life goes on" >/dev/null &&
	test "$(g rev-list --count incidents)" = 12
'

test_expect_success 'verify catches an event edited in the database' '
	cp "$db" good.db &&
	sqlite3 "$db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null &&
	sqlite3 "$db" "DROP TRIGGER events_no_update; UPDATE events SET payload = replace(payload, \"customers see errors\", \"all fine\") WHERE kind = \"updated\";" &&
	test_expect_code 1 incident verify >out &&
	grep "does not hash to its id: changed there" out &&
	grep "its record differs from what its events say" out &&
	grep "^2 problems in 12 events$" out
'

test_expect_success 'verify catches a deleted event (the chain breaks)' '
	cp good.db "$db" && rm -f "$db-wal" "$db-shm" &&
	sqlite3 "$db" "DROP TRIGGER events_no_delete; DELETE FROM events WHERE kind = \"assigned\";" &&
	test_expect_code 1 incident verify >out &&
	grep "the hash chain breaks" out &&
	grep "in the history but not in the database" out &&
	grep "its record differs from what its events say" out
'

test_expect_success 'rebuild repairs the database' '
	incident rebuild >/dev/null &&
	incident verify >out && grep "^verified 12 events" out
'

test_expect_success 'verify catches a history rewritten with the git CLI' '
	f=$(g ls-tree -r --name-only incidents | grep "/$(cat id)/" | head -1) &&
	g cat-file blob "incidents:$f" | sed "s/API 5xx spike/Nothing happened/" >forged.json &&
	blob=$(g hash-object -w forged.json) &&
	GIT_INDEX_FILE=$PWD/forge.index g read-tree incidents &&
	GIT_INDEX_FILE=$PWD/forge.index g update-index --cacheinfo "100644,$blob,$f" &&
	tree=$(GIT_INDEX_FILE=$PWD/forge.index g write-tree) &&
	commit=$(echo rewritten | g commit-tree "$tree" -p incidents~1) &&
	g update-ref refs/heads/incidents "$commit" &&
	test_expect_code 1 incident verify >out &&
	grep "does not hash to its id: rewritten in git" out &&
	grep "the branch no longer contains commit .*, imported earlier" out &&
	grep "the branch no longer contains commit .*, the last this store wrote" out &&
	grep "^history: commit $(git --git-dir="$repo" rev-parse --short=12 incidents) changes 2 files" out &&
	grep "^4 problems in [0-9]* events$" out
'

test_expect_success 'verify catches a commit dropped from the history' '
	incident rebuild >/dev/null 2>&1 || true
	cp good.db "$db" && rm -f "$db-wal" "$db-shm" &&
	g update-ref refs/heads/incidents incidents~2 &&
	test_expect_code 1 incident verify >out &&
	grep "missing from the history" out
'

test_expect_success 'rebuild first mirrors what git has not seen yet' '
	incident rebuild >/dev/null 2>&1 || true
	cp good.db "$db" && rm -f "$db-wal" "$db-shm" &&
	incident rebuild >/dev/null &&
	mv "$repo" aside.git &&
	incident note -q "$(cat id)" "written while the history was away" >/dev/null 2>err &&
	grep "behind by 1 event" err &&
	mv aside.git "$repo" &&
	incident rebuild >out &&
	grep "kept as incident.db.before-rebuild-" out &&
	incident log --json "$(cat id)" >log &&
	jq -r ".events[].payload.text" log | grep "written while the history was away" &&
	incident verify >/dev/null
'

test_expect_success 'init --git on a lost history mirrors every event again' '
	n=$(sqlite3 "$db" "SELECT count(*) FROM events") &&
	rm -rf "$repo" &&
	incident init --git >/dev/null &&
	test "$(g rev-list --count incidents)" = "$n" &&
	incident verify >out && grep "^verified $n events" out
'

test_expect_success 'rebuild remembers the tip it rebuilt from' '
	incident rebuild >/dev/null &&
	full=$(g rev-parse incidents) &&
	test "$(sqlite3 "$db" "SELECT value FROM meta WHERE key = '\''audit_tip'\''")" = "$full" &&
	test_when_finished "g update-ref refs/heads/incidents $full" &&
	g update-ref refs/heads/incidents incidents~1 &&
	test_expect_code 1 incident verify >out &&
	grep "^history: the branch no longer contains commit $(g rev-parse --short=12 $full), the last this store wrote: it was rewritten$" out
'

test_expect_success 'two rebuilds in a row keep both backups' '
	incident verify >/dev/null &&
	ls "$INCIDENT_DIR" | grep -c "^incident\.db\.before-rebuild-" >before &&
	incident rebuild >out1 && incident rebuild >out2 &&
	ls "$INCIDENT_DIR" | grep -c "^incident\.db\.before-rebuild-" >after &&
	test "$(cat after)" = $(($(cat before) + 2)) &&
	b1=$(sed -n "s/.*kept as \(incident\.db\.before-rebuild-[0-9-]*\))$/\1/p" out1) &&
	b2=$(sed -n "s/.*kept as \(incident\.db\.before-rebuild-[0-9-]*\))$/\1/p" out2) &&
	test -n "$b1" && test -n "$b2" && test "$b1" != "$b2" &&
	test -f "$INCIDENT_DIR/$b1" && test -f "$INCIDENT_DIR/$b2"
'

test_expect_success 'rebuild never overwrites an earlier backup' '
	now=$(date +%s) &&
	for t in $(seq $now $((now + 5)))
	do
		echo precious >"$INCIDENT_DIR/incident.db.before-rebuild-$t" || return 1
	done &&
	incident rebuild >out &&
	for t in $(seq $now $((now + 5)))
	do
		test "$(cat "$INCIDENT_DIR/incident.db.before-rebuild-$t")" = precious || return 1
	done &&
	b=$(sed -n "s/.*kept as \(incident\.db\.before-rebuild-[0-9-]*\))$/\1/p" out) &&
	test -n "$b" && sqlite3 "$INCIDENT_DIR/$b" "SELECT count(*) FROM events" >n &&
	test "$(cat n)" -gt 0
'

test_expect_success 'rebuild and verify without a mirror say so' '
	incident init --dir plain >/dev/null &&
	test_expect_code 2 incident --dir plain rebuild 2>err &&
	grep "audit mirror is off" err &&
	test_expect_code 3 incident --dir no-such-folder rebuild 2>err &&
	! test -e no-such-folder
'

test_done
