#!/bin/bash
# incident review: the post-incident review built from the timeline.
. "$(dirname "$0")/test-lib.sh"

T0=2026-02-01T10:00:00Z
at() { date -u -d "@$(($(date -u -d "$T0" +%s) + $1))" +%Y-%m-%dT%H:%M:%SZ; }

test_expect_success 'setup: an incident with 30 events' '
	git config --global user.name "Alice Example" &&
	git config --global user.email alice@example.com &&
	incident open -q -s 2 --service api --at "$(at 0)" --started "$(at -300)" "Checkout 5xx" >id &&
	id=$(cat id) &&
	incident triage -q "$id" --at "$(at 120)" --commander alice --impact high --urgency high >/dev/null &&
	incident assign -q "$id" scribe bob --at "$(at 130)" >/dev/null &&
	for i in $(seq -w 1 25); do
		incident note -q "$id" "step $i" --at "$(at $((200 + 10#$i * 60)))" >/dev/null || exit 1
	done &&
	incident mitigate -q "$id" --at "$(at 1800)" >/dev/null &&
	incident resolve -q "$id" --at "$(at 3000)" --cause "a bad config push" >/dev/null &&
	test "$(incident show --json "$id" | jq .incident.event_count)" = 30
'

test_expect_success 'review --done is refused before the incident is resolved' '
	other=$(incident open -q "still burning") &&
	store_snapshot >before &&
	test_expect_code 4 incident review --done --no-edit "$other" 2>err &&
	grep "cannot review an open incident" err &&
	test_expect_code 4 incident review --no-edit "$other" 2>err &&
	store_snapshot >after && test_cmp before after
'

test_expect_success TTY 'the editor never opens for an incident that cannot be reviewed' '
	other=$(incident open -q "burning") &&
	printf "#!/bin/sh\necho opened >\"$PWD/editor-ran\"\n" >ed0 && chmod +x ed0 &&
	EDITOR=$PWD/ed0 script -qec "incident review $other; echo rc=\$?" /dev/null >out &&
	grep "rc=4" out && grep "cannot review an open incident" out &&
	! test -e editor-ran
'

test_expect_success 'the review has all 30 timeline entries in order' '
	incident review --no-edit "$(cat id)" >review.md 2>status &&
	grep "^saved the review of " status &&
	sed -n "/^## Timeline/,/^## Metrics/p" review.md | grep "^- 2026" >timeline &&
	test_line_count = 30 timeline &&
	head -1 timeline | grep "2026-02-01 10:00 UTC, Alice Example: opened: Checkout 5xx" &&
	sed -n 2p timeline | grep "triaged" &&
	sed -n 3p timeline | grep "assigned: scribe" &&
	grep -o "step [0-9]*" timeline >steps &&
	seq -f "step %02g" 1 25 >expect && test_cmp expect steps &&
	sed -n 29p timeline | grep "mitigated" &&
	tail -1 timeline | grep "10:50 UTC, Alice Example: resolved: cause: a bad config push"
'

test_expect_success 'the review has the metrics, impact, roles and cause' '
	grep "^| TTD | 5m |" review.md &&
	grep "^| TTA | 2m |" review.md &&
	grep "^| TTM | 35m |" review.md &&
	grep "^| TTR | 55m |" review.md &&
	grep "^Customer-facing for 35m, from 2026-02-01 09:55 UTC to 2026-02-01 10:30 UTC" review.md &&
	grep "^- commander: alice$" review.md &&
	grep "^- scribe: bob$" review.md &&
	grep "^a bad config push$" review.md &&
	grep "^## What went well" review.md &&
	grep "^## Where we got lucky" review.md &&
	grep "^| Priority | P1 |" review.md
'

test_expect_success 'the saved review is an event; the incident waits for --done' '
	incident log --json "$(cat id)" >log &&
	test "$(jq -r ".events[-1].kind" log)" = reviewed &&
	jq -j ".events[-1].payload.document" log >saved.md &&
	test_cmp review.md saved.md &&
	incident review >awaiting &&
	grep "$(cut -c1-5 id)" awaiting &&
	incident show --json "$(cat id)" >s.json &&
	test "$(jq .incident.review_count s.json)" = 1 &&
	test "$(jq -r .incident.status s.json)" = resolved
'

test_expect_success 'an unchanged review is not saved twice; --output writes a file' '
	incident review --no-edit --output pir.md "$(cat id)" >out &&
	grep "^unchanged: the review of " out &&
	test_cmp review.md pir.md &&
	test "$(incident show --json "$(cat id)" | jq .incident.review_count)" = 1
'

test_expect_success TTY 'the editor edits the saved review on a terminal' '
	cat >ed <<-\EOT &&
	#!/bin/sh
	sed -i "s/^## What went well$/## What went well\n\nRollback took 3 minutes./" "$1"
	EOT
	chmod +x ed &&
	EDITOR=$PWD/ed script -qec "incident review $(cat id)" /dev/null >out &&
	grep "saved the review" out &&
	incident review --no-edit "$(cat id)" 2>/dev/null | grep "^Rollback took 3 minutes.$"
'

test_expect_success TTY 'a NUL byte written in the editor: exit 2, nothing saved' '
	cat >ednul <<-\EOT &&
	#!/bin/sh
	printf "a\\000b\\n" >>"$1"
	EOT
	chmod +x ednul &&
	incident review --no-edit "$(cat id)" >before.md 2>/dev/null &&
	EDITOR=$PWD/ednul script -qec "incident review $(cat id); echo rc=\$?" /dev/null >out &&
	grep "NUL byte" out && grep "rc=2" out &&
	incident review --no-edit "$(cat id)" >after.md 2>/dev/null &&
	test_cmp before.md after.md
'

test_expect_success 'a draft left unchanged in the editor is not saved; an edited one is' '
	d=$(incident open -q "left as drafted") &&
	incident resolve -q "$d" >/dev/null &&
	store_snapshot >before &&
	EDITOR=true script -qec "incident review $d; echo rc=\$?" /dev/null >out &&
	grep "rc=1" out &&
	grep "incident: $(cut -c1-5 <<<"$d").*: nothing saved: the review draft was not changed" out &&
	EDITOR=true script -qec "incident review --done $d; echo rc=\$?" /dev/null >out &&
	grep "rc=1" out && grep "nothing saved or closed" out &&
	store_snapshot >after && test_cmp before after &&
	EDITOR=$PWD/ed script -qec "incident review --done $d; echo rc=\$?" /dev/null >out &&
	grep "rc=0" out && grep "saved the review of .*; the incident is closed" out &&
	incident show --json "$d" >s.json &&
	test "$(jq .incident.review_count s.json)" = 1 &&
	test "$(jq -r .incident.status s.json)" = closed &&
	EDITOR=true script -qec "incident review $d; echo rc=\$?" /dev/null >out &&
	grep "rc=0" out && grep "unchanged: the review of" out &&
	test "$(incident show --json "$d" | jq .incident.review_count)" = 1
'

test_expect_success 'a saved review left unchanged in the editor is not saved again' '
	d=$(incident open -q "saved as drafted") &&
	incident resolve -q "$d" >/dev/null &&
	incident review --no-edit "$d" >/dev/null 2>&1 &&
	EDITOR=true script -qec "incident review --done $d; echo rc=\$?" /dev/null >out &&
	grep "rc=0" out && grep "unchanged: the review of .*; the incident is closed" out &&
	test "$(incident show --json "$d" | jq .incident.review_count)" = 1
'

test_expect_success 'without a terminal the draft is shown, not saved' '
	d=$(incident open -q "read in a pager") &&
	incident resolve -q "$d" >/dev/null &&
	store_snapshot >before &&
	incident review "$d" >shown.md 2>err &&
	grep "^# Post-incident review: read in a pager" shown.md &&
	grep "^not saved: the draft review of " err &&
	incident review "$d" 2>/dev/null | cat >piped.md &&
	test_cmp shown.md piped.md &&
	test_expect_code 1 incident review --done "$d" >out 2>err &&
	test_must_fail test -s out &&
	grep "nothing saved or closed: no terminal for the editor (--no-edit saves the draft as it is)" err &&
	test_expect_code 1 incident review -q "$d" >out 2>err &&
	test_must_fail test -s out &&
	store_snapshot >after && test_cmp before after &&
	incident review --done --no-edit "$d" >saved.md 2>err &&
	test_cmp shown.md saved.md &&
	grep "^saved the review of .*; the incident is closed" err
'

test_expect_success 'closing is not dated before the resolution' '
	test_expect_code 2 incident review --done --no-edit --at "$(at 2000)" "$(cat id)" 2>err &&
	grep "before it was resolved" err
'

test_expect_success '--done closes; the list of awaiting reviews empties' '
	incident review --done --no-edit --json "$(cat id)" >r.json &&
	test "$(jq .review.closed r.json)" = true &&
	test "$(jq -r .incident.status r.json)" = closed &&
	test "$(jq -r .incident.closed_at r.json)" != null &&
	test "$(jq -r .incident.reviewed_at r.json)" != null &&
	incident review --json >a.json &&
	test "$(jq ".awaiting | length" a.json)" = 0
'

test_expect_success 'a refused --done saves no review, and opens no editor' '
	store_snapshot >before &&
	rm -f editor-ran &&
	EDITOR=$PWD/ed0 script -qec "incident review --done $(cat id); echo rc=\$?" /dev/null >out &&
	grep "rc=4" out && grep "cannot close a closed incident" out &&
	! test -e editor-ran &&
	store_snapshot >after && test_cmp before after
'

test_expect_success 'a close refused at the save leaves no review saved either' '
	race=$(incident open -q "closed while the review was written") &&
	incident resolve -q "$race" >/dev/null &&
	cat >ed-race <<-EOT &&
	#!/bin/sh
	# someone else closes it while this review is being written
	incident review --done --no-edit "$race" >/dev/null 2>&1 || exit 1
	incident log --json "$race" >"$PWD/log-before"
	echo "Written while it was closed." >>"\$1"
	EOT
	chmod +x ed-race &&
	EDITOR=$PWD/ed-race script -qec "incident review --done $race; echo rc=\$?" /dev/null >out &&
	grep "rc=4" out && grep "cannot close a closed incident" out &&
	incident log --json "$race" >log-after &&
	test_cmp log-before log-after &&
	test "$(jq "[.events[] | select(.kind == \"reviewed\")] | length" log-after)" = 1
'

test_expect_success 'awaiting reviews are listed oldest first' '
	x=$(incident open -q --at "2026-03-01T00:00:00Z" "later") &&
	y=$(incident open -q --at "2026-02-20T00:00:00Z" "earlier") &&
	incident resolve -q "$x" --at "2026-03-01T01:00:00Z" >/dev/null &&
	incident resolve -q "$y" --at "2026-02-20T01:00:00Z" >/dev/null &&
	incident review --json >a.json &&
	test "$(jq -r "[.awaiting[].title] | join(\",\")" a.json)" = "earlier,later"
'

test_expect_success 'a template from config' '
	printf "# {{title}} ({{severity}})\n\nTTR: {{metrics}}\n{{unknown}}\n" >"$INCIDENT_DIR/pir-template.md" &&
	printf "[review]\n\ttemplate = pir-template.md\n" >>"$INCIDENT_DIR/config" &&
	incident review --no-edit "$(incident list -q --status resolved | head -1)" >t.md 2>/dev/null &&
	head -1 t.md | grep -E "^# (earlier|later) \(SEV3\)$" &&
	grep "^{{unknown}}$" t.md
'

test_expect_success 'the draft carries no terminal escapes from titles or notes' '
	id=$(incident open -q "$(printf "esc \033]0;owned\007 title")") &&
	incident note -q "$id" "$(printf "a \033[2Jnote")" >/dev/null &&
	incident resolve -q "$id" >/dev/null &&
	incident review "$id" >draft 2>/dev/null &&
	! grep -q "$(printf "\033")" draft &&
	grep -F "esc ^[]0;owned^G title" draft
'

test_done
