#!/bin/bash
# Who did it (issue 10): --actor and INCIDENT_ACTOR name an automation,
# tick writes as config tick.actor (default cron), a bad actor is a usage
# error that writes nothing, and the mirror's commit author is the actor.
. "$(dirname "$0")/test-lib.sh"

# the actor of the latest event of incident $1
last_actor() {
	incident log --json "$1" | jq -r ".events[-1].actor"
}

test_expect_success 'setup' '
	git config --global user.name "Alice Example" &&
	git config --global user.email alice@example.com &&
	incident open -q "checkout slow" >id &&
	test "$(last_actor "$(cat id)")" = "Alice Example <alice@example.com>"
'

test_expect_success '--actor names who writes the event' '
	id=$(cat id) &&
	incident --actor alertmanager note "$id" "firing again" >/dev/null &&
	test "$(last_actor "$id")" = alertmanager &&
	incident --actor="Deploy Bot <deploy@example.com>" note "$id" "deploy 42" >/dev/null &&
	test "$(last_actor "$id")" = "Deploy Bot <deploy@example.com>" &&
	incident log "$id" >log &&
	grep "Deploy Bot  noted: deploy 42" log
'

test_expect_success 'INCIDENT_ACTOR, and --actor before it' '
	id=$(cat id) &&
	INCIDENT_ACTOR=ci-runner incident note "$id" "from ci" >/dev/null &&
	test "$(last_actor "$id")" = ci-runner &&
	INCIDENT_ACTOR=ci-runner incident --actor pager note "$id" "from pager" >/dev/null &&
	test "$(last_actor "$id")" = pager &&
	INCIDENT_ACTOR= incident note "$id" "empty is unset" >/dev/null &&
	test "$(last_actor "$id")" = "Alice Example <alice@example.com>" &&
	o=$(INCIDENT_ACTOR=webhook incident open -q "from a webhook") &&
	test "$(incident show --json "$o" | jq -r .incident.opened_by)" = webhook
'

test_expect_success 'an invalid actor is a usage error and writes nothing' '
	id=$(cat id) &&
	before=$(incident show --json "$id" | jq .incident.event_count) &&
	test_expect_code 2 incident --actor "" note "$id" x 2>err &&
	grep "actor is empty" err &&
	test_expect_code 2 incident --actor "   " note "$id" x 2>err &&
	test_expect_code 2 incident --actor "$(printf "two\nlines")" note "$id" x 2>err &&
	grep "not one line" err &&
	test_expect_code 2 incident --actor "$(printf "bad\377")" note "$id" x 2>err &&
	test_expect_code 2 incident --actor "$(head -c 1001 /dev/zero | tr "\0" a)" note "$id" x 2>err &&
	test_expect_code 2 env INCIDENT_ACTOR="$(printf "a\rb")" incident note "$id" x 2>err &&
	grep "INCIDENT_ACTOR: not one line" err &&
	test "$(incident show --json "$id" | jq .incident.event_count)" = "$before" &&
	incident --actor "$(head -c 1000 /dev/zero | tr "\0" a)" note "$id" long >/dev/null
'

test_expect_success 'tick writes as cron, not as the person whose config it reads' '
	mkdir t && printf "[escalation \"default\"]\n\tlevel = a\n\tlevel = b\n\tlevel = c\n\ttimeout = 1m\n" >t/config &&
	t=$(INCIDENT_NOW=2026-11-24T10:00:00Z incident --dir t open -q "t") &&
	test "$(incident --dir t log --json "$t" | jq -r ".events[1].actor")" = "Alice Example <alice@example.com>" &&
	INCIDENT_NOW=2026-11-24T10:01:00Z incident --dir t tick >/dev/null &&
	test "$(incident --dir t log --json "$t" | jq -r ".events[-1].actor")" = cron
'

test_expect_success 'tick.actor, --actor and INCIDENT_ACTOR for tick' '
	printf "[tick]\n\tactor = scheduler\n" >>t/config &&
	t=$(incident --dir t list -q) &&
	INCIDENT_NOW=2026-11-24T10:02:00Z incident --dir t tick >/dev/null &&
	test "$(incident --dir t log --json "$t" | jq -r ".events[-1].actor")" = scheduler &&
	t2=$(INCIDENT_NOW=2026-11-24T10:00:00Z incident --dir t open -q "t2") &&
	INCIDENT_NOW=2026-11-24T10:01:00Z INCIDENT_ACTOR=timer incident --dir t tick >/dev/null &&
	test "$(incident --dir t log --json "$t2" | jq -r ".events[-1].actor")" = timer &&
	INCIDENT_NOW=2026-11-24T10:02:00Z incident --dir t --actor ops-bot tick >/dev/null &&
	test "$(incident --dir t log --json "$t2" | jq -r ".events[-1].actor")" = ops-bot
'

test_expect_success 'a blank tick.actor fails tick (exit 1)' '
	mkdir blank && printf "[tick]\n\tactor = \"  \"\n" >blank/config &&
	incident --dir blank open -q "b" >/dev/null &&
	test_expect_code 1 incident --dir blank tick 2>err &&
	grep "config tick.actor" err
'

test_expect_success 'with the mirror on, the commit author is the actor' '
	mkdir g && incident --dir g init --git >/dev/null &&
	gid=$(incident --dir g --actor deploy-bot open -q "deploy broke") &&
	incident --dir g --actor "Ops Bot <ops@example.com>" note "$gid" hi >/dev/null &&
	git --git-dir=g/audit.git log --format="%an <%ae>" incidents >authors &&
	head -1 authors | grep "^Ops Bot <ops@example.com>$" &&
	sed -n 2p authors | grep "^deploy-bot <"
'

test_expect_success 'actors with nothing git takes as a name still mirror, and verify' '
	mkdir odd && incident --dir odd init --git >/dev/null &&
	oid=$(incident --dir odd --actor "<>" open -q "odd actors" 2>err) &&
	test ! -s err &&
	incident --dir odd --actor " <x@y>" note "$oid" one 2>err && test ! -s err &&
	incident --dir odd --actor "<evil@x>" note "$oid" two 2>err && test ! -s err &&
	incident --dir odd --actor "a <>" note "$oid" three 2>err && test ! -s err &&
	git config --global user.name "<>" &&
	test_when_finished "git config --global user.name \"Alice Example\"" &&
	incident --dir odd note "$oid" four 2>err && test ! -s err &&
	git --git-dir=odd/audit.git log --format="%an <%ae>" incidents >authors &&
	cat >expect <<-\EOF &&
	alice@example.com <alice@example.com>
	a <a@incident.invalid>
	evil@x <evilx@incident.invalid>
	x@y <x@y>
	unknown <unknown@incident.invalid>
	EOF
	test_cmp expect authors &&
	incident --dir odd verify >out &&
	grep "^verified 5 events" out
'

test_expect_success 'a blank actor is refused everywhere alike, user.name too' '
	git config --global user.name "   " &&
	test_when_finished "git config --global user.name \"Alice Example\"" &&
	id=$(cat id) &&
	incident note "$id" "blank name" >/dev/null &&
	test "$(last_actor "$id")" != "   " &&
	test_expect_code 2 incident --actor "	 " note "$id" x 2>err &&
	grep "actor is empty" err
'

test_expect_success 'a bad INCIDENT_ACTOR stops only the commands that write' '
	id=$(cat id) &&
	INCIDENT_ACTOR="$(printf "a\rb")" incident list >out &&
	grep "checkout slow" out &&
	INCIDENT_ACTOR="$(printf "a\rb")" incident show "$id" >/dev/null &&
	test_expect_code 2 env INCIDENT_ACTOR="$(printf "a\rb")" incident note "$id" x 2>err &&
	grep "INCIDENT_ACTOR: not one line" err
'

test_done
