#!/bin/bash
# incident tick (issue 10): with INCIDENT_NOW stepped minute by minute, a
# three-level policy with 1-minute timeouts is escalated level by level
# and stops at acknowledgement; concurrent ticks escalate each due
# incident exactly once; update reminders come once per period.
. "$(dirname "$0")/test-lib.sh"

# INCIDENT_NOW at HH:MM or HH:MM:SS on the day of the tests
at() {
	case $1 in
	*:*:*) INCIDENT_NOW=2026-11-24T$1Z ;;
	*) INCIDENT_NOW=2026-11-24T$1:00Z ;;
	esac
	export INCIDENT_NOW
}

# a store of its own for one test (in its subshell), with the policy
fresh() {
	mkdir "$1" && cp "$TRASH/policy" "$1/config" &&
	INCIDENT_DIR=$PWD/$1 && export INCIDENT_DIR
}

# the escalated events of incident $1, as "level:paged" lines
escalations() {
	incident log --json "$1" |
	jq -r ".events[] | select(.kind == \"escalated\") | \"\(.payload.level):\(.payload.paged | join(\",\"))\""
}

test_expect_success 'setup: a three-level policy with 1-minute timeouts' '
	cat >policy <<-\EOF
	[escalation "default"]
		level = alice
		level = bob
		level = carol
		timeout = 1m
	EOF
'

test_expect_success 'nothing due: tick prints nothing and writes nothing' '
	fresh quiet && at 10:00 &&
	incident open -q -s 3 "new" >/dev/null &&
	incident tick >out &&
	test ! -s out &&
	incident tick --json >out.json &&
	test "$(jq -c . out.json)" = "{\"format\":1,\"dry_run\":false,\"actions\":[],\"errors\":[]}"
'

test_expect_success 'tick escalates level by level as each timeout passes, then stops at the top' '
	fresh steps && at 10:00 &&
	id=$(incident open -q -s 3 "queue stuck") && echo "$id" >id &&
	short=$(incident show --json "$id" | jq -r .incident.short_id) &&
	at 10:00:30 && incident tick >out && test ! -s out &&
	at 10:01 && incident tick >out &&
	echo "escalated $short to level 2: paged bob" >expect && test_cmp expect out &&
	at 10:01:30 && incident tick >out && test ! -s out &&
	at 10:02 && incident tick >out &&
	echo "escalated $short to level 3: paged carol" >expect && test_cmp expect out &&
	for m in 03 04 05 10; do
		at 10:$m && incident tick >out && test ! -s out || return 1
	done &&
	escalations "$id" >got &&
	printf "1:alice\n2:bob\n3:carol\n" >expect && test_cmp expect got
'

test_expect_success 'tick stops escalating at acknowledgement' '
	fresh ack && at 10:00 &&
	id=$(incident open -q -s 3 "disk full") &&
	at 10:01 && incident tick >out && grep "level 2: paged bob" out &&
	at 10:01:30 && incident triage -q "$id" >/dev/null &&
	for m in 02 03 04; do
		at 10:$m && incident tick >out && test ! -s out || return 1
	done &&
	escalations "$id" >got &&
	printf "1:alice\n2:bob\n" >expect && test_cmp expect got
'

test_expect_success 'a late tick escalates one level, not all it missed' '
	fresh late && at 10:00 &&
	id=$(incident open -q -s 3 "late") &&
	at 10:30 && incident tick >out && grep "level 2" out && ! grep "level 3" out &&
	at 10:30:30 && incident tick >out && test ! -s out &&
	at 10:31 && incident tick >out && grep "level 3" out
'

test_expect_success '--dry-run says what is due and writes nothing' '
	fresh dry && at 11:00 &&
	id=$(incident open -q -s 3 "dry") &&
	before=$(incident show --json "$id" | jq .incident.event_count) &&
	at 11:01 && incident tick --dry-run >out &&
	grep "^(dry run) escalated .* to level 2: paged bob" out &&
	test "$(incident show --json "$id" | jq .incident.event_count)" = "$before" &&
	incident tick --json >out.json &&
	test "$(jq -r ".actions[0].action" out.json)" = escalated &&
	test "$(jq -c ".actions[0] | [.incident, .level, .top, .policy, .step, .paged]" out.json)" = "[\"$id\",2,3,\"default\",2,[\"bob\"]]"
'

if test -n "${INCIDENT_VALGRIND:-}"; then TICKS=6 INCIDENTS=2; else TICKS=20 INCIDENTS=5; fi

test_expect_success "$TICKS concurrent ticks escalate each due incident exactly once" '
	mkdir many && cp policy many/config &&
	at 12:00 &&
	for i in $(seq $INCIDENTS); do
		incident --dir many open -q -s 3 "storm $i" >>ids || return 1
	done &&
	for step in 12:01 12:02; do
		at $step &&
		for i in $(seq $TICKS); do
			{ incident --dir many tick >tick.$i.out 2>tick.$i.err; echo $? >tick.$i.rc; } &
		done &&
		wait &&
		cat tick.*.rc | sort -u >rcs && echo 0 >expect && test_cmp expect rcs &&
		cat tick.*.err >errs && test ! -s errs &&
		cat tick.*.out | wc -l >lines &&
		echo $INCIDENTS >expect && test_cmp expect lines || return 1
	done &&
	incident --dir many export >all.json &&
	jq -r ".events[] | select(.kind == \"escalated\") | .incident" all.json | sort | uniq -c |
		awk "{print \$1}" | sort -u >counts &&
	echo 3 >expect && test_cmp expect counts &&
	test "$(jq "[.events[] | select(.kind == \"escalated\")] | length" all.json)" = $((INCIDENTS * 3))
'

test_expect_success 'update reminders come once per overdue period' '
	mkdir remind &&
	at 10:00 &&
	id=$(incident --dir remind open -q -s 1 "payments down") &&
	short=$(incident --dir remind show --json "$id" | jq -r .incident.short_id) &&
	at 10:20 && incident --dir remind tick >out && test ! -s out &&
	at 10:31 && incident --dir remind tick >out &&
	echo "update due on $short (SEV1, no update since it was opened 31m ago)" >expect &&
	test_cmp expect out &&
	at 10:45 && incident --dir remind tick >out && test ! -s out &&
	at 11:02 && incident --dir remind tick >out && grep "^update due on $short" out &&
	at 11:10 && incident --dir remind update "$id" "failing over" >/dev/null &&
	at 11:30 && incident --dir remind tick >out && test ! -s out &&
	at 11:45 && incident --dir remind tick --json >out.json &&
	test "$(jq -c ".actions[0] | [.action, .severity_name, .cadence, .last_update_at]" out.json)" = "[\"update_due\",\"SEV1\",1800,\"2026-11-24T11:10:00Z\"]" &&
	at 11:46 && incident --dir remind tick >out && test ! -s out &&
	incident --dir remind log "$id" >log &&
	test "$(grep -c "update_due: a stakeholder update is overdue (every 30m)" log)" = 3 &&
	incident --dir remind show --json "$id" >s.json &&
	test "$(jq -r .incident.update_reminded_at s.json)" = 2026-11-24T11:45:00Z
'

test_expect_success 'a resolved incident gets neither pages nor reminders' '
	mkdir done && cp policy done/config &&
	at 10:00 && id=$(incident --dir done open -q -s 1 "over") &&
	incident --dir done resolve -q "$id" >/dev/null &&
	at 12:00 && incident --dir done tick >out && test ! -s out
'

test_expect_success 'no store yet: tick does nothing, and creates none' '
	INCIDENT_DIR=$PWD/none incident tick >out &&
	test ! -s out &&
	test ! -e none
'

test_expect_success 'a bad policy fails tick with the key named' '
	mkdir broken &&
	at 10:00 && id=$(incident --dir broken open -q "x") &&
	printf "[escalation \"default\"]\n\tlevel = a\n\ttimeout = never\n" >broken/config &&
	test_expect_code 1 incident --dir broken tick 2>err &&
	grep "config escalation.default.timeout" err
'

test_expect_success 'one broken policy does not stop tick for the newer incidents' '
	mkdir some &&
	{ cat policy && printf "[escalation \"pa\"]\n\tlevel = a\n\tlevel = b\n\ttimeout = 1m\n[escalation \"pb\"]\n\tlevel = a\n\tlevel = b\n\ttimeout = 1m\n" &&
	  printf "[service \"a\"]\n\tescalation = pa\n[service \"b\"]\n\tescalation = pb\n"; } >some/config &&
	at 09:58 && old=$(incident --dir some open -q --service a "oldest") &&
	at 09:59 && mid=$(incident --dir some open -q --service b "middle") &&
	at 10:00 && new=$(incident --dir some open -q "newest") &&
	{ cat policy && printf "[escalation \"pa\"]\n\tlevel = a\n\tlevel = rota:gone\n\ttimeout = 1m\n[escalation \"pb\"]\n\tlevel = a\n\ttimeout = soon\n" &&
	  printf "[service \"a\"]\n\tescalation = pa\n[service \"b\"]\n\tescalation = pb\n"; } >some/config &&
	so=$(incident --dir some show --json "$old" | jq -r .incident.short_id) &&
	sm=$(incident --dir some show --json "$mid" | jq -r .incident.short_id) &&
	sn=$(incident --dir some show --json "$new" | jq -r .incident.short_id) &&
	at 10:01 && test_expect_code 1 incident --dir some tick >out 2>err &&
	echo "escalated $sn to level 2: paged bob" >expect && test_cmp expect out &&
	test "$(wc -l <err)" = 2 &&
	grep "^incident: tick: $so: config escalation.pa.level: no rota .gone.$" err &&
	grep "^incident: tick: $sm: config escalation.pb.timeout" err &&
	at 10:02 && test_expect_code 1 incident --dir some tick --json >out.json 2>err &&
	test "$(jq -c "[.actions[] | [.short_id, .level]]" out.json)" = "[[\"$sn\",3]]" &&
	test "$(jq -r "[.errors[].short_id] | join(\",\")" out.json)" = "$so,$sm" &&
	jq -e ".errors[0].incident == \"$old\" and (.errors[0].error | test(\"rota\"))" out.json
'

test_expect_success 'a reminder is due at the cadence, as an escalation is at its timeout' '
	mkdir edge &&
	at 10:00 && id=$(incident --dir edge open -q -s 1 "edge") &&
	at 10:29:59 && incident --dir edge tick >out && test ! -s out &&
	at 10:30 && incident --dir edge tick >out && grep "^update due on" out &&
	test "$(incident --dir edge show --json "$id" | jq .incident.update_due)" = true
'

test_done
