#!/bin/bash
# incident stats: ten incidents whose metrics were worked out by hand;
# every figure of stats --json checked exactly.
. "$(dirname "$0")/test-lib.sh"

# at BASE SECONDS: BASE plus SECONDS as RFC 3339
at() { date -u -d "@$(($(date -u -d "$1" +%s) + $2))" +%Y-%m-%dT%H:%M:%SZ; }

# mk NAME SEV DAY STARTED ACK MIT RES: opened on day DAY of January
# 2026 at 00:00Z; STARTED seconds before detection ("-" unknown); ACK,
# MIT, RES seconds after the start of impact ("-" not done).
mk() {
	d=$(printf "2026-01-%02dT00:00:00Z" "$3")
	if test "$4" = -; then
		id=$(incident open -q -s "$2" --at "$d" "$1") || return 1
		start=$d
	else
		start=$(at "$d" "-$4")
		id=$(incident open -q -s "$2" --at "$d" --started "$start" "$1") || return 1
	fi
	echo "$id" >"$1.id"
	test "$5" = - || incident triage -q "$id" --at "$(at "$d" "$5")" >/dev/null || return 1
	test "$6" = - || incident mitigate -q "$id" --at "$(at "$start" "$6")" >/dev/null || return 1
	test "$7" = - || incident resolve -q "$id" --at "$(at "$start" "$7")" >/dev/null || return 1
}

test_expect_success 'setup: ten incidents with known milestones' '
	#  name sev day started ack mit  res
	mk a 1 10 600 120 1800 3600 &&
	mk b 1 11 300 240 1200 2400 &&
	mk c 1 12 -   360 3000 - &&
	mk d 1 13 900 60  1500 - &&
	mk e 2 14 120 600 3600 7200 &&
	mk f 2 15 240 1200 1800 2700 &&
	mk g 2 16 -   1800 5400 - &&
	mk h 2 17 360 -   -    1500 &&
	mk i 2 18 480 300 -    - &&
	mk j 1 19 60  60  600  900 &&
	incident resolve -q "$(cat c.id)" --at 2026-01-12T01:30:00Z >/dev/null &&
	incident escalate -q "$(cat d.id)" --at 2026-01-13T00:10:00Z >/dev/null &&
	incident review -q --no-edit --done "$(cat a.id)" >/dev/null 2>&1 &&
	incident resolve -q "$(cat g.id)" --at 2026-01-16T01:35:00Z >/dev/null &&
	incident reopen -q "$(cat g.id)" --reason back --at 2026-01-16T01:37:00Z >/dev/null &&
	incident resolve -q "$(cat g.id)" --at 2026-01-16T01:40:00Z >/dev/null &&
	incident cancel -q "$(cat i.id)" --reason "false alarm" --at 2026-01-18T00:20:00Z >/dev/null
'

test_expect_success 'a drill is left out' '
	id=$(incident open -q --drill -s 1 --at 2026-01-20T00:00:00Z "game day") &&
	incident resolve -q "$id" --at 2026-01-20T09:00:00Z >/dev/null &&
	incident stats --json >s.json &&
	test "$(jq .drills_left_out s.json)" = 1 &&
	test "$(jq .total.counts.opened s.json)" = 10
'

# m GROUP METRIC: "n missing mean median p90 max"
m() {
	jq -r "(.groups[] | select(.key == \"$1\") | .metrics.$2) // .total.metrics.$2 |
		\"\(.n) \(.missing) \(.mean) \(.median) \(.p90) \(.max)\"" s.json
}

test_expect_success 'SEV1: every figure' '
	incident stats --by severity --json >s.json &&
	test "$(jq -r "[.groups[].key] | join(\",\")" s.json)" = SEV1,SEV2 &&
	test "$(m SEV1 ttd)" = "4 1 465 450 900 900" &&
	test "$(m SEV1 tta)" = "5 0 168 120 360 360" &&
	test "$(m SEV1 ttm)" = "5 0 1620 1500 3000 3000" &&
	test "$(m SEV1 ttr)" = "4 1 3075 3000 5400 5400"
'

test_expect_success 'SEV2: every figure' '
	test "$(m SEV2 ttd)" = "4 1 300 300 480 480" &&
	test "$(m SEV2 tta)" = "4 1 975 900 1800 1800" &&
	test "$(m SEV2 ttm)" = "4 1 3075 2700 5400 5400" &&
	test "$(m SEV2 ttr)" = "4 1 4350 4350 7200 7200"
'

test_expect_success 'counts and rates per group' '
	c() { jq -c ".groups[] | select(.key == \"$1\") | [.counts.opened, .counts.resolved, .counts.open, .counts.reopened, .counts.cancelled, .counts.escalated, .counts.reviewed, .escalation_rate, .review_completion]" s.json; }
	test "$(c SEV1)" = "[5,4,1,0,0,1,1,0.2,0.25]" &&
	test "$(c SEV2)" = "[5,4,0,1,1,0,0,0,0]"
'

test_expect_success 'the total over both groups' '
	test "$(jq -r .total.key s.json)" = all &&
	test "$(jq .total.counts.opened s.json)" = 10 &&
	test "$(m nosuch ttd)" = "8 2 383 330 900 900" &&
	test "$(m nosuch tta)" = "9 1 527 300 1800 1800" &&
	test "$(m nosuch ttm)" = "9 1 2267 1800 5400 5400" &&
	test "$(m nosuch ttr)" = "8 2 3713 3150 7200 7200"
'

test_expect_success '--since and --until choose by opening' '
	incident stats --json --since 2026-01-14 --until 2026-01-16 >s.json &&
	test "$(jq .total.counts.opened s.json)" = 2 &&
	test "$(m nosuch ttr)" = "2 0 4950 4950 7200 7200" &&
	incident stats --json --since 2027-01-01 >s.json &&
	test "$(jq .total.counts.opened s.json)" = 0 &&
	test "$(jq .total.metrics.ttr.mean s.json)" = null
'

test_expect_success 'by month and by service' '
	incident stats --json --by month >s.json &&
	test "$(jq -r "[.groups[].key] | join(\",\")" s.json)" = 2026-01 &&
	incident edit -q "$(cat e.id)" --field x=y >/dev/null &&
	incident reopen -q "$(cat e.id)" --reason tag >/dev/null &&
	incident triage -q "$(cat e.id)" --service api >/dev/null &&
	incident stats --json --by service >s.json &&
	test "$(jq -r "[.groups[].key] | join(\",\")" s.json)" = "api,(none)" &&
	test "$(jq ".groups[0].counts.opened" s.json)" = 1
'

test_expect_success 'text mode: a bar and the figures per group' '
	incident stats --by severity >out &&
	grep -E "^SEV1  █+ 5 opened, 4 resolved, 1 open, 0 reopened, 0 cancelled$" out &&
	grep -E "^  TTA  n 5 " out &&
	grep "(1 drill left out)" out
'

test_expect_success 'bad input' '
	test_expect_code 2 incident stats --by weekday 2>err &&
	test_expect_code 2 incident stats --since never 2>err
'

test_done
