#!/bin/bash
# incident changes: a change recorded by hand (an event of the scope
# change:<service>) is listed, and shown on the incidents of its service
# opened within changes.window after it, never on another service's or
# outside the window; bad input writes nothing.
. "$(dirname "$0")/test-lib.sh"

export INCIDENT_NOW=2026-11-03T09:00:00Z

test_expect_success 'changes add prints an id that changes lists' '
	incident init >/dev/null &&
	incident changes add --service api --source ci --at 2026-11-03T08:10:00Z Deploy api v2 >id &&
	grep -x "[0-9a-f]\{8\}" id &&
	incident changes add -q --service web --at 2026-11-03T08:20:00Z flag on &&
	incident changes >out &&
	cat >expect <<-EOF &&
	$(cat id)  2026-11-03 08:10  api  Deploy api v2 (from ci)
	EOF
	head -1 out >first && test_cmp expect first &&
	test_line_count = 2 out &&
	incident changes --service web --json >c.json &&
	test "$(jq -r "[.changes[].summary] | join(\",\")" c.json)" = "flag on" &&
	test "$(jq -r ".changes[0].source" c.json)" = null &&
	incident changes --since 2026-11-03T08:15:00Z >out &&
	test_line_count = 1 out && grep "flag on" out &&
	sqlite3 "$INCIDENT_DIR/incident.db" "SELECT incident FROM events WHERE kind = \"change_recorded\" ORDER BY seq" >scopes &&
	printf "change:api\nchange:web\n" >expect && test_cmp expect scopes
'

test_expect_success 'show lists the changes of its service within the window before it' '
	incident open -q --service api "API slow" >inc &&
	incident show "$(cat inc)" >out &&
	grep "^changes (what changed before this)$" out &&
	grep "^  \[change\] $(cat id)  2026-11-03 08:10  api  Deploy api v2 (from ci)$" out &&
	! grep "flag on" out &&
	incident show --json "$(cat inc)" >s.json &&
	test "$(jq -r "[.changes[].summary] | join(\",\")" s.json)" = "Deploy api v2" &&
	test "$(jq -r ".changes[0].at" s.json)" = 2026-11-03T08:10:00Z
'

test_expect_success 'not on an incident of another service, nor outside the window' '
	incident open -q --service db "DB slow" >db &&
	incident show "$(cat db)" >out && ! grep -i change out &&
	test "$(incident show --json "$(cat db)" | jq ".changes | length")" = 0 &&
	INCIDENT_NOW=2026-11-03T14:11:00Z incident open -q --service api "API slow again" >late &&
	test "$(INCIDENT_NOW=2026-11-03T14:11:00Z incident show --json "$(cat late)" | jq ".changes | length")" = 0 &&
	printf "[changes]\n\twindow = 8h\n" >>"$INCIDENT_DIR/config" &&
	test "$(INCIDENT_NOW=2026-11-03T14:11:00Z incident show --json "$(cat late)" | jq ".changes | length")" = 1
'

test_expect_success 'a change after the incident resolved is not its' '
	INCIDENT_NOW=2026-11-03T09:30:00Z incident resolve -q "$(cat inc)" &&
	INCIDENT_NOW=2026-11-03T09:40:00Z incident changes add -q --service api rollback &&
	incident show "$(cat inc)" >out &&
	grep "Deploy api v2" out && ! grep rollback out
'

test_expect_success 'a merged incident ended when it was merged: no change after that is its' '
	incident open -q --service cache --at 2026-11-03T08:00:00Z "cache dup" >dup &&
	incident open -q --service cache --at 2026-11-03T08:05:00Z "cache slow" >keep &&
	incident changes add -q --service cache --at 2026-11-03T07:30:00Z "cache v3" &&
	INCIDENT_NOW=2026-11-03T08:20:00Z incident merge -q "$(cat dup)" "$(cat keep)" &&
	incident changes add -q --service cache --at 2026-11-03T08:40:00Z "cache v4" &&
	incident show --json "$(cat dup)" >s.json &&
	test "$(jq -r "[.changes[].summary] | join(\",\")" s.json)" = "cache v3" &&
	incident show --json "$(cat keep)" >s.json &&
	test "$(jq -r "[.changes[].summary] | join(\",\")" s.json)" = "cache v3,cache v4"
'

test_expect_success 'a reopened incident has the changes since it resolved again' '
	INCIDENT_NOW=2026-11-03T09:50:00Z incident reopen -q --reason "back" "$(cat inc)" &&
	INCIDENT_NOW=2026-11-03T09:55:00Z incident show "$(cat inc)" >out &&
	grep "Deploy api v2" out && grep rollback out
'

test_expect_success 'text is made safe for the terminal' '
	incident changes add -q --service api --at 2026-11-03T08:50:00Z "$(printf "evil \033]0;title\007 push")" &&
	incident changes --service api >out &&
	grep -F "evil ^[]0;title^G push" out &&
	incident show "$(cat db)" >/dev/null &&
	incident changes --json | jq -r ".changes[] | select(.summary | startswith(\"evil\")) | .summary" >raw &&
	printf "evil \033]0;title\007 push\n" >expect && test_cmp expect raw
'

test_expect_success 'bad input is refused and writes nothing' '
	store_snapshot >before &&
	test_expect_code 2 incident changes add --service "a b" x 2>err &&
	grep "service .a b.: not a service name" err &&
	test_expect_code 2 incident changes add --service .git x &&
	test_expect_code 2 incident changes add --service api 2>err &&
	test_expect_code 2 incident changes add deploy &&
	test_expect_code 2 incident changes add --service api --at 2026-11-03T09:05:00Z later 2>err &&
	grep "after now" err &&
	test_expect_code 2 incident changes add --service api "$(printf "bad \377 utf8")" &&
	test_expect_code 2 incident changes add --service api "$(printf "%01025d" 0)" 2>err &&
	grep "1024" err &&
	test_expect_code 2 incident changes --service "a b" &&
	test_expect_code 2 incident changes stray &&
	store_snapshot >after &&
	test_cmp before after
'

test_done
