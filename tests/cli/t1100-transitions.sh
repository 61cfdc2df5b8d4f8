#!/bin/bash
# Every action from every status: allowed ones pass (checked with
# --dry-run), refused ones exit 4, change nothing and name what is allowed.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup: one incident in each status' '
	incident open -q "s-open" >open &&
	incident open -q "s-triaged" >triaged && incident triage -q "$(cat triaged)" >/dev/null &&
	incident open -q "s-investigating" >investigating && incident investigate -q "$(cat investigating)" >/dev/null &&
	incident open -q "s-mitigated" >mitigated && incident mitigate -q "$(cat mitigated)" >/dev/null &&
	incident open -q "s-resolved" >resolved && incident resolve -q "$(cat resolved)" >/dev/null &&
	incident open -q "s-cancelled" >cancelled && incident cancel -q --reason "false alarm" "$(cat cancelled)" >/dev/null &&
	incident open -q "s-merged" >merged && incident merge -q "$(cat merged)" "$(cat open)" >/dev/null &&
	for s in open triaged investigating mitigated resolved cancelled merged; do
		incident show --json "$(cat $s)" | jq -r .incident.status >got &&
		echo $s >want && test_cmp want got || exit 1
	done
'

# status: the actions allowed (everything else must exit 4)
cat >allowed <<EOT
open triage investigate mitigate resolve escalate cancel
triaged triage investigate mitigate resolve escalate cancel
investigating triage mitigate resolve escalate cancel
mitigated triage investigate resolve escalate cancel
resolved reopen
cancelled
merged
EOT

run_action() { # action id
	case $1 in
	reopen|cancel) incident $1 --dry-run --reason why "$2" ;;
	*) incident $1 --dry-run "$2" ;;
	esac
}

test_expect_success 'the transition table, exhaustively' '
	store_snapshot >before &&
	while read -r status ok; do
		for a in triage investigate mitigate resolve reopen escalate cancel; do
			run_action $a "$(cat $status)" >out 2>err
			rc=$?
			case " $ok " in
			*" $a "*) want=0 ;;
			*) want=4 ;;
			esac
			if test $rc -ne $want; then
				echo "$a on $status: exit $rc, wanted $want" >&2; cat err >&2; exit 1
			fi
			if test $want = 4; then
				test_line_count = 1 err &&
				grep -qE "^incident: [0-9a-z]{5,}: cannot $a an? $status incident \((next: [a-z -]+(, [a-z -]+)*|it is final)\)$" err || {
					cat err >&2; exit 1; }
			fi
		done
	done <allowed &&
	store_snapshot >after &&
	test_cmp before after
'

test_expect_success 'refusals name the commands of the allowed next steps' '
	sid() { incident show --json "$(cat $1)" | jq -r .incident.short_id; } &&
	test_expect_code 4 incident mitigate "$(cat resolved)" 2>err &&
	echo "incident: $(sid resolved): cannot mitigate a resolved incident (next: reopen, or review --done to close)" >expect &&
	test_cmp expect err &&
	test_expect_code 4 incident triage "$(cat resolved)" 2>err &&
	grep "cannot triage a resolved incident" err &&
	test_expect_code 4 incident resolve "$(cat cancelled)" 2>err &&
	echo "incident: $(sid cancelled): cannot resolve a cancelled incident (it is final)" >expect &&
	test_cmp expect err &&
	test_expect_code 4 incident reopen --reason x "$(cat merged)" 2>err &&
	grep ": cannot reopen a merged incident (it is final)$" err &&
	test_expect_code 4 incident reopen --reason x "$(cat open)" 2>err &&
	echo "incident: $(sid open): cannot reopen an open incident (next: triage, investigate, mitigate, resolve, escalate, cancel, or merge)" >expect &&
	test_cmp expect err &&
	test_expect_code 4 incident reopen --reason x "$(cat investigating)" 2>err &&
	grep ": cannot reopen an investigating incident (next: triage, mitigate, resolve, escalate, cancel, or merge)$" err &&
	incident open -q "s-closed" >closed && incident resolve -q "$(cat closed)" >/dev/null &&
	incident review -q --done --no-edit "$(cat closed)" >/dev/null &&
	test_expect_code 4 incident review --done --no-edit "$(cat closed)" 2>err &&
	grep ": cannot close a closed incident (next: reopen)$" err
'

# STYLE: the program name is the prefix, so the message names the
# incident by its id alone ("incident: 7fk2q: cannot ..."); today lib/
# writes "incident 7fk2q: ..." and the user reads the word twice.
test_expect_success 'a refusal names the incident once' '
	test_expect_code 4 incident escalate "$(cat resolved)" 2>err &&
	grep "^incident: [0-9a-z]*: cannot escalate a resolved incident" err
'

test_expect_success 'merge refuses final incidents, itself, and unknown ids' '
	test_expect_code 4 incident merge "$(cat resolved)" "$(cat open)" 2>err &&
	test_expect_code 4 incident merge "$(cat triaged)" "$(cat cancelled)" 2>err &&
	grep "cannot merge into a cancelled incident" err &&
	test_expect_code 2 incident merge "$(cat triaged)" "$(cat triaged)" 2>err &&
	grep "into itself" err &&
	test_expect_code 3 incident merge "$(cat triaged)" zzzzz 2>err
'

test_expect_success 'required reasons and usage errors' '
	test_expect_code 2 incident cancel "$(cat open)" 2>err && grep -- "--reason is required" err &&
	test_expect_code 2 incident reopen "$(cat resolved)" 2>err &&
	test_expect_code 2 incident mitigate 2>err &&
	test_expect_code 2 incident mitigate a b 2>err &&
	test_expect_code 3 incident mitigate zzzzz 2>err &&
	test_expect_code 2 incident triage "$(cat open)" --impact huge 2>err &&
	test_expect_code 2 incident triage "$(cat open)" --priority P9 2>err &&
	test_expect_code 2 incident triage "$(cat open)" -s 9 2>err
'

test_expect_success 'notes and updates are allowed in every status' '
	for s in open resolved cancelled merged; do
		incident note --dry-run "$(cat $s)" "still a note" >/dev/null &&
		incident update --dry-run "$(cat $s)" "an update" >/dev/null || exit 1
	done
'

test_done
