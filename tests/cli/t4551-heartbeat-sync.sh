#!/bin/bash
# Heartbeats between replicas (issue 11): what a remote sends is held to
# the heartbeat's own incidents; replicas that both ticked for one
# silence have both incidents settled by the next ping.
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIRECTORY/lib-forge.sh"

at() {
	INCIDENT_NOW=2026-12-01T$1:00Z && export INCIDENT_NOW
}

test_expect_success 'two replicas that both ticked: the next ping settles both incidents' '
	rm -rf remote.git A B && git init -q --bare remote.git &&
	incident --dir A init --git --remote "$PWD/remote.git" >/dev/null &&
	incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	at 12:00 && incident --dir A heartbeat twice --every 10m -q &&
	incident --dir A sync -q && incident --dir B sync -q &&
	# the job pings both, then neither
	at 12:05 && incident --dir A heartbeat twice -q &&
	incident --dir B heartbeat twice -q &&
	at 12:30 && incident --dir A tick >/dev/null && incident --dir B tick >/dev/null &&
	incident --dir A sync -q && incident --dir B sync -q && incident --dir A sync -q &&
	test "$(incident --dir A list -q | wc -l)" = 2 &&
	at 12:31 && incident --dir A heartbeat twice >out &&
	test "$(grep -c "^heartbeat twice recovered: .* resolved$" out)" = 2 &&
	test "$(incident --dir A list -q | wc -l)" = 0 &&
	incident --dir A heartbeat list --json >l.json &&
	test "$(jq -r ".heartbeats[0] | \"\(.state) \(.incident)\"" l.json)" = "ok null" &&
	at 12:32 && incident --dir A heartbeat twice >out && test ! -s out
'

test_expect_success 'a heartbeat_overdue naming another incident: the ping leaves that incident alone' '
	rm -rf remote.git B && git init -q --bare remote.git &&
	incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	at 12:00 && incident --dir B open "db down" -q &&
	id=$(incident --dir B list -q) &&
	incident --dir B heartbeat stray --every 10m -q &&
	incident --dir B sync -q &&
	printf "{\"incident\": \"heartbeat:stray\", \"kind\": \"heartbeat_overdue\", \"lamport\": 90, \"at\": \"2026-12-01T12:20:00Z\", \"payload\": {\"incident\": \"$id\"}}" |
		forge_event remote.git >/dev/null &&
	incident --dir B sync -q &&
	at 12:21 && incident --dir B heartbeat stray >out &&
	test "$(incident --dir B show --json "$id" | jq -r .incident.status)" = open &&
	incident --dir B heartbeat list --json >l.json &&
	test "$(jq -r ".heartbeats[0] | \"\(.state) \(.incident)\"" l.json)" = "ok null"
'

test_expect_success 'a heartbeat due past the year 9999 is due null, never a broken time' '
	rm -rf remote.git B && git init -q --bare remote.git &&
	incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	printf "{\"incident\": \"heartbeat:aeon\", \"kind\": \"heartbeat_set\", \"lamport\": 9, \"at\": \"2026-11-24T09:00:00Z\", \"payload\": {\"every\": 9007199254740991}}" |
		forge_event remote.git >/dev/null &&
	incident --dir B sync -q &&
	at 12:00 && incident --dir B heartbeat list --json >l.json &&
	test "$(jq -r ".heartbeats[0] | \"\(.name) \(.due_at) \(.state)\"" l.json)" = "aeon null new" &&
	incident --dir B heartbeat aeon --json >p.json &&
	test "$(jq -r .heartbeat.due_at p.json)" = null &&
	incident --dir B tick >out && test ! -s out
'

test_expect_success 'a replica that only syncs a heartbeat opens nothing for it, however many ticks' '
	rm -rf remote.git A B && git init -q --bare remote.git &&
	incident --dir A init --git --remote "$PWD/remote.git" >/dev/null &&
	incident --dir B init --git --remote "$PWD/remote.git" >/dev/null &&
	at 12:00 && incident --dir A heartbeat quiet --every 10m -q &&
	incident --dir A sync -q && incident --dir B sync -q &&
	for m in 10 20 30; do
		at 12:$m && incident --dir A heartbeat quiet -q &&
		incident --dir A tick && incident --dir B tick || return 1
	done >out &&
	test ! -s out &&
	test "$(incident --dir B list -q --all | wc -l)" = 0 &&
	incident --dir B heartbeat list --json >l.json &&
	test "$(jq -r ".heartbeats[0].state" l.json)" = new &&
	# A hears the pings, and judges: silent past due, it opens one
	at 12:45 && incident --dir A tick >out &&
	grep "^heartbeat quiet is overdue: opened " out
'

test_done
