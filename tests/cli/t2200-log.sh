#!/bin/bash
# incident log: the timeline of one incident.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'setup' '
	git config --global user.name "Alice Example" &&
	git config --global user.email alice@example.com &&
	incident open -q -s 2 --at "2026-11-24T09:00:00Z" "API 5xx spike" >id &&
	USER=x incident note --at "2026-11-24T09:05:00Z" "$(cat id)" "first look" &&
	printf "two\nlines" | incident note "$(cat id)" -
'

test_expect_success 'log shows one line per event with actor and time' '
	incident log "$(cat id)" >out &&
	grep -E "^2026-11-24 09:00  Alice Example  opened: API 5xx spike \(SEV2\) \(logged .*\)$" out &&
	grep -E "^2026-11-24 09:05  Alice Example  noted: first look \(logged .*\)$" out &&
	grep -E "^[0-9-]+ [0-9:]+  Alice Example  noted: two$" out &&
	grep -E "^    lines$" out
'

test_expect_success 'log --json gives the events in total order' '
	incident log --json "$(cat id)" >out &&
	test "$(jq .format out)" = 1 &&
	test "$(jq -r .incident out)" = "$(cat id)" &&
	test "$(jq ".events | length" out)" = 3 &&
	jq -r ".events[].kind" out >kinds &&
	printf "opened\nnoted\nnoted\n" >expect &&
	test_cmp expect kinds &&
	jq ".events[].lamport" out >lamports &&
	sort -n lamports | uniq >sorted &&
	test_cmp sorted lamports &&
	test "$(jq -r ".events[0] | keys_unsorted | join(\" \")" out)" = "format id incident kind at recorded_at lamport replica actor payload"
'

test_expect_success 'event ids are the SHA-256 of the canonical JSON without the id' '
	incident log --json "$(cat id)" >out &&
	for i in 0 1 2; do
		want=$(jq -r ".events[$i].id" out) &&
		got=$(jq -cj ".events[$i] | del(.id)" out | sha256sum | cut -d" " -f1) &&
		test "$want" = "$got" || exit 1
	done
'

test_expect_success 'log of an unknown id is not found' '
	test_expect_code 3 incident log zzzzz 2>err &&
	test_expect_code 2 incident log 2>err
'

test_done
