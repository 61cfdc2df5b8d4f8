#!/bin/bash
# incident open: the first command of every incident.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'open creates the store on first use and prints the id' '
	id=$(incident open -q "API 5xx spike" -s 2 --service api) &&
	echo "$id" >id &&
	echo "$id" | grep -E "^[0-9a-hjkmnp-tv-z]{16}$" &&
	test -f "$INCIDENT_DIR/incident.db"
'

test_expect_success 'show by a 5-character prefix gives status open' '
	id=$(cat id) &&
	incident show "${id:0:5}" --json >out &&
	test "$(jq -r .incident.status out)" = open &&
	test "$(jq -r .incident.id out)" = "$id" &&
	test "$(jq -r .incident.severity out)" = 2 &&
	test "$(jq -r .incident.severity_name out)" = SEV2 &&
	test "$(jq -c .incident.services out)" = "[\"api\"]"
'

test_expect_success 'timestamps are RFC 3339 UTC' '
	incident show "$(cat id)" --json >out &&
	for k in opened_at detected_at updated_at; do
		jq -r ".incident.$k" out | grep -E "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$" || exit 1
	done
'

test_expect_success 'text output names the short id, severity and title' '
	incident open "DB slow" -s sev1 >out &&
	grep -E "^opened [0-9a-z]{5,} \(SEV1\): DB slow$" out
'

test_expect_success 'severity is accepted as 1, sev1 and SEV1; default is SEV3' '
	for s in 1 sev1 SEV1 Sev1; do
		incident open --json -s $s "sev $s" >out &&
		test "$(jq .incident.severity out)" = 1 || exit 1
	done &&
	incident open --json "default sev" >out &&
	test "$(jq -r .incident.severity_name out)" = SEV3
'

test_expect_success 'open --json has the documented shape' '
	incident open --json --service web --service api --tag customer \
		--summary "checkout fails" --commander alice "Checkout down" >out &&
	test "$(jq .format out)" = 1 &&
	test "$(jq .dry_run out)" = false &&
	test "$(jq -c .incident.services out)" = "[\"api\",\"web\"]" &&
	test "$(jq -c .incident.tags out)" = "[\"customer\"]" &&
	test "$(jq -r .incident.summary out)" = "checkout fails" &&
	test "$(jq -r .incident.roles.commander out)" = alice &&
	test "$(jq -r .incident.opened_by out)" = tester &&
	test "$(jq .incident.event_count out)" = 1
'

test_expect_success 'identity comes from git config when incident has none' '
	git config --global user.name "Git User" &&
	git config --global user.email git@example.com &&
	incident open --json "who" >out &&
	test "$(jq -r .incident.opened_by out)" = "Git User <git@example.com>" &&
	mkdir -p "$XDG_CONFIG_HOME/incident" &&
	printf "[user]\n\tname = On Call\n\temail = oncall@example.com\n" >"$XDG_CONFIG_HOME/incident/config" &&
	incident open --json "who2" >out &&
	test "$(jq -r .incident.opened_by out)" = "On Call <oncall@example.com>" &&
	rm "$XDG_CONFIG_HOME/incident/config" "$HOME/.gitconfig"
'

if me=$(id -un 2>/dev/null) && test -n "$me"; then
	test_expect_success 'without $USER (cron, systemd) the actor is the account name' '
		env -u USER incident open -q "from cron" >cron-id &&
		id=$(cat cron-id) &&
		test "$(incident show --json "$id" | jq -r .incident.opened_by)" = "$me" &&
		env -u USER incident note -q "$id" "still from cron" >/dev/null &&
		incident log --json "$id" >log &&
		test "$(jq -r "[.events[].actor] | unique | join(\",\")" log)" = "$me"
	'
else
	test_skip 'without $USER (cron, systemd) the actor is the account name' \
		"uid $(id -u) has no name in the password database"
fi

test_expect_success '--at back-dates detection; recorded time stays now' '
	incident open --json --at "2026-01-02T03:04:05Z" "old one" >out &&
	test "$(jq -r .incident.opened_at out)" = 2026-01-02T03:04:05Z &&
	test "$(jq -r .incident.detected_at out)" = 2026-01-02T03:04:05Z &&
	id=$(jq -r .incident.id out) &&
	incident log --json "$id" >log &&
	test "$(jq -r ".events[0].at" log)" = 2026-01-02T03:04:05Z &&
	test "$(jq -r ".events[0].recorded_at" log)" != 2026-01-02T03:04:05Z
'

test_expect_success '--at accepts relative times' '
	incident open --json --at "10m ago" "ten minutes" >out &&
	at=$(jq -r .incident.opened_at out) &&
	now=$(date -u +%s) &&
	then=$(date -u -d "$at" +%s) &&
	test $((now - then)) -ge 595 && test $((now - then)) -le 660
'

test_expect_success '--dry-run validates and writes nothing' '
	store_snapshot >before &&
	incident open --dry-run "not really" >out &&
	grep "^would open" out &&
	incident open --dry-run --json "not really" >out &&
	test "$(jq .dry_run out)" = true &&
	store_snapshot >after &&
	test_cmp before after
'

test_expect_success 'bad input: exit 2, one line, store unchanged' '
	store_snapshot >before &&
	test_expect_code 2 incident open 2>err && test_line_count = 1 err &&
	test_expect_code 2 incident open "" 2>err && grep "title is empty" err &&
	test_expect_code 2 incident open -s 5 x 2>err && grep "unknown severity" err &&
	test_expect_code 2 incident open -s 0 x 2>err &&
	test_expect_code 2 incident open -s SEV9 x 2>err &&
	test_expect_code 2 incident open --at "next tuesday" x 2>err &&
	grep "cannot parse time" err && test_line_count = 1 err &&
	test_expect_code 2 incident open --at "1h ago junk" x 2>err &&
	# before 1970: no event file could hold it (found by tests/fuzz)
	test_expect_code 2 incident open --at "20263w ago" x 2>err &&
	grep "out of range" err && test_line_count = 1 err &&
	test_expect_code 2 incident open "$(printf "bad \377 utf8")" 2>err &&
	grep "not valid UTF-8" err && test_line_count = 1 err &&
	test_expect_code 2 incident open "$(head -c 1001 /dev/zero | tr "\0" a)" 2>err &&
	grep "too long" err &&
	test_expect_code 2 incident open --service "has space" x 2>err &&
	test_expect_code 2 incident open --at "2099-01-01T00:00:00Z" x 2>err &&
	grep "in the future" err &&
	test_expect_code 2 incident open two words 2>err &&
	# one line, as every replica holds an imported title to
	test_expect_code 2 incident open "$(printf "two\nlines")" 2>err &&
	grep "not one line" err && test_line_count = 1 err &&
	test_expect_code 2 incident open "$(printf "carriage\rreturn")" 2>err &&
	test_expect_code 2 incident open --dedup-key "$(printf "k\nk")" x 2>err &&
	store_snapshot >after &&
	test_cmp before after
'

test_expect_success 'a title of exactly 1000 bytes is fine' '
	incident open -q "$(head -c 1000 /dev/zero | tr "\0" a)" >out &&
	test_line_count = 1 out
'

test_expect_success 'escape sequences in titles never reach the terminal raw' '
	incident open -q "$(printf "evil \033[2J\033]0;pwned\007 title")" >id2 &&
	incident list >out &&
	! grep -q "$(printf "\033")" out &&
	grep -F "evil ^[[2J^[]0;pwned^G title" out &&
	incident show "$(cat id2)" >out &&
	! grep -q "$(printf "\033")" out &&
	incident open "$(printf "bidi \342\200\256txet")" >out &&
	grep -F "bidi \\u202etxet" out
'

test_expect_success 'the JSON keeps the stored text exactly' '
	incident show "$(cat id2)" --json >out &&
	test "$(jq -r .incident.title out)" = "$(printf "evil \033[2J\033]0;pwned\007 title")"
'

test_expect_success 'a title starting with a dash follows --' '
	incident open -q -- "-5% traffic" >id3 &&
	incident show --json "$(cat id3)" >out &&
	test "$(jq -r .incident.title out)" = "-5% traffic"
'

test_expect_success 'INCIDENT_NOW is when an open happens; recorded_at stays real' '
	before=$(date -u +%s) &&
	INCIDENT_NOW=2026-03-04T05:06:07Z incident open --json "drill" >out &&
	after=$(date -u +%s) &&
	test "$(jq -r .incident.opened_at out)" = 2026-03-04T05:06:07Z &&
	test "$(jq -r .incident.detected_at out)" = 2026-03-04T05:06:07Z &&
	incident log --json "$(jq -r .incident.id out)" >log &&
	test "$(jq -r ".events[0].at" log)" = 2026-03-04T05:06:07Z &&
	rec=$(date -u -d "$(jq -r ".events[0].recorded_at" log)" +%s) &&
	test "$rec" -ge "$before" && test "$rec" -le "$after"
'

test_expect_success 'relative times count from INCIDENT_NOW' '
	export INCIDENT_NOW=2026-03-04T05:06:07Z &&
	incident open --json --at "10m ago" "ten minutes" >out &&
	test "$(jq -r .incident.opened_at out)" = 2026-03-04T04:56:07Z &&
	incident open --json --at 05:00 --started "yesterday 23:30" "today" >out &&
	test "$(jq -r .incident.opened_at out)" = 2026-03-04T05:00:00Z &&
	test "$(jq -r .incident.started_at out)" = 2026-03-03T23:30:00Z &&
	test_expect_code 2 incident open --at 06:00 "ahead of it" 2>err &&
	grep "in the future" err
'

test_expect_success 'INCIDENT_NOW may be ahead of the clock (a drill)' '
	INCIDENT_NOW=2099-01-01T00:00:00+01:00 incident open --json "later" >out &&
	test "$(jq -r .incident.opened_at out)" = 2098-12-31T23:00:00Z
'

test_expect_success 'a bad INCIDENT_NOW: exit 2, one line, store unchanged' '
	store_snapshot >before &&
	for v in yesterday 2026-03-04 "2026-03-04 05:06" 2026-13-01T00:00:00Z \
		"2026-03-04T05:06:07Z junk"; do
		test_expect_code 2 env INCIDENT_NOW="$v" incident open x 2>err &&
		test_line_count = 1 err &&
		grep "^incident: INCIDENT_NOW: .* is not an RFC 3339 time" err ||
		exit 1
	done &&
	test_expect_code 2 env INCIDENT_NOW=junk incident list 2>err &&
	store_snapshot >after &&
	test_cmp before after &&
	INCIDENT_NOW= incident open -q "empty is unset" >id4
'

test_done
