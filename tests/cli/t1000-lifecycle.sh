#!/bin/bash
# One incident through every status with back-dated times: each milestone
# and duration checked to the second.
. "$(dirname "$0")/test-lib.sh"

T0=2026-01-15T10:00:00Z

field() { jq -r ".incident.$1" show.json; }

test_expect_success 'open, back-dated, with a known start of impact' '
	incident open -q -s 2 --service api --at "$T0" \
		--started 2026-01-15T09:55:00Z "API 5xx spike" >id &&
	incident show --json "$(cat id)" >show.json &&
	test "$(field status)" = open &&
	test "$(field started_at)" = 2026-01-15T09:55:00Z &&
	test "$(field detected_at)" = 2026-01-15T10:00:00Z &&
	test "$(field acknowledged_at)" = null &&
	test "$(field durations.ttd)" = 300 &&
	test "$(field durations.tta)" = null &&
	test "$(field durations.ttr)" = null
'

test_expect_success 'triage acknowledges and classifies' '
	incident triage "$(cat id)" --at 2026-01-15T10:02:00Z -s 1 \
		--impact high --urgency high --commander alice >out &&
	grep "^triaged .*(triaged, SEV1, P1)$" out &&
	incident show --json "$(cat id)" >show.json &&
	test "$(field status)" = triaged &&
	test "$(field acknowledged_at)" = 2026-01-15T10:02:00Z &&
	test "$(field durations.tta)" = 120 &&
	test "$(field priority)" = P1 &&
	test "$(field roles.commander)" = alice
'

test_expect_success 'investigate keeps the acknowledgement' '
	incident investigate "$(cat id)" --at 2026-01-15T10:03:00Z --note "LB logs" >out &&
	incident show --json "$(cat id)" >show.json &&
	test "$(field status)" = investigating &&
	test "$(field acknowledged_at)" = 2026-01-15T10:02:00Z
'

test_expect_success 'mitigate stamps mitigated_at; TTM counts from the start' '
	incident mitigate "$(cat id)" --at 2026-01-15T10:20:00Z >out &&
	grep "TTM 25m" out &&
	incident show --json "$(cat id)" >show.json &&
	test "$(field status)" = mitigated &&
	test "$(field mitigated_at)" = 2026-01-15T10:20:00Z &&
	test "$(field durations.ttm)" = 1500
'

test_expect_success 'resolve stamps resolved_at and the resolution' '
	incident resolve "$(cat id)" --at 2026-01-15T10:45:00Z \
		--summary "rolled back 4812" --cause "bad config push" >out &&
	grep "TTR 50m" out &&
	incident show --json "$(cat id)" >show.json &&
	test "$(field status)" = resolved &&
	test "$(field resolved_at)" = 2026-01-15T10:45:00Z &&
	test "$(field resolution)" = "rolled back 4812" &&
	test "$(field cause)" = "bad config push" &&
	test "$(field durations.ttd)" = 300 &&
	test "$(field durations.tta)" = 120 &&
	test "$(field durations.ttm)" = 1500 &&
	test "$(field durations.ttr)" = 3000
'

test_expect_success 'reopen goes back to investigating and clears the resolution time' '
	incident reopen "$(cat id)" --at 2026-01-15T11:00:00Z --reason "errors are back" &&
	incident show --json "$(cat id)" >show.json &&
	test "$(field status)" = investigating &&
	test "$(field resolved_at)" = null &&
	test "$(field reopen_count)" = 1 &&
	test "$(field mitigated_at)" = 2026-01-15T10:20:00Z &&
	test "$(field durations.ttr)" = null
'

test_expect_success 'resolved again: TTR is to the final resolution' '
	incident resolve "$(cat id)" --at 2026-01-15T11:30:00Z &&
	incident show --json "$(cat id)" >show.json &&
	test "$(field resolved_at)" = 2026-01-15T11:30:00Z &&
	test "$(field durations.ttr)" = 5700 &&
	test "$(field event_count)" = 7
'

test_expect_success 'show prints the milestones and durations' '
	incident show "$(cat id)" >out &&
	grep -E "^  acknowledged 2026-01-15 10:02 " out &&
	grep -E "^  mitigated +2026-01-15 10:20 " out &&
	grep -E "^  resolved +2026-01-15 11:30 " out &&
	grep -E "^  durations +TTD 5m, TTA 2m, TTM 25m, TTR 1h 35m$" out
'

test_expect_success 'the log has every step in order, back-dating visible' '
	incident log "$(cat id)" >log &&
	awk "{print \$4}" log | tr -d : >kinds &&
	printf "%s\n" opened triaged investigating mitigated resolved reopened resolved >expect &&
	test_cmp expect kinds &&
	grep -c "(logged " log >n && test "$(cat n)" = 7
'

test_expect_success 'resolving straight from open fills the mitigation, never the acknowledgement' '
	incident open -q --at 2026-01-16T08:00:00Z "auto-resolved" >id2 &&
	incident resolve "$(cat id2)" --at 2026-01-16T08:07:00Z &&
	incident show --json "$(cat id2)" >show.json &&
	test "$(field acknowledged_at)" = null &&
	test "$(field durations.tta)" = null &&
	test "$(field mitigated_at)" = 2026-01-16T08:07:00Z &&
	test "$(field resolved_at)" = 2026-01-16T08:07:00Z &&
	test "$(field durations.ttd)" = null &&
	test "$(field durations.ttr)" = 420
'

test_expect_success 'mitigating without acknowledging fills the acknowledgement' '
	incident open -q --at 2026-01-17T08:00:00Z "quick fix" >id3 &&
	incident mitigate "$(cat id3)" --at 2026-01-17T08:05:00Z &&
	incident show --json "$(cat id3)" >show.json &&
	test "$(field acknowledged_at)" = 2026-01-17T08:05:00Z &&
	test "$(field durations.tta)" = 300
'

test_expect_success 'milestones keep their order (exit 2, nothing written)' '
	incident open -q --at 2026-01-18T08:00:00Z "ordered" >id4 &&
	incident mitigate "$(cat id4)" --at 2026-01-18T08:30:00Z &&
	store_snapshot >before &&
	test_expect_code 2 incident resolve "$(cat id4)" --at 2026-01-18T08:10:00Z 2>err &&
	grep "before it was mitigated" err &&
	test_expect_code 2 incident triage "$(cat id4)" --at 2026-01-18T07:00:00Z 2>err &&
	grep ": opened at .*, after that time" err &&
	test_expect_code 2 incident resolve "$(cat id4)" --at "2099-01-01T00:00:00Z" 2>err &&
	store_snapshot >after &&
	test_cmp before after
'

test_expect_success '--started after detection is refused' '
	test_expect_code 2 incident open --at 2026-01-18T08:00:00Z \
		--started 2026-01-18T09:00:00Z "x" 2>err &&
	grep "cannot start after" err &&
	test_expect_code 2 incident triage "$(cat id4)" --started 2026-01-18T09:00:00Z 2>err
'

test_expect_success 'triage --started sets TTD later' '
	incident open -q --at 2026-01-19T08:00:00Z "late start" >id5 &&
	incident triage "$(cat id5)" --at 2026-01-19T08:01:00Z --started 2026-01-19T07:30:00Z &&
	incident show --json "$(cat id5)" >show.json &&
	test "$(field durations.ttd)" = 1800
'

test_done
