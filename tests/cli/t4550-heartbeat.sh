#!/bin/bash
# Heartbeats (issue 11): a ping that changes nothing is no event (nor a
# commit of the audit mirror); a change of settings is one; tick opens
# one incident for an overdue heartbeat however many ticks run, paged
# through the policy, and the next ping resolves it.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-forge.sh"

at() {
	INCIDENT_NOW=2026-12-01T$1:00Z && export INCIDENT_NOW
}

# the number of events of scope heartbeat:$1, and of audit commits
hb_events() {
	incident export | jq "[.events[] | select(.incident == \"heartbeat:$1\")] | length"
}
commits() {
	git -C "$INCIDENT_DIR/audit.git" rev-list --count incidents
}

test_expect_success 'setup: a store with the mirror, a one-level policy, a notify hook' '
	incident init --git >/dev/null &&
	cat >>"$INCIDENT_DIR/config" <<-\EOF &&
	[escalation "default"]
		level = alice
		timeout = 1h
	EOF
	mkdir -p "$INCIDENT_DIR/hooks" &&
	{
		echo "#!/bin/sh" &&
		echo "echo \"\$INCIDENT_HOOK \$INCIDENT_TARGET\" >>\"$TRASH/pages\""
	} >"$INCIDENT_DIR/hooks/notify" &&
	chmod 755 "$INCIDENT_DIR/hooks/notify" &&
	: >pages
'

test_expect_success 'the first ping sets the heartbeat: one event, one commit, by whoever runs it' '
	at 10:00 &&
	incident heartbeat backup --every 10m --grace 2m --service db --severity 2 >out 2>err &&
	echo "heartbeat backup set: every 10m, grace 2m" >expect &&
	test_cmp expect out &&
	# the mirror said nothing (under the sanitizers: leaked nothing)
	test ! -s err &&
	test "$(hb_events backup)" = 1 &&
	incident export | jq -c ".events[] | select(.incident == \"heartbeat:backup\") | [.kind, .actor, .payload]" >got &&
	echo "[\"heartbeat_set\",\"tester\",{\"every\":600,\"grace\":120,\"service\":\"db\",\"severity\":2}]" >expect &&
	test_cmp expect got &&
	git -C "$INCIDENT_DIR/audit.git" ls-tree -r --name-only incidents >tree &&
	grep "^scopes/heartbeat/backup/events/" tree &&
	git -C "$INCIDENT_DIR/audit.git" log -1 --format=%s incidents >subject &&
	grep "^heartbeat_set heartbeat:backup: every 10m, grace 2m, service db, severity 2" subject
'

test_expect_success 'a ping that changes nothing writes no event and no commit, and says nothing' '
	before=$(commits) &&
	for m in 01 02 03 04 05; do
		at 10:$m && incident heartbeat backup --every 10m --grace 2m --service db --severity 2 >out &&
		test ! -s out || return 1
	done &&
	incident heartbeat backup >out && test ! -s out &&
	test "$(hb_events backup)" = 1 &&
	test "$(commits)" = "$before" &&
	incident heartbeat list --json >l.json &&
	test "$(jq -c ".heartbeats[0] | [.name, .every, .grace, .service, .severity, .pings, .last_ping_at, .due_at, .state]" l.json)" = \
		"[\"backup\",600,120,\"db\",2,7,\"2026-12-01T10:05:00Z\",\"2026-12-01T10:17:00Z\",\"ok\"]"
'

test_expect_success 'a ping that changes the settings writes one event' '
	at 10:06 &&
	incident heartbeat backup --every 15m --grace 2m --service db --severity 2 >out &&
	echo "heartbeat backup changed: every 15m, grace 2m" >expect &&
	test_cmp expect out &&
	test "$(hb_events backup)" = 2 &&
	incident heartbeat backup --every 15m --grace 2m --service db --severity 2 >out &&
	test "$(hb_events backup)" = 2 &&
	incident heartbeat backup --every 15m --service db --severity 2 >out &&
	test "$(hb_events backup)" = 3
'

test_expect_success 'overdue but no tick yet: the next ping recovers silently, nothing opened' '
	at 10:06 &&
	incident heartbeat backup --every 10m --grace 2m --service db --severity 2 >/dev/null &&
	n=$(hb_events backup) &&
	at 10:30 &&
	incident heartbeat list >out &&
	grep "^overdue  backup  every 10m + 2m, last ping 24m ago, due 2026-12-01 10:18$" out &&
	incident heartbeat backup >out && test ! -s out &&
	test "$(hb_events backup)" = "$n" &&
	test "$(incident list -q --all | wc -l)" = 0
'

test_expect_success 'tick opens one incident for an overdue heartbeat, paged, written as cron' '
	at 10:43 &&
	incident tick >out &&
	id=$(incident list -q --all | head -1) && test -n "$id" &&
	short=$(incident show --json "$id" | jq -r .incident.short_id) &&
	echo "heartbeat backup is overdue: opened $short (last ping 13m ago), paged alice" >expect &&
	test_cmp expect out &&
	incident show --json "$short" >inc.json &&
	test "$(jq -c ".incident | [.title, .services, .severity, .dedup_keys, .status, .started_at]" inc.json)" = \
		"[\"heartbeat backup is overdue\",[\"db\"],2,[\"heartbeat:backup\"],\"open\",\"2026-12-01T10:42:00Z\"]" &&
	incident export | jq -c "[.events[] | select(.kind == \"heartbeat_overdue\") | [.actor, .payload.due_at]]" >got &&
	echo "[[\"cron\",\"2026-12-01T10:42:00Z\"]]" >expect &&
	test_cmp expect got &&
	incident log --json "$short" | jq -r "[.events[].kind] | join(\" \")" >kinds &&
	echo "opened escalated" >expect && test_cmp expect kinds &&
	echo "notify alice" >expect && test_cmp expect "$TRASH/pages" &&
	incident heartbeat list --json >l.json &&
	test "$(jq -r ".heartbeats[0] | \"\(.state) \(.short_id)\"" l.json)" = "overdue $short"
'

test_expect_success 'more ticks open nothing more' '
	at 10:50 && incident tick >out && test ! -s out &&
	at 11:00 && incident tick --json >out.json &&
	test "$(jq ".actions | length" out.json)" = 0 &&
	test "$(incident list -q --all | wc -l)" = 1 &&
	test "$(incident export | jq "[.events[] | select(.kind == \"heartbeat_overdue\")] | length")" = 1
'

test_expect_success 'the next ping resolves it and writes heartbeat_recovered' '
	id=$(incident list -q --all | head -1) &&
	short=$(incident show --json "$id" | jq -r .incident.short_id) &&
	at 11:05 &&
	incident heartbeat backup >out &&
	echo "heartbeat backup recovered: $short resolved" >expect &&
	test_cmp expect out &&
	test "$(incident show --json "$short" | jq -r .incident.status)" = resolved &&
	incident export | jq -c "[.events[] | select(.kind == \"heartbeat_recovered\") | [.actor, .payload.incident]]" >got &&
	echo "[[\"tester\",\"$id\"]]" >expect && test_cmp expect got &&
	incident heartbeat list --json >l.json &&
	test "$(jq -r ".heartbeats[0] | \"\(.state) \(.incident)\"" l.json)" = "ok null" &&
	incident heartbeat backup >out && test ! -s out
'

if test -n "${INCIDENT_VALGRIND:-}"; then TICKS=4; else TICKS=12; fi

test_expect_success "$TICKS concurrent ticks open one incident for an overdue heartbeat" '
	mkdir many && INCIDENT_DIR=$PWD/many && export INCIDENT_DIR &&
	incident init >/dev/null &&
	at 12:00 && incident heartbeat nightly --every 1h -q &&
	at 13:01 &&
	for i in $(seq $TICKS); do
		{ incident tick >tick.$i.out 2>tick.$i.err; echo $? >tick.$i.rc; } &
	done &&
	wait &&
	cat tick.*.rc | sort -u >rcs && echo 0 >expect && test_cmp expect rcs &&
	cat tick.*.err >errs && test ! -s errs &&
	test "$(cat tick.*.out | wc -l)" = 1 &&
	test "$(incident list -q --all | wc -l)" = 1 &&
	test "$(incident export | jq "[.events[] | select(.kind == \"heartbeat_overdue\")] | length")" = 1
'

test_expect_success 'tick --dry-run says it and writes nothing' '
	mkdir dry && INCIDENT_DIR=$PWD/dry && export INCIDENT_DIR &&
	incident init >/dev/null &&
	at 12:00 && incident heartbeat job --every 5m -q &&
	at 12:06 && incident tick --dry-run >out &&
	grep "^(dry run) heartbeat job is overdue: opened " out &&
	test "$(incident list -q --all | wc -l)" = 0 &&
	test "$(hb_events job)" = 1
'

test_expect_success 'remove: an event, and a removed heartbeat is no longer watched' '
	mkdir rm && INCIDENT_DIR=$PWD/rm && export INCIDENT_DIR &&
	incident init >/dev/null &&
	at 12:00 && incident heartbeat job --every 5m -q &&
	incident heartbeat remove job >out &&
	echo "removed heartbeat job" >expect && test_cmp expect out &&
	test "$(incident export | jq -r "[.events[] | select(.incident == \"heartbeat:job\") | .kind] | join(\" \")")" = "heartbeat_set heartbeat_removed" &&
	at 13:00 && incident tick >out && test ! -s out &&
	test "$(incident list -q --all | wc -l)" = 0 &&
	incident heartbeat list >out && test ! -s out &&
	test_expect_code 3 incident heartbeat remove job 2>err &&
	grep "job: no such heartbeat" err &&
	test_expect_code 3 incident heartbeat job 2>err &&
	grep "job: no such heartbeat (its first ping says --every)" err &&
	incident heartbeat job --every 5m >out &&
	echo "heartbeat job set: every 5m" >expect && test_cmp expect out
'

test_expect_success 'bad input is refused with exit 2, nothing written' '
	mkdir bad && INCIDENT_DIR=$PWD/bad && export INCIDENT_DIR &&
	incident init >/dev/null &&
	test_expect_code 2 incident heartbeat .git --every 5m 2>err &&
	grep "not a heartbeat name" err &&
	test_expect_code 2 incident heartbeat "a b" --every 5m &&
	test_expect_code 2 incident heartbeat "$(printf "%065d" 0)" --every 5m &&
	test_expect_code 2 incident heartbeat "$(printf "caf\\351")" --every 5m &&
	test_expect_code 2 incident heartbeat job --every soon 2>err &&
	grep "is not a duration" err &&
	test_expect_code 2 incident heartbeat job --every 10s 2>err &&
	grep "from a minute to ten years" err &&
	test_expect_code 2 incident heartbeat job --every 5m --grace x &&
	test_expect_code 2 incident heartbeat job --every 5m --service "a b" &&
	test_expect_code 2 incident heartbeat job --every 5m --service "$(printf "db\\377")" 2>err &&
	grep "UTF-8" err &&
	test_expect_code 2 incident heartbeat job --every 5m --severity 12 &&
	test_expect_code 2 incident heartbeat job --grace 1m 2>err &&
	grep "come with --every" err &&
	test_expect_code 2 incident heartbeat remove "a/b" &&
	test_expect_code 2 incident heartbeat 2>err &&
	test "$(incident export | jq ".events | length")" = 0
'

test_expect_success 'heartbeat events sync through the mirror to another store' '
	git init -q --bare remote.git &&
	incident --dir A init --git --remote "$PWD/remote.git" >/dev/null &&
	incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	at 12:00 && incident --dir A heartbeat db-backup --every 1h --service db -q &&
	incident --dir A sync -q && incident --dir B sync -q &&
	incident --dir B heartbeat list --json >l.json &&
	test "$(jq -r ".heartbeats[0] | \"\(.name) \(.every) \(.service) \(.state)\"" l.json)" = "db-backup 3600 db new" &&
	incident --dir B verify >/dev/null &&
	incident --dir B heartbeat remove db-backup -q &&
	incident --dir B sync -q && incident --dir A sync -q &&
	incident --dir A heartbeat list >out && test ! -s out
'

test_expect_success 'sync refuses a malformed heartbeat event, or one on an incident' '
	rm -rf remote.git B && git init -q --bare remote.git &&
	incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	printf "{\"incident\": \"heartbeat:x\", \"kind\": \"heartbeat_set\", \"lamport\": 9, \"payload\": {\"every\": \"1h\"}}" |
		forge_event remote.git >/dev/null &&
	test_expect_code 1 incident --dir B sync 2>err &&
	grep "scopes/heartbeat/x/events/.*: every: not a whole number" err &&
	rm -rf remote.git && git init -q --bare remote.git &&
	printf "{\"incident\": \"heartbeat:x\", \"kind\": \"heartbeat_set\", \"lamport\": 9, \"payload\": {\"every\": 60, \"service\": \"a b\"}}" |
		forge_event remote.git >/dev/null &&
	test_expect_code 1 incident --dir B sync 2>err &&
	grep "scopes/heartbeat/x/events/.*: service" err &&
	rm -rf remote.git && git init -q --bare remote.git &&
	printf "{\"incident\": \"7fk2qabcdefghjkm\", \"kind\": \"heartbeat_overdue\", \"lamport\": 9, \"payload\": {\"incident\": \"7fk2qabcdefghjkm\"}}" |
		forge_event remote.git >/dev/null &&
	test_expect_code 1 incident --dir B sync 2>err &&
	grep "heartbeat_overdue: an event of a heartbeat, not of an incident" err &&
	incident --dir B heartbeat list >out && test ! -s out
'

test_expect_success 'bad input is said at once on a locked store: exit 2, not 5' '
	mkdir locked && INCIDENT_DIR=$PWD/locked && export INCIDENT_DIR &&
	incident init >/dev/null &&
	mkfifo hold || return 1
	# (its own list: "&" would put the lines above in the background too)
	{ echo "BEGIN IMMEDIATE;"; echo "INSERT INTO meta VALUES(\"lock\", \"x\");"; cat hold; echo "ROLLBACK;"; } |
		sqlite3 "$INCIDENT_DIR/incident.db" &
	test_when_finished "exec 3<>hold && echo >&3" &&
	# until the lock is held (a write of our own is refused)
	for i in $(seq 50); do
		sqlite3 "$INCIDENT_DIR/incident.db" "BEGIN IMMEDIATE; ROLLBACK;" 2>/dev/null || break
		sleep 0.1
	done &&
	INCIDENT_BUSY_TIMEOUT=300 test_expect_code 2 incident open " " 2>err &&
	grep "the title is empty" err &&
	INCIDENT_BUSY_TIMEOUT=300 test_expect_code 2 incident heartbeat job --every 5s &&
	INCIDENT_BUSY_TIMEOUT=300 test_expect_code 5 incident heartbeat job --every 5m &&
	echo >hold && wait &&
	incident heartbeat job --every 5m -q
'

test_expect_success 'a heartbeat synced with a severity past this scale opens at its last level' '
	rm -rf remote.git B && git init -q --bare remote.git &&
	incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	printf "{\"incident\": \"heartbeat:far\", \"kind\": \"heartbeat_set\", \"lamport\": 9, \"at\": \"2026-11-24T09:00:00Z\", \"payload\": {\"every\": 600, \"severity\": 9}}" |
		forge_event remote.git >/dev/null &&
	incident --dir B sync -q &&
	# the pings come here
	at 11:00 && incident --dir B heartbeat far -q &&
	at 12:00 && incident --dir B tick >out 2>err &&
	test ! -s err && grep "^heartbeat far is overdue: opened " out &&
	id=$(incident --dir B list -q --all) &&
	test "$(incident --dir B show --json "$id" | jq .incident.severity)" = 4
'

test_expect_success 'a ping timed before its incident opened still recovers it' '
	rm -rf early && mkdir early &&
	incident --dir early init >/dev/null &&
	at 12:00 && incident --dir early heartbeat early --every 10m -q &&
	at 12:30 && incident --dir early tick >/dev/null &&
	id=$(incident --dir early list -q) && test -n "$id" &&
	# the pinger is a minute behind the store that ticked
	at 12:29 && incident --dir early heartbeat early >out &&
	grep "^heartbeat early recovered: .* resolved$" out &&
	test "$(incident --dir early show --json "$id" | jq -r .incident.status)" = resolved &&
	incident --dir early heartbeat list --json >l.json &&
	test "$(jq -r ".heartbeats[0] | \"\(.state) \(.last_ping_at)\"" l.json)" = "ok 2026-12-01T12:29:00Z" &&
	# an older ping moves the last ping back no more
	at 12:40 && incident --dir early heartbeat early &&
	at 12:35 && incident --dir early heartbeat early &&
	incident --dir early heartbeat list --json >l.json &&
	test "$(jq -r ".heartbeats[0].last_ping_at" l.json)" = 2026-12-01T12:40:00Z
'

test_expect_success 'an overdue heartbeat left unpaged by a config typo says why, as open does' '
	rm -rf typo && mkdir typo &&
	incident --dir typo init >/dev/null &&
	printf "[escalation \"default\"]\n\tlevel = alice\n\ttimeout = soon\n" >>typo/config &&
	at 12:00 && incident --dir typo heartbeat cron --every 10m -q &&
	at 12:30 && incident --dir typo tick >out 2>err &&
	grep "^heartbeat cron is overdue: opened .*, paged no one$" out &&
	grep "^incident: warning: .* not paged: config escalation.default.timeout = .soon.: .*; incident tick pages it once the config is fixed$" err
'

test_expect_success 'a tick that attaches to an open incident of the key says it paged no one' '
	rm -rf again && mkdir again &&
	incident --dir again init >/dev/null &&
	printf "[escalation \"default\"]\n\tlevel = alice\n\ttimeout = 1h\n" >>again/config &&
	at 12:00 && incident --dir again heartbeat again --every 10m -q &&
	at 12:30 && incident --dir again tick >out &&
	grep "^heartbeat again is overdue: opened .*, paged alice$" out &&
	# removed with its incident open, set again, silent again
	incident --dir again heartbeat remove again -q &&
	at 12:31 && incident --dir again heartbeat again --every 10m -q &&
	at 12:50 && incident --dir again tick --json >t.json &&
	test "$(jq -c ".actions[] | select(.action == \"heartbeat_overdue\") | [.deduplicated, .paged]" t.json)" = "[true,[]]"
'

test_done
