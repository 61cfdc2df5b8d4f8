#!/bin/bash
# assign, edit, update, escalate, cancel: the rest of a responder's day.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	incident open -q -s 1 --at "2h ago" "Checkout down" >id
'

test_expect_success 'assign keeps the history of who held which role' '
	id=$(cat id) &&
	incident assign "$id" commander alice --at "100m ago" >out &&
	grep "^assigned " out &&
	incident assign "$id" commander bob --at "90m ago" &&
	incident assign "$id" scribe carol &&
	incident show --json "$id" >s.json &&
	test "$(jq -r .incident.roles.commander s.json)" = bob &&
	test "$(jq -r .incident.roles.scribe s.json)" = carol &&
	test "$(jq ".incident.assignments | length" s.json)" = 3 &&
	test "$(jq -r ".incident.assignments[0].who" s.json)" = alice &&
	test "$(jq -r ".incident.assignments[0].until" s.json)" = "$(jq -r ".incident.assignments[1].since" s.json)" &&
	test "$(jq ".incident.assignments[1].until" s.json)" = null &&
	incident assign --remove "$id" scribe &&
	incident show --json "$id" >s.json &&
	test "$(jq .incident.roles.scribe s.json)" = null &&
	test "$(jq ".incident.assignments[2].until" s.json)" != null
'

test_expect_success 'a commander named at open or triage starts the history' '
	c=$(incident open -q --commander dana "commanded") &&
	incident triage -q "$c" --commander erin >/dev/null &&
	incident show --json "$c" >s.json &&
	test "$(jq -r ".incident.assignments[0].who" s.json)" = dana &&
	test "$(jq -r ".incident.assignments[1].who" s.json)" = erin &&
	test "$(jq ".incident.assignments[0].until" s.json)" != null &&
	test "$(jq -r .incident.roles.commander s.json)" = erin
'

test_expect_success 'assign refuses unknown roles and empty removals' '
	test_expect_code 2 incident assign "$(cat id)" janitor dave 2>err &&
	grep "unknown role" err &&
	test_expect_code 2 incident assign --remove "$(cat id)" comms 2>err &&
	grep "has no comms to remove" err &&
	test_expect_code 2 incident assign "$(cat id)" comms 2>err
'

test_expect_success 'edit changes title, summary and fields' '
	id=$(cat id) &&
	incident edit "$id" --title "Checkout down in EU" --summary "payments timing out" \
		--field region=eu-west-1 --field customer=acme &&
	incident show --json "$id" >s.json &&
	test "$(jq -r .incident.title s.json)" = "Checkout down in EU" &&
	test "$(jq -r .incident.summary s.json)" = "payments timing out" &&
	test "$(jq -c .incident.fields s.json)" = "{\"region\":\"eu-west-1\",\"customer\":\"acme\"}" &&
	incident edit "$id" --field customer= &&
	incident show --json "$id" >s.json &&
	test "$(jq -c .incident.fields s.json)" = "{\"region\":\"eu-west-1\"}" &&
	incident list -q --field region=eu-west-1 >out && test_cmp id out &&
	incident list -q --field region=us-east-1 >out && test_line_count = 0 out
'

test_expect_success 'edit refuses nothing to do and bad fields' '
	test_expect_code 2 incident edit "$(cat id)" 2>err &&
	test_expect_code 2 incident edit "$(cat id)" --field "Bad Key=x" 2>err &&
	test_expect_code 2 incident edit "$(cat id)" --field novalue 2>err &&
	test_expect_code 2 incident edit "$(cat id)" --title "" 2>err
'

test_expect_success 'a SEV1 with no update for 2h is flagged; an update clears it' '
	id=$(cat id) &&
	incident show --json "$id" >s.json &&
	test "$(jq .incident.update_due s.json)" = true &&
	incident list >out && grep "\[update due\] Checkout down in EU" out &&
	incident update "$id" "Payments recovering; next update in 30 minutes" >out &&
	grep "^posted an update on " out &&
	incident show --json "$id" >s.json &&
	test "$(jq .incident.update_due s.json)" = false &&
	test "$(jq -r .incident.last_update.text s.json)" = "Payments recovering; next update in 30 minutes" &&
	test "$(jq .incident.update_count s.json)" = 1 &&
	test "$(jq .incident.note_count s.json)" = 0 &&
	incident show "$id" >out && grep "^last update " out &&
	incident list >out && ! grep "update due" out
'

test_expect_success 'the update cadence comes from config' '
	incident open -q -s 3 --at "3h ago" "minor thing" >id3 &&
	incident show --json "$(cat id3)" >s.json &&
	test "$(jq .incident.update_due s.json)" = null &&
	mkdir -p "$XDG_CONFIG_HOME/incident" &&
	printf "[severity \"SEV3\"]\n\tupdate-every = 2h\n" >"$XDG_CONFIG_HOME/incident/config" &&
	incident show --json "$(cat id3)" >s.json &&
	test "$(jq .incident.update_due s.json)" = true &&
	rm "$XDG_CONFIG_HOME/incident/config"
'

test_expect_success 'escalate raises the level and records to whom and why' '
	id=$(cat id) &&
	incident escalate "$id" --to db-oncall --reason "replication lag" >out &&
	grep "level 1 to db-oncall" out &&
	incident escalate "$id" --to vp-eng &&
	incident show --json "$id" >s.json &&
	test "$(jq .incident.escalation_level s.json)" = 2 &&
	test "$(jq -r .incident.escalated_to s.json)" = vp-eng &&
	incident log "$id" >log && grep "escalated: level 1 to db-oncall, replication lag" log
'

test_expect_success 'cancel ends a false alarm' '
	incident open -q "flappy check" >fa &&
	incident cancel --reason "flapping probe" "$(cat fa)" >out &&
	grep "(cancelled, " out &&
	incident show --json "$(cat fa)" >s.json &&
	test "$(jq -r .incident.cancel_reason s.json)" = "flapping probe" &&
	test "$(jq -r .incident.cancelled_at s.json)" != null &&
	incident list -q >out && ! grep -q "$(cat fa)" out
'

test_expect_success 'update reads stdin with -' '
	printf "line 1\nline 2\n" | incident update -q "$(cat id)" - >out &&
	test_cmp id out &&
	incident show --json "$(cat id)" >s.json &&
	test "$(jq -r .incident.last_update.text s.json)" = "$(printf "line 1\nline 2")"
'

test_done
