#!/bin/bash
# incident list: filters, order, columns and JSON.
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'an empty store lists nothing' '
	incident list >out &&
	test_line_count = 0 out &&
	incident list --json >out &&
	test "$(jq -c .incidents out)" = "[]" &&
	test "$(jq .format out)" = 1
'

test_expect_success 'setup: incidents of several kinds' '
	incident open -q --at "3h ago" -s 1 --service api --tag customer "oldest" >a &&
	incident open -q --at "2h ago" -s 2 --service db "middle" >b &&
	incident open -q --at "1h ago" -s 3 --service api --service web "newest" >c &&
	incident open -q --at "2026-01-01T00:00:00Z" -s 4 "january" >d
'

test_expect_success 'newest first, aligned columns' '
	incident list >out &&
	test_line_count = 4 out &&
	awk "{print \$NF}" out >titles &&
	printf "newest\nmiddle\noldest\njanuary\n" >expect &&
	test_cmp expect titles &&
	grep -E "^[0-9a-z]{5,}  SEV3  open    1h 00m +newest$" out &&
	grep -E "^[0-9a-z]{5,}  SEV4  open    [0-9]+d [0-9]+h  january$" out &&
	sed "s/\[update due\] //" out | awk "{ print index(\$0, \$NF) }" | sort -u >columns &&
	test_line_count = 1 columns
'

test_expect_success '-q prints full ids in the same order' '
	incident list -q >out &&
	cat c b a d >expect &&
	test_cmp expect out
'

test_expect_success 'filters: severity, service, tag, since, limit' '
	incident list -q -s 1 >out && test_cmp a out &&
	incident list -q --severity SEV2 >out && test_cmp b out &&
	incident list -q --service api >out && cat c a >expect && test_cmp expect out &&
	incident list -q --tag customer >out && test_cmp a out &&
	incident list -q --since "150m ago" >out && cat c b >expect && test_cmp expect out &&
	incident list -q -n 1 >out && test_cmp c out &&
	incident list -q --limit 2 --service api >out && cat c a >expect && test_cmp expect out &&
	incident list -q --service nosuch >out && test_line_count = 0 out
'

test_expect_success '--status and --all' '
	incident list -q --status open >out && test_line_count = 4 out &&
	incident list -q --status resolved,closed >out && test_line_count = 0 out &&
	incident list -q --all >out && test_line_count = 4 out
'

test_expect_success '--status filters with --all too' '
	incident resolve -q "$(cat d)" >/dev/null &&
	incident list -q --all --status resolved >out && test_cmp d out &&
	incident list -q --status resolved --all >out && test_cmp d out &&
	incident list -q --all --status open >out && cat c b a >expect && test_cmp expect out &&
	incident list -q --all >out && test_line_count = 4 out &&
	incident reopen -q --reason "not over" "$(cat d)" >/dev/null &&
	incident list -q --all --status resolved >out && test_line_count = 0 out
'

test_expect_success 'list --json carries full incidents' '
	incident list --json >out &&
	test "$(jq ".incidents | length" out)" = 4 &&
	test "$(jq -r ".incidents[0].title" out)" = newest &&
	test "$(jq -c ".incidents[0].services" out)" = "[\"api\",\"web\"]" &&
	test "$(jq -r ".incidents[0].short_id" out)" = "$(incident list | head -1 | cut -d" " -f1)"
'

test_expect_success 'bad filters are usage errors' '
	test_expect_code 2 incident list --status bogus 2>err &&
	grep "unknown status" err &&
	test_expect_code 2 incident list -s 7 2>err &&
	test_expect_code 2 incident list -n 0 2>err &&
	test_expect_code 2 incident list -n x 2>err &&
	test_expect_code 2 incident list --since soon 2>err &&
	test_expect_code 2 incident list extra 2>err
'

test_expect_success TTY 'colour and a header only on a terminal, never with NO_COLOR' '
	script -qec "incident list" /dev/null >tty &&
	grep -q "$(printf "\033\\[")" tty &&
	grep -q "ID .*SEV .*STATUS .*AGE .*TITLE" tty &&
	NO_COLOR=1 script -qec "incident list" /dev/null >tty2 &&
	! grep -q "$(printf "\033\\[")" tty2 &&
	grep -q "ID .*SEV .*STATUS" tty2 &&
	incident list >plain &&
	! grep -q "$(printf "\033")" plain
'

test_expect_success TTY 'long titles are cut to the terminal width on a terminal only' '
	incident open -q "$(printf "%0200d" 0)" >/dev/null &&
	NO_COLOR=1 COLUMNS=60 script -qec "incident list" /dev/null | tr -d "\r" >tty &&
	grep -q "…$" tty &&
	awk "length > 62 { bad = 1 } END { exit bad }" tty &&
	incident list >plain &&
	grep -q "$(printf "%0200d" 0)" plain
'

test_done
